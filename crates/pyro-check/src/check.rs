//! The checker's state: classes, modules, scopes; type annotations; the
//! signatures of builtins (read from the catalogue); declarations.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use pyro_builtins::{Builtin, Kind, Receiver as R};
use pyro_parser::ast::{self, ParamKind, TypeExpr, TypeKind};
use pyro_source::stack::grow;
use pyro_source::Span;

use crate::diag::{Code, TypeError};
use crate::rel::RelCache;
use crate::ty::{
    tys, AddrMap, ClassId, FnRef, FnTy, Items, ModId, Names, PKind, ParamTy, Show, Ty, TyRef,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    Class,
    Record,
    Interface,
}

/// How a decorated method is read: `@staticmethod` (without a receiver),
/// `@classmethod` (bound to the class), `@property` (its getter's result).
/// Plain methods have no entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Static,
    Class,
    Property,
}

/// What the outermost decorator of a method makes of it (see
/// `Checker::decorated`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decorated {
    /// No decorator, or one the checker does not know.
    Plain,
    Static,
    Class,
    Property,
    /// `@name.setter`.
    Setter(String),
}

#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub name: String,
    pub kind: ClassKind,
    pub type_params: Vec<Rc<str>>,
    /// The base class (an instance type) or, for interfaces, base interfaces.
    pub bases: Vec<Ty>,
    /// Fields: declared in the body, assigned through `self`, or record parameters.
    pub fields: Vec<(String, Ty, Option<Span>)>,
    /// Methods with their `self` parameter (interface methods without it).
    pub methods: Vec<(String, FnRef)>,
    /// Class-level attributes (`X = 1` in the body).
    pub attrs: Vec<(String, Ty)>,
    /// Record fields that have a default value.
    pub defaults: HashSet<String>,
    /// Methods made static, class methods or properties by a decorator.
    pub method_kinds: HashMap<String, MethodKind>,
    /// Property setters (`@name.setter`), by property name, with `self`.
    pub setters: HashMap<String, FnRef>,
    pub span: Option<Span>,
    /// Where each name first occurs in `fields`, `methods` and `attrs`, so
    /// a lookup costs the same in a class of ten thousand members.
    index: [HashMap<String, usize>; 3],
    /// Whether every class above this one was declared before the class
    /// that names it as a base: then no cycle can pass through it, which
    /// spares the search for one (see `stmt::set_bases`).
    pub ordered: bool,
}

impl ClassInfo {
    pub fn new(
        name: String,
        kind: ClassKind,
        type_params: Vec<Rc<str>>,
        span: Option<Span>,
    ) -> ClassInfo {
        ClassInfo {
            name,
            kind,
            type_params,
            bases: vec![],
            fields: vec![],
            methods: vec![],
            attrs: vec![],
            defaults: HashSet::new(),
            method_kinds: HashMap::new(),
            setters: HashMap::new(),
            span,
            index: Default::default(),
            ordered: true,
        }
    }

    pub fn add_field(&mut self, name: String, ty: Ty, span: Option<Span>) {
        self.index[0]
            .entry(name.clone())
            .or_insert(self.fields.len());
        self.fields.push((name, ty, span));
    }

    pub fn add_method(&mut self, name: String, f: FnRef) {
        self.index[1]
            .entry(name.clone())
            .or_insert(self.methods.len());
        self.methods.push((name, f));
    }

    pub fn add_attr(&mut self, name: String, ty: Ty) {
        self.index[2]
            .entry(name.clone())
            .or_insert(self.attrs.len());
        self.attrs.push((name, ty));
    }

    /// A field declared in this class (not its bases), with its span.
    pub fn field_entry(&self, name: &str) -> Option<&(String, Ty, Option<Span>)> {
        self.fields.get(*self.index[0].get(name)?)
    }

    pub fn field(&self, name: &str) -> Option<&Ty> {
        self.field_entry(name).map(|(_, t, _)| t)
    }

    pub fn method(&self, name: &str) -> Option<&FnRef> {
        self.methods.get(*self.index[1].get(name)?).map(|(_, f)| f)
    }

    pub fn attr(&self, name: &str) -> Option<&Ty> {
        self.attrs.get(*self.index[2].get(name)?).map(|(_, t)| t)
    }

    /// How the method `name` is read (None for a plain method).
    pub fn method_kind(&self, name: &str) -> Option<MethodKind> {
        self.method_kinds.get(name).copied()
    }

    /// The setter of the property `name`, if it has one.
    pub fn setter(&self, name: &str) -> Option<&FnRef> {
        self.setters.get(name)
    }
}

