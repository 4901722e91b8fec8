//! The compiler's machinery: per-function state, scopes and name
//! resolution, the code builder, and function/module assembly. Statements
//! are compiled in `stmt.rs`, expressions in `expr.rs`.
//!
//! Names resolve at compile time. Inside a function a name is, in order: a
//! binding of an enclosing block or of the function (a slot), a binding of an
//! enclosing function (captured through a cell), a module global (a slot in the
//! module's table), or a prelude builtin. Each `let` makes a new binding with
//! its own slot; assignment to a name that none of those define declares it at
//! function level, hoisted as in Python. When an inner function captures a
//! binding, the loads and stores already emitted for it are patched to go
//! through a cell, so one pass suffices.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use pyro_builtins::{Builtin, Kind};
use pyro_parser::ast::{self, Expr, ExprKind, Stmt, StmtKind};
use pyro_source::Span;

use crate::code::{Code, CodeKind, Const, Param, ParamKind};
use crate::error::CompileError;
use crate::op::Op;

pub(crate) type BindingId = usize;

#[derive(Debug)]
pub(crate) struct Binding {
    pub slot: u32,
    pub mutable: bool,
    /// Captured by an inner function: lives in a cell.
    pub cell: bool,
    /// Declared by `let`/`mut` (a fresh variable each time the declaration runs).
    pub declared_by_let: bool,
    /// May be read before it has a value (hoisted function-level variables).
    pub maybe_unbound: bool,
    /// Declared by `class`/`record` (so `except Name:` is a typed clause).
    pub is_class: bool,
    /// A class attribute, seen by bare name further down the class body
    /// but not inside its methods (as in Python).
    pub class_attr: bool,
    pub span: Span,
    /// Instructions that use the slot, patched if the binding becomes a cell.
    pub uses: Vec<usize>,
}

/// One module-level variable. A name may have several: a top-level
/// `let`/`mut` after an earlier binding of the name is a new variable from
/// its line on (LANGUAGE.md §4).
#[derive(Debug, Clone)]
pub(crate) struct GlobalInfo {
    pub mutable: bool,
    pub is_class: bool,
    /// Where it is declared (its scope starts here).
    pub span: Span,
}

/// Where a captured cell comes from in the enclosing function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FreeSource {
    Local(u32),
    Free(u32),
}

pub(crate) struct LoopCtx {
    pub continue_target: u32,
    pub breaks: Vec<usize>,
    /// A `for` loop keeps its iterator on the stack.
    pub has_iterator: bool,
    /// Depth of the try stack when the loop began.
    pub try_depth: usize,
}

/// What leaving a protected region on a normal path (return, break,
/// continue) must do.
#[derive(Clone, Copy)]
pub(crate) enum Exit<'a> {
    /// Just leave (an `except` region).
    PopOnly,
    /// Run a `finally` body (borrowed from the module's tree: the stack of
    /// exits is copied at every `return`, `break` and `continue`).
    Finally(&'a [Stmt]),
    /// Call `__exit__(None)` on the context manager in this slot.
    LeaveContext(u32),
}

pub(crate) struct FnState<'a> {
    pub kind: CodeKind,
    pub name: Arc<str>,
    pub ops: Vec<Op>,
    pub spans: Vec<(u32, Span)>,
    pub consts: Vec<Const>,
    pub const_index: HashMap<ConstKey, u32>,
    pub names: Vec<Arc<str>>,
    pub name_index: HashMap<Arc<str>, u32>,
    pub bindings: Vec<Binding>,
    pub local_names: Vec<Arc<str>>,
    /// Block scopes, innermost last; `scopes[0]` is the function level.
    pub scopes: Vec<HashMap<String, BindingId>>,
    pub free: Vec<(Arc<str>, FreeSource)>,
    /// Where each entry of `free` is (a function may capture thousands).
    pub free_index: HashMap<(Arc<str>, FreeSource), u32>,
    pub params: Vec<Param>,
    pub loops: Vec<LoopCtx>,
    pub tries: Vec<Exit<'a>>,
    /// Hidden slots holding the error of each enclosing `except` body.
    pub handled_errors: Vec<u32>,
    pub span: Span,
    /// The latest position a jump may land on (see [`Compiler::fuse`]).
    pub jump_target: Option<usize>,
}

#[derive(Hash, PartialEq, Eq)]
pub(crate) enum ConstKey {
    Int(i64),
    Float(u64),
    Str(Arc<str>),
}

impl FnState<'_> {
    fn new<'a>(kind: CodeKind, name: &str, span: Span) -> FnState<'a> {
        FnState {
            kind,
            name: name.into(),
            ops: Vec::new(),
            jump_target: None,
            spans: Vec::new(),
            consts: Vec::new(),
            const_index: HashMap::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            bindings: Vec::new(),
            local_names: Vec::new(),
            scopes: vec![HashMap::new()],
            free: Vec::new(),
            free_index: HashMap::new(),
            params: Vec::new(),
            loops: Vec::new(),
            tries: Vec::new(),
            handled_errors: Vec::new(),
            span,
        }
    }
}

/// How a name read resolves.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved {
    Local(BindingId),
    Free(u32),
    Global(u32),
    Builtin(Builtin),
    /// Looked up by name at run time (modules with star imports).
    Dynamic,
}

pub struct Compiler<'a> {
    pub(crate) fns: Vec<FnState<'a>>,
    /// The module variables of each name (global indices, in source order).
    pub(crate) globals: HashMap<String, Vec<u32>>,
    /// Each global's name and declaration, by index.
    pub(crate) global_names: Vec<Arc<str>>,
    pub(crate) global_info: Vec<GlobalInfo>,
    /// The module star-imports another, so unknown names resolve at run time.
    pub(crate) dynamic_names: bool,
    pub(crate) errors: Vec<CompileError>,
    /// Instructions emitted so far, in every code object of the module.
    pub(crate) emitted: usize,
    /// How many the module may compile to (see [`instruction_budget`]).
    pub(crate) budget: usize,
    /// The module went past its budget: the rest is not compiled.
    pub(crate) too_large: bool,
    /// Undefined names reported so far (only the first few get a "did you
    /// mean" search through every visible name).
    pub(crate) undefined: usize,
    /// Names the `case` pattern being compiled has bound so far.
    pub(crate) pattern_bound: HashSet<String>,
}

