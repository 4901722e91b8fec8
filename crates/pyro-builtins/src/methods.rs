//! The methods of built-in types, with their Pyro signatures.
//!
//! The VM answers "does this value have method `m`?" from this table, and the
//! type checker reads the signatures from it, so the two can never disagree.
//! Signatures omit `self`; they may use the receiver's type parameters (`T`
//! for sequences, sets, channels and tasks; `K`, `V` for dicts) and `Self`
//! for the receiver's own type. `iterable<T>` accepts any iterable value.

/// The kind of receiver a method belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Receiver {
    Str,
    /// Reading methods shared by `list`, `list_mut`, `tuple` and `tuple_mut`.
    Seq,
    /// Methods only `list_mut` has (a `list` has them too, to say it is immutable).
    ListMut,
    Dict,
    DictMut,
    Set,
    SetMut,
    Int,
    Float,
    /// A channel: every method. Its views have the subsets below.
    Chan,
    Sender,
    Receiver,
    Task,
    Mutex,
    RwLock,
    /// What `RwLock.read()` and `RwLock.write()` return: a guard for `with`.
    RwLockGuard,
    WaitGroup,
    Semaphore,
    Event,
    Barrier,
    Atomic,
    /// A native iterator (`iter(xs)`, `enumerate`, `zip`...).
    Iterator,
}

/// A method of a built-in type.
#[derive(Clone, Copy, Debug)]
pub struct Method {
    pub receiver: Receiver,
    pub name: &'static str,
    /// `(params) -> ret`, without `self`.
    pub signature: &'static str,
}

macro_rules! methods {
    ($( $recv:ident { $( $name:literal : $sig:literal, )* } )*) => {
        /// The methods of each receiver kind, indexed by `Receiver as usize`.
        const GROUPS: &[&[Method]] = &[ $( &[ $( Method { receiver: Receiver::$recv, name: $name, signature: $sig }, )* ], )* ];
        /// The receiver kinds, in table order.
        const RECEIVERS: &[Receiver] = &[ $( Receiver::$recv, )* ];
    };
}

