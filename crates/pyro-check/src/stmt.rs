//! Declarations and statements: hoisting, classes, function bodies,
//! assignments, control flow with narrowing, missing returns.

use std::rc::Rc;

use pyro_parser::ast::{self, Expr, ExprKind, Stmt, StmtKind};
use pyro_source::stack::grow;
use pyro_source::Span;

use crate::check::{
    Alias, AliasState, Checker, ClassInfo, ClassKind, Decorated, FnCtx, MethodKind,
};
use crate::diag::{Code, TypeError};
use crate::ty::{AddrMap, ClassId};
use crate::ty::{FnRef, FnTy, PKind, Ty, TyRef};

impl Checker {
    pub fn check_module(&mut self, module: &ast::Module) {
        collect_assigned_attrs(&module.body, &mut self.assigned_attrs);
        self.hoist(&module.body);
        self.block(&module.body);
    }

    // ------------------------------------------------------------ hoisting

    /// Declares the functions, classes, records, interfaces and aliases of
    /// a block before its statements are checked, so that they may be used
    /// before their definition (from function bodies).
    pub fn hoist(&mut self, body: &[Stmt]) {
        // Imports first: annotations may name their types (`sync.Mutex`).
        for s in body {
            if let StmtKind::Import(_) | StmtKind::FromImport { .. } = &s.kind {
                // An import checks the imported module (whose imports do the
                // same): a chain of modules recurses as deep as it is long.
                grow(|| self.import(s));
            }
        }
        let mut classes = Vec::new();
        for s in body {
            let (name, kind, tps, span) = match &s.kind {
                StmtKind::ClassDef(c) => (&c.name, ClassKind::Class, &c.type_params, c.name.span),
                StmtKind::RecordDef(r) => (&r.name, ClassKind::Record, &r.type_params, r.name.span),
                StmtKind::InterfaceDef(i) => {
                    (&i.name, ClassKind::Interface, &i.type_params, i.name.span)
                }
                _ => continue,
            };
            let id = self.classes.len();
            self.classes.push(ClassInfo::new(
                name.name.clone(),
                kind,
                tps.iter().map(|p| Rc::from(p.name.name.as_str())).collect(),
                Some(span),
            ));
            self.declare(&name.name, Ty::Class(id), Some(span), true);
            if let Some(scope) = self.scopes.last_mut() {
                scope.types.insert(name.name.clone(), Ty::Class(id));
            }
            classes.push((id, s));
        }
        // Aliases may name each other in any order: each is resolved when
        // first needed, and one that is needed while it is being resolved
        // is a cycle (E0380), not an endless expansion.
        let scope = self.scopes.len().saturating_sub(1);
        let outer = std::mem::take(&mut self.aliases);
        for s in body {
            if let StmtKind::TypeAlias { name, params, ty } = &s.kind {
                self.aliases.insert(
                    name.name.clone(),
                    Alias {
                        params: params
                            .iter()
                            .map(|p| Rc::from(p.name.name.as_str()))
                            .collect(),
                        ty: ty.clone(),
                        span: name.span,
                        scope,
                        state: AliasState::Waiting,
                    },
                );
            }
        }
        for s in body {
            if let StmtKind::TypeAlias { name, .. } = &s.kind {
                self.resolve_alias(&name.name, name.span);
            }
        }
        self.aliases = outer;
        for &(id, s) in &classes {
            self.collect_class(id, s);
        }
        self.check_overrides(&classes);
        for s in body {
            if let StmtKind::FuncDef(f) = &s.kind {
                let sig = self.function_signature(f, None);
                self.declare(&f.name.name, Ty::func(sig), Some(f.name.span), true);
            }
        }
    }

    /// Resolves a pending alias of the block being hoisted; false when it
    /// is being resolved already (a cycle, reported once).
    pub fn resolve_alias(&mut self, name: &str, at: Span) -> bool {
        let Some(alias) = self.aliases.get_mut(name) else {
            return true;
        };
        match alias.state {
            AliasState::Done => return true,
            AliasState::Cyclic => return false,
            AliasState::Resolving => {
                alias.state = AliasState::Cyclic;
                let defined = alias.span;
                let start = self.alias_chain.iter().position(|n| n == name);
                let through = start.map_or(&[][..], |i| &self.alias_chain[i + 1..]);
                let msg = match through {
                    [] => format!("type alias `{name}` refers to itself"),
                    [one] => format!("type alias `{name}` refers to itself through `{one}`"),
                    [first, .., last] => format!(
                        "type alias `{name}` refers to itself through `{first}` … `{last}` ({} aliases)",
                        through.len()
                    ),
                };
                self.error(
                    TypeError::new(Code::Cycle, at, msg)
                        .label("cyclic reference")
                        .note_at(Some(defined).filter(|d| *d != at), format!("`{name}` defined here"))
                        .help("an alias cannot be recursive: declare a record or a class for a recursive structure"),
                );
                return false;
            }
            AliasState::Waiting => alias.state = AliasState::Resolving,
        }
        let (params, ty, scope) = (alias.params.clone(), alias.ty.clone(), alias.scope);
        self.alias_chain.push(name.to_string());
        self.push_scope(false);
        for p in &params {
            if let Some(s) = self.scopes.last_mut() {
                s.types.insert(p.to_string(), Ty::Var(p.clone()));
            }
        }
        let resolved = self.resolve_type(&ty);
        self.pop_scope();
        self.alias_chain.pop();
        if let Some(s) = self.scopes.get_mut(scope) {
            s.types.insert(name.to_string(), resolved);
        }
        if let Some(alias) = self.aliases.get_mut(name) {
            if alias.state == AliasState::Resolving {
                alias.state = AliasState::Done;
            }
        }
        true
    }

    fn with_type_params<T>(&mut self, params: &[Rc<str>], f: impl FnOnce(&mut Checker) -> T) -> T {
        self.push_scope(false);
        for p in params {
            if let Some(scope) = self.scopes.last_mut() {
                scope.types.insert(p.to_string(), Ty::Var(p.clone()));
            }
        }
        let out = f(self);
        self.pop_scope();
        out
    }

    fn function_signature(&mut self, f: &ast::FuncDef, self_ty: Option<Ty>) -> FnTy {
        let tps: Vec<Rc<str>> = f
            .type_params
            .iter()
            .map(|p| Rc::from(p.name.name.as_str()))
            .collect();
        self.with_type_params(&tps, |c| {
            c.signature_of(f, &f.name.name, &[], self_ty, false)
        })
    }

