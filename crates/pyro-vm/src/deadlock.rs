//! Knowing when everything is asleep (DESIGN-NOTES §4).
//!
//! Each task's top-level driver registers where it is blocked while it waits
//! (channel operations, joins, locks, `select`); timers and host I/O in
//! flight are counted separately, since they can still wake someone. A
//! watchdog checks every 100 ms: when every live task is blocked, no timer or
//! I/O is pending, and no fiber resumed since the last check (the progress
//! counter guards against races), nothing can ever happen again, and the
//! program stops with `DeadlockError` listing each blocked task and where.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use pyro_builtins::Builtin;
use pyro_source::Span;
use rustc_hash::FxHashMap;

use crate::error::RuntimeError;
use crate::runtime::Rt;

#[derive(Default)]
pub struct Watch {
    /// Blocked top-level fibers: task id (0 = main) -> (function, location).
    blocked: Mutex<FxHashMap<u64, (Arc<str>, Span)>>,
    /// Timers and host I/O in flight.
    pending: AtomicUsize,
    /// Bumped whenever a fiber resumes.
    progress: AtomicU64,
}

/// Counts a timer or an I/O operation while it is alive.
pub struct Pending<'a>(&'a Watch);

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Registered while a task is blocked; unregisters on drop.
pub struct Blocked<'a> {
    watch: &'a Watch,
    id: u64,
}

impl Drop for Blocked<'_> {
    fn drop(&mut self) {
        self.watch.blocked.lock().remove(&self.id);
        self.watch.progress.fetch_add(1, Ordering::AcqRel);
    }
}

impl Watch {
    pub fn pending(&self) -> Pending<'_> {
        self.pending.fetch_add(1, Ordering::AcqRel);
        Pending(self)
    }

    pub fn blocked(&self, id: u64, function: Arc<str>, span: Span) -> Blocked<'_> {
        self.blocked.lock().insert(id, (function, span));
        Blocked { watch: self, id }
    }

    pub fn progressed(&self) {
        self.progress.fetch_add(1, Ordering::AcqRel);
    }
}

/// Runs until the program ends, reporting a deadlock as a fatal error.
pub async fn watchdog(rt: Rt) {
    let mut last_progress = u64::MAX;
    let mut quiet_checks = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let watch = &rt.watch;
        let started = rt.tasks_started.load(Ordering::Acquire);
        let finished = rt.tasks_finished.load(Ordering::Acquire);
        let live = started.saturating_sub(finished) + 1;
        let progress = watch.progress.load(Ordering::Acquire);
        let blocked = watch.blocked.lock().clone();
        let stuck = blocked.len() >= live
            && blocked.contains_key(&0)
            && watch.pending.load(Ordering::Acquire) == 0;
        quiet_checks = if stuck && progress == last_progress {
            quiet_checks + 1
        } else {
            0
        };
        if quiet_checks >= 2 {
            let error = RuntimeError::new(Builtin::DeadlockError, "all tasks are asleep");
            let mut entries: Vec<_> = blocked.into_iter().collect();
            // Main first (id 0), then tasks in spawn order; the first entry
            // is the one whose source line is shown.
            entries.sort_by_key(|(id, _)| *id);
            for (id, (function, span)) in entries {
                let who = if id == 0 {
                    format!("main program, in {function}")
                } else {
                    format!("task {id}, in {function}")
                };
                error.push_trace(format!("{who}: blocked").into(), span);
            }
            rt.report_fatal(error);
            return;
        }
        last_progress = if stuck { progress } else { u64::MAX };
    }
}
