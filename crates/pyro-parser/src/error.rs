//! Syntax errors: the lexer's [`LexError`]s and the parser's [`ParseError`]s,
//! both miette diagnostics with a stable code, a labelled span and a help
//! line where the fix is clear.

use std::fmt;

use miette::{Diagnostic, LabeledSpan};
use pyro_lexer::LexError;
use pyro_source::Span;
use thiserror::Error;

/// Any error found while turning source text into an AST.
#[derive(Clone, Debug, PartialEq, Error, Diagnostic)]
pub enum SyntaxError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lex(#[from] LexError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(#[from] ParseError),
}

impl SyntaxError {
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Lex(e) => e.span(),
            SyntaxError::Parse(e) => e.span,
        }
    }
}

/// One class of parse error: its stable code and a one-line title, used by
/// `pyro explain`.
pub struct ErrorClass {
    pub code: &'static str,
    pub title: &'static str,
}

macro_rules! error_classes {
    ($($name:ident = $code:literal, $title:literal;)*) => {
        $(pub const $name: ErrorClass = ErrorClass { code: $code, title: $title };)*
        /// Every parse error class, in code order.
        pub const PARSE_ERROR_CLASSES: &[ErrorClass] = &[$($name),*];
    };
}

error_classes! {
    UNEXPECTED_TOKEN = "E0020", "unexpected token";
    UNEXPECTED_INDENT = "E0021", "unexpected indent";
    EXPECTED_BLOCK = "E0022", "expected an indented block";
    MISSING_COLON = "E0023", "missing `:` before a block";
    BRACE_BLOCK = "E0024", "braces used for a block";
    ELSE_IF = "E0025", "`else if` instead of `elif`";
    NO_INCREMENT = "E0026", "`++` / `--` do not exist";
    ASSIGN_IN_CONDITION = "E0027", "`=` where `==` was meant";
    C_LOGIC_OPERATOR = "E0028", "`&&` / `||` / `!` instead of `and` / `or` / `not`";
    KEYWORD_AS_NAME = "E0029", "keyword used as a name";
    UNEXPECTED_EOF = "E0030", "unexpected end of file";
    BAD_TARGET = "E0031", "invalid assignment target";
    GO_NEEDS_CALL = "E0032", "`go` without a call";
    ARG_ORDER = "E0033", "invalid argument order";
    BAD_PARAMS = "E0034", "invalid parameter list";
    BAD_TRY = "E0035", "malformed `try` statement";
    LET_WITHOUT_VALUE = "E0036", "`let` / `mut` without a value";
    BAD_SELECT = "E0037", "invalid `select` case";
    BAD_MEMBER = "E0038", "invalid interface member";
    EXPECTED_EXPRESSION = "E0039", "expected an expression";
    TOO_DEEP = "E0040", "nested too deeply";
}

/// A parse error. Built with [`ParseError::new`] and the builder methods.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: Option<String>,
    pub secondary: Vec<(Span, String)>,
}

impl ParseError {
    pub fn new(class: ErrorClass, message: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            code: class.code,
            message: message.into(),
            span,
            label: String::new(),
            help: None,
            secondary: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push((span, label.into()));
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl Diagnostic for ParseError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        let primary = LabeledSpan::new_primary_with_span(label, self.span);
        let secondary = self
            .secondary
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
