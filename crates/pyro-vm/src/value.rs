//! Values. A [`Value`] is 16 bytes and `Send + Sync`: numbers are unboxed;
//! strings and immutable collections are shared through `Arc` with no lock;
//! mutable collections, instances and cells sit behind a `parking_lot`
//! mutex that is held for one operation at a time and never across a call
//! into Pyro code or a suspension.

use std::sync::Arc;

use parking_lot::Mutex;
use pyro_builtins::Builtin;

use crate::collections::{Dict, Set};
use crate::object::{
    BoundMethod, Class, Descriptor, Function, HostFunction, Instance, Interface, Iter, Module,
    Record, SuperProxy,
};

pub type Shared<T> = Arc<Mutex<T>>;

pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<Str>),
    List(Arc<Items>),
    Tuple(Arc<Items>),
    Dict(Arc<Dict>),
    Set(Arc<Set>),
    ListMut(Shared<Items>),
    TupleMut(Shared<Items>),
    DictMut(Shared<Dict>),
    SetMut(Shared<Set>),
    Range(Arc<RangeValue>),
    Slice(Arc<[Value; 3]>),
    Function(Arc<Function>),
    /// A prelude builtin or native module member.
    Builtin(Builtin),
    /// An internal native method (such as `Error.__init__`).
    Intrinsic(Intrinsic),
    Host(Arc<HostFunction>),
    BoundMethod(Arc<BoundMethod>),
    Class(Arc<Class>),
    Instance(Arc<Instance>),
    Record(Arc<Record>),
    Interface(Arc<Interface>),
    /// A written type as a value: a type alias that is not a single name
    /// (`type Shape = Circle | Square`), or a channel's element type.
    Type(Arc<crate::rtype::TypeValue>),
    Module(Arc<Module>),
    Iterator(Shared<Iter>),
    /// An iterator over a range: one atomic counter, no lock.
    RangeIter(Arc<RangeIter>),
    /// A `std.sync` object (Mutex, WaitGroup, Atomic, ...).
    Sync(Arc<crate::sync::SyncObject>),
    /// A running or finished task (`go f(x)`).
    Task(Arc<crate::task::TaskHandle>),
    /// A channel, or one of its send-only / receive-only views.
    Chan(Arc<crate::chan::Channel>, crate::chan::ChanDir),
    Super(Arc<SuperProxy>),
    /// A static method, class method or property (a class attribute).
    Descriptor(Arc<Descriptor>),
    /// A captured variable (only ever in a local slot or a closure).
    Cell(Arc<Mutex<Value>>),
    /// A variable that has no value yet (only ever in a slot).
    Unbound,
    /// The function a `Call` is about to enter, pushed by `LoadCallee` and
    /// moved out by that `Call` (leaving `None`): only ever in the callee
    /// slot of a call being set up. Moving an `Option` out reads and writes
    /// the pointer alone, where moving a whole value out of a slot written
    /// a few instructions before stalls the CPU (see `stack.rs`).
    Callee(Option<Arc<Function>>),
}

impl Clone for Value {
    /// Scalars are copied inline; heap values take the out-of-line path
    /// (a reference-count increment).
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Int(n) => Value::Int(*n),
            Value::Float(x) => Value::Float(*x),
            Value::Bool(b) => Value::Bool(*b),
            Value::None => Value::None,
            _ => self.clone_heap(),
        }
    }
}

impl Value {
    /// Whether the value owns nothing (no reference to release when it is
    /// dropped or overwritten): the interpreter skips the drop glue then.
    #[inline]
    pub fn is_immediate(&self) -> bool {
        matches!(
            self,
            Value::None
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::Builtin(_)
                | Value::Intrinsic(_)
                | Value::Unbound
                | Value::Callee(None)
        )
    }

