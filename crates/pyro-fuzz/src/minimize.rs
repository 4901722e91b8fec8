//! Shrinking a failing input (`--minimize FILE`): delta debugging over
//! lines, then over characters, keeping a candidate when it still fails
//! the same way (the same panic location, or the same class of failure).
//! Candidates of one round run in parallel on the worker pool.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::failure::signature;
use crate::pool::{self, PoolOptions, Work};
use crate::targets::Context;

/// What makes two failures "the same" for shrinking.
pub fn kind(reason: &str) -> String {
    if let Some(at) = reason.find(" at ") {
        if reason.starts_with("panic") {
            return signature(&reason[at..]);
        }
    }
    let sig = signature(reason);
    sig.split(':').next().unwrap_or("").to_string()
}

/// Runs candidates; returns the index of the first that fails like `want`.
fn first_failing(
    ctx: &Context,
    opts: &PoolOptions,
    candidates: &[Vec<u8>],
    want: &str,
) -> Result<Option<usize>, String> {
    let work = Work::Inputs(Mutex::new(
        candidates.iter().cloned().collect::<VecDeque<_>>(),
    ));
    let summary = pool::run(ctx, &work, opts)?;
    Ok(candidates.iter().position(|c| {
        summary
            .by_input
            .iter()
            .any(|(input, reason)| input == c && kind(reason) == want)
    }))
}

/// Delta debugging over `units` (the first `pinned` are never removed).
fn ddmin(
    ctx: &Context,
    opts: &PoolOptions,
    mut units: Vec<String>,
    pinned: usize,
    want: &str,
) -> Result<Vec<String>, String> {
    let mut n = 2;
    while units.len() > pinned + 1 {
        let free = units.len() - pinned;
        let chunk = free.div_ceil(n);
        let candidates: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                let (lo, hi) = (
                    pinned + i * chunk,
                    (pinned + (i + 1) * chunk).min(units.len()),
                );
                units
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j < lo || *j >= hi)
                    .map(|(_, u)| u.as_str())
                    .collect::<String>()
                    .into_bytes()
            })
            .collect();
        match first_failing(ctx, opts, &candidates, want)? {
            Some(i) => {
                let (lo, hi) = (
                    pinned + i * chunk,
                    (pinned + (i + 1) * chunk).min(units.len()),
                );
                units.drain(lo..hi);
                n = (n - 1).max(2);
                eprintln!("minimize: {} units", units.len());
            }
            None if n >= free => break,
            None => n = (n * 2).min(free),
        }
    }
    Ok(units)
}

/// Shrinks `input`, which fails with `reason`; returns the smallest input
/// found that fails the same way.
pub fn minimize(
    ctx: &Context,
    opts: &PoolOptions,
    input: &[u8],
    reason: &str,
) -> Result<Vec<u8>, String> {
    let want = kind(reason);
    let text = String::from_utf8_lossy(input).into_owned();
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    // A leading comment (the mutate target's source tag) stays.
    let pinned = usize::from(
        lines
            .first()
            .is_some_and(|l| l.starts_with("# fuzz-source:")),
    );
    let lines = ddmin(ctx, opts, lines, pinned, &want)?;
    let text: String = lines.concat();
    if text.len() > 4000 {
        return Ok(text.into_bytes());
    }
    let head = if pinned == 1 {
        lines[0].clone()
    } else {
        String::new()
    };
    let mut units = vec![head];
    units.extend(text[units[0].len()..].chars().map(String::from));
    Ok(ddmin(ctx, opts, units, 1, &want)?.concat().into_bytes())
}
