//! A readable S-expression dump of the AST, printed by `pyro ast` and used by
//! the syntax golden tests. Statements go one per line with their blocks
//! indented; expressions print inline, fully parenthesised, so precedence
//! and associativity are visible; types print in source syntax.

use std::fmt::Write;

use crate::ast::*;

/// Dumps a module. `line_of` maps a span to the line number printed in front
/// of each top-level statement.
pub fn module(m: &Module, line_of: &dyn Fn(pyro_source::Span) -> u32) -> String {
    let mut out = String::new();
    for stmt in &m.body {
        let _ = write!(out, "{:>3}: ", line_of(stmt.span));
        Dumper {
            out: &mut out,
            indent: 5,
        }
        .stmt(stmt);
        out.push('\n');
    }
    out
}

/// Dumps one expression inline.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    Dumper {
        out: &mut out,
        indent: 0,
    }
    .expr(e);
    out
}

/// Prints a type in source syntax: `dict<string, list<int>>`, `(int) -> bool`.
pub fn type_expr(t: &TypeExpr) -> String {
    pyro_source::stack::grow(|| type_text(t))
}

fn type_text(t: &TypeExpr) -> String {
    match &t.kind {
        TypeKind::Named { path, args } => {
            let name = path
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if args.is_empty() {
                name
            } else {
                format!(
                    "{name}<{}>",
                    args.iter().map(type_expr).collect::<Vec<_>>().join(", ")
                )
            }
        }
        TypeKind::None => "None".into(),
        TypeKind::Union(items) => items.iter().map(type_expr).collect::<Vec<_>>().join(" | "),
        TypeKind::Optional(inner) => match inner.kind {
            TypeKind::Union(_) | TypeKind::Function { .. } => format!("({})?", type_expr(inner)),
            _ => format!("{}?", type_expr(inner)),
        },
        TypeKind::Function { params, ret } => {
            format!(
                "({}) -> {}",
                params.iter().map(type_expr).collect::<Vec<_>>().join(", "),
                type_expr(ret)
            )
        }
        TypeKind::Tuple(items) if items.len() == 1 => format!("({},)", type_expr(&items[0])),
        TypeKind::Tuple(items) => format!(
            "({})",
            items.iter().map(type_expr).collect::<Vec<_>>().join(", ")
        ),
    }
}

struct Dumper<'o> {
    out: &'o mut String,
    indent: usize,
}

