//! `pyro check`: the gradual static type checker of LANGUAGE.md §10.
//!
//! It sits beside the compiler in the data flow (source → lexer → parser →
//! AST → checker → diagnostics) and never runs code. A file is checked in
//! three layers, each reporting every error it finds: syntax (the parser),
//! scope (the compiler: undefined names, assignment to `let`), and types
//! (this crate).
//!
//! Types come from annotations and from initializers (`let x = 1` is
//! `int`); anything else is `any`, which is compatible with everything, so
//! unannotated code is never flagged. Builtins, std modules and the methods
//! of built-in types take their signatures from `pyro-builtins`, the same
//! catalogue the VM implements; std modules written in Pyro are read from
//! their source.
//!
//! ```
//! use pyro_source::SourceMap;
//! let map = SourceMap::new();
//! let file = map.add("demo.pyro", "let n: int = \"ten\"\n");
//! let errors = pyro_check::check_file(&file, None);
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].code().unwrap().to_string(), "E0308");
//! ```

mod check;
mod diag;
mod expr;
mod floor;
mod members;
mod overrides;
mod pattern;
mod rel;
mod stmt;
mod ty;

use std::path::Path;

pub use diag::{explain, Code, TypeError, ALL_CODES};

/// One reported problem, of any stage, ready for miette.
pub type Report = Box<dyn miette::Diagnostic + Send + Sync>;

/// Everything `pyro check` reports for one file, in source order: errors,
/// and warnings (their `severity()` says which). `dir` is the directory
/// imports are resolved against (the file's own).
pub fn check_file(file: &pyro_source::SourceFile, dir: Option<&Path>) -> Vec<Report> {
    let parsed = pyro_parser::parse_file(file);
    if !parsed.errors.is_empty() {
        // A `//` read as floor division often explains the syntax error
        // (`print(n // 2)` leaves a bracket open).
        let warnings = floor::floor_division_warnings(file, &parsed.floor_comments, None);
        let mut out: Vec<(u32, Report)> = Vec::new();
        for e in parsed.errors {
            out.push((e.span().lo, Box::new(e)));
        }
        for w in warnings {
            out.push((w.span.lo, Box::new(w)));
        }
        out.sort_by_key(|(at, _)| *at);
        return out.into_iter().map(|(_, e)| e).collect();
    }
    let mut out: Vec<(u32, Report)> = Vec::new();
    let code = match pyro_compiler::compile_module(&parsed.module, "<check>") {
        Ok(code) => Some(code),
        Err(errors) => {
            for e in errors {
                out.push((e.span().lo, Box::new(e)));
            }
            None
        }
    };
    let warnings = floor::floor_division_warnings(file, &parsed.floor_comments, code.as_deref());
    for e in check_module(&parsed.module, dir)
        .into_iter()
        .chain(warnings)
    {
        out.push((e.span.lo, Box::new(e)));
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, e)| e).collect()
}

/// The type errors of a parsed module.
pub fn check_module(module: &pyro_parser::ast::Module, dir: Option<&Path>) -> Vec<TypeError> {
    let mut checker = check::Checker::new(dir.map(Path::to_path_buf));
    checker.check_module(module);
    let mut diags = checker.diags;
    diags.sort_by_key(|d| d.span.lo);
    diags.dedup();
    diags
}

#[cfg(test)]
mod tests {
    use pyro_source::SourceMap;

