//! Operators on values with Python semantics: overflow-checked ints, true
//! division, floor modulo, int/float promotion, sequence concatenation and
//! repetition, structural equality and ordering.
//!
//! These never run Pyro code. When an operand is an instance that may define
//! a dunder method, they return [`Slow::Dunder`] and the interpreter calls it.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use pyro_compiler::Op;

use crate::collections::{Dict, Key, Set};
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::symbol::{names, Sym};
use crate::value::{Str, Value};

/// Why an operator could not finish natively.
pub enum Slow {
    Error(RuntimeError),
    /// Call this dunder on the left operand with the right one.
    Dunder(Sym),
}

impl From<RuntimeError> for Slow {
    fn from(e: RuntimeError) -> Slow {
        Slow::Error(e)
    }
}

fn symbol(op: Op) -> &'static str {
    match op {
        Op::Add => "+",
        Op::Sub => "-",
        Op::Mul => "*",
        Op::Div => "/",
        Op::Mod => "%",
        Op::Pow => "**",
        Op::BitAnd => "&",
        Op::BitOr => "|",
        Op::BitXor => "^",
        Op::Shl => "<<",
        Op::Shr => ">>",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
        _ => "?",
    }
}

fn dunder(op: Op) -> Sym {
    match op {
        Op::Add => names::add(),
        Op::Sub => names::sub(),
        Op::Mul => names::mul(),
        Op::Div => names::truediv(),
        Op::Mod => names::mod_(),
        Op::Pow => names::pow(),
        Op::BitAnd => names::and(),
        Op::BitOr => names::or(),
        Op::BitXor => names::xor(),
        Op::Shl => names::lshift(),
        Op::Shr => names::rshift(),
        Op::Lt => names::lt(),
        Op::Le => names::le(),
        Op::Gt => names::gt(),
        _ => names::ge(),
    }
}

pub fn unsupported(op: Op, a: &Value, b: &Value) -> RuntimeError {
    if matches!(op, Op::Add) && matches!(a, Value::Str(_)) {
        return RuntimeError::type_error(format!(
            "can only concatenate string (not \"{}\") to string",
            b.type_name()
        ));
    }
    RuntimeError::type_error(format!(
        "unsupported operand types for {}: '{}' and '{}'",
        symbol(op),
        a.type_name(),
        b.type_name()
    ))
}

fn overflow(op: Op) -> RuntimeError {
    RuntimeError::overflow(format!("integer overflow in {}", symbol(op)))
}

fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(*n as f64),
        Value::Float(x) => Some(*x),
        Value::Bool(b) => Some(*b as i64 as f64),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// Floor division of ints (`div`).
pub fn int_floor_div(a: i64, b: i64) -> Result<i64, RuntimeError> {
    if b == 0 {
        return Err(RuntimeError::zero_division(
            "integer division or modulo by zero",
        ));
    }
    let q = a
        .checked_div(b)
        .ok_or_else(|| RuntimeError::overflow("integer overflow in div"))?;
    Ok(if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

pub fn int_mod(a: i64, b: i64) -> Result<i64, RuntimeError> {
    if b == 0 {
        return Err(RuntimeError::zero_division(
            "integer division or modulo by zero",
        ));
    }
    let r = a.checked_rem(b).unwrap_or(0);
    Ok(if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    })
}

pub fn float_mod(a: f64, b: f64) -> Result<f64, RuntimeError> {
    if b == 0.0 {
        return Err(RuntimeError::zero_division("float modulo by zero"));
    }
    let r = a % b;
    Ok(if r != 0.0 && ((r < 0.0) != (b < 0.0)) {
        r + b
    } else if r == 0.0 {
        0.0f64.copysign(b)
    } else {
        r
    })
}

pub fn float_floor_div(a: f64, b: f64) -> Result<f64, RuntimeError> {
    if b == 0.0 {
        return Err(RuntimeError::zero_division("float floor division by zero"));
    }
    // CPython's float_divmod: the quotient of `a - fmod(a, b)` by `b`,
    // adjusted to the sign of `b` and rounded to the nearest integer, which
    // `floor(a / b)` is not when the division rounds (`3.0 // 0.1` is 29.0).
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    Ok(if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(a / b)
    })
}

