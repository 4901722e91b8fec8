//! The prelude and the native std modules: one exhaustive `match` over the
//! catalogue's ids (a builtin without an implementation does not compile).
//! Builtins that must run Pyro code (a `key` function, `__str__`, `__len__`)
//! either continue into it (`Native::Call`) or suspend on a future that
//! calls it on a nested fiber.

use std::cmp::Ordering;
use std::sync::Arc;

use pyro_builtins::{Builtin, Kind};

use crate::call::{Args, Native, NativeResult};
use crate::collections::{hash_value, new_dict, new_set, Dict, Key, Set};
use crate::error::{error_class, RuntimeError};
use crate::fiber::{call_value, OnReturn};
use crate::nest::Nest;
use crate::object::{shared, BoundMethod, BoundTarget, Descriptor, Iter};
use crate::ops;
use crate::repr::{display_sync, repr_sync};
use crate::runtime::Rt;
use crate::symbol::names;
use crate::text;
use crate::value::{Intrinsic, RangeValue, Value};

pub(crate) fn ready(v: Value) -> NativeResult {
    Ok(Native::Value(v))
}

pub(crate) fn suspend<F>(f: F) -> NativeResult
where
    F: std::future::Future<Output = Result<Value, RuntimeError>> + Send + 'static,
{
    Ok(Native::Suspend(Box::pin(f)))
}

pub(crate) fn arity(name: &str, args: &Args, min: usize, max: usize) -> Result<(), RuntimeError> {
    let n = args.pos.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let expected = if min == max {
        format!("exactly {min} argument{}", if min == 1 { "" } else { "s" })
    } else if n < min {
        format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
    } else {
        format!("at most {max} argument{}", if max == 1 { "" } else { "s" })
    };
    Err(RuntimeError::type_error(format!(
        "{name}() takes {expected} ({n} given)"
    )))
}

pub(crate) fn take_kw(args: &mut Args, name: &str) -> Option<Value> {
    let i = args.kw.iter().position(|(k, _)| &**k == name)?;
    Some(args.kw.remove(i).1)
}

pub(crate) fn no_kw(name: &str, args: &Args) -> Result<(), RuntimeError> {
    match args.kw.first() {
        Some((k, _)) => Err(RuntimeError::type_error(format!(
            "{name}() got an unexpected keyword argument '{k}'"
        ))),
        None => Ok(()),
    }
}

pub(crate) fn int_arg(name: &str, v: &Value) -> Result<i64, RuntimeError> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(RuntimeError::type_error(format!(
            "{name}() expected an int, not {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn float_arg(name: &str, v: &Value) -> Result<f64, RuntimeError> {
    match v {
        Value::Int(n) => Ok(*n as f64),
        Value::Float(x) => Ok(*x),
        Value::Bool(b) => Ok(*b as i64 as f64),
        other => Err(RuntimeError::type_error(format!(
            "{name}() expected a number, not {}",
            other.type_name()
        ))),
    }
}

pub(crate) fn str_arg<'a>(name: &str, v: &'a Value) -> Result<&'a str, RuntimeError> {
    v.as_str().ok_or_else(|| {
        RuntimeError::type_error(format!("{name}() expected a string, not {}", v.type_name()))
    })
}

/// Items of an iterable, natively when possible, else through `__iter__`.
async fn items_of(rt: &Rt, depth: usize, v: Value) -> Result<Vec<Value>, RuntimeError> {
    crate::iter::collect(rt, depth, v).await
}

fn dict_from_items(items: Vec<Value>, nest: Nest) -> Result<Dict, RuntimeError> {
    let mut d = new_dict();
    for item in items {
        let pair = crate::iter::collect_sync(&item)?;
        if pair.len() != 2 {
            return Err(RuntimeError::value_error(
                "dict() needs pairs of (key, value)",
            ));
        }
        let mut it = pair.into_iter();
        if let (Some(k), Some(v)) = (it.next(), it.next()) {
            d.insert(Key::new(k, nest)?, v, nest)?;
        }
    }
    Ok(d)
}

fn dict_of(v: &Value) -> Option<Dict> {
    match v {
        Value::Dict(d) => Some((**d).clone()),
        Value::DictMut(d) => Some(d.lock().clone()),
        _ => None,
    }
}

fn set_from(items: Vec<Value>, nest: Nest) -> Result<Set, RuntimeError> {
    let mut s = new_set();
    for item in items {
        s.insert(Key::new(item, nest)?, nest)?;
    }
    Ok(s)
}

/// Whether `value` is an instance of `class` (a class, a built-in type, an
/// interface, a type alias, or a tuple of those).
pub fn is_instance(value: &Value, class: &Value) -> Result<bool, RuntimeError> {
    Ok(match class {
        Value::Class(c) => match value {
            Value::Instance(i) => i.class.is_subclass_of(c),
            Value::Record(r) => Arc::ptr_eq(&r.class, c),
            _ => false,
        },
        Value::Builtin(b) => match b.info().kind {
            Kind::ErrorClass => match value {
                Value::Instance(i) => i.class.is_subclass_of(&error_class(*b)),
                _ => false,
            },
            Kind::Record => match (value, crate::build::prelude_class(*b)) {
                (Value::Record(r), Some(c)) => Arc::ptr_eq(&r.class, &c),
                _ => false,
            },
            _ => {
                matches!(
                    (b, value),
                    (Builtin::Int, Value::Int(_) | Value::Bool(_))
                        | (Builtin::Float, Value::Float(_))
                        | (Builtin::Str, Value::Str(_))
                        | (Builtin::Bool, Value::Bool(_))
                        | (Builtin::List, Value::List(_))
                        | (Builtin::Tuple, Value::Tuple(_))
                        | (Builtin::Dict, Value::Dict(_))
                        | (Builtin::Set, Value::Set(_))
                        | (Builtin::ListMutable, Value::ListMut(_))
                        | (Builtin::TupleMutable, Value::TupleMut(_))
                        | (Builtin::DictMutable, Value::DictMut(_))
                        | (Builtin::SetMutable, Value::SetMut(_))
                ) || matches!(value, Value::Descriptor(d) if d.kind() == b.name())
            }
        },
        Value::Tuple(classes) => {
            for c in classes.iter() {
                if is_instance(value, c)? {
                    return Ok(true);
                }
            }
            false
        }
        // An alias: what its type accepts (as a channel of it would).
        Value::Type(t) => t.check(0)?.accepts(value),
        Value::Interface(iface) => {
            let class = match value {
                Value::Instance(i) => Some(&i.class),
                Value::Record(r) => Some(&r.class),
                _ => None,
            };
            class.is_some_and(|c| iface.methods.iter().all(|(m, _)| c.lookup(*m).is_some()))
        }
        other => {
            return Err(RuntimeError::type_error(format!(
                "isinstance() arg 2 must be a class or a tuple of classes, not {}",
                other.type_name()
            )))
        }
    })
}

