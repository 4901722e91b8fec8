//! A fiber is one Pyro task's execution state: its value stack and frames.
//! [`drive`] is the tiny async loop that runs a fiber: the interpreter runs
//! synchronously until it finishes, fails, spends its budget (then the
//! driver yields to Tokio, for fairness) or must wait (then the driver awaits
//! the future and resumes the fiber with its outcome). Nothing is awaited
//! per instruction, and a waiting task holds no thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::RuntimeError;
use crate::object::Function;
use crate::runtime::Rt;
use crate::stack::{Slots, Vacant};
use crate::value::Value;

/// What the caller does with a frame's return value.
#[derive(Clone)]
pub enum OnReturn {
    /// Push it (an ordinary call).
    Push,
    /// Drop it (`__setitem__`).
    Discard,
    /// Push this value instead (`__init__` yields the new instance).
    Replace(Value),
    /// Push `not truthy(result)` (`!=` via `__eq__`, `not in`).
    Negate,
    /// Push `truthy(result)` (`__contains__`).
    Truthy,
    /// The frame is an iterator's `__next__` called by `ForIter`:
    /// `StopIteration` ends the loop instead of propagating.
    IterNext,
    /// Store it into the stack slot (absolute index) or cell there (`x += y`
    /// through `__add__`).
    StoreSlot(usize),
    /// Store it into a module global.
    StoreGlobal(Arc<crate::object::Module>, usize),
}

pub struct Frame {
    /// The function running in this frame. `None` only while the
    /// interpreter runs the frame: it moves the reference into a local and
    /// back whenever the frame stops running, instead of cloning it (an
    /// atomic increment, and a cache-line transfer when other cores call the
    /// same function) on every call and return.
    pub func: Option<Arc<Function>>,
    pub pc: u32,
    /// Index of local slot 0 in the fiber's stack.
    pub base: u32,
    /// Stack height to restore when the frame returns (its callee slot).
    pub ret_base: u32,
    pub on_return: OnReturn,
}

/// An active protected region (`try`): where its frame continues when an
/// error reaches it. Handlers live in one stack per fiber rather than in
/// their frames, which keeps frames small for the common call without one.
pub struct Handler {
    /// The frame it belongs to: the length of the frame stack with it on top.
    pub depth: u32,
    /// The handler's pc.
    pub target: u32,
    /// The value-stack height to restore.
    pub height: u32,
}

/// A fiber's frame stack, on [`Slots`] like the value stack: a call fills
/// in a slot left by an earlier return, field by field, instead of building
/// a 48-byte frame in a temporary and copying it (a store-forwarding stall
/// on every call with `Vec::push`). A vacant slot holds no function.
pub type Frames = Slots<Frame>;

impl Vacant for Frame {
    fn vacant() -> Frame {
        Frame {
            func: None,
            pc: 0,
            base: 0,
            ret_base: 0,
            on_return: OnReturn::Push,
        }
    }
    /// One frame to start, as a blocked task should stay small.
    const FIRST: usize = 1;
}

impl Slots<Frame> {
    /// Pushes a frame about to run `func` from its first instruction, with
    /// local slot 0 at stack index `base`.
    #[inline(always)]
    pub fn push(&mut self, func: Arc<Function>, base: usize, ret_base: usize, on_return: OnReturn) {
        let frame = self.next_slot();
        frame.func = Some(func);
        frame.pc = 0;
        frame.base = base as u32;
        frame.ret_base = ret_base as u32;
        frame.on_return = on_return;
    }

    /// Pushes the frame of an ordinary call (`OnReturn::Push`) whose
    /// function the interpreter holds while it runs: only its position is
    /// written (a vacant slot holds no function and `OnReturn::Push`).
    #[inline(always)]
    pub fn push_running(&mut self, base: usize, ret_base: usize) {
        let frame = self.next_slot();
        debug_assert!(frame.func.is_none());
        frame.pc = 0;
        frame.base = base as u32;
        frame.ret_base = ret_base as u32;
        std::mem::forget(std::mem::replace(&mut frame.on_return, OnReturn::Push));
    }

    /// Pops the top frame if it is a running ordinary call (its function
    /// moved out, `OnReturn::Push`) under a caller that holds its function:
    /// returns where the caller's stack resumes and the caller's function,
    /// moved out of its frame to run. The popped frame is left as a vacant
    /// slot without dropping or moving anything.
    #[inline(always)]
    pub fn pop_call(&mut self) -> Option<(usize, Arc<Function>)> {
        let n = self.len();
        if n < 2 {
            return None;
        }
        let frame = &self[n - 1];
        if !matches!(frame.on_return, OnReturn::Push) || frame.func.is_some() {
            return None;
        }
        let ret_base = frame.ret_base as usize;
        let caller = self[n - 2].func.take()?;
        self.pop_slot();
        Some((ret_base, caller))
    }

