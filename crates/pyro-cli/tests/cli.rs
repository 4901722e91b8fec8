//! The `pyro` command line itself, in the forms a golden test (always
//! `pyro SUBCOMMAND FILE`) cannot express: a program on standard input
//! (`pyro run -`), a file run without `run` (`pyro FILE.pyro`), the same
//! diagnostic for a missing file under every subcommand, and bad values of
//! numeric options, which are Pyro's usage errors (status 2), not clap's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of `pyro` did.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `pyro ARGS` in `dir` with `stdin` as its standard input.
fn pyro(dir: &Path, args: &[&str], stdin: impl AsRef<[u8]>, env: &[(&str, &str)]) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pyro"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PYRO_WORKER_THREADS")
        .env_remove("PYRO_MAX_TASKS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("pyro starts");
    let mut input = child.stdin.take().expect("stdin pipe");
    let bytes = stdin.as_ref().to_vec();
    // A program that never reads its input must not block the writer.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("pyro ends");
    let _ = writer.join();
    let outcome = Outcome {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for text in [&outcome.stdout, &outcome.stderr] {
        assert!(!text.contains("panicked"), "{args:?}: {text}");
    }
    outcome
}

/// A fresh folder for one test, holding `files`.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test folder");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("test file");
    }
    dir
}

const ARGS_PROGRAM: &str = "import std.env\nprint(env.args())\nprint(div(7, 2))\n";

#[test]
fn run_dash_reads_the_program_from_stdin() {
    let dir = folder(
        "stdin",
        &[("_helper.pyro", "def twice(x):\n    return 2 * x\n")],
    );
    let out = pyro(&dir, &["run", "-", "a", "b"], ARGS_PROGRAM, &[]);
    assert_eq!(
        (out.status, out.stdout.as_str(), out.stderr.as_str()),
        (0, "[\"-\", \"a\", \"b\"]\n3\n", "")
    );
    // Imports resolve from the current folder.
    let out = pyro(
        &dir,
        &["run", "-"],
        "import _helper\nprint(_helper.twice(21))\n",
        &[],
    );
    assert_eq!((out.status, out.stdout.as_str()), (0, "42\n"), "{out:?}");
    // `--check` and the run read the program once, together.
    let out = pyro(&dir, &["run", "--check", "-"], "print(\"checked\")\n", &[]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (0, "checked\n"),
        "{out:?}"
    );
}

#[test]
fn a_program_on_stdin_is_named_stdin_in_diagnostics() {
    let dir = folder("stdin_names", &[]);
    let syntax = pyro(&dir, &["run", "-"], "let x = 1\nprint(x +)\n", &[]);
    assert_eq!(syntax.status, 1);
    assert!(
        syntax.stderr.contains("[<stdin>:2:10]"),
        "{}",
        syntax.stderr
    );
    let raised = pyro(
        &dir,
        &["run", "-"],
        "def f():\n    raise ValueError(\"bad\")\nf()\n",
        &[],
    );
    assert_eq!(raised.status, 1);
    assert!(
        raised.stderr.contains("ValueError: bad"),
        "{}",
        raised.stderr
    );
    assert!(
        raised.stderr.contains("f at <stdin>:2:5"),
        "{}",
        raised.stderr
    );
    let checked = pyro(&dir, &["run", "--check", "-"], "let s: string = 1\n", &[]);
    assert_eq!(checked.status, 1);
    assert!(
        checked.stderr.contains("[<stdin>:1:17]"),
        "{}",
        checked.stderr
    );
    assert!(checked.stderr.contains("not running"), "{}", checked.stderr);
    let bytes = pyro(&dir, &["run", "-"], b"print(1)\n\xff\n", &[]);
    assert_eq!(bytes.status, 1);
    assert!(
        bytes
            .stderr
            .contains("`<stdin>` is not valid UTF-8: invalid byte 0xFF at line 2, column 1"),
        "{}",
        bytes.stderr
    );
}

#[test]
fn a_file_runs_without_the_run_subcommand() {
    let dir = folder(
        "implicit_run",
        &[("args.pyro", ARGS_PROGRAM), ("script", ARGS_PROGRAM)],
    );
    let explicit = pyro(&dir, &["run", "args.pyro", "x", "--workers", "-1"], "", &[]);
    assert_eq!(explicit.status, 0, "{explicit:?}");
    assert_eq!(
        explicit.stdout, "[\"args.pyro\", \"x\", \"--workers\", \"-1\"]\n3\n",
        "options after the file are the program's"
    );
    let implicit = pyro(&dir, &["args.pyro", "x", "--workers", "-1"], "", &[]);
    assert_eq!(implicit, explicit);
    // An existing file runs whatever its name ends in.
    let script = pyro(&dir, &["script"], "", &[]);
    assert_eq!(
        (script.status, script.stdout.as_str()),
        (0, "[\"script\"]\n3\n")
    );
    // A subcommand's name is the subcommand, even when a file has it.
    std::fs::write(dir.join("check"), ARGS_PROGRAM).expect("test file");
    let check = pyro(&dir, &["check", "args.pyro"], "", &[]);
    assert_eq!((check.status, check.stdout.as_str()), (0, ""), "{check:?}");
    // Not a file, not a subcommand: clap's usage error.
    let unknown = pyro(&dir, &["nosuch"], "", &[]);
    assert_eq!(unknown.status, 2);
    assert!(
        unknown.stderr.contains("unrecognized subcommand"),
        "{unknown:?}"
    );
}

