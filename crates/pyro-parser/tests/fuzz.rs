//! Property tests: the front end returns a module or diagnostics for any
//! input — it never panics and never hangs. 10 000+ cases per run: arbitrary
//! strings, token soup, and mutations of real programs.

use std::time::{Duration, Instant};

use proptest::prelude::*;

/// Parses with a generous time bound; a hang or a panic fails the property.
fn parse_terminates(src: &str) {
    let started = Instant::now();
    let parsed = pyro_parser::parse_text(src, 0);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "parsing took {:?} for {src:?}",
        started.elapsed()
    );
    for e in &parsed.errors {
        let span = e.span();
        assert!(
            span.lo <= span.hi && span.hi as usize <= src.len() + 1,
            "span {span:?} out of range for {src:?}"
        );
    }
}

/// Fragments of real Pyro: keywords, operators, brackets, quotes, layout.
const PIECES: &[&str] = &[
    "let ",
    "mut ",
    "def ",
    "f",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\n",
    "    ",
    "\t",
    "x",
    " = ",
    "1",
    "2.5",
    "\"s\"",
    "'",
    "\"",
    "\"\"\"",
    "f\"{",
    "}",
    "{x}",
    "\\",
    "#c",
    "//c",
    "<",
    ">",
    ">>",
    "chan<int>",
    "go ",
    "select:",
    "case ",
    "if ",
    "else:",
    "elif ",
    "for ",
    " in ",
    "while ",
    "return ",
    "class ",
    "record ",
    "interface ",
    "try:",
    "except ",
    "finally:",
    "with ",
    " as ",
    "import ",
    "from ",
    "lambda ",
    ",",
    ".",
    "..",
    "..=",
    "*",
    "**",
    "-",
    "+",
    "%",
    "@",
    "?",
    "|",
    "&",
    "^",
    "~",
    "!",
    "$",
    "0x",
    "0b1",
    "1_0",
    "9223372036854775808",
    "match ",
    "_",
    "None",
    "true",
    "\r\n",
    "é",
    "😀",
    ";",
    "...",
    "->",
    "type ",
    "pass",
    "\\u{1F600}",
    "!r",
    ":>5",
];

const SEEDS: &[&str] = &[
    include_str!("../../../examples/hello.pyro"),
    include_str!("../../../examples/orchestrator_worker.pyro"),
    "def f<T>(x: T, *a, **k) -> dict<string, list<int>>:\n    return {k: [v for v in x if v > 0] for k in a}\n",
    "select:\n    case v, ok = c.collect():\n        print(f\"{v!r:>5} {ok}\")\n    case after(1.5):\n        pass\n    else:\n        pass\n",
    "match p:\n    case Point(x=0, y=y) | (1, 2) if y > 0:\n        pass\n    case _:\n        pass\n",
    "try:\n    a, *b = 1, 2, 3\nexcept (A, B) as e:\n    raise X(\"m\") from e\nfinally:\n    pass\n",
];

fn mutate(seed: &str, edits: &[(usize, u8, usize)]) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for &(pos, op, piece) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = pos % bytes.len();
        match op % 3 {
            0 => {
                bytes.remove(at);
            }
            1 => {
                let p = PIECES[piece % PIECES.len()].as_bytes();
                bytes.splice(at..at, p.iter().copied());
            }
            _ => {
                let other = (at * 7 + piece) % bytes.len();
                bytes.swap(at, other);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(src in "\\PC{0,200}") {
        parse_terminates(&src);
    }

    #[test]
    fn token_soup(pieces in prop::collection::vec(0..PIECES.len(), 0..60)) {
        let src: String = pieces.into_iter().map(|i| PIECES[i]).collect();
        parse_terminates(&src);
    }

    #[test]
    fn mutated_programs(seed in 0..SEEDS.len(), edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<usize>()), 1..8)) {
        parse_terminates(&mutate(SEEDS[seed], &edits));
    }
}
