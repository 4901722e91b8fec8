//! Calling values: binding arguments to parameters (positional, keyword,
//! defaults, `*args`, `**kwargs`, with Python's error messages), pushing
//! frames for Pyro functions, constructing instances and records, and
//! dispatching to natives.

use std::sync::Arc;

use pyro_builtins::Kind;

use crate::collections::{new_dict, Key};
use crate::error::RuntimeError;
use crate::fiber::{Fiber, OnReturn, Wait};
use crate::object::{BoundTarget, Class, Function, Instance, Record};
use crate::runtime::Rt;
use crate::symbol::names;
use crate::value::Value;

/// Arguments as natives receive them.
#[derive(Default)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Arc<str>, Value)>,
}

/// What a native function produced.
pub enum Native {
    Value(Value),
    /// Continue by calling Pyro code; its result becomes the call's result.
    Call {
        func: Value,
        args: Vec<Value>,
        on_return: OnReturn,
    },
    /// Wait for a future (I/O, a timer, or Pyro callbacks on a nested fiber).
    Suspend(Wait),
}

pub type NativeResult = Result<Native, RuntimeError>;

/// The outcome of starting a call.
pub enum Invoked {
    /// A frame was pushed; the interpreter continues in it.
    Pushed,
    /// The call finished; its result is on the stack.
    Done,
    Suspend(Wait),
}

/// Calls the value at `stack[callee]` with the `argc` values above it, the
/// last `kwnames.len()` of which are keyword arguments.
pub fn invoke(
    rt: &Rt,
    fiber: &mut Fiber,
    callee: usize,
    argc: usize,
    kwnames: Option<&[Value]>,
    on_return: OnReturn,
) -> Result<Invoked, RuntimeError> {
    // The callee's slot is discarded when the call returns, so take the
    // function out of it instead of cloning it (no reference-count traffic).
    if let Value::Function(_) = fiber.stack[callee] {
        let Value::Function(f) = std::mem::replace(&mut fiber.stack[callee], Value::None) else {
            unreachable!()
        };
        push_frame(rt, fiber, f, callee + 1, argc, kwnames, callee, on_return)?;
        return Ok(Invoked::Pushed);
    }
    let func = fiber.stack[callee].clone();
    match func {
        Value::Function(f) => {
            push_frame(rt, fiber, f, callee + 1, argc, kwnames, callee, on_return)?;
            Ok(Invoked::Pushed)
        }
        Value::BoundMethod(m) => match &m.method {
            BoundTarget::Callable(target) => {
                // Put the receiver where the callee was: `[target, self, args]`.
                fiber.stack[callee] = m.receiver.clone();
                fiber.stack.insert(callee, target.clone());
                invoke(rt, fiber, callee, argc + 1, kwnames, on_return)
            }
            BoundTarget::Partial(target) => {
                let fixed = match &m.receiver {
                    Value::Tuple(items) => items.to_vec(),
                    _ => Vec::new(),
                };
                let n = fixed.len();
                fiber.stack[callee] = target.clone();
                for (i, v) in fixed.into_iter().enumerate() {
                    fiber.stack.insert(callee + 1 + i, v);
                }
                invoke(rt, fiber, callee, argc + n, kwnames, on_return)
            }
            BoundTarget::Native(name) => {
                let args = take_args(fiber, callee, argc, kwnames);
                let result = crate::methods::call_method(
                    rt,
                    fiber.depth(),
                    &m.receiver,
                    &name.name(),
                    args,
                )?;
                finish_native(rt, fiber, result, on_return)
            }
        },
        Value::Class(class) => construct(rt, fiber, class, callee, argc, kwnames, on_return),
        Value::Builtin(b) if matches!(b.info().kind, Kind::ErrorClass | Kind::Record) => {
            match crate::build::prelude_class(b) {
                Some(class) => construct(rt, fiber, class, callee, argc, kwnames, on_return),
                None => Err(not_callable(&func)),
            }
        }
        Value::Builtin(b @ pyro_builtins::Builtin::TaskCurrent) => {
            let mut args = take_args(fiber, callee, argc, kwnames);
            crate::natives::builtin(b).check(&mut args, || crate::natives::builtin_name(b))?;
            let current = fiber.task.clone().map_or(Value::None, Value::Task);
            push_result(&mut fiber.stack, current, on_return);
            Ok(Invoked::Done)
        }
        Value::Builtin(b) => {
            // `math.sqrt(x)` of a number: no argument list to build (and
            // nothing to check: these take one float).
            if argc == 1 && kwnames.is_none() {
                if let Some(result) = crate::stdlib::unary_math(b, &fiber.stack[callee + 1]) {
                    let v = result?;
                    fiber.stack.truncate(callee);
                    push_result(&mut fiber.stack, v, on_return);
                    return Ok(Invoked::Done);
                }
            }
            let args = take_args(fiber, callee, argc, kwnames);
            let result = crate::builtins::call(rt, fiber.depth(), b, args)?;
            finish_native(rt, fiber, result, on_return)
        }
        Value::Intrinsic(i) => {
            let args = take_args(fiber, callee, argc, kwnames);
            let result = crate::builtins::call_intrinsic(i, args)?;
            finish_native(rt, fiber, result, on_return)
        }
        Value::Host(h) => {
            let args = take_args(fiber, callee, argc, kwnames);
            if !args.kw.is_empty() {
                return Err(RuntimeError::type_error(format!(
                    "{}() takes no keyword arguments",
                    h.name
                )));
            }
            let value = (h.call)(args.pos)?;
            finish_native(rt, fiber, Native::Value(value), on_return)
        }
        // A static method is callable as its function (as in Python 3.10),
        // however many times it was wrapped.
        Value::Descriptor(_) => {
            let mut target = func;
            while let Value::Descriptor(d) = &target {
                match &**d {
                    crate::object::Descriptor::Static(f) => target = f.clone(),
                    _ => return Err(not_callable(&target)),
                }
            }
            fiber.stack[callee] = target;
            invoke(rt, fiber, callee, argc, kwnames, on_return)
        }
        Value::Instance(ref inst) => match inst.class.lookup(names::call()).cloned() {
            Some(method) => {
                fiber.stack.insert(callee, method);
                invoke(rt, fiber, callee, argc + 1, kwnames, on_return)
            }
            None => Err(not_callable(&func)),
        },
        other => Err(not_callable(&other)),
    }
}

