//! The abstract syntax tree. Every node carries a [`Span`] into the
//! [`pyro_source::SourceMap`], so every later stage (checker, compiler, VM
//! tracebacks) can point at the code it is talking about.
//!
//! Every statement, expression, type and pattern also knows its height (how
//! many levels of its own kind nest below it), computed from its children
//! when it is made with `new`. The parser refuses a node taller than
//! [`crate::depth::MAX_DEPTH`] as it builds it, so every tree a later stage
//! walks recursively is at most that deep; long sequences (a block's
//! statements, a list's items, an `elif` chain's branches) are vectors, flat
//! whatever their length.

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
    /// Levels of statements nested in this one's blocks (0 for a simple
    /// statement).
    height: u32,
}

impl Stmt {
    pub fn new(kind: StmtKind, span: Span) -> Stmt {
        let mut tallest = Tallest::default();
        tallest.stmt_kind(&kind);
        Stmt {
            height: tallest.height(),
            kind,
            span,
        }
    }

    /// How many levels of blocks nest inside this statement.
    pub fn height(&self) -> u32 {
        self.height
    }
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
    /// `if c1: b1 elif c2: b2 ... else: orelse`: every test with its block,
    /// in order (an `elif` chain is flat, however long).
    If {
        branches: Vec<(Expr, Block)>,
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
            StmtKind::If { branches, orelse } => {
                let mut out: Vec<&[Stmt]> = branches.iter().map(|(_, b)| b.as_slice()).collect();
                out.push(orelse);
                out
            }
            StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
                vec![body, orelse]
            }
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
    /// Levels of patterns (and of expressions in them) nested in this one.
    height: u32,
}

impl Pattern {
    pub fn new(kind: PatternKind, span: Span) -> Pattern {
        let mut tallest = Tallest::default();
        tallest.pattern_kind(&kind);
        Pattern {
            height: tallest.height(),
            kind,
            span,
        }
    }

    pub fn height(&self) -> u32 {
        self.height
    }
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
    /// Levels of expressions (and of types in them) nested in this one
    /// (0 for a name or a literal).
    height: u32,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let mut tallest = Tallest::default();
        tallest.expr_kind(&kind);
        Expr {
            height: tallest.height(),
            kind,
            span,
        }
    }

    pub fn height(&self) -> u32 {
        self.height
    }
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
    /// Levels of types nested in this one (0 for `int`).
    height: u32,
}

impl TypeExpr {
    pub fn new(kind: TypeKind, span: Span) -> TypeExpr {
        let mut tallest = Tallest::default();
        tallest.type_kind(&kind);
        TypeExpr {
            height: tallest.height(),
            kind,
            span,
        }
    }

    pub fn height(&self) -> u32 {
        self.height
    }
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

/// The tallest child seen so far, for a node's height: one more than its
/// tallest child, 0 without children. Reads only the children's stored
/// heights (and walks format specs, which nest inside one f-string), so
/// making a node costs its number of children.
#[derive(Default)]
struct Tallest(Option<u32>);

impl Tallest {
    fn height(&self) -> u32 {
        self.0.map_or(0, |h| h.saturating_add(1))
    }

    fn child(&mut self, height: u32) {
        self.0 = Some(self.0.map_or(height, |h| h.max(height)));
    }

    fn expr(&mut self, e: &Expr) {
        self.child(e.height);
    }

    fn ty(&mut self, t: &TypeExpr) {
        self.child(t.height);
    }

    fn pattern(&mut self, p: &Pattern) {
        self.child(p.height);
    }

    fn block(&mut self, b: &[Stmt]) {
        for s in b {
            self.child(s.height);
        }
    }

    fn param(&mut self, p: &Param) {
        if let Some(t) = &p.ty {
            self.ty(t);
        }
        if let Some(d) = &p.default {
            self.expr(d);
        }
    }

