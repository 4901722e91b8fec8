//! A coarse clock for time slices, as Go's sysmon keeps one: a thread bumps
//! a counter every [`TICK`], and the interpreter compares it with the count
//! when its slice began after each native call. The instruction budget
//! bounds bytecode between yields, but one native call may take
//! milliseconds (rendering a deep value, sorting, joining); a loop of such
//! calls spends little budget, so without the clock it would hold its
//! worker thread (and stay uncancellable) for minutes.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;
use std::time::Duration;

/// How often the clock ticks.
pub const TICK: Duration = Duration::from_millis(5);

static NOW: AtomicU32 = AtomicU32::new(0);
static START: Once = Once::new();

/// Starts the clock's thread (once per process). Without it (the thread
/// could not be made) slices are bounded by the budget alone.
pub fn start() {
    START.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("pyro-clock".into())
            .stack_size(64 * 1024)
            .spawn(|| loop {
                std::thread::sleep(TICK);
                NOW.fetch_add(1, Ordering::Relaxed);
            });
    });
}

/// The current tick.
#[inline(always)]
pub fn now() -> u32 {
    NOW.load(Ordering::Relaxed)
}

/// A slice that began at tick `start` has run two ticks or more (5 to 10
/// ms): time to yield.
#[inline(always)]
pub fn expired(start: u32) -> bool {
    now().wrapping_sub(start) >= 2
}