/// A class as `type()` gives it: a class of the prelude as its name reads.
fn class_value(class: &Arc<crate::object::Class>) -> Value {
    match crate::build::prelude_entry(class) {
        Some(b) => Value::Builtin(b),
        None => Value::Class(class.clone()),
    }
}

/// `type(value)` (also `value.__class__`).
pub(crate) fn type_of(v: &Value) -> Value {
    let b = match v {
        Value::Instance(i) => return class_value(&i.class),
        Value::Record(r) => return class_value(&r.class),
        Value::Descriptor(d) => match d.kind() {
            "staticmethod" => Builtin::StaticMethod,
            "classmethod" => Builtin::ClassMethod,
            _ => Builtin::Property,
        },
        Value::Int(_) => Builtin::Int,
        Value::Float(_) => Builtin::Float,
        Value::Bool(_) => Builtin::Bool,
        Value::Str(_) => Builtin::Str,
        Value::List(_) => Builtin::List,
        Value::Tuple(_) => Builtin::Tuple,
        Value::Dict(_) => Builtin::Dict,
        Value::Set(_) => Builtin::Set,
        Value::ListMut(_) => Builtin::ListMutable,
        Value::TupleMut(_) => Builtin::TupleMutable,
        Value::DictMut(_) => Builtin::DictMutable,
        Value::SetMut(_) => Builtin::SetMutable,
        Value::Range(_) => Builtin::Range,
        Value::None => return Value::None,
        other => return Value::str(other.type_name()),
    };
    Value::Builtin(b)
}

fn len_of(v: &Value) -> Result<Option<i64>, RuntimeError> {
    Ok(Some(match v {
        Value::Str(s) => s.char_len() as i64,
        Value::List(items) | Value::Tuple(items) => items.len() as i64,
        Value::ListMut(items) | Value::TupleMut(items) => items.lock().len() as i64,
        Value::Dict(d) => d.len() as i64,
        Value::DictMut(d) => d.lock().len() as i64,
        Value::Set(s) => s.len() as i64,
        Value::SetMut(s) => s.lock().len() as i64,
        Value::Range(r) => r.len_int()?,
        // Values waiting in the buffer, as Go's `len(c)` (and `c.len()`).
        Value::Chan(c, _) => c.len() as i64,
        Value::Instance(_) => return Ok(None),
        other => {
            return Err(RuntimeError::type_error(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )))
        }
    }))
}

