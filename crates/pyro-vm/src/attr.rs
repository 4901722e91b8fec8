//! Attribute and index access: `obj.name`, `obj.name = v`, `obj[i]`,
//! `obj[i] = v`, slicing, and the immutability errors of LANGUAGE.md §2.

use std::sync::Arc;

use crate::collections::{locate, Key};
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::object::{BoundMethod, BoundTarget, Class, Descriptor, Record};
use crate::symbol::{names, Sym};
use crate::text;
use crate::value::{Intrinsic, Value};

pub fn no_attribute(obj: &Value, name: Sym) -> RuntimeError {
    let what = match obj {
        Value::Module(m) => {
            return RuntimeError::attribute(format!(
                "module '{}' has no attribute '{}'",
                m.name,
                name.name()
            ))
        }
        Value::Class(c) => {
            return RuntimeError::attribute(format!(
                "class '{}' has no attribute '{}'",
                c.name,
                name.name()
            ))
        }
        other => other.type_name(),
    };
    RuntimeError::attribute(format!(
        "'{what}' object has no attribute '{}'",
        name.name()
    ))
}

pub fn record_field(r: &Record, name: Sym) -> Option<Value> {
    let shape = r.class.record.as_ref()?;
    let i = shape.fields.iter().position(|f| *f == name)?;
    r.fields.get(i).cloned()
}

fn bind(receiver: &Value, method: Value) -> Value {
    Value::BoundMethod(Arc::new(BoundMethod {
        receiver: receiver.clone(),
        method: BoundTarget::Callable(method),
    }))
}

/// What reading an attribute gives: a value, or a property's getter that
/// the caller must call with the receiver (the interpreter runs it as an
/// ordinary call, so reading a property costs one frame).
pub enum Attr {
    Value(Value),
    Getter { get: Value, receiver: Value },
}

/// What assigning an attribute needs: nothing more, or a property's setter
/// to call with the receiver and the value (its result is dropped).
pub enum Assign {
    Done,
    Setter {
        set: Value,
        receiver: Value,
        value: Value,
    },
}

/// The class whose class methods a receiver binds: the class itself, or
/// an instance's or record's class.
pub fn class_of(receiver: &Value) -> Option<Arc<Class>> {
    match receiver {
        Value::Class(c) => Some(c.clone()),
        Value::Instance(i) => Some(i.class.clone()),
        Value::Record(r) => Some(r.class.clone()),
        _ => None,
    }
}

/// A descriptor read through `receiver`: an instance or record, or a class
/// (then a property reads as itself).
pub fn through_descriptor(d: &Arc<Descriptor>, receiver: &Value) -> Attr {
    match &**d {
        Descriptor::Static(f) => Attr::Value(f.clone()),
        Descriptor::ClassMethod(f) => match class_of(receiver) {
            Some(class) => Attr::Value(bind(&Value::Class(class), f.clone())),
            None => Attr::Value(bind(receiver, f.clone())),
        },
        Descriptor::Property { .. } if matches!(receiver, Value::Class(_)) => {
            Attr::Value(Value::Descriptor(d.clone()))
        }
        Descriptor::Property { get, .. } => Attr::Getter {
            get: get.clone(),
            receiver: receiver.clone(),
        },
    }
}

/// `obj.name` for native code, which needs a value now (`__str__` for
/// `print`, `__len__` for `len`): a property cannot be one of those.
pub fn get_attr(obj: &Value, name: Sym) -> Result<Value, RuntimeError> {
    match lookup(obj, name)? {
        Attr::Value(v) => Ok(v),
        Attr::Getter { .. } => Err(RuntimeError::type_error(format!(
            "'{}.{}' is a property; a special method must be a method",
            obj.type_name(),
            name.name()
        ))),
    }
}

