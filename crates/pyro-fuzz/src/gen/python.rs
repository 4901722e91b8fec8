//! The Python dialect of the emitter: the tree printed as a Python 3
//! program that means what the Pyro one means. Where the languages differ,
//! a small prelude supplies Pyro's behaviour: `_s`/`_r` print values as
//! Pyro does (`true`, double-quoted strings, `<C object>`), `_ck` raises
//! `OverflowError` where Pyro's 64-bit ints overflow, and `Error` is the
//! root of user errors with a `message` field.

use super::ast::{BinOp, Conv, Expr};
use super::emit::{bin_op, Dialect};

pub struct Python;

/// Pyro's semantics, written in Python.
const PRELUDE: &str = r#"class Error(Exception):
    def __init__(self, message=""):
        Exception.__init__(self, message)
        self.message = message
def _ck(v):
    if type(v) is int and not (-9223372036854775808 <= v <= 9223372036854775807):
        raise OverflowError("integer overflow")
    return v
def _sum(xs, start=0):
    t = start
    for x in xs:
        t = _ck(t + x)
    return t
def _rs(s):
    q = "'" if ('"' in s and "'" not in s) else '"'
    out = [q]
    for ch in s:
        if ch == q or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable():
            out.append(ch)
        else:
            o = ord(ch)
            out.append("\\x%02x" % o if o < 0x100 else "\\u%04x" % o if o < 0x10000 else "\\U%08x" % o)
    out.append(q)
    return "".join(out)
def _r(v):
    if v is None:
        return "None"
    if v is True:
        return "true"
    if v is False:
        return "false"
    t = type(v)
    if t is int:
        return str(v)
    if t is float:
        return repr(v)
    if t is str:
        return _rs(v)
    if t is list:
        return "[" + ", ".join(_r(x) for x in v) + "]"
    if t is tuple:
        if len(v) == 1:
            return "(" + _r(v[0]) + ",)"
        return "(" + ", ".join(_r(x) for x in v) + ")"
    if t is dict:
        return "{" + ", ".join(_r(k) + ": " + _r(x) for k, x in v.items()) + "}"
    if t.__repr__ is not object.__repr__:
        return repr(v)
    return "<" + t.__name__ + " object>"
def _s(v):
    t = type(v)
    if t is str:
        return v
    if t.__module__ == "__main__" and t.__str__ is not object.__str__:
        return v.__str__()
    return _r(v)
"#;

/// Calls whose int result Python would leave unbounded.
const CHECKED_CALLS: &[&str] = &["abs", "int", "round"];

impl Dialect for Python {
    fn prelude(&self) -> &'static str {
        PRELUDE
    }

    fn binding(&self) -> &'static str {
        ""
    }

    fn bool_literal(&self, value: bool) -> &'static str {
        if value {
            "True"
        } else {
            "False"
        }
    }

    fn print(&self, args: Vec<String>) -> String {
        let args: Vec<String> = args.into_iter().map(|a| format!("_s({a})")).collect();
        format!("print({})", args.join(", "))
    }

    fn arith(&self, op: BinOp, a: String, b: String) -> String {
        format!("_ck({a} {} {b})", bin_op(op))
    }

    fn negate(&self, a: String) -> String {
        format!("_ck(-{a})")
    }

    fn call(&self, callee: &Expr, text: String, args: String) -> String {
        match callee {
            // Pyro's `sum` adds one item at a time, each sum checked.
            Expr::Var(name) if name == "sum" => format!("_sum({args})"),
            Expr::Var(name) if CHECKED_CALLS.contains(&name.as_str()) => {
                format!("_ck({text}({args}))")
            }
            _ => format!("{text}({args})"),
        }
    }

    fn conv(&self, kind: Conv, a: String) -> String {
        match kind {
            Conv::Str => format!("_s({a})"),
            Conv::Repr => format!("_r({a})"),
            Conv::ListMut => format!("list({a})"),
            Conv::DictMut => format!("dict({a})"),
            Conv::TypeName => format!("type({a}).__name__"),
            Conv::Cause => format!("{a}.__cause__"),
        }
    }

    fn fstring_field(&self, value: String, spec: Option<&str>) -> String {
        match spec {
            Some(spec) => format!("{{{value}:{spec}}}"),
            None => format!("{{_s({value})}}"),
        }
    }

    fn except_class(&self, name: &str) -> String {
        // Python's built-in errors do not derive from the prelude's `Error`.
        if name == "Error" {
            "Exception".into()
        } else {
            name.to_string()
        }
    }

    fn has_concurrency(&self) -> bool {
        false
    }
}
