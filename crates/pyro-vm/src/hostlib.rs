//! Native std modules that reach the host: `std.json`, `std.random`,
//! `std.fs`, `std.io`, `std.process` (LANGUAGE.md §8). Every function checks
//! its arguments (TypeError), every OS failure is an `IOError` naming the
//! path or command, and file and process work runs on Tokio's blocking pool
//! (counted as pending I/O, so a task waiting on it is not a deadlock).

use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use pyro_builtins::Builtin;

use crate::builtins::{arity, float_arg, int_arg, no_kw, ready, str_arg, suspend, take_kw};
use crate::call::{Args, NativeResult};
use crate::collections::new_dict;
use crate::collections::Key;
use crate::error::RuntimeError;
use crate::nest::Nest;
use crate::runtime::Rt;
use crate::value::Value;

pub fn call(rt: &Rt, depth: usize, b: Builtin, mut args: Args) -> NativeResult {
    use Builtin::*;
    let name = b.name();
    match b {
        JsonStringify => {
            let indent = take_kw(&mut args, "indent");
            no_kw(name, &args)?;
            arity(name, &args, 1, 2)?;
            let indent = match args.pos.get(1).or(indent.as_ref()) {
                None | Some(Value::None) => None,
                Some(v) => Some(crate::alloc::count(int_arg(name, v)?)),
            };
            let mut out = String::new();
            let mut json = Json {
                indent,
                path: Vec::new(),
                out: &mut out,
            };
            json.value(&args.pos[0], Nest::new(rt, depth))?;
            ready(Value::str(out))
        }
        JsonParse => {
            no_kw(name, &args)?;
            arity(name, &args, 1, 1)?;
            let text = str_arg(name, &args.pos[0])?;
            let parsed: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| RuntimeError::value_error(format!("invalid JSON: {e}")))?;
            ready(from_json(parsed)?)
        }
        RandomRandom => {
            arity(name, &args, 0, 0)?;
            ready(Value::Float(next_float()))
        }
        RandomRandint => {
            arity(name, &args, 2, 2)?;
            let (a, b) = (int_arg(name, &args.pos[0])?, int_arg(name, &args.pos[1])?);
            if a > b {
                return Err(RuntimeError::value_error(format!(
                    "empty range for randint({a}, {b})"
                )));
            }
            // Up to 2**64 ints, so the offset is computed in 128 bits.
            let span = (i128::from(b) - i128::from(a) + 1) as u128;
            let offset = below(span) as i128;
            ready(Value::Int(i64::try_from(i128::from(a) + offset).map_err(
                |_| RuntimeError::overflow("randint() result outside 64 bits"),
            )?))
        }
        RandomUniform => {
            arity(name, &args, 2, 2)?;
            let (a, b) = (
                float_arg(name, &args.pos[0])?,
                float_arg(name, &args.pos[1])?,
            );
            ready(Value::Float(a + (b - a) * next_float()))
        }
        RandomChoice => {
            arity(name, &args, 1, 1)?;
            // A range is indexed, not listed: `choice(range(2**62))` is fine.
            if let Value::Range(r) = &args.pos[0] {
                if r.is_empty() {
                    return Err(RuntimeError::index_error(
                        "cannot choose from an empty sequence",
                    ));
                }
                return ready(Value::Int(r.get(below(u128::from(r.len())) as u64)));
            }
            let items = crate::iter::collect_sync(&args.pos[0])?;
            if items.is_empty() {
                return Err(RuntimeError::index_error(
                    "cannot choose from an empty sequence",
                ));
            }
            let i = below(items.len() as u128) as usize;
            ready(items[i].clone())
        }
        RandomShuffle => {
            arity(name, &args, 1, 1)?;
            match &args.pos[0] {
                Value::ListMut(items) => {
                    let mut items = items.lock();
                    for i in (1..items.len()).rev() {
                        let j = below(i as u128 + 1) as usize;
                        items.swap(i, j);
                    }
                    ready(Value::None)
                }
                Value::List(_) => Err(RuntimeError::type_error(
                    "list is immutable (use ListMutable)",
                )),
                other => Err(RuntimeError::type_error(format!(
                    "shuffle() needs a list_mut, not {}",
                    other.type_name()
                ))),
            }
        }
        RandomSeed => {
            arity(name, &args, 1, 1)?;
            let n = match &args.pos[0] {
                Value::Int(n) => *n as u64,
                other => crate::collections::hash_value(other, Nest::new(rt, depth))?.0,
            };
            *rng().lock() = seeded(n);
            ready(Value::None)
        }
        FsReadToString | IoReadFile => {
            arity(name, &args, 1, 1)?;
            let path = str_arg(name, &args.pos[0])?.to_string();
            blocking(rt, move || {
                std::fs::read_to_string(&path)
                    .map(Value::str)
                    .map_err(|e| io_error("read", &path, &e))
            })
        }
        FsWrite | FsAppend | IoWriteFile => {
            arity(name, &args, 2, 2)?;
            let path = str_arg(name, &args.pos[0])?.to_string();
            let text = str_arg(name, &args.pos[1])?.to_string();
            let append = b == FsAppend;
            blocking(rt, move || {
                use std::io::Write;
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .append(append)
                    .truncate(!append)
                    .open(&path)
                    .map_err(|e| io_error("write", &path, &e))?;
                file.write_all(text.as_bytes())
                    .map_err(|e| io_error("write", &path, &e))?;
                Ok(Value::None)
            })
        }
        FsExists | FsIsFile | FsIsDir => {
            arity(name, &args, 1, 1)?;
            let path = std::path::Path::new(str_arg(name, &args.pos[0])?);
            ready(Value::Bool(match b {
                FsExists => path.exists(),
                FsIsFile => path.is_file(),
                _ => path.is_dir(),
            }))
        }
        FsCreateDir | FsRemoveFile | FsRemoveDir | FsListDir => {
            arity(name, &args, 1, 1)?;
            let path = str_arg(name, &args.pos[0])?.to_string();
            blocking(rt, move || match b {
                FsCreateDir => std::fs::create_dir_all(&path)
                    .map(|()| Value::None)
                    .map_err(|e| io_error("create", &path, &e)),
                FsRemoveFile => std::fs::remove_file(&path)
                    .map(|()| Value::None)
                    .map_err(|e| io_error("remove", &path, &e)),
                FsRemoveDir => std::fs::remove_dir_all(&path)
                    .map(|()| Value::None)
                    .map_err(|e| io_error("remove", &path, &e)),
                _ => {
                    let mut names: Vec<String> = std::fs::read_dir(&path)
                        .map_err(|e| io_error("list", &path, &e))?
                        .filter_map(|entry| {
                            entry
                                .ok()
                                .map(|e| e.file_name().to_string_lossy().into_owned())
                        })
                        .collect();
                    names.sort();
                    Ok(Value::list(names.into_iter().map(Value::str).collect()))
                }
            })
        }
        FsRename | FsCopy => {
            arity(name, &args, 2, 2)?;
            let from = str_arg(name, &args.pos[0])?.to_string();
            let to = str_arg(name, &args.pos[1])?.to_string();
            blocking(rt, move || {
                let result = if b == FsRename {
                    std::fs::rename(&from, &to)
                } else {
                    std::fs::copy(&from, &to).map(|_| ())
                };
                result
                    .map(|()| Value::None)
                    .map_err(|e| io_error(if b == FsRename { "rename" } else { "copy" }, &from, &e))
            })
        }
        IoReadLine => {
            arity(name, &args, 0, 0)?;
            crate::builtins::dispatch(rt, 0, Builtin::Input, Args::default())
        }
        IoEprint => {
            no_kw(name, &args)?;
            let parts: Vec<String> = args
                .pos
                .iter()
                .map(|v| {
                    crate::repr::display_sync(v)
                        .unwrap_or_else(|| format!("<{} object>", v.type_name()))
                })
                .collect();
            rt.flush();
            eprintln!("{}", parts.join(" "));
            ready(Value::None)
        }
        ProcessExec => {
            no_kw(name, &args)?;
            arity(name, &args, 1, 2)?;
            let cmd = str_arg(name, &args.pos[0])?.to_string();
            let argv: Vec<String> = match args.pos.get(1) {
                None => Vec::new(),
                Some(v) => crate::iter::collect_sync(v)?
                    .iter()
                    .map(|a| str_arg(name, a).map(str::to_string))
                    .collect::<Result<_, _>>()?,
            };
            blocking(rt, move || {
                let out = std::process::Command::new(&cmd)
                    .args(&argv)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|e| io_error("run", &cmd, &e))?;
                let mut d = new_dict();
                d.insert_plain(
                    Key::str("stdout"),
                    Value::str(String::from_utf8_lossy(&out.stdout).into_owned()),
                );
                d.insert_plain(
                    Key::str("stderr"),
                    Value::str(String::from_utf8_lossy(&out.stderr).into_owned()),
                );
                d.insert_plain(
                    Key::str("code"),
                    Value::Int(out.status.code().map_or(-1, i64::from)),
                );
                Ok(Value::Dict(Arc::new(d)))
            })
        }
        ProcessExit => {
            arity(name, &args, 0, 1)?;
            let code = match args.pos.first() {
                Some(v) => int_arg(name, v)?,
                None => 0,
            };
            // An exit status is one byte: a code beyond it would reach the
            // parent as something else (256 as 0), so it is refused.
            let code = u8::try_from(code).map_err(|_| {
                RuntimeError::value_error(format!(
                    "exit() code must be between 0 and 255 (got {code})"
                ))
            })?;
            rt.request_exit(code);
            // The program ends here; this task waits until it is dropped.
            suspend(std::future::pending())
        }
        other => Err(RuntimeError::type_error(format!(
            "internal error: {} is not a host function",
            other.name()
        ))),
    }
}

