//! Attribute and index access: `obj.name`, `obj.name = v`, `obj[i]`,
//! `obj[i] = v`, slicing, and the immutability errors of LANGUAGE.md §2.

use std::sync::Arc;

use pyro_builtins::Kind;

use crate::collections::{locate, Key};
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::object::{BoundMethod, BoundTarget, Record};
use crate::symbol::{names, Sym};
use crate::text;
use crate::value::{RangeValue, Value};

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

pub fn get_attr(obj: &Value, name: Sym) -> Result<Value, RuntimeError> {
    match obj {
        Value::Instance(inst) => {
            if let Some(v) = inst.get(name) {
                return Ok(v);
            }
            if inst.class.is_error && name == names::traceback() {
                let entries = inst
                    .trace
                    .lock()
                    .iter()
                    .rev()
                    .map(|t| Value::str(t.function.to_string()))
                    .collect();
                return Ok(Value::list(entries));
            }
            match inst.class.lookup(name) {
                Some(
                    m @ (Value::Function(_)
                    | Value::Intrinsic(_)
                    | Value::Builtin(_)
                    | Value::Host(_)),
                ) => Ok(bind(obj, m.clone())),
                Some(other) => Ok(other.clone()),
                None => Err(no_attribute(obj, name)),
            }
        }
        Value::Record(r) => {
            if let Some(v) = record_field(r, name) {
                return Ok(v);
            }
            match r.class.lookup(name) {
                Some(m @ Value::Function(_)) => Ok(bind(obj, m.clone())),
                Some(other) => Ok(other.clone()),
                None => Err(no_attribute(obj, name)),
            }
        }
        Value::Class(c) => match c.lookup(name) {
            Some(v) => Ok(v.clone()),
            None if name == Sym::intern("__name__") => Ok(Value::str(c.name.to_string())),
            None => Err(no_attribute(obj, name)),
        },
        Value::Module(m) => m
            .member(&name.name())
            .ok_or_else(|| no_attribute(obj, name)),
        Value::Super(sp) => match sp.class.base.as_ref().and_then(|b| b.lookup(name).cloned()) {
            Some(m) => Ok(bind(&sp.receiver, m)),
            None => Err(RuntimeError::attribute(format!(
                "'super' object has no attribute '{}'",
                name.name()
            ))),
        },
        Value::Builtin(b)
            if matches!(b.info().kind, Kind::Type | Kind::ErrorClass)
                && name == Sym::intern("__name__") =>
        {
            Ok(Value::str(b.name()))
        }
        _ if crate::methods::has_method(obj, &name.name()) => {
            Ok(Value::BoundMethod(Arc::new(BoundMethod {
                receiver: obj.clone(),
                method: BoundTarget::Native(name),
            })))
        }
        _ => Err(no_attribute(obj, name)),
    }
}

pub fn set_attr(obj: &Value, name: Sym, value: Value) -> Result<(), RuntimeError> {
    match obj {
        Value::Instance(inst) => {
            inst.set(name, value);
            Ok(())
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
    let get = |v: &Value| -> Result<Option<i64>, RuntimeError> {
        match v {
            Value::None => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            other => Err(RuntimeError::type_error(format!(
                "slice indices must be ints or None, not {}",
                other.type_name()
            ))),
        }
    };
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
        i += step;
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
            let (start, stop, step) = slice_bounds(parts, r.len() as usize)?;
            let new_start = r.get(start);
            let new_step = r.step * step;
            let count = {
                let mut n = 0i64;
                let mut i = start;
                while (step > 0 && i < stop) || (step < 0 && i > stop) {
                    n += 1;
                    i += step;
                }
                n
            };
            Value::Range(Arc::new(RangeValue {
                start: new_start,
                stop: new_start + count * new_step,
                step: new_step,
            }))
        }
        (Value::Range(r), _) => {
            let i = normalize_index(int_index(index, "range")?, r.len() as usize, "range")?;
            Value::Int(r.get(i as i64))
        }
        (Value::Instance(_) | Value::Record(_), _) => return Ok(None),
        (other, _) => {
            return Err(RuntimeError::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )))
        }
    }))
}

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
