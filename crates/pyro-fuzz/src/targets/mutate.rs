//! `mutate`: the `.pyro` files under `tests/` and `examples/`, mutated at
//! the level of tokens (delete, duplicate, swap, insert) and lines (delete,
//! duplicate, re-indent, repeat 10⁴ times), nested 10³–10⁵ deep, or spliced
//! with another file, then checked, compiled and run under a deadline.
//!
//! An input starts with a comment naming the file it came from, so its
//! imports resolve next to that file on replay too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::exec::{self, RunEnd, RunLimits};
use super::{frontend, Outcome};
use crate::rng::Rng;

/// The first line of every input.
const SOURCE_TAG: &str = "# fuzz-source: ";

/// The repository the corpus paths are relative to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed files, each split into tokens, and every distinct token.
pub struct Corpus {
    files: Vec<(String, String)>,
    vocabulary: Vec<String>,
}

impl Corpus {
    /// Loads every `.pyro` file below `roots`, sorted, except those that
    /// may end the host process (`std.process.exit`).
    pub fn load(roots: &[PathBuf]) -> Result<Corpus, String> {
        let base = workspace_root();
        let mut paths = Vec::new();
        for root in roots {
            walk(root, &mut paths);
        }
        paths.sort();
        let mut files = Vec::new();
        let mut vocabulary = BTreeSet::new();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if text.contains("std.process") {
                continue;
            }
            for token in tokens(&text) {
                vocabulary.insert(token.to_string());
            }
            let shown = path
                .strip_prefix(&base)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            files.push((shown, text));
        }
        if files.is_empty() {
            return Err(format!("no .pyro files under {roots:?}"));
        }
        Ok(Corpus {
            files,
            vocabulary: vocabulary.into_iter().collect(),
        })
    }

    /// The path an input's imports resolve against.
    pub fn name_of(&self, input: &[u8]) -> String {
        let text = String::from_utf8_lossy(input);
        let first = text.lines().next().unwrap_or("");
        match first.strip_prefix(SOURCE_TAG) {
            Some(rel) => workspace_root()
                .join(rel.trim())
                .to_string_lossy()
                .into_owned(),
            None => "fuzz.pyro".into(),
        }
    }

    pub fn generate(&self, rng: &mut Rng) -> Vec<u8> {
        let (name, text) = rng.pick(&self.files);
        let mut text = text.clone();
        for _ in 0..rng.range(1, 4) {
            text = self.mutate(rng, &text);
        }
        format!("{SOURCE_TAG}{name}\n{text}").into_bytes()
    }

    /// One mutation. The two that make megabytes of input (a line repeated
    /// 10⁴ times, a construct nested 10³–10⁵ deep) are one in a hundred
    /// each: the front end takes a second or more on such an input, and at
    /// that rate they would be most of a long run's time.
    fn mutate(&self, rng: &mut Rng, text: &str) -> String {
        match rng.below(100) {
            0..=46 => self.mutate_tokens(rng, text),
            47..=87 => mutate_lines(rng, text),
            88..=97 => {
                let (_, other) = rng.pick(&self.files);
                let cut_a = line_boundary(text, rng.below(text.len() + 1));
                let cut_b = line_boundary(other, rng.below(other.len() + 1));
                format!("{}{}", &text[..cut_a], &other[cut_b..])
            }
            98 => repeat_line(rng, text),
            _ => nest(rng, text),
        }
    }

    fn mutate_tokens(&self, rng: &mut Rng, text: &str) -> String {
        let mut toks: Vec<&str> = tokens(text);
        if toks.is_empty() {
            return text.to_string();
        }
        let i = rng.below(toks.len());
        match rng.below(4) {
            0 => {
                toks.remove(i);
            }
            1 => toks.insert(i, toks[i]),
            2 => {
                let j = rng.below(toks.len());
                toks.swap(i, j);
            }
            _ => toks.insert(i, rng.pick(&self.vocabulary).as_str()),
        }
        toks.concat()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "pyro") {
            out.push(path);
        }
    }
}