    /// Pops the top frame, returning where its caller's stack resumes and
    /// what to do with its result.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(u32, OnReturn)> {
        let frame = self.pop_slot()?;
        // Release the function at once if it is still there (unwinding).
        drop(frame.func.take());
        let on_return = std::mem::replace(&mut frame.on_return, OnReturn::Push);
        Some((frame.ret_base, on_return))
    }
}

/// A future the fiber waits on; its output resumes the fiber.
pub type Wait = Pin<Box<dyn Future<Output = Result<Value, RuntimeError>> + Send>>;

pub enum Halt {
    Done(Value),
    Error(RuntimeError),
    /// The budget is spent: let other tasks run.
    Yield,
    Suspend(Wait),
}

pub struct Fiber {
    pub stack: crate::stack::Stack,
    pub frames: Frames,
    /// The active protected regions of all frames, innermost last.
    pub handlers: Vec<Handler>,
    /// Frames of the fibers this one was called from (native callbacks), for
    /// the recursion limit.
    pub depth_base: usize,
    /// An error delivered by a resumed wait, raised when the fiber runs again.
    pub pending_error: Option<RuntimeError>,
    /// Files whose top level this fiber is running an import of (cycle detection).
    pub import_chain: Option<Arc<crate::modules::ImportLink>>,
    /// The task this fiber runs (None for the main program and callbacks).
    pub task: Option<Arc<crate::task::TaskHandle>>,
    /// `for x in channel` suspended: the outcome goes here instead of onto
    /// the stack, and `ForIter` runs again to use it (None = closed).
    pub iter_resume: bool,
    pub iter_value: Option<Option<Value>>,
    /// Spare references to functions this fiber called recently.
    pub(crate) spare: Spares,
    /// The last position the fiber waited at (code and pc) and what the
    /// deadlock report shows for it.
    blocked_site: Option<BlockedSite>,
}

/// A position a fiber waited at: its function's code, the pc, and the name
/// and span a deadlock report shows.
type BlockedSite = (
    Arc<crate::object::Proto>,
    u32,
    (Arc<str>, pyro_source::Span),
);

/// A fiber's spare function references.
///
/// Calling a function needs a reference to it for the new frame. Cloning
/// the `Arc` writes its reference count, which every task calling that
/// function shares, so two cores calling the same functions would pass its
/// cache line back and forth on every call. Instead, a frame that returns
/// hands its reference to its fiber ([`Spares::recycle`]), and the next call
/// of the same function takes it back ([`Spares::take`], [`Spares::reuse`]):
/// in steady state a call touches nothing another core writes.
#[derive(Default)]
pub(crate) struct Spares(Vec<Arc<Function>>);

/// How many spare function references a fiber keeps.
const SPARES: usize = 32;

impl Spares {
    /// A reference to the function at address `addr`, if there is a spare
    /// one. Finding a function by address is sound: a spare reference keeps
    /// its function alive, so no other live function can have that address.
    #[inline]
    pub(crate) fn take(&mut self, addr: usize) -> Option<Arc<Function>> {
        let i = self
            .0
            .iter()
            .rposition(|f| Arc::as_ptr(f) as usize == addr)?;
        Some(self.0.swap_remove(i))
    }

    /// A reference to `f`: a spare one, else a clone.
    #[inline]
    pub(crate) fn reuse(&mut self, f: &Arc<Function>) -> Arc<Function> {
        self.take(Arc::as_ptr(f) as usize)
            .unwrap_or_else(|| f.clone())
    }

    /// Keeps a returning frame's function reference for the next call.
    #[inline(always)]
    pub(crate) fn recycle(&mut self, f: Arc<Function>) {
        // The only reference: the function is garbage, let it go.
        if Arc::strong_count(&f) == 1 {
            return;
        }
        if self.0.len() >= SPARES {
            self.evict();
        }
        self.0.push(f);
    }

    /// Drops the oldest spare to make room.
    #[cold]
    #[inline(never)]
    fn evict(&mut self) {
        self.0.remove(0);
    }
}

/// Budget units a fiber spends before yielding to the scheduler. A call and
/// a backward jump spend one unit each, plus one per [`STRAIGHT_OPS`]
/// instructions of straight-line code they close (the jump's distance, the
/// position a function returns from), so however long a loop body or a
/// function is, at most about `BUDGET * STRAIGHT_OPS` instructions run
/// between yields.
pub const BUDGET: u32 = 20_000;

