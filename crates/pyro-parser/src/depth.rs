//! A limit on expression nesting. Every later stage (checker, compiler)
//! walks expressions recursively; an absurdly deep expression (a generated
//! `1 + 1 + ... + 1` with 100 000 terms) gets this syntax error instead of
//! exhausting the native stack.

use crate::ast::{Expr, ExprKind, FStringPart, Stmt, StmtKind};
use crate::error::{ParseError, SyntaxError, TOO_DEEP};

/// Deepest expression nesting accepted (CPython's compiler gives up around here too).
pub const MAX_DEPTH: usize = 1000;

/// The first statement whose expressions nest deeper than [`MAX_DEPTH`].
pub fn check(stmt: &Stmt) -> Option<SyntaxError> {
    let mut too_deep = None;
    visit_stmt(stmt, &mut |e| {
        if too_deep.is_none() {
            too_deep = deepest(e, 0);
        }
    });
    too_deep.map(|span| {
        SyntaxError::Parse(
            ParseError::new(
                TOO_DEEP,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                span,
            )
            .label("nesting limit reached inside this expression")
            .help("split it into smaller expressions with intermediate variables"),
        )
    })
}

/// The span of an expression nested beyond the limit, if any.
fn deepest(e: &Expr, depth: usize) -> Option<pyro_source::Span> {
    if depth > MAX_DEPTH {
        return Some(e.span);
    }
    let mut found = None;
    children(e, &mut |c| {
        if found.is_none() {
            found = deepest(c, depth + 1);
        }
    });
    found
}

fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Ellipsis
        | ExprKind::Name(_) => {}
        ExprKind::FString(parts) => fstring(parts, f),
        ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) => {
            items.iter().for_each(f)
        }
        ExprKind::Dict(pairs) => {
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        ExprKind::Comprehension {
            element,
            value,
            clauses,
            ..
        } => {
            f(element);
            if let Some(v) = value {
                f(v);
            }
            for c in clauses {
                f(&c.target);
                f(&c.iter);
                c.conds.iter().for_each(&mut *f);
            }
        }
        ExprKind::Unary { operand, .. } => f(operand),
        ExprKind::Binary { left, right, .. } | ExprKind::Logical { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Compare { left, ops } => {
            f(left);
            ops.iter().for_each(|(_, r)| f(r));
        }
        ExprKind::IfElse { cond, then, orelse } => {
            f(cond);
            f(then);
            f(orelse);
        }
        ExprKind::Lambda { params, body } => {
            params
                .iter()
                .filter_map(|p| p.default.as_ref())
                .for_each(&mut *f);
            f(body);
        }
        ExprKind::Call { func, args } => {
            f(func);
            args.iter().for_each(|a| f(&a.value));
        }
        ExprKind::Attribute { value, .. } => f(value),
        ExprKind::Index { value, index } => {
            f(value);
            f(index);
        }
        ExprKind::Slice { lower, upper, step } => {
            for part in [lower, upper, step].into_iter().flatten() {
                f(part);
            }
        }
        ExprKind::Generic { value, .. } => f(value),
        ExprKind::Range { start, end, .. } => {
            f(start);
            f(end);
        }
        ExprKind::Go(inner) | ExprKind::Starred(inner) => f(inner),
    }
}

fn fstring(parts: &[FStringPart], f: &mut dyn FnMut(&Expr)) {
    for p in parts {
        if let FStringPart::Field { expr, spec, .. } = p {
            f(expr);
            if let Some(spec) = spec {
                fstring(spec, f);
            }
        }
    }
}

/// Calls `f` on every top-level expression of a statement and its blocks.
fn visit_stmt(s: &Stmt, f: &mut dyn FnMut(&Expr)) {
    let block = |b: &[Stmt], f: &mut dyn FnMut(&Expr)| b.iter().for_each(|s| visit_stmt(s, f));
    match &s.kind {
        StmtKind::Expr(e) => f(e),
        StmtKind::Let { target, value, .. } => {
            f(target);
            f(value);
        }
        StmtKind::Assign { targets, value } => {
            targets.iter().for_each(&mut *f);
            f(value);
        }
        StmtKind::AugAssign { target, value, .. } => {
            f(target);
            f(value);
        }
        StmtKind::AnnAssign { value, .. } => {
            if let Some(v) = value {
                f(v);
            }
        }
        StmtKind::If { cond, body, orelse } | StmtKind::While { cond, body, orelse } => {
            f(cond);
            block(body, f);
            block(orelse, f);
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
        } => {
            f(target);
            f(iter);
            block(body, f);
            block(orelse, f);
        }
        StmtKind::Return(v) => {
            if let Some(v) = v {
                f(v);
            }
        }
        StmtKind::Raise { exc, cause } => {
            for e in [exc, cause].into_iter().flatten() {
                f(e);
            }
        }
        StmtKind::Assert { test, msg } => {
            f(test);
            if let Some(m) = msg {
                f(m);
            }
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            block(body, f);
            for h in handlers {
                if let Some(t) = &h.ty {
                    f(t);
                }
                block(&h.body, f);
            }
            block(orelse, f);
            block(finalbody, f);
        }
        StmtKind::With { items, body } => {
            for i in items {
                f(&i.context);
                if let Some(t) = &i.target {
                    f(t);
                }
            }
            block(body, f);
        }
        StmtKind::FuncDef(d) => {
            d.params
                .iter()
                .filter_map(|p| p.default.as_ref())
                .for_each(&mut *f);
            if let Some(b) = &d.body {
                block(b, f);
            }
        }
        StmtKind::ClassDef(c) => block(&c.body, f),
        StmtKind::RecordDef(r) => block(&r.body, f),
        StmtKind::InterfaceDef(i) => {
            for m in &i.methods {
                if let Some(b) = &m.body {
                    block(b, f);
                }
            }
        }
        StmtKind::Select { cases, default } => {
            for c in cases {
                match &c.kind {
                    crate::ast::SelectKind::Recv { channel, .. } => f(channel),
                    crate::ast::SelectKind::Send { channel, value } => {
                        f(channel);
                        f(value);
                    }
                }
                block(&c.body, f);
            }
            if let Some(d) = default {
                block(d, f);
            }
        }
        StmtKind::Match { subject, cases } => {
            f(subject);
            for c in cases {
                if let Some(g) = &c.guard {
                    f(g);
                }
                block(&c.body, f);
            }
        }
        StmtKind::TypeAlias { .. } | StmtKind::Import(_) | StmtKind::FromImport { .. } => {}
        StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
    }
}