#[derive(Clone, Debug)]
pub struct ModInfo {
    pub name: String,
    pub members: HashMap<String, Ty>,
}

#[derive(Clone, Debug)]
pub struct Var {
    pub ty: Ty,
    pub span: Option<Span>,
    /// An entry that narrows an outer variable inside a branch.
    pub narrow: bool,
    /// Declared with an annotation (its type is a promise, not a guess).
    pub annotated: bool,
}

#[derive(Default)]
pub struct Scope {
    pub vars: HashMap<String, Var>,
    pub types: HashMap<String, Ty>,
    /// A function (or module) scope: where plain assignment declares.
    pub function: bool,
}

pub struct FnCtx {
    pub name: String,
    pub ret: Ty,
    pub declared: bool,
}

pub struct Checker {
    pub classes: Vec<ClassInfo>,
    pub modules: Vec<ModInfo>,
    pub scopes: Vec<Scope>,
    pub fns: Vec<FnCtx>,
    pub diags: Vec<TypeError>,
    /// Attribute names assigned anywhere (`x.name = ...`): instances may
    /// gain attributes outside their class, so reads of these are not flagged.
    pub assigned_attrs: HashSet<String>,
    pub prelude: HashMap<&'static str, Ty>,
    pub error_classes: HashMap<&'static str, ClassId>,
    pub error_class: ClassId,
    /// The prelude's records (`Ok`, `Err`).
    pub prelude_records: HashMap<&'static str, ClassId>,
    std_modules: HashMap<String, ModId>,
    file_modules: HashMap<PathBuf, Option<ModId>>,
    method_sigs: HashMap<(R, &'static str), FnRef>,
    pub dir: Option<PathBuf>,
    /// The classes whose method bodies are being checked (for `super()`).
    pub class_stack: Vec<ClassId>,
    next_base: u32,
    /// What the assignability query in progress has decided.
    pub rel: RefCell<RelCache>,
    /// The type aliases of the block being hoisted, resolved on demand.
    pub aliases: HashMap<String, Alias>,
    /// The aliases being resolved, outermost first (to name a cycle).
    pub alias_chain: Vec<String>,
    /// The types of the current statement's collection literal items, by
    /// the address of their expression.
    pub literal_items: AddrMap<Ty>,
    /// What the check of method overrides remembers.
    pub overrides: crate::overrides::Overrides,
}

/// A type alias waiting to be resolved.
pub struct Alias {
    pub params: Vec<Rc<str>>,
    pub ty: TypeExpr,
    pub span: Span,
    /// The scope its resolution is declared in.
    pub scope: usize,
    pub state: AliasState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AliasState {
    Waiting,
    Resolving,
    Done,
    /// Found to refer to itself (reported); its references are `any`.
    Cyclic,
}

/// Offsets at or above this belong to imported modules' sources.
pub const FOREIGN_BASE: u32 = 0x8000_0000;

impl Names for Checker {
    fn class_name(&self, id: ClassId) -> &str {
        &self.classes[id].name
    }
    fn module_name(&self, id: ModId) -> &str {
        &self.modules[id].name
    }
}

/// Parses a catalogue signature `<T>(params) -> ret` into its AST.
fn parse_signature(sig: &str) -> Option<ast::FuncDef> {
    let text = format!("def _{sig}:\n    pass\n");
    let parsed = pyro_parser::parse_text(&text, 0);
    match parsed.module.body.into_iter().next()?.kind {
        ast::StmtKind::FuncDef(f) if parsed.errors.is_empty() => Some(*f),
        _ => None,
    }
}

impl Checker {
    pub fn new(dir: Option<PathBuf>) -> Checker {
        let mut c = Checker::bare(dir);
        c.load_prelude();
        c
    }

    /// A checker without the prelude.
    fn bare(dir: Option<PathBuf>) -> Checker {
        Checker {
            classes: Vec::new(),
            modules: Vec::new(),
            scopes: vec![Scope {
                function: true,
                ..Scope::default()
            }],
            fns: Vec::new(),
            diags: Vec::new(),
            assigned_attrs: HashSet::new(),
            prelude: HashMap::new(),
            error_classes: HashMap::new(),
            error_class: 0,
            prelude_records: HashMap::new(),
            std_modules: HashMap::new(),
            file_modules: HashMap::new(),
            method_sigs: HashMap::new(),
            dir,
            class_stack: Vec::new(),
            next_base: FOREIGN_BASE,
            rel: RefCell::default(),
            aliases: HashMap::new(),
            alias_chain: Vec::new(),
            literal_items: AddrMap::default(),
            overrides: Default::default(),
        }
    }