    #[inline(never)]
    fn clone_heap(&self) -> Value {
        match self {
            Value::Str(a) => Value::Str(a.clone()),
            Value::List(a) => Value::List(a.clone()),
            Value::Tuple(a) => Value::Tuple(a.clone()),
            Value::Dict(a) => Value::Dict(a.clone()),
            Value::Set(a) => Value::Set(a.clone()),
            Value::ListMut(a) => Value::ListMut(a.clone()),
            Value::TupleMut(a) => Value::TupleMut(a.clone()),
            Value::DictMut(a) => Value::DictMut(a.clone()),
            Value::SetMut(a) => Value::SetMut(a.clone()),
            Value::Range(a) => Value::Range(a.clone()),
            Value::Slice(a) => Value::Slice(a.clone()),
            Value::Function(a) => Value::Function(a.clone()),
            Value::Host(a) => Value::Host(a.clone()),
            Value::BoundMethod(a) => Value::BoundMethod(a.clone()),
            Value::Class(a) => Value::Class(a.clone()),
            Value::Instance(a) => Value::Instance(a.clone()),
            Value::Record(a) => Value::Record(a.clone()),
            Value::Interface(a) => Value::Interface(a.clone()),
            Value::Type(a) => Value::Type(a.clone()),
            Value::Module(a) => Value::Module(a.clone()),
            Value::Iterator(a) => Value::Iterator(a.clone()),
            Value::RangeIter(a) => Value::RangeIter(a.clone()),
            Value::Super(a) => Value::Super(a.clone()),
            Value::Descriptor(a) => Value::Descriptor(a.clone()),
            Value::Cell(a) => Value::Cell(a.clone()),
            Value::Task(a) => Value::Task(a.clone()),
            Value::Sync(a) => Value::Sync(a.clone()),
            Value::Chan(a, d) => Value::Chan(a.clone(), *d),
            Value::Builtin(b) => Value::Builtin(*b),
            Value::Intrinsic(i) => Value::Intrinsic(*i),
            Value::Unbound => Value::Unbound,
            Value::Callee(f) => Value::Callee(f.clone()),
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(n) => Value::Int(*n),
            Value::Float(x) => Value::Float(*x),
        }
    }
}

/// The items of a list or tuple: a `Vec` that frees its items through
/// [`crate::free::release`], so that a long chain of nested lists or
/// tuples is freed without deep recursion.
#[derive(Clone, Default)]
pub struct Items(Vec<Value>);

impl Items {
    pub fn into_vec(mut self) -> Vec<Value> {
        std::mem::take(&mut self.0)
    }
}

impl std::ops::Deref for Items {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl From<Vec<Value>> for Items {
    fn from(items: Vec<Value>) -> Items {
        Items(items)
    }
}

impl Drop for Items {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            crate::free::release(std::mem::take(&mut self.0));
        }
    }
}

/// Native methods that are values in their own right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intrinsic {
    /// `Error.__init__(self, message="")`.
    ErrorInit,
    /// `Error.__str__(self)`.
    ErrorStr,
    /// `chan<T>(n)`: the element type string comes first.
    MakeTypedChan,
    /// `prop.setter(f)` (`@x.setter`): the property with `f` as its setter.
    PropertySetter,
}

/// An immutable string with its length in characters.
pub struct Str {
    text: String,
    chars: usize,
}

impl Str {
    pub fn new(text: String) -> Str {
        let chars = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        Str { text, chars }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn char_len(&self) -> usize {
        self.chars
    }

    pub fn is_ascii(&self) -> bool {
        self.chars == self.text.len()
    }

    /// Appends in place (the caller owns the only reference); fails,
    /// leaving the string as it was, when it cannot grow.
    pub fn push_str(&mut self, s: &Str) -> Result<(), crate::alloc::AllocError> {
        crate::alloc::reserve_str(&mut self.text, s.text.len())?;
        self.text.push_str(&s.text);
        self.chars += s.chars;
        Ok(())
    }
}

/// `a..b`, `a..=b`, `range(...)`: normalised to start, stop (exclusive), step.
#[derive(Clone, Copy, Debug)]
pub struct RangeValue {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

/// The state of iterating a range, shared safely between tasks.
pub struct RangeIter {
    next: std::sync::atomic::AtomicI64,
    stop: i64,
    step: i64,
}

impl RangeIter {
    pub fn new(r: &RangeValue) -> RangeIter {
        RangeIter {
            next: std::sync::atomic::AtomicI64::new(r.start),
            stop: r.stop,
            step: r.step,
        }
    }

