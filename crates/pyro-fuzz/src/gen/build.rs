//! Building random, well-typed, terminating sequential programs as trees.
//!
//! The builder tracks the type of every variable, function and class it
//! made, so each expression it writes has a known type and the program
//! means the same thing in Pyro and in Python: names are fresh and never
//! shadowed, functions assign only their own locals (Python would need
//! `nonlocal`), loops are bounded by construction, recursion is bounded by a
//! depth argument, and every operation that may raise sits under a `try`
//! that prints the error's class. Errors the generator does not expect
//! (an index out of range, a missing key, a 64-bit overflow) are fine: both
//! languages must raise the same class at the same point.

use super::ast::*;
use crate::rng::Rng;

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Int,
    Float,
    Str,
    Bool,
    List(Box<Ty>),
    ListMut(Box<Ty>),
    Tuple(Vec<Ty>),
    Dict(Box<Ty>),
    DictMut(Box<Ty>),
    Obj(usize),
}

impl Ty {
    /// Values of the type can be ordered with `<` and sorted.
    fn orderable(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Str)
    }
}

#[derive(Clone, Debug)]
struct Func {
    name: String,
    params: Vec<Ty>,
    ret: Ty,
}

#[derive(Clone, Debug)]
enum Member {
    Field(String),
    Method(Func),
}

#[derive(Clone, Debug)]
struct Class {
    name: String,
    fields: Vec<(String, Ty)>,
    methods: Vec<Func>,
    has_eq: bool,
    has_lt: bool,
}

/// How wild the numbers may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Values both languages agree on (the differential target).
    Differential,
    /// Also extreme values, deeper recursion and Pyro-only natives.
    Hostile,
}

pub struct Builder<'r> {
    rng: &'r mut Rng,
    flavor: Flavor,
    scopes: Vec<Vec<(String, Ty)>>,
    /// Index of the first scope that belongs to the function being built:
    /// only those variables may be assigned.
    function_base: usize,
    funcs: Vec<Func>,
    classes: Vec<Class>,
    errors: Vec<String>,
    fresh: usize,
    budget: usize,
    depth: usize,
    in_loop: bool,
}

const WORDS: &[&str] = &[
    "a",
    "b",
    "ab",
    "hello",
    "x y",
    "Zz",
    "",
    " pad ",
    "q,r,s",
    "ünï",
    "漢字",
    "it's",
    "say \"hi\"",
    "tab\tx",
    "back\\slash",
    "line\nbreak",
    "{}",
    "42",
    "-7",
    "3.5",
];

