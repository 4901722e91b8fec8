//! Run-time type checks: what a value can be checked against while the
//! program runs. A written type (a channel's element type, a parameter of a
//! native function, a type alias) is resolved once into a [`Check`], which
//! answers "does this value fit?" without parsing or looking anything up.
//!
//! What a check can see is the value's own kind, so it checks the outer
//! type only, as `isinstance` does:
//!
//! - `int` accepts `bool` too, `float` accepts `int` and `bool`, and `list`,
//!   `tuple`, `dict` and `set` accept their mutable twins — what the type
//!   checker's assignability allows, so a checked program never fails here.
//! - `list<int>`, `dict<K, V>`, `chan<T>`, `Task<T>` check the container,
//!   not its items (they would have to be walked, or are still to come);
//!   `(int) -> bool` accepts anything callable; a tuple type any tuple.
//! - A class accepts its instances and those of its subclasses, a record
//!   its own values, a built-in error class its instances.
//! - An interface is structural by method names: a value whose class (or
//!   built-in type) has every method the interface lists, whatever their
//!   signatures.
//! - `T?` and unions accept what any member accepts; an alias is the type
//!   it names.
//! - Names the check cannot resolve — type parameters (`T`), and names no
//!   scope defines at run time — are not checked (they accept anything).

use std::sync::{Arc, OnceLock, Weak};

use pyro_builtins::{Builtin, Kind, Receiver};

use crate::chan::ChanDir;
use crate::error::RuntimeError;
use crate::object::{Class, Interface, Module};
use crate::symbol::{names, Sym};
use crate::value::Value;

/// A resolved type, checked against values.
#[derive(Clone)]
pub enum Check {
    Any,
    None,
    /// `int` (and `bool`).
    Int,
    /// `float` (and `int`, `bool`).
    Float,
    Bool,
    Str,
    /// `list` (and `list_mut`).
    List,
    ListMut,
    /// `tuple` (and `tuple_mut`).
    Tuple,
    TupleMut,
    /// `dict` (and `dict_mut`).
    Dict,
    DictMut,
    /// `set` (and `set_mut`).
    Set,
    SetMut,
    Range,
    /// `chan<T>`: a channel, not one of its views.
    Chan,
    /// `Sender<T>`: a channel or its send-only view.
    Sender,
    /// `Receiver<T>`: a channel or its receive-only view.
    Receiver,
    Task,
    /// A `std.sync` object of one kind.
    Sync(Receiver),
    /// Anything a `for` loop can walk.
    Iterable,
    /// A function type: anything callable.
    Callable,
    /// A class, a record type or a built-in error class.
    Class(Arc<Class>),
    Interface(Arc<Interface>),
    Union(Box<[Check]>),
}

impl Check {
    /// Whether `v` fits this type.
    #[inline]
    pub fn accepts(&self, v: &Value) -> bool {
        match self {
            Check::Any => true,
            Check::None => matches!(v, Value::None),
            Check::Int => matches!(v, Value::Int(_) | Value::Bool(_)),
            Check::Float => matches!(v, Value::Float(_) | Value::Int(_) | Value::Bool(_)),
            Check::Bool => matches!(v, Value::Bool(_)),
            Check::Str => matches!(v, Value::Str(_)),
            Check::List => matches!(v, Value::List(_) | Value::ListMut(_)),
            Check::ListMut => matches!(v, Value::ListMut(_)),
            Check::Tuple => matches!(v, Value::Tuple(_) | Value::TupleMut(_)),
            Check::TupleMut => matches!(v, Value::TupleMut(_)),
            Check::Dict => matches!(v, Value::Dict(_) | Value::DictMut(_)),
            Check::DictMut => matches!(v, Value::DictMut(_)),
            Check::Set => matches!(v, Value::Set(_) | Value::SetMut(_)),
            Check::SetMut => matches!(v, Value::SetMut(_)),
            Check::Range => matches!(v, Value::Range(_)),
            Check::Chan => matches!(v, Value::Chan(_, ChanDir::Both)),
            Check::Sender => matches!(v, Value::Chan(_, ChanDir::Both | ChanDir::Send)),
            Check::Receiver => matches!(v, Value::Chan(_, ChanDir::Both | ChanDir::Recv)),
            Check::Task => matches!(v, Value::Task(_)),
            Check::Sync(r) => matches!(v, Value::Sync(o) if o.receiver() == *r),
            Check::Iterable => iterable(v),
            Check::Callable => callable(v),
            Check::Class(c) => match v {
                Value::Instance(i) => i.class.is_subclass_of(c),
                Value::Record(r) => Arc::ptr_eq(&r.class, c),
                _ => false,
            },
            Check::Interface(iface) => has_methods(v, iface),
            Check::Union(members) => members.iter().any(|m| m.accepts(v)),
        }
    }

