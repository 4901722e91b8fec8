//! The nesting limit (E0040). Every later stage walks the tree recursively
//! (checker, compiler, disassembler, dump); a generated `1 + 1 + ... + 1`
//! with a million terms, 5 000 nested `def`s or `int??????...` would take
//! any of them as deep as the input goes. So the front end has one limit,
//! [`MAX_DEPTH`] levels, applied while the tree is built: by the lexer to
//! brackets and to f-strings inside f-strings, and by the parser's builder
//! to the height of every statement, expression, type and pattern (each
//! counts the levels of its own kind below it). A tree deeper than the
//! limit is never built; a walk over one that is built recurses at most
//! [`MAX_DEPTH`] levels per kind, on a stack that grows
//! (`pyro_source::stack::grow`).
//!
//! Long sequences are not deep: a block's statements, a list's items and an
//! `elif` chain's branches are vectors, however many there are.

use pyro_source::Span;

use crate::error::{ParseError, SyntaxError, TOO_DEEP};

/// Deepest nesting accepted (CPython's compiler gives up around here too).
pub const MAX_DEPTH: usize = pyro_lexer::MAX_DEPTH;

/// The error for a statement in which `what` (blocks, an expression, a
/// type, a pattern) nests past the limit at `at`.
pub(crate) fn too_deep(at: Span, what: &str) -> SyntaxError {
    let help = if what == "blocks" {
        "move inner blocks into functions of their own"
    } else {
        "split it into smaller parts with intermediate variables or type aliases"
    };
    SyntaxError::Parse(
        ParseError::new(
            TOO_DEEP,
            format!("{what} nested too deeply (more than {MAX_DEPTH} levels)"),
            at,
        )
        .label("nesting limit reached here")
        .help(help),
    )
}
