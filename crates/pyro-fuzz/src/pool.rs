//! The driver side: a thread per worker process hands out jobs (ranges of
//! iterations, or exact inputs), reads the replies, and survives its worker.
//!
//! A worker reports progress at most every few milliseconds, so when it
//! dies or stops making progress (a hang), several inputs of its job may be
//! unconfirmed. The driver then runs each of them alone in a fresh worker:
//! the one that kills it again is the failure, recorded with the signal and
//! the runtime's last words from stderr. If none does, the death is still
//! recorded (against the first unconfirmed input), marked as not
//! reproduced alone.

use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::failure::{signature, Failure};
use crate::protocol::{Reply, Request};
use crate::targets::{Context, Target};

/// How the driver runs its workers.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    pub jobs: usize,
    /// No progress for this long is a hang.
    pub hang: Duration,
    pub out: PathBuf,
    /// Failure files kept per failure class.
    pub keep: usize,
    /// Arguments every worker gets (target, seed, limits).
    pub worker_args: Vec<String>,
    /// Print failures and progress as they come.
    pub verbose: bool,
}

/// Where jobs come from.
pub enum Work {
    /// Iterations `next..end` (no end: until `stop_at`).
    Range {
        next: AtomicU64,
        end: Option<u64>,
        stop_at: Option<Instant>,
    },
    /// Exact inputs, one job each.
    Inputs(Mutex<VecDeque<Vec<u8>>>),
}

impl Work {
    fn next(&self, batch: u32) -> Option<Request> {
        match self {
            Work::Range { next, end, stop_at } => {
                if stop_at.is_some_and(|t| Instant::now() >= t) {
                    return None;
                }
                let first = next.fetch_add(u64::from(batch), Ordering::SeqCst);
                let count = match end {
                    Some(end) if first >= *end => return None,
                    Some(end) => (end - first).min(u64::from(batch)) as u32,
                    None => batch,
                };
                Some(Request::Iterations { first, count })
            }
            Work::Inputs(queue) => queue.lock().ok()?.pop_front().map(Request::Input),
        }
    }
}

/// A failure class: how often it was seen and its first file.
#[derive(Clone, Debug)]
pub struct Class {
    pub count: u64,
    pub reason: String,
    pub example: Option<PathBuf>,
}

/// What a run found.
#[derive(Default)]
pub struct Summary {
    pub inputs: u64,
    pub failures: u64,
    pub timeouts: u64,
    pub classes: BTreeMap<String, Class>,
    /// The failures of exact inputs (replay and minimising), by input.
    pub by_input: Vec<(Vec<u8>, String)>,
}

struct Shared<'a> {
    ctx: &'a Context,
    work: &'a Work,
    opts: &'a PoolOptions,
    run_dir: PathBuf,
    summary: Mutex<Summary>,
    spawned: AtomicU64,
}

