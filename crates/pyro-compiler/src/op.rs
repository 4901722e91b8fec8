//! The instruction set, defined once: the `instructions!` table generates the
//! `Op` enum (fixed-size operands, 8 bytes per instruction) and its names,
//! which the disassembler and the VM's error paths use.
//!
//! The VM is a stack machine whose locals live in slots at the base of each
//! frame's window of the fiber's value stack. Operand meanings:
//! `slot` = local slot, `cell` = index into the closure's captured cells,
//! `global` = module global index, `name` = index into the code object's
//! name table, `konst` = index into its constant table, `target` = pc.

macro_rules! instructions {
    ($( $(#[$doc:meta])* $name:ident $( ( $($arg:ident : $ty:ty),* ) )? ; )*) => {
        /// One instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Op {
            $( $(#[$doc])* $name $( ( $($ty),* ) )?, )*
        }

        impl Op {
            /// The instruction's name, as the disassembler prints it.
            pub fn name(&self) -> &'static str {
                match self { $( Op::$name { .. } => stringify!($name), )* }
            }
        }

        /// Every instruction name, in table order.
        pub const OP_NAMES: &[&str] = &[ $( stringify!($name), )* ];
    };
}

instructions! {
    /// Does nothing (a patched-out instruction).
    Nop;
    /// Push `consts[konst]`.
    LoadConst(konst: u32);
    /// Push a small int.
    LoadInt(value: i32);
    LoadNone;
    LoadTrue;
    LoadFalse;
    /// Push the value in a local slot.
    LoadLocal(slot: u32);
    /// Push a local that may not have a value yet (NameError if so).
    LoadLocalChecked(slot: u32);
    /// Pop into a local slot.
    StoreLocal(slot: u32);
    /// Push the value of the cell held in a local slot.
    LoadCell(slot: u32);
    /// Pop into the cell held in a local slot.
    StoreCell(slot: u32);
    /// Pop into a new cell placed in the slot (a `let` of a captured variable:
    /// each execution binds a distinct variable).
    StoreFreshCell(slot: u32);
    /// Push the value of a captured cell of the running closure.
    LoadFree(cell: u32);
    /// Pop into a captured cell of the running closure.
    StoreFree(cell: u32);
    /// Push the cell object in a local slot (to build a closure).
    PushLocalCell(slot: u32);
    /// Push a captured cell object of the running closure (to build a closure).
    PushFreeCell(cell: u32);
    LoadGlobal(global: u32);
    StoreGlobal(global: u32);
    /// `LoadGlobal` for the callee of the `Call` that follows, which alone
    /// consumes it: a function is pushed in a form that `Call` moves out
    /// without a wide read (see the VM's `Value::Callee`).
    LoadCallee(global: u32);
    /// Push a module-level name looked up at run time, in the module and then
    /// in the modules it star-imported (`import "lib.pyro"`).
    LoadName(name: u32);
    /// Push a prelude builtin (a `pyro_builtins::Builtin` index).
    LoadBuiltin(id: u16);
    /// `local += value`, appending in place when the local's string or list
    /// has no other owner (so building a string in a loop is linear).
    AddToLocal(slot: u32);
    /// The same for a module global.
    AddToGlobal(global: u32);
    Pop;
    Dup;
    /// Duplicate the two top values.
    DupTwo;
    /// Swap the two top values.
    RotTwo;
    /// Move the top value below the next two.
    RotThree;
    Add;
    Sub;
    Mul;
    Div;
    Mod;
    Pow;
    BitAnd;
    BitOr;
    BitXor;
    Shl;
    Shr;
    Neg;
    Pos;
    Invert;
    Not;
    Eq;
    Ne;
    Lt;
    Le;
    Gt;
    Ge;
    In;
    NotIn;
    Is;
    IsNot;
    /// `top + value` (a fused `LoadInt value; Add`), and so on: the
    /// arithmetic and comparisons of the top value with a small int.
    AddInt(value: i32);
    SubInt(value: i32);
    MulInt(value: i32);
    ModInt(value: i32);
    LtInt(value: i32);
    LeInt(value: i32);
    GtInt(value: i32);
    GeInt(value: i32);
    EqInt(value: i32);
    NeInt(value: i32);
    /// `local + value` and `local - value` pushed without pushing the local
    /// first (a fused `LoadLocal; AddInt` / `LoadLocal; SubInt`: `n - 1`).
    /// Like every fused read of a local, the slot may hold a cell if the
    /// variable was captured after the instruction was compiled.
    LocalAddInt(slot: u16, value: i32);
    LocalSubInt(slot: u16, value: i32);
    /// `local < value` and so on (a fused `LoadLocal; LtInt`): `if n < 2:`.
    LocalLtInt(slot: u16, value: i32);
    LocalLeInt(slot: u16, value: i32);
    LocalGtInt(slot: u16, value: i32);
    LocalGeInt(slot: u16, value: i32);
    LocalEqInt(slot: u16, value: i32);
    LocalNeInt(slot: u16, value: i32);
    Jump(target: u32);
    /// Pop; jump if false.
    JumpIfFalse(target: u32);
    /// Pop; jump if true.
    JumpIfTrue(target: u32);
    /// `and`: jump keeping the value if false, else pop it.
    JumpIfFalseOrPop(target: u32);
    /// `or`: jump keeping the value if true, else pop it.
    JumpIfTrueOrPop(target: u32);
    /// Replace the top value with an iterator over it.
    GetIter;
    /// Push the iterator's next value, or pop the iterator and jump when done.
    ForIter(target: u32);
    /// Call the value below `argc` arguments.
    Call(argc: u32);
    /// Call with keyword arguments: the last `names.len()` arguments are
    /// keywords named by the tuple constant `names`.
    CallKw(argc: u16, names: u32);
    /// `f(*args, **kwargs)`: stack `[f, args_tuple, kwargs_dict]`.
    CallEx;
    /// `receiver.name(args)` without creating a bound method.
    CallMethod(argc: u16, name: u32);
    GetAttr(name: u32);
    /// `local.name` without pushing the local (a fused `LoadLocal; GetAttr`;
    /// the slot may hold a cell if the variable was captured later).
    GetLocalAttr(slot: u16, name: u32);
    /// `local.name = top` (a fused `LoadLocal; RotTwo; SetAttr`).
    SetLocalAttr(slot: u16, name: u32);
    /// Stack `[object, value]`.
    SetAttr(name: u32);
    /// Stack `[object, index]`.
    GetIndex;
    /// Stack `[object, index, value]`.
    SetIndex;
    BuildList(count: u32);
    BuildTuple(count: u32);
    BuildSet(count: u32);
    /// From `count` key/value pairs.
    BuildDict(count: u32);
    /// Stack `[start, stop, step]` (None for a missing part).
    BuildSlice;
    /// Stack `[start, end]`; `inclusive` is 0 or 1.
    BuildRange(inclusive: u8);
    /// Concatenate `count` strings (f-strings).
    BuildString(count: u32);
    /// Format the value for an f-string. `flags`: bit 0 = a spec string is on
    /// top of the value; bits 1-2 = conversion (1 `!s`, 2 `!r`, 3 `!a`).
    FormatValue(flags: u8);
    /// Push an empty mutable list (1), set (2) or dict (3) for a comprehension.
    NewBuilder(kind: u8);
    /// Append the top value to the builder `depth` values below it.
    ListAppend(depth: u32);
    SetAdd(depth: u32);
    /// Stack `[..., builder, ..., key, value]`.
    DictInsert(depth: u32);
    /// Extend the builder `depth` values below the top with the items of the top value.
    ListExtend(depth: u32);
    /// Turn the builder on top into its immutable collection.
    Freeze;
    /// Stack `[value, name_1, type_1, ... name_n, type_n]`: apply type
    /// arguments (the tuple constant `konst` of type strings) to the value.
    /// `chan<T>` keeps its element type, checked on every push, with the
    /// values of the names written in it (`Msg`, `shapes.Circle`); functions
    /// and classes are unchanged (generics are erased at run time).
    Specialize(konst: u32, count: u16);
    /// Push the value of a type alias that is not a single name
    /// (`type Shape = Circle | Square`): `consts[konst]` is the tuple of its
    /// name, its type as written and its type parameters.
    MakeAlias(konst: u32);
    /// Replace a sequence with its `count` items (first item on top).
    UnpackSequence(count: u32);
    /// Unpacking with a starred target: `before` items, a list, `after` items.
    UnpackStar(before: u16, after: u16);
    /// Create a function from the code constant. `flags`: bit 0 = a tuple of
    /// defaults is on the stack, bit 1 = a tuple of captured cells (on top).
    MakeFunction(konst: u32, flags: u8);
    /// Stack `[bases_tuple, name_1, value_1, ... name_n, value_n]` → a class
    /// named `consts[konst]`.
    MakeClass(konst: u32, count: u16);
    /// Stack `[field_names_tuple, defaults_tuple, name_1, value_1, ...]` → a
    /// record type named `consts[konst]`.
    MakeRecord(konst: u32, count: u16);
    /// Stack `[name_1, signature_arity_1, ...]` → an interface (structural).
    MakeInterface(konst: u32, count: u16);
    Return;
    /// `LoadNone; Return` fused: the implicit return at the end of a
    /// function body, and `return` without a value.
    ReturnNone;
    /// `return local` (a fused `LoadLocal; Return`).
    ReturnLocal(slot: u32);
    /// `form`: 0 re-raise the error being handled (on top), 1 raise the top
    /// value, 2 raise `[exc, cause]`.
    Raise(form: u8);
    /// Enter a protected region: on error, unwind to this frame's stack depth,
    /// push the error and jump to `target`.
    SetupTry(target: u32);
    /// Leave the innermost protected region.
    PopTry;
    /// Stack `[error, class_or_tuple]` → `[error, bool]`.
    MatchError;
    /// Push a module (`consts[konst]` is its path, dotted or a file string).
    Import(konst: u32);
    /// Stack `[module]` → `[module, member]`.
    ImportFrom(name: u32);
    /// Pop a module and make its names visible to `LoadName` in this module
    /// (`import "lib.pyro"`, `from m import *`).
    ImportStar;
    /// Push the `super()` proxy of the running method (self is local 0).
    LoadSuper;
    /// `go f(args)`: like `Call`, but runs the call as a new task and pushes
    /// its handle.
        ///
    /// The top bit of `argc` (`GO_DETACHED`) marks a `go` statement: no
    /// handle is pushed, and an uncaught error in the task is fatal.
    Go(argc: u32);
    /// Replace a record with its field `index`, for positional class
    /// patterns in `match` (`case Point(x, y):`); a value of a built-in type
    /// is its own only positional field (`case int(n):`). `MatchClass` has
    /// checked the count.
    MatchField(index: u32);
    /// `select`: the stack holds each case's operands in order (a channel,
    /// plus the value for a send); `konst` is a tuple of case kinds (0
    /// receive, 1 receive with `ok`, 2 send). Pushes `(index, ok, value)`;
    /// index -1 means no case was ready and the `else` branch runs.
    Select(konst: u32, has_else: u8);
    /// `go f(args, k=v)`.
    GoKw(argc: u16, names: u32);
    /// `raise X` / `from X`: an error class on top is replaced by a new
    /// instance of it, called with no arguments (as Python does); any other
    /// value is left as it is.
    ErrorInstance;
    /// `super(cls, obj)`: stack `[class, receiver]` → the proxy that looks
    /// methods up from the base of `class`, bound to `receiver`.
    BuildSuper;
    /// A class pattern (`case Point(x, y):`): stack `[subject, class]` →
    /// `[bool]`, whether the subject is an instance of the class. When it
    /// is, the class must accept `positional` positional sub-patterns (a
    /// record: one per field; a built-in type: one, the subject itself; a
    /// class: none), else `TypeError`.
    MatchClass(positional: u32);
}

/// Flag in the `argc` of `Go` (bit 31) and `GoKw` (bit 15) for a `go`
/// statement, whose task handle is discarded.
pub const GO_DETACHED: u32 = 1 << 31;
pub const GO_KW_DETACHED: u16 = 1 << 15;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_eight_bytes() {
        assert_eq!(std::mem::size_of::<Op>(), 8);
    }

    #[test]
    fn names_come_from_the_table() {
        assert_eq!(Op::LoadConst(3).name(), "LoadConst");
        assert!(OP_NAMES.contains(&"ForIter"));
    }
}
