//! Type errors as miette diagnostics, and the table of their codes.

use std::fmt;

use miette::{Diagnostic, LabeledSpan};
use pyro_source::Span;

/// One type error: a stable code, a one-line message, the offending span
/// with a label, optionally a second span ("declared as `int` here") and a
/// help line.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    pub code: Code,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub secondary: Option<(Span, String)>,
    pub help: Option<String>,
}

impl TypeError {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> TypeError {
        TypeError {
            code,
            message: message.into(),
            span,
            label: String::new(),
            secondary: None,
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> TypeError {
        self.label = label.into();
        self
    }

    pub fn note_at(mut self, span: Option<Span>, label: impl Into<String>) -> TypeError {
        if let Some(span) = span.filter(|s| s.lo < crate::check::FOREIGN_BASE) {
            self.secondary = Some((span, label.into()));
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> TypeError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TypeError {}

impl Diagnostic for TypeError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.code.is_warning() {
            miette::Severity::Warning
        } else {
            miette::Severity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        let mut labels = vec![LabeledSpan::new_primary_with_span(label, self.span)];
        if let Some((span, text)) = &self.secondary {
            labels.push(LabeledSpan::new_with_span(Some(text.clone()), *span));
        }
        Some(Box::new(labels.into_iter()))
    }
}

macro_rules! codes {
    ($( $id:ident = $code:literal, $title:literal, $explain:literal; )*) => {
        /// The error classes of LANGUAGE.md §10, each with a stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Code { $( $id, )* }

        impl Code {
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$id => $code, )* }
            }
            pub fn title(self) -> &'static str {
                match self { $( Code::$id => $title, )* }
            }
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$id => $explain, )* }
            }
            /// A warning (`W…`): reported, but it does not fail a check.
            pub fn is_warning(self) -> bool {
                self.as_str().starts_with('W')
            }
        }

        /// Every checker code.
        pub const ALL_CODES: &[Code] = &[ $( Code::$id, )* ];
    };
}

