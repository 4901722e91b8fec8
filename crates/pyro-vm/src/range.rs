//! Range arithmetic: length, indexing, slicing, membership and reversal.
//!
//! A range's bounds are 64-bit ints, but its length can reach 2**64 - 1 and
//! the differences between its bounds do not fit in 64 bits, so everything
//! here is computed in 128 bits: nothing a program can write wraps or
//! saturates. An answer that exists but that Pyro's ints cannot hold (the
//! length of `range(-2**63, 2**63 - 1)`) is an `OverflowError`.

use crate::error::RuntimeError;
use crate::object::Iter;
use crate::value::{RangeValue, Value};

impl RangeValue {
    /// The number of items (up to 2**64 - 1).
    pub fn len(&self) -> u64 {
        let (start, stop, step) = (
            i128::from(self.start),
            i128::from(self.stop),
            i128::from(self.step),
        );
        let n = if step > 0 {
            (stop - start + step - 1) / step
        } else {
            (start - stop - step - 1) / -step
        };
        // Between 0 and 2**64 - 1: the bounds are 64-bit ints.
        n.clamp(0, i128::from(u64::MAX)) as u64
    }

    /// `len(range)`: an `OverflowError` beyond 2**63 - 1 items, as in
    /// CPython (whose `len()` is a C `Py_ssize_t`).
    pub fn len_int(&self) -> Result<i64, RuntimeError> {
        i64::try_from(self.len()).map_err(|_| {
            RuntimeError::overflow(format!(
                "range has {} items, more than len() can count (2**63 - 1)",
                self.len()
            ))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index` (`0 <= index < len`), which is always a 64-bit int.
    pub fn get(&self, index: u64) -> i64 {
        let item = i128::from(self.start) + i128::from(index) * i128::from(self.step);
        debug_assert!(index < self.len());
        item.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// `range[i]`: negative counts from the end.
    pub fn index(&self, i: i64) -> Result<i64, RuntimeError> {
        let len = i128::from(self.len());
        let i = i128::from(i);
        let at = if i < 0 { i + len } else { i };
        if at < 0 || at >= len {
            return Err(RuntimeError::index_error("range object index out of range"));
        }
        Ok(self.get(at as u64))
    }

    /// Whether `n` is an item.
    pub fn contains(&self, n: i64) -> bool {
        let (start, stop, step, n) = (
            i128::from(self.start),
            i128::from(self.stop),
            i128::from(self.step),
            i128::from(n),
        );
        let in_bounds = if step > 0 {
            start <= n && n < stop
        } else {
            stop < n && n <= start
        };
        in_bounds && (n - start) % step == 0
    }

    /// `range[start:stop:step]` with Python's slice bounds, as a range.
    /// Its end is the item after the last one; when that lies beyond 64
    /// bits, any bound between the last item and it will do, and one lies
    /// within 64 bits unless the last item is itself `-2**63` or `2**63 - 1`
    /// (then no 64-bit range has these items: an `OverflowError`).
    pub fn slice(
        &self,
        start: Option<i64>,
        stop: Option<i64>,
        step: Option<i64>,
    ) -> Result<RangeValue, RuntimeError> {
        let step = step.unwrap_or(1);
        if step == 0 {
            return Err(RuntimeError::value_error("slice step cannot be zero"));
        }
        let (lo, hi) = crate::text::slice_indices(start, stop, step, i128::from(self.len()));
        let step = i128::from(step);
        let count = if step > 0 {
            if hi > lo {
                (hi - lo - 1) / step + 1
            } else {
                0
            }
        } else if lo > hi {
            (lo - hi - 1) / -step + 1
        } else {
            0
        };
        // CPython's `compute_slice`, when every bound fits in 64 bits.
        let (r_start, r_step) = (i128::from(self.start), i128::from(self.step));
        let fits = |v: i128| i64::try_from(v).ok();
        let python = (
            fits(r_start + lo * r_step),
            fits(r_start + hi * r_step),
            fits(r_step * step),
        );
        if let (Some(start), Some(stop), Some(step)) = python {
            return Ok(RangeValue { start, stop, step });
        }
        if count == 0 {
            return Ok(RangeValue {
                start: self.start,
                stop: self.start,
                step: 1,
            });
        }
        let first = r_start + lo * r_step;
        let too_big =
            || RuntimeError::overflow("the slice of this range does not fit in 64-bit ints");
        // With one item any step will do; with more, the step is the
        // distance between two of them, which may exceed 64 bits.
        let new_step = match fits(r_step * step) {
            Some(s) => i128::from(s),
            None if count == 1 => (r_step * step).signum(),
            None => return Err(too_big()),
        };
        let last = first + (count - 1) * new_step;
        let stop = fits(last + new_step)
            .or_else(|| fits(last + new_step.signum()))
            .ok_or_else(too_big)?;
        Ok(RangeValue {
            start: fits(first).ok_or_else(too_big)?,
            stop,
            step: fits(new_step).ok_or_else(too_big)?,
        })
    }

    /// An iterator over the items from the last to the first (lazy: a
    /// reversed range of 2**63 items costs nothing until it is walked).
    pub fn reversed(&self) -> Iter {
        let len = self.len();
        if len == 0 {
            return Iter::Done;
        }
        match self.step.checked_neg() {
            Some(step) => Iter::Range {
                next: self.get(len - 1),
                step,
                left: len,
            },
            // A step of -2**63 leaves room for two items at most, and the
            // distance back from the second to the first is 2**63.
            None => Iter::Snapshot {
                items: (0..len).rev().map(|i| Value::Int(self.get(i))).collect(),
                index: 0,
            },
        }
    }

    /// An iterator over the items, first to last.
    pub fn iter(&self) -> Iter {
        Iter::Range {
            next: self.start,
            step: self.step,
            left: self.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: i64, stop: i64, step: i64) -> RangeValue {
        RangeValue { start, stop, step }
    }

    fn items(mut it: Iter) -> Vec<i64> {
        let mut out = Vec::new();
        while let Some(Value::Int(n)) = it.next_native() {
            out.push(n);
        }
        out
    }

    #[test]
    fn lengths_use_all_64_bits() {
        assert_eq!(range(i64::MIN, i64::MAX, 1).len(), u64::MAX);
        assert!(range(i64::MIN, i64::MAX, 1).len_int().is_err());
        assert!(range(i64::MIN, i64::MAX, 2).len_int().is_err());
        assert_eq!(
            range(i64::MIN, i64::MAX - 1, 2).len_int().ok(),
            Some(i64::MAX)
        );
        assert_eq!(range(0, 10, 3).len(), 4);
        assert_eq!(range(10, 0, -3).len(), 4);
        assert_eq!(range(5, 0, 1).len(), 0);
        assert_eq!(range(i64::MAX, i64::MIN, i64::MIN).len(), 2);
    }

    #[test]
    fn indexing_and_membership_do_not_wrap() {
        let r = range(i64::MIN, i64::MAX, 1);
        assert_eq!(r.index(i64::MAX - 1).ok(), Some(-2));
        assert_eq!(r.index(-1).ok(), Some(i64::MAX - 1));
        assert!(r.contains(5) && r.contains(i64::MIN) && !r.contains(i64::MAX));
        assert!(range(i64::MAX, i64::MIN, -3).contains(i64::MAX - 3));
        assert!(!range(0, 10, i64::MAX).contains(i64::MIN));
    }

    #[test]
    fn slices_follow_python() {
        let r = range(i64::MIN, i64::MAX, 1);
        let s = r.slice(Some(i64::MAX - 2), None, None).unwrap();
        assert_eq!((s.start, s.stop, s.step), (-3, i64::MAX, 1));
        let s = range(0, 10, 1).slice(Some(2), Some(5), None).unwrap();
        assert_eq!((s.start, s.stop, s.step), (2, 5, 1));
        let s = range(0, 10, 3).slice(Some(1), None, None).unwrap();
        assert_eq!((s.start, s.stop, s.step), (3, 12, 3));
        // Python's end would be -2**63 - 2; one inside 64 bits will do.
        let r = range(i64::MIN + 1, 10, 3);
        let s = r.slice(None, None, Some(-1)).unwrap();
        assert_eq!(
            (s.start, s.stop, s.step),
            (r.get(r.len() - 1), i64::MIN, -3)
        );
        assert_eq!(s.len(), r.len());
        // The last item is -2**63 itself: no 64-bit range has these items.
        assert!(range(i64::MIN, 0, 1).slice(None, None, Some(-1)).is_err());
        assert!(range(0, 10, 1).slice(None, None, Some(0)).is_err());
    }

    #[test]
    fn reversed_reaches_both_ends() {
        assert_eq!(
            items(range(i64::MIN, i64::MIN + 3, 1).reversed()),
            [i64::MIN + 2, i64::MIN + 1, i64::MIN]
        );
        assert_eq!(
            items(range(i64::MAX, i64::MAX - 3, -1).reversed()),
            [i64::MAX - 2, i64::MAX - 1, i64::MAX]
        );
        assert_eq!(
            items(range(i64::MAX, i64::MIN, i64::MIN).reversed()),
            [-1, i64::MAX]
        );
        assert_eq!(items(range(0, 10, 3).reversed()), [9, 6, 3, 0]);
        assert_eq!(items(range(0, 0, 1).reversed()), Vec::<i64>::new());
    }
}
