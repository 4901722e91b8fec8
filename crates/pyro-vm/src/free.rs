//! Freeing deep values without deep recursion.
//!
//! Dropping a value drops what it holds, which drops what that holds: a
//! cons list built in a loop (`h = (h, i)`, `x = [x]`, `d = {"next": d}`, a
//! chain of closures or of error causes) a million links long would recurse
//! a million levels deep in Rust's drop glue and overflow the stack. Every
//! container that holds values (list and tuple items, dict and set tables,
//! instance and record fields, function defaults and cells, bound methods,
//! iterators, channel buffers) hands its contents to [`release`] when it is
//! freed. The first few levels are freed by ordinary recursion; below that
//! the contents wait in a per-thread list that the outermost `release`
//! empties in a loop, so freeing takes bounded stack at any depth.

use std::cell::{Cell, RefCell};

use crate::value::Value;

/// Levels freed by ordinary recursion before contents are deferred.
const DIRECT: u32 = 16;

thread_local! {
    /// How many `release` calls are active on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Contents deferred by the deeper levels, freed by the outermost.
    static DEFERRED: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// Frees `values`, the contents of a container being freed.
pub fn release(values: impl IntoIterator<Item = Value>) {
    let Ok(depth) = DEPTH.try_with(Cell::get) else {
        // The thread is exiting and its locals are gone: free directly.
        values.into_iter().for_each(drop);
        return;
    };
    if depth >= DIRECT {
        let deferred = DEFERRED.try_with(|d| {
            d.borrow_mut()
                .extend(values.into_iter().filter(|v| !v.is_immediate()))
        });
        debug_assert!(deferred.is_ok(), "DEPTH is alive, so DEFERRED is");
        return;
    }
    DEPTH.set(depth + 1);
    values.into_iter().for_each(drop);
    if depth == 0 {
        // Free what the deeper levels deferred (which may defer more).
        loop {
            let batch = DEFERRED.with(|d| std::mem::take(&mut *d.borrow_mut()));
            if batch.is_empty() {
                break;
            }
            drop(batch);
        }
        // The batches were taken whole: nothing stays allocated.
    }
    DEPTH.set(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_nested_lists_free_on_a_small_stack() {
        let t = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let mut v = Value::list(Vec::new());
                for i in 0..1_000_000 {
                    v = Value::tuple(vec![v, Value::Int(i)]);
                }
                drop(v);
                DEFERRED.with(|d| d.borrow().is_empty())
            })
            .unwrap();
        assert!(t.join().unwrap());
    }
}
