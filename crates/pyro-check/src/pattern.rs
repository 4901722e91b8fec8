//! Class patterns in `match` (`case Point(x, y):`, `case int(n):`,
//! `case Circle(radius=r):`): what the named class accepts, and the type of
//! the value each sub-pattern is matched against.
//!
//! The rules are the VM's (`MatchClass`): a record takes one positional
//! sub-pattern per field, a built-in type takes one (the subject itself),
//! any other class none; keyword sub-patterns read attributes. A pattern
//! that would raise `TypeError` when its class matches is E0390; a keyword
//! naming no attribute of a known class is E0320.

use pyro_builtins::Receiver as R;
use pyro_parser::ast::{Expr, ExprKind, Ident, Pattern};

use crate::check::{receiver_of, Checker, ClassKind};
use crate::diag::{Code, TypeError};
use crate::expr::builtin_type_named;
use crate::ty::{ClassId, Ty};

/// What a class pattern's class expression names.
enum Matched {
    /// A built-in type (`int`, `list` ...), as the value type it matches.
    Builtin(Ty),
    /// A class, record or interface (an instance of it, with the subject's
    /// type arguments where the subject has them).
    Class(ClassId, Ty),
    /// Unknown (`any`): nothing to check.
    Unknown,
}

impl Checker {
    /// Checks a class pattern; returns the types the positional and then
    /// the keyword sub-patterns are matched against.
    pub fn class_pattern(
        &mut self,
        p: &Pattern,
        class: &Expr,
        args: &[Pattern],
        kwargs: &[(Ident, Pattern)],
        subject: &Ty,
    ) -> Vec<Ty> {
        let matched = self.pattern_class(class, subject);
        let (what, accepts) = match &matched {
            Matched::Builtin(_) => (format!("`{}()`", describe_class(class)), 1),
            Matched::Class(id, _) => {
                let info = &self.classes[*id];
                let n = match info.kind {
                    ClassKind::Record => info.fields.len(),
                    _ => 0,
                };
                (format!("`{}()`", info.name), n)
            }
            Matched::Unknown => (String::new(), usize::MAX),
        };
        if let Some(extra) = args.get(accepts) {
            self.too_many_positional(&matched, &what, accepts, args.len(), extra, p);
        }
        let mut out = Vec::with_capacity(args.len() + kwargs.len());
        for i in 0..args.len() {
            let t = match &matched {
                Matched::Builtin(t) if i == 0 => t.clone(),
                Matched::Class(id, inst) => match (inst, self.classes[*id].fields.get(i)) {
                    (Ty::Instance(_, targs), Some((f, _, _))) if i < accepts => {
                        let f = f.clone();
                        self.member_of_instance(*id, targs, &f).unwrap_or(Ty::Any)
                    }
                    _ => Ty::Any,
                },
                _ => Ty::Any,
            };
            out.push(t);
        }
        for (name, _) in kwargs {
            let t = self.keyword_field(&matched, class, name);
            out.push(t);
        }
        out
    }

    /// The class a class pattern names, narrowed by the subject's type.
    fn pattern_class(&mut self, class: &Expr, subject: &Ty) -> Matched {
        if let ExprKind::Name(n) = &class.kind {
            if self.lookup_var(n).is_none() {
                if let Some(t) = builtin_type_named(n) {
                    return Matched::Builtin(self.narrow_to(subject, &t));
                }
            }
        }
        match self.expr(class) {
            Ty::Class(id) => {
                let n = self.classes[id].type_params.len();
                let generic = Ty::instance(id, vec![Ty::Any; n]);
                // The subject's own type arguments (`Ok<int>` in `Ok<int> | Err<string>`).
                let inst = match self.narrow_to(subject, &generic) {
                    t @ Ty::Instance(i, _) if i == id => t,
                    _ => generic,
                };
                Matched::Class(id, inst)
            }
            Ty::Any | Ty::Var(_) | Ty::Never => Matched::Unknown,
            other => {
                let name = describe_class(class);
                let is = match other {
                    Ty::Func(_) => "a function".to_string(),
                    Ty::Module(_) => "a module".to_string(),
                    t => format!("a `{}`", self.show(&t)),
                };
                self.error(
                    TypeError::new(
                        Code::BadPattern,
                        class.span,
                        format!("`{name}` is {is}, not a class a pattern can match"),
                    )
                    .label("not a class, record or built-in type")
                    .help("a class pattern names a class, a record, an interface or a built-in type (`int`, `str`, `list` ...)"),
                );
                Matched::Unknown
            }
        }
    }