/// Instructions of straight-line code that cost one budget unit.
pub const STRAIGHT_OPS: usize = 16;

/// The budget units `ops` instructions of straight-line code cost.
#[inline(always)]
pub fn straight_cost(ops: usize) -> u32 {
    (ops / STRAIGHT_OPS).min(BUDGET as usize) as u32
}

impl Fiber {
    pub fn new(depth_base: usize) -> Fiber {
        Fiber {
            // Small to start (a blocked task should cost well under 2 KB);
            // both grow as the task calls deeper.
            stack: crate::stack::Stack::with_capacity(8),
            frames: Frames::default(),
            handlers: Vec::new(),
            depth_base,
            pending_error: None,
            import_chain: None,
            task: None,
            iter_resume: false,
            iter_value: None,
            spare: Spares::default(),
            blocked_site: None,
        }
    }

    pub fn resume(&mut self, outcome: Result<Value, RuntimeError>) {
        if std::mem::take(&mut self.iter_resume) {
            match outcome {
                Ok(Value::Unbound) => self.iter_value = Some(None),
                Ok(v) => self.iter_value = Some(Some(v)),
                Err(e) => self.pending_error = Some(e),
            }
            return;
        }
        match outcome {
            Ok(v) => self.stack.push(v),
            Err(e) => self.pending_error = Some(e),
        }
    }

    pub fn depth(&self) -> usize {
        self.depth_base + self.frames.len()
    }
}

/// Runs a fiber to completion (a nested fiber: see [`drive_task`]).
pub async fn drive(rt: &Rt, fiber: &mut Fiber) -> Result<Value, RuntimeError> {
    drive_as(rt, fiber, None, None).await
}

/// Runs a task's own fiber (`id` 0 is the main program): while it waits it
/// is registered as blocked, for deadlock detection.
pub async fn drive_task(rt: &Rt, fiber: &mut Fiber, id: u64) -> Result<Value, RuntimeError> {
    drive_as(rt, fiber, Some(id), None).await
}

/// Runs a spawned task from its first call, however that call started: a
/// Pyro frame to run, a result already there, or a native's wait (`go
/// c.collect()`). A wait is driven exactly like one inside Pyro code, so the
/// task is registered when it blocks, counted, cancellable and joinable
/// whatever its body.
pub async fn drive_new_task(
    rt: &Rt,
    fiber: &mut Fiber,
    id: u64,
    started: crate::call::Invoked,
) -> Result<Value, RuntimeError> {
    let first = match started {
        crate::call::Invoked::Pushed => None,
        crate::call::Invoked::Done => return Ok(fiber.stack.pop().unwrap_or(Value::None)),
        crate::call::Invoked::Suspend(wait) => Some(wait),
    };
    drive_as(rt, fiber, Some(id), first).await
}

async fn drive_as(
    rt: &Rt,
    fiber: &mut Fiber,
    task_id: Option<u64>,
    mut first: Option<Wait>,
) -> Result<Value, RuntimeError> {
    // The task's entry in the deadlock watch, made when it first blocks.
    let mut watched = None;
    // When the task last let other tasks run (see `crate::clock`): waits
    // that finish at once do not end a slice, so a loop of them yields by
    // the clock. Only a task's own driver keeps slices: a nested fiber runs
    // inside a wait of its caller, whose driver yields when the wait ends
    // (yielding inside would make every level of a deep recursion through
    // natives re-poll the levels above it).
    let mut slice = crate::clock::now();
    loop {
        if task_id.is_none() {
            slice = crate::clock::now();
        }
        let halt = match first.take() {
            Some(wait) => Halt::Suspend(wait),
            None => crate::interp::run(rt, fiber, slice),
        };
        match halt {
            Halt::Done(v) => return Ok(v),
            Halt::Error(e) => return Err(e),
            Halt::Yield => {
                rt.watch.progressed();
                tokio::task::yield_now().await;
                slice = crate::clock::now();
                // Cancellation is checked at budget points...
                // (delivered once: cleanup after `Cancelled` runs normally).
                if fiber.pending_error.is_none()
                    && fiber.task.as_ref().is_some_and(|t| t.take_cancel())
                {
                    fiber.pending_error = Some(crate::task::cancelled_error());
                }
            }
            Halt::Suspend(wait) => {
                if task_id.is_none() {
                    rt.watch.progressed();
                }
                let watched = match task_id {
                    Some(id) => {
                        let at = blocked_at(fiber);
                        Some((&*watched.get_or_insert_with(|| rt.watch.register(id)), at))
                    }
                    None => None,
                };
                let wait = crate::deadlock::Parked::new(wait, watched);
                // ...and races every wait, so a blocked task wakes to `Cancelled`.
                let outcome = match fiber.task.clone() {
                    Some(task) if task.take_cancel() => Err(crate::task::cancelled_error()),
                    // Not cancelled yet: a cancellation arriving during the wait wins.
                    Some(task) if !task.is_cancelled() => tokio::select! {
                        outcome = wait => outcome,
                        _ = task.cancelled() => {
                            task.take_cancel();
                            Err(crate::task::cancelled_error())
                        }
                    },
                    _ => wait.await,
                };
                if fiber.frames.is_empty() {
                    // The wait was a native task body's whole call.
                    return outcome;
                }
                fiber.resume(outcome);
                if task_id.is_some() && crate::clock::expired(slice) {
                    std::hint::cold_path();
                    rt.watch.progressed();
                    tokio::task::yield_now().await;
                    slice = crate::clock::now();
                }
            }
        }
    }
}

