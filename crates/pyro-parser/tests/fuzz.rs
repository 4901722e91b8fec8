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

// ---------------------------------------------------------------- deep and long shapes

use pyro_parser::depth::MAX_DEPTH;

/// Constructs that nest inside themselves, as `(before, after)` around an
/// expression. Each adds one or two levels of nesting (of brackets,
/// expressions or f-strings).
const NESTERS: &[(&str, &str)] = &[
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("(", ",)"),
    ("- ", ""),
    ("~", ""),
    ("not ", ""),
    ("lambda: ", ""),
    ("f\"{", "}\""),
    ("", ".a"),
    ("", "()"),
    ("", "[0]"),
    ("", "[1:2]"),
    ("", " + 1"),
    ("1 ** ", ""),
    ("a and ", ""),
    ("1 if c else ", ""),
    ("(x for x in ", ")"),
    ("[x for x in ", "]"),
    ("{1: ", "}"),
    ("g(", ")"),
    ("g(k=", ")"),
    ("go g(", ")"),
];

/// Type constructs that nest, as `(before, after)` around a type.
const TYPE_NESTERS: &[(&str, &str)] = &[
    ("list<", ">"),
    ("dict<int, ", ">"),
    ("", "?"),
    ("() -> ", ""),
    ("(", ",)"),
    ("(int, ", ")"),
];

/// Block statements, as the header of a block holding the next level.
const BLOCKS: &[&str] = &[
    "if c:",
    "while c:",
    "for x in y:",
    "def f():",
    "class C:",
    "with a:",
];

fn nest(wrappers: &[(&str, &str)], inner: &str) -> String {
    let mut s = String::with_capacity(inner.len() + wrappers.len() * 8);
    for (before, _) in wrappers {
        s.push_str(before);
    }
    s.push_str(inner);
    for (_, after) in wrappers.iter().rev() {
        s.push_str(after);
    }
    s
}

fn blocks(headers: &[&str]) -> String {
    let mut s = String::new();
    for (i, header) in headers.iter().enumerate() {
        s.push_str(&" ".repeat(i));
        s.push_str(header);
        s.push('\n');
    }
    s.push_str(&" ".repeat(headers.len()));
    s.push_str("pass\n");
    s
}

/// Parses and dumps `src` on a thread with a small stack (1 MiB, half an
/// embedder's Tokio worker): nothing the front end does may depend on the
/// stack being big. Returns the error codes.
fn codes_on_small_stack(src: String) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let started = Instant::now();
            let parsed = pyro_parser::parse_text(&src, 0);
            let _ = pyro_parser::dump::module(&parsed.module, &|_| 1);
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "took {:?} for {} bytes",
                started.elapsed(),
                src.len()
            );
            parsed
                .errors
                .iter()
                .map(|e| {
                    use miette::Diagnostic;
                    e.code().map(|c| c.to_string()).unwrap_or_default()
                })
                .collect()
        })
        .expect("thread")
        .join()
        .expect("no panic, no overflow")
}

