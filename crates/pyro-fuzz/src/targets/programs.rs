//! `programs`: generated programs that are well formed and terminate,
//! run end to end on a two-thread runtime. Uncaught Pyro errors are fine;
//! a crash, a hang, a broken invariant, or a deadlock report where none was
//! built (or none where one was) is a failure.

use std::time::Duration;

use super::exec::{self, RunEnd, RunLimits};
use super::{frontend, Outcome};
use crate::gen::{emit, pyro::Pyro, scenario};
use crate::rng::Rng;

/// The first line of a program built to deadlock.
const EXPECT_DEADLOCK: &str = "# expect: DeadlockError\n";

pub fn generate(rng: &mut Rng) -> Vec<u8> {
    let program = scenario::program(rng);
    let text =
        emit::emit(&program, &Pyro).unwrap_or_else(|what| format!("# cannot print {what}\n"));
    let header = if program.expects_deadlock {
        EXPECT_DEADLOCK
    } else {
        ""
    };
    format!("{header}{text}").into_bytes()
}

pub fn execute(input: &[u8], deadline: Duration) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let built_to_deadlock = text.starts_with(EXPECT_DEADLOCK);
    let limits = RunLimits {
        deadline,
        workers: 2,
        output_cap: 1 << 16,
    };
    let out = exec::run("program.pyro", &text, limits);
    let expects_deadlock = built_to_deadlock && out.stdout.contains(scenario::DEADLOCK_NEXT);
    let error = match out.end {
        RunEnd::TimedOut if expects_deadlock => {
            return Outcome::Fail(
                "hang: a program built to deadlock ran into the deadline (no DeadlockError)".into(),
            )
        }
        RunEnd::TimedOut => {
            return Outcome::Fail(format!(
                "hang: a terminating program ran into the {}s deadline",
                deadline.as_secs_f64()
            ))
        }
        RunEnd::Stuck(reason) => return Outcome::Fail(reason),
        RunEnd::Finished { error } => error.unwrap_or_default(),
    };
    if let Err(reason) = frontend::check_rendered(&error).and(frontend::check_rendered(&out.stdout))
    {
        return Outcome::Fail(reason);
    }
    if let Some(line) = out
        .stdout
        .lines()
        .find(|l| l.contains(scenario::INVARIANT_BROKEN))
    {
        return Outcome::Fail(format!("wrong answer: {line}"));
    }
    let deadlocked = error.contains("DeadlockError");
    match (expects_deadlock, deadlocked) {
        (true, false) if error.is_empty() => {
            Outcome::Fail("a program built to deadlock finished without DeadlockError".into())
        }
        (true, false) => Outcome::Fail(format!(
            "a program built to deadlock ended with another error: {}",
            first_line(&error)
        )),
        (false, true) => Outcome::Fail(format!("unexpected DeadlockError: {}", first_line(&error))),
        _ => Outcome::Pass,
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}
