//! Iteration: turning values into iterators and collecting items.

use std::sync::Arc;

use crate::error::RuntimeError;
use crate::object::{shared, Iter};
use crate::value::Value;

pub enum GotIter {
    /// A native iterator value.
    Native(Value),
    /// A user object: its `__iter__` must run.
    User(Value),
}

/// The native iterator over a value, if it has one.
pub fn native_iter(v: &Value) -> Result<Option<Iter>, RuntimeError> {
    Ok(Some(match v {
        Value::List(items) | Value::Tuple(items) => Iter::Seq {
            items: items.clone(),
            index: 0,
        },
        Value::ListMut(items) | Value::TupleMut(items) => Iter::Snapshot {
            items: items.lock().to_vec(),
            index: 0,
        },
        Value::Dict(d) => Iter::Snapshot {
            items: d.keys().map(|k| k.value().clone()).collect(),
            index: 0,
        },
        Value::DictMut(d) => Iter::Snapshot {
            items: d.lock().keys().map(|k| k.value().clone()).collect(),
            index: 0,
        },
        Value::Set(s) => Iter::Snapshot {
            items: s.iter().map(|k| k.value().clone()).collect(),
            index: 0,
        },
        Value::SetMut(s) => Iter::Snapshot {
            items: s.lock().iter().map(|k| k.value().clone()).collect(),
            index: 0,
        },
        Value::Range(r) => Iter::Range {
            next: r.start,
            stop: r.stop,
            step: r.step,
        },
        Value::Str(s) => Iter::Chars {
            text: s.clone(),
            byte: 0,
        },
        Value::Instance(_) => return Ok(None),
        other => {
            return Err(RuntimeError::type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )))
        }
    }))
}

pub fn get_iter(v: Value) -> Result<GotIter, RuntimeError> {
    match &v {
        Value::Iterator(_) | Value::RangeIter(_) => return Ok(GotIter::Native(v)),
        Value::Chan(_, crate::chan::ChanDir::Send) => {
            return Err(RuntimeError::type_error("channel is send-only"))
        }
        Value::Chan(..) => return Ok(GotIter::Native(v)),
        Value::Range(r) => {
            return Ok(GotIter::Native(Value::RangeIter(Arc::new(
                crate::value::RangeIter::new(r),
            ))))
        }
        _ => {}
    }
    match native_iter(&v)? {
        Some(it) => Ok(GotIter::Native(Value::Iterator(shared(it)))),
        None => Ok(GotIter::User(v)),
    }
}

/// Every item of a value that iterates natively (user iterables are a
/// TypeError here; the async path handles them).
pub fn collect_sync(v: &Value) -> Result<Vec<Value>, RuntimeError> {
    match v {
        Value::List(items) | Value::Tuple(items) => return Ok(items.to_vec()),
        Value::ListMut(items) | Value::TupleMut(items) => return Ok(items.lock().to_vec()),
        Value::Iterator(it) => {
            let mut it = it.lock();
            let mut out = Vec::new();
            while let Some(x) = it.next_native() {
                out.push(x);
            }
            return Ok(out);
        }
        Value::RangeIter(r) => {
            let mut out = Vec::new();
            while let Some(i) = r.next() {
                out.push(Value::Int(i));
            }
            return Ok(out);
        }
        _ => {}
    }
    match native_iter(v)? {
        Some(mut it) => {
            let mut out = Vec::new();
            while let Some(x) = it.next_native() {
                out.push(x);
            }
            Ok(out)
        }
        None => Err(RuntimeError::type_error(format!(
            "cannot unpack a '{}' here (it iterates with Pyro code)",
            v.type_name()
        ))),
    }
}

/// Items of any iterable, running `__iter__`/`__next__` of user objects.
pub async fn collect(
    rt: &crate::runtime::Rt,
    depth: usize,
    v: Value,
) -> Result<Vec<Value>, RuntimeError> {
    if !matches!(v, Value::Instance(_)) {
        return collect_sync(&v);
    }
    let iterator =
        crate::fiber::call_value(rt.clone(), method(&v, "__iter__")?, vec![], depth).await?;
    if !matches!(iterator, Value::Instance(_)) {
        // `__iter__` returned a built-in iterator (`iter(self.items)`).
        return collect_sync(&iterator);
    }
    let next = method(&iterator, "__next__")?;
    let mut out = Vec::new();
    loop {
        match crate::fiber::call_value(rt.clone(), next.clone(), vec![], depth).await {
            Ok(item) => out.push(item),
            Err(e) if e.is(pyro_builtins::Builtin::StopIteration) => return Ok(out),
            Err(e) => return Err(e),
        }
    }
}

/// A bound method of a user object by name.
pub fn method(obj: &Value, name: &str) -> Result<Value, RuntimeError> {
    crate::attr::get_attr(obj, crate::symbol::Sym::intern(name))
}
