//! `pyro-fuzz`: the fuzz driver of issue 14's safety net, on stable Rust.
//!
//! ```text
//! cargo run --release -p pyro-fuzz -- TARGET --iterations N [--seed S] [--jobs J]
//! ```
//!
//! Targets ([`targets`]): `bytes` (the front end on arbitrary text),
//! `mutate` (mutated test files, checked, compiled and run), `programs`
//! (generated programs run end to end) and `differential` (generated
//! programs run by Pyro and by CPython, outputs compared). Inputs run in
//! worker processes (this binary with `--worker`, [`worker`]) that the
//! driver ([`pool`]) restarts when an input kills them, so aborts are
//! recorded, not fatal. Every input is a function of `(seed, iteration)`
//! ([`rng`]); each failure is saved with the numbers that reproduce it
//! ([`failure`]). The last line printed is `N inputs, M failures`; the exit
//! status is 1 when M > 0.

mod failure;
mod gen;
mod minimize;
mod pool;
mod protocol;
mod python;
mod rng;
mod targets;
mod worker;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::Parser;

use pool::{PoolOptions, Work};
use targets::{Context, Settings, Target};

#[derive(Parser, Debug)]
#[command(
    name = "pyro-fuzz",
    about = "Fuzz the Pyro front end, VM and standard library"
)]
struct Args {
    /// What to fuzz.
    #[arg(value_enum)]
    target: Target,
    /// Inputs to run (default 1000 unless --seconds is given).
    #[arg(long)]
    iterations: Option<u64>,
    /// Seed of the run: the same seed gives the same inputs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Worker processes (default: the number of CPUs).
    #[arg(long)]
    jobs: Option<usize>,
    /// Stop handing out inputs after this many seconds.
    #[arg(long)]
    seconds: Option<u64>,
    /// Folder for failure files.
    #[arg(long, default_value = "fuzz-failures")]
    out: PathBuf,
    /// Failure files kept per failure class (all are counted).
    #[arg(long, default_value_t = 10)]
    keep: usize,
    /// Run only this iteration (with --print: show its input).
    #[arg(long)]
    iteration: Option<u64>,
    /// With --iteration: print the input instead of running it.
    #[arg(long)]
    print: bool,
    /// Run the input stored in a failure file (or any file).
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Shrink the failing input of a failure file; writes FILE.min.pyro.
    #[arg(long, value_name = "FILE")]
    minimize: Option<PathBuf>,
    /// Address-space cap of each worker, in MiB.
    #[arg(long, default_value_t = 3072)]
    memory_mib: u64,
    /// Wall-clock deadline of one program run, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    deadline_ms: u64,
    /// Seconds without progress (beyond the run deadline) that count as a
    /// hang. The largest `mutate` inputs (a few megabytes of deeply nested
    /// code) take the front end several seconds; a hang takes forever.
    #[arg(long, default_value_t = 30)]
    hang_seconds: u64,
    /// Folders of seed files for `mutate` (default: tests/ and examples/).
    #[arg(long)]
    corpus: Vec<PathBuf>,
    /// The Python interpreter for `differential` (default: the one behind python3).
    #[arg(long)]
    python: Option<String>,
    /// Only the closing lines.
    #[arg(long)]
    quiet: bool,
    #[arg(long, hide = true)]
    worker: Option<PathBuf>,
    #[arg(long, hide = true)]
    scratch: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pyro-fuzz: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<ExitCode, String> {
    let corpus_roots = if args.corpus.is_empty() {
        let root = targets::workspace_root();
        vec![root.join("tests"), root.join("examples")]
    } else {
        args.corpus.clone()
    };
    let settings = Settings {
        target: args.target,
        seed: args.seed,
        deadline: Duration::from_millis(args.deadline_ms),
        corpus_roots,
        python: args.python.clone(),
    };
    let memory_cap = args.memory_mib.saturating_mul(1 << 20);
    if let Some(socket) = &args.worker {
        let mut ctx = Context::new(settings)?;
        let scratch = args
            .scratch
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("pyro-fuzz-scratch"));
        worker::main(socket, &mut ctx, memory_cap, scratch)?;
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = Context::new(settings)?;
    if let (Some(i), true) = (args.iteration, args.print) {
        use std::io::Write;
        let _ = std::io::stdout().write_all(&ctx.generate(i));
        return Ok(ExitCode::SUCCESS);
    }
    let mut worker_args = vec![
        args.target.name().to_string(),
        format!("--seed={}", args.seed),
        format!("--memory-mib={}", args.memory_mib),
        format!("--deadline-ms={}", args.deadline_ms),
    ];
    for root in &ctx.settings.corpus_roots {
        worker_args.push(format!("--corpus={}", root.display()));
    }
    if let Some(p) = &args.python {
        worker_args.push(format!("--python={p}"));
    }
    let mut hang = Duration::from_secs(args.hang_seconds);
    if args.target.runs_programs() {
        // A run may take its deadline and then the runtime's grace period.
        hang += Duration::from_millis(args.deadline_ms) + Duration::from_secs(5);
    }
    let mut opts = PoolOptions {
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        hang,
        out: args.out.clone(),
        keep: args.keep,
        worker_args,
        verbose: !args.quiet,
    };
    if let Some(path) = &args.minimize {
        if args.target == Target::Differential {
            return Err(
                "--minimize works on single programs; shrink a differential case by hand".into(),
            );
        }
        let input = failure::read_input(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        opts.verbose = false;
        let first = pool::run(
            &ctx,
            &Work::Inputs(Mutex::new(VecDeque::from([input.clone()]))),
            &opts,
        )?;
        let Some((_, reason)) = first.by_input.first().cloned() else {
            println!("the input does not fail: nothing to minimise");
            println!("1 inputs, 0 failures");
            return Ok(ExitCode::SUCCESS);
        };
        println!("failure: {reason}");
        let small = minimize::minimize(&ctx, &opts, &input, &reason)?;
        let out = path.with_extension("min.pyro");
        std::fs::write(&out, &small).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!(
            "minimised from {} to {} bytes: {}",
            input.len(),
            small.len(),
            out.display()
        );
        println!("1 inputs, 1 failures");
        return Ok(ExitCode::from(1));
    }
    let work = if let Some(path) = &args.replay {
        let input = failure::read_input(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Work::Inputs(Mutex::new(VecDeque::from([input])))
    } else if let Some(i) = args.iteration {
        Work::Range {
            next: AtomicU64::new(i),
            end: Some(i + 1),
            stop_at: None,
        }
    } else {
        let iterations = match (args.iterations, args.seconds) {
            (Some(n), _) => Some(n),
            (None, Some(_)) => None,
            (None, None) => Some(1000),
        };
        Work::Range {
            next: AtomicU64::new(0),
            end: iterations,
            stop_at: args
                .seconds
                .map(|s| Instant::now() + Duration::from_secs(s)),
        }
    };
    let started = Instant::now();
    let summary = pool::run(&ctx, &work, &opts)?;
    let elapsed = started.elapsed();
    if !summary.classes.is_empty() {
        println!("failure classes:");
        for class in summary.classes.values() {
            let example = class
                .example
                .as_ref()
                .map_or_else(String::new, |p| format!(" (e.g. {})", p.display()));
            println!("  {:>6} × {}{example}", class.count, class.reason);
        }
    }
    println!("{}", pool::describe(args.target, &summary, elapsed));
    println!("{} inputs, {} failures", summary.inputs, summary.failures);
    Ok(if summary.failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
