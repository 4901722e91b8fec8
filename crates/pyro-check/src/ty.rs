//! Static types and the relations between them: display, joins,
//! substitution of type parameters.
//!
//! # Sharing
//!
//! A type is a shallow value ([`Ty`]) whose children are *interned*
//! ([`TyRef`], [`FnRef`]): each distinct structure is built once per thread
//! and shared by reference count. So a clone is O(1), `==` and `Hash` look
//! only at a type's own node (children compare by address, and interning
//! makes an address stand for a structure), and `let x2 = (x1, x1)` costs one
//! node, not a copy of `x1` twice. Every walk over types memoizes on those
//! shallow values or on child addresses (see `subst` here and the relation
//! cache in `rel.rs`), so its cost follows the number of *distinct* nodes,
//! never the size of the expanded tree; printing stops at a budget.
//!
//! Two bounds keep every type finite and every walk shallow enough: a node
//! nests at most [`MAX_DEPTH`] levels (deeper parts become `any`, which the
//! gradual checker accepts everywhere), and a union has at most
//! [`MAX_UNION`] members (a wider one is `any`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::ops::Deref;
use std::rc::{Rc, Weak};
use std::thread::LocalKey;

use pyro_builtins::Receiver as R;
use pyro_source::stack::grow;
use pyro_source::Span;

/// A class, record, interface or built-in error class, by index into the
/// checker's class table.
pub type ClassId = usize;
/// A module, by index into the checker's module table.
pub type ModId = usize;

/// The deepest a type may nest; a part below it is `any`. Above the front
/// end's nesting limit, so every written annotation keeps its full shape.
pub const MAX_DEPTH: u32 = 1100;

/// The most members a union keeps; a wider union is `any`.
pub const MAX_UNION: usize = 64;

/// Roughly how many characters a type prints before the rest is elided
/// with `…`.
pub const SHOW_BUDGET: usize = 120;