fn not_callable(v: &Value) -> RuntimeError {
    RuntimeError::type_error(format!("'{}' object is not callable", v.type_name()))
}

/// Removes a call's callee and arguments from the stack.
fn take_args(fiber: &mut Fiber, callee: usize, argc: usize, kwnames: Option<&[Value]>) -> Args {
    let mut pos: Vec<Value> = fiber.stack.drain(callee + 1..).collect();
    fiber.stack.truncate(callee);
    let mut kw = Vec::new();
    if let Some(names) = kwnames {
        let values = pos.split_off(argc - names.len());
        kw = names
            .iter()
            .zip(values)
            .map(|(n, v)| (Arc::from(n.as_str().unwrap_or("")), v))
            .collect();
    }
    Args { pos, kw }
}

/// Applies a native's result: push its value, continue into Pyro code, or suspend.
pub fn finish_native(
    rt: &Rt,
    fiber: &mut Fiber,
    result: Native,
    on_return: OnReturn,
) -> Result<Invoked, RuntimeError> {
    match result {
        Native::Value(v) => {
            push_result(&mut fiber.stack, v, on_return);
            Ok(Invoked::Done)
        }
        Native::Call {
            func,
            args,
            on_return: inner,
        } => {
            let callee = fiber.stack.len();
            let argc = args.len();
            fiber.stack.push(func);
            fiber.stack.extend(args);
            let combined = match (&on_return, inner) {
                (OnReturn::Push, inner) => inner,
                (outer, OnReturn::Push) => outer.clone(),
                (_, inner) => inner,
            };
            invoke(rt, fiber, callee, argc, None, combined)
        }
        Native::Suspend(wait) => Ok(Invoked::Suspend(wait)),
    }
}

/// Pushes a returned value the way the caller asked for it.
pub fn push_result(stack: &mut crate::stack::Stack, value: Value, on_return: OnReturn) {
    match on_return {
        OnReturn::Push | OnReturn::IterNext => stack.push(value),
        OnReturn::Discard => {}
        OnReturn::Replace(v) => stack.push(v),
        OnReturn::Negate => stack.push(Value::Bool(!value.truthy())),
        OnReturn::Truthy => stack.push(Value::Bool(value.truthy())),
        OnReturn::StoreSlot(i) => {
            if let Some(slot) = stack.get_mut(i) {
                match slot {
                    Value::Cell(c) => *c.lock() = value,
                    other => *other = value,
                }
            }
        }
        OnReturn::StoreGlobal(module, i) => {
            if let Some(g) = module.globals.get(i) {
                g.set(value);
            }
        }
    }
}

