//! Written types the VM checks values against: the element type of
//! `chan<T>(n)` and type aliases. Generics are otherwise erased at run time.

use std::collections::HashSet;

use pyro_builtins::TYPE_WORDS;
use pyro_parser::ast::{Ident, TypeExpr, TypeKind, TypeParam};
use pyro_parser::dump;
use pyro_source::Span;

use crate::code::Const;
use crate::compile::{Compiler, Resolved};
use crate::op::Op;

impl Compiler<'_> {
    /// Pushes `name, value` for each name that `t` is written with where a
    /// run-time check looks (the type itself, union members, optionals;
    /// not type arguments, function or tuple types) and that a scope
    /// defines, in the scope where the type is written; returns how many.
    /// Type words (`int`, `list`) are the VM's to read, and names nothing
    /// defines (type parameters) are not checked.
    pub(crate) fn type_names(&mut self, t: &TypeExpr) -> u16 {
        let mut seen = HashSet::new();
        let mut todo = vec![t];
        let mut count: u16 = 0;
        while let Some(t) = todo.pop() {
            match &t.kind {
                TypeKind::Named { path, .. } => {
                    let head = &path[0];
                    if path.len() == 1 && TYPE_WORDS.contains(&head.name.as_str()) {
                        continue;
                    }
                    let defined = matches!(
                        self.resolve(&head.name, head.span.lo),
                        Some(Resolved::Local(_) | Resolved::Free(_) | Resolved::Global(_))
                    );
                    let dotted: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
                    let dotted = dotted.join(".");
                    if !defined || count == u16::MAX || !seen.insert(dotted.clone()) {
                        continue;
                    }
                    let k = self.str_const(&dotted);
                    self.emit(Op::LoadConst(k), head.span);
                    self.load_name(&head.name, head.span);
                    for attr in &path[1..] {
                        let n = self.name(&attr.name);
                        self.emit(Op::GetAttr(n), attr.span);
                    }
                    count += 1;
                }
                TypeKind::Union(items) => todo.extend(items.iter().rev()),
                TypeKind::Optional(inner) => todo.push(inner),
                _ => {}
            }
        }
        count
    }

    /// `type Name<params> = ty` where `ty` is not a single name: a value
    /// that the VM resolves in this module when it is first used (its
    /// names may be defined further down, as classes often are).
    pub(crate) fn alias_value(
        &mut self,
        name: &Ident,
        params: &[TypeParam],
        ty: &TypeExpr,
        span: Span,
    ) {
        let mut parts = vec![
            Const::Str(name.name.as_str().into()),
            Const::Str(dump::type_expr(ty).into()),
        ];
        parts.extend(
            params
                .iter()
                .map(|p| Const::Str(p.name.name.as_str().into())),
        );
        let k = self.konst(Const::Tuple(parts));
        self.emit(Op::MakeAlias(k), span);
    }
}