/// The items of a tuple or the arguments of a generic instance.
pub type Items = Rc<[TyRef]>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    List(TyRef),
    ListMut(TyRef),
    Dict(TyRef, TyRef),
    DictMut(TyRef, TyRef),
    Set(TyRef),
    SetMut(TyRef),
    /// `tuple<A, B>`; `None` items for a `tuple` of unknown shape.
    Tuple(Option<Items>),
    TupleMut,
    Range,
    /// Anything that can be iterated to produce `T` (used by signatures, and
    /// as the type of iterators such as `enumerate(...)`).
    Iterable(TyRef),
    Chan(TyRef),
    Sender(TyRef),
    Receiver(TyRef),
    Task(TyRef),
    /// A `std.sync` object.
    Sync(R),
    Func(FnRef),
    /// The class object itself (calling it constructs an instance).
    Class(ClassId),
    /// An instance of a class or record, or a value typed by an interface.
    Instance(ClassId, Items),
    Module(ModId),
    /// A type parameter (`T`), opaque inside the generic definition.
    Var(Rc<str>),
    /// Two or more alternatives, flattened (no member is a union) and
    /// without duplicates.
    Union(Rc<[Ty]>),
    /// The receiver's own type, in built-in method signatures.
    Myself,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FnTy {
    pub name: String,
    pub type_params: Vec<Rc<str>>,
    pub params: Vec<ParamTy>,
    pub ret: Ty,
    /// Whether the return type was written (else it is `any`, unchecked).
    pub ret_declared: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PKind {
    Normal,
    VarArgs,
    KwArgs,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamTy {
    pub name: String,
    pub ty: Ty,
    pub has_default: bool,
    pub kind: PKind,
    /// Declared after `*args`: only passable by keyword.
    pub kw_only: bool,
}

// ------------------------------------------------------------ interning

/// What an interned node records about the value below it, computed from
/// its direct children only.
#[derive(Clone, Copy, Default)]
pub struct Shape {
    /// Levels of nesting (a primitive is 0).
    depth: u32,
    /// Whether a type parameter occurs anywhere below.
    vars: bool,
}

impl Shape {
    fn join(self, other: Shape) -> Shape {
        Shape {
            depth: self.depth.max(other.depth),
            vars: self.vars || other.vars,
        }
    }

    fn nest(self) -> Shape {
        Shape {
            depth: self.depth.saturating_add(1),
            vars: self.vars,
        }
    }
}

pub struct Node<V> {
    value: V,
    shape: Shape,
}

/// The per-thread table of live nodes of one kind, by hash of their
/// (shallow) value. Entries are weak: a type nobody holds is freed, and its
/// dead entry is swept once the table has doubled since the last sweep.
pub struct Interner<V> {
    buckets: HashMap<u64, Vec<Weak<Node<V>>>>,
    entries: usize,
    sweep_at: usize,
}

impl<V> Default for Interner<V> {
    fn default() -> Self {
        Interner {
            buckets: HashMap::new(),
            entries: 0,
            sweep_at: 1024,
        }
    }
}

pub trait Internable: Hash + Eq + Sized + 'static {
    fn table() -> &'static LocalKey<RefCell<Interner<Self>>>;
    fn shape(&self) -> Shape;
    /// The same value with every child replaced by `any` (for a value that
    /// would nest deeper than [`MAX_DEPTH`]).
    fn flattened(self) -> Self;
    /// Some value (for the private node of `Shared::new`'s fallback).
    fn placeholder() -> Self;
}

thread_local! {
    static TYPES: RefCell<Interner<Ty>> = RefCell::default();
    static FUNCTIONS: RefCell<Interner<FnTy>> = RefCell::default();
}

/// A shared, interned node: equal values are the same node, so equality
/// and hashing are by address.
pub struct Shared<V>(Rc<Node<V>>);

/// An interned type (the children of [`Ty`]).
pub type TyRef = Shared<Ty>;
/// An interned function signature.
pub type FnRef = Shared<FnTy>;

impl<V: Internable> Shared<V> {
    /// The node for `value`: the existing one if an equal value is live.
    pub fn new(value: V) -> Shared<V> {
        let value = if value.shape().depth >= MAX_DEPTH {
            value.flattened()
        } else {
            value
        };
        let shape = value.shape();
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(&value);
        let mut slot = Some(value);
        let interned = V::table()
            .try_with(|cell| {
                let mut table = cell.try_borrow_mut().ok()?;
                let value = slot.take()?;
                Some(table.intern(value, shape, hash))
            })
            .ok()
            .flatten();
        if let Some(node) = interned {
            return node;
        }
        // The table is out of reach only while the thread is torn down
        // (nothing re-enters it): the node is then private to its creator.
        let value = slot.unwrap_or_else(V::placeholder);
        Shared(Rc::new(Node { value, shape }))
    }

    /// Whether a type parameter occurs in the value.
    pub fn has_vars(&self) -> bool {
        self.0.shape.vars
    }

    /// The node's identity, for memo tables (valid while it is held).
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as *const () as usize
    }
}

impl<V> Interner<V> {
    fn intern(&mut self, value: V, shape: Shape, hash: u64) -> Shared<V>
    where
        V: Eq,
    {
        let bucket = self.buckets.entry(hash).or_default();
        if let Some(node) = bucket
            .iter()
            .filter_map(Weak::upgrade)
            .find(|n| n.value == value)
        {
            return Shared(node);
        }
        let node = Rc::new(Node { value, shape });
        bucket.push(Rc::downgrade(&node));
        self.entries += 1;
        if self.entries >= self.sweep_at {
            self.sweep();
        }
        Shared(node)
    }

    fn sweep(&mut self) {
        self.buckets.retain(|_, b| {
            b.retain(|w| w.strong_count() > 0);
            !b.is_empty()
        });
        self.entries = self.buckets.values().map(Vec::len).sum();
        self.sweep_at = (self.entries * 2).max(1024);
    }
}