/// The function and source position a fiber waits at (a task whose body is
/// a native has no frame: it waits where it was spawned). Found once per
/// wait site: a task that waits in a loop finds its position in its cache.
fn blocked_at(fiber: &mut Fiber) -> (Arc<str>, pyro_source::Span) {
    let Some(frame) = fiber.frames.last() else {
        return fiber
            .task
            .as_ref()
            .and_then(|t| t.spawn_site.clone())
            .unwrap_or(("<module>".into(), pyro_source::Span::DUMMY));
    };
    let Some(func) = &frame.func else {
        return ("?".into(), pyro_source::Span::DUMMY);
    };
    if let Some((proto, pc, at)) = &fiber.blocked_site {
        if Arc::ptr_eq(proto, &func.proto) && *pc == frame.pc {
            return at.clone();
        }
    }
    let code = &func.proto.code;
    let at = (
        code.name.clone(),
        code.span_at(frame.pc.saturating_sub(1) as usize),
    );
    fiber.blocked_site = Some((func.proto.clone(), frame.pc, at.clone()));
    at
}

/// Runs a Pyro call to completion on a nested fiber, synchronously (see
/// [`crate::nest::Nest::call`], the way to reach it). For user methods that
/// native code needs an answer from immediately (`__hash__` and `__eq__` of
/// dict keys, `__eq__` and `__lt__` inside a structural comparison). They
/// must not block: a wait inside one is an error, never a blocked thread.
pub(crate) fn call_sync(
    nest: crate::nest::Nest,
    func: Value,
    args: Vec<Value>,
) -> Result<Value, RuntimeError> {
    let rt = nest.rt;
    let mut fiber = Fiber::new(nest.depth);
    let argc = args.len();
    fiber.stack.push(func);
    fiber.stack.extend(args);
    match crate::call::invoke(rt, &mut fiber, 0, argc, None, OnReturn::Push)? {
        crate::call::Invoked::Done => return Ok(fiber.stack.pop().unwrap_or(Value::None)),
        crate::call::Invoked::Suspend(_) => return Err(cannot_block()),
        crate::call::Invoked::Pushed => {}
    }
    loop {
        match crate::interp::run(rt, &mut fiber, crate::clock::now()) {
            Halt::Done(v) => return Ok(v),
            Halt::Error(e) => return Err(e),
            Halt::Yield => {}
            Halt::Suspend(_) => return Err(cannot_block()),
        }
    }
}

fn cannot_block() -> RuntimeError {
    RuntimeError::type_error("__hash__ and __eq__ must not block (wait on channels, sleep or I/O)")
}

/// Calls a Pyro value from native code (a key function, `__str__`, a host
/// callback) on a fresh fiber driven on the current task, whose frames count
/// from `depth` (the caller's). The call may itself suspend; it never blocks
/// a thread, and its future polls on a fresh stack segment when needed.
pub fn call_value(rt: Rt, func: Value, args: Vec<Value>, depth: usize) -> Wait {
    crate::nest::grow_wait(Box::pin(async move {
        if depth >= rt.recursion_limit {
            return Err(crate::nest::recursion_error());
        }
        let mut fiber = Fiber::new(depth);
        let argc = args.len();
        fiber.stack.push(func);
        fiber.stack.extend(args);
        match crate::call::invoke(&rt, &mut fiber, 0, argc, None, OnReturn::Push)? {
            crate::call::Invoked::Pushed => drive(&rt, &mut fiber).await,
            crate::call::Invoked::Done => Ok(fiber.stack.pop().unwrap_or(Value::None)),
            crate::call::Invoked::Suspend(wait) => wait.await,
        }
    }))
}
