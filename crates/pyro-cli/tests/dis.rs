//! `pyro dis` prints every code object, with names for the operands.

use std::process::Command;

#[test]
fn dis_names_locals_and_globals_in_function_bodies() {
    let dir = std::env::temp_dir().join(format!("pyro-dis-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("fib.pyro");
    std::fs::write(
        &file,
        "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint(fib(10))\n",
    )
    .expect("write the program");
    let out = Command::new(env!("CARGO_BIN_EXE_pyro"))
        .arg("dis")
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("pyro runs");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("== fib (Function, 1 params, 1 locals, 0 captured) =="),
        "{text}"
    );
    for line in [
        "LocalLtInt 0, 2   (n)",
        "ReturnLocal 0     (n)",
        "LoadCallee 0      (fib)",
        "LocalSubInt 0, 1  (n)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}
