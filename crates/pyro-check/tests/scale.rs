//! The checker on generated inputs too big to commit: types that double at
//! every line, recursive definitions, nesting up to the front end's limit,
//! and large flat programs. Each case must finish in seconds (in a debug
//! build) on a thread with a small stack, and its cost must grow with the
//! input, not faster.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pyro_check::TypeError;

/// The stack the checker runs on: smaller than any thread it meets in
/// practice (an embedder's Tokio worker has 2 MiB), so every deep walk has
/// to grow its stack on the heap.
const SMALL_STACK: usize = 512 * 1024;

/// Held while a check is timed, so that the tests of this file (which run
/// in parallel) do not slow each other's measurements down.
static TIMING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses `src` on a thread with room (the parser is not under test here),
/// checks it on a small stack, and returns the errors and the time the
/// check took.
fn check_in(src: String, dir: Option<PathBuf>, runs: usize) -> (Vec<TypeError>, Duration) {
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let parsed = pyro_parser::parse_text(&src, 0);
            assert!(
                parsed.errors.is_empty(),
                "the generated program does not parse: {}",
                parsed.errors[0]
            );
            let mut module = parsed.module;
            let mut best = Duration::MAX;
            let mut errors = Vec::new();
            for _ in 0..runs {
                let dir = dir.clone();
                let (m, errs, took) = std::thread::Builder::new()
                    .stack_size(SMALL_STACK)
                    .spawn(move || {
                        let _timing = TIMING.lock().unwrap_or_else(|e| e.into_inner());
                        let start = Instant::now();
                        let errs = pyro_check::check_module(&module, dir.as_deref());
                        let took = start.elapsed();
                        (module, errs, took)
                    })
                    .expect("spawn the checking thread")
                    .join()
                    .expect("the checker must not panic or overflow");
                module = m;
                errors = errs;
                best = best.min(took);
            }
            (errors, best)
        })
        .expect("spawn the parsing thread")
        .join()
        .expect("the parser must not panic")
}

fn check(src: String) -> Vec<TypeError> {
    check_in(src, None, 1).0
}

fn codes(errors: &[TypeError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.code.as_str()).collect()
}

/// Everything an error shows, as `--format json` carries it.
fn shown(e: &TypeError) -> usize {
    e.message.len()
        + e.label.len()
        + e.help.as_ref().map_or(0, String::len)
        + e.secondary.as_ref().map_or(0, |(_, s)| s.len())
}

// ------------------------------------------------------------ shared types

/// A program whose `x{n}` has a type with 2^n leaves, built by `step` from
/// `x{i-1}`, with `prelude` before it.
fn doubling(prelude: &str, step: &dyn Fn(usize) -> String, n: usize) -> String {
    let mut src = String::from(prelude);
    for i in 1..=n {
        src.push_str(&step(i));
        src.push('\n');
    }
    src
}

/// A way to double a type: its name, the lines before, and line `i`.
type Shape = (&'static str, String, Box<dyn Fn(usize) -> String>);

/// The shapes a type can double through.
fn shapes() -> Vec<Shape> {
    let p = |i: usize| i - 1;
    vec![
        (
            "tuples",
            "let x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = (x{}, x{})", p(i), p(i))),
        ),
        (
            "lists",
            "let x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = [x{}, x{}]", p(i), p(i))),
        ),
        (
            "dicts",
            "let x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = {{\"a\": x{}, \"b\": x{}}}", p(i), p(i))),
        ),
        (
            "dict keys",
            "let x0 = (1, 2)\n".into(),
            Box::new(move |i| format!("let x{i} = {{x{}: x{}}}", p(i), p(i))),
        ),
        (
            "functions returning tuples",
            "let x0 = 1\n".into(),
            Box::new(move |i| {
                format!(
                    "def f{i}() -> tuple<any, any>:\n    return (x{}, x{})\nlet x{i} = (f{i}, x{}, x{})",
                    p(i),
                    p(i),
                    p(i),
                    p(i)
                )
            }),
        ),
        (
            "generics",
            "def pair<T>(x: T) -> tuple<T, T>:\n    return (x, x)\nlet x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = pair(x{})", p(i))),
        ),
        (
            "records",
            "record R<T>(a: T, b: T)\nlet x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = R(x{}, x{})", p(i), p(i))),
        ),
        (
            "unions",
            "def c() -> bool:\n    return true\nlet x0 = 1\nlet y0 = \"s\"\n".into(),
            Box::new(move |i| {
                format!(
                    "let x{i} = (x{}, y{}) if c() else [x{}, y{}]\nlet y{i} = (y{}, x{}) if c() else {{\"k\": x{}}}",
                    p(i),
                    p(i),
                    p(i),
                    p(i),
                    p(i),
                    p(i),
                    p(i)
                )
            }),
        ),
        (
            "lambdas",
            "let x0 = 1\n".into(),
            Box::new(move |i| format!("let x{i} = lambda: (x{}, x{})", p(i), p(i))),
        ),
    ]
}

