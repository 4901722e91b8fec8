//! Inputs at and past the front end's limits, generated because they are too
//! big to commit: nesting of every kind at the limit (it works) and far past
//! it (one E0040 per statement), elif chains, long flat code, a flood of
//! syntax errors, long lines, closed pipes, files that are not UTF-8. Each
//! runs the real `pyro` binary of this (debug) build within seconds. The
//! timing checks compare two input sizes, so they catch work that grows
//! faster than the input without depending on the machine's speed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A scratch folder, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("pyro-limits-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    fn file(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write the input");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `pyro COMMAND FILE`; returns its output and how long it took.
fn pyro(command: &[&str], file: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .args(command)
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .expect("pyro runs");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for bad in ["panicked", "overflowed", "RUST_BACKTRACE"] {
        assert!(
            !stderr.contains(bad),
            "`pyro {command:?}` printed {bad:?}:\n{}",
            clip(&stderr)
        );
    }
    (out, took)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The start of a long text, for an assertion message.
fn clip(text: &str) -> &str {
    let end = text.char_indices().nth(3000).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// `(before, after)` around `inner`, `n` times.
fn nest(before: &str, after: &str, n: usize, inner: &str) -> String {
    format!("{}{inner}{}", before.repeat(n), after.repeat(n))
}

/// `n` nested functions, each returning what the one inside it returns.
fn nested_defs(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s += &format!("{}def f{i}():\n", " ".repeat(i));
    }
    s += &format!("{}return 1\n", " ".repeat(n));
    for i in (0..n - 1).rev() {
        s += &format!("{}return f{}()\n", " ".repeat(i + 1), i + 1);
    }
    s
}

fn elif_chain(n: usize, pick: usize) -> String {
    let mut s = format!("let x = {pick}\nif x == 0:\n    print(0)\n");
    for i in 1..n {
        s += &format!("elif x == {i}:\n    print({i})\n");
    }
    s + "else:\n    print(\"none\")\n"
}

/// Asserts that `large` (of an input `factor` times bigger) took less than
/// twice what linear growth allows, plus slack for a busy machine.
fn assert_near_linear(what: &str, small: Duration, large: Duration, factor: u32) {
    let bound = small * factor * 2 + Duration::from_millis(1500);
    assert!(
        large < bound,
        "{what}: {small:?} for the small input, {large:?} for one {factor}x larger (bound {bound:?})"
    );
}

const MAX: usize = 1000;

#[test]
fn nesting_at_the_limit_works_in_every_command() {
    let dir = Scratch::new("at-limit");
    let fstring = nest("f\"{", "}\"", MAX, "1");
    let program = [
        format!("let sum = {}\n", vec!["1"; MAX + 1].join(" + ")),
        format!("let parens = {}\n", nest("(", ")", MAX, "2")),
        format!("let lists = {}\n", nest("[", "]", MAX, "3")),
        format!("let neg = {}4\n", "- ".repeat(MAX)),
        format!("let nots = {}true\n", "not ".repeat(MAX)),
        format!("let lambdas = {}5\n", "lambda: ".repeat(MAX)),
        format!("let calls = lambdas{}\n", "()".repeat(MAX)),
        format!("let fs = {fstring}\n"),
        format!("let opt: int{} = 6\n", "?".repeat(MAX)),
        format!("let typed: {} = []\n", nest("list<", ">", MAX - 1, "int")),
        format!(
            "match lists:\n    case {}:\n        print(\"pattern\", x)\n",
            nest("[", "]", MAX - 1, "x")
        ),
        nested_defs(MAX),
        "print(sum, parens, len(lists), neg, nots, calls, fs, opt, typed, f0())\n".to_string(),
    ]
    .concat();
    let file = dir.file("at_limit.pyro", program);
    let (out, _) = pyro(&["run"], &file);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    assert_eq!(
        stdout(&out),
        "pattern [3]\n1001 2 1 4 true 5 1 6 [] 1\n",
        "{}",
        clip(&stderr(&out))
    );
    for command in [&["check"][..], &["dis"], &["ast"], &["tokens"]] {
        let (out, _) = pyro(command, &file);
        assert!(out.status.success(), "{command:?}: {}", clip(&stderr(&out)));
    }
}

#[test]
fn nesting_past_the_limit_is_one_error_per_statement() {
    let dir = Scratch::new("past-limit");
    let n = 10_000;
    let fstring = nest("f\"{", "}\"", n, "1");
    let statements = [
        format!("a = {}\n", vec!["1"; n].join(" + ")),
        format!("a = {}\n", vec!["a"; n].join(" or ")),
        format!("a = {}\n", nest("(", ")", n, "1")),
        format!("a = {}\n", nest("[", "]", n, "1")),
        format!("a = {}\n", nest("sum(x for x in ", ")", n, "[1]")),
        format!("a = {}1\n", "- ".repeat(n)),
        format!("a = {}1\n", "not ".repeat(n)),
        format!("a = {}1\n", "lambda: ".repeat(n)),
        format!("a = {}1\n", "1 ** ".repeat(n)),
        format!("a = {}0\n", "1 if a else ".repeat(n)),
        format!("a = b{}\n", ".c".repeat(n)),
        format!("a = b{}\n", "()".repeat(n)),
        format!("a = b{}\n", "[0]".repeat(n)),
        format!("a = {fstring}\n"),
        format!("let t: int{} = 1\n", "?".repeat(n)),
        format!("let t: {} = 1\n", nest("list<", ">", n, "int")),
        format!("let t: {}int = 1\n", "() -> ".repeat(n)),
        format!(
            "match a:\n    case {}:\n        pass\n",
            nest("[", "]", n, "x")
        ),
        format!("match a:\n    case a{}:\n        pass\n", ".b".repeat(n)),
        "print(\"never runs\")\n".to_string(),
    ];
    let count = statements.len() - 1;
    let file = dir.file("past_limit.pyro", statements.concat());
    for command in ["check", "run", "ast", "dis"] {
        let (out, took) = pyro(&[command], &file);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", clip(&text));
        assert_eq!(
            text.matches("E0040").count(),
            count,
            "{command}: {}",
            clip(&text)
        );
        if command == "run" {
            assert!(!stdout(&out).contains("never runs"));
        }
        assert!(took < Duration::from_secs(60), "{command} took {took:?}");
    }
}

/// The sizes of the issue's examples that a debug build handles in seconds
/// (its two-million-term sum takes half a minute to parse here, linearly).
#[test]
fn the_issues_deep_examples_are_one_error_each() {
    let dir = Scratch::new("issue");
    let n = 100_000;
    let fstring = nest("f\"{", "}\"", n, "1");
    let statements = [
        format!("let a: int{} = 1\n", "?".repeat(n)),
        format!("let b: {} = []\n", nest("list<", ">", n, "int")),
        format!("let c = {}\n", nest("(x for x in ", ")", n, "[1]")),
        format!("let d = {fstring}\n"),
        format!("let e = {}\n", vec!["1"; 200_000].join(" + ")),
    ];
    let file = dir.file("issue.pyro", statements.concat());
    let (out, took) = pyro(&["check"], &file);
    let text = stderr(&out);
    assert_eq!(text.matches("E0040").count(), 5, "{}", clip(&text));
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

#[test]
fn deeply_nested_definitions_are_one_error() {
    // The issue's 5 000 nested `def`s (indented one space a level).
    let dir = Scratch::new("nested-defs");
    let file = dir.file("defs.pyro", nested_defs(5000) + "print(f0())\n");
    for command in ["check", "run"] {
        let (out, _) = pyro(&[command], &file);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}", clip(&text));
        assert_eq!(text.matches("E0040").count(), 1, "{}", clip(&text));
        assert!(text.contains("blocks nested too deeply"), "{}", clip(&text));
    }
}

#[test]
fn elif_chains_are_flat_in_every_command() {
    let dir = Scratch::new("elif");
    let file = dir.file("elif.pyro", elif_chain(10_000, 9_998));
    let (out, _) = pyro(&["run"], &file);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    assert_eq!(stdout(&out), "9998\n");
    let (out, _) = pyro(&["check"], &file);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    let (out, _) = pyro(&["dis"], &file);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    let (out, _) = pyro(&["ast"], &file);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    let ast = stdout(&out);
    assert_eq!(ast.matches("(elif ").count(), 9_999);
    // Flat: an elif is not indented deeper than the one before it.
    let widest = ast.lines().map(|l| l.len()).max().unwrap_or(0);
    assert!(widest < 60, "a line of {widest} characters");
}

#[test]
fn elif_chains_check_in_linear_time() {
    let dir = Scratch::new("elif-scaling");
    let small = dir.file("small.pyro", elif_chain(2_000, 1));
    let large = dir.file("large.pyro", elif_chain(8_000, 1));
    let (out, t_small) = pyro(&["check"], &small);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    let (out, t_large) = pyro(&["check"], &large);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
    assert_near_linear("check of an elif chain", t_small, t_large, 4);
}

/// The issue's 100 000-branch chain: about ten seconds per command in a
/// debug build, so it runs with `cargo test -- --ignored`.
#[test]
#[ignore]
fn elif_chain_of_100_000_branches() {
    let dir = Scratch::new("elif-100k");
    let file = dir.file("elif.pyro", elif_chain(100_000, 99_999));
    let (out, _) = pyro(&["run"], &file);
    assert_eq!(stdout(&out), "99999\n", "{}", clip(&stderr(&out)));
    for command in ["check", "dis", "ast"] {
        let (out, _) = pyro(&[command], &file);
        assert!(out.status.success(), "{command}: {}", clip(&stderr(&out)));
    }
}

#[test]
fn long_flat_inputs_work_in_linear_time() {
    let dir = Scratch::new("flat");
    let list = |n: usize| format!("let xs = [{}]\nprint(len(xs))\n", vec!["1"; n].join(", "));
    let lines = |n: usize| {
        (0..n)
            .map(|i| format!("let x{i} = {i}\n"))
            .collect::<String>()
            + "print(x0)\n"
    };
    let string = |n: usize| {
        format!(
            "let s = \"\"\"{}\"\"\"\nprint(len(s))\n",
            "line\n".repeat(n)
        )
    };
    type Make<'a> = &'a dyn Fn(usize) -> String;
    let cases: [(&str, Make, usize); 3] = [
        ("a list literal", &list, 20_000),
        ("a file of statements", &lines, 5_000),
        ("a multi-line string", &string, 100_000),
    ];
    for (what, make, n) in cases {
        let small = dir.file("small.pyro", make(n));
        let (out, t_small) = pyro(&["run"], &small);
        assert!(out.status.success(), "{what}: {}", clip(&stderr(&out)));
        let large = dir.file("large.pyro", make(4 * n));
        let (out, t_large) = pyro(&["run"], &large);
        assert!(out.status.success(), "{what}: {}", clip(&stderr(&out)));
        assert_near_linear(what, t_small, t_large, 4);
    }
}

#[test]
fn a_flood_of_syntax_errors_is_capped_and_linear() {
    let dir = Scratch::new("errors");
    let errors = |n: usize| (0..n).map(|i| format!("let = {i}\n")).collect::<String>();
    let small = dir.file("small.pyro", errors(2_500));
    let large = dir.file("large.pyro", errors(10_000));
    let (out, t_small) = pyro(&["check"], &small);
    assert_eq!(out.status.code(), Some(1));
    let (out, t_large) = pyro(&["check"], &large);
    let text = stderr(&out);
    assert_eq!(text.matches("╭─[").count(), 100, "{}", clip(&text));
    assert!(
        text.contains("… and 9900 more errors (only the first 100 of a file are shown)"),
        "{}",
        clip(&text)
    );
    assert!(
        text.ends_with("found 10000 errors in 1 file\n"),
        "{}",
        clip(&text)
    );
    assert_near_linear("pyro check of many errors", t_small, t_large, 4);
    let (out, _) = pyro(&["check", "--format", "short"], &large);
    assert_eq!(stdout(&out).lines().count(), 100);
    let (out, _) = pyro(&["run"], &large);
    assert_eq!(stderr(&out).matches("╭─[").count(), 100);
}

#[test]
fn tokens_of_a_long_line_in_linear_time() {
    let dir = Scratch::new("tokens");
    // 1.5 MB on one line, and a quarter of it.
    let line = |n: usize| format!("let x = [{}]\n", vec!["1"; n].join(", "));
    let small = dir.file("small.pyro", line(125_000));
    let large = dir.file("large.pyro", line(500_000));
    let (out, t_small) = pyro(&["tokens"], &small);
    assert!(out.status.success());
    let (out, t_large) = pyro(&["tokens"], &large);
    assert!(out.status.success());
    assert!(stdout(&out).ends_with("   1:1500009 NEWLINE\n"));
    assert_near_linear("pyro tokens of one long line", t_small, t_large, 4);
}

#[test]
fn long_source_lines_are_clipped_around_the_error() {
    let dir = Scratch::new("long-lines");
    let items = vec!["1"; 100_000].join(", ");
    // A syntax error at the end of a 300 000-character line.
    let source = format!("let xs = [{items}, $]\n");
    let column = source.find('$').expect("the error") + 1;
    let file = dir.file("syntax.pyro", &source);
    let (out, _) = pyro(&["check"], &file);
    let text = stderr(&out);
    assert!(text.len() < 3000, "{} bytes:\n{}", text.len(), clip(&text));
    assert!(text.contains(&format!("syntax.pyro:1:{column}]")), "{text}");
    assert!(
        text.contains(" 1 │ …1, 1, 1,") && text.contains("1, 1, $]\n"),
        "{text}"
    );
    // A run-time error raised on such a line: the traceback is clipped too.
    let file = dir.file(
        "runtime.pyro",
        format!("let xs = [{items}]; print(xs[1000000])\n"),
    );
    let (out, _) = pyro(&["run"], &file);
    let text = stderr(&out);
    assert!(text.contains("IndexError"), "{}", clip(&text));
    assert!(text.len() < 3000, "{} bytes:\n{}", text.len(), clip(&text));
    assert!(text.contains("…"), "{text}");
}

/// Starts `pyro ARGS`, reads a little of its output and closes the pipe.
fn close_the_pipe_early(args: &[&str], file: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .args(args)
        .arg(file)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyro starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    let status = child.wait().expect("pyro ends");
    (status.code(), stderr)
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = Scratch::new("pipes");
    let big = dir.file(
        "big.pyro",
        (0..10_000)
            .map(|i| format!("let x{i} = {i}\n"))
            .collect::<String>(),
    );
    let errors = dir.file(
        "errors.pyro",
        (0..2_000)
            .map(|i| format!("let = {i}\n"))
            .collect::<String>(),
    );
    let forever = dir.file(
        "forever.pyro",
        "mut i = 0\nwhile true:\n    print(i)\n    i += 1\n",
    );
    let cases: [(&[&str], &Path); 5] = [
        (&["tokens"], &big),
        (&["ast"], &big),
        (&["dis"], &big),
        (&["check", "--format", "json"], &errors),
        (&["run"], &forever),
    ];
    for (args, file) in cases {
        let (code, stderr) = close_the_pipe_early(args, file);
        assert_eq!(code, Some(141), "{args:?}: {}", clip(&stderr));
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {}",
            clip(&stderr)
        );
    }
}

