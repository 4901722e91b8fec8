//! Native std modules: `std.math`, `std.time`, `std.string`, `std.env`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use pyro_builtins::Builtin;

use crate::builtins::{
    arity, float_arg, int_arg, no_kw, ready, round_value, str_arg, suspend, take_kw,
};
use crate::call::{Args, NativeResult};
use crate::collections::{new_dict, Key};
use crate::error::RuntimeError;
use crate::runtime::Rt;
use crate::value::Value;

/// The value of a module constant.
pub fn constant(b: Builtin) -> Option<Value> {
    use Builtin::*;
    Some(match b {
        MathPi => Value::Float(std::f64::consts::PI),
        MathE => Value::Float(std::f64::consts::E),
        MathTau => Value::Float(std::f64::consts::TAU),
        MathInf => Value::Float(f64::INFINITY),
        MathNan => Value::Float(f64::NAN),
        StringAsciiLetters => Value::str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        StringAsciiLowercase => Value::str("abcdefghijklmnopqrstuvwxyz"),
        StringAsciiUppercase => Value::str("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        StringDigits => Value::str("0123456789"),
        StringHexDigits => Value::str("0123456789abcdefABCDEF"),
        StringPunctuation => Value::str("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        StringWhitespace => Value::str(" \t\n\r\x0b\x0c"),
        _ => return None,
    })
}

fn math_domain(x: f64) -> Result<Value, RuntimeError> {
    if x.is_nan() {
        Err(RuntimeError::value_error("math domain error"))
    } else {
        Ok(Value::Float(x))
    }
}

/// The greatest common divisor, on magnitudes (`gcd(-2**63, 0)` is 2**63,
/// which the caller cannot return as a 64-bit int).
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The `std.math` functions of one float (`math.sqrt(x)` and the like).
fn unary_math_fn(b: Builtin) -> Option<fn(f64) -> f64> {
    use Builtin::*;
    Some(match b {
        MathSqrt => f64::sqrt,
        MathAbs => f64::abs,
        MathExp => f64::exp,
        MathSin => f64::sin,
        MathCos => f64::cos,
        MathTan => f64::tan,
        MathAsin => f64::asin,
        MathAcos => f64::acos,
        MathAtan => f64::atan,
        MathDegrees => f64::to_degrees,
        MathRadians => f64::to_radians,
        _ => return None,
    })
}

/// Calls a one-float `std.math` function on a number; `None` if `b` is not
/// one of them or `x` is not a number. The interpreter calls this directly
/// for a one-argument call (no argument list is built, and a number is
/// what the signature asks for); [`call`] goes through it too.
pub fn unary_math(b: Builtin, x: &Value) -> Option<Result<Value, RuntimeError>> {
    let f = unary_math_fn(b)?;
    let x = match x {
        Value::Int(n) => *n as f64,
        Value::Float(x) => *x,
        Value::Bool(b) => f64::from(u8::from(*b)),
        // Anything else is the argument check's to report.
        _ => return None,
    };
    // A NaN result from a non-NaN argument is a domain error; NaN in gives
    // NaN out, as in Python.
    let r = f(x);
    Some(if r.is_nan() && !x.is_nan() {
        Err(RuntimeError::value_error("math domain error"))
    } else {
        Ok(Value::Float(r))
    })
}

pub fn call(rt: &Rt, _depth: usize, b: Builtin, mut args: Args) -> NativeResult {
    use Builtin::*;
    let name = b.name();
    if b != MathRound && b != MathLog {
        no_kw(name, &args)?;
    }
    if unary_math_fn(b).is_some() {
        arity(name, &args, 1, 1)?;
        let x = Value::Float(float_arg(name, &args.pos[0])?);
        if let Some(result) = unary_math(b, &x) {
            return ready(result?);
        }
    }
    match b {
        MathCeil | MathFloor | MathTrunc => {
            arity(name, &args, 1, 1)?;
            match &args.pos[0] {
                Value::Int(n) => ready(Value::Int(*n)),
                v => {
                    let x = float_arg(name, v)?;
                    let r = match b {
                        MathCeil => x.ceil(),
                        MathFloor => x.floor(),
                        _ => x.trunc(),
                    };
                    let context = format!(" in {name}()");
                    ready(Value::Int(crate::builtins::float_to_int(r, &context)?))
                }
            }
        }
        MathRound => {
            let nd = take_kw(&mut args, "ndigits");
            arity(name, &args, 1, 2)?;
            let nd = match args.pos.get(1).or(nd.as_ref()) {
                None | Some(Value::None) => None,
                Some(v) => Some(int_arg(name, v)?),
            };
            ready(round_value(&args.pos[0], nd)?)
        }
        MathPow => {
            arity(name, &args, 2, 2)?;
            let (x, y) = (
                float_arg(name, &args.pos[0])?,
                float_arg(name, &args.pos[1])?,
            );
            ready(math_domain(x.powf(y))?)
        }
        MathLog => {
            let base = take_kw(&mut args, "base");
            no_kw(name, &args)?;
            arity(name, &args, 1, 2)?;
            let x = float_arg(name, &args.pos[0])?;
            if x <= 0.0 {
                return Err(RuntimeError::value_error("math domain error"));
            }
            match args.pos.get(1).or(base.as_ref()) {
                None => ready(Value::Float(x.ln())),
                Some(b) => {
                    let b = float_arg(name, b)?;
                    if b <= 0.0 || b == 1.0 {
                        return Err(RuntimeError::value_error("math domain error"));
                    }
                    ready(Value::Float(x.ln() / b.ln()))
                }
            }
        }
        MathLog2 | MathLog10 => {
            arity(name, &args, 1, 1)?;
            let x = float_arg(name, &args.pos[0])?;
            if x <= 0.0 {
                return Err(RuntimeError::value_error("math domain error"));
            }
            ready(Value::Float(if b == MathLog2 {
                x.log2()
            } else {
                x.log10()
            }))
        }
        MathAtan2 => {
            arity(name, &args, 2, 2)?;
            ready(Value::Float(
                float_arg(name, &args.pos[0])?.atan2(float_arg(name, &args.pos[1])?),
            ))
        }
        MathHypot => {
            let xs: Vec<f64> = args
                .pos
                .iter()
                .map(|v| float_arg(name, v))
                .collect::<Result<_, _>>()?;
            ready(Value::Float(xs.iter().map(|x| x * x).sum::<f64>().sqrt()))
        }
        MathIsNan | MathIsInf | MathIsFinite => {
            arity(name, &args, 1, 1)?;
            let x = float_arg(name, &args.pos[0])?;
            ready(Value::Bool(match b {
                MathIsNan => x.is_nan(),
                MathIsInf => x.is_infinite(),
                _ => x.is_finite(),
            }))
        }
        MathGcd | MathLcm => {
            let xs: Vec<i64> = args
                .pos
                .iter()
                .map(|v| int_arg(name, v))
                .collect::<Result<_, _>>()?;
            let overflow = || RuntimeError::overflow(format!("integer overflow in {name}"));
            let r = if b == MathGcd {
                let g = xs.iter().fold(0, |a, &x| gcd(a, x.unsigned_abs()));
                i64::try_from(g).map_err(|_| overflow())?
            } else {
                let mut acc: i64 = 1;
                for &x in &xs {
                    if x == 0 {
                        acc = 0;
                        break;
                    }
                    let g = i64::try_from(gcd(acc.unsigned_abs(), x.unsigned_abs()))
                        .map_err(|_| overflow())?;
                    acc = (acc / g.max(1))
                        .checked_mul(x.checked_abs().ok_or_else(overflow)?)
                        .ok_or_else(overflow)?;
                }
                acc
            };
            ready(Value::Int(r))
        }
        MathFactorial => {
            arity(name, &args, 1, 1)?;
            let n = int_arg(name, &args.pos[0])?;
            if n < 0 {
                return Err(RuntimeError::value_error(
                    "factorial() not defined for negative values",
                ));
            }
            let mut acc: i64 = 1;
            for i in 2..=n {
                acc = acc
                    .checked_mul(i)
                    .ok_or_else(|| RuntimeError::overflow("integer overflow in factorial"))?;
            }
            ready(Value::Int(acc))
        }
        MathMin | MathMax => crate::builtins::dispatch(
            rt,
            _depth,
            if b == MathMin {
                Builtin::Min
            } else {
                Builtin::Max
            },
            args,
        ),
        TimeSleep => {
            arity(name, &args, 1, 1)?;
            let delay = crate::delay::Delay::from_seconds(name, &args.pos[0])?;
            let rt = rt.clone();
            suspend(async move {
                let _timer = rt.watch.pending();
                delay.sleep().await;
                Ok(Value::None)
            })
        }
        TimeNow => {
            arity(name, &args, 0, 0)?;
            let d = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            ready(Value::Float(d.as_secs_f64()))
        }
        TimeMillis => {
            arity(name, &args, 0, 0)?;
            let d = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            ready(Value::Int(d.as_millis() as i64))
        }
        TimeMonotonic => {
            arity(name, &args, 0, 0)?;
            ready(Value::Float(rt.started.elapsed().as_secs_f64()))
        }
        StringRepeat => {
            arity(name, &args, 2, 2)?;
            let s = str_arg(name, &args.pos[0])?;
            let n = int_arg(name, &args.pos[1])?;
            ready(Value::str(crate::alloc::repeat_str(s, n)?))
        }
        StringPadLeft | StringPadRight => {
            arity(name, &args, 2, 3)?;
            let s = str_arg(name, &args.pos[0])?;
            let width = int_arg(name, &args.pos[1])?;
            let fill = match args.pos.get(2) {
                Some(v) => {
                    let f = str_arg(name, v)?;
                    let mut chars = f.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => c,
                        _ => {
                            return Err(RuntimeError::type_error(format!(
                                "{name}() fill must be one character"
                            )))
                        }
                    }
                }
                None => ' ',
            };
            ready(Value::str(if b == StringPadLeft {
                crate::text::rjust(s, width, fill)
            } else {
                crate::text::ljust(s, width, fill)
            }?))
        }
        EnvArgs => {
            arity(name, &args, 0, 0)?;
            ready(Value::list(
                rt.args.iter().map(|a| Value::str(a.clone())).collect(),
            ))
        }
        EnvVar => {
            arity(name, &args, 1, 1)?;
            let key = str_arg(name, &args.pos[0])?;
            ready(std::env::var(key).map_or(Value::None, Value::str))
        }
        EnvVars => {
            arity(name, &args, 0, 0)?;
            let mut d = new_dict();
            for (k, v) in std::env::vars() {
                d.insert_plain(Key::str(&k), Value::str(v));
            }
            ready(Value::Dict(Arc::new(d)))
        }
        EnvCwd => {
            arity(name, &args, 0, 0)?;
            let cwd = std::env::current_dir().map_err(|e| {
                RuntimeError::io_error(format!("cannot read the working directory: {e}"))
            })?;
            ready(Value::str(cwd.display().to_string()))
        }
        EnvSetCwd => {
            arity(name, &args, 1, 1)?;
            let path = str_arg(name, &args.pos[0])?;
            std::env::set_current_dir(path).map_err(|e| {
                RuntimeError::io_error(format!("cannot change directory to '{path}': {e}"))
            })?;
            ready(Value::None)
        }
        other => Err(RuntimeError::type_error(format!(
            "internal error: {} is not a module function",
            other.name()
        ))),
    }
}
