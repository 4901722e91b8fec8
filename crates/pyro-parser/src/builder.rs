//! AST construction for the grammar's actions, plus the checks a context-free
//! grammar cannot express: assignment targets, `go` without a call, argument
//! and parameter order, `try` without handlers. Each check reports a
//! [`ParseError`] and still returns a usable node, so parsing continues.
//!
//! The nesting limit is enforced here, as the tree grows: every node is
//! made through [`bounded`] (or its siblings for types, patterns and
//! statements), which replaces a node taller than the limit by a leaf and
//! reports the statement. So no tree deeper than the limit is ever built,
//! and none is ever dropped (LR parsing itself keeps its stack on the heap).

use std::ops::{Deref, DerefMut};

use pyro_lexer::{FPart, FString, Number};
use pyro_source::Span;

use crate::ast::*;
use crate::depth::{self, MAX_DEPTH};
use crate::error::{ParseError, SyntaxError};

/// What the generated parser returns for each of its two entry points.
pub enum Start {
    Module(Vec<Stmt>),
    Expr(Expr),
}

/// One piece of an implicitly concatenated string literal (`"a" f"{b}"`).
pub enum StrPiece<'s> {
    Plain(String),
    Format(FString<'s>),
}

/// The errors of one file, and what the nesting limit saw of the
/// top-level statement being parsed.
#[derive(Default)]
pub struct Errors {
    list: Vec<SyntaxError>,
    /// Where the statement first went past the nesting limit, and what did.
    too_deep: Option<(Span, &'static str)>,
    /// Where the statement's errors begin in `list`.
    statement_start: usize,
}

impl Errors {
    pub fn start_statement(&mut self) {
        self.too_deep = None;
        self.statement_start = self.list.len();
    }

    /// Ends a statement; false if it went past the nesting limit, in which
    /// case the limit is its only error (the rest were found in a tree with
    /// placeholders) and it must not be kept.
    pub fn finish_statement(&mut self) -> bool {
        match self.too_deep.take() {
            Some((span, what)) => {
                self.list.truncate(self.statement_start);
                self.list.push(depth::too_deep(span, what));
                false
            }
            None => true,
        }
    }

    fn too_deep(&mut self, span: Span, what: &'static str) {
        self.too_deep.get_or_insert((span.start(), what));
    }

    /// Withdraws the "integer literal is too large" error of the literal at
    /// `span` (reported, if at all, by this statement and most likely last).
    fn withdraw_int_too_large(&mut self, span: Span) {
        let mine = &self.list[self.statement_start..];
        let found = mine.iter().rposition(|e| {
            matches!(e, SyntaxError::Lex(pyro_lexer::LexError::IntTooLarge { span: s }) if *s == span)
        });
        if let Some(i) = found {
            self.list.remove(self.statement_start + i);
        }
    }

    pub fn into_vec(self) -> Vec<SyntaxError> {
        self.list
    }
}

impl Deref for Errors {
    type Target = Vec<SyntaxError>;

    fn deref(&self) -> &Vec<SyntaxError> {
        &self.list
    }
}

impl DerefMut for Errors {
    fn deref_mut(&mut self) -> &mut Vec<SyntaxError> {
        &mut self.list
    }
}

fn report(errors: &mut Errors, error: ParseError) {
    errors.push(SyntaxError::Parse(error));
}

/// A node the nesting limit applies to.
pub trait Nested: Sized {
    /// What the error calls one that is too deep.
    const WHAT: &'static str;
    fn height(&self) -> u32;
    fn span(&self) -> Span;
    /// A leaf to stand in for one taller than the limit.
    fn leaf(span: Span) -> Self;
}

impl Nested for Expr {
    const WHAT: &'static str = "expression";
    fn height(&self) -> u32 {
        Expr::height(self)
    }
    fn span(&self) -> Span {
        self.span
    }
    fn leaf(span: Span) -> Expr {
        Expr::new(ExprKind::None, span)
    }
}

impl Nested for TypeExpr {
    const WHAT: &'static str = "type";
    fn height(&self) -> u32 {
        TypeExpr::height(self)
    }
    fn span(&self) -> Span {
        self.span
    }
    fn leaf(span: Span) -> TypeExpr {
        TypeExpr::new(TypeKind::None, span)
    }
}

impl Nested for Pattern {
    const WHAT: &'static str = "pattern";
    fn height(&self) -> u32 {
        Pattern::height(self)
    }
    fn span(&self) -> Span {
        self.span
    }
    fn leaf(span: Span) -> Pattern {
        Pattern::new(PatternKind::Wildcard, span)
    }
}

impl Nested for Stmt {
    const WHAT: &'static str = "blocks";
    fn height(&self) -> u32 {
        Stmt::height(self)
    }
    fn span(&self) -> Span {
        self.span
    }
    fn leaf(span: Span) -> Stmt {
        Stmt::new(StmtKind::Pass, span)
    }
}

/// `node`, or a leaf in its place if it nests deeper than the limit (the
/// statement is reported and dropped; the leaf keeps the parents small).
pub fn bounded<N: Nested>(node: N, errors: &mut Errors) -> N {
    if node.height() as usize <= MAX_DEPTH {
        return node;
    }
    let span = node.span();
    errors.too_deep(span, N::WHAT);
    N::leaf(span)
}

pub fn ident(name: &str, lo: u32, hi: u32) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::new(lo, hi),
    }
}