#[test]
fn doubling_types_are_shared_not_copied() {
    for n in [64, 200] {
        for (what, prelude, step) in shapes() {
            let mut src = doubling(&prelude, &*step, n);
            // Uses that walk the type: iteration, indexing, printing, an
            // f-string, comparison, a container, passing it on.
            writeln!(
                src,
                "print(x{n})\nlet s = f\"{{x{n}}}\"\nlet same = x{n} == x{n}\nlet held = [x{n}, x{n}]\n\
                 def id<T>(v: T) -> T:\n    return v\nlet again = id(x{n})\nmut m = x{n}\nm = again\n\
                 let bad: int = x{n}"
            )
            .unwrap();
            let start = Instant::now();
            let errors = check(src);
            let took = start.elapsed();
            assert_eq!(codes(&errors), ["E0308"], "{what}, {n} lines: {errors:?}");
            assert!(
                shown(&errors[0]) < 1500,
                "{what}, {n} lines: the message is {} characters",
                shown(&errors[0])
            );
            assert!(
                errors[0].message.contains('…'),
                "{what}: the type is elided"
            );
            assert!(
                took < Duration::from_secs(20),
                "{what}, {n} lines: {took:?}"
            );
        }
    }
}

#[test]
fn equal_types_built_apart_are_one_type() {
    // `x` by tuple literals, `y` by a generic function, `z` different only
    // at the bottom: comparing them visits each distinct pair once.
    for n in [64, 200] {
        let mut src = String::from(
            "def pair<T>(x: T) -> tuple<T, T>:\n    return (x, x)\nlet x0 = 1\nlet y0 = 1\nlet z0 = \"s\"\n",
        );
        for i in 1..=n {
            let j = i - 1;
            writeln!(
                src,
                "let x{i} = (x{j}, x{j})\nlet y{i} = pair(y{j})\nlet z{i} = (z{j}, z{j})"
            )
            .unwrap();
        }
        writeln!(src, "mut m = x{n}\nm = y{n}\nm = z{n}").unwrap();
        let errors = check(src);
        assert_eq!(codes(&errors), ["E0308"], "{n}: {errors:?}");
        assert!(shown(&errors[0]) < 1500, "{}", shown(&errors[0]));
    }
}

// ------------------------------------------------------------ recursion

#[test]
fn a_long_cycle_of_interfaces_terminates() {
    // I0.next() -> I1, …, I999.next() -> I0, satisfied by C0 … C999 in the
    // same pattern; then the same with one method of the wrong type.
    let n = 1000;
    let program = |broken: Option<usize>| {
        let mut src = String::new();
        for i in 0..n {
            let next = (i + 1) % n;
            writeln!(
                src,
                "interface I{i}:\n    def next(self) -> I{next}\n    def me(self, other: I{i}) -> I{i}"
            )
            .unwrap();
            let ret = if broken == Some(i) {
                "int".to_string()
            } else {
                format!("C{next}")
            };
            writeln!(
                src,
                "class C{i}:\n    def next(self) -> {ret}:\n        return C{next}()\n    def me(self, other: I{i}) -> C{i}:\n        return self"
            )
            .unwrap();
        }
        src.push_str("let i: I0 = C0()\n");
        src
    };
    assert_eq!(codes(&check(program(None))), Vec::<&str>::new());
    let errors = check(program(Some(700)));
    // The broken return, and the chain of interfaces it breaks.
    assert!(codes(&errors).contains(&"E0360"), "{errors:?}");
    assert!(errors.iter().all(|e| shown(e) < 1000));
}

