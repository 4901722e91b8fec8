//! Method overrides (LANGUAGE.md §10): a method that a class redefines must
//! accept every call the method it overrides accepts and return what that
//! method's callers expect, or code written for the base class fails on the
//! subclass. The relation is [`Checker::fn_compatible`], the same one that
//! decides whether a class satisfies an interface; this module finds the
//! overridden methods and words the diagnostic (E0361).

use std::collections::{HashMap, HashSet};

use pyro_parser::ast::{Stmt, StmtKind};
use pyro_source::Span;

use crate::check::{Checker, ClassKind};
use crate::diag::{Code, TypeError};
use crate::rel::SigMismatch;
use crate::ty::{ClassId, FnRef, FnTy, Ty};

/// What the override check remembers across blocks and modules.
#[derive(Default)]
pub struct Overrides {
    /// The name spans of decorated methods: a decorator may change what a
    /// method is (`@staticmethod`, `@property`, any function), so these
    /// are not compared.
    decorated: HashSet<Span>,
    /// How many classes define a method of each name, over the first
    /// `indexed` classes: a name only one class defines overrides nothing,
    /// which spares the walk up its bases (a chain of ten thousand classes
    /// each adding a method would otherwise cost a hundred million steps).
    defined: HashMap<String, u32>,
    indexed: usize,
}

impl Checker {
    /// Checks the methods of the classes a block declares against the
    /// methods they override, once their signatures are all known (called
    /// by `hoist`, so bases declared later in the block are known too).
    pub fn check_overrides(&mut self, classes: &[(ClassId, &Stmt)]) {
        for (_, s) in classes {
            if let StmtKind::ClassDef(def) = &s.kind {
                for item in &def.body {
                    if let StmtKind::FuncDef(f) = &item.kind {
                        if !f.decorators.is_empty() {
                            self.overrides.decorated.insert(f.name.span);
                        }
                    }
                }
            }
        }
        for info in &self.classes[self.overrides.indexed..] {
            let mut names: Vec<&str> = info.methods.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                *self.overrides.defined.entry(name.to_string()).or_default() += 1;
            }
        }
        self.overrides.indexed = self.classes.len();
        for &(id, _) in classes {
            if self.classes[id].kind == ClassKind::Class {
                self.check_class_overrides(id);
            }
        }
    }

    fn check_class_overrides(&mut self, id: ClassId) {
        let methods = self.classes[id].methods.clone();
        for (name, have) in methods {
            let decorated = have
                .span
                .is_some_and(|s| self.overrides.decorated.contains(&s));
            if self.overrides.defined.get(&name).is_none_or(|n| *n < 2) {
                continue;
            }
            let Some(span) = have.span.filter(|_| name != "__init__" && !decorated) else {
                continue;
            };
            let Some((owner, want)) = self.overridden(id, &name) else {
                continue;
            };
            if want
                .span
                .is_some_and(|s| self.overrides.decorated.contains(&s))
            {
                continue;
            }
            // Interface methods are stored without `self`.
            let want_bound = if self.classes[owner].kind == ClassKind::Interface {
                (*want).clone()
            } else {
                want.bound()
            };
            if let Err(why) = self.fn_compatible(&have.bound(), &want_bound) {
                let error = self.override_error(span, id, owner, &name, &want, why);
                self.error(error);
            }
        }
    }

    /// The nearest method called `name` above class `id`, with the class
    /// that defines it and the base's type arguments substituted.
    fn overridden(&self, id: ClassId, name: &str) -> Option<(ClassId, FnRef)> {
        let mut current = self.base_of(id, &[]);
        // Declared bases never form a cycle (see `stmt::set_bases`); the
        // count is a second guard.
        let mut steps = 0;
        while let Some(Ty::Instance(b, args)) = current {
            steps += 1;
            if steps > self.classes.len() {
                return None;
            }
            let info = &self.classes[b];
            if let Some(f) = info.method(name) {
                let binds = crate::rel::bindings(&info.type_params, &args);
                return match Ty::Func(f.clone()).subst(&|n| binds.get(n).cloned()) {
                    Ty::Func(f) => Some((b, f)),
                    _ => None,
                };
            }
            if info.field(name).is_some() || info.attr(name).is_some() {
                return None;
            }
            current = self.base_of(b, &args);
        }
        None
    }

    /// E0361 at the overriding method `span` (of class `id`), with a note
    /// at the method `want` of class `owner` that it overrides.
    fn override_error(
        &self,
        span: Span,
        id: ClassId,
        owner: ClassId,
        name: &str,
        want: &FnTy,
        why: SigMismatch,
    ) -> TypeError {
        let class = &self.classes[id].name;
        let base = format!("{}.{name}", self.classes[owner].name);
        let label = self.mismatch_reason(&why, &format!("`{base}`"));
        TypeError::new(
            Code::Override,
            span,
            format!("`{class}.{name}` overrides `{base}` with an incompatible signature"),
        )
        .label(label)
        .note_at(want.span, format!("`{base}` is defined here"))
        .help(format!(
            "an override must accept every call that `{base}` accepts and return what it returns (extra parameters need defaults; parameter types may be wider, the return type narrower)"
        ))
    }
}
