//! Errors raised while running Pyro code.
//!
//! A raised error is an instance of `Error` or one of its subclasses (the
//! built-in ones of LANGUAGE.md §6 or a user's); [`RuntimeError`] is that
//! instance in flight. Its traceback lives on the instance, so re-raising
//! keeps it. At the edge, [`PyroError`] is the miette diagnostic for any
//! failure: syntax, compile or an uncaught runtime error.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{Diagnostic, LabeledSpan};
use pyro_builtins::{Builtin, Kind, ALL};
use pyro_source::{SourceMap, Span};
use rustc_hash::FxHashMap;

use crate::object::{Class, Instance, TraceEntry};
use crate::symbol::{names, Sym};
use crate::value::{Intrinsic, Value};

/// The built-in error classes, created once per process (they are immutable).
fn error_classes() -> &'static FxHashMap<Builtin, Arc<Class>> {
    static CLASSES: OnceLock<FxHashMap<Builtin, Arc<Class>>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let mut attrs = FxHashMap::default();
        attrs.insert(names::init(), Value::Intrinsic(Intrinsic::ErrorInit));
        attrs.insert(names::str_(), Value::Intrinsic(Intrinsic::ErrorStr));
        let base = Arc::new(Class {
            name: "Error".into(),
            base: None,
            attrs,
            is_error: true,
            record: None,
        });
        let mut map = FxHashMap::default();
        map.insert(Builtin::Error, base.clone());
        for &b in ALL {
            if b.info().kind == Kind::ErrorClass && b != Builtin::Error {
                let class = Class {
                    name: b.name().into(),
                    base: Some(base.clone()),
                    attrs: base.attrs.clone(),
                    is_error: true,
                    record: None,
                };
                map.insert(b, Arc::new(class));
            }
        }
        map
    })
}

/// The class of a built-in error.
pub fn error_class(kind: Builtin) -> Arc<Class> {
    error_classes()
        .get(&kind)
        .or_else(|| error_classes().get(&Builtin::Error))
        .cloned()
        .expect("Error exists")
}

/// A value that `raise` refused, for its message: `class Point`, `int`.
pub fn describe_unraisable(v: &Value) -> String {
    match v {
        Value::Class(c) if c.record.is_some() => format!("record {}", c.name),
        Value::Class(c) => format!("class {}", c.name),
        other => other.type_name(),
    }
}

/// An error in flight: an instance of an error class.
#[derive(Clone)]
pub struct RuntimeError(pub Arc<Instance>);

impl RuntimeError {
    /// A built-in error with a message.
    pub fn new(kind: Builtin, message: impl Into<String>) -> RuntimeError {
        let instance = Instance::new(error_class(kind));
        instance.set(names::message(), Value::str(message.into()));
        instance.set(names::cause(), Value::None);
        RuntimeError(Arc::new(instance))
    }

