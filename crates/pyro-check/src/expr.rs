//! Expressions: their types, calls and arguments, attributes, operators,
//! indexing, iteration and narrowing conditions.

use std::collections::HashMap;
use std::rc::Rc;

use pyro_builtins::Receiver as R;
use pyro_parser::ast::{self, ArgKind, BinOp, CmpOp, Expr, ExprKind, LogicalOp, UnaryOp};
use pyro_source::stack::grow;
use pyro_source::Span;

use crate::check::{param, receiver_of, Checker, ClassKind};
use crate::diag::{Code, TypeError};
use crate::rel::join;
use crate::ty::{tys, FnRef, FnTy, PKind, Ty, TyRef};

impl Checker {
    /// The type of an expression, with `expected` guiding empty literals.
    pub fn expr_expect(&mut self, e: &Expr, expected: Option<&Ty>) -> Ty {
        if let (ExprKind::Lambda { params, body }, Some(Ty::Func(f))) = (&e.kind, expected) {
            let f = f.clone();
            return self.lambda(params, body, Some(&f));
        }
        let ty = self.expr(e);
        match (&e.kind, expected) {
            (ExprKind::List(items) | ExprKind::Set(items), Some(exp)) if items.is_empty() => {
                if self.assignable(&ty, exp) {
                    return exp.clone();
                }
                ty
            }
            (ExprKind::Dict(items), Some(exp)) if items.is_empty() => {
                if self.assignable(&ty, exp) {
                    return exp.clone();
                }
                ty
            }
            _ => ty,
        }
    }

    pub fn expr(&mut self, e: &Expr) -> Ty {
        grow(|| self.expr_step(e))
    }