    fn fstring(&mut self, parts: &[FStringPart]) {
        let mut work: Vec<&[FStringPart]> = vec![parts];
        while let Some(parts) = work.pop() {
            for part in parts {
                if let FStringPart::Field { expr, spec, .. } = part {
                    self.expr(expr);
                    if let Some(spec) = spec {
                        work.push(spec);
                    }
                }
            }
        }
    }

    fn expr_kind(&mut self, kind: &ExprKind) {
        match kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Ellipsis
            | ExprKind::Name(_) => {}
            ExprKind::FString(parts) => self.fstring(parts),
            ExprKind::Tuple(items) | ExprKind::List(items) | ExprKind::Set(items) => {
                items.iter().for_each(|e| self.expr(e))
            }
            ExprKind::Dict(pairs) => {
                for (k, v) in pairs {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Comprehension {
                element,
                value,
                clauses,
                ..
            } => {
                self.expr(element);
                if let Some(v) = value {
                    self.expr(v);
                }
                for c in clauses {
                    self.expr(&c.target);
                    self.expr(&c.iter);
                    c.conds.iter().for_each(|e| self.expr(e));
                }
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { left, right, .. } | ExprKind::Logical { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::Compare { left, ops } => {
                self.expr(left);
                ops.iter().for_each(|(_, r)| self.expr(r));
            }
            ExprKind::IfElse { cond, then, orelse } => {
                self.expr(cond);
                self.expr(then);
                self.expr(orelse);
            }
            ExprKind::Lambda { params, body } => {
                params.iter().for_each(|p| self.param(p));
                self.expr(body);
            }
            ExprKind::Call { func, args } => {
                self.expr(func);
                args.iter().for_each(|a| self.expr(&a.value));
            }
            ExprKind::Attribute { value, .. } => self.expr(value),
            ExprKind::Index { value, index } => {
                self.expr(value);
                self.expr(index);
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.expr(part);
                }
            }
            ExprKind::Generic { value, args } => {
                self.expr(value);
                args.iter().for_each(|t| self.ty(t));
            }
            ExprKind::Range { start, end, .. } => {
                self.expr(start);
                self.expr(end);
            }
            ExprKind::Go(inner) | ExprKind::Starred(inner) => self.expr(inner),
        }
    }

    fn type_kind(&mut self, kind: &TypeKind) {
        match kind {
            TypeKind::Named { args: items, .. }
            | TypeKind::Union(items)
            | TypeKind::Tuple(items) => items.iter().for_each(|t| self.ty(t)),
            TypeKind::None => {}
            TypeKind::Optional(inner) => self.ty(inner),
            TypeKind::Function { params, ret } => {
                params.iter().for_each(|t| self.ty(t));
                self.ty(ret);
            }
        }
    }

    fn pattern_kind(&mut self, kind: &PatternKind) {
        match kind {
            PatternKind::Wildcard | PatternKind::Capture(_) | PatternKind::Star(_) => {}
            PatternKind::Value(e) => self.expr(e),
            PatternKind::Tuple(items) | PatternKind::List(items) | PatternKind::Or(items) => {
                items.iter().for_each(|p| self.pattern(p))
            }
            PatternKind::Class {
                class,
                args,
                kwargs,
            } => {
                self.expr(class);
                args.iter().for_each(|p| self.pattern(p));
                kwargs.iter().for_each(|(_, p)| self.pattern(p));
            }
            PatternKind::As(inner, _) => self.pattern(inner),
        }
    }

    /// Statements count only the statements in their blocks: expressions,
    /// types and patterns have heights of their own, each within the limit.
    fn stmt_kind(&mut self, kind: &StmtKind) {
        match kind {
            StmtKind::FuncDef(f) => {
                if let Some(body) = &f.body {
                    self.block(body);
                }
            }
            StmtKind::ClassDef(c) => self.block(&c.body),
            StmtKind::RecordDef(r) => self.block(&r.body),
            StmtKind::InterfaceDef(i) => {
                for m in &i.methods {
                    if let Some(body) = &m.body {
                        self.block(body);
                    }
                }
            }
            other => other
                .control_blocks()
                .into_iter()
                .for_each(|b| self.block(b)),
        }
    }
}