#[test]
fn generic_interfaces_that_expand_terminate() {
    // Every method returns the class applied to a bigger argument, along
    // three constructors: the pairs to compare grow without end.
    let src = "interface P<T>:
    def a(self) -> P<list<T>>
    def b(self) -> P<set<T>>
    def c(self) -> P<tuple<T, T>>
class Q<T>:
    def a(self) -> Q<list<T>>:
        return Q<list<T>>()
    def b(self) -> Q<set<T>>:
        return Q<set<T>>()
    def c(self) -> Q<tuple<T, T>>:
        return Q<tuple<T, T>>()
class R<T>:
    def a(self) -> R<list<T>>:
        return R<list<T>>()
    def b(self) -> R<set<T>>:
        return R<set<T>>()
    def c(self) -> int:
        return 1
let p: P<int> = Q<int>()
let r: P<int> = R<int>()
";
    let start = Instant::now();
    let errors = check(src.to_string());
    assert_eq!(codes(&errors), ["E0360"], "{errors:?}");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn long_inheritance_and_alias_chains() {
    let n = 2000;
    let mut src = String::from("class C0:\n    def base(self) -> int:\n        return 0\n");
    for i in 1..n {
        writeln!(src, "class C{i}(C{}):\n    pass", i - 1).unwrap();
    }
    writeln!(
        src,
        "let c: C0 = C{}()\nlet b: int = C{}().base()",
        n - 1,
        n - 1
    )
    .unwrap();
    // Aliases declared last first, and a cycle through all of them.
    for i in (1..n).rev() {
        writeln!(src, "type A{i} = list<A{}>", i - 1).unwrap();
    }
    src.push_str("type A0 = int\nlet deep: A1 = [1]\n");
    for i in 0..n {
        writeln!(src, "type B{i} = B{}?", (i + 1) % n).unwrap();
    }
    let errors = check(src);
    assert_eq!(codes(&errors), ["E0380"], "{errors:?}");
    assert!(errors[0].message.len() < 100_000);
}

// ------------------------------------------------------------ nesting

/// Programs nested up to the front end's limit (1 000 levels); each checks
/// on the small stack with the errors given.
#[test]
fn nesting_to_the_limit_checks_on_a_small_stack() {
    let d = 990;
    let nest = |open: &str, inner: &str, close: &str| {
        format!("{}{inner}{}", open.repeat(d), close.repeat(d))
    };
    let lists = nest("list<", "int", ">");
    let block = |head: &dyn Fn(usize) -> String, last: &str| {
        let mut s = String::new();
        for i in 0..d {
            writeln!(s, "{}{}", "    ".repeat(i), head(i)).unwrap();
        }
        writeln!(s, "{}{last}", "    ".repeat(d)).unwrap();
        s
    };
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "parentheses",
            format!("let x: string = {}\n", nest("(", "1", ")")),
            vec!["E0308"],
        ),
        (
            "list annotation and literal",
            format!("let x: {lists} = {}\n", nest("[", "1", "]")),
            vec![],
        ),
        (
            "list literal of the wrong type",
            format!("let x: {lists} = {}\n", nest("[", "\"s\"", "]")),
            vec!["E0308"],
        ),
        (
            "tuple annotation and literal",
            format!(
                "let x: {} = {}\n",
                nest("tuple<", "int", ">"),
                nest("(", "1", ",)")
            ),
            vec![],
        ),
        (
            "parameter and return annotations",
            format!(
                "def f(x: {lists}) -> {}:\n    return x\n",
                nest("dict<string, ", "int", ">")
            ),
            vec!["E0308"],
        ),
        (
            "optional",
            format!("let x: int{} = None\nlet y: int = x\n", "?".repeat(d)),
            vec!["E0308"],
        ),
        (
            "calls",
            format!(
                "def f(x: int) -> int:\n    return x\nlet y: string = {}\n",
                nest("f(", "1", ")")
            ),
            vec!["E0308"],
        ),
        (
            "lambdas",
            format!("let y = {}1\n", "lambda: ".repeat(d)),
            vec![],
        ),
        (
            "conditional expressions",
            format!("let y = {}2\n", "1 if true else ".repeat(d)),
            vec![],
        ),
        ("not", format!("let y = {}true\n", "not ".repeat(d)), vec![]),
        (
            "and",
            format!(
                "def f(x: int?) -> int:\n    if {}:\n        return x\n    return 0\n",
                vec!["x is not None"; d].join(" and ")
            ),
            vec![],
        ),
        (
            "attributes",
            format!(
                "class A:\n    def __init__(self):\n        self.a = self\nlet y: int = A(){}\n",
                ".a".repeat(d)
            ),
            vec!["E0308"],
        ),
        (
            "ifs",
            block(&|_| "if true:".into(), "let z: int = \"s\""),
            vec!["E0308"],
        ),
        (
            "loops",
            format!(
                "def g(x: int) -> int:\n{}",
                block(&|i| format!("    while x > {i}:"), "    return x")
            ),
            vec!["E0371"],
        ),
        (
            "functions",
            block(&|i| format!("def f{i}(x: int) -> int:"), "return 1"),
            vec!["E0371"; d - 1],
        ),
        (
            "lists of lists",
            format!("let x = {}\nlet y: int = x\n", nest("[", "1", "]")),
            vec!["E0308"],
        ),
    ];
    for (what, src, want) in cases {
        let start = Instant::now();
        let errors = check(src);
        assert_eq!(codes(&errors), want, "{what}: {:?}", errors.first());
        assert!(
            errors.iter().all(|e| shown(e) < 1000),
            "{what}: long message"
        );
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
    }
}

