//! Programs run under an address-space cap (`ulimit -v`, through `sh`):
//! every allocation a program drives, whether one huge request or a
//! collection grown in a loop, must end in a catchable `MemoryError` — never
//! in "memory allocation of N bytes failed" (an abort) or a panic. Startup
//! limits (worker threads the system cannot give) are clean errors too.
//!
//! The golden tests (`tests/run/edges/`) cover sizes beyond the address space,
//! refused under any overcommit policy; these cover sizes that only a cap
//! refuses, which a golden file cannot set up.

use std::path::PathBuf;
use std::process::Command;

/// Runs `source` with `pyro run` under `ulimit -v <kilobytes>`; returns the
/// exit code and everything printed.
fn run_capped(name: &str, source: &str, kilobytes: u64, env: &[(&str, &str)]) -> (i32, String) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("edges");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let file = dir.join(format!("{name}.pyro"));
    std::fs::write(&file, source).expect("test program written");
    let script = format!("ulimit -v {kilobytes} && exec \"$0\" run \"$1\"",);
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_pyro"))
        .arg(&file)
        .env("NO_COLOR", "1")
        // One arena and one worker: the least memory that is not the
        // program's own, so a small cap leaves it room to grow.
        .env("MALLOC_ARENA_MAX", "1")
        .env("PYRO_WORKER_THREADS", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("sh runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for bad in ["panicked", "memory allocation of", "overflowed", "Aborted"] {
        assert!(
            !text.contains(bad),
            "{name}: `{bad}` in the output:\n{text}"
        );
    }
    (out.status.code().unwrap_or(-1), text)
}

/// Every way a program grows a collection in a loop, under a 30 MB cap:
/// each ends in a `MemoryError` the program catches, and the next starts
/// afresh (the failed step left its collection as it was, then freed).
#[test]
fn growth_in_a_loop_ends_in_memory_error() {
    let source = r#"
def push():
    let xs = ListMutable()
    while true:
        xs.push(0)

def comprehension():
    let xs = [i for i in range(10 ** 12)]

def extend():
    let xs = ListMutable()
    let chunk = [0] * 1000
    while true:
        xs.extend(chunk)

def add_in_place():
    mut xs = ListMutable()
    while true:
        xs += [0] * 100

def concat():
    mut xs = [0]
    while true:
        xs = xs + xs

def insert():
    let xs = ListMutable()
    while true:
        xs.insert(-1, 1)

def string_concat():
    mut s = "ab"
    while true:
        s = s + s

def string_add_in_place():
    mut s = ""
    while true:
        s += "abcdefghij" * 1000

def dict_items():
    let d = DictMutable()
    mut i = 0
    while true:
        d[i] = i
        i += 1

def set_add():
    let s = SetMutable()
    mut i = 0
    while true:
        s.add(i)
        i += 1

def dict_comprehension():
    let d = {i: i for i in range(10 ** 12)}

for f in [push, comprehension, extend, add_in_place, concat, insert, string_concat, string_add_in_place, dict_items, set_add, dict_comprehension]:
    try:
        f()
        print("no error?")
    except MemoryError:
        print("MemoryError")
"#;
    let (code, text) = run_capped("growth", source, 30_000, &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(text, "MemoryError\n".repeat(11), "{text}");
}

/// One request too large for the cap (but small enough for the address
/// space and an overcommitting kernel): refused at once.
#[test]
fn one_large_request_is_a_memory_error() {
    let source = r#"
def show(label: string, f):
    try:
        f()
        print(label, "no error?")
    except MemoryError:
        print(label, "MemoryError")

let n = 500000000
show("list repetition", lambda: [0] * n)
show("the issue's list", lambda: [0] * 4294967295)
show("tuple repetition", lambda: (0,) * n)
show("string repetition", lambda: "x" * n)
show("string.repeat", lambda: std.string.repeat("ab", n))
show("rjust", lambda: "x".rjust(n))
show("center", lambda: "x".center(n, "€"))
show("zfill", lambda: "-5".zfill(n))
show("format width", lambda: f"{1:>{n}}")
show("format precision", lambda: f"{1.5:.{n}f}")
show("format method", lambda: "{:^2000000000}".format("x"))
show("list of a range", lambda: list(range(n)))
show("sorted range", lambda: sorted(range(n)))
show("set of a range", lambda: set(range(n)))
show("join", lambda: ("x" * 10000000).join(["a"] * 100))
show("replace", lambda: ("x" * 100000).replace("x", "y" * 10000))
show("expandtabs", lambda: ("\t" * 1000).expandtabs(1000000))
show("json indent", lambda: std.json.stringify([[[[1]]]], n))
print("still running")
"#;
    let source = format!("import std.json\nimport std.string\n{source}");
    let (code, text) = run_capped("one_request", &source, 200_000, &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(text.matches("MemoryError").count(), 18, "{text}");
    assert!(text.ends_with("still running\n"), "{text}");
}

/// Recursion through tasks stops at the live-task limit, well inside a cap
/// that the runaway chain would otherwise exhaust.
#[test]
fn task_chain_stops_at_the_task_limit() {
    let source = r#"
def g(n: int) -> int:
    return (go g(n + 1)).join()

try:
    g(0)
except MemoryError as e:
    print("MemoryError:", e)
"#;
    let (code, text) = run_capped(
        "task_chain",
        source,
        400_000,
        &[("PYRO_MAX_TASKS", "20000")],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("MemoryError: cannot start a task: 20000 tasks are alive"),
        "{text}"
    );
}

/// Worker threads the system refuses (here: no address space for their
/// stacks) are a startup error, not a panic or a hang.
#[test]
fn refused_worker_threads_are_a_startup_error() {
    let (code, text) = run_capped(
        "workers",
        "print(\"never runs\")\n",
        400_000,
        &[("PYRO_WORKER_THREADS", "1000")],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("E0904"), "{text}");
    assert!(text.contains("cannot start the runtime"), "{text}");
    assert!(!text.contains("never runs"), "{text}");
}
