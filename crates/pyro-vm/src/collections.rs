//! Insertion-ordered dicts and sets keyed by [`Key`]: a hashable value with
//! its hash computed once. Equal numbers hash alike (`1`, `1.0` and `true`
//! are the same key, as in Python); strings, tuples, immutable lists, records
//! and sets hash by content; instances, functions and classes by identity.
//! The mutable collections are not hashable.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHasher;

use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::symbol::names;
use crate::value::Value;

pub use crate::table::{insert_locked, locate, remove_locked, Dict, Lookups, Set};

pub fn new_dict() -> Dict {
    Dict::default()
}

pub fn new_set() -> Set {
    Set::default()
}

/// A hashable value, with its hash computed once and whether comparing it
/// may run user code.
#[derive(Clone)]
pub struct Key {
    hash: u64,
    value: Value,
    /// The value is, or holds, an instance or record whose class defines
    /// `__eq__`: equality with it is not decided natively.
    user: bool,
}

impl Key {
    /// Hashes `value`: a `TypeError` for an unhashable one; a user
    /// `__hash__` runs (its errors propagate); nesting counts against the
    /// recursion limit.
    pub fn new(value: Value, nest: Nest) -> Result<Key, RuntimeError> {
        let (hash, user) = hash_value(&value, nest)?;
        Ok(Key { hash, value, user })
    }

    /// A string key (hashing a string never runs user code).
    pub fn str(text: &str) -> Key {
        Key {
            hash: str_hash(text),
            value: Value::str(text),
            user: false,
        }
    }

    /// The hash, computed once.
    #[inline]
    pub fn digest(&self) -> u64 {
        self.hash
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn into_value(self) -> Value {
        self.value
    }

    /// Equality decided without user code: `None` when either key needs
    /// its class's `__eq__`. Keys of plain values were hashed within the
    /// recursion limit, so comparing them recurses no deeper than that.
    #[inline]
    pub fn plain_eq(&self, other: &Key) -> Option<bool> {
        if self.hash != other.hash {
            return Some(false);
        }
        if let (Value::Int(a), Value::Int(b)) = (&self.value, &other.value) {
            return Some(a == b);
        }
        if self.user || other.user {
            return None;
        }
        Some(plain_key_equal(&self.value, &other.value))
    }
}

/// Structural equality of two values that hold no user `__eq__`.
fn plain_key_equal(a: &Value, b: &Value) -> bool {
    // Identity first, as in Python: a NaN key finds itself.
    if let (Value::Float(x), Value::Float(y)) = (a, b) {
        return x == y || x.to_bits() == y.to_bits();
    }
    if let Some(eq) = crate::ops::plain_equal(a, b) {
        return eq;
    }
    match (a, b) {
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            Arc::ptr_eq(x, y)
                || (x.len() == y.len()
                    && pyro_source::stack::grow(|| {
                        x.iter().zip(y.iter()).all(|(p, q)| plain_key_equal(p, q))
                    }))
        }
        (Value::Record(x), Value::Record(y)) => {
            Arc::ptr_eq(&x.class, &y.class)
                && pyro_source::stack::grow(|| {
                    x.fields
                        .iter()
                        .zip(y.fields.iter())
                        .all(|(p, q)| plain_key_equal(p, q))
                })
        }
        (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|k| matches!(y.table().lookup(k), crate::table::Lookup::Found(_)))
        }
        (Value::Range(_), Value::Range(_)) => {
            // Ranges compare by their items, which never run user code.
            crate::ops::plain_range_equal(a, b)
        }
        _ => a.is(b),
    }
}

fn mix(h: u64) -> u64 {
    let mut x = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x
}