    fn collect_class(&mut self, id: usize, s: &Stmt) {
        let tps = self.classes[id].type_params.clone();
        let self_ty = Ty::instance(id, tps.iter().map(|v| Ty::Var(v.clone())).collect());
        self.with_type_params(&tps, |c| match &s.kind {
            StmtKind::ClassDef(def) => c.collect_class_body(id, def, &self_ty),
            StmtKind::RecordDef(def) => {
                for p in &def.fields {
                    let ty = p.ty.as_ref().map_or(Ty::Any, |t| c.resolve_type(t));
                    c.classes[id].add_field(p.name.name.clone(), ty, Some(p.name.span));
                    if p.default.is_some() {
                        c.classes[id].defaults.insert(p.name.name.clone());
                    }
                }
                c.collect_methods(id, &def.body, &self_ty);
            }
            StmtKind::InterfaceDef(def) => {
                let bases: Vec<(Ty, Span)> = def
                    .bases
                    .iter()
                    .filter_map(|b| Some((c.base_type(b)?, b.span)))
                    .collect();
                c.set_bases(id, bases);
                for m in &def.methods {
                    let mut sig = c.function_signature(m, None);
                    if sig.params.first().is_some_and(|p| p.name == "self") {
                        sig.params.remove(0);
                    }
                    c.classes[id].add_method(m.name.name.clone(), FnRef::new(sig));
                }
            }
            _ => {}
        });
    }

    /// The instance type a base-class expression names (`Base`, `mod.Base`, `Box<int>`).
    fn base_type(&mut self, e: &Expr) -> Option<Ty> {
        let n = self.diags.len();
        let ty = self.expr(e);
        self.diags.truncate(n);
        match ty {
            Ty::Class(id) => Some(Ty::instance(
                id,
                vec![Ty::Any; self.classes[id].type_params.len()],
            )),
            _ => None,
        }
    }

    /// Sets the bases of a class or interface, leaving out (and reporting)
    /// a base that would make the inheritance cyclic: every walk up the
    /// bases may then assume it ends.
    fn set_bases(&mut self, id: ClassId, bases: Vec<(Ty, Span)>) {
        let mut kept = Vec::new();
        let mut ordered = true;
        for (base, span) in bases {
            if let Ty::Instance(b, _) = &base {
                // A base declared earlier, whose own bases all were, cannot
                // lead back here: only the other case needs a search.
                let earlier = *b < id && self.classes[*b].ordered;
                ordered &= earlier;
                if !earlier && self.inherits(*b, id) {
                    let name = self.classes[id].name.clone();
                    let base_name = self.classes[*b].name.clone();
                    let interface = self.classes[id].kind == ClassKind::Interface;
                    let (verb, verbs, what) = if interface {
                        ("extend", "extends", "an interface")
                    } else {
                        ("inherit from", "inherits from", "a class")
                    };
                    let msg = if *b == id {
                        format!("`{name}` cannot {verb} itself")
                    } else {
                        format!("`{name}` cannot {verb} `{base_name}`, which {verbs} `{name}`")
                    };
                    let defined = self.classes[*b].span.filter(|_| *b != id);
                    self.error(
                        TypeError::new(Code::Cycle, span, msg)
                            .label("cyclic inheritance")
                            .note_at(defined, format!("`{base_name}` defined here"))
                            .help(format!(
                                "{what} cannot be its own ancestor: remove one of the bases"
                            )),
                    );
                    continue;
                }
            }
            kept.push(base);
        }
        self.classes[id].bases = kept;
        self.classes[id].ordered = ordered;
    }

    /// Whether `from` is `ancestor` or has it among its (transitive) bases.
    fn inherits(&self, from: ClassId, ancestor: ClassId) -> bool {
        let mut todo = vec![from];
        let mut seen = std::collections::HashSet::new();
        while let Some(c) = todo.pop() {
            if c == ancestor {
                return true;
            }
            if !seen.insert(c) {
                continue;
            }
            for b in &self.classes[c].bases {
                if let Ty::Instance(b, _) = b {
                    todo.push(*b);
                }
            }
        }
        false
    }