/// Binds arguments at `stack[args..args+argc]` to `f`'s parameters and pushes
/// its frame. The arguments become the frame's first local slots.
#[allow(clippy::too_many_arguments)]
pub fn push_frame(
    rt: &Rt,
    fiber: &mut Fiber,
    f: Arc<Function>,
    args: usize,
    argc: usize,
    kwnames: Option<&[Value]>,
    ret_base: usize,
    on_return: OnReturn,
) -> Result<(), RuntimeError> {
    if fiber.depth() >= rt.recursion_limit {
        return Err(RuntimeError::new(
            pyro_builtins::Builtin::RecursionError,
            "maximum recursion depth exceeded",
        ));
    }
    let proto = &f.proto;
    let simple = kwnames.is_none() && proto.varargs.is_none() && proto.kwargs.is_none();
    if simple && argc == proto.positional {
        // The fast path: arguments are already the first locals.
    } else if simple && argc < proto.positional && argc >= proto.first_default {
        let skip = argc - proto.first_default;
        fiber.stack.extend(f.defaults[skip..].iter().cloned());
    } else {
        let bound = bind_slow(&f, fiber, args, argc, kwnames)?;
        fiber.stack.truncate(args);
        fiber.stack.extend(bound);
    }
    let nlocals = proto.code.local_names.len();
    let have = fiber.stack.len() - args;
    if nlocals > have {
        fiber.stack.resize(args + nlocals, Value::Unbound);
    }
    for &slot in &proto.code.cell_slots {
        let slot = args + slot as usize;
        let v = std::mem::replace(&mut fiber.stack[slot], Value::Unbound);
        fiber.stack[slot] = Value::Cell(Arc::new(parking_lot::Mutex::new(v)));
    }
    fiber.frames.push(f, args, ret_base, on_return);
    Ok(())
}

/// `1 argument`, `2 arguments`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The general binder: keywords, defaults, `*args` and `**kwargs`.
fn bind_slow(
    f: &Function,
    fiber: &mut Fiber,
    args: usize,
    argc: usize,
    kwnames: Option<&[Value]>,
) -> Result<Vec<Value>, RuntimeError> {
    let proto = &f.proto;
    let name = f.name();
    let values: Vec<Value> = fiber.stack[args..args + argc].to_vec();
    let nkw = kwnames.map_or(0, <[Value]>::len);
    let (positional, keyword_values) = values.split_at(argc - nkw);
    let params = &proto.code.params;
    let mut slots: Vec<Option<Value>> = vec![None; params.len()];
    let npos = proto.positional;
    if positional.len() > npos && proto.varargs.is_none() {
        return Err(RuntimeError::type_error(format!(
            "{name}() takes {} but {} given",
            plural(npos, "positional argument"),
            if positional.len() == 1 {
                "1 was".to_string()
            } else {
                format!("{} were", positional.len())
            }
        )));
    }
    for (i, v) in positional.iter().take(npos).enumerate() {
        slots[i] = Some(v.clone());
    }
    if let Some(va) = proto.varargs {
        slots[va] = Some(Value::tuple(
            positional.iter().skip(npos).cloned().collect(),
        ));
    }
    let mut extra = new_dict();
    for (kname, value) in kwnames.unwrap_or(&[]).iter().zip(keyword_values) {
        let kname = kname.as_str().unwrap_or("");
        let target = params
            .iter()
            .position(|p| &*p.name == kname && p.kind == pyro_compiler::ParamKind::Normal);
        match target {
            Some(i) if slots[i].is_some() => {
                return Err(RuntimeError::type_error(format!(
                    "{name}() got multiple values for argument '{kname}'"
                )))
            }
            Some(i) => slots[i] = Some(value.clone()),
            None if proto.kwargs.is_some() => {
                extra.insert_plain(Key::str(kname), value.clone());
            }
            None => {
                return Err(RuntimeError::type_error(format!(
                    "{name}() got an unexpected keyword argument '{kname}'"
                )))
            }
        }
    }
    if let Some(kw) = proto.kwargs {
        slots[kw] = Some(Value::Dict(Arc::new(extra)));
    }
    let mut missing = Vec::new();
    for i in 0..npos {
        if slots[i].is_none() {
            if i >= proto.first_default {
                slots[i] = Some(f.defaults[i - proto.first_default].clone());
            } else {
                missing.push(format!("'{}'", params[i].name));
            }
        }
    }
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            n => format!("{} and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        return Err(RuntimeError::type_error(format!(
            "{name}() missing {}: {list}",
            plural(missing.len(), "required positional argument")
        )));
    }
    Ok(slots
        .into_iter()
        .map(|s| s.unwrap_or(Value::None))
        .collect())
}