/// Most instructions a module of `source_len` bytes may compile to. A
/// `finally` body is compiled once for each way out of its `try` (`return`,
/// `break`, `continue`), and `finally` bodies nest, so a small file can ask
/// for exponentially much code; past the budget the module is refused with
/// an error instead, after work and memory in proportion to its size. Code
/// compiles to well under one instruction per byte (a list literal of two
/// million items is six megabytes and two million instructions), so the
/// budget leaves a wide margin.
pub fn instruction_budget(source_len: usize) -> usize {
    (1 << 20) + 16 * source_len
}

/// Undefined names that get a "did you mean" suggestion (each costs a
/// search through every visible name).
const SUGGESTED_NAMES: usize = 100;

/// Options for [`compile_module_with`].
#[derive(Default)]
pub struct CompileOptions<'a> {
    /// Names defined by the host before the module runs (embedder functions):
    /// mutable module globals the VM fills in.
    pub predeclared: &'a [&'a str],
    /// Make the module return the value of its last statement when that is
    /// an expression (for embedders evaluating snippets).
    pub return_last_expr: bool,
}

/// The global every module has: its name (`__main__` for the program run).
pub const MODULE_NAME: &str = "__name__";

/// Compiles a parsed module into its code object (or every error found).
pub fn compile_module(module: &ast::Module, name: &str) -> Result<Arc<Code>, Vec<CompileError>> {
    compile_module_with(module, name, &CompileOptions::default())
}

/// [`compile_module`] with options.
pub fn compile_module_with(
    module: &ast::Module,
    name: &str,
    options: &CompileOptions<'_>,
) -> Result<Arc<Code>, Vec<CompileError>> {
    let mut c = Compiler {
        fns: vec![FnState::new(CodeKind::Module, name, module.span)],
        globals: HashMap::new(),
        global_names: Vec::new(),
        global_info: Vec::new(),
        dynamic_names: false,
        errors: Vec::new(),
        emitted: 0,
        budget: instruction_budget(module.span.len() as usize),
        too_large: false,
        undefined: 0,
        pattern_bound: HashSet::new(),
    };
    for name in options.predeclared {
        c.new_global(name, module.span.start(), true, false);
    }
    c.declare_module_names(&module.body);
    // Every module has its name as a global, which the VM sets when it
    // loads the module (`if __name__ == "__main__":`); declared at the
    // module's start, numbered after the program's own globals (so their
    // numbering does not depend on it).
    c.new_global(MODULE_NAME, module.span.start(), true, false);
    let (last, body) = match module.body.split_last() {
        Some((last, rest))
            if options.return_last_expr && matches!(last.kind, StmtKind::Expr(_)) =>
        {
            (Some(last), rest)
        }
        _ => (None, &module.body[..]),
    };
    c.block(body);
    match last.map(|s| &s.kind) {
        Some(StmtKind::Expr(e)) => {
            c.expr(e);
        }
        _ => {
            c.emit(Op::LoadNone, module.span.end());
        }
    }
    c.emit(Op::Return, module.span.end());
    let state = c.fns.pop().expect("the module state");
    let mut code = c.finish(state);
    code.global_names = c.global_names.clone();
    if c.errors.is_empty() {
        Ok(Arc::new(code))
    } else {
        c.errors.sort_by_key(|e| e.span().lo);
        Err(c.errors)
    }
}

