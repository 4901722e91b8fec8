//! Relations between types: assignability (with structural interfaces),
//! unification of type parameters, element types of iterables, joins.
//!
//! Assignability is decided once per distinct pair of types in a query
//! (a call of [`Checker::assign`] that is not nested in another): shared
//! parts of a type are compared once, and a pair met again while it is
//! being decided is assumed to hold. That assumption is what makes
//! structural interfaces terminate (an interface whose method returns the
//! interface, checked against a class whose method returns the class):
//! the relation is the largest one consistent with its rules, as for
//! recursive types in general (Amadio and Cardelli's coinductive subtyping).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use pyro_source::stack::grow;

use crate::check::{Checker, ClassKind};
use crate::ty::{FnTy, PKind, ParamTy, Ty, TyRef};

/// Why a value is not assignable.
#[derive(Clone)]
pub enum Mismatch {
    /// Plain type mismatch.
    Types,
    /// A value does not satisfy an interface; the detail says why.
    Interface(String),
}

/// Why one signature cannot stand in for another (the first reason
/// [`Checker::fn_compatible`] finds).
#[derive(Clone, Debug, PartialEq)]
pub enum SigMismatch {
    /// The other takes `*args`; this one does not.
    VarArgs,
    /// The other takes `**kwargs`; this one does not.
    KwArgs,
    /// A positional parameter of the other has no counterpart here.
    MissingParam(String),
    /// A parameter required here that the other's callers need not pass.
    ExtraRequired(String),
    /// A parameter with a default in the other is required here.
    NowRequired(String),
    /// A keyword-only parameter of the other is not accepted by name here.
    MissingKeyword(String),
    /// This parameter does not accept every value the other's does.
    Param { name: String, have: Ty, want: Ty },
    /// This returns something the other's callers do not accept.
    Return { have: Ty, want: Ty },
}

type Pair = (Ty, Ty);

/// What one assignability query has found so far.
#[derive(Default)]
pub struct RelCache {
    /// The pairs being decided, outermost first.
    stack: Vec<Frame>,
    on_stack: HashMap<Pair, usize>,
    /// Results that hold whatever the pairs in progress turn out to be. A
    /// failure always does: assuming more pairs can only make more hold.
    done: HashMap<Pair, Result<(), Mismatch>>,
    /// Successes that assumed the pair at the given stack index; they stand
    /// while it is in progress and are settled when it is decided.
    provisional: HashMap<Pair, usize>,
    /// Interface checks begun in this query.
    structural: usize,
}

/// How many checks of one type constructor against one interface may nest
/// (with different type arguments) before the innermost is assumed to hold.
/// A generic class whose method returns the class applied to a bigger
/// argument (`def step(self) -> Box<list<T>>`) would otherwise expand
/// forever; the bound is TypeScript's answer to the same problem.
const MAX_EXPANSION: usize = 4;

/// How many interface checks one query may begin; past that, the rest are
/// assumed to hold (the checker only reports what it can prove).
const MAX_STRUCTURAL: usize = 20_000;

struct Frame {
    pair: Pair,
    /// The outermost pair in progress this frame's answer assumed so far.
    assumed: usize,
    /// Provisional successes that assumed this frame's pair.
    dependents: Vec<Pair>,
}

impl RelCache {
    /// A known answer for `pair`, noting what it assumes.
    fn lookup(&mut self, pair: &Pair) -> Option<Result<(), Mismatch>> {
        if let Some(r) = self.done.get(pair) {
            return Some(r.clone());
        }
        let dep = self
            .provisional
            .get(pair)
            .or_else(|| self.on_stack.get(pair))
            .copied()?;
        if let Some(top) = self.stack.last_mut() {
            top.assumed = top.assumed.min(dep);
        }
        Some(Ok(()))
    }

