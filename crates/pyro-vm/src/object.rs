//! Heap objects other than collections: functions, classes, instances,
//! records, interfaces, modules, iterators and bound methods.

use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};

use parking_lot::Mutex;
use pyro_compiler::Code;
use pyro_source::Span;
use rustc_hash::FxHashMap;

use crate::symbol::Sym;
use crate::value::{Shared, Value};

/// A code object prepared for running: constants turned into values and
/// names interned, once per load.
pub struct Proto {
    pub code: Arc<Code>,
    /// The code's instructions, shared with every function made from it.
    pub ops: Arc<[pyro_compiler::Op]>,
    pub consts: Vec<Value>,
    pub names: Vec<Sym>,
    /// Positional parameter count (without `*args` / `**kwargs`).
    pub positional: usize,
    pub varargs: Option<usize>,
    pub kwargs: Option<usize>,
    pub param_syms: Vec<Sym>,
    /// Index of the first parameter with a default.
    pub first_default: usize,
    /// Prepared nested code objects, by constant index.
    pub children: Vec<Option<Arc<Proto>>>,
    /// The argument count of a plain call: when a call passes exactly this
    /// many positional arguments, they already are the first locals and the
    /// interpreter enters the function without binding anything. `u32::MAX`
    /// when no call is plain (`*args`, `**kwargs` or captured parameters).
    pub plain_arity: u32,
    /// Local slots, parameters included.
    pub nlocals: u32,
}

/// A Pyro function: code, default values, captured cells and its module.
///
/// The instructions, the plain-call arity and the local count are copied
/// out of the proto: entering or resuming a frame reads them one pointer
/// away from the function instead of three (function, proto, code, ops).
pub struct Function {
    pub ops: Arc<[pyro_compiler::Op]>,
    /// [`Proto::plain_arity`].
    pub plain_arity: u32,
    /// [`Proto::nlocals`].
    pub nlocals: u32,
    pub proto: Arc<Proto>,
    pub defaults: Vec<Value>,
    pub cells: Vec<Arc<Mutex<Value>>>,
    pub module: Arc<Module>,
    /// The class a method was defined in (for `super()`).
    pub owner: OnceLock<Weak<Class>>,
}

/// Defaults and captured cells are freed through [`crate::free::release`]
/// (a chain of closures each capturing the previous one).
impl Drop for Function {
    fn drop(&mut self) {
        let mut values = std::mem::take(&mut self.defaults);
        for cell in std::mem::take(&mut self.cells) {
            if let Ok(cell) = Arc::try_unwrap(cell) {
                values.push(cell.into_inner());
            }
        }
        crate::free::release(values);
    }
}

impl Function {
    pub fn new(
        proto: Arc<Proto>,
        defaults: Vec<Value>,
        cells: Vec<Arc<Mutex<Value>>>,
        module: Arc<Module>,
    ) -> Function {
        Function {
            ops: proto.ops.clone(),
            plain_arity: proto.plain_arity,
            nlocals: proto.nlocals,
            proto,
            defaults,
            cells,
            module,
            owner: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.proto.code.name
    }
}

/// A function written in Rust by an embedder.
pub struct HostFunction {
    pub name: String,
    #[allow(clippy::type_complexity)]
    pub call: Box<dyn Fn(Vec<Value>) -> Result<Value, crate::error::HostError> + Send + Sync>,
}

/// A class (also the type of records and of built-in errors).
pub struct Class {
    pub name: Arc<str>,
    pub base: Option<Arc<Class>>,
    /// Methods and class attributes, inherited ones included.
    pub attrs: FxHashMap<Sym, Value>,
    /// Built-in errors and their subclasses.
    pub is_error: bool,
    /// For records: the field names, in order, and defaults for the trailing ones.
    pub record: Option<RecordShape>,
}

pub struct RecordShape {
    pub fields: Vec<Sym>,
    pub defaults: Vec<Value>,
}

impl Class {
    pub fn lookup(&self, name: Sym) -> Option<&Value> {
        self.attrs.get(&name)
    }