    pub fn type_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::TypeError, message)
    }

    pub fn value_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::ValueError, message)
    }

    pub fn index_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::IndexError, message)
    }

    pub fn key_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::KeyError, message)
    }

    pub fn zero_division(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::ZeroDivisionError, message)
    }

    pub fn overflow(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::OverflowError, message)
    }

    pub fn attribute(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::AttributeError, message)
    }

    pub fn name_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::NameError, message)
    }

    pub fn io_error(message: impl Into<String>) -> RuntimeError {
        RuntimeError::new(Builtin::IOError, message)
    }

    /// Raising a value: an error instance is raised as is; a string becomes
    /// `Error(text)` (LANGUAGE.md §6); anything else is a TypeError.
    pub fn from_value(value: Value) -> RuntimeError {
        match value {
            Value::Instance(i) if i.class.is_error => RuntimeError(i),
            Value::Builtin(b) if b.info().kind == Kind::ErrorClass => {
                RuntimeError::from_value(Value::Class(error_class(b)))
            }
            Value::Class(c) if c.is_error => {
                let instance = Instance::new(c);
                instance.set(names::message(), Value::str(""));
                instance.set(names::cause(), Value::None);
                RuntimeError(Arc::new(instance))
            }
            Value::Str(s) => {
                let e = RuntimeError::new(Builtin::Error, s.as_str());
                e.0.set(raised_string(), Value::Bool(true));
                e
            }
            other => RuntimeError::type_error(format!(
                "can only raise errors (Error or a subclass), not {}",
                describe_unraisable(&other)
            )),
        }
    }

    /// Whether `raise` accepts the value: an error, an error class (which
    /// `raise` instantiates first) or a string.
    pub fn raisable(value: &Value) -> bool {
        match value {
            Value::Instance(i) => i.class.is_error,
            Value::Class(c) => c.is_error,
            Value::Builtin(b) => b.info().kind == Kind::ErrorClass,
            Value::Str(_) => true,
            _ => false,
        }
    }

    pub fn value(&self) -> Value {
        Value::Instance(self.0.clone())
    }

    pub fn class_name(&self) -> Arc<str> {
        self.0.class.name.clone()
    }

    pub fn is(&self, kind: Builtin) -> bool {
        self.0.class.is_subclass_of(&error_class(kind))
    }

    pub fn message(&self) -> String {
        match self.0.get(names::message()) {
            Some(Value::Str(s)) => s.as_str().to_string(),
            Some(Value::None) | None => String::new(),
            Some(other) => crate::repr::display_sync(&other).unwrap_or_default(),
        }
    }

    /// Records a frame the error passes through (innermost first).
    pub fn push_trace(&self, function: Arc<str>, span: Span) {
        self.0.trace.lock().push(TraceEntry { function, span });
    }

    pub fn trace(&self) -> Vec<TraceEntry> {
        self.0.trace.lock().clone()
    }

    pub fn cause(&self) -> Option<RuntimeError> {
        match self.0.get(names::cause()) {
            Some(Value::Instance(i)) if i.class.is_error => Some(RuntimeError(i)),
            _ => None,
        }
    }
}

/// Marks an error raised from a string (`raise "text"`), which compares
/// equal to that string.
pub fn raised_string() -> Sym {
    static SYM: OnceLock<Sym> = OnceLock::new();
    *SYM.get_or_init(|| Sym::intern("__raised_string__"))
}

impl fmt::Debug for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class_name(), self.message())
    }
}

/// An error returned by a host (embedder) function.
#[derive(Clone, Debug)]
pub struct HostError {
    pub kind: Builtin,
    pub message: String,
}

impl HostError {
    pub fn new(message: impl Into<String>) -> HostError {
        HostError {
            kind: Builtin::Error,
            message: message.into(),
        }
    }

    pub fn of(kind: Builtin, message: impl Into<String>) -> HostError {
        HostError {
            kind,
            message: message.into(),
        }
    }
}

impl From<HostError> for RuntimeError {
    fn from(e: HostError) -> RuntimeError {
        RuntimeError::new(e.kind, e.message)
    }
}

/// One line of a rendered traceback.
#[derive(Clone, Debug)]
pub struct Frame {
    pub function: String,
    pub location: String,
}

/// An uncaught runtime error, ready to render: type, message, the span
/// where it was raised, the frames it crossed, and its chain of causes.
#[derive(Clone, Debug)]
pub struct UncaughtError {
    pub type_name: String,
    pub message: String,
    pub span: Option<Span>,
    pub frames: Vec<Frame>,
    /// The error's `cause`, that one's cause, and so on: each with its
    /// type, message and frames. The chain stops at the first error met
    /// again (`raise e from e`, two errors causing each other), as Python's
    /// traceback printing does, and after [`MAX_CAUSES`] links.
    pub causes: Vec<UncaughtError>,
    /// The chain of causes was longer than [`MAX_CAUSES`].
    pub causes_cut: bool,
}

/// Causes listed for an uncaught error; a longer chain is cut with a note.
pub const MAX_CAUSES: usize = 100;

impl UncaughtError {
    pub fn new(error: &RuntimeError, sources: &SourceMap) -> UncaughtError {
        let mut uncaught = UncaughtError::one(error, sources);
        let mut seen = vec![Arc::as_ptr(&error.0) as usize];
        let mut next = error.cause();
        while let Some(cause) = next {
            let id = Arc::as_ptr(&cause.0) as usize;
            if seen.contains(&id) {
                break;
            }
            if uncaught.causes.len() >= MAX_CAUSES {
                uncaught.causes_cut = true;
                break;
            }
            seen.push(id);
            uncaught.causes.push(UncaughtError::one(&cause, sources));
            next = cause.cause();
        }
        uncaught
    }

