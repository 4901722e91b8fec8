//! Methods of built-in types: strings, lists, tuples, dicts and sets (mutable
//! and immutable). Mutating methods on an immutable collection raise
//! `TypeError: list is immutable (use ListMutable)` (LANGUAGE.md §9).

use std::sync::Arc;

use pyro_builtins::{has_method as has, Receiver as R};

use parking_lot::Mutex;

use crate::builtins::{arity, int_arg, no_kw, ready, set_of, str_arg, suspend, take_kw};
use crate::call::{Args, NativeResult};
use crate::collections::{insert_locked, locate, remove_locked, Dict, Key, Set};
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::object::shared;
use crate::ops;
use crate::runtime::Rt;
use crate::symbol::Sym;
use crate::text;
use crate::value::Value;

/// Whether `obj.name` is a method of its built-in type (mutating methods of
/// immutable collections count, so that calling them gives the right error).
pub fn has_method(obj: &Value, name: &str) -> bool {
    match obj {
        Value::Str(_) => has(R::Str, name),
        Value::List(_) | Value::ListMut(_) => has(R::Seq, name) || has(R::ListMut, name),
        Value::Tuple(_) | Value::TupleMut(_) => has(R::Seq, name),
        Value::Dict(_) | Value::DictMut(_) => has(R::Dict, name) || has(R::DictMut, name),
        Value::Set(_) | Value::SetMut(_) => has(R::Set, name) || has(R::SetMut, name),
        Value::Float(_) => has(R::Float, name),
        Value::Iterator(_) => name == "__next__" || name == "__iter__",
        // A view answers for every channel method, so that calling the
        // wrong direction says "send-only" rather than "no attribute".
        Value::Chan(..) => has(R::Chan, name),
        Value::Task(_) => has(R::Task, name),
        Value::Sync(object) => has(object.receiver(), name),
        Value::Int(_) => has(R::Int, name),
        _ => false,
    }
}

fn immutable(kind: &str, twin: &str) -> RuntimeError {
    RuntimeError::type_error(format!("{kind} is immutable (use {twin})"))
}

fn opt_int(name: &str, v: Option<&Value>) -> Result<Option<i64>, RuntimeError> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => int_arg(name, v).map(Some),
    }
}

fn fill_char(name: &str, v: Option<&Value>) -> Result<char, RuntimeError> {
    match v {
        None => Ok(' '),
        Some(v) => {
            let s = str_arg(name, v)?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(RuntimeError::type_error(format!(
                    "{name}() fill character must be exactly one character long"
                ))),
            }
        }
    }
}

pub fn call_method(
    rt: &Rt,
    depth: usize,
    receiver: &Value,
    name: &str,
    mut args: Args,
) -> NativeResult {
    if !has_method(receiver, name) {
        return Err(crate::attr::no_attribute(receiver, Sym::intern(name)));
    }
    let nest = Nest::new(rt, depth);
    match receiver {
        Value::Str(s) => str_method(s.as_str(), s.char_len(), name, args),
        Value::List(items) | Value::Tuple(items) => {
            if has(R::ListMut, name) {
                return Err(immutable("list", "ListMutable"));
            }
            seq_method(receiver, items, name, args, nest)
        }
        Value::TupleMut(items) => seq_mut_method(receiver, items, name, args, nest),
        Value::ListMut(items) => {
            if has(R::Seq, name) {
                return seq_mut_method(receiver, items, name, args, nest);
            }
            list_mut_method(rt, depth, items, name, &mut args)
        }
        Value::Dict(d) => {
            if has(R::DictMut, name) {
                return Err(immutable("dict", "DictMutable"));
            }
            dict_method(receiver, DictRef::Shared(d), name, args, nest)
        }
        Value::DictMut(d) => {
            if has(R::Dict, name) {
                return dict_method(receiver, DictRef::Locked(d), name, args, nest);
            }
            dict_mut_method(d, name, args, nest)
        }
        Value::Set(s) => {
            if has(R::SetMut, name) {
                return Err(immutable("set", "SetMutable"));
            }
            set_method(receiver, SetRef::Shared(s), name, args, nest)
        }
        Value::SetMut(s) => {
            if has(R::Set, name) {
                return set_method(receiver, SetRef::Locked(s), name, args, nest);
            }
            set_mut_method(s, name, args, nest)
        }
        Value::Float(x) => ready(Value::Bool(x.is_finite() && x.fract() == 0.0)),
        Value::Chan(chan, dir) => crate::chan::method(chan, *dir, name, args),
        Value::Task(handle) => crate::task::method(handle, name, &args),
        Value::Sync(object) => crate::sync::method(rt, depth, object, name, args),
        Value::Iterator(it) if name == "__iter__" => ready(Value::Iterator(it.clone())),
        Value::Iterator(it) => match it.lock().next_native() {
            Some(v) => ready(v),
            None => Err(RuntimeError::new(pyro_builtins::Builtin::StopIteration, "")),
        },
        Value::Int(n) => ready(Value::Int(64 - n.unsigned_abs().leading_zeros() as i64)),
        _ => Err(crate::attr::no_attribute(receiver, Sym::intern(name))),
    }
}

