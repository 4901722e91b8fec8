//! Benchmark: lex + parse a generated 100 000-line program (a benchmark, not a
//! timed test). Prints the median of several runs and lines per second.
//!
//!     cargo bench -p pyro-parser --bench parse

use std::time::{Duration, Instant};

/// A 20-line unit of typical code, repeated with fresh names.
fn unit(i: usize) -> String {
    format!(
        r#"class Shape{i}(Base):
    count: int
    def __init__(self, w: float, h: float = 1.0):
        self.w = w
        self.h = h
    def area(self) -> float:
        return self.w * self.h + 0.5 ** 2
def worker{i}(jobs: Receiver<int>, out: Sender<dict<string, list<int>>>) -> None:
    mut total = 0
    for j, x in enumerate(jobs):
        if x % 2 == 0 and not (x > 100 or x < -100):
            total += div(x, 3)
        elif 0 <= x < 10:
            total -= x
        else:
            continue
    let squares = [v * v for v in 0..total if v % 7 != 0]
    out.push({{"sum": squares, "n": [total, len(squares)]}})
    print(f"worker {{j}} done: {{total:>8}} items", sep="")
let c{i} = chan<int>(16)  // buffered
"#
    )
}

fn main() {
    let mut source = String::new();
    let mut i = 0;
    while source.lines().count() < 100_000 {
        source.push_str(&unit(i));
        i += 1;
    }
    let lines = source.lines().count();
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let parsed = pyro_parser::parse_text(&source, 0);
        times.push(started.elapsed());
        assert!(parsed.errors.is_empty(), "{:?}", &parsed.errors[..1]);
        std::hint::black_box(parsed);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "lex+parse {lines} lines ({:.1} MB): median {:.3} s over {} runs (min {:.3} s, max {:.3} s), {:.0} lines/s",
        source.len() as f64 / 1e6,
        median.as_secs_f64(),
        times.len(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
        lines as f64 / median.as_secs_f64()
    );
}