pub fn cons<T>(first: T, mut rest: Vec<T>) -> Vec<T> {
    rest.insert(0, first);
    rest
}

pub fn flatten(groups: Vec<Vec<Stmt>>) -> Vec<Stmt> {
    groups.into_iter().flatten().collect()
}

pub fn stmt((kind, span): (StmtKind, Span), errors: &mut Errors) -> Stmt {
    bounded(Stmt::new(kind, span), errors)
}

pub fn func_stmt(f: FuncDef, errors: &mut Errors) -> Stmt {
    let span = f.span;
    stmt((StmtKind::FuncDef(Box::new(f)), span), errors)
}

pub fn expr(kind: ExprKind, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    bounded(Expr::new(kind, Span::new(lo, hi)), errors)
}

/// A literal or another node without children (never too deep).
pub fn leaf(kind: ExprKind, lo: u32, hi: u32) -> Expr {
    Expr::new(kind, Span::new(lo, hi))
}

pub fn name_expr(name: Ident) -> Expr {
    Expr::new(ExprKind::Name(name.name), name.span)
}

/// A parenthesised expression is the expression itself (its span is kept so
/// that `-(9223372036854775808)` still sees a literal).
pub fn regroup(e: Expr, _lo: u32, _hi: u32) -> Expr {
    e
}

pub fn tuple(items: Vec<Expr>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(ExprKind::Tuple(items), lo, hi, errors)
}

pub fn tuple_from(first: Expr, rest: Vec<Expr>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    tuple(cons(first, rest), lo, hi, errors)
}

pub fn starred(e: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(ExprKind::Starred(Box::new(e)), lo, hi, errors)
}

// ---------------------------------------------------------------- literals

pub fn number(n: Number, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    let kind = match n {
        Number::Float(x) => ExprKind::Float(x),
        Number::Int(n) => match i64::try_from(n) {
            Ok(n) => ExprKind::Int(n),
            Err(_) => {
                // Only `-9223372036854775808` may get here legitimately;
                // `unary` withdraws this error when it sees the minus.
                errors.push(SyntaxError::Lex(pyro_lexer::LexError::IntTooLarge {
                    span: Span::new(lo, hi),
                }));
                ExprKind::Int(i64::MIN)
            }
        },
    };
    leaf(kind, lo, hi)
}

pub fn negative_literal((n, span): (Number, Span), lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    let literal = number(n, span.lo, span.hi, errors);
    unary(UnaryOp::Neg, literal, lo, hi, errors)
}

pub fn strings(pieces: Vec<StrPiece<'_>>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    let mut parts: Vec<FStringPart> = Vec::new();
    let mut any_format = false;
    for piece in pieces {
        match piece {
            StrPiece::Plain(s) => push_lit(&mut parts, s),
            StrPiece::Format(f) => {
                any_format = true;
                for part in fstring_parts(f, errors) {
                    match part {
                        FStringPart::Lit(s) => push_lit(&mut parts, s),
                        field => parts.push(field),
                    }
                }
            }
        }
    }
    if !any_format {
        let text = match parts.pop() {
            Some(FStringPart::Lit(s)) => s,
            _ => String::new(),
        };
        return leaf(ExprKind::Str(text), lo, hi);
    }
    expr(ExprKind::FString(parts), lo, hi, errors)
}

