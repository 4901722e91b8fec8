//! The generator's own syntax tree: a small Pyro subset that is built at
//! random ([`super::build`], [`super::scenario`]) and printed by two
//! emitters ([`super::pyro`] and [`super::python`]), so the Pyro and the
//! Python form of a differential program mean the same thing by
//! construction. Nodes that only Pyro has (`go`, `select`, imports
//! of `std.*`) exist too; the Python emitter refuses them.

/// A whole generated program.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub body: Vec<Stmt>,
    /// The program is built to deadlock: it must end with `DeadlockError`.
    pub expects_deadlock: bool,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// A new variable (`mut` in Pyro, so it may be reassigned).
    Let(String, Expr),
    Assign(Expr, Expr),
    /// `target op= value` for an arithmetic operator.
    AugAssign(Expr, BinOp, Expr),
    Print(Vec<Expr>),
    Expr(Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    For(Vec<String>, Expr, Vec<Stmt>),
    /// `while cond:`; the builder only makes bounded ones (a counter
    /// incremented first thing in the body).
    While(Expr, Vec<Stmt>),
    Def(FuncDef),
    Class(ClassDef),
    Return(Option<Expr>),
    Break,
    Continue,
    Pass,
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        finally: Vec<Stmt>,
    },
    Raise {
        error: Expr,
        cause: Option<Expr>,
    },
    With(Expr, Option<String>, Vec<Stmt>),
    /// `import std.NAME` (Pyro only).
    Import(String),
    /// `select:` (Pyro only).
    Select(Vec<(SelectCase, Vec<Stmt>)>, Option<Vec<Stmt>>),
}

#[derive(Clone, Debug)]
pub enum SelectCase {
    /// `case v = chan.collect():` or, with `ok`, `case v, ok = chan.collect():`.
    Recv(String, Option<String>, Expr),
    /// `case after(seconds):`
    After(Expr),
}

/// One `except` clause: the error classes (none: every error) and the
/// name bound to the error.
#[derive(Clone, Debug)]
pub struct Handler {
    pub classes: Vec<String>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub struct FuncDef {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct ClassDef {
    pub name: String,
    pub base: Option<String>,
    pub methods: Vec<FuncDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Floor division: `div(a, b)` in Pyro, `a // b` in Python.
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
}

#[derive(Clone, Debug)]
pub enum FPart {
    Lit(String),
    /// A replacement field with an optional format spec (without the `:`).
    Field(Expr, Option<String>),
}

/// The built-in functions whose spelling or meaning differs between the two
/// languages, or whose printed form must be Pyro's in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// `str(x)`: Pyro's text of a value.
    Str,
    /// `repr(x)`.
    Repr,
    /// `ListMutable(xs)`.
    ListMut,
    /// `DictMutable(d)`.
    DictMut,
    /// `type(x).__name__`.
    TypeName,
    /// The cause of an error: `e.cause` / `e.__cause__`.
    Cause,
}

#[derive(Clone, Debug)]
pub enum Expr {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    Var(String),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A call with positional and keyword arguments.
    Call(Box<Expr>, Vec<Expr>, Vec<(String, Expr)>),
    Attr(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Slice(
        Box<Expr>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
        Option<Box<Expr>>,
    ),
    FStr(Vec<FPart>),
    Lambda(Vec<String>, Box<Expr>),
    /// `[elt for vars in iter if cond]`.
    ListComp(Box<Expr>, Vec<String>, Box<Expr>, Option<Box<Expr>>),
    /// `{key: value for vars in iter}`.
    DictComp(Box<Expr>, Box<Expr>, Vec<String>, Box<Expr>),
    Conv(Conv, Box<Expr>),
    /// `go CALL` (Pyro only).
    Go(Box<Expr>),
}

// Small constructors, so that scenario code reads like the program it builds.

pub fn var(name: &str) -> Expr {
    Expr::Var(name.to_string())
}

pub fn int(n: i64) -> Expr {
    Expr::Int(n)
}

pub fn string(s: &str) -> Expr {
    Expr::Str(s.to_string())
}

pub fn call(callee: Expr, args: Vec<Expr>) -> Expr {
    Expr::Call(Box::new(callee), args, Vec::new())
}

pub fn call_kw(callee: Expr, args: Vec<Expr>, kwargs: Vec<(&str, Expr)>) -> Expr {
    let kwargs = kwargs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Expr::Call(Box::new(callee), args, kwargs)
}

/// `name(args)` for a global function.
pub fn func(name: &str, args: Vec<Expr>) -> Expr {
    call(var(name), args)
}

pub fn method(object: Expr, name: &str, args: Vec<Expr>) -> Expr {
    call(attr(object, name), args)
}

pub fn attr(object: Expr, name: &str) -> Expr {
    Expr::Attr(Box::new(object), name.to_string())
}

pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr::Bin(op, Box::new(a), Box::new(b))
}

pub fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    Expr::Cmp(op, Box::new(a), Box::new(b))
}

pub fn index(object: Expr, at: Expr) -> Expr {
    Expr::Index(Box::new(object), Box::new(at))
}

pub fn conv(kind: Conv, value: Expr) -> Expr {
    Expr::Conv(kind, Box::new(value))
}

pub fn lambda(params: &[&str], body: Expr) -> Expr {
    Expr::Lambda(
        params.iter().map(|p| p.to_string()).collect(),
        Box::new(body),
    )
}

pub fn go(call: Expr) -> Expr {
    Expr::Go(Box::new(call))
}

pub fn print(values: Vec<Expr>) -> Stmt {
    Stmt::Print(values)
}

pub fn let_(name: &str, value: Expr) -> Stmt {
    Stmt::Let(name.to_string(), value)
}

pub fn assign(target: Expr, value: Expr) -> Stmt {
    Stmt::Assign(target, value)
}

pub fn def(name: &str, params: &[&str], body: Vec<Stmt>) -> Stmt {
    Stmt::Def(FuncDef {
        name: name.to_string(),
        params: params
            .iter()
            .map(|p| Param {
                name: p.to_string(),
                default: None,
            })
            .collect(),
        body,
    })
}

pub fn ret(value: Expr) -> Stmt {
    Stmt::Return(Some(value))
}

pub fn for_(name: &str, iter: Expr, body: Vec<Stmt>) -> Stmt {
    Stmt::For(vec![name.to_string()], iter, body)
}

pub fn if_(cond: Expr, then: Vec<Stmt>, otherwise: Vec<Stmt>) -> Stmt {
    Stmt::If(cond, then, otherwise)
}

/// `try: body` / `except Error as e: print(type name)`: the usual guard
/// around an operation that may legitimately raise.
pub fn guarded(body: Vec<Stmt>, label: &str) -> Stmt {
    Stmt::Try {
        body,
        handlers: vec![Handler {
            classes: vec!["Error".into()],
            name: Some("err".into()),
            body: vec![print(vec![string(label), conv(Conv::TypeName, var("err"))])],
        }],
        finally: Vec::new(),
    }
}