#[test]
fn files_that_are_not_utf8_are_a_diagnostic() {
    let dir = Scratch::new("utf8");
    let file = dir.file("latin1.pyro", b"let s = \"caf\xe9\"\nprint(s)\n");
    for command in ["check", "run", "ast", "dis", "tokens"] {
        let (out, _) = pyro(&[command], &file);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(text.contains("not valid UTF-8"), "{command}: {text}");
    }
}

#[test]
fn nested_finally_blocks_compile_to_linear_code_or_an_error() {
    let dir = Scratch::new("finally");
    // Falling out of and failing in nested `try`/`finally` share one copy
    // of each finally body: 200 levels compile to code that grows linearly.
    let mut nested = String::from("def f():\n");
    for i in 0..200 {
        nested += &format!("{}try:\n", "  ".repeat(i + 1));
    }
    nested += &format!("{}x = 1\n", "  ".repeat(201));
    for i in (0..200).rev() {
        nested += &format!(
            "{}finally:\n{}x = {i}\n",
            "  ".repeat(i + 1),
            "  ".repeat(i + 2)
        );
    }
    nested += "f()\nprint(\"done\")\n";
    let file = dir.file("nested.pyro", nested);
    let (out, _) = pyro(&["run"], &file);
    assert_eq!(stdout(&out), "done\n", "{}", clip(&stderr(&out)));
    // A `return` inside each `try` of a chain of `finally` bodies needs each
    // body compiled twice per level: past its budget (in proportion to its
    // size) the module is refused, quickly, rather than compiled for hours.
    let mut doubling = String::from("def f():\n");
    for i in 0..60 {
        let pad = "  ".repeat(2 * i + 1);
        doubling += &format!("{pad}try:\n{pad}  return {i}\n{pad}finally:\n");
    }
    doubling += &format!("{}pass\nprint(f())\n", "  ".repeat(121));
    let file = dir.file("doubling.pyro", doubling);
    for command in ["run", "check", "dis"] {
        let (out, took) = pyro(&[command], &file);
        let text = stderr(&out);
        assert!(text.contains("E0110"), "{command}: {}", clip(&text));
        assert!(took < Duration::from_secs(20), "{command} took {took:?}");
    }
}