    fn expr_step(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Int(_) => Ty::Int,
            ExprKind::Float(_) => Ty::Float,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::None => Ty::None,
            ExprKind::Ellipsis => Ty::Any,
            ExprKind::FString(parts) => {
                self.fstring(parts);
                Ty::Str
            }
            ExprKind::Name(n) => self.name_type(n),
            ExprKind::Tuple(items) => {
                let tys: Vec<Ty> = items.iter().map(|i| self.literal_item(i)).collect();
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    return Ty::Tuple(None);
                }
                Ty::tuple(tys)
            }
            ExprKind::List(items) => Ty::List(TyRef::new(self.elements(items))),
            ExprKind::Set(items) => Ty::Set(TyRef::new(self.elements(items))),
            ExprKind::Dict(pairs) => {
                let keys: Vec<Ty> = pairs.iter().map(|(k, _)| self.literal_item(k)).collect();
                let values: Vec<Ty> = pairs.iter().map(|(_, v)| self.literal_item(v)).collect();
                let k = if keys.is_empty() { Ty::Any } else { join(keys) };
                let v = if values.is_empty() {
                    Ty::Any
                } else {
                    join(values)
                };
                Ty::Dict(TyRef::new(k), TyRef::new(v))
            }
            ExprKind::Comprehension {
                kind,
                element,
                value,
                clauses,
            } => {
                self.push_scope(false);
                for c in clauses {
                    let ity = self.expr(&c.iter);
                    let elem = self.iterate(&ity, &c.iter);
                    self.bind_target(&c.target, &elem, true, false);
                    for cond in &c.conds {
                        self.expr(cond);
                        for (name, ty) in self.narrowing(cond, true) {
                            self.narrow_var(&name, ty);
                        }
                    }
                }
                let et = self.expr(element);
                let vt = value.as_ref().map(|v| self.expr(v));
                self.pop_scope();
                match kind {
                    ast::CompKind::List => Ty::List(TyRef::new(et)),
                    ast::CompKind::Set => Ty::Set(TyRef::new(et)),
                    ast::CompKind::Dict => {
                        Ty::Dict(TyRef::new(et), TyRef::new(vt.unwrap_or(Ty::Any)))
                    }
                    ast::CompKind::Generator => Ty::Iterable(TyRef::new(et)),
                }
            }
            ExprKind::Unary { op, operand } => {
                let t = self.expr(operand);
                self.unary(*op, &t, e.span, operand)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                self.binary(*op, &l, &r, e.span, left, right)
            }
            ExprKind::Logical { op, .. } => self.logical(*op, e),
            ExprKind::Compare { left, ops } => {
                let mut l = self.expr(left);
                let mut lspan = left.span;
                for (op, right) in ops {
                    let r = self.expr(right);
                    self.compare(*op, &l, &r, lspan.to(right.span), left, right);
                    l = r;
                    lspan = right.span;
                }
                Ty::Bool
            }
            ExprKind::IfElse { cond, then, orelse } => {
                self.expr(cond);
                let t = self.narrowing(cond, true);
                let f = self.narrowing(cond, false);
                self.push_scope(false);
                for (n, ty) in t {
                    self.narrow_var(&n, ty);
                }
                let a = self.expr(then);
                self.pop_scope();
                self.push_scope(false);
                for (n, ty) in f {
                    self.narrow_var(&n, ty);
                }
                let b = self.expr(orelse);
                self.pop_scope();
                Ty::union(vec![a, b])
            }
            ExprKind::Lambda { params, body } => self.lambda(params, body, None),
            ExprKind::Call { func, args } => self.call(func, args, e.span),
            ExprKind::Attribute { value, attr } => {
                let t = self.expr(value);
                let ty = self.attribute(&t, attr, value);
                // `if p.value is not None:` narrows the attribute path.
                match path_of(e) {
                    Some(path) => self.lookup_var(&path).map_or(ty, |v| v.ty),
                    None => ty,
                }
            }
            ExprKind::Index { value, index } => {
                let t = self.expr(value);
                self.index(&t, index, e.span, value)
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.expr(part);
                }
                Ty::Any
            }
            ExprKind::Generic { value, args } => {
                let t = self.expr(value);
                let args: Vec<Ty> = args.iter().map(|a| self.resolve_type(a)).collect();
                self.instantiate(&t, &args)
            }
            ExprKind::Range { start, end, .. } => {
                for part in [start, end] {
                    let t = self.expr(part);
                    if !self.assignable(&t, &Ty::Int) {
                        let msg = format!("range bounds must be `int`, found `{}`", self.show(&t));
                        self.error(
                            TypeError::new(Code::Operator, part.span, msg).label("not an int"),
                        );
                    }
                }
                Ty::Range
            }
            ExprKind::Go(call) => {
                let t = self.expr(call);
                Ty::Task(TyRef::new(t))
            }
            ExprKind::Starred(inner) => {
                self.expr(inner);
                Ty::Any
            }
        }
    }

    /// A lambda's type. With an expected function type, unannotated
    /// parameters take its parameter types and the result is checked
    /// against its return type by the caller.
    pub fn lambda(&mut self, params: &[ast::Param], body: &Expr, expected: Option<&FnTy>) -> Ty {
        self.push_scope(true);
        let mut ps = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let hint = expected.and_then(|f| f.params.get(i)).map(|q| q.ty.clone());
            let ty = match &p.ty {
                Some(t) => self.resolve_type(t),
                None => hint.unwrap_or(Ty::Any),
            };
            if let Some(d) = &p.default {
                self.expr(d);
            }
            self.declare(&p.name.name, ty.clone(), Some(p.name.span), true);
            let mut pt = param(&p.name.name, ty, p.default.is_some());
            pt.kind = match p.kind {
                ast::ParamKind::Normal => PKind::Normal,
                ast::ParamKind::VarArgs => PKind::VarArgs,
                ast::ParamKind::KwArgs => PKind::KwArgs,
            };
            ps.push(pt);
        }
        let saved = std::mem::take(&mut self.fns);
        let ret = self.expr(body);
        self.fns = saved;
        self.pop_scope();
        Ty::func(FnTy {
            name: "<lambda>".into(),
            type_params: vec![],
            params: ps,
            ret,
            ret_declared: expected.is_some_and(|f| f.ret_declared),
            span: None,
        })
    }

    fn fstring(&mut self, parts: &[ast::FStringPart]) {
        grow(|| self.fstring_step(parts))
    }

    fn fstring_step(&mut self, parts: &[ast::FStringPart]) {
        for p in parts {
            if let ast::FStringPart::Field { expr, spec, .. } = p {
                self.expr(expr);
                if let Some(spec) = spec {
                    self.fstring(spec);
                }
            }
        }
    }

    /// `a and b and c` (or a chain of `or`), one operand after the other:
    /// each is checked with what the ones before it narrow, as nested
    /// operators would be, but without re-reading the chain at each level.
    fn logical(&mut self, op: LogicalOp, e: &Expr) -> Ty {
        let mut operands = Vec::new();
        let mut rest = e;
        while let ExprKind::Logical { op: o, left, right } = &rest.kind {
            if *o != op {
                break;
            }
            operands.push(&**right);
            rest = left;
        }
        operands.push(rest);
        operands.reverse();
        let mut tys = Vec::new();
        self.push_scope(false);
        for (i, operand) in operands.iter().enumerate() {
            if i > 0 {
                for (name, ty) in self.narrowing(operands[i - 1], op == LogicalOp::And) {
                    self.narrow_var(&name, ty);
                }
            }
            let t = self.expr(operand);
            let last = i + 1 == operands.len();
            tys.push(match op {
                LogicalOp::Or if !last => t.without_none(),
                _ => t,
            });
        }
        self.pop_scope();
        Ty::union(tys)
    }

    /// The type of an item of a collection literal, remembered for
    /// `check_literal` (which would otherwise check a nested literal's
    /// items again at every level).
    pub fn literal_item(&mut self, e: &Expr) -> Ty {
        let t = self.expr(e);
        self.literal_items
            .insert(e as *const Expr as usize, t.clone());
        t
    }

    fn elements(&mut self, items: &[Expr]) -> Ty {
        let mut tys = Vec::new();
        for i in items {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    let t = self.expr(inner);
                    tys.push(self.iterate(&t, inner));
                }
                _ => tys.push(self.literal_item(i)),
            }
        }
        if tys.is_empty() {
            Ty::Any
        } else {
            join(tys)
        }
    }

    fn name_type(&mut self, n: &str) -> Ty {
        if let Some(v) = self.lookup_var(n) {
            return v.ty;
        }
        if let Some(t) = self.prelude.get(n) {
            return t.clone();
        }
        // Undefined names are the compiler's to report (E0100).
        Ty::Any
    }

    /// `chan<int>`, `f<int>`, `Box<int>`: a generic instantiated explicitly.
    fn instantiate(&mut self, t: &Ty, args: &[Ty]) -> Ty {
        match t {
            Ty::Func(f) if f.name == "chan" => {
                let elem = args.first().cloned().unwrap_or(Ty::Any);
                let mut g = (**f).clone();
                g.ret = Ty::Chan(TyRef::new(elem));
                Ty::func(g)
            }
            Ty::Func(f) if !f.type_params.is_empty() => {
                let binds: HashMap<&str, Ty> = f
                    .type_params
                    .iter()
                    .map(|p| &**p)
                    .zip(args.iter().cloned())
                    .collect();
                let mut g = Ty::Func(f.clone())
                    .subst(&|n| binds.get(n).cloned().or(Some(Ty::Var(Rc::from(n)))));
                if let Ty::Func(inner) = &mut g {
                    let mut h = (**inner).clone();
                    h.type_params.retain(|p| !binds.contains_key(&**p));
                    *inner = FnRef::new(h);
                }
                g
            }
            Ty::Class(id) => {
                // `Box<int>(...)`: remember the arguments for the call.
                let _ = id;
                t.clone()
            }
            _ => t.clone(),
        }
    }

    // ------------------------------------------------------------ calls

    fn call(&mut self, func: &Expr, args: &[ast::Arg], span: Span) -> Ty {
        // `super()` in a method: the base class's view of `self`.
        if matches!(&func.kind, ExprKind::Name(n) if n == "super")
            && args.is_empty()
            && self.lookup_var("super").is_none()
        {
            if let Some(&cls) = self.class_stack.last() {
                let vars: Vec<TyRef> = self.classes[cls]
                    .type_params
                    .iter()
                    .map(|v| TyRef::new(Ty::Var(v.clone())))
                    .collect();
                if let Some(base @ Ty::Instance(..)) = self.base_of(cls, &vars) {
                    return base;
                }
            }
            return Ty::Any;
        }
        // `super(Class, obj)`: the base class's view of `obj`.
        if matches!(&func.kind, ExprKind::Name(n) if n == "super")
            && args.len() == 2
            && self.lookup_var("super").is_none()
        {
            let cty = self.expr(&args[0].value);
            self.expr(&args[1].value);
            if let Ty::Class(cls) = cty {
                let n = self.classes[cls].type_params.len();
                if let Some(base @ Ty::Instance(..)) =
                    self.base_of(cls, &vec![TyRef::new(Ty::Any); n])
                {
                    return base;
                }
            }
            return Ty::Any;
        }
        // Method calls get their receiver-specific checks at the attribute.
        let fty = self.expr(func);
        let arg_tys: Vec<Ty> = args.iter().map(|a| self.expr(&a.value)).collect();
        let callee = callee_name(func);
        let push_code = match &func.kind {
            ExprKind::Attribute { attr, value }
                if matches!(attr.name.as_str(), "push" | "try_push") =>
            {
                let _ = value;
                Code::ChannelElement
            }
            _ => Code::Mismatch,
        };
        match &fty {
            Ty::Any | Ty::Var(_) | Ty::Never => Ty::Any,
            Ty::Func(f) => {
                let f = f.clone();
                let is_chan_push =
                    push_code == Code::ChannelElement && is_channel_method(func, self);
                let code = if is_chan_push {
                    Code::ChannelElement
                } else {
                    Code::Mismatch
                };
                let ret = self.check_args(&f, args, &arg_tys, span, &callee, code);
                if f.span.is_none() {
                    self.check_builtin_operand(&f.name, args, &arg_tys);
                }
                // `d.get(k, default)`: the value or the default, not None.
                if f.span.is_none() && f.name == "get" && arg_tys.len() == 2 {
                    if let ExprKind::Attribute { value, .. } = &func.kind {
                        let n = self.diags.len();
                        let recv = self.expr(value);
                        self.diags.truncate(n);
                        if let Ty::Dict(_, v) | Ty::DictMut(_, v) = recv {
                            return Ty::union(vec![v.get(), arg_tys[1].clone()]);
                        }
                    }
                }
                self.special_return(&f, &arg_tys, ret)
            }
            Ty::Class(id) => self.construct(*id, func, args, &arg_tys, span),
            Ty::Instance(id, targs) => match self.member_of_instance(*id, targs, "__call__") {
                Some(Ty::Func(f)) => {
                    self.check_args(&f, args, &arg_tys, span, &callee, Code::Mismatch)
                }
                Some(_) => Ty::Any,
                None if self.has_unknown_base(*id) => Ty::Any,
                None => {
                    self.not_callable(&fty, func);
                    Ty::Any
                }
            },
            Ty::Union(items) => {
                if items.contains(&Ty::None) {
                    let msg = format!(
                        "`{}` may be None, and None is not callable",
                        self.show(&fty)
                    );
                    self.error(
                        TypeError::new(Code::MaybeNone, func.span, msg)
                            .label("possibly None")
                            .help(none_help(func)),
                    );
                }
                Ty::Any
            }
            Ty::Module(_)
            | Ty::Int
            | Ty::Float
            | Ty::Bool
            | Ty::Str
            | Ty::None
            | Ty::List(_)
            | Ty::ListMut(_)
            | Ty::Dict(..)
            | Ty::DictMut(..)
            | Ty::Set(_)
            | Ty::SetMut(_)
            | Ty::Tuple(_)
            | Ty::Chan(_)
            | Ty::Sender(_)
            | Ty::Receiver(_)
            | Ty::Task(_)
            | Ty::Range
            | Ty::Sync(_) => {
                self.not_callable(&fty, func);
                Ty::Any
            }
            _ => Ty::Any,
        }
    }

    fn not_callable(&mut self, fty: &Ty, func: &Expr) {
        let msg = format!("`{}` is not callable", self.show(fty));
        self.error(TypeError::new(Code::NotCallable, func.span, msg).label("called here"));
    }

    /// Prelude functions whose catalogue parameter is `any` but which need a
    /// sized value (`len`) or a number (`abs`, `round`, `div`).
    fn check_builtin_operand(&mut self, name: &str, args: &[ast::Arg], tys: &[Ty]) {
        let (Some(arg), Some(ty)) = (args.first(), tys.first()) else {
            return;
        };
        let sized = |c: &Checker, t: &Ty| {
            t.is_any()
                || c.element_of(t).is_some() && !matches!(t, Ty::Iterable(_))
                || matches!(t, Ty::Chan(_) | Ty::Sender(_) | Ty::Receiver(_) | Ty::Range)
                || (matches!(t, Ty::Instance(..)) && c.method_type(t, "__len__").is_some())
        };
        let (ok, what): (&Accepts, &str) = match name {
            "len" => (&sized, "a string, collection or channel"),
            "abs" | "round" => (
                &|_: &Checker, t: &Ty| {
                    t.is_any() || t.is_numeric() || matches!(t, Ty::Instance(..))
                },
                "a number",
            ),
            "div" => (
                &|_: &Checker, t: &Ty| {
                    t.is_any() || t.is_numeric() || matches!(t, Ty::Instance(..))
                },
                "a number",
            ),
            _ => return,
        };
        let check = |c: &mut Checker, a: &ast::Arg, t: &Ty| {
            if t.has_none() && t.members().len() > 1 && ok(c, &t.without_none()) {
                let msg = format!("`{}` may be None", describe(&a.value));
                c.error(
                    TypeError::new(Code::MaybeNone, a.value.span, msg)
                        .label(format!("this is `{}`", c.show(t)))
                        .help(none_help(&a.value)),
                );
            } else if !t.members().iter().all(|m| ok(c, m)) {
                let msg = format!("`{name}` needs {what}, not `{}`", c.show(t));
                c.error(
                    TypeError::new(Code::Mismatch, a.value.span, msg)
                        .label(format!("this is `{}`", c.show(t))),
                );
            }
        };
        check(self, arg, ty);
        if name == "div" {
            if let (Some(a), Some(t)) = (args.get(1), tys.get(1)) {
                check(self, a, t);
            }
        }
    }

    /// Builtins whose result depends on the argument more precisely than the
    /// catalogue's `any` can say.
    fn special_return(&mut self, f: &FnTy, args: &[Ty], ret: Ty) -> Ty {
        if f.span.is_some() {
            return ret;
        }
        let first = args.first().cloned().unwrap_or(Ty::Any);
        let elem = || self.element_of(&first).unwrap_or(Ty::Any);
        match f.name.as_str() {
            "abs" if first.is_numeric() => first,
            "round" if args.len() <= 1 && first.is_numeric() => Ty::Int,
            "round" if first.is_numeric() => Ty::Float,
            "div" if args.iter().all(|a| *a == Ty::Int) => Ty::Int,
            "div" if args.iter().all(Ty::is_numeric) => Ty::Float,
            "sorted" | "list" if !args.is_empty() => Ty::List(TyRef::new(elem())),
            "set" if !args.is_empty() => Ty::Set(TyRef::new(elem())),
            "ListMutable" | "list_mut" if !args.is_empty() => Ty::ListMut(TyRef::new(elem())),
            "SetMutable" | "set_mut" if !args.is_empty() => Ty::SetMut(TyRef::new(elem())),
            "DictMutable" | "dict_mut" if !args.is_empty() => match first {
                Ty::Dict(k, v) | Ty::DictMut(k, v) => Ty::DictMut(k, v),
                _ => ret,
            },
            "dict" if !args.is_empty() => match first {
                Ty::Dict(k, v) | Ty::DictMut(k, v) => Ty::Dict(k, v),
                _ => ret,
            },
            "tuple" if !args.is_empty() => Ty::Tuple(None),
            "reversed" | "iter" => Ty::Iterable(TyRef::new(elem())),
            "enumerate" => Ty::Iterable(TyRef::new(Ty::tuple(vec![Ty::Int, elem()]))),
            "zip" => {
                let elems = args
                    .iter()
                    .map(|a| self.element_of(a).unwrap_or(Ty::Any))
                    .collect();
                Ty::Iterable(TyRef::new(Ty::tuple(elems)))
            }
            "range" => Ty::Range,
            "min" | "max" if args.len() == 1 => elem(),
            "min" | "max" if args.len() > 1 => join(args.to_vec()),
            "sum" if args.len() == 1 => match elem() {
                t @ (Ty::Int | Ty::Float) => t,
                Ty::Bool => Ty::Int,
                _ => Ty::Any,
            },
            "next" => elem(),
            _ => ret,
        }
    }

    /// Checks a call's arguments against a signature; returns the result
    /// type with the signature's type parameters inferred.
    pub fn check_args(
        &mut self,
        f: &FnTy,
        args: &[ast::Arg],
        arg_tys: &[Ty],
        span: Span,
        callee: &str,
        code: Code,
    ) -> Ty {
        let spread = args
            .iter()
            .any(|a| matches!(a.kind, ArgKind::Star | ArgKind::DoubleStar));
        let params = &f.params;
        let positional: Vec<usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PKind::Normal && !p.kw_only)
            .map(|(i, _)| i)
            .collect();
        let varargs = params.iter().position(|p| p.kind == PKind::VarArgs);
        let kwargs = params.iter().position(|p| p.kind == PKind::KwArgs);
        let mut filled: Vec<Option<usize>> = vec![None; params.len()];
        let mut pairs: Vec<(usize, usize)> = Vec::new(); // (param, arg)
        let mut pos_i = 0;
        let name = if callee.is_empty() {
            "the function".to_string()
        } else {
            format!("`{callee}`")
        };
        for (ai, a) in args.iter().enumerate() {
            match &a.kind {
                ArgKind::Positional => {
                    if let Some(&pi) = positional.get(pos_i) {
                        filled[pi] = Some(ai);
                        pairs.push((pi, ai));
                    } else if let Some(v) = varargs {
                        pairs.push((v, ai));
                    } else if !spread {
                        let n = positional.len();
                        let given = args
                            .iter()
                            .filter(|a| a.kind == ArgKind::Positional)
                            .count();
                        let msg = format!(
                            "{name} takes {n} positional argument{} but {given} {} given",
                            if n == 1 { "" } else { "s" },
                            if given == 1 { "was" } else { "were" }
                        );
                        self.error(
                            TypeError::new(Code::Arity, a.span, msg)
                                .label("unexpected argument")
                                .note_at(f.span, "defined here"),
                        );
                        break;
                    }
                    pos_i += 1;
                }
                ArgKind::Keyword(k) => {
                    match params
                        .iter()
                        .position(|p| p.name == k.name && p.kind == PKind::Normal)
                    {
                        Some(pi) => {
                            if filled[pi].is_some() {
                                let msg =
                                    format!("{name} got multiple values for argument `{}`", k.name);
                                self.error(
                                    TypeError::new(Code::Arity, a.span, msg)
                                        .label("already passed"),
                                );
                            }
                            filled[pi] = Some(ai);
                            pairs.push((pi, ai));
                        }
                        None => {
                            if let Some(kw) = kwargs {
                                pairs.push((kw, ai));
                            } else {
                                let names = params
                                    .iter()
                                    .filter(|p| p.kind == PKind::Normal)
                                    .map(|p| p.name.as_str());
                                let similar = closest(&k.name, names);
                                let mut e = TypeError::new(
                                    Code::UnknownKeyword,
                                    k.span,
                                    format!("{name} has no parameter `{}`", k.name),
                                )
                                .label("unknown keyword")
                                .note_at(f.span, "defined here");
                                if let Some(s) = similar {
                                    e = e.help(format!("did you mean `{s}`?"));
                                }
                                self.error(e);
                            }
                        }
                    }
                }
                ArgKind::Star | ArgKind::DoubleStar => {}
            }
        }
        if !spread {
            let missing: Vec<&str> = params
                .iter()
                .enumerate()
                .filter(|(i, p)| p.kind == PKind::Normal && !p.has_default && filled[*i].is_none())
                .map(|(_, p)| p.name.as_str())
                .collect();
            if !missing.is_empty() {
                let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                let msg = format!(
                    "{name} is missing {} {}",
                    if missing.len() == 1 {
                        "argument"
                    } else {
                        "arguments"
                    },
                    list.join(", ")
                );
                self.error(
                    TypeError::new(Code::MissingArgument, span, msg)
                        .label("in this call")
                        .note_at(f.span, "defined here"),
                );
            }
        }
        // Infer type parameters from the arguments, then check each.
        let mut binds: HashMap<Rc<str>, Ty> = HashMap::new();
        if !f.type_params.is_empty() {
            for &(pi, ai) in &pairs {
                self.unify(&params[pi].ty, &arg_tys[ai], &f.type_params, &mut binds);
            }
        }
        let sub = |t: &Ty| -> Ty {
            if binds.is_empty() {
                t.clone()
            } else {
                t.subst(&|n| binds.get(n).cloned())
            }
        };
        for &(pi, ai) in &pairs {
            let want = sub(&params[pi].ty);
            let relambda = match (&args[ai].value.kind, &want) {
                (ExprKind::Lambda { params: lp, body }, Ty::Func(f)) if f.ret_declared => {
                    let f = f.clone();
                    let n = self.diags.len();
                    let t = self.lambda(lp, body, Some(&f));
                    self.diags.truncate(n);
                    Some(t)
                }
                _ => None,
            };
            let have = relambda.as_ref().unwrap_or(&arg_tys[ai]);
            if self.assignable(have, &want) {
                self.check_literal(&args[ai].value, &want);
            } else {
                let a = &args[ai];
                let pname = &params[pi].name;
                let msg = if code == Code::ChannelElement {
                    format!(
                        "channel carries `{}`, not `{}`",
                        self.show(&want),
                        self.show(have)
                    )
                } else {
                    format!(
                        "argument `{pname}` of {name} expects `{}`, found `{}`",
                        self.show(&want),
                        self.show(have)
                    )
                };
                if code == Code::ChannelElement {
                    self.error(
                        TypeError::new(code, a.value.span, msg)
                            .label(format!("this is `{}`", self.show(have))),
                    );
                } else {
                    self.mismatch_error(msg, a.value.span, have, &want, f.span, None);
                }
            }
        }
        sub(&f.ret)
    }

    pub fn construct(
        &mut self,
        id: usize,
        func: &Expr,
        args: &[ast::Arg],
        arg_tys: &[Ty],
        span: Span,
    ) -> Ty {
        // Not a clone of the whole class: a class may have thousands of members.
        let info = {
            let c = &self.classes[id];
            ClassHead {
                name: c.name.clone(),
                kind: c.kind,
                type_params: c.type_params.clone(),
                span: c.span,
            }
        };
        let explicit: Option<Vec<Ty>> = match &func.kind {
            ExprKind::Generic { args: targs, .. } => {
                Some(targs.iter().map(|t| self.resolve_type(t)).collect())
            }
            _ => None,
        };
        let callee = info.name.clone();
        if info.kind == ClassKind::Interface {
            let msg = format!("interface `{callee}` cannot be instantiated");
            self.error(
                TypeError::new(Code::NotCallable, func.span, msg)
                    .label("an interface has no constructor")
                    .help("construct a class or record that has the interface's methods"),
            );
            return Ty::Any;
        }
        let mut sig = if info.kind == ClassKind::Record {
            FnTy {
                name: callee.clone(),
                type_params: info.type_params.clone(),
                params: {
                    let c = &self.classes[id];
                    c.fields
                        .iter()
                        .map(|(n, t, _)| param(n, t.clone(), c.defaults.contains(n)))
                        .collect()
                },
                ret: Ty::None,
                ret_declared: true,
                span: info.span,
            }
        } else {
            let generic = Ty::instance(
                id,
                info.type_params
                    .iter()
                    .map(|v| Ty::Var(v.clone()))
                    .collect(),
            );
            match self.member_of_instance(id, &generic_args(&generic), "__init__") {
                Some(Ty::Func(f)) => {
                    let mut f = (*f).clone();
                    f.type_params.extend(info.type_params.iter().cloned());
                    f.name = callee.clone();
                    f
                }
                _ if self.has_unknown_base(id) => {
                    return Ty::instance(id, vec![Ty::Any; info.type_params.len()])
                }
                _ => FnTy {
                    name: callee.clone(),
                    type_params: info.type_params.clone(),
                    params: vec![],
                    ret: Ty::None,
                    ret_declared: true,
                    span: info.span,
                },
            }
        };
        if let Some(explicit) = &explicit {
            let binds: HashMap<&str, Ty> = info
                .type_params
                .iter()
                .map(|p| &**p)
                .zip(explicit.iter().cloned())
                .collect();
            for p in &mut sig.params {
                p.ty =
                    p.ty.subst(&|n| binds.get(n).cloned().or(Some(Ty::Var(Rc::from(n)))));
            }
        }
        sig.ret = Ty::instance(
            id,
            info.type_params
                .iter()
                .map(|v| Ty::Var(v.clone()))
                .collect(),
        );
        let inst = self.check_args(&sig, args, arg_tys, span, &callee, Code::Mismatch);
        match (explicit, inst) {
            (Some(ex), Ty::Instance(id, _)) => Ty::instance(id, ex),
            (_, t) => t,
        }
    }

    // ------------------------------------------------------------ attributes

    pub fn attribute(&mut self, t: &Ty, attr: &ast::Ident, value: &Expr) -> Ty {
        let name = attr.name.as_str();
        match t {
            Ty::Any | Ty::Var(_) | Ty::Never => Ty::Any,
            Ty::Module(m) => match self.modules[*m].members.get(name) {
                Some(t) => t.clone(),
                None => {
                    self.report_unknown_member(*m, name, attr.span);
                    Ty::Any
                }
            },
            Ty::Instance(id, args) => {
                if let Some(t) = self.member_of_instance(*id, args, name) {
                    return t;
                }
                let record = self.classes[*id].kind == ClassKind::Record;
                if self.has_unknown_base(*id)
                    || (!record && self.assigned_attrs.contains(name))
                    || name.starts_with("__")
                {
                    return Ty::Any;
                }
                let cls = self.classes[*id].name.clone();
                let kind = match self.classes[*id].kind {
                    ClassKind::Record => "record",
                    ClassKind::Interface => "interface",
                    ClassKind::Class => "class",
                };
                let known: Vec<String> = self.instance_member_names(*id);
                let similar = closest(name, known.iter().map(String::as_str));
                let mut e = TypeError::new(
                    Code::UnknownAttribute,
                    attr.span,
                    format!("{kind} `{cls}` has no attribute `{name}`"),
                )
                .label("unknown attribute")
                .note_at(self.classes[*id].span, format!("`{cls}` defined here"));
                if let Some(s) = similar {
                    e = e.help(format!("did you mean `{s}`?"));
                }
                self.error(e);
                Ty::Any
            }
            Ty::Class(id) => self.member_of_class(*id, name).unwrap_or(Ty::Any),
            Ty::Union(items) => {
                // Every alternative must have the attribute; None is E0309.
                let has_none = items.contains(&Ty::None);
                let items: Vec<Ty> = items.iter().filter(|t| **t != Ty::None).cloned().collect();
                if has_none && !self.assigned_attrs.contains(name) {
                    let inner = Ty::union(items.clone());
                    if self.attribute_quiet(&inner, name) {
                        let msg = format!("`{}` may be None", describe(value));
                        self.error(
                            TypeError::new(Code::MaybeNone, value.span, msg)
                                .label(format!("this is `{}`", self.show(t)))
                                .help(none_help(value)),
                        );
                        return Ty::Any;
                    }
                }
                let parts: Vec<Ty> = items
                    .iter()
                    .map(|m| self.attribute(m, attr, value))
                    .collect();
                Ty::union(parts)
            }
            _ => self.builtin_attribute(t, attr),
        }
    }

    /// Whether every member of `t` has attribute `name` (without reporting).
    fn attribute_quiet(&mut self, t: &Ty, name: &str) -> bool {
        t.members().iter().all(|m| match m {
            Ty::Instance(id, args) => self.member_of_instance(*id, args, name).is_some(),
            Ty::Any | Ty::Var(_) => true,
            other => receiver_of(other)
                .iter()
                .any(|r| pyro_builtins::has_method(*r, name)),
        })
    }

    fn instance_member_names(&self, id: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = Some(id);
        let mut guard = 0;
        while let Some(c) = current {
            guard += 1;
            if guard > 64 {
                break;
            }
            let info = &self.classes[c];
            out.extend(info.fields.iter().map(|(n, _, _)| n.clone()));
            out.extend(info.methods.iter().map(|(n, _)| n.clone()));
            out.extend(info.attrs.iter().map(|(n, _)| n.clone()));
            current = match info.bases.first() {
                Some(Ty::Instance(b, _)) => Some(*b),
                _ => None,
            };
        }
        out
    }

    /// A method of a built-in type, with mutability and channel-direction checks.
    fn builtin_attribute(&mut self, t: &Ty, attr: &ast::Ident) -> Ty {
        let name = attr.name.as_str();
        // Every value has its type (`x.__class__`, as `type(x)`).
        if name == "__class__" {
            return Ty::Any;
        }
        let groups = receiver_of(t);
        let Some(&r) = groups.iter().find(|r| pyro_builtins::has_method(**r, name)) else {
            // The other direction of a channel view?
            if matches!(t, Ty::Sender(_) | Ty::Receiver(_))
                && pyro_builtins::has_method(R::Chan, name)
            {
                let (what, fix) = if matches!(t, Ty::Sender(_)) {
                    (
                        "send-only",
                        "receive from the channel itself or its `receiver()` view",
                    )
                } else {
                    (
                        "receive-only",
                        "send through the channel itself or its `sender()` view",
                    )
                };
                let msg = format!("`{}` is {what}: it has no `{name}`", self.show(t));
                self.error(
                    TypeError::new(Code::ChannelDirection, attr.span, msg)
                        .label(format!("not allowed on a {what} view"))
                        .help(fix),
                );
                return Ty::Any;
            }
            if groups.is_empty() {
                if matches!(t, Ty::None) {
                    let msg = format!("`None` has no attribute `{name}`");
                    self.error(
                        TypeError::new(Code::UnknownAttribute, attr.span, msg)
                            .label("unknown attribute"),
                    );
                }
                return Ty::Any;
            }
            let names: Vec<&str> = groups
                .iter()
                .flat_map(|r| pyro_builtins::methods_of(*r).iter().map(|m| m.name))
                .collect();
            let similar = closest(name, names.into_iter());
            let mut e = TypeError::new(
                Code::UnknownAttribute,
                attr.span,
                format!("`{}` has no attribute `{name}`", self.show(t)),
            )
            .label("unknown attribute");
            if let Some(s) = similar {
                e = e.help(format!("did you mean `{s}`?"));
            }
            self.error(e);
            return Ty::Any;
        };
        let mutating = matches!(
            (t, r),
            (Ty::List(_) | Ty::Tuple(_), R::ListMut)
                | (Ty::Dict(..), R::DictMut)
                | (Ty::Set(_), R::SetMut)
        );
        if mutating {
            let twin = match r {
                R::ListMut => "ListMutable",
                R::DictMut => "DictMutable",
                _ => "SetMutable",
            };
            let msg = format!("`{}` is immutable: it has no `{name}`", self.show(t));
            self.error(
                TypeError::new(Code::Immutable, attr.span, msg)
                    .label("mutating method on an immutable value")
                    .help(format!("use {twin}(...) for a value that changes")),
            );
            return Ty::Any;
        }
        match self.builtin_method(r, name) {
            Some(sig) => self.instantiate_method(t, &sig),
            None => Ty::Any,
        }
    }

    /// The element type of a channel for a select case, checking direction.
    pub fn channel_elem(&mut self, t: &Ty, e: &Expr, receive: bool) -> Ty {
        match (t, receive) {
            (Ty::Chan(x), _) | (Ty::Receiver(x), true) | (Ty::Sender(x), false) => (**x).clone(),
            (Ty::Sender(_), true) | (Ty::Receiver(_), false) => {
                let (what, op) = if receive {
                    ("send-only", "receive from")
                } else {
                    ("receive-only", "send on")
                };
                let msg = format!("cannot {op} `{}`: it is {what}", self.show(t));
                self.error(
                    TypeError::new(Code::ChannelDirection, e.span, msg)
                        .label(format!("a {what} view")),
                );
                Ty::Any
            }
            _ => Ty::Any,
        }
    }

    // ------------------------------------------------------------ operators

    fn unary(&mut self, op: UnaryOp, t: &Ty, span: Span, operand: &Expr) -> Ty {
        if op == UnaryOp::Not {
            return Ty::Bool;
        }
        let result = |m: &Ty, c: &Checker| -> Option<Ty> {
            match (op, m) {
                (_, Ty::Any | Ty::Var(_)) => Some(Ty::Any),
                (UnaryOp::Neg | UnaryOp::Pos, Ty::Int | Ty::Bool) => Some(Ty::Int),
                (UnaryOp::Neg | UnaryOp::Pos, Ty::Float) => Some(Ty::Float),
                (UnaryOp::Invert, Ty::Int | Ty::Bool) => Some(Ty::Int),
                (_, Ty::Instance(..)) => {
                    let dunder = match op {
                        UnaryOp::Neg => "__neg__",
                        UnaryOp::Pos => "__pos__",
                        _ => "__invert__",
                    };
                    match c.method_type(m, dunder) {
                        Some(Ty::Func(f)) => Some(f.ret.clone()),
                        Some(_) => Some(Ty::Any),
                        None => None,
                    }
                }
                _ => None,
            }
        };
        let mut out = Vec::new();
        for m in t.members() {
            match result(m, self) {
                Some(r) => out.push(r),
                None => {
                    let msg = if *m == Ty::None && t.has_none() && t.members().len() > 1 {
                        format!("`{}` may be None", describe(operand))
                    } else {
                        format!(
                            "bad operand type for unary `{}`: `{}`",
                            op.symbol(),
                            self.show(t)
                        )
                    };
                    let code = if *m == Ty::None && t.members().len() > 1 {
                        Code::MaybeNone
                    } else {
                        Code::Operator
                    };
                    self.error(
                        TypeError::new(code, span, msg)
                            .label(format!("this is `{}`", self.show(t))),
                    );
                    return Ty::Any;
                }
            }
        }
        Ty::union(out)
    }

    /// The result of a binary operator, reporting unsupported operand types.
    pub fn binary(
        &mut self,
        op: BinOp,
        l: &Ty,
        r: &Ty,
        span: Span,
        left: &Expr,
        right: &Expr,
    ) -> Ty {
        if l.is_any() || r.is_any() {
            return self.any_binary(op, l, r);
        }
        let mut out = Vec::new();
        // Every combination of the operands' alternatives must work.
        let mut none_fail = false;
        let mut other_fail = false;
        for a in l.members() {
            for b in r.members() {
                match self.binary_one(op, a, b) {
                    Some(t) => out.push(t),
                    // `None` as one alternative of an optional: "may be None".
                    None if (*a == Ty::None && l.members().len() > 1)
                        || (*b == Ty::None && r.members().len() > 1) =>
                    {
                        none_fail = true
                    }
                    None => other_fail = true,
                }
            }
        }
        if other_fail {
            let msg = format!(
                "`{}` is not supported between `{}` and `{}`",
                op.symbol(),
                self.show(l),
                self.show(r)
            );
            let mut e =
                TypeError::new(Code::Operator, span, msg).label("unsupported operand types");
            if op == BinOp::Add && (*l == Ty::Str || *r == Ty::Str) {
                e = e
                    .help("there is no implicit conversion to string: use `str(x)` or an f-string");
            }
            self.error(e);
            return Ty::Any;
        }
        if none_fail {
            let which = if l.has_none() { left } else { right };
            let msg = format!("`{}` may be None", describe(which));
            let ty = if l.has_none() { l } else { r };
            self.error(
                TypeError::new(Code::MaybeNone, which.span, msg)
                    .label(format!("this is `{}`", self.show(ty)))
                    .help(none_help(which)),
            );
            return Ty::Any;
        }
        Ty::union(out)
    }

    fn any_binary(&self, op: BinOp, l: &Ty, r: &Ty) -> Ty {
        let other = if l.is_any() { r } else { l };
        match (op, other) {
            (BinOp::Div, Ty::Int | Ty::Float) => Ty::Float,
            _ => Ty::Any,
        }
    }

    fn binary_one(&self, op: BinOp, a: &Ty, b: &Ty) -> Option<Ty> {
        use BinOp::*;
        use Ty::{
            Bool, Dict, DictMut, Float, Instance, Int, List, ListMut, Set, SetMut, Str, Tuple,
        };
        if a.is_any() || b.is_any() {
            return Some(self.any_binary(op, a, b));
        }
        let int = |t: &Ty| matches!(t, Int | Bool);
        let num = |t: &Ty| matches!(t, Int | Bool | Float);
        Some(match (op, a, b) {
            (Div, x, y) if num(x) && num(y) => Float,
            (Add | Sub | Mul | Mod | Pow, x, y) if int(x) && int(y) => Int,
            (Add | Sub | Mul | Mod | Pow, x, y) if num(x) && num(y) => Float,
            (BitAnd | BitOr | BitXor | Shl | Shr, x, y) if int(x) && int(y) => Int,
            (Add, Str, Str) => Str,
            (Mod, Str, _) => Str,
            (Mul, Str, x) | (Mul, x, Str) if int(x) => Str,
            (Add, List(x), List(y) | ListMut(y)) => {
                List(TyRef::new(join(vec![(**x).clone(), (**y).clone()])))
            }
            (Add, ListMut(x), List(y) | ListMut(y)) => {
                ListMut(TyRef::new(join(vec![(**x).clone(), (**y).clone()])))
            }
            (Mul, List(x), n) | (Mul, n, List(x)) if int(n) => List(x.clone()),
            (Mul, ListMut(x), n) | (Mul, n, ListMut(x)) if int(n) => ListMut(x.clone()),
            (Add, Tuple(Some(x)), Tuple(Some(y))) => {
                Tuple(Some(x.iter().chain(y.iter()).cloned().collect()))
            }
            (Add, Tuple(_), Tuple(_)) => Tuple(None),
            (Mul, Tuple(_), n) | (Mul, n, Tuple(_)) if int(n) => Tuple(None),
            (BitOr | BitAnd | Sub | BitXor, Set(x) | SetMut(x), Set(y) | SetMut(y)) => {
                let e = TyRef::new(join(vec![(**x).clone(), (**y).clone()]));
                if matches!(a, SetMut(_)) {
                    SetMut(e)
                } else {
                    Set(e)
                }
            }
            (BitOr, Dict(k, v) | DictMut(k, v), Dict(k2, v2) | DictMut(k2, v2)) => Dict(
                TyRef::new(join(vec![(**k).clone(), (**k2).clone()])),
                TyRef::new(join(vec![(**v).clone(), (**v2).clone()])),
            ),
            (_, Instance(..), _) | (_, _, Instance(..)) => return self.dunder_binary(op, a, b),
            _ => return None,
        })
    }

    fn dunder_binary(&self, op: BinOp, a: &Ty, b: &Ty) -> Option<Ty> {
        let name = match op {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::Div => "truediv",
            BinOp::Mod => "mod",
            BinOp::Pow => "pow",
            BinOp::BitAnd => "and",
            BinOp::BitOr => "or",
            BinOp::BitXor => "xor",
            BinOp::Shl => "lshift",
            BinOp::Shr => "rshift",
        };
        if let Ty::Instance(id, _) = a {
            if self.has_unknown_base(*id) {
                return Some(Ty::Any);
            }
            if let Some(m) = self.method_type(a, &format!("__{name}__")) {
                return Some(match m {
                    Ty::Func(f) => f.ret.clone(),
                    _ => Ty::Any,
                });
            }
        }
        if let Ty::Instance(id, _) = b {
            if self.has_unknown_base(*id) {
                return Some(Ty::Any);
            }
            if let Some(m) = self.method_type(b, &format!("__r{name}__")) {
                return Some(match m {
                    Ty::Func(f) => f.ret.clone(),
                    _ => Ty::Any,
                });
            }
        }
        None
    }

    fn compare(&mut self, op: CmpOp, l: &Ty, r: &Ty, span: Span, _left: &Expr, right: &Expr) {
        match op {
            CmpOp::Eq | CmpOp::NotEq | CmpOp::Is | CmpOp::IsNot => {}
            CmpOp::In | CmpOp::NotIn => {
                if r.is_any() {
                    return;
                }
                let is_container = |m: &Ty, c: &Checker| {
                    m.is_any()
                        || (*m != Ty::None && c.element_of(m).is_some())
                        || (matches!(m, Ty::Instance(..))
                            && c.method_type(m, "__contains__").is_some())
                };
                let without = r.without_none();
                if r.has_none() && r.members().len() > 1 && is_container(&without, self) {
                    let msg = format!("`{}` may be None", describe(right));
                    self.error(
                        TypeError::new(Code::MaybeNone, right.span, msg)
                            .label(format!("this is `{}`", self.show(r)))
                            .help(none_help(right)),
                    );
                } else if !r.members().iter().all(|m| is_container(m, self)) {
                    let msg = format!(
                        "`{}` is not a container: `in` needs a string, a collection, a range or an iterable",
                        self.show(r)
                    );
                    self.error(
                        TypeError::new(Code::Operator, right.span, msg).label("not a container"),
                    );
                }
                // The element must be comparable with the container's items.
                if let (Ty::Str, false) = (&without, l.is_any()) {
                    if !matches!(l, Ty::Str) && !l.has_none() {
                        let msg = format!(
                            "`in <string>` needs a string on the left, not `{}`",
                            self.show(l)
                        );
                        self.error(
                            TypeError::new(Code::Operator, span, msg).label("not a substring"),
                        );
                    }
                }
            }
            CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
                if l.is_any() || r.is_any() {
                    return;
                }
                let ok = |a: &Ty, b: &Ty, c: &Checker| -> bool {
                    a.is_any()
                        || b.is_any()
                        || (a.is_numeric() && b.is_numeric())
                        || matches!((a, b), (Ty::Str, Ty::Str))
                        || matches!(
                            (a, b),
                            (Ty::List(_) | Ty::ListMut(_), Ty::List(_) | Ty::ListMut(_))
                        )
                        || matches!((a, b), (Ty::Tuple(_), Ty::Tuple(_)))
                        || matches!(
                            (a, b),
                            (Ty::Set(_) | Ty::SetMut(_), Ty::Set(_) | Ty::SetMut(_))
                        )
                        || matches!(a, Ty::Instance(..))
                        || matches!(b, Ty::Instance(..))
                        || c.assignable(a, b) && matches!(a, Ty::Instance(..))
                };
                let mut any_ok = false;
                let mut none_bad = false;
                for a in l.members() {
                    for b in r.members() {
                        if ok(a, b, self) {
                            any_ok = true;
                        } else if *a == Ty::None || *b == Ty::None {
                            none_bad = true;
                        }
                    }
                }
                if !any_ok {
                    let msg = format!(
                        "`{}` is not supported between `{}` and `{}`",
                        op.symbol(),
                        self.show(l),
                        self.show(r)
                    );
                    self.error(
                        TypeError::new(Code::Operator, span, msg)
                            .label("values of these types cannot be ordered"),
                    );
                } else if none_bad {
                    let msg = "an operand may be None, which cannot be ordered".to_string();
                    self.error(
                        TypeError::new(Code::MaybeNone, span, msg)
                            .label("possibly None")
                            .help("test the operands first (`if v is not None:`)"),
                    );
                }
            }
        }
    }

    // ------------------------------------------------------------ indexing

    fn index(&mut self, t: &Ty, index: &Expr, span: Span, value: &Expr) -> Ty {
        let is_slice = matches!(index.kind, ExprKind::Slice { .. });
        let ity = self.expr(index);
        let literal = match &index.kind {
            ExprKind::Int(n) => Some(*n),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => match operand.kind {
                ExprKind::Int(n) => Some(-n),
                _ => None,
            },
            _ => None,
        };
        let check_int = |c: &mut Checker, what: &str| {
            if !is_slice && !c.assignable(&ity, &Ty::Int) {
                let msg = format!("{what} indices must be `int`, not `{}`", c.show(&ity));
                c.error(TypeError::new(Code::Mismatch, index.span, msg).label("not an int"));
            }
        };
        match t {
            Ty::Any | Ty::Var(_) | Ty::Never => Ty::Any,
            Ty::List(e) | Ty::ListMut(e) => {
                check_int(self, "list");
                if is_slice {
                    t.clone()
                } else {
                    (**e).clone()
                }
            }
            Ty::Str => {
                check_int(self, "string");
                Ty::Str
            }
            Ty::Tuple(items) => {
                check_int(self, "tuple");
                if is_slice {
                    return Ty::Tuple(None);
                }
                match (items, literal) {
                    (Some(items), Some(n)) => {
                        let i = if n < 0 { items.len() as i64 + n } else { n };
                        match items.get(i as usize) {
                            Some(t) if i >= 0 => t.get(),
                            _ => Ty::Any,
                        }
                    }
                    (Some(items), None) if !items.is_empty() => join(tys(items)),
                    _ => Ty::Any,
                }
            }
            Ty::TupleMut | Ty::Range => {
                check_int(self, "range");
                if matches!(t, Ty::Range) && !is_slice {
                    Ty::Int
                } else {
                    Ty::Any
                }
            }
            Ty::Dict(k, v) | Ty::DictMut(k, v) => {
                if !self.assignable(&ity, k) {
                    let msg = format!("key of type `{}` for `{}`", self.show(&ity), self.show(t));
                    self.error(
                        TypeError::new(Code::Mismatch, index.span, msg)
                            .label(format!("expected `{}`", self.show(k))),
                    );
                }
                (**v).clone()
            }
            Ty::Instance(id, _) => match self.method_type(t, "__getitem__") {
                Some(Ty::Func(f)) => f.ret.clone(),
                Some(_) => Ty::Any,
                None if self.has_unknown_base(*id) => Ty::Any,
                None => {
                    let msg = format!("`{}` is not subscriptable", self.show(t));
                    self.error(
                        TypeError::new(Code::NotIterable, span, msg).label("no `__getitem__`"),
                    );
                    Ty::Any
                }
            },
            Ty::Union(items) if items.contains(&Ty::None) => {
                let msg = format!("`{}` may be None", describe(value));
                self.error(
                    TypeError::new(Code::MaybeNone, value.span, msg)
                        .label(format!("this is `{}`", self.show(t)))
                        .help(none_help(value)),
                );
                Ty::Any
            }
            Ty::Union(_) | Ty::Class(_) | Ty::Module(_) | Ty::Func(_) | Ty::Iterable(_) => Ty::Any,
            _ => {
                let msg = format!("`{}` is not subscriptable", self.show(t));
                self.error(TypeError::new(Code::NotIterable, span, msg).label("cannot be indexed"));
                Ty::Any
            }
        }
    }

    /// The element type of iterating `t` (a `for`, a comprehension,
    /// unpacking), reporting values that cannot be iterated.
    pub fn iterate(&mut self, t: &Ty, e: &Expr) -> Ty {
        if let Ty::Sender(_) = t {
            let msg = format!("cannot iterate `{}`: it is send-only", self.show(t));
            self.error(
                TypeError::new(Code::ChannelDirection, e.span, msg)
                    .label("a send-only view")
                    .help("iterate the channel itself or its `receiver()` view"),
            );
            return Ty::Any;
        }
        if let Ty::Instance(id, _) = t {
            if self.has_unknown_base(*id) {
                return Ty::Any;
            }
        }
        match self.element_of(t) {
            Some(elem) => elem,
            None => {
                if t.has_none() && t.members().len() > 1 {
                    let msg = format!("`{}` may be None", describe(e));
                    self.error(
                        TypeError::new(Code::MaybeNone, e.span, msg)
                            .label(format!("this is `{}`", self.show(t))),
                    );
                } else if !matches!(t, Ty::Class(_) | Ty::Func(_) | Ty::Module(_)) {
                    let msg = format!("`{}` is not iterable", self.show(t));
                    self.error(
                        TypeError::new(Code::NotIterable, e.span, msg).label("cannot be iterated"),
                    );
                }
                Ty::Any
            }
        }
    }

    // ------------------------------------------------------------ narrowing

    /// Narrowed types of names when `cond` is `truthy` (or falsy).
    pub fn narrowing(&mut self, cond: &Expr, truthy: bool) -> Vec<(String, Ty)> {
        grow(|| self.narrowing_step(cond, truthy))
    }

    fn narrowing_step(&mut self, cond: &Expr, truthy: bool) -> Vec<(String, Ty)> {
        match &cond.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } => {
                let Some((n, v)) = self.narrowable(cond) else {
                    return vec![];
                };
                if truthy && v.ty.has_none() {
                    return vec![(n.clone(), v.ty.without_none())];
                }
                if !truthy && v.ty.has_none() && v.ty.members().len() > 1 {
                    // Falsy: None, or a falsy value of another member.
                    return vec![];
                }
                vec![]
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => self.narrowing(operand, !truthy),
            ExprKind::Compare { left, ops } if ops.len() == 1 => {
                let (op, right) = &ops[0];
                let is_none = matches!(right.kind, ExprKind::None);
                let positive = match op {
                    CmpOp::Is | CmpOp::Eq if is_none => true,
                    CmpOp::IsNot | CmpOp::NotEq if is_none => false,
                    _ => return vec![],
                };
                let Some((n, v)) = self.narrowable(left) else {
                    return vec![];
                };
                if positive == truthy {
                    if v.ty.has_none() {
                        vec![(n.clone(), Ty::None)]
                    } else {
                        vec![]
                    }
                } else if v.ty.has_none() {
                    vec![(n.clone(), v.ty.without_none())]
                } else {
                    vec![]
                }
            }
            ExprKind::Call { func, args }
                if matches!(&func.kind, ExprKind::Name(f) if f == "isinstance")
                    && args.len() == 2 =>
            {
                self.isinstance_narrowing(&args[0].value, &args[1].value, truthy)
            }
            ExprKind::Logical { op, left, right } => {
                let both = (*op == LogicalOp::And) == truthy;
                if !both {
                    return vec![];
                }
                let mut out = self.narrowing(left, truthy);
                self.push_scope(false);
                for (n, t) in &out {
                    self.narrow_var(n, t.clone());
                }
                let more = self.narrowing(right, truthy);
                self.pop_scope();
                for (n, t) in more {
                    out.retain(|(m, _)| *m != n);
                    out.push((n, t));
                }
                out
            }
            _ => vec![],
        }
    }

    /// Narrowed types when `isinstance(value, class)` is `truthy` (or falsy);
    /// also for a class pattern (`match value: case class():`).
    pub fn isinstance_narrowing(
        &mut self,
        value: &Expr,
        class: &Expr,
        truthy: bool,
    ) -> Vec<(String, Ty)> {
        let Some((n, v)) = self.narrowable(value) else {
            return vec![];
        };
        let n_diags = self.diags.len();
        let target = self.isinstance_target(class);
        self.diags.truncate(n_diags);
        let Some(target) = target else { return vec![] };
        if truthy {
            return vec![(n, self.narrow_to(&v.ty, &target))];
        }
        if !matches!(v.ty, Ty::Union(_)) {
            return vec![];
        }
        let kept: Vec<Ty> =
            v.ty.members()
                .iter()
                .filter(|m| !self.assignable(m, &target) || m.is_any())
                .cloned()
                .collect();
        if kept.is_empty() {
            vec![]
        } else {
            vec![(n, Ty::union(kept))]
        }
    }

    /// The members of `ty` that are instances of `target`, or `target`
    /// itself when none is known to be (`ty` is `any`, or unrelated).
    pub fn narrow_to(&self, ty: &Ty, target: &Ty) -> Ty {
        if ty.is_any() {
            return target.clone();
        }
        let kept: Vec<Ty> = ty
            .members()
            .iter()
            .filter(|m| self.assignable(m, target) && !m.is_any())
            .cloned()
            .collect();
        if kept.is_empty() {
            target.clone()
        } else {
            Ty::union(kept)
        }
    }

    /// A name or attribute path (`x`, `p.value`) and its current type.
    fn narrowable(&mut self, e: &Expr) -> Option<(String, crate::check::Var)> {
        let path = path_of(e)?;
        if let Some(v) = self.lookup_var(&path) {
            return Some((path, v));
        }
        if !path.contains('.') {
            return None;
        }
        let n = self.diags.len();
        let ty = self.expr(e);
        self.diags.truncate(n);
        Some((
            path,
            crate::check::Var {
                ty,
                span: None,
                narrow: true,
                annotated: false,
            },
        ))
    }

    /// The instance type named by `isinstance`'s second argument.
    fn isinstance_target(&mut self, e: &Expr) -> Option<Ty> {
        grow(|| self.isinstance_target_step(e))
    }

    fn isinstance_target_step(&mut self, e: &Expr) -> Option<Ty> {
        match &e.kind {
            ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.isinstance_target(i)?);
                }
                Some(Ty::union(out))
            }
            ExprKind::Name(n) => {
                if self.lookup_var(n).is_none() {
                    if let Some(p) = builtin_type_named(n) {
                        return Some(p);
                    }
                }
                match self.expr(e) {
                    Ty::Class(id) => Some(Ty::instance(
                        id,
                        vec![Ty::Any; self.classes[id].type_params.len()],
                    )),
                    _ => None,
                }
            }
            _ => match self.expr(e) {
                Ty::Class(id) => Some(Ty::instance(
                    id,
                    vec![Ty::Any; self.classes[id].type_params.len()],
                )),
                _ => None,
            },
        }
    }
}