impl<'a> Compiler<'a> {
    pub(crate) fn f(&mut self) -> &mut FnState<'a> {
        self.fns.last_mut().expect("a function is being compiled")
    }

    pub(crate) fn error(&mut self, e: CompileError) {
        self.errors.push(e);
    }

    pub(crate) fn at_module_level(&self) -> bool {
        self.fns.len() == 1
    }

    // ------------------------------------------------------------ emitting

    pub(crate) fn emit(&mut self, op: Op, span: Span) -> usize {
        self.emitted += 1;
        if self.emitted > self.budget && !self.too_large {
            self.too_large = true;
            self.error(CompileError::TooLarge {
                span,
                limit: self.budget,
            });
        }
        if let Some(pc) = self.fuse(op, span) {
            return pc;
        }
        let f = self.f();
        let pc = f.ops.len();
        if f.spans.last().is_none_or(|(_, s)| *s != span) {
            f.spans.push((pc as u32, span));
        }
        f.ops.push(op);
        pc
    }

    /// Superinstructions: `LoadInt k` followed by an arithmetic or
    /// comparison instruction becomes one instruction with `k` as its
    /// operand (`n - 1`, `i % 7`, `n < 2`), unless a jump lands between the
    /// two. The fused instruction takes the operator's span, so errors point
    /// at the operation.
    fn fuse(&mut self, op: Op, span: Span) -> Option<usize> {
        let f = self.f();
        let pc = f.ops.len();
        if pc == 0 || f.jump_target == Some(pc) {
            return None;
        }
        // `local.name = value`: [LoadLocal s, RotTwo] + SetAttr.
        if let (Op::SetAttr(n), Some(&[Op::LoadLocal(s), Op::RotTwo])) =
            (op, f.ops.get(pc.saturating_sub(2)..pc))
        {
            let at = pc - 2;
            if f.jump_target != Some(pc - 1) && pc >= 2 {
                if let Ok(s) = u16::try_from(s) {
                    f.ops.truncate(at);
                    f.ops.push(Op::SetLocalAttr(s, n));
                    drop_spans_from(&mut f.spans, at);
                    f.spans.push((at as u32, span));
                    return Some(at);
                }
            }
            return None;
        }
        let mut fused = match (f.ops[pc - 1], op) {
            (Op::LoadLocal(s), Op::GetAttr(n)) => Op::GetLocalAttr(u16::try_from(s).ok()?, n),
            (Op::LoadLocal(s), Op::Return) => Op::ReturnLocal(s),
            (Op::LoadInt(k), op) => Self::with_int(op, k)?,
            (Op::LoadNone, Op::Return) => Op::ReturnNone,
            _ => return None,
        };
        let mut at = pc - 1;
        // `LoadLocal s; LoadInt k; Sub` fuses twice: `n - 1` reads the local
        // in place (`LocalSubInt`), unless a jump lands on the `LoadInt`.
        if let (Some(&Op::LoadLocal(s)), true) = (
            at.checked_sub(1).and_then(|i| f.ops.get(i)),
            f.jump_target != Some(at),
        ) {
            if let Some(local) = u16::try_from(s)
                .ok()
                .and_then(|s| Self::with_local(fused, s))
            {
                f.ops.truncate(at);
                drop_spans_from(&mut f.spans, at);
                at -= 1;
                fused = local;
            }
        }
        f.ops[at] = fused;
        match f.spans.last_mut() {
            Some((start, s)) if *start as usize == at => *s = span,
            _ => f.spans.push((at as u32, span)),
        }
        Some(at)
    }

    /// `op` with a small int constant as its right operand, if it has such
    /// a form.
    fn with_int(op: Op, k: i32) -> Option<Op> {
        Some(match op {
            Op::Add => Op::AddInt(k),
            Op::Sub => Op::SubInt(k),
            Op::Mul => Op::MulInt(k),
            Op::Mod => Op::ModInt(k),
            Op::Lt => Op::LtInt(k),
            Op::Le => Op::LeInt(k),
            Op::Gt => Op::GtInt(k),
            Op::Ge => Op::GeInt(k),
            Op::Eq => Op::EqInt(k),
            Op::Ne => Op::NeInt(k),
            _ => return None,
        })
    }

    /// The local-operand form of an instruction with a small int operand
    /// (`AddInt k` after `LoadLocal s` becomes `LocalAddInt(s, k)`).
    fn with_local(op: Op, s: u16) -> Option<Op> {
        Some(match op {
            Op::AddInt(k) => Op::LocalAddInt(s, k),
            Op::SubInt(k) => Op::LocalSubInt(s, k),
            Op::LtInt(k) => Op::LocalLtInt(s, k),
            Op::LeInt(k) => Op::LocalLeInt(s, k),
            Op::GtInt(k) => Op::LocalGtInt(s, k),
            Op::GeInt(k) => Op::LocalGeInt(s, k),
            Op::EqInt(k) => Op::LocalEqInt(s, k),
            Op::NeInt(k) => Op::LocalNeInt(s, k),
            _ => return None,
        })
    }

    /// The current position, as a jump target.
    pub(crate) fn pc(&mut self) -> u32 {
        let f = self.f();
        f.jump_target = Some(f.ops.len());
        f.ops.len() as u32
    }

    /// Points the jump at `at` to the current position.
    pub(crate) fn patch(&mut self, at: usize) {
        let here = self.pc();
        let op = &mut self.f().ops[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(here),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(here),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(here),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(here),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(here),
            Op::ForIter(_) => Op::ForIter(here),
            Op::SetupTry(_) => Op::SetupTry(here),
            other => other,
        };
    }

    pub(crate) fn konst(&mut self, value: Const) -> u32 {
        let key = match &value {
            Const::Int(n) => Some(ConstKey::Int(*n)),
            Const::Float(x) => Some(ConstKey::Float(x.to_bits())),
            Const::Str(s) => Some(ConstKey::Str(s.clone())),
            _ => None,
        };
        let f = self.f();
        if let Some(key) = &key {
            if let Some(&i) = f.const_index.get(key) {
                return i;
            }
        }
        let i = f.consts.len() as u32;
        f.consts.push(value);
        if let Some(key) = key {
            f.const_index.insert(key, i);
        }
        i
    }

    pub(crate) fn str_const(&mut self, s: &str) -> u32 {
        self.konst(Const::Str(s.into()))
    }

    pub(crate) fn name(&mut self, name: &str) -> u32 {
        let f = self.f();
        if let Some(&i) = f.name_index.get(name) {
            return i;
        }
        let i = f.names.len() as u32;
        let name: Arc<str> = name.into();
        f.names.push(name.clone());
        f.name_index.insert(name, i);
        i
    }

    // ------------------------------------------------------------ scopes

    pub(crate) fn push_scope(&mut self) {
        self.f().scopes.push(HashMap::new());
    }

    pub(crate) fn pop_scope(&mut self) {
        self.f().scopes.pop();
    }

    /// A new binding in the innermost scope (or at function level).
    pub(crate) fn declare(
        &mut self,
        name: &str,
        span: Span,
        mutable: bool,
        by_let: bool,
        function_level: bool,
    ) -> BindingId {
        let f = self.f();
        let slot = f.local_names.len() as u32;
        f.local_names.push(name.into());
        let id = f.bindings.len();
        f.bindings.push(Binding {
            slot,
            mutable,
            cell: false,
            declared_by_let: by_let,
            maybe_unbound: false,
            is_class: false,
            class_attr: false,
            span,
            uses: Vec::new(),
        });
        let scope = if function_level {
            0
        } else {
            f.scopes.len() - 1
        };
        f.scopes[scope].insert(name.to_string(), id);
        id
    }

    /// An anonymous slot for a compiler temporary.
    pub(crate) fn hidden_slot(&mut self, what: &str) -> u32 {
        let f = self.f();
        let slot = f.local_names.len() as u32;
        f.local_names.push(format!("<{what}>").into());
        slot
    }

    fn lookup_in(f: &FnState, name: &str) -> Option<BindingId> {
        f.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// A binding of an enclosing function, as seen from a function nested
    /// in it: class attributes are not visible inside methods.
    fn lookup_enclosing(f: &FnState, name: &str) -> Option<BindingId> {
        f.scopes
            .iter()
            .rev()
            .filter_map(|s| s.get(name).copied())
            .find(|&id| !f.bindings[id].class_attr)
    }

    /// The module variable `name` means at source position `at`: the last
    /// one declared at or before it, else (a function referring to a name
    /// defined further down) the first.
    pub(crate) fn global_at(&self, name: &str, at: u32) -> Option<u32> {
        let all = self.globals.get(name)?;
        let before = all.partition_point(|&i| self.global_info[i as usize].span.lo <= at);
        Some(all[before.saturating_sub(1)])
    }

    /// The module variable `name` declared at or before `at`, if any: what
    /// an assignment at `at` may update.
    fn global_declared_by(&self, name: &str, at: u32) -> Option<u32> {
        let all = self.globals.get(name)?;
        let before = all.partition_point(|&i| self.global_info[i as usize].span.lo <= at);
        before.checked_sub(1).map(|k| all[k])
    }

    /// How a read of `name` at `at` resolves.
    pub(crate) fn resolve(&mut self, name: &str, at: u32) -> Option<Resolved> {
        self.resolve_for(name, at, false)
    }

    /// How `name` at `at` resolves, for a read or (`store`) an assignment:
    /// an assignment sees a variable of an enclosing function or of the
    /// module only when that is declared earlier in the source (LANGUAGE.md
    /// §4), a read also one declared further down.
    fn resolve_for(&mut self, name: &str, at: u32, store: bool) -> Option<Resolved> {
        let depth = self.fns.len() - 1;
        if let Some(id) = Self::lookup_in(&self.fns[depth], name) {
            return Some(Resolved::Local(id));
        }
        for k in (0..depth).rev() {
            if let Some(id) = Self::lookup_enclosing(&self.fns[k], name) {
                if !store || self.fns[k].bindings[id].span.lo <= at {
                    return Some(Resolved::Free(self.capture(k, id, name)));
                }
            }
        }
        let global = if store {
            self.global_declared_by(name, at)
        } else {
            self.global_at(name, at)
        };
        if let Some(g) = global {
            return Some(Resolved::Global(g));
        }
        if let Some(b) = Builtin::lookup_prelude(name) {
            return Some(Resolved::Builtin(b));
        }
        if self.dynamic_names {
            return Some(Resolved::Dynamic);
        }
        None
    }

    /// Makes binding `id` of function `k` a cell and threads it through every
    /// function between `k` and the current one; returns its free index here.
    fn capture(&mut self, k: usize, id: BindingId, name: &str) -> u32 {
        self.make_cell(k, id);
        let mut source = FreeSource::Local(self.fns[k].bindings[id].slot);
        let mut index = 0;
        for j in k + 1..self.fns.len() {
            let f = &mut self.fns[j];
            let key: (Arc<str>, FreeSource) = (name.into(), source);
            index = match f.free_index.get(&key) {
                Some(&i) => i,
                None => {
                    let i = f.free.len() as u32;
                    f.free.push(key.clone());
                    f.free_index.insert(key, i);
                    i
                }
            };
            source = FreeSource::Free(index);
        }
        index
    }

    fn make_cell(&mut self, k: usize, id: BindingId) {
        let f = &mut self.fns[k];
        if f.bindings[id].cell {
            return;
        }
        f.bindings[id].cell = true;
        let by_let = f.bindings[id].declared_by_let;
        let uses = std::mem::take(&mut f.bindings[id].uses);
        for (n, &at) in uses.iter().enumerate() {
            f.ops[at] = match f.ops[at] {
                Op::LoadLocal(s) | Op::LoadLocalChecked(s) => Op::LoadCell(s),
                // The first store of a `let` binding is its declaration.
                Op::StoreLocal(s) if by_let && n == 0 => Op::StoreFreshCell(s),
                Op::StoreLocal(s) => Op::StoreCell(s),
                other => other,
            };
        }
        f.bindings[id].uses = uses;
    }

    // ------------------------------------------------------------ loads and stores

    pub(crate) fn load_name(&mut self, name: &str, span: Span) {
        match self.resolve(name, span.lo) {
            Some(Resolved::Local(id)) => {
                let b = &self.f().bindings[id];
                let op = if b.cell {
                    Op::LoadCell(b.slot)
                } else if b.maybe_unbound {
                    Op::LoadLocalChecked(b.slot)
                } else {
                    Op::LoadLocal(b.slot)
                };
                let at = self.emit(op, span);
                self.f().bindings[id].uses.push(at);
            }
            Some(Resolved::Free(i)) => {
                self.emit(Op::LoadFree(i), span);
            }
            Some(Resolved::Global(i)) => {
                self.emit(Op::LoadGlobal(i), span);
            }
            Some(Resolved::Builtin(b)) => {
                self.emit(Op::LoadBuiltin(b as u16), span);
            }
            Some(Resolved::Dynamic) => {
                let n = self.name(name);
                self.emit(Op::LoadName(n), span);
            }
            None => {
                self.undefined += 1;
                let help = if let Some(hint) = python_hint(name) {
                    Some(hint)
                } else if self.undefined <= SUGGESTED_NAMES {
                    suggest(name, self.visible_names())
                } else {
                    None
                };
                self.error(CompileError::UndefinedName {
                    span,
                    name: pyro_source::clip::shorten(name, 60).into_owned(),
                    help,
                });
                self.emit(Op::LoadNone, span);
            }
        }
    }

    fn visible_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.globals.keys().cloned().collect();
        names.sort_unstable();
        for f in &self.fns {
            for s in &f.scopes {
                names.extend(s.keys().cloned());
            }
        }
        names.extend(pyro_builtins::prelude().map(|b| b.name().to_string()));
        names
    }

    /// How an assignment to `name` at `at` resolves (see [`Self::resolve_for`]).
    pub(crate) fn resolve_store(&mut self, name: &str, at: u32) -> Option<Resolved> {
        self.resolve_for(name, at, true)
    }

    /// Stores the top of the stack into `name`, declaring it if needed.
    pub(crate) fn store_name(&mut self, name: &str, span: Span) {
        let resolved = self.resolve_store(name, span.lo);
        match resolved {
            Some(Resolved::Local(id)) => {
                let (mutable, declared) =
                    (self.f().bindings[id].mutable, self.f().bindings[id].span);
                if !self.check_mutable(name, span, mutable, declared) {
                    return;
                }
                let b = &self.f().bindings[id];
                let op = if b.cell {
                    Op::StoreCell(b.slot)
                } else {
                    Op::StoreLocal(b.slot)
                };
                let at = self.emit(op, span);
                self.f().bindings[id].uses.push(at);
            }
            Some(Resolved::Free(i)) => {
                let depth = self.fns.len() - 1;
                let (mutable, declared) = (0..depth)
                    .rev()
                    .find_map(|k| {
                        Self::lookup_enclosing(&self.fns[k], name)
                            .map(|id| &self.fns[k].bindings[id])
                    })
                    .map_or((true, span), |b| (b.mutable, b.span));
                if self.check_mutable(name, span, mutable, declared) {
                    self.emit(Op::StoreFree(i), span);
                }
            }
            Some(Resolved::Global(i)) => {
                let g = self.global_info[i as usize].clone();
                if self.check_mutable(name, span, g.mutable, g.span) {
                    self.emit(Op::StoreGlobal(i), span);
                }
            }
            // Hoisting declared every assigned name, so only builtins and
            // dynamic names get here: a new function-level variable.
            Some(Resolved::Builtin(_)) | Some(Resolved::Dynamic) | None => {
                if self.at_module_level() {
                    let index = self.new_global(name, span, true, false);
                    self.emit(Op::StoreGlobal(index), span);
                } else {
                    let id = self.declare(name, span, true, false, true);
                    let slot = self.f().bindings[id].slot;
                    let at = self.emit(Op::StoreLocal(slot), span);
                    self.f().bindings[id].uses.push(at);
                }
            }
        }
    }

    fn check_mutable(&mut self, name: &str, span: Span, mutable: bool, declared: Span) -> bool {
        if !mutable {
            self.error(CompileError::AssignToLet {
                span,
                declared,
                name: pyro_source::clip::shorten(name, 60).into_owned(),
            });
            self.emit(Op::Pop, span);
        }
        mutable
    }

    /// `let`/`mut` of a single name: a new binding (a global at module level).
    pub(crate) fn declare_and_store(&mut self, name: &str, span: Span, mutable: bool) {
        self.declare_and_store_in(name, span, mutable, 0);
    }

    /// [`Self::declare_and_store`] in the block `up` scopes out from the
    /// innermost one (a `match` capture belongs to the block around the
    /// `case`).
    pub(crate) fn declare_and_store_in(
        &mut self,
        name: &str,
        span: Span,
        mutable: bool,
        up: usize,
    ) {
        if self.at_module_level() && self.f().scopes.len() == 1 + up {
            // Hoisting made the variable this declaration starts.
            let index = match self.global_declared_by(name, span.lo) {
                Some(i) if self.global_info[i as usize].span.lo == span.lo => i,
                _ => self.new_global(name, span, mutable, false),
            };
            self.emit(Op::StoreGlobal(index), span);
            return;
        }
        let id = self.declare(name, span, mutable, true, false);
        if up > 0 {
            let f = self.f();
            let inner = f.scopes.len() - 1;
            f.scopes[inner].remove(name);
            f.scopes[inner - up].insert(name.to_string(), id);
        }
        let slot = self.f().bindings[id].slot;
        let at = self.emit(Op::StoreLocal(slot), span);
        self.f().bindings[id].uses.push(at);
    }

    /// A new module variable declared at `span` (kept in source order).
    pub(crate) fn new_global(
        &mut self,
        name: &str,
        span: Span,
        mutable: bool,
        is_class: bool,
    ) -> u32 {
        let index = self.global_names.len() as u32;
        self.global_names.push(name.into());
        self.global_info.push(GlobalInfo {
            mutable,
            is_class,
            span,
        });
        let all = self.globals.entry(name.to_string()).or_default();
        let at = all.partition_point(|&i| self.global_info[i as usize].span.lo <= span.lo);
        all.insert(at, index);
        index
    }

    /// Whether the program gives `name` no meaning of its own (a name that
    /// only a star import could define counts as none): then `super`
    /// and `object` keep their built-in meaning.
    pub(crate) fn names_nothing(&mut self, name: &str, at: u32) -> bool {
        matches!(self.resolve(name, at), None | Some(Resolved::Dynamic))
    }

    /// Whether `name` names a class (for `except Name:`).
    pub(crate) fn names_a_class(&mut self, name: &str) -> bool {
        if let Some(b) = Builtin::lookup_prelude(name) {
            return matches!(b.info().kind, Kind::ErrorClass | Kind::Type);
        }
        for f in self.fns.iter().rev() {
            if let Some(id) = Self::lookup_in(f, name) {
                return f.bindings[id].is_class;
            }
        }
        self.globals
            .get(name)
            .is_some_and(|all| all.iter().any(|&i| self.global_info[i as usize].is_class))
    }

    // ------------------------------------------------------------ hoisting

    /// Declares every module-level name up front, so functions may refer to
    /// names defined later in the file.
    ///
    /// Each name's first binding in the source makes its variable; a
    /// top-level `let`/`mut` (or `match` capture) of a name bound earlier
    /// makes a new one from its line on.
    fn declare_module_names(&mut self, body: &[Stmt]) {
        let mut lets = HashSet::new();
        for stmt in body {
            // (name, span, declares a new variable: Some(mutable))
            let mut bound: Vec<(String, Span, Option<bool>, bool)> = Vec::new();
            match &stmt.kind {
                StmtKind::Let {
                    mutable, target, ..
                } => {
                    for (name, span) in target_names(target) {
                        bound.push((name, span, Some(*mutable), false));
                    }
                }
                StmtKind::Select { cases, default } => {
                    for case in cases {
                        if let ast::SelectKind::Recv { value, ok, .. } = &case.kind {
                            // In the order the case stores them.
                            for t in ok.iter().chain(value.iter()) {
                                if let ExprKind::Name(name) = &t.kind {
                                    bound.push((name.clone(), t.span, Some(true), false));
                                }
                            }
                        }
                        let mut assigned = Vec::new();
                        collect_assigned(&case.body, &mut assigned, &mut lets);
                        bound.extend(
                            assigned
                                .into_iter()
                                .map(|a| (a.name, a.span, None, a.class)),
                        );
                    }
                    let mut assigned = Vec::new();
                    collect_assigned(default.as_deref().unwrap_or(&[]), &mut assigned, &mut lets);
                    bound.extend(
                        assigned
                            .into_iter()
                            .map(|a| (a.name, a.span, None, a.class)),
                    );
                }
                StmtKind::Match { cases, .. } => {
                    for case in cases {
                        let mut names = Vec::new();
                        pattern_names(&case.pattern, &mut names);
                        for (name, span) in names {
                            bound.push((name, span, Some(true), false));
                        }
                        let mut assigned = Vec::new();
                        collect_assigned(&case.body, &mut assigned, &mut lets);
                        bound.extend(
                            assigned
                                .into_iter()
                                .map(|a| (a.name, a.span, None, a.class)),
                        );
                    }
                }
                _ => {
                    let mut assigned = Vec::new();
                    collect_stmt(stmt, &mut assigned, &mut lets);
                    bound.extend(
                        assigned
                            .into_iter()
                            .map(|a| (a.name, a.span, None, a.class)),
                    );
                }
            }
            for (name, span, declares, class) in bound {
                match (self.global_declared_by(&name, span.lo), declares) {
                    (Some(i), None) => self.global_info[i as usize].is_class |= class,
                    (_, declares) => {
                        self.new_global(&name, span, declares.unwrap_or(true), class);
                    }
                }
            }
            if let StmtKind::Import(items) = &stmt.kind {
                if items.iter().any(|i| {
                    matches!(i.source, ast::ImportSource::File { .. }) && i.alias.is_none()
                }) {
                    self.dynamic_names = true;
                }
            }
            if let StmtKind::FromImport { names, .. } = &stmt.kind {
                if names.is_empty() {
                    self.dynamic_names = true;
                }
            }
        }
    }

    /// Declares a function's hoisted variables: names it assigns that do not
    /// resolve to an enclosing variable declared earlier in the source (a
    /// `let` of the name further down is a new variable from its line on).
    fn hoist_function_names(&mut self, body: &[Stmt]) {
        let mut assigned = Vec::new();
        let mut lets = HashSet::new();
        collect_assigned(body, &mut assigned, &mut lets);
        for a in assigned {
            if Self::lookup_in(self.fns.last().expect("fn"), &a.name).is_some() {
                continue;
            }
            // Plain assignment updates an enclosing variable of that name
            // declared before it; `def`, `class` and `import` always declare
            // a local one.
            let at = a.span.lo;
            let enclosing = (0..self.fns.len() - 1).any(|k| {
                Self::lookup_enclosing(&self.fns[k], &a.name)
                    .is_some_and(|id| self.fns[k].bindings[id].span.lo <= at)
            }) || self.global_declared_by(&a.name, at).is_some();
            if enclosing && !a.declaration {
                continue;
            }
            let id = self.declare(&a.name, a.span, true, false, true);
            let b = &mut self.f().bindings[id];
            b.maybe_unbound = true;
            b.is_class = a.class;
        }
    }

    // ------------------------------------------------------------ functions

    /// Compiles a function body into a code object (the caller emits
    /// `MakeFunction`). Parameters' defaults are not compiled here; `body`
    /// compiles the body, ending with a return.
    pub(crate) fn function(
        &mut self,
        name: &str,
        params: &[ast::Param],
        kind: CodeKind,
        span: Span,
        body: impl FnOnce(&mut Self),
    ) -> (Arc<Code>, Vec<FreeSource>) {
        self.fns.push(FnState::new(kind, name, span));
        for p in params {
            self.declare(&p.name.name, p.name.span, true, false, true);
            let kind = match p.kind {
                ast::ParamKind::Normal => ParamKind::Normal,
                ast::ParamKind::VarArgs => ParamKind::VarArgs,
                ast::ParamKind::KwArgs => ParamKind::KwArgs,
            };
            self.f().params.push(Param {
                name: p.name.name.as_str().into(),
                kind,
                has_default: p.default.is_some(),
            });
        }
        body(self);
        let state = self.fns.pop().expect("pushed above");
        let free: Vec<FreeSource> = state.free.iter().map(|(_, s)| *s).collect();
        (Arc::new(self.finish(state)), free)
    }

    /// Emits `MakeFunction` for a compiled code object: the defaults (already
    /// on the stack as a tuple when `has_defaults`) and its captured cells.
    pub(crate) fn make_function(
        &mut self,
        code: Arc<Code>,
        free: &[FreeSource],
        has_defaults: bool,
        span: Span,
    ) {
        let mut flags = u8::from(has_defaults);
        if !free.is_empty() {
            for source in free {
                match *source {
                    FreeSource::Local(slot) => {
                        let at = self.emit(Op::PushLocalCell(slot), span);
                        let _ = at;
                    }
                    FreeSource::Free(i) => {
                        self.emit(Op::PushFreeCell(i), span);
                    }
                }
            }
            self.emit(Op::BuildTuple(free.len() as u32), span);
            flags |= 2;
        }
        let k = self.konst(Const::Code(code));
        self.emit(Op::MakeFunction(k, flags), span);
    }

    /// Compiles a `def` (or a lambda): defaults, body, closure.
    pub(crate) fn def_function(&mut self, def: &'a ast::FuncDef, kind: CodeKind) {
        let defaults = self.defaults(&def.params);
        let body = def.body.as_deref().unwrap_or(&[]);
        let end = def.span.end();
        let (code, free) = self.function(&def.name.name, &def.params, kind, def.span, |c| {
            c.hoist_function_names(body);
            c.block(body);
            c.emit(Op::LoadNone, end);
            c.emit(Op::Return, end);
        });
        self.make_function(code, &free, defaults, def.name.span);
    }

    /// Evaluates parameter defaults into a tuple; returns whether there were any.
    pub(crate) fn defaults(&mut self, params: &[ast::Param]) -> bool {
        let mut count = 0;
        for p in params {
            if let Some(d) = &p.default {
                if is_mutable_constructor(d) {
                    self.error(CompileError::MutableDefault { span: d.span });
                }
                self.expr(d);
                count += 1;
            }
        }
        if count > 0 {
            let span = params.first().map_or(Span::DUMMY, |p| p.span);
            self.emit(Op::BuildTuple(count), span);
        }
        count > 0
    }

    fn finish(&mut self, state: FnState<'_>) -> Code {
        let cell_slots = state
            .bindings
            .iter()
            .filter(|b| b.cell && !b.declared_by_let)
            .map(|b| b.slot)
            .collect();
        Code {
            name: state.name,
            kind: state.kind,
            params: state.params,
            local_names: state.local_names,
            cell_slots,
            free_names: state.free.into_iter().map(|(n, _)| n).collect(),
            names: state.names,
            consts: state.consts,
            ops: state.ops,
            spans: state.spans,
            span: state.span,
            global_names: Vec::new(),
        }
    }
}