fn strs(v: Vec<String>) -> Value {
    Value::list(v.into_iter().map(Value::str).collect())
}

fn str_method(s: &str, len: usize, name: &str, mut args: Args) -> NativeResult {
    let pos = |i: usize| args.pos.get(i);
    if name == "format" {
        return ready(Value::str(format_method(s, &args)?));
    }
    if name == "split" || name == "rsplit" {
        let sep = take_kw(&mut args, "sep");
        let maxsplit = take_kw(&mut args, "maxsplit");
        no_kw(name, &args)?;
        arity(name, &args, 0, 2)?;
        let sep = args.pos.first().cloned().or(sep);
        let sep = match &sep {
            None | Some(Value::None) => None,
            Some(v) => Some(str_arg(name, v)?),
        };
        let maxsplit = opt_int(name, args.pos.get(1).or(maxsplit.as_ref()))?.unwrap_or(-1);
        let parts = if name == "split" {
            text::split(s, sep, maxsplit)
        } else {
            text::rsplit(s, sep, maxsplit)
        };
        return ready(strs(parts.map_err(RuntimeError::value_error)?));
    }
    no_kw(name, &args)?;
    let str_at = |i: usize| -> Result<&str, RuntimeError> {
        match args.pos.get(i) {
            Some(v) => str_arg(name, v),
            None => Err(RuntimeError::type_error(format!(
                "{name}() missing a string argument"
            ))),
        }
    };
    let opt_str = |i: usize| -> Result<Option<&str>, RuntimeError> {
        match args.pos.get(i) {
            None | Some(Value::None) => Ok(None),
            Some(v) => str_arg(name, v).map(Some),
        }
    };
    let v = match name {
        "len" => Value::Int(len as i64),
        "upper" => Value::str(text::upper(s)),
        "lower" => Value::str(text::lower(s)),
        "capitalize" => Value::str(text::capitalize(s)),
        "title" => Value::str(text::title(s)),
        "swapcase" => Value::str(text::swapcase(s)),
        "strip" => Value::str(text::strip(s, opt_str(0)?)),
        "lstrip" => Value::str(text::lstrip(s, opt_str(0)?)),
        "rstrip" => Value::str(text::rstrip(s, opt_str(0)?)),
        "splitlines" => strs(text::splitlines(s, pos(0).is_some_and(Value::truthy))),
        "join" => {
            arity(name, &args, 1, 1)?;
            let items = crate::iter::collect_sync(&args.pos[0])?;
            let mut parts = crate::alloc::vec(items.len())?;
            let mut chars = 0u128;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Str(t) => {
                        chars += t.char_len() as u128;
                        parts.push(t.as_str());
                    }
                    other => {
                        return Err(RuntimeError::type_error(format!(
                            "join() expected string items, found {} at index {i}",
                            other.type_name()
                        )))
                    }
                }
            }
            Value::str(crate::alloc::join(&parts, chars, s, len)?)
        }
        "replace" => {
            arity(name, &args, 2, 3)?;
            Value::str(text::replace(
                s,
                str_at(0)?,
                str_at(1)?,
                opt_int(name, pos(2))?.unwrap_or(-1),
            )?)
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            arity(name, &args, 1, 3)?;
            let sub = str_at(0)?;
            let (start, end) = (opt_int(name, pos(1))?, opt_int(name, pos(2))?);
            let r = match name {
                "find" | "index" => text::find(s, sub, start, end),
                "count" => text::count(s, sub, start, end),
                _ => text::rfind(s, sub, start, end),
            };
            if r < 0 && (name == "index" || name == "rindex") {
                return Err(RuntimeError::value_error("substring not found"));
            }
            Value::Int(r)
        }
        "startswith" | "endswith" => {
            arity(name, &args, 1, 3)?;
            let (start, end) = (opt_int(name, pos(1))?, opt_int(name, pos(2))?);
            let candidates: Vec<String> = match &args.pos[0] {
                Value::Tuple(items) => items
                    .iter()
                    .map(|v| str_arg(name, v).map(str::to_string))
                    .collect::<Result<_, _>>()?,
                v => vec![str_arg(name, v)?.to_string()],
            };
            let test = |c: &str| {
                if name == "startswith" {
                    text::starts_with(s, c, start, end)
                } else {
                    text::ends_with(s, c, start, end)
                }
            };
            Value::Bool(candidates.iter().any(|c| test(c)))
        }
        "contains" => {
            arity(name, &args, 1, 1)?;
            Value::Bool(s.contains(str_at(0)?))
        }
        "isdigit" => Value::Bool(text::is_digit(s)),
        "isdecimal" => Value::Bool(text::is_decimal(s)),
        "isnumeric" => Value::Bool(text::is_numeric(s)),
        "isalpha" => Value::Bool(text::is_alpha(s)),
        "isalnum" => Value::Bool(text::is_alnum(s)),
        "isspace" => Value::Bool(text::is_space(s)),
        "isupper" => Value::Bool(text::is_upper(s)),
        "islower" => Value::Bool(text::is_lower(s)),
        "istitle" => Value::Bool(text::is_title(s)),
        "isidentifier" => Value::Bool(text::is_identifier(s)),
        "center" | "ljust" | "rjust" => {
            arity(name, &args, 1, 2)?;
            let width = int_arg(name, &args.pos[0])?;
            let fill = fill_char(name, pos(1))?;
            Value::str(match name {
                "center" => text::center(s, width, fill),
                "ljust" => text::ljust(s, width, fill),
                _ => text::rjust(s, width, fill),
            }?)
        }
        "zfill" => {
            arity(name, &args, 1, 1)?;
            Value::str(text::zfill(s, int_arg(name, &args.pos[0])?)?)
        }
        "partition" | "rpartition" => {
            arity(name, &args, 1, 1)?;
            let sep = str_at(0)?;
            let (a, b, c) = if name == "partition" {
                text::partition(s, sep)
            } else {
                text::rpartition(s, sep)
            }
            .map_err(RuntimeError::value_error)?;
            Value::tuple(vec![Value::str(a), Value::str(b), Value::str(c)])
        }
        "expandtabs" => Value::str(text::expandtabs(s, opt_int(name, pos(0))?.unwrap_or(8))?),
        "removeprefix" => Value::str(text::remove_prefix(s, str_at(0)?)),
        "removesuffix" => Value::str(text::remove_suffix(s, str_at(0)?)),
        "chars" => Value::list(s.chars().map(|c| Value::str(c.to_string())).collect()),
        "encode" => Value::list(s.bytes().map(|b| Value::Int(b as i64)).collect()),
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'string' object has no attribute '{name}'"
            )))
        }
    };
    ready(v)
}