/// The value type a built-in type's name stands for in `isinstance` and
/// class patterns (`int`, `list`, `ListMutable` ...).
pub fn builtin_type_named(name: &str) -> Option<Ty> {
    let any = || TyRef::new(Ty::Any);
    Some(match name {
        "int" => Ty::Int,
        "float" => Ty::Float,
        "bool" => Ty::Bool,
        "str" | "string" => Ty::Str,
        "list" => Ty::List(any()),
        "dict" => Ty::Dict(any(), any()),
        "set" => Ty::Set(any()),
        "tuple" => Ty::Tuple(None),
        "ListMutable" => Ty::ListMut(any()),
        "DictMutable" => Ty::DictMut(any(), any()),
        "SetMutable" => Ty::SetMut(any()),
        "TupleMutable" => Ty::TupleMut,
        _ => return None,
    })
}

/// What a constructor call needs of its class.
struct ClassHead {
    name: String,
    kind: ClassKind,
    type_params: Vec<Rc<str>>,
    span: Option<Span>,
}

/// `x` or `x.a.b` as a dotted path, for narrowing.
pub fn path_of(e: &Expr) -> Option<String> {
    grow(|| path_of_step(e))
}

fn path_of_step(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Attribute { value, attr } => Some(format!("{}.{}", path_of(value)?, attr.name)),
        _ => None,
    }
}