methods! {
    Str {
        "len": "() -> int",
        "upper": "() -> string",
        "lower": "() -> string",
        "capitalize": "() -> string",
        "title": "() -> string",
        "swapcase": "() -> string",
        "strip": "(chars: string? = None) -> string",
        "lstrip": "(chars: string? = None) -> string",
        "rstrip": "(chars: string? = None) -> string",
        "split": "(sep: string? = None, maxsplit: int = -1) -> list<string>",
        "rsplit": "(sep: string? = None, maxsplit: int = -1) -> list<string>",
        "splitlines": "(keepends: bool = false) -> list<string>",
        "join": "(items: iterable<string>) -> string",
        "replace": "(old: string, new: string, count: int = -1) -> string",
        "find": "(sub: string, start: int? = None, end: int? = None) -> int",
        "rfind": "(sub: string, start: int? = None, end: int? = None) -> int",
        "index": "(sub: string, start: int? = None, end: int? = None) -> int",
        "rindex": "(sub: string, start: int? = None, end: int? = None) -> int",
        "count": "(sub: string, start: int? = None, end: int? = None) -> int",
        "startswith": "(prefix: string | tuple, start: int? = None, end: int? = None) -> bool",
        "endswith": "(suffix: string | tuple, start: int? = None, end: int? = None) -> bool",
        "contains": "(sub: string) -> bool",
        "isdigit": "() -> bool",
        "isdecimal": "() -> bool",
        "isnumeric": "() -> bool",
        "isalpha": "() -> bool",
        "isalnum": "() -> bool",
        "isspace": "() -> bool",
        "isupper": "() -> bool",
        "islower": "() -> bool",
        "istitle": "() -> bool",
        "isidentifier": "() -> bool",
        "center": "(width: int, fill: string = \" \") -> string",
        "ljust": "(width: int, fill: string = \" \") -> string",
        "rjust": "(width: int, fill: string = \" \") -> string",
        "zfill": "(width: int) -> string",
        "partition": "(sep: string) -> tuple<string, string, string>",
        "rpartition": "(sep: string) -> tuple<string, string, string>",
        "expandtabs": "(tabsize: int = 8) -> string",
        "removeprefix": "(prefix: string) -> string",
        "removesuffix": "(suffix: string) -> string",
        "format": "(*args: any, **kwargs: any) -> string",
        "chars": "() -> list<string>",
        "encode": "() -> list<int>",
    }
    Seq {
        "len": "() -> int",
        "index": "(value: T) -> int",
        "count": "(value: T) -> int",
        "contains": "(value: T) -> bool",
        "copy": "() -> Self",
    }
    ListMut {
        "push": "(value: T) -> None",
        "append": "(value: T) -> None",
        "pop": "(index: int = -1) -> T",
        "insert": "(index: int, value: T) -> None",
        "remove": "(value: T) -> None",
        "clear": "() -> None",
        "reverse": "() -> None",
        "sort": "(key: any = None, reverse: bool = false) -> None",
        "extend": "(items: iterable<T>) -> None",
    }
    Dict {
        "len": "() -> int",
        "keys": "() -> list<K>",
        "values": "() -> list<V>",
        "items": "() -> list<tuple<K, V>>",
        "get": "(key: K, default: V? = None) -> V?",
        "contains": "(key: K) -> bool",
        "copy": "() -> Self",
    }
    DictMut {
        "insert": "(key: K, value: V) -> None",
        "remove": "(key: K) -> None",
        "pop": "(key: K, default: V? = None) -> V",
        "clear": "() -> None",
        "update": "(other: any = {}, **pairs: V) -> None",
        "setdefault": "(key: K, default: V? = None) -> V",
        "popitem": "() -> tuple<K, V>",
    }
    Set {
        "len": "() -> int",
        "contains": "(value: T) -> bool",
        "union": "(*others: iterable<T>) -> Self",
        "intersection": "(*others: iterable<T>) -> Self",
        "difference": "(*others: iterable<T>) -> Self",
        "symmetric_difference": "(other: iterable<T>) -> Self",
        "issubset": "(other: iterable<T>) -> bool",
        "issuperset": "(other: iterable<T>) -> bool",
        "isdisjoint": "(other: iterable<T>) -> bool",
        "copy": "() -> Self",
    }
    SetMut {
        "add": "(value: T) -> None",
        "remove": "(value: T) -> None",
        "discard": "(value: T) -> None",
        "clear": "() -> None",
        "pop": "() -> T",
        "update": "(*others: iterable<T>) -> None",
    }
    Int {
        "bit_length": "() -> int",
    }
    Float {
        "is_integer": "() -> bool",
    }
    Chan {
        "push": "(value: T) -> None",
        "collect": "() -> T",
        "try_push": "(value: T) -> bool",
        "try_collect": "() -> tuple<T?, bool>",
        "close": "() -> None",
        "len": "() -> int",
        "cap": "() -> int",
        "is_closed": "() -> bool",
        "sender": "() -> Sender<T>",
        "receiver": "() -> Receiver<T>",
    }
    Sender {
        "push": "(value: T) -> None",
        "try_push": "(value: T) -> bool",
        "close": "() -> None",
        "len": "() -> int",
        "cap": "() -> int",
        "is_closed": "() -> bool",
        "sender": "() -> Sender<T>",
    }
    Receiver {
        "collect": "() -> T",
        "try_collect": "() -> tuple<T?, bool>",
        "len": "() -> int",
        "cap": "() -> int",
        "is_closed": "() -> bool",
        "receiver": "() -> Receiver<T>",
    }
    Task {
        "join": "() -> T",
        "cancel": "() -> None",
        "done": "() -> bool",
        "cancelled": "() -> bool",
    }
    Mutex {
        "lock": "() -> None",
        "unlock": "() -> None",
        "locked": "() -> bool",
        "__enter__": "() -> None",
        "__exit__": "(*args: any) -> bool",
    }
    RwLock {
        "read_lock": "() -> None",
        "read_unlock": "() -> None",
        "lock": "() -> None",
        "unlock": "() -> None",
        "read": "() -> RwLockGuard",
        "write": "() -> RwLockGuard",
        "__enter__": "() -> None",
        "__exit__": "(*args: any) -> bool",
    }
    RwLockGuard {
        "__enter__": "() -> None",
        "__exit__": "(*args: any) -> bool",
    }
    WaitGroup {
        "add": "(n: int) -> None",
        "done": "() -> None",
        "wait": "() -> None",
    }
    Semaphore {
        "acquire": "() -> None",
        "release": "() -> None",
        "__enter__": "() -> None",
        "__exit__": "(*args: any) -> bool",
    }
    Event {
        "set": "() -> None",
        "clear": "() -> None",
        "is_set": "() -> bool",
        "wait": "() -> bool",
    }
    Barrier {
        "wait": "() -> bool",
        "parties": "() -> int",
    }
    Atomic {
        "get": "() -> any",
        "set": "(value: any) -> None",
        "add": "(delta: any) -> any",
        "swap": "(value: any) -> any",
        "compare_and_set": "(expected: any, new: any) -> bool",
        "update": "(f: any) -> any",
    }
    Iterator {
        "__next__": "() -> any",
        "__iter__": "() -> Self",
    }
}