impl<V> Clone for Shared<V> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<V> PartialEq for Shared<V> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<V> Eq for Shared<V> {}

impl<V> Hash for Shared<V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(Rc::as_ptr(&self.0), state)
    }
}

impl<V> Deref for Shared<V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.0.value
    }
}

impl<V> fmt::Debug for Shared<V> {
    /// Only the address: printing the value could walk a large tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:x}", Rc::as_ptr(&self.0) as *const () as usize)
    }
}

impl TyRef {
    /// The type itself (a clone of the shallow value: O(1)).
    pub fn get(&self) -> Ty {
        (**self).clone()
    }
}

impl From<Ty> for TyRef {
    fn from(ty: Ty) -> TyRef {
        TyRef::new(ty)
    }
}

impl Internable for Ty {
    fn table() -> &'static LocalKey<RefCell<Interner<Self>>> {
        &TYPES
    }

    fn shape(&self) -> Shape {
        self.node_shape()
    }

    fn flattened(self) -> Self {
        Ty::Any
    }

    fn placeholder() -> Self {
        Ty::Any
    }
}

impl Internable for FnTy {
    fn table() -> &'static LocalKey<RefCell<Interner<Self>>> {
        &FUNCTIONS
    }

    fn shape(&self) -> Shape {
        self.params
            .iter()
            .fold(self.ret.node_shape(), |s, p| s.join(p.ty.node_shape()))
    }

    fn flattened(mut self) -> Self {
        for p in &mut self.params {
            p.ty = Ty::Any;
        }
        self.ret = Ty::Any;
        self
    }

    fn placeholder() -> Self {
        FnTy {
            name: String::new(),
            type_params: vec![],
            params: vec![],
            ret: Ty::Any,
            ret_declared: false,
            span: None,
        }
    }
}

/// A hasher for addresses (keys the program cannot choose): one multiply,
/// as rustc's `FxHasher` does, instead of SipHash's rounds.
#[derive(Default)]
pub struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by addresses.
pub type AddrMap<V> = HashMap<usize, V, BuildHasherDefault<AddrHasher>>;

/// The types of a tuple's items or an instance's arguments, as values.
pub fn tys(items: &[TyRef]) -> Vec<Ty> {
    items.iter().map(TyRef::get).collect()
}