/// `obj.name`, leaving a property's getter to the caller.
pub fn lookup(obj: &Value, name: Sym) -> Result<Attr, RuntimeError> {
    let value = match obj {
        Value::Instance(inst) => {
            if let Some(v) = inst.get(name) {
                return Ok(Attr::Value(v));
            }
            if inst.class.is_error && name == names::traceback() {
                let entries = inst
                    .trace
                    .lock()
                    .iter()
                    .rev()
                    .map(|t| Value::str(t.function.to_string()))
                    .collect();
                return Ok(Attr::Value(Value::list(entries)));
            }
            match inst.class.lookup(name) {
                Some(
                    m @ (Value::Function(_)
                    | Value::Intrinsic(_)
                    | Value::Builtin(_)
                    | Value::Host(_)),
                ) => bind(obj, m.clone()),
                Some(Value::Descriptor(d)) => return Ok(through_descriptor(d, obj)),
                Some(other) => other.clone(),
                None if name == names::class() => crate::builtins::type_of(obj),
                None => return Err(no_attribute(obj, name)),
            }
        }
        Value::Record(r) => {
            if let Some(v) = record_field(r, name) {
                return Ok(Attr::Value(v));
            }
            match r.class.lookup(name) {
                Some(m @ Value::Function(_)) => bind(obj, m.clone()),
                Some(Value::Descriptor(d)) => return Ok(through_descriptor(d, obj)),
                Some(other) => other.clone(),
                None if name == names::class() => crate::builtins::type_of(obj),
                None => return Err(no_attribute(obj, name)),
            }
        }
        Value::Class(c) => match c.lookup(name) {
            Some(Value::Descriptor(d)) => return Ok(through_descriptor(d, obj)),
            Some(v) => v.clone(),
            None if name == names::dunder_name() => Value::str(c.name.to_string()),
            None => return Err(no_attribute(obj, name)),
        },
        Value::Module(m) => match m.member(&name.name()) {
            Some(v) => v,
            // Native modules have no globals: their name is answered here.
            None if name == names::dunder_name() => Value::str(m.name.to_string()),
            None => return Err(no_attribute(obj, name)),
        },
        Value::Super(sp) => match sp.class.base.as_ref().and_then(|b| b.lookup(name).cloned()) {
            Some(Value::Descriptor(d)) => return Ok(through_descriptor(&d, &sp.receiver)),
            Some(m) => bind(&sp.receiver, m),
            None => {
                return Err(RuntimeError::attribute(format!(
                    "'super' object has no attribute '{}'",
                    name.name()
                )))
            }
        },
        Value::Builtin(b) if name == names::dunder_name() => Value::str(b.name()),
        Value::Function(f) if name == names::dunder_name() => Value::str(f.name()),
        // `prop.setter` inside a class body (`@x.setter`).
        Value::Descriptor(d) if name == names::setter() => match &**d {
            Descriptor::Property { .. } => bind(obj, Value::Intrinsic(Intrinsic::PropertySetter)),
            _ => return Err(no_attribute(obj, name)),
        },
        _ if crate::methods::has_method(obj, &name.name()) => {
            Value::BoundMethod(Arc::new(BoundMethod {
                receiver: obj.clone(),
                method: BoundTarget::Native(name),
            }))
        }
        _ if name == names::class() => crate::builtins::type_of(obj),
        _ => return Err(no_attribute(obj, name)),
    };
    Ok(Attr::Value(value))
}

/// `obj.name = value`, leaving a property's setter to the caller.
pub fn set_attr(obj: &Value, name: Sym, value: Value) -> Result<Assign, RuntimeError> {
    match obj {
        Value::Instance(inst) => {
            // (A field never has a property's name: assigning it calls the
            // setter.)
            let in_class = inst.class.lookup(name);
            if let Some(Value::Descriptor(d)) = in_class {
                if let Descriptor::Property { set, .. } = &**d {
                    return match set {
                        Some(set) => Ok(Assign::Setter {
                            set: set.clone(),
                            receiver: obj.clone(),
                            value,
                        }),
                        None => Err(no_setter(&inst.class.name, name)),
                    };
                }
            }
            inst.set_field(name, value, || in_class.is_some());
            Ok(Assign::Done)
        }
        Value::Record(r) => Err(RuntimeError::type_error(format!(
            "record {} is immutable",
            r.class.name
        ))),
        Value::Str(_) => Err(RuntimeError::type_error("string is immutable")),
        other => Err(RuntimeError::attribute(format!(
            "cannot set attribute '{}' on '{}' object",
            name.name(),
            other.type_name()
        ))),
    }
}

fn no_setter(class: &str, name: Sym) -> RuntimeError {
    RuntimeError::attribute(format!(
        "property '{}' of '{class}' object has no setter",
        name.name()
    ))
}