    /// [`RangeIter::next`] for an iterator no other thread can reach (its
    /// only reference is the caller's): a plain load and store.
    pub fn next_unshared(&self) -> Option<i64> {
        use std::sync::atomic::Ordering::Relaxed;
        let cur = self.next.load(Relaxed);
        let more = if self.step > 0 {
            cur < self.stop
        } else {
            cur > self.stop
        };
        if !more {
            return None;
        }
        self.next
            .store(cur.checked_add(self.step).unwrap_or(self.stop), Relaxed);
        Some(cur)
    }

    /// The next value, or None when the range is exhausted.
    pub fn next(&self) -> Option<i64> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut cur = self.next.load(Relaxed);
        loop {
            let more = if self.step > 0 {
                cur < self.stop
            } else {
                cur > self.stop
            };
            if !more {
                return None;
            }
            let next = cur.checked_add(self.step).unwrap_or(self.stop);
            match self.next.compare_exchange_weak(cur, next, Relaxed, Relaxed) {
                Ok(_) => return Some(cur),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Takes the items not produced yet, as a range; the iterator is then
    /// exhausted (so they can be walked lazily elsewhere, or counted).
    pub fn take_rest(&self) -> RangeValue {
        let start = self
            .next
            .swap(self.stop, std::sync::atomic::Ordering::Relaxed);
        RangeValue {
            start,
            stop: self.stop,
            step: self.step,
        }
    }
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(Arc::new(Str::new(s.into())))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(Items(items)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::new(Items(items)))
    }

    pub fn list_mut(items: Vec<Value>) -> Value {
        Value::ListMut(Arc::new(Mutex::new(Items(items))))
    }

    pub fn tuple_mut(items: Vec<Value>) -> Value {
        Value::TupleMut(Arc::new(Mutex::new(Items(items))))
    }

    /// The type name used in messages (`int`, `list_mut`, `Point`).
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "string".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Set(_) => "set".into(),
            Value::ListMut(_) => "list_mut".into(),
            Value::TupleMut(_) => "tuple_mut".into(),
            Value::DictMut(_) => "dict_mut".into(),
            Value::SetMut(_) => "set_mut".into(),
            Value::Range(_) => "range".into(),
            Value::Slice(_) => "slice".into(),
            Value::Function(_)
            | Value::Builtin(_)
            | Value::Intrinsic(_)
            | Value::Host(_)
            | Value::Callee(_) => "function".into(),
            Value::BoundMethod(_) => "method".into(),
            Value::Class(_) => "class".into(),
            Value::Instance(i) => i.class.name.to_string(),
            Value::Record(r) => r.class.name.to_string(),
            Value::Interface(_) => "interface".into(),
            Value::Type(_) => "type".into(),
            Value::Module(_) => "module".into(),
            Value::Iterator(_) | Value::RangeIter(_) => "iterator".into(),
            Value::Task(_) => "Task".into(),
            Value::Sync(s) => s.type_name().into(),
            Value::Chan(_, crate::chan::ChanDir::Both) => "chan".into(),
            Value::Chan(_, crate::chan::ChanDir::Send) => "Sender".into(),
            Value::Chan(_, crate::chan::ChanDir::Recv) => "Receiver".into(),
            Value::Super(_) => "super".into(),
            Value::Descriptor(d) => d.kind().into(),
            Value::Cell(_) => "cell".into(),
            Value::Unbound => "unbound".into(),
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None | Value::Unbound => false,
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            Value::Float(x) => *x != 0.0,
            Value::Str(s) => !s.text.is_empty(),
            Value::List(v) | Value::Tuple(v) => !v.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Set(s) => !s.is_empty(),
            Value::ListMut(v) | Value::TupleMut(v) => !v.lock().is_empty(),
            Value::DictMut(d) => !d.lock().is_empty(),
            Value::SetMut(s) => !s.lock().is_empty(),
            Value::Range(r) => !r.is_empty(),
            // A user `__bool__` or `__len__` runs only through `try_truthy`.
            Value::Instance(_) => true,
            _ => true,
        }
    }

