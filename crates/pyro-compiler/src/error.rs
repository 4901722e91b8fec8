//! Compile errors: scope and definition mistakes found before anything runs.

use miette::Diagnostic;
use pyro_source::Span;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Error, Diagnostic)]
pub enum CompileError {
    #[error("undefined name `{name}`")]
    #[diagnostic(code(E0100))]
    UndefinedName {
        #[label("not defined here or in an enclosing scope")]
        span: Span,
        name: String,
        #[help]
        help: Option<String>,
    },

    #[error("cannot assign to `{name}`: it is a `let` binding")]
    #[diagnostic(
        code(E0101),
        help("declare it with `mut {name} = ...` if it needs to change")
    )]
    AssignToLet {
        #[label(primary, "assignment to an immutable binding")]
        span: Span,
        #[label("declared with `let` here")]
        declared: Span,
        name: String,
    },

    #[error("`{keyword}` outside a loop")]
    #[diagnostic(
        code(E0102),
        help("`{keyword}` may only appear inside a `for` or `while` body")
    )]
    OutsideLoop {
        #[label("not in a loop")]
        span: Span,
        keyword: &'static str,
    },

    #[error("`return` outside a function")]
    #[diagnostic(
        code(E0103),
        help("a module's top level cannot return; use `std.process.exit(code)` to stop early")
    )]
    ReturnOutsideFunction {
        #[label("not in a function")]
        span: Span,
    },

    #[error("a parameter default must be immutable")]
    #[diagnostic(
        code(E0104),
        help("defaults are evaluated once and shared by every call; default to None and create the mutable value in the body")
    )]
    MutableDefault {
        #[label("a mutable value")]
        span: Span,
    },

    #[error("bare `raise` outside an `except` block")]
    #[diagnostic(code(E0105), help("inside `except`, a bare `raise` re-raises the error being handled; elsewhere, raise an error value"))]
    BareRaise {
        #[label("no error is being handled here")]
        span: Span,
    },

    #[error("`super()` outside a method")]
    #[diagnostic(
        code(E0106),
        help("`super()` is available in functions defined directly in a class body")
    )]
    SuperOutsideMethod {
        #[label("not in a method")]
        span: Span,
    },

    #[error("{what} is not supported in a class body")]
    #[diagnostic(code(E0107), help("a class body holds methods (`def`), field declarations (`x: int`) and class attributes (`X = 1`)"))]
    BadClassBody {
        #[label("not allowed here")]
        span: Span,
        what: String,
    },

    #[error("{what} is not supported yet")]
    #[diagnostic(code(E0108))]
    Unsupported {
        #[label("not supported yet")]
        span: Span,
        what: String,
        #[help]
        help: Option<String>,
    },

    #[error("this module compiles to too much code (more than {limit} instructions)")]
    #[diagnostic(
        code(E0110),
        help("a `finally` body is compiled once for every way out of its `try`; nested `try`/`finally` blocks with `return`s multiply it; move deeply nested cleanup into functions")
    )]
    TooLarge {
        #[label("the limit was reached while compiling this")]
        span: Span,
        limit: usize,
    },

    #[error("starred expression is not allowed here")]
    #[diagnostic(
        code(E0109),
        help("`*xs` unpacks into a call, a collection literal or an assignment target")
    )]
    MisplacedStar {
        #[label("`*` here")]
        span: Span,
    },
}

impl CompileError {
    pub fn span(&self) -> Span {
        match self {
            CompileError::UndefinedName { span, .. }
            | CompileError::AssignToLet { span, .. }
            | CompileError::OutsideLoop { span, .. }
            | CompileError::ReturnOutsideFunction { span }
            | CompileError::MutableDefault { span }
            | CompileError::BareRaise { span }
            | CompileError::SuperOutsideMethod { span }
            | CompileError::BadClassBody { span, .. }
            | CompileError::Unsupported { span, .. }
            | CompileError::MisplacedStar { span }
            | CompileError::TooLarge { span, .. } => *span,
        }
    }
}