    /// The check without `None` in it, and whether it had it: `int?` is
    /// (`int`, true).
    pub fn without_none(self) -> (Check, bool) {
        match self {
            Check::None => (Check::Any, true),
            Check::Union(members) if members.iter().any(|m| matches!(m, Check::None)) => {
                let rest: Vec<Check> = members
                    .into_vec()
                    .into_iter()
                    .filter(|m| !matches!(m, Check::None))
                    .collect();
                (Check::union(rest), true)
            }
            other => (other, false),
        }
    }

    /// Whether every value fits (nothing to check).
    pub fn is_any(&self) -> bool {
        matches!(self, Check::Any)
    }

    /// The type in words, for messages: `int`, `string or None`, `Point`.
    pub fn describe(&self) -> String {
        let name = match self {
            Check::Any => "any",
            Check::None => "None",
            Check::Int => "int",
            Check::Float => "float",
            Check::Bool => "bool",
            Check::Str => "string",
            Check::List => "list",
            Check::ListMut => "list_mut",
            Check::Tuple => "tuple",
            Check::TupleMut => "tuple_mut",
            Check::Dict => "dict",
            Check::DictMut => "dict_mut",
            Check::Set => "set",
            Check::SetMut => "set_mut",
            Check::Range => "range",
            Check::Chan => "chan",
            Check::Sender => "Sender",
            Check::Receiver => "Receiver",
            Check::Task => "Task",
            Check::Sync(r) => return format!("{r:?}"),
            Check::Iterable => "iterable",
            Check::Callable => "callable",
            Check::Class(c) => return c.name.to_string(),
            Check::Interface(i) => return i.name.to_string(),
            Check::Union(members) => {
                // `None` last: `int or None`.
                let (none, some): (Vec<&Check>, Vec<&Check>) =
                    members.iter().partition(|m| matches!(m, Check::None));
                let mut words: Vec<String> = some.iter().map(|m| m.describe()).collect();
                if !none.is_empty() {
                    words.push("None".into());
                }
                return words.join(" or ");
            }
        };
        name.to_string()
    }