    /// Truthiness that may run user code: an instance whose class defines
    /// `__bool__`, or `__len__` (zero length is false). Errors raised there
    /// propagate; every other value answers as [`Value::truthy`].
    pub fn try_truthy(&self, nest: crate::nest::Nest) -> Result<bool, crate::error::RuntimeError> {
        if !matches!(self, Value::Instance(_)) {
            return Ok(self.truthy());
        }
        for (name, by_len) in [("__bool__", false), ("__len__", true)] {
            let sym = crate::symbol::Sym::intern(name);
            if crate::repr::has_user_method(self, sym) {
                let method = crate::attr::get_attr(self, sym)?;
                return Ok(match nest.call(method, vec![])? {
                    Value::Int(n) if by_len => n != 0,
                    v => v.truthy(),
                });
            }
        }
        Ok(true)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Identity (`is`): same object, or equal immediates.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Intrinsic(a), Value::Intrinsic(b)) => a == b,
            _ => match (self.identity(), other.identity()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// The address of a heap value (for `is`, `id` and identity hashing).
    pub fn identity(&self) -> Option<usize> {
        Some(match self {
            Value::Str(a) => Arc::as_ptr(a) as usize,
            Value::List(a) | Value::Tuple(a) => Arc::as_ptr(a) as usize,
            Value::Dict(a) => Arc::as_ptr(a) as usize,
            Value::Set(a) => Arc::as_ptr(a) as usize,
            Value::ListMut(a) | Value::TupleMut(a) => Arc::as_ptr(a) as usize,
            Value::DictMut(a) => Arc::as_ptr(a) as usize,
            Value::SetMut(a) => Arc::as_ptr(a) as usize,
            Value::Range(a) => Arc::as_ptr(a) as usize,
            Value::Slice(a) => Arc::as_ptr(a) as usize,
            Value::Function(a) => Arc::as_ptr(a) as usize,
            Value::Host(a) => Arc::as_ptr(a) as usize,
            Value::BoundMethod(a) => Arc::as_ptr(a) as usize,
            Value::Class(a) => Arc::as_ptr(a) as usize,
            Value::Instance(a) => Arc::as_ptr(a) as usize,
            Value::Record(a) => Arc::as_ptr(a) as usize,
            Value::Interface(a) => Arc::as_ptr(a) as usize,
            Value::Type(a) => Arc::as_ptr(a) as usize,
            Value::Module(a) => Arc::as_ptr(a) as usize,
            Value::Iterator(a) => Arc::as_ptr(a) as usize,
            Value::RangeIter(a) => Arc::as_ptr(a) as usize,
            Value::Task(a) => Arc::as_ptr(a) as usize,
            Value::Sync(a) => Arc::as_ptr(a) as usize,
            Value::Chan(a, _) => Arc::as_ptr(a) as usize,
            Value::Super(a) => Arc::as_ptr(a) as usize,
            Value::Descriptor(a) => Arc::as_ptr(a) as usize,
            Value::Cell(a) => Arc::as_ptr(a) as usize,
            _ => return None,
        })
    }

    /// Whether this is one of the `*_mut` collections or an instance: the
    /// values that must not be parameter defaults.
    pub fn is_mutable(&self) -> bool {
        matches!(
            self,
            Value::ListMut(_)
                | Value::TupleMut(_)
                | Value::DictMut(_)
                | Value::SetMut(_)
                | Value::Instance(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_sixteen_bytes_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Value>();
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }

    #[test]
    fn range_lengths() {
        assert_eq!(
            RangeValue {
                start: 0,
                stop: 10,
                step: 3
            }
            .len(),
            4
        );
        assert_eq!(
            RangeValue {
                start: 10,
                stop: 0,
                step: -3
            }
            .len(),
            4
        );
        assert_eq!(
            RangeValue {
                start: 5,
                stop: 0,
                step: 1
            }
            .len(),
            0
        );
    }
}