/// Interned items from values.
pub fn items(tys: Vec<Ty>) -> Items {
    tys.into_iter().map(TyRef::new).collect()
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
    pub fn tuple(items: Vec<Ty>) -> Ty {
        Ty::Tuple(Some(self::items(items)))
    }

    pub fn instance(id: ClassId, args: Vec<Ty>) -> Ty {
        Ty::Instance(id, items(args))
    }

    pub fn func(f: FnTy) -> Ty {
        Ty::Func(FnRef::new(f))
    }

    pub fn optional(ty: Ty) -> Ty {
        Ty::union(vec![ty, Ty::None])
    }

    /// The depth and variables of the value, from its direct children.
    fn node_shape(&self) -> Shape {
        let of = |t: &TyRef| t.0.shape.nest();
        let all = |ts: &[TyRef]| {
            ts.iter()
                .fold(Shape::default(), |s, t| s.join(t.0.shape))
                .nest()
        };
        match self {
            Ty::List(t)
            | Ty::ListMut(t)
            | Ty::Set(t)
            | Ty::SetMut(t)
            | Ty::Iterable(t)
            | Ty::Chan(t)
            | Ty::Sender(t)
            | Ty::Receiver(t)
            | Ty::Task(t) => of(t),
            Ty::Dict(k, v) | Ty::DictMut(k, v) => of(k).join(of(v)),
            Ty::Tuple(Some(items)) | Ty::Instance(_, items) => all(items),
            Ty::Func(f) => f.0.shape.nest(),
            Ty::Union(members) => members
                .iter()
                .fold(Shape::default(), |s, m| s.join(m.node_shape())),
            Ty::Var(_) => Shape {
                depth: 0,
                vars: true,
            },
            _ => Shape::default(),
        }
    }

    /// Whether a type parameter occurs in the type.
    pub fn has_vars(&self) -> bool {
        self.node_shape().vars
    }

    /// A union of `items`, flattened and deduplicated (`any` absorbs all;
    /// more than [`MAX_UNION`] alternatives are `any` too).
    pub fn union(items: Vec<Ty>) -> Ty {
        let mut out: Vec<Ty> = Vec::new();
        let mut seen: HashSet<Ty> = HashSet::new();
        for t in items {
            let parts: Vec<Ty> = match t {
                Ty::Union(parts) => parts.to_vec(),
                Ty::Never => continue,
                other => vec![other],
            };
            for p in parts {
                if p == Ty::Any || out.len() >= MAX_UNION {
                    return Ty::Any;
                }
                if seen.insert(p.clone()) {
                    out.push(p);
                }
            }
        }
        match out.len() {
            0 => Ty::Never,
            1 => out.pop().unwrap_or(Ty::Any),
            _ => Ty::Union(out.into()),
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

    /// Replaces type parameters by their bindings (unbound ones become
    /// `any`). Parts without type parameters are kept as they are, and a
    /// shared part is substituted once.
    pub fn subst(&self, binds: &dyn Fn(&str) -> Option<Ty>) -> Ty {
        if !self.has_vars() {
            return self.clone();
        }
        self.subst_in(binds, &mut AddrMap::default())
    }

    fn subst_in(&self, binds: &dyn Fn(&str) -> Option<Ty>, memo: &mut AddrMap<TyRef>) -> Ty {
        if !self.has_vars() {
            return self.clone();
        }
        grow(|| {
            let mut s = |t: &TyRef| subst_ref(t, binds, memo);
            match self {
                Ty::Var(name) => binds(name).unwrap_or(Ty::Any),
                Ty::List(t) => Ty::List(s(t)),
                Ty::ListMut(t) => Ty::ListMut(s(t)),
                Ty::Set(t) => Ty::Set(s(t)),
                Ty::SetMut(t) => Ty::SetMut(s(t)),
                Ty::Dict(k, v) => Ty::Dict(s(k), s(v)),
                Ty::DictMut(k, v) => Ty::DictMut(s(k), s(v)),
                Ty::Tuple(Some(items)) => Ty::Tuple(Some(items.iter().map(s).collect())),
                Ty::Iterable(t) => Ty::Iterable(s(t)),
                Ty::Chan(t) => Ty::Chan(s(t)),
                Ty::Sender(t) => Ty::Sender(s(t)),
                Ty::Receiver(t) => Ty::Receiver(s(t)),
                Ty::Task(t) => Ty::Task(s(t)),
                Ty::Instance(id, args) => Ty::Instance(*id, args.iter().map(s).collect()),
                Ty::Union(items) => {
                    let parts = items.iter().map(|t| t.subst_in(binds, memo)).collect();
                    Ty::union(parts)
                }
                Ty::Func(f) => {
                    let mut g = (**f).clone();
                    for p in &mut g.params {
                        p.ty = p.ty.subst_in(binds, memo);
                    }
                    g.ret = g.ret.subst_in(binds, memo);
                    Ty::func(g)
                }
                other => other.clone(),
            }
        })
    }
}

/// `t` with its type parameters replaced, once per distinct node.
fn subst_ref(t: &TyRef, binds: &dyn Fn(&str) -> Option<Ty>, memo: &mut AddrMap<TyRef>) -> TyRef {
    if !t.has_vars() {
        return t.clone();
    }
    if let Some(done) = memo.get(&t.addr()) {
        return done.clone();
    }
    let done = TyRef::new(t.subst_in(binds, memo));
    memo.insert(t.addr(), done.clone());
    done
}

/// Names of classes, needed to print instance types.
pub trait Names {
    fn class_name(&self, id: ClassId) -> &str;
    fn module_name(&self, id: ModId) -> &str;
}

/// A type for display, elided with `…` beyond [`SHOW_BUDGET`] characters.
pub struct Show<'a> {
    pub ty: &'a Ty,
    pub names: &'a dyn Names,
}

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut p = Printer {
            out: String::new(),
            names: self.names,
        };
        p.ty(self.ty);
        f.write_str(&p.out)
    }
}