    fn collect_class_body(&mut self, id: usize, def: &ast::ClassDef, self_ty: &Ty) {
        // `class A(object):` is a class without a base (Python 2's spelling).
        let object_is_builtin = self.lookup_var("object").is_none();
        let bases: Vec<(Ty, Span)> = def
            .bases
            .iter()
            .filter(|b| {
                !(object_is_builtin && matches!(&b.kind, ExprKind::Name(n) if n == "object"))
            })
            .map(|b| (self.base_type(b).unwrap_or(Ty::Any), b.span))
            .collect();
        self.set_bases(id, bases);
        for s in &def.body {
            match &s.kind {
                StmtKind::AnnAssign { target, ty, .. } => {
                    let t = self.resolve_type(ty);
                    self.classes[id].add_field(target.name.clone(), t, Some(target.span));
                }
                StmtKind::Assign { targets, value } => {
                    let n = self.diags.len();
                    let t = widen(self.expr(value));
                    self.diags.truncate(n);
                    for target in targets {
                        if let ExprKind::Name(name) = &target.kind {
                            self.classes[id].add_attr(name.clone(), t.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        self.collect_methods(id, &def.body, self_ty);
        // Fields assigned through `self` in methods, `__init__` first: the
        // type of the assigned value when it is evident, else `any`.
        let mut methods: Vec<&ast::FuncDef> = def
            .body
            .iter()
            .filter_map(|s| match &s.kind {
                // Static and class methods have no `self`.
                StmtKind::FuncDef(f)
                    if !matches!(self.decorated(f), Decorated::Static | Decorated::Class) =>
                {
                    Some(&**f)
                }
                _ => None,
            })
            .collect();
        methods.sort_by_key(|f| f.name.name != "__init__");
        for f in methods {
            let Some(body) = &f.body else { continue };
            let Some(self_name) = f.params.first().map(|p| p.name.name.clone()) else {
                continue;
            };
            self.push_scope(true);
            for (i, p) in f.params.iter().enumerate() {
                let ty = if i == 0 {
                    self_ty.clone()
                } else {
                    p.ty.as_ref().map_or(Ty::Any, |t| {
                        let n = self.diags.len();
                        let t = self.resolve_type(t);
                        self.diags.truncate(n);
                        t
                    })
                };
                self.declare(&p.name.name, ty, None, true);
            }
            let mut found = Vec::new();
            self_assignments(body, &self_name, &mut found);
            for (name, span, value, ann) in found {
                // `self.x = v` through a property calls its setter: no field.
                let property = match self_ty {
                    Ty::Instance(_, args) => self.property_of(id, args, &name).is_some(),
                    _ => false,
                };
                if property || self.classes[id].field(&name).is_some() {
                    continue;
                }
                let ty = match ann {
                    Some(t) => {
                        let n = self.diags.len();
                        let t = self.resolve_type(t);
                        self.diags.truncate(n);
                        t
                    }
                    None => {
                        let n = self.diags.len();
                        let t = widen(self.expr(value));
                        self.diags.truncate(n);
                        t
                    }
                };
                self.classes[id].add_field(name, ty, Some(span));
            }
            self.pop_scope();
        }
    }

    fn collect_methods(&mut self, id: usize, body: &[Stmt], self_ty: &Ty) {
        for s in body {
            if let StmtKind::FuncDef(f) = &s.kind {
                let tps: Vec<Rc<str>> = f
                    .type_params
                    .iter()
                    .map(|p| Rc::from(p.name.name.as_str()))
                    .collect();
                let decorated = self.decorated(f);
                // The first parameter: `self`, `cls` (the class), or an
                // ordinary parameter of a static method.
                let receiver = match decorated {
                    Decorated::Static => None,
                    Decorated::Class => Some(Ty::Class(id)),
                    _ => Some(self_ty.clone()),
                };
                let sig = self.with_type_params(&tps, |c| {
                    c.signature_of(f, &f.name.name, &[], receiver, false)
                });
                let name = f.name.name.clone();
                let info = &mut self.classes[id];
                let kind = match decorated {
                    // A setter of a property of this class joins it; any
                    // other `@x.setter` is an ordinary (unknown) decorator.
                    Decorated::Setter(of)
                        if of == name && info.method_kind(&name) == Some(MethodKind::Property) =>
                    {
                        info.setters.insert(name, FnRef::new(sig));
                        continue;
                    }
                    Decorated::Static => Some(MethodKind::Static),
                    Decorated::Class => Some(MethodKind::Class),
                    Decorated::Property => Some(MethodKind::Property),
                    Decorated::Plain | Decorated::Setter(_) => None,
                };
                if let Some(kind) = kind {
                    info.method_kinds.entry(name.clone()).or_insert(kind);
                }
                info.add_method(name, FnRef::new(sig));
            }
        }
    }

    // ------------------------------------------------------------ statements

    pub fn block(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    /// A nested block with its own `let` scope; hoists its definitions.
    pub fn scoped_block(&mut self, body: &[Stmt], narrow: Vec<(String, Ty)>) {
        self.watched_block(body, narrow, &[]);
    }

    fn stmt(&mut self, s: &Stmt) {
        // The literal items remembered are this statement's (see
        // `literal_item`); they are keyed by address, so none may outlive
        // the statement.
        if !self.literal_items.is_empty() {
            self.literal_items = AddrMap::default();
        }
        grow(|| self.stmt_step(s))
    }

    fn stmt_step(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e);
            }
            StmtKind::Let {
                target, ty, value, ..
            } => {
                let declared = ty.as_ref().map(|t| self.resolve_type(t));
                let vty = self.expr_expect(value, declared.as_ref());
                if let Some(d) = &declared {
                    self.check_assign(&vty, d, value, None, "initialization");
                }
                let ty = declared.clone().unwrap_or_else(|| widen(vty));
                self.bind_target(target, &ty, true, declared.is_some());
            }
            StmtKind::AnnAssign { target, ty, value } => {
                let d = self.resolve_type(ty);
                if let Some(v) = value {
                    let vty = self.expr_expect(v, Some(&d));
                    self.check_assign(&vty, &d, v, None, "initialization");
                }
                self.declare_function_level(&target.name, d.clone(), Some(target.span));
                if let Some(scope) = self.scopes.iter_mut().rev().find(|s| s.function) {
                    if let Some(v) = scope.vars.get_mut(&target.name) {
                        v.annotated = true;
                    }
                }
            }
            StmtKind::Assign { targets, value } => {
                let hint = match targets.as_slice() {
                    [t] => self.target_type(t),
                    _ => None,
                };
                let vty = self.expr_expect(value, hint.as_ref());
                for t in targets {
                    self.assign_target(t, &vty, Some(value));
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let current = self.expr(target);
                let rhs = self.expr(value);
                let result = self.binary(*op, &current, &rhs, s.span, target, value);
                self.assign_target(target, &result, Some(value));
            }
            StmtKind::If { branches, orelse } => self.if_stmt(branches, orelse),
            StmtKind::While { cond, body, orelse } => {
                self.expr(cond);
                let t = self.narrowing(cond, true);
                self.scoped_block(body, t);
                self.scoped_block(orelse, vec![]);
                if !has_break(body) {
                    for (name, ty) in self.narrowing(cond, false) {
                        self.narrow_var(&name, ty);
                    }
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let ity = self.expr(iter);
                let elem = self.iterate(&ity, iter);
                self.push_scope(false);
                self.bind_target(target, &elem, true, false);
                self.hoist(body);
                self.block(body);
                self.pop_scope();
                self.scoped_block(orelse, vec![]);
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
            StmtKind::Return(value) => self.return_stmt(value.as_ref(), s.span),
            StmtKind::Raise { exc, cause } => {
                // `raise NotFound` constructs `NotFound()`: check that call.
                for e in exc.iter().chain(cause) {
                    if let Ty::Class(id) = self.expr(e) {
                        self.construct(id, e, &[], &[], e.span);
                    }
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    self.expr(m);
                }
                for (name, ty) in self.narrowing(test, true) {
                    self.narrow_var(&name, ty);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.scoped_block(body, vec![]);
                for h in handlers {
                    self.push_scope(false);
                    let mut bound = h.name.clone();
                    let mut ety = Ty::instance(self.error_class, vec![]);
                    if let Some(t) = &h.ty {
                        match self.exception_type(t) {
                            Some(ty) => ety = ty,
                            None => {
                                if let ExprKind::Name(n) = &t.kind {
                                    bound = Some(ast::Ident {
                                        name: n.clone(),
                                        span: t.span,
                                    });
                                }
                            }
                        }
                    }
                    if let Some(name) = bound {
                        self.declare(&name.name, ety, Some(name.span), false);
                    }
                    self.hoist(&h.body);
                    self.block(&h.body);
                    self.pop_scope();
                }
                self.scoped_block(orelse, vec![]);
                self.scoped_block(finalbody, vec![]);
            }
            StmtKind::With { items, body } => {
                self.push_scope(false);
                for item in items {
                    let cty = self.expr(&item.context);
                    if let Some(t) = &item.target {
                        let entered = match self.method_type(&cty, "__enter__") {
                            Some(Ty::Func(f)) if matches!(cty, Ty::Instance(..)) => f.ret.clone(),
                            _ => Ty::Any,
                        };
                        self.bind_target(t, &entered, true, false);
                    }
                }
                self.hoist(body);
                self.block(body);
                self.pop_scope();
            }
            StmtKind::FuncDef(f) => {
                let sig = match self.lookup_var(&f.name.name) {
                    Some(Var {
                        ty: Ty::Func(sig), ..
                    }) if sig.span == Some(f.name.span) => sig,
                    _ => {
                        let sig = FnRef::new(self.function_signature(f, None));
                        self.declare(&f.name.name, Ty::Func(sig.clone()), Some(f.name.span), true);
                        sig
                    }
                };
                self.function_body(f, &sig);
            }
            StmtKind::ClassDef(def) => {
                let Some(Ty::Class(id)) = self.lookup_var(&def.name.name).map(|v| v.ty) else {
                    return;
                };
                self.class_bodies(id, &def.body);
            }
            StmtKind::RecordDef(def) => {
                let Some(Ty::Class(id)) = self.lookup_var(&def.name.name).map(|v| v.ty) else {
                    return;
                };
                self.class_bodies(id, &def.body);
            }
            StmtKind::InterfaceDef(def) => {
                let Some(Ty::Class(id)) = self.lookup_var(&def.name.name).map(|v| v.ty) else {
                    return;
                };
                for m in &def.methods {
                    if m.body.is_some() {
                        let sig = self.classes[id].method(&m.name.name).cloned();
                        if let Some(sig) = sig {
                            self.function_body(m, &sig);
                        }
                    }
                }
            }
            StmtKind::TypeAlias { .. } => {}
            StmtKind::Import(_) | StmtKind::FromImport { .. } => {}
            StmtKind::Select { cases, default } => {
                for case in cases {
                    self.push_scope(false);
                    match &case.kind {
                        ast::SelectKind::Recv { channel, value, ok } => {
                            let cty = self.expr(channel);
                            let elem = self.channel_elem(&cty, channel, true);
                            if let Some(v) = value {
                                self.bind_target(v, &elem, true, false);
                            }
                            if let Some(o) = ok {
                                self.bind_target(o, &Ty::Bool, true, false);
                            }
                        }
                        ast::SelectKind::Send { channel, value } => {
                            let cty = self.expr(channel);
                            let elem = self.channel_elem(&cty, channel, false);
                            let vty = self.expr(value);
                            if !self.assignable(&vty, &elem) {
                                let msg = format!(
                                    "`{}` carries `{}`, not `{}`",
                                    self.show(&cty),
                                    self.show(&elem),
                                    self.show(&vty)
                                );
                                self.error(
                                    TypeError::new(Code::ChannelElement, value.span, msg)
                                        .label("wrong element type"),
                                );
                            }
                        }
                    }
                    self.hoist(&case.body);
                    self.block(&case.body);
                    self.pop_scope();
                }
                if let Some(d) = default {
                    self.scoped_block(d, vec![]);
                }
            }
            StmtKind::Match { subject, cases } => {
                let sty = self.expr(subject);
                for case in cases {
                    self.push_scope(false);
                    // `match x: case int():` — `x` is an int in the case.
                    if let ast::PatternKind::Class { class, .. } = &case.pattern.kind {
                        let n = self.diags.len();
                        let narrowed = self.narrowing_by_class(subject, class);
                        self.diags.truncate(n);
                        for (name, ty) in narrowed {
                            self.narrow_var(&name, ty);
                        }
                    }
                    self.bind_pattern(&case.pattern, &sty);
                    if let Some(g) = &case.guard {
                        self.expr(g);
                    }
                    self.hoist(&case.body);
                    self.block(&case.body);
                    self.pop_scope();
                }
            }
        }
    }

    /// Binds the names an import statement introduces.
    fn import(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Import(items) => {
                for item in items {
                    let (name, span) = source_name(&item.source);
                    let id = self.module(&name, span);
                    let ty = id.map_or(Ty::Any, Ty::Module);
                    let bind = match (&item.alias, &item.source) {
                        (Some(a), _) => a.name.clone(),
                        (None, ast::ImportSource::Module(path)) => {
                            path.last().map(|p| p.name.clone()).unwrap_or_default()
                        }
                        // `import "lib.pyro"` binds the file's top-level names.
                        (None, ast::ImportSource::File { .. }) => {
                            if let Some(m) = id {
                                self.declare_members(m);
                            }
                            continue;
                        }
                    };
                    self.declare(&bind, ty, Some(item.span), true);
                }
            }
            StmtKind::FromImport { source, names } => {
                let (name, span) = source_name(source);
                let id = self.module(&name, span);
                for n in names {
                    let bind = n.alias.as_ref().unwrap_or(&n.name);
                    let ty = match id {
                        Some(m) => match self.modules[m].members.get(&n.name.name) {
                            Some(t) => t.clone(),
                            None => {
                                self.unknown_member(m, &n.name.name, n.name.span);
                                Ty::Any
                            }
                        },
                        None => Ty::Any,
                    };
                    if let Ty::Class(_) = ty {
                        if let Some(scope) = self.scopes.last_mut() {
                            scope.types.insert(bind.name.clone(), ty.clone());
                        }
                    }
                    self.declare(&bind.name, ty, Some(bind.span), true);
                }
                if names.is_empty() {
                    if let Some(m) = id {
                        self.declare_members(m);
                    }
                }
            }
            _ => {}
        }
    }

    /// Binds every public top-level name of a module (`from m import *`).
    fn declare_members(&mut self, m: usize) {
        let members: Vec<(String, Ty)> = self.modules[m]
            .members
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in members {
            if k.starts_with('_') {
                continue;
            }
            if let Ty::Class(_) = v {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.types.insert(k.clone(), v.clone());
                }
            }
            self.declare(&k, v, None, true);
        }
    }

    fn bind_pattern(&mut self, p: &ast::Pattern, subject: &Ty) {
        grow(|| self.bind_pattern_step(p, subject))
    }

    fn bind_pattern_step(&mut self, p: &ast::Pattern, subject: &Ty) {
        use ast::PatternKind as P;
        match &p.kind {
            P::Wildcard | P::Star(None) => {}
            P::Capture(name) => self.declare(&name.name, subject.clone(), Some(name.span), false),
            P::Star(Some(name)) => self.declare(
                &name.name,
                Ty::List(TyRef::new(Ty::Any)),
                Some(name.span),
                false,
            ),
            P::Value(e) => {
                self.expr(e);
            }
            P::Tuple(items) | P::List(items) => {
                let elem = self.element_of(subject).unwrap_or(Ty::Any);
                for (i, item) in items.iter().enumerate() {
                    let t = match subject {
                        Ty::Tuple(Some(ts)) if ts.len() == items.len() => ts[i].get(),
                        _ => elem.clone(),
                    };
                    self.bind_pattern(item, &t);
                }
            }
            P::Class {
                class,
                args,
                kwargs,
            } => {
                let parts = self.class_pattern(p, class, args, kwargs, subject);
                for (pat, t) in args.iter().chain(kwargs.iter().map(|(_, p)| p)).zip(parts) {
                    self.bind_pattern(pat, &t);
                }
            }
            P::Or(alts) => {
                for a in alts {
                    self.bind_pattern(a, subject);
                }
            }
            P::As(inner, name) => {
                self.bind_pattern(inner, subject);
                self.declare(&name.name, subject.clone(), Some(name.span), false);
            }
        }
    }

    /// The error type an `except` clause names, or `None` when the name is a
    /// new binding (`except e:`).
    fn exception_type(&mut self, t: &Expr) -> Option<Ty> {
        grow(|| self.exception_type_step(t))
    }

    fn exception_type_step(&mut self, t: &Expr) -> Option<Ty> {
        match &t.kind {
            ExprKind::Tuple(items) => {
                let tys: Vec<Ty> = items
                    .iter()
                    .filter_map(|i| self.exception_type(i))
                    .collect();
                Some(Ty::union(tys))
            }
            ExprKind::Name(n) => match self
                .lookup_var(n)
                .map(|v| v.ty)
                .or_else(|| self.prelude.get(n.as_str()).cloned())
            {
                Some(Ty::Class(id)) => Some(Ty::instance(id, vec![])),
                Some(_) => Some(Ty::Any),
                None => None,
            },
            _ => {
                let ty = self.expr(t);
                Some(match ty {
                    Ty::Class(id) => Ty::instance(id, vec![]),
                    _ => Ty::Any,
                })
            }
        }
    }

    fn class_bodies(&mut self, id: usize, body: &[Stmt]) {
        self.class_stack.push(id);
        self.class_bodies_inner(id, body);
        self.class_stack.pop();
    }

    fn class_bodies_inner(&mut self, id: usize, body: &[Stmt]) {
        let tps = self.classes[id].type_params.clone();
        self.with_type_params(&tps, |c| {
            for s in body {
                if let StmtKind::FuncDef(f) = &s.kind {
                    if let Some(sig) = c.method_signature(id, f) {
                        c.function_body(f, &sig);
                    }
                }
            }
        });
    }

    pub fn function_body(&mut self, f: &ast::FuncDef, sig: &FnRef) {
        let Some(body) = &f.body else { return };
        for p in &f.params {
            if let Some(d) = &p.default {
                let dty = self.expr(d);
                if let Some(pt) = sig.params.iter().find(|q| q.name == p.name.name) {
                    if !self.assignable(&dty, &pt.ty) {
                        let msg = format!(
                            "default of `{}` is `{}`, but the parameter is `{}`",
                            p.name.name,
                            self.show(&dty),
                            self.show(&pt.ty)
                        );
                        self.error(
                            TypeError::new(Code::Mismatch, d.span, msg)
                                .label("incompatible default"),
                        );
                    }
                }
            }
        }
        self.push_scope(true);
        for tp in &sig.type_params {
            if let Some(scope) = self.scopes.last_mut() {
                scope.types.insert(tp.to_string(), Ty::Var(tp.clone()));
            }
        }
        for p in &sig.params {
            let ty = match p.kind {
                PKind::Normal => p.ty.clone(),
                PKind::VarArgs => Ty::Tuple(None),
                PKind::KwArgs => Ty::Dict(TyRef::new(Ty::Str), TyRef::new(p.ty.clone())),
            };
            let span = f
                .params
                .iter()
                .find(|q| q.name.name == p.name)
                .map(|q| q.name.span);
            self.declare(&p.name, ty, span, true);
        }
        self.fns.push(FnCtx {
            name: f.name.name.clone(),
            ret: sig.ret.clone(),
            declared: sig.ret_declared,
        });
        self.hoist(body);
        self.block(body);
        self.fns.pop();
        self.pop_scope();
        if sig.ret_declared && !self.assignable(&Ty::None, &sig.ret) && !terminates(body) {
            let msg = format!(
                "`{}` may end without returning a value of type `{}`",
                f.name.name,
                self.show(&sig.ret)
            );
            let ret_span = f.ret.as_ref().map(|r| r.span);
            self.error(
                TypeError::new(Code::MissingReturn, f.name.span, msg)
                    .label("some path reaches the end of the body")
                    .note_at(ret_span, "declared return type")
                    .help("add a `return` at the end, or make every branch return or raise"),
            );
        }
    }

    fn return_stmt(&mut self, value: Option<&Expr>, span: Span) {
        let Some(ctx) = self.fns.last() else {
            if let Some(v) = value {
                self.expr(v);
            }
            return;
        };
        let (ret, declared, name) = (ctx.ret.clone(), ctx.declared, ctx.name.clone());
        let vty = match value {
            Some(v) => self.expr_expect(v, Some(&ret)),
            None => Ty::None,
        };
        if !declared {
            return;
        }
        if ret == Ty::None {
            if let Some(v) = value {
                if vty != Ty::None && !vty.is_any() {
                    let msg = format!("`{name}` is declared `-> None` but returns a value");
                    self.error(
                        TypeError::new(Code::ReturnInNone, v.span, msg)
                            .label(format!("this is `{}`", self.show(&vty)))
                            .help("remove the value, or declare the function's return type"),
                    );
                }
            }
            return;
        }
        if let (true, Some(v)) = (self.assignable(&vty, &ret), value) {
            self.check_literal(v, &ret);
        }
        if !self.assignable(&vty, &ret) {
            let at = value.map_or(span, |v| v.span);
            let msg = format!(
                "`{name}` returns `{}` where `{}` is declared",
                self.show(&vty),
                self.show(&ret)
            );
            self.mismatch_error(msg, at, &vty, &ret, None, value);
        }
    }

    /// An `if` with its `elif`s: checked as if each `elif` were an `if`
    /// nested in the `else` of the one before, but without nesting (a chain
    /// of 100 000 branches is legitimate code): one scope collects what the
    /// failed tests imply, and the branches' ends are merged back to front.
    fn if_stmt(&mut self, branches: &[(Expr, Vec<Stmt>)], orelse: &[Stmt]) {
        /// What the merge after each test needs to know.
        struct Level {
            /// The names the test narrows (either way).
            names: Vec<String>,
            before: Vec<Option<Ty>>,
            body_end: Vec<Option<Ty>>,
            body_exits: bool,
            /// The names' types after the test failed (what its `else`
            /// starts with).
            failed: Vec<Option<Ty>>,
        }
        let mut levels: Vec<Level> = Vec::with_capacity(branches.len());
        for (i, (cond, body)) in branches.iter().enumerate() {
            self.expr(cond);
            let t = self.narrowing(cond, true);
            let f = self.narrowing(cond, false);
            let mut names: Vec<String> = t.iter().chain(&f).map(|(n, _)| n.clone()).collect();
            names.sort_unstable();
            names.dedup();
            let before: Vec<Option<Ty>> = names
                .iter()
                .map(|n| self.lookup_var(n).map(|v| v.ty))
                .collect();
            let body_end = self.watched_block(body, t, &names);
            if i == 0 {
                // The `else` side of the chain: one scope for all tests.
                self.push_scope(false);
            }
            for (name, ty) in f {
                self.narrow_var(&name, ty);
            }
            let failed = names
                .iter()
                .map(|n| self.lookup_var(n).map(|v| v.ty))
                .collect();
            levels.push(Level {
                names,
                before,
                body_end,
                body_exits: exits(&body[..]),
                failed,
            });
        }
        let Some(last) = levels.last() else {
            return;
        };
        let last_names = last.names.clone();
        let mut else_end = self.watched_block(orelse, vec![], &last_names);
        self.pop_scope();
        // Whether control leaves every branch from `i` on (the `else` of
        // test `i - 1` exits): the last entry is the final `else`'s.
        let mut rest_exits = vec![!orelse.is_empty() && exits(orelse); levels.len() + 1];
        for i in (0..levels.len()).rev() {
            rest_exits[i] = levels[i].body_exits && rest_exits[i + 1];
        }
        // After each test, a narrowed name has the type it has at the end of
        // each branch that falls through (an early return, raise, break or
        // continue leaves the other branch's view). The outermost test's
        // result narrows the enclosing scope; an inner one's is what the
        // `else` around it ends with.
        for i in (0..levels.len()).rev() {
            let level = &levels[i];
            let mut merged: Vec<(String, Ty)> = Vec::new();
            for (k, name) in level.names.iter().enumerate() {
                let before = &level.before[k];
                let mut parts = Vec::new();
                if !level.body_exits {
                    parts.push(level.body_end[k].clone().or_else(|| before.clone()));
                }
                if !rest_exits[i + 1] {
                    parts.push(else_end[k].clone().or_else(|| before.clone()));
                }
                let Some(parts) = parts.into_iter().collect::<Option<Vec<Ty>>>() else {
                    continue;
                };
                if parts.is_empty() {
                    continue;
                }
                let after = Ty::union(parts);
                if Some(&after) != before.as_ref() && !after.is_any() {
                    merged.push((name.clone(), after));
                }
            }
            if i == 0 {
                for (name, ty) in merged {
                    self.narrow_var(&name, ty);
                }
                break;
            }
            let upper = &levels[i - 1];
            else_end = upper
                .names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let written = merged
                        .iter()
                        .find(|(m, _)| m == name)
                        .filter(|_| self.lookup_var(name).is_some() || name.contains('.'));
                    match written {
                        Some((_, ty)) => Some(ty.clone()),
                        None => upper.failed[k].clone(),
                    }
                })
                .collect();
        }
    }

    /// A branch with narrowed names; returns their types at its end.
    fn watched_block(
        &mut self,
        body: &[Stmt],
        narrow: Vec<(String, Ty)>,
        watch: &[String],
    ) -> Vec<Option<Ty>> {
        self.push_scope(false);
        for (name, ty) in narrow {
            self.narrow_var(&name, ty);
        }
        self.hoist(body);
        self.block(body);
        let end = watch
            .iter()
            .map(|n| self.lookup_var(n).map(|v| v.ty))
            .collect();
        self.pop_scope();
        end
    }

    // ------------------------------------------------------------ assignment

    /// The declared type of an assignment target, to guide literal inference.
    fn target_type(&mut self, t: &Expr) -> Option<Ty> {
        match &t.kind {
            ExprKind::Name(n) => self.lookup_decl(n).filter(|v| v.annotated).map(|v| v.ty),
            _ => None,
        }
    }

    /// Reports `value_ty` not assignable to `target_ty`.
    pub fn check_assign(
        &mut self,
        vty: &Ty,
        target: &Ty,
        value: &Expr,
        decl: Option<Span>,
        what: &str,
    ) {
        if self.assignable(vty, target) {
            self.check_literal(value, target);
            return;
        }
        let msg = format!(
            "incompatible {what}: expected `{}`, found `{}`",
            self.show(target),
            self.show(vty)
        );
        self.mismatch_error(msg, value.span, vty, target, decl, Some(value));
    }

    /// The items of a collection literal against the element types the
    /// context expects (`let xs: list<int> = [1, "two"]` points at `"two"`).
    pub fn check_literal(&mut self, value: &Expr, target: &Ty) {
        grow(|| self.check_literal_step(value, target))
    }

    fn check_literal_step(&mut self, value: &Expr, target: &Ty) {
        let target = match target {
            Ty::Union(items) => {
                let some: Vec<&Ty> = items.iter().filter(|t| **t != Ty::None).collect();
                match some.as_slice() {
                    [only] => (*only).clone(),
                    _ => return,
                }
            }
            other => other.clone(),
        };
        let item = |c: &mut Checker, e: &Expr, want: &Ty, what: &str| {
            if matches!(e.kind, ExprKind::Starred(_)) {
                return;
            }
            let have = match c.literal_items.get(&(e as *const Expr as usize)) {
                Some(t) => t.clone(),
                None => {
                    let n = c.diags.len();
                    let t = c.expr(e);
                    c.diags.truncate(n);
                    t
                }
            };
            if c.assignable(&have, want) {
                c.check_literal(e, want);
            } else {
                let msg = format!(
                    "{what} is `{}`, but `{}` is expected",
                    c.show(&have),
                    c.show(want)
                );
                c.mismatch_error(msg, e.span, &have, want, None, Some(e));
            }
        };
        match (&value.kind, &target) {
            (
                ExprKind::List(items) | ExprKind::Set(items),
                Ty::List(t) | Ty::ListMut(t) | Ty::Set(t) | Ty::SetMut(t) | Ty::Iterable(t),
            ) => {
                for i in items {
                    item(self, i, t, "this element");
                }
            }
            (ExprKind::Dict(pairs), Ty::Dict(k, v) | Ty::DictMut(k, v)) => {
                for (key, val) in pairs {
                    item(self, key, k, "this key");
                    item(self, val, v, "this value");
                }
            }
            (ExprKind::Tuple(items), Ty::Tuple(Some(ts))) if items.len() == ts.len() => {
                for (i, t) in items.iter().zip(ts.iter()) {
                    item(self, i, t, "this item");
                }
            }
            _ => {}
        }
    }

    /// A mismatch: E0360 when an interface is not satisfied, E0341 for a
    /// value received from a channel, E0308 otherwise.
    pub fn mismatch_error(
        &mut self,
        msg: String,
        span: Span,
        vty: &Ty,
        target: &Ty,
        decl: Option<Span>,
        value: Option<&Expr>,
    ) {
        if let Err(crate::rel::Mismatch::Interface(detail)) = self.assign(vty, target) {
            let msg = format!(
                "`{}` does not satisfy `{}`: {detail}",
                self.show(vty),
                self.show(target)
            );
            self.error(
                TypeError::new(Code::Interface, span, msg)
                    .label("passed where the interface is expected")
                    .note_at(decl, "interface expected here"),
            );
            return;
        }
        let received = value.is_some_and(is_receive);
        let code = if received {
            Code::ChannelElement
        } else {
            Code::Mismatch
        };
        let label = format!("this is `{}`", self.show(vty));
        let mut e = TypeError::new(code, span, msg)
            .label(label)
            .note_at(decl, format!("declared as `{}` here", self.show(target)));
        if let Some(h) = conversion_hint(vty, target) {
            e = e.help(h);
        }
        self.error(e);
    }

    /// Binds names in a `let`, `for` or `with` target to `ty` (block scope).
    pub fn bind_target(&mut self, t: &Expr, ty: &Ty, block: bool, annotated: bool) {
        grow(|| self.bind_target_step(t, ty, block, annotated))
    }

    fn bind_target_step(&mut self, t: &Expr, ty: &Ty, block: bool, annotated: bool) {
        match &t.kind {
            ExprKind::Name(n) => {
                if block {
                    self.declare(n, ty.clone(), Some(t.span), annotated);
                } else {
                    self.declare_function_level(n, ty.clone(), Some(t.span));
                }
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let parts = self.unpack(ty, items.len(), t);
                for (item, part) in items.iter().zip(parts) {
                    self.bind_target(item, &part, block, false);
                }
            }
            ExprKind::Starred(inner) => {
                self.bind_target(inner, &Ty::List(TyRef::new(Ty::Any)), block, false)
            }
            _ => self.assign_target(t, ty, None),
        }
    }

    /// The types of `n` parts unpacked from a value of type `ty`.
    fn unpack(&mut self, ty: &Ty, n: usize, target: &Expr) -> Vec<Ty> {
        let starred = matches!(&target.kind, ExprKind::Tuple(items) | ExprKind::List(items) if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))));
        if let Ty::Tuple(Some(items)) = ty {
            if !starred && items.len() != n && !ty.is_any() {
                let msg = format!(
                    "cannot unpack `{}` ({} values) into {n} targets",
                    self.show(ty),
                    items.len()
                );
                self.error(
                    TypeError::new(Code::Mismatch, target.span, msg)
                        .label("wrong number of targets"),
                );
                return vec![Ty::Any; n];
            }
            if !starred {
                return crate::ty::tys(items);
            }
        }
        let elem = self.iterate(ty, target);
        vec![elem; n]
    }

    /// Assigns to a target: a name (checked against its declared type), an
    /// attribute, an index, or a tuple of targets.
    pub fn assign_target(&mut self, t: &Expr, vty: &Ty, value: Option<&Expr>) {
        grow(|| self.assign_target_step(t, vty, value))
    }

    fn assign_target_step(&mut self, t: &Expr, vty: &Ty, value: Option<&Expr>) {
        match &t.kind {
            ExprKind::Name(n) => match self.lookup_decl(n) {
                Some(decl) => {
                    if let Ty::Class(_) | Ty::Module(_) = decl.ty {
                        return;
                    }
                    // An inferred `int` variable that later holds a float
                    // (`x /= 2`) widens to `float`: numbers mix freely.
                    if !decl.annotated && decl.ty == Ty::Int && *vty == Ty::Float {
                        self.retype(n, Ty::Float);
                        return;
                    }
                    if !self.assignable(vty, &decl.ty) {
                        let msg = format!(
                            "cannot assign `{}` to `{n}`, which is `{}`",
                            self.show(vty),
                            self.show(&decl.ty)
                        );
                        let span = value.map_or(t.span, |v| v.span);
                        self.mismatch_error(msg, span, vty, &decl.ty, decl.span, value);
                        return;
                    }
                    if let (true, Some(v)) = (decl.annotated, value) {
                        self.check_literal(v, &decl.ty);
                    }
                    let narrowed = if decl.ty.is_any() {
                        Ty::Any
                    } else {
                        vty.clone()
                    };
                    self.renarrow(n, &narrowed);
                }
                None => {
                    let ty = widen(vty.clone());
                    self.declare_function_level(n, ty, Some(t.span));
                }
            },
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let parts = self.unpack(vty, items.len(), t);
                for (item, part) in items.iter().zip(parts) {
                    self.assign_target(item, &part, None);
                }
            }
            ExprKind::Starred(inner) => {
                self.assign_target(inner, &Ty::List(TyRef::new(Ty::Any)), None)
            }
            ExprKind::Attribute { value: obj, attr } => {
                let oty = self.expr(obj);
                self.assign_attribute(&oty, attr, vty, value, t.span);
                // Narrowed views of `obj.attr` are stale now.
                if let Some(path) = crate::expr::path_of(t) {
                    for s in self.scopes.iter_mut() {
                        s.vars.remove(&path);
                    }
                }
            }
            ExprKind::Index { value: obj, index } => {
                let oty = self.expr(obj);
                let ity = self.expr(index);
                self.assign_index(&oty, &ity, vty, t, value);
            }
            _ => {
                self.expr(t);
            }
        }
    }