fn to_int(v: &Value, base: Option<i64>) -> Result<Value, RuntimeError> {
    if let Some(base) = base {
        let s = str_arg("int", v)?;
        if !(base == 0 || (2..=36).contains(&base)) {
            return Err(RuntimeError::value_error(
                "int() base must be >= 2 and <= 36, or 0",
            ));
        }
        return text::parse_int(s, base as u32)
            .map(Value::Int)
            .map_err(RuntimeError::value_error);
    }
    match v {
        Value::Int(n) => Ok(Value::Int(*n)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(x) => Ok(Value::Int(float_to_int(x.trunc(), "")?)),
        Value::Str(s) => text::parse_int(s.as_str(), 10)
            .map(Value::Int)
            .map_err(RuntimeError::value_error),
        other => Err(RuntimeError::type_error(format!(
            "int() argument must be a string or a number, not '{}'",
            other.type_name()
        ))),
    }
}

/// 2**63 as a float (exact).
const TWO_POW_63: f64 = (1u64 << 63) as f64;

/// Whether a float lies among the 64-bit ints' range, `-2**63 <= x < 2**63`
/// (every integral float there converts exactly).
pub(crate) fn fits_int(x: f64) -> bool {
    (-TWO_POW_63..TWO_POW_63).contains(&x)
}

/// An integral float as an int: NaN is a `ValueError`, and a value outside
/// the 64-bit ints (`-2**63` is the last one inside) an `OverflowError`;
/// `context` ends the message (`" in ceil()"`).
pub(crate) fn float_to_int(x: f64, context: &str) -> Result<i64, RuntimeError> {
    if x.is_nan() {
        return Err(RuntimeError::value_error(format!(
            "cannot convert float NaN to integer{context}"
        )));
    }
    if !fits_int(x) {
        return Err(RuntimeError::overflow(format!(
            "cannot convert float infinity or too large float to integer{context}"
        )));
    }
    Ok(x as i64)
}

fn to_float(v: &Value) -> Result<Value, RuntimeError> {
    match v {
        Value::Int(n) => Ok(Value::Float(*n as f64)),
        Value::Bool(b) => Ok(Value::Float(*b as i64 as f64)),
        Value::Float(x) => Ok(Value::Float(*x)),
        Value::Str(s) => text::parse_float(s.as_str())
            .map(Value::Float)
            .map_err(RuntimeError::value_error),
        other => Err(RuntimeError::type_error(format!(
            "float() argument must be a string or a number, not '{}'",
            other.type_name()
        ))),
    }
}

/// `round(n, ndigits)` for an int and a negative `ndigits`: the nearest
/// multiple of `10**-ndigits`, ties to even, in 128 bits (a multiple beyond
/// 64 bits is an `OverflowError`, as `round(2**63 - 1, -1)` would be).
fn round_int(n: i64, ndigits: i64) -> Result<Value, RuntimeError> {
    // 10**39 exceeds every 128-bit product below, and any 64-bit int rounds
    // to 0 at that scale (|n| < 10**39 / 2).
    let Some(p) = u32::try_from(ndigits.unsigned_abs())
        .ok()
        .and_then(|e| 10i128.checked_pow(e))
    else {
        return Ok(Value::Int(0));
    };
    let n = i128::from(n);
    let q = n.div_euclid(p);
    let r = n - q * p;
    let q = match (2 * r).cmp(&p) {
        Ordering::Greater => q + 1,
        Ordering::Equal if q % 2 != 0 => q + 1,
        _ => q,
    };
    i64::try_from(q * p)
        .map(Value::Int)
        .map_err(|_| RuntimeError::overflow("integer overflow in round"))
}

/// Python's round(): half to even; with `ndigits`, the nearest float.
pub(crate) fn round_value(x: &Value, ndigits: Option<i64>) -> Result<Value, RuntimeError> {
    match (x, ndigits) {
        (Value::Int(n), None) => Ok(Value::Int(*n)),
        (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
        (Value::Int(n), Some(d)) if d >= 0 => Ok(Value::Int(*n)),
        (Value::Int(n), Some(d)) => round_int(*n, d),
        (Value::Float(f), None) => Ok(Value::Int(float_to_int(f.round_ties_even(), "")?)),
        (Value::Float(f), Some(d)) => {
            if !f.is_finite() {
                return Ok(Value::Float(*f));
            }
            let d = d.clamp(-308, 308);
            if d >= 0 {
                // Correctly rounded decimal formatting, read back.
                let s = format!("{:.*}", d as usize, f);
                Ok(Value::Float(s.parse().unwrap_or(*f)))
            } else {
                let p = 10f64.powi((-d) as i32);
                Ok(Value::Float((f / p).round_ties_even() * p))
            }
        }
        (other, _) => Err(RuntimeError::type_error(format!(
            "type {} doesn't define __round__",
            other.type_name()
        ))),
    }
}

fn abs_value(v: &Value) -> Result<Value, RuntimeError> {
    match v {
        Value::Int(n) => n
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| RuntimeError::overflow("integer overflow in abs")),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        other => Err(RuntimeError::type_error(format!(
            "bad operand type for abs(): '{}'",
            other.type_name()
        ))),
    }
}

fn div_value(a: &Value, b: &Value) -> Result<Value, RuntimeError> {
    match (a, b) {
        (Value::Int(_) | Value::Bool(_), Value::Int(_) | Value::Bool(_)) => Ok(Value::Int(
            ops::int_floor_div(int_arg("div", a)?, int_arg("div", b)?)?,
        )),
        _ => Ok(Value::Float(ops::float_floor_div(
            float_arg("div", a)?,
            float_arg("div", b)?,
        )?)),
    }
}

fn mod_value(a: &Value, b: &Value, nest: Nest) -> Result<Value, RuntimeError> {
    match ops::binary(pyro_compiler::Op::Mod, a, b, nest) {
        Ok(v) => Ok(v),
        Err(ops::Slow::Error(e)) => Err(e),
        Err(ops::Slow::Dunder(_)) => Err(ops::unsupported(pyro_compiler::Op::Mod, a, b)),
    }
}

/// `a < b`, running `__lt__` when needed (synchronously, as Python does:
/// a comparison method must not block).
fn less(a: &Value, b: &Value, nest: Nest) -> Result<bool, RuntimeError> {
    match ops::compare(a, b, pyro_compiler::Op::Lt, nest) {
        Ok(o) => Ok(o == Ordering::Less),
        Err(ops::Slow::Error(e)) => Err(e),
        Err(ops::Slow::Dunder(_)) => {
            let lt = crate::attr::get_attr(a, names::lt())?;
            nest.call(lt, vec![b.clone()])?.try_truthy(nest)
        }
    }
}

/// A stable sort of `(key, item)` pairs whose comparisons may run Pyro
/// code. Keys that are all ints or all strings (a total order) sort with the
/// standard library; anything else (floats with NaN, mixed numbers, user
/// `__lt__`) goes through a merge sort that tolerates a comparison that is
/// not a total order — the standard sort may panic on one.
fn sort_pairs(
    mut pairs: Vec<(Value, Value)>,
    reverse: bool,
    nest: Nest,
) -> Result<Vec<Value>, RuntimeError> {
    let all_ints = pairs.iter().all(|(k, _)| matches!(k, Value::Int(_)));
    let all_strs = pairs.iter().all(|(k, _)| matches!(k, Value::Str(_)));
    if all_ints || all_strs {
        pairs.sort_by(|(a, _), (b, _)| {
            let o = match (a, b) {
                (Value::Int(x), Value::Int(y)) => x.cmp(y),
                (Value::Str(x), Value::Str(y)) => x.as_str().cmp(y.as_str()),
                _ => Ordering::Equal,
            };
            if reverse {
                o.reverse()
            } else {
                o
            }
        });
        return Ok(pairs.into_iter().map(|(_, v)| v).collect());
    }
    // A short list sorts exactly as CPython's does (a run, then binary
    // insertion; reversed before and after for `reverse`), so even a
    // comparison that is not a total order (NaN) gives Python's order.
    if pairs.len() < SHORT_SORT {
        if reverse {
            pairs.reverse();
        }
        insertion_sort(&mut pairs, |a, b| less(&a.0, &b.0, nest))?;
        if reverse {
            pairs.reverse();
        }
        return Ok(pairs.into_iter().map(|(_, v)| v).collect());
    }
    // Take from the right only when it is strictly first (stability).
    let sorted = merge_sort(pairs, |l, r| {
        if reverse {
            less(&l.0, &r.0, nest)
        } else {
            less(&r.0, &l.0, nest)
        }
    })?;
    Ok(sorted.into_iter().map(|(_, v)| v).collect())
}

/// Lists shorter than this are one run for CPython's sort (its minimum
/// run length is the list's length below 64).
const SHORT_SORT: usize = 64;

/// CPython's sort of a list shorter than 64 items: the leading run
/// (reversed when strictly descending), then binary insertion of the rest,
/// with the same comparisons in the same order. Any answers are accepted.
fn insertion_sort<T, E>(
    items: &mut [T],
    mut lt: impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), E> {
    let n = items.len();
    if n < 2 {
        return Ok(());
    }
    let mut run = 2;
    if lt(&items[1], &items[0])? {
        while run < n && lt(&items[run], &items[run - 1])? {
            run += 1;
        }
        items[..run].reverse();
    } else {
        while run < n && !lt(&items[run], &items[run - 1])? {
            run += 1;
        }
    }
    for start in run..n {
        let (mut l, mut r) = (0, start);
        while l < r {
            let p = l + (r - l) / 2;
            if lt(&items[start], &items[p])? {
                r = p;
            } else {
                l = p + 1;
            }
        }
        items[l..=start].rotate_right(1);
    }
    Ok(())
}

/// A stable bottom-up merge sort; `right_first(l, r)` says whether `r` must
/// come before `l`. Any answers are accepted (a comparison that is not a
/// total order gives some order, never a panic), and the first error stops
/// the sort.
fn merge_sort<T: Clone, E>(
    mut items: Vec<T>,
    mut right_first: impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<Vec<T>, E> {
    let n = items.len();
    let mut width = 1;
    while width < n {
        let mut merged = Vec::with_capacity(n);
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            let (mut l, mut r) = (i, mid);
            while l < mid && r < end {
                if right_first(&items[l], &items[r])? {
                    merged.push(items[r].clone());
                    r += 1;
                } else {
                    merged.push(items[l].clone());
                    l += 1;
                }
            }
            merged.extend_from_slice(&items[l..mid]);
            merged.extend_from_slice(&items[r..end]);
            i = end;
        }
        items = merged;
        width *= 2;
    }
    Ok(items)
}

/// Sorts items, optionally by a key function (used by `sorted` and `sort`).
pub(crate) async fn sort_values(
    rt: &Rt,
    depth: usize,
    items: Vec<Value>,
    key: Option<Value>,
    reverse: bool,
) -> Result<Vec<Value>, RuntimeError> {
    let mut pairs = Vec::with_capacity(items.len());
    for item in items {
        let k = match &key {
            Some(f) => call_value(rt.clone(), f.clone(), vec![item.clone()], depth).await?,
            None => item.clone(),
        };
        pairs.push((k, item));
    }
    sort_pairs(pairs, reverse, Nest::new(rt, depth))
}

async fn min_max(
    rt: Rt,
    depth: usize,
    name: &'static str,
    mut args: Args,
    want_max: bool,
) -> Result<Value, RuntimeError> {
    let key = take_kw(&mut args, "key").filter(|k| !matches!(k, Value::None));
    let default = take_kw(&mut args, "default");
    no_kw(name, &args)?;
    let items = match args.pos.len() {
        0 => {
            return Err(RuntimeError::type_error(format!(
                "{name}() expected at least 1 argument, got 0"
            )))
        }
        1 => items_of(&rt, depth, args.pos.remove(0)).await?,
        _ => args.pos,
    };
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let k = match &key {
            Some(f) => call_value(rt.clone(), f.clone(), vec![item.clone()], depth).await?,
            None => item.clone(),
        };
        let better = match &best {
            None => true,
            Some((bk, _)) => {
                let nest = Nest::new(&rt, depth);
                if want_max {
                    less(bk, &k, nest)?
                } else {
                    less(&k, bk, nest)?
                }
            }
        };
        if better {
            best = Some((k, item));
        }
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(RuntimeError::value_error(format!(
            "{name}() arg is an empty sequence"
        ))),
    }
}