    /// Whether the interface check of `src` against `iface` (the pair on
    /// top of the stack) is nested too deeply in checks of the same shape,
    /// or the query has done too many: it is then assumed to hold, which
    /// the answers depending on it remember.
    fn assume_structural(&mut self, src: &Ty, iface: usize) -> bool {
        self.structural += 1;
        let head = |t: &Ty| match t {
            Ty::Instance(id, _) => (std::mem::discriminant(t), *id),
            other => (std::mem::discriminant(other), usize::MAX),
        };
        let same = |f: &Frame| {
            matches!(&f.pair.1, Ty::Instance(b, _) if *b == iface) && head(&f.pair.0) == head(src)
        };
        let first = if self.structural > MAX_STRUCTURAL {
            Some(0)
        } else if self.stack.iter().filter(|f| same(f)).count() > MAX_EXPANSION {
            self.stack.iter().position(same)
        } else {
            None
        };
        let Some(first) = first else { return false };
        if let Some(top) = self.stack.last_mut() {
            top.assumed = top.assumed.min(first);
        }
        true
    }

    fn push(&mut self, pair: Pair) {
        let index = self.stack.len();
        self.on_stack.insert(pair.clone(), index);
        self.stack.push(Frame {
            pair,
            assumed: usize::MAX,
            dependents: Vec::new(),
        });
    }

    fn pop(&mut self, result: &Result<(), Mismatch>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let index = self.stack.len();
        self.on_stack.remove(&frame.pair);
        if result.is_err() {
            for p in frame.dependents {
                self.provisional.remove(&p);
            }
            self.done.insert(frame.pair, result.clone());
        } else if frame.assumed >= index {
            // Only this pair was assumed, and it holds: so do its dependents.
            for p in frame.dependents {
                self.provisional.remove(&p);
                self.done.insert(p, Ok(()));
            }
            self.done.insert(frame.pair, Ok(()));
        } else {
            let dep = frame.assumed;
            if let Some(parent) = self.stack.last_mut() {
                parent.assumed = parent.assumed.min(dep);
            }
            for p in frame.dependents.iter().chain([&frame.pair]) {
                self.provisional.insert(p.clone(), dep);
            }
            if let Some(owner) = self.stack.get_mut(dep) {
                owner.dependents.extend(frame.dependents);
                owner.dependents.push(frame.pair);
            }
        }
        if self.stack.is_empty() {
            self.done.clear();
            self.provisional.clear();
            self.structural = 0;
        }
    }
}

/// A type whose assignability needs no look at parts or members.
fn is_leaf(t: &Ty) -> bool {
    !matches!(
        t,
        Ty::List(_)
            | Ty::ListMut(_)
            | Ty::Dict(..)
            | Ty::DictMut(..)
            | Ty::Set(_)
            | Ty::SetMut(_)
            | Ty::Tuple(Some(_))
            | Ty::Iterable(_)
            | Ty::Chan(_)
            | Ty::Sender(_)
            | Ty::Receiver(_)
            | Ty::Task(_)
            | Ty::Func(_)
            | Ty::Instance(..)
            | Ty::Union(_)
    )
}

impl Checker {
    /// Whether a value of type `src` may be used where `dst` is expected.
    pub fn assignable(&self, src: &Ty, dst: &Ty) -> bool {
        self.assign(src, dst).is_ok()
    }

    pub fn assign(&self, src: &Ty, dst: &Ty) -> Result<(), Mismatch> {
        if src == dst || *src == Ty::Any || *dst == Ty::Any || *src == Ty::Never {
            return Ok(());
        }
        if is_leaf(src) && is_leaf(dst) {
            return self.assign_step(src, dst);
        }
        let pair = (src.clone(), dst.clone());
        let Ok(mut cache) = self.rel.try_borrow_mut() else {
            return self.assign_step(src, dst);
        };
        if let Some(known) = cache.lookup(&pair) {
            return known;
        }
        cache.push(pair);
        drop(cache);
        let result = grow(|| self.assign_step(src, dst));
        if let Ok(mut cache) = self.rel.try_borrow_mut() {
            cache.pop(&result);
        }
        result
    }