#[test]
fn a_missing_file_reads_the_same_under_every_subcommand() {
    let dir = folder("missing", &[]);
    let check = pyro(&dir, &["check", "nope.pyro"], "", &[]);
    assert_eq!(check.status, 1);
    let (diagnostic, summary) = check.stderr.split_once("found ").expect("a summary line");
    assert_eq!(summary, "1 error in 1 file\n");
    assert!(diagnostic.contains("E0900"), "{diagnostic}");
    assert!(
        diagnostic.contains("cannot read `nope.pyro`: no such file"),
        "{diagnostic}"
    );
    assert!(diagnostic.contains("help:"), "{diagnostic}");
    for args in [
        &["run", "nope.pyro"][..],
        &["nope.pyro"],
        &["run", "--check", "nope.pyro"],
        &["dis", "nope.pyro"],
        &["ast", "nope.pyro"],
        &["tokens", "nope.pyro"],
    ] {
        let out = pyro(&dir, args, "", &[]);
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (1, "", diagnostic),
            "{args:?}"
        );
    }
}

#[test]
fn bad_numeric_options_are_usage_errors_with_a_hint() {
    let dir = folder("options", &[("ok.pyro", "print(\"ran\")\n")]);
    for value in [
        "-1",
        "0",
        "1025",
        "x",
        "2.5",
        "-",
        "--check",
        "",
        " ",
        "99999999999999999999",
    ] {
        let out = pyro(&dir, &["run", "--workers", value, "ok.pyro"], "", &[]);
        assert_eq!(out.status, 2, "--workers {value:?}: {out:?}");
        assert_eq!(out.stdout, "", "--workers {value:?}");
        assert!(
            out.stderr.contains("E0903")
                && out.stderr.contains("invalid worker thread count")
                && out.stderr.contains(
                    "help: use a whole number of threads from 1 to 1024, e.g. --workers 4"
                ),
            "--workers {value:?}: {}",
            out.stderr
        );
        // `--workers=VALUE` is the same option.
        let joined = format!("--workers={value}");
        let same = pyro(&dir, &["run", &joined, "ok.pyro"], "", &[]);
        assert_eq!(same, out, "{joined:?}");
    }
    let env = pyro(
        &dir,
        &["run", "ok.pyro"],
        "",
        &[("PYRO_WORKER_THREADS", "-1")],
    );
    assert_eq!(env.status, 2);
    assert!(
        env.stderr.contains("e.g. PYRO_WORKER_THREADS=4"),
        "{}",
        env.stderr
    );
    let tasks = pyro(&dir, &["run", "ok.pyro"], "", &[("PYRO_MAX_TASKS", "-1")]);
    assert_eq!(tasks.status, 2);
    assert!(tasks.stderr.contains("E0905"), "{}", tasks.stderr);
    // A good value runs, in either spelling.
    for args in [
        &["run", "--workers", "2", "ok.pyro"][..],
        &["run", "--workers=1", "ok.pyro"],
    ] {
        let out = pyro(&dir, args, "", &[]);
        assert_eq!((out.status, out.stdout.as_str()), (0, "ran\n"), "{args:?}");
    }
}

#[test]
fn warnings_do_not_stop_a_checked_run() {
    let dir = folder(
        "warnings",
        &[("half.pyro", "let n = 7\nlet half = n // 2\nprint(half)\n")],
    );
    let check = pyro(&dir, &["check", "half.pyro"], "", &[]);
    assert_eq!(check.status, 0);
    assert!(check.stderr.contains("W0300"), "{}", check.stderr);
    assert!(
        check.stderr.ends_with("found 1 warning in 1 file\n"),
        "{}",
        check.stderr
    );
    let short = pyro(&dir, &["check", "--format", "short", "half.pyro"], "", &[]);
    assert_eq!(short.status, 0);
    assert!(
        short.stdout.starts_with("half.pyro:2:14: warning[W0300]: "),
        "{}",
        short.stdout
    );
    let run = pyro(&dir, &["run", "--check", "half.pyro"], "", &[]);
    assert_eq!((run.status, run.stdout.as_str()), (0, "7\n"));
    assert!(run.stderr.contains("W0300"), "{}", run.stderr);
}