/// How many methods the catalogue has, all receivers together.
pub const METHOD_COUNT: usize = METHOD_OFFSETS[GROUPS.len() - 1] + GROUPS[GROUPS.len() - 1].len();

/// Where each receiver's methods start in a numbering of all methods (see
/// [`method_id`]).
const METHOD_OFFSETS: [usize; GROUPS.len()] = {
    let mut out = [0; GROUPS.len()];
    let mut i = 1;
    while i < GROUPS.len() {
        out[i] = out[i - 1] + GROUPS[i - 1].len();
        i += 1;
    }
    out
};

/// The number of the `index`-th method of `receiver` among all methods:
/// below [`METHOD_COUNT`], for tables with one entry per method.
#[inline]
pub fn method_id(receiver: Receiver, index: usize) -> usize {
    METHOD_OFFSETS[receiver as usize] + index
}

/// The methods of `receiver`, in table order.
pub fn methods_of(receiver: Receiver) -> &'static [Method] {
    GROUPS[receiver as usize]
}

/// The method `name` of `receiver`, if it has one.
pub fn method(receiver: Receiver, name: &str) -> Option<&'static Method> {
    methods_of(receiver).iter().find(|m| m.name == name)
}

/// The position of method `name` in [`methods_of`]`(receiver)`.
pub fn method_index(receiver: Receiver, name: &str) -> Option<usize> {
    methods_of(receiver).iter().position(|m| m.name == name)
}

/// Every receiver kind, in table order.
pub fn receivers() -> impl Iterator<Item = Receiver> {
    RECEIVERS.iter().copied()
}

/// Whether `receiver` has a method called `name`.
pub fn has_method(receiver: Receiver, name: &str) -> bool {
    method(receiver, name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_indexed_by_receiver() {
        assert_eq!(RECEIVERS.len(), GROUPS.len());
        let mut ids = Vec::new();
        for r in receivers() {
            for i in 0..methods_of(r).len() {
                ids.push(method_id(r, i));
            }
        }
        assert_eq!(ids, (0..METHOD_COUNT).collect::<Vec<_>>());
        for (i, r) in RECEIVERS.iter().enumerate() {
            assert_eq!(*r as usize, i);
        }
        for (i, group) in GROUPS.iter().enumerate() {
            assert!(!group.is_empty());
            for m in *group {
                assert_eq!(m.receiver as usize, i, "{}", m.name);
            }
        }
    }
}
