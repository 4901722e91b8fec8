//! Compiling statements.

use pyro_parser::ast::{self, Expr, ExprKind, Stmt, StmtKind};
use pyro_source::Span;

use crate::code::{CodeKind, Const};
use crate::compile::{Compiler, Exit, LoopCtx, Resolved};
use crate::error::CompileError;
use crate::op::Op;

impl<'a> Compiler<'a> {
    pub(crate) fn block(&mut self, stmts: &'a [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    /// A block with its own scope for `let` bindings.
    pub(crate) fn scoped_block(&mut self, stmts: &'a [Stmt]) {
        self.push_scope();
        self.block(stmts);
        self.pop_scope();
    }

    /// Blocks nest (within the parser's limit): each level recurses on a
    /// stack that grows. Once the module is too large, the rest is skipped.
    fn stmt(&mut self, s: &'a Stmt) {
        if !self.too_large {
            pyro_source::stack::grow(|| self.stmt_inner(s));
        }
    }

    fn stmt_inner(&mut self, s: &'a Stmt) {
        let span = s.span;
        match &s.kind {
            StmtKind::Expr(e) => {
                if let ExprKind::Starred(_) = e.kind {
                    self.error(CompileError::MisplacedStar { span: e.span });
                }
                self.expr(e);
                // A `go` statement discards the task handle: mark the spawn
                // detached (its uncaught error is fatal) instead of popping.
                if let ExprKind::Go(_) = e.kind {
                    let last = self.f().ops.last_mut();
                    match last {
                        Some(Op::Go(argc)) => {
                            *argc |= crate::op::GO_DETACHED;
                            return;
                        }
                        Some(Op::GoKw(argc, _)) => {
                            *argc |= crate::op::GO_KW_DETACHED;
                            return;
                        }
                        _ => {}
                    }
                }
                self.emit(Op::Pop, e.span);
            }
            StmtKind::Let {
                mutable,
                target,
                value,
                ..
            } => {
                self.expr(value);
                self.let_target(target, *mutable);
            }
            StmtKind::Assign { targets, value } => {
                // `s = s + x` on a local or global is `s += x` (in place when
                // the value has no other owner).
                if let (
                    [ast::Expr {
                        kind: ExprKind::Name(n),
                        span: tspan,
                        ..
                    }],
                    ExprKind::Binary {
                        op: ast::BinOp::Add,
                        left,
                        right,
                    },
                ) = (targets.as_slice(), &value.kind)
                {
                    if matches!(&left.kind, ExprKind::Name(l) if l == n)
                        && self.add_in_place(n, right, *tspan)
                    {
                        return;
                    }
                }
                self.expr(value);
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup, t.span);
                    }
                    self.store_target(t);
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value, span),
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    self.expr(v);
                    self.store_name(&target.name, target.span);
                }
            }
            StmtKind::If { branches, orelse } => {
                // Each test jumps to the next when false; each branch that
                // has something after it jumps to the end when done.
                let mut to_end = Vec::new();
                for (i, (cond, body)) in branches.iter().enumerate() {
                    self.expr(cond);
                    let to_next = self.emit(Op::JumpIfFalse(0), cond.span);
                    self.scoped_block(body);
                    if i + 1 < branches.len() || !orelse.is_empty() {
                        to_end.push(self.emit(Op::Jump(0), span));
                    }
                    self.patch(to_next);
                }
                if !orelse.is_empty() {
                    self.scoped_block(orelse);
                }
                for at in to_end {
                    self.patch(at);
                }
            }
            StmtKind::While { cond, body, orelse } => {
                let start = self.pc();
                self.expr(cond);
                let exit = self.emit(Op::JumpIfFalse(0), cond.span);
                self.loop_body(start, false, body);
                self.emit(Op::Jump(start), span);
                self.patch(exit);
                let breaks = self.f().loops.pop().map(|l| l.breaks).unwrap_or_default();
                self.scoped_block(orelse);
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter);
                self.emit(Op::GetIter, iter.span);
                let start = self.pc();
                let exit = self.emit(Op::ForIter(0), iter.span);
                self.push_scope();
                self.store_target(target);
                self.loop_body(start, true, body);
                self.pop_scope();
                self.emit(Op::Jump(start), span);
                self.patch(exit);
                let breaks = self.f().loops.pop().map(|l| l.breaks).unwrap_or_default();
                self.scoped_block(orelse);
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::Break | StmtKind::Continue => {
                self.break_or_continue(matches!(s.kind, StmtKind::Break), span)
            }
            StmtKind::Pass => {}
            StmtKind::Return(value) => {
                if self.at_module_level() {
                    self.error(CompileError::ReturnOutsideFunction { span });
                }
                match value {
                    Some(v) => self.expr(v),
                    None => {
                        self.emit(Op::LoadNone, span);
                    }
                }
                let exits: Vec<Exit<'a>> = self.f().tries.iter().rev().copied().collect();
                self.run_exits(&exits, span);
                self.emit(Op::Return, span);
            }
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => match self.f().handled_errors.last().copied() {
                    Some(slot) => {
                        self.emit(Op::LoadLocal(slot), span);
                        self.emit(Op::Raise(0), span);
                    }
                    None => self.error(CompileError::BareRaise { span }),
                },
                (Some(e), None) => {
                    self.expr(e);
                    self.emit(Op::ErrorInstance, e.span);
                    self.emit(Op::Raise(1), span);
                }
                (Some(e), Some(c)) => {
                    self.expr(e);
                    self.emit(Op::ErrorInstance, e.span);
                    self.expr(c);
                    self.emit(Op::ErrorInstance, c.span);
                    self.emit(Op::Raise(2), span);
                }
            },
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                let ok = self.emit(Op::JumpIfTrue(0), test.span);
                self.emit(
                    Op::LoadBuiltin(pyro_builtins::Builtin::AssertionError as u16),
                    span,
                );
                match msg {
                    Some(m) => {
                        self.expr(m);
                        self.emit(Op::Call(1), span);
                    }
                    None => {
                        self.emit(Op::Call(0), span);
                    }
                }
                self.emit(Op::Raise(1), test.span);
                self.patch(ok);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => self.try_stmt(body, handlers, orelse, finalbody, span),
            StmtKind::With { items, body } => self.with_stmt(items, body, span),
            StmtKind::FuncDef(def) => {
                let decorators = self.decorators(&def.decorators);
                self.def_function(def, CodeKind::Function);
                self.apply_decorators(decorators, def.span);
                self.store_name(&def.name.name, def.name.span);
            }
            StmtKind::ClassDef(class) => self.class_def(class),
            StmtKind::RecordDef(record) => self.record_def(record),
            StmtKind::InterfaceDef(interface) => {
                for m in &interface.methods {
                    let n = self.str_const(&m.name.name);
                    self.emit(Op::LoadConst(n), m.name.span);
                    let arity = m.params.iter().filter(|p| p.name.name != "self").count() as i32;
                    self.emit(Op::LoadInt(arity), m.name.span);
                }
                let name = self.str_const(&interface.name.name);
                self.emit(
                    Op::MakeInterface(
                        name,
                        u16::try_from(interface.methods.len()).unwrap_or(u16::MAX),
                    ),
                    interface.span,
                );
                self.store_name(&interface.name.name, interface.name.span);
            }
            StmtKind::TypeAlias { name, params, ty } => {
                // An alias of a single named type is that type at run time
                // (`type UserId = int`); other aliases exist only for the checker.
                if let ast::TypeKind::Named { path, .. } = &ty.kind {
                    let head = &path[0];
                    if !matches!(
                        self.resolve(&head.name, head.span.lo),
                        None | Some(Resolved::Dynamic)
                    ) {
                        self.load_name(&head.name, head.span);
                        for attr in &path[1..] {
                            let n = self.name(&attr.name);
                            self.emit(Op::GetAttr(n), attr.span);
                        }
                        self.store_name(&name.name, name.span);
                        return;
                    }
                }
                self.alias_value(name, params, ty, ty.span);
                self.store_name(&name.name, name.span);
            }
            StmtKind::Import(items) => self.import(items),
            StmtKind::FromImport { source, names } => {
                let path = import_path(source);
                let k = self.str_const(&path);
                self.emit(Op::Import(k), span);
                if names.is_empty() {
                    self.emit(Op::ImportStar, span);
                    return;
                }
                for n in names {
                    let member = self.name(&n.name.name);
                    self.emit(Op::ImportFrom(member), n.name.span);
                    let bound = n.alias.as_ref().unwrap_or(&n.name);
                    self.store_name(&bound.name, bound.span);
                }
                self.emit(Op::Pop, span);
            }
            StmtKind::Select { cases, default } => self.select(cases, default.as_deref(), span),
            StmtKind::Match { subject, cases } => self.match_stmt(subject, cases, span),
        }
    }

    /// `name = name + right` / `name += right` as one in-place instruction;
    /// returns false when `name` is not a plain local or global.
    fn add_in_place(&mut self, name: &str, right: &Expr, span: Span) -> bool {
        let resolved = self.resolve_store(name, span.lo);
        let op = match resolved {
            Some(Resolved::Local(id))
                if self.f().bindings[id].mutable && !self.f().bindings[id].maybe_unbound =>
            {
                Op::AddToLocal(self.f().bindings[id].slot)
            }
            Some(Resolved::Global(i)) if self.global_info[i as usize].mutable => Op::AddToGlobal(i),
            _ => return false,
        };
        self.expr(right);
        let at = self.emit(op, span);
        if let (Op::AddToLocal(_), Some(Resolved::Local(id))) = (op, resolved) {
            self.f().bindings[id].uses.push(at);
        }
        true
    }

    fn aug_assign(&mut self, target: &Expr, op: ast::BinOp, value: &Expr, span: Span) {
        match &target.kind {
            ExprKind::Name(n) => {
                if op == ast::BinOp::Add && self.add_in_place(n, value, span) {
                    return;
                }
                self.load_name(n, span);
                self.expr(value);
                self.binop(op, span);
                self.store_name(n, span);
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj);
                let n = self.name(&attr.name);
                if matches!(obj.kind, ExprKind::Name(_))
                    && matches!(self.f().ops.last(), Some(Op::LoadLocal(_)))
                {
                    // `local.attr op= value`: reading the local twice is the
                    // same as reading it once, and lets both attribute
                    // accesses fuse with it (`GetLocalAttr`, `SetLocalAttr`).
                    self.emit(Op::GetAttr(n), attr.span);
                    self.expr(value);
                    self.binop(op, span);
                    self.expr(obj);
                    self.emit(Op::RotTwo, span);
                    self.emit(Op::SetAttr(n), span);
                    return;
                }
                self.emit(Op::Dup, span);
                self.emit(Op::GetAttr(n), attr.span);
                self.expr(value);
                self.binop(op, span);
                self.emit(Op::SetAttr(n), span);
            }
            ExprKind::Index { value: obj, index } => {
                self.expr(obj);
                self.expr(index);
                self.emit(Op::DupTwo, span);
                self.emit(Op::GetIndex, span);
                self.expr(value);
                self.binop(op, span);
                self.emit(Op::SetIndex, span);
            }
            _ => {}
        }
    }

    /// Stores a received value: a name is a new variable of the block
    /// around the `select`, as a `match` capture is (Go's `case v, ok :=`);
    /// an attribute or an item is assigned.
    fn receive_target(&mut self, target: &Expr) {
        match &target.kind {
            ExprKind::Name(n) => self.declare_and_store_in(n, target.span, true, 1),
            _ => self.store_target(target),
        }
    }

    /// Stores the top of the stack into an assignment target.
    pub(crate) fn store_target(&mut self, target: &Expr) {
        pyro_source::stack::grow(|| self.store_target_inner(target));
    }

    fn store_target_inner(&mut self, target: &Expr) {
        match &target.kind {
            ExprKind::Name(n) => self.store_name(n, target.span),
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                self.emit(Op::RotTwo, target.span);
                let n = self.name(&attr.name);
                self.emit(Op::SetAttr(n), target.span);
            }
            ExprKind::Index { value, index } => {
                self.expr(value);
                self.emit(Op::RotTwo, target.span);
                self.expr(index);
                self.emit(Op::RotTwo, target.span);
                self.emit(Op::SetIndex, target.span);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                self.unpack(items, target.span);
                for item in items {
                    let item = match &item.kind {
                        ExprKind::Starred(inner) => inner,
                        _ => item,
                    };
                    self.store_target(item);
                }
            }
            _ => {}
        }
    }

    fn unpack(&mut self, items: &[Expr], span: Span) {
        match items
            .iter()
            .position(|i| matches!(i.kind, ExprKind::Starred(_)))
        {
            Some(star) => {
                self.emit(
                    Op::UnpackStar(star as u16, (items.len() - star - 1) as u16),
                    span,
                );
            }
            None => {
                self.emit(Op::UnpackSequence(items.len() as u32), span);
            }
        }
    }

    /// `let` / `mut` of a name or a tuple of names.
    fn let_target(&mut self, target: &Expr, mutable: bool) {
        pyro_source::stack::grow(|| self.let_target_inner(target, mutable));
    }

    fn let_target_inner(&mut self, target: &Expr, mutable: bool) {
        match &target.kind {
            ExprKind::Name(n) => self.declare_and_store(n, target.span, mutable),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                self.unpack(items, target.span);
                for item in items {
                    let item = match &item.kind {
                        ExprKind::Starred(inner) => inner,
                        _ => item,
                    };
                    self.let_target(item, mutable);
                }
            }
            _ => {}
        }
    }

    fn loop_body(&mut self, start: u32, has_iterator: bool, body: &'a [Stmt]) {
        let try_depth = self.f().tries.len();
        self.f().loops.push(LoopCtx {
            continue_target: start,
            breaks: Vec::new(),
            has_iterator,
            try_depth,
        });
        self.scoped_block(body);
    }

    fn break_or_continue(&mut self, is_break: bool, span: Span) {
        let Some(ctx) = self.f().loops.last() else {
            self.error(CompileError::OutsideLoop {
                span,
                keyword: if is_break { "break" } else { "continue" },
            });
            return;
        };
        let (target, has_iterator, depth) = (ctx.continue_target, ctx.has_iterator, ctx.try_depth);
        let exits: Vec<Exit<'a>> = self.f().tries[depth..].iter().rev().copied().collect();
        self.run_exits(&exits, span);
        if is_break {
            if has_iterator {
                self.emit(Op::Pop, span);
            }
            let at = self.emit(Op::Jump(0), span);
            if let Some(ctx) = self.f().loops.last_mut() {
                ctx.breaks.push(at);
            }
        } else {
            self.emit(Op::Jump(target), span);
        }
    }

    /// Leaves protected regions on a normal path (innermost first), running
    /// their `finally` bodies and `__exit__` calls. While a `finally` body is
    /// compiled, only the regions outside it are active.
    fn run_exits(&mut self, exits: &[Exit<'a>], span: Span) {
        let saved = self.f().tries.clone();
        for exit in exits {
            self.emit(Op::PopTry, span);
            self.f().tries.pop();
            match exit {
                Exit::PopOnly => {}
                Exit::Finally(body) => self.scoped_block(body),
                Exit::LeaveContext(slot) => self.call_exit_none(*slot, span),
            }
        }
        self.f().tries = saved;
    }

    fn call_exit_none(&mut self, slot: u32, span: Span) {
        self.emit(Op::LoadLocal(slot), span);
        self.emit(Op::LoadNone, span);
        let n = self.name("__exit__");
        self.emit(Op::CallMethod(1, n), span);
        self.emit(Op::Pop, span);
    }

    fn try_stmt(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ast::ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
        span: Span,
    ) {
        let has_finally = !finalbody.is_empty();
        let to_finally_on_error = if has_finally {
            let at = self.emit(Op::SetupTry(0), span);
            self.f().tries.push(Exit::Finally(finalbody));
            Some(at)
        } else {
            None
        };
        let mut to_finally = Vec::new();
        if handlers.is_empty() {
            self.scoped_block(body);
        } else {
            let to_handlers = self.emit(Op::SetupTry(0), span);
            self.f().tries.push(Exit::PopOnly);
            self.scoped_block(body);
            self.emit(Op::PopTry, span);
            self.f().tries.pop();
            self.scoped_block(orelse);
            to_finally.push(self.emit(Op::Jump(0), span));
            self.patch(to_handlers);
            self.handlers(handlers, &mut to_finally);
        }
        for at in to_finally {
            self.patch(at);
        }
        if let Some(on_error) = to_finally_on_error {
            // Falling out of the `try` and leaving it by an error share one
            // copy of the finally body (nested `finally` blocks would
            // otherwise double the code at every level): the slot holds
            // None, or the error to raise again afterwards.
            self.emit(Op::PopTry, span);
            self.f().tries.pop();
            let slot = self.hidden_slot("error");
            self.emit(Op::LoadNone, span);
            self.emit(Op::StoreLocal(slot), span);
            let to_finally = self.emit(Op::Jump(0), span);
            self.patch(on_error);
            self.emit(Op::StoreLocal(slot), span);
            self.patch(to_finally);
            self.scoped_block(finalbody);
            self.emit(Op::LoadLocal(slot), span);
            self.emit(Op::LoadNone, span);
            self.emit(Op::Is, span);
            let no_error = self.emit(Op::JumpIfTrue(0), span);
            self.emit(Op::LoadLocal(slot), span);
            self.emit(Op::Raise(0), span);
            self.patch(no_error);
        }
    }

    /// The `except` clauses; the error is on the stack at entry.
    fn handlers(&mut self, handlers: &'a [ast::ExceptHandler], done: &mut Vec<usize>) {
        let error_slot = self.hidden_slot("error");
        let entry_span = handlers.first().map_or(Span::DUMMY, |h| h.span);
        self.emit(Op::StoreLocal(error_slot), entry_span);
        for h in handlers {
            // `except NAME:` is typed when NAME is a class, else it binds.
            let (class, binding) = match (&h.ty, &h.name) {
                (
                    Some(Expr {
                        kind: ExprKind::Name(n),
                        span,
                        ..
                    }),
                    None,
                ) if !self.names_a_class(n) => (None, Some((n.clone(), *span))),
                (ty, name) => (ty.as_ref(), name.as_ref().map(|n| (n.name.clone(), n.span))),
            };
            let next = class.map(|class| {
                self.emit(Op::LoadLocal(error_slot), h.span);
                self.expr(class);
                self.emit(Op::MatchError, class.span);
                let next = self.emit(Op::JumpIfFalse(0), class.span);
                self.emit(Op::Pop, class.span);
                next
            });
            if let Some((name, span)) = binding {
                self.emit(Op::LoadLocal(error_slot), span);
                self.store_name(&name, span);
            }
            self.f().handled_errors.push(error_slot);
            self.scoped_block(&h.body);
            self.f().handled_errors.pop();
            done.push(self.emit(Op::Jump(0), h.span));
            if let Some(next) = next {
                self.patch(next);
                self.emit(Op::Pop, h.span);
            }
        }
        // No clause matched: the error continues outwards.
        self.emit(Op::LoadLocal(error_slot), entry_span);
        self.emit(Op::Raise(0), entry_span);
    }

    fn with_stmt(&mut self, items: &[ast::WithItem], body: &'a [Stmt], span: Span) {
        let Some((item, rest)) = items.split_first() else {
            self.scoped_block(body);
            return;
        };
        let slot = self.hidden_slot("context");
        self.expr(&item.context);
        self.emit(Op::StoreLocal(slot), item.context.span);
        self.emit(Op::LoadLocal(slot), item.context.span);
        let enter = self.name("__enter__");
        self.emit(Op::CallMethod(0, enter), item.context.span);
        match &item.target {
            Some(t) => self.store_target(t),
            None => {
                self.emit(Op::Pop, item.context.span);
            }
        }
        let on_error = self.emit(Op::SetupTry(0), span);
        self.f().tries.push(Exit::LeaveContext(slot));
        if rest.is_empty() {
            self.scoped_block(body);
        } else {
            self.with_stmt(rest, body, span);
        }
        self.emit(Op::PopTry, span);
        self.f().tries.pop();
        self.call_exit_none(slot, span);
        let to_end = self.emit(Op::Jump(0), span);
        self.patch(on_error);
        // Stack: [error]. Call __exit__(error); a true result suppresses it.
        let error_slot = self.hidden_slot("error");
        self.emit(Op::StoreLocal(error_slot), span);
        self.emit(Op::LoadLocal(slot), span);
        self.emit(Op::LoadLocal(error_slot), span);
        let exit = self.name("__exit__");
        self.emit(Op::CallMethod(1, exit), span);
        let suppressed = self.emit(Op::JumpIfTrue(0), span);
        self.emit(Op::LoadLocal(error_slot), span);
        self.emit(Op::Raise(0), span);
        self.patch(suppressed);
        self.patch(to_end);
    }

    /// `match`: each case tests its pattern against the subject (held in a
    /// hidden slot, as are the parts patterns take apart, so a failed test
    /// jumps away with a clean stack), binds its names, checks its guard and
    /// runs its body; no matching case does nothing.
    fn match_stmt(&mut self, subject: &Expr, cases: &'a [ast::MatchCase], span: Span) {
        let slot = self.hidden_slot("subject");
        self.expr(subject);
        self.emit(Op::StoreLocal(slot), subject.span);
        let mut to_end = Vec::new();
        for case in cases {
            let mut fails = Vec::new();
            self.push_scope();
            self.pattern_bound.clear();
            self.pattern(&case.pattern, slot, &mut fails);
            if let Some(guard) = &case.guard {
                self.expr(guard);
                fails.push(self.emit(Op::JumpIfFalse(0), guard.span));
            }
            self.block(&case.body);
            self.pop_scope();
            to_end.push(self.emit(Op::Jump(0), case.span));
            for at in fails {
                self.patch(at);
            }
        }
        let _ = span;
        for at in to_end {
            self.patch(at);
        }
    }

    /// Stores the top of the stack into a capture name: a new variable of
    /// the block around the `match` (LANGUAGE.md §4), the same one wherever
    /// the name appears in this case's pattern (`(a, 1) | (1, a)`).
    fn capture_name(&mut self, name: &ast::Ident) {
        if self.pattern_bound.insert(name.name.clone()) {
            self.declare_and_store_in(&name.name, name.span, true, 1);
        } else {
            self.store_name(&name.name, name.span);
        }
    }

    /// Emits a test of `pattern` against the value in `slot`, adding the
    /// jumps taken on failure to `fails`.
    fn pattern(&mut self, pattern: &ast::Pattern, slot: u32, fails: &mut Vec<usize>) {
        pyro_source::stack::grow(|| self.pattern_inner(pattern, slot, fails));
    }

    fn pattern_inner(&mut self, pattern: &ast::Pattern, slot: u32, fails: &mut Vec<usize>) {
        use ast::PatternKind as P;
        use pyro_builtins::Builtin as B;
        let span = pattern.span;
        match &pattern.kind {
            P::Wildcard | P::Star(None) => {}
            P::Capture(name) | P::Star(Some(name)) => {
                self.emit(Op::LoadLocal(slot), span);
                self.capture_name(name);
            }
            P::Value(expr) => {
                self.emit(Op::LoadLocal(slot), span);
                self.expr(expr);
                // `true`, `false` and `None` match by identity, as in
                // Python (`case false:` does not match `0`).
                let singleton = matches!(expr.kind, ExprKind::Bool(_) | ExprKind::None);
                self.emit(if singleton { Op::Is } else { Op::Eq }, span);
                fails.push(self.emit(Op::JumpIfFalse(0), span));
            }
            P::As(inner, name) => {
                self.pattern(inner, slot, fails);
                self.emit(Op::LoadLocal(slot), span);
                self.capture_name(name);
            }
            P::Or(alternatives) => {
                let mut matched = Vec::new();
                for alt in alternatives {
                    let mut alt_fails = Vec::new();
                    self.pattern(alt, slot, &mut alt_fails);
                    matched.push(self.emit(Op::Jump(0), span));
                    for at in alt_fails {
                        self.patch(at);
                    }
                }
                fails.push(self.emit(Op::Jump(0), span));
                for at in matched {
                    self.patch(at);
                }
            }
            P::Tuple(items) | P::List(items) => {
                // A sequence of the right length, then each item.
                self.emit(Op::LoadBuiltin(B::IsInstance as u16), span);
                self.emit(Op::LoadLocal(slot), span);
                for b in [B::List, B::Tuple, B::ListMutable, B::TupleMutable] {
                    self.emit(Op::LoadBuiltin(b as u16), span);
                }
                self.emit(Op::BuildTuple(4), span);
                self.emit(Op::Call(2), span);
                fails.push(self.emit(Op::JumpIfFalse(0), span));
                let star = items.iter().position(|p| matches!(p.kind, P::Star(_)));
                self.emit(Op::LoadBuiltin(B::Len as u16), span);
                self.emit(Op::LoadLocal(slot), span);
                self.emit(Op::Call(1), span);
                let fixed = items.len() - usize::from(star.is_some());
                self.emit(Op::LoadInt(fixed as i32), span);
                self.emit(if star.is_some() { Op::Ge } else { Op::Eq }, span);
                fails.push(self.emit(Op::JumpIfFalse(0), span));
                for (i, item) in items.iter().enumerate() {
                    let part = self.hidden_slot("item");
                    self.emit(Op::LoadLocal(slot), span);
                    match star {
                        Some(s) if i == s => {
                            let after = (items.len() - s - 1) as i32;
                            self.emit(Op::LoadInt(s as i32), span);
                            if after > 0 {
                                self.emit(Op::LoadInt(-after), span);
                            } else {
                                self.emit(Op::LoadNone, span);
                            }
                            self.emit(Op::LoadNone, span);
                            self.emit(Op::BuildSlice, span);
                            self.emit(Op::GetIndex, span);
                        }
                        Some(s) if i > s => {
                            self.emit(Op::LoadInt(i as i32 - items.len() as i32), span);
                            self.emit(Op::GetIndex, span);
                        }
                        _ => {
                            self.emit(Op::LoadInt(i as i32), span);
                            self.emit(Op::GetIndex, span);
                        }
                    }
                    self.emit(Op::StoreLocal(part), span);
                    self.pattern(item, part, fails);
                }
            }
            P::Class {
                class,
                args,
                kwargs,
            } => {
                self.emit(Op::LoadLocal(slot), span);
                self.expr(class);
                self.emit(Op::MatchClass(args.len() as u32), class.span);
                fails.push(self.emit(Op::JumpIfFalse(0), span));
                for (i, arg) in args.iter().enumerate() {
                    let part = self.hidden_slot("field");
                    self.emit(Op::LoadLocal(slot), arg.span);
                    self.emit(Op::MatchField(i as u32), arg.span);
                    self.emit(Op::StoreLocal(part), arg.span);
                    self.pattern(arg, part, fails);
                }
                for (name, arg) in kwargs {
                    let part = self.hidden_slot("field");
                    self.emit(Op::LoadLocal(slot), name.span);
                    let n = self.name(&name.name);
                    self.emit(Op::GetAttr(n), name.span);
                    self.emit(Op::StoreLocal(part), name.span);
                    self.pattern(arg, part, fails);
                }
            }
        }
    }

    fn select(&mut self, cases: &'a [ast::SelectCase], default: Option<&'a [Stmt]>, span: Span) {
        let mut kinds = Vec::with_capacity(cases.len());
        for case in cases {
            match &case.kind {
                ast::SelectKind::Recv { channel, ok, .. } => {
                    self.expr(channel);
                    kinds.push(Const::Int(if ok.is_some() { 1 } else { 0 }));
                }
                ast::SelectKind::Send { channel, value } => {
                    self.expr(channel);
                    self.expr(value);
                    kinds.push(Const::Int(2));
                }
            }
        }
        let k = self.konst(Const::Tuple(kinds));
        self.emit(Op::Select(k, u8::from(default.is_some())), span);
        // Stack: [value, ok, index].
        self.emit(Op::UnpackSequence(3), span);
        let mut to_end = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            self.emit(Op::Dup, case.span);
            self.emit(Op::LoadInt(i as i32), case.span);
            self.emit(Op::Eq, case.span);
            let next = self.emit(Op::JumpIfFalse(0), case.span);
            self.emit(Op::Pop, case.span);
            self.push_scope();
            match &case.kind {
                ast::SelectKind::Recv {
                    value: Some(v),
                    ok: Some(ok),
                    ..
                } => {
                    self.receive_target(ok);
                    self.receive_target(v);
                }
                ast::SelectKind::Recv {
                    value: Some(v),
                    ok: None,
                    ..
                } => {
                    self.emit(Op::Pop, case.span);
                    self.receive_target(v);
                }
                _ => {
                    self.emit(Op::Pop, case.span);
                    self.emit(Op::Pop, case.span);
                }
            }
            self.block(&case.body);
            self.pop_scope();
            to_end.push(self.emit(Op::Jump(0), case.span));
            self.patch(next);
        }
        for _ in 0..3 {
            self.emit(Op::Pop, span);
        }
        if let Some(body) = default {
            self.scoped_block(body);
        }
        for at in to_end {
            self.patch(at);
        }
    }

    fn decorators(&mut self, decorators: &[Expr]) -> usize {
        for d in decorators {
            self.expr(d);
        }
        decorators.len()
    }

    fn apply_decorators(&mut self, count: usize, span: Span) {
        for _ in 0..count {
            self.emit(Op::Call(1), span);
        }
    }

    /// Class bodies: methods, field declarations and class attributes. Each
    /// member is also a name further down the body (`TWO = ONE + 1`,
    /// `@x.setter`), though not inside its methods, as in Python.
    fn class_members(&mut self, body: &'a [Stmt]) -> u16 {
        let mut count: usize = 0;
        self.push_scope();
        for s in body {
            match &s.kind {
                StmtKind::FuncDef(def) => {
                    let n = self.str_const(&def.name.name);
                    self.emit(Op::LoadConst(n), def.name.span);
                    let decorators = self.decorators(&def.decorators);
                    self.def_function(def, CodeKind::Method);
                    self.apply_decorators(decorators, def.span);
                    self.bind_class_attr(&def.name.name, def.name.span);
                    count += 1;
                }
                StmtKind::AnnAssign { target, value, .. } => {
                    if let Some(v) = value {
                        let n = self.str_const(&target.name);
                        self.emit(Op::LoadConst(n), target.span);
                        self.expr(v);
                        self.bind_class_attr(&target.name, target.span);
                        count += 1;
                    }
                }
                StmtKind::Assign { targets, value } if targets.len() == 1 => match &targets[0].kind
                {
                    ExprKind::Name(name) => {
                        let n = self.str_const(name);
                        self.emit(Op::LoadConst(n), targets[0].span);
                        self.expr(value);
                        self.bind_class_attr(name, targets[0].span);
                        count += 1;
                    }
                    _ => self.error(CompileError::BadClassBody {
                        span: s.span,
                        what: "this assignment".into(),
                    }),
                },
                StmtKind::Pass => {}
                StmtKind::Expr(e) if matches!(e.kind, ExprKind::Str(_) | ExprKind::Ellipsis) => {}
                _ => self.error(CompileError::BadClassBody {
                    span: s.span,
                    what: "this statement".into(),
                }),
            }
        }
        self.pop_scope();
        u16::try_from(count).unwrap_or_else(|_| {
            let span = body.first().map_or(Span::DUMMY, |s| s.span);
            self.error(CompileError::BadClassBody {
                span,
                what: "more than 65 535 members".into(),
            });
            0
        })
    }

    /// Keeps a copy of the member value on top of the stack as a class-body
    /// name (see [`Self::class_members`]).
    fn bind_class_attr(&mut self, name: &str, span: Span) {
        self.emit(Op::Dup, span);
        let id = self.declare(name, span, true, true, false);
        self.f().bindings[id].class_attr = true;
        let slot = self.f().bindings[id].slot;
        let at = self.emit(Op::StoreLocal(slot), span);
        self.f().bindings[id].uses.push(at);
    }

    fn class_def(&mut self, class: &'a ast::ClassDef) {
        let decorators = self.decorators(&class.decorators);
        // `class A(object):` is Python 2's spelling of a class without a base.
        let bases: Vec<&Expr> = class
            .bases
            .iter()
            .filter(|b| {
                !(matches!(&b.kind, ExprKind::Name(n) if n == "object")
                    && self.names_nothing("object", b.span.lo))
            })
            .collect();
        for b in &bases {
            self.expr(b);
        }
        self.emit(Op::BuildTuple(bases.len() as u32), class.span);
        let count = self.class_members(&class.body);
        let name = self.str_const(&class.name.name);
        self.emit(Op::MakeClass(name, count), class.name.span);
        self.apply_decorators(decorators, class.span);
        self.store_name(&class.name.name, class.name.span);
    }

    fn record_def(&mut self, record: &'a ast::RecordDef) {
        let decorators = self.decorators(&record.decorators);
        let fields: Vec<Const> = record
            .fields
            .iter()
            .map(|f| Const::Str(f.name.name.as_str().into()))
            .collect();
        let k = self.konst(Const::Tuple(fields));
        self.emit(Op::LoadConst(k), record.span);
        if !self.defaults(&record.fields) {
            self.emit(Op::BuildTuple(0), record.span);
        }
        let count = self.class_members(&record.body);
        let name = self.str_const(&record.name.name);
        self.emit(Op::MakeRecord(name, count), record.name.span);
        self.apply_decorators(decorators, record.span);
        self.store_name(&record.name.name, record.name.span);
    }

    fn import(&mut self, items: &[ast::ImportItem]) {
        for item in items {
            let path = import_path(&item.source);
            let k = self.str_const(&path);
            self.emit(Op::Import(k), item.span);
            match (&item.alias, &item.source) {
                (Some(alias), _) => self.store_name(&alias.name, alias.span),
                (None, ast::ImportSource::Module(parts)) => {
                    let last = parts.last().expect("a module path has a name");
                    self.store_name(&last.name, last.span);
                    // `import std.time` also makes `std.time.sleep` work.
                    if parts.len() > 1 {
                        let root = self.str_const(&parts[0].name);
                        self.emit(Op::Import(root), item.span);
                        self.store_name(&parts[0].name, parts[0].span);
                    }
                }
                // `import "lib.pyro"` binds the module's names in the importer
                // (resolved by name at run time).
                (None, ast::ImportSource::File { .. }) => {
                    self.emit(Op::ImportStar, item.span);
                }
            }
        }
    }
}

/// The string an `Import` instruction carries: `std.time`, or a file path
/// (which always contains `.pyro` or a slash).
fn import_path(source: &ast::ImportSource) -> String {
    match source {
        ast::ImportSource::Module(parts) => parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ast::ImportSource::File { path, .. } => path.clone(),
    }
}
