//! Knowing when everything is asleep (DESIGN-NOTES §4).
//!
//! Each task's top-level driver enters the watch the first time it waits,
//! and from then on records in its own slot where it is blocked while its
//! wait is parked (channel operations, joins, locks, `select`; a native
//! computing inside a wait is running, not blocked): blocking touches no
//! lock or counter shared with other tasks. Timers and host I/O in
//! flight are counted separately, since they can still wake someone. A
//! watchdog checks every 100 ms: when every live task is blocked, no timer or
//! I/O is pending, and no fiber resumed since the last check (the progress
//! counter guards against races), nothing can ever happen again, and the
//! program stops with `DeadlockError` listing each blocked task and where.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use parking_lot::Mutex;
use pyro_builtins::Builtin;
use pyro_source::Span;
use rustc_hash::FxHashMap;

use crate::error::RuntimeError;
use crate::runtime::Rt;

/// Where each blocked task (by id) is blocked: function and position.
type BlockedAt = FxHashMap<u64, (Arc<str>, Span)>;

#[derive(Default)]
pub struct Watch {
    /// Tasks (id 0 = main) that have blocked at least once and are still
    /// running. Each task writes only its own [`TaskState`], so blocking and
    /// resuming touch no lock or counter that other tasks share.
    tasks: Mutex<FxHashMap<u64, Arc<TaskState>>>,
    /// Timers and host I/O in flight.
    pending: AtomicUsize,
    /// Bumped whenever a fiber that is not a task's own resumes or yields.
    progress: AtomicU64,
}

#[derive(Default)]
pub struct TaskState {
    /// Where the task is blocked (function, location), while it is.
    blocked: Mutex<Option<(Arc<str>, Span)>>,
    /// Set when the task's parked wait is woken: it is runnable, not
    /// blocked, even before a worker thread gets to poll it (a worker the
    /// operating system has not scheduled for a while).
    woken: AtomicBool,
    /// Bumped whenever the task blocks or resumes.
    progress: AtomicU64,
}

/// The waker a parked wait is polled with: it marks its task woken, then
/// wakes it.
struct MarkWoken {
    state: Arc<TaskState>,
    inner: Waker,
}

impl Wake for MarkWoken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.state.woken.store(true, Ordering::Release);
        self.state.progress.fetch_add(1, Ordering::Release);
        self.inner.wake_by_ref();
    }
}

/// Counts a timer or an I/O operation while it is alive.
pub struct Pending<'a>(&'a Watch);

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A task's entry in the watch, for as long as its driver runs.
pub struct Registered<'a> {
    watch: &'a Watch,
    id: u64,
    state: Arc<TaskState>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.watch.tasks.lock().remove(&self.id);
        // Its progress moves to the shared count, so the total never drops.
        let own = self.state.progress.load(Ordering::Acquire);
        self.watch
            .progress
            .fetch_add(own.wrapping_add(1), Ordering::AcqRel);
    }
}

impl Registered<'_> {
    /// Records where the task is blocked, or that it runs again (`None`).
    fn set_blocked(&self, at: Option<(Arc<str>, Span)>) {
        let old = std::mem::replace(&mut *self.state.blocked.lock(), at);
        self.state.progress.fetch_add(1, Ordering::Release);
        drop(old);
    }

    /// `wait`, during which the task counts as blocked at `at` only while
    /// the wait is parked (its poll returned `Pending`). Work done inside
    /// the wait — formatting a huge value, a native running Pyro callbacks —
    /// is running, not blocked, however long it takes.
    pub fn parked<'a, F: Future + Unpin>(
        &'a self,
        wait: F,
        function: Arc<str>,
        span: Span,
    ) -> Parked<'a, F> {
        Parked {
            wait,
            task: self,
            at: (function, span),
            blocked: false,
            waker: None,
        }
    }
}

/// See [`Registered::parked`].
pub struct Parked<'a, F> {
    wait: F,
    task: &'a Registered<'a>,
    at: (Arc<str>, Span),
    blocked: bool,
    /// The [`MarkWoken`] waker for the executor's current waker.
    waker: Option<(Waker, Waker)>,
}

impl<F: Future + Unpin> Future for Parked<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if this.blocked {
            this.blocked = false;
            this.task.set_blocked(None);
        }
        let state = &this.task.state;
        state.woken.store(false, Ordering::Release);
        let current = cx.waker();
        let waker = match &this.waker {
            Some((inner, marked)) if inner.will_wake(current) => marked,
            _ => {
                let marked = Waker::from(Arc::new(MarkWoken {
                    state: state.clone(),
                    inner: current.clone(),
                }));
                &this.waker.insert((current.clone(), marked)).1
            }
        };
        let poll = Pin::new(&mut this.wait).poll(&mut Context::from_waker(waker));
        if poll.is_pending() {
            this.blocked = true;
            this.task.set_blocked(Some(this.at.clone()));
        }
        poll
    }
}

impl<F> Drop for Parked<'_, F> {
    fn drop(&mut self) {
        if self.blocked {
            self.task.set_blocked(None);
        }
    }
}

impl Watch {
    pub fn pending(&self) -> Pending<'_> {
        self.pending.fetch_add(1, Ordering::AcqRel);
        Pending(self)
    }

    /// Enters a task in the watch (done when it first blocks).
    pub fn register(&self, id: u64) -> Registered<'_> {
        let state = Arc::new(TaskState::default());
        self.tasks.lock().insert(id, state.clone());
        Registered {
            watch: self,
            id,
            state,
        }
    }

    pub fn progressed(&self) {
        self.progress.fetch_add(1, Ordering::AcqRel);
    }

    /// When every one of the `live` tasks, main included, is blocked: the
    /// total progress and where each is blocked. `None` as soon as one task
    /// is found running (or never blocked), so the check stays cheap while
    /// a program with many tasks works.
    fn all_blocked(&self, live: usize) -> Option<(u64, BlockedAt)> {
        let tasks = self.tasks.lock();
        let main = tasks.get(&0)?;
        if tasks.len() < live || main.woken.load(Ordering::Acquire) || main.blocked.lock().is_none()
        {
            return None;
        }
        let mut progress = self.progress.load(Ordering::Acquire);
        let mut blocked = FxHashMap::default();
        for (id, state) in tasks.iter() {
            progress = progress.wrapping_add(state.progress.load(Ordering::Acquire));
            // Woken but not yet polled is runnable, not blocked.
            if state.woken.load(Ordering::Acquire) {
                return None;
            }
            let at = state.blocked.lock().clone()?;
            blocked.insert(*id, at);
        }
        Some((progress, blocked))
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
        let snapshot = match watch.pending.load(Ordering::Acquire) {
            0 => watch.all_blocked(live),
            _ => None,
        };
        let stuck = snapshot.is_some();
        let (progress, blocked) = snapshot.unwrap_or_default();
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