    /// A union of `members`, flattened; `any` if one of them is.
    fn union(members: Vec<Check>) -> Check {
        let mut flat = Vec::with_capacity(members.len());
        for m in members {
            match m {
                Check::Any => return Check::Any,
                Check::Union(inner) => flat.extend(inner.into_vec()),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            return flat.pop().unwrap_or(Check::Any);
        }
        Check::Union(flat.into_boxed_slice())
    }
}

fn iterable(v: &Value) -> bool {
    match v {
        Value::Str(_)
        | Value::List(_)
        | Value::Tuple(_)
        | Value::ListMut(_)
        | Value::TupleMut(_)
        | Value::Dict(_)
        | Value::DictMut(_)
        | Value::Set(_)
        | Value::SetMut(_)
        | Value::Range(_)
        | Value::RangeIter(_)
        | Value::Iterator(_)
        | Value::Chan(_, ChanDir::Both | ChanDir::Recv) => true,
        Value::Instance(i) => {
            i.class.lookup(names::iter()).is_some() || i.class.lookup(names::next()).is_some()
        }
        _ => false,
    }
}

fn callable(v: &Value) -> bool {
    match v {
        Value::Function(_)
        | Value::Intrinsic(_)
        | Value::Host(_)
        | Value::BoundMethod(_)
        | Value::Class(_) => true,
        Value::Builtin(b) => b.info().kind != Kind::Constant,
        Value::Instance(i) => i.class.lookup(names::call()).is_some(),
        _ => false,
    }
}

/// Whether `v` has every method `iface` lists (by name).
fn has_methods(v: &Value, iface: &Interface) -> bool {
    let class = match v {
        Value::Instance(i) => Some(&i.class),
        Value::Record(r) => Some(&r.class),
        _ => None,
    };
    match class {
        Some(c) => iface.methods.iter().all(|(m, _)| c.lookup(*m).is_some()),
        None => iface
            .methods
            .iter()
            .all(|(m, _)| crate::methods::has_method(v, &m.name())),
    }
}

// ---------------------------------------------------------------- parsing

/// A written type, as the compiler prints it (`int | Msg`, `list<int>?`,
/// `(int) -> bool`), in the parts a check looks at.
enum Syntax<'a> {
    /// A (possibly dotted) name; its type arguments are not checked.
    Named(&'a str),
    None,
    Union(Vec<Syntax<'a>>),
    Optional(Box<Syntax<'a>>),
    Function,
    Tuple,
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        if self.text[self.at..].starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    fn union(&mut self) -> Option<Syntax<'a>> {
        pyro_source::stack::grow(|| {
            let mut members = vec![self.postfix()?];
            while self.eat("|") {
                members.push(self.postfix()?);
            }
            Some(if members.len() == 1 {
                members.pop()?
            } else {
                Syntax::Union(members)
            })
        })
    }

    fn postfix(&mut self) -> Option<Syntax<'a>> {
        let mut t = self.primary()?;
        while self.eat("?") {
            t = Syntax::Optional(Box::new(t));
        }
        Some(t)
    }

    fn primary(&mut self) -> Option<Syntax<'a>> {
        if self.eat("(") {
            let mut items = Vec::new();
            let mut comma = false;
            if !self.eat(")") {
                loop {
                    items.push(self.union()?);
                    if self.eat(",") {
                        comma = true;
                        if self.eat(")") {
                            break;
                        }
                        continue;
                    }
                    if self.eat(")") {
                        break;
                    }
                    return None;
                }
            }
            if self.eat("->") {
                self.union()?;
                return Some(Syntax::Function);
            }
            return Some(match (items.len(), comma) {
                (1, false) => items.pop()?,
                _ => Syntax::Tuple,
            });
        }
        self.skip_space();
        let start = self.at;
        let rest = &self.text[start..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        self.at += len;
        let name = &rest[..len];
        if self.peek() == Some('<') {
            self.skip_args()?;
        }
        Some(if name == "None" {
            Syntax::None
        } else {
            Syntax::Named(name)
        })
    }

    /// Skips `<...>` (type arguments are not checked), without recursion.
    fn skip_args(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while self.at < self.text.len() {
            let rest = &self.text[self.at..];
            if rest.starts_with("->") {
                self.at += 2;
                continue;
            }
            let c = rest.chars().next()?;
            self.at += c.len_utf8();
            match c {
                '<' | '(' => depth += 1,
                '>' | ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }
}

fn parse(text: &str) -> Option<Syntax<'_>> {
    let mut p = Parser { text, at: 0 };
    let t = p.union()?;
    p.skip_space();
    (p.at == text.len()).then_some(t)
}

// ---------------------------------------------------------------- resolving

/// How the names of a written type find their values.
pub trait Names {
    /// The value a (possibly dotted) name has, if it has one here.
    fn lookup(&self, name: &str) -> Result<Option<Value>, RuntimeError>;
}

/// No names at all: only built-in type names mean anything (the
/// catalogue's signatures).
pub struct NoNames;

impl Names for NoNames {
    fn lookup(&self, _: &str) -> Result<Option<Value>, RuntimeError> {
        Ok(None)
    }
}

/// The type words of the language (`int`, `list_mut`, `Task`): always
/// the built-in types, never looked up.
fn core_type(name: &str) -> Option<Check> {
    Some(match name {
        "any" => Check::Any,
        "int" => Check::Int,
        "float" => Check::Float,
        "bool" => Check::Bool,
        "string" | "str" => Check::Str,
        "None" | "void" => Check::None,
        "list" => Check::List,
        "list_mut" | "ListMutable" => Check::ListMut,
        "tuple" => Check::Tuple,
        "tuple_mut" | "TupleMutable" => Check::TupleMut,
        "dict" => Check::Dict,
        "dict_mut" | "DictMutable" => Check::DictMut,
        "set" => Check::Set,
        "set_mut" | "SetMutable" => Check::SetMut,
        "range" => Check::Range,
        "iterable" => Check::Iterable,
        "chan" => Check::Chan,
        "Sender" => Check::Sender,
        "Receiver" => Check::Receiver,
        "Task" => Check::Task,
        _ => return None,
    })
}

/// What a name that nothing in scope defines means: a type word, a
/// `std.sync` type named bare (as the type checker reads it) or a built-in
/// error class; `None` for anything else (a type parameter).
fn builtin_type(name: &str) -> Option<Check> {
    if let Some(c) = core_type(name) {
        return Some(c);
    }
    Some(match name {
        "Mutex" => Check::Sync(Receiver::Mutex),
        "RwLock" => Check::Sync(Receiver::RwLock),
        "RwLockGuard" => Check::Sync(Receiver::RwLockGuard),
        "WaitGroup" => Check::Sync(Receiver::WaitGroup),
        "Semaphore" => Check::Sync(Receiver::Semaphore),
        "Event" => Check::Sync(Receiver::Event),
        "Barrier" => Check::Sync(Receiver::Barrier),
        "Atomic" => Check::Sync(Receiver::Atomic),
        _ => {
            let b = Builtin::lookup_prelude(name)?;
            return (b.info().kind == Kind::ErrorClass)
                .then(|| Check::Class(crate::error::error_class(b)));
        }
    })
}

/// Names loaded where the type was written: `(name, value)` pairs (see
/// the compiler's `Specialize`).
pub struct Loaded<'a>(pub &'a [Value]);

impl Names for Loaded<'_> {
    fn lookup(&self, name: &str) -> Result<Option<Value>, RuntimeError> {
        Ok(self
            .0
            .chunks_exact(2)
            .find(|pair| pair[0].as_str() == Some(name))
            .map(|pair| pair[1].clone()))
    }
}