    pub fn show(&self, ty: &Ty) -> String {
        Show { ty, names: self }.to_string()
    }

    pub fn error(&mut self, e: TypeError) {
        self.diags.push(e);
    }

    // ------------------------------------------------------------ builtins

    fn load_prelude(&mut self) {
        // Error classes first: signatures may name them.
        for b in pyro_builtins::prelude() {
            let info = b.info();
            if info.kind == Kind::ErrorClass {
                let id = self.classes.len();
                let bases = if info.name == "Error" {
                    vec![]
                } else {
                    vec![Ty::instance(self.error_class, vec![])]
                };
                let mut class =
                    ClassInfo::new(info.name.to_string(), ClassKind::Class, vec![], None);
                class.bases = bases;
                for f in ["message", "cause", "traceback"] {
                    class.add_field(f.to_string(), Ty::Any, None);
                }
                self.classes.push(class);
                if info.name == "Error" {
                    self.error_class = id;
                }
                self.error_classes.insert(info.name, id);
            }
        }
        for b in pyro_builtins::prelude() {
            if b.info().kind == Kind::Record {
                self.prelude_record(b);
            }
        }
        for b in pyro_builtins::prelude() {
            let ty = self.builtin_type(b);
            self.prelude.insert(b.name(), ty);
        }
        // Every module's own name (a string the VM sets).
        self.prelude.insert(pyro_compiler::MODULE_NAME, Ty::Str);
        // The error classes' constructor.
        let init = FnRef::new(FnTy {
            name: "__init__".into(),
            type_params: vec![],
            params: vec![
                param("self", Ty::Any, false),
                param("message", Ty::Any, true),
            ],
            ret: Ty::None,
            ret_declared: true,
            span: None,
        });
        for id in self.error_classes.values() {
            self.classes[*id].add_method("__init__".into(), init.clone());
        }
    }

    /// Declares a record of the prelude (`Ok<T>(value: T)`): its catalogue
    /// signature's type parameters and parameters are the record's.
    fn prelude_record(&mut self, b: Builtin) {
        let Some(def) = parse_signature(b.info().signature) else {
            return;
        };
        let vars: Vec<Rc<str>> = def
            .type_params
            .iter()
            .map(|p| Rc::from(p.name.name.as_str()))
            .collect();
        let mut class = ClassInfo::new(b.name().to_string(), ClassKind::Record, vars.clone(), None);
        for p in &def.params {
            let ty =
                p.ty.as_ref()
                    .map_or(Ty::Any, |t| self.resolve_type_quiet(t, &vars));
            class.add_field(p.name.name.clone(), ty, None);
        }
        self.prelude_records.insert(b.name(), self.classes.len());
        self.classes.push(class);
    }

    /// The static type of a catalogue entry.
    pub fn builtin_type(&mut self, b: Builtin) -> Ty {
        let info = b.info();
        match info.kind {
            Kind::ErrorClass => Ty::Class(self.error_classes[info.name]),
            Kind::Record => self
                .prelude_records
                .get(info.name)
                .map_or(Ty::Any, |id| Ty::Class(*id)),
            Kind::Constant => {
                let def = parse_signature(&format!("() -> {}", info.signature));
                def.and_then(|d| d.ret)
                    .map_or(Ty::Any, |t| self.resolve_type_quiet(&t, &[]))
            }
            Kind::Function | Kind::Type => match parse_signature(info.signature) {
                Some(def) => Ty::func(self.signature_of(&def, info.name, &[], None, true)),
                None => Ty::Any,
            },
        }
    }

    /// The signature of a built-in type's method (without `self`).
    pub fn builtin_method(&mut self, r: R, name: &str) -> Option<FnRef> {
        let m = pyro_builtins::method(r, name)?;
        if let Some(sig) = self.method_sigs.get(&(r, m.name)) {
            return Some(sig.clone());
        }
        let vars: Vec<Rc<str>> = ["T", "K", "V"].iter().map(|v| Rc::from(*v)).collect();
        let def = parse_signature(m.signature)?;
        let sig = FnRef::new(self.signature_of(&def, m.name, &vars, None, true));
        self.method_sigs.insert((r, m.name), sig.clone());
        Some(sig)
    }

    // ------------------------------------------------------------ types

    /// Resolves an annotation, reporting unknown type names.
    pub fn resolve_type(&mut self, t: &TypeExpr) -> Ty {
        self.resolve_in(t, &[], true)
    }

    fn resolve_type_quiet(&mut self, t: &TypeExpr, vars: &[Rc<str>]) -> Ty {
        self.resolve_in(t, vars, false)
    }

