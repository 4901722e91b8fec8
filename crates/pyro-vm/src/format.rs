//! String conversion that may need Pyro code: f-string fields, `str()`,
//! `repr()` and `print` of values whose classes define `__str__` or
//! `__repr__` (possibly nested inside containers). The synchronous
//! `repr` module handles everything else.

use std::future::Future;
use std::pin::Pin;

use crate::error::RuntimeError;
use crate::fiber::{call_value, Wait};
use crate::nest::Nest;
use crate::object::BoundTarget;
use crate::repr::{
    container_id, display_sync, has_user_method, recursive_mark, repr_sync, try_text,
};
use crate::runtime::Rt;
use crate::symbol::names;
use crate::text::{self, FormatArg};
use crate::value::Value;

pub enum Formatted {
    Ready(Value),
    Wait(Wait),
}

/// Formats an f-string field: `conversion` 0 = none, 1 = `!s`, 2 = `!r`, 3 = `!a`.
pub fn format_value(
    rt: &Rt,
    depth: usize,
    value: Value,
    conversion: u8,
    spec: Option<Value>,
) -> Result<Formatted, RuntimeError> {
    let spec = spec
        .and_then(|s| s.as_str().map(str::to_string))
        .unwrap_or_default();
    let sync = match conversion {
        2 | 3 => repr_sync(&value).map(Value::str),
        1 => display_sync(&value).map(Value::str),
        _ if spec.is_empty() => match &value {
            Value::Str(_) => Some(value.clone()),
            other => display_sync(other).map(Value::str),
        },
        _ => {
            return apply_spec_to_value(&value, &spec)
                .map(Formatted::Ready)
                .or_else(|e| match e {
                    SpecError::NeedsStr => {
                        let rt = rt.clone();
                        Ok(Formatted::Wait(Box::pin(async move {
                            let s = to_string(&rt, depth, value, false).await?;
                            spec_on_str(&s, &spec)
                        })))
                    }
                    SpecError::Error(e) => Err(e),
                })
        }
    };
    if let Some(v) = sync {
        return match (conversion, spec.is_empty()) {
            (_, true) => Ok(Formatted::Ready(v)),
            _ => spec_on_str(v.as_str().unwrap_or(""), &spec).map(Formatted::Ready),
        };
    }
    let rt = rt.clone();
    Ok(Formatted::Wait(Box::pin(async move {
        let s = to_string(&rt, depth, value, conversion >= 2).await?;
        if spec.is_empty() {
            Ok(Value::str(s))
        } else {
            spec_on_str(&s, &spec)
        }
    })))
}

enum SpecError {
    NeedsStr,
    Error(RuntimeError),
}

fn spec_error(message: String) -> RuntimeError {
    RuntimeError::value_error(message)
}

fn apply_spec_to_value(value: &Value, spec: &str) -> Result<Value, SpecError> {
    let arg = match value {
        Value::Int(n) => FormatArg::Int(*n),
        Value::Float(x) => FormatArg::Float(*x),
        Value::Bool(b) => FormatArg::Bool(*b),
        Value::Str(s) => FormatArg::Str(s.as_str()),
        other => {
            return match display_sync(other) {
                Some(s) => text::format_spec(FormatArg::Str(&s), spec)
                    .map(Value::str)
                    .map_err(|m| SpecError::Error(spec_error(m))),
                None => Err(SpecError::NeedsStr),
            }
        }
    };
    text::format_spec(arg, spec)
        .map(Value::str)
        .map_err(|m| SpecError::Error(spec_error(m)))
}

fn spec_on_str(s: &str, spec: &str) -> Result<Value, RuntimeError> {
    text::format_spec(FormatArg::Str(s), spec)
        .map(Value::str)
        .map_err(spec_error)
}

/// `str(value)` (or `repr(value)` when `repr`), calling user methods as needed.
pub fn to_string(
    rt: &Rt,
    depth: usize,
    value: Value,
    repr: bool,
) -> Pin<Box<dyn Future<Output = Result<String, RuntimeError>> + Send + '_>> {
    Box::pin(async move {
        let mut path = Vec::new();
        stringify(rt, depth, value, repr, &mut path, true).await
    })
}