    fn assign_attribute(
        &mut self,
        oty: &Ty,
        attr: &ast::Ident,
        vty: &Ty,
        value: Option<&Expr>,
        span: Span,
    ) {
        let Ty::Instance(id, args) = oty else {
            if matches!(
                oty,
                Ty::Str
                    | Ty::List(_)
                    | Ty::Dict(..)
                    | Ty::Set(_)
                    | Ty::Tuple(_)
                    | Ty::Int
                    | Ty::Float
                    | Ty::Bool
            ) {
                let msg = format!(
                    "cannot set attribute `{}` on `{}`",
                    attr.name,
                    self.show(oty)
                );
                self.error(
                    TypeError::new(Code::Immutable, span, msg)
                        .label("built-in values have no assignable attributes"),
                );
            }
            return;
        };
        let (id, args) = (*id, args.clone());
        if self.classes[id].kind == ClassKind::Record {
            let msg = format!("record `{}` is immutable", self.classes[id].name);
            self.error(
                TypeError::new(Code::Immutable, span, msg)
                    .label("cannot assign a record field")
                    .note_at(self.classes[id].span, "declared as a record here")
                    .help("build a new record with the changed field instead"),
            );
            return;
        }
        if let Some((owner, _, setter)) = self.property_of(id, &args, &attr.name) {
            self.assign_property(owner, setter, attr, vty, value, span);
            return;
        }
        let Some(fty) = self.member_of_instance(id, &args, &attr.name) else {
            return;
        };
        if matches!(fty, Ty::Func(_)) {
            return;
        }
        if !self.assignable(vty, &fty) {
            let decl = self.field_span(id, &attr.name);
            let msg = format!(
                "cannot assign `{}` to field `{}`, which is `{}`",
                self.show(vty),
                attr.name,
                self.show(&fty)
            );
            let at = value.map_or(span, |v| v.span);
            self.mismatch_error(msg, at, vty, &fty, decl, value);
        }
    }