/// Writes a type into a string, eliding what does not fit the budget: a
/// part that starts past it is `…`, and so are the remaining items of a
/// list once it is spent. Every part written costs at least one character,
/// so the work is bounded by the budget, not by the type's size.
struct Printer<'a> {
    out: String,
    names: &'a dyn Names,
}

impl Printer<'_> {
    fn spent(&self) -> bool {
        self.out.len() >= SHOW_BUDGET
    }

    fn ty(&mut self, t: &Ty) {
        if self.spent() {
            self.out.push('…');
            return;
        }
        grow(|| self.ty_inner(t));
    }

    fn wrap(&mut self, head: &str, items: &[&Ty]) {
        self.out.push_str(head);
        self.out.push('<');
        self.list(items, ", ");
        self.out.push('>');
    }

    fn list(&mut self, items: &[&Ty], sep: &str) {
        for (i, t) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(sep);
                if self.spent() {
                    self.out.push('…');
                    return;
                }
            }
            self.ty(t);
        }
    }

    fn ty_inner(&mut self, t: &Ty) {
        let names = self.names;
        let simple = match t {
            Ty::Any => "any",
            Ty::Never => "never",
            Ty::None => "None",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Bool => "bool",
            Ty::Str => "string",
            Ty::Tuple(None) => "tuple",
            Ty::TupleMut => "tuple_mut",
            Ty::Range => "range",
            Ty::Myself => "Self",
            _ => "",
        };
        if !simple.is_empty() {
            self.out.push_str(simple);
            return;
        }
        match t {
            Ty::List(t) => self.wrap("list", &[&**t]),
            Ty::ListMut(t) => self.wrap("list_mut", &[&**t]),
            Ty::Set(t) => self.wrap("set", &[&**t]),
            Ty::SetMut(t) => self.wrap("set_mut", &[&**t]),
            Ty::Dict(k, v) => self.wrap("dict", &[&**k, &**v]),
            Ty::DictMut(k, v) => self.wrap("dict_mut", &[&**k, &**v]),
            Ty::Tuple(Some(items)) => {
                let items: Vec<&Ty> = items.iter().map(|t| &**t).collect();
                self.wrap("tuple", &items)
            }
            Ty::Iterable(t) => self.wrap("iterable", &[&**t]),
            Ty::Chan(t) => self.wrap("chan", &[&**t]),
            Ty::Sender(t) => self.wrap("Sender", &[&**t]),
            Ty::Receiver(t) => self.wrap("Receiver", &[&**t]),
            Ty::Task(t) => self.wrap("Task", &[&**t]),
            Ty::Sync(r) => self.out.push_str(&format!("{r:?}")),
            Ty::Func(func) => {
                self.out.push('(');
                for (i, p) in func.params.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                        if self.spent() {
                            self.out.push('…');
                            break;
                        }
                    }
                    match p.kind {
                        PKind::VarArgs => self.out.push('*'),
                        PKind::KwArgs => self.out.push_str("**"),
                        PKind::Normal => {}
                    }
                    self.ty(&p.ty);
                }
                self.out.push_str(") -> ");
                self.ty(&func.ret);
            }
            Ty::Class(id) => {
                self.out.push_str("type[");
                self.out.push_str(names.class_name(*id));
                self.out.push(']');
            }
            Ty::Instance(id, args) => {
                self.out.push_str(names.class_name(*id));
                if !args.is_empty() {
                    self.out.push('<');
                    let args: Vec<&Ty> = args.iter().map(|t| &**t).collect();
                    self.list(&args, ", ");
                    self.out.push('>');
                }
            }
            Ty::Module(id) => {
                self.out.push_str("module ");
                self.out.push_str(names.module_name(*id));
            }
            Ty::Var(name) => self.out.push_str(name),
            Ty::Union(items) => {
                if items.len() == 2 && items.contains(&Ty::None) {
                    let other = items.iter().find(|t| **t != Ty::None).unwrap_or(&Ty::Any);
                    if matches!(other, Ty::Func(_)) {
                        self.out.push('(');
                        self.ty(other);
                        self.out.push_str(")?");
                    } else {
                        self.ty(other);
                        self.out.push('?');
                    }
                    return;
                }
                let items: Vec<&Ty> = items.iter().collect();
                self.list(&items, " | ");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoNames;
    impl Names for NoNames {
        fn class_name(&self, _: ClassId) -> &str {
            "C"
        }
        fn module_name(&self, _: ModId) -> &str {
            "m"
        }
    }

    fn show(t: &Ty) -> String {
        Show {
            ty: t,
            names: &NoNames,
        }
        .to_string()
    }

    /// `x{n}` of `let x{i} = (x{i-1}, x{i-1})`.
    fn doubled(n: usize, leaf: Ty) -> Ty {
        (0..n).fold(leaf, |t, _| Ty::tuple(vec![t.clone(), t]))
    }

    #[test]
    fn equal_structures_are_one_node() {
        let a = doubled(200, Ty::Int);
        let b = doubled(200, Ty::Int);
        assert_eq!(a, b);
        let (Ty::Tuple(Some(x)), Ty::Tuple(Some(y))) = (&a, &b) else {
            panic!("tuples")
        };
        assert_eq!(x[0].addr(), y[1].addr());
        assert_ne!(a, doubled(200, Ty::Str));
    }

    #[test]
    fn substitution_visits_shared_parts_once() {
        let t = doubled(200, Ty::Var("T".into()));
        let s = t.subst(&|_| Some(Ty::Int));
        assert_eq!(s, doubled(200, Ty::Int));
        assert!(!s.has_vars());
    }

    #[test]
    fn printing_stops_at_the_budget() {
        let text = show(&doubled(200, Ty::Int));
        assert!(text.len() < 3 * SHOW_BUDGET, "{} characters", text.len());
        assert!(text.ends_with('>') && text.contains('…'));
        assert_eq!(
            show(&doubled(2, Ty::Int)),
            "tuple<tuple<int, int>, tuple<int, int>>"
        );
    }

    #[test]
    fn nesting_is_bounded_and_dropping_is_shallow() {
        let t = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(|| {
                let deep = (0..100_000).fold(Ty::Int, |t, _| Ty::List(t.into()));
                let mut depth = 0;
                let mut cur = deep.clone();
                while let Ty::List(inner) = cur {
                    depth += 1;
                    cur = inner.get();
                }
                assert_eq!(cur, Ty::Any);
                drop(deep);
                depth
            })
            .unwrap();
        // The outer levels stay; the part below the bound became `any`.
        let depth = t.join().unwrap();
        assert!(depth > 0 && depth <= MAX_DEPTH as usize, "{depth}");
    }

    #[test]
    fn wide_unions_are_any() {
        let members = (0..MAX_UNION + 1)
            .map(|i| doubled(i, Ty::Int))
            .collect::<Vec<_>>();
        assert_eq!(
            Ty::union(members[..MAX_UNION].to_vec()).members().len(),
            MAX_UNION
        );
        assert_eq!(Ty::union(members), Ty::Any);
    }

    #[test]
    fn dead_types_leave_the_table() {
        for i in 0..50_000 {
            let _ = Ty::tuple(vec![Ty::Int, Ty::Var(format!("T{i}").into())]);
        }
        let entries = TYPES.with(|t| t.borrow().entries);
        assert!(entries < 5_000, "{entries} entries");
    }
}