/// An insertion position (`list.insert`): negative counts from the end, and
/// anything beyond either end is clamped to it.
pub fn clamp_index(i: i64, len: usize) -> usize {
    let len = len as i128;
    let i = i128::from(i);
    let at = if i < 0 { (i + len).max(0) } else { i.min(len) };
    at as usize
}

/// Normalises an index against a length (negative counts from the end).
pub fn normalize_index(i: i64, len: usize, what: &str) -> Result<usize, RuntimeError> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    if j < 0 || j >= len {
        return Err(RuntimeError::index_error(format!(
            "{what} index out of range"
        )));
    }
    Ok(j as usize)
}

fn int_index(index: &Value, what: &str) -> Result<i64, RuntimeError> {
    match index {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(RuntimeError::type_error(format!(
            "{what} indices must be ints or slices, not {}",
            other.type_name()
        ))),
    }
}

/// Python slice bounds for a sequence of `len` items: (start, stop, step).
pub fn slice_bounds(parts: &[Value; 3], len: usize) -> Result<(i64, i64, i64), RuntimeError> {
    let get = opt_int;
    let step = get(&parts[2])?.unwrap_or(1);
    if step == 0 {
        return Err(RuntimeError::value_error("slice step cannot be zero"));
    }
    let len = len as i64;
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(i) if i < 0 => (i + len).max(lo),
            Some(i) => i.min(hi),
        }
    };
    let (start, stop) = if step > 0 {
        (
            clamp(get(&parts[0])?, 0, 0, len),
            clamp(get(&parts[1])?, len, 0, len),
        )
    } else {
        (
            clamp(get(&parts[0])?, len - 1, -1, len - 1),
            clamp(get(&parts[1])?, -1, -1, len - 1),
        )
    };
    Ok((start, stop, step))
}

fn slice_items(items: &[Value], parts: &[Value; 3]) -> Result<Vec<Value>, RuntimeError> {
    let (start, stop, step) = slice_bounds(parts, items.len())?;
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if let Some(v) = items.get(i as usize) {
            out.push(v.clone());
        }
        // A step past the end of the 64-bit ints is past every item.
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    Ok(out)
}

fn missing_key(index: &Value) -> RuntimeError {
    RuntimeError::key_error(crate::repr::repr_sync(index).unwrap_or_else(|| index.type_name()))
}

/// `obj[index]`; `Ok(None)` when the object's `__getitem__` must run.
pub fn get_index(obj: &Value, index: &Value, nest: Nest) -> Result<Option<Value>, RuntimeError> {
    Ok(Some(match (obj, index) {
        (Value::List(items) | Value::Tuple(items), Value::Slice(parts)) => {
            let sliced = slice_items(items, parts)?;
            if matches!(obj, Value::Tuple(_)) {
                Value::tuple(sliced)
            } else {
                Value::list(sliced)
            }
        }
        (Value::ListMut(items) | Value::TupleMut(items), Value::Slice(parts)) => {
            let sliced = slice_items(&items.lock(), parts)?;
            if matches!(obj, Value::TupleMut(_)) {
                Value::tuple(sliced)
            } else {
                Value::list_mut(sliced)
            }
        }
        (Value::List(items), _) => {
            items[normalize_index(int_index(index, "list")?, items.len(), "list")?].clone()
        }
        (Value::Tuple(items), _) => {
            items[normalize_index(int_index(index, "tuple")?, items.len(), "tuple")?].clone()
        }
        (Value::ListMut(items), _) => {
            let i = int_index(index, "list")?;
            let items = items.lock();
            items[normalize_index(i, items.len(), "list")?].clone()
        }
        (Value::TupleMut(items), _) => {
            let i = int_index(index, "tuple")?;
            let items = items.lock();
            items[normalize_index(i, items.len(), "tuple")?].clone()
        }
        (Value::Str(s), Value::Slice(parts)) => {
            let (start, stop, step) = (
                opt_int(&parts[0])?,
                opt_int(&parts[1])?,
                opt_int(&parts[2])?.unwrap_or(1),
            );
            if step == 0 {
                return Err(RuntimeError::value_error("slice step cannot be zero"));
            }
            Value::str(text::slice(s.as_str(), start, stop, step))
        }
        (Value::Str(s), _) => {
            let i = normalize_index(int_index(index, "string")?, s.char_len(), "string")?;
            let c = if s.is_ascii() {
                s.as_str()[i..i + 1].to_string()
            } else {
                s.as_str()
                    .chars()
                    .nth(i)
                    .map(String::from)
                    .unwrap_or_default()
            };
            Value::str(c)
        }
        (Value::Dict(d), _) => d
            .get(&Key::new(index.clone(), nest)?, nest)?
            .cloned()
            .ok_or_else(|| missing_key(index))?,
        (Value::DictMut(d), _) => {
            let (d, at) = locate(&**d, &Key::new(index.clone(), nest)?, nest)?;
            match at {
                Some(at) => d.value_at(at).clone(),
                None => return Err(missing_key(index)),
            }
        }
        (Value::Range(r), Value::Slice(parts)) => {
            let [start, stop, step] = [&parts[0], &parts[1], &parts[2]].map(opt_int);
            Value::Range(Arc::new(r.slice(start?, stop?, step?)?))
        }
        (Value::Range(r), _) => Value::Int(r.index(int_index(index, "range")?)?),
        (Value::Instance(_) | Value::Record(_), _) => return Ok(None),
        (other, _) => {
            return Err(RuntimeError::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )))
        }
    }))
}

