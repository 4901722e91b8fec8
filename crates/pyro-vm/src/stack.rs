//! A fiber's stacks: values (locals and temporaries of every frame) and
//! frames, both on [`Slots`].
//!
//! The slots above the top hold only vacant values (owning nothing) and the
//! vector never shrinks, so a push is an assignment into an existing slot,
//! and dropping an immediate from the top only lowers the height. That
//! matters for speed: `Vec::push` builds the value in a stack temporary and copies it
//! with one 16-byte load, which the CPU cannot forward from the temporary's
//! separate tag and payload stores — a stall of a dozen cycles on nearly
//! every instruction. Assigning into a slot stores the tag and the payload
//! straight into place.

use std::ops::{Deref, DerefMut, Index, IndexMut, Range, RangeFrom};

use crate::value::Value;

/// What a slot above the top holds: a value that owns nothing.
pub trait Vacant {
    fn vacant() -> Self;
    /// Slots to allocate on the first push.
    const FIRST: usize;
}

/// A stack over a vector that never shrinks: `slots[..len]` are live, the
/// rest vacant, so a push assigns into an existing slot. The fiber's value
/// stack ([`Stack`]) and frame stack ([`crate::fiber::Frames`]).
pub struct Slots<T> {
    slots: Vec<T>,
    len: usize,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Vacant> Slots<T> {
    pub fn with_capacity(n: usize) -> Self {
        let mut slots = Vec::with_capacity(n);
        slots.resize_with(n, T::vacant);
        Slots { slots, len: 0 }
    }

    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A new top slot (holding a vacant value) to assign the pushed one to:
    /// `*stack.next_slot() = Value::Int(n)` builds the value in place,
    /// where `Vec::push` may move it through a temporary.
    #[inline(always)]
    pub fn next_slot(&mut self) -> &mut T {
        let i = self.len;
        // `>=`, not `==`: past this test the index is known to be in
        // bounds, so the indexing below checks nothing more.
        if i >= self.slots.len() {
            self.grow();
        }
        self.len = i + 1;
        &mut self.slots[i]
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(T::FIRST);
        self.slots.resize_with(n, T::vacant);
    }

    /// Moves the stack into `dst`, an empty stack (whose empty vector this
    /// one keeps). The height moves as a scalar: copying the whole struct
    /// would read the height, written by the last push or pop a moment ago,
    /// as half of a 16-byte load, and stall (see the module notes).
    #[inline(always)]
    pub fn move_into(&mut self, dst: &mut Self) {
        debug_assert_eq!(dst.len, 0);
        std::mem::swap(&mut self.slots, &mut dst.slots);
        dst.len = std::mem::replace(&mut self.len, 0);
    }

    /// The top slot, taken off the stack (its contents stay; the caller
    /// leaves it vacant).
    #[inline(always)]
    pub(crate) fn pop_slot(&mut self) -> Option<&mut T> {
        self.len = self.len.checked_sub(1)?;
        Some(&mut self.slots[self.len])
    }

    #[inline(always)]
    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).map(|i| &self.slots[i])
    }

    #[inline(always)]
    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.len.checked_sub(1).map(|i| &mut self.slots[i])
    }
}

/// Slots are indexed directly (checked against the allocation, not the
/// height): the interpreter only reads slots below the top.
impl<T> Index<usize> for Slots<T> {
    type Output = T;

    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        &self.slots[i]
    }
}

impl<T> IndexMut<usize> for Slots<T> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.slots[i]
    }
}

impl Vacant for Value {
    fn vacant() -> Value {
        Value::None
    }
    const FIRST: usize = 8;
}

/// The value stack: slots above the top hold immediates (see
/// [`Value::is_immediate`]), stale or `None`: overwriting them releases
/// nothing.
pub type Stack = Slots<Value>;