fn int_pow(a: i64, b: i64) -> Result<Value, RuntimeError> {
    if b < 0 {
        if a == 0 {
            return Err(RuntimeError::zero_division(
                "0 cannot be raised to a negative power",
            ));
        }
        return Ok(Value::Float((a as f64).powf(b as f64)));
    }
    let Ok(exp) = u32::try_from(b) else {
        // Only 0, 1 and -1 have a 64-bit power beyond 2**32.
        return match a {
            0 | 1 => Ok(Value::Int(a)),
            -1 => Ok(Value::Int(if b % 2 == 0 { 1 } else { -1 })),
            _ => Err(overflow(Op::Pow)),
        };
    };
    a.checked_pow(exp)
        .map(Value::Int)
        .ok_or_else(|| overflow(Op::Pow))
}

fn repeat(items: &[Value], n: i64) -> Result<Vec<Value>, RuntimeError> {
    Ok(crate::alloc::repeat(items, n)?)
}

fn concat(a: &[Value], b: &[Value]) -> Result<Vec<Value>, RuntimeError> {
    Ok(crate::alloc::concat(a, b)?)
}

/// The items of a list operand of `+` or `*`: borrowed from an immutable
/// list, copied (with a checked allocation) out of a mutable one.
fn list_operand(v: &Value) -> Result<std::borrow::Cow<'_, [Value]>, RuntimeError> {
    Ok(match v {
        Value::List(items) | Value::Tuple(items) => std::borrow::Cow::Borrowed(items.as_slice()),
        Value::ListMut(items) | Value::TupleMut(items) => {
            let items = items.lock();
            let mut copy = crate::alloc::vec(items.len())?;
            copy.extend_from_slice(&items);
            std::borrow::Cow::Owned(copy)
        }
        _ => std::borrow::Cow::Borrowed(&[]),
    })
}

/// The items of a list-like value (lists, tuples, mutable lists): shared
/// when immutable; a mutable one is copied, since comparing its items may
/// run user code, which must not run under its lock.
fn seq_items(v: &Value) -> Option<Cow<'_, [Value]>> {
    match v {
        Value::List(items) | Value::Tuple(items) => Some(Cow::Borrowed(&items[..])),
        Value::ListMut(items) | Value::TupleMut(items) => Some(Cow::Owned(items.lock().to_vec())),
        _ => None,
    }
}

/// A set's table, shared or (for a mutable one) copied, as [`seq_items`].
fn set_items(v: &Value) -> Option<Cow<'_, Set>> {
    match v {
        Value::Set(s) => Some(Cow::Borrowed(&**s)),
        Value::SetMut(s) => Some(Cow::Owned(s.lock().clone())),
        _ => None,
    }
}

/// A dict's table, shared or (for a mutable one) copied, as [`seq_items`].
fn dict_items(v: &Value) -> Option<Cow<'_, Dict>> {
    match v {
        Value::Dict(d) => Some(Cow::Borrowed(&**d)),
        Value::DictMut(d) => Some(Cow::Owned(d.lock().clone())),
        _ => None,
    }
}