/// `"{} and {name:>5}".format(a, name=b)`.
fn format_method(template: &str, args: &Args) -> Result<String, RuntimeError> {
    let mut out = String::new();
    let mut auto = 0usize;
    let mut chars = template.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let rest = &template[i + 1..];
                let close = rest.find('}').ok_or_else(|| {
                    RuntimeError::value_error("single '{' encountered in format string")
                })?;
                let field = &rest[..close];
                for _ in 0..=field.chars().count() {
                    chars.next();
                }
                let (head, spec) = field.split_once(':').unwrap_or((field, ""));
                let (head, conversion) = head.split_once('!').unwrap_or((head, ""));
                let value = if head.is_empty() {
                    auto += 1;
                    args.pos.get(auto - 1).cloned()
                } else if let Ok(n) = head.parse::<usize>() {
                    args.pos.get(n).cloned()
                } else {
                    args.kw
                        .iter()
                        .find(|(k, _)| &**k == head)
                        .map(|(_, v)| v.clone())
                };
                let value = value.ok_or_else(|| {
                    RuntimeError::index_error(format!("replacement field '{head}' has no argument"))
                })?;
                let text_value = match conversion {
                    "r" => Value::str(crate::repr::repr_sync(&value).unwrap_or_default()),
                    _ => value,
                };
                let formatted = match (&text_value, spec) {
                    (v, "") => crate::repr::display_sync(v).unwrap_or_default(),
                    (Value::Int(n), spec) => text::format_spec(text::FormatArg::Int(*n), spec)?,
                    (Value::Float(x), spec) => text::format_spec(text::FormatArg::Float(*x), spec)?,
                    (Value::Bool(b), spec) => text::format_spec(text::FormatArg::Bool(*b), spec)?,
                    (v, spec) => {
                        let s = crate::repr::display_sync(v).unwrap_or_default();
                        text::format_spec(text::FormatArg::Str(&s), spec)?
                    }
                };
                crate::alloc::reserve_str(&mut out, formatted.len())?;
                out.push_str(&formatted);
            }
            '}' => {
                return Err(RuntimeError::value_error(
                    "single '}' encountered in format string",
                ))
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn seq_method(
    receiver: &Value,
    items: &[Value],
    name: &str,
    args: Args,
    nest: Nest,
) -> NativeResult {
    no_kw(name, &args)?;
    let position = |from: usize| -> Result<Option<usize>, RuntimeError> {
        for (i, v) in items.iter().enumerate().skip(from) {
            if v.is(&args.pos[0]) || ops::equal(v, &args.pos[0], nest)? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    };
    let v = match name {
        "len" => Value::Int(items.len() as i64),
        "copy" => receiver.clone(),
        _ => {
            arity(name, &args, 1, 1)?;
            seq_search(name, position)?
        }
    };
    ready(v)
}

/// `contains`, `count` and `index` of a sequence, given where the first
/// item equal to the argument at or after an index is.
fn seq_search(
    name: &str,
    position: impl Fn(usize) -> Result<Option<usize>, RuntimeError>,
) -> Result<Value, RuntimeError> {
    Ok(match name {
        "contains" => Value::Bool(position(0)?.is_some()),
        "count" => {
            let mut n = 0;
            let mut from = 0;
            while let Some(i) = position(from)? {
                n += 1;
                from = i + 1;
            }
            Value::Int(n)
        }
        _ => match position(0)? {
            Some(i) => Value::Int(i as i64),
            None => return Err(RuntimeError::value_error("value is not in the list")),
        },
    })
}

/// The read-only methods of a mutable list or tuple, in place: nothing is
/// copied to be read (items are compared outside the lock).
fn seq_mut_method(
    receiver: &Value,
    items: &crate::value::Shared<crate::value::Items>,
    name: &str,
    args: Args,
    nest: Nest,
) -> NativeResult {
    no_kw(name, &args)?;
    let v = match name {
        "len" => Value::Int(items.lock().len() as i64),
        "copy" => {
            let copy = items.lock().to_vec();
            match receiver {
                Value::TupleMut(_) => Value::tuple_mut(copy),
                _ => Value::list_mut(copy),
            }
        }
        "contains" | "count" | "index" => {
            arity(name, &args, 1, 1)?;
            seq_search(name, |from| {
                ops::position_in(items, &args.pos[0], from, nest)
            })?
        }
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'{}' object has no attribute '{name}'",
                receiver.type_name()
            )))
        }
    };
    ready(v)
}

