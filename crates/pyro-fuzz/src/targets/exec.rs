//! Running a Pyro program through the embedding API, as a host would: a
//! Tokio runtime of our own, `Vm::builder().stdout(sink)`, `run_source`
//! under a wall-clock deadline, the output captured in a bounded buffer.
//!
//! After the run the runtime is shut down and its threads are counted: a
//! thread that is still busy a grace period later is stuck in code that
//! never reaches a yield point (a native looping without a budget check),
//! which no deadline can stop — reported as [`RunEnd::Stuck`].

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a run ended.
pub enum RunEnd {
    /// The program finished; `error` is its rendered uncaught error.
    Finished { error: Option<String> },
    /// The deadline passed (the VM stopped when asked).
    TimedOut,
    /// Runtime threads did not stop after the deadline or the end.
    Stuck(String),
}

pub struct RunOutput {
    pub end: RunEnd,
    pub stdout: String,
}

/// Limits of one run.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    pub deadline: Duration,
    /// Tokio worker threads (0: a current-thread runtime).
    pub workers: usize,
    /// Bytes of output kept (the rest is dropped, not an error).
    pub output_cap: usize,
}

/// A `Write` that keeps the first `cap` bytes and accepts the rest.
#[derive(Clone)]
struct Sink {
    buf: Arc<Mutex<Vec<u8>>>,
    cap: usize,
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buf) = self.buf.lock() {
            let room = self.cap.saturating_sub(buf.len());
            buf.extend_from_slice(&data[..data.len().min(room)]);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How long runtime threads may take to stop once asked, at least: the
/// program's tasks are dropped then (a million of them, in a debug build,
/// take seconds). A longer run deadline (given for slower builds) gives
/// half of it.
const GRACE: Duration = Duration::from_secs(3);

fn grace(deadline: Duration) -> Duration {
    GRACE.max(deadline / 2)
}

/// Runs `source` as the main program `name` (its imports resolve next to
/// `name`).
pub fn run(name: &str, source: &str, limits: RunLimits) -> RunOutput {
    let alive = Arc::new(AtomicUsize::new(0));
    let mut builder = if limits.workers == 0 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(limits.workers);
        b
    };
    let (up, down) = (alive.clone(), alive.clone());
    builder
        .enable_all()
        .on_thread_start(move || {
            up.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            down.fetch_sub(1, Ordering::SeqCst);
        });
    let runtime = match builder.build() {
        Ok(rt) => rt,
        Err(e) => {
            return RunOutput {
                end: RunEnd::Stuck(format!("cannot start a runtime: {e}")),
                stdout: String::new(),
            }
        }
    };
    let sink = Sink {
        buf: Arc::new(Mutex::new(Vec::new())),
        cap: limits.output_cap,
    };
    let vm = pyro_vm::Vm::builder()
        .args(vec![name.to_string()])
        .stdout(sink.clone())
        .build();
    let result = runtime.block_on(async {
        tokio::time::timeout(limits.deadline, vm.run_source(name, source)).await
    });
    vm.flush();
    let mut end = match result {
        Err(_) => RunEnd::TimedOut,
        Ok(Ok(_)) => RunEnd::Finished { error: None },
        Ok(Err(error)) => {
            let sources = vm.sources();
            let text: String = error
                .diagnostics()
                .into_iter()
                .map(|d| super::frontend::render(d, &sources))
                .collect();
            RunEnd::Finished { error: Some(text) }
        }
    };
    // Like the CLI: the program ends when main does; drop its tasks.
    runtime.shutdown_background();
    drop(vm);
    let asked = Instant::now();
    let grace = grace(limits.deadline);
    while alive.load(Ordering::SeqCst) > 0 {
        if asked.elapsed() > grace {
            end = RunEnd::Stuck(format!(
                "hang: {} runtime thread(s) still busy {}s after the program was stopped (code that never yields)",
                alive.load(Ordering::SeqCst),
                grace.as_secs()
            ));
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let stdout = sink
        .buf
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    RunOutput { end, stdout }
}
