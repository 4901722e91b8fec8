//! Printing a generated tree as source text. The layout (indentation,
//! parentheses, statements) is shared; what differs between Pyro and Python
//! (binding keywords, literals, floor division, how values are shown) is a
//! [`Dialect`], implemented in [`super::pyro`] and [`super::python`].

use super::ast::{
    BinOp, ClassDef, CmpOp, Conv, Expr, FPart, FuncDef, Handler, Program, SelectCase, Stmt,
};

/// The parts of the output that depend on the language.
pub trait Dialect {
    /// Text before the program (helpers the translation needs).
    fn prelude(&self) -> &'static str;
    /// The keyword that introduces a new variable (`mut ` or nothing).
    fn binding(&self) -> &'static str;
    fn bool_literal(&self, value: bool) -> &'static str;
    /// `print` of already-emitted arguments.
    fn print(&self, args: Vec<String>) -> String;
    /// An arithmetic operation of already-emitted operands.
    fn arith(&self, op: BinOp, a: String, b: String) -> String;
    fn negate(&self, a: String) -> String;
    /// A call; `callee` is the callee's node, `text` its emitted form.
    fn call(&self, callee: &Expr, text: String, args: String) -> String;
    fn conv(&self, kind: Conv, a: String) -> String;
    /// A replacement field of an f-string.
    fn fstring_field(&self, value: String, spec: Option<&str>) -> String;
    /// The name of an error class as written in an `except` clause.
    fn except_class(&self, name: &str) -> String;
    /// Whether the Pyro-only nodes (`go`, `select`, std imports)
    /// can be printed.
    fn has_concurrency(&self) -> bool;
}

/// Prints `program`; `Err` names a node the dialect cannot express.
pub fn emit(program: &Program, dialect: &dyn Dialect) -> Result<String, String> {
    let mut printer = Printer {
        dialect,
        out: String::from(dialect.prelude()),
        unsupported: None,
    };
    printer.block(&program.body, 0);
    match printer.unsupported {
        Some(what) => Err(what),
        None => Ok(printer.out),
    }
}

struct Printer<'a> {
    dialect: &'a dyn Dialect,
    out: String,
    unsupported: Option<String>,
}