    /// One step of [`Checker::assign`]: the rule for the pair's shapes.
    fn assign_step(&self, src: &Ty, dst: &Ty) -> Result<(), Mismatch> {
        use Ty::{
            Bool, Chan, Class, Dict, DictMut, Float, Func, Instance, Int, Iterable, List, ListMut,
            Never, Receiver, Sender, Set, SetMut, Task, Tuple, TupleMut, Union,
        };
        if src == dst || *src == Ty::Any || *dst == Ty::Any || *src == Never {
            return Ok(());
        }
        // A union is assignable when every member is; to a union when some member accepts it.
        if let Union(items) = src {
            for t in items.iter() {
                self.assign(t, dst)?;
            }
            return Ok(());
        }
        if let Union(items) = dst {
            let mut detail = Mismatch::Types;
            for t in items.iter() {
                match self.assign(src, t) {
                    Ok(()) => return Ok(()),
                    Err(Mismatch::Interface(d)) => detail = Mismatch::Interface(d),
                    Err(Mismatch::Types) => {}
                }
            }
            return Err(detail);
        }
        // A type parameter is opaque in its generic body: only itself (and
        // `any`) stands in for it.
        if matches!(src, Ty::Var(_)) || matches!(dst, Ty::Var(_)) {
            return Err(Mismatch::Types);
        }
        let ok = |b: bool| if b { Ok(()) } else { Err(Mismatch::Types) };
        let same = |a: &Ty, b: &Ty| a.is_any() || b.is_any() || a == b;
        match (src, dst) {
            (Bool, Int) | (Bool | Int, Float) => Ok(()),
            (List(a), List(b)) | (ListMut(a), List(b)) | (Set(a), Set(b)) | (SetMut(a), Set(b)) => {
                self.assign(a, b)
            }
            (Task(a), Task(b)) => self.assign(a, b),
            (ListMut(a), ListMut(b)) | (SetMut(a), SetMut(b)) => ok(same(a, b)),
            (Dict(k1, v1), Dict(k2, v2)) | (DictMut(k1, v1), Dict(k2, v2)) => {
                self.assign(k1, k2)?;
                self.assign(v1, v2)
            }
            (DictMut(k1, v1), DictMut(k2, v2)) => ok(same(k1, k2) && same(v1, v2)),
            (Tuple(_), Tuple(None)) | (TupleMut, Tuple(None)) => Ok(()),
            (Tuple(None), Tuple(Some(_))) => Ok(()),
            (Tuple(Some(a)), Tuple(Some(b))) => {
                if a.len() != b.len() {
                    return Err(Mismatch::Types);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    self.assign(x, y)?;
                }
                Ok(())
            }
            // A channel is read and written: invariant. A receive-only view
            // is covariant, a send-only view contravariant.
            (Chan(a), Chan(b)) => {
                ok(same(a, b) || (self.assignable(a, b) && self.assignable(b, a)))
            }
            (Receiver(a) | Chan(a), Receiver(b)) => self.assign(a, b),
            (Sender(a) | Chan(a), Sender(b)) => self.assign(b, a),
            (_, Iterable(b)) => match self.element_of(src) {
                Some(e) => self.assign(&e, b),
                None => Err(Mismatch::Types),
            },
            (Func(f), Func(g)) => ok(self.fn_compatible(f, g).is_ok()),
            (Class(_), Func(_)) => Ok(()),
            (Instance(a, args_a), Instance(b, args_b)) => {
                self.instance_assign(*a, args_a, *b, args_b, src)
            }
            (_, Instance(b, args)) if self.classes[*b].kind == ClassKind::Interface => {
                self.structural(src, *b, args)
            }
            _ => Err(Mismatch::Types),
        }
    }