    fn resolve_in(&mut self, t: &TypeExpr, vars: &[Rc<str>], report: bool) -> Ty {
        grow(|| self.resolve_in_step(t, vars, report))
    }

    fn resolve_in_step(&mut self, t: &TypeExpr, vars: &[Rc<str>], report: bool) -> Ty {
        match &t.kind {
            TypeKind::None => Ty::None,
            TypeKind::Optional(inner) => Ty::optional(self.resolve_in(inner, vars, report)),
            TypeKind::Union(items) => Ty::union(
                items
                    .iter()
                    .map(|i| self.resolve_in(i, vars, report))
                    .collect(),
            ),
            TypeKind::Tuple(items) => Ty::tuple(
                items
                    .iter()
                    .map(|i| self.resolve_in(i, vars, report))
                    .collect(),
            ),
            TypeKind::Function { params, ret } => {
                let params = params
                    .iter()
                    .enumerate()
                    .map(|(i, p)| param(&format!("_{i}"), self.resolve_in(p, vars, report), false))
                    .collect();
                Ty::func(FnTy {
                    name: String::new(),
                    type_params: vec![],
                    params,
                    ret: self.resolve_in(ret, vars, report),
                    ret_declared: true,
                    span: None,
                })
            }
            TypeKind::Named { path, args } => {
                let args: Vec<Ty> = args
                    .iter()
                    .map(|a| self.resolve_in(a, vars, report))
                    .collect();
                let arg = |i: usize| TyRef::new(args.get(i).cloned().unwrap_or(Ty::Any));
                if path.len() == 1 {
                    let name = path[0].name.as_str();
                    if let Some(v) = vars.iter().find(|v| &***v == name) {
                        return Ty::Var(v.clone());
                    }
                    if !self.resolve_alias(name, t.span) {
                        return Ty::Any;
                    }
                    if report && self.lookup_type(name).is_none() {
                        self.check_type_arity(name, args.len(), t.span);
                    }
                    let builtin = match name {
                        "any" => Some(Ty::Any),
                        "int" => Some(Ty::Int),
                        "float" => Some(Ty::Float),
                        "bool" => Some(Ty::Bool),
                        "string" | "str" => Some(Ty::Str),
                        "None" | "void" => Some(Ty::None),
                        "list" => Some(Ty::List(arg(0))),
                        "list_mut" | "ListMutable" => Some(Ty::ListMut(arg(0))),
                        "set" => Some(Ty::Set(arg(0))),
                        "set_mut" | "SetMutable" => Some(Ty::SetMut(arg(0))),
                        "dict" => Some(Ty::Dict(arg(0), arg(1))),
                        "dict_mut" | "DictMutable" => Some(Ty::DictMut(arg(0), arg(1))),
                        "tuple" if args.is_empty() => Some(Ty::Tuple(None)),
                        "tuple" => Some(Ty::tuple(args.clone())),
                        "tuple_mut" | "TupleMutable" => Some(Ty::TupleMut),
                        "range" => Some(Ty::Range),
                        "iterable" => Some(Ty::Iterable(arg(0))),
                        "chan" => Some(Ty::Chan(arg(0))),
                        "Sender" => Some(Ty::Sender(arg(0))),
                        "Receiver" => Some(Ty::Receiver(arg(0))),
                        "Task" => Some(Ty::Task(arg(0))),
                        "Self" => Some(Ty::Myself),
                        _ => None,
                    };
                    if let Some(ty) = builtin {
                        if self.lookup_type(name).is_none() {
                            return ty;
                        }
                    }
                    if let Some(ty) = self.lookup_type(name) {
                        return self.apply_args(ty, &args);
                    }
                    if let Some(r) = sync_receiver(name) {
                        return Ty::Sync(r);
                    }
                    if let Some(id) = self.error_classes.get(name) {
                        return Ty::instance(*id, vec![]);
                    }
                    if let Some(&id) = self.prelude_records.get(name) {
                        return self.apply_args(Ty::Class(id), &args);
                    }
                } else if let Some(ty) = self.resolve_dotted_type(path) {
                    return self.apply_args(ty, &args);
                }
                if report {
                    let name: Vec<&str> = path.iter().map(|p| p.name.as_str()).collect();
                    let name = name.join(".");
                    self.error(
                        TypeError::new(Code::UnknownType, t.span, format!("unknown type `{name}`"))
                            .label("not a type in scope")
                            .help("built-in types are int, float, bool, string, None, any, list<T>, list_mut<T>, dict<K, V>, dict_mut<K, V>, set<T>, set_mut<T>, tuple, chan<T>, Sender<T>, Receiver<T>, Task<T>"),
                    );
                }
                Ty::Any
            }
        }
    }

