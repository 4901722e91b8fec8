//! Compiling expressions.

use pyro_builtins::Builtin;
use pyro_parser::ast::{
    self, ArgKind, BinOp, CmpOp, CompKind, Expr, ExprKind, FStringPart, LogicalOp, UnaryOp,
};
use pyro_parser::dump;
use pyro_source::Span;

use crate::code::{CodeKind, Const};
use crate::compile::{Compiler, Resolved};
use crate::error::CompileError;
use crate::op::Op;

impl Compiler<'_> {
    /// Expressions nest (within the parser's limit): each level recurses on
    /// a stack that grows. Once the module is too large, the rest is skipped.
    pub(crate) fn expr(&mut self, e: &Expr) {
        if !self.too_large {
            pyro_source::stack::grow(|| self.expr_inner(e));
        }
    }

    fn expr_inner(&mut self, e: &Expr) {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(n) => match i32::try_from(*n) {
                Ok(small) => {
                    self.emit(Op::LoadInt(small), span);
                }
                Err(_) => {
                    let k = self.konst(Const::Int(*n));
                    self.emit(Op::LoadConst(k), span);
                }
            },
            ExprKind::Float(x) => {
                let k = self.konst(Const::Float(*x));
                self.emit(Op::LoadConst(k), span);
            }
            ExprKind::Str(s) => {
                let k = self.str_const(s);
                self.emit(Op::LoadConst(k), span);
            }
            ExprKind::FString(parts) => {
                let count = self.fstring(parts, span);
                if count != 1 {
                    self.emit(Op::BuildString(count), span);
                }
            }
            ExprKind::Bool(true) => {
                self.emit(Op::LoadTrue, span);
            }
            ExprKind::Bool(false) => {
                self.emit(Op::LoadFalse, span);
            }
            ExprKind::None | ExprKind::Ellipsis => {
                self.emit(Op::LoadNone, span);
            }
            ExprKind::Name(n) => self.load_name(n, span),
            ExprKind::Tuple(items) => self.sequence(items, span, Op::BuildTuple, 4),
            ExprKind::List(items) => self.sequence(items, span, Op::BuildList, 1),
            ExprKind::Set(items) => self.sequence(items, span, Op::BuildSet, 2),
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    self.expr(k);
                    self.expr(v);
                }
                self.emit(Op::BuildDict(items.len() as u32), span);
            }
            ExprKind::Comprehension {
                kind,
                element,
                value,
                clauses,
            } => self.comprehension(*kind, element, value.as_deref(), clauses, span),
            ExprKind::Unary { op, operand } => {
                self.expr(operand);
                let op = match op {
                    UnaryOp::Neg => Op::Neg,
                    UnaryOp::Pos => Op::Pos,
                    UnaryOp::Invert => Op::Invert,
                    UnaryOp::Not => Op::Not,
                };
                self.emit(op, span);
            }
            ExprKind::Binary { op, left, right } => {
                self.expr(left);
                self.expr(right);
                self.binop(*op, span);
            }
            ExprKind::Logical { op, left, right } => {
                self.expr(left);
                let jump = match op {
                    LogicalOp::And => Op::JumpIfFalseOrPop(0),
                    LogicalOp::Or => Op::JumpIfTrueOrPop(0),
                };
                let at = self.emit(jump, span);
                self.expr(right);
                self.patch(at);
            }
            ExprKind::Compare { left, ops } => self.compare(left, ops, span),
            ExprKind::IfElse { cond, then, orelse } => {
                self.expr(cond);
                let to_else = self.emit(Op::JumpIfFalse(0), cond.span);
                self.expr(then);
                let to_end = self.emit(Op::Jump(0), span);
                self.patch(to_else);
                self.expr(orelse);
                self.patch(to_end);
            }
            ExprKind::Lambda { params, body } => {
                let defaults = self.defaults(params);
                let (code, free) = self.function("<lambda>", params, CodeKind::Lambda, span, |c| {
                    c.expr(body);
                    c.emit(Op::Return, body.span);
                });
                self.make_function(code, &free, defaults, span);
            }
            ExprKind::Call { func, args } => self.call(func, args, span, false),
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                let n = self.name(&attr.name);
                self.emit(Op::GetAttr(n), attr.span);
            }
            ExprKind::Index { value, index } => {
                self.expr(value);
                self.expr(index);
                self.emit(Op::GetIndex, span);
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step] {
                    match part {
                        Some(p) => self.expr(p),
                        None => {
                            self.emit(Op::LoadNone, span);
                        }
                    }
                }
                self.emit(Op::BuildSlice, span);
            }
            ExprKind::Generic { value, args } => {
                self.expr(value);
                let types: Vec<Const> = args
                    .iter()
                    .map(|t| Const::Str(dump::type_expr(t).into()))
                    .collect();
                let k = self.konst(Const::Tuple(types));
                // `chan<Msg>` checks pushed values: it needs the values of
                // the names its element type is written with.
                let chan = matches!(&value.kind, ExprKind::Name(n) if n == "chan"
                    && matches!(self.resolve(n, value.span.lo), Some(Resolved::Builtin(Builtin::Chan))));
                let count = match args.first() {
                    Some(elem) if chan => self.type_names(elem),
                    _ => 0,
                };
                self.emit(Op::Specialize(k, count), span);
            }
            ExprKind::Range {
                start,
                end,
                inclusive,
            } => {
                self.expr(start);
                self.expr(end);
                self.emit(Op::BuildRange(u8::from(*inclusive)), span);
            }
            ExprKind::Go(call) => match &call.kind {
                ExprKind::Call { func, args } => self.call(func, args, call.span, true),
                _ => self.expr(call),
            },
            ExprKind::Starred(inner) => {
                self.error(CompileError::MisplacedStar { span });
                self.expr(inner);
            }
        }
    }

    pub(crate) fn binop(&mut self, op: BinOp, span: Span) {
        let op = match op {
            BinOp::Add => Op::Add,
            BinOp::Sub => Op::Sub,
            BinOp::Mul => Op::Mul,
            BinOp::Div => Op::Div,
            BinOp::Mod => Op::Mod,
            BinOp::Pow => Op::Pow,
            BinOp::BitAnd => Op::BitAnd,
            BinOp::BitOr => Op::BitOr,
            BinOp::BitXor => Op::BitXor,
            BinOp::Shl => Op::Shl,
            BinOp::Shr => Op::Shr,
        };
        self.emit(op, span);
    }

    fn cmp_op(op: CmpOp) -> Op {
        match op {
            CmpOp::Eq => Op::Eq,
            CmpOp::NotEq => Op::Ne,
            CmpOp::Lt => Op::Lt,
            CmpOp::Le => Op::Le,
            CmpOp::Gt => Op::Gt,
            CmpOp::Ge => Op::Ge,
            CmpOp::In => Op::In,
            CmpOp::NotIn => Op::NotIn,
            CmpOp::Is => Op::Is,
            CmpOp::IsNot => Op::IsNot,
        }
    }

    /// `a < b < c` evaluates `b` once and stops at the first false link.
    fn compare(&mut self, left: &Expr, ops: &[(CmpOp, Expr)], span: Span) {
        self.expr(left);
        let mut cleanups = Vec::new();
        for (i, (op, right)) in ops.iter().enumerate() {
            self.expr(right);
            if i + 1 < ops.len() {
                self.emit(Op::Dup, right.span);
                self.emit(Op::RotThree, right.span);
                self.emit(Self::cmp_op(*op), span);
                cleanups.push(self.emit(Op::JumpIfFalseOrPop(0), span));
            } else {
                self.emit(Self::cmp_op(*op), span);
            }
        }
        if !cleanups.is_empty() {
            let to_end = self.emit(Op::Jump(0), span);
            for at in cleanups {
                self.patch(at);
            }
            self.emit(Op::RotTwo, span);
            self.emit(Op::Pop, span);
            self.patch(to_end);
        }
    }

    /// A list/tuple/set literal; with `*items` it goes through a builder.
    fn sequence(
        &mut self,
        items: &[Expr],
        span: Span,
        build: impl Fn(u32) -> Op,
        builder_kind: u8,
    ) {
        if !items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
            for item in items {
                self.expr(item);
            }
            self.emit(build(items.len() as u32), span);
            return;
        }
        // Tuples are built as lists and frozen into tuples (kind 4).
        self.emit(Op::NewBuilder(builder_kind), span);
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner);
                    self.emit(Op::ListExtend(0), item.span);
                }
                _ => {
                    self.expr(item);
                    let op = if builder_kind == 2 {
                        Op::SetAdd(0)
                    } else {
                        Op::ListAppend(0)
                    };
                    self.emit(op, item.span);
                }
            }
        }
        self.emit(Op::Freeze, span);
    }

    fn comprehension(
        &mut self,
        kind: CompKind,
        element: &Expr,
        value: Option<&Expr>,
        clauses: &[ast::CompClause],
        span: Span,
    ) {
        let builder = match kind {
            CompKind::List | CompKind::Generator => 1,
            CompKind::Set => 2,
            CompKind::Dict => 3,
        };
        self.emit(Op::NewBuilder(builder), span);
        // Comprehension variables live in their own scope and do not leak.
        self.push_scope();
        let mut loops = Vec::new();
        for clause in clauses {
            self.expr(&clause.iter);
            self.emit(Op::GetIter, clause.iter.span);
            let start = self.pc();
            let exit = self.emit(Op::ForIter(0), clause.iter.span);
            self.bind_comprehension_target(&clause.target);
            for cond in &clause.conds {
                self.expr(cond);
                self.emit(Op::JumpIfFalse(start), cond.span);
            }
            loops.push((start, exit));
        }
        let depth = clauses.len() as u32;
        self.expr(element);
        match value {
            Some(v) => {
                self.expr(v);
                self.emit(Op::DictInsert(depth), span);
            }
            None if builder == 2 => {
                self.emit(Op::SetAdd(depth), span);
            }
            None => {
                self.emit(Op::ListAppend(depth), span);
            }
        }
        for (start, exit) in loops.into_iter().rev() {
            self.emit(Op::Jump(start), span);
            self.patch(exit);
        }
        self.pop_scope();
        self.emit(Op::Freeze, span);
    }

    fn bind_comprehension_target(&mut self, target: &Expr) {
        pyro_source::stack::grow(|| self.bind_comprehension_target_inner(target));
    }

    fn bind_comprehension_target_inner(&mut self, target: &Expr) {
        match &target.kind {
            ExprKind::Name(n) => self.declare_and_store_local(n, target.span),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                match items
                    .iter()
                    .position(|i| matches!(i.kind, ExprKind::Starred(_)))
                {
                    Some(star) => {
                        self.emit(
                            Op::UnpackStar(star as u16, (items.len() - star - 1) as u16),
                            target.span,
                        );
                    }
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32), target.span);
                    }
                }
                for item in items {
                    let item = match &item.kind {
                        ExprKind::Starred(inner) => inner,
                        _ => item,
                    };
                    self.bind_comprehension_target(item);
                }
            }
            _ => self.store_target(target),
        }
    }

    /// A block-scoped binding even at module level (comprehension variables).
    fn declare_and_store_local(&mut self, name: &str, span: Span) {
        let id = self.declare(name, span, true, true, false);
        let slot = self.f().bindings[id].slot;
        let at = self.emit(Op::StoreLocal(slot), span);
        self.f().bindings[id].uses.push(at);
    }

    /// Pushes the f-string's pieces; returns how many strings it pushed.
    fn fstring(&mut self, parts: &[FStringPart], span: Span) -> u32 {
        let mut count = 0;
        for part in parts {
            match part {
                FStringPart::Lit(s) => {
                    let k = self.str_const(s);
                    self.emit(Op::LoadConst(k), span);
                }
                FStringPart::Field {
                    expr,
                    conversion,
                    spec,
                    debug_text,
                } => {
                    if let Some(text) = debug_text {
                        let k = self.str_const(text);
                        self.emit(Op::LoadConst(k), expr.span);
                        count += 1;
                    }
                    self.expr(expr);
                    let mut flags = 0u8;
                    let conversion = conversion.or(if debug_text.is_some() && spec.is_none() {
                        Some('r')
                    } else {
                        None
                    });
                    flags |= match conversion {
                        Some('s') => 1 << 1,
                        Some('r') => 2 << 1,
                        Some('a') => 3 << 1,
                        _ => 0,
                    };
                    if let Some(spec) = spec {
                        let n = pyro_source::stack::grow(|| self.fstring(spec, span));
                        if n != 1 {
                            self.emit(Op::BuildString(n), span);
                        }
                        flags |= 1;
                    }
                    self.emit(Op::FormatValue(flags), expr.span);
                }
            }
            count += 1;
        }
        if count == 0 {
            let k = self.str_const("");
            self.emit(Op::LoadConst(k), span);
            count = 1;
        }
        count
    }

    /// A call (or `go` of one when `spawn`).
    fn call(&mut self, func: &Expr, args: &[ast::Arg], span: Span, spawn: bool) {
        let simple = args.iter().all(|a| matches!(a.kind, ArgKind::Positional));
        let has_star = args
            .iter()
            .any(|a| matches!(a.kind, ArgKind::Star | ArgKind::DoubleStar));
        // `super()` in a method.
        if let (ExprKind::Name(n), true, false) = (&func.kind, args.is_empty(), spawn) {
            if n == "super" && self.names_nothing("super", span.lo) {
                if !self.fns.iter().any(|f| f.kind == CodeKind::Method) {
                    self.error(CompileError::SuperOutsideMethod { span });
                }
                self.emit(Op::LoadSuper, span);
                return;
            }
        }
        // `super(Class, obj)`, Python's explicit form.
        if let (ExprKind::Name(n), [class, receiver], false) = (&func.kind, args, spawn) {
            if n == "super" && simple && self.names_nothing("super", span.lo) {
                self.expr(&class.value);
                self.expr(&receiver.value);
                self.emit(Op::BuildSuper, span);
                return;
            }
        }
        // `obj.method(args)` without a bound-method object.
        if let (ExprKind::Attribute { value, attr }, true, false) = (&func.kind, simple, spawn) {
            self.expr(value);
            for a in args {
                self.expr(&a.value);
            }
            let n = self.name(&attr.name);
            self.emit(Op::CallMethod(args.len() as u16, n), span);
            return;
        }
        self.expr(func);
        // `f(args)` with `f` a module global: the callee is pushed for
        // `Call` alone to consume (`LoadCallee`).
        if let (ExprKind::Name(_), true, false) = (&func.kind, simple, spawn) {
            if let Some(op) = self.f().ops.last_mut() {
                if let Op::LoadGlobal(g) = *op {
                    *op = Op::LoadCallee(g);
                }
            }
        }
        if has_star {
            self.star_call(args, span);
            if spawn {
                self.error(CompileError::Unsupported {
                    span,
                    what: "`go` with `*args`".into(),
                    help: None,
                });
            }
            return;
        }
        let mut keywords = Vec::new();
        for a in args {
            self.expr(&a.value);
            if let ArgKind::Keyword(name) = &a.kind {
                keywords.push(Const::Str(name.name.as_str().into()));
            }
        }
        let argc = args.len() as u32;
        if keywords.is_empty() {
            self.emit(if spawn { Op::Go(argc) } else { Op::Call(argc) }, span);
        } else {
            let k = self.konst(Const::Tuple(keywords));
            self.emit(
                if spawn {
                    Op::GoKw(argc as u16, k)
                } else {
                    Op::CallKw(argc as u16, k)
                },
                span,
            );
        }
    }

    /// `f(a, *xs, k=v, **kw)`: a tuple of positionals and a dict of keywords.
    fn star_call(&mut self, args: &[ast::Arg], span: Span) {
        self.emit(Op::NewBuilder(1), span);
        for a in args {
            match a.kind {
                ArgKind::Positional => {
                    self.expr(&a.value);
                    self.emit(Op::ListAppend(0), a.span);
                }
                ArgKind::Star => {
                    self.expr(&a.value);
                    self.emit(Op::ListExtend(0), a.span);
                }
                _ => {}
            }
        }
        self.emit(Op::Freeze, span);
        self.emit(Op::NewBuilder(3), span);
        for a in args {
            match &a.kind {
                ArgKind::Keyword(name) => {
                    let k = self.str_const(&name.name);
                    self.emit(Op::LoadConst(k), a.span);
                    self.expr(&a.value);
                    self.emit(Op::DictInsert(0), a.span);
                }
                ArgKind::DoubleStar => {
                    self.expr(&a.value);
                    self.emit(Op::ListExtend(0), a.span);
                }
                _ => {}
            }
        }
        self.emit(Op::Freeze, span);
        self.emit(Op::CallEx, span);
    }
}
