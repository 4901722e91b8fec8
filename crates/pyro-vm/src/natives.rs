//! Arguments of natives, checked against the catalogue's signatures.
//!
//! Every call of a catalogue entry (`builtins::call`) and of a method of a
//! built-in type (`methods::call_method`) goes through [`Sig::check`] before
//! the native runs, so a native never sees an unknown keyword, too many or
//! too few arguments, or an argument of the wrong type for its signature:
//! those are `TypeError`s in Python's words, naming the function and the
//! parameter. The signatures are the ones `pyro check` reads, so what the
//! checker accepts the VM accepts, and a new native is checked by writing
//! its signature.
//!
//! A signature is parsed once, on the first call of its native, into a
//! [`Sig`]: parameter kinds, defaults as values and types as [`Check`]s.
//! A call with positional arguments only costs a count comparison and, when
//! the signature has typed parameters, one [`Check::accepts`] per argument.
//! Keyword arguments are bound as Python binds them and handed to the
//! native in one canonical form: every positional-or-keyword parameter up
//! to the last one given is positional (a gap before a later keyword is
//! filled with the parameter's default), and only keyword-only parameters
//! (after `*args`) and `**kwargs` stay keywords.

use std::sync::OnceLock;

use pyro_builtins::{Builtin, Kind, Receiver, ALL, METHOD_COUNT};
use pyro_parser::ast::{self, ExprKind, ParamKind};

use crate::call::{plural, Args};
use crate::error::RuntimeError;
use crate::rtype::{Check, NoNames};
use crate::value::Value;

/// A native's parameters, parsed from its catalogue signature.
pub struct Sig {
    /// A call with only positional arguments, at least `required` and at
    /// most `most` of them, needs no binding (`usize::MAX` with `*args`).
    most: usize,
    /// The first `required` positional parameters have no default.
    required: usize,
    /// Positional-only calls need no more than the count check: no
    /// parameter they can reach has a type to check and no keyword-only
    /// parameter is required.
    untyped: bool,
    params: Box<[Param]>,
    /// `params[..positional]` are the positional-or-keyword parameters.
    positional: usize,
    /// The index of `*args`.
    varargs: Option<usize>,
    /// The index of `**kwargs`.
    kwargs: Option<usize>,
    /// A keyword-only parameter has no default.
    kw_required: bool,
}

struct Param {
    name: Box<str>,
    kind: ParamKind,
    check: Check,
    /// The default, to fill a gap left before a later keyword argument.
    default: Option<Value>,
    /// `None` is accepted besides `check`: the type is optional (`int?`),
    /// or the default is `None` (which a native reads as "not given").
    none_ok: bool,
}

impl Param {
    #[inline]
    fn accepts(&self, v: &Value) -> bool {
        // The common cases inline; the rest in `Check::accepts`.
        let fits = match (&self.check, v) {
            (Check::Any, _)
            | (Check::Str, Value::Str(_))
            | (Check::Int, Value::Int(_))
            | (Check::Float, Value::Float(_) | Value::Int(_)) => true,
            _ => self.check.accepts(v),
        };
        fits || (self.none_ok && matches!(v, Value::None))
    }

    fn wanted(&self) -> String {
        let t = self.check.describe();
        if self.none_ok && !self.check.accepts(&Value::None) {
            format!("{t} or None")
        } else {
            t
        }
    }
}

impl Sig {
    /// A signature that accepts any arguments (for what is not a function).
    fn open() -> Sig {
        Sig {
            most: usize::MAX,
            params: Box::new([]),
            positional: 0,
            required: 0,
            varargs: Some(0),
            kwargs: Some(0),
            kw_required: false,
            untyped: true,
        }
    }

    /// Parses `(params) -> ret`; `None` if it is not a signature.
    pub fn parse(signature: &str) -> Option<Sig> {
        let text = format!("def _{signature}:\n    pass\n");
        let parsed = pyro_parser::parse_text(&text, 0);
        if !parsed.errors.is_empty() {
            return None;
        }
        let ast::StmtKind::FuncDef(def) = &parsed.module.body.first()?.kind else {
            return None;
        };
        let mut params = Vec::with_capacity(def.params.len());
        let (mut positional, mut required) = (0, 0);
        let (mut varargs, mut kwargs, mut kw_required) = (None, None, false);
        for p in &def.params {
            let check = match &p.ty {
                Some(t) => {
                    crate::rtype::resolve(&pyro_parser::dump::type_expr(t), &NoNames, 0).ok()?
                }
                None => Check::Any,
            };
            let default = match &p.default {
                Some(e) => Some(literal(e)?),
                None => None,
            };
            // `T?` (or a default of None) is `T` with None allowed: one
            // check less for the many optional parameters.
            let (check, optional) = check.without_none();
            let none_ok = optional || matches!(default, Some(Value::None));
            match p.kind {
                ParamKind::Normal if varargs.is_none() => {
                    positional += 1;
                    if default.is_none() {
                        required = positional;
                    }
                }
                ParamKind::Normal => kw_required |= default.is_none(),
                ParamKind::VarArgs => varargs = Some(params.len()),
                ParamKind::KwArgs => kwargs = Some(params.len()),
            }
            params.push(Param {
                name: p.name.name.as_str().into(),
                kind: p.kind,
                none_ok,
                default,
                check,
            });
        }
        let untyped = params[..positional].iter().all(|p| p.check.is_any())
            && varargs.is_none_or(|i: usize| params[i].check.is_any())
            && !kw_required;
        Some(Sig {
            most: if varargs.is_some() {
                usize::MAX
            } else {
                positional
            },
            params: params.into_boxed_slice(),
            positional,
            required,
            varargs,
            kwargs,
            kw_required,
            untyped,
        })
    }

