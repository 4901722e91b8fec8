//! `pyro-stress`: the long channel stress run (`just stress`).
//!
//! Runs the whole matrix (see the library) `--reps` times, prints each
//! failure as it happens with the command that repeats it, a summary per
//! variant, and as its last line `N runs, M failures` (exit status 1 when M
//! is not 0).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use pyro_stress::{describe, matrix, run_all, sample};

#[derive(Parser)]
#[command(about = "Channel stress test: every message delivered exactly once")]
struct Args {
    /// Messages per run (split between the producers).
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// Repetitions of the whole matrix.
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Seed for the run order and the programs' own randomness.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only configurations whose name contains this (e.g. `select/after`,
    /// `cap=0`, `workers=1`).
    #[arg(long)]
    filter: Option<String>,
    /// Instead of the whole matrix, this many runs of every variant (the
    /// `cargo test` sample).
    #[arg(long)]
    sample: Option<usize>,
    /// Seconds a run may take before it counts as a hang.
    #[arg(long, default_value_t = 120)]
    deadline: u64,
    /// Print every run with its time, not only failures.
    #[arg(long)]
    verbose: bool,
}

#[derive(Default)]
struct Totals {
    runs: usize,
    failures: usize,
    delivered: u64,
    seconds: f64,
    counters: BTreeMap<String, u64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut configs = match args.sample {
        Some(n) => sample(n, args.messages, args.seed),
        None => matrix(args.messages, args.reps, args.seed),
    };
    if let Some(filter) = &args.filter {
        configs.retain(|c| c.name().contains(filter.as_str()));
    }
    let total = configs.len();
    println!(
        "{total} runs, about {} messages each, deadline {} s",
        args.messages, args.deadline
    );
    let start = Instant::now();
    let mut done = 0;
    let mut failed = 0;
    let outcomes = run_all(&configs, Duration::from_secs(args.deadline), |outcome| {
        done += 1;
        if let Some(text) = describe(outcome) {
            failed += 1;
            println!("{text}");
        } else if args.verbose {
            println!(
                "ok {} ({:.2} s)",
                outcome.config.name(),
                outcome.elapsed.as_secs_f64()
            );
        }
        if done % 100 == 0 || done == total {
            println!(
                "[{done}/{total}] {failed} failures, {:.0} s",
                start.elapsed().as_secs_f64()
            );
        }
    });
    let mut by_variant: BTreeMap<String, Totals> = BTreeMap::new();
    for outcome in &outcomes {
        let v = outcome.config.variant;
        let totals = by_variant
            .entry(format!("{}/{}", v.program, v.mode))
            .or_default();
        totals.runs += 1;
        totals.seconds += outcome.elapsed.as_secs_f64();
        match &outcome.result {
            Ok(stats) => {
                totals.delivered += stats.delivered;
                for (key, value) in &stats.counters {
                    *totals.counters.entry(key.clone()).or_default() += value;
                }
            }
            Err(_) => totals.failures += 1,
        }
    }
    println!("\nvariant            runs  failures   delivered   seconds  counters");
    for (name, t) in &by_variant {
        let counters: Vec<String> = t.counters.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "{name:<18} {:>5} {:>9} {:>11} {:>9.1}  {}",
            t.runs,
            t.failures,
            t.delivered,
            t.seconds,
            counters.join(" ")
        );
    }
    let mut slowest: Vec<_> = outcomes.iter().collect();
    slowest.sort_by_key(|o| std::cmp::Reverse(o.elapsed));
    println!("\nslowest runs:");
    for outcome in slowest.iter().take(5) {
        println!(
            "  {:.2} s  {}",
            outcome.elapsed.as_secs_f64(),
            outcome.config.name()
        );
    }
    let failures = outcomes.iter().filter(|o| o.result.is_err()).count();
    println!("{} runs, {failures} failures", outcomes.len());
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