fn list_mut_method(
    rt: &Rt,
    depth: usize,
    items: &Arc<parking_lot::Mutex<crate::value::Items>>,
    name: &str,
    args: &mut Args,
) -> NativeResult {
    if name == "sort" {
        let key = take_kw(args, "key").filter(|k| !matches!(k, Value::None));
        let reverse = take_kw(args, "reverse").is_some_and(|r| r.truthy());
        no_kw(name, args)?;
        arity(name, args, 0, 0)?;
        let snapshot = items.lock().to_vec();
        let (rt, items) = (rt.clone(), items.clone());
        return suspend(async move {
            let sorted = crate::builtins::sort_values(&rt, depth, snapshot, key, reverse).await?;
            let old = std::mem::replace(&mut **items.lock(), sorted);
            drop(old);
            Ok(Value::None)
        });
    }
    no_kw(name, args)?;
    let v = match name {
        "push" | "append" => {
            arity(name, args, 1, 1)?;
            crate::alloc::push(&mut items.lock(), args.pos[0].clone())?;
            Value::None
        }
        "extend" => {
            arity(name, args, 1, 1)?;
            let more = crate::iter::collect_sync(&args.pos[0])?;
            crate::alloc::extend(&mut items.lock(), more)?;
            Value::None
        }
        "pop" => {
            arity(name, args, 0, 1)?;
            let mut items = items.lock();
            if items.is_empty() {
                return Err(RuntimeError::index_error("pop from empty list"));
            }
            let i = match args.pos.first() {
                Some(v) => crate::attr::normalize_index(int_arg(name, v)?, items.len(), "pop")?,
                None => items.len() - 1,
            };
            items.remove(i)
        }
        "insert" => {
            arity(name, args, 2, 2)?;
            let mut items = items.lock();
            let i = int_arg(name, &args.pos[0])?;
            let i = crate::attr::clamp_index(i, items.len());
            crate::alloc::insert(&mut items, i, args.pos[1].clone())?;
            Value::None
        }
        "remove" => {
            arity(name, args, 1, 1)?;
            let nest = Nest::new(rt, depth);
            match ops::position_in(items, &args.pos[0], 0, nest)? {
                Some(i) => {
                    // Compared outside the lock: the list may have shrunk.
                    let mut items = items.lock();
                    if i < items.len() {
                        let removed = items.remove(i);
                        drop(items);
                        drop(removed);
                    }
                }
                None => return Err(RuntimeError::value_error("list.remove(x): x not in list")),
            }
            Value::None
        }
        "clear" => {
            items.lock().clear();
            Value::None
        }
        "reverse" => {
            items.lock().reverse();
            Value::None
        }
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'list_mut' object has no attribute '{name}'"
            )))
        }
    };
    ready(v)
}

