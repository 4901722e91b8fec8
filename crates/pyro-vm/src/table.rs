//! The hash table behind dicts and sets: insertion-ordered, in the compact
//! layout CPython's dict has used since 3.6.
//!
//! Entries live in a vector in insertion order; a separate open-addressed
//! array of 4-byte slots maps hashes to entry positions. Compared with a
//! general-purpose map this keeps the index small (4 bytes a slot), makes
//! removal O(1) with order preserved (the entry becomes a hole, skipped by
//! iteration and squeezed out when the table is rebuilt), and probes the way
//! CPython does (`i = 5i + perturb + 1`), which stays well spread for the
//! identity hashes of ints (see [`crate::collections::hash_value`]): keys
//! `0, 1, 2, …` fill consecutive slots, so building a dict of consecutive
//! ints walks memory in order.

use parking_lot::{Mutex, MutexGuard};

use crate::collections::Key;
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::value::Value;

/// A slot that never held an entry: probing stops here.
const EMPTY: u32 = u32::MAX;
/// A slot whose entry was removed: probing goes on past it.
const REMOVED: u32 = u32::MAX - 1;
/// The smallest slot array.
const MIN_SLOTS: usize = 8;

/// An insertion-ordered map from [`Key`] to `V`.
#[derive(Clone)]
pub struct Table<V: Slot> {
    /// Positions in `entries`, `EMPTY` or `REMOVED`; a power of two long,
    /// or empty before the first insertion.
    slots: Vec<u32>,
    /// Entries in insertion order; `None` where one was removed.
    entries: Vec<Option<(Key, V)>>,
    /// Live entries.
    len: usize,
    /// `REMOVED` markers in `slots`: they count against the load factor,
    /// since probing must always reach an `EMPTY` slot.
    removed: usize,
}

/// What a lookup found without running user code.
pub enum Lookup {
    /// The key is at this entry position.
    Found(usize),
    Absent,
    /// Entries with the key's hash whose equality to it needs user code
    /// (`__eq__`), in probe order: the first equal one is the key's entry.
    Ask(Vec<(usize, Key)>),
}

/// `dict` and `dict_mut`.
pub type Dict = Table<Value>;

impl<V: Slot> Default for Table<V> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            entries: Vec::new(),
            len: 0,
            removed: 0,
        }
    }
}

