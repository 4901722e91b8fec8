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
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
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
    /// [`RUNNING`], [`POLLING`] or [`PARKED`]. Only a parked task counts as
    /// blocked: a woken one is runnable even before a worker thread gets to
    /// poll it (a worker the operating system has not scheduled for a
    /// while), and one inside a poll may be computing for a long time.
    phase: AtomicU8,
    /// Bumped whenever the task blocks or resumes.
    progress: AtomicU64,
}

/// Running, or woken and runnable.
const RUNNING: u8 = 0;
/// Inside a poll of its wait: running, unless the poll returns `Pending`.
const POLLING: u8 = 1;
/// Its wait returned `Pending` and nothing has woken it since.
const PARKED: u8 = 2;

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
        // Being woken is progress enough: a woken task is not blocked.
        self.state.phase.store(RUNNING, Ordering::Release);
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
    /// The task's [`MarkWoken`] waker and the executor's waker it wraps (a
    /// task keeps its executor waker from one wait to the next).
    waker: Mutex<Option<(Waker, Waker)>>,
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
    /// Records where the task is blocked; it counts as blocked there until
    /// it is woken.
    fn set_blocked(&self, at: (Arc<str>, Span)) {
        let old = self.state.blocked.lock().replace(at);
        self.state.progress.fetch_add(1, Ordering::Release);
        drop(old);
    }

    /// The waker to poll a wait with when the executor's is `current`.
    fn marked_waker(&self, current: &Waker) -> Waker {
        let mut cache = self.waker.lock();
        match &*cache {
            Some((inner, marked)) if inner.will_wake(current) => marked.clone(),
            _ => {
                let marked = Waker::from(Arc::new(MarkWoken {
                    state: self.state.clone(),
                    inner: current.clone(),
                }));
                *cache = Some((current.clone(), marked.clone()));
                marked
            }
        }
    }
}

/// A wait of a task's driver. For a task in the watch, the task counts as
/// blocked at its position only while the wait is parked (its poll returned
/// `Pending`) and not yet woken: work done inside the wait — formatting a
/// huge value, a native running Pyro callbacks — is running, not blocked,
/// however long it takes, and so is a task that was woken but that no
/// worker thread has polled yet.
pub struct Parked<'a, F> {
    wait: F,
    task: Option<(&'a Registered<'a>, (Arc<str>, Span))>,
    /// The wait has returned `Pending` (and the position is recorded).
    parked: bool,
}

impl<'a, F> Parked<'a, F> {
    pub fn new(wait: F, task: Option<(&'a Registered<'a>, (Arc<str>, Span))>) -> Self {
        Parked {
            wait,
            task,
            parked: false,
        }
    }
}

impl<F: Future + Unpin> Future for Parked<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let Some((task, at)) = &this.task else {
            return Pin::new(&mut this.wait).poll(cx);
        };
        let state = &task.state;
        // A wake from here on (even during the poll) leaves it `RUNNING`.
        state.phase.store(POLLING, Ordering::Release);
        let waker = task.marked_waker(cx.waker());
        let poll = Pin::new(&mut this.wait).poll(&mut Context::from_waker(&waker));
        match poll {
            Poll::Pending => {
                if !this.parked {
                    this.parked = true;
                    task.set_blocked(at.clone());
                }
                // Parked, unless a wake came during the poll.
                let _ = state.phase.compare_exchange(
                    POLLING,
                    PARKED,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
            }
            Poll::Ready(_) => state.phase.store(RUNNING, Ordering::Release),
        }
        poll
    }
}

impl<F> Drop for Parked<'_, F> {
    fn drop(&mut self) {
        // Dropped while parked (a cancellation won): running again.
        if let (true, Some((task, _))) = (self.parked, &self.task) {
            task.state.phase.store(RUNNING, Ordering::Release);
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
            waker: Mutex::new(None),
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
        if tasks.len() < live
            || main.phase.load(Ordering::Acquire) != PARKED
            || main.blocked.lock().is_none()
        {
            return None;
        }
        let mut progress = self.progress.load(Ordering::Acquire);
        let mut blocked = FxHashMap::default();
        for (id, state) in tasks.iter() {
            progress = progress.wrapping_add(state.progress.load(Ordering::Acquire));
            // Woken but not yet polled is runnable, not blocked.
            if state.phase.load(Ordering::Acquire) != PARKED {
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