    fn instance_assign(
        &self,
        a: usize,
        args_a: &[TyRef],
        b: usize,
        args_b: &[TyRef],
        src: &Ty,
    ) -> Result<(), Mismatch> {
        if self.classes[b].kind == ClassKind::Interface {
            if a == b {
                return Ok(());
            }
            return self.structural(src, b, args_b);
        }
        // Walk up the base chain of `a` looking for `b` (inheritance cycles
        // are cut when classes are declared; the count is a second guard).
        let mut current = Some(Ty::Instance(a, args_a.into()));
        let mut steps = 0;
        while let Some(Ty::Instance(id, args)) = current {
            steps += 1;
            if steps > self.classes.len() {
                break;
            }
            if id == b {
                if args.len() == args_b.len() {
                    for (x, y) in args.iter().zip(args_b) {
                        self.assign(x, y)?;
                    }
                }
                return Ok(());
            }
            current = self.base_of(id, &args);
        }
        Err(Mismatch::Types)
    }

    /// [`Checker::satisfies`] inside an assignability query.
    fn structural(&self, src: &Ty, iface: usize, args: &[TyRef]) -> Result<(), Mismatch> {
        if let Ok(mut cache) = self.rel.try_borrow_mut() {
            if cache.assume_structural(src, iface) {
                return Ok(());
            }
        }
        self.satisfies(src, iface, args)
            .map_err(Mismatch::Interface)
    }

    /// Whether `ty` has every method of interface `iface` with a compatible
    /// signature; the error says what is missing.
    pub fn satisfies(&self, ty: &Ty, iface: usize, args: &[TyRef]) -> Result<(), String> {
        let info = &self.classes[iface];
        let binds = bindings(&info.type_params, args);
        // The first mismatch is the answer, but one that does not depend on
        // another interface is the better explanation: the others may only
        // fail because of it.
        let mut nested: Option<String> = None;
        for (name, sig) in self.interface_methods(iface) {
            let want = Ty::Func(sig).subst(&|n| binds.get(n).cloned());
            let Ty::Func(want) = want else { continue };
            match self.method_type(ty, &name) {
                None => return Err(format!("missing method `{name}`")),
                Some(Ty::Func(have)) => {
                    if let Err(why) = self.fn_compatible(&have, &want) {
                        let (shown_have, shown_want) = (
                            self.show(&Ty::Func(have)),
                            self.show(&Ty::Func(want.clone())),
                        );
                        let mut detail = format!(
                            "method `{name}` has type `{shown_have}`, the interface wants `{shown_want}`"
                        );
                        // Types that print alike differ in what they do not
                        // show: defaults, keyword-only names.
                        if shown_have == shown_want {
                            let other = format!("the interface's `{name}`");
                            detail = format!("{detail}: it {}", self.mismatch_reason(&why, &other));
                        }
                        if !self.mentions_interface(&want) {
                            return Err(detail);
                        }
                        nested.get_or_insert(detail);
                    }
                }
                // A property reads as its value: `x.name()` would call that.
                Some(_) if self.is_property(ty, &name) => {
                    return Err(format!(
                        "`{name}` is a property, which the interface wants as a method"
                    ))
                }
                Some(_) => {}
            }
        }
        nested.map_or(Ok(()), Err)
    }

    /// Whether `name` is a property of an instance type (`@property`).
    fn is_property(&self, ty: &Ty, name: &str) -> bool {
        matches!(ty, Ty::Instance(id, args) if self.property_of(*id, args, name).is_some())
    }

    /// Whether a signature's parameters or result name an interface.
    fn mentions_interface(&self, f: &FnTy) -> bool {
        f.params
            .iter()
            .map(|p| &p.ty)
            .chain([&f.ret])
            .flat_map(Ty::members)
            .any(|t| matches!(t, Ty::Instance(id, _) if self.classes[*id].kind == ClassKind::Interface))
    }

