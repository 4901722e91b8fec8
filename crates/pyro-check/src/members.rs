//! Class members that decorators make special: `@staticmethod` (no
//! receiver), `@classmethod` (`cls` is the class), `@property` and
//! `@name.setter` (read as the getter's value, assigned through the setter).
//! `stmt::collect_methods` records each method's kind in
//! `ClassInfo::method_kinds` (setters in `ClassInfo::setters`); lookups
//! (`Checker::member_of_instance`, `member_of_class`, `property_of`) read
//! members through it.

use std::collections::HashSet;

use pyro_parser::ast::{self, Expr, ExprKind};
use pyro_source::Span;

use crate::check::{Checker, ClassKind, Decorated, MethodKind};
use crate::diag::{Code, TypeError};
use crate::ty::{ClassId, FnRef, Items, PKind, Ty, TyRef};

impl Checker {
    /// What the outermost decorator of a method makes of it (`@staticmethod`,
    /// `@classmethod`, `@property`, `@name.setter`), unless the program
    /// gave the decorator's name a meaning of its own.
    pub fn decorated(&self, f: &ast::FuncDef) -> Decorated {
        let Some(d) = f.decorators.first() else {
            return Decorated::Plain;
        };
        match &d.kind {
            ExprKind::Name(n) if self.lookup_var(n).is_none() => match n.as_str() {
                "staticmethod" => Decorated::Static,
                "classmethod" => Decorated::Class,
                "property" => Decorated::Property,
                _ => Decorated::Plain,
            },
            ExprKind::Attribute { value, attr } if attr.name == "setter" => match &value.kind {
                ExprKind::Name(n) => Decorated::Setter(n.clone()),
                _ => Decorated::Plain,
            },
            _ => Decorated::Plain,
        }
    }

    /// The signature checked against a method's body: the one collected
    /// for this very definition (a property's getter and setter share a
    /// name).
    pub(crate) fn method_signature(&self, id: usize, f: &ast::FuncDef) -> Option<FnRef> {
        let info = &self.classes[id];
        let name = f.name.name.as_str();
        let this = |sig: &&FnRef| sig.span == Some(f.name.span);
        let first = info.method(name);
        first
            .filter(this)
            .or_else(|| info.setter(name).filter(this))
            // A name defined twice in the class (rare): search the rest.
            .or_else(|| {
                info.methods
                    .iter()
                    .find(|(n, sig)| n == name && this(&sig))
                    .map(|(_, sig)| sig)
            })
            .or(first)
            .cloned()
    }

    /// `obj.name = value` where `name` is a property: the value goes to the
    /// setter's parameter; without a setter the assignment is an error (an
    /// `AttributeError` at run time).
    pub(crate) fn assign_property(
        &mut self,
        owner: ClassId,
        setter: Option<FnRef>,
        attr: &ast::Ident,
        vty: &Ty,
        value: Option<&Expr>,
        span: Span,
    ) {
        let class = self.classes[owner].name.clone();
        let Some(setter) = setter else {
            let getter = self.classes[owner].method(&attr.name).and_then(|f| f.span);
            let msg = format!("property `{}` of `{class}` has no setter", attr.name);
            self.error(
                TypeError::new(Code::Immutable, span, msg)
                    .label("assignment to a read-only property")
                    .note_at(getter, "defined here without a setter")
                    .help(format!(
                        "define `@{}.setter` below the getter to make it assignable",
                        attr.name
                    )),
            );
            return;
        };
        let Some(param) = setter.params.get(1).filter(|p| p.kind == PKind::Normal) else {
            return;
        };
        if !self.assignable(vty, &param.ty) {
            let msg = format!(
                "cannot assign `{}` to property `{}`, whose setter takes `{}`",
                self.show(vty),
                attr.name,
                self.show(&param.ty)
            );
            let at = value.map_or(span, |v| v.span);
            self.mismatch_error(msg, at, vty, &param.ty, setter.span, value);
        }
    }

    /// A member read from the class itself (`Cls.name`), walking the base
    /// classes: a method as a function (a static method as it is, a class
    /// method bound to the class, a plain method with its `self`), a class
    /// attribute, or `any` for a property (the property object).
    pub fn member_of_class(&self, id: ClassId, name: &str) -> Option<Ty> {
        let mut current = Some(id);
        let mut seen: HashSet<ClassId> = HashSet::new();
        while let Some(cid) = current {
            if !seen.insert(cid) {
                break;
            }
            let info = &self.classes[cid];
            if let Some(f) = info.method(name) {
                return Some(match info.method_kind(name) {
                    Some(MethodKind::Class) => Ty::func(f.bound()),
                    Some(MethodKind::Property) => Ty::Any,
                    Some(MethodKind::Static) | None => Ty::Func(f.clone()),
                });
            }
            if let Some(t) = info.attr(name) {
                return Some(t.clone());
            }
            current = match info.bases.first() {
                Some(Ty::Instance(b, _)) if info.kind != ClassKind::Interface => Some(*b),
                _ => None,
            };
        }
        None
    }

    /// The property `name` of an instance type, if that is what the name
    /// is where the base classes are searched: the class that defines it,
    /// its getter and its setter (with `self`, type arguments applied).
    pub fn property_of(
        &self,
        id: ClassId,
        args: &[TyRef],
        name: &str,
    ) -> Option<(ClassId, FnRef, Option<FnRef>)> {
        let mut current: Option<(ClassId, Items)> = Some((id, args.into()));
        let mut seen: HashSet<ClassId> = HashSet::new();
        while let Some((cid, cargs)) = current {
            if !seen.insert(cid) {
                break;
            }
            let info = &self.classes[cid];
            let binds = crate::rel::bindings(&info.type_params, &cargs);
            let sub = |f: &FnRef| match Ty::Func(f.clone()).subst(&|n| binds.get(n).cloned()) {
                Ty::Func(g) => g,
                _ => f.clone(),
            };
            if info.field(name).is_some() || info.attr(name).is_some() {
                return None;
            }
            if let Some(f) = info.method(name) {
                if info.method_kind(name) != Some(MethodKind::Property) {
                    return None;
                }
                return Some((cid, sub(f), info.setter(name).map(sub)));
            }
            current = match self.base_of(cid, &cargs) {
                Some(Ty::Instance(b, bargs)) if info.kind != ClassKind::Interface => {
                    Some((b, bargs))
                }
                _ => None,
            };
        }
        None
    }
}