/// Whether `name` is a type word of the language (the compiler's list).
#[cfg(test)]
fn is_type_word(name: &str) -> bool {
    core_type(name).is_some()
}

/// The check a value stands for in a type: a class, an interface, a
/// built-in type, an alias. Anything else is not a type.
fn value_check(name: &str, v: &Value, depth: usize) -> Result<Check, RuntimeError> {
    Ok(match v {
        Value::Class(c) => Check::Class(c.clone()),
        Value::Interface(i) => Check::Interface(i.clone()),
        Value::Type(t) => return t.check(depth + 1),
        Value::None => Check::None,
        Value::Builtin(b) => {
            use Builtin as B;
            match b {
                B::Int => Check::Int,
                B::Float => Check::Float,
                B::Bool => Check::Bool,
                B::Str => Check::Str,
                B::List => Check::List,
                B::Tuple => Check::Tuple,
                B::Dict => Check::Dict,
                B::Set => Check::Set,
                B::ListMutable | B::ListMut => Check::ListMut,
                B::DictMutable | B::DictMut => Check::DictMut,
                B::SetMutable | B::SetMut => Check::SetMut,
                B::TupleMutable => Check::TupleMut,
                B::Range => Check::Range,
                B::Chan => Check::Chan,
                B::SyncMutex => Check::Sync(Receiver::Mutex),
                B::SyncRwLock => Check::Sync(Receiver::RwLock),
                B::SyncWaitGroup => Check::Sync(Receiver::WaitGroup),
                B::SyncSemaphore => Check::Sync(Receiver::Semaphore),
                B::SyncEvent => Check::Sync(Receiver::Event),
                B::SyncBarrier => Check::Sync(Receiver::Barrier),
                B::SyncAtomic => Check::Sync(Receiver::Atomic),
                b if b.info().kind == Kind::ErrorClass => {
                    Check::Class(crate::error::error_class(*b))
                }
                _ => return Err(not_a_type(name, v)),
            }
        }
        other => return Err(not_a_type(name, other)),
    })
}

fn not_a_type(name: &str, v: &Value) -> RuntimeError {
    RuntimeError::type_error(format!(
        "'{name}' is used as a type but is a {}",
        v.type_name()
    ))
}

/// How many aliases deep a type may refer (`type A = B`, `type B = C`...):
/// beyond, an alias that names itself is reported instead of followed.
const MAX_ALIAS_DEPTH: usize = 64;

/// Resolves the written type `text` with `names`. `depth` counts the
/// aliases being resolved around this one.
pub fn resolve(text: &str, names: &dyn Names, depth: usize) -> Result<Check, RuntimeError> {
    let Some(syntax) = parse(text) else {
        // Not the compiler's syntax (it always is): nothing to check.
        return Ok(Check::Any);
    };
    resolve_syntax(&syntax, names, depth)
}

fn resolve_syntax(t: &Syntax, names: &dyn Names, depth: usize) -> Result<Check, RuntimeError> {
    pyro_source::stack::grow(|| {
        Ok(match t {
            Syntax::None => Check::None,
            Syntax::Function => Check::Callable,
            Syntax::Tuple => Check::Tuple,
            Syntax::Optional(inner) => {
                Check::union(vec![Check::None, resolve_syntax(inner, names, depth)?])
            }
            Syntax::Union(members) => Check::union(
                members
                    .iter()
                    .map(|m| resolve_syntax(m, names, depth))
                    .collect::<Result<_, _>>()?,
            ),
            Syntax::Named(name) => match core_type(name) {
                Some(c) => c,
                None => match names.lookup(name)? {
                    Some(v) => value_check(name, &v, depth)?,
                    None => builtin_type(name).unwrap_or(Check::Any),
                },
            },
        })
    })
}

// ---------------------------------------------------------------- types as values