    /// Whether `self` is `other` or inherits from it.
    pub fn is_subclass_of(&self, other: &Class) -> bool {
        let mut c = Some(self);
        while let Some(class) = c {
            if std::ptr::eq(class, other) {
                return true;
            }
            c = class.base.as_deref();
        }
        false
    }
}

/// One entry of an error's traceback: a function and where it was.
#[derive(Clone, Debug)]
pub struct TraceEntry {
    pub function: Arc<str>,
    pub span: Span,
}

pub struct Instance {
    pub class: Arc<Class>,
    pub fields: Mutex<Vec<(Sym, Value)>>,
    /// For errors: where it was raised and the frames it passed through.
    pub trace: Mutex<Vec<TraceEntry>>,
    /// Some field has the name of a class attribute (`obj.method = f`), so a
    /// method call must look at the fields first (classes never change, so
    /// this is decided when a field is added).
    shadows: AtomicBool,
}

/// Fields are freed through [`crate::free::release`] (a linked list of
/// instances, a chain of error causes).
impl Drop for Instance {
    fn drop(&mut self) {
        let fields = std::mem::take(self.fields.get_mut());
        crate::free::release(fields.into_iter().map(|(_, v)| v));
    }
}

impl Instance {
    pub fn new(class: Arc<Class>) -> Instance {
        Instance {
            class,
            fields: Mutex::new(Vec::new()),
            trace: Mutex::new(Vec::new()),
            shadows: AtomicBool::new(false),
        }
    }

    /// Whether a field may hide a class attribute of the same name.
    #[inline]
    pub fn shadows_class(&self) -> bool {
        self.shadows.load(Ordering::Acquire)
    }

    /// The field `name` (inlined: the interpreter's `self.field` fast path).
    #[inline]
    pub fn get(&self, name: Sym) -> Option<Value> {
        let fields = self.fields.lock();
        let (_, v) = fields.iter().find(|(n, _)| *n == name)?;
        Some(v.clone())
    }

    /// Applies `f` to the field `name` under the lock (inlined: the
    /// interpreter's `self.field` fast path).
    #[inline]
    pub fn with_field<R>(&self, name: Sym, f: impl FnOnce(&Value) -> R) -> Option<R> {
        let fields = self.fields.lock();
        let (_, v) = fields.iter().find(|(n, _)| *n == name)?;
        Some(f(v))
    }

    /// Stores `n` into the field `name` if it holds an int; false otherwise.
    #[inline]
    pub fn set_int_field(&self, name: Sym, n: i64) -> bool {
        let mut fields = self.fields.lock();
        match fields.iter_mut().find(|(f, _)| *f == name) {
            Some((_, Value::Int(x))) => {
                *x = n;
                true
            }
            _ => false,
        }
    }

    /// Replaces the field `name` if the instance has it, else hands the
    /// value back (the interpreter's fast path: inlined).
    #[inline]
    pub fn replace_field(&self, name: Sym, value: Value) -> Result<(), Value> {
        let old = {
            let mut fields = self.fields.lock();
            match fields.iter_mut().find(|(n, _)| *n == name) {
                Some((_, slot)) => std::mem::replace(slot, value),
                None => return Err(value),
            }
        };
        // Released outside the lock.
        drop(old);
        Ok(())
    }

    pub fn set(&self, name: Sym, value: Value) {
        self.set_field(name, value, || self.class.lookup(name).is_some());
    }

    /// Sets the field `name`; `in_class` says whether the class has an
    /// attribute of that name (asked only when the field is new).
    pub fn set_field(&self, name: Sym, value: Value, in_class: impl FnOnce() -> bool) {
        let mut fields = self.fields.lock();
        match fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => {
                if in_class() {
                    self.shadows.store(true, Ordering::Release);
                }
                fields.push((name, value))
            }
        }
    }
}

/// A record value: immutable fields in declaration order.
pub struct Record {
    pub class: Arc<Class>,
    pub fields: Vec<Value>,
}

impl Record {
    /// The fields with their names, in declaration order.
    pub fn named_fields(&self) -> impl Iterator<Item = (Sym, &Value)> {
        let names = self
            .class
            .record
            .as_ref()
            .map_or(&[][..], |s| &s.fields[..]);
        names.iter().copied().zip(self.fields.iter())
    }
}

