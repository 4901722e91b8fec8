//! `str` and `repr` of values, following LANGUAGE.md §9: booleans print as
//! `true`/`false`, floats like Python's repr, containers show their items with
//! `repr` (strings in double quotes), mutable collections like their
//! immutable twins, records as `Point(x=1, y=2)`.
//!
//! These functions never run Pyro code: they return `None` when a value (or
//! an item inside it) has a user-defined `__str__`/`__repr__`, or nests
//! deeper than [`SYNC_DEPTH`]; the VM then formats it through the async path
//! (`format::to_string`), which may call those methods and counts nesting
//! against the recursion limit. A container met again inside itself prints
//! as `[...]` (`{...}`, `(...)`), as CPython's `Py_ReprEnter` does.

use crate::object::BoundTarget;
use crate::symbol::names;
use crate::text;
use crate::value::Value;

/// Nesting beyond which the synchronous path hands over to the async one.
const SYNC_DEPTH: usize = 200;

/// `str(value)`, if no user code is needed.
pub fn display_sync(value: &Value) -> Option<String> {
    try_text(value, false).ok()
}

/// `repr(value)`, if no user code is needed.
pub fn repr_sync(value: &Value) -> Option<String> {
    try_text(value, true).ok()
}

/// `str(value)` or `repr(value)` without user code; `Err(true)` when the
/// value nests too deeply for this path, `Err(false)` when user code is
/// needed.
pub fn try_text(value: &Value, repr: bool) -> Result<String, bool> {
    if !repr {
        match value {
            Value::Str(s) => return Ok(s.as_str().to_string()),
            Value::Instance(i) if i.class.is_error && !has_user_method(value, names::str_()) => {
                return Ok(crate::error::RuntimeError(i.clone()).message())
            }
            Value::Instance(_)
                if has_user_method(value, names::str_())
                    || has_user_method(value, names::repr()) =>
            {
                return Err(false)
            }
            _ => {}
        }
    }
    let mut out = String::new();
    let mut walk = Walk {
        path: Vec::new(),
        too_deep: false,
    };
    if write_repr(value, &mut out, &mut walk) {
        Ok(out)
    } else {
        Err(walk.too_deep)
    }
}

/// The state of a synchronous walk: the containers being written,
/// outermost first, and whether it stopped for depth.
struct Walk {
    path: Vec<usize>,
    too_deep: bool,
}

/// How a container that contains itself prints inside itself.
pub fn recursive_mark(value: &Value) -> &'static str {
    match value {
        Value::Dict(_) | Value::DictMut(_) => "{...}",
        Value::Tuple(_) | Value::TupleMut(_) => "(...)",
        Value::Set(_) | Value::SetMut(_) => "{...}",
        Value::Record(_) | Value::Instance(_) => "...",
        _ => "[...]",
    }
}

/// The identity of a container whose items are printed, if `value` is one.
pub fn container_id(value: &Value) -> Option<usize> {
    match value {
        Value::List(_)
        | Value::ListMut(_)
        | Value::Tuple(_)
        | Value::TupleMut(_)
        | Value::Dict(_)
        | Value::DictMut(_)
        | Value::Set(_)
        | Value::SetMut(_)
        | Value::Record(_) => value.identity(),
        _ => None,
    }
}

/// Whether `value` is an instance whose class defines `name` itself
/// (rather than inheriting the built-in error behaviour).
pub fn has_user_method(value: &Value, name: crate::symbol::Sym) -> bool {
    match value {
        Value::Instance(i) => matches!(i.class.lookup(name), Some(Value::Function(_))),
        Value::Record(r) => matches!(r.class.lookup(name), Some(Value::Function(_))),
        _ => false,
    }
}

fn write_items(items: &[Value], out: &mut String, walk: &mut Walk) -> bool {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !write_repr(item, out, walk) {
            return false;
        }
    }
    true
}

/// Writes `value`.
fn write_repr(value: &Value, out: &mut String, walk: &mut Walk) -> bool {
    let Some(id) = container_id(value) else {
        return write_one(value, out, walk);
    };
    if walk.path.contains(&id) {
        out.push_str(recursive_mark(value));
        return true;
    }
    if walk.path.len() >= SYNC_DEPTH {
        walk.too_deep = true;
        return false;
    }
    walk.path.push(id);
    let done = pyro_source::stack::grow(|| write_one(value, out, walk));
    walk.path.pop();
    done
}

