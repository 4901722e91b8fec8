//! The user documentation's examples run as written. Every page under
//! `docs/` (and the README) is read for fenced code blocks; each Pyro
//! program in them is one test, named after its page and line
//! (`docs/tour.md:42`), so a failure says where to look and
//! `cargo test -p pyro-cli --test docs -- tour.md` runs one page.
//!
//! The fences (docs/README.md explains them to writers):
//!
//! - ```` ```pyro ```` — a whole program. It must check clean (`pyro check`
//!   prints nothing and exits 0). The next fence says what it does:
//!   - ```` ```output ```` — the exact stdout of `pyro run` (exit status 0,
//!     nothing on stderr), optionally followed by ```` ```stderr ````: the
//!     exact stderr of a program that ends with an uncaught error (status 1);
//!   - ```` ```check ```` — instead: the program has errors, and this is what
//!     `pyro check --format short` prints (status 1). It is not run.
//! - ```` ```pyro file=NAME.pyro ```` — a module for the next program of the
//!   same page: written beside it (as `NAME.pyro`) and checked with it.
//! - ```` ```pyro-fragment ```` — part of a program, shown but not run.
//!
//! Each program runs as `main.pyro` in a folder of its own. Pages listed in
//! `SKIPPED` (examples of features not yet merged; none at present) are not
//! run. One more test per page checks that its relative links (and
//! their `#anchors`) lead somewhere; one that the README's embedding
//! snippet is the example that `cargo test` compiles; and one that every
//! entry of the builtin catalogue (prelude, std modules, methods) is named
//! in the code of the page that documents it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use libtest_mimic::{Arguments, Failed, Trial};
use pyro_builtins::{Receiver, NATIVE_MODULES, PYRO_STD};

mod support;

/// Pages whose examples are not run (features still being implemented).
const SKIPPED: &[&str] = &[];