    /// The codes reported for a program, in order.
    fn codes(src: &str) -> Vec<String> {
        let map = SourceMap::new();
        let file = map.add("t.pyro", src);
        super::check_file(&file, None)
            .iter()
            .map(|d| d.code().map(|c| c.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn unannotated_code_is_never_flagged() {
        assert!(codes(
            "def f(x):\n    return x + 1\nprint(f(\"a\"))\nlet y = f(2)\ny.anything()\n"
        )
        .is_empty());
    }

    #[test]
    fn numbers_widen_but_strings_do_not_convert() {
        assert!(codes("let x: float = 1\nmut n = 1\nn /= 2\n").is_empty());
        assert_eq!(codes("let s: string = 1\n"), ["E0308"]);
        assert_eq!(codes("print(\"a\" + 1)\n"), ["E0350"]);
    }

    #[test]
    fn optionals_need_narrowing() {
        let narrowed =
            "def f(x: int?) -> int:\n    if x is None:\n        return 0\n    return x + 1\n";
        assert!(codes(narrowed).is_empty());
        assert_eq!(
            codes("def f(x: int?) -> int:\n    return x + 1\n"),
            ["E0309"]
        );
        assert_eq!(codes("def f(x: int?) -> int:\n    return x\n"), ["E0308"]);
        assert!(codes("def f(x: int?) -> int:\n    return x if x else 0\n").is_empty());
    }

    #[test]
    fn immutable_collections_have_no_mutators() {
        assert_eq!(codes("let xs = [1]\nxs.push(2)\n"), ["E0330"]);
        assert!(codes("let xs = ListMutable([1])\nxs.push(2)\n").is_empty());
        assert_eq!(
            codes("let xs = ListMutable([1])\nxs.push(\"a\")\n"),
            ["E0308"]
        );
    }

    #[test]
    fn interfaces_are_structural() {
        let src = "interface Shape:\n    def area(self) -> float\nclass Sq:\n    def area(self) -> float:\n        return 1.0\nclass No:\n    pass\nlet a: Shape = Sq()\nlet b: Shape = No()\n";
        assert_eq!(codes(src), ["E0360"]);
    }

    #[test]
    fn recursive_interfaces_are_decided_coinductively() {
        let classes = "interface I:
    def f(self) -> I
    def h(self) -> int
class A:
    def f(self) -> B:
        return B()
    def h(self) -> string:
        return \"a\"
class B:
    def f(self) -> A:
        return A()
    def h(self) -> int:
        return 1
class C:
    def f(self) -> D:
        return D()
    def h(self) -> int:
        return 1
class D:
    def f(self) -> C:
        return C()
    def h(self) -> int:
        return 2
";
        // B is fine by itself but leads to A, which is not: the success of
        // `B` assumed while `A` was decided must not survive A's failure.
        for (uses, want) in [
            ("let b: I = B()\n", vec!["E0360"]),
            ("let c: I = C()\nlet d: I = D()\n", vec![]),
            ("let a: I = A()\n", vec!["E0360"]),
            ("let t: tuple<I, I> = (C(), B())\n", vec!["E0360"]),
            ("let t: tuple<I, I> = (D(), C())\n", vec![]),
            (
                "def pick(x: I | int) -> None:\n    pass\npick(B())\npick(C())\n",
                vec!["E0360"],
            ),
        ] {
            assert_eq!(codes(&format!("{classes}{uses}")), want, "{uses}");
        }
    }

    #[test]
    fn overrides_are_checked_in_both_directions() {
        let base = "class A:\n    def m(self, x: float) -> float:\n        return x\nclass B(A):\n    pass\n";
        let sub = |def: &str| {
            format!("{base}class C(B):\n    def m{def}:\n        raise Error(\"no\")\n")
        };
        // Wider parameter, narrower return, an extra optional parameter,
        // no annotations: fine.
        for ok in [
            "(self, x: float) -> int",
            "(self, x: float?, y: int = 0) -> float",
            "(self, x)",
            "(self, *xs: float)",
        ] {
            assert!(codes(&sub(ok)).is_empty(), "{ok}");
        }
        for bad in [
            "(self, x: int) -> float",
            "(self, x: float) -> string",
            "(self) -> float",
            "(self, x: float, y: int) -> float",
        ] {
            assert_eq!(codes(&sub(bad)), ["E0361"], "{bad}");
        }
        // `__init__` is exempt; an interface's method is compared too.
        assert!(codes("class A:\n    def __init__(self, x: int):\n        pass\nclass B(A):\n    def __init__(self):\n        pass\n").is_empty());
        assert_eq!(
            codes("interface I:\n    def f(self) -> int\nclass C(I):\n    def f(self) -> string:\n        return \"\"\n"),
            ["E0361"]
        );
    }

    #[test]
    fn floor_division_comments_are_warnings() {
        let map = SourceMap::new();
        let file = map.add("t.pyro", "let n = 7\nlet h = n // 2\nlet k = n // TODO\n");
        let reports = super::check_file(&file, None);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].code().unwrap().to_string(), "W0300");
        assert_eq!(reports[0].severity(), Some(miette::Severity::Warning));
        // A name the program binds reads as an operand; a word does not.
        assert_eq!(
            codes("let n = 7\nlet k = 2\nprint(n // k)\n"),
            ["E0010", "W0300"]
        );
        assert_eq!(codes("let n = 7\nlet k = 2\nlet h = n // k\n"), ["W0300"]);
        assert!(codes("let n = 7 // days\nlet c = n // capacity 1\n").is_empty());
    }

    #[test]
    fn a_generic_function_stands_in_for_a_specific_one() {
        let src = "def ident<T>(x: T) -> T:\n    return x\nlet f: (int) -> int = ident\n";
        assert!(codes(src).is_empty());
        let src = "def ident<T>(x: T) -> T:\n    return x\nlet f: (int, int) -> int = ident\n";
        assert_eq!(codes(src), ["E0308"]);
    }

    #[test]
    fn generic_arguments_are_inferred() {
        let src = "def first<T>(xs: list<T>) -> T:\n    return xs[0]\nlet n: int = first([1, 2])\nlet s: string = first([1, 2])\n";
        assert_eq!(codes(src), ["E0308"]);
    }

    #[test]
    fn channel_views_have_directions() {
        let src = "def f(tx: Sender<int>, rx: Receiver<int>):\n    tx.collect()\n    rx.push(1)\n    tx.push(\"a\")\n";
        assert_eq!(codes(src), ["E0340", "E0340", "E0341"]);
    }

    #[test]
    fn calls_check_arity_and_keywords() {
        let src = "def f(a: int, b: int = 0) -> int:\n    return a + b\nf(1, 2, 3)\nf(c=1)\n";
        assert_eq!(codes(src), ["E0310", "E0312", "E0311"]);
    }

    #[test]
    fn returns_are_checked() {
        assert_eq!(codes("def f() -> None:\n    return 1\n"), ["E0370"]);
        assert_eq!(
            codes("def f(x: int) -> int:\n    if x > 0:\n        return 1\n"),
            ["E0371"]
        );
        assert!(codes("def f(x: int) -> int:\n    while true:\n        return x\n").is_empty());
    }

    #[test]
    fn scope_errors_come_from_the_compiler() {
        assert_eq!(codes("let x = 1\nx = 2\nprint(y)\n"), ["E0101", "E0100"]);
    }
}