fn push_lit(parts: &mut Vec<FStringPart>, s: String) {
    if let Some(FStringPart::Lit(last)) = parts.last_mut() {
        last.push_str(&s);
    } else {
        parts.push(FStringPart::Lit(s));
    }
}

fn fstring_parts(mut f: FString<'_>, errors: &mut Errors) -> Vec<FStringPart> {
    std::mem::take(&mut f.parts)
        .into_iter()
        .filter_map(|part| match part {
            FPart::Lit(s) => Some(FStringPart::Lit(s)),
            FPart::Expr(field) => {
                let span = Span::new(field.lo, field.hi);
                // F-strings nest (within the lexer's limit): each level parses
                // its fields, on a stack that grows.
                let expr =
                    pyro_source::stack::grow(|| crate::parse_fragment(field.tokens, span, errors))?;
                Some(FStringPart::Field {
                    expr,
                    conversion: field.conversion,
                    spec: field
                        .spec
                        .map(|spec| pyro_source::stack::grow(|| fstring_parts(spec, errors))),
                    debug_text: field.debug_text,
                })
            }
        })
        .collect()
}

// ---------------------------------------------------------------- operators

pub fn unary(op: UnaryOp, operand: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    if op == UnaryOp::Neg && operand.kind == ExprKind::Int(i64::MIN) {
        // `-9223372036854775808`: the literal alone overflowed, negated it fits.
        errors.withdraw_int_too_large(operand.span);
        return leaf(ExprKind::Int(i64::MIN), lo, hi);
    }
    expr(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        lo,
        hi,
        errors,
    )
}

pub fn binary(op: BinOp, left: Expr, right: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(
        ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        lo,
        hi,
        errors,
    )
}