impl Dumper<'_> {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push(' ');
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        self.indent += 2;
        for s in stmts {
            self.newline();
            self.stmt(s);
        }
        self.indent -= 2;
    }

    /// `(head` + a nested block + `)`.
    fn labelled_block(&mut self, head: &str, stmts: &[Stmt]) {
        self.indent += 2;
        self.newline();
        self.w("(");
        self.w(head);
        self.block(stmts);
        self.w(")");
        self.indent -= 2;
    }

    fn stmt(&mut self, s: &Stmt) {
        pyro_source::stack::grow(|| self.stmt_inner(s));
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.list("expr", &[e]),
            StmtKind::Let {
                mutable,
                target,
                ty,
                value,
            } => {
                self.w(if *mutable { "(mut " } else { "(let " });
                self.expr(target);
                if let Some(ty) = ty {
                    self.w(" : ");
                    self.w(&type_expr(ty));
                }
                self.w(" ");
                self.expr(value);
                self.w(")");
            }
            StmtKind::Assign { targets, value } => {
                self.w("(assign");
                for t in targets {
                    self.w(" ");
                    self.expr(t);
                }
                self.w(" ");
                self.expr(value);
                self.w(")");
            }
            StmtKind::AugAssign { target, op, value } => {
                self.w(&format!("(augassign {}= ", op.symbol()));
                self.expr(target);
                self.w(" ");
                self.expr(value);
                self.w(")");
            }
            StmtKind::AnnAssign { target, ty, value } => {
                self.w(&format!("(annassign {} : {}", target.name, type_expr(ty)));
                if let Some(v) = value {
                    self.w(" ");
                    self.expr(v);
                }
                self.w(")");
            }
            StmtKind::If { branches, orelse } => {
                self.w("(if ");
                for (i, (cond, body)) in branches.iter().enumerate() {
                    if i == 0 {
                        self.expr(cond);
                        self.block(body);
                    } else {
                        self.labelled_block(&format!("elif {}", expr(cond)), body);
                    }
                }
                if !orelse.is_empty() {
                    self.labelled_block("else", orelse);
                }
                self.w(")");
            }
            StmtKind::While { cond, body, orelse } => {
                self.w("(while ");
                self.expr(cond);
                self.block(body);
                if !orelse.is_empty() {
                    self.labelled_block("else", orelse);
                }
                self.w(")");
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.w("(for ");
                self.expr(target);
                self.w(" in ");
                self.expr(iter);
                self.block(body);
                if !orelse.is_empty() {
                    self.labelled_block("else", orelse);
                }
                self.w(")");
            }
            StmtKind::Break => self.w("(break)"),
            StmtKind::Continue => self.w("(continue)"),
            StmtKind::Pass => self.w("(pass)"),
            StmtKind::Return(value) => self.opt_list("return", value.as_ref()),
            StmtKind::Raise { exc, cause } => {
                self.w("(raise");
                if let Some(e) = exc {
                    self.w(" ");
                    self.expr(e);
                }
                if let Some(c) = cause {
                    self.w(" from ");
                    self.expr(c);
                }
                self.w(")");
            }
            StmtKind::Assert { test, msg } => {
                self.w("(assert ");
                self.expr(test);
                if let Some(m) = msg {
                    self.w(" ");
                    self.expr(m);
                }
                self.w(")");
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.w("(try");
                self.block(body);
                for h in handlers {
                    let mut head = String::from("except");
                    if let Some(ty) = &h.ty {
                        head.push(' ');
                        head.push_str(&expr(ty));
                    }
                    if let Some(n) = &h.name {
                        head.push_str(" as ");
                        head.push_str(&n.name);
                    }
                    self.labelled_block(&head, &h.body);
                }
                if !orelse.is_empty() {
                    self.labelled_block("else", orelse);
                }
                if !finalbody.is_empty() {
                    self.labelled_block("finally", finalbody);
                }
                self.w(")");
            }
            StmtKind::With { items, body } => {
                self.w("(with");
                for item in items {
                    self.w(" ");
                    self.expr(&item.context);
                    if let Some(t) = &item.target {
                        self.w(" as ");
                        self.expr(t);
                    }
                }
                self.block(body);
                self.w(")");
            }
            StmtKind::FuncDef(f) => self.func(f),
            StmtKind::ClassDef(c) => {
                self.decorators(&c.decorators);
                self.w(&format!(
                    "(class {}{}",
                    c.name.name,
                    type_params(&c.type_params)
                ));
                if !c.bases.is_empty() {
                    self.w(" (bases");
                    for b in &c.bases {
                        self.w(" ");
                        self.expr(b);
                    }
                    self.w(")");
                }
                self.block(&c.body);
                self.w(")");
            }
            StmtKind::RecordDef(r) => {
                self.decorators(&r.decorators);
                self.w(&format!(
                    "(record {}{} ",
                    r.name.name,
                    type_params(&r.type_params)
                ));
                self.params(&r.fields);
                self.block(&r.body);
                self.w(")");
            }
            StmtKind::InterfaceDef(i) => {
                self.w(&format!(
                    "(interface {}{}",
                    i.name.name,
                    type_params(&i.type_params)
                ));
                if !i.bases.is_empty() {
                    self.w(" (bases");
                    for b in &i.bases {
                        self.w(" ");
                        self.expr(b);
                    }
                    self.w(")");
                }
                self.indent += 2;
                for m in &i.methods {
                    self.newline();
                    self.func(m);
                }
                self.indent -= 2;
                self.w(")");
            }
            StmtKind::TypeAlias { name, params, ty } => {
                self.w(&format!(
                    "(type {}{} = {})",
                    name.name,
                    type_params(params),
                    type_expr(ty)
                ));
            }
            StmtKind::Import(items) => {
                self.w("(import");
                for item in items {
                    self.w(" ");
                    self.w(&import_source(&item.source));
                    if let Some(a) = &item.alias {
                        self.w(" as ");
                        self.w(&a.name);
                    }
                }
                self.w(")");
            }
            StmtKind::FromImport { source, names } => {
                self.w(&format!("(from {} import", import_source(source)));
                if names.is_empty() {
                    self.w(" *");
                }
                for n in names {
                    self.w(" ");
                    self.w(&n.name.name);
                    if let Some(a) = &n.alias {
                        self.w(" as ");
                        self.w(&a.name);
                    }
                }
                self.w(")");
            }
            StmtKind::Select { cases, default } => {
                self.w("(select");
                for case in cases {
                    let head = match &case.kind {
                        SelectKind::Recv { channel, value, ok } => {
                            let mut h = format!("recv {}", expr(channel));
                            if let Some(v) = value {
                                h.push_str(&format!(" -> {}", expr(v)));
                            }
                            if let Some(o) = ok {
                                h.push_str(&format!(", {}", expr(o)));
                            }
                            h
                        }
                        SelectKind::Send { channel, value } => {
                            format!("send {} {}", expr(channel), expr(value))
                        }
                    };
                    self.labelled_block(&format!("case {head}"), &case.body);
                }
                if let Some(d) = default {
                    self.labelled_block("else", d);
                }
                self.w(")");
            }
            StmtKind::Match { subject, cases } => {
                self.w("(match ");
                self.expr(subject);
                for case in cases {
                    let mut head = format!("case {}", pattern(&case.pattern));
                    if let Some(g) = &case.guard {
                        head.push_str(&format!(" if {}", expr(g)));
                    }
                    self.labelled_block(&head, &case.body);
                }
                self.w(")");
            }
        }
    }

    fn decorators(&mut self, decorators: &[Expr]) {
        for d in decorators {
            self.w("(@ ");
            self.expr(d);
            self.w(")");
            self.newline();
        }
    }

    fn func(&mut self, f: &FuncDef) {
        self.decorators(&f.decorators);
        self.w(&format!(
            "(def {}{} ",
            f.name.name,
            type_params(&f.type_params)
        ));
        self.params(&f.params);
        if let Some(ret) = &f.ret {
            self.w(" -> ");
            self.w(&type_expr(ret));
        }
        match &f.body {
            Some(body) => self.block(body),
            None => self.w(" (signature)"),
        }
        self.w(")");
    }

    fn params(&mut self, params: &[Param]) {
        self.w("(");
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                self.w(" ");
            }
            let prefix = match p.kind {
                ParamKind::Normal => "",
                ParamKind::VarArgs => "*",
                ParamKind::KwArgs => "**",
            };
            let simple = p.ty.is_none() && p.default.is_none();
            if !simple {
                self.w("(");
            }
            self.w(prefix);
            self.w(&p.name.name);
            if let Some(ty) = &p.ty {
                self.w(" : ");
                self.w(&type_expr(ty));
            }
            if let Some(d) = &p.default {
                self.w(" = ");
                self.expr(d);
            }
            if !simple {
                self.w(")");
            }
        }
        self.w(")");
    }

    fn list(&mut self, head: &str, items: &[&Expr]) {
        self.w("(");
        self.w(head);
        for e in items {
            self.w(" ");
            self.expr(e);
        }
        self.w(")");
    }

    fn opt_list(&mut self, head: &str, item: Option<&Expr>) {
        self.list(head, &item.into_iter().collect::<Vec<_>>());
    }

    fn exprs(&mut self, head: &str, items: &[Expr]) {
        self.list(head, &items.iter().collect::<Vec<_>>());
    }

    fn expr(&mut self, e: &Expr) {
        pyro_source::stack::grow(|| self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Int(n) => self.w(&n.to_string()),
            ExprKind::Float(x) => self.w(&format!("{x:?}")),
            ExprKind::Str(s) => self.w(&format!("{s:?}")),
            ExprKind::FString(parts) => {
                self.w("(f");
                self.fstring_parts(parts);
                self.w(")");
            }
            ExprKind::Bool(b) => self.w(if *b { "true" } else { "false" }),
            ExprKind::None => self.w("None"),
            ExprKind::Ellipsis => self.w("..."),
            ExprKind::Name(n) => self.w(n),
            ExprKind::Tuple(items) => self.exprs("tuple", items),
            ExprKind::List(items) => self.exprs("list", items),
            ExprKind::Set(items) => self.exprs("set", items),
            ExprKind::Dict(items) => {
                self.w("(dict");
                for (k, v) in items {
                    self.w(" (");
                    self.expr(k);
                    self.w(" ");
                    self.expr(v);
                    self.w(")");
                }
                self.w(")");
            }
            ExprKind::Comprehension {
                kind,
                element,
                value,
                clauses,
            } => {
                let head = match kind {
                    CompKind::List => "listcomp",
                    CompKind::Set => "setcomp",
                    CompKind::Dict => "dictcomp",
                    CompKind::Generator => "gencomp",
                };
                self.w("(");
                self.w(head);
                self.w(" ");
                self.expr(element);
                if let Some(v) = value {
                    self.w(" ");
                    self.expr(v);
                }
                for c in clauses {
                    self.w(" (for ");
                    self.expr(&c.target);
                    self.w(" in ");
                    self.expr(&c.iter);
                    for cond in &c.conds {
                        self.w(" if ");
                        self.expr(cond);
                    }
                    self.w(")");
                }
                self.w(")");
            }
            ExprKind::Unary { op, operand } => self.list(op.symbol(), &[operand]),
            ExprKind::Binary { op, left, right } => self.list(op.symbol(), &[left, right]),
            ExprKind::Logical { op, left, right } => self.list(
                if *op == LogicalOp::And { "and" } else { "or" },
                &[left, right],
            ),
            ExprKind::Compare { left, ops } => {
                self.w("(cmp ");
                self.expr(left);
                for (op, right) in ops {
                    self.w(" ");
                    self.w(op.symbol());
                    self.w(" ");
                    self.expr(right);
                }
                self.w(")");
            }
            ExprKind::IfElse { cond, then, orelse } => self.list("ifelse", &[cond, then, orelse]),
            ExprKind::Lambda { params, body } => {
                self.w("(lambda ");
                self.params(params);
                self.w(" ");
                self.expr(body);
                self.w(")");
            }
            ExprKind::Call { func, args } => {
                self.w("(call ");
                self.expr(func);
                for a in args {
                    self.w(" ");
                    match &a.kind {
                        ArgKind::Positional => self.expr(&a.value),
                        ArgKind::Keyword(k) => {
                            self.w(&format!("({}= ", k.name));
                            self.expr(&a.value);
                            self.w(")");
                        }
                        ArgKind::Star => self.list("*", &[&a.value]),
                        ArgKind::DoubleStar => self.list("**", &[&a.value]),
                    }
                }
                self.w(")");
            }
            ExprKind::Attribute { value, attr } => {
                self.w("(. ");
                self.expr(value);
                self.w(" ");
                self.w(&attr.name);
                self.w(")");
            }
            ExprKind::Index { value, index } => self.list("[]", &[value, index]),
            ExprKind::Slice { lower, upper, step } => {
                self.w("(slice");
                for part in [lower, upper, step] {
                    self.w(" ");
                    match part {
                        Some(p) => self.expr(p),
                        None => self.w("_"),
                    }
                }
                self.w(")");
            }
            ExprKind::Generic { value, args } => {
                self.w("(generic ");
                self.expr(value);
                for a in args {
                    self.w(" ");
                    self.w(&type_expr(a));
                }
                self.w(")");
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => self.list(if *inclusive { "..=" } else { ".." }, &[start, end]),
            ExprKind::Go(call) => self.list("go", &[call]),
            ExprKind::Starred(inner) => self.list("*", &[inner]),
        }
    }

    fn fstring_parts(&mut self, parts: &[FStringPart]) {
        for part in parts {
            self.w(" ");
            match part {
                FStringPart::Lit(s) => self.w(&format!("{s:?}")),
                FStringPart::Field {
                    expr,
                    conversion,
                    spec,
                    debug_text,
                } => {
                    self.w("{");
                    if let Some(d) = debug_text {
                        self.w(&format!("{d:?} "));
                    }
                    self.expr(expr);
                    if let Some(c) = conversion {
                        self.w(&format!(" !{c}"));
                    }
                    if let Some(spec) = spec {
                        self.w(" :");
                        pyro_source::stack::grow(|| self.fstring_parts(spec));
                    }
                    self.w("}");
                }
            }
        }
    }
}