fn str_hash(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// The hash of a hashable value, and whether equality with it needs user
/// code. `TypeError` for an unhashable value.
///
/// Ints hash to themselves, as in Python (and so do bools and floats with
/// an int's value, which are equal to it): the dict table's probing spreads
/// them, and consecutive keys land in consecutive slots.
pub fn hash_value(value: &Value, nest: Nest) -> Result<(u64, bool), RuntimeError> {
    Ok(match value {
        Value::None => (0x5bd1e995, false),
        Value::Bool(b) => (*b as u64, false),
        Value::Int(n) => (*n as u64, false),
        Value::Float(x) => {
            if x.fract() == 0.0 && x.abs() < 9.2e18 {
                (*x as i64 as u64, false)
            } else {
                (mix(x.to_bits()), false)
            }
        }
        Value::Str(s) => (str_hash(s.as_str()), false),
        Value::Tuple(items) | Value::List(items) => nest.deeper(|nest| {
            let mut h: u64 = 0x345678;
            let mut user = false;
            for item in items.iter() {
                let (ih, iu) = hash_value(item, nest)?;
                h = mix(h ^ ih);
                user |= iu;
            }
            Ok((h, user))
        })?,
        Value::Record(r) => {
            let user = crate::repr::has_user_method(value, names::eq());
            if crate::repr::has_user_method(value, names::hash()) {
                (user_hash(value, nest)?, user)
            } else {
                nest.deeper(|nest| {
                    let mut h = Value::Class(r.class.clone()).identity().unwrap_or(0) as u64;
                    let mut user = user;
                    for item in &r.fields {
                        let (ih, iu) = hash_value(item, nest)?;
                        h = mix(h ^ ih);
                        user |= iu;
                    }
                    Ok((h, user))
                })?
            }
        }
        Value::Set(s) => (
            s.iter().fold(0x1234u64, |acc, k| acc ^ k.hash),
            s.iter().any(|k| k.user),
        ),
        // Equal ranges (the same items) hash alike, as in CPython: by
        // length, first item and step, as far as they matter.
        Value::Range(r) => {
            let len = r.len();
            let h = match len {
                0 => 0,
                1 => mix(r.start as u64),
                _ => mix(r.start as u64 ^ mix(r.step as u64)),
            };
            (mix(len ^ h), false)
        }
        Value::ListMut(_)
        | Value::TupleMut(_)
        | Value::DictMut(_)
        | Value::SetMut(_)
        | Value::Dict(_) => return Err(unhashable(value)),
        Value::Builtin(b) => (mix(*b as u64 + 17), false),
        Value::Instance(_) => {
            let user = crate::repr::has_user_method(value, names::eq());
            if crate::repr::has_user_method(value, names::hash()) {
                (user_hash(value, nest)?, user)
            } else {
                (mix(value.identity().unwrap_or(0) as u64), user)
            }
        }
        other => (mix(other.identity().unwrap_or(0) as u64), false),
    })
}

/// A user `__hash__`, which must return an int.
fn user_hash(value: &Value, nest: Nest) -> Result<u64, RuntimeError> {
    let method = crate::attr::get_attr(value, names::hash())?;
    match nest.call(method, vec![])? {
        Value::Int(h) => Ok(mix(h as u64)),
        other => Err(RuntimeError::type_error(format!(
            "__hash__ returned {}, not an int",
            other.type_name()
        ))),
    }
}

pub fn unhashable(value: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("unhashable type: '{}'", value.type_name()))
}

/// A dict's keys and values, in order (copied from a mutable one under its
/// lock); empty for anything else.
pub fn dict_pairs(value: &Value) -> Vec<(Value, Value)> {
    let pairs = |d: &Dict| {
        d.iter()
            .map(|(k, v)| (k.value().clone(), v.clone()))
            .collect()
    };
    match value {
        Value::Dict(d) => pairs(d),
        Value::DictMut(d) => pairs(&d.lock()),
        _ => Vec::new(),
    }
}

/// `key in container` for dicts and sets, shared or behind a lock.
pub fn contains_key(container: &Value, key: &Key, nest: Nest) -> Result<bool, RuntimeError> {
    Ok(match container {
        Value::Dict(d) => d.find(key, nest)?.is_some(),
        Value::DictMut(d) => locate(&**d, key, nest)?.1.is_some(),
        Value::Set(s) => s.table().find(key, nest)?.is_some(),
        Value::SetMut(s) => locate(&**s, key, nest)?.1.is_some(),
        _ => false,
    })
}