/// Fields are freed through [`crate::free::release`].
impl Drop for Record {
    fn drop(&mut self) {
        crate::free::release(std::mem::take(&mut self.fields));
    }
}

pub struct Interface {
    pub name: Arc<str>,
    /// Method names and their arity (without `self`).
    pub methods: Vec<(Sym, usize)>,
}

/// One module global.
///
/// The value lives behind a mutex, which every store takes. Loads must not
/// take it: every call of a global function loads a global, and a lock (or a
/// reference count) that all tasks touch on every call bounces between cores.
/// So each store also publishes a summary of the value under a sequence lock
/// built from atomics: the value itself when it is a scalar, the address
/// when it is a function. A load reads the summary without writing anything
/// shared; a function's address is turned back into a reference by the
/// fiber's own spare references ([`crate::fiber::Spares`]),
/// and only other heap values (strings, classes, collections...) take the
/// lock to clone the value.
pub struct Global {
    value: Mutex<Value>,
    /// Even when the summary is stable; odd while a store rewrites it.
    seq: AtomicU64,
    kind: AtomicU64,
    bits: AtomicU64,
}

/// A global as read without its lock.
pub enum Peek {
    /// A value with nothing to reference-count.
    Value(Value),
    /// A function, by address (see [`Global`]).
    Function(usize),
    /// Anything else: clone it under the lock ([`Global::get`]).
    Locked,
}

const K_OTHER: u64 = 0;
const K_UNBOUND: u64 = 1;
const K_NONE: u64 = 2;
const K_BOOL: u64 = 3;
const K_INT: u64 = 4;
const K_FLOAT: u64 = 5;
const K_BUILTIN: u64 = 6;
const K_FUNCTION: u64 = 7;

fn summary(v: &Value) -> (u64, u64) {
    match v {
        Value::Unbound => (K_UNBOUND, 0),
        Value::None => (K_NONE, 0),
        Value::Bool(b) => (K_BOOL, *b as u64),
        Value::Int(n) => (K_INT, *n as u64),
        Value::Float(x) => (K_FLOAT, x.to_bits()),
        Value::Builtin(b) => (K_BUILTIN, *b as u64),
        Value::Function(f) => (K_FUNCTION, Arc::as_ptr(f) as usize as u64),
        _ => (K_OTHER, 0),
    }
}

impl Global {
    pub fn new(value: Value) -> Global {
        let (kind, bits) = summary(&value);
        Global {
            value: Mutex::new(value),
            seq: AtomicU64::new(0),
            kind: AtomicU64::new(kind),
            bits: AtomicU64::new(bits),
        }
    }

    /// The summary `(kind, bits)`, read without locking or writing anything
    /// shared; `None` while a store is in progress.
    #[inline(always)]
    fn read_summary(&self) -> Option<(u64, u64)> {
        let before = self.seq.load(Ordering::Acquire);
        let kind = self.kind.load(Ordering::Relaxed);
        let bits = self.bits.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        (before & 1 == 0 && self.seq.load(Ordering::Relaxed) == before).then_some((kind, bits))
    }

    /// Reads the global without locking or writing anything shared.
    #[inline]
    pub fn peek(&self) -> Peek {
        let Some((kind, bits)) = self.read_summary() else {
            // A store is in progress: wait for it on the lock.
            return Peek::Locked;
        };
        match kind {
            K_UNBOUND => Peek::Value(Value::Unbound),
            K_NONE => Peek::Value(Value::None),
            K_BOOL => Peek::Value(Value::Bool(bits != 0)),
            K_INT => Peek::Value(Value::Int(bits as i64)),
            K_FLOAT => Peek::Value(Value::Float(f64::from_bits(bits))),
            K_BUILTIN => match pyro_builtins::Builtin::from_index(bits as u16) {
                Some(b) => Peek::Value(Value::Builtin(b)),
                None => Peek::Locked,
            },
            K_FUNCTION => Peek::Function(bits as usize),
            _ => Peek::Locked,
        }
    }

