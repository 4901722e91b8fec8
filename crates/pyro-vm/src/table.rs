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

use crate::collections::Key;
use crate::value::Value;

/// A slot that never held an entry: probing stops here.
const EMPTY: u32 = u32::MAX;
/// A slot whose entry was removed: probing goes on past it.
const REMOVED: u32 = u32::MAX - 1;
/// The smallest slot array.
const MIN_SLOTS: usize = 8;

/// An insertion-ordered map from [`Key`] to `V`.
#[derive(Clone)]
pub struct Table<V> {
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

/// Where a probe for a key ended.
enum Probe {
    /// The key is at this slot.
    Found(usize),
    /// The key is absent; this slot can take it.
    Vacant(usize),
}

/// `dict` and `dict_mut`.
pub type Dict = Table<Value>;

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            slots: Vec::new(),
            entries: Vec::new(),
            len: 0,
            removed: 0,
        }
    }
}

impl<V> Table<V> {
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

    /// The slot holding `key`, or the one it would go into.
    #[inline]
    fn probe(&self, key: &Key) -> Probe {
        let mask = self.slots.len() - 1;
        let hash = key.digest();
        let mut perturb = hash;
        let mut i = hash as usize & mask;
        let mut reusable = None;
        loop {
            match self.slots[i] {
                EMPTY => return Probe::Vacant(reusable.unwrap_or(i)),
                REMOVED => {
                    reusable.get_or_insert(i);
                }
                at => {
                    if let Some((k, _)) = &self.entries[at as usize] {
                        if k == key {
                            return Probe::Found(i);
                        }
                    }
                }
            }
            i = next_probe(i, &mut perturb, mask);
        }
    }