impl<V: Slot> Table<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        let mut d = Self::default();
        if n > 0 {
            d.entries.reserve(n);
            d.slots = vec![EMPTY; slots_for(n)];
        }
        d
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Finds `key` as far as it can without running user code: keys whose
    /// equality needs `__eq__` are handed back to ask ([`Table::find`],
    /// [`locate`]).
    #[inline]
    pub fn lookup(&self, key: &Key) -> Lookup {
        if self.len == 0 {
            return Lookup::Absent;
        }
        let mask = self.slots.len() - 1;
        let hash = key.digest();
        let mut perturb = hash;
        let mut i = hash as usize & mask;
        let mut ask = Vec::new();
        loop {
            match self.slots[i] {
                EMPTY => break,
                REMOVED => {}
                at => {
                    if let Some((k, _)) = &self.entries[at as usize] {
                        if k.digest() != hash {
                            i = next_probe(i, &mut perturb, mask);
                            continue;
                        }
                        match k.plain_eq(key) {
                            Some(true) if ask.is_empty() => return Lookup::Found(at as usize),
                            Some(true) => {
                                ask.push((at as usize, k.clone()));
                                break;
                            }
                            Some(false) => {}
                            None => ask.push((at as usize, k.clone())),
                        }
                    }
                }
            }
            i = next_probe(i, &mut perturb, mask);
        }
        if ask.is_empty() {
            Lookup::Absent
        } else {
            Lookup::Ask(ask)
        }
    }

    /// The entry position of `key` in a table no lock guards (an immutable
    /// one, or one being built): user `__eq__` runs here, and its errors
    /// propagate.
    pub fn find(&self, key: &Key, nest: Nest) -> Result<Option<usize>, RuntimeError> {
        match self.lookup(key) {
            Lookup::Found(at) => Ok(Some(at)),
            Lookup::Absent => Ok(None),
            Lookup::Ask(candidates) => ask(candidates, key, nest),
        }
    }

    pub fn get(&self, key: &Key, nest: Nest) -> Result<Option<&V>, RuntimeError> {
        Ok(self.find(key, nest)?.map(|at| self.value_at(at)))
    }

    pub fn contains_key(&self, key: &Key, nest: Nest) -> Result<bool, RuntimeError> {
        Ok(self.find(key, nest)?.is_some())
    }

    /// Inserts or replaces in a table no lock guards (see [`Table::find`]);
    /// a replaced value keeps its place in the order (as in Python) and is
    /// returned.
    pub fn insert(&mut self, key: Key, value: V, nest: Nest) -> Result<Option<V>, RuntimeError> {
        Ok(match self.find(&key, nest)? {
            Some(at) => Some(std::mem::replace(self.value_at_mut(at), value)),
            None => {
                // A table a program builds from its data: refused memory is
                // an error, not an abort.
                self.try_reserve(1)?;
                self.insert_new(key, value);
                None
            }
        })
    }

    /// Inserts or replaces a string key (or any key whose equality never
    /// runs user code) in a table of such keys (keyword arguments, JSON
    /// objects, environment variables): no user code can run.
    pub fn insert_plain(&mut self, key: Key, value: V) -> Option<V> {
        match self.lookup(&key) {
            Lookup::Found(at) => Some(std::mem::replace(self.value_at_mut(at), value)),
            // A table of plain keys never asks.
            Lookup::Absent | Lookup::Ask(_) => {
                self.insert_new(key, value);
                None
            }
        }
    }

    /// Removes `key` from a table no lock guards (see [`Table::find`]).
    pub fn remove(&mut self, key: &Key, nest: Nest) -> Result<Option<V>, RuntimeError> {
        Ok(self.find(key, nest)?.map(|at| self.remove_at(at).1))
    }

    /// The key and value at an entry position found by a lookup.
    pub fn entry_at(&self, at: usize) -> (&Key, &V) {
        match &self.entries[at] {
            Some((k, v)) => (k, v),
            None => unreachable!("a lookup returns live entries"),
        }
    }

    pub fn value_at(&self, at: usize) -> &V {
        self.entry_at(at).1
    }

    pub fn value_at_mut(&mut self, at: usize) -> &mut V {
        match &mut self.entries[at] {
            Some((_, v)) => v,
            None => unreachable!("a lookup returns live entries"),
        }
    }

    /// Adds a key known to be absent (a lookup just said so); returns its
    /// entry position.
    pub fn insert_new(&mut self, key: Key, value: V) -> usize {
        self.reserve(1);
        let mask = self.slots.len() - 1;
        let hash = key.digest();
        let mut perturb = hash;
        let mut i = hash as usize & mask;
        while !matches!(self.slots[i], EMPTY | REMOVED) {
            i = next_probe(i, &mut perturb, mask);
        }
        self.occupy(i, Some((key, value)))
    }

    /// Removes the entry at a position found by a lookup, keeping the order
    /// of the others.
    pub fn remove_at(&mut self, at: usize) -> (Key, V) {
        let Some((key, value)) = self.entries[at].take() else {
            unreachable!("a lookup returns live entries")
        };
        let mask = self.slots.len() - 1;
        let mut perturb = key.digest();
        let mut i = key.digest() as usize & mask;
        while self.slots[i] != at as u32 {
            i = next_probe(i, &mut perturb, mask);
        }
        self.slots[i] = REMOVED;
        self.removed += 1;
        self.len -= 1;
        self.trim();
        (key, value)
    }

    /// The value for `key`, inserting `make()` first if it is absent.
    pub fn get_or_insert_with(
        &mut self,
        key: Key,
        make: impl FnOnce() -> V,
        nest: Nest,
    ) -> Result<&mut V, RuntimeError> {
        let at = match self.find(&key, nest)? {
            Some(at) => at,
            None => self.insert_new(key, make()),
        };
        Ok(self.value_at_mut(at))
    }

    /// Appends `entry` and points the vacant `slot` at it; returns its position.
    fn occupy(&mut self, slot: usize, entry: Option<(Key, V)>) -> usize {
        if self.slots[slot] == REMOVED {
            self.removed -= 1;
        }
        let at = self.entries.len();
        self.slots[slot] = at as u32;
        self.entries.push(entry);
        self.len += 1;
        at
    }

    /// Removes and returns the most recently inserted entry.
    pub fn pop(&mut self) -> Option<(Key, V)> {
        let at = self.entries.iter().rposition(Option::is_some)?;
        Some(self.remove_at(at))
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Makes room for `extra` more entries without exceeding the load
    /// factor (2/3 of the slots in use, `REMOVED` markers included).
    pub fn reserve(&mut self, extra: usize) {
        let used = self.len + self.removed + extra;
        if used * 3 >= self.slots.len() * 2 {
            self.rebuild(self.len + extra);
        }
    }

    /// [`Table::reserve`] that fails, leaving the table as it was, when the
    /// memory is refused (a table a program grows in a loop under a memory
    /// cap) or the entries would outgrow the 4-byte slots.
    #[inline]
    pub fn try_reserve(&mut self, extra: usize) -> Result<(), crate::alloc::AllocError> {
        // The common case: room in both arrays already.
        let used = self.len + self.removed + extra;
        if extra <= self.entries.capacity() - self.entries.len() && used * 3 < self.slots.len() * 2
        {
            return Ok(());
        }
        self.grow(extra)
    }

    /// [`Table::try_reserve`] when an array must grow.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, extra: usize) -> Result<(), crate::alloc::AllocError> {
        let needed = self.len.saturating_add(extra);
        if needed >= REMOVED as usize {
            return Err(crate::alloc::AllocError::OutOfMemory {
                bytes: needed as u128 * std::mem::size_of::<Option<(Key, V)>>() as u128,
            });
        }
        crate::alloc::reserve(&mut self.entries, extra)?;
        let used = self.len + self.removed + extra;
        if used * 3 >= self.slots.len() * 2 {
            let n = slots_for(needed);
            let mut slots = crate::alloc::vec::<u32>(n)?;
            slots.resize(n, EMPTY);
            self.rebuild_into(slots);
        }
        Ok(())
    }

    /// Drops the holes at the end of the entries, and rebuilds when holes
    /// are most of them.
    fn trim(&mut self) {
        while let Some(None) = self.entries.last() {
            self.entries.pop();
        }
        if self.len == 0 {
            self.clear();
        } else if self.entries.len() > 2 * self.len + MIN_SLOTS {
            self.rebuild(self.len);
        }
    }

    /// Squeezes out the holes and re-indexes into a slot array sized for
    /// `capacity` entries.
    fn rebuild(&mut self, capacity: usize) {
        self.rebuild_into(vec![EMPTY; slots_for(capacity)]);
    }

    /// [`Table::rebuild`] into a given array of `EMPTY` slots.
    fn rebuild_into(&mut self, slots: Vec<u32>) {
        if self.len < self.entries.len() {
            self.entries.retain(Option::is_some);
        }
        self.slots = slots;
        self.removed = 0;
        let mask = self.slots.len() - 1;
        for (at, entry) in self.entries.iter().enumerate() {
            let Some((key, _)) = entry else { continue };
            let hash = key.digest();
            let mut perturb = hash;
            let mut i = hash as usize & mask;
            while self.slots[i] != EMPTY {
                i = next_probe(i, &mut perturb, mask);
            }
            self.slots[i] = at as u32;
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &V)> + '_ {
        self.entries.iter().flatten().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Key, &mut V)> + '_ {
        self.entries.iter_mut().flatten().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + '_ {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.iter().map(|(_, v)| v)
    }

    /// The first (oldest) entry.
    pub fn first(&self) -> Option<(&Key, &V)> {
        self.iter().next()
    }

    /// The last (newest) entry.
    pub fn last(&self) -> Option<(&Key, &V)> {
        self.iter().next_back()
    }

    /// Keeps the entries `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Key, &mut V) -> bool) {
        let before = self.len;
        for entry in &mut self.entries {
            if let Some((k, v)) = entry {
                if !keep(k, v) {
                    *entry = None;
                    self.len -= 1;
                }
            }
        }
        if self.len != before {
            self.rebuild(self.len);
        }
    }
}

