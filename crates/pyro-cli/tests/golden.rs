//! Golden tests: every `.pyro` file under the repository's `tests/` folder is
//! one test that runs the real `pyro` binary and compares what it printed
//! with the files beside it. See `tests/README.md` for the layout.
//!
//! `PYRO_BLESS=1 cargo test -p pyro-cli --test golden` rewrites the expected
//! files that differ (and only those), for a reviewer to read in the diff.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};

mod support;

/// Which subcommand a folder's tests run, and what they expect by default.
struct Suite {
    dir: &'static str,
    subcommand: &'static str,
    /// Extension of the expected stdout file.
    stdout_ext: &'static str,
    default_status: i32,
}

const SUITES: &[Suite] = &[
    Suite {
        dir: "syntax/ok",
        subcommand: "ast",
        stdout_ext: "ast",
        default_status: 0,
    },
    Suite {
        dir: "syntax/err",
        subcommand: "check",
        stdout_ext: "stdout",
        default_status: 1,
    },
    Suite {
        dir: "run",
        subcommand: "run",
        stdout_ext: "stdout",
        default_status: 0,
    },
    Suite {
        dir: "conc",
        subcommand: "run",
        stdout_ext: "stdout",
        default_status: 0,
    },
    Suite {
        dir: "check/ok",
        subcommand: "check",
        stdout_ext: "stdout",
        default_status: 0,
    },
    Suite {
        dir: "check/err",
        subcommand: "check",
        stdout_ext: "stdout",
        default_status: 1,
    },
    Suite {
        dir: "check/warn",
        subcommand: "check",
        stdout_ext: "stdout",
        default_status: 0,
    },
];

/// Directives a test may give in `# test: ...` comment lines at its top.
#[derive(Default)]
struct Directives {
    /// Compare stdout as a sorted multiset of lines (nondeterministic order).
    sort_stdout: bool,
    /// Extra arguments after the file name.
    args: Vec<String>,
    /// Extra environment variables.
    env: Vec<(String, String)>,
    timeout: Option<u64>,
}

fn directives(source: &str) -> Directives {
    let mut d = Directives::default();
    for line in source
        .lines()
        .take_while(|l| l.starts_with('#') || l.starts_with("//") || l.trim().is_empty())
    {
        let Some(rest) = line
            .trim_start_matches(['#', '/'])
            .trim()
            .strip_prefix("test:")
        else {
            continue;
        };
        let mut words = rest.split_whitespace();
        match words.next() {
            Some("sort-stdout") => d.sort_stdout = true,
            Some("args") => d.args = words.map(str::to_string).collect(),
            Some("env") => {
                for pair in words {
                    if let Some((k, v)) = pair.split_once('=') {
                        d.env.push((k.to_string(), v.to_string()));
                    }
                }
            }
            Some("timeout") => d.timeout = words.next().and_then(|w| w.parse().ok()),
            _ => {}
        }
    }
    d
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut trials = Vec::new();
    for suite in SUITES {
        let dir = root.join(suite.dir);
        let mut files = Vec::new();
        collect(&dir, &mut files);
        for file in files {
            let name = format!(
                "{}/{}",
                suite.dir,
                file.strip_prefix(&dir).unwrap_or(&file).display()
            );
            trials.push(Trial::test(name, move || run_case(suite, &file)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Every `.pyro` file below `dir`, except helpers whose name starts with `_`
/// and anything inside a folder whose name starts with `_`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('_'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "pyro") {
            out.push(path);
        }
    }
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: i32,
}

fn run_case(suite: &Suite, file: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(file).unwrap_or_default();
    let d = directives(&source);
    let outcome = execute(suite.subcommand, file, &d)?;
    let bless = std::env::var_os("PYRO_BLESS").is_some_and(|v| v != "0");
    let mut problems = Vec::new();

    let mut stdout = outcome.stdout;
    if d.sort_stdout {
        stdout = sorted_lines(&stdout);
    }
    check_file(
        &file.with_extension(suite.stdout_ext),
        &stdout,
        bless,
        d.sort_stdout,
        &mut problems,
    );
    check_file(
        &file.with_extension("stderr"),
        &outcome.stderr,
        bless,
        false,
        &mut problems,
    );
    let status_path = file.with_extension("status");
    let expected_status = std::fs::read_to_string(&status_path)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(suite.default_status);
    if outcome.status != expected_status {
        if bless {
            if outcome.status == suite.default_status {
                let _ = std::fs::remove_file(&status_path);
            } else {
                let _ = std::fs::write(&status_path, format!("{}\n", outcome.status));
            }
        } else {
            problems.push(format!(
                "exit status: expected {expected_status}, got {}",
                outcome.status
            ));
        }
    }
    for text in [&stdout, &outcome.stderr] {
        if text.contains("panicked at") || text.contains("RUST_BACKTRACE") {
            problems.push("output contains a Rust panic".to_string());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n\n").into())
    }
}

/// Compares `actual` with the file at `path` (a missing file means "empty").
fn check_file(path: &Path, actual: &str, bless: bool, sort: bool, problems: &mut Vec<String>) {
    let existing = std::fs::read_to_string(path).ok();
    let mut expected = existing.clone().unwrap_or_default();
    if sort {
        expected = sorted_lines(&expected);
    }
    if expected == actual {
        return;
    }
    if bless {
        // Never let a bless wipe out a hand-written expectation: a program
        // that printed nothing at all is far more likely broken than right.
        if actual.is_empty()
            && existing.as_deref().is_some_and(|e| !e.is_empty())
            && path.extension().is_some_and(|e| e == "stdout")
        {
            problems.push(format!("{} not blessed: the program printed nothing; delete the file by hand if that is right", path.display()));
            return;
        }
        if actual.is_empty() {
            let _ = std::fs::remove_file(path);
        } else if !sort || existing.is_none() {
            let _ = std::fs::write(path, actual);
        }
        return;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    problems.push(format!(
        "{name} differs (- expected, + actual):\n{}",
        diff(&expected, actual)
    ));
}

fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn execute(subcommand: &str, file: &Path, d: &Directives) -> Result<Outcome, Failed> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or_default();
    let mut command = Command::new(env!("CARGO_BIN_EXE_pyro"));
    command
        .arg(subcommand)
        .arg(name)
        .args(&d.args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PYRO_WORKER_THREADS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &d.env {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start pyro: {e}"))?;
    let mut out_pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let mut err_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let limit = Duration::from_secs(d.timeout.unwrap_or(30));
    let Some(status) = support::wait_for(&mut child, limit).map_err(|e| e.to_string())? else {
        return Err(format!("timed out after {}s (a hang is a bug)", limit.as_secs()).into());
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Ok(Outcome {
        stdout,
        stderr,
        status: status.code().unwrap_or(-1),
    })
}

/// A small line diff (longest common subsequence), enough to read a failure.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    if a.len() * b.len() > 4_000_000 {
        return format!("--- expected\n{expected}\n+++ actual\n{actual}");
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}