// ------------------------------------------------------------ flat programs

/// Asserts that checking `gen(n)` costs about ten times checking
/// `gen(n / 10)` (the best of two runs each): a cost quadratic in the
/// input would be a hundred times. The bound leaves room for a loaded
/// machine.
fn assert_linear(what: &str, gen: &dyn Fn(usize) -> String, n: usize, dir: Option<&Path>) {
    let dir = dir.map(Path::to_path_buf);
    let (errors, small) = check_in(gen(n / 10), dir.clone(), 2);
    assert!(errors.is_empty(), "{what}: {:?}", errors.first());
    let linear = |big: Duration| big < Duration::from_millis(500) || big < small * 40;
    let (errors, mut big) = check_in(gen(n), dir.clone(), 1);
    assert!(errors.is_empty(), "{what}: {:?}", errors.first());
    if !linear(big) {
        // Once more, in case the machine was busy.
        big = big.min(check_in(gen(n), dir, 1).1);
    }
    assert!(
        linear(big),
        "{what}: {n} took {big:?}, {} took {small:?}",
        n / 10
    );
    assert!(big < Duration::from_secs(60), "{what}: {big:?}");
}

#[test]
fn statements() {
    let gen = |n: usize| {
        let mut s = String::from("def inc(x: int) -> int:\n    return x + 1\nmut total = 0\n");
        for i in 0..n / 4 {
            writeln!(
                s,
                "let v{i} = inc({i})\ntotal = total + v{i}\nprint(v{i}, total)\nif v{i} > 3:\n    total += 1"
            )
            .unwrap();
        }
        s
    };
    assert_linear("100 000 statements", &gen, 100_000, None);
}

#[test]
fn functions() {
    let gen = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            writeln!(
                s,
                "def f{i}(a: int, b: string = \"x\") -> int:\n    let c = a * 2\n    return c + len(b) + f{}(a)",
                (i + 1) % n
            )
            .unwrap();
        }
        for i in 0..n {
            writeln!(s, "print(f{i}({i}))").unwrap();
        }
        s
    };
    assert_linear("10 000 functions", &gen, 10_000, None);
}

#[test]
fn class_with_many_methods() {
    let gen = |n: usize| {
        let mut s = String::from(
            "interface Named:\n    def m0(self, x: int) -> int\nclass Big:\n    def __init__(self):\n        self.n = 0\n",
        );
        for i in 0..n {
            writeln!(
                s,
                "    def m{i}(self, x: int) -> int:\n        self.n += x\n        return self.m{}(x) if x > 0 else self.n",
                (i + 1) % n
            )
            .unwrap();
        }
        s.push_str("let b = Big()\nlet named: Named = b\n");
        for i in 0..n {
            writeln!(s, "print(b.m{i}({i}))").unwrap();
        }
        s
    };
    assert_linear("a class with 10 000 methods", &gen, 10_000, None);
}