#[test]
fn a_long_chain_of_imports_checks() {
    let dir = Scratch::new("imports");
    let n = 2000;
    for i in 0..n {
        let next = if i + 1 < n {
            format!("import m{}\n", i + 1)
        } else {
            String::new()
        };
        dir.file(
            &format!("m{i}.pyro"),
            format!("{next}def f{i}() -> int:\n    return {i}\n"),
        );
    }
    let main = dir.file("main.pyro", "import m0\nprint(m0.f0())\n");
    let (out, _) = pyro(&["check"], &main);
    assert!(out.status.success(), "{}", clip(&stderr(&out)));
}

/// The library, as an embedder calls it: parse, check, compile, dump and
/// disassemble nesting at the limit on a thread with a Tokio worker's stack.
#[test]
fn the_front_end_works_on_a_small_thread_stack() {
    let program = [
        format!("let a = {}\n", vec!["1"; MAX + 1].join(" + ")),
        format!("let b = {}\n", nest("[", "]", MAX, "1")),
        format!("let c = {}1\n", "lambda: ".repeat(MAX)),
        format!("let d: {} = []\n", nest("list<", ">", MAX - 1, "int")),
        nested_defs(MAX),
    ]
    .concat();
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let map = pyro_source::SourceMap::new();
            let file = map.add("deep.pyro", program);
            let parsed = pyro_parser::parse_file(&file);
            assert!(parsed.is_ok(), "{:?}", parsed.errors);
            let _ = pyro_parser::dump::module(&parsed.module, &|_| 1);
            assert!(pyro_check::check_file(&file, None).is_empty());
            let code = pyro_compiler::compile_module(&parsed.module, "deep").expect("compiles");
            pyro_compiler::disassemble(&code, &|_| 1).len()
        })
        .expect("thread");
    assert!(worker.join().expect("no overflow") > 0);
}