    /// The address of the function the global holds, if it holds one and
    /// no store is in progress: [`Global::peek`] for the callee of a call,
    /// with one comparison instead of a match on the kind.
    #[inline(always)]
    pub fn peek_function(&self) -> Option<usize> {
        let (kind, bits) = self.read_summary()?;
        (kind == K_FUNCTION).then_some(bits as usize)
    }

    /// The value (`Unbound` before the first store).
    pub fn get(&self) -> Value {
        match self.peek() {
            Peek::Value(v) => v,
            _ => self.value.lock().clone(),
        }
    }

    pub fn set(&self, value: Value) {
        let mut guard = self.value.lock();
        self.publish(&value);
        // The old value is dropped after the lock is released.
        let _old = std::mem::replace(&mut *guard, value);
        drop(guard);
    }

    /// Updates the value in place under the lock (`x += y` on a global);
    /// `f` must not run Pyro code.
    pub fn update<R>(&self, f: impl FnOnce(&mut Value) -> R) -> R {
        let mut guard = self.value.lock();
        let result = f(&mut guard);
        self.publish(&guard);
        result
    }

    /// Rewrites the summary; the caller holds the value's lock.
    fn publish(&self, value: &Value) {
        let (kind, bits) = summary(value);
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.kind.store(kind, Ordering::Relaxed);
        self.bits.store(bits, Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }
}

/// A loaded module: its globals (slots the compiler numbered) and the names
/// of those slots.
pub struct Module {
    pub name: Arc<str>,
    /// The file it came from (None for native modules).
    pub path: Option<std::path::PathBuf>,
    pub globals: Vec<Global>,
    pub global_index: FxHashMap<Arc<str>, u32>,
    /// The same index keyed by interned name, for `module.member` lookups.
    pub sym_index: FxHashMap<Sym, u32>,
    /// Modules whose names this one sees through `LoadName` (star imports).
    pub star_sources: Mutex<Vec<Arc<Module>>>,
}

impl Module {
    pub fn new(name: &str, path: Option<std::path::PathBuf>, global_names: &[Arc<str>]) -> Module {
        Module {
            name: name.into(),
            path,
            globals: global_names
                .iter()
                .map(|_| Global::new(Value::Unbound))
                .collect(),
            global_index: global_names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i as u32))
                .collect(),
            sym_index: global_names
                .iter()
                .enumerate()
                .map(|(i, n)| (Sym::intern(n), i as u32))
                .collect(),
            star_sources: Mutex::new(Vec::new()),
        }
    }

    /// A module member by interned name, from its own globals only.
    pub fn member_by_sym(&self, name: Sym) -> Option<Value> {
        let i = *self.sym_index.get(&name)?;
        let v = self.globals[i as usize].get();
        (!matches!(v, Value::Unbound)).then_some(v)
    }

    /// A module member by name (its own globals, then star-imported modules).
    pub fn member(&self, name: &str) -> Option<Value> {
        if let Some(&i) = self.global_index.get(name) {
            let v = self.globals[i as usize].get();
            if !matches!(v, Value::Unbound) {
                return Some(v);
            }
        }
        let sources = self.star_sources.lock().clone();
        sources.iter().find_map(|m| m.member(name))
    }
}

/// A class attribute read by a rule of its own, made by the decorators
/// `@staticmethod`, `@classmethod` and `@property` (which are ordinary
/// prelude functions returning one of these).
pub enum Descriptor {
    /// Read as the function itself, from the class or from an instance.
    Static(Value),
    /// Read as the function bound to the class (an instance's class).
    ClassMethod(Value),
    /// Read from an instance by calling `get` with it, assigned by calling
    /// `set` with it and the value; read from the class, the property itself.
    Property { get: Value, set: Option<Value> },
}

impl Descriptor {
    /// The decorator's name, which is also the descriptor's type name.
    pub fn kind(&self) -> &'static str {
        match self {
            Descriptor::Static(_) => "staticmethod",
            Descriptor::ClassMethod(_) => "classmethod",
            Descriptor::Property { .. } => "property",
        }
    }

    /// The functions it holds.
    pub fn functions(&self) -> impl Iterator<Item = &Value> {
        let (first, second) = match self {
            Descriptor::Static(f) | Descriptor::ClassMethod(f) => (f, None),
            Descriptor::Property { get, set } => (get, set.as_ref()),
        };
        std::iter::once(first).chain(second)
    }
}

