//! The Pyro dialect of the emitter: the tree printed as the language it
//! was modelled on (LANGUAGE.md).

use super::ast::{BinOp, Conv, Expr};
use super::emit::{bin_op, Dialect};

pub struct Pyro;

impl Dialect for Pyro {
    fn prelude(&self) -> &'static str {
        ""
    }

    fn binding(&self) -> &'static str {
        "mut "
    }

    fn bool_literal(&self, value: bool) -> &'static str {
        if value {
            "true"
        } else {
            "false"
        }
    }

    fn print(&self, args: Vec<String>) -> String {
        format!("print({})", args.join(", "))
    }

    fn arith(&self, op: BinOp, a: String, b: String) -> String {
        match op {
            BinOp::FloorDiv => format!("div({a}, {b})"),
            op => format!("({a} {} {b})", bin_op(op)),
        }
    }

    fn negate(&self, a: String) -> String {
        format!("(-{a})")
    }

    fn call(&self, _callee: &Expr, text: String, args: String) -> String {
        format!("{text}({args})")
    }

    fn conv(&self, kind: Conv, a: String) -> String {
        match kind {
            Conv::Str => format!("str({a})"),
            Conv::Repr => format!("repr({a})"),
            Conv::ListMut => format!("ListMutable({a})"),
            Conv::DictMut => format!("DictMutable({a})"),
            Conv::TypeName => format!("type({a}).__name__"),
            Conv::Cause => format!("{a}.cause"),
        }
    }

    fn fstring_field(&self, value: String, spec: Option<&str>) -> String {
        match spec {
            Some(spec) => format!("{{{value}:{spec}}}"),
            None => format!("{{{value}}}"),
        }
    }

    fn except_class(&self, name: &str) -> String {
        name.to_string()
    }

    fn has_concurrency(&self) -> bool {
        true
    }
}
