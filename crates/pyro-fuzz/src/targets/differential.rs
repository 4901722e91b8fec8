//! `differential`: one generated tree printed as Pyro and as Python, run by
//! the VM and by CPython, their outputs compared. The input holds both
//! programs, the Pyro one first, split by [`SPLIT`].

use std::time::Duration;

use super::exec::{self, RunEnd, RunLimits};
use super::{frontend, Outcome};
use crate::gen::build::{Builder, Flavor};
use crate::gen::{ast::Program, emit, pyro::Pyro, python::Python as PythonDialect};
use crate::python::{Python, PythonEnd};
use crate::rng::Rng;

/// The line between the two programs of an input.
pub const SPLIT: &str = "# ==== python ====\n";

pub fn generate(rng: &mut Rng) -> Vec<u8> {
    let statements = rng.range(3, 25) as usize;
    let program = Program {
        body: Builder::new(rng, Flavor::Differential).module(statements),
        expects_deadlock: false,
    };
    let pyro = emit::emit(&program, &Pyro).unwrap_or_default();
    let python = emit::emit(&program, &PythonDialect)
        .unwrap_or_else(|what| format!("raise SystemExit('generator used {what}')\n"));
    format!("{pyro}{SPLIT}{python}").into_bytes()
}

pub fn execute(input: &[u8], deadline: Duration, python: &mut Python) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let Some((pyro_src, python_src)) = text.split_once(SPLIT) else {
        return Outcome::Fail("input has no python part".into());
    };
    let limits = RunLimits {
        deadline,
        workers: 0,
        output_cap: 1 << 20,
    };
    let ours = exec::run("differential.pyro", pyro_src, limits);
    let our_error = match ours.end {
        RunEnd::TimedOut => {
            return Outcome::Fail("hang: a terminating program ran into the deadline".into())
        }
        RunEnd::Stuck(reason) => return Outcome::Fail(reason),
        RunEnd::Finished { error } => error,
    };
    if let Err(reason) = frontend::check_rendered(our_error.as_deref().unwrap_or("")) {
        return Outcome::Fail(reason);
    }
    let theirs = match python.run(python_src, deadline * 4) {
        Ok(out) => out,
        Err(e) => return Outcome::Fail(format!("python worker failed: {e}")),
    };
    let their_error = match &theirs.end {
        PythonEnd::Timeout => return Outcome::Timeout,
        PythonEnd::Ok => None,
        PythonEnd::Error(class) => Some(class.clone()),
    };
    if ours.stdout != theirs.stdout {
        return Outcome::Fail(first_difference(&ours.stdout, &theirs.stdout));
    }
    match (&our_error, &their_error) {
        (None, Some(class)) => Outcome::Fail(format!(
            "differential: python raised {class}, pyro finished"
        )),
        (Some(ours), None) => Outcome::Fail(format!(
            "differential: pyro raised `{}`, python finished",
            ours.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("")
        )),
        _ => Outcome::Pass,
    }
}

/// `differential: line N: pyro `…` python `…``.
fn first_difference(ours: &str, theirs: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let n = a.len().max(b.len());
    for i in 0..n {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            let show = |s: Option<&str>| match s {
                Some(s) => format!("`{}`", s.chars().take(200).collect::<String>()),
                None => "nothing".into(),
            };
            return format!(
                "differential: line {}: pyro {} python {}",
                i + 1,
                show(x),
                show(y)
            );
        }
    }
    "differential: outputs differ in line endings".into()
}