#[test]
fn every_nesting_construct_works_to_the_limit_and_stops_past_it() {
    for &wrapper in NESTERS {
        // Every construct adds at most two levels.
        let ok = format!("x = {}\n", nest(&vec![wrapper; MAX_DEPTH / 2], "v"));
        assert_eq!(
            codes_on_small_stack(ok),
            Vec::<String>::new(),
            "{wrapper:?}"
        );
        let deep = format!("x = {}\n", nest(&vec![wrapper; 5_000], "v"));
        assert_eq!(codes_on_small_stack(deep), ["E0040"], "{wrapper:?}");
    }
    for &wrapper in TYPE_NESTERS {
        let ok = format!(
            "let x: {} = 1\n",
            nest(&vec![wrapper; MAX_DEPTH / 2], "int")
        );
        assert_eq!(
            codes_on_small_stack(ok),
            Vec::<String>::new(),
            "{wrapper:?}"
        );
        let deep = format!("let x: {} = 1\n", nest(&vec![wrapper; 5_000], "int"));
        assert_eq!(codes_on_small_stack(deep), ["E0040"], "{wrapper:?}");
    }
    for &header in BLOCKS {
        assert_eq!(
            codes_on_small_stack(blocks(&vec![header; MAX_DEPTH])),
            Vec::<String>::new()
        );
        assert_eq!(
            codes_on_small_stack(blocks(&vec![header; MAX_DEPTH + 200])),
            ["E0040"]
        );
    }
    // Patterns nest in brackets and class patterns; dotted names are chains.
    let case = |p: String| format!("match v:\n    case {p}:\n        pass\n");
    let list = |n: usize| case(nest(&vec![("[", "]"); n], "x"));
    assert_eq!(
        codes_on_small_stack(list(MAX_DEPTH - 1)),
        Vec::<String>::new()
    );
    assert_eq!(codes_on_small_stack(list(5_000)), ["E0040"]);
    let class = |n: usize| case(nest(&vec![("P(", ")"); n], "x"));
    assert_eq!(
        codes_on_small_stack(class(MAX_DEPTH / 2)),
        Vec::<String>::new()
    );
    assert_eq!(codes_on_small_stack(class(5_000)), ["E0040"]);
    let dotted = |n: usize| case(format!("a{}", ".b".repeat(n)));
    assert_eq!(
        codes_on_small_stack(dotted(MAX_DEPTH / 2)),
        Vec::<String>::new()
    );
    assert_eq!(codes_on_small_stack(dotted(5_000)), ["E0040"]);
}

#[test]
fn one_statement_too_deep_is_one_error_and_the_rest_still_parses() {
    let src = format!(
        "a = 1\nb = {}\nc = {}\nd = 2\n",
        nest(&vec![("- ", ""); 10_000], "1"),
        nest(&vec![("", "?"); 10], "1")
    );
    let parsed = pyro_parser::parse_text(&src, 0);
    assert_eq!(parsed.errors.len(), 2, "{:?}", parsed.errors);
    assert_eq!(parsed.module.body.len(), 2);
}

#[test]
fn long_flat_shapes_parse() {
    let n = 10_000;
    let shapes = [
        format!("x = [{}]\n", vec!["1"; n].join(", ")),
        format!(
            "x = {{{}}}\n",
            (0..n)
                .map(|i| format!("{i}: {i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("x = g({})\n", vec!["1"; n].join(", ")),
        format!("x = 1 {}\n", "< 1 ".repeat(n)),
        (0..n).map(|i| format!("x{i} = {i}\n")).collect(),
        format!("x = 1{}\n", "; x = 1".repeat(n)),
        format!("s = \"\"\"{}\"\"\"\n", "line\n".repeat(n)),
        format!("s = \"{}\"\n", "a".repeat(50 * n)),
        format!("s = f\"{}\"\n", "{x}".repeat(n)),
        format!(
            "if c == 0:\n    pass\n{}else:\n    pass\n",
            (1..n)
                .map(|i| format!("elif c == {i}:\n    pass\n"))
                .collect::<String>()
        ),
        format!(
            "def f({}):\n    pass\n",
            (0..n)
                .map(|i| format!("p{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "g({})\n",
            (0..n)
                .map(|i| format!("k{i}=1"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    for src in shapes {
        let len = src.len();
        assert_eq!(
            codes_on_small_stack(src),
            Vec::<String>::new(),
            "{len} bytes"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Nesting made of every construct mixed, shallow or far too deep: any
    /// result but a panic, an overflow or a hang will do, and past twice the
    /// limit there must be an error.
    #[test]
    fn mixed_deep_nesting(picks in prop::collection::vec(0..NESTERS.len(), 0..3_000)) {
        let wrappers: Vec<(&str, &str)> = picks.iter().map(|&i| NESTERS[i]).collect();
        let codes = codes_on_small_stack(format!("x = {}\n", nest(&wrappers, "v")));
        if wrappers.len() > 2 * MAX_DEPTH {
            prop_assert!(!codes.is_empty());
        }
    }

    /// Arbitrary bytes: text that is UTF-8 parses to a module or errors (a
    /// file that is not is refused before parsing, by the caller).
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(src) = std::str::from_utf8(&bytes) {
            parse_terminates(src);
        }
        parse_terminates(&String::from_utf8_lossy(&bytes));
    }
}