/// Runs blocking host work on Tokio's blocking pool, counted as pending I/O.
fn blocking<F>(rt: &Rt, work: F) -> NativeResult
where
    F: FnOnce() -> Result<Value, RuntimeError> + Send + 'static,
{
    let rt = rt.clone();
    suspend(async move {
        let _io = rt.watch.pending();
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| RuntimeError::io_error(e.to_string()))?
    })
}

fn io_error(action: &str, path: &str, e: &std::io::Error) -> RuntimeError {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::AlreadyExists => "it already exists".to_string(),
        _ => e.to_string(),
    };
    RuntimeError::io_error(format!("cannot {action} '{path}': {reason}"))
}

// ------------------------------------------------------------------ random

fn rng() -> &'static Mutex<[u64; 4]> {
    static RNG: OnceLock<Mutex<[u64; 4]>> = OnceLock::new();
    RNG.get_or_init(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Mutex::new(seeded(t ^ 0x5DEE_CE66_D1CE_4E5B))
    })
}

/// xoshiro256** state from a seed (via splitmix64).
fn seeded(seed: u64) -> [u64; 4] {
    let mut x = seed;
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    [next(), next(), next(), next()]
}

fn next_u64() -> u64 {
    let mut s = rng().lock();
    let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

fn next_float() -> f64 {
    (next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in [0, n) without modulo bias, for `n <= 2**64`.
fn below(n: u128) -> u128 {
    if n <= 1 {
        return 0;
    }
    if n > u128::from(u64::MAX) {
        // Every 64-bit value: no zone to reject from (a zone of 0 would
        // reject every draw and loop forever).
        return u128::from(next_u64());
    }
    let zone = u128::from(u64::MAX) - (u128::from(u64::MAX) % n);
    loop {
        let r = u128::from(next_u64());
        if r < zone {
            return r % n;
        }
    }
}

// ------------------------------------------------------------------ json

/// Appends to JSON text being built: it grows without bound with the indent
/// and the nesting, so every step is a checked allocation.
fn put(out: &mut String, text: &str) -> Result<(), RuntimeError> {
    crate::alloc::reserve_str(out, text.len())?;
    out.push_str(text);
    Ok(())
}

fn json_string(s: &str, out: &mut String) -> Result<(), RuntimeError> {
    crate::alloc::reserve_str(out, s.len() + 2)?;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => put(out, "\\\"")?,
            '\\' => put(out, "\\\\")?,
            '\n' => put(out, "\\n")?,
            '\r' => put(out, "\\r")?,
            '\t' => put(out, "\\t")?,
            '\u{8}' => put(out, "\\b")?,
            '\u{c}' => put(out, "\\f")?,
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    put(out, &format!("\\u{unit:04x}"))?;
                }
            }
            c => put(out, c.encode_utf8(&mut [0; 4]))?,
        }
    }
    put(out, "\"")
}