/// A binary arithmetic or bitwise operator.
pub fn binary(op: Op, a: &Value, b: &Value, nest: Nest) -> Result<Value, Slow> {
    if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
        if !(matches!(a, Value::Bool(_))
            && matches!(b, Value::Bool(_))
            && matches!(op, Op::BitAnd | Op::BitOr | Op::BitXor))
        {
            return int_binary(op, x, y);
        }
        let r = match op {
            Op::BitAnd => x & y,
            Op::BitOr => x | y,
            _ => x ^ y,
        };
        return Ok(Value::Bool(r != 0));
    }
    if let (Some(x), Some(y)) = (as_float(a), as_float(b)) {
        return float_binary(op, x, y).map_err(Slow::Error);
    }
    match (op, a, b) {
        (Op::Add, Value::Str(x), Value::Str(y)) => {
            let s = crate::alloc::concat_str(x.as_str(), y.as_str()).map_err(RuntimeError::from)?;
            Ok(Value::Str(Arc::new(Str::new(s))))
        }
        (Op::Mul, Value::Str(s), Value::Int(n)) | (Op::Mul, Value::Int(n), Value::Str(s)) => {
            let repeated = crate::alloc::repeat_str(s.as_str(), *n).map_err(RuntimeError::from)?;
            Ok(Value::str(repeated))
        }
        (Op::Add, Value::Tuple(x), Value::Tuple(y)) => Ok(Value::tuple(concat(x, y)?)),
        (Op::Mul, Value::Tuple(x), Value::Int(n)) | (Op::Mul, Value::Int(n), Value::Tuple(x)) => {
            Ok(Value::tuple(repeat(x, *n)?))
        }
        (Op::Add, Value::List(_) | Value::ListMut(_), Value::List(_) | Value::ListMut(_)) => {
            let items = concat(&list_operand(a)?, &list_operand(b)?)?;
            Ok(if matches!(a, Value::ListMut(_)) {
                Value::list_mut(items)
            } else {
                Value::list(items)
            })
        }
        (Op::Mul, Value::List(_) | Value::ListMut(_), Value::Int(n)) => {
            let items = repeat(&list_operand(a)?, *n)?;
            Ok(if matches!(a, Value::ListMut(_)) {
                Value::list_mut(items)
            } else {
                Value::list(items)
            })
        }
        (Op::Mul, Value::Int(n), Value::List(_) | Value::ListMut(_)) => {
            binary(op, b, &Value::Int(*n), nest)
        }
        (
            Op::BitOr | Op::BitAnd | Op::Sub | Op::BitXor,
            Value::Set(_) | Value::SetMut(_),
            Value::Set(_) | Value::SetMut(_),
        ) => {
            let (x, y) = (
                set_items(a).unwrap_or_default(),
                set_items(b).unwrap_or_default(),
            );
            let result = set_operation(op, &x, &y, nest)?;
            Ok(if matches!(a, Value::SetMut(_)) {
                Value::SetMut(crate::object::shared(result))
            } else {
                Value::Set(Arc::new(result))
            })
        }
        (Op::BitOr, Value::Dict(_) | Value::DictMut(_), Value::Dict(_) | Value::DictMut(_)) => {
            let mut merged = match a {
                Value::Dict(d) => (**d).clone(),
                Value::DictMut(d) => d.lock().clone(),
                _ => crate::collections::new_dict(),
            };
            let other = match b {
                Value::Dict(d) => (**d).clone(),
                Value::DictMut(d) => d.lock().clone(),
                _ => crate::collections::new_dict(),
            };
            for (k, v) in other {
                merged.insert(k, v, nest)?;
            }
            Ok(if matches!(a, Value::DictMut(_)) {
                Value::DictMut(crate::object::shared(merged))
            } else {
                Value::Dict(Arc::new(merged))
            })
        }
        (_, Value::Instance(_) | Value::Record(_), _) => Err(Slow::Dunder(dunder(op))),
        _ => Err(Slow::Error(unsupported(op, a, b))),
    }
}

/// `x / y` for ints, correctly rounded as Python computes it (`y` is not
/// zero). Converting both to floats first rounds twice when either needs
/// more than 53 bits.
pub fn int_true_div(x: i64, y: i64) -> f64 {
    const EXACT: u64 = 1 << 53;
    let (n, d) = (x.unsigned_abs(), y.unsigned_abs());
    let negative = (x < 0) != (y < 0);
    let q = if n <= EXACT && d <= EXACT {
        n as f64 / d as f64
    } else {
        // Scale the dividend so the integer quotient has at least 56 bits:
        // 53 for the result, the rest to round by, and the remainder as a
        // sticky bit; then one correct rounding to f64 and an exact scaling.
        let bits = |v: u64| 64 - v.leading_zeros() as i32;
        let shift = (56 - (bits(n) - bits(d))).max(0);
        let scaled = (n as u128) << shift;
        let (quotient, remainder) = (scaled / d as u128, scaled % d as u128);
        let sticky = (remainder != 0) as u128;
        ((quotient | sticky) as f64) * 2f64.powi(-shift)
    };
    if negative {
        -q
    } else {
        q
    }
}