/// `task.yield_now()`: lets other tasks run once. The task wakes itself at
/// once (Tokio's own `yield_now` defers the wake-up until its worker thread
/// gets to it), so while it waits its turn it is runnable, never taken for
/// blocked by deadlock detection.
struct YieldNow(bool);

impl std::future::Future for YieldNow {
    type Output = Result<Value, RuntimeError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if self.0 {
            return std::task::Poll::Ready(Ok(Value::None));
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// Calls a prelude builtin or a native module function, after checking its
/// arguments against the catalogue's signature.
#[inline(always)]
pub fn call(rt: &Rt, depth: usize, b: Builtin, mut args: Args) -> NativeResult {
    crate::natives::builtin(b).check(&mut args, || crate::natives::builtin_name(b))?;
    dispatch(rt, depth, b, args)
}

/// Runs a catalogue entry on checked arguments (in the canonical form of
/// [`crate::natives`]).
pub(crate) fn dispatch(rt: &Rt, depth: usize, b: Builtin, mut args: Args) -> NativeResult {
    let name = b.name();
    use Builtin::*;
    match b {
        Print => {
            let sep = take_kw(&mut args, "sep");
            let end = take_kw(&mut args, "end");
            no_kw(name, &args)?;
            let sep = match sep {
                None | Some(Value::None) => " ".to_string(),
                Some(v) => str_arg("print", &v)?.to_string(),
            };
            let end = match end {
                None | Some(Value::None) => "\n".to_string(),
                Some(v) => str_arg("print", &v)?.to_string(),
            };
            let sync: Option<Vec<String>> = args.pos.iter().map(display_sync).collect();
            if let Some(parts) = sync {
                rt.write_stdout(&(parts.join(&sep) + &end))?;
                return ready(Value::None);
            }
            let rt = rt.clone();
            suspend(async move {
                let mut parts = Vec::with_capacity(args.pos.len());
                for v in args.pos {
                    parts.push(crate::format::to_string(&rt, depth, v, false).await?);
                }
                rt.write_stdout(&(parts.join(&sep) + &end))?;
                Ok(Value::None)
            })
        }
        Input => {
            arity(name, &args, 0, 1)?;
            if let Some(p) = args.pos.first() {
                let prompt = display_sync(p).unwrap_or_default();
                rt.write_stdout(&prompt)?;
            }
            rt.flush();
            let rt = rt.clone();
            suspend(async move {
                let _io = rt.watch.pending();
                let line = tokio::task::spawn_blocking(|| {
                    let mut line = String::new();
                    match std::io::stdin().read_line(&mut line) {
                        Ok(0) => Ok(None),
                        Ok(_) => Ok(Some(line.trim_end_matches(['\n', '\r']).to_string())),
                        Err(e) => Err(e.to_string()),
                    }
                })
                .await
                .map_err(|e| RuntimeError::io_error(e.to_string()))?
                .map_err(|e| RuntimeError::io_error(format!("cannot read stdin: {e}")))?;
                Ok(line.map_or(Value::None, Value::str))
            })
        }
        Str | Repr => {
            no_kw(name, &args)?;
            arity(name, &args, if b == Str { 0 } else { 1 }, 1)?;
            let Some(v) = args.pos.pop() else {
                return ready(Value::str(""));
            };
            let repr = b == Repr;
            let sync = if repr {
                repr_sync(&v)
            } else {
                display_sync(&v)
            };
            if let Some(s) = sync {
                return ready(if matches!(v, Value::Str(_)) && !repr {
                    v
                } else {
                    Value::str(s)
                });
            }
            let rt = rt.clone();
            suspend(async move {
                Ok(Value::str(
                    crate::format::to_string(&rt, depth, v, repr).await?,
                ))
            })
        }
        Int => {
            let base = take_kw(&mut args, "base");
            no_kw(name, &args)?;
            arity(name, &args, 0, 2)?;
            let base = match (args.pos.get(1), base.as_ref()) {
                (Some(b), _) | (None, Some(b)) => Some(int_arg("int", b)?),
                _ => None,
            };
            match args.pos.first() {
                None => ready(Value::Int(0)),
                Some(v) => ready(to_int(v, base)?),
            }
        }
        Float => {
            arity(name, &args, 0, 1)?;
            match args.pos.first() {
                None => ready(Value::Float(0.0)),
                Some(v) => ready(to_float(v)?),
            }
        }
        Bool => {
            arity(name, &args, 0, 1)?;
            let nest = Nest::new(rt, depth);
            let truth = args.pos.first().map(|v| v.try_truthy(nest)).transpose()?;
            ready(Value::Bool(truth == Some(true)))
        }
        List | Tuple | Set | ListMutable | SetMutable | TupleMutable | ListMut | SetMut => {
            no_kw(name, &args)?;
            arity(name, &args, if b == TupleMutable { 1 } else { 0 }, 1)?;
            let source = args.pos.pop();
            let rt = rt.clone();
            let build = move |items: Vec<Value>, nest: Nest| -> Result<Value, RuntimeError> {
                Ok(match b {
                    List => Value::list(items),
                    Tuple => Value::tuple(items),
                    Set => Value::Set(Arc::new(set_from(items, nest)?)),
                    ListMutable | ListMut => Value::list_mut(items),
                    TupleMutable => Value::tuple_mut(items),
                    _ => Value::SetMut(shared(set_from(items, nest)?)),
                })
            };
            let nest = Nest::new(&rt, depth);
            match source {
                None => ready(build(Vec::new(), nest)?),
                Some(v @ Value::Instance(_)) => suspend(async move {
                    let items = items_of(&rt, depth, v).await?;
                    build(items, Nest::new(&rt, depth))
                }),
                Some(v) => ready(build(crate::iter::collect_sync(&v)?, nest)?),
            }
        }
        Dict | DictMutable | DictMut => {
            let mut d = match args.pos.len() {
                0 => new_dict(),
                1 => match dict_of(&args.pos[0]) {
                    Some(d) => d,
                    None => dict_from_items(
                        crate::iter::collect_sync(&args.pos[0])?,
                        Nest::new(rt, depth),
                    )?,
                },
                _ => {
                    return Err(RuntimeError::type_error(format!(
                        "{name}() takes at most 1 positional argument"
                    )))
                }
            };
            for (k, v) in args.kw {
                d.insert(Key::str(&k), v, Nest::new(rt, depth))?;
            }
            ready(if b == Dict {
                Value::Dict(Arc::new(d))
            } else {
                Value::DictMut(shared(d))
            })
        }
        Type_ => {
            arity(name, &args, 1, 1)?;
            ready(type_of(&args.pos[0]))
        }
        IsInstance => {
            arity(name, &args, 2, 2)?;
            ready(Value::Bool(is_instance(&args.pos[0], &args.pos[1])?))
        }
        Len => {
            arity(name, &args, 1, 1)?;
            let v = args.pos.remove(0);
            match len_of(&v)? {
                Some(n) => ready(Value::Int(n)),
                None => {
                    let method = crate::attr::get_attr(&v, names::len()).map_err(|_| {
                        RuntimeError::type_error(format!(
                            "object of type '{}' has no len()",
                            v.type_name()
                        ))
                    })?;
                    Ok(Native::Call {
                        func: method,
                        args: vec![],
                        on_return: OnReturn::Push,
                    })
                }
            }
        }
        Range => {
            no_kw(name, &args)?;
            arity(name, &args, 1, 3)?;
            // `range(5, step=2)` arrives as `(5, None, 2)`: 5 is the stop.
            if matches!(args.pos.get(1), Some(Value::None)) {
                args.pos.swap(0, 1);
                args.pos[0] = Value::Int(0);
            }
            let ints: Vec<i64> = args
                .pos
                .iter()
                .map(|v| int_arg("range", v))
                .collect::<Result<_, _>>()?;
            let (start, stop, step) = match ints.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] => (*start, *stop, *step),
                _ => (0, 0, 1),
            };
            if step == 0 {
                return Err(RuntimeError::value_error("range() arg 3 must not be zero"));
            }
            ready(Value::Range(Arc::new(RangeValue { start, stop, step })))
        }
        Enumerate => {
            let start = take_kw(&mut args, "start");
            arity(name, &args, 1, 2)?;
            let start = match args.pos.get(1).or(start.as_ref()) {
                Some(v) => int_arg("enumerate", v)?,
                None => 0,
            };
            let source = args.pos.remove(0);
            if let Some(inner) = native_iter_of(&source)? {
                // Every native iterator knows how many items it has left, so
                // an index beyond 64 bits is found before counting starts.
                enumerate_fits(start, crate::iter::remaining(&inner))?;
                return ready(Value::Iterator(shared(crate::object::Iter::Enumerate {
                    inner: Box::new(inner),
                    index: start,
                })));
            }
            let rt = rt.clone();
            suspend(async move {
                let items = items_of(&rt, depth, source).await?;
                enumerate_fits(start, Some(items.len() as u64))?;
                let mut pairs = crate::alloc::vec(items.len())?;
                for (i, v) in items.into_iter().enumerate() {
                    // Within 64 bits: checked by `enumerate_fits`.
                    pairs.push(Value::tuple(vec![Value::Int(start + i as i64), v]));
                }
                Ok(Value::list(pairs))
            })
        }
        Zip => {
            no_kw(name, &args)?;
            if args.pos.is_empty() {
                // Python's `zip()`: nothing to take items from, no tuples.
                return ready(Value::Iterator(shared(crate::object::Iter::Done)));
            }
            let mut iters = Vec::with_capacity(args.pos.len());
            for v in &args.pos {
                match native_iter_of(v)? {
                    Some(it) => iters.push(it),
                    None => {
                        let rt = rt.clone();
                        return suspend(async move {
                            let mut lists = Vec::new();
                            for v in args.pos {
                                lists.push(items_of(&rt, depth, v).await?);
                            }
                            let n = lists.iter().map(Vec::len).min().unwrap_or(0);
                            Ok(Value::list(
                                (0..n)
                                    .map(|i| {
                                        Value::tuple(lists.iter().map(|l| l[i].clone()).collect())
                                    })
                                    .collect(),
                            ))
                        });
                    }
                }
            }
            ready(Value::Iterator(shared(crate::object::Iter::Zip(iters))))
        }
        Map | Filter => {
            no_kw(name, &args)?;
            arity(name, &args, 2, usize::MAX)?;
            let f = args.pos.remove(0);
            let rt = rt.clone();
            suspend(async move {
                let mut lists = Vec::new();
                for v in args.pos {
                    lists.push(items_of(&rt, depth, v).await?);
                }
                let mut out = Vec::new();
                if b == Filter {
                    for item in lists.into_iter().next().unwrap_or_default() {
                        let keep = match &f {
                            Value::None => item.try_truthy(Nest::new(&rt, depth))?,
                            f => call_value(rt.clone(), f.clone(), vec![item.clone()], depth)
                                .await?
                                .try_truthy(Nest::new(&rt, depth))?,
                        };
                        if keep {
                            out.push(item);
                        }
                    }
                } else {
                    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
                    for i in 0..n {
                        let call_args = lists.iter().map(|l| l[i].clone()).collect();
                        out.push(call_value(rt.clone(), f.clone(), call_args, depth).await?);
                    }
                }
                Ok(Value::list(out))
            })
        }
        Sorted => {
            arity(name, &args, 1, 3)?;
            let reverse = args.pos.get(2).is_some_and(Value::truthy);
            let key = args
                .pos
                .get(1)
                .filter(|k| !matches!(k, Value::None))
                .cloned();
            let source = args.pos.swap_remove(0);
            let rt = rt.clone();
            suspend(async move {
                let items = items_of(&rt, depth, source).await?;
                Ok(Value::list(
                    sort_values(&rt, depth, items, key, reverse).await?,
                ))
            })
        }
        Reversed => {
            arity(name, &args, 1, 1)?;
            if let Value::Range(r) = &args.pos[0] {
                return ready(Value::Iterator(shared(r.reversed())));
            }
            let mut items = crate::iter::collect_sync(&args.pos[0])?;
            items.reverse();
            ready(Value::Iterator(shared(crate::object::Iter::Snapshot {
                items,
                index: 0,
            })))
        }
        Sum => {
            let start = take_kw(&mut args, "start");
            arity(name, &args, 1, 2)?;
            let mut total = args.pos.get(1).cloned().or(start).unwrap_or(Value::Int(0));
            let source = args.pos.remove(0);
            let rt = rt.clone();
            suspend(async move {
                for item in items_of(&rt, depth, source).await? {
                    let nest = Nest::new(&rt, depth);
                    total = match ops::binary(pyro_compiler::Op::Add, &total, &item, nest) {
                        Ok(v) => v,
                        Err(ops::Slow::Error(e)) => return Err(e),
                        Err(ops::Slow::Dunder(sym)) => {
                            let m = crate::attr::get_attr(&total, sym)?;
                            call_value(rt.clone(), m, vec![item], depth).await?
                        }
                    };
                }
                Ok(total)
            })
        }
        Min | Max => {
            let rt = rt.clone();
            suspend(min_max(
                rt,
                depth,
                if b == Min { "min" } else { "max" },
                args,
                b == Max,
            ))
        }
        Abs => {
            arity(name, &args, 1, 1)?;
            ready(abs_value(&args.pos[0])?)
        }
        Round => {
            let nd = take_kw(&mut args, "ndigits");
            arity(name, &args, 1, 2)?;
            let nd = match args.pos.get(1).or(nd.as_ref()) {
                None | Some(Value::None) => None,
                Some(v) => Some(int_arg("round", v)?),
            };
            ready(round_value(&args.pos[0], nd)?)
        }
        Div => {
            arity(name, &args, 2, 2)?;
            ready(div_value(&args.pos[0], &args.pos[1])?)
        }
        DivMod => {
            arity(name, &args, 2, 2)?;
            let q = div_value(&args.pos[0], &args.pos[1])?;
            let r = mod_value(&args.pos[0], &args.pos[1], Nest::new(rt, depth))?;
            ready(Value::tuple(vec![q, r]))
        }
        Hash => {
            arity(name, &args, 1, 1)?;
            let (h, _) = hash_value(&args.pos[0], Nest::new(rt, depth))?;
            ready(Value::Int(h as i64))
        }
        Id => {
            arity(name, &args, 1, 1)?;
            let v = &args.pos[0];
            let id = match v.identity() {
                Some(p) => p as i64,
                None => hash_value(v, Nest::new(rt, depth))?.0 as i64,
            };
            ready(Value::Int(id))
        }
        Any | All => {
            arity(name, &args, 1, 1)?;
            let source = args.pos.remove(0);
            // Natively iterable: stop at the first deciding item, as Python
            // does (`any(range(10**18))` is instant and allocates nothing).
            // A long walk goes in chunks with a yield between them, like a
            // Pyro loop's budget: the task stays cancellable and fair.
            if let Some(mut it) = native_iter_of(&source)? {
                const CHUNK: usize = 1 << 16;
                let decide = move |it: &mut crate::object::Iter| -> Option<bool> {
                    for _ in 0..CHUNK {
                        match it.next_native() {
                            None => return Some(b == All),
                            Some(item) if item.truthy() == (b == Any) => return Some(b == Any),
                            Some(_) => {}
                        }
                    }
                    None
                };
                if let Some(answer) = decide(&mut it) {
                    return ready(Value::Bool(answer));
                }
                let rt = rt.clone();
                return suspend(async move {
                    loop {
                        rt.watch.progressed();
                        tokio::task::yield_now().await;
                        if let Some(answer) = decide(&mut it) {
                            return Ok(Value::Bool(answer));
                        }
                    }
                });
            }
            let rt = rt.clone();
            suspend(async move {
                let items = items_of(&rt, depth, source).await?;
                Ok(Value::Bool(if b == Any {
                    items.iter().any(Value::truthy)
                } else {
                    items.iter().all(Value::truthy)
                }))
            })
        }
        Partial => {
            no_kw(name, &args)?;
            arity(name, &args, 1, usize::MAX)?;
            let f = args.pos.remove(0);
            ready(Value::BoundMethod(Arc::new(BoundMethod {
                receiver: Value::tuple(args.pos),
                method: BoundTarget::Partial(f),
            })))
        }
        Iter => {
            arity(name, &args, 1, 1)?;
            match crate::iter::get_iter(args.pos.remove(0))? {
                crate::iter::GotIter::Native(it) => ready(it),
                crate::iter::GotIter::User(obj) => {
                    let m = crate::attr::get_attr(&obj, names::iter())?;
                    Ok(Native::Call {
                        func: m,
                        args: vec![],
                        on_return: OnReturn::Push,
                    })
                }
            }
        }
        Next => {
            arity(name, &args, 1, 2)?;
            let default = args.pos.get(1).cloned();
            match &args.pos[0] {
                Value::RangeIter(r) => match (r.next(), default) {
                    (Some(i), _) => ready(Value::Int(i)),
                    (None, Some(d)) => ready(d),
                    (None, None) => Err(RuntimeError::new(StopIteration, "")),
                },
                Value::Iterator(it) => {
                    let next = it.lock().next_native();
                    match (next, default) {
                        (Some(v), _) => ready(v),
                        (None, Some(d)) => ready(d),
                        (None, None) => Err(RuntimeError::new(StopIteration, "")),
                    }
                }
                obj @ Value::Instance(_) => {
                    let m = crate::attr::get_attr(obj, names::next())?;
                    match default {
                        None => Ok(Native::Call {
                            func: m,
                            args: vec![],
                            on_return: OnReturn::Push,
                        }),
                        Some(d) => {
                            let rt = rt.clone();
                            suspend(async move {
                                match call_value(rt, m, vec![], depth).await {
                                    Err(e) if e.is(StopIteration) => Ok(d),
                                    other => other,
                                }
                            })
                        }
                    }
                }
                other => Err(RuntimeError::type_error(format!(
                    "'{}' object is not an iterator",
                    other.type_name()
                ))),
            }
        }
        Chr => {
            arity(name, &args, 1, 1)?;
            let n = int_arg("chr", &args.pos[0])?;
            let c = u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| RuntimeError::value_error("chr() arg not in range(0x110000)"))?;
            ready(Value::str(c.to_string()))
        }
        Ord => {
            arity(name, &args, 1, 1)?;
            let s = str_arg("ord", &args.pos[0])?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => ready(Value::Int(c as i64)),
                _ => Err(RuntimeError::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                ))),
            }
        }
        StaticMethod | ClassMethod | Property => {
            no_kw(name, &args)?;
            arity(name, &args, 1, 1)?;
            let f = callable_arg(name, &args.pos[0])?;
            ready(Value::Descriptor(Arc::new(match b {
                StaticMethod => Descriptor::Static(f),
                ClassMethod => Descriptor::ClassMethod(f),
                _ => Descriptor::Property { get: f, set: None },
            })))
        }
        OkRecord | ErrRecord => Err(RuntimeError::type_error(
            "internal error: records are constructed, not called",
        )),
        Chan => {
            arity(name, &args, 0, 1)?;
            ready(make_chan(None, args.pos.first())?)
        }
        After => {
            arity(name, &args, 1, 1)?;
            let seconds = float_arg(name, &args.pos[0])?;
            let delay = crate::delay::Delay::from_f64(name, seconds)?;
            ready(crate::chan::after(rt, seconds, delay))
        }
        Error | TypeError | ValueError | KeyError | IndexError | ZeroDivisionError
        | OverflowError | MemoryError | AttributeError | NameError | RecursionError
        | AssertionError | IOError | ChannelClosed | Timeout | Cancelled | DeadlockError
        | StopIteration | ImportError => Err(RuntimeError::type_error(
            "internal error: error classes are constructed, not called",
        )),
        MathPi | MathE | MathTau | MathInf | MathNan | StringAsciiLetters
        | StringAsciiLowercase | StringAsciiUppercase | StringDigits | StringHexDigits
        | StringPunctuation | StringWhitespace => Err(RuntimeError::type_error(format!(
            "'{}' is a constant, not a function",
            name
        ))),
        TaskCount => {
            arity(name, &args, 0, 0)?;
            let started = rt.tasks_started.load(std::sync::atomic::Ordering::Relaxed);
            let finished = rt.tasks_finished.load(std::sync::atomic::Ordering::Relaxed);
            ready(Value::Int((started.saturating_sub(finished) + 1) as i64))
        }
        TaskYieldNow => {
            arity(name, &args, 0, 0)?;
            suspend(YieldNow(false))
        }
        TaskCurrent => Err(RuntimeError::type_error(
            "internal error: current() is answered by the interpreter",
        )),
        SyncMutex | SyncRwLock | SyncWaitGroup | SyncSemaphore | SyncEvent | SyncBarrier
        | SyncAtomic => ready(crate::sync::construct(b, &args)?),
        JsonStringify | JsonParse | RandomRandom | RandomRandint | RandomUniform | RandomChoice
        | RandomShuffle | RandomSeed | FsReadToString | FsWrite | FsAppend | FsExists
        | FsIsFile | FsIsDir | FsCreateDir | FsRemoveFile | FsRemoveDir | FsListDir | FsRename
        | FsCopy | IoReadFile | IoWriteFile | IoReadLine | IoEprint | ProcessExec | ProcessExit => {
            crate::hostlib::call(rt, depth, b, args)
        }
        _ => crate::stdlib::call(rt, depth, b, args),
    }
}

