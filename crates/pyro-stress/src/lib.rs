//! The channel stress test (issue 14): many producers and consumers over
//! buffered and unbuffered channels, with close, `select`, `try_*` and
//! cancellation, on Tokio runtimes with 1 to 4 worker threads; every message
//! must be delivered exactly once and nothing may be left blocked.
//!
//! The workloads are ordinary Pyro programs (`programs/*.pyro`), so the
//! whole stack runs: compiler, VM, scheduler, channels. Each takes the same
//! arguments (producers, consumers, capacity, messages per producer, seed,
//! variant) and ends with one line that states what arrived — for example
//! `count=N sum=S sumsq=Q dups=0 missing=0 bad=0 tasks=0` — which the driver
//! compares with what it computes itself. A run runs through the embedding
//! API on its own runtime and thread, under a deadline; it fails on a wrong
//! line, an uncaught error (a `DeadlockError` included), a Rust panic anywhere
//! in the process, or no answer before the deadline (a hang). Every failure
//! names its configuration and the `pyro run` command that repeats it.
//!
//! `cargo test -p pyro-stress` runs a fixed sample of the matrix
//! ([`sample`]); `cargo run --release -p pyro-stress` runs all of it
//! ([`matrix`]; see `tests/README.md`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// One workload: a program and the variant it runs.
#[derive(Debug, PartialEq, Eq)]
pub struct Variant {
    /// File stem under `programs/`.
    pub program: &'static str,
    /// Its MODE argument (see the comment at the top of each program).
    pub mode: &'static str,
    /// What the program's last line reports.
    pub check: Check,
}

/// How a program's result line is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Every id 0 .. P*M-1 arrived exactly once.
    All,
    /// Senders were interrupted: every sent id arrived exactly once, and at
    /// most one more per producer (the one in flight when cancelled).
    Sent,
    /// Like `Sent`, but an interrupted push never delivers (close).
    SentExactly,
}

pub const VARIANTS: &[Variant] = &[
    variant("plain", "-", Check::All),
    variant("range", "wg", Check::All),
    variant("range", "last", Check::All),
    variant("range", "done", Check::All),
    variant("select", "block", Check::All),
    variant("select", "after", Check::All),
    variant("select", "else", Check::All),
    variant("try", "-", Check::All),
    variant("cancel", "cancel", Check::All),
    variant("cancel", "select", Check::All),
    variant("cancel", "timeout", Check::All),
    variant("cancel", "race", Check::All),
    variant("senders", "cancel", Check::Sent),
    variant("senders", "close", Check::SentExactly),
];

const fn variant(program: &'static str, mode: &'static str, check: Check) -> Variant {
    Variant {
        program,
        mode,
        check,
    }
}

pub const PRODUCERS: [usize; 4] = [1, 2, 8, 32];
pub const CONSUMERS: [usize; 4] = [1, 2, 8, 32];
/// Channel capacities; 0 is unbuffered (a rendezvous).
pub const CAPACITIES: [usize; 4] = [0, 1, 7, 1024];
pub const WORKERS: [usize; 4] = [1, 2, 3, 4];

/// One run of one workload.
#[derive(Clone, Debug)]
pub struct Config {
    pub variant: &'static Variant,
    pub producers: usize,
    pub consumers: usize,
    pub capacity: usize,
    /// Messages per producer.
    pub messages: usize,
    pub workers: usize,
    pub seed: u64,
}

impl Config {
    fn args(&self) -> Vec<String> {
        vec![
            self.producers.to_string(),
            self.consumers.to_string(),
            self.capacity.to_string(),
            self.messages.to_string(),
            self.seed.to_string(),
            self.variant.mode.to_string(),
        ]
    }

    pub fn name(&self) -> String {
        format!(
            "{}/{} P={} C={} cap={} M={} workers={} seed={}",
            self.variant.program,
            self.variant.mode,
            self.producers,
            self.consumers,
            self.capacity,
            self.messages,
            self.workers,
            self.seed
        )
    }

    /// The shell command that runs this configuration with the `pyro` binary.
    pub fn command(&self) -> String {
        format!(
            "PYRO_WORKER_THREADS={} pyro run {} {}",
            self.workers,
            program_path(self.variant.program).display(),
            self.args().join(" ")
        )
    }