impl Slots<Value> {
    #[inline(always)]
    pub fn push(&mut self, v: Value) {
        // The slot holds an immediate: nothing to drop, so skip the drop glue.
        std::mem::forget(std::mem::replace(self.next_slot(), v));
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Option<Value> {
        self.pop_slot()
            .map(|slot| std::mem::replace(slot, Value::None))
    }

    /// Drops the top value, which the caller knows is an immediate (an int,
    /// a float, a bool or `None`): no drop glue runs.
    #[inline(always)]
    pub fn pop_immediate(&mut self) {
        debug_assert!(self.last().is_some_and(Value::is_immediate));
        // The value stays in its slot, above the top, owning nothing.
        self.len = self.len.saturating_sub(1);
    }

    #[inline(always)]
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Value> {
        if i < self.len {
            Some(&mut self.slots[i])
        } else {
            None
        }
    }

    /// Shortens the stack to `len` values, dropping the rest (immediates
    /// stay where they are, above the top).
    #[inline(always)]
    pub fn truncate(&mut self, len: usize) {
        while self.len > len {
            self.len -= 1;
            let slot = &mut self.slots[self.len];
            if !slot.is_immediate() {
                drop(std::mem::replace(slot, Value::None));
            }
        }
    }

    /// Grows the stack to `len` values with copies of `v` (or shortens it).
    pub fn resize(&mut self, len: usize, v: Value) {
        self.truncate(len);
        while self.len < len {
            self.push(v.clone());
        }
    }

    /// Takes the values from `at` up as a vector.
    pub fn split_off(&mut self, at: usize) -> Vec<Value> {
        let at = at.min(self.len);
        let out = self.slots[at..self.len]
            .iter_mut()
            .map(|s| std::mem::replace(s, Value::None))
            .collect();
        self.len = at;
        out
    }

    /// Takes the values from the start of `range` up.
    pub fn drain(&mut self, range: RangeFrom<usize>) -> std::vec::IntoIter<Value> {
        self.split_off(range.start).into_iter()
    }

    /// Inserts `v` at `i`, shifting the values above it up.
    pub fn insert(&mut self, i: usize, v: Value) {
        self.push(v);
        self.slots[i..self.len].rotate_right(1);
    }
}

impl Extend<Value> for Stack {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, values: I) {
        for v in values {
            self.push(v);
        }
    }
}

impl Index<Range<usize>> for Stack {
    type Output = [Value];

    fn index(&self, r: Range<usize>) -> &[Value] {
        &self.slots[..self.len][r]
    }
}

impl Deref for Stack {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        &self.slots[..self.len]
    }
}

impl DerefMut for Stack {
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.slots[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(s: &Stack) -> Vec<i64> {
        s.iter()
            .map(|v| match v {
                Value::Int(n) => *n,
                _ => -1,
            })
            .collect()
    }

    #[test]
    fn pushes_pops_and_reshapes() {
        let mut s = Stack::default();
        for n in 0..20 {
            s.push(Value::Int(n));
        }
        assert_eq!(s.len(), 20);
        assert!(matches!(s.pop(), Some(Value::Int(19))));
        s.truncate(5);
        assert_eq!(ints(&s), vec![0, 1, 2, 3, 4]);
        s.insert(1, Value::Int(9));
        assert_eq!(ints(&s), vec![0, 9, 1, 2, 3, 4]);
        let top = s.split_off(4);
        assert_eq!(top.len(), 2);
        assert_eq!(ints(&s), vec![0, 9, 1, 2]);
        s.resize(6, Value::Int(7));
        assert_eq!(ints(&s), vec![0, 9, 1, 2, 7, 7]);
        s.extend([Value::Int(1), Value::Int(2)]);
        assert_eq!(s.drain(6..).count(), 2);
        assert_eq!(s.len(), 6);
        while s.pop().is_some() {}
        assert!(s.is_empty() && s.last().is_none());
    }

    #[test]
    fn released_values_are_dropped() {
        let shared = std::sync::Arc::new(crate::value::Items::default());
        let mut s = Stack::default();
        for _ in 0..10 {
            s.push(Value::List(shared.clone()));
        }
        s.truncate(3);
        drop(s.split_off(1));
        assert_eq!(std::sync::Arc::strong_count(&shared), 2);
        drop(s);
        assert_eq!(std::sync::Arc::strong_count(&shared), 1);
    }
}