/// `ListMutable(...)`, `dict_mut()` and friends: values a default must not be.
fn is_mutable_constructor(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => matches!(
            &func.kind,
            ExprKind::Name(n) if matches!(n.as_str(), "ListMutable" | "DictMutable" | "SetMutable" | "TupleMutable" | "list_mut" | "dict_mut" | "set_mut")
        ),
        _ => false,
    }
}

/// The names bound by an assignment target.
pub(crate) fn target_names(target: &Expr) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    fn walk(e: &Expr, out: &mut Vec<(String, Span)>) {
        match &e.kind {
            ExprKind::Name(n) => out.push((n.clone(), e.span)),
            ExprKind::Tuple(items) | ExprKind::List(items) => items
                .iter()
                .for_each(|i| pyro_source::stack::grow(|| walk(i, out))),
            ExprKind::Starred(inner) => walk(inner, out),
            _ => {}
        }
    }
    walk(target, &mut out);
    out
}

/// What to write instead of a name a Python or Go programmer may reach for.
fn python_hint(name: &str) -> Option<String> {
    const STD: &[&str] = &[
        "time", "sync", "task", "math", "string", "json", "fs", "path", "env", "process", "random",
        "io",
    ];
    if STD.contains(&name) {
        return Some(format!(
            "`{name}` is a standard module: add `import std.{name}` at the top of the file"
        ));
    }
    Some(
        match name {
            "True" => "did you mean `true`? (Pyro's booleans are lowercase)",
            "False" => "did you mean `false`? (Pyro's booleans are lowercase)",
            "null" | "nil" | "none" | "NULL" => "Pyro spells the absent value `None`",
            "Exception" | "BaseException" => {
                "Pyro's base error class is `Error`: `except Error as e:`, `class MyError(Error): ...`"
            }
            "open" | "file" => {
                "files are read and written with `std.fs`: `import std.fs`, then `fs.read_to_string(path)`, `fs.write(path, text)`, `fs.append(path, text)`"
            }
            "sys" | "os" => {
                "use the standard modules instead: `std.env` (`args()`, `var(name)`, `cwd()`), `std.process` (`exit(code)`, `exec(cmd, args)`), `std.fs`, `std.path`"
            }
            "exit" | "quit" => "stop the program with `std.process.exit(code)` (`import std.process`)",
            "xrange" => "use `range`",
            "raw_input" => "use `input(prompt)`",
            "unicode" | "basestring" => "use `str`",
            "println" | "printf" | "fmt" => "write output with `print(value, ...)`",
            "make" => "make a channel with `chan(n)` (or `chan<int>(n)`), collections with `ListMutable()`, `DictMutable()`",
            "append" => "append with the method: `xs.push(v)` (or `xs.append(v)`) on a `ListMutable`",
            "nonlocal" | "global" => {
                "Pyro has no `global`/`nonlocal`: assigning to a `mut` variable of the module or an enclosing function declared earlier updates it"
            }
            "self" => "`self` exists only inside a method: make this a method of a class (`def f(self): ...`)",
            _ => return None,
        }
        .to_string(),
    )
}

