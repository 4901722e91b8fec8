//! Native stack for recursion that input can drive.
//!
//! Every recursive walk whose depth a program controls — the checker and
//! compiler over a nested expression, `repr` of a nested list, a native
//! (`sorted(key=f)`) calling back into Pyro code that sorts again — calls
//! [`grow`] on the way down. When the thread's stack is nearly used up,
//! [`grow`] continues on a fresh segment allocated on the heap, so the depth
//! such a walk can reach is set by the stage's own limit (E0040, the
//! recursion limit), never by the size of the thread's stack: an embedder's
//! 2 MiB Tokio worker and the CLI's main thread behave alike. The limits
//! bound the total, so the segments are bounded too.

/// Room left on the current stack below which [`grow`] switches to a new
/// segment: enough for the deepest non-recursive call chain between two
/// guarded levels (the interpreter's dispatch loop and a native).
const RED_ZONE: usize = 256 * 1024;

/// Size of each new segment.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, first moving to a new stack segment if the current one has less
/// than [`RED_ZONE`] left. Cheap when there is room (a comparison against
/// the thread's recorded stack limit).
#[inline]
pub fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

#[cfg(test)]
mod tests {
    fn depth(n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            super::grow(|| depth(n - 1) + 1)
        }
    }

    #[test]
    fn recursion_deeper_than_the_thread_stack() {
        let t = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| depth(200_000))
            .unwrap();
        assert_eq!(t.join().unwrap(), 200_000);
    }
}