    fn field_span(&self, id: usize, name: &str) -> Option<Span> {
        let mut current = Some(id);
        let mut steps = 0;
        while let Some(c) = current {
            if let Some((_, _, s)) = self.classes[c].field_entry(name) {
                return *s;
            }
            steps += 1;
            current = match self.classes[c].bases.first() {
                Some(Ty::Instance(b, _)) if steps <= self.classes.len() => Some(*b),
                _ => None,
            };
        }
        None
    }

    fn assign_index(&mut self, oty: &Ty, ity: &Ty, vty: &Ty, t: &Expr, value: Option<&Expr>) {
        let immutable = match oty {
            Ty::List(_) => Some("ListMutable"),
            Ty::Dict(..) => Some("DictMutable"),
            Ty::Set(_) => Some("SetMutable"),
            Ty::Tuple(_) => Some("TupleMutable"),
            Ty::Str => Some("a new string"),
            _ => None,
        };
        if let Some(twin) = immutable {
            let msg = format!(
                "`{}` is immutable: its items cannot be assigned",
                self.show(oty)
            );
            self.error(
                TypeError::new(Code::Immutable, t.span, msg)
                    .label("item assignment")
                    .help(format!("use {twin} for a value that changes")),
            );
            return;
        }
        let (key, item) = match oty {
            Ty::ListMut(e) => (Ty::Int, (**e).clone()),
            Ty::DictMut(k, v) => ((**k).clone(), (**v).clone()),
            _ => return,
        };
        if !self.assignable(ity, &key) && !matches!(oty, Ty::ListMut(_)) {
            let msg = format!("key of type `{}` for `{}`", self.show(ity), self.show(oty));
            self.error(
                TypeError::new(Code::Mismatch, t.span, msg)
                    .label(format!("expected `{}`", self.show(&key))),
            );
            return;
        }
        if !self.assignable(vty, &item) {
            let msg = format!("cannot store `{}` in `{}`", self.show(vty), self.show(oty));
            let at = value.map_or(t.span, |v| v.span);
            self.mismatch_error(msg, at, vty, &item, None, value);
        }
    }