impl Printer<'_> {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn refuse(&mut self, what: &str) -> bool {
        if self.dialect.has_concurrency() {
            return false;
        }
        self.unsupported.get_or_insert_with(|| what.to_string());
        true
    }

    fn block(&mut self, body: &[Stmt], depth: usize) {
        if body.is_empty() {
            self.line(depth, "pass");
        }
        for stmt in body {
            self.stmt(stmt, depth);
        }
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        match stmt {
            Stmt::Let(name, value) => {
                let text = format!("{}{name} = {}", self.dialect.binding(), self.expr(value));
                self.line(depth, &text);
            }
            Stmt::Assign(target, value) => {
                let text = format!("{} = {}", self.expr(target), self.expr(value));
                self.line(depth, &text);
            }
            Stmt::AugAssign(target, op, value) => {
                let target = self.expr(target);
                let value = self.expr(value);
                let text = format!(
                    "{target} = {}",
                    self.dialect.arith(*op, target.clone(), value)
                );
                self.line(depth, &text);
            }
            Stmt::Print(values) => {
                let args = values.iter().map(|v| self.expr(v)).collect();
                let text = self.dialect.print(args);
                self.line(depth, &text);
            }
            Stmt::Expr(e) => {
                let text = self.expr(e);
                self.line(depth, &text);
            }
            Stmt::If(cond, then, otherwise) => {
                let text = format!("if {}:", self.expr(cond));
                self.line(depth, &text);
                self.block(then, depth + 1);
                if !otherwise.is_empty() {
                    self.line(depth, "else:");
                    self.block(otherwise, depth + 1);
                }
            }
            Stmt::For(names, iter, body) => {
                let text = format!("for {} in {}:", names.join(", "), self.expr(iter));
                self.line(depth, &text);
                self.block(body, depth + 1);
            }
            Stmt::While(cond, body) => {
                let text = format!("while {}:", self.expr(cond));
                self.line(depth, &text);
                self.block(body, depth + 1);
            }
            Stmt::Def(f) => self.def(f, depth),
            Stmt::Class(c) => self.class(c, depth),
            Stmt::Return(None) => self.line(depth, "return"),
            Stmt::Return(Some(e)) => {
                let text = format!("return {}", self.expr(e));
                self.line(depth, &text);
            }
            Stmt::Break => self.line(depth, "break"),
            Stmt::Continue => self.line(depth, "continue"),
            Stmt::Pass => self.line(depth, "pass"),
            Stmt::Try {
                body,
                handlers,
                finally,
            } => {
                self.line(depth, "try:");
                self.block(body, depth + 1);
                for h in handlers {
                    self.handler(h, depth);
                }
                if !finally.is_empty() || handlers.is_empty() {
                    self.line(depth, "finally:");
                    self.block(finally, depth + 1);
                }
            }
            Stmt::Raise { error, cause } => {
                let mut text = format!("raise {}", self.expr(error));
                if let Some(cause) = cause {
                    text = format!("{text} from {}", self.expr(cause));
                }
                self.line(depth, &text);
            }
            Stmt::With(ctx, name, body) => {
                let mut text = format!("with {}", self.expr(ctx));
                if let Some(name) = name {
                    text = format!("{text} as {name}");
                }
                self.line(depth, &format!("{text}:"));
                self.block(body, depth + 1);
            }
            Stmt::Import(module) => {
                if !self.refuse("import") {
                    self.line(depth, &format!("import std.{module}"));
                }
            }
            Stmt::Select(cases, otherwise) => {
                if self.refuse("select") {
                    return;
                }
                self.line(depth, "select:");
                for (case, body) in cases {
                    let head = match case {
                        SelectCase::Recv(name, None, chan) => {
                            format!("case {name} = {}.collect():", self.expr(chan))
                        }
                        SelectCase::Recv(name, Some(ok), chan) => {
                            format!("case {name}, {ok} = {}.collect():", self.expr(chan))
                        }
                        SelectCase::After(seconds) => {
                            format!("case after({}):", self.expr(seconds))
                        }
                    };
                    self.line(depth + 1, &head);
                    self.block(body, depth + 2);
                }
                if let Some(body) = otherwise {
                    self.line(depth + 1, "else:");
                    self.block(body, depth + 2);
                }
            }
        }
    }

    fn handler(&mut self, h: &Handler, depth: usize) {
        let classes: Vec<String> = h
            .classes
            .iter()
            .map(|c| self.dialect.except_class(c))
            .collect();
        let head = match (classes.len(), &h.name) {
            (0, None) => "except:".to_string(),
            (0, Some(name)) => format!("except {} as {name}:", self.dialect.except_class("Error")),
            (1, None) => format!("except {}:", classes[0]),
            (1, Some(name)) => format!("except {} as {name}:", classes[0]),
            (_, None) => format!("except ({}):", classes.join(", ")),
            (_, Some(name)) => format!("except ({}) as {name}:", classes.join(", ")),
        };
        self.line(depth, &head);
        self.block(&h.body, depth + 1);
    }

    fn def(&mut self, f: &FuncDef, depth: usize) {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| match &p.default {
                Some(d) => format!("{}={}", p.name, self.expr(d)),
                None => p.name.clone(),
            })
            .collect();
        self.line(depth, &format!("def {}({}):", f.name, params.join(", ")));
        self.block(&f.body, depth + 1);
    }

    fn class(&mut self, c: &ClassDef, depth: usize) {
        match &c.base {
            Some(base) => self.line(depth, &format!("class {}({base}):", c.name)),
            None => self.line(depth, &format!("class {}:", c.name)),
        }
        if c.methods.is_empty() {
            self.line(depth + 1, "pass");
        }
        for m in &c.methods {
            self.def(m, depth + 1);
        }
    }

    fn exprs(&mut self, items: &[Expr]) -> String {
        items
            .iter()
            .map(|e| self.expr(e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::Int(n) => int_literal(*n),
            Expr::Float(x) => float_literal(*x),
            Expr::Str(s) => format!("\"{}\"", escape(s, false)),
            Expr::Bool(b) => self.dialect.bool_literal(*b).to_string(),
            Expr::None => "None".to_string(),
            Expr::Var(name) => name.clone(),
            Expr::List(items) => format!("[{}]", self.exprs(items)),
            Expr::Tuple(items) if items.len() == 1 => format!("({},)", self.expr(&items[0])),
            Expr::Tuple(items) => format!("({})", self.exprs(items)),
            Expr::Dict(pairs) => {
                let pairs: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.expr(k), self.expr(v)))
                    .collect();
                format!("{{{}}}", pairs.join(", "))
            }
            Expr::Bin(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                self.dialect.arith(*op, a, b)
            }
            Expr::Cmp(op, a, b) => format!("({} {} {})", self.expr(a), cmp_op(*op), self.expr(b)),
            Expr::And(a, b) => format!("({} and {})", self.expr(a), self.expr(b)),
            Expr::Or(a, b) => format!("({} or {})", self.expr(a), self.expr(b)),
            Expr::Not(a) => format!("(not {})", self.expr(a)),
            Expr::Neg(a) => {
                let a = self.expr(a);
                self.dialect.negate(a)
            }
            Expr::Cond(c, a, b) => format!(
                "({} if {} else {})",
                self.expr(a),
                self.expr(c),
                self.expr(b)
            ),
            Expr::Call(callee, args, kwargs) => {
                let mut all: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                for (k, v) in kwargs {
                    all.push(format!("{k}={}", self.expr(v)));
                }
                let text = self.expr(callee);
                self.dialect.call(callee, text, all.join(", "))
            }
            Expr::Attr(object, name) => format!("{}.{name}", self.expr(object)),
            Expr::Index(object, at) => format!("{}[{}]", self.expr(object), self.expr(at)),
            Expr::Slice(object, lo, hi, step) => {
                let mut part = |e: &Option<Box<Expr>>| match e {
                    Some(e) => self.expr(e),
                    None => String::new(),
                };
                let (lo, hi) = (part(lo), part(hi));
                let step = match step {
                    Some(s) => format!(":{}", self.expr(s)),
                    None => String::new(),
                };
                format!("{}[{lo}:{hi}{step}]", self.expr(object))
            }
            Expr::FStr(parts) => {
                let mut text = String::from("f\"");
                for part in parts {
                    match part {
                        FPart::Lit(s) => text.push_str(&escape(s, true)),
                        FPart::Field(value, spec) => {
                            let value = self.expr(value);
                            text.push_str(&self.dialect.fstring_field(value, spec.as_deref()));
                        }
                    }
                }
                text.push('"');
                text
            }
            Expr::Lambda(params, body) => {
                format!("(lambda {}: {})", params.join(", "), self.expr(body))
            }
            Expr::ListComp(elt, vars, iter, cond) => {
                let mut text = format!(
                    "[{} for {} in {}",
                    self.expr(elt),
                    vars.join(", "),
                    self.expr(iter)
                );
                if let Some(cond) = cond {
                    text = format!("{text} if {}", self.expr(cond));
                }
                text + "]"
            }
            Expr::DictComp(key, value, vars, iter) => format!(
                "{{{}: {} for {} in {}}}",
                self.expr(key),
                self.expr(value),
                vars.join(", "),
                self.expr(iter)
            ),
            Expr::Conv(kind, value) => {
                let value = self.expr(value);
                self.dialect.conv(*kind, value)
            }
            Expr::Go(call) => {
                if self.refuse("go") {
                    return "None".into();
                }
                format!("(go {})", self.expr(call))
            }
        }
    }
}

fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
        CmpOp::Is => "is",
    }
}

/// The operator of an arithmetic node (floor division has none in Pyro).
pub fn bin_op(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
    }
}

/// An int literal both languages read the same way (negative ones in
/// parentheses; `-2**63` has no positive counterpart to negate).
fn int_literal(n: i64) -> String {
    if n == i64::MIN {
        "(-9223372036854775807 - 1)".into()
    } else if n < 0 {
        format!("({n})")
    } else {
        n.to_string()
    }
}

fn float_literal(x: f64) -> String {
    if x.is_nan() {
        "float(\"nan\")".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "float(\"inf\")".into()
        } else {
            "(-float(\"inf\"))".into()
        }
    } else if x.is_sign_negative() {
        format!("(-{:?})", -x)
    } else {
        format!("{x:?}")
    }
}

/// The body of a double-quoted string literal; in an f-string, braces are
/// doubled.
fn escape(s: &str, fstring: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' if fstring => out.push_str("{{"),
            '}' if fstring => out.push_str("}}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, float_literal, int_literal};

    #[test]
    fn literals_read_back_the_same() {
        assert_eq!(int_literal(-5), "(-5)");
        assert_eq!(int_literal(i64::MIN), "(-9223372036854775807 - 1)");
        assert_eq!(float_literal(1e300), "1e300");
        assert_eq!(float_literal(-0.0), "(-0.0)");
        assert_eq!(float_literal(f64::NAN), "float(\"nan\")");
        assert_eq!(escape("a\"{\n", true), "a\\\"{{\\n");
    }
}
