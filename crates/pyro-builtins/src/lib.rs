//! The catalogue: every prelude builtin and every native std-module member,
//! defined once with its name, kind and Pyro signature.
//!
//! The compiler resolves names to [`Builtin`] ids, the VM implements each id
//! in an exhaustive `match` (so a missing implementation is a compile
//! error), and the type checker reads the same signatures. Adding a builtin
//! means adding one line here.

/// What a catalogue entry is at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A function.
    Function,
    /// A type that is also its own constructor or converter (`int`, `ListMutable`).
    Type,
    /// A built-in error class (all subclass `Error`).
    ErrorClass,
    /// A constant value (`std.math.pi`).
    Constant,
    /// A record type of the prelude (`Ok`, `Err`): the signature lists its
    /// fields, in order, as the constructor's parameters.
    Record,
}

/// A catalogue entry.
#[derive(Clone, Copy, Debug)]
pub struct Info {
    pub name: &'static str,
    pub kind: Kind,
    /// The Pyro signature, e.g. `(x: any) -> int`; the type for constants.
    pub signature: &'static str,
    pub doc: &'static str,
}

mod methods;
pub use methods::{
    has_method, method, method_id, method_index, methods_of, receivers, Method, Receiver,
    METHOD_COUNT,
};

macro_rules! catalogue {
    ($( $(#[$meta:meta])* $id:ident = $name:literal, $kind:ident, $sig:literal, $doc:literal; )*) => {
        /// Every builtin and native module member, by id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum Builtin { $( $(#[$meta])* $id, )* }

        /// Catalogue entries, indexed by `Builtin as usize`.
        pub const CATALOGUE: &[Info] = &[ $( Info { name: $name, kind: Kind::$kind, signature: $sig, doc: $doc }, )* ];

        /// Every id, in catalogue order.
        pub const ALL: &[Builtin] = &[ $( Builtin::$id, )* ];
    };
}

catalogue! {
    // ---------------------------------------------------------------- prelude
    Print = "print", Function, "(*values: any, sep: string? = \" \", end: string? = \"\\n\") -> None", "Writes values to stdout.";
    Input = "input", Function, "(prompt: any = \"\") -> string?", "Reads a line from stdin (None at end of input).";
    Str = "str", Type, "(value: any = \"\") -> string", "Converts a value to its string form.";
    Int = "int", Type, "(value: any = 0, base: int = 10) -> int", "Converts to an int.";
    Float = "float", Type, "(value: any = 0.0) -> float", "Converts to a float.";
    Bool = "bool", Type, "(value: any = false) -> bool", "Truthiness of a value.";
    List = "list", Type, "(items: any = []) -> list<any>", "An immutable list of the items.";
    Tuple = "tuple", Type, "(items: any = ()) -> tuple", "A tuple of the items.";
    Dict = "dict", Type, "(items: any = {}, **pairs: any) -> dict<any, any>", "An immutable dict.";
    Set = "set", Type, "(items: any = []) -> set<any>", "An immutable set of the items.";
    ListMutable = "ListMutable", Type, "(items: any = []) -> list_mut<any>", "A mutable list.";
    DictMutable = "DictMutable", Type, "(items: any = {}, **pairs: any) -> dict_mut<any, any>", "A mutable dict.";
    SetMutable = "SetMutable", Type, "(items: any = []) -> set_mut<any>", "A mutable set.";
    TupleMutable = "TupleMutable", Type, "(items: any) -> tuple_mut", "A fixed-length tuple with assignable items.";
    ListMut = "list_mut", Function, "(items: any = []) -> list_mut<any>", "A mutable list.";
    DictMut = "dict_mut", Function, "(items: any = {}, **pairs: any) -> dict_mut<any, any>", "A mutable dict.";
    SetMut = "set_mut", Function, "(items: any = []) -> set_mut<any>", "A mutable set.";
    Repr = "repr", Function, "(value: any) -> string", "The printable representation of a value.";
    Type_ = "type", Function, "(value: any) -> any", "The type (class) of a value.";
    IsInstance = "isinstance", Function, "(value: any, cls: any) -> bool", "Whether value is an instance of cls (or of one in a tuple of classes).";
    Len = "len", Function, "(value: any) -> int", "Number of items (characters for a string).";
    Range = "range", Function, "(start: int, stop: int = None, step: int = 1) -> any", "A range of ints.";
    Enumerate = "enumerate", Function, "(items: any, start: int = 0) -> any", "Pairs (index, item).";
    Zip = "zip", Function, "(*iterables: any) -> any", "Tuples of items taken in parallel.";
    Map = "map", Function, "(f: any, items: any, *more: any) -> any", "f applied to each item (to items taken in parallel, given several iterables).";
    Filter = "filter", Function, "(f: any, items: any) -> any", "The items for which f is true.";
    Sorted = "sorted", Function, "(items: any, key: any = None, reverse: bool = false) -> list<any>", "A sorted list of the items.";
    Reversed = "reversed", Function, "(items: any) -> any", "The items in reverse order.";
    Sum = "sum", Function, "(items: any, start: any = 0) -> any", "The sum of the items.";
    Min = "min", Function, "(*items: any, key: any = None, default: any = None) -> any", "The smallest item.";
    Max = "max", Function, "(*items: any, key: any = None, default: any = None) -> any", "The largest item.";
    Abs = "abs", Function, "(x: any) -> any", "Absolute value.";
    Round = "round", Function, "(x: any, ndigits: int? = None) -> any", "Rounds half to even.";
    Div = "div", Function, "(a: any, b: any) -> any", "Floor division.";
    DivMod = "divmod", Function, "(a: any, b: any) -> tuple", "(div(a, b), a % b).";
    Hash = "hash", Function, "(value: any) -> int", "Hash of a hashable value.";
    Id = "id", Function, "(value: any) -> int", "Identity of a value.";
    Any = "any", Function, "(items: any) -> bool", "Whether any item is true.";
    All = "all", Function, "(items: any) -> bool", "Whether every item is true.";
    Partial = "partial", Function, "(f: any, *args: any) -> any", "f with its first arguments fixed.";
    Iter = "iter", Function, "(items: any) -> any", "An iterator over the items.";
    Next = "next", Function, "(iterator: any, default: any = None) -> any", "The next item of an iterator.";
    Chr = "chr", Function, "(code: int) -> string", "The character with this code point.";
    Ord = "ord", Function, "(ch: string) -> int", "The code point of a one-character string.";
    Chan = "chan", Type, "(capacity: int = 0) -> chan<any>", "A channel.";
    After = "after", Function, "(seconds: float) -> Receiver<float>", "A channel that receives one value after a delay.";
    StaticMethod = "staticmethod", Type, "(function: any) -> any", "Decorator: a method called without a receiver.";
    ClassMethod = "classmethod", Type, "(function: any) -> any", "Decorator: a method that receives the class (`cls`) instead of an instance.";
    Property = "property", Type, "(getter: any) -> any", "Decorator: a method read as an attribute (`@name.setter` makes it assignable).";
    // ---------------------------------------------------------------- prelude records
    OkRecord = "Ok", Record, "<T>(value: T) -> Ok<T>", "A successful result (what `task.parallel_map(settled=true)` returns).";
    ErrRecord = "Err", Record, "<E>(error: E) -> Err<E>", "A failed result, holding the error.";
    // ---------------------------------------------------------------- error classes
    Error = "Error", ErrorClass, "(message: any = \"\") -> Error", "The base of every error.";
    TypeError = "TypeError", ErrorClass, "(message: any = \"\") -> TypeError", "An operation on a value of the wrong type.";
    ValueError = "ValueError", ErrorClass, "(message: any = \"\") -> ValueError", "A value of the right type but wrong content.";
    KeyError = "KeyError", ErrorClass, "(message: any = \"\") -> KeyError", "A missing dict key.";
    IndexError = "IndexError", ErrorClass, "(message: any = \"\") -> IndexError", "An index out of range.";
    ZeroDivisionError = "ZeroDivisionError", ErrorClass, "(message: any = \"\") -> ZeroDivisionError", "Division or modulo by zero.";
    OverflowError = "OverflowError", ErrorClass, "(message: any = \"\") -> OverflowError", "An int result outside 64 bits.";
    MemoryError = "MemoryError", ErrorClass, "(message: any = \"\") -> MemoryError", "Memory that cannot be had: a size too large to allocate, or too many live tasks.";
    AttributeError = "AttributeError", ErrorClass, "(message: any = \"\") -> AttributeError", "A missing attribute.";
    NameError = "NameError", ErrorClass, "(message: any = \"\") -> NameError", "A name used before it has a value.";
    RecursionError = "RecursionError", ErrorClass, "(message: any = \"\") -> RecursionError", "Call depth over the limit.";
    AssertionError = "AssertionError", ErrorClass, "(message: any = \"\") -> AssertionError", "A failed assert.";
    IOError = "IOError", ErrorClass, "(message: any = \"\") -> IOError", "An operating-system failure.";
    ChannelClosed = "ChannelClosed", ErrorClass, "(message: any = \"\") -> ChannelClosed", "Use of a closed channel.";
    Timeout = "Timeout", ErrorClass, "(message: any = \"\") -> Timeout", "A deadline passed.";
    Cancelled = "Cancelled", ErrorClass, "(message: any = \"\") -> Cancelled", "The task was cancelled.";
    DeadlockError = "DeadlockError", ErrorClass, "(message: any = \"\") -> DeadlockError", "Every task is asleep.";
    StopIteration = "StopIteration", ErrorClass, "(message: any = \"\") -> StopIteration", "An iterator is exhausted.";
    ImportError = "ImportError", ErrorClass, "(message: any = \"\") -> ImportError", "A module could not be imported.";
    // ---------------------------------------------------------------- std.math
    MathPi = "pi", Constant, "float", "π";
    MathE = "e", Constant, "float", "Euler's number";
    MathTau = "tau", Constant, "float", "2π";
    MathInf = "inf", Constant, "float", "Positive infinity";
    MathNan = "nan", Constant, "float", "Not a number";
    MathSqrt = "sqrt", Function, "(x: float) -> float", "Square root.";
    MathAbs = "abs", Function, "(x: float) -> float", "Absolute value, as a float.";
    MathCeil = "ceil", Function, "(x: float) -> int", "Smallest int >= x.";
    MathFloor = "floor", Function, "(x: float) -> int", "Largest int <= x.";
    MathRound = "round", Function, "(x: float, ndigits: int? = None) -> any", "Rounds half to even.";
    MathTrunc = "trunc", Function, "(x: float) -> int", "Rounds towards zero.";
    MathPow = "pow", Function, "(x: float, y: float) -> float", "x to the power y.";
    MathExp = "exp", Function, "(x: float) -> float", "e to the power x.";
    MathLog = "log", Function, "(x: float, base: float? = None) -> float", "Logarithm (natural by default).";
    MathLog2 = "log2", Function, "(x: float) -> float", "Base-2 logarithm.";
    MathLog10 = "log10", Function, "(x: float) -> float", "Base-10 logarithm.";
    MathSin = "sin", Function, "(x: float) -> float", "Sine.";
    MathCos = "cos", Function, "(x: float) -> float", "Cosine.";
    MathTan = "tan", Function, "(x: float) -> float", "Tangent.";
    MathAsin = "asin", Function, "(x: float) -> float", "Arc sine.";
    MathAcos = "acos", Function, "(x: float) -> float", "Arc cosine.";
    MathAtan = "atan", Function, "(x: float) -> float", "Arc tangent.";
    MathAtan2 = "atan2", Function, "(y: float, x: float) -> float", "Arc tangent of y/x.";
    MathHypot = "hypot", Function, "(*xs: float) -> float", "Euclidean norm.";
    MathIsNan = "isnan", Function, "(x: float) -> bool", "Whether x is NaN.";
    MathIsInf = "isinf", Function, "(x: float) -> bool", "Whether x is infinite.";
    MathIsFinite = "isfinite", Function, "(x: float) -> bool", "Whether x is finite.";
    MathGcd = "gcd", Function, "(*xs: int) -> int", "Greatest common divisor.";
    MathLcm = "lcm", Function, "(*xs: int) -> int", "Least common multiple.";
    MathFactorial = "factorial", Function, "(n: int) -> int", "n!";
    MathMin = "min", Function, "(*items: any) -> any", "The smallest item.";
    MathMax = "max", Function, "(*items: any) -> any", "The largest item.";
    MathDegrees = "degrees", Function, "(x: float) -> float", "Radians to degrees.";
    MathRadians = "radians", Function, "(x: float) -> float", "Degrees to radians.";
    // ---------------------------------------------------------------- std.time
    TimeSleep = "sleep", Function, "(seconds: float) -> None", "Suspends the task.";
    TimeNow = "now", Function, "() -> float", "Seconds since the Unix epoch.";
    TimeMillis = "millis", Function, "() -> int", "Milliseconds since the Unix epoch.";
    TimeMonotonic = "monotonic", Function, "() -> float", "Seconds on a clock that never goes back.";
    // ---------------------------------------------------------------- std.string
    StringAsciiLetters = "ascii_letters", Constant, "string", "a-z and A-Z";
    StringAsciiLowercase = "ascii_lowercase", Constant, "string", "a-z";
    StringAsciiUppercase = "ascii_uppercase", Constant, "string", "A-Z";
    StringDigits = "digits", Constant, "string", "0-9";
    StringHexDigits = "hexdigits", Constant, "string", "0-9a-fA-F";
    StringPunctuation = "punctuation", Constant, "string", "ASCII punctuation";
    StringWhitespace = "whitespace", Constant, "string", "ASCII whitespace";
    StringRepeat = "repeat", Function, "(s: string, n: int) -> string", "s repeated n times.";
    StringPadLeft = "pad_left", Function, "(s: string, width: int, fill: string = \" \") -> string", "Right-aligns s in width characters.";
    StringPadRight = "pad_right", Function, "(s: string, width: int, fill: string = \" \") -> string", "Left-aligns s in width characters.";
    // ---------------------------------------------------------------- std.env
    EnvArgs = "args", Function, "() -> list<string>", "The script path and its arguments.";
    EnvVar = "var", Function, "(name: string) -> string?", "An environment variable, or None.";
    EnvVars = "vars", Function, "() -> dict<string, string>", "Every environment variable.";
    EnvCwd = "cwd", Function, "() -> string", "The working directory.";
    EnvSetCwd = "set_cwd", Function, "(path: string) -> None", "Changes the working directory.";
    // ---------------------------------------------------------------- std.json
    JsonStringify = "stringify", Function, "(value: any, indent: int? = None) -> string", "JSON text for a value (Python's json.dumps format).";
    JsonParse = "parse", Function, "(text: string) -> any", "The value of JSON text (objects become dicts, arrays lists).";
    // ---------------------------------------------------------------- std.random
    RandomRandom = "random", Function, "() -> float", "A float in [0, 1).";
    RandomRandint = "randint", Function, "(a: int, b: int) -> int", "An int in [a, b].";
    RandomUniform = "uniform", Function, "(a: float, b: float) -> float", "A float between a and b.";
    RandomChoice = "choice", Function, "(items: any) -> any", "A random item of a non-empty sequence.";
    RandomShuffle = "shuffle", Function, "(items: list_mut<any>) -> None", "Shuffles a mutable list in place.";
    RandomSeed = "seed", Function, "(n: int) -> None", "Makes the sequence reproducible.";
    // ---------------------------------------------------------------- std.fs
    FsReadToString = "read_to_string", Function, "(path: string) -> string", "The text of a file.";
    FsWrite = "write", Function, "(path: string, text: string) -> None", "Writes text to a file, replacing it.";
    FsAppend = "append", Function, "(path: string, text: string) -> None", "Appends text to a file.";
    FsExists = "exists", Function, "(path: string) -> bool", "Whether the path exists.";
    FsIsFile = "is_file", Function, "(path: string) -> bool", "Whether the path is a file.";
    FsIsDir = "is_dir", Function, "(path: string) -> bool", "Whether the path is a directory.";
    FsCreateDir = "create_dir", Function, "(path: string) -> None", "Creates a directory and its parents.";
    FsRemoveFile = "remove_file", Function, "(path: string) -> None", "Removes a file.";
    FsRemoveDir = "remove_dir", Function, "(path: string) -> None", "Removes a directory and everything in it.";
    FsListDir = "list_dir", Function, "(path: string) -> list<string>", "The names in a directory, sorted.";
    FsRename = "rename", Function, "(src: string, dst: string) -> None", "Renames or moves a path.";
    FsCopy = "copy", Function, "(src: string, dst: string) -> None", "Copies a file.";
    // ---------------------------------------------------------------- std.io
    IoReadFile = "read_file", Function, "(path: string) -> string", "The text of a file.";
    IoWriteFile = "write_file", Function, "(path: string, text: string) -> None", "Writes text to a file.";
    IoReadLine = "read_line", Function, "() -> string?", "A line from stdin (None at end of input).";
    IoEprint = "eprint", Function, "(*values: any) -> None", "Prints to stderr.";
    // ---------------------------------------------------------------- std.process
    ProcessExec = "exec", Function, "(cmd: string, args: list<string> = []) -> dict<string, any>", "Runs a command: {stdout, stderr, code}.";
    ProcessExit = "exit", Function, "(code: int = 0) -> None", "Ends the program with an exit status.";
    // ---------------------------------------------------------------- std._task (native half of std.task)
    TaskCurrent = "current", Function, "() -> Task?", "The running task (None in the main program).";
    TaskCount = "count", Function, "() -> int", "Tasks alive now, the main program included.";
    TaskYieldNow = "yield_now", Function, "() -> None", "Lets other tasks run.";
    // ---------------------------------------------------------------- std.sync
    SyncMutex = "Mutex", Type, "() -> Mutex", "A mutual-exclusion lock (lock/unlock, or `with m:`).";
    SyncRwLock = "RwLock", Type, "() -> RwLock", "A readers-writer lock (`with rw.read():` shared, `with rw.write():` exclusive; also read_lock/read_unlock, lock/unlock).";
    SyncWaitGroup = "WaitGroup", Type, "() -> WaitGroup", "Waits for a counter of tasks to reach zero (add, done, wait).";
    SyncSemaphore = "Semaphore", Type, "(permits: int) -> Semaphore", "Limits concurrency to n holders (acquire/release, or `with s:`).";
    SyncEvent = "Event", Type, "() -> Event", "A flag tasks can wait for (set, clear, wait, is_set).";
    SyncBarrier = "Barrier", Type, "(parties: int) -> Barrier", "Makes n tasks wait for each other (wait).";
    SyncAtomic = "Atomic", Type, "(value: any) -> Atomic", "A value updated atomically (get, set, add, swap, compare_and_set, update).";
}

/// A native standard module: its import name and members.
pub struct NativeModule {
    pub name: &'static str,
    pub members: &'static [Builtin],
}

/// Modules implemented natively (a module may also have a Pyro part in `std/`).
pub const NATIVE_MODULES: &[NativeModule] = &[
    NativeModule {
        name: "std.math",
        members: &[
            Builtin::MathPi,
            Builtin::MathE,
            Builtin::MathTau,
            Builtin::MathInf,
            Builtin::MathNan,
            Builtin::MathSqrt,
            Builtin::MathAbs,
            Builtin::MathCeil,
            Builtin::MathFloor,
            Builtin::MathRound,
            Builtin::MathTrunc,
            Builtin::MathPow,
            Builtin::MathExp,
            Builtin::MathLog,
            Builtin::MathLog2,
            Builtin::MathLog10,
            Builtin::MathSin,
            Builtin::MathCos,
            Builtin::MathTan,
            Builtin::MathAsin,
            Builtin::MathAcos,
            Builtin::MathAtan,
            Builtin::MathAtan2,
            Builtin::MathHypot,
            Builtin::MathIsNan,
            Builtin::MathIsInf,
            Builtin::MathIsFinite,
            Builtin::MathGcd,
            Builtin::MathLcm,
            Builtin::MathFactorial,
            Builtin::MathMin,
            Builtin::MathMax,
            Builtin::MathDegrees,
            Builtin::MathRadians,
        ],
    },
    NativeModule {
        name: "std.time",
        members: &[
            Builtin::TimeSleep,
            Builtin::TimeNow,
            Builtin::TimeMillis,
            Builtin::TimeMonotonic,
        ],
    },
    NativeModule {
        name: "std.string",
        members: &[
            Builtin::StringAsciiLetters,
            Builtin::StringAsciiLowercase,
            Builtin::StringAsciiUppercase,
            Builtin::StringDigits,
            Builtin::StringHexDigits,
            Builtin::StringPunctuation,
            Builtin::StringWhitespace,
            Builtin::StringRepeat,
            Builtin::StringPadLeft,
            Builtin::StringPadRight,
        ],
    },
    NativeModule {
        name: "std.json",
        members: &[Builtin::JsonStringify, Builtin::JsonParse],
    },
    NativeModule {
        name: "std.random",
        members: &[
            Builtin::RandomRandom,
            Builtin::RandomRandint,
            Builtin::RandomUniform,
            Builtin::RandomChoice,
            Builtin::RandomShuffle,
            Builtin::RandomSeed,
        ],
    },
    NativeModule {
        name: "std.fs",
        members: &[
            Builtin::FsReadToString,
            Builtin::FsWrite,
            Builtin::FsAppend,
            Builtin::FsExists,
            Builtin::FsIsFile,
            Builtin::FsIsDir,
            Builtin::FsCreateDir,
            Builtin::FsRemoveFile,
            Builtin::FsRemoveDir,
            Builtin::FsListDir,
            Builtin::FsRename,
            Builtin::FsCopy,
        ],
    },
    NativeModule {
        name: "std.io",
        members: &[
            Builtin::IoReadFile,
            Builtin::IoWriteFile,
            Builtin::IoReadLine,
            Builtin::IoEprint,
        ],
    },
    NativeModule {
        name: "std.process",
        members: &[Builtin::ProcessExec, Builtin::ProcessExit],
    },
    NativeModule {
        name: "std._task",
        members: &[
            // The prelude's records, which std.task re-exports (`task.Ok`).
            Builtin::OkRecord,
            Builtin::ErrRecord,
            Builtin::TaskCurrent,
            Builtin::TaskCount,
            Builtin::TaskYieldNow,
        ],
    },
    NativeModule {
        name: "std.sync",
        members: &[
            Builtin::SyncMutex,
            Builtin::SyncRwLock,
            Builtin::SyncWaitGroup,
            Builtin::SyncSemaphore,
            Builtin::SyncEvent,
            Builtin::SyncBarrier,
            Builtin::SyncAtomic,
        ],
    },
    NativeModule {
        name: "std.env",
        members: &[
            Builtin::EnvArgs,
            Builtin::EnvVar,
            Builtin::EnvVars,
            Builtin::EnvCwd,
            Builtin::EnvSetCwd,
        ],
    },
];

/// Number of prelude entries: the catalogue starts with the prelude (every
/// entry before `MathPi`), which is in scope in every module.
pub fn prelude() -> impl Iterator<Item = Builtin> {
    ALL.iter().copied().take_while(|b| *b != Builtin::MathPi)
}

impl Builtin {
    pub fn info(self) -> &'static Info {
        &CATALOGUE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn from_index(index: u16) -> Option<Builtin> {
        ALL.get(index as usize).copied()
    }

    /// The prelude builtin with this name.
    pub fn lookup_prelude(name: &str) -> Option<Builtin> {
        prelude().find(|b| b.name() == name)
    }

    /// The field names of a [`Kind::Record`] entry, in order: the parameter
    /// names of its signature (`<T>(value: T) -> Ok<T>` has `value`).
    pub fn record_fields(self) -> Vec<&'static str> {
        let sig = self.info().signature;
        let params = sig
            .find('(')
            .zip(sig.find(')'))
            .map_or("", |(open, close)| &sig[open + 1..close]);
        params
            .split(',')
            .filter_map(|p| p.split(':').next())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The type words of the language: names that always mean a built-in
/// type where a type is written (`chan<int>`, `list<Msg>`), whatever a
/// program binds. The compiler does not load them as variables where it
/// passes a written type to the VM, and the VM reads them itself.
pub const TYPE_WORDS: &[&str] = &[
    "any",
    "int",
    "float",
    "bool",
    "string",
    "str",
    "None",
    "void",
    "list",
    "list_mut",
    "ListMutable",
    "tuple",
    "tuple_mut",
    "TupleMutable",
    "dict",
    "dict_mut",
    "DictMutable",
    "set",
    "set_mut",
    "SetMutable",
    "range",
    "iterable",
    "chan",
    "Sender",
    "Receiver",
    "Task",
];

/// Standard modules written in Pyro (`std/*.pyro`), embedded in the binary:
/// the VM runs them and the checker reads their signatures.
pub const PYRO_STD: &[(&str, &str)] = &[
    ("std.path", include_str!("../../../std/path.pyro")),
    ("std.task", include_str!("../../../std/task.pyro")),
];

/// The native module with this import name.
pub fn native_module(name: &str) -> Option<&'static NativeModule> {
    NATIVE_MODULES.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_indexed_by_id() {
        for (i, b) in ALL.iter().enumerate() {
            assert_eq!(*b as usize, i);
            assert_eq!(Builtin::from_index(i as u16), Some(*b));
        }
    }

    #[test]
    fn prelude_names_are_unique() {
        let mut names: Vec<&str> = prelude().map(Builtin::name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert_eq!(Builtin::lookup_prelude("print"), Some(Builtin::Print));
        assert_eq!(Builtin::lookup_prelude("sqrt"), None);
    }

    #[test]
    fn record_fields_come_from_the_signature() {
        assert_eq!(Builtin::OkRecord.record_fields(), ["value"]);
        assert_eq!(Builtin::ErrRecord.record_fields(), ["error"]);
    }

    #[test]
    fn module_members_have_unique_names() {
        for m in NATIVE_MODULES {
            let mut names: Vec<&str> = m.members.iter().map(|b| b.name()).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}", m.name);
        }
    }
}
