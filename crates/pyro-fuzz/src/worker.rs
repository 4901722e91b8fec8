//! The worker process (`pyro-fuzz --worker SOCKET ...`): it runs many inputs
//! in-process, each under `catch_unwind`, with a panic hook that records
//! every panic (on any thread, caught or not), inside an address-space
//! limit. It answers over the socket; if an input kills it (a stack
//! overflow, an allocation failure), the driver notices and restarts it.

use std::io::{BufReader, BufWriter};
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::protocol::{Reply, Request};
use crate::targets::{Context, Outcome};

/// Panics seen since the current input started.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records panics instead of printing them.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(non-string payload)".to_string()
        };
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        if let Ok(mut panics) = PANICS.lock() {
            panics.push(format!("thread '{name}' panicked: {message}{place}"));
        }
    }));
}

/// Runs one input, turning panics into failures.
pub fn run_one(ctx: &mut Context, input: &[u8]) -> Outcome {
    if let Ok(mut p) = PANICS.lock() {
        p.clear();
    }
    let result = catch_unwind(AssertUnwindSafe(|| ctx.execute(input)));
    let panics = PANICS
        .lock()
        .map(|mut p| std::mem::take(&mut *p))
        .unwrap_or_default();
    match (panics.first(), result) {
        (Some(first), _) => Outcome::Fail(format!("panic: {first}")),
        (None, Err(_)) => Outcome::Fail("panic: (no message)".into()),
        (None, Ok(outcome)) => outcome,
    }
}

/// The address space in use, from `/proc/self/status`.
fn address_space() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Limits the address space (a safe wrapper over `setrlimit`).
pub fn limit_memory(bytes: u64) -> Result<(), String> {
    rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)
        .map_err(|e| format!("cannot limit memory: {e}"))
}

pub fn main(
    socket: &Path,
    ctx: &mut Context,
    memory_cap: u64,
    scratch: PathBuf,
) -> Result<(), String> {
    install_panic_hook();
    // Programs write files relative to the working directory: keep them in
    // a scratch folder of this worker.
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let stream = UnixStream::connect(socket)
        .map_err(|e| format!("cannot connect to {}: {e}", socket.display()))?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = BufWriter::new(stream);
    limit_memory(memory_cap)?;
    let send = |writer: &mut BufWriter<UnixStream>, reply: Reply| {
        reply
            .write(writer)
            .map_err(|e| format!("driver went away: {e}"))
    };
    let per_input = ctx.settings.target.runs_programs();
    while let Some(request) = Request::read(&mut reader).map_err(|e| e.to_string())? {
        let (first, count, input) = match request {
            Request::Iterations { first, count } => (first, count, None),
            Request::Input(data) => (0, 1, Some(data)),
        };
        let mut last_report = Instant::now();
        let mut done = 0;
        let mut stop_early = false;
        for index in 0..count {
            let _ = std::env::set_current_dir(&scratch);
            let data = match &input {
                Some(data) => data.clone(),
                None => ctx.generate(first + u64::from(index)),
            };
            let outcome = run_one(ctx, &data);
            done = index + 1;
            match outcome {
                Outcome::Pass => {}
                Outcome::Timeout => send(&mut writer, Reply::Timeout { index })?,
                Outcome::Fail(reason) => {
                    // A stuck thread keeps burning a core: start afresh.
                    stop_early = reason.starts_with("hang: ") && reason.contains("runtime thread");
                    send(&mut writer, Reply::Failure { index, reason })?;
                }
            }
            if stop_early {
                break;
            }
            // Programs take milliseconds: confirming each one costs nothing
            // and spares re-running a job when one of them kills the worker.
            if per_input || last_report.elapsed() > Duration::from_millis(20) {
                send(&mut writer, Reply::Progress { done })?;
                last_report = Instant::now();
            }
        }
        send(&mut writer, Reply::Progress { done })?;
        let grown = address_space().is_some_and(|used| used > memory_cap / 10 * 6);
        let recycle = stop_early || grown;
        send(&mut writer, Reply::JobDone { recycle })?;
        if recycle {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