#[test]
fn an_inheritance_chain_of_overrides() {
    // Each class overrides the root's method and adds one of its own,
    // which no base has: finding what a method overrides must not walk
    // the whole chain for every method.
    let gen = |n: usize| {
        let mut s =
            String::from("class C0:\n    def m(self, x: int) -> float:\n        return 0.0\n");
        for i in 1..n {
            writeln!(
                s,
                "class C{i}(C{}):\n    def m(self, x: float) -> int:\n        return {i}\n    def own{i}(self) -> int:\n        return {i}",
                i - 1
            )
            .unwrap();
        }
        s
    };
    assert_linear("a chain of 5 000 classes", &gen, 5_000, None);
}

#[test]
fn class_with_many_properties() {
    // Properties with setters, static and class methods: each member is
    // found through the class's index, not by a search of its members.
    let gen = |n: usize| {
        let mut s = String::from("class Big:\n    def __init__(self):\n        self.n = 0\n");
        for i in 0..n {
            writeln!(
                s,
                "    @property\n    def p{i}(self) -> int:\n        return self.n + {i}\n    @p{i}.setter\n    def p{i}(self, v: int):\n        self.p{} = v\n    @staticmethod\n    def s{i}(x: int) -> int:\n        return x\n    @classmethod\n    def c{i}(cls) -> Big:\n        return cls()",
                (i + 1) % n
            )
            .unwrap();
        }
        s.push_str("let b = Big()\n");
        for i in 0..n {
            writeln!(s, "b.p{i} = b.p{i} + Big.s{i}({i}) + b.c{i}().n").unwrap();
        }
        s
    };
    assert_linear("a class with 3 000 properties", &gen, 3_000, None);
}

#[test]
fn imports_of_one_module() {
    let dir = std::env::temp_dir().join(format!("pyro-check-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut lib =
        String::from("def helper(x: int) -> int:\n    return x\nclass Thing:\n    pass\n");
    for i in 0..100 {
        writeln!(lib, "def g{i}() -> int:\n    return {i}").unwrap();
    }
    std::fs::write(dir.join("_lib.pyro"), lib).unwrap();
    let gen = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            let line = match i % 6 {
                0 => "import std.math".to_string(),
                1 => "from std.math import sqrt".to_string(),
                2 => "import _lib".to_string(),
                3 => "from _lib import helper, Thing".to_string(),
                4 => format!("import std.math as m{i}"),
                _ => "from _lib import *".to_string(),
            };
            writeln!(s, "{line}").unwrap();
        }
        s.push_str("print(helper(1), g5(), sqrt(2.0), _lib.g7())\n");
        s
    };
    assert_linear("10 000 imports", &gen, 10_000, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn large_literals() {
    let items = |n: usize, item: &dyn Fn(usize) -> String| -> String {
        (0..n).map(item).collect::<Vec<_>>().join(", ")
    };
    let list = |n: usize| format!("let xs: list<int> = [{}]\n", items(n, &|i| i.to_string()));
    assert_linear("a list of 100 000", &list, 100_000, None);
    // The other shapes together, at a size that keeps parsing them quick.
    let others = |n: usize| {
        format!(
            "let d: dict<string, int> = {{{}}}\nlet s = {{{}}}\nlet t = ({})\nlet (a, *rest) = t\nlet u: int = t[5]\nlet m = [{}]\n",
            items(n, &|i| format!("\"k{i}\": {i}")),
            items(n, &|i| i.to_string()),
            items(n, &|i| if i % 2 == 1 { i.to_string() } else { format!("\"{i}\"") }),
            items(n, &|i| if i % 3 == 0 { format!("[{i}]") } else { format!("({i}, \"a\")") }),
        )
    };
    assert_linear(
        "dicts, sets, tuples and mixed lists of 30 000",
        &others,
        30_000,
        None,
    );
}