    /// `dict<int>` and `chan<int, string>`: built-in generics take a fixed
    /// number of type arguments (or none, meaning `any`).
    fn check_type_arity(&mut self, name: &str, given: usize, span: Span) {
        let wanted = match name {
            "list" | "list_mut" | "ListMutable" | "set" | "set_mut" | "SetMutable" | "chan"
            | "Sender" | "Receiver" | "Task" | "iterable" => 1,
            "dict" | "dict_mut" | "DictMutable" => 2,
            "int" | "float" | "bool" | "string" | "str" | "None" | "void" | "any" | "range" => 0,
            _ => return,
        };
        if given != 0 && given != wanted {
            let msg = format!(
                "`{name}` takes {wanted} type argument{}, but {given} {} given",
                if wanted == 1 { "" } else { "s" },
                if given == 1 { "was" } else { "were" }
            );
            self.error(
                TypeError::new(Code::UnknownType, span, msg)
                    .label("wrong number of type arguments"),
            );
        }
    }

    /// `sync.Mutex`, `mod.Class` in an annotation.
    fn resolve_dotted_type(&mut self, path: &[ast::Ident]) -> Option<Ty> {
        let first = self.lookup_var(&path[0].name)?.ty;
        let Ty::Module(m) = first else { return None };
        let last = &path[path.len() - 1].name;
        if self.modules[m].name == "std.sync" {
            if let Some(r) = sync_receiver(last) {
                return Some(Ty::Sync(r));
            }
        }
        match self.modules[m].members.get(last)? {
            Ty::Class(id) => Some(Ty::instance(*id, vec![])),
            _ => None,
        }
    }

    /// A type name's meaning with arguments: a class becomes its instance type.
    fn apply_args(&self, ty: Ty, args: &[Ty]) -> Ty {
        match ty {
            Ty::Class(id) => {
                let n = self.classes[id].type_params.len();
                let mut args = args.to_vec();
                args.resize(n, Ty::Any);
                Ty::instance(id, args)
            }
            Ty::Instance(id, _) if !args.is_empty() => Ty::instance(id, args.to_vec()),
            other => other,
        }
    }

    /// A function's signature from its definition. `class` gives the type of
    /// an unannotated first parameter (`self`).
    pub fn signature_of(
        &mut self,
        def: &ast::FuncDef,
        name: &str,
        outer_vars: &[Rc<str>],
        self_ty: Option<Ty>,
        builtin: bool,
    ) -> FnTy {
        let mut vars: Vec<Rc<str>> = outer_vars.to_vec();
        let own: Vec<Rc<str>> = def
            .type_params
            .iter()
            .map(|p| Rc::from(p.name.name.as_str()))
            .collect();
        vars.extend(own.iter().cloned());
        // A catalogue signature is trusted: nothing to report, no span.
        let report = !builtin;
        let mut params = Vec::new();
        let mut kw_only = false;
        for (i, p) in def.params.iter().enumerate() {
            let ty = match (&p.ty, i, &self_ty) {
                (Some(t), _, _) => self.resolve_in(t, &vars, report),
                (None, 0, Some(s)) => s.clone(),
                (None, _, _) => Ty::Any,
            };
            let kind = match p.kind {
                ParamKind::Normal => PKind::Normal,
                ParamKind::VarArgs => PKind::VarArgs,
                ParamKind::KwArgs => PKind::KwArgs,
            };
            params.push(ParamTy {
                name: p.name.name.clone(),
                ty,
                has_default: p.default.is_some(),
                kind,
                kw_only,
            });
            if kind == PKind::VarArgs {
                kw_only = true;
            }
        }
        let ret = def
            .ret
            .as_ref()
            .map_or(Ty::Any, |t| self.resolve_in(t, &vars, report));
        FnTy {
            name: name.to_string(),
            type_params: own,
            params,
            ret,
            ret_declared: def.ret.is_some(),
            span: (!builtin).then_some(def.name.span),
        }
    }

    // ------------------------------------------------------------ scopes

    pub fn push_scope(&mut self, function: bool) {
        self.scopes.push(Scope {
            function,
            ..Scope::default()
        });
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    pub fn lookup_var(&self, name: &str) -> Option<Var> {
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.vars.get(name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// The declaration of a variable (skipping narrowed views of it).
    pub fn lookup_decl(&self, name: &str) -> Option<Var> {
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.vars.get(name) {
                if !v.narrow {
                    return Some(v.clone());
                }
            }
        }
        None
    }

    pub fn lookup_type(&self, name: &str) -> Option<Ty> {
        for s in self.scopes.iter().rev() {
            if let Some(t) = s.types.get(name) {
                return Some(t.clone());
            }
        }
        None
    }

    /// Declares a block-scoped name (`let`, a parameter, a loop variable).
    pub fn declare(&mut self, name: &str, ty: Ty, span: Option<Span>, annotated: bool) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.vars.insert(
                name.to_string(),
                Var {
                    ty,
                    span,
                    narrow: false,
                    annotated,
                },
            );
        }
    }