    /// The parameter the `i`-th positional argument binds to.
    #[inline]
    fn param_at(&self, i: usize) -> Option<&Param> {
        if i < self.positional {
            self.params.get(i)
        } else {
            self.params.get(self.varargs?)
        }
    }

    /// Checks a call's arguments and puts them in canonical form (see the
    /// module's documentation). `callee` names the function for messages.
    #[inline(always)]
    pub fn check(
        &self,
        args: &mut Args,
        callee: impl FnOnce() -> String,
    ) -> Result<(), RuntimeError> {
        let n = args.pos.len();
        if args.kw.is_empty() && n >= self.required && n <= self.most {
            if self.untyped {
                return Ok(());
            }
            if !self.kw_required
                && args
                    .pos
                    .iter()
                    .enumerate()
                    .all(|(i, v)| self.param_at(i).is_none_or(|p| p.accepts(v)))
            {
                return Ok(());
            }
        }
        self.bind(args, &callee())
    }

    /// The general case: keywords, and every error.
    #[cold]
    #[inline(never)]
    fn bind(&self, args: &mut Args, callee: &str) -> Result<(), RuntimeError> {
        let n = args.pos.len();
        if n > self.positional && self.varargs.is_none() {
            let takes = if self.required == self.positional {
                plural(self.positional, "positional argument")
            } else {
                format!(
                    "from {} to {} positional arguments",
                    self.required, self.positional
                )
            };
            let given = if n == 1 {
                "1 was".to_string()
            } else {
                format!("{n} were")
            };
            return Err(RuntimeError::type_error(format!(
                "{callee}() takes {takes} but {given} given"
            )));
        }
        let mut by_keyword: Vec<Option<Value>> = vec![None; self.positional];
        let mut rest: Vec<(std::sync::Arc<str>, Value)> = Vec::new();
        for (k, v) in std::mem::take(&mut args.kw) {
            let named = self
                .params
                .iter()
                .position(|p| p.kind == ParamKind::Normal && *p.name == *k);
            match named {
                Some(i) if i < self.positional => {
                    if i < n || by_keyword[i].is_some() {
                        return Err(multiple(callee, &k));
                    }
                    by_keyword[i] = Some(v);
                }
                Some(_) if rest.iter().any(|(r, _)| *r == k) => return Err(multiple(callee, &k)),
                Some(_) => rest.push((k, v)),
                None if self.kwargs.is_some() => rest.push((k, v)),
                None => {
                    return Err(RuntimeError::type_error(format!(
                        "{callee}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        let missing: Vec<&str> = (n..self.required)
            .filter(|&i| by_keyword[i].is_none())
            .map(|i| &*self.params[i].name)
            .collect();
        if !missing.is_empty() {
            return Err(missing_error(callee, &missing, "positional"));
        }
        if self.kw_required {
            let missing: Vec<&str> = self
                .params
                .iter()
                .skip(self.positional)
                .filter(|p| p.kind == ParamKind::Normal && p.default.is_none())
                .filter(|p| !rest.iter().any(|(k, _)| **k == *p.name))
                .map(|p| &*p.name)
                .collect();
            if !missing.is_empty() {
                return Err(missing_error(callee, &missing, "keyword-only"));
            }
        }
        for (i, v) in args.pos.iter().enumerate() {
            if let Some(p) = self.param_at(i) {
                type_check(callee, p, v)?;
            }
        }
        for (p, v) in self.params.iter().zip(&by_keyword) {
            if let Some(v) = v {
                type_check(callee, p, v)?;
            }
        }
        for (k, v) in &rest {
            let p = self
                .params
                .iter()
                .find(|p| p.kind == ParamKind::Normal && *p.name == **k)
                .or_else(|| self.params.get(self.kwargs?));
            if let Some(p) = p {
                type_check(callee, p, v)?;
            }
        }
        if let Some(last) = by_keyword.iter().rposition(Option::is_some) {
            for (i, v) in by_keyword.into_iter().enumerate().take(last + 1).skip(n) {
                let default = || self.params[i].default.clone().unwrap_or(Value::None);
                args.pos.push(v.unwrap_or_else(default));
            }
        }
        args.kw = rest;
        Ok(())
    }
}

fn multiple(callee: &str, k: &str) -> RuntimeError {
    RuntimeError::type_error(format!("{callee}() got multiple values for argument '{k}'"))
}

fn missing_error(callee: &str, names: &[&str], kind: &str) -> RuntimeError {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    RuntimeError::type_error(format!(
        "{callee}() missing {}: {list}",
        plural(names.len(), &format!("required {kind} argument"))
    ))
}

fn type_check(callee: &str, p: &Param, v: &Value) -> Result<(), RuntimeError> {
    if p.accepts(v) {
        return Ok(());
    }
    Err(RuntimeError::type_error(format!(
        "{callee}() argument '{}' must be {}, not {}",
        p.name,
        p.wanted(),
        v.type_name()
    )))
}

/// The value of a default written in a signature (a literal).
fn literal(e: &ast::Expr) -> Option<Value> {
    Some(match &e.kind {
        ExprKind::Int(n) => Value::Int(*n),
        ExprKind::Float(x) => Value::Float(*x),
        ExprKind::Str(s) => Value::str(s.as_str()),
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::None => Value::None,
        ExprKind::List(items) if items.is_empty() => Value::list(Vec::new()),
        ExprKind::Tuple(items) if items.is_empty() => Value::tuple(Vec::new()),
        ExprKind::Dict(items) if items.is_empty() => {
            Value::Dict(std::sync::Arc::new(crate::collections::new_dict()))
        }
        ExprKind::Unary {
            op: ast::UnaryOp::Neg,
            operand,
        } => match literal(operand)? {
            Value::Int(n) => Value::Int(n.checked_neg()?),
            Value::Float(x) => Value::Float(-x),
            _ => return None,
        },
        _ => return None,
    })
}

// ---------------------------------------------------------------- tables

const BUILTINS: usize = ALL.len();

static BUILTIN_SIGS: [OnceLock<Sig>; BUILTINS] = [const { OnceLock::new() }; BUILTINS];

/// The signature of a catalogue entry (constants accept anything: calling
/// one is an error of its own).
#[inline]
pub fn builtin(b: Builtin) -> &'static Sig {
    BUILTIN_SIGS[b as usize].get_or_init(|| {
        let info = b.info();
        match info.kind {
            Kind::Constant => Sig::open(),
            _ => Sig::parse(info.signature).unwrap_or_else(Sig::open),
        }
    })
}

/// How a catalogue entry is named in messages: `len`, `math.sqrt`,
/// `sync.Semaphore`.
pub fn builtin_name(b: Builtin) -> String {
    let module = pyro_builtins::NATIVE_MODULES
        .iter()
        .find(|m| m.members.contains(&b));
    match module {
        Some(m) => {
            let last = m.name.rsplit('.').next().unwrap_or(m.name);
            format!("{}.{}", last.trim_start_matches('_'), b.name())
        }
        None => b.name().to_string(),
    }
}

static METHOD_SIGS: [OnceLock<Sig>; METHOD_COUNT] = [const { OnceLock::new() }; METHOD_COUNT];

/// The signature of the `index`-th method of `receiver`.
#[inline]
pub fn method(receiver: Receiver, index: usize) -> &'static Sig {
    METHOD_SIGS[pyro_builtins::method_id(receiver, index)].get_or_init(|| {
        let m = &pyro_builtins::methods_of(receiver)[index];
        Sig::parse(m.signature).unwrap_or_else(Sig::open)
    })
}

/// The signature of an error class's constructor (`message` and nothing else).
pub fn error_init() -> &'static Sig {
    builtin(Builtin::Error)
}

/// The signature of an error's `__str__` (no arguments besides `self`).
pub fn error_str() -> &'static Sig {
    static SIG: OnceLock<Sig> = OnceLock::new();
    SIG.get_or_init(|| Sig::parse("() -> string").unwrap_or_else(Sig::open))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every signature in the catalogue parses, with its defaults and
    /// types understood (a signature that did not would accept anything).
    #[test]
    fn every_signature_is_understood() {
        for b in ALL {
            let info = b.info();
            if info.kind != Kind::Constant {
                assert!(
                    Sig::parse(info.signature).is_some(),
                    "{}: {}",
                    info.name,
                    info.signature
                );
            }
        }
        for r in pyro_builtins::receivers() {
            for m in pyro_builtins::methods_of(r) {
                assert!(
                    Sig::parse(m.signature).is_some(),
                    "{r:?}.{}: {}",
                    m.name,
                    m.signature
                );
            }
        }
    }

    #[test]
    fn canonical_form() {
        let sig = Sig::parse("(items: any, key: any = None, reverse: bool = false) -> any")
            .expect("parses");
        let mut args = Args {
            pos: vec![Value::Int(1)],
            kw: vec![("reverse".into(), Value::Bool(true))],
        };
        sig.check(&mut args, || "sorted".into()).expect("binds");
        assert_eq!(args.pos.len(), 3);
        assert!(matches!(args.pos[1], Value::None));
        assert!(matches!(args.pos[2], Value::Bool(true)));
        assert!(args.kw.is_empty());
        let mut bad = Args {
            pos: vec![Value::Int(1)],
            kw: vec![("reverse".into(), Value::Int(2))],
        };
        let e = sig.check(&mut bad, || "sorted".into()).unwrap_err();
        assert_eq!(
            e.message(),
            "sorted() argument 'reverse' must be bool, not int"
        );
    }
}