    /// The error itself, without its causes.
    fn one(error: &RuntimeError, sources: &SourceMap) -> UncaughtError {
        let trace = error.trace();
        // A deadlock's "trace" is the list of blocked tasks, main first.
        let deadlock = error.is(pyro_builtins::Builtin::DeadlockError);
        let ordered: Vec<_> = if deadlock {
            trace.clone()
        } else {
            trace.iter().rev().cloned().collect()
        };
        let frames = ordered
            .iter()
            .map(|t| Frame {
                function: t.function.to_string(),
                location: sources.location(t.span.lo),
            })
            .collect();
        UncaughtError {
            type_name: error.class_name().to_string(),
            message: error.message(),
            span: trace.first().map(|t| t.span),
            frames,
            causes: Vec::new(),
            causes_cut: false,
        }
    }
}

impl fmt::Display for UncaughtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.type_name)
        } else {
            write!(f, "{}: {}", self.type_name, self.message)
        }
    }
}

impl std::error::Error for UncaughtError {}

impl Diagnostic for UncaughtError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        // One frame is the span already shown: only a deeper trace helps.
        if self.frames.len() < 2 && self.causes.is_empty() && self.type_name != "DeadlockError" {
            return None;
        }
        let mut text = String::new();
        let deadlock = self.type_name == "DeadlockError";
        if self.frames.len() >= 2 || (deadlock && !self.frames.is_empty()) {
            text.push_str(if deadlock {
                "blocked tasks:"
            } else {
                "traceback (most recent call last):"
            });
            // A runaway recursion repeats one frame thousands of times:
            // show three and count the rest, as Python does.
            let mut i = 0;
            while i < self.frames.len() {
                let frame = &self.frames[i];
                let same = self.frames[i..]
                    .iter()
                    .take_while(|f| f.function == frame.function && f.location == frame.location)
                    .count();
                for _ in 0..same.min(3) {
                    text.push_str(&format!("\n  {} at {}", frame.function, frame.location));
                }
                if same > 3 {
                    text.push_str(&format!(
                        "\n  [the frame above repeats {} more times]",
                        same - 3
                    ));
                }
                i += same;
            }
        }
        for c in &self.causes {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("caused by {c}"));
            if let Some(frame) = c.frames.last() {
                text.push_str(&format!(" (at {})", frame.location));
            }
        }
        if self.causes_cut {
            text.push_str("\n[the chain of causes goes on]");
        }
        Some(Box::new(text))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = if self.type_name == "DeadlockError" {
            "blocked here"
        } else {
            "raised here"
        };
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label.to_string()), span),
        )))
    }
}

/// Any failure of running a program, as a diagnostic for the edge.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum PyroError {
    #[error("syntax error")]
    Syntax(#[related] Vec<pyro_parser::SyntaxError>),
    #[error("compile error")]
    Compile(#[related] Vec<pyro_compiler::CompileError>),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Runtime(Box<UncaughtError>),
    #[error("{0}")]
    #[diagnostic(code(E0900))]
    Io(String),
    /// The program called `std.process.exit(code)`: not a failure to
    /// report, but the status the host's process may exit with.
    #[error("the program exited with status {0}")]
    Exit(u8),
}

impl PyroError {
    /// The individual diagnostics (syntax and compile errors are reported one by one).
    pub fn diagnostics(self) -> Vec<Box<dyn Diagnostic + Send + Sync>> {
        match self {
            PyroError::Syntax(errors) => errors
                .into_iter()
                .map(|e| Box::new(e) as Box<dyn Diagnostic + Send + Sync>)
                .collect(),
            PyroError::Compile(errors) => errors
                .into_iter()
                .map(|e| Box::new(e) as Box<dyn Diagnostic + Send + Sync>)
                .collect(),
            other => vec![Box::new(other)],
        }
    }
}
