//! Benchmark: `pyro check` on a generated 50 000-line program (parse +
//! scope check + type check; a benchmark, not a timed test). Prints the
//! median of several runs.
//!
//!     cargo bench -p pyro-check --bench check

use std::time::{Duration, Instant};

use pyro_source::SourceMap;

/// A 25-line unit of typical annotated code, repeated with fresh names.
fn unit(i: usize) -> String {
    format!(
        r#"interface Sized{i}:
    def size(self) -> int
class Shape{i}:
    count: int
    def __init__(self, w: float, h: float = 1.0):
        self.w = w
        self.h = h
        self.count = 0
    def area(self) -> float:
        return self.w * self.h + 0.5 ** 2
    def size(self) -> int:
        self.count += 1
        return self.count
record Pair{i}(name: string, value: int?)
def worker{i}(jobs: Receiver<int>, out: Sender<dict<string, list<int>>>, s: Sized{i}) -> int:
    mut total = s.size()
    for j, x in enumerate(jobs):
        if x % 2 == 0 and not (x > 100 or x < -100):
            total += div(x, 3)
    let squares = [v * v for v in 0..total if v % 7 != 0]
    out.push({{"sum": squares, "n": [total, len(squares)]}})
    let p = Pair{i}("a", None)
    if p.value is not None:
        total += p.value
    print(f"worker done: {{total:>8}} items {{Shape{i}(2.0).area():.2f}}")
    return total
"#
    )
}

fn main() {
    let mut source = String::from("import std.math\n");
    let mut i = 0;
    while source.lines().count() < 50_000 {
        source.push_str(&unit(i));
        i += 1;
    }
    let lines = source.lines().count();
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..7 {
        let map = SourceMap::new();
        let file = map.add("bench.pyro", source.as_str());
        let started = Instant::now();
        let errors = pyro_check::check_file(&file, None);
        times.push(started.elapsed());
        assert!(
            errors.is_empty(),
            "{} errors, first: {}",
            errors.len(),
            errors[0]
        );
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "check {lines} lines: median {:.3} s over {} runs ({:.0} lines/s; min {:.3} s, max {:.3} s)",
        median.as_secs_f64(),
        times.len(),
        lines as f64 / median.as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64()
    );
}