    /// Whether function `have` can stand in for `want`: it accepts every
    /// call `want` accepts (the same positional parameters, optionally more
    /// with defaults; no parameter `want` may omit is required; parameter
    /// types contravariant) and returns something `want`'s callers accept
    /// (covariant). This is the one relation for function values, for the
    /// methods an interface requires and for method overrides. An
    /// unannotated parameter or return (`any`) agrees with anything, and the
    /// type parameters of a generic `have` are read as `any`. Positional
    /// parameters are matched by position, not by name (as mypy does).
    pub fn fn_compatible(&self, have: &FnTy, want: &FnTy) -> Result<(), SigMismatch> {
        let owned;
        let have = if have.type_params.is_empty() {
            have
        } else {
            let own = &have.type_params;
            owned = match Ty::func(have.clone()).subst(&|n| {
                Some(if own.iter().any(|v| &**v == n) {
                    Ty::Any
                } else {
                    Ty::Var(n.into())
                })
            }) {
                Ty::Func(f) => (*f).clone(),
                _ => have.clone(),
            };
            &owned
        };
        let positional = |f: &'_ FnTy| -> Vec<ParamTy> {
            f.params
                .iter()
                .filter(|p| p.kind == PKind::Normal && !p.kw_only)
                .cloned()
                .collect()
        };
        let star = |f: &'_ FnTy, kind: PKind| f.params.iter().find(|p| p.kind == kind).cloned();
        let (hp, wp) = (positional(have), positional(want));
        let (have_var, want_var) = (star(have, PKind::VarArgs), star(want, PKind::VarArgs));
        let (have_kw, want_kw) = (star(have, PKind::KwArgs), star(want, PKind::KwArgs));
        if want_var.is_some() && have_var.is_none() {
            return Err(SigMismatch::VarArgs);
        }
        if want_kw.is_some() && have_kw.is_none() {
            return Err(SigMismatch::KwArgs);
        }
        let param = |h: &ParamTy, w: &ParamTy| -> Result<(), SigMismatch> {
            if w.has_default && !h.has_default {
                return Err(SigMismatch::NowRequired(h.name.clone()));
            }
            if !self.assignable(&w.ty, &h.ty) {
                return Err(SigMismatch::Param {
                    name: h.name.clone(),
                    have: h.ty.clone(),
                    want: w.ty.clone(),
                });
            }
            Ok(())
        };
        // `*args` and `**kwargs` take what they take, or nothing.
        let optional = |p: &ParamTy| ParamTy {
            has_default: true,
            ..p.clone()
        };
        for (i, w) in wp.iter().enumerate() {
            match (hp.get(i), &have_var) {
                (Some(h), _) => param(h, w)?,
                // Extra positional arguments go to `*args`.
                (None, Some(v)) => param(&optional(v), w)?,
                (None, None) => return Err(SigMismatch::MissingParam(w.name.clone())),
            }
        }
        if let Some(h) = hp.iter().skip(wp.len()).find(|h| !h.has_default) {
            return Err(SigMismatch::ExtraRequired(h.name.clone()));
        }
        if let (Some(h), Some(w)) = (&have_var, &want_var) {
            param(h, w)?;
        }
        // Keyword-only parameters: each of `want`'s is accepted by name, and
        // `have` requires none that `want`'s callers need not pass.
        for w in want
            .params
            .iter()
            .filter(|p| p.kind == PKind::Normal && p.kw_only)
        {
            let by_name = have
                .params
                .iter()
                .find(|h| h.kind == PKind::Normal && h.name == w.name);
            match (by_name, &have_kw) {
                (Some(h), _) => param(h, w)?,
                (None, Some(k)) => param(&optional(k), w)?,
                (None, None) => return Err(SigMismatch::MissingKeyword(w.name.clone())),
            }
        }
        let required_keyword = have.params.iter().find(|h| {
            h.kind == PKind::Normal
                && h.kw_only
                && !h.has_default
                && !want.params.iter().any(|w| {
                    w.kind == PKind::Normal && w.kw_only && w.name == h.name && !w.has_default
                })
        });
        if let Some(h) = required_keyword {
            return Err(SigMismatch::ExtraRequired(h.name.clone()));
        }
        if want.ret_declared && have.ret_declared && !self.assignable(&have.ret, &want.ret) {
            return Err(SigMismatch::Return {
                have: have.ret.clone(),
                want: want.ret.clone(),
            });
        }
        Ok(())
    }

    /// Why a signature cannot stand in for `other` (from
    /// [`Checker::fn_compatible`]), as a phrase that follows "it".
    pub fn mismatch_reason(&self, why: &SigMismatch, other: &str) -> String {
        match why {
            SigMismatch::VarArgs => format!("takes no `*args`, as {other} does"),
            SigMismatch::KwArgs => format!("takes no `**kwargs`, as {other} does"),
            SigMismatch::MissingParam(p) => format!("has no parameter for `{p}` of {other}"),
            SigMismatch::ExtraRequired(p) => {
                format!("requires `{p}`, which callers of {other} do not pass")
            }
            SigMismatch::NowRequired(p) => {
                format!("requires `{p}`, which has a default in {other}")
            }
            SigMismatch::MissingKeyword(p) => {
                format!("has no parameter `{p}`, which {other} takes by keyword")
            }
            SigMismatch::Param { name, have, want } => format!(
                "takes `{name}: {}`, where {other} takes `{}`",
                self.show(have),
                self.show(want)
            ),
            SigMismatch::Return { have, want } => format!(
                "returns `{}`, where {other} returns `{}`",
                self.show(have),
                self.show(want)
            ),
        }
    }

    /// The type produced by iterating `ty`, or `None` if it is not iterable.
    pub fn element_of(&self, ty: &Ty) -> Option<Ty> {
        use Ty::{
            Any, Chan, Dict, DictMut, Func, Instance, Int, Iterable, List, ListMut, Never, Range,
            Receiver, Set, SetMut, Str, Tuple, TupleMut, Union, Var,
        };
        Some(match ty {
            Any | Var(_) | Never | TupleMut | Tuple(None) => Any,
            List(t) | ListMut(t) | Set(t) | SetMut(t) | Iterable(t) | Chan(t) | Receiver(t) => {
                (**t).clone()
            }
            Dict(k, _) | DictMut(k, _) => (**k).clone(),
            Str => Str,
            Range => Int,
            Tuple(Some(items)) => join(crate::ty::tys(items)),
            Union(items) => {
                let mut out = Vec::new();
                for t in items.iter() {
                    out.push(self.element_of(t)?);
                }
                Ty::union(out)
            }
            Instance(..) => {
                if self.method_type(ty, "__iter__").is_some() {
                    match self.method_type(ty, "__next__") {
                        Some(Func(f)) if f.ret_declared => f.ret.clone(),
                        _ => Any,
                    }
                } else if self.method_type(ty, "__getitem__").is_some() {
                    Any
                } else {
                    return None;
                }
            }
            _ => return None,
        })
    }

    /// Binds type parameters in `pattern` from the actual type `actual`.
    pub fn unify(
        &self,
        pattern: &Ty,
        actual: &Ty,
        vars: &[Rc<str>],
        binds: &mut HashMap<Rc<str>, Ty>,
    ) {
        self.unify_in(pattern, actual, vars, binds, &mut HashSet::new());
    }

    /// [`Checker::unify`], visiting each pair of shared parts once.
    fn unify_in(
        &self,
        pattern: &Ty,
        actual: &Ty,
        vars: &[Rc<str>],
        binds: &mut HashMap<Rc<str>, Ty>,
        seen: &mut HashSet<Pair>,
    ) {
        if !pattern.has_vars() {
            return;
        }
        if !is_leaf(pattern) && !seen.insert((pattern.clone(), actual.clone())) {
            return;
        }
        grow(|| self.unify_step(pattern, actual, vars, binds, seen));
    }

    fn unify_step(
        &self,
        pattern: &Ty,
        actual: &Ty,
        vars: &[Rc<str>],
        binds: &mut HashMap<Rc<str>, Ty>,
        seen: &mut HashSet<Pair>,
    ) {
        use Ty::{
            Any, Chan, Dict, DictMut, Func, Instance, Iterable, List, ListMut, Never, Receiver,
            Sender, Set, SetMut, Task, Tuple, Union, Var,
        };
        match (pattern, actual) {
            (Var(name), _) if vars.contains(name) => {
                if actual.is_any() || *actual == Never {
                    binds.entry(name.clone()).or_insert(Any);
                    return;
                }
                let widened = match binds.get(name) {
                    None => actual.clone(),
                    Some(Any) => actual.clone(),
                    Some(old) if self.assignable(actual, old) => old.clone(),
                    Some(old) if self.assignable(old, actual) => actual.clone(),
                    Some(old) => join(vec![old.clone(), actual.clone()]),
                };
                binds.insert(name.clone(), widened);
            }
            (Union(ps), _) if ps.contains(&Ty::None) && ps.len() == 2 => {
                let inner = ps.iter().find(|p| **p != Ty::None).cloned().unwrap_or(Any);
                self.unify_in(&inner, &actual.without_none(), vars, binds, seen);
            }
            (List(p), List(a) | ListMut(a))
            | (ListMut(p), ListMut(a))
            | (Set(p), Set(a) | SetMut(a))
            | (SetMut(p), SetMut(a))
            | (Task(p), Task(a))
            | (Chan(p), Chan(a))
            | (Sender(p), Sender(a) | Chan(a))
            | (Receiver(p), Receiver(a) | Chan(a)) => self.unify_in(p, a, vars, binds, seen),
            (Dict(pk, pv), Dict(ak, av) | DictMut(ak, av)) | (DictMut(pk, pv), DictMut(ak, av)) => {
                self.unify_in(pk, ak, vars, binds, seen);
                self.unify_in(pv, av, vars, binds, seen);
            }
            (Tuple(Some(ps)), Tuple(Some(as_))) if ps.len() == as_.len() => {
                for (p, a) in ps.iter().zip(as_.iter()) {
                    self.unify_in(p, a, vars, binds, seen);
                }
            }
            (Instance(p, ps), Instance(a, as_)) if p == a => {
                for (p, a) in ps.iter().zip(as_.iter()) {
                    self.unify_in(p, a, vars, binds, seen);
                }
            }
            (Iterable(p), _) => {
                if let Some(e) = self.element_of(actual) {
                    self.unify_in(p, &e, vars, binds, seen);
                }
            }
            (Func(p), Func(a)) => {
                for (pp, ap) in p.params.iter().zip(&a.params) {
                    self.unify_in(&pp.ty, &ap.ty, vars, binds, seen);
                }
                if a.ret_declared {
                    self.unify_in(&p.ret, &a.ret, vars, binds, seen);
                }
            }
            _ => {}
        }
    }
}

/// The join of element types, for literals: equal types stay, `int` and
/// `float` give `float`, `T` and `None` give `T?`; a mixture of unrelated
/// types is `any` (a heterogeneous list is a Python habit, not an error).
pub fn join(items: Vec<Ty>) -> Ty {
    let u = Ty::union(items);
    if let Ty::Union(members) = &u {
        let some: Vec<&Ty> = members.iter().filter(|t| **t != Ty::None).collect();
        if some.iter().all(|t| t.is_numeric()) {
            let n = if some.contains(&&Ty::Float) {
                Ty::Float
            } else {
                Ty::Int
            };
            return if u.has_none() { Ty::optional(n) } else { n };
        }
        if some.len() == 1 {
            return u;
        }
        return Ty::Any;
    }
    u
}

pub fn bindings(params: &[Rc<str>], args: &[TyRef]) -> HashMap<Rc<str>, Ty> {
    params
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), args.get(i).map_or(Ty::Any, TyRef::get)))
        .collect()
}