    fn unknown_member(&mut self, m: usize, name: &str, span: Span) {
        let module = self.modules[m].name.clone();
        let mut names: Vec<&String> = self.modules[m]
            .members
            .keys()
            .filter(|k| !k.starts_with('_'))
            .collect();
        names.sort();
        let similar = crate::expr::closest(name, names.iter().map(|s| s.as_str()));
        let mut e = TypeError::new(
            Code::UnknownMember,
            span,
            format!("module `{module}` has no member `{name}`"),
        )
        .label("not defined in the module");
        if let Some(s) = similar {
            e = e.help(format!("did you mean `{s}`?"));
        }
        self.error(e);
    }

    pub fn report_unknown_member(&mut self, m: usize, name: &str, span: Span) {
        self.unknown_member(m, name, span);
    }
}

use crate::check::Var;

fn source_name(s: &ast::ImportSource) -> (String, Span) {
    match s {
        ast::ImportSource::Module(path) => {
            let name: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
            let span = path
                .first()
                .map_or(Span::default(), |f| f.span.to(path[path.len() - 1].span));
            (name.join("."), span)
        }
        ast::ImportSource::File { path, span } => (path.clone(), *span),
    }
}

/// The declared type a variable gets from an initializer: `None` and empty
/// collections say nothing about later values.
pub fn widen(ty: Ty) -> Ty {
    match ty {
        Ty::None | Ty::Never => Ty::Any,
        other => other,
    }
}