    /// Declares a name at function level (plain assignment to an unbound name).
    pub fn declare_function_level(&mut self, name: &str, ty: Ty, span: Option<Span>) {
        if let Some(scope) = self.scopes.iter_mut().rev().find(|s| s.function) {
            scope.vars.insert(
                name.to_string(),
                Var {
                    ty,
                    span,
                    narrow: false,
                    annotated: false,
                },
            );
        }
    }

    /// Narrows `name` to `ty` in the innermost scope.
    pub fn narrow_var(&mut self, name: &str, ty: Ty) {
        let decl = self.lookup_var(name);
        if decl.is_none() && !name.contains('.') {
            return;
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.vars.insert(
                name.to_string(),
                Var {
                    ty,
                    span: decl.as_ref().and_then(|d| d.span),
                    narrow: true,
                    annotated: decl.is_some_and(|d| d.annotated),
                },
            );
        }
    }

    /// Changes the declared type of a variable (and drops narrowed views).
    pub fn retype(&mut self, name: &str, ty: Ty) {
        for s in self.scopes.iter_mut().rev() {
            if let Some(v) = s.vars.get_mut(name) {
                v.ty = ty.clone();
                if !v.narrow {
                    break;
                }
            }
        }
    }

    /// After an assignment, narrowed views of `name` see the new value.
    pub fn renarrow(&mut self, name: &str, ty: &Ty) {
        for s in self.scopes.iter_mut().rev() {
            match s.vars.get_mut(name) {
                Some(v) if v.narrow => v.ty = ty.clone(),
                Some(_) => break,
                None => {}
            }
        }
    }

    // ------------------------------------------------------------ classes

    pub fn base_of(&self, id: ClassId, args: &[TyRef]) -> Option<Ty> {
        let info = &self.classes[id];
        if info.kind == ClassKind::Interface {
            return None;
        }
        let base = info.bases.first()?;
        let binds = crate::rel::bindings(&info.type_params, args);
        Some(base.subst(&|n| binds.get(n).cloned()))
    }

    /// Every method an interface requires, its bases' included.
    pub fn interface_methods(&self, id: ClassId) -> Vec<(String, FnRef)> {
        let mut out: Vec<(String, FnRef)> = Vec::new();
        let mut todo = vec![id];
        let mut seen = HashSet::new();
        while let Some(i) = todo.pop() {
            if !seen.insert(i) {
                continue;
            }
            for (n, f) in &self.classes[i].methods {
                if !out.iter().any(|(m, _)| m == n) {
                    out.push((n.clone(), f.clone()));
                }
            }
            for b in &self.classes[i].bases {
                if let Ty::Instance(b, _) = b {
                    todo.push(*b);
                }
            }
        }
        out
    }

    /// A member of an instance type, walking the base classes (or an
    /// interface's bases): a field's type, or a method bound to the instance.
    pub fn member_of_instance(&self, id: ClassId, args: &[TyRef], name: &str) -> Option<Ty> {
        let mut todo: Vec<(ClassId, Items)> = vec![(id, args.into())];
        let mut seen: HashSet<ClassId> = HashSet::new();
        while let Some((cid, cargs)) = todo.pop() {
            // Declared bases never form a cycle (see `stmt::cut_cycles`);
            // the set keeps a shared interface base from being searched twice.
            if !seen.insert(cid) {
                continue;
            }
            let info = &self.classes[cid];
            let binds = crate::rel::bindings(&info.type_params, &cargs);
            let sub = |t: &Ty| t.subst(&|n| binds.get(n).cloned());
            if let Some(t) = info.field(name) {
                return Some(sub(t));
            }
            if let Some(f) = info.method(name) {
                let f = match info.method_kind(name) {
                    _ if info.kind == ClassKind::Interface => (**f).clone(),
                    Some(MethodKind::Static) => (**f).clone(),
                    Some(MethodKind::Property) => return Some(sub(&f.ret)),
                    Some(MethodKind::Class) | None => f.bound(),
                };
                return Some(sub(&Ty::func(f)));
            }
            if let Some(t) = info.attr(name) {
                return Some(sub(t));
            }
            if info.kind == ClassKind::Interface {
                for b in info.bases.iter().rev() {
                    if let Ty::Instance(b, bargs) = b {
                        todo.push((*b, bargs.clone()));
                    }
                }
            } else if let Some(Ty::Instance(b, bargs)) = self.base_of(cid, &cargs) {
                todo.push((b, bargs));
            }
        }
        None
    }