fn write_one(value: &Value, out: &mut String, walk: &mut Walk) -> bool {
    match value {
        Value::None => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(x) => out.push_str(&text::float_repr(*x)),
        Value::Str(s) => out.push_str(&text::str_repr(s.as_str())),
        Value::List(items) => {
            out.push('[');
            if !write_items(items, out, walk) {
                return false;
            }
            out.push(']');
        }
        Value::ListMut(items) => {
            let items = items.lock().clone();
            out.push('[');
            if !write_items(&items, out, walk) {
                return false;
            }
            out.push(']');
        }
        Value::Tuple(items) => return write_tuple(items, out, walk),
        Value::TupleMut(items) => {
            let items = items.lock().clone();
            return write_tuple(&items, out, walk);
        }
        Value::Dict(_) | Value::DictMut(_) => {
            return write_dict(&crate::collections::dict_pairs(value), out, walk);
        }
        Value::Set(s) => {
            let items: Vec<Value> = s.iter().map(|k| k.value().clone()).collect();
            return write_set(&items, out, walk);
        }
        Value::SetMut(s) => {
            let items: Vec<Value> = s.lock().iter().map(|k| k.value().clone()).collect();
            return write_set(&items, out, walk);
        }
        Value::Range(r) => {
            if r.step == 1 {
                out.push_str(&format!("range({}, {})", r.start, r.stop));
            } else {
                out.push_str(&format!("range({}, {}, {})", r.start, r.stop, r.step));
            }
        }
        Value::Slice(parts) => {
            out.push_str("slice(");
            if !write_items(&parts[..], out, walk) {
                return false;
            }
            out.push(')');
        }
        Value::Function(f) | Value::Callee(Some(f)) => {
            out.push_str(&format!("<function {}>", f.name()))
        }
        Value::Builtin(b) => match b.info().kind {
            pyro_builtins::Kind::Type
            | pyro_builtins::Kind::ErrorClass
            | pyro_builtins::Kind::Record => out.push_str(&format!("<class {}>", b.name())),
            _ => out.push_str(&format!("<function {}>", b.name())),
        },
        Value::Intrinsic(i) => out.push_str(&format!("<function {i:?}>")),
        Value::Host(h) => out.push_str(&format!("<function {}>", h.name)),
        Value::BoundMethod(m) => {
            let name = match &m.method {
                BoundTarget::Native(sym) => sym.name().to_string(),
                BoundTarget::Callable(Value::Function(f)) => f.name().to_string(),
                BoundTarget::Callable(_) => "method".to_string(),
                BoundTarget::Partial(_) => "partial".to_string(),
            };
            out.push_str(&format!("<method {name} of {}>", m.receiver.type_name()));
        }
        Value::Class(c) => out.push_str(&format!("<class {}>", c.name)),
        Value::Instance(i) => {
            if has_user_method(value, names::repr()) {
                return false;
            }
            if i.class.is_error {
                let message = crate::error::RuntimeError(i.clone()).message();
                out.push_str(&format!("{}({})", i.class.name, text::str_repr(&message)));
            } else {
                out.push_str(&format!("<{} object>", i.class.name));
            }
        }
        Value::Record(r) => {
            if has_user_method(value, names::repr()) {
                return false;
            }
            out.push_str(&r.class.name);
            out.push('(');
            for (i, (name, v)) in r.named_fields().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&name.name());
                out.push('=');
                if !write_repr(v, out, walk) {
                    return false;
                }
            }
            out.push(')');
        }
        Value::Interface(i) => out.push_str(&format!("<interface {}>", i.name)),
        Value::Type(t) => out.push_str(&format!("<type {} = {}>", t.name, t.text)),
        Value::Module(m) => out.push_str(&format!("<module {}>", m.name)),
        Value::Iterator(_) | Value::RangeIter(_) => out.push_str("<iterator>"),
        Value::Task(t) => out.push_str(&format!("<Task {}>", t.id)),
        Value::Sync(s) => out.push_str(&format!("<{} object>", s.type_name())),
        Value::Chan(c, dir) => {
            let elem = c.elem_type().unwrap_or("any");
            match dir {
                crate::chan::ChanDir::Both => {
                    out.push_str(&format!("<chan<{elem}> cap={}>", c.capacity()))
                }
                crate::chan::ChanDir::Send => out.push_str(&format!("<Sender<{elem}>>")),
                crate::chan::ChanDir::Recv => out.push_str(&format!("<Receiver<{elem}>>")),
            }
        }
        Value::Super(_) => out.push_str("<super>"),
        Value::Descriptor(d) => out.push_str(&format!("<{} object>", d.kind())),
        Value::Cell(c) => {
            let inner = c.lock().clone();
            return write_repr(&inner, out, walk);
        }
        Value::Unbound | Value::Callee(None) => out.push_str("<unbound>"),
    }
    true
}

fn write_tuple(items: &[Value], out: &mut String, walk: &mut Walk) -> bool {
    out.push('(');
    if !write_items(items, out, walk) {
        return false;
    }
    if items.len() == 1 {
        out.push(',');
    }
    out.push(')');
    true
}

fn write_dict(pairs: &[(Value, Value)], out: &mut String, walk: &mut Walk) -> bool {
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !write_repr(k, out, walk) {
            return false;
        }
        out.push_str(": ");
        if !write_repr(v, out, walk) {
            return false;
        }
    }
    out.push('}');
    true
}

fn write_set(items: &[Value], out: &mut String, walk: &mut Walk) -> bool {
    if items.is_empty() {
        out.push_str("set()");
        return true;
    }
    out.push('{');
    if !write_items(items, out, walk) {
        return false;
    }
    out.push('}');
    true
}