/// The functions are freed through [`crate::free::release`] (`f =
/// staticmethod(f)` in a loop nests descriptors).
impl Drop for Descriptor {
    fn drop(&mut self) {
        let values = match self {
            Descriptor::Static(f) | Descriptor::ClassMethod(f) => {
                vec![std::mem::replace(f, Value::None)]
            }
            Descriptor::Property { get, set } => {
                let mut out = vec![std::mem::replace(get, Value::None)];
                out.extend(set.take());
                out
            }
        };
        crate::free::release(values);
    }
}

/// `super()` inside a method: look methods up from the base of `class`.
pub struct SuperProxy {
    pub class: Arc<Class>,
    pub receiver: Value,
}

/// A method with its receiver (`obj.method` as a value).
pub struct BoundMethod {
    pub receiver: Value,
    pub method: BoundTarget,
}

/// The receiver and target are freed through [`crate::free::release`]
/// (`f = partial(f, 1)` in a loop chains bound methods).
impl Drop for BoundMethod {
    fn drop(&mut self) {
        let receiver = std::mem::replace(&mut self.receiver, Value::None);
        let target = match &mut self.method {
            BoundTarget::Callable(v) | BoundTarget::Partial(v) => std::mem::replace(v, Value::None),
            BoundTarget::Native(_) => Value::None,
        };
        crate::free::release([receiver, target]);
    }
}

pub enum BoundTarget {
    /// A Pyro function, a builtin or a host function taking the receiver first.
    Callable(Value),
    /// A method of a built-in type, by name (`xs.append`).
    Native(Sym),
    /// `partial(f, a, b)`: the receiver is the tuple of fixed arguments.
    Partial(Value),
}

/// The state of an iterator value.
pub enum Iter {
    Seq {
        items: Arc<crate::value::Items>,
        index: usize,
    },
    Snapshot {
        items: Vec<Value>,
        index: usize,
    },
    /// `left` more items of a range from `next`, `step` apart (counted, so
    /// that a walk may end at either end of the 64-bit ints).
    Range {
        next: i64,
        step: i64,
        left: u64,
    },
    Chars {
        text: Arc<crate::value::Str>,
        byte: usize,
    },
    /// A user object with `__next__`.
    User(Value),
    Enumerate {
        inner: Box<Iter>,
        index: i64,
    },
    Zip(Vec<Iter>),
    Done,
}

impl Iter {
    /// The next item, if the iterator can produce it without running Pyro code.
    pub fn next_native(&mut self) -> Option<Value> {
        match self {
            Iter::Seq { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                v
            }
            Iter::Snapshot { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                v
            }
            Iter::Range { next, step, left } => {
                if *left == 0 {
                    return None;
                }
                let v = *next;
                *left -= 1;
                // While items are left the next one is a 64-bit int.
                if let (true, Some(n)) = (*left > 0, next.checked_add(*step)) {
                    *next = n;
                }
                Some(Value::Int(v))
            }
            Iter::Chars { text, byte } => {
                let c = text.as_str().get(*byte..)?.chars().next()?;
                *byte += c.len_utf8();
                Some(Value::str(c.to_string()))
            }
            Iter::Enumerate { inner, index } => {
                let v = inner.next_native()?;
                let i = *index;
                // `enumerate()` checked that every item's index fits, so
                // only the step past the last item can overflow.
                if let Some(n) = index.checked_add(1) {
                    *index = n;
                }
                Some(Value::tuple(vec![Value::Int(i), v]))
            }
            Iter::Zip(iters) => {
                let mut items = Vec::with_capacity(iters.len());
                for it in iters.iter_mut() {
                    items.push(it.next_native()?);
                }
                Some(Value::tuple(items))
            }
            Iter::User(_) | Iter::Done => None,
        }
    }
}

pub fn shared<T>(value: T) -> Shared<T> {
    Arc::new(Mutex::new(value))
}