pub fn logical(
    op: LogicalOp,
    left: Expr,
    right: Expr,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Expr {
    expr(
        ExprKind::Logical {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        lo,
        hi,
        errors,
    )
}

pub fn compare(left: Expr, ops: Vec<(CmpOp, Expr)>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(
        ExprKind::Compare {
            left: Box::new(left),
            ops,
        },
        lo,
        hi,
        errors,
    )
}

pub fn range(
    start: Expr,
    end: Expr,
    inclusive: bool,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Expr {
    expr(
        ExprKind::Range {
            start: Box::new(start),
            end: Box::new(end),
            inclusive,
        },
        lo,
        hi,
        errors,
    )
}

pub fn if_else(
    then: Expr,
    cond: Expr,
    orelse: Expr,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Expr {
    expr(
        ExprKind::IfElse {
            cond: Box::new(cond),
            then: Box::new(then),
            orelse: Box::new(orelse),
        },
        lo,
        hi,
        errors,
    )
}

pub fn lambda(params: Vec<Param>, body: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    check_params(&params, errors);
    expr(
        ExprKind::Lambda {
            params,
            body: Box::new(body),
        },
        lo,
        hi,
        errors,
    )
}

pub fn go(call: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    if !matches!(call.kind, ExprKind::Call { .. }) {
        report(
            errors,
            ParseError::new(
                crate::error::GO_NEEDS_CALL,
                "`go` needs a function call",
                call.span,
            )
            .label("this is not a call")
            .help("write `go f(x)`; to run a function value with no arguments, write `go f()`"),
        );
    }
    expr(ExprKind::Go(Box::new(call)), lo, hi, errors)
}

// ---------------------------------------------------------------- postfix

pub fn call(func: Expr, args: Vec<Arg>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    let mut seen_keyword = false;
    let mut keywords = std::collections::HashSet::new();
    for arg in &args {
        match &arg.kind {
            ArgKind::Positional | ArgKind::Star if seen_keyword => report(
                errors,
                ParseError::new(
                    crate::error::ARG_ORDER,
                    "positional argument follows keyword argument",
                    arg.span,
                )
                .label("positional argument here")
                .help("put positional arguments before keyword arguments"),
            ),
            ArgKind::Keyword(name) => {
                seen_keyword = true;
                if !keywords.insert(name.name.as_str()) {
                    report(
                        errors,
                        ParseError::new(
                            crate::error::ARG_ORDER,
                            format!(
                                "keyword argument `{}` repeated",
                                pyro_source::clip::shorten(&name.name, 60)
                            ),
                            name.span,
                        )
                        .label("given again here"),
                    );
                }
            }
            ArgKind::DoubleStar => seen_keyword = true,
            _ => {}
        }
        let bare_generator = matches!(
            arg.value.kind,
            ExprKind::Comprehension {
                kind: CompKind::Generator,
                ..
            }
        ) && arg.value.span == arg.span;
        if bare_generator && args.len() > 1 {
            report(
                errors,
                ParseError::new(
                    crate::error::ARG_ORDER,
                    "a generator expression must be parenthesized when it is not the only argument",
                    arg.span,
                )
                .label("wrap this in parentheses"),
            );
        }
    }
    expr(
        ExprKind::Call {
            func: Box::new(func),
            args,
        },
        lo,
        hi,
        errors,
    )
}

pub fn arg(kind: ArgKind, value: Expr, lo: u32, hi: u32) -> Arg {
    Arg {
        kind,
        value,
        span: Span::new(lo, hi),
    }
}

pub fn index(value: Expr, index: Expr, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(
        ExprKind::Index {
            value: Box::new(value),
            index: Box::new(index),
        },
        lo,
        hi,
        errors,
    )
}

pub fn attribute(value: Expr, attr: Ident, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(
        ExprKind::Attribute {
            value: Box::new(value),
            attr,
        },
        lo,
        hi,
        errors,
    )
}

pub fn generic(value: Expr, args: Vec<TypeExpr>, lo: u32, hi: u32, errors: &mut Errors) -> Expr {
    expr(
        ExprKind::Generic {
            value: Box::new(value),
            args,
        },
        lo,
        hi,
        errors,
    )
}

pub fn slice(
    lower: Option<Expr>,
    upper: Option<Expr>,
    step: Option<Option<Expr>>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Expr {
    expr(
        ExprKind::Slice {
            lower: lower.map(Box::new),
            upper: upper.map(Box::new),
            step: step.flatten().map(Box::new),
        },
        lo,
        hi,
        errors,
    )
}

pub fn comprehension(
    kind: CompKind,
    element: Expr,
    value: Option<Expr>,
    clauses: Vec<CompClause>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Expr {
    expr(
        ExprKind::Comprehension {
            kind,
            element: Box::new(element),
            value: value.map(Box::new),
            clauses,
        },
        lo,
        hi,
        errors,
    )
}

// ---------------------------------------------------------------- statements

/// Why `e` cannot be assigned to, or `None` if it can.
fn invalid_target(e: &Expr, allow_unpack: bool) -> Option<(&Expr, &'static str)> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Index { .. } => None,
        ExprKind::Tuple(items) | ExprKind::List(items) if allow_unpack => {
            let stars = items
                .iter()
                .filter(|i| matches!(i.kind, ExprKind::Starred(_)))
                .count();
            if stars > 1 {
                return Some((e, "more than one starred name in one assignment"));
            }
            // Targets nest (within the limit) on a stack that grows.
            items
                .iter()
                .find_map(|item| pyro_source::stack::grow(|| invalid_target(item, true)))
        }
        ExprKind::Starred(inner) if allow_unpack => invalid_target(inner, false),
        ExprKind::Call { .. } => Some((e, "a function call")),
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::FString(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Ellipsis => Some((e, "a literal")),
        ExprKind::Compare { .. } => Some((e, "a comparison")),
        ExprKind::Tuple(_) | ExprKind::List(_) | ExprKind::Starred(_) => Some((e, "a tuple here")),
        _ => Some((e, "an expression")),
    }
}

fn check_target(target: &Expr, allow_unpack: bool, errors: &mut Errors) {
    if let Some((bad, what)) = invalid_target(target, allow_unpack) {
        let mut error = ParseError::new(
            crate::error::BAD_TARGET,
            format!("cannot assign to {what}"),
            bad.span,
        )
        .label("not assignable");
        error = match bad.kind {
            ExprKind::Compare { .. } | ExprKind::Int(_) | ExprKind::Str(_) => {
                error.help("`=` assigns to a name, attribute or index; to compare, write `==`")
            }
            _ => error.help("the left side of `=` must be a name, an attribute (`obj.x`), an index (`xs[i]`) or a tuple of those"),
        };
        report(errors, error);
    }
}

pub fn assign(first: Expr, mut rest: Vec<Expr>, errors: &mut Errors) -> StmtKind {
    let value = rest
        .pop()
        .expect("the grammar requires at least one `= value`");
    let targets = cons(first, rest);
    for target in &targets {
        check_target(target, true, errors);
    }
    StmtKind::Assign { targets, value }
}

pub fn aug_assign(target: Expr, op: BinOp, value: Expr, errors: &mut Errors) -> StmtKind {
    check_target(&target, false, errors);
    StmtKind::AugAssign { target, op, value }
}

pub fn let_stmt(
    mutable: bool,
    (target, target_span): (Expr, Span),
    ty: Option<TypeExpr>,
    value: Option<Expr>,
    errors: &mut Errors,
) -> StmtKind {
    if let (Some(ty), false) = (&ty, matches!(target.kind, ExprKind::Name(_))) {
        report(
            errors,
            ParseError::new(
                crate::error::BAD_TARGET,
                "only a single name can have a type annotation",
                ty.span,
            )
            .label("annotation on an unpacking")
            .help("unpack first, then annotate each name: `let (a, b) = pair`"),
        );
    }
    let keyword = if mutable { "mut" } else { "let" };
    let value = value.unwrap_or_else(|| {
        report(
            errors,
            ParseError::new(
                crate::error::LET_WITHOUT_VALUE,
                format!("`{keyword}` needs a value"),
                target_span,
            )
            .label("no `= value` after this")
            .help(format!(
                "give the variable its first value: `{keyword} x = 0`"
            )),
        );
        Expr::new(ExprKind::None, target_span.end())
    });
    StmtKind::Let {
        mutable,
        target,
        ty,
        value,
    }
}

pub fn type_alias(name: Ident, params: Option<Vec<TypeParam>>, ty: TypeExpr) -> StmtKind {
    StmtKind::TypeAlias {
        name,
        params: params.unwrap_or_default(),
        ty,
    }
}

pub fn if_stmt(
    cond: Expr,
    body: Block,
    elifs: Vec<(Expr, Block)>,
    orelse: Option<Block>,
    span: Span,
    errors: &mut Errors,
) -> Stmt {
    // One node for the whole chain: an `elif` is one more branch, not an
    // `if` nested in the `else` of the one before.
    let mut branches = Vec::with_capacity(elifs.len() + 1);
    branches.push((cond, body));
    branches.extend(elifs);
    let kind = StmtKind::If {
        branches,
        orelse: orelse.unwrap_or_default(),
    };
    stmt((kind, span), errors)
}

pub fn try_stmt(
    body: Block,
    handlers: Vec<ExceptHandler>,
    orelse: Option<Block>,
    finalbody: Option<Block>,
    span: Span,
    errors: &mut Errors,
) -> Stmt {
    let head = Span::new(span.lo, span.lo + 3);
    if handlers.is_empty() && finalbody.is_none() {
        report(
            errors,
            ParseError::new(
                crate::error::BAD_TRY,
                "`try` needs an `except` or a `finally`",
                head,
            )
            .label("this `try` handles nothing")
            .help("add `except e:` to handle errors, or `finally:` for clean-up"),
        );
    }
    if orelse.is_some() && handlers.is_empty() {
        report(
            errors,
            ParseError::new(
                crate::error::BAD_TRY,
                "`try` with `else` needs an `except` clause",
                head,
            )
            .label("no `except` here"),
        );
    }
    for handler in handlers.iter().rev().skip(1) {
        if handler.ty.is_none() {
            report(
                errors,
                ParseError::new(
                    crate::error::BAD_TRY,
                    "a bare `except:` must be the last clause",
                    handler.span,
                )
                .label("this catches everything, so the clauses after it can never run"),
            );
        }
    }
    let kind = StmtKind::Try {
        body,
        handlers,
        orelse: orelse.unwrap_or_default(),
        finalbody: finalbody.unwrap_or_default(),
    };
    stmt((kind, span), errors)
}

pub fn decorate(decorators: Vec<Expr>, mut def: Stmt, span: Span, _errors: &mut Errors) -> Stmt {
    match &mut def.kind {
        StmtKind::FuncDef(f) => {
            f.decorators = decorators;
            f.span = span;
        }
        StmtKind::ClassDef(c) => {
            c.decorators = decorators;
            c.span = span;
        }
        StmtKind::RecordDef(r) => {
            r.decorators = decorators;
            r.span = span;
        }
        _ => {}
    }
    def.span = span;
    def
}

fn check_params(params: &[Param], errors: &mut Errors) {
    let mut seen_default: Option<&Param> = None;
    let mut seen_varargs = false;
    let mut seen_kwargs = false;
    let mut names = std::collections::HashSet::with_capacity(params.len());
    for param in params {
        if !names.insert(param.name.name.as_str()) {
            report(
                errors,
                ParseError::new(
                    crate::error::BAD_PARAMS,
                    format!(
                        "duplicate parameter `{}`",
                        pyro_source::clip::shorten(&param.name.name, 60)
                    ),
                    param.name.span,
                )
                .label("already a parameter"),
            );
        }
        if seen_kwargs {
            report(
                errors,
                ParseError::new(
                    crate::error::BAD_PARAMS,
                    "no parameter may follow `**kwargs`",
                    param.span,
                )
                .label("after `**`"),
            );
        }
        match param.kind {
            ParamKind::Normal if param.default.is_some() => seen_default = Some(param),
            ParamKind::Normal if !seen_varargs => {
                if let Some(with_default) = seen_default {
                    report(
                        errors,
                        ParseError::new(
                            crate::error::BAD_PARAMS,
                            "a parameter without a default follows one with a default",
                            param.span,
                        )
                        .label("needs a default")
                        .secondary(with_default.span, "this parameter has a default")
                        .help("move parameters with defaults to the end"),
                    );
                }
            }
            ParamKind::Normal => {}
            ParamKind::VarArgs => {
                if seen_varargs {
                    report(
                        errors,
                        ParseError::new(
                            crate::error::BAD_PARAMS,
                            "only one `*args` parameter is allowed",
                            param.span,
                        )
                        .label("second `*` parameter"),
                    );
                }
                seen_varargs = true;
            }
            ParamKind::KwArgs => seen_kwargs = true,
        }
    }
}

pub fn func_head(
    name: Ident,
    type_params: Option<Vec<TypeParam>>,
    params: Vec<Param>,
    ret: Option<TypeExpr>,
    span: Span,
    errors: &mut Errors,
) -> FuncDef {
    check_params(&params, errors);
    FuncDef {
        name,
        type_params: type_params.unwrap_or_default(),
        params,
        ret,
        body: None,
        decorators: Vec::new(),
        span,
    }
}

pub fn func_body(mut f: FuncDef, body: Block, hi: u32) -> FuncDef {
    f.body = Some(body);
    f.span = Span::new(f.span.lo, hi);
    f
}

pub fn class_def(
    name: Ident,
    type_params: Option<Vec<TypeParam>>,
    bases: Option<Vec<Expr>>,
    body: Block,
    span: Span,
    errors: &mut Errors,
) -> Stmt {
    let class = ClassDef {
        name,
        type_params: type_params.unwrap_or_default(),
        bases: bases.unwrap_or_default(),
        body,
        decorators: Vec::new(),
        span,
    };
    stmt((StmtKind::ClassDef(Box::new(class)), span), errors)
}

pub fn record_def(
    name: Ident,
    type_params: Option<Vec<TypeParam>>,
    fields: Vec<Param>,
    body: Block,
    span: Span,
    errors: &mut Errors,
) -> Stmt {
    check_params(&fields, errors);
    for field in fields.iter().filter(|f| f.kind != ParamKind::Normal) {
        report(
            errors,
            ParseError::new(
                crate::error::BAD_PARAMS,
                "a record field cannot be `*` or `**`",
                field.span,
            )
            .label("list the fields one by one"),
        );
    }
    let record = RecordDef {
        name,
        type_params: type_params.unwrap_or_default(),
        fields,
        body,
        decorators: Vec::new(),
        span,
    };
    stmt((StmtKind::RecordDef(Box::new(record)), span), errors)
}

pub fn interface_def(
    name: Ident,
    type_params: Option<Vec<TypeParam>>,
    bases: Option<Vec<Expr>>,
    members: Vec<Option<FuncDef>>,
    span: Span,
    errors: &mut Errors,
) -> Stmt {
    let interface = InterfaceDef {
        name,
        type_params: type_params.unwrap_or_default(),
        bases: bases.unwrap_or_default(),
        methods: members.into_iter().flatten().collect(),
        span,
    };
    stmt((StmtKind::InterfaceDef(Box::new(interface)), span), errors)
}

/// `pass`, `...` and doc strings may stand in an interface body; anything
/// else is an error.
pub fn interface_filler(stmts: Vec<Stmt>, errors: &mut Errors) -> Option<FuncDef> {
    for stmt in stmts {
        let allowed = match &stmt.kind {
            StmtKind::Pass => true,
            StmtKind::Expr(e) => matches!(e.kind, ExprKind::Ellipsis | ExprKind::Str(_)),
            _ => false,
        };
        if !allowed {
            report(
                errors,
                ParseError::new(
                    crate::error::BAD_MEMBER,
                    "an interface holds only method signatures",
                    stmt.span,
                )
                .label("not a method signature")
                .help("write signatures such as `def area(self) -> float`"),
            );
        }
    }
    None
}

pub fn select_case(
    first: Expr,
    second: Option<Expr>,
    body: Block,
    span: Span,
    errors: &mut Errors,
) -> SelectCase {
    let (targets, op) = match second {
        Some(op) => (Some(first), op),
        None => (None, first),
    };
    let method = match &op.kind {
        ExprKind::Call { func, args } => match &func.kind {
            ExprKind::Attribute { attr, .. } if attr.name == "push" && args.len() == 1 => {
                Some("push")
            }
            ExprKind::Attribute { attr, .. } if attr.name == "collect" && args.is_empty() => {
                Some("collect")
            }
            _ => None,
        },
        _ => None,
    };
    let kind = match (method, op.kind) {
        (Some(method), ExprKind::Call { func, mut args })
            if method == "collect" || targets.is_none() =>
        {
            let ExprKind::Attribute { value: channel, .. } = func.kind else {
                unreachable!("checked above")
            };
            if method == "push" {
                SelectKind::Send {
                    channel: *channel,
                    value: args.remove(0).value,
                }
            } else {
                recv_case(*channel, targets, errors)
            }
        }
        // Any other call yields a channel to receive from: `case after(1.5):`.
        (None, kind @ ExprKind::Call { .. }) => {
            recv_case(Expr::new(kind, op.span), targets, errors)
        }
        (_, kind) => {
            let help = if method == Some("push") {
                "a send case binds nothing: write `case ch.push(v):`"
            } else {
                "a case receives (`case v = ch.collect():`), sends (`case ch.push(v):`) or waits (`case after(1.0):`)"
            };
            report(
                errors,
                ParseError::new(crate::error::BAD_SELECT, "invalid `select` case", op.span)
                    .label("expected a channel operation")
                    .help(help),
            );
            SelectKind::Recv {
                channel: Expr::new(kind, op.span),
                value: None,
                ok: None,
            }
        }
    };
    SelectCase { kind, body, span }
}

fn recv_case(channel: Expr, targets: Option<Expr>, errors: &mut Errors) -> SelectKind {
    let (value, ok) = match targets {
        None => (None, None),
        Some(Expr {
            kind: ExprKind::Tuple(mut items),
            ..
        }) if items.len() == 2 => {
            let ok = items.pop();
            let value = items.pop();
            for t in value.iter().chain(ok.iter()) {
                check_target(t, false, errors);
            }
            (value, ok)
        }
        Some(t) => {
            check_target(&t, false, errors);
            if matches!(t.kind, ExprKind::Tuple(_)) {
                report(
                    errors,
                    ParseError::new(
                        crate::error::BAD_SELECT,
                        "a receive case binds one value, or a value and `ok`",
                        t.span,
                    )
                    .label("too many names"),
                );
            }
            (Some(t), None)
        }
    };
    SelectKind::Recv { channel, value, ok }
}

// ---------------------------------------------------------------- patterns

pub fn pattern(kind: PatternKind, lo: u32, hi: u32, errors: &mut Errors) -> Pattern {
    bounded(Pattern::new(kind, Span::new(lo, hi)), errors)
}

pub fn or_pattern(
    first: Pattern,
    rest: Vec<Pattern>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Pattern {
    pattern(PatternKind::Or(cons(first, rest)), lo, hi, errors)
}

pub fn name_pattern(mut path: Vec<Ident>, lo: u32, hi: u32, errors: &mut Errors) -> Pattern {
    if path.len() == 1 {
        let name = path.remove(0);
        let kind = if name.name == "_" {
            PatternKind::Wildcard
        } else {
            PatternKind::Capture(name)
        };
        return pattern(kind, lo, hi, errors);
    }
    let value = dotted_expr(path, errors);
    pattern(PatternKind::Value(value), lo, hi, errors)
}

/// `a.b.c` as attribute accesses (a chain as deep as the path is long).
fn dotted_expr(path: Vec<Ident>, errors: &mut Errors) -> Expr {
    let mut parts = path.into_iter();
    let first = parts
        .next()
        .map(name_expr)
        .unwrap_or(Expr::new(ExprKind::None, Span::DUMMY));
    parts.fold(first, |value, attr| {
        let span = value.span.to(attr.span);
        let kind = ExprKind::Attribute {
            value: Box::new(value),
            attr,
        };
        bounded(Expr::new(kind, span), errors)
    })
}

pub fn class_pattern(
    path: Vec<Ident>,
    items: Vec<(Option<Ident>, Pattern)>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Pattern {
    let mut args = Vec::new();
    let mut kwargs: Vec<(Ident, Pattern)> = Vec::new();
    for (name, p) in items {
        match name {
            Some(name) => kwargs.push((name, p)),
            None if !kwargs.is_empty() => report(
                errors,
                ParseError::new(
                    crate::error::ARG_ORDER,
                    "positional pattern follows keyword pattern",
                    p.span,
                )
                .label("positional pattern here"),
            ),
            None => args.push(p),
        }
    }
    let class = dotted_expr(path, errors);
    pattern(
        PatternKind::Class {
            class,
            args,
            kwargs,
        },
        lo,
        hi,
        errors,
    )
}

pub fn regroup_pattern(p: Pattern, _lo: u32, _hi: u32) -> Pattern {
    p
}

pub fn tuple_pattern(
    first: Pattern,
    rest: Vec<Pattern>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> Pattern {
    pattern(PatternKind::Tuple(cons(first, rest)), lo, hi, errors)
}

pub fn star_pattern(name: Ident, lo: u32, hi: u32, errors: &mut Errors) -> Pattern {
    let name = (name.name != "_").then_some(name);
    pattern(PatternKind::Star(name), lo, hi, errors)
}

// ---------------------------------------------------------------- types

pub fn type_expr(kind: TypeKind, lo: u32, hi: u32, errors: &mut Errors) -> TypeExpr {
    bounded(TypeExpr::new(kind, Span::new(lo, hi)), errors)
}

pub fn function_type(
    params: Vec<TypeExpr>,
    ret: TypeExpr,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> TypeExpr {
    let kind = TypeKind::Function {
        params,
        ret: Box::new(ret),
    };
    type_expr(kind, lo, hi, errors)
}

pub fn union_type(
    first: TypeExpr,
    rest: Vec<TypeExpr>,
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> TypeExpr {
    type_expr(TypeKind::Union(cons(first, rest)), lo, hi, errors)
}

pub fn paren_type(
    (mut items, is_tuple): (Vec<TypeExpr>, bool),
    lo: u32,
    hi: u32,
    errors: &mut Errors,
) -> TypeExpr {
    if !is_tuple && items.len() == 1 {
        return items.remove(0);
    }
    type_expr(TypeKind::Tuple(items), lo, hi, errors)
}
