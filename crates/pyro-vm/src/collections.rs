//! Insertion-ordered dicts and sets keyed by [`Key`]: a hashable value with
//! its hash computed once. Equal numbers hash alike (`1`, `1.0` and `true`
//! are the same key, as in Python); strings, tuples, immutable lists, records
//! and sets hash by content; instances, functions and classes by identity.
//! The mutable collections are not hashable.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::value::Value;

pub use crate::table::{Dict, Set};

pub fn new_dict() -> Dict {
    Dict::default()
}

pub fn new_set() -> Set {
    Set::default()
}

/// A hashable value.
#[derive(Clone)]
pub struct Key {
    hash: u64,
    value: Value,
}

impl Key {
    /// `Err(type name)` for an unhashable value.
    pub fn new(value: Value) -> Result<Key, String> {
        let hash = hash_value(&value)?;
        Ok(Key { hash, value })
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
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.hash == other.hash && crate::ops::equal(&self.value, &other.value)
    }
}

impl Eq for Key {}

fn mix(h: u64) -> u64 {
    let mut x = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x
}

/// The hash of a hashable value (`Err` carries the unhashable type's name).
///
/// Ints hash to themselves, as in Python (and so do bools and floats with
/// an int's value, which are equal to it): the dict table's probing spreads
/// them, and consecutive keys land in consecutive slots.
pub fn hash_value(value: &Value) -> Result<u64, String> {
    Ok(match value {
        Value::None => 0x5bd1e995,
        Value::Bool(b) => *b as u64,
        Value::Int(n) => *n as u64,
        Value::Float(x) => {
            if x.fract() == 0.0 && x.abs() < 9.2e18 {
                *x as i64 as u64
            } else {
                mix(x.to_bits())
            }
        }
        Value::Str(s) => {
            let mut h = FxHasher::default();
            s.as_str().hash(&mut h);
            h.finish()
        }
        Value::Tuple(items) | Value::List(items) => {
            let mut h: u64 = 0x345678;
            for item in items.iter() {
                h = mix(h ^ hash_value(item)?);
            }
            h
        }
        Value::Record(r) => {
            let mut h = Value::Class(r.class.clone()).identity().unwrap_or(0) as u64;
            for item in &r.fields {
                h = mix(h ^ hash_value(item)?);
            }
            h
        }
        Value::Set(s) => s.iter().fold(0x1234u64, |acc, k| acc ^ k.hash),
        Value::Range(r) => mix(r.start as u64 ^ mix(r.stop as u64) ^ mix(r.step as u64)),
        Value::ListMut(_)
        | Value::TupleMut(_)
        | Value::DictMut(_)
        | Value::SetMut(_)
        | Value::Dict(_) => return Err(value.type_name()),
        Value::Builtin(b) => mix(*b as u64 + 17),
        Value::Instance(_) if crate::repr::has_user_method(value, crate::symbol::names::hash()) => {
            let method = crate::attr::get_attr(value, crate::symbol::names::hash())
                .map_err(|e| e.message())?;
            match crate::fiber::call_sync(method, vec![]) {
                Ok(Value::Int(h)) => mix(h as u64),
                Ok(other) => {
                    return Err(format!(
                        "__hash__ returned {}, not an int",
                        other.type_name()
                    ))
                }
                Err(e) => return Err(format!("{}: {}", e.class_name(), e.message())),
            }
        }
        other => mix(other.identity().unwrap_or(0) as u64),
    })
}
