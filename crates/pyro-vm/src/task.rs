//! Tasks: `go f(x)` runs a call as a new Tokio task, driving a fresh fiber.
//!
//! A [`TaskHandle`] is the Pyro `Task` value: `join()` suspends until the task
//! finishes and returns its value or re-raises its error, `cancel()` requests
//! cooperative cancellation (the task raises `Cancelled` at its next blocking
//! point or budget check, so its `finally` blocks run), `done()` polls. An
//! uncaught error in a detached task (`go` as a statement) is fatal: it is
//! handed to the runtime, which ends the program with its traceback.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use pyro_builtins::Builtin;
use pyro_source::Span;
use tokio::sync::Notify;

use crate::call::{self, Invoked, NativeResult};
use crate::error::RuntimeError;
use crate::fiber::{drive_task, Fiber, OnReturn};
use crate::runtime::Rt;
use crate::value::Value;

pub struct TaskHandle {
    pub id: u64,
    detached: bool,
    /// Where the task was spawned (for tracebacks).
    spawn_site: Option<(Arc<str>, Span)>,
    result: Mutex<Option<Result<Value, RuntimeError>>>,
    finished: Notify,
    cancelled: AtomicBool,
    /// `Cancelled` has been raised in the task once; later blocking points
    /// run normally, so cleanup code can still send, join and sleep.
    delivered: AtomicBool,
    cancel_signal: Notify,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A finished task's result is freed through [`crate::free::release`].
impl Drop for TaskHandle {
    fn drop(&mut self) {
        match self.result.get_mut().take() {
            Some(Ok(value)) => crate::free::release([value]),
            Some(Err(error)) => crate::free::release([error.value()]),
            None => {}
        }
    }
}

impl TaskHandle {
    pub fn is_done(&self) -> bool {
        self.result.lock().is_some()
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Requests cancellation; a finished task is left alone.
    pub fn cancel(&self) {
        if self.is_done() {
            return;
        }
        self.cancelled.store(true, Ordering::Release);
        // A stored permit wakes the task even if it is not waiting yet.
        self.cancel_signal.notify_one();
    }

    /// Takes the pending cancellation: true exactly once per cancelled task.
    pub fn take_cancel(&self) -> bool {
        self.is_cancelled() && !self.delivered.swap(true, Ordering::AcqRel)
    }

    /// Resolves when cancellation is requested.
    pub async fn cancelled(&self) {
        loop {
            if self.is_cancelled() {
                return;
            }
            self.cancel_signal.notified().await;
        }
    }

    /// Waits for the task's outcome.
    pub async fn join(&self) -> Result<Value, RuntimeError> {
        loop {
            let notified = self.finished.notified();
            if let Some(outcome) = self.result.lock().clone() {
                return outcome;
            }
            notified.await;
        }
    }

    fn finish(&self, rt: &Rt, outcome: Result<Value, RuntimeError>) {
        if let (true, Err(e)) = (self.detached, &outcome) {
            if !e.is(Builtin::Cancelled) {
                if let Some((function, span)) = &self.spawn_site {
                    e.push_trace(format!("{function} (spawned the task)").into(), *span);
                }
                rt.report_fatal(e.clone());
            }
        }
        *self.result.lock() = Some(outcome);
        self.finished.notify_waiters();
    }
}

/// The error a cancelled task raises.
pub fn cancelled_error() -> RuntimeError {
    RuntimeError::new(Builtin::Cancelled, "the task was cancelled")
}

/// Spawns `func(args)` as a task; returns its handle.
pub fn spawn(
    rt: &Rt,
    func: Value,
    args: Vec<Value>,
    kwnames: Option<Vec<Value>>,
    detached: bool,
    spawn_site: Option<(Arc<str>, Span)>,
) -> Arc<TaskHandle> {
    let handle = Arc::new(TaskHandle {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        detached,
        spawn_site,
        result: Mutex::new(None),
        finished: Notify::new(),
        cancelled: AtomicBool::new(false),
        delivered: AtomicBool::new(false),
        cancel_signal: Notify::new(),
    });
    let (rt, task) = (rt.clone(), handle.clone());
    rt.tasks_started.fetch_add(1, Ordering::Relaxed);
    tokio::spawn(async move {
        let mut fiber = Fiber::new(0);
        fiber.task = Some(task.clone());
        let argc = args.len();
        fiber.stack.push(func);
        fiber.stack.extend(args);
        let outcome =
            match call::invoke(&rt, &mut fiber, 0, argc, kwnames.as_deref(), OnReturn::Push) {
                Ok(Invoked::Pushed) => drive_task(&rt, &mut fiber, task.id).await,
                Ok(Invoked::Done) => Ok(fiber.stack.pop().unwrap_or(Value::None)),
                Ok(Invoked::Suspend(wait)) => wait.await,
                Err(e) => Err(e),
            };
        rt.tasks_finished.fetch_add(1, Ordering::Relaxed);
        task.finish(&rt, outcome);
    });
    handle
}

/// Methods of `Task` values.
pub fn method(handle: &Arc<TaskHandle>, name: &str, args: &call::Args) -> NativeResult {
    crate::builtins::arity(name, args, 0, 0)?;
    match name {
        "join" => {
            let handle = handle.clone();
            crate::builtins::suspend(async move { handle.join().await })
        }
        "cancel" => {
            handle.cancel();
            crate::builtins::ready(Value::None)
        }
        "done" => crate::builtins::ready(Value::Bool(handle.is_done())),
        "cancelled" => crate::builtins::ready(Value::Bool(handle.is_cancelled())),
        _ => Err(RuntimeError::attribute(format!(
            "'Task' object has no attribute '{name}'"
        ))),
    }
}