pub fn int_binary(op: Op, x: i64, y: i64) -> Result<Value, Slow> {
    let r = match op {
        Op::Add => x.checked_add(y),
        Op::Sub => x.checked_sub(y),
        Op::Mul => x.checked_mul(y),
        Op::Div => {
            if y == 0 {
                return Err(Slow::Error(RuntimeError::zero_division("division by zero")));
            }
            return Ok(Value::Float(int_true_div(x, y)));
        }
        Op::Mod => return int_mod(x, y).map(Value::Int).map_err(Slow::Error),
        Op::Pow => return int_pow(x, y).map_err(Slow::Error),
        Op::BitAnd => Some(x & y),
        Op::BitOr => Some(x | y),
        Op::BitXor => Some(x ^ y),
        Op::Shl => {
            if y < 0 {
                return Err(Slow::Error(RuntimeError::value_error(
                    "negative shift count",
                )));
            }
            if x == 0 {
                Some(0)
            } else if y >= 64 {
                None
            } else {
                let r = x << y;
                (r >> y == x).then_some(r)
            }
        }
        Op::Shr => {
            if y < 0 {
                return Err(Slow::Error(RuntimeError::value_error(
                    "negative shift count",
                )));
            }
            Some(if y >= 64 {
                if x < 0 {
                    -1
                } else {
                    0
                }
            } else {
                x >> y
            })
        }
        _ => None,
    };
    r.map(Value::Int).ok_or_else(|| Slow::Error(overflow(op)))
}

pub fn float_binary(op: Op, x: f64, y: f64) -> Result<Value, RuntimeError> {
    Ok(Value::Float(match op {
        Op::Add => x + y,
        Op::Sub => x - y,
        Op::Mul => x * y,
        Op::Div => {
            if y == 0.0 {
                return Err(RuntimeError::zero_division("float division by zero"));
            }
            x / y
        }
        Op::Mod => float_mod(x, y)?,
        Op::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(RuntimeError::zero_division(
                    "0.0 cannot be raised to a negative power",
                ));
            }
            let r = x.powf(y);
            if r.is_nan() && !x.is_nan() && !y.is_nan() {
                return Err(RuntimeError::value_error(
                    "math domain error (negative number to a fractional power)",
                ));
            }
            r
        }
        _ => {
            return Err(RuntimeError::type_error(format!(
                "unsupported operand types for {}: 'float' and 'float'",
                symbol(op)
            )))
        }
    }))
}

/// Whether two items are one and the same, which makes them equal without
/// asking (`x is y or x == y`, as Python compares container items): for
/// everything but floats, where `nan` is not equal to itself.
/// Identity before equality when comparing items of containers, as Python
/// does: a NaN that is the same value is found in a list, equal in `[x] ==
/// [x]`, and a key of a dict. (A float has no identity of its own in Pyro:
/// two NaNs with the same bits are the same value, where in Python two NaNs
/// computed separately would be distinct objects.)
fn same(a: &Value, b: &Value) -> bool {
    a.is(b)
}

/// Equality decided without running user code or descending into a
/// container (`None` when either would be needed).
pub fn plain_equal(a: &Value, b: &Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
        ) => match (as_int(a), as_int(b)) {
            (Some(x), Some(y)) => x == y,
            _ => as_float(a) == as_float(b),
        },
        (
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Str(_) | Value::None,
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Str(_) | Value::None,
        ) => false,
        _ => return None,
    })
}