    /// Whether the class (or a base) is unknown territory: a base we could
    /// not resolve makes every attribute possible.
    pub fn has_unknown_base(&self, id: ClassId) -> bool {
        let mut current = Some(id);
        let mut guard = 0;
        while let Some(c) = current {
            guard += 1;
            if guard > 64 {
                return true;
            }
            match self.classes[c].bases.first() {
                Some(Ty::Instance(b, _)) => current = Some(*b),
                Some(_) => return true,
                None => current = None,
            }
        }
        false
    }

    /// The type of a method (bound) or callable member of any type.
    pub fn method_type(&self, ty: &Ty, name: &str) -> Option<Ty> {
        match ty {
            Ty::Instance(id, args) => self.member_of_instance(*id, args, name),
            _ => {
                let r = receiver_of(ty)
                    .into_iter()
                    .find(|r| pyro_builtins::has_method(*r, name))?;
                let m = pyro_builtins::method(r, name)?;
                let def = parse_signature(m.signature)?;
                let vars: Vec<Rc<str>> = ["T", "K", "V"].iter().map(|v| Rc::from(*v)).collect();
                // Without `&mut self`: a throwaway resolution of the signature.
                let mut scratch = Checker::bare(None);
                let sig = scratch.signature_of(&def, name, &vars, None, true);
                Some(self.instantiate_method(ty, &sig))
            }
        }
    }

    /// Substitutes a receiver's type arguments (`T`, `K`, `V`, `Self`) into
    /// a built-in method signature.
    pub fn instantiate_method(&self, recv: &Ty, sig: &FnTy) -> Ty {
        let (t, k, v) = match recv {
            Ty::List(t)
            | Ty::ListMut(t)
            | Ty::Set(t)
            | Ty::SetMut(t)
            | Ty::Chan(t)
            | Ty::Sender(t)
            | Ty::Receiver(t)
            | Ty::Task(t) => ((**t).clone(), Ty::Any, Ty::Any),
            Ty::Dict(k, v) | Ty::DictMut(k, v) => (Ty::Any, (**k).clone(), (**v).clone()),
            Ty::Tuple(Some(items)) => (crate::rel::join(tys(items)), Ty::Any, Ty::Any),
            _ => (Ty::Any, Ty::Any, Ty::Any),
        };
        let f = Ty::func(sig.clone()).subst(&|n| match n {
            "T" => Some(t.clone()),
            "K" => Some(k.clone()),
            "V" => Some(v.clone()),
            _ => None,
        });
        replace_self(&f, recv)
    }

    // ------------------------------------------------------------ modules

    /// The module an import names, loading its signatures once.
    pub fn module(&mut self, name: &str, span: Span) -> Option<ModId> {
        if let Some(id) = self.std_modules.get(name) {
            return Some(*id);
        }
        if name.starts_with("std.") || name == "std" {
            let native = pyro_builtins::native_module(name);
            let pyro = pyro_builtins::PYRO_STD.iter().find(|(n, _)| *n == name);
            if native.is_none() && pyro.is_none() {
                self.error(
                    TypeError::new(
                        Code::UnknownModule,
                        span,
                        format!("there is no module `{name}`"),
                    )
                    .label("unknown standard module")
                    .help(format!(
                        "standard modules: {}",
                        std_module_names().join(", ")
                    )),
                );
                return None;
            }
            let id = self.modules.len();
            self.modules.push(ModInfo {
                name: name.to_string(),
                members: HashMap::new(),
            });
            self.std_modules.insert(name.to_string(), id);
            let mut members = HashMap::new();
            if let Some(native) = native {
                for b in native.members {
                    let ty = self.builtin_type(*b);
                    members.insert(b.name().to_string(), ty);
                }
            }
            if let Some((_, source)) = pyro {
                members.extend(self.module_members(source, None));
            }
            members.insert(pyro_compiler::MODULE_NAME.to_string(), Ty::Str);
            self.modules[id].members = members;
            return Some(id);
        }
        let dir = self.dir.clone()?;
        let relative = if name.ends_with(".pyro") || name.contains('/') {
            PathBuf::from(name)
        } else {
            PathBuf::from(format!("{}.pyro", name.replace('.', "/")))
        };
        let path = dir.join(relative);
        let key = std::fs::canonicalize(&path).unwrap_or(path.clone());
        if let Some(id) = self.file_modules.get(&key) {
            return *id;
        }
        let Ok(source) = std::fs::read_to_string(&path) else {
            self.error(
                TypeError::new(Code::UnknownModule, span, format!("cannot find module `{name}`"))
                    .label(format!("no file {}", path.display()))
                    .help("a module is a `.pyro` file next to the importing file, or a standard module `std.*`"),
            );
            return None;
        };
        // Imports may be cyclic: mark it in progress (unknown) first.
        self.file_modules.insert(key.clone(), None);
        let id = self.modules.len();
        self.modules.push(ModInfo {
            name: name.to_string(),
            members: HashMap::new(),
        });
        let mut members = self.module_members(&source, key.parent().map(Path::to_path_buf));
        members.insert(pyro_compiler::MODULE_NAME.to_string(), Ty::Str);
        self.modules[id].members = members;
        self.file_modules.insert(key, Some(id));
        Some(id)
    }