/// A bound of a slice: an int, or None for the default.
fn opt_int(v: &Value) -> Result<Option<i64>, RuntimeError> {
    match v {
        Value::None => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(RuntimeError::type_error(format!(
            "slice indices must be ints or None, not {}",
            other.type_name()
        ))),
    }
}

/// `obj[index] = value`; `Ok(false)` when the object's `__setitem__` must run.
pub fn set_index(
    obj: &Value,
    index: Value,
    value: Value,
    nest: Nest,
) -> Result<bool, RuntimeError> {
    match obj {
        Value::ListMut(items) | Value::TupleMut(items) => {
            let what = if matches!(obj, Value::ListMut(_)) {
                "list"
            } else {
                "tuple"
            };
            if let Value::Slice(parts) = &index {
                if what == "tuple" {
                    return Err(RuntimeError::type_error(
                        "a tuple_mut cannot be resized by slice assignment",
                    ));
                }
                let new_items = crate::iter::collect_sync(&value)?;
                let mut items = items.lock();
                let (start, stop, step) = slice_bounds(parts, items.len())?;
                if step != 1 {
                    return Err(RuntimeError::value_error(
                        "slice assignment needs a step of 1",
                    ));
                }
                let (start, stop) = (start as usize, (stop.max(start)) as usize);
                crate::alloc::reserve(&mut items, new_items.len())?;
                items.splice(start..stop, new_items);
                return Ok(true);
            }
            let i = int_index(&index, what)?;
            let mut items = items.lock();
            let i = normalize_index(i, items.len(), what)?;
            items[i] = value;
            Ok(true)
        }
        Value::DictMut(d) => {
            let key = Key::new(index, nest)?;
            let (mut d, at) = locate(&**d, &key, nest)?;
            let old = match at {
                Some(at) => Some(std::mem::replace(d.value_at_mut(at), value)),
                None => {
                    d.try_reserve(1)?;
                    d.insert_new(key, value);
                    None
                }
            };
            // Released outside the lock.
            drop(d);
            drop(old);
            Ok(true)
        }
        Value::List(_) => Err(RuntimeError::type_error(
            "list is immutable (use ListMutable)",
        )),
        Value::Tuple(_) => Err(RuntimeError::type_error(
            "tuple is immutable (use TupleMutable)",
        )),
        Value::Dict(_) => Err(RuntimeError::type_error(
            "dict is immutable (use DictMutable)",
        )),
        Value::Set(_) => Err(RuntimeError::type_error(
            "set is immutable (use SetMutable)",
        )),
        Value::Str(_) => Err(RuntimeError::type_error("string is immutable")),
        Value::Record(r) => Err(RuntimeError::type_error(format!(
            "record {} is immutable",
            r.class.name
        ))),
        Value::Instance(_) => Ok(false),
        other => Err(RuntimeError::type_error(format!(
            "'{}' object does not support item assignment",
            other.type_name()
        ))),
    }
}