/// The slot-array length for `n` entries: a power of two with `n` under
/// two thirds of it.
fn slots_for(n: usize) -> usize {
    (n * 3 / 2 + 1).next_power_of_two().max(MIN_SLOTS)
}

impl<V: Slot> IntoIterator for Table<V> {
    type Item = (Key, V);
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Option<(Key, V)>>>;

    fn into_iter(mut self) -> Self::IntoIter {
        std::mem::take(&mut self.entries).into_iter().flatten()
    }
}

/// What a table holds beside its keys: values (a dict) or nothing (a set).
pub trait Slot {
    fn into_value(self) -> Option<Value>;
    /// Holds no other values (a number, a string).
    fn is_leaf(&self) -> bool;
}

impl Slot for Value {
    fn into_value(self) -> Option<Value> {
        Some(self)
    }
    fn is_leaf(&self) -> bool {
        leaf(self)
    }
}

impl Slot for () {
    fn into_value(self) -> Option<Value> {
        None
    }
    fn is_leaf(&self) -> bool {
        true
    }
}

/// Whether a value holds no other values (freeing it cannot recurse).
fn leaf(v: &Value) -> bool {
    v.is_immediate() || matches!(v, Value::Str(_))
}

/// A table's keys and values are freed through [`crate::free::release`]:
/// a chain of nested dicts is freed without deep recursion.
impl<V: Slot> Drop for Table<V> {
    fn drop(&mut self) {
        if self.len == 0 {
            return;
        }
        let entries = std::mem::take(&mut self.entries);
        if entries
            .iter()
            .flatten()
            .all(|(k, v)| leaf(k.value()) && v.is_leaf())
        {
            // Nothing that could nest (numbers and strings).
            return;
        }
        crate::free::release(entries.into_iter().flatten().flat_map(|(k, v)| {
            let v = v.into_value();
            std::iter::once(k.into_value()).chain(v)
        }));
    }
}