/// A written type as a value ([`Value::Type`]): a type alias that is not a
/// single name, resolved in its module the first time it is used (its
/// names may be defined after it, as classes often are; a name still
/// without a value then is a `NameError`), or a channel's element type,
/// resolved where the channel is made.
pub struct TypeValue {
    pub name: Arc<str>,
    pub text: Arc<str>,
    /// An alias's own type parameters (`type Maybe<T> = T | None`).
    params: Box<[Arc<str>]>,
    module: Weak<Module>,
    resolved: OnceLock<Check>,
}

impl TypeValue {
    /// The alias `type name<params> = text` of `module`.
    pub fn alias(
        name: Arc<str>,
        text: Arc<str>,
        params: Vec<Arc<str>>,
        module: &Arc<Module>,
    ) -> TypeValue {
        TypeValue {
            name,
            text,
            params: params.into_boxed_slice(),
            module: Arc::downgrade(module),
            resolved: OnceLock::new(),
        }
    }

    /// A type resolved already.
    pub fn resolved(text: Arc<str>, check: Check) -> TypeValue {
        TypeValue {
            name: text.clone(),
            text,
            params: Box::new([]),
            module: Weak::new(),
            resolved: OnceLock::from(check),
        }
    }

    /// Whether `v` fits a type resolved already (anything fits one that is
    /// not: only channels hold types, and theirs are resolved).
    #[inline]
    pub fn accepts(&self, v: &Value) -> bool {
        self.resolved.get().is_none_or(|c| c.accepts(v))
    }

    /// Resolved already, to a type every value fits.
    pub fn resolved_any(&self) -> bool {
        self.resolved.get().is_some_and(Check::is_any)
    }

    /// The check this type stands for, resolved on first use. `depth`
    /// counts the aliases being resolved around this one.
    pub fn check(&self, depth: usize) -> Result<Check, RuntimeError> {
        if let Some(c) = self.resolved.get() {
            return Ok(c.clone());
        }
        if depth > MAX_ALIAS_DEPTH {
            return Err(RuntimeError::type_error(format!(
                "type alias {} refers to itself",
                self.name
            )));
        }
        let check = resolve(&self.text, &AliasNames(self), depth)?;
        Ok(self.resolved.get_or_init(|| check).clone())
    }
}

/// An alias's names: its module's globals (and those it star-imports). A
/// global without a value yet is a `NameError`, as naming it directly in
/// `chan<...>` is.
struct AliasNames<'a>(&'a TypeValue);

impl Names for AliasNames<'_> {
    fn lookup(&self, name: &str) -> Result<Option<Value>, RuntimeError> {
        let mut parts = name.split('.');
        let head = parts.next().unwrap_or(name);
        if self.0.params.iter().any(|p| &**p == head) {
            return Ok(None);
        }
        let Some(module) = self.0.module.upgrade() else {
            return Ok(None);
        };
        let mut v = match module.member(head) {
            Some(v) => v,
            None if module.global_index.contains_key(head) => {
                return Err(RuntimeError::new(
                    Builtin::NameError,
                    format!("name '{head}' is not defined"),
                ))
            }
            None => return Ok(None),
        };
        for part in parts {
            v = crate::attr::get_attr(&v, Sym::intern(part))?;
        }
        Ok(Some(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiler's list of type words and the VM's reading agree.
    #[test]
    fn type_words_agree() {
        for w in pyro_builtins::TYPE_WORDS {
            assert!(is_type_word(w), "{w}");
        }
        for w in ["Msg", "Mutex", "ValueError", "T"] {
            assert!(!is_type_word(w), "{w}");
        }
    }

    #[test]
    fn parses_what_the_compiler_prints() {
        let check = |t: &str| resolve(t, &NoNames, 0).map(|c| c.describe()).ok();
        assert_eq!(check("int").as_deref(), Some("int"));
        assert_eq!(
            check("int | string?").as_deref(),
            Some("int or string or None")
        );
        assert_eq!(
            check("(int | string)?").as_deref(),
            Some("int or string or None")
        );
        assert_eq!(
            check("list<dict<string, (int) -> bool>>").as_deref(),
            Some("list")
        );
        assert_eq!(check("(int) -> bool").as_deref(), Some("callable"));
        assert_eq!(check("(int,)").as_deref(), Some("tuple"));
        assert_eq!(check("(int, string)").as_deref(), Some("tuple"));
        assert_eq!(check("T").as_deref(), Some("any"));
        assert_eq!(check("Mutex").as_deref(), Some("Mutex"));
        assert_eq!(check("ValueError").as_deref(), Some("ValueError"));
        // Not the compiler's syntax: not checked.
        assert_eq!(check("list<int").as_deref(), Some("any"));
    }
}
