//! Building values the compiler describes: collection builders for
//! comprehensions and `*` unpacking, classes, records and interfaces.

use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use pyro_builtins::{Builtin, Kind};
use rustc_hash::FxHashMap;

use crate::collections::{insert_locked, Dict, Key, Set};
use crate::error::{error_class, RuntimeError};
use crate::nest::Nest;
use crate::object::{Class, Interface, RecordShape, SuperProxy};
use crate::symbol::Sym;
use crate::value::Value;

/// Adds every item of `source` to a builder.
pub fn extend(builder: &Value, source: Value, nest: Nest) -> Result<(), RuntimeError> {
    match builder {
        Value::DictMut(d) => {
            let pairs: Vec<(Key, Value)> = match &source {
                Value::Dict(src) => src.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Value::DictMut(src) => src
                    .lock()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                other => {
                    return Err(RuntimeError::type_error(format!(
                        "'**' needs a dict, not {}",
                        other.type_name()
                    )))
                }
            };
            for (k, v) in pairs {
                insert_locked(&**d, k, v, nest)?;
            }
        }
        Value::SetMut(s) => {
            let items = crate::iter::collect_sync(&source)?;
            for item in items {
                insert_locked(&**s, Key::new(item, nest)?, (), nest)?;
            }
        }
        Value::ListMut(items) | Value::TupleMut(items) => {
            let more = crate::iter::collect_sync(&source)?;
            crate::alloc::extend(&mut items.lock(), more)?;
        }
        _ => {}
    }
    Ok(())
}

/// A set literal's items as a set.
pub fn set(items: Vec<Value>, nest: Nest) -> Result<Set, RuntimeError> {
    let mut set = Set::default();
    for item in items {
        set.insert(Key::new(item, nest)?, nest)?;
    }
    Ok(set)
}

/// A dict literal's keys and values (alternating) as a dict.
pub fn dict(items: Vec<Value>, nest: Nest) -> Result<Dict, RuntimeError> {
    let mut dict = Dict::default();
    let mut items = items.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        dict.insert(Key::new(k, nest)?, v, nest)?;
    }
    Ok(dict)
}

fn take<T: Clone>(shared: Arc<Mutex<T>>) -> T {
    match Arc::try_unwrap(shared) {
        Ok(m) => m.into_inner(),
        Err(shared) => shared.lock().clone(),
    }
}

/// Turns a builder into its immutable collection.
pub fn freeze(builder: Value) -> Value {
    match builder {
        Value::ListMut(items) => Value::List(Arc::new(take(items))),
        Value::TupleMut(items) => Value::Tuple(Arc::new(take(items))),
        Value::SetMut(s) => Value::Set(Arc::new(take(s))),
        Value::DictMut(d) => Value::Dict(Arc::new(take(d))),
        other => other,
    }
}