/// A dict whose read-only methods run in place: shared (immutable) or
/// behind its lock (mutable).
enum DictRef<'a> {
    Shared(&'a Arc<Dict>),
    Locked(&'a Arc<Mutex<Dict>>),
}

impl DictRef<'_> {
    /// Applies `f` to the table (under the lock for a mutable dict).
    fn with<R>(&self, f: impl FnOnce(&Dict) -> R) -> R {
        match self {
            DictRef::Shared(d) => f(d),
            DictRef::Locked(d) => f(&d.lock()),
        }
    }

    /// The value for `key`, if present.
    fn get(&self, key: &Key, nest: Nest) -> Result<Option<Value>, RuntimeError> {
        Ok(match self {
            DictRef::Shared(d) => d.get(key, nest)?.cloned(),
            DictRef::Locked(d) => {
                let (d, at) = locate(&***d, key, nest)?;
                at.map(|at| d.value_at(at).clone())
            }
        })
    }
}

fn dict_method(receiver: &Value, d: DictRef, name: &str, args: Args, nest: Nest) -> NativeResult {
    no_kw(name, &args)?;
    let v = match name {
        "len" => Value::Int(d.with(|d| d.len()) as i64),
        "keys" => Value::list(d.with(|d| d.keys().map(|k| k.value().clone()).collect())),
        "values" => Value::list(d.with(|d| d.values().cloned().collect())),
        "items" => Value::list(d.with(|d| {
            d.iter()
                .map(|(k, v)| Value::tuple(vec![k.value().clone(), v.clone()]))
                .collect()
        })),
        "get" => {
            arity(name, &args, 1, 2)?;
            let default = args.pos.get(1).cloned().unwrap_or(Value::None);
            d.get(&Key::new(args.pos[0].clone(), nest)?, nest)?
                .unwrap_or(default)
        }
        "contains" => {
            arity(name, &args, 1, 1)?;
            Value::Bool(
                d.get(&Key::new(args.pos[0].clone(), nest)?, nest)?
                    .is_some(),
            )
        }
        "copy" => match d {
            DictRef::Locked(d) => Value::DictMut(shared(d.lock().clone())),
            DictRef::Shared(_) => receiver.clone(),
        },
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'{}' object has no attribute '{name}'",
                receiver.type_name()
            )))
        }
    };
    ready(v)
}

