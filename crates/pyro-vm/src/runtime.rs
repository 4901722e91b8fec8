//! The state shared by every task of one VM: loaded sources and modules,
//! output, configuration and host functions.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use dashmap::DashMap;
use parking_lot::Mutex;
use pyro_compiler::{Code, Const, ParamKind};
use pyro_source::SourceMap;
use rustc_hash::FxHashMap;

use crate::error::PyroError;
use crate::object::{Module, Proto};
use crate::symbol::Sym;
use crate::value::Value;

pub type Rt = Arc<Runtime>;

/// How a program ends before its main task does.
#[derive(Clone)]
pub(crate) enum Ending {
    /// A detached task's uncaught error (or a deadlock).
    Error(crate::error::RuntimeError),
    /// `std.process.exit(code)`.
    Exit(u8),
}

pub struct Runtime {
    pub sources: SourceMap,
    pub recursion_limit: usize,
    /// The most tasks (besides the main program) alive at once.
    pub max_tasks: usize,
    /// `std.env.args()`: the script path, then its arguments.
    pub args: Vec<String>,
    pub started: Instant,
    stdout: Mutex<Box<dyn Write + Send>>,
    /// Standard output was closed under the program (a reader such as
    /// `head` went away): every later `print` raises.
    stdout_closed: std::sync::atomic::AtomicBool,
    /// Host functions, visible as globals in every module.
    pub(crate) hosts: Vec<(Arc<str>, Value)>,
    /// File modules by canonical path; the cell runs the top level once.
    pub(crate) files: DashMap<PathBuf, Arc<tokio::sync::OnceCell<Arc<Module>>>>,
    /// Native modules by import name (`std`, `std.math`, ...).
    pub(crate) native: FxHashMap<String, Arc<Module>>,
    /// Diagnostics of imported files that failed to parse or compile.
    pub(crate) import_failures: Mutex<Vec<PyroError>>,
    /// The first uncaught error of a detached task: it ends the program.
    fatal: Mutex<Option<Ending>>,
    fatal_signal: tokio::sync::Notify,
    /// Blocked tasks, pending timers and progress, for deadlock detection.
    pub(crate) watch: crate::deadlock::Watch,
    pub(crate) tasks_started: std::sync::atomic::AtomicUsize,
    pub(crate) tasks_finished: std::sync::atomic::AtomicUsize,
}

impl Runtime {
    pub(crate) fn new(
        recursion_limit: usize,
        max_tasks: usize,
        args: Vec<String>,
        stdout: Box<dyn Write + Send>,
        hosts: Vec<(Arc<str>, Value)>,
    ) -> Runtime {
        Runtime {
            sources: SourceMap::new(),
            recursion_limit,
            max_tasks,
            args,
            started: Instant::now(),
            stdout: Mutex::new(stdout),
            stdout_closed: Default::default(),
            hosts,
            files: DashMap::new(),
            native: crate::modules::native_modules(),
            import_failures: Mutex::new(Vec::new()),
            fatal: Mutex::new(None),
            fatal_signal: tokio::sync::Notify::new(),
            watch: Default::default(),
            tasks_started: Default::default(),
            tasks_finished: Default::default(),
        }
    }

    /// A runtime for unit tests: no arguments, output discarded.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Rt {
        Arc::new(Runtime::new(
            10_000,
            crate::DEFAULT_MAX_TASKS,
            Vec::new(),
            Box::new(std::io::sink()),
            Vec::new(),
        ))
    }

    /// Writes program output; each call is written whole under the lock, so
    /// lines printed by concurrent tasks never interleave. Output to a
    /// closed pipe raises `IOError` (as Python's `BrokenPipeError` does), so
    /// a program printing forever into `| head` ends instead of spinning;
    /// [`Runtime::stdout_closed`] lets the host end quietly.
    pub fn write_stdout(&self, text: &str) -> Result<(), crate::error::RuntimeError> {
        let mut out = self.stdout.lock();
        match out.write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdout_closed
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Err(crate::error::RuntimeError::io_error(
                    "cannot print: standard output is closed (broken pipe)",
                ))
            }
            // Other output errors (a full disk) are not the program's to handle.
            _ => Ok(()),
        }
    }

    /// Whether writing program output found the pipe closed.
    pub fn stdout_closed(&self) -> bool {
        self.stdout_closed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records a detached task's uncaught error (the first one wins).
    pub(crate) fn report_fatal(&self, error: crate::error::RuntimeError) {
        self.end(Ending::Error(error));
    }

    /// `std.process.exit(code)`: the program ends with this status (Go's
    /// `os.Exit`: nothing else runs). The VM never ends the host's process;
    /// `Vm::run_*` returns `PyroError::Exit` and the CLI exits with it.
    pub(crate) fn request_exit(&self, code: u8) {
        self.end(Ending::Exit(code));
    }

    /// Records how the program ends (the first ending wins).
    fn end(&self, ending: Ending) {
        let mut fatal = self.fatal.lock();
        if fatal.is_none() {
            *fatal = Some(ending);
        }
        drop(fatal);
        self.fatal_signal.notify_waiters();
    }

    /// Resolves with the first fatal task error.
    /// Forgets how the last program ended (a new one starts).
    pub(crate) fn clear_ending(&self) {
        self.fatal.lock().take();
    }

    pub(crate) async fn wait_fatal(&self) -> Ending {
        loop {
            let signal = self.fatal_signal.notified();
            if let Some(e) = self.fatal.lock().clone() {
                return e;
            }
            signal.await;
        }
    }

    pub fn flush(&self) {
        if let Err(e) = self.stdout.lock().flush() {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.stdout_closed
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

/// Prepares a code object (and the ones nested in it) for running.
pub fn prepare(code: &Arc<Code>) -> Arc<Proto> {
    let mut children = Vec::with_capacity(code.consts.len());
    let consts = code
        .consts
        .iter()
        .map(|c| {
            let (value, child) = const_value(c);
            children.push(child);
            value
        })
        .collect();
    let positional = code
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Normal)
        .count();
    let first_default = code
        .params
        .iter()
        .position(|p| p.kind == ParamKind::Normal && p.has_default)
        .unwrap_or(positional);
    let varargs = code
        .params
        .iter()
        .position(|p| p.kind == ParamKind::VarArgs);
    let kwargs = code.params.iter().position(|p| p.kind == ParamKind::KwArgs);
    let plain = varargs.is_none() && kwargs.is_none() && code.cell_slots.is_empty();
    Arc::new(Proto {
        consts,
        names: code.names.iter().map(|n| Sym::intern(n)).collect(),
        positional,
        varargs,
        kwargs,
        plain_arity: if plain { positional as u32 } else { u32::MAX },
        nlocals: code.local_names.len() as u32,
        param_syms: code.params.iter().map(|p| Sym::intern(&p.name)).collect(),
        first_default,
        children,
        ops: code.ops.as_slice().into(),
        code: code.clone(),
    })
}

fn const_value(c: &Const) -> (Value, Option<Arc<Proto>>) {
    let v = match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(n) => Value::Int(*n),
        Const::Float(x) => Value::Float(*x),
        Const::Str(s) => Value::str(s.to_string()),
        Const::Tuple(items) => Value::tuple(items.iter().map(|i| const_value(i).0).collect()),
        Const::Code(code) => return (Value::None, Some(prepare(code))),
    };
    (v, None)
}
