//! A persistent CPython process for the `differential` target: it `exec`s
//! each program with stdout redirected into a buffer and reports how the
//! program ended, so a program costs one exec, not one interpreter start.
//!
//! The interpreter is the real one behind `python3` (`sys.executable`):
//! a `python3` on PATH may be a slow wrapper script (pyenv's shims).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// The driver run inside CPython: read `len\n` + program, reply
/// `len\n` + `status\n` + output.
const DRIVER: &str = r#"
import io, resource, signal, sys
# A program whose data grows without bound gets a MemoryError, as under the
# worker's cap, instead of a single C-level operation on gigabytes that no
# alarm interrupts.
_cap = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (_cap, _cap))
def _alarm(signum, frame):
    raise TimeoutError("deadline")
signal.signal(signal.SIGALRM, _alarm)
sys.setrecursionlimit(20000)
inp, out = sys.stdin.buffer, sys.stdout.buffer
real_stdout = sys.stdout
while True:
    line = inp.readline()
    if not line:
        break
    limit, n = line.split()
    src = inp.read(int(n)).decode("utf-8", "replace")
    buf = io.StringIO()
    sys.stdout = buf
    status = "ok"
    signal.setitimer(signal.ITIMER_REAL, float(limit))
    try:
        exec(compile(src, "<differential>", "exec"), {"__name__": "__main__"})
    except TimeoutError:
        status = "timeout"
    except BaseException as e:
        status = "error " + type(e).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout = real_stdout
    data = (status + "\n" + buf.getvalue()).encode("utf-8", "replace")
    out.write(b"%d\n" % len(data))
    out.write(data)
    out.flush()
"#;

/// The address space CPython may use, in bytes (the default cap of a
/// worker: see `--memory-mib`).
const PYTHON_MEMORY: u64 = 3 << 30;

pub enum PythonEnd {
    Ok,
    /// An uncaught exception of this class.
    Error(String),
    Timeout,
}

pub struct PythonOutput {
    pub end: PythonEnd,
    pub stdout: String,
}

pub struct Python {
    executable: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// The interpreter `python3` really runs.
fn find_interpreter() -> Result<String, String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if path.is_empty() {
        return Err("python3 did not name its executable".into());
    }
    Ok(path)
}

impl Python {
    pub fn start(executable: Option<&str>) -> Result<Python, String> {
        let executable = match executable {
            Some(path) => path.to_string(),
            None => find_interpreter()?,
        };
        let mut child = Command::new(&executable)
            .args(["-u", "-c", DRIVER, &PYTHON_MEMORY.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {executable}: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("python has no pipes".into());
        };
        Ok(Python {
            executable,
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// Runs one program; the interpreter is restarted if it died.
    pub fn run(&mut self, source: &str, limit: Duration) -> Result<PythonOutput, String> {
        match self.exchange(source, limit) {
            Ok(out) => Ok(out),
            Err(_) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                *self = Python::start(Some(&self.executable.clone()))?;
                self.exchange(source, limit).map_err(|e| e.to_string())
            }
        }
    }

    fn exchange(&mut self, source: &str, limit: Duration) -> std::io::Result<PythonOutput> {
        writeln!(self.stdin, "{} {}", limit.as_secs_f64(), source.len())?;
        self.stdin.write_all(source.as_bytes())?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let n: usize = line
            .trim()
            .parse()
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad length"))?;
        let mut data = vec![0u8; n];
        self.stdout.read_exact(&mut data)?;
        let text = String::from_utf8_lossy(&data).into_owned();
        let (status, stdout) = text.split_once('\n').unwrap_or((&text, ""));
        let end = match status {
            "ok" => PythonEnd::Ok,
            "timeout" => PythonEnd::Timeout,
            other => PythonEnd::Error(other.trim_start_matches("error ").to_string()),
        };
        Ok(PythonOutput {
            end,
            stdout: stdout.to_string(),
        })
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