fn missing_key(key: &Value) -> RuntimeError {
    RuntimeError::key_error(crate::repr::repr_sync(key).unwrap_or_default())
}

fn dict_mut_method(d: &Arc<Mutex<Dict>>, name: &str, args: Args, nest: Nest) -> NativeResult {
    // Values replaced or removed are dropped after the lock is released.
    let v = match name {
        "insert" => {
            arity(name, &args, 2, 2)?;
            let key = Key::new(args.pos[0].clone(), nest)?;
            let old = insert_locked(&**d, key, args.pos[1].clone(), nest)?;
            drop(old);
            Value::None
        }
        "remove" => {
            arity(name, &args, 1, 1)?;
            let key = Key::new(args.pos[0].clone(), nest)?;
            if remove_locked(&**d, &key, nest)?.is_none() {
                return Err(missing_key(&args.pos[0]));
            }
            Value::None
        }
        "pop" => {
            arity(name, &args, 1, 2)?;
            let key = Key::new(args.pos[0].clone(), nest)?;
            match (remove_locked(&**d, &key, nest)?, args.pos.get(1)) {
                (Some((_, v)), _) => v,
                (None, Some(default)) => default.clone(),
                (None, None) => return Err(missing_key(&args.pos[0])),
            }
        }
        "popitem" => match d.lock().pop() {
            Some((k, v)) => Value::tuple(vec![k.into_value(), v]),
            None => return Err(RuntimeError::key_error("popitem(): dictionary is empty")),
        },
        "clear" => {
            let old = std::mem::take(&mut *d.lock());
            drop(old);
            Value::None
        }
        "setdefault" => {
            arity(name, &args, 1, 2)?;
            let key = Key::new(args.pos[0].clone(), nest)?;
            let default = args.pos.get(1).cloned().unwrap_or(Value::None);
            let (mut table, at) = locate(&**d, &key, nest)?;
            match at {
                Some(at) => table.value_at(at).clone(),
                None => {
                    table.try_reserve(1)?;
                    table.insert_new(key, default.clone());
                    default
                }
            }
        }
        "update" => {
            let mut pairs: Vec<(Key, Value)> = match args.pos.first() {
                Some(Value::Dict(o)) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Some(Value::DictMut(o)) => o
                    .lock()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                Some(other) => {
                    let mut pairs = Vec::new();
                    for item in crate::iter::collect_sync(other)? {
                        let pair = crate::iter::collect_sync(&item)?;
                        let [k, v] = pair.as_slice() else {
                            return Err(RuntimeError::value_error(
                                "update() needs a dict or pairs of (key, value)",
                            ));
                        };
                        pairs.push((Key::new(k.clone(), nest)?, v.clone()));
                    }
                    pairs
                }
                None => Vec::new(),
            };
            for (k, v) in args.kw {
                pairs.push((Key::str(&k), v));
            }
            for (k, v) in pairs {
                let old = insert_locked(&**d, k, v, nest)?;
                drop(old);
            }
            Value::None
        }
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'dict_mut' object has no attribute '{name}'"
            )))
        }
    };
    ready(v)
}