/// The embedding example the README shows in full.
const EMBED_EXAMPLE: &str = "crates/pyro-vm/examples/embed.rs";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(root().join(&page)).unwrap_or_default();
        let blocks = fences(&text);
        let links_page = page.clone();
        let links_text = text.clone();
        trials.push(Trial::test(format!("{page}: links"), move || {
            check_links(&links_page, &links_text)
        }));
        if SKIPPED.contains(&page.as_str()) {
            continue;
        }
        match examples(&blocks) {
            Ok(list) => {
                for example in list {
                    let name = format!("{page}:{}", example.line);
                    let dir_name = format!(
                        "{}-{}",
                        page.trim_end_matches(".md").replace('/', "-"),
                        example.line
                    );
                    trials.push(Trial::test(name, move || run_example(&dir_name, &example)));
                }
            }
            Err((line, message)) => {
                trials.push(Trial::test(format!("{page}:{line}"), move || {
                    Err(message.into())
                }));
            }
        }
    }
    trials.push(Trial::test(
        "README.md: embedding example",
        readme_embeds_example,
    ));
    trials.push(Trial::test(
        "docs/stdlib.md: every builtin is documented",
        catalogue_documented,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// `README.md` and every Markdown page under `docs/`, relative to the root.
fn pages() -> Vec<String> {
    let mut pages = vec!["README.md".to_string()];
    let mut names: Vec<String> = fs::read_dir(root().join("docs"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    pages.extend(names.into_iter().map(|n| format!("docs/{n}")));
    pages
}

/// A fenced code block: its info string, the line of its opening fence
/// (1-based) and its text.
struct Fence {
    info: String,
    line: usize,
    text: String,
}

/// The fenced blocks of a page, in order. A fence is three or more
/// backticks at the start of a line and closes at a line of exactly as many,
/// so a four-backtick block can show three-backtick fences.
fn fences(text: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<Fence> = None;
    for ((i, line), kind) in text.lines().enumerate().zip(line_kinds(text)) {
        match (kind, &mut open) {
            (LineKind::Fence, None) => {
                open = Some(Fence {
                    info: line.trim_start_matches('`').trim().to_string(),
                    line: i + 1,
                    text: String::new(),
                });
            }
            (LineKind::Fence, Some(_)) => out.extend(open.take()),
            (LineKind::Code, Some(fence)) => {
                fence.text.push_str(line);
                fence.text.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// How each line of a page stands to fenced blocks.
#[derive(Clone, Copy, PartialEq)]
enum LineKind {
    Prose,
    /// An opening or closing fence.
    Fence,
    /// Inside a fenced block.
    Code,
}

/// The kind of every line: a fence is three or more backticks at the start
/// of a line, and it closes at a line of exactly as many backticks.
fn line_kinds(text: &str) -> Vec<LineKind> {
    let mut open: Option<usize> = None;
    text.lines()
        .map(|line| {
            let ticks = line.chars().take_while(|&c| c == '`').count();
            match open {
                None if ticks >= 3 => {
                    open = Some(ticks);
                    LineKind::Fence
                }
                None => LineKind::Prose,
                Some(n) if ticks == n && line.trim_end().len() == ticks => {
                    open = None;
                    LineKind::Fence
                }
                Some(_) => LineKind::Code,
            }
        })
        .collect()
}

/// What a program is expected to do.
enum Expect {
    /// Run it: this stdout, and this stderr (then exit status 1) or none.
    Run {
        stdout: String,
        stderr: Option<String>,
    },
    /// Check it: `pyro check --format short` prints this, exit status 1.
    CheckFails(String),
}

struct Example {
    line: usize,
    source: String,
    /// Modules written beside `main.pyro`: (file name, text).
    modules: Vec<(String, String)>,
    expect: Expect,
}

/// The examples of a page, or the line and description of a fence that
/// breaks the conventions.
fn examples(blocks: &[Fence]) -> Result<Vec<Example>, (usize, String)> {
    let mut out = Vec::new();
    let mut modules = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let mut words = b.info.split_whitespace();
        let lang = words.next().unwrap_or("");
        match lang {
            "pyro" => {
                if let Some(attr) = words.next() {
                    let Some(name) = attr.strip_prefix("file=").filter(|n| n.ends_with(".pyro"))
                    else {
                        return Err((
                            b.line,
                            format!("unknown fence attribute `{attr}` (only `file=NAME.pyro`)"),
                        ));
                    };
                    if name == "main.pyro" || name.contains('/') {
                        return Err((b.line, format!("module name `{name}` must be a plain file name other than main.pyro")));
                    }
                    modules.push((name.to_string(), b.text.clone()));
                    i += 1;
                    continue;
                }
                let next = blocks.get(i + 1).map(|f| f.info.as_str());
                let expect = match next {
                    Some("output") => {
                        let stdout = blocks[i + 1].text.clone();
                        match blocks.get(i + 2) {
                            Some(f) if f.info == "stderr" => {
                                i += 1;
                                Expect::Run {
                                    stdout,
                                    stderr: Some(f.text.clone()),
                                }
                            }
                            _ => Expect::Run {
                                stdout,
                                stderr: None,
                            },
                        }
                    }
                    Some("check") => Expect::CheckFails(blocks[i + 1].text.clone()),
                    _ => return Err((
                        b.line,
                        "a ```pyro program must be followed by an ```output (or ```check) block; \
                             use ```pyro-fragment for code that is not a whole program"
                            .to_string(),
                    )),
                };
                out.push(Example {
                    line: b.line,
                    source: b.text.clone(),
                    modules: std::mem::take(&mut modules),
                    expect,
                });
                i += 2;
            }
            "output" | "stderr" | "check" => {
                return Err((
                    b.line,
                    format!("a ```{lang} block must follow a ```pyro program"),
                ));
            }
            "pyro-fragment" => i += 1,
            other if other.starts_with("pyro") => {
                return Err((
                    b.line,
                    format!(
                        "unknown fence `{other}` (use pyro, pyro file=NAME.pyro or pyro-fragment)"
                    ),
                ));
            }
            _ => i += 1,
        }
    }
    if let Some((name, _)) = modules.first() {
        return Err((
            0,
            format!("module {name} is not followed by a program that uses it"),
        ));
    }
    Ok(out)
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: i32,
}

/// Runs `pyro ARGS` in `dir` with a time limit, its output going to files
/// (so no reader threads are needed).
fn pyro(dir: &Path, args: &[&str]) -> Result<Outcome, Failed> {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let stdout = fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let stderr = fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PYRO_WORKER_THREADS")
        .env_remove("PYRO_MAX_TASKS")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start pyro: {e}"))?;
    let Some(status) =
        support::wait_for(&mut child, Duration::from_secs(30)).map_err(|e| e.to_string())?
    else {
        return Err(format!("`pyro {}` timed out after 30 s", args.join(" ")).into());
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    Ok(Outcome {
        stdout: read(&out_path),
        stderr: read(&err_path),
        status: status.code().unwrap_or(-1),
    })
}

/// Runs one example in a folder of its own (per process too, so that two
/// test runs cannot write into each other's), removed when it passes and
/// kept for a look when it fails.
fn run_example(dir_name: &str, example: &Example) -> Result<(), Failed> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("docs-examples")
        .join(format!("{dir_name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    fs::write(dir.join("main.pyro"), &example.source).map_err(|e| e.to_string())?;
    let mut files = vec!["main.pyro"];
    for (name, text) in &example.modules {
        fs::write(dir.join(name), text).map_err(|e| e.to_string())?;
        files.push(name);
    }
    let mut problems = Vec::new();
    match &example.expect {
        Expect::CheckFails(expected) => {
            let mut args = vec!["check", "--format", "short"];
            args.extend(&files);
            let got = pyro(&dir, &args)?;
            compare(
                "`pyro check --format short` output",
                expected,
                &got.stdout,
                &mut problems,
            );
            if got.status != 1 {
                problems.push(format!(
                    "`pyro check` exit status: expected 1, got {}",
                    got.status
                ));
            }
            no_panic(&got, &mut problems);
        }
        Expect::Run { stdout, stderr } => {
            let mut args = vec!["check"];
            args.extend(&files);
            let checked = pyro(&dir, &args)?;
            if checked.status != 0 || !checked.stdout.is_empty() || !checked.stderr.is_empty() {
                problems.push(format!(
                    "`pyro check` is not clean (status {}):\n{}{}",
                    checked.status, checked.stdout, checked.stderr
                ));
            }
            let ran = pyro(&dir, &["run", "main.pyro"])?;
            compare("stdout", stdout, &ran.stdout, &mut problems);
            compare(
                "stderr",
                stderr.as_deref().unwrap_or(""),
                &ran.stderr,
                &mut problems,
            );
            let status = if stderr.is_some() { 1 } else { 0 };
            if ran.status != status {
                problems.push(format!(
                    "exit status: expected {status}, got {}",
                    ran.status
                ));
            }
            no_panic(&ran, &mut problems);
        }
    }
    if problems.is_empty() {
        let _ = fs::remove_dir_all(&dir);
        Ok(())
    } else {
        problems.push(format!("(the files are in {})", dir.display()));
        Err(problems.join("\n\n").into())
    }
}

fn compare(what: &str, expected: &str, actual: &str, problems: &mut Vec<String>) {
    if expected != actual {
        problems.push(format!(
            "{what} differs\n--- the page shows:\n{expected}--- pyro printed:\n{actual}---"
        ));
    }
}

fn no_panic(outcome: &Outcome, problems: &mut Vec<String>) {
    if format!("{}{}", outcome.stdout, outcome.stderr).contains("panicked at") {
        problems.push("output contains a Rust panic".to_string());
    }
}

/// Every relative link of a page (outside code) names a file that exists,
/// and its `#anchor`, if any, a heading of that page.
fn check_links(page: &str, text: &str) -> Result<(), Failed> {
    let base = root().join(page);
    let dir = base.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    for ((i, line), kind) in text.lines().enumerate().zip(line_kinds(text)) {
        if kind != LineKind::Prose {
            continue;
        }
        for target in link_targets(&without_code_spans(line)) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                base.clone()
            } else {
                dir.join(path)
            };
            if !file.exists() {
                problems.push(format!("{page}:{}: link to missing `{target}`", i + 1));
                continue;
            }
            if let Some(anchor) = anchor {
                let headings = fs::read_to_string(&file).unwrap_or_default();
                if !anchors(&headings).iter().any(|a| a == anchor) {
                    let name = if path.is_empty() { page } else { path };
                    problems.push(format!(
                        "{page}:{}: no heading for `#{anchor}` in {name}",
                        i + 1
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The `(target)` of every `[text](target)` in a line.
fn link_targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// The anchors GitHub makes for a page's headings: lower case, spaces to
/// `-`, everything but letters, digits, `-` and `_` dropped.
fn anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (line, kind) in text.lines().zip(line_kinds(text)) {
        if kind != LineKind::Prose || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        out.push(slug);
    }
    out
}

/// The README shows the embedding example in full, as the file that
/// `cargo test` compiles, so the snippet cannot stop compiling unnoticed.
fn readme_embeds_example() -> Result<(), Failed> {
    let readme = fs::read_to_string(root().join("README.md")).map_err(|e| e.to_string())?;
    let example = fs::read_to_string(root().join(EMBED_EXAMPLE)).map_err(|e| e.to_string())?;
    let shown = fences(&readme)
        .into_iter()
        .any(|f| f.info == "rust" && f.text == example);
    if shown {
        Ok(())
    } else {
        Err(format!("README.md has no ```rust block equal to {EMBED_EXAMPLE}").into())
    }
}

/// The identifiers that appear in code (inline spans and fenced blocks) of
/// each `## ` section of a page, by heading.
fn code_words(text: &str) -> Vec<(String, std::collections::HashSet<String>)> {
    let mut sections: Vec<(String, std::collections::HashSet<String>)> = Vec::new();
    for (line, kind) in text.lines().zip(line_kinds(text)) {
        if kind == LineKind::Prose && line.starts_with("## ") {
            sections.push((line[3..].trim().to_string(), Default::default()));
            continue;
        }
        let Some((_, words)) = sections.last_mut() else {
            continue;
        };
        let code: Vec<&str> = match kind {
            LineKind::Fence => continue,
            LineKind::Code => vec![line],
            LineKind::Prose => line.split('`').skip(1).step_by(2).collect(),
        };
        for span in code {
            for word in span.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !word.is_empty() {
                    words.insert(word.to_string());
                }
            }
        }
    }
    sections
}

/// Every prelude builtin, std module member and method of a built-in type
/// is named in code on the page (and section) that documents it, so a new
/// builtin cannot be added without a line of documentation.
fn catalogue_documented() -> Result<(), Failed> {
    let read = |page: &str| fs::read_to_string(root().join(page)).unwrap_or_default();
    let stdlib = code_words(&read("docs/stdlib.md"));
    let concurrency: std::collections::HashSet<String> = code_words(&read("docs/concurrency.md"))
        .into_iter()
        .flat_map(|(_, words)| words)
        .collect();
    let section = |title: &str| {
        stdlib
            .iter()
            .find(|(heading, _)| heading.trim_matches('`') == title)
            .map(|(_, words)| words.clone())
            .unwrap_or_default()
    };
    let mut missing = Vec::new();
    let prelude = section("Prelude");
    for b in pyro_builtins::prelude() {
        if !prelude.contains(b.name()) {
            missing.push(format!("prelude `{}` (docs/stdlib.md, Prelude)", b.name()));
        }
    }
    for module in NATIVE_MODULES {
        // The native half of std.task is documented with std.task.
        let name = if module.name == "std._task" {
            "std.task"
        } else {
            module.name
        };
        let words = section(name);
        for b in module.members {
            if !words.contains(b.name()) {
                missing.push(format!("`{name}.{}` (docs/stdlib.md, {name})", b.name()));
            }
        }
    }
    for (name, source) in PYRO_STD {
        let words = section(name);
        for line in source.lines() {
            let mut parts = line.split([' ', '(', ':', '<']);
            let (Some(kind), Some(member)) = (parts.next(), parts.next()) else {
                continue;
            };
            let public = !member.is_empty() && !member.starts_with('_');
            if matches!(kind, "def" | "class" | "record") && public && !words.contains(member) {
                missing.push(format!("`{name}.{member}` (docs/stdlib.md, {name})"));
            }
        }
    }
    let methods = section("Methods of built-in types");
    let receivers = [
        (Receiver::Str, &methods),
        (Receiver::Seq, &methods),
        (Receiver::ListMut, &methods),
        (Receiver::Dict, &methods),
        (Receiver::DictMut, &methods),
        (Receiver::Set, &methods),
        (Receiver::SetMut, &methods),
        (Receiver::Int, &methods),
        (Receiver::Float, &methods),
        (Receiver::Chan, &concurrency),
        (Receiver::Sender, &concurrency),
        (Receiver::Receiver, &concurrency),
        (Receiver::Task, &concurrency),
        (Receiver::Mutex, &concurrency),
        (Receiver::RwLock, &concurrency),
        (Receiver::WaitGroup, &concurrency),
        (Receiver::Semaphore, &concurrency),
        (Receiver::Event, &concurrency),
        (Receiver::Barrier, &concurrency),
        (Receiver::Atomic, &concurrency),
    ];
    for (receiver, words) in receivers {
        for m in pyro_builtins::methods_of(receiver) {
            if !m.name.starts_with("__") && !words.contains(m.name) {
                missing.push(format!("method `{}` of {receiver:?}", m.name));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("not documented:\n  {}", missing.join("\n  ")).into())
    }
}