fn newline(indent: Option<usize>, level: usize, out: &mut String) -> Result<(), RuntimeError> {
    if let Some(n) = indent {
        put(out, "\n")?;
        let spaces = n
            .checked_mul(level)
            .ok_or(crate::alloc::AllocError::OutOfMemory {
                bytes: n as u128 * level as u128,
            })?;
        crate::alloc::push_fill(out, ' ', spaces)?;
    }
    Ok(())
}

/// Writes JSON text in Python's `json.dumps` format (`", "` and `": "`
/// separators; with an indent, one item per line).
struct Json<'a> {
    indent: Option<usize>,
    /// The containers being written, outermost first: one met again is a
    /// circular reference.
    path: Vec<usize>,
    out: &'a mut String,
}

impl Json<'_> {
    fn newline(&mut self, level: usize) -> Result<(), RuntimeError> {
        newline(self.indent, level, self.out)
    }

    fn value(&mut self, v: &Value, nest: Nest) -> Result<(), RuntimeError> {
        let level = self.path.len();
        let items_sep = if self.indent.is_some() { "," } else { ", " };
        match v {
            Value::None => put(self.out, "null")?,
            Value::Bool(b) => put(self.out, if *b { "true" } else { "false" })?,
            Value::Int(n) => put(self.out, &n.to_string())?,
            Value::Float(x) if x.is_finite() => put(self.out, &crate::text::float_repr(*x))?,
            Value::Float(x) => {
                return Err(RuntimeError::value_error(format!(
                    "{} has no JSON form",
                    crate::text::float_repr(*x)
                )))
            }
            Value::Str(s) => json_string(s.as_str(), self.out)?,
            Value::List(_) | Value::ListMut(_) | Value::Tuple(_) | Value::TupleMut(_) => {
                let items = crate::iter::collect_sync(v)?;
                if items.is_empty() {
                    put(self.out, "[]")?;
                    return Ok(());
                }
                self.enter(v, nest, |json, nest| {
                    put(json.out, "[")?;
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            put(json.out, items_sep)?;
                        }
                        json.newline(level + 1)?;
                        json.value(item, nest)?;
                    }
                    json.newline(level)?;
                    put(json.out, "]")?;
                    Ok(())
                })?;
            }
            Value::Dict(_) | Value::DictMut(_) => {
                let pairs = crate::collections::dict_pairs(v);
                if pairs.is_empty() {
                    put(self.out, "{}")?;
                    return Ok(());
                }
                self.enter(v, nest, |json, nest| {
                    put(json.out, "{")?;
                    for (i, (k, value)) in pairs.iter().enumerate() {
                        if i > 0 {
                            put(json.out, items_sep)?;
                        }
                        json.newline(level + 1)?;
                        let key = match k {
                            Value::Str(s) => s.as_str().to_string(),
                            Value::Int(n) => n.to_string(),
                            Value::Float(x) => crate::text::float_repr(*x),
                            Value::Bool(b) => b.to_string(),
                            Value::None => "null".to_string(),
                            other => {
                                return Err(RuntimeError::value_error(format!(
                                    "JSON object keys must be strings, numbers, booleans or None, not {}",
                                    other.type_name()
                                )))
                            }
                        };
                        json_string(&key, json.out)?;
                        put(json.out, ": ")?;
                        json.value(value, nest)?;
                    }
                    json.newline(level)?;
                    put(json.out, "}")?;
                    Ok(())
                })?;
            }
            other => {
                return Err(RuntimeError::value_error(format!(
                    "a {} has no JSON form",
                    other.type_name()
                )))
            }
        }
        Ok(())
    }

    /// Writes the items of container `v` one level deeper: a `ValueError`
    /// if `v` contains itself, a `RecursionError` past the limit.
    fn enter(
        &mut self,
        v: &Value,
        nest: Nest,
        write: impl FnOnce(&mut Self, Nest) -> Result<(), RuntimeError>,
    ) -> Result<(), RuntimeError> {
        let id = v.identity().unwrap_or(0);
        if self.path.contains(&id) {
            return Err(RuntimeError::value_error(
                "circular reference detected (a value contains itself)",
            ));
        }
        self.path.push(id);
        let result = nest.deeper(|nest| write(self, nest));
        self.path.pop();
        result
    }
}

/// A JSON number from its text, as Python's `json.loads` reads it: an int
/// without a fraction or exponent (beyond 64 bits, an `OverflowError` rather
/// than a float that silently lost digits), otherwise the nearest float
/// (`1e400` is `inf`).
fn json_number(text: &str) -> Result<Value, RuntimeError> {
    if text.contains(['.', 'e', 'E']) {
        return text
            .parse()
            .map(Value::Float)
            .map_err(|_| RuntimeError::value_error(format!("invalid JSON number {text}")));
    }
    text.parse()
        .map(Value::Int)
        .map_err(|_| RuntimeError::overflow(format!("JSON integer {text} does not fit in 64 bits")))
}

fn from_json(v: serde_json::Value) -> Result<Value, RuntimeError> {
    Ok(match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => json_number(n.as_str())?,
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => {
            Value::list(items.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(map) => {
            let mut d = new_dict();
            for (k, v) in map {
                d.insert_plain(Key::str(&k), from_json(v)?);
            }
            Value::Dict(Arc::new(d))
        }
    })
}