fn type_params(params: &[TypeParam]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let items: Vec<String> = params
        .iter()
        .map(|p| match &p.bound {
            Some(b) => format!("{}: {}", p.name.name, type_expr(b)),
            None => p.name.name.clone(),
        })
        .collect();
    format!("<{}>", items.join(", "))
}

fn import_source(source: &ImportSource) -> String {
    match source {
        ImportSource::Module(path) => path
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ImportSource::File { path, .. } => format!("{path:?}"),
    }
}

fn pattern(p: &Pattern) -> String {
    pyro_source::stack::grow(|| pattern_text(p))
}

fn pattern_text(p: &Pattern) -> String {
    match &p.kind {
        PatternKind::Wildcard => "_".into(),
        PatternKind::Capture(n) => n.name.clone(),
        PatternKind::Value(e) => format!("(value {})", expr(e)),
        PatternKind::Tuple(items) => format!(
            "(tuple {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        PatternKind::List(items) => format!(
            "(list {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        PatternKind::Class {
            class,
            args,
            kwargs,
        } => {
            let mut parts: Vec<String> = args.iter().map(pattern).collect();
            parts.extend(
                kwargs
                    .iter()
                    .map(|(k, v)| format!("({}= {})", k.name, pattern(v))),
            );
            format!("(class {} {})", expr(class), parts.join(" "))
        }
        PatternKind::Or(items) => format!(
            "(| {})",
            items.iter().map(pattern).collect::<Vec<_>>().join(" ")
        ),
        PatternKind::As(inner, name) => format!("(as {} {})", pattern(inner), name.name),
        PatternKind::Star(name) => format!("*{}", name.as_ref().map_or("_", |n| n.name.as_str())),
    }
}
