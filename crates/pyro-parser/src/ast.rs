//! The abstract syntax tree. Every node carries a [`Span`] into the
//! [`pyro_source::SourceMap`], so every later stage (checker, compiler, VM
//! tracebacks) can point at the code it is talking about.

use pyro_source::Span;

/// A name with the span where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
    pub span: Span,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `let x = 1`, `mut n: int = 0`, `let (a, b) = pair`.
    Let {
        mutable: bool,
        target: Expr,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    /// `a = b = value`; each target is a name, attribute, index, or a tuple /
    /// list of targets.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `x: int = 1`, or a bare declaration `count: int` (class fields).
    AnnAssign {
        target: Ident,
        ty: TypeExpr,
        value: Option<Expr>,
    },
    /// `elif` chains are nested `If`s in `orelse`.
    If {
        cond: Expr,
        body: Block,
        orelse: Block,
    },
    While {
        cond: Expr,
        body: Block,
        orelse: Block,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Block,
        orelse: Block,
    },
    Break,
    Continue,
    Pass,
    Return(Option<Expr>),
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    Try {
        body: Block,
        handlers: Vec<ExceptHandler>,
        orelse: Block,
        finalbody: Block,
    },
    With {
        items: Vec<WithItem>,
        body: Block,
    },
    FuncDef(Box<FuncDef>),
    ClassDef(Box<ClassDef>),
    RecordDef(Box<RecordDef>),
    InterfaceDef(Box<InterfaceDef>),
    TypeAlias {
        name: Ident,
        params: Vec<TypeParam>,
        ty: TypeExpr,
    },
    /// `import std.time`, `import std.math as m, "lib.pyro"`.
    Import(Vec<ImportItem>),
    /// `from std.time import sleep, now as t`; an empty `names` is `import *`.
    FromImport {
        source: ImportSource,
        names: Vec<ImportName>,
    },
    Select {
        cases: Vec<SelectCase>,
        default: Option<Block>,
    },
    Match {
        subject: Expr,
        cases: Vec<MatchCase>,
    },
}