/// The names a `case` pattern binds, each once, in source order.
pub(crate) fn pattern_names(pattern: &ast::Pattern, out: &mut Vec<(String, Span)>) {
    use ast::PatternKind as P;
    let add = |name: &ast::Ident, out: &mut Vec<(String, Span)>| {
        if !out.iter().any(|(n, _)| *n == name.name) {
            out.push((name.name.clone(), name.span));
        }
    };
    match &pattern.kind {
        P::Wildcard | P::Star(None) | P::Value(_) => {}
        P::Capture(name) | P::Star(Some(name)) => add(name, out),
        P::As(inner, name) => {
            pyro_source::stack::grow(|| pattern_names(inner, out));
            add(name, out);
        }
        P::Or(items) | P::Tuple(items) | P::List(items) => items
            .iter()
            .for_each(|p| pyro_source::stack::grow(|| pattern_names(p, out))),
        P::Class { args, kwargs, .. } => {
            for p in args.iter().chain(kwargs.iter().map(|(_, p)| p)) {
                pyro_source::stack::grow(|| pattern_names(p, out));
            }
        }
    }
}

/// A name a body assigns (outside nested functions and classes).
struct Assigned {
    name: String,
    span: Span,
    /// Bound by `def`, `class`, `import`...: always a new local variable.
    declaration: bool,
    /// Bound by `class`/`record`/`interface` (or an imported capitalised name).
    class: bool,
}