    fn total(&self) -> u64 {
        (self.producers * self.messages) as u64
    }

    /// Judges the program's output.
    fn judge(&self, output: &str) -> Result<Stats, String> {
        let mut stats = Stats::default();
        let mut last = None;
        for line in output.lines() {
            if let Some(rest) = line.strip_prefix('#') {
                for (key, value) in fields(rest) {
                    *stats.counters.entry(key.to_string()).or_default() += value;
                }
            } else if line.starts_with("FAIL") {
                return Err(line.to_string());
            } else if !line.trim().is_empty() {
                last = Some(line);
            }
        }
        let last = last.ok_or("the program printed no result line")?;
        let got: BTreeMap<&str, u64> = fields(last).collect();
        let field = |key: &str| {
            got.get(key)
                .copied()
                .ok_or_else(|| format!("no `{key}` in the result line: {last}"))
        };
        match self.variant.check {
            Check::All => {
                let n = self.total();
                // The sum and the sum of squares of 0 .. n-1 (n < 2^20: no overflow).
                let expected = format!(
                    "count={n} sum={} sumsq={} dups=0 missing=0 bad=0 tasks=0",
                    n * n.saturating_sub(1) / 2,
                    n.saturating_sub(1) * n * (2 * n).saturating_sub(1) / 6
                );
                if last != expected {
                    return Err(format!("expected `{expected}`, got `{last}`"));
                }
                stats.delivered = n;
            }
            Check::Sent | Check::SentExactly => {
                for key in ["dups", "missing", "extra", "bad", "tasks"] {
                    if field(key)? != 0 {
                        return Err(format!("`{key}` is not 0: {last}"));
                    }
                }
                let (sent, received) = (field("sent")?, field("received")?);
                let slack = if self.variant.check == Check::Sent {
                    self.producers as u64
                } else {
                    0
                };
                if received < sent || received - sent > slack {
                    return Err(format!(
                        "{received} received for {sent} sent (at most {slack} more allowed): {last}"
                    ));
                }
                stats.delivered = received;
            }
        }
        Ok(stats)
    }
}

/// `key=value` pairs with integer values in a line.
fn fields(line: &str) -> impl Iterator<Item = (&str, u64)> {
    line.split_whitespace().filter_map(|word| {
        let (key, value) = word.split_once('=')?;
        Some((key, value.parse().ok()?))
    })
}

/// What a successful run reports.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Messages delivered.
    pub delivered: u64,
    /// The program's `# key=value` counters (timeouts taken, misses…).
    pub counters: BTreeMap<String, u64>,
}

/// The result of one run.
pub struct Outcome {
    pub config: Config,
    pub elapsed: Duration,
    pub result: Result<Stats, String>,
}

pub fn program_path(stem: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("programs")
        .join(format!("{stem}.pyro"))
}

/// A small deterministic generator (splitmix64) for sampling and seeds.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Messages per producer so that a run moves about `total` messages.
fn per_producer(total: usize, producers: usize) -> usize {
    (total / producers).max(1)
}

/// The whole matrix: every variant × producers × consumers × capacity ×
/// worker count, `reps` times, each run moving about `total` messages, in a
/// shuffled order (so that a long run's early part covers everything).
pub fn matrix(total: usize, reps: usize, seed: u64) -> Vec<Config> {
    let mut rng = Rng::new(seed);
    let mut configs = Vec::new();
    for _ in 0..reps {
        for variant in VARIANTS {
            for producers in PRODUCERS {
                for consumers in CONSUMERS {
                    for capacity in CAPACITIES {
                        for workers in WORKERS {
                            configs.push(Config {
                                variant,
                                producers,
                                consumers,
                                capacity,
                                messages: per_producer(total, producers),
                                workers,
                                seed: rng.next_u64() % 1_000_000_007,
                            });
                        }
                    }
                }
            }
        }
    }
    for i in (1..configs.len()).rev() {
        configs.swap(i, rng.below(i + 1));
    }
    configs
}