/// Runs all the work on `opts.jobs` workers.
pub fn run(ctx: &Context, work: &Work, opts: &PoolOptions) -> Result<Summary, String> {
    let run_dir = std::env::temp_dir().join(format!("pyro-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&run_dir)
        .map_err(|e| format!("cannot create {}: {e}", run_dir.display()))?;
    let shared = Shared {
        ctx,
        work,
        opts,
        run_dir: run_dir.clone(),
        summary: Mutex::new(Summary::default()),
        spawned: AtomicU64::new(0),
    };
    let started = Instant::now();
    let finished = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            scope.spawn(|| {
                drive(&shared);
                finished.fetch_add(1, Ordering::SeqCst);
            });
        }
        if opts.verbose {
            scope.spawn(|| {
                let mut last = Instant::now();
                while finished.load(Ordering::SeqCst) < opts.jobs.max(1) as u64 {
                    std::thread::sleep(Duration::from_millis(100));
                    if last.elapsed() >= Duration::from_secs(10) {
                        last = Instant::now();
                        if let Ok(s) = shared.summary.lock() {
                            let secs = started.elapsed().as_secs_f64();
                            eprintln!(
                                "[{secs:.0}s] {} inputs, {} failures, {} timeouts, {:.0}/s",
                                s.inputs,
                                s.failures,
                                s.timeouts,
                                s.inputs as f64 / secs
                            );
                        }
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&run_dir);
    shared
        .summary
        .into_inner()
        .map_err(|_| "a driver thread panicked".to_string())
}

/// A batch of inputs whose worker died before confirming them; each is
/// re-run alone.
struct Suspects {
    reason: String,
    first: Request,
    remaining: usize,
    reproduced: bool,
}

/// One driver thread: jobs from the shared work, re-runs from its own queue.
fn drive(shared: &Shared<'_>) {
    let mut worker: Option<Worker> = None;
    let mut retry: VecDeque<(Request, Option<usize>)> = VecDeque::new();
    let mut groups: Vec<Suspects> = Vec::new();
    let batch = shared.ctx.settings.target.batch();
    loop {
        let (job, group) = match retry.pop_front() {
            Some(entry) => entry,
            None => match shared.work.next(batch) {
                Some(job) => (job, None),
                None => break,
            },
        };
        let result = run_job(shared, &mut worker, &job);
        let count = job_len(&job);
        {
            let mut s = lock(&shared.summary);
            s.inputs += u64::from(result.done);
            s.timeouts += u64::from(result.timeouts);
        }
        for (index, reason) in &result.failures {
            record(shared, &job, *index, reason);
        }
        if result.done < count && result.death.is_none() {
            // The worker stopped early (to restart): the rest goes again.
            if let Request::Iterations { first, .. } = job {
                retry.push_front((
                    Request::Iterations {
                        first: first + u64::from(result.done),
                        count: count - result.done,
                    },
                    None,
                ));
            }
        }
        if let Some(reason) = result.death {
            let unconfirmed = count - result.done;
            if let Some(g) = group {
                groups[g].reproduced = true;
            }
            if unconfirmed <= 1 {
                lock(&shared.summary).inputs += 1;
                record(shared, &job, result.done, &reason);
            } else if let Request::Iterations { first, .. } = job {
                let g = groups.len();
                groups.push(Suspects {
                    reason,
                    first: single(first + u64::from(result.done)),
                    remaining: unconfirmed as usize,
                    reproduced: false,
                });
                for i in result.done..count {
                    retry.push_back((single(first + u64::from(i)), Some(g)));
                }
                continue;
            }
        }
        if let Some(g) = group {
            let suspects = &mut groups[g];
            suspects.remaining -= 1;
            if suspects.remaining == 0 && !suspects.reproduced {
                let reason = format!(
                    "{} (not reproduced alone: the input ran after others in one worker)",
                    suspects.reason
                );
                let first = suspects.first.clone();
                record(shared, &first, 0, &reason);
            }
        }
    }
    if let Some(w) = worker.take() {
        w.finish();
    }
}

fn single(iteration: u64) -> Request {
    Request::Iterations {
        first: iteration,
        count: 1,
    }
}

fn job_len(job: &Request) -> u32 {
    match job {
        Request::Iterations { count, .. } => *count,
        Request::Input(_) => 1,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Saves a failure (up to `keep` files per class) and counts it.
fn record(shared: &Shared<'_>, job: &Request, index: u32, reason: &str) {
    let settings = &shared.ctx.settings;
    let (iteration, input) = match job {
        Request::Iterations { first, .. } => {
            let i = first + u64::from(index);
            (Some(i), shared.ctx.generate(i))
        }
        Request::Input(data) => (None, data.clone()),
    };
    let class = signature(reason);
    let mut s = lock(&shared.summary);
    s.failures += 1;
    if iteration.is_none() {
        s.by_input.push((input.clone(), reason.to_string()));
    }
    let seen = s.classes.get(&class).map_or(0, |c| c.count);
    let mut path = None;
    if seen < shared.opts.keep as u64 {
        let failure = Failure {
            target: settings.target,
            seed: settings.seed,
            iteration,
            reason: reason.to_string(),
            input,
        };
        match failure.save(&shared.opts.out) {
            Ok(p) => path = Some(p),
            Err(e) => eprintln!(
                "cannot save a failure in {}: {e}",
                shared.opts.out.display()
            ),
        }
    }
    if shared.opts.verbose {
        let shown = path
            .as_ref()
            .map_or_else(|| "(not saved)".to_string(), |p| p.display().to_string());
        println!("failure: {shown}: {reason}");
    }
    let entry = s.classes.entry(class).or_insert_with(|| Class {
        count: 0,
        reason: reason.to_string(),
        example: None,
    });
    entry.count += 1;
    if entry.example.is_none() {
        entry.example = path;
    }
}

/// How a job went.
struct JobResult {
    /// Inputs confirmed finished.
    done: u32,
    failures: Vec<(u32, String)>,
    timeouts: u32,
    /// The worker died or hung with input `done` unconfirmed.
    death: Option<String>,
}

fn run_job(shared: &Shared<'_>, slot: &mut Option<Worker>, job: &Request) -> JobResult {
    let mut result = JobResult {
        done: 0,
        failures: Vec::new(),
        timeouts: 0,
        death: None,
    };
    if slot.is_none() {
        match Worker::spawn(shared) {
            Ok(w) => *slot = Some(w),
            Err(e) => {
                result.death = Some(format!("cannot start a worker: {e}"));
                return result;
            }
        }
    }
    let Some(worker) = slot.as_mut() else {
        return result;
    };
    if job.write(&mut worker.to).is_err() {
        result.death = Some(worker.death_reason());
        *slot = None;
        return result;
    }
    loop {
        match worker.replies.recv_timeout(shared.opts.hang) {
            Ok(Some(Reply::Progress { done })) => result.done = done,
            Ok(Some(Reply::Failure { index, reason })) => result.failures.push((index, reason)),
            Ok(Some(Reply::Timeout { .. })) => result.timeouts += 1,
            Ok(Some(Reply::JobDone { recycle })) => {
                if recycle {
                    if let Some(w) = slot.take() {
                        w.finish();
                    }
                }
                return result;
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                result.death = Some(format!(
                    "hang: no progress for {}s (killed)",
                    shared.opts.hang.as_secs()
                ));
                *slot = None;
                return result;
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                result.death = Some(worker.death_reason());
                *slot = None;
                return result;
            }
        }
    }
}

/// A worker process and its channels.
struct Worker {
    child: Child,
    to: UnixStream,
    replies: Receiver<Option<Reply>>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
}

/// Bytes of a worker's stderr kept for the death reason.
const TAIL: usize = 16 * 1024;

impl Worker {
    fn spawn(shared: &Shared<'_>) -> Result<Worker, String> {
        let n = shared.spawned.fetch_add(1, Ordering::SeqCst);
        let socket = shared.run_dir.join(format!("w{n}.sock"));
        let listener = UnixListener::bind(&socket)
            .map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
        let mut child = Command::new(exe)
            .arg("--worker")
            .arg(&socket)
            .arg("--scratch")
            .arg(shared.run_dir.join(format!("scratch{n}")))
            .args(&shared.opts.worker_args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        let stream = accept(&listener, &mut child)?;
        let _ = std::fs::remove_file(&socket);
        let mut from = stream.try_clone().map_err(|e| e.to_string())?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || loop {
            match Reply::read(&mut from) {
                Ok(Some(reply)) => {
                    if tx.send(Some(reply)).is_err() {
                        break;
                    }
                }
                _ => {
                    let _ = tx.send(None);
                    break;
                }
            }
        });
        let tail = Arc::new(Mutex::new(Vec::new()));
        if let Some(mut stderr) = child.stderr.take() {
            let tail = tail.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut t = lock(&tail);
                    t.extend_from_slice(&buf[..n]);
                    if t.len() > TAIL {
                        let cut = t.len() - TAIL;
                        t.drain(..cut);
                    }
                }
            });
        }
        Ok(Worker {
            child,
            to: stream,
            replies: rx,
            stderr_tail: tail,
        })
    }

    /// Why the worker went away: its signal or exit status and the most
    /// telling line it printed.
    fn death_reason(&mut self) -> String {
        let status = self.child.wait();
        // Let the stderr reader drain what the runtime printed last.
        std::thread::sleep(Duration::from_millis(50));
        let tail = String::from_utf8_lossy(&lock(&self.stderr_tail)).into_owned();
        let words = last_words(&tail);
        let how = match status {
            Ok(s) => match s.signal() {
                Some(sig) => format!("killed by {}", signal_name(sig)),
                None => format!("worker exited with status {}", s.code().unwrap_or(-1)),
            },
            Err(e) => format!("worker lost: {e}"),
        };
        let kind = if words.contains("memory allocation of") {
            "memory cap exceeded without MemoryError"
        } else if words.contains("overflowed its stack") || words.contains("stack overflow") {
            "stack overflow"
        } else {
            "abort"
        };
        if words.is_empty() {
            format!("{kind}: {how}")
        } else {
            format!("{kind}: {how}: {words}")
        }
    }

    /// Closes the connection and waits for the worker to exit.
    fn finish(mut self) {
        let _ = self.to.shutdown(std::net::Shutdown::Both);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn accept(listener: &UnixListener, child: &mut Child) -> Result<UnixStream, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).map_err(|e| e.to_string())?;
                return Ok(stream);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(format!("accept failed: {e}")),
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                let _ = s.read_to_string(&mut err);
            }
            return Err(format!("worker exited at start ({status}): {}", err.trim()));
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err("worker did not connect".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The line of a dying process's stderr that says most.
fn last_words(tail: &str) -> String {
    let lines: Vec<&str> = tail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let telling = [
        "memory allocation of",
        "overflowed its stack",
        "fatal runtime error",
        "panicked",
        "error",
    ];
    let line = telling
        .iter()
        .find_map(|word| lines.iter().rev().find(|l| l.contains(word)))
        .or(lines.last())
        .copied()
        .unwrap_or("");
    line.chars().take(300).collect()
}

fn signal_name(sig: i32) -> String {
    match sig {
        4 => "SIGILL".into(),
        6 => "SIGABRT".into(),
        7 => "SIGBUS".into(),
        9 => "SIGKILL".into(),
        11 => "SIGSEGV".into(),
        n => format!("signal {n}"),
    }
}

/// Counts per target, for the closing lines.
pub fn describe(target: Target, summary: &Summary, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    format!(
        "{}: {} inputs in {:.1}s ({:.0}/s), {} timeouts, {} failure classes",
        target.name(),
        summary.inputs,
        secs,
        summary.inputs as f64 / secs,
        summary.timeouts,
        summary.classes.len()
    )
}