fn is_receive(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => {
            matches!(&func.kind, ExprKind::Attribute { attr, .. } if attr.name == "collect")
        }
        _ => false,
    }
}

fn conversion_hint(vty: &Ty, target: &Ty) -> Option<String> {
    Some(match (vty, target) {
        (Ty::Int | Ty::Float | Ty::Bool, Ty::Str) => "convert with `str(...)`".into(),
        (Ty::Str, Ty::Int) => "convert with `int(...)`".into(),
        (Ty::Str, Ty::Float) => "convert with `float(...)`".into(),
        (Ty::Float, Ty::Int) => "convert with `int(...)` or `round(...)`".into(),
        (Ty::List(_), Ty::ListMut(_)) => "a `list` is immutable; build a `ListMutable(...)`".into(),
        (Ty::Dict(..), Ty::DictMut(..)) => {
            "a `dict` is immutable; build a `DictMutable(...)`".into()
        }
        (Ty::Set(_), Ty::SetMut(_)) => "a `set` is immutable; build a `SetMutable(...)`".into(),
        (Ty::Union(_), _) if vty.has_none() => {
            "the value may be None: test it first (`if v is not None:`)".into()
        }
        _ => return None,
    })
}

/// Whether control can never fall off the end of `body`.
pub fn terminates(body: &[Stmt]) -> bool {
    body.iter().any(stmt_terminates)
}