/// What a decorator wraps: anything that may be callable (a function, a
/// class, an object with `__call__`, another decorator's result), not a
/// number, string or collection.
fn callable_arg(name: &str, v: &Value) -> Result<Value, RuntimeError> {
    let data = matches!(
        v,
        Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Dict(_)
            | Value::Set(_)
            | Value::ListMut(_)
            | Value::TupleMut(_)
            | Value::DictMut(_)
            | Value::SetMut(_)
            | Value::Range(_)
            | Value::Slice(_)
    );
    match v {
        other if data => Err(RuntimeError::type_error(format!(
            "{name}() needs a function, not {}",
            other.type_name()
        ))),
        _ => Ok(v.clone()),
    }
}

/// A new channel with an optional element type and capacity (default 0).
fn make_chan(
    elem: Option<Arc<crate::rtype::TypeValue>>,
    capacity: Option<&Value>,
) -> Result<Value, RuntimeError> {
    let capacity = match capacity {
        None => 0,
        Some(v) => int_arg("chan", v)?,
    };
    let capacity = usize::try_from(capacity)
        .ok()
        .filter(|&n| n <= crate::chan::MAX_CAPACITY)
        .ok_or_else(|| {
            RuntimeError::value_error(format!(
                "chan() capacity must be between 0 and {} (got {capacity})",
                crate::chan::MAX_CAPACITY
            ))
        })?;
    let chan = crate::chan::Channel::new(capacity, elem);
    Ok(Value::Chan(Arc::new(chan), crate::chan::ChanDir::Both))
}

