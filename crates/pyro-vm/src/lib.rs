//! The Pyro virtual machine: values, fibers, the interpreter, tasks,
//! channels and the embedding API.
//!
//! Last stage of the flow (source → lexer → parser → AST → compiler → code
//! objects → VM). Each Pyro task is a fiber ([`fiber`]) run by a synchronous
//! dispatch loop ([`interp`]) that returns to a small async driver whenever
//! it must wait, so no worker thread is ever blocked; values ([`Value`]) are
//! `Send + Sync`, so they cross tasks freely.
//!
//! # Embedding
//!
//! `examples/embed.rs` (shown in the README) is a complete program.
//!
//! ```
//! use pyro_vm::{HostError, Value, Vm};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let vm = Vm::builder()
//!     .function("double", |args: Vec<Value>| match args.as_slice() {
//!         [Value::Int(n)] => n.checked_mul(2).map(Value::Int).ok_or_else(|| HostError::new("too big")),
//!         _ => Err(HostError::new("double() takes one int")),
//!     })
//!     .build();
//! let out = vm.run_source("main.pyro", "let x = 20\ndouble(x + 1)").await.unwrap();
//! assert_eq!(i64::try_from(out).unwrap(), 42);
//! # });
//! ```

mod alloc;
mod attr;
mod build;
mod builtins;
mod call;
mod chan;
mod clock;
mod collections;
mod deadlock;
mod delay;
mod error;
pub mod fiber;
mod format;
mod free;
mod hostlib;
mod hot;
mod interp;
mod iter;
mod methods;
mod modules;
mod natives;
mod nest;
mod object;
mod ops;
mod range;
mod repr;
mod rtype;
mod runtime;
mod select;
mod stack;
mod stdlib;
mod symbol;
mod sync;
mod table;
mod task;
pub mod text;
mod value;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

pub use alloc::AllocError;
pub use error::{Frame, HostError, PyroError, UncaughtError};
pub use pyro_builtins::Builtin;
pub use value::Value;

use crate::fiber::Fiber;
use crate::object::HostFunction;
use crate::runtime::{Rt, Runtime};

/// A Pyro virtual machine. Cheap to share: runs go through `&self`, and any
/// number of programs may run on it concurrently (they share modules).
pub struct Vm {
    rt: Rt,
}

/// The default of [`VmBuilder::max_tasks`]: ten times the 100 000 tasks the
/// concurrency benchmarks keep alive, yet only about 1.6 GB of blocked tasks
/// (each costs 1.5–2 KB), so a runaway chain of tasks that spawn and join
/// the next stops with a `MemoryError` long before a 4 GB memory cap.
pub const DEFAULT_MAX_TASKS: usize = 1_000_000;

/// Configures a [`Vm`].
pub struct VmBuilder {
    recursion_limit: usize,
    max_tasks: usize,
    args: Vec<String>,
    stdout: Option<Box<dyn Write + Send>>,
    hosts: Vec<(Arc<str>, Value)>,
}

impl Default for VmBuilder {
    fn default() -> Self {
        VmBuilder {
            recursion_limit: 10_000,
            max_tasks: DEFAULT_MAX_TASKS,
            args: Vec::new(),
            stdout: None,
            hosts: Vec::new(),
        }
    }
}

impl VmBuilder {
    /// Maximum call depth before `RecursionError` (default 10 000).
    pub fn recursion_limit(mut self, frames: usize) -> Self {
        self.recursion_limit = frames.max(1);
        self
    }

    /// The most tasks alive at once, besides the main program (default
    /// [`DEFAULT_MAX_TASKS`]). A `go` beyond it raises `MemoryError`: tasks
    /// cost memory, and a program that spawns without bound (a recursion
    /// through `go`, a loop that never joins) must fail with an error it
    /// can catch rather than exhaust the host.
    pub fn max_tasks(mut self, tasks: usize) -> Self {
        self.max_tasks = tasks;
        self
    }

    /// What `std.env.args()` returns after the script path.
    pub fn args(mut self, args: Vec<String>) -> Self {
        self.args = args;
        self
    }

    /// Where `print` writes (default: a buffered stdout).
    pub fn stdout(mut self, sink: impl Write + Send + 'static) -> Self {
        self.stdout = Some(Box::new(sink));
        self
    }

    /// A host function, visible to Pyro code as a global name.
    pub fn function<F>(mut self, name: &str, f: F) -> Self
    where
        F: Fn(Vec<Value>) -> Result<Value, HostError> + Send + Sync + 'static,
    {
        let host = HostFunction {
            name: name.to_string(),
            call: Box::new(f),
        };
        self.hosts.push((name.into(), Value::Host(Arc::new(host))));
        self
    }

    pub fn build(self) -> Vm {
        clock::start();
        let stdout = self
            .stdout
            .unwrap_or_else(|| Box::new(std::io::BufWriter::new(std::io::stdout())));
        Vm {
            rt: Arc::new(Runtime::new(
                self.recursion_limit,
                self.max_tasks,
                self.args,
                stdout,
                self.hosts,
            )),
        }
    }
}

impl Vm {
    pub fn builder() -> VmBuilder {
        VmBuilder::default()
    }

    /// Every source file loaded so far (for rendering diagnostics).
    pub fn sources(&self) -> pyro_source::SourceMap {
        self.rt.sources.clone()
    }