codes! {
    Mismatch = "E0308", "mismatched types",
"A value's type is not compatible with the type expected where it is used:
the annotation of a `let`, the declared type of a variable it is assigned
to, a parameter it is passed to, or the declared return type.

    let n: int = \"ten\"          # error[E0308]: expected `int`, found `string`

    def half(x: float) -> int:
        return x / 2              # error[E0308]: `float` returned where `int` is declared

An `int` is accepted where a `float` is expected; `any` (an unannotated value)
is accepted everywhere. Convert explicitly (`int(x)`, `str(n)`) or fix the
annotation.";
    MaybeNone = "E0309", "value may be None",
"The value's type includes `None` (it is optional, `T?`), and it is used in a
way that `None` does not support: an attribute, a call, an operator or an
index.

    def first(d: dict<string, int>) -> int:
        let v = d.get(\"a\")          # int?
        return v + 1                # error[E0309]: `v` may be None

Test it first — `if v is not None:`, `if v:` or an early `return` narrow the
type — or pass a default (`d.get(\"a\", 0)`).";
    Arity = "E0310", "wrong number of arguments",
"A call passes more positional arguments than the function accepts, or
passes one parameter twice.

    def add(a: int, b: int) -> int:
        return a + b
    add(1, 2, 3)                    # error[E0310]: `add` takes 2 arguments but 3 were given

Pyro has no automatic currying; use `partial(f, x)` for partial application.";
    UnknownKeyword = "E0311", "unknown keyword argument",
"A call names a keyword argument that the function has no parameter for.

    def greet(name: string, loud: bool = false): ...
    greet(\"ada\", shout=true)        # error[E0311]: `greet` has no parameter `shout`";
    MissingArgument = "E0312", "missing required argument",
"A call does not pass a parameter that has no default.

    def area(w: float, h: float) -> float:
        return w * h
    area(2.0)                       # error[E0312]: missing argument `h`";
    UnknownAttribute = "E0320", "unknown attribute or method",
"The value's type is known and has no attribute or method of that name.
Fields of a class are the ones declared in its body (`x: int`) or assigned
through `self` in its methods; records have their parameters as fields.

    let s = \"pyro\"
    s.uppercase()                   # error[E0320]: `string` has no attribute `uppercase`";
    UnknownMember = "E0321", "unknown module member",
"An imported module has no member of that name.

    import std.math
    math.squareroot(2.0)            # error[E0321]: module `std.math` has no member `squareroot`";
    UnknownType = "E0322", "unknown type",
"An annotation names a type that is not defined: not a built-in type, nor a
class, record, interface or type alias in scope.

    let n: integer = 1              # error[E0322]: unknown type `integer`

Built-in generic types take a fixed number of type arguments, or none
(which means `any`): `dict<string, int>`, not `dict<int>`.";
    UnknownModule = "E0323", "unknown module",
"An import names a standard module that does not exist, or a file that
cannot be found next to the importing file.

    import std.maths                # error[E0323]: there is no module `std.maths`";
    Immutable = "E0330", "mutation of an immutable value",
"The value is immutable: a `list`, `dict`, `set` or `tuple`, a record or a
string. Its items, fields and characters cannot be assigned, and it has no
mutating methods.

    let xs = [1, 2, 3]
    xs.push(4)                      # error[E0330]: `list<int>` is immutable

Build a mutable collection instead (`ListMutable([1, 2, 3])`, `list_mut()`),
or make a new value (`xs + [4]`, `p with a new field` via a new record).";
    ChannelDirection = "E0340", "wrong channel direction",
"A channel view is used in the direction it forbids: `collect` (or a select
receive, or iteration) on a `Sender<T>`, or `push` on a `Receiver<T>`.

    def producer(out: Sender<int>):
        let x = out.collect()       # error[E0340]: `Sender<int>` is send-only";
    ChannelElement = "E0341", "wrong channel element type",
"A value pushed into a typed channel is not of its element type, or a
received value is bound to an incompatible annotation.

    let c = chan<int>(1)
    c.push(\"one\")                   # error[E0341]: `chan<int>` carries `int`, not `string`";
    Operator = "E0350", "unsupported operand types",
"An operator is applied to types it does not support. There is no implicit
conversion to string.

    let msg = \"total: \" + 3        # error[E0350]: `+` is not supported between `string` and `int`

Convert first (`\"total: \" + str(3)`) or use an f-string (`f\"total: {3}\"`).";
    NotCallable = "E0351", "not callable",
"The called value is not a function, class or other callable.

    let n = 3
    n(1)                            # error[E0351]: `int` is not callable";
    NotIterable = "E0352", "not iterable or not subscriptable",
"A value is iterated (`for`, a comprehension, unpacking) or indexed, but its
type supports neither.

    for x in 42:                    # error[E0352]: `int` is not iterable
        pass";
    Interface = "E0360", "interface not satisfied",
"A value is used where an interface is expected, but its type lacks one of
the interface's methods, or has it with an incompatible signature.
Interfaces are structural: any type with the methods satisfies them.

    interface Shape:
        def area(self) -> float
    class Square:
        def side(self) -> float: ...
    let s: Shape = Square()         # error[E0360]: `Square` does not satisfy `Shape`: missing method `area`";
    Override = "E0361", "incompatible method override",
"A method overrides a method of a base class (or of an interface the class
names as a base) with a signature that does not accept every call the
overridden one accepts, or returns what its callers do not expect. Code
written for the base class would then fail on the subclass.

    class Shape:
        def area(self) -> float: ...
    class Label(Shape):
        def area(self) -> string: ...   # error[E0361]: returns `string`, `Shape.area` returns `float`

An override must take the same positional parameters (it may add more,
with defaults), keep every default, accept at least the types the original
accepts (parameters are contravariant) and return a type the original's
callers accept (the return type is covariant). Unannotated parameters and
returns agree with anything; `__init__` is exempt, as in Python.";
    ReturnInNone = "E0370", "value returned from a `-> None` function",
"A function declared `-> None` returns a value.

    def log(msg: string) -> None:
        return len(msg)             # error[E0370]

Remove the value, or declare the return type.";
    MissingReturn = "E0371", "missing return",
"A function with a declared return type (that does not allow `None`) can
reach the end of its body without returning a value.

    def sign(x: int) -> int:        # error[E0371]: `sign` may end without returning an `int`
        if x > 0:
            return 1
        elif x < 0:
            return -1

Add a final `return`, or an `else` branch that returns or raises.";
    Cycle = "E0380", "cyclic definition",
"A definition depends on itself: a class that inherits from itself (directly
or through its bases), an interface that extends itself, or a type alias
whose meaning includes itself.

    class A(B): pass
    class B(A): pass                # error[E0380]: `B` inherits from `A`, which inherits from `B`

    type Tree = list<Tree>          # error[E0380]: type alias `Tree` refers to itself

An alias is a name for a type that exists already, so it cannot be recursive:
declare a class or a record for a recursive structure
(`record Tree(children: list<Tree>)`).";
    FloorDivisionComment = "W0300", "`//` starts a comment (warning)",
"In Pyro `//` starts a comment, as `#` does; there is no `//` operator.
Where Python would read floor division, the rest of the line is silently
ignored: `let half = n // 2` sets `half` to `n`. `pyro check` warns when a
`//` comment directly follows an expression and the comment itself reads
as an operand (`2`, `b`, `len(xs)`); a warning does not change the exit
status.

    let half = n // 2               # warning[W0300]: this `//` starts a comment
    let half = div(n, 2)            # floor division

Floor division is the builtin `div(a, b)` (rounding towards minus
infinity, as Python's `//`); `n //= 2` is `n = div(n, 2)`. A comment
meant as one reads as words (`// two of them`), or starts with `#`.";
    BadPattern = "E0390", "class pattern that cannot match",
"A class pattern in a `match` case names something a value cannot be an
instance of, or has more positional sub-patterns than the class takes:

    match v:
        case len(n): ...            # error[E0390]: `len` is a function, not a class
        case int(a, b): ...         # error[E0390]: `int()` accepts 1 positional sub-pattern
        case Point(x, y, z): ...    # error[E0390]: record `Point` has 2 fields
        case Circle(r): ...         # error[E0390]: a class matches attributes by keyword

A record takes one positional sub-pattern per field, in order; a built-in
type (`int`, `str`, `list` ...) takes one, which is the value itself
(`case int(n):`); any other class takes none: match its attributes by
keyword (`case Circle(radius=r):`), or test the class alone (`case Circle():`).
At run time such a pattern raises `TypeError`.";
}

/// Explanations of the codes other stages report, for `pyro explain`.
pub const OTHER_CODES: &[(&str, &str, &str)] = &[
    ("E0100", "undefined name", "A name is used that is not defined in the current scope, an enclosing\nfunction, the module, or the prelude.\n\n    print(totl)                     # error[E0100]: undefined name `totl`\n\nCheck the spelling, or define / import the name before using it."),
    ("E0101", "assignment to a `let` binding", "A `let` binding is immutable; it cannot be assigned again.\n\n    let n = 1\n    n = 2                           # error[E0101]\n\nDeclare it with `mut n = 1` if it needs to change."),
    ("E0102", "`break` or `continue` outside a loop", "`break` and `continue` may only appear inside a `for` or `while` body."),
    ("E0103", "`return` outside a function", "A module's top level cannot `return`; use `std.process.exit(code)` to stop early."),
    ("E0104", "mutable parameter default", "Defaults are evaluated once and shared by every call, so they must be\nimmutable. Default to `None` and create the mutable value in the body."),
    ("E0110", "module compiles to too much code", "A module whose bytecode would be out of all proportion to its source is\nrefused (the limit grows with the file's size; ordinary code stays far\nbelow it). It happens with `try`/`finally` nested many levels deep where\nthe blocks also `return`, `break` or `continue`: each way out of a `try`\ncompiles its own copy of the `finally` body, so the copies multiply at\nevery level.\n\nMove deeply nested cleanup into functions, or use `with` blocks."),
    ("E0900", "cannot read the program", "The file could not be read (it does not exist, or is not readable), or\nthe program could not be loaded."),
    ("E0901", "source is not UTF-8", "Pyro source files are UTF-8. Save the file as UTF-8 (without a byte\norder mark in other encodings)."),
    ("E0902", "no Pyro files found", "`pyro check DIR` looks for `.pyro` files in the folder and its\nsubfolders; there were none. Name the files, or the folder that holds them."),
    ("E0903", "invalid worker thread count", "`--workers` and `PYRO_WORKER_THREADS` take a whole number of threads\nfrom 1 to 1024. Without either, `pyro run` starts one worker per CPU.\n\n    PYRO_WORKER_THREADS=4 pyro run server.pyro"),
    ("E0904", "cannot start the runtime", "The operating system refused the worker threads `pyro run` asked for\n(a thread or memory limit, such as `ulimit -v`). Ask for fewer workers\nwith `--workers N` or `PYRO_WORKER_THREADS=N`, or raise the limit."),
    ("E0905", "invalid task limit", "`PYRO_MAX_TASKS` takes a whole number, 1 or more: the most tasks that may\nbe alive at once (default 1 000 000). Starting a task beyond it raises\n`MemoryError` at the `go`."),
];

/// Looks a code up for `pyro explain`: its title and explanation.
pub fn explain(code: &str) -> Option<(&'static str, &'static str)> {
    let code = code.trim().to_ascii_uppercase();
    ALL_CODES
        .iter()
        .find(|c| c.as_str() == code)
        .map(|c| (c.title(), c.explanation()))
        .or_else(|| {
            OTHER_CODES
                .iter()
                .find(|(c, _, _)| *c == code)
                .map(|(_, t, e)| (*t, *e))
        })
        .or_else(|| {
            pyro_parser::error::PARSE_ERROR_CLASSES
                .iter()
                .find(|c| c.code == code)
                .map(|c| {
                    (
                        c.title,
                        "A syntax error: the parser could not read the program. The report\npoints at the offending token and, where the fix is clear, says how to\nwrite it (`pyro check FILE` lists every syntax error of a file at once).",
                    )
                })
        })
}