/// [`to_string`] inside the containers on `path` (outermost first): one
/// met again prints as `[...]`; each level counts against the recursion
/// limit and is polled on a fresh stack segment when needed.
///
/// Each level first tries the synchronous path (most items need no user
/// code), unless that already failed above for depth: then the rest is
/// walked here, so a deep value costs time linear in its size.
fn stringify<'a>(
    rt: &'a Rt,
    depth: usize,
    value: Value,
    repr: bool,
    path: &'a mut Vec<usize>,
    try_sync: bool,
) -> Pin<Box<dyn Future<Output = Result<String, RuntimeError>> + Send + 'a>> {
    let level = Box::pin(async move {
        let mut try_sync = try_sync;
        if try_sync {
            match try_text(&value, repr) {
                Ok(s) => return Ok(s),
                Err(too_deep) => try_sync = !too_deep,
            }
        }
        if let Some(id) = container_id(&value) {
            if path.contains(&id) {
                return Ok(recursive_mark(&value).to_string());
            }
            Nest::new(rt, depth + path.len()).check()?;
            path.push(id);
            let s = items_string(rt, depth, &value, path, try_sync).await;
            path.pop();
            if let Some(s) = s? {
                return Ok(s);
            }
        }
        match &value {
            Value::Instance(_) | Value::Record(_) => {
                let method = if !repr && has_user_method(&value, names::str_()) {
                    names::str_()
                } else {
                    names::repr()
                };
                let bound = crate::attr::get_attr(&value, method)?;
                let result = call_value(rt.clone(), bound, vec![], depth + path.len()).await?;
                match result {
                    Value::Str(s) => Ok(s.as_str().to_string()),
                    other => Err(RuntimeError::type_error(format!(
                        "{}() returned {} instead of a string",
                        method.name(),
                        other.type_name()
                    ))),
                }
            }
            Value::BoundMethod(m) => match &m.method {
                BoundTarget::Callable(Value::Function(f)) => Ok(format!("<method {}>", f.name())),
                _ => Ok("<method>".to_string()),
            },
            other => Ok(other.type_name()),
        }
    });
    crate::nest::grow_future(level)
}

/// The text of a container whose items may need user code (`None` for a
/// record, which prints through its class's method when it has one).
async fn items_string(
    rt: &Rt,
    depth: usize,
    value: &Value,
    path: &mut Vec<usize>,
    try_sync: bool,
) -> Result<Option<String>, RuntimeError> {
    Ok(Some(match value {
        Value::List(_) | Value::ListMut(_) | Value::Tuple(_) | Value::TupleMut(_) => {
            let items = crate::iter::collect_sync(value)?;
            let mut parts = Vec::with_capacity(items.len());
            for v in items {
                parts.push(stringify(rt, depth, v, true, path, try_sync).await?);
            }
            match value {
                Value::Tuple(_) | Value::TupleMut(_) if parts.len() == 1 => {
                    format!("({},)", parts[0])
                }
                Value::Tuple(_) | Value::TupleMut(_) => format!("({})", parts.join(", ")),
                _ => format!("[{}]", parts.join(", ")),
            }
        }
        Value::Dict(_) | Value::DictMut(_) => {
            let pairs = crate::collections::dict_pairs(value);
            let mut parts = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let k = stringify(rt, depth, k, true, path, try_sync).await?;
                let v = stringify(rt, depth, v, true, path, try_sync).await?;
                parts.push(format!("{k}: {v}"));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Set(_) | Value::SetMut(_) => {
            let items = crate::iter::collect_sync(value)?;
            let mut parts = Vec::with_capacity(items.len());
            for v in items {
                parts.push(stringify(rt, depth, v, true, path, try_sync).await?);
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Record(r) if !has_user_method(value, names::repr()) => {
            let mut parts = Vec::with_capacity(r.fields.len());
            for (name, v) in r.named_fields() {
                parts.push(format!(
                    "{}={}",
                    name.name(),
                    stringify(rt, depth, v.clone(), true, path, try_sync).await?
                ));
            }
            format!("{}({})", r.class.name, parts.join(", "))
        }
        _ => return Ok(None),
    }))
}