    /// The top-level names of a module's source and their types. Errors in it
    /// are not reported here (checking that file reports them).
    fn module_members(&mut self, source: &str, dir: Option<PathBuf>) -> HashMap<String, Ty> {
        // Spans of other files live above FOREIGN_BASE: they identify
        // definitions but are never shown (this file's map lacks them).
        let base = self.next_base;
        self.next_base = self.next_base.saturating_add(source.len() as u32 + 1);
        let parsed = pyro_parser::parse_text(source, base);
        let saved_scopes = std::mem::replace(
            &mut self.scopes,
            vec![Scope {
                function: true,
                ..Scope::default()
            }],
        );
        let saved_fns = std::mem::take(&mut self.fns);
        let saved_dir = std::mem::replace(&mut self.dir, dir);
        let saved_attrs = self.assigned_attrs.clone();
        let n = self.diags.len();
        self.check_module(&parsed.module);
        self.diags.truncate(n);
        self.assigned_attrs = saved_attrs;
        self.dir = saved_dir;
        self.fns = saved_fns;
        let scope = std::mem::replace(&mut self.scopes, saved_scopes);
        scope
            .into_iter()
            .next()
            .map(|s| s.vars.into_iter().map(|(k, v)| (k, v.ty)).collect())
            .unwrap_or_default()
    }
}

pub fn param(name: &str, ty: Ty, has_default: bool) -> ParamTy {
    ParamTy {
        name: name.to_string(),
        ty,
        has_default,
        kind: PKind::Normal,
        kw_only: false,
    }
}

pub fn sync_receiver(name: &str) -> Option<R> {
    Some(match name {
        "Mutex" => R::Mutex,
        "RwLock" => R::RwLock,
        "RwLockGuard" => R::RwLockGuard,
        "WaitGroup" => R::WaitGroup,
        "Semaphore" => R::Semaphore,
        "Event" => R::Event,
        "Barrier" => R::Barrier,
        "Atomic" => R::Atomic,
        _ => return None,
    })
}

/// The method-catalogue groups a built-in type answers from, most specific first.
pub fn receiver_of(ty: &Ty) -> Vec<R> {
    match ty {
        Ty::Str => vec![R::Str],
        Ty::List(_) | Ty::ListMut(_) => vec![R::Seq, R::ListMut],
        Ty::Tuple(_) | Ty::TupleMut => vec![R::Seq],
        Ty::Dict(..) | Ty::DictMut(..) => vec![R::Dict, R::DictMut],
        Ty::Set(_) | Ty::SetMut(_) => vec![R::Set, R::SetMut],
        Ty::Int | Ty::Bool => vec![R::Int],
        Ty::Float => vec![R::Float],
        Ty::Chan(_) => vec![R::Chan],
        Ty::Sender(_) => vec![R::Sender],
        Ty::Receiver(_) => vec![R::Receiver],
        Ty::Task(_) => vec![R::Task],
        Ty::Sync(r) => vec![*r],
        _ => vec![],
    }
}

fn replace_self(ty: &Ty, recv: &Ty) -> Ty {
    match ty {
        Ty::Myself => recv.clone(),
        Ty::Func(f) => {
            let mut g = (**f).clone();
            for p in &mut g.params {
                p.ty = replace_self(&p.ty, recv);
            }
            g.ret = replace_self(&g.ret, recv);
            Ty::func(g)
        }
        other => other.clone(),
    }
}

pub fn std_module_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = pyro_builtins::NATIVE_MODULES
        .iter()
        .map(|m| m.name)
        .chain(pyro_builtins::PYRO_STD.iter().map(|(n, _)| *n))
        .filter(|n| !n.starts_with("std._"))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}