fn generic_args(t: &Ty) -> Vec<TyRef> {
    match t {
        Ty::Instance(_, args) => args.to_vec(),
        _ => vec![],
    }
}

fn is_channel_method(func: &Expr, c: &mut Checker) -> bool {
    if let ExprKind::Attribute { value, .. } = &func.kind {
        let n = c.diags.len();
        let t = c.expr(value);
        c.diags.truncate(n);
        return matches!(t, Ty::Chan(_) | Ty::Sender(_));
    }
    false
}

fn callee_name(func: &Expr) -> String {
    grow(|| callee_name_step(func))
}

fn callee_name_step(func: &Expr) -> String {
    match &func.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Attribute { attr, .. } => attr.name.clone(),
        ExprKind::Generic { value, .. } => callee_name(value),
        _ => String::new(),
    }
}

/// A short description of an expression for messages: its name if it has one.
fn describe(e: &Expr) -> String {
    grow(|| describe_step(e))
}

fn describe_step(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Attribute { value, attr } => format!("{}.{}", describe(value), attr.name),
        ExprKind::Call { func, .. } => format!("{}(...)", describe(func)),
        _ => "the value".into(),
    }
}

/// Which argument types a prelude function accepts.
type Accepts = dyn Fn(&Checker, &Ty) -> bool;

/// How to get rid of a possible None in `e`.
fn none_help(e: &Expr) -> String {
    match path_of(e) {
        Some(p) => format!("test it first: `if {p} is not None:`"),
        None => "store it in a variable and test that first (`if v is not None:`)".into(),
    }
}

/// The most similar candidate (edit distance at most a third of the length).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