/// A fixed sample for `cargo test`: `per_variant` runs of every variant,
/// rotating through every capacity and worker count, with producer and
/// consumer counts drawn from a seeded generator.
pub fn sample(per_variant: usize, total: usize, seed: u64) -> Vec<Config> {
    let mut rng = Rng::new(seed);
    let mut configs = Vec::new();
    for (i, variant) in VARIANTS.iter().enumerate() {
        for j in 0..per_variant {
            let k = i * per_variant + j;
            let producers = PRODUCERS[rng.below(PRODUCERS.len())];
            configs.push(Config {
                variant,
                producers,
                consumers: CONSUMERS[rng.below(CONSUMERS.len())],
                capacity: CAPACITIES[k % CAPACITIES.len()],
                messages: per_producer(total, producers),
                workers: WORKERS[(k / CAPACITIES.len() + k) % WORKERS.len()],
                seed: rng.next_u64() % 1_000_000_007,
            });
        }
    }
    configs
}

/// Program output, captured.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        lock(&self.0).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Panics seen anywhere in the process since the hook was installed.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records every panic (in any thread: a VM task, a runtime worker), so a
/// run that panicked fails even when the panic was swallowed.
fn watch_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            lock(&PANICS).push(format!("thread '{thread}' {info}"));
            previous(info);
        }));
    });
}

fn render(error: pyro_vm::PyroError) -> String {
    match error {
        pyro_vm::PyroError::Runtime(e) => {
            let mut text = e.to_string();
            for frame in &e.frames {
                text.push_str(&format!("\n    {} at {}", frame.function, frame.location));
            }
            text
        }
        other => {
            let mut text = other.to_string();
            for d in other.diagnostics() {
                text.push_str(&format!("\n    {d}"));
            }
            text
        }
    }
}

/// Runs one configuration on a fresh runtime with its worker count, in a
/// thread of its own, and judges it. A run with no result by `deadline` is a
/// hang: its thread is left behind (nothing can stop it) and the run fails.
pub fn run(config: &Config, deadline: Duration) -> Outcome {
    watch_panics();
    let panics_before = lock(&PANICS).len();
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let spawned = {
        let config = config.clone();
        std::thread::Builder::new()
            .name(format!("stress {}", config.name()))
            .spawn(move || {
                let _ = tx.send(run_here(&config));
            })
    };
    let result = match spawned {
        Err(e) => Err(format!("cannot start a thread: {e}")),
        Ok(_) => match rx.recv_timeout(deadline) {
            Ok(Ok(output)) => config.judge(&output),
            Ok(Err(error)) => Err(error),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(format!("hang: no result after {deadline:?}"))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err("the run panicked".to_string()),
        },
    };
    let panics = lock(&PANICS)[panics_before..].to_vec();
    let result = if panics.is_empty() {
        result
    } else {
        Err(format!("panicked: {}", panics.join("\n")))
    };
    Outcome {
        config: config.clone(),
        elapsed: start.elapsed(),
        result,
    }
}

/// Runs the program on this thread; its output, or the error it ended with.
fn run_here(config: &Config) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let sink = Sink::default();
    let path = program_path(config.variant.program);
    let mut args = vec![path.display().to_string()];
    args.extend(config.args());
    let vm = pyro_vm::Vm::builder()
        .args(args)
        .stdout(sink.clone())
        .build();
    let result = runtime.block_on(vm.run_file(&path));
    vm.flush();
    runtime.shutdown_background();
    let output = String::from_utf8_lossy(&lock(&sink.0)).into_owned();
    match result {
        Ok(_) => Ok(output),
        Err(e) => Err(format!("{}\noutput:\n{output}", render(e))),
    }
}

/// Runs configurations one after another; `progress` sees each outcome.
pub fn run_all(
    configs: &[Config],
    deadline: Duration,
    mut progress: impl FnMut(&Outcome),
) -> Vec<Outcome> {
    configs
        .iter()
        .map(|config| {
            let outcome = run(config, deadline);
            progress(&outcome);
            outcome
        })
        .collect()
}

/// A failure as the driver prints it: what ran, what went wrong, and how to
/// run it again.
pub fn describe(outcome: &Outcome) -> Option<String> {
    let error = outcome.result.as_ref().err()?;
    Some(format!(
        "FAILED {} ({:.2} s)\n  {}\n  again: {}",
        outcome.config.name(),
        outcome.elapsed.as_secs_f64(),
        error.replace('\n', "\n  "),
        outcome.config.command()
    ))
}