fn stmt_terminates(s: &Stmt) -> bool {
    grow(|| stmt_terminates_step(s))
}

fn stmt_terminates_step(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Raise { .. } => true,
        StmtKind::If { branches, orelse } => {
            branches.iter().all(|(_, body)| terminates(body)) && terminates(orelse)
        }
        StmtKind::While { cond, body, orelse } => {
            !has_break(body) && (matches!(cond.kind, ExprKind::Bool(true)) || terminates(orelse))
        }
        // The `else` of a loop runs when it ends without `break`.
        StmtKind::For { body, orelse, .. } => !has_break(body) && terminates(orelse),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            terminates(finalbody)
                || ((terminates(body) || terminates(orelse))
                    && handlers.iter().all(|h| terminates(&h.body)))
        }
        StmtKind::With { body, .. } => terminates(body),
        StmtKind::Match { cases, .. } => {
            cases.iter().all(|c| terminates(&c.body))
                && cases.iter().any(|c| {
                    c.guard.is_none()
                        && matches!(
                            c.pattern.kind,
                            ast::PatternKind::Wildcard | ast::PatternKind::Capture(_)
                        )
                })
        }
        StmtKind::Select { cases, default } => {
            cases.iter().all(|c| terminates(&c.body))
                && default.as_ref().is_none_or(|d| terminates(d))
        }
        StmtKind::Assert { test, .. } => matches!(test.kind, ExprKind::Bool(false)),
        StmtKind::Expr(e) => is_exit_call(e),
        _ => false,
    }
}

/// `exit(...)`, `process.exit(...)`: `std.process.exit` never returns.
fn is_exit_call(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Call { func, .. } => {
            matches!(&func.kind, ExprKind::Attribute { attr, .. } if attr.name == "exit")
                || matches!(&func.kind, ExprKind::Name(n) if n == "exit")
        }
        _ => false,
    }
}

/// Whether control never reaches the statement after `body`: it returns,
/// raises, or leaves the loop iteration (`break`, `continue`).
fn exits(body: &[Stmt]) -> bool {
    grow(|| exits_step(body))
}

fn exits_step(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Break | StmtKind::Continue => true,
        StmtKind::If { branches, orelse } => {
            branches.iter().all(|(_, body)| exits(body)) && exits(orelse)
        }
        _ => stmt_terminates(s),
    })
}

/// Whether a loop body breaks out of this loop (not a nested one).
pub fn has_break(body: &[Stmt]) -> bool {
    grow(|| has_break_step(body))
}

fn has_break_step(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        // A nested loop's `break` is its own.
        StmtKind::For { .. } | StmtKind::While { .. } => false,
        other => other.control_blocks().into_iter().any(has_break),
    })
}

/// `self.name = value` (or `self.name: T = value`) anywhere in a method body.
fn self_assignments<'a>(
    body: &'a [Stmt],
    me: &str,
    out: &mut Vec<(String, Span, &'a Expr, Option<&'a ast::TypeExpr>)>,
) {
    for s in body {
        let (targets, value): (&[Expr], &Expr) = match &s.kind {
            StmtKind::Assign { targets, value } => (targets, value),
            StmtKind::AugAssign { target, value, .. } => (std::slice::from_ref(target), value),
            other => {
                for block in other.control_blocks() {
                    grow(|| self_assignments(block, me, out));
                }
                continue;
            }
        };
        // Repeated names are left to the caller, which keeps the first.
        for t in targets {
            if let ExprKind::Attribute { value: obj, attr } = &t.kind {
                if matches!(&obj.kind, ExprKind::Name(n) if n == me) {
                    out.push((attr.name.clone(), attr.span, value, None));
                }
            }
        }
    }
}

/// Every attribute name assigned anywhere (`x.name = ...`) in a module.
fn collect_assigned_attrs(body: &[Stmt], out: &mut std::collections::HashSet<String>) {
    grow(|| collect_assigned_attrs_step(body, out))
}

fn collect_assigned_attrs_step(body: &[Stmt], out: &mut std::collections::HashSet<String>) {
    fn target(t: &Expr, out: &mut std::collections::HashSet<String>) {
        match &t.kind {
            // `self.x = ...` is a field declaration, handled with the class.
            ExprKind::Attribute { value, attr } if !matches!(&value.kind, ExprKind::Name(n) if n == "self") =>
            {
                out.insert(attr.name.clone());
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    target(i, out);
                }
            }
            _ => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
            StmtKind::AugAssign { target: t, .. } => target(t, out),
            StmtKind::FuncDef(f) => {
                if let Some(b) = &f.body {
                    collect_assigned_attrs(b, out);
                }
            }
            StmtKind::ClassDef(c) => collect_assigned_attrs(&c.body, out),
            StmtKind::RecordDef(r) => collect_assigned_attrs(&r.body, out),
            other => {
                for block in other.control_blocks() {
                    collect_assigned_attrs(block, out);
                }
            }
        }
    }
}