/// `set` and `set_mut`: a table of keys, insertion-ordered like dicts.
#[derive(Clone, Default)]
pub struct Set(Table<()>);

impl Set {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Room for `extra` more keys; see [`Table::try_reserve`].
    pub fn try_reserve(&mut self, extra: usize) -> Result<(), crate::alloc::AllocError> {
        self.0.try_reserve(extra)
    }

    /// Adds `key` to a set no lock guards; false if it was there already.
    pub fn insert(&mut self, key: Key, nest: Nest) -> Result<bool, RuntimeError> {
        Ok(self.0.insert(key, (), nest)?.is_none())
    }

    pub fn contains(&self, key: &Key, nest: Nest) -> Result<bool, RuntimeError> {
        self.0.contains_key(key, nest)
    }

    /// Removes `key` from a set no lock guards, keeping the order of the
    /// others; false if absent.
    pub fn remove(&mut self, key: &Key, nest: Nest) -> Result<bool, RuntimeError> {
        Ok(self.0.remove(key, nest)?.is_some())
    }

    /// Removes and returns the most recently added key.
    pub fn pop(&mut self) -> Option<Key> {
        self.0.pop().map(|(k, ())| k)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Key> + '_ {
        self.0.keys()
    }

    /// Keeps the keys `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Key) -> bool) {
        self.0.retain(|k, ()| keep(k));
    }
}

impl IntoIterator for Set {
    type Item = Key;
    type IntoIter = std::iter::Map<
        std::iter::Flatten<std::vec::IntoIter<Option<(Key, ())>>>,
        fn((Key, ())) -> Key,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(k, ())| k)
    }
}

/// Asks user `__eq__` about the candidates of a lookup, in probe order
/// (the stored key's method first, as Python does).
fn ask(
    candidates: Vec<(usize, Key)>,
    key: &Key,
    nest: Nest,
) -> Result<Option<usize>, RuntimeError> {
    for (at, k) in candidates {
        if crate::ops::equal(k.value(), key.value(), nest)? {
            return Ok(Some(at));
        }
    }
    Ok(None)
}

/// A dict's or a set's table, for the operations on a shared one.
pub trait Lookups {
    type Value: Slot;
    fn table(&self) -> &Table<Self::Value>;
    fn table_mut(&mut self) -> &mut Table<Self::Value>;
}

impl<V: Slot> Lookups for Table<V> {
    type Value = V;
    fn table(&self) -> &Table<V> {
        self
    }
    fn table_mut(&mut self) -> &mut Table<V> {
        self
    }
}

impl Lookups for Set {
    type Value = ();
    fn table(&self) -> &Table<()> {
        &self.0
    }
    fn table_mut(&mut self) -> &mut Table<()> {
        &mut self.0
    }
}

