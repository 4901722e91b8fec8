//! Nesting: the one mechanism that bounds native recursion a script drives.
//!
//! Pyro calls push frames on the fiber's own stack, so direct recursion
//! never grows the native one. Everything else that recurses does so in
//! Rust: structural operations on nested values (`==`, `<`, `hash`, `in`,
//! `repr`, JSON), and natives that call back into Pyro code (`sorted(key=f)`,
//! `map`, `__str__` from `print`, `__hash__` from a dict, an import running a
//! module's top level). Each of them goes one level down through [`Nest`]
//! (synchronous) or [`grow_wait`] (a nested fiber's future), which
//!
//! - counts the level against the VM's recursion limit, the same count
//!   that frames use, so runaway recursion through a native is a catchable
//!   `RecursionError` with a traceback, and a depth that works by direct
//!   recursion works through a native too; and
//! - continues on a fresh heap stack segment when the thread's stack runs
//!   low ([`pyro_source::stack::grow`]), so that depth never depends on the
//!   size of the thread's stack (an embedder's 2 MiB Tokio worker).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pyro_builtins::Builtin;

use crate::error::RuntimeError;
use crate::fiber::Wait;
use crate::runtime::Rt;
use crate::value::Value;

/// Where a structural operation runs: the VM (for its recursion limit and
/// for calling user dunders) and how deep the work already is (frames of
/// the calling fibers plus enclosing structure).
#[derive(Clone, Copy)]
pub struct Nest<'a> {
    pub rt: &'a Rt,
    pub depth: usize,
}

impl<'a> Nest<'a> {
    pub fn new(rt: &'a Rt, depth: usize) -> Nest<'a> {
        Nest { rt, depth }
    }

    /// Runs `f` one level deeper: a `RecursionError` past the limit.
    #[inline]
    pub fn deeper<R>(
        self,
        f: impl FnOnce(Nest<'a>) -> Result<R, RuntimeError>,
    ) -> Result<R, RuntimeError> {
        self.check()?;
        let inner = Nest {
            rt: self.rt,
            depth: self.depth + 1,
        };
        pyro_source::stack::grow(|| f(inner))
    }

    /// `RecursionError` if no level is left.
    #[inline]
    pub fn check(self) -> Result<(), RuntimeError> {
        if self.depth >= self.rt.recursion_limit {
            return Err(recursion_error());
        }
        Ok(())
    }

    /// Calls a Pyro value to completion on a nested fiber, synchronously
    /// (for user `__eq__`, `__hash__`, `__lt__` needed inside a structural
    /// operation); the callee's frames count from this depth.
    pub fn call(self, func: Value, args: Vec<Value>) -> Result<Value, RuntimeError> {
        self.check()?;
        pyro_source::stack::grow(|| crate::fiber::call_sync(self, func, args))
    }
}

pub fn recursion_error() -> RuntimeError {
    RuntimeError::new(Builtin::RecursionError, "maximum recursion depth exceeded")
}

/// A nested fiber's future, polled on a fresh stack segment when the
/// current one runs low: a native that waits on Pyro code it called polls
/// through one of these per level of nesting.
pub fn grow_wait(wait: Wait) -> Wait {
    grow_future(wait)
}

/// Any boxed future, polled as [`grow_wait`] polls a nested fiber's.
pub fn grow_future<'a, T: 'a>(
    future: Pin<Box<dyn Future<Output = T> + Send + 'a>>,
) -> Pin<Box<dyn Future<Output = T> + Send + 'a>> {
    Box::pin(Grow(future))
}

struct Grow<F>(Pin<Box<F>>)
where
    F: Future + ?Sized;

impl<F: Future + ?Sized> Future for Grow<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        pyro_source::stack::grow(|| inner.as_mut().poll(cx))
    }
}
