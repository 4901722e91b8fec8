//! `pyro run FILE [ARGS...]` (also `pyro FILE.pyro [ARGS...]`, and `-` for
//! a program on standard input): run a program on a multi-thread Tokio runtime
//! sized by `--workers` or `PYRO_WORKER_THREADS` (1 to [`MAX_WORKERS`];
//! default: the CPU count), with at most `PYRO_MAX_TASKS` live tasks
//! (default [`pyro_vm::DEFAULT_MAX_TASKS`]).

use std::path::PathBuf;
use std::process::ExitCode;

use miette::Diagnostic;
use thiserror::Error;

use crate::{input, report};

#[derive(clap::Args)]
pub struct Args {
    /// Type-check the program first and refuse to run it on errors.
    #[arg(long)]
    check: bool,
    /// Worker threads for tasks (overrides PYRO_WORKER_THREADS).
    // Any value, `-1` included, is Pyro's to judge (`worker_threads`).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    workers: Option<String>,
    /// The program to run (`-` reads it from standard input).
    file: PathBuf,
    /// Arguments passed to the program (`std.env.args()`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// The most worker threads `pyro run` starts: far more than any machine has
/// cores (each thread reserves a stack, and thousands of them only contend).
pub const MAX_WORKERS: usize = 1024;

#[derive(Debug, Error, Diagnostic)]
#[error("invalid worker thread count {value:?} (from {source_name})")]
#[diagnostic(code(E0903))]
struct BadWorkers {
    value: String,
    source_name: &'static str,
    #[help]
    help: String,
}

#[derive(Debug, Error, Diagnostic)]
#[error("invalid task limit {value:?} (from PYRO_MAX_TASKS)")]
#[diagnostic(
    code(E0905),
    help("use a whole number of tasks, 1 or more, e.g. PYRO_MAX_TASKS=100000")
)]
struct BadMaxTasks {
    value: String,
}

#[derive(Debug, Error, Diagnostic)]
#[error("cannot start the runtime: {0}")]
#[diagnostic(code(E0904))]
struct RuntimeStart(String);

/// The worker count from the flag or the environment, validated.
fn worker_threads(flag: Option<String>) -> Result<Option<usize>, BadWorkers> {
    let (value, source_name) = match (flag, std::env::var("PYRO_WORKER_THREADS")) {
        (Some(v), _) => (v, "--workers"),
        (None, Ok(v)) => (v, "PYRO_WORKER_THREADS"),
        (None, Err(_)) => return Ok(None),
    };
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_WORKERS).contains(&n) => Ok(Some(n)),
        _ => {
            let example = if source_name == "--workers" {
                "--workers 4"
            } else {
                "PYRO_WORKER_THREADS=4"
            };
            Err(BadWorkers {
                value,
                source_name,
                help: format!(
                    "use a whole number of threads from 1 to {MAX_WORKERS}, e.g. {example}"
                ),
            })
        }
    }
}

/// The live-task limit from `PYRO_MAX_TASKS`, validated.
fn max_tasks() -> Result<usize, BadMaxTasks> {
    let Ok(value) = std::env::var("PYRO_MAX_TASKS") else {
        return Ok(pyro_vm::DEFAULT_MAX_TASKS);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(BadMaxTasks { value }),
    }
}

/// Tokio's default stack for each worker thread.
const WORKER_STACK: u64 = 2 << 20;

/// Refuses, before starting any thread, a worker count whose stacks would
/// take more than half of the process's address-space limit (`ulimit -v`):
/// once that space is gone, the threads that did start abort on their
/// first allocation, before a startup error could be shown.
fn fits_address_space(workers: usize) -> Result<(), RuntimeStart> {
    let Ok((limit, _)) = rlimit::getrlimit(rlimit::Resource::AS) else {
        return Ok(());
    };
    let needed = (workers as u64).saturating_mul(WORKER_STACK);
    if limit != rlimit::INFINITY && needed > limit / 2 {
        return Err(RuntimeStart(format!(
            "{workers} worker threads need {} MiB of stack, more than half of the \
             address-space limit ({} MiB); use fewer workers (--workers or PYRO_WORKER_THREADS)",
            needed >> 20,
            limit >> 20
        )));
    }
    Ok(())
}

/// Builds the runtime. Tokio panics when the operating system refuses a
/// worker thread (a thread or memory limit), and unwinding out of a half-built
/// runtime waits forever for the threads it did start; so while it is built,
/// a panic is reported as a startup error and ends the process at once.
fn build_runtime(builder: &mut tokio::runtime::Builder) -> Result<tokio::runtime::Runtime, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the worker threads could not start".to_string());
        report::eprint(&report::render_plain(RuntimeStart(message)));
        std::process::exit(1);
    }));
    let built = builder.build();
    std::panic::set_hook(previous);
    built.map_err(|e| e.to_string())
}

pub fn main(args: Args) -> ExitCode {
    // Usage errors first (status 2), before a program is read.
    let workers = match worker_threads(args.workers) {
        Ok(w) => w,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::from(2);
        }
    };
    let max_tasks = match max_tasks() {
        Ok(n) => n,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::from(2);
        }
    };
    // The program is loaded as `pyro check` loads it: the same diagnostic
    // for a missing or non-UTF-8 file, and standard input read once.
    let map = pyro_source::SourceMap::new();
    let file = match input::load(&map, &args.file) {
        Ok(file) => file,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        let diagnostics = super::check::check_loaded(&file, &args.file);
        let n = diagnostics
            .iter()
            .filter(|d| !report::is_warning(&***d))
            .count();
        report::emit(diagnostics, &map);
        // Warnings are shown, but the program runs.
        if n > 0 {
            report::eprint(&format!(
                "not running: `pyro check` found {n} error{}\n",
                if n == 1 { "" } else { "s" }
            ));
            return ExitCode::FAILURE;
        }
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    let count = workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if let Err(e) = fits_address_space(count) {
        report::eprint(&report::render_plain(e));
        return ExitCode::FAILURE;
    }
    if let Some(n) = workers {
        builder.worker_threads(n);
    }
    let runtime = match build_runtime(&mut builder) {
        Ok(rt) => rt,
        Err(e) => {
            report::eprint(&report::render_plain(RuntimeStart(e)));
            return ExitCode::FAILURE;
        }
    };
    let mut program_args = vec![args.file.display().to_string()];
    program_args.extend(args.args);
    let vm = pyro_vm::Vm::builder()
        .args(program_args)
        .max_tasks(max_tasks)
        .build();
    let result = runtime.block_on(vm.run_source(file.name(), file.text()));
    vm.flush();
    // Like Go, the program ends when main does: drop still-running tasks.
    runtime.shutdown_background();
    if vm.stdout_closed() {
        // The reader of our output went away (`pyro run prog | head`): the
        // error `print` raised then is no news to anyone.
        return ExitCode::from(report::CLOSED_PIPE_STATUS as u8);
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(pyro_vm::PyroError::Exit(code)) => ExitCode::from(code),
        Err(error) => {
            report::emit(error.diagnostics(), &vm.sources());
            ExitCode::FAILURE
        }
    }
}
