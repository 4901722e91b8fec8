//! Static types and the relations between them: display, assignability,
//! joins, substitution of type parameters.

use std::fmt;
use std::rc::Rc;

use pyro_builtins::Receiver as R;
use pyro_source::Span;

/// A class, record, interface or built-in error class, by index into the
/// checker's class table.
pub type ClassId = usize;
/// A module, by index into the checker's module table.
pub type ModId = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// The dynamic type: compatible with everything, both ways.
    Any,
    /// The type of an expression that never produces a value.
    Never,
    None,
    Int,
    Float,
    Bool,
    Str,
    List(Box<Ty>),
    ListMut(Box<Ty>),
    Dict(Box<Ty>, Box<Ty>),
    DictMut(Box<Ty>, Box<Ty>),
    Set(Box<Ty>),
    SetMut(Box<Ty>),
    /// `tuple<A, B>`; `None` items for a `tuple` of unknown shape.
    Tuple(Option<Vec<Ty>>),
    TupleMut,
    Range,
    /// Anything that can be iterated to produce `T` (used by signatures, and
    /// as the type of iterators such as `enumerate(...)`).
    Iterable(Box<Ty>),
    Chan(Box<Ty>),
    Sender(Box<Ty>),
    Receiver(Box<Ty>),
    Task(Box<Ty>),
    /// A `std.sync` object.
    Sync(R),
    Func(Rc<FnTy>),
    /// The class object itself (calling it constructs an instance).
    Class(ClassId),
    /// An instance of a class or record, or a value typed by an interface.
    Instance(ClassId, Vec<Ty>),
    Module(ModId),
    /// A type parameter (`T`), opaque inside the generic definition.
    Var(Rc<str>),
    /// Two or more alternatives, flattened and without duplicates.
    Union(Vec<Ty>),
    /// The receiver's own type, in built-in method signatures.
    Myself,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnTy {
    pub name: String,
    pub type_params: Vec<Rc<str>>,
    pub params: Vec<ParamTy>,
    pub ret: Ty,
    /// Whether the return type was written (else it is `any`, unchecked).
    pub ret_declared: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PKind {
    Normal,
    VarArgs,
    KwArgs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamTy {
    pub name: String,
    pub ty: Ty,
    pub has_default: bool,
    pub kind: PKind,
    /// Declared after `*args`: only passable by keyword.
    pub kw_only: bool,
}

impl FnTy {
    /// The signature without its first parameter (a bound method).
    pub fn bound(&self) -> FnTy {
        let mut f = self.clone();
        if f.params.first().is_some_and(|p| p.kind == PKind::Normal) {
            f.params.remove(0);
        }
        f
    }
}

impl Ty {
    pub fn optional(ty: Ty) -> Ty {
        Ty::union(vec![ty, Ty::None])
    }

    /// A union of `items`, flattened and deduplicated (`any` absorbs all).
    pub fn union(items: Vec<Ty>) -> Ty {
        let mut out: Vec<Ty> = Vec::new();
        for t in items {
            let parts = match t {
                Ty::Union(parts) => parts,
                Ty::Never => continue,
                other => vec![other],
            };
            for p in parts {
                if p == Ty::Any {
                    return Ty::Any;
                }
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        match out.len() {
            0 => Ty::Never,
            1 => out.pop().unwrap_or(Ty::Any),
            _ => Ty::Union(out),
        }
    }

    pub fn members(&self) -> &[Ty] {
        match self {
            Ty::Union(items) => items,
            other => std::slice::from_ref(other),
        }
    }

    pub fn is_any(&self) -> bool {
        matches!(self, Ty::Any | Ty::Var(_))
    }

    pub fn has_none(&self) -> bool {
        self.members().contains(&Ty::None)
    }

    /// The type without `None` (for `x is not None`, truthiness).
    pub fn without_none(&self) -> Ty {
        Ty::union(
            self.members()
                .iter()
                .filter(|t| **t != Ty::None)
                .cloned()
                .collect(),
        )
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Bool)
    }

    /// Replaces type parameters by their bindings (unbound ones become `any`).
    pub fn subst(&self, binds: &dyn Fn(&str) -> Option<Ty>) -> Ty {
        let s = |t: &Ty| Box::new(t.subst(binds));
        match self {
            Ty::Var(name) => binds(name).unwrap_or(Ty::Any),
            Ty::List(t) => Ty::List(s(t)),
            Ty::ListMut(t) => Ty::ListMut(s(t)),
            Ty::Set(t) => Ty::Set(s(t)),
            Ty::SetMut(t) => Ty::SetMut(s(t)),
            Ty::Dict(k, v) => Ty::Dict(s(k), s(v)),
            Ty::DictMut(k, v) => Ty::DictMut(s(k), s(v)),
            Ty::Tuple(Some(items)) => {
                Ty::Tuple(Some(items.iter().map(|t| t.subst(binds)).collect()))
            }
            Ty::Iterable(t) => Ty::Iterable(s(t)),
            Ty::Chan(t) => Ty::Chan(s(t)),
            Ty::Sender(t) => Ty::Sender(s(t)),
            Ty::Receiver(t) => Ty::Receiver(s(t)),
            Ty::Task(t) => Ty::Task(s(t)),
            Ty::Instance(id, args) => {
                Ty::Instance(*id, args.iter().map(|t| t.subst(binds)).collect())
            }
            Ty::Union(items) => Ty::union(items.iter().map(|t| t.subst(binds)).collect()),
            Ty::Func(f) => {
                let mut g = (**f).clone();
                for p in &mut g.params {
                    p.ty = p.ty.subst(binds);
                }
                g.ret = g.ret.subst(binds);
                Ty::Func(Rc::new(g))
            }
            other => other.clone(),
        }
    }
}

/// Names of classes, needed to print instance types.
pub trait Names {
    fn class_name(&self, id: ClassId) -> &str;
    fn module_name(&self, id: ModId) -> &str;
}

pub struct Show<'a> {
    pub ty: &'a Ty,
    pub names: &'a dyn Names,
}

impl<'a> fmt::Display for Show<'a> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.names;
        fn show<'b>(t: &'b Ty, names: &'b dyn Names) -> Show<'b> {
            Show { ty: t, names }
        }
        let show = |t: &'a Ty| show(t, names);
        let list = |f: &mut fmt::Formatter<'_>, items: &[Ty]| -> fmt::Result {
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}", Show { ty: t, names })?;
            }
            Ok(())
        };
        match self.ty {
            Ty::Any => write!(f, "any"),
            Ty::Never => write!(f, "never"),
            Ty::None => write!(f, "None"),
            Ty::Int => write!(f, "int"),
            Ty::Float => write!(f, "float"),
            Ty::Bool => write!(f, "bool"),
            Ty::Str => write!(f, "string"),
            Ty::List(t) => write!(f, "list<{}>", show(t)),
            Ty::ListMut(t) => write!(f, "list_mut<{}>", show(t)),
            Ty::Set(t) => write!(f, "set<{}>", show(t)),
            Ty::SetMut(t) => write!(f, "set_mut<{}>", show(t)),
            Ty::Dict(k, v) => write!(f, "dict<{}, {}>", show(k), show(v)),
            Ty::DictMut(k, v) => write!(f, "dict_mut<{}, {}>", show(k), show(v)),
            Ty::Tuple(None) => write!(f, "tuple"),
            Ty::Tuple(Some(items)) => {
                write!(f, "tuple<")?;
                list(f, items)?;
                write!(f, ">")
            }
            Ty::TupleMut => write!(f, "tuple_mut"),
            Ty::Range => write!(f, "range"),
            Ty::Iterable(t) => write!(f, "iterable<{}>", show(t)),
            Ty::Chan(t) => write!(f, "chan<{}>", show(t)),
            Ty::Sender(t) => write!(f, "Sender<{}>", show(t)),
            Ty::Receiver(t) => write!(f, "Receiver<{}>", show(t)),
            Ty::Task(t) => write!(f, "Task<{}>", show(t)),
            Ty::Sync(r) => write!(f, "{r:?}"),
            Ty::Func(func) => {
                write!(f, "(")?;
                for (i, p) in func.params.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    match p.kind {
                        PKind::VarArgs => write!(f, "*")?,
                        PKind::KwArgs => write!(f, "**")?,
                        PKind::Normal => {}
                    }
                    write!(f, "{}", show(&p.ty))?;
                }
                write!(f, ") -> {}", show(&func.ret))
            }
            Ty::Class(id) => write!(f, "type[{}]", self.names.class_name(*id)),
            Ty::Instance(id, args) => {
                write!(f, "{}", self.names.class_name(*id))?;
                if !args.is_empty() {
                    write!(f, "<")?;
                    list(f, args)?;
                    write!(f, ">")?;
                }
                Ok(())
            }
            Ty::Module(id) => write!(f, "module {}", self.names.module_name(*id)),
            Ty::Var(name) => write!(f, "{name}"),
            Ty::Union(items) => {
                if items.len() == 2 && items.contains(&Ty::None) {
                    let other = items.iter().find(|t| **t != Ty::None).unwrap_or(&Ty::Any);
                    return if matches!(other, Ty::Func(_)) {
                        write!(f, "({})?", show(other))
                    } else {
                        write!(f, "{}?", show(other))
                    };
                }
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, " | ")?;
                    }
                    write!(f, "{}", show(t))?;
                }
                Ok(())
            }
            Ty::Myself => write!(f, "Self"),
        }
    }
}