/// Structural equality. Instances compare by identity unless their class
/// defines `__eq__` (the interpreter calls it as a frame for a top-level
/// `==`; inside containers and dict keys it runs synchronously through
/// [`Nest::call`]). Nesting counts against the recursion limit, so two
/// self-containing lists give a `RecursionError` (as in Python), and an
/// error raised by a user `__eq__` propagates.
pub fn equal(a: &Value, b: &Value, nest: Nest) -> Result<bool, RuntimeError> {
    if let Some(eq) = plain_equal(a, b) {
        return Ok(eq);
    }
    match (a, b) {
        (Value::List(_) | Value::ListMut(_), Value::List(_) | Value::ListMut(_))
        | (Value::Tuple(_) | Value::TupleMut(_), Value::Tuple(_) | Value::TupleMut(_)) => {
            if a.is(b) {
                return Ok(true);
            }
            let (Some(x), Some(y)) = (seq_items(a), seq_items(b)) else {
                return Ok(false);
            };
            if x.len() != y.len() {
                return Ok(false);
            }
            nest.deeper(|nest| {
                for (p, q) in x.iter().zip(y.iter()) {
                    if !(same(p, q) || equal(p, q, nest)?) {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
        }
        (Value::Dict(_) | Value::DictMut(_), Value::Dict(_) | Value::DictMut(_)) => {
            if a.is(b) {
                return Ok(true);
            }
            let (Some(x), Some(y)) = (dict_items(a), dict_items(b)) else {
                return Ok(false);
            };
            if x.len() != y.len() {
                return Ok(false);
            }
            nest.deeper(|nest| {
                for (k, v) in x.iter() {
                    let Some(at) = y.find(k, nest)? else {
                        return Ok(false);
                    };
                    let w = y.value_at(at);
                    if !(same(v, w) || equal(v, w, nest)?) {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
        }
        (Value::Set(_) | Value::SetMut(_), Value::Set(_) | Value::SetMut(_)) => {
            if a.is(b) {
                return Ok(true);
            }
            let (Some(x), Some(y)) = (set_items(a), set_items(b)) else {
                return Ok(false);
            };
            Ok(x.len() == y.len() && nest.deeper(|nest| subset(&x, &y, nest))?)
        }
        (Value::Range(_), Value::Range(_)) => Ok(plain_range_equal(a, b)),
        (Value::Record(x), Value::Record(y)) => {
            if !Arc::ptr_eq(&x.class, &y.class) {
                return Ok(false);
            }
            if crate::repr::has_user_method(a, names::eq()) {
                return user_equal(a, b, nest);
            }
            nest.deeper(|nest| {
                for (p, q) in x.fields.iter().zip(y.fields.iter()) {
                    if !(same(p, q) || equal(p, q, nest)?) {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
        }
        _ => {
            if crate::repr::has_user_method(a, names::eq())
                || crate::repr::has_user_method(b, names::eq())
            {
                return user_equal(a, b, nest);
            }
            // `raise "text"` then `except e:` — the error equals its text.
            if let (Value::Instance(i), Value::Str(s)) | (Value::Str(s), Value::Instance(i)) =
                (a, b)
            {
                return Ok(i.get(crate::error::raised_string()).is_some()
                    && crate::error::RuntimeError(i.clone()).message() == s.as_str());
            }
            Ok(a.is(b))
        }
    }
}

/// `|`, `&`, `-` and `^` of two sets, in Python's order.
pub fn set_operation(op: Op, x: &Set, y: &Set, nest: Nest) -> Result<Set, RuntimeError> {
    let mut out = Set::default();
    let (first, second) = match op {
        Op::BitOr => (x, Some(y)),
        _ => (x, None),
    };
    for k in first.iter() {
        let keep = match op {
            Op::BitAnd => y.contains(k, nest)?,
            Op::Sub | Op::BitXor => !y.contains(k, nest)?,
            _ => true,
        };
        if keep {
            out.insert(k.clone(), nest)?;
        }
    }
    if let Some(second) = second {
        for k in second.iter() {
            out.insert(k.clone(), nest)?;
        }
    }
    if op == Op::BitXor {
        for k in y.iter() {
            if !x.contains(k, nest)? {
                out.insert(k.clone(), nest)?;
            }
        }
    }
    Ok(out)
}

/// Ranges are equal when they produce the same items.
pub fn plain_range_equal(a: &Value, b: &Value) -> bool {
    let (Value::Range(x), Value::Range(y)) = (a, b) else {
        return false;
    };
    let (lx, ly) = (x.len(), y.len());
    lx == ly && (lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step)))
}

/// `a == b` through the user's `__eq__` (of `a`, else the reflected one of `b`).
fn user_equal(a: &Value, b: &Value, nest: Nest) -> Result<bool, RuntimeError> {
    let (recv, other) = if crate::repr::has_user_method(a, names::eq()) {
        (a, b)
    } else {
        (b, a)
    };
    let method = crate::attr::get_attr(recv, names::eq())?;
    nest.call(method, vec![other.clone()])?.try_truthy(nest)
}

/// Whether every key of `x` is in `y`.
fn subset(x: &Set, y: &Set, nest: Nest) -> Result<bool, RuntimeError> {
    for k in x.iter() {
        if !y.contains(k, nest)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// An ordering that makes `op` hold (or fail), for a user comparison
/// method's boolean answer inside a sequence comparison.
fn ordering_for(op: Op, holds: bool) -> Ordering {
    let less = matches!(op, Op::Lt | Op::Le) == holds;
    if less {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// Ordering for `<` and friends, and for sorting. A top-level instance or
/// record answers [`Slow::Dunder`] (the interpreter calls the method as a
/// frame); inside sequences the method runs synchronously.
pub fn compare(a: &Value, b: &Value, op: Op, nest: Nest) -> Result<Ordering, Slow> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.as_str().cmp(y.as_str())),
        (
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
        ) => {
            match (as_int(a), as_int(b)) {
                (Some(x), Some(y)) => Ok(x.cmp(&y)),
                _ => {
                    let (x, y) = (
                        as_float(a).unwrap_or(f64::NAN),
                        as_float(b).unwrap_or(f64::NAN),
                    );
                    // NaN compares false every way; report it as "not less, not greater".
                    Ok(x.partial_cmp(&y).unwrap_or(Ordering::Equal))
                }
            }
        }
        (Value::List(_) | Value::ListMut(_), Value::List(_) | Value::ListMut(_))
        | (Value::Tuple(_) | Value::TupleMut(_), Value::Tuple(_) | Value::TupleMut(_)) => {
            let (x, y) = (
                seq_items(a).unwrap_or_default(),
                seq_items(b).unwrap_or_default(),
            );
            Ok(nest.deeper(|nest| {
                for (p, q) in x.iter().zip(y.iter()) {
                    if !(same(p, q) || equal(p, q, nest)?) {
                        return item_order(p, q, op, nest);
                    }
                }
                Ok(x.len().cmp(&y.len()))
            })?)
        }
        (Value::Set(_) | Value::SetMut(_), Value::Set(_) | Value::SetMut(_)) => {
            let (x, y) = (
                set_items(a).unwrap_or_default(),
                set_items(b).unwrap_or_default(),
            );
            let (sub, sup) =
                nest.deeper(|nest| Ok((subset(&x, &y, nest)?, subset(&y, &x, nest)?)))?;
            Ok(match (sub, sup) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                // Incomparable sets: every comparison is false.
                (false, false) => {
                    return Err(Slow::Error(RuntimeError::value_error("incomparable sets")))
                }
            })
        }
        (Value::Instance(_) | Value::Record(_), _) => Err(Slow::Dunder(dunder(op))),
        _ => Err(Slow::Error(RuntimeError::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            symbol(op),
            a.type_name(),
            b.type_name()
        )))),
    }
}

/// The order of two differing items of compared sequences: natively, or
/// through the left item's comparison method, run synchronously.
fn item_order(p: &Value, q: &Value, op: Op, nest: Nest) -> Result<Ordering, RuntimeError> {
    match compare(p, q, op, nest) {
        Ok(ord) => Ok(ord),
        Err(Slow::Error(e)) => Err(e),
        Err(Slow::Dunder(sym)) => {
            let method = crate::attr::get_attr(p, sym).map_err(|_| {
                RuntimeError::type_error(format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    symbol(op),
                    p.type_name(),
                    q.type_name()
                ))
            })?;
            let holds = nest.call(method, vec![q.clone()])?.try_truthy(nest)?;
            Ok(ordering_for(op, holds))
        }
    }
}

/// Applies an ordering operator; NaN makes every comparison false.
pub fn ordering_holds(op: Op, a: &Value, b: &Value, ord: Ordering) -> bool {
    let nan =
        matches!(a, Value::Float(x) if x.is_nan()) || matches!(b, Value::Float(x) if x.is_nan());
    if nan {
        return false;
    }
    match op {
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// `item in container`, or `None` when the container's own `__contains__`
/// must run (the interpreter calls it as a frame). Items compare as
/// `x is item or x == item`; a user `__eq__` or `__hash__` runs with no lock
/// held and its errors propagate.
pub fn contains(container: &Value, item: &Value, nest: Nest) -> Result<Option<bool>, RuntimeError> {
    Ok(Some(match container {
        Value::Str(s) => match item {
            Value::Str(sub) => s.as_str().contains(sub.as_str()),
            other => {
                return Err(RuntimeError::type_error(format!(
                    "'in <string>' requires a string as left operand, not {}",
                    other.type_name()
                )))
            }
        },
        Value::List(items) | Value::Tuple(items) => {
            for v in items.iter() {
                if same(v, item) || equal(v, item, nest)? {
                    return Ok(Some(true));
                }
            }
            false
        }
        Value::ListMut(items) | Value::TupleMut(items) => {
            position_in(items, item, 0, nest)?.is_some()
        }
        Value::Dict(_) | Value::DictMut(_) | Value::Set(_) | Value::SetMut(_) => {
            let key = Key::new(item.clone(), nest)?;
            crate::collections::contains_key(container, &key, nest)?
        }
        Value::Range(r) => match item {
            Value::Int(n) => r.contains(*n),
            Value::Bool(b) => r.contains(i64::from(*b)),
            // A float equal to an item (exactly: 2**63 is no 64-bit int).
            Value::Float(x) => {
                x.fract() == 0.0 && crate::builtins::fits_int(*x) && r.contains(*x as i64)
            }
            _ => false,
        },
        Value::Instance(_) => return Ok(None),
        other => {
            return Err(RuntimeError::type_error(format!(
                "argument of type '{}' is not iterable",
                other.type_name()
            )))
        }
    }))
}

/// The first index of a mutable sequence holding an item equal to `item`.
/// Items are compared one at a time outside the lock (a user `__eq__` may
/// read or change the list), as CPython does: the list may change meanwhile.
pub fn position_in(
    items: &crate::value::Shared<crate::value::Items>,
    item: &Value,
    from: usize,
    nest: Nest,
) -> Result<Option<usize>, RuntimeError> {
    let mut i = from;
    loop {
        // Under the lock, skip what can be decided natively.
        let v = {
            let items = items.lock();
            loop {
                let Some(v) = items.get(i) else {
                    return Ok(None);
                };
                if same(v, item) {
                    return Ok(Some(i));
                }
                match plain_equal(v, item) {
                    Some(true) => return Ok(Some(i)),
                    Some(false) => i += 1,
                    None => break v.clone(),
                }
            }
        };
        if equal(&v, item, nest)? {
            return Ok(Some(i));
        }
        i += 1;
    }
}

pub fn negate(v: &Value) -> Result<Value, Slow> {
    match v {
        Value::Int(n) => n
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| Slow::Error(RuntimeError::overflow("integer overflow in -"))),
        Value::Bool(b) => Ok(Value::Int(-(*b as i64))),
        Value::Float(x) => Ok(Value::Float(-x)),
        Value::Instance(_) => Err(Slow::Dunder(names::neg())),
        other => Err(Slow::Error(RuntimeError::type_error(format!(
            "bad operand type for unary -: '{}'",
            other.type_name()
        )))),
    }
}

pub fn positive(v: &Value) -> Result<Value, Slow> {
    match v {
        Value::Int(_) | Value::Float(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Instance(_) => Err(Slow::Dunder(names::pos())),
        other => Err(Slow::Error(RuntimeError::type_error(format!(
            "bad operand type for unary +: '{}'",
            other.type_name()
        )))),
    }
}

pub fn invert(v: &Value) -> Result<Value, Slow> {
    match v {
        Value::Int(n) => Ok(Value::Int(!n)),
        Value::Bool(b) => Ok(Value::Int(!(*b as i64))),
        Value::Instance(_) => Err(Slow::Dunder(names::invert())),
        other => Err(Slow::Error(RuntimeError::type_error(format!(
            "bad operand type for unary ~: '{}'",
            other.type_name()
        )))),
    }
}
