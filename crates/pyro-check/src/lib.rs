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
mod members;
mod pattern;
mod rel;
mod stmt;
mod ty;

use std::path::Path;

pub use diag::{explain, Code, TypeError, ALL_CODES};

/// One reported problem, of any stage, ready for miette.
pub type Report = Box<dyn miette::Diagnostic + Send + Sync>;

/// Everything `pyro check` reports for one file, in source order. `dir` is
/// the directory imports are resolved against (the file's own).
pub fn check_file(file: &pyro_source::SourceFile, dir: Option<&Path>) -> Vec<Report> {
    let parsed = pyro_parser::parse_file(file);
    if !parsed.errors.is_empty() {
        return parsed
            .errors
            .into_iter()
            .map(|e| Box::new(e) as Report)
            .collect();
    }
    let mut out: Vec<(u32, Report)> = Vec::new();
    if let Err(errors) = pyro_compiler::compile_module(&parsed.module, "<check>") {
        for e in errors {
            out.push((e.span().lo, Box::new(e)));
        }
    }
    for e in check_module(&parsed.module, dir) {
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
