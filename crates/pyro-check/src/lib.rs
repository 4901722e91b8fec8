//! The Pyro checker behind `pyro check`.
//!
//! It sits beside the compiler in the data flow (source → lexer → parser →
//! AST → checker → diagnostics) and never runs code. Today it reports every
//! syntax error in a file; the gradual type checker of LANGUAGE.md §10 is
//! built here on the same entry point.

use pyro_parser::SyntaxError;
use pyro_source::SourceFile;

/// Everything `pyro check` reports for one file, in source order.
pub fn check_file(file: &SourceFile) -> Vec<SyntaxError> {
    pyro_parser::parse_file(file).errors
}