/// Splits text into tokens that concatenate back to it: words, numbers,
/// runs of spaces, newlines, and single other characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_alphanumeric() || c == '_' {
                0
            } else if c == ' ' {
                1
            } else {
                2
            }
        };
        let k = class(c);
        let mut end = i + c.len_utf8();
        if k != 2 {
            while let Some(&(j, d)) = chars.peek() {
                if class(d) != k {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn line_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The most bytes one "repeat a line" mutation adds.
const REPEATED_BYTES: usize = 4 << 20;

fn mutate_lines(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let i = rng.below(lines.len());
    match rng.below(6) {
        0 => {
            lines.remove(i);
        }
        1 => lines.insert(i, lines[i].clone()),
        2 => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
        3 => {
            let extra = " ".repeat(rng.range(1, 8) as usize);
            lines[i] = format!("{extra}{}", lines[i]);
        }
        4 => {
            let trimmed = lines[i].trim_start();
            let indent = (lines[i].len() - trimmed.len()).saturating_sub(rng.range(1, 8) as usize);
            lines[i] = format!("{}{trimmed}", " ".repeat(indent));
        }
        _ => lines[i] = format!("\t{}", lines[i]),
    }
    lines.join("\n") + "\n"
}

/// Repeats a line ten thousand times, or as often as keeps the copies
/// within a few megabytes (a line made 10⁵ deep by an earlier mutation,
/// repeated 10⁴ times, would be a gigabyte: a test of the machine's memory,
/// not of Pyro).
fn repeat_line(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let i = rng.below(lines.len());
    let line = lines[i];
    let times = (REPEATED_BYTES / (line.len() + 1)).clamp(1, 10_000);
    lines.splice(i..i, std::iter::repeat_n(line, times));
    lines.join("\n") + "\n"
}

/// Inserts a construct nested very deep, as a new top-level line.
fn nest(rng: &mut Rng, text: &str) -> String {
    let n = *rng.pick(&[1_000, 10_000, 100_000]);
    let deep = match rng.below(12) {
        0 => format!("let deep = {}1{}", "(".repeat(n), ")".repeat(n)),
        1 => format!("let deep = {}1{}", "[".repeat(n), "]".repeat(n)),
        2 => format!("let deep = {}1", "-".repeat(n)),
        3 => format!("let deep = {}true", "not ".repeat(n)),
        4 => format!("let deep = 1{}", " + 1".repeat(n * 2)),
        5 => format!("let deep: {}int{} = None", "list<".repeat(n), ">".repeat(n)),
        6 => format!("let deep: int{} = None", "?".repeat(n)),
        7 => {
            let mut s = String::from("let x = 0\nif x == 0:\n    pass\n");
            for i in 0..n {
                s.push_str(&format!("elif x == {i}:\n    pass\n"));
            }
            s
        }
        8 => format!("let deep = {}1", "lambda: ".repeat(n)),
        9 => {
            let depth = n.min(2_000);
            let mut s = String::new();
            for d in 0..depth {
                s.push_str(&format!("{}def f{d}():\n", "    ".repeat(d)));
            }
            s.push_str(&format!("{}pass", "    ".repeat(depth)));
            s
        }
        10 => format!(
            "let deep = {}0{}",
            "[x for x in ".repeat(n.min(10_000)),
            "]".repeat(n.min(10_000))
        ),
        _ => {
            let depth = n.min(1_000);
            format!(
                "let deep = {}1{}",
                "f\"{".repeat(depth),
                "}\"".repeat(depth)
            )
        }
    };
    let at = line_boundary(text, rng.below(text.len() + 1));
    // Only at the top level: after a line that starts in column 0.
    let at = if text[at..].starts_with(' ') {
        text.len()
    } else {
        at
    };
    let mut out = String::with_capacity(text.len() + deep.len() + 2);
    out.push_str(&text[..at]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&deep);
    out.push('\n');
    out.push_str(&text[at..]);
    out
}

pub fn execute(name: &str, input: &[u8], deadline: Duration) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let dir = Path::new(name).parent().map(Path::to_path_buf);
    if let Err(reason) = frontend::run(name, &text, dir.as_deref()) {
        return Outcome::Fail(reason);
    }
    let limits = RunLimits {
        deadline,
        workers: 2,
        output_cap: 1 << 16,
    };
    let out = exec::run(name, &text, limits);
    match out.end {
        RunEnd::TimedOut => Outcome::Timeout,
        RunEnd::Stuck(reason) => Outcome::Fail(reason),
        RunEnd::Finished { error } => {
            let rendered = error.unwrap_or_default();
            match frontend::check_rendered(&rendered).and(frontend::check_rendered(&out.stdout)) {
                Ok(()) => Outcome::Pass,
                Err(reason) => Outcome::Fail(reason),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn cuts_fall_on_line_starts() {
        let text = "ab\n—x\nyz";
        for at in 0..=text.len() + 2 {
            let cut = super::line_boundary(text, at);
            assert!(cut == 0 || text.as_bytes()[cut - 1] == b'\n');
        }
    }

    #[test]
    fn generated_inputs_are_reproducible() {
        let root = super::workspace_root();
        let corpus = super::Corpus::load(&[root.join("examples")]).unwrap();
        for i in 0..40 {
            let a = corpus.generate(&mut crate::rng::Rng::for_iteration(5, i));
            let b = corpus.generate(&mut crate::rng::Rng::for_iteration(5, i));
            assert_eq!(a, b);
        }
    }

    #[test]
    fn tokens_concatenate_back() {
        let text = "def f(x_1):\n    return x_1 + 2.5  # é\n";
        assert_eq!(tokens(text).concat(), text);
        assert!(tokens(text).contains(&"x_1"));
    }
}