    /// The entry position of `key`.
    fn position(&self, key: &Key) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        match self.probe(key) {
            Probe::Found(slot) => Some(self.slots[slot] as usize),
            Probe::Vacant(_) => None,
        }
    }

    pub fn get(&self, key: &Key) -> Option<&V> {
        let at = self.position(key)?;
        self.entries[at].as_ref().map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &Key) -> Option<&mut V> {
        let at = self.position(key)?;
        self.entries[at].as_mut().map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &Key) -> bool {
        self.position(key).is_some()
    }

    /// Inserts or replaces; a replaced value keeps its place in the order
    /// (as in Python) and is returned.
    pub fn insert(&mut self, key: Key, value: V) -> Option<V> {
        self.reserve(1);
        match self.probe(&key) {
            Probe::Found(slot) => {
                let at = self.slots[slot] as usize;
                self.entries[at]
                    .as_mut()
                    .map(|(_, v)| std::mem::replace(v, value))
            }
            Probe::Vacant(slot) => {
                self.occupy(slot, Some((key, value)));
                None
            }
        }
    }

    /// The value for `key`, inserting `make()` first if it is absent.
    pub fn get_or_insert_with(&mut self, key: Key, make: impl FnOnce() -> V) -> &mut V {
        self.reserve(1);
        let at = match self.probe(&key) {
            Probe::Found(slot) => self.slots[slot] as usize,
            Probe::Vacant(slot) => self.occupy(slot, Some((key, make()))),
        };
        match &mut self.entries[at] {
            Some((_, v)) => v,
            None => unreachable!("a slot points at a live entry"),
        }
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

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &Key) -> Option<V> {
        if self.len == 0 {
            return None;
        }
        let Probe::Found(slot) = self.probe(key) else {
            return None;
        };
        let at = self.slots[slot] as usize;
        self.slots[slot] = REMOVED;
        self.removed += 1;
        self.len -= 1;
        let removed = self.entries[at].take().map(|(_, v)| v);
        self.trim();
        removed
    }

    /// Removes and returns the most recently inserted entry.
    pub fn pop(&mut self) -> Option<(Key, V)> {
        let key = self.entries.iter().rev().flatten().next()?.0.clone();
        let value = self.remove(&key)?;
        Some((key, value))
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
    pub fn try_reserve(&mut self, extra: usize) -> Result<(), crate::alloc::AllocError> {
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

impl<V> IntoIterator for Table<V> {
    type Item = (Key, V);
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Option<(Key, V)>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter().flatten()
    }
}

impl<V> Extend<(Key, V)> for Table<V> {
    fn extend<I: IntoIterator<Item = (Key, V)>>(&mut self, items: I) {
        let items = items.into_iter();
        self.reserve(items.size_hint().0);
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<V> FromIterator<(Key, V)> for Table<V> {
    fn from_iter<I: IntoIterator<Item = (Key, V)>>(items: I) -> Self {
        let mut d = Self::new();
        d.extend(items);
        d
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

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: Key) -> bool {
        self.0.insert(key, ()).is_none()
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.0.contains_key(key)
    }

    /// Removes `key`, keeping the order of the others; false if absent.
    pub fn remove(&mut self, key: &Key) -> bool {
        self.0.remove(key).is_some()
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

impl Extend<Key> for Set {
    fn extend<I: IntoIterator<Item = Key>>(&mut self, keys: I) {
        self.0.extend(keys.into_iter().map(|k| (k, ())));
    }
}

impl FromIterator<Key> for Set {
    fn from_iter<I: IntoIterator<Item = Key>>(keys: I) -> Set {
        let mut s = Set::default();
        s.extend(keys);
        s
    }
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

    fn key(n: i64) -> Key {
        Key::new(Value::Int(n)).unwrap()
    }

    fn int(v: Option<&Value>) -> Option<i64> {
        match v {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }

    #[test]
    fn inserts_finds_and_keeps_order() {
        let mut d = Dict::new();
        for n in (0..1000).rev() {
            assert!(d.insert(key(n * 8), Value::Int(n)).is_none());
        }
        assert_eq!(d.len(), 1000);
        for n in 0..1000 {
            assert_eq!(int(d.get(&key(n * 8))), Some(n));
            assert!(!d.contains_key(&key(n * 8 + 1)));
        }
        let order: Vec<i64> = d.values().map(|v| int(Some(v)).unwrap()).collect();
        assert_eq!(order, (0..1000).rev().collect::<Vec<_>>());
        // Replacing keeps the place.
        assert_eq!(
            int(d.insert(key(999 * 8), Value::Int(-1)).as_ref()),
            Some(999)
        );
        assert_eq!(int(d.first().map(|(_, v)| v)), Some(-1));
    }

    #[test]
    fn removal_leaves_order_and_reuses_space() {
        let mut d = Dict::new();
        for round in 0..50 {
            for n in 0..100 {
                d.insert(key(n), Value::Int(n + round));
            }
            for n in (0..100).filter(|n| n % 3 != 0) {
                assert_eq!(int(d.remove(&key(n)).as_ref()), Some(n + round));
            }
            let left: Vec<i64> = d.keys().map(|k| int(Some(k.value())).unwrap()).collect();
            assert_eq!(left, (0..100).filter(|n| n % 3 == 0).collect::<Vec<_>>());
            for n in 0..100 {
                d.remove(&key(n));
            }
            assert!(d.is_empty());
        }
        assert!(d.slots.len() <= 256, "removed entries are squeezed out");
    }

    #[test]
    fn pop_takes_the_newest() {
        let mut d: Dict = (0..5).map(|n| (key(n), Value::Int(n))).collect();
        assert_eq!(d.pop().map(|(k, _)| int(Some(k.value()))), Some(Some(4)));
        d.remove(&key(3));
        assert_eq!(d.pop().map(|(k, _)| int(Some(k.value()))), Some(Some(2)));
        assert_eq!(d.len(), 2);
        assert_eq!(int(d.last().map(|(_, v)| v)), Some(1));
    }

    #[test]
    fn sets_add_remove_and_keep_order() {
        let mut s: Set = [3, 1, 2].into_iter().map(key).collect();
        assert!(!s.insert(key(1)));
        assert!(s.insert(key(7)));
        assert!(s.remove(&key(1)));
        assert!(!s.remove(&key(1)));
        let order: Vec<i64> = s.iter().map(|k| int(Some(k.value())).unwrap()).collect();
        assert_eq!(order, vec![3, 2, 7]);
        assert_eq!(s.pop().map(|k| int(Some(k.value()))), Some(Some(7)));
        s.retain(|k| int(Some(k.value())) != Some(3));
        assert_eq!(s.len(), 1);
        assert!(s.contains(&key(2)));
    }

    #[test]
    fn colliding_hashes_still_resolve() {
        // Multiples of a large power of two share their low bits.
        let mut d = Dict::new();
        for n in 0..500 {
            d.insert(key(n << 32), Value::Int(n));
        }
        for n in 0..500 {
            assert_eq!(int(d.get(&key(n << 32))), Some(n));
        }
    }
}