/// A native iterator over `v` for `zip` and `enumerate`. An iterator value
/// hands over what it has left (it is exhausted afterwards, and the new
/// iterator stays as lazy as it was).
fn native_iter_of(v: &Value) -> Result<Option<Iter>, RuntimeError> {
    match v {
        Value::RangeIter(r) => Ok(Some(r.take_rest().iter())),
        Value::Iterator(it) => Ok(Some(std::mem::replace(&mut *it.lock(), Iter::Done))),
        other => crate::iter::native_iter(other),
    }
}

/// `enumerate(items, start)` over `count` items: every index must be a
/// 64-bit int (Python's would grow without bound).
fn enumerate_fits(start: i64, count: Option<u64>) -> Result<(), RuntimeError> {
    let last = i128::from(start) + i128::from(count.unwrap_or(0)) - 1;
    if last > i128::from(i64::MAX) {
        return Err(RuntimeError::overflow(format!(
            "enumerate() from {start} would count past 2**63 - 1"
        )));
    }
    Ok(())
}

/// Natives that are methods of built-in classes (`Error.__init__`).
pub fn call_intrinsic(i: Intrinsic, mut args: Args) -> NativeResult {
    match i {
        Intrinsic::ErrorInit => {
            if args.pos.is_empty() {
                return Err(RuntimeError::type_error("Error.__init__ needs self"));
            }
            let receiver = args.pos.remove(0);
            crate::natives::error_init().check(&mut args, || receiver.type_name())?;
            let message = args.pos.pop().unwrap_or_else(|| Value::str(""));
            if let Value::Instance(inst) = &receiver {
                inst.set(names::message(), message);
                if inst.get(names::cause()).is_none() {
                    inst.set(names::cause(), Value::None);
                }
            }
            ready(Value::None)
        }
        Intrinsic::MakeTypedChan => {
            // `chan<T>(capacity)`: the element type comes first.
            let elem = match args.pos.first() {
                Some(Value::Type(t)) => Some(t.clone()),
                _ => None,
            };
            if !args.pos.is_empty() {
                args.pos.remove(0);
            }
            crate::natives::builtin(Builtin::Chan).check(&mut args, || "chan".into())?;
            ready(make_chan(elem, args.pos.first())?)
        }
        Intrinsic::ErrorStr => {
            let receiver = if args.pos.is_empty() {
                Value::None
            } else {
                args.pos.remove(0)
            };
            crate::natives::error_str()
                .check(&mut args, || format!("{}.__str__", receiver.type_name()))?;
            match receiver {
                Value::Instance(inst) => {
                    ready(Value::str(crate::error::RuntimeError(inst).message()))
                }
                _ => ready(Value::str("")),
            }
        }
        Intrinsic::PropertySetter => match (&args.pos[..], args.kw.is_empty()) {
            ([Value::Descriptor(d), set], true) => match &**d {
                Descriptor::Property { get, .. } => {
                    ready(Value::Descriptor(Arc::new(Descriptor::Property {
                        get: get.clone(),
                        set: Some(callable_arg("setter", set)?),
                    })))
                }
                _ => Err(RuntimeError::type_error("setter() needs a property")),
            },
            _ => Err(RuntimeError::type_error(
                "setter() takes exactly 1 argument, the setter function",
            )),
        },
    }
}

pub(crate) fn set_of(v: &Value, nest: Nest) -> Result<Set, RuntimeError> {
    match v {
        Value::Set(s) => Ok((**s).clone()),
        Value::SetMut(s) => Ok(s.lock().clone()),
        other => set_from(crate::iter::collect_sync(other)?, nest),
    }
}