/// Calls a class: a record, a built-in error, or a user class with `__init__`.
fn construct(
    rt: &Rt,
    fiber: &mut Fiber,
    class: Arc<Class>,
    callee: usize,
    argc: usize,
    kwnames: Option<&[Value]>,
    on_return: OnReturn,
) -> Result<Invoked, RuntimeError> {
    if class.record.is_some() {
        let args = take_args(fiber, callee, argc, kwnames);
        let record = build_record(&class, args)?;
        push_result(&mut fiber.stack, record, on_return);
        return Ok(Invoked::Done);
    }
    let instance = Arc::new(Instance::new(class.clone()));
    if class.is_error {
        instance.set(names::message(), Value::str(""));
        instance.set(names::cause(), Value::None);
    }
    let value = Value::Instance(instance);
    match class.lookup(names::init()).cloned() {
        // `__init__`'s own result is dropped: the call yields the instance.
        // (Constructors are only ever called for their value.)
        Some(init) => {
            let _ = on_return;
            fiber.stack[callee] = value.clone();
            fiber.stack.insert(callee, init);
            invoke(
                rt,
                fiber,
                callee,
                argc + 1,
                kwnames,
                OnReturn::Replace(value),
            )
        }
        None => {
            if argc > 0 {
                return Err(RuntimeError::type_error(format!(
                    "{}() takes no arguments",
                    class.name
                )));
            }
            fiber.stack.truncate(callee);
            push_result(&mut fiber.stack, value, on_return);
            Ok(Invoked::Done)
        }
    }
}

/// Binds a record's fields from positional and keyword arguments.
pub fn build_record(class: &Arc<Class>, args: Args) -> Result<Value, RuntimeError> {
    let shape = class.record.as_ref().expect("a record class");
    let n = shape.fields.len();
    if args.pos.len() > n {
        return Err(RuntimeError::type_error(format!(
            "{}() takes {} but {} {} given",
            class.name,
            plural(n, "positional argument"),
            args.pos.len(),
            if args.pos.len() == 1 { "was" } else { "were" }
        )));
    }
    let mut slots: Vec<Option<Value>> = vec![None; n];
    for (i, v) in args.pos.into_iter().enumerate() {
        slots[i] = Some(v);
    }
    for (k, v) in args.kw {
        match shape.fields.iter().position(|f| *f.name() == *k) {
            Some(i) if slots[i].is_some() => {
                return Err(RuntimeError::type_error(format!(
                    "{}() got multiple values for argument '{k}'",
                    class.name
                )))
            }
            Some(i) => slots[i] = Some(v),
            None => {
                return Err(RuntimeError::type_error(format!(
                    "{}() got an unexpected keyword argument '{k}'",
                    class.name
                )))
            }
        }
    }
    let first_default = n - shape.defaults.len();
    let mut missing = Vec::new();
    for (i, slot) in slots.iter_mut().enumerate() {
        if slot.is_none() {
            if i >= first_default {
                *slot = Some(shape.defaults[i - first_default].clone());
            } else {
                missing.push(format!("'{}'", shape.fields[i].name()));
            }
        }
    }
    if !missing.is_empty() {
        return Err(RuntimeError::type_error(format!(
            "{}() missing {}: {}",
            class.name,
            plural(missing.len(), "required argument"),
            missing.join(", ")
        )));
    }
    Ok(Value::Record(Arc::new(Record {
        class: class.clone(),
        fields: slots.into_iter().flatten().collect(),
    })))
}