/// Collects the names a body assigns; `lets` receives the names declared
/// with `let`/`mut` anywhere in it.
fn collect_assigned(body: &[Stmt], out: &mut Vec<Assigned>, lets: &mut HashSet<String>) {
    for stmt in body {
        pyro_source::stack::grow(|| collect_stmt(stmt, out, lets));
    }
}

fn collect_stmt(stmt: &Stmt, out: &mut Vec<Assigned>, lets: &mut HashSet<String>) {
    fn plain(e: &Expr, out: &mut Vec<Assigned>) {
        for (name, span) in target_names(e) {
            out.push(Assigned {
                name,
                span,
                declaration: false,
                class: false,
            });
        }
    }
    fn declared(name: &str, span: Span, class: bool, out: &mut Vec<Assigned>) {
        out.push(Assigned {
            name: name.to_string(),
            span,
            declaration: true,
            class,
        });
    }
    match &stmt.kind {
        StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| plain(t, out)),
        StmtKind::AugAssign { target, .. } => plain(target, out),
        StmtKind::AnnAssign { target, .. } => out.push(Assigned {
            name: target.name.clone(),
            span: target.span,
            declaration: false,
            class: false,
        }),
        // A loop variable is the loop's own, local to the function it is in,
        // even when an enclosing function has a variable of that name (only
        // plain assignment updates enclosing variables, LANGUAGE.md §9a).
        StmtKind::For {
            target,
            body,
            orelse,
            ..
        } => {
            for (name, span) in target_names(target) {
                declared(&name, span, false, out);
            }
            collect_assigned(body, out, lets);
            collect_assigned(orelse, out, lets);
        }
        StmtKind::Let { target, .. } => {
            for (n, _) in target_names(target) {
                lets.insert(n);
            }
        }
        StmtKind::If { branches, orelse } => {
            for (_, body) in branches {
                collect_assigned(body, out, lets);
            }
            collect_assigned(orelse, out, lets);
        }
        StmtKind::While { body, orelse, .. } => {
            collect_assigned(body, out, lets);
            collect_assigned(orelse, out, lets);
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            collect_assigned(body, out, lets);
            for h in handlers {
                if let Some(n) = &h.name {
                    declared(&n.name, n.span, false, out);
                }
                collect_assigned(&h.body, out, lets);
            }
            collect_assigned(orelse, out, lets);
            collect_assigned(finalbody, out, lets);
        }
        StmtKind::With { items, body } => {
            for item in items {
                if let Some(t) = &item.target {
                    for (name, span) in target_names(t) {
                        declared(&name, span, false, out);
                    }
                }
            }
            collect_assigned(body, out, lets);
        }
        StmtKind::FuncDef(f) => declared(&f.name.name, f.name.span, false, out),
        StmtKind::ClassDef(c) => declared(&c.name.name, c.name.span, true, out),
        StmtKind::RecordDef(r) => declared(&r.name.name, r.name.span, true, out),
        StmtKind::InterfaceDef(i) => declared(&i.name.name, i.name.span, true, out),
        StmtKind::TypeAlias { name, .. } => declared(&name.name, name.span, false, out),
        StmtKind::Import(items) => {
            for item in items {
                match (&item.alias, &item.source) {
                    (Some(a), _) => declared(&a.name, a.span, false, out),
                    (None, ast::ImportSource::Module(path)) => {
                        if let Some(last) = path.last() {
                            declared(&last.name, last.span, false, out);
                        }
                        if path.len() > 1 {
                            declared(&path[0].name, path[0].span, false, out);
                        }
                    }
                    (None, ast::ImportSource::File { .. }) => {}
                }
            }
        }
        StmtKind::FromImport { names, .. } => {
            for n in names {
                let bound = n.alias.as_ref().unwrap_or(&n.name);
                let class = bound.name.starts_with(char::is_uppercase);
                declared(&bound.name, bound.span, class, out);
            }
        }
        StmtKind::Select { cases, default } => {
            // A received name is a new variable made where the case is
            // compiled (see `receive_target`), not a hoisted one.
            for case in cases {
                collect_assigned(&case.body, out, lets);
            }
            if let Some(d) = default {
                collect_assigned(d, out, lets);
            }
        }
        StmtKind::Match { cases, .. } => {
            for case in cases {
                collect_assigned(&case.body, out, lets);
            }
        }
        _ => {}
    }
}

