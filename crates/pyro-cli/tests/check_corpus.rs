//! The type checker against the whole corpus of correct programs.
//!
//! - No false alarms: every example, every concurrency golden test and every
//!   program under `tests/check/ok` checks clean (a few concurrency tests
//!   that exist to provoke run-time type errors are listed as exceptions).
//! - Soundness (LANGUAGE.md §10): every fully annotated program in the test
//!   corpus that checks clean runs without raising a `TypeError`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pyro_parser::ast::{Stmt, StmtKind};

/// Concurrency tests whose point is a run-time type error the checker
/// rightly reports statically.
const INTENTIONALLY_ILL_TYPED: &[&str] = &["tests/conc/views_and_types.pyro"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pyro_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            pyro_files(&path, out);
        } else if name.ends_with(".pyro") {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    let root = std::fs::canonicalize(root()).unwrap_or_else(|_| root());
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    path.strip_prefix(&root)
        .unwrap_or(&path)
        .display()
        .to_string()
}

/// `pyro check` on one file from its folder: (clean, output).
fn check(path: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .args(["check", "--format", "short"])
        .arg(path.file_name().unwrap_or_default())
        .current_dir(path.parent().unwrap_or(Path::new(".")))
        .env("NO_COLOR", "1")
        .output()
        .expect("pyro check runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn correct_programs_check_clean() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["examples", "tests/conc", "tests/check/ok"] {
        pyro_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 40, "only {} correct programs", files.len());
    let mut alarms = Vec::new();
    for f in &files {
        let name = relative(f);
        if INTENTIONALLY_ILL_TYPED.contains(&name.as_str()) {
            continue;
        }
        let (clean, output) = check(f);
        if !clean {
            alarms.push(format!("{name}:\n{output}"));
        }
    }
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n"));
}

/// Whether every function in the program has annotated parameters and a
/// declared return type (so no code path is `any` by omission).
fn fully_annotated(source: &str) -> bool {
    let parsed = pyro_parser::parse_text(source, 0);
    if !parsed.errors.is_empty() || source.contains("lambda") {
        return false;
    }
    fn block(body: &[Stmt], in_class: bool) -> bool {
        body.iter().all(|s| match &s.kind {
            StmtKind::FuncDef(f) => {
                let params_ok =
                    f.params.iter().enumerate().all(|(i, p)| {
                        p.ty.is_some() || (in_class && i == 0 && p.name.name == "self")
                    });
                let ret_ok = f.ret.is_some() || f.name.name == "__init__";
                params_ok && ret_ok && f.body.as_deref().is_none_or(|b| block(b, false))
            }
            StmtKind::ClassDef(c) => block(&c.body, true),
            StmtKind::RecordDef(r) => {
                r.fields.iter().all(|p| p.ty.is_some()) && block(&r.body, true)
            }
            StmtKind::If { branches, orelse } => {
                branches.iter().all(|(_, body)| block(body, false)) && block(orelse, false)
            }
            StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
                block(body, false) && block(orelse, false)
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                block(body, false)
                    && handlers.iter().all(|h| block(&h.body, false))
                    && block(orelse, false)
                    && block(finalbody, false)
            }
            StmtKind::With { body, .. } => block(body, false),
            _ => true,
        })
    }
    parsed
        .module
        .body
        .iter()
        .any(|s| matches!(s.kind, StmtKind::FuncDef(_)))
        && block(&parsed.module.body, false)
}

fn run(path: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .arg("run")
        .arg(path.file_name().unwrap_or_default())
        .current_dir(path.parent().unwrap_or(Path::new(".")))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyro run starts");
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("pyro run finishes");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn checked_annotated_programs_raise_no_type_error() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["examples", "tests/run", "tests/conc", "tests/check/ok"] {
        pyro_files(&root.join(dir), &mut files);
    }
    let mut checked = 0;
    let mut unsound = Vec::new();
    for f in &files {
        let Ok(source) = std::fs::read_to_string(f) else {
            continue;
        };
        if source.contains("# test: args")
            || source.contains("# test: env")
            || !fully_annotated(&source)
        {
            continue;
        }
        if !check(f).0 {
            continue;
        }
        checked += 1;
        let output = run(f);
        if output.contains("TypeError") {
            unsound.push(format!("{}:\n{output}", relative(f)));
        }
    }
    assert!(
        checked >= 10,
        "only {checked} fully annotated programs checked clean"
    );
    assert!(
        unsound.is_empty(),
        "TypeError in checked programs:\n{}",
        unsound.join("\n")
    );
}
