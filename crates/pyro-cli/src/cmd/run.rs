//! `pyro run FILE [ARGS...]`: run a program on a multi-thread Tokio runtime
//! sized by `--workers` or `PYRO_WORKER_THREADS` (default: the CPU count).

use std::path::PathBuf;
use std::process::ExitCode;

use miette::Diagnostic;
use thiserror::Error;

use crate::report;

#[derive(clap::Args)]
pub struct Args {
    /// Type-check the program first and refuse to run it on errors.
    #[arg(long)]
    check: bool,
    /// Worker threads for tasks (overrides PYRO_WORKER_THREADS).
    #[arg(long, value_name = "N")]
    workers: Option<String>,
    /// The program to run.
    file: PathBuf,
    /// Arguments passed to the program (`std.env.args()`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(Debug, Error, Diagnostic)]
#[error("invalid worker thread count {value:?} (from {source_name})")]
#[diagnostic(
    code(E0903),
    help("use a whole number of threads, 1 or more, e.g. PYRO_WORKER_THREADS=4")
)]
struct BadWorkers {
    value: String,
    source_name: &'static str,
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
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(BadWorkers { value, source_name }),
    }
}

pub fn main(args: Args) -> ExitCode {
    if args.check {
        let map = pyro_source::SourceMap::new();
        match super::check::check_path(&map, &args.file) {
            Ok(diagnostics) if diagnostics.is_empty() => {}
            Ok(diagnostics) => {
                let n = report::emit(diagnostics, &map);
                report::eprint(&format!(
                    "not running: `pyro check` found {n} error{}\n",
                    if n == 1 { "" } else { "s" }
                ));
                return ExitCode::FAILURE;
            }
            Err(e) => {
                report::eprint(&report::render_plain(e));
                return ExitCode::FAILURE;
            }
        }
    }
    let workers = match worker_threads(args.workers) {
        Ok(w) => w,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::from(2);
        }
    };
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = workers {
        builder.worker_threads(n);
    }
    let runtime = match builder.build() {
        Ok(rt) => rt,
        Err(e) => {
            report::eprint(&report::render_plain(RuntimeStart(e.to_string())));
            return ExitCode::FAILURE;
        }
    };
    let mut program_args = vec![args.file.display().to_string()];
    program_args.extend(args.args);
    let vm = pyro_vm::Vm::builder().args(program_args).build();
    let result = runtime.block_on(vm.run_file(&args.file));
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
        Err(error) => {
            report::emit(error.diagnostics(), &vm.sources());
            ExitCode::FAILURE
        }
    }
}