/// Inserts or replaces in a table behind a lock (see [`locate`]); returns
/// the replaced value, which the caller drops after the lock.
pub fn insert_locked<T: Lookups>(
    table: &Mutex<T>,
    key: Key,
    value: T::Value,
    nest: Nest,
) -> Result<Option<T::Value>, RuntimeError> {
    let (mut guard, at) = locate(table, &key, nest)?;
    let table = guard.table_mut();
    Ok(match at {
        Some(at) => Some(std::mem::replace(table.value_at_mut(at), value)),
        None => {
            // A table a program grows in a loop: refused memory is an error.
            table.try_reserve(1)?;
            table.insert_new(key, value);
            None
        }
    })
}

/// Removes `key` from a table behind a lock (see [`locate`]).
pub fn remove_locked<T: Lookups>(
    table: &Mutex<T>,
    key: &Key,
    nest: Nest,
) -> Result<Option<(Key, T::Value)>, RuntimeError> {
    let (mut guard, at) = locate(table, key, nest)?;
    Ok(at.map(|at| guard.table_mut().remove_at(at)))
}

/// How many times a lookup in a shared table starts again because user
/// code changed the entries it compared with.
const RETRIES: usize = 100;

/// Finds `key` in a table behind a lock, running any user `__eq__` with
/// the lock released (the method may read or change the table, and other
/// tasks may use it meanwhile); returns the locked table and the key's
/// entry position, valid while the guard is held. The answer stands if the
/// entries compared are still the ones with the key's hash when the lock is
/// taken again; otherwise the lookup starts again.
pub fn locate<'a, T: Lookups>(
    table: &'a Mutex<T>,
    key: &Key,
    nest: Nest,
) -> Result<(MutexGuard<'a, T>, Option<usize>), RuntimeError> {
    let guard = table.lock();
    match guard.table().lookup(key) {
        Lookup::Found(at) => Ok((guard, Some(at))),
        Lookup::Absent => Ok((guard, None)),
        Lookup::Ask(candidates) => {
            drop(guard);
            locate_asking(table, candidates, key, nest)
        }
    }
}

/// [`locate`] when user `__eq__` must be asked.
#[cold]
#[inline(never)]
fn locate_asking<'a, T: Lookups>(
    table: &'a Mutex<T>,
    candidates: Vec<(usize, Key)>,
    key: &Key,
    nest: Nest,
) -> Result<(MutexGuard<'a, T>, Option<usize>), RuntimeError> {
    let signature = |candidates: &[(usize, Key)]| -> Vec<(usize, usize)> {
        candidates
            .iter()
            .map(|(at, k)| (*at, k.value().identity().unwrap_or(0)))
            .collect()
    };
    let mut compared = signature(&candidates);
    let mut answer = ask(candidates, key, nest)?;
    for _ in 0..RETRIES {
        let guard = table.lock();
        let candidates = match guard.table().lookup(key) {
            Lookup::Found(at) => return Ok((guard, Some(at))),
            Lookup::Absent => return Ok((guard, None)),
            Lookup::Ask(candidates) => candidates,
        };
        let now = signature(&candidates);
        if now == compared {
            return Ok((guard, answer));
        }
        drop(guard);
        compared = now;
        answer = ask(candidates, key, nest)?;
    }
    Err(RuntimeError::new(
        pyro_builtins::Builtin::Error,
        "a dict or set kept changing while its keys were compared (by __eq__)",
    ))
}

