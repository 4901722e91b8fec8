//! Lexical errors. Each variant has a stable code (`E00xx`), a label on its
//! span and, where the fix is clear, a help line.

use miette::Diagnostic;
use pyro_source::Span;
use thiserror::Error;

/// What a logos callback reports when it cannot produce a token. The detailed
/// error (with its exact span) has already been pushed into the lexer's
/// extras; an unrecognised character is reported by the layout pass.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum LexErrorKind {
    #[default]
    UnexpectedChar,
    Reported,
}

#[derive(Clone, Debug, PartialEq, Error, Diagnostic)]
pub enum LexError {
    #[error("unterminated string literal")]
    #[diagnostic(code(E0001))]
    UnterminatedString {
        #[label("this string is never closed")]
        span: Span,
        #[help]
        help: String,
    },

    #[error("unterminated triple-quoted string")]
    #[diagnostic(
        code(E0002),
        help("close it with {quotes} (it runs to the end of the file)")
    )]
    UnterminatedTripleString {
        #[label("this string is never closed")]
        span: Span,
        quotes: String,
    },

    #[error("invalid escape sequence `{escape}`")]
    #[diagnostic(
        code(E0003),
        help(
            "valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\xHH \\u{{...}}; write \\\\ for a backslash, or use a raw string r\"...\""
        )
    )]
    BadEscape {
        #[label("unknown escape")]
        span: Span,
        escape: String,
    },

    #[error("invalid unicode escape `{escape}`")]
    #[diagnostic(
        code(E0004),
        help("write \\u{{XXXX}} with 1 to 6 hex digits, at most 10FFFF and not a surrogate")
    )]
    BadUnicodeEscape {
        #[label("{reason}")]
        span: Span,
        escape: String,
        reason: String,
    },

    #[error("tab in indentation")]
    #[diagnostic(code(E0005), help("tabs are not allowed in indentation; use spaces"))]
    TabInIndent {
        #[label("tab character here")]
        span: Span,
    },

    #[error("unindent does not match any outer indentation level")]
    #[diagnostic(code(E0006), help("indent this line to the same column as an enclosing block (levels open here: {levels})"))]
    BadDedent {
        #[label("this line is indented to column {column}")]
        span: Span,
        column: usize,
        levels: String,
    },

    #[error("unexpected character `{ch}`")]
    #[diagnostic(code(E0007))]
    UnexpectedChar {
        #[label("not valid here")]
        span: Span,
        ch: String,
        #[help]
        help: Option<String>,
    },

    #[error("integer literal is too large")]
    #[diagnostic(
        code(E0008),
        help("an int is 64-bit signed (at most 9223372036854775807); use a float such as 1e20 for larger magnitudes")
    )]
    IntTooLarge {
        #[label("does not fit in 64 bits")]
        span: Span,
    },

    #[error("invalid number literal `{text}`")]
    #[diagnostic(code(E0009))]
    BadNumber {
        #[label("{reason}")]
        span: Span,
        text: String,
        reason: String,
        #[help]
        help: Option<String>,
    },

    #[error("unclosed `{open}`")]
    #[diagnostic(code(E0010), help("add the matching `{close}`"))]
    UnclosedBracket {
        #[label("this `{open}` is never closed")]
        span: Span,
        open: char,
        close: char,
    },

    #[error("mismatched closing bracket `{found}`")]
    #[diagnostic(
        code(E0011),
        help("close the `{open}` with `{expected}` before closing anything else")
    )]
    MismatchedBracket {
        #[label(primary, "expected `{expected}` here")]
        span: Span,
        #[label("`{open}` opened here")]
        open_span: Span,
        found: char,
        open: char,
        expected: char,
    },

    #[error("unmatched `{found}`")]
    #[diagnostic(code(E0012), help("remove it, or add the opening bracket it closes"))]
    UnmatchedClose {
        #[label("nothing to close here")]
        span: Span,
        found: char,
    },

    /// Too many brackets open at once, or f-strings inside f-strings too
    /// deep: the one nesting limit of the front end (see [`crate::MAX_DEPTH`]).
    #[error("{what} nested too deeply (more than {limit} levels)")]
    #[diagnostic(
        code(E0040),
        help("split the expression into smaller ones with intermediate variables")
    )]
    TooDeep {
        #[label("nesting limit reached here")]
        span: Span,
        what: &'static str,
        limit: usize,
    },

    #[error("invalid f-string: {message}")]
    #[diagnostic(code(E0013))]
    BadFString {
        #[label("{label}")]
        span: Span,
        message: String,
        label: String,
        #[help]
        help: Option<String>,
    },
}

impl LexError {
    /// The primary span, used to attribute the error to a statement.
    pub fn span(&self) -> Span {
        match self {
            LexError::UnterminatedString { span, .. }
            | LexError::UnterminatedTripleString { span, .. }
            | LexError::BadEscape { span, .. }
            | LexError::BadUnicodeEscape { span, .. }
            | LexError::TabInIndent { span }
            | LexError::BadDedent { span, .. }
            | LexError::UnexpectedChar { span, .. }
            | LexError::IntTooLarge { span }
            | LexError::BadNumber { span, .. }
            | LexError::UnclosedBracket { span, .. }
            | LexError::MismatchedBracket { span, .. }
            | LexError::UnmatchedClose { span, .. }
            | LexError::TooDeep { span, .. }
            | LexError::BadFString { span, .. } => *span,
        }
    }
}
