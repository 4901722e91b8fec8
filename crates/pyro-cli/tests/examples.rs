//! The example programs that need no concurrency run with the expected
//! output (the threading examples are exercised by the concurrency suite).

use std::path::Path;
use std::process::Command;

fn run_example(name: &str) -> (String, String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .arg("run")
        .arg(format!("examples/{name}"))
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("pyro runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn hello_prints_its_greeting() {
    let (stdout, stderr, status) = run_example("hello.pyro");
    assert_eq!(stdout, "Hello from Pyro!\n");
    assert_eq!(stderr, "");
    assert_eq!(status, 0);
}