impl StmtKind {
    /// The blocks of a compound control statement (`if`, `while`, `for`,
    /// `try`, `with`, `select`, `match`), in source order: what a walker
    /// descends into to stay in the same function. Definitions (`def`,
    /// `class`, `record`, `interface`) have none here.
    pub fn control_blocks(&self) -> Vec<&[Stmt]> {
        match self {
            StmtKind::If { body, orelse, .. }
            | StmtKind::While { body, orelse, .. }
            | StmtKind::For { body, orelse, .. } => vec![body, orelse],
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let mut out: Vec<&[Stmt]> = vec![body];
                out.extend(handlers.iter().map(|h| h.body.as_slice()));
                out.push(orelse);
                out.push(finalbody);
                out
            }
            StmtKind::With { body, .. } => vec![body],
            StmtKind::Select { cases, default } => {
                let mut out: Vec<&[Stmt]> = cases.iter().map(|c| c.body.as_slice()).collect();
                if let Some(d) = default {
                    out.push(d);
                }
                out
            }
            StmtKind::Match { cases, .. } => cases.iter().map(|c| c.body.as_slice()).collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: Ident,
    pub type_params: Vec<TypeParam>,
    pub params: Vec<Param>,
    pub ret: Option<TypeExpr>,
    /// `None` for a signature in an interface.
    pub body: Option<Block>,
    pub decorators: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub default: Option<Expr>,
    pub kind: ParamKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Normal,
    /// `*args`
    VarArgs,
    /// `**kwargs`
    KwArgs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeParam {
    pub name: Ident,
    /// `T: Shape`
    pub bound: Option<TypeExpr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: Ident,
    pub type_params: Vec<TypeParam>,
    pub bases: Vec<Expr>,
    pub body: Block,
    pub decorators: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordDef {
    pub name: Ident,
    pub type_params: Vec<TypeParam>,
    pub fields: Vec<Param>,
    pub body: Block,
    pub decorators: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InterfaceDef {
    pub name: Ident,
    pub type_params: Vec<TypeParam>,
    pub bases: Vec<Expr>,
    /// Method signatures (`body` is `None`) and default methods.
    pub methods: Vec<FuncDef>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportItem {
    pub source: ImportSource,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportSource {
    /// `std.time`, `utils`
    Module(Vec<Ident>),
    /// `"lib.pyro"`, relative to the importing file.
    File { path: String, span: Span },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportName {
    pub name: Ident,
    pub alias: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    /// `except ValueError`, `except (A, B)`, or `except e` — whether a bare
    /// name is a class or a new binding is decided by the compiler.
    pub ty: Option<Expr>,
    pub name: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    pub context: Expr,
    pub target: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelectCase {
    pub kind: SelectKind,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectKind {
    /// `case v = ch.collect():`, `case v, ok = ch.collect():`, `case ch.collect():`
    /// and `case after(1.5):` (a receive from the timer channel).
    Recv {
        channel: Expr,
        value: Option<Expr>,
        ok: Option<Expr>,
    },
    /// `case ch.push(v):`
    Send { channel: Expr, value: Expr },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchCase {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// `_`
    Wildcard,
    /// A bare name binds the subject.
    Capture(Ident),
    /// A literal (`1`, `-2`, `"a"`, `true`, `None`) or a dotted constant (`Color.RED`).
    Value(Expr),
    Tuple(Vec<Pattern>),
    List(Vec<Pattern>),
    /// `Point(x, y)`, `Point(x=0, y=py)`.
    Class {
        class: Expr,
        args: Vec<Pattern>,
        kwargs: Vec<(Ident, Pattern)>,
    },
    Or(Vec<Pattern>),
    /// `pattern as name`
    As(Box<Pattern>, Ident),
    /// `*rest` inside a sequence pattern (`None` for `*_`).
    Star(Option<Ident>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Str(String),
    FString(Vec<FStringPart>),
    Bool(bool),
    None,
    Ellipsis,
    Name(String),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Set(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Comprehension {
        kind: CompKind,
        /// The element, or the key of a dict comprehension.
        element: Box<Expr>,
        /// The value of a dict comprehension.
        value: Option<Box<Expr>>,
        clauses: Vec<CompClause>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `and` / `or`, which short-circuit and return an operand.
    Logical {
        op: LogicalOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a < b <= c` keeps every operator: comparisons chain.
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `then if cond else orelse`
    IfElse {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda {
        params: Vec<Param>,
        body: Box<Expr>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    Attribute {
        value: Box<Expr>,
        attr: Ident,
    },
    Index {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `a:b:c`, only inside an index.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `chan<int>` in `chan<int>(4)`, `f<int>` in `f<int>(x)`.
    Generic {
        value: Box<Expr>,
        args: Vec<TypeExpr>,
    },
    /// `a..b`, `a..=b`
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
    },
    /// `go f(x)`: always wraps a `Call`.
    Go(Box<Expr>),
    /// `*xs` in a target, a call or a collection literal.
    Starred(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum FStringPart {
    Lit(String),
    Field {
        expr: Expr,
        conversion: Option<char>,
        spec: Option<Vec<FStringPart>>,
        /// `Some("x=")` for `{x=}`: the text is printed before the value.
        debug_text: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    /// `(x for x in xs)` and a sole generator argument `sum(x for x in xs)`.
    Generator,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompClause {
    pub target: Expr,
    pub iter: Expr,
    pub conds: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub kind: ArgKind,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgKind {
    Positional,
    Keyword(Ident),
    /// `*xs`
    Star,
    /// `**kw`
    DoubleStar,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
    Not,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
            UnaryOp::Not => "not",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `int`, `list<int>`, `sync.Mutex`, `T`.
    Named {
        path: Vec<Ident>,
        args: Vec<TypeExpr>,
    },
    None,
    Union(Vec<TypeExpr>),
    /// `T?`
    Optional(Box<TypeExpr>),
    /// `(int, string) -> bool`
    Function {
        params: Vec<TypeExpr>,
        ret: Box<TypeExpr>,
    },
    /// `(int, string)`
    Tuple(Vec<TypeExpr>),
}