/// A set whose read-only methods run in place, as [`DictRef`].
enum SetRef<'a> {
    Shared(&'a Arc<Set>),
    Locked(&'a Arc<Mutex<Set>>),
}

impl SetRef<'_> {
    fn contains(&self, key: &Key, nest: Nest) -> Result<bool, RuntimeError> {
        match self {
            SetRef::Shared(s) => s.contains(key, nest),
            SetRef::Locked(s) => Ok(locate(&***s, key, nest)?.1.is_some()),
        }
    }

    /// The set's keys, to compute a new set from (a mutable set is copied:
    /// the result needs its own table anyway, and user `__eq__` must not
    /// run under the lock).
    fn snapshot(&self) -> Set {
        match self {
            SetRef::Shared(s) => (***s).clone(),
            SetRef::Locked(s) => s.lock().clone(),
        }
    }
}

fn set_method(receiver: &Value, s: SetRef, name: &str, args: Args, nest: Nest) -> NativeResult {
    use pyro_compiler::Op;
    no_kw(name, &args)?;
    let mutable = matches!(receiver, Value::SetMut(_));
    let wrap = |set: Set| {
        if mutable {
            Value::SetMut(shared(set))
        } else {
            Value::Set(Arc::new(set))
        }
    };
    let other = |i: usize| -> Result<Set, RuntimeError> {
        args.pos
            .get(i)
            .map_or_else(|| Ok(Set::default()), |v| set_of(v, nest))
    };
    // Folds the set with every argument through a set operator.
    let fold = |op: Op| -> Result<Value, RuntimeError> {
        let mut out = s.snapshot();
        for i in 0..args.pos.len() {
            out = ops::set_operation(op, &out, &other(i)?, nest)?;
        }
        Ok(wrap(out))
    };
    let v = match name {
        "len" => Value::Int(match &s {
            SetRef::Shared(s) => s.len(),
            SetRef::Locked(s) => s.lock().len(),
        } as i64),
        "contains" => {
            arity(name, &args, 1, 1)?;
            match Key::new(args.pos[0].clone(), nest) {
                Ok(k) => Value::Bool(s.contains(&k, nest)?),
                // An unhashable value is in no set.
                Err(e) if e.is(pyro_builtins::Builtin::TypeError) => Value::Bool(false),
                Err(e) => return Err(e),
            }
        }
        "union" => fold(Op::BitOr)?,
        "intersection" => fold(Op::BitAnd)?,
        "difference" => fold(Op::Sub)?,
        "symmetric_difference" => {
            arity(name, &args, 1, 1)?;
            fold(Op::BitXor)?
        }
        "issubset" | "issuperset" | "isdisjoint" => {
            arity(name, &args, 1, 1)?;
            let (mine, theirs) = (s.snapshot(), other(0)?);
            let (x, y) = if name == "issuperset" {
                (&theirs, &mine)
            } else {
                (&mine, &theirs)
            };
            let mut answer = true;
            for k in x.iter() {
                let found = y.contains(k, nest)?;
                if found == (name == "isdisjoint") {
                    answer = false;
                    break;
                }
            }
            Value::Bool(answer)
        }
        "copy" => wrap(s.snapshot()),
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'{}' object has no attribute '{name}'",
                receiver.type_name()
            )))
        }
    };
    ready(v)
}

fn set_mut_method(s: &Arc<Mutex<Set>>, name: &str, args: Args, nest: Nest) -> NativeResult {
    no_kw(name, &args)?;
    let v = match name {
        "add" => {
            arity(name, &args, 1, 1)?;
            insert_locked(&**s, Key::new(args.pos[0].clone(), nest)?, (), nest)?;
            Value::None
        }
        "remove" | "discard" => {
            arity(name, &args, 1, 1)?;
            let key = Key::new(args.pos[0].clone(), nest)?;
            let removed = remove_locked(&**s, &key, nest)?;
            if removed.is_none() && name == "remove" {
                return Err(missing_key(&args.pos[0]));
            }
            drop(removed);
            Value::None
        }
        "clear" => {
            let old = std::mem::take(&mut *s.lock());
            drop(old);
            Value::None
        }
        "pop" => match s.lock().pop() {
            Some(k) => k.into_value(),
            None => return Err(RuntimeError::key_error("pop from an empty set")),
        },
        "update" => {
            for v in &args.pos {
                for k in set_of(v, nest)? {
                    insert_locked(&**s, k, (), nest)?;
                }
            }
            Value::None
        }
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'set_mut' object has no attribute '{name}'"
            )))
        }
    };
    ready(v)
}
