//! A short run of every fuzz target (a few seconds each, fixed seeds), as
//! part of `cargo test`. The long run is `just fuzz`.

use std::process::Command;

/// Runs the driver; returns its exit success, stdout, and the last line.
fn fuzz(args: &[&str]) -> (bool, String, String) {
    let out_dir =
        std::env::temp_dir().join(format!("pyro-fuzz-test-{}-{}", std::process::id(), args[0]));
    let output = Command::new(env!("CARGO_BIN_EXE_pyro-fuzz"))
        .args(args)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("the driver runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or("").to_string();
    let _ = std::fs::remove_dir_all(&out_dir);
    (output.status.success(), stdout, last)
}

/// The interface: the last line is exactly `N inputs, M failures`, and the
/// exit status says whether M is 0.
#[test]
fn the_last_line_counts_inputs_and_failures() {
    let (ok, stdout, last) = fuzz(&[
        "bytes",
        "--iterations",
        "40",
        "--seed",
        "7",
        "--jobs",
        "1",
        "--quiet",
    ]);
    let (inputs, failures) = last
        .strip_suffix(" failures")
        .and_then(|s| s.split_once(" inputs, "))
        .unwrap_or_else(|| panic!("unexpected last line {last:?} in:\n{stdout}"));
    assert_eq!(inputs, "40");
    assert_eq!(ok, failures == "0", "{stdout}");
}

fn short_run(target: &str, seed: &str) {
    // `cargo test` runs a debug build, several times slower than the
    // release build the long run uses: a generous run deadline keeps a
    // slow terminating program from counting as a hang.
    let (ok, stdout, last) = fuzz(&[
        target,
        "--seconds",
        "4",
        "--seed",
        seed,
        "--jobs",
        "2",
        "--deadline-ms",
        "30000",
        "--quiet",
    ]);
    assert!(
        last.ends_with(" 0 failures"),
        "{target} found failures:\n{stdout}"
    );
    assert!(ok, "{stdout}");
}

#[test]
fn bytes_short_run() {
    short_run("bytes", "1");
}

#[test]
fn mutate_short_run() {
    short_run("mutate", "1");
}

#[test]
fn programs_short_run() {
    short_run("programs", "1");
}

#[test]
fn differential_short_run() {
    short_run("differential", "1");
}
