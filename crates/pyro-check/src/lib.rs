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