    /// Flushes program output.
    pub fn flush(&self) {
        self.rt.flush();
    }

    /// Whether program output found its pipe closed (the reader of
    /// `pyro run prog | head` went away). `print` raised `IOError` then; a
    /// command-line host ends quietly instead of reporting it.
    pub fn stdout_closed(&self) -> bool {
        self.rt.stdout_closed()
    }

    /// Runs a file as the main program.
    pub async fn run_file(&self, path: impl AsRef<Path>) -> Result<Value, PyroError> {
        let path = path.as_ref();
        let text = std::fs::read(path)
            .map_err(|e| PyroError::Io(format!("cannot read `{}`: {e}", path.display())))?;
        let text = String::from_utf8(text)
            .map_err(|_| PyroError::Io(format!("`{}` is not valid UTF-8", path.display())))?;
        self.run(path, &text, false).await
    }

    /// Runs source text; returns the value of its last statement if that is
    /// an expression (else None).
    pub async fn run_source(&self, name: &str, source: &str) -> Result<Value, PyroError> {
        self.run(Path::new(name), source, true).await
    }

    async fn run(&self, path: &Path, text: &str, return_last: bool) -> Result<Value, PyroError> {
        check_runtime()?;
        let (_module, body) = modules::compile(&self.rt, "__main__", path, text, return_last)?;
        // A detached task's uncaught error ends the program, like a panic in
        // a goroutine: whichever comes first, main finishing or that error.
        let watchdog = tokio::spawn(deadlock::watchdog(self.rt.clone()));
        // The main program runs as a task on the runtime, not on the thread
        // that awaits `run` (the CLI's `block_on` thread): a hand-off between
        // main and another task is then a wake-up on the same worker (its
        // LIFO slot), not a futex wake of another thread every time.
        let rt = self.rt.clone();
        let mut main = tokio::spawn(async move {
            let mut fiber = Fiber::new(0);
            modules::run_body(&rt, &mut fiber, body, true).await
        });
        let result = tokio::select! {
            result = &mut main => match result {
                Ok(result) => result,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => Err(task::cancelled_error()),
            },
            ending = self.rt.wait_fatal() => {
                // Stop main (at its next yield or wait) before reporting.
                main.abort();
                let _ = (&mut main).await;
                match ending {
                    runtime::Ending::Error(error) => Err(error),
                    runtime::Ending::Exit(code) => {
                        watchdog.abort();
                        self.rt.clear_ending();
                        self.rt.flush();
                        return Err(PyroError::Exit(code));
                    }
                }
            }
        };
        watchdog.abort();
        self.rt.clear_ending();
        self.rt.flush();
        result.map_err(|e| {
            let mut failures = self.rt.import_failures.lock();
            if !failures.is_empty() {
                return failures.remove(0);
            }
            PyroError::Runtime(Box::new(UncaughtError::new(&e, &self.rt.sources)))
        })
    }
}

impl TryFrom<Value> for i64 {
    type Error = HostError;
    fn try_from(v: Value) -> Result<i64, HostError> {
        match v {
            Value::Int(n) => Ok(n),
            other => Err(HostError::new(format!(
                "expected an int, got {}",
                other.type_name()
            ))),
        }
    }
}

impl TryFrom<Value> for f64 {
    type Error = HostError;
    fn try_from(v: Value) -> Result<f64, HostError> {
        match v {
            Value::Float(x) => Ok(x),
            Value::Int(n) => Ok(n as f64),
            other => Err(HostError::new(format!(
                "expected a float, got {}",
                other.type_name()
            ))),
        }
    }
}

impl TryFrom<Value> for String {
    type Error = HostError;
    fn try_from(v: Value) -> Result<String, HostError> {
        match v {
            Value::Str(s) => Ok(s.as_str().to_string()),
            other => Err(HostError::new(format!(
                "expected a string, got {}",
                other.type_name()
            ))),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            &repr::display_sync(self).unwrap_or_else(|| format!("<{} object>", self.type_name())),
        )
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            &repr::repr_sync(self).unwrap_or_else(|| format!("<{} object>", self.type_name())),
        )
    }
}

/// The VM runs on the caller's Tokio runtime and needs its time driver
/// (`sleep`, timeouts, deadlock detection). Without a runtime, or without
/// timers, Tokio would panic at the first spawn or timer: say so instead.
fn check_runtime() -> Result<(), PyroError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(PyroError::Io(
            "Pyro runs on a Tokio runtime: call it from inside one (`#[tokio::main]`, or `Runtime::block_on`)".into(),
        ));
    }
    if !timers_enabled() {
        return Err(PyroError::Io(
            "the Tokio runtime has no time driver: build it with `enable_all()` (or `enable_time()`)".into(),
        ));
    }
    Ok(())
}

/// Whether the current runtime has timers. Tokio has no query for it, and
/// making a timer without them panics: the probe's panic is caught, and
/// kept quiet by a panic hook that passes every other panic on to the hook
/// that was there before.
fn timers_enabled() -> bool {
    use std::cell::Cell;
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    thread_local! {
        static PROBING: Cell<bool> = const { Cell::new(false) };
    }
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PROBING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    PROBING.with(|p| p.set(true));
    let enabled = std::panic::catch_unwind(|| {
        drop(tokio::time::sleep(std::time::Duration::ZERO));
    })
    .is_ok();
    PROBING.with(|p| p.set(false));
    enabled
}