/// Forgets the span entries of instructions from `at` on (they were just
/// fused away; the entries are sorted, so they are the last ones).
fn drop_spans_from(spans: &mut Vec<(u32, Span)>, at: usize) {
    while spans.last().is_some_and(|(start, _)| *start as usize >= at) {
        spans.pop();
    }
}

/// "did you mean `foo`?" for an undefined name.
fn suggest(name: &str, candidates: Vec<String>) -> Option<String> {
    let best = candidates
        .into_iter()
        .filter(|c| !c.starts_with('<'))
        .map(|c| (edit_distance(name, &c), c))
        .filter(|(d, c)| *d <= 2.max(name.len() / 3) && *d < c.len())
        .min()?;
    Some(format!("did you mean `{}`?", best.1))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = if ca == b[j] {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instructions of the first function defined in `src`.
    fn function_ops(src: &str) -> Vec<Op> {
        let parsed = pyro_parser::parse_text(src, 0);
        assert!(parsed.is_ok(), "{:?}", parsed.errors);
        let module = compile_module(&parsed.module, "test").expect("compiles");
        module
            .consts
            .iter()
            .find_map(|c| match c {
                Const::Code(code) => Some(code.ops.clone()),
                _ => None,
            })
            .expect("a function")
    }

    #[test]
    fn local_int_operations_fuse_into_one_instruction() {
        let ops = function_ops(
            "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
        );
        assert_eq!(
            ops,
            vec![
                Op::LocalLtInt(0, 2),
                Op::JumpIfFalse(3),
                Op::ReturnLocal(0),
                Op::LoadCallee(0),
                Op::LocalSubInt(0, 1),
                Op::Call(1),
                Op::LoadCallee(0),
                Op::LocalSubInt(0, 2),
                Op::Call(1),
                Op::Add,
                Op::Return,
                Op::ReturnNone,
            ]
        );
    }

    #[test]
    fn a_jump_onto_the_constant_prevents_the_second_fusion() {
        // `(c and n) - 1`: the `and` jumps to the `LoadInt 1`, which fuses
        // with the `Sub` but not with the `LoadLocal n` before the jump.
        let ops = function_ops("def f(c, n):\n    return (c and n) - 1\n");
        assert!(ops.contains(&Op::SubInt(1)), "{ops:?}");
        assert!(ops.contains(&Op::LoadLocal(1)), "{ops:?}");
        assert!(!ops.iter().any(|op| matches!(op, Op::LocalSubInt(..))));
        let ops = function_ops("def f(n):\n    return n + 1 == 3\n");
        assert_eq!(ops[..2], [Op::LocalAddInt(0, 1), Op::EqInt(3)]);
    }

    #[test]
    fn a_call_of_a_local_or_with_keywords_loads_the_callee_normally() {
        let ops = function_ops("def f(g):\n    return g(1)\n");
        assert!(!ops.iter().any(|op| matches!(op, Op::LoadCallee(_))));
        let ops = function_ops("def f(n):\n    return f(n=1)\n");
        assert!(!ops.iter().any(|op| matches!(op, Op::LoadCallee(_))));
        assert!(ops.contains(&Op::LoadGlobal(0)));
    }
}