/// The captured cells of a closure, from the tuple `MakeFunction` pops.
pub fn cells(tuple: Value) -> Vec<Arc<Mutex<Value>>> {
    match tuple {
        Value::Tuple(items) => items
            .iter()
            .map(|v| match v {
                Value::Cell(c) => c.clone(),
                other => Arc::new(Mutex::new(other.clone())),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn attrs_from(pairs: Vec<Value>, inherited: FxHashMap<Sym, Value>) -> FxHashMap<Sym, Value> {
    let mut attrs = inherited;
    let mut it = pairs.into_iter();
    while let (Some(name), Some(value)) = (it.next(), it.next()) {
        if let Value::Str(s) = name {
            attrs.insert(Sym::intern(s.as_str()), value);
        }
    }
    attrs
}

/// Sets the owner of the methods a class defines (for `super()`), those
/// behind `@staticmethod`, `@classmethod` and `@property` included.
fn adopt_methods(class: &Arc<Class>) {
    let adopt = |v: &Value| {
        if let Value::Function(f) = v {
            if f.owner.get().is_none() {
                let _ = f.owner.set(Arc::downgrade(class));
            }
        }
    };
    for v in class.attrs.values() {
        match v {
            Value::Descriptor(d) => d.functions().for_each(adopt),
            v => adopt(v),
        }
    }
}

/// The class of a prelude entry that is one: a built-in error class, or a
/// record of the prelude (`Ok`, `Err`), each made once per process.
pub fn prelude_class(b: Builtin) -> Option<Arc<Class>> {
    static RECORDS: OnceLock<FxHashMap<Builtin, Arc<Class>>> = OnceLock::new();
    match b.info().kind {
        Kind::ErrorClass => Some(error_class(b)),
        Kind::Record => RECORDS
            .get_or_init(|| {
                let records = pyro_builtins::ALL
                    .iter()
                    .filter(|b| b.info().kind == Kind::Record);
                records
                    .map(|&b| {
                        let fields = b.record_fields().into_iter().map(Sym::intern).collect();
                        let class = Class {
                            name: b.name().into(),
                            base: None,
                            attrs: FxHashMap::default(),
                            is_error: false,
                            record: Some(RecordShape {
                                fields,
                                defaults: Vec::new(),
                            }),
                        };
                        (b, Arc::new(class))
                    })
                    .collect()
            })
            .get(&b)
            .cloned(),
        _ => None,
    }
}

/// The prelude entry whose class this is (see [`prelude_class`]), so that
/// `type(Ok(1))` is the value the name `Ok` reads.
pub fn prelude_entry(class: &Arc<Class>) -> Option<Builtin> {
    if !class.is_error && class.record.is_none() {
        return None;
    }
    pyro_builtins::prelude()
        .filter(|b| matches!(b.info().kind, Kind::ErrorClass | Kind::Record))
        .find(|b| prelude_class(*b).is_some_and(|c| Arc::ptr_eq(&c, class)))
}

pub fn class(name: &Value, bases: Value, pairs: Vec<Value>) -> Result<Value, RuntimeError> {
    let name: Arc<str> = name.as_str().unwrap_or("?").into();
    let base = match &bases {
        Value::Tuple(items) if items.len() > 1 => {
            return Err(RuntimeError::type_error(format!(
                "class {name}: only single inheritance is supported"
            )))
        }
        Value::Tuple(items) => match items.first() {
            None => None,
            Some(Value::Class(c)) => Some(c.clone()),
            Some(Value::Builtin(b)) if prelude_class(*b).is_some() => prelude_class(*b),
            Some(other) => {
                return Err(RuntimeError::type_error(format!(
                    "class {name}: cannot inherit from {}",
                    other.type_name()
                )))
            }
        },
        _ => None,
    };
    if base.as_ref().is_some_and(|b| b.record.is_some()) {
        return Err(RuntimeError::type_error(format!(
            "class {name}: cannot inherit from a record"
        )));
    }
    let inherited = base.as_ref().map(|b| b.attrs.clone()).unwrap_or_default();
    let is_error = base.as_ref().is_some_and(|b| b.is_error);
    let class = Arc::new(Class {
        name,
        base,
        attrs: attrs_from(pairs, inherited),
        is_error,
        record: None,
    });
    adopt_methods(&class);
    Ok(Value::Class(class))
}

/// `super(cls, obj)`: `obj` must be an instance of `cls` (or, in a class
/// method, `cls` or a subclass of it).
pub fn super_proxy(class: Value, receiver: Value) -> Result<Value, RuntimeError> {
    let found = match &class {
        Value::Class(c) => Some(c.clone()),
        Value::Builtin(b) => prelude_class(*b),
        _ => None,
    };
    let Some(class) = found else {
        return Err(RuntimeError::type_error(format!(
            "super() argument 1 must be a class, not {}",
            class.type_name()
        )));
    };
    let fits = crate::attr::class_of(&receiver).is_some_and(|c| c.is_subclass_of(&class));
    if !fits {
        return Err(RuntimeError::type_error(format!(
            "super(type, obj): obj must be an instance or subtype of type (`{}` is not a `{}`)",
            receiver.type_name(),
            class.name
        )));
    }
    Ok(Value::Super(Arc::new(SuperProxy { class, receiver })))
}

/// A class pattern (`case C(p1, p2):`): whether the subject is an instance
/// of the class. A class that matched must accept that many positional
/// sub-patterns: a record one per field, a built-in type one (the subject
/// itself), any other class (or an interface) none.
pub fn class_pattern(
    subject: &Value,
    class: &Value,
    positional: usize,
) -> Result<bool, RuntimeError> {
    let (name, accepts): (Arc<str>, usize) = match class {
        Value::Class(c) => (
            c.name.clone(),
            c.record.as_ref().map_or(0, |r| r.fields.len()),
        ),
        Value::Builtin(b) => match (b.info().kind, prelude_class(*b)) {
            (_, Some(c)) => (
                c.name.clone(),
                c.record.as_ref().map_or(0, |r| r.fields.len()),
            ),
            (Kind::Type, None) => (b.name().into(), 1),
            _ => return Err(not_a_class(class)),
        },
        Value::Interface(i) => (i.name.clone(), 0),
        _ => return Err(not_a_class(class)),
    };
    if !crate::builtins::is_instance(subject, class)? {
        return Ok(false);
    }
    if positional <= accepts {
        return Ok(true);
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    Err(RuntimeError::type_error(format!(
        "{name}() accepts {accepts} positional sub-pattern{} ({positional} given)",
        plural(accepts)
    )))
}

fn not_a_class(v: &Value) -> RuntimeError {
    RuntimeError::type_error(format!(
        "called match pattern must be a class, not {}",
        v.type_name()
    ))
}

pub fn record(
    name: &Value,
    fields: Value,
    defaults: Value,
    pairs: Vec<Value>,
) -> Result<Value, RuntimeError> {
    let name: Arc<str> = name.as_str().unwrap_or("?").into();
    let fields: Vec<Sym> = match fields {
        Value::Tuple(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(Sym::intern))
            .collect(),
        _ => Vec::new(),
    };
    let defaults = match defaults {
        Value::Tuple(items) => items.to_vec(),
        _ => Vec::new(),
    };
    let attrs = attrs_from(pairs, FxHashMap::default());
    let class = Arc::new(Class {
        name,
        base: None,
        attrs,
        is_error: false,
        record: Some(RecordShape { fields, defaults }),
    });
    adopt_methods(&class);
    Ok(Value::Class(class))
}

pub fn interface(name: &Value, pairs: Vec<Value>) -> Value {
    let mut methods = Vec::new();
    let mut it = pairs.into_iter();
    while let (Some(Value::Str(n)), Some(Value::Int(arity))) = (it.next(), it.next()) {
        methods.push((Sym::intern(n.as_str()), arity.max(0) as usize));
    }
    Value::Interface(Arc::new(Interface {
        name: name.as_str().unwrap_or("?").into(),
        methods,
    }))
}
