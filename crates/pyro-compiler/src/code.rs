//! Code objects: what the compiler produces and the VM runs.

use std::sync::Arc;

use pyro_source::Span;

use crate::op::Op;

/// A compile-time constant. The VM turns each into a value once, when the
/// module is loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    Tuple(Vec<Const>),
    Code(Arc<Code>),
}

/// How a parameter takes its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Normal,
    VarArgs,
    KwArgs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Arc<str>,
    pub kind: ParamKind,
    pub has_default: bool,
}

/// What a code object is the body of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    Lambda,
    /// A function defined directly in a class body (may use `super()`).
    Method,
}

/// A compiled function, lambda, method or module body.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub name: Arc<str>,
    pub kind: CodeKind,
    pub params: Vec<Param>,
    /// Local slots, parameters first.
    pub local_names: Vec<Arc<str>>,
    /// Slots that hold a cell from the start of the call (captured
    /// parameters and captured function-level variables).
    pub cell_slots: Vec<u32>,
    /// Names of the captured cells the closure carries.
    pub free_names: Vec<Arc<str>>,
    /// Attribute and member names used by `GetAttr`, `CallMethod`, ...
    pub names: Vec<Arc<str>>,
    pub consts: Vec<Const>,
    pub ops: Vec<Op>,
    /// Run-length span table: `(first pc, span)` sorted by pc.
    pub spans: Vec<(u32, Span)>,
    /// Span of the definition (the `def` line), for tracebacks and errors.
    pub span: Span,
    /// For a module: the names of its global slots.
    pub global_names: Vec<Arc<str>>,
}

impl Code {
    /// The source span of the instruction at `pc` (error path only).
    pub fn span_at(&self, pc: usize) -> Span {
        let i = self
            .spans
            .partition_point(|(start, _)| *start as usize <= pc);
        i.checked_sub(1).map_or(self.span, |i| self.spans[i].1)
    }

    pub fn arity(&self) -> usize {
        self.params
            .iter()
            .filter(|p| p.kind == ParamKind::Normal)
            .count()
    }
}