/// The slot after `i` in CPython's probe sequence: every slot is visited,
/// and the hash's high bits (`perturb`) spread keys that share low bits.
#[inline(always)]
fn next_probe(i: usize, perturb: &mut u64, mask: usize) -> usize {
    *perturb >>= 5;
    (i.wrapping_mul(5)
        .wrapping_add(*perturb as usize)
        .wrapping_add(1))
        & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt() -> crate::runtime::Rt {
        crate::runtime::Runtime::for_tests()
    }

    fn key(n: i64, nest: Nest) -> Key {
        Key::new(Value::Int(n), nest).unwrap()
    }

    fn int(v: Option<&Value>) -> Option<i64> {
        match v {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }

    #[test]
    fn inserts_finds_and_keeps_order() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        let mut d = Dict::new();
        for n in (0..1000).rev() {
            assert!(d
                .insert(key(n * 8, nest), Value::Int(n), nest)
                .unwrap()
                .is_none());
        }
        assert_eq!(d.len(), 1000);
        for n in 0..1000 {
            assert_eq!(int(d.get(&key(n * 8, nest), nest).unwrap()), Some(n));
            assert!(!d.contains_key(&key(n * 8 + 1, nest), nest).unwrap());
        }
        let order: Vec<i64> = d.values().map(|v| int(Some(v)).unwrap()).collect();
        assert_eq!(order, (0..1000).rev().collect::<Vec<_>>());
        // Replacing keeps the place.
        let old = d.insert(key(999 * 8, nest), Value::Int(-1), nest).unwrap();
        assert_eq!(int(old.as_ref()), Some(999));
        assert_eq!(int(d.first().map(|(_, v)| v)), Some(-1));
    }

    #[test]
    fn removal_leaves_order_and_reuses_space() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        let mut d = Dict::new();
        for round in 0..50 {
            for n in 0..100 {
                d.insert(key(n, nest), Value::Int(n + round), nest).unwrap();
            }
            for n in (0..100).filter(|n| n % 3 != 0) {
                let removed = d.remove(&key(n, nest), nest).unwrap();
                assert_eq!(int(removed.as_ref()), Some(n + round));
            }
            let left: Vec<i64> = d.keys().map(|k| int(Some(k.value())).unwrap()).collect();
            assert_eq!(left, (0..100).filter(|n| n % 3 == 0).collect::<Vec<_>>());
            for n in 0..100 {
                d.remove(&key(n, nest), nest).unwrap();
            }
            assert!(d.is_empty());
        }
        assert!(d.slots.len() <= 256, "removed entries are squeezed out");
    }

    #[test]
    fn pop_takes_the_newest() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        let mut d = Dict::new();
        for n in 0..5 {
            d.insert(key(n, nest), Value::Int(n), nest).unwrap();
        }
        assert_eq!(d.pop().map(|(k, _)| int(Some(k.value()))), Some(Some(4)));
        d.remove(&key(3, nest), nest).unwrap();
        assert_eq!(d.pop().map(|(k, _)| int(Some(k.value()))), Some(Some(2)));
        assert_eq!(d.len(), 2);
        assert_eq!(int(d.last().map(|(_, v)| v)), Some(1));
    }

    #[test]
    fn sets_add_remove_and_keep_order() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        let mut s = Set::default();
        for n in [3, 1, 2] {
            assert!(s.insert(key(n, nest), nest).unwrap());
        }
        assert!(!s.insert(key(1, nest), nest).unwrap());
        assert!(s.insert(key(7, nest), nest).unwrap());
        assert!(s.remove(&key(1, nest), nest).unwrap());
        assert!(!s.remove(&key(1, nest), nest).unwrap());
        let order: Vec<i64> = s.iter().map(|k| int(Some(k.value())).unwrap()).collect();
        assert_eq!(order, vec![3, 2, 7]);
        assert_eq!(s.pop().map(|k| int(Some(k.value()))), Some(Some(7)));
        s.retain(|k| int(Some(k.value())) != Some(3));
        assert_eq!(s.len(), 1);
        assert!(s.contains(&key(2, nest), nest).unwrap());
    }

    #[test]
    fn colliding_hashes_still_resolve() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        // Multiples of a large power of two share their low bits.
        let mut d = Dict::new();
        for n in 0..500 {
            d.insert(key(n << 32, nest), Value::Int(n), nest).unwrap();
        }
        for n in 0..500 {
            assert_eq!(int(d.get(&key(n << 32, nest), nest).unwrap()), Some(n));
        }
    }

    #[test]
    fn a_shared_table_is_found_under_its_lock() {
        let rt = rt();
        let nest = Nest::new(&rt, 0);
        let d = Mutex::new(Dict::new());
        assert!(insert_locked(&d, key(1, nest), Value::Int(10), nest)
            .unwrap()
            .is_none());
        let (table, at) = locate(&d, &key(1, nest), nest).unwrap();
        assert_eq!(int(at.map(|at| table.value_at(at))), Some(10));
        drop(table);
        assert!(remove_locked(&d, &key(1, nest), nest).unwrap().is_some());
        assert!(d.lock().is_empty());
    }
}