impl<'r> Builder<'r> {
    pub fn new(rng: &'r mut Rng, flavor: Flavor) -> Builder<'r> {
        Builder {
            rng,
            flavor,
            scopes: vec![Vec::new()],
            function_base: 0,
            funcs: Vec::new(),
            classes: Vec::new(),
            errors: Vec::new(),
            fresh: 0,
            budget: 0,
            depth: 0,
            in_loop: false,
        }
    }

    /// A module of about `statements` statements.
    pub fn module(&mut self, statements: usize) -> Vec<Stmt> {
        self.budget = statements;
        let mut body = Vec::new();
        while self.budget > 0 {
            let stmt = self.top_level();
            body.extend(stmt);
        }
        body
    }

    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn declare(&mut self, name: &str, ty: Ty) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), ty));
        }
    }

    /// The visible variables of type `ty` (assignable ones only when
    /// `own` is set).
    fn vars_of(&self, ty: &Ty, own: bool) -> Vec<String> {
        let from = if own { self.function_base } else { 0 };
        self.scopes[from..]
            .iter()
            .flatten()
            .filter(|(_, t)| t == ty)
            .map(|(n, _)| n.clone())
            .collect()
    }

    fn any_var(&mut self, own: bool) -> Option<(String, Ty)> {
        let from = if own { self.function_base } else { 0 };
        let all: Vec<(String, Ty)> = self.scopes[from..].iter().flatten().cloned().collect();
        if all.is_empty() {
            return None;
        }
        Some(self.rng.pick(&all).clone())
    }

    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(Vec::new());
        let out = f(self);
        self.scopes.pop();
        out
    }

    // ----- types -----

    fn scalar_ty(&mut self) -> Ty {
        match self.rng.below(4) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Str,
            _ => Ty::Bool,
        }
    }

    fn any_ty(&mut self) -> Ty {
        match self.rng.below(12) {
            0..=4 => self.scalar_ty(),
            5 => Ty::List(Box::new(self.scalar_ty())),
            6 => Ty::ListMut(Box::new(self.scalar_ty())),
            7 => Ty::Tuple(
                (0..self.rng.range(1, 3))
                    .map(|_| self.scalar_ty())
                    .collect(),
            ),
            8 => Ty::Dict(Box::new(self.scalar_ty())),
            9 => Ty::DictMut(Box::new(self.scalar_ty())),
            _ if !self.classes.is_empty() => Ty::Obj(self.rng.below(self.classes.len())),
            _ => Ty::Int,
        }
    }

    // ----- statements -----

    fn top_level(&mut self) -> Vec<Stmt> {
        self.budget = self.budget.saturating_sub(1);
        match self.rng.below(20) {
            0..=2 => vec![self.def_function()],
            3 => vec![self.def_class()],
            4 => vec![self.def_error()],
            5..=6 => vec![self.try_stmt()],
            _ => {
                let stmt = self.stmt();
                // A `let` stays outside the guard: its name must remain
                // visible (bindings are block-scoped in Pyro).
                if self.rng.chance(60) && !matches!(stmt, Stmt::Let(..)) {
                    vec![guarded(vec![stmt], "error:")]
                } else {
                    vec![stmt]
                }
            }
        }
    }

    fn block(&mut self, len: usize) -> Vec<Stmt> {
        self.depth += 1;
        let body = self.scoped(|b| (0..len.max(1)).map(|_| b.stmt()).collect());
        self.depth -= 1;
        body
    }

    fn stmt(&mut self) -> Stmt {
        self.budget = self.budget.saturating_sub(1);
        let nested = self.depth < 3;
        match self.rng.below(22) {
            0..=3 => {
                let ty = self.any_ty();
                let value = self.expr(&ty, 0);
                let name = self.name("v");
                self.declare(&name, ty);
                Stmt::Let(name, value)
            }
            4 => self.assign(),
            5..=8 => {
                let n = self.rng.range(1, 3);
                let values = (0..n)
                    .map(|_| {
                        let ty = self.any_ty();
                        self.expr(&ty, 0)
                    })
                    .collect();
                Stmt::Print(values)
            }
            9 if nested => {
                let cond = self.expr(&Ty::Bool, 0);
                let then = self.block(2);
                let otherwise = if self.rng.chance(50) {
                    self.block(1)
                } else {
                    Vec::new()
                };
                Stmt::If(cond, then, otherwise)
            }
            10 if nested => self.for_loop(),
            11 if nested => self.while_loop(),
            12 => self.mutate_collection(),
            13 if nested => self.try_stmt(),
            14 if self.in_loop => {
                let cond = self.expr(&Ty::Bool, 1);
                let jump = if self.rng.chance(50) {
                    Stmt::Break
                } else {
                    Stmt::Continue
                };
                Stmt::If(cond, vec![jump], Vec::new())
            }
            15 if !self.errors.is_empty() => {
                let cond = self.expr(&Ty::Bool, 1);
                let raise = self.raise();
                Stmt::If(cond, vec![raise], Vec::new())
            }
            16 if !self.funcs.is_empty() => {
                let f = self.rng.pick(&self.funcs).clone();
                Stmt::Expr(self.call_func(&f))
            }
            17 => {
                let ty = self.any_ty();
                let value = self.expr(&ty, 0);
                let shown = conv(Conv::Str, value);
                let label = self.rng.pick(WORDS).to_string();
                let spec = self.fstring_spec();
                Stmt::Print(vec![
                    Expr::FStr(vec![
                        FPart::Lit(label),
                        FPart::Field(var_or_int(self, spec.is_some()), spec),
                        FPart::Lit(" ".into()),
                    ]),
                    shown,
                ])
            }
            _ => {
                let ty = self.scalar_ty();
                Stmt::Print(vec![self.expr(&ty, 0)])
            }
        }
    }

    fn assign(&mut self) -> Stmt {
        match self.any_var(true) {
            Some((name, Ty::Int)) if self.rng.chance(50) => {
                let op = *self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                let value = self.expr(&Ty::Int, 1);
                Stmt::AugAssign(Expr::Var(name), op, value)
            }
            Some((name, Ty::Str)) if self.rng.chance(50) => {
                let value = self.expr(&Ty::Str, 1);
                Stmt::AugAssign(Expr::Var(name), BinOp::Add, value)
            }
            Some((name, ty)) => {
                let value = self.expr(&ty, 0);
                Stmt::Assign(Expr::Var(name), value)
            }
            None => Stmt::Pass,
        }
    }

    fn for_loop(&mut self) -> Stmt {
        let saved = self.in_loop;
        self.in_loop = true;
        let stmt = self.scoped(|b| {
            let (names, iter) = match b.rng.below(4) {
                0 => {
                    let elem = b.scalar_ty();
                    let iter = b.expr(&Ty::List(Box::new(elem.clone())), 1);
                    let name = b.name("i");
                    b.declare(&name, elem);
                    (vec![name], iter)
                }
                1 => {
                    let elem = b.scalar_ty();
                    let iter = func(
                        "enumerate",
                        vec![b.expr(&Ty::List(Box::new(elem.clone())), 1)],
                    );
                    let (i, x) = (b.name("i"), b.name("x"));
                    b.declare(&i, Ty::Int);
                    b.declare(&x, elem);
                    (vec![i, x], iter)
                }
                2 => {
                    let elem = b.scalar_ty();
                    let d = b.expr(&Ty::Dict(Box::new(elem.clone())), 1);
                    let (k, v) = (b.name("k"), b.name("x"));
                    b.declare(&k, Ty::Str);
                    b.declare(&v, elem);
                    (vec![k, v], method(d, "items", vec![]))
                }
                _ => {
                    let stop = b.rng.range(0, 6);
                    let name = b.name("i");
                    b.declare(&name, Ty::Int);
                    (vec![name], func("range", vec![int(stop)]))
                }
            };
            let body = b.block(2);
            Stmt::For(names, iter, body)
        });
        self.in_loop = saved;
        stmt
    }

    fn while_loop(&mut self) -> Stmt {
        // `mut c = 0` / `while c < n: c += 1; ...`: bounded whatever the
        // body does (a `continue` cannot skip the increment).
        let counter = self.name("c");
        let limit = self.rng.range(0, 5);
        let saved = self.in_loop;
        self.in_loop = true;
        let mut body = vec![Stmt::AugAssign(var(&counter), BinOp::Add, int(1))];
        body.extend(self.block(2));
        self.in_loop = saved;
        Stmt::If(
            Expr::Bool(true),
            vec![
                Stmt::Let(counter.clone(), int(0)),
                Stmt::While(cmp(CmpOp::Lt, var(&counter), int(limit)), body),
            ],
            Vec::new(),
        )
    }

    fn mutate_collection(&mut self) -> Stmt {
        let lists: Vec<(String, Ty)> = self
            .scopes
            .iter()
            .flatten()
            .filter(|(_, t)| matches!(t, Ty::ListMut(_) | Ty::DictMut(_)))
            .cloned()
            .collect();
        if lists.is_empty() {
            return Stmt::Pass;
        }
        let (name, ty) = self.rng.pick(&lists).clone();
        let target = var(&name);
        match ty {
            Ty::ListMut(elem) => match self.rng.below(7) {
                0 | 1 => Stmt::Expr(method(target, "append", vec![self.expr(&elem, 1)])),
                2 => Stmt::Expr(method(target, "pop", vec![])),
                3 => {
                    let at = self.small_int();
                    Stmt::Expr(method(target, "insert", vec![at, self.expr(&elem, 1)]))
                }
                4 => {
                    let at = self.small_int();
                    Stmt::Assign(index(target, at), self.expr(&elem, 1))
                }
                5 if elem.orderable() => Stmt::Expr(method(target, "sort", vec![])),
                _ => Stmt::Expr(method(target, "reverse", vec![])),
            },
            Ty::DictMut(elem) => {
                let key = self.expr(&Ty::Str, 2);
                if self.rng.chance(70) {
                    Stmt::Assign(index(target, key), self.expr(&elem, 1))
                } else {
                    Stmt::Expr(method(target, "pop", vec![key]))
                }
            }
            _ => Stmt::Pass,
        }
    }

    fn raise(&mut self) -> Stmt {
        let class = self.rng.pick(&self.errors).clone();
        let message = self.expr(&Ty::Str, 2);
        Stmt::Raise {
            error: func(&class, vec![message]),
            cause: None,
        }
    }

    fn try_stmt(&mut self) -> Stmt {
        let mut body = self.block(2);
        if !self.errors.is_empty() && self.rng.chance(50) {
            body.push(self.raise());
        }
        let mut handlers = Vec::new();
        if !self.errors.is_empty() && self.rng.chance(60) {
            let class = self.rng.pick(&self.errors).clone();
            let e = self.name("e");
            let mut hbody = vec![print(vec![
                string("caught"),
                conv(Conv::TypeName, var(&e)),
                attr(var(&e), "message"),
            ])];
            if self.rng.chance(30) {
                // A cause chain: re-raise as another class, caught by the
                // enclosing guard, which prints the cause's class.
                let other = self.rng.pick(&self.errors).clone();
                let outer = self.name("e");
                hbody = vec![Stmt::Try {
                    body: vec![Stmt::Raise {
                        error: func(&other, vec![string("wrapped")]),
                        cause: Some(var(&e)),
                    }],
                    handlers: vec![Handler {
                        classes: vec!["Error".into()],
                        name: Some(outer.clone()),
                        body: vec![print(vec![
                            string("chain"),
                            conv(Conv::TypeName, var(&outer)),
                            conv(Conv::TypeName, conv(Conv::Cause, var(&outer))),
                        ])],
                    }],
                    finally: Vec::new(),
                }];
            }
            handlers.push(Handler {
                classes: vec![class],
                name: Some(e),
                body: hbody,
            });
        }
        if self.rng.chance(40) {
            let classes = vec![
                self.rng
                    .pick(&[
                        "ZeroDivisionError",
                        "IndexError",
                        "KeyError",
                        "ValueError",
                        "OverflowError",
                        "TypeError",
                    ])
                    .to_string(),
                self.rng
                    .pick(&["ZeroDivisionError", "IndexError", "KeyError"])
                    .to_string(),
            ];
            let e = self.name("e");
            handlers.push(Handler {
                classes,
                name: Some(e.clone()),
                body: vec![print(vec![
                    string("builtin"),
                    conv(Conv::TypeName, var(&e)),
                ])],
            });
        }
        let e = self.name("e");
        handlers.push(Handler {
            classes: vec!["Error".into()],
            name: Some(e.clone()),
            body: vec![print(vec![string("any"), conv(Conv::TypeName, var(&e))])],
        });
        let finally = if self.rng.chance(40) {
            vec![print(vec![string("finally")])]
        } else {
            Vec::new()
        };
        Stmt::Try {
            body,
            handlers,
            finally,
        }
    }

    // ----- definitions -----

    fn def_error(&mut self) -> Stmt {
        let name = self.name("E");
        let base = if !self.errors.is_empty() && self.rng.chance(40) {
            self.rng.pick(&self.errors).clone()
        } else {
            "Error".to_string()
        };
        self.errors.push(name.clone());
        Stmt::Class(ClassDef {
            name,
            base: Some(base),
            methods: Vec::new(),
        })
    }

    /// Runs `f` as the body of a new function with the given parameters.
    fn function_body<T>(&mut self, params: &[(String, Ty)], f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = (self.function_base, self.in_loop, self.depth);
        self.scopes.push(params.to_vec());
        self.function_base = self.scopes.len() - 1;
        self.in_loop = false;
        self.depth += 1;
        let out = f(self);
        self.scopes.pop();
        (self.function_base, self.in_loop, self.depth) = saved;
        out
    }

    fn def_function(&mut self) -> Stmt {
        let name = self.name("f");
        let ret = self.any_ty();
        if self.rng.chance(30) {
            return self.def_recursive(name, ret);
        }
        let params: Vec<(String, Ty)> = (0..self.rng.below(3))
            .map(|_| (self.name("p"), self.scalar_ty()))
            .collect();
        let with_default = self.rng.chance(30) && !params.is_empty();
        let body = self.function_body(&params, |b| {
            let mut body: Vec<Stmt> = (0..b.rng.range(0, 3)).map(|_| b.stmt()).collect();
            if b.rng.chance(30) {
                // A closure over the function's parameters and locals.
                let inner = b.name("g");
                let inner_ret = b.scalar_ty();
                let value = b.expr(&inner_ret, 0);
                body.push(def(&inner, &[], vec![ret_(value)]));
                b.funcs.push(Func {
                    name: inner.clone(),
                    params: Vec::new(),
                    ret: inner_ret.clone(),
                });
                let local = b.name("v");
                body.push(Stmt::Let(local.clone(), func(&inner, vec![])));
                b.funcs.pop();
                b.declare(&local, inner_ret);
            }
            body.push(ret_(b.expr(&ret, 0)));
            body
        });
        let mut params_out: Vec<Param> = params
            .iter()
            .map(|(n, _)| Param {
                name: n.clone(),
                default: None,
            })
            .collect();
        if with_default {
            let last = params.len() - 1;
            params_out[last].default = Some(self.literal(&params[last].1));
        }
        self.funcs.push(Func {
            name: name.clone(),
            params: params.iter().map(|(_, t)| t.clone()).collect(),
            ret,
        });
        Stmt::Def(FuncDef {
            name,
            params: params_out,
            body,
        })
    }

    /// `def f(n, x): if n <= 0: return base; return combine(f(n - 1, x))`.
    fn def_recursive(&mut self, name: String, ret: Ty) -> Stmt {
        let n = self.name("n");
        let x = self.name("p");
        let xty = self.scalar_ty();
        let params = vec![(n.clone(), Ty::Int), (x.clone(), xty.clone())];
        let f = Func {
            name: name.clone(),
            params: vec![Ty::Int, xty],
            ret: ret.clone(),
        };
        let body = self.function_body(&params, |b| {
            let base = b.expr(&ret, 1);
            b.funcs.push(f.clone());
            let inner = call(var(&name), vec![bin(BinOp::Sub, var(&n), int(1)), var(&x)]);
            b.funcs.pop();
            let rest = b.combine(&ret, inner);
            vec![
                if_(
                    cmp(CmpOp::Le, var(&n), int(0)),
                    vec![ret_(base)],
                    Vec::new(),
                ),
                ret_(rest),
            ]
        });
        self.funcs.push(f);
        Stmt::Def(FuncDef {
            name,
            params: params
                .into_iter()
                .map(|(n, _)| Param {
                    name: n,
                    default: None,
                })
                .collect(),
            body,
        })
    }

    /// An expression of type `ty` built around `inner` (also of type `ty`).
    fn combine(&mut self, ty: &Ty, inner: Expr) -> Expr {
        match ty {
            Ty::Int => bin(BinOp::Add, inner, self.expr(&Ty::Int, 2)),
            Ty::Float => bin(BinOp::Mul, inner, Expr::Float(0.5)),
            Ty::Str => bin(BinOp::Add, self.expr(&Ty::Str, 2), inner),
            Ty::Bool => Expr::Not(Box::new(inner)),
            Ty::List(elem) => bin(BinOp::Add, inner, Expr::List(vec![self.expr(elem, 2)])),
            _ => inner,
        }
    }

    fn def_class(&mut self) -> Stmt {
        let name = self.name("C");
        let base = if !self.classes.is_empty() && self.rng.chance(30) {
            Some(self.rng.below(self.classes.len()))
        } else {
            None
        };
        let mut fields: Vec<(String, Ty)> = base
            .map(|b| self.classes[b].fields.clone())
            .unwrap_or_default();
        let inherited = fields.len();
        for _ in 0..self.rng.range(1, 2) {
            let f = self.name("fl");
            let ty = self.scalar_ty();
            fields.push((f, ty));
        }
        let params: Vec<(String, Ty)> = fields
            .iter()
            .map(|(_, t)| (self.name("p"), t.clone()))
            .collect();
        let mut init_body = Vec::new();
        if base.is_some() {
            let args = params[..inherited].iter().map(|(p, _)| var(p)).collect();
            init_body.push(Stmt::Expr(method(func("super", vec![]), "__init__", args)));
        }
        for ((f, _), (p, _)) in fields.iter().zip(&params).skip(inherited) {
            init_body.push(assign(attr(var("self"), f), var(p)));
        }
        let mut methods = vec![FuncDef {
            name: "__init__".into(),
            params: std::iter::once("self".to_string())
                .chain(params.iter().map(|(p, _)| p.clone()))
                .map(|name| Param {
                    name,
                    default: None,
                })
                .collect(),
            body: init_body,
        }];
        let mut class = Class {
            name: name.clone(),
            fields: fields.clone(),
            methods: base
                .map(|b| self.classes[b].methods.clone())
                .unwrap_or_default(),
            has_eq: false,
            has_lt: false,
        };
        let self_fields: Vec<(String, Ty)> = fields.clone();
        let field = |i: usize| attr(var("self"), &self_fields[i].0);
        // Methods read `self`'s fields as ordinary expressions: expose them
        // to the expression builder as pseudo-variables.
        let scope: Vec<(String, Ty)> = self_fields
            .iter()
            .map(|(f, t)| (format!("self.{f}"), t.clone()))
            .collect();
        for _ in 0..self.rng.range(0, 2) {
            let m = self.name("m");
            let ret = self.scalar_ty();
            let p = self.name("p");
            let pty = self.scalar_ty();
            let mut env = scope.clone();
            env.push((p.clone(), pty.clone()));
            let value = self.function_body(&env, |b| b.expr(&ret, 1));
            methods.push(FuncDef {
                name: m.clone(),
                params: vec![
                    Param {
                        name: "self".into(),
                        default: None,
                    },
                    Param {
                        name: p,
                        default: None,
                    },
                ],
                body: vec![ret_(value)],
            });
            class.methods.push(Func {
                name: m,
                params: vec![pty],
                ret,
            });
        }
        if self.rng.chance(60) {
            let shown = conv(Conv::Str, field(0));
            methods.push(FuncDef {
                name: "__str__".into(),
                params: vec![Param {
                    name: "self".into(),
                    default: None,
                }],
                body: vec![ret_(bin(
                    BinOp::Add,
                    string(&format!("{name}<")),
                    bin(BinOp::Add, shown, string(">")),
                ))],
            });
        }
        if self_fields[0].1.orderable() {
            if self.rng.chance(40) {
                class.has_eq = true;
                methods.push(FuncDef {
                    name: "__eq__".into(),
                    params: vec![
                        Param {
                            name: "self".into(),
                            default: None,
                        },
                        Param {
                            name: "other".into(),
                            default: None,
                        },
                    ],
                    body: vec![ret_(cmp(
                        CmpOp::Eq,
                        field(0),
                        attr(var("other"), &self_fields[0].0),
                    ))],
                });
            }
            if self.rng.chance(50) {
                class.has_lt = true;
                methods.push(FuncDef {
                    name: "__lt__".into(),
                    params: vec![
                        Param {
                            name: "self".into(),
                            default: None,
                        },
                        Param {
                            name: "other".into(),
                            default: None,
                        },
                    ],
                    body: vec![ret_(cmp(
                        CmpOp::Lt,
                        field(0),
                        attr(var("other"), &self_fields[0].0),
                    ))],
                });
            }
        }
        self.classes.push(class);
        Stmt::Class(ClassDef {
            name,
            base: base.map(|b| self.classes[b].name.clone()),
            methods,
        })
    }

    fn call_func(&mut self, f: &Func) -> Expr {
        let is_recursive =
            f.params.first() == Some(&Ty::Int) && f.name.starts_with('f') && f.params.len() == 2;
        let args: Vec<Expr> = f
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i == 0 && is_recursive {
                    int(self.depth_arg())
                } else {
                    self.expr(t, 2)
                }
            })
            .collect();
        call(var(&f.name), args)
    }

    fn depth_arg(&mut self) -> i64 {
        match self.flavor {
            Flavor::Differential => self.rng.range(0, 30),
            Flavor::Hostile => *self.rng.pick(&[0, 3, 50, 500, 5000, 9990, 20000]),
        }
    }

    // ----- expressions -----

    fn small_int(&mut self) -> Expr {
        int(self.rng.range(-3, 5))
    }

    fn int_literal(&mut self) -> i64 {
        if self.rng.chance(90) {
            return self.rng.range(-10, 100);
        }
        *self.rng.pick(&[
            0,
            -1,
            255,
            1 << 31,
            (1 << 32) - 1,
            1 << 62,
            i64::MAX,
            i64::MIN,
            i64::MAX - 1,
            -(1 << 53),
            1_000_000_007,
        ])
    }

    fn float_literal(&mut self) -> f64 {
        if self.rng.chance(85) {
            return *self.rng.pick(&[
                0.0, 0.5, 1.25, -2.5, 0.1, 3.0, 100.0, 1e-7, 2.675, 1e16, 123456.789,
            ]);
        }
        *self.rng.pick(&[
            1e300,
            -1e300,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -0.0,
            f64::INFINITY,
            f64::NAN,
            f64::NEG_INFINITY,
            9007199254740993.0,
        ])
    }

    fn literal(&mut self, ty: &Ty) -> Expr {
        match ty {
            Ty::Int => int(self.int_literal()),
            Ty::Float => Expr::Float(self.float_literal()),
            Ty::Str => string(self.rng.word(WORDS)),
            Ty::Bool => Expr::Bool(self.rng.chance(50)),
            _ => self.expr(ty, 3),
        }
    }

    fn fstring_spec(&mut self) -> Option<String> {
        if self.rng.chance(60) {
            None
        } else {
            Some(
                self.rng
                    .pick(&[">5", "<4", "^7", "05", "+", ",", "x", "08b", "_>6"])
                    .to_string(),
            )
        }
    }

    /// An expression of type `ty`; `depth` grows towards the leaves.
    fn expr(&mut self, ty: &Ty, depth: usize) -> Expr {
        if depth >= 3 || self.rng.chance(25) {
            let vars = self.vars_of(ty, false);
            if !vars.is_empty() && self.rng.chance(60) {
                return var_expr(self.rng.pick(&vars).as_str());
            }
            if matches!(ty, Ty::Int | Ty::Float | Ty::Str | Ty::Bool) {
                return self.literal(ty);
            }
        }
        // A call of a function or method that returns this type.
        if self.rng.chance(10) {
            let funcs: Vec<Func> = self
                .funcs
                .iter()
                .filter(|f| &f.ret == ty)
                .cloned()
                .collect();
            if !funcs.is_empty() {
                let f = self.rng.pick(&funcs).clone();
                return self.call_func(&f);
            }
        }
        if self.rng.chance(10) {
            if let Some(e) = self.method_call(ty, depth) {
                return e;
            }
        }
        if self.rng.chance(8) {
            let c = self.expr(&Ty::Bool, depth + 1);
            return Expr::Cond(
                Box::new(c),
                Box::new(self.expr(ty, depth + 1)),
                Box::new(self.expr(ty, depth + 1)),
            );
        }
        let d = depth + 1;
        match ty {
            Ty::Int => self.int_expr(d),
            Ty::Float => self.float_expr(d),
            Ty::Str => self.str_expr(d),
            Ty::Bool => self.bool_expr(d),
            Ty::List(elem) => self.list_expr(elem, d),
            Ty::ListMut(elem) => {
                let list = self.list_expr(elem, d);
                conv(Conv::ListMut, list)
            }
            Ty::Tuple(items) => Expr::Tuple(items.iter().map(|t| self.expr(t, d)).collect()),
            Ty::Dict(elem) => self.dict_expr(elem, d),
            Ty::DictMut(elem) => {
                let dict = self.dict_expr(elem, d);
                conv(Conv::DictMut, dict)
            }
            Ty::Obj(c) => {
                let fields: Vec<Ty> = self.classes[*c]
                    .fields
                    .iter()
                    .map(|(_, t)| t.clone())
                    .collect();
                let args = fields.iter().map(|t| self.expr(t, d)).collect();
                func(&self.classes[*c].name.clone(), args)
            }
        }
    }

    fn method_call(&mut self, ty: &Ty, depth: usize) -> Option<Expr> {
        let mut options: Vec<(usize, Member)> = Vec::new();
        for (ci, class) in self.classes.iter().enumerate() {
            for m in class.methods.iter().filter(|m| &m.ret == ty) {
                options.push((ci, Member::Method(m.clone())));
            }
            for (f, _) in class.fields.iter().filter(|(_, t)| t == ty) {
                options.push((ci, Member::Field(f.clone())));
            }
        }
        if options.is_empty() {
            return None;
        }
        let (ci, member) = self.rng.pick(&options).clone();
        let object = self.expr(&Ty::Obj(ci), depth + 1);
        Some(match member {
            Member::Field(name) => attr(object, &name),
            Member::Method(m) => {
                let args = m.params.iter().map(|t| self.expr(t, depth + 1)).collect();
                method(object, &m.name, args)
            }
        })
    }

    fn int_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(16) {
            0..=2 => {
                let op = *self
                    .rng
                    .pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Add]);
                bin(op, self.expr(&Ty::Int, d), self.expr(&Ty::Int, d))
            }
            3 => {
                let op = *self.rng.pick(&[BinOp::FloorDiv, BinOp::Mod]);
                bin(op, self.expr(&Ty::Int, d), self.expr(&Ty::Int, d))
            }
            4 => bin(
                BinOp::Pow,
                self.expr(&Ty::Int, d),
                int(self.rng.range(0, 5)),
            ),
            5 => {
                let op = *self.rng.pick(&[BinOp::BitAnd, BinOp::BitOr, BinOp::BitXor]);
                bin(op, self.expr(&Ty::Int, d), self.expr(&Ty::Int, d))
            }
            6 => {
                let op = *self.rng.pick(&[BinOp::Shl, BinOp::Shr]);
                bin(op, self.expr(&Ty::Int, d), int(self.rng.range(0, 66)))
            }
            7 => {
                let ty = *self.rng.pick(&[0, 1, 2]);
                let arg = match ty {
                    0 => self.expr(&Ty::Str, d),
                    1 => {
                        let elem = self.scalar_ty();
                        self.expr(&Ty::List(Box::new(elem)), d)
                    }
                    _ => {
                        let elem = self.scalar_ty();
                        self.expr(&Ty::Dict(Box::new(elem)), d)
                    }
                };
                func("len", vec![arg])
            }
            8 => func("abs", vec![self.expr(&Ty::Int, d)]),
            9 => {
                let name = self.rng.word(&["min", "max"]);
                func(name, vec![self.expr(&Ty::Int, d), self.expr(&Ty::Int, d)])
            }
            10 => func("sum", vec![self.expr(&Ty::List(Box::new(Ty::Int)), d)]),
            11 => {
                let name = self.rng.word(&["int", "round"]);
                func(name, vec![self.expr(&Ty::Float, d)])
            }
            12 => index(
                self.expr(&Ty::List(Box::new(Ty::Int)), d),
                self.expr(&Ty::Int, d + 1),
            ),
            13 => {
                let dict = self.expr(&Ty::Dict(Box::new(Ty::Int)), d);
                if self.rng.chance(50) {
                    method(
                        dict,
                        "get",
                        vec![self.expr(&Ty::Str, d), self.expr(&Ty::Int, d)],
                    )
                } else {
                    index(dict, self.expr(&Ty::Str, d))
                }
            }
            14 => method(self.expr(&Ty::Str, d), "find", vec![self.expr(&Ty::Str, d)]),
            _ => Expr::Neg(Box::new(self.expr(&Ty::Int, d))),
        }
    }

    fn float_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(10) {
            0..=2 => {
                let op = *self.rng.pick(&[BinOp::Add, BinOp::Sub, BinOp::Mul]);
                bin(op, self.expr(&Ty::Float, d), self.expr(&Ty::Int, d))
            }
            3 => bin(BinOp::Div, self.expr(&Ty::Int, d), self.expr(&Ty::Int, d)),
            4 => bin(
                BinOp::Div,
                self.expr(&Ty::Float, d),
                self.expr(&Ty::Float, d),
            ),
            5 => {
                let op = *self.rng.pick(&[BinOp::FloorDiv, BinOp::Mod]);
                bin(op, self.expr(&Ty::Float, d), self.expr(&Ty::Float, d))
            }
            6 => func("float", vec![self.expr(&Ty::Int, d)]),
            7 => func(
                "round",
                vec![self.expr(&Ty::Float, d), int(self.rng.range(0, 3))],
            ),
            8 => func("abs", vec![self.expr(&Ty::Float, d)]),
            _ => func("sum", vec![self.expr(&Ty::List(Box::new(Ty::Float)), d)]),
        }
    }

    fn str_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(13) {
            0..=1 => bin(BinOp::Add, self.expr(&Ty::Str, d), self.expr(&Ty::Str, d)),
            2 => bin(
                BinOp::Mul,
                self.expr(&Ty::Str, d),
                int(self.rng.range(-1, 3)),
            ),
            3..=4 => {
                let ty = self.any_ty();
                conv(Conv::Str, self.expr(&ty, d))
            }
            5 => {
                let ty = self.any_ty();
                conv(Conv::Repr, self.expr(&ty, d))
            }
            6 => {
                let m = self.rng.word(&["upper", "lower", "strip"]);
                method(self.expr(&Ty::Str, d), m, vec![])
            }
            7 => method(
                self.expr(&Ty::Str, d),
                "replace",
                vec![self.expr(&Ty::Str, d), self.expr(&Ty::Str, d)],
            ),
            8 => index(self.expr(&Ty::Str, d), self.small_int()),
            9 => {
                let lo = self.rng.chance(60).then(|| Box::new(self.small_int()));
                let hi = self.rng.chance(60).then(|| Box::new(self.small_int()));
                let step = self
                    .rng
                    .chance(25)
                    .then(|| Box::new(int(*self.rng.pick(&[-1, 2, -2, 3]))));
                Expr::Slice(Box::new(self.expr(&Ty::Str, d)), lo, hi, step)
            }
            10 => method(
                string(self.rng.word(&[", ", "", "-"])),
                "join",
                vec![self.expr(&Ty::List(Box::new(Ty::Str)), d)],
            ),
            11 => {
                let spec = self.fstring_spec();
                Expr::FStr(vec![
                    FPart::Lit(self.rng.pick(WORDS).to_string()),
                    FPart::Field(var_or_int(self, spec.is_some()), spec),
                ])
            }
            _ => {
                let elem = self.scalar_ty();
                let xs = self.expr(&Ty::List(Box::new(elem)), d);
                conv(Conv::Str, xs)
            }
        }
    }

    fn bool_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(9) {
            0..=2 => {
                let ty = self.rng.pick(&[Ty::Int, Ty::Float, Ty::Str]).clone();
                let op = *self.rng.pick(&[
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Lt,
                    CmpOp::Le,
                    CmpOp::Gt,
                    CmpOp::Ge,
                ]);
                cmp(op, self.expr(&ty, d), self.expr(&ty, d))
            }
            3 => {
                let ty = self.any_ty();
                cmp(CmpOp::Eq, self.expr(&ty, d), self.expr(&ty, d))
            }
            4 => {
                let elem = self.scalar_ty();
                let x = self.expr(&elem, d);
                let op = *self.rng.pick(&[CmpOp::In, CmpOp::NotIn]);
                cmp(op, x, self.expr(&Ty::List(Box::new(elem)), d))
            }
            5 => cmp(CmpOp::In, self.expr(&Ty::Str, d), self.expr(&Ty::Str, d)),
            6 => Expr::Not(Box::new(self.expr(&Ty::Bool, d))),
            7 => {
                let (a, b) = (self.expr(&Ty::Bool, d), self.expr(&Ty::Bool, d));
                if self.rng.chance(50) {
                    Expr::And(Box::new(a), Box::new(b))
                } else {
                    Expr::Or(Box::new(a), Box::new(b))
                }
            }
            _ => method(
                self.expr(&Ty::Str, d),
                "startswith",
                vec![self.expr(&Ty::Str, d)],
            ),
        }
    }

    fn list_expr(&mut self, elem: &Ty, d: usize) -> Expr {
        let sortable = elem.orderable() || matches!(elem, Ty::Obj(c) if self.classes[*c].has_lt);
        match self.rng.below(10) {
            0..=3 => {
                let n = self.rng.below(4);
                Expr::List((0..n).map(|_| self.expr(elem, d)).collect())
            }
            4 => {
                let i = self.name("i");
                let stop = self.rng.range(0, 6);
                self.scopes.push(vec![(i.clone(), Ty::Int)]);
                let elt = self.expr(elem, d);
                let cond = self
                    .rng
                    .chance(40)
                    .then(|| Box::new(self.expr(&Ty::Bool, d)));
                self.scopes.pop();
                Expr::ListComp(
                    Box::new(elt),
                    vec![i],
                    Box::new(func("range", vec![int(stop)])),
                    cond,
                )
            }
            5 if sortable => {
                let xs = self.expr(&Ty::List(Box::new(elem.clone())), d);
                let mut kwargs = Vec::new();
                if self.rng.chance(40) {
                    kwargs.push(("reverse".to_string(), Expr::Bool(true)));
                }
                if self.rng.chance(30) && *elem == Ty::Int {
                    let x = self.name("x");
                    kwargs.push((
                        "key".to_string(),
                        lambda(&[&x], bin(BinOp::Mod, var(&x), int(3))),
                    ));
                }
                Expr::Call(Box::new(var("sorted")), vec![xs], kwargs)
            }
            6 => bin(
                BinOp::Add,
                self.expr(&Ty::List(Box::new(elem.clone())), d),
                self.expr(&Ty::List(Box::new(elem.clone())), d),
            ),
            7 => {
                let lo = self.rng.chance(60).then(|| Box::new(self.small_int()));
                let hi = self.rng.chance(60).then(|| Box::new(self.small_int()));
                let step = self
                    .rng
                    .chance(25)
                    .then(|| Box::new(int(*self.rng.pick(&[-1, 2, -2]))));
                Expr::Slice(
                    Box::new(self.expr(&Ty::List(Box::new(elem.clone())), d)),
                    lo,
                    hi,
                    step,
                )
            }
            8 => {
                let x = self.name("x");
                self.scopes.push(vec![(x.clone(), elem.clone())]);
                let body = self.expr(elem, d + 1);
                self.scopes.pop();
                let xs = self.expr(&Ty::List(Box::new(elem.clone())), d);
                func("list", vec![func("map", vec![lambda(&[&x], body), xs])])
            }
            _ if *elem == Ty::Str => method(
                self.expr(&Ty::Str, d),
                "split",
                vec![string(self.rng.word(&[",", " ", "a"]))],
            ),
            _ => Expr::List(vec![self.expr(elem, d)]),
        }
    }

    fn dict_expr(&mut self, elem: &Ty, d: usize) -> Expr {
        if self.rng.chance(30) {
            let i = self.name("i");
            let stop = self.rng.range(0, 5);
            self.scopes.push(vec![(i.clone(), Ty::Int)]);
            let value = self.expr(elem, d);
            self.scopes.pop();
            return Expr::DictComp(
                Box::new(conv(Conv::Str, var(&i))),
                Box::new(value),
                vec![i],
                Box::new(func("range", vec![int(stop)])),
            );
        }
        let n = self.rng.below(4);
        Expr::Dict(
            (0..n)
                .map(|_| {
                    let k = string(self.rng.word(WORDS));
                    (k, self.expr(elem, d))
                })
                .collect(),
        )
    }
}

fn ret_(value: Expr) -> Stmt {
    ret(value)
}

/// Variables named `self.f` stand for a field of the method's instance.
fn var_expr(name: &str) -> Expr {
    match name.strip_prefix("self.") {
        Some(field) => attr(var("self"), field),
        None => var(name),
    }
}

/// A replacement field: an int variable or literal (a format spec applies
/// to numbers only; f-string fields hold no string literal, which Python
/// 3.11 cannot nest in the same quotes).
fn var_or_int(b: &mut Builder<'_>, numeric: bool) -> Expr {
    let ty = if numeric || b.rng.chance(50) {
        Ty::Int
    } else {
        Ty::Bool
    };
    let vars = b.vars_of(&ty, false);
    if !vars.is_empty() && b.rng.chance(70) {
        return var_expr(b.rng.pick(&vars).as_str());
    }
    match ty {
        Ty::Int => int(b.int_literal()),
        _ => Expr::Bool(b.rng.chance(50)),
    }
}