    fn too_many_positional(
        &mut self,
        matched: &Matched,
        what: &str,
        accepts: usize,
        given: usize,
        extra: &Pattern,
        p: &Pattern,
    ) {
        let plural = if accepts == 1 { "" } else { "s" };
        let msg =
            format!("{what} accepts {accepts} positional sub-pattern{plural} ({given} given)");
        let (label, help) = match matched {
            Matched::Builtin(_) => (
                "a built-in type matches its value whole, in one sub-pattern".to_string(),
                "bind the value with one name (`case int(n):`) and test it in a guard (`if n > 0`)"
                    .to_string(),
            ),
            Matched::Class(id, _) if self.classes[*id].kind == ClassKind::Record => {
                let info = &self.classes[*id];
                let fields: Vec<&str> = info.fields.iter().map(|(n, _, _)| n.as_str()).collect();
                (
                    format!("record `{}` has {} field{plural}", info.name, accepts),
                    format!("its fields, in order: {}", fields.join(", ")),
                )
            }
            _ => (
                "a class has no positional fields".to_string(),
                "match attributes by keyword (`case C(name=pattern):`), or the class alone (`case C():`)"
                    .to_string(),
            ),
        };
        let _ = p;
        self.error(
            TypeError::new(Code::BadPattern, extra.span, msg)
                .label(label)
                .help(help),
        );
    }

    /// The type of the attribute a keyword sub-pattern reads (`Point(x=0)`),
    /// reporting one that the class does not have.
    fn keyword_field(&mut self, matched: &Matched, class: &Expr, name: &Ident) -> Ty {
        let (id, inst) = match matched {
            Matched::Class(id, inst) => (*id, inst.clone()),
            Matched::Builtin(t) => {
                let known = receiver_of(t)
                    .iter()
                    .any(|r: &R| pyro_builtins::has_method(*r, &name.name));
                if !known {
                    let msg = format!(
                        "`{}` has no attribute `{}` to match",
                        describe_class(class),
                        name.name
                    );
                    self.error(
                        TypeError::new(Code::UnknownAttribute, name.span, msg)
                            .label("unknown attribute")
                            .help("a built-in type's value is matched whole: `case int(n):`"),
                    );
                }
                return Ty::Any;
            }
            Matched::Unknown => return Ty::Any,
        };
        let Ty::Instance(_, targs) = &inst else {
            return Ty::Any;
        };
        if let Some(t) = self.member_of_instance(id, targs, &name.name) {
            return t;
        }
        let record = self.classes[id].kind == ClassKind::Record;
        if self.has_unknown_base(id)
            || (!record && self.assigned_attrs.contains(&name.name))
            || name.name.starts_with("__")
        {
            return Ty::Any;
        }
        let info = &self.classes[id];
        let kind = if record { "record" } else { "class" };
        let msg = format!(
            "{kind} `{}` has no attribute `{}` to match",
            info.name, name.name
        );
        let e = TypeError::new(Code::UnknownAttribute, name.span, msg)
            .label("unknown attribute")
            .note_at(info.span, format!("`{}` defined here", info.name));
        self.error(e);
        Ty::Any
    }

    /// `match x: case C(...):` narrows `x` to `C` inside the case, as
    /// `if isinstance(x, C):` does.
    pub fn narrowing_by_class(&mut self, subject: &Expr, class: &Expr) -> Vec<(String, Ty)> {
        self.isinstance_narrowing(subject, class, true)
    }
}

/// A class expression as written (`int`, `shapes.Circle`).
fn describe_class(e: &Expr) -> String {
    let mut parts = Vec::new();
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Name(n) => {
                parts.push(n.as_str());
                break;
            }
            ExprKind::Attribute { value, attr } => {
                parts.push(attr.name.as_str());
                e = value;
            }
            _ => return "this".to_string(),
        }
    }
    parts.reverse();
    parts.join(".")
}
