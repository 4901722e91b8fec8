//! The interpreter: a synchronous dispatch loop over a fiber's frames.
//!
//! [`run`] executes instructions until the fiber finishes, fails, spends its
//! budget or must wait, and reports which with a [`Halt`]. Calls to Pyro
//! functions push a frame and continue in the same loop (the native stack
//! never grows with Pyro recursion); dunder methods are called the same way,
//! with an [`OnReturn`] telling the caller what to do with their result.
//! Errors unwind to the nearest `SetupTry` handler, recording one traceback
//! entry per frame they leave.

use std::sync::Arc;

use pyro_builtins::Builtin;
use pyro_compiler::Op;

use crate::attr::{Assign, Attr};
use crate::call::{self, Invoked};
use crate::collections::{insert_locked, new_dict, new_set, Key};
use crate::error::RuntimeError;
use crate::fiber::{Fiber, Frame, Halt, Handler, OnReturn, BUDGET};
use crate::nest::Nest;
use crate::object::{shared, Function, Global, Peek, SuperProxy};
use crate::ops::{self, Slow};
use crate::runtime::Rt;
use crate::symbol::{names, Sym};
use crate::value::{Items, RangeValue, Value};
use crate::{attr, build, iter, modules};

/// Runs the fiber until it halts.
/// `slice` is the clock tick at which the fiber last let other tasks run.
pub fn run(rt: &Rt, fiber: &mut Fiber, slice: u32) -> Halt {
    let mut budget = BUDGET;
    if let Some(error) = fiber.pending_error.take() {
        // The error reached this frame where it waits: raised by the wait
        // itself, or coming out of Pyro code a native ran on a nested fiber
        // (whose frames the trace already holds).
        if let Some(frame) = fiber.frames.last() {
            if let Some(func) = &frame.func {
                let code = &func.proto.code;
                error.push_trace(
                    code.name.clone(),
                    code.span_at(frame.pc.saturating_sub(1) as usize),
                );
            }
        }
        if let Err(e) = unwind(fiber, error) {
            return Halt::Error(e);
        }
    }
    // The value stack lives in a local while the loop runs, so its pointer
    // and length stay in registers; it goes back into the fiber around
    // anything that needs the whole fiber (calls, unwinding, halting).
    let mut stack = std::mem::take(&mut fiber.stack);
    macro_rules! halt {
        ($h:expr) => {{
            stack.move_into(&mut fiber.stack);
            return $h;
        }};
    }
    // Pushes a value built in place: the slot is claimed first, so
    // nothing can fail between building the value and storing it, and the
    // value never passes through a temporary (see `stack.rs`).
    macro_rules! push {
        ($v:expr) => {{
            let slot = stack.next_slot();
            let v = $v;
            std::mem::forget(std::mem::replace(slot, v));
        }};
    }
    'frames: loop {
        let depth = fiber.frames.len();
        let Some(frame) = fiber.frames.last_mut() else {
            let v = stack.pop().unwrap_or(Value::None);
            halt!(Halt::Done(v));
        };
        // The frame's function moves into this local while the frame runs,
        // and back into the frame whenever it stops running (`put_back!`):
        // switching frames costs no reference-count traffic.
        let Some(mut func) = frame.func.take() else {
            halt!(Halt::Error(RuntimeError::type_error(
                "internal error: a frame without its function"
            )));
        };
        // The running frame's state. An ordinary call and its return switch
        // these in place (`enter!`, the fast return) instead of going round
        // the `'frames` loop, which reads them back from the frame.
        let mut depth = depth;
        let mut proto = &*func.proto;
        let mut ops = &func.ops[..];
        let mut base = frame.base as usize;
        let mut pc = frame.pc as usize;

        // Hands the function back to this frame (when it stops running).
        macro_rules! put_back {
            () => {
                fiber.frames[depth - 1].func = Some(func)
            };
        }
        // Halts with this frame still on the stack (it runs again later).
        macro_rules! pause {
            ($h:expr) => {{
                put_back!();
                halt!($h)
            }};
        }

        macro_rules! pop {
            () => {
                match stack.pop() {
                    Some(v) => v,
                    None => Value::None,
                }
            };
        }
        macro_rules! save_pc {
            () => {
                if let Some(f) = fiber.frames.last_mut() {
                    f.pc = pc as u32;
                }
            };
        }
        // The nesting context of a structural operation run here.
        macro_rules! nest {
            () => {
                Nest::new(rt, fiber.depth_base + depth)
            };
        }
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        std::hint::cold_path();
                        break (e, false);
                    }
                }
            };
        }
        // After starting a call: continue in a new frame, go on, or suspend.
        macro_rules! invoked {
            ($e:expr) => {{
                stack.move_into(&mut fiber.stack);
                let result = $e;
                fiber.stack.move_into(&mut stack);
                match result {
                    Ok(Invoked::Pushed) => {
                        put_back!();
                        continue 'frames;
                    }
                    Ok(Invoked::Done) => {
                        // A native that took long: the slice is over at
                        // the next call or backward jump.
                        if crate::clock::expired(slice) {
                            std::hint::cold_path();
                            budget = 1;
                        }
                    }
                    Ok(Invoked::Suspend(wait)) => pause!(Halt::Suspend(wait)),
                    Err(e) => {
                        std::hint::cold_path();
                        break (e, false);
                    }
                }
            }};
        }
        // Calls a property's getter (`[receiver]`: its result is pushed) or
        // setter (`[receiver, value]`: its result is dropped) as an
        // ordinary call of Pyro code.
        macro_rules! call_accessor {
            ($f:expr, [$($arg:expr),+]) => {{
                std::hint::cold_path();
                let callee = stack.len();
                push!($f);
                let mut argc = 0;
                $(
                    push!($arg);
                    argc += 1;
                )+
                let on_return = if argc == 1 {
                    OnReturn::Push
                } else {
                    OnReturn::Discard
                };
                save_pc!();
                invoked!(call::invoke(rt, fiber, callee, argc, None, on_return));
            }};
        }
        // Runs the small int loop (`hot.rs`) from here when the instruction
        // at `pc` is one it handles: a call into `fib`-like code stays there.
        macro_rules! try_hot {
            () => {{
                if ops.get(pc).is_some_and(|&op| crate::hot::is_hot(op)) {
                    let regs = crate::hot::Regs {
                        func,
                        base,
                        pc,
                        depth,
                        budget,
                    };
                    let regs = crate::hot::run(rt, fiber, &mut stack, regs);
                    func = regs.func;
                    base = regs.base;
                    pc = regs.pc;
                    depth = regs.depth;
                    budget = regs.budget;
                    ops = &func.ops[..];
                    proto = &*func.proto;
                }
            }};
        }
        // Enters a Pyro function without leaving the loop, when the call is
        // plain (see `Proto::plain_arity`): its arguments, from stack index
        // `$args`, already are its first locals. The caller's function goes
        // back into its frame; the callee's moves into the new one.
        // (`$ops` is the instruction loop's label, declared after this macro.)
        macro_rules! enter {
            ($ops:lifetime, $f:expr, $args:expr, $ret_base:expr) => {{
                let f: Arc<Function> = $f;
                let (args, ret_base) = ($args, $ret_base);
                crate::hot::enter_plain(fiber, &mut stack, &mut func, f, args, ret_base, depth, pc);
                depth += 1;
                proto = &*func.proto;
                ops = &func.ops[..];
                base = args;
                pc = 0;
                try_hot!();
                continue $ops;
            }};
        }
        // The two ints on top of the stack, if that is what they are.
        macro_rules! top_ints {
            () => {{
                let n = stack.len();
                match (&stack[n - 2], &stack[n - 1]) {
                    (Value::Int(x), Value::Int(y)) => Some((*x, *y)),
                    _ => None,
                }
            }};
        }
        // Replace the two ints on top with `v` (ints need no drop glue).
        // The two numbers on top as floats, if both are numbers and one is
        // a float (int + float promotes, as in Python).
        macro_rules! top_floats {
            () => {{
                let n = stack.len();
                match (&stack[n - 2], &stack[n - 1]) {
                    (Value::Float(x), Value::Float(y)) => Some((*x, *y)),
                    (Value::Int(x), Value::Float(y)) => Some((*x as f64, *y)),
                    (Value::Float(x), Value::Int(y)) => Some((*x, *y as f64)),
                    _ => None,
                }
            }};
        }
        macro_rules! replace_top_two {
            ($v:expr) => {{
                stack.pop_immediate();
                let n = stack.len();
                std::mem::forget(std::mem::replace(&mut stack[n - 1], $v));
            }};
        }
        macro_rules! slow {
            ($e:expr, $on_return:expr, $a:expr, $b:expr) => {
                // The general operation: the fast paths before it are the hot ones.
                std::hint::cold_path();
                match $e {
                    Ok(v) => {
                        push!(v);
                        // An operation on a big value (concatenating
                        // megabytes) may take long: see `crate::clock`.
                        if crate::clock::expired(slice) {
                            budget = 1;
                        }
                    }
                    Err(Slow::Error(e)) => break (e, false),
                    Err(Slow::Dunder(sym)) => {
                        save_pc!();
                        invoked!(call_dunder(rt, fiber, $a, sym, $b, $on_return));
                    }
                }
            };
        }

        // A comparison's outcome: `if a < b:` branches at once instead of
        // pushing a bool for the `JumpIfFalse` that follows.
        macro_rules! branch_or_push {
            ($r:expr) => {{
                let r = $r;
                if let Some(Op::JumpIfFalse(t)) = ops.get(pc) {
                    pc = if r { pc + 1 } else { *t as usize };
                } else {
                    push!(Value::Bool(r));
                }
            }};
        }
        // `a == b` / `a != b` (`negate`) beyond two ints: `__eq__` or equality.
        macro_rules! equal_slow {
            ($negate:expr, $a:expr, $b:expr) => {{
                std::hint::cold_path();
                let (a, b, negate) = ($a, $b, $negate);
                let user_eq = |v: &Value| crate::repr::has_user_method(v, names::eq());
                if user_eq(&a) || user_eq(&b) {
                    let (recv, other) = if user_eq(&a) { (a, b) } else { (b, a) };
                    save_pc!();
                    let on_return = if negate {
                        OnReturn::Negate
                    } else {
                        OnReturn::Truthy
                    };
                    invoked!(call_dunder(
                        rt,
                        fiber,
                        recv,
                        names::eq(),
                        vec![other],
                        on_return
                    ));
                } else {
                    push!(Value::Bool(tri!(ops::equal(&a, &b, nest!())) != negate));
                }
            }};
        }
        // An ordering comparison beyond two ints: numbers, strings,
        // sequences or the dunder methods.
        macro_rules! compare_slow {
            ($op:expr, $a:expr, $b:expr) => {{
                std::hint::cold_path();
                let (op, a, b) = ($op, $a, $b);
                match ops::compare(&a, &b, op, nest!()) {
                    Ok(ord) => push!(Value::Bool(ops::ordering_holds(op, &a, &b, ord))),
                    Err(Slow::Error(e)) => break (e, false),
                    Err(Slow::Dunder(sym)) => {
                        save_pc!();
                        invoked!(compare_dunder(rt, fiber, op, a, b, sym));
                    }
                }
            }};
        }

        // Local `s` as the operand of a fused instruction's general path.
        macro_rules! local_operand {
            ($s:expr) => {{
                let s = $s as usize;
                tri!(local_operand(&stack[base + s], &proto.code, s))
            }};
        }

        // The next item of a `for` loop: stored straight into the loop
        // variable when a `StoreLocal` follows, else pushed.
        macro_rules! loop_item {
            ($v:expr) => {{
                match ops.get(pc) {
                    Some(&Op::StoreLocal(s)) => {
                        pc += 1;
                        // The slot first, then the value (see `push!`).
                        let slot = &mut stack[base + s as usize];
                        let v = $v;
                        if slot.is_immediate() {
                            // Nothing to release: skip the drop glue.
                            std::mem::forget(std::mem::replace(slot, v));
                        } else {
                            *slot = v;
                        }
                    }
                    _ => push!($v),
                }
            }};
        }

        let (error, reraise): (RuntimeError, bool) = 'ops: loop {
            let Some(&op) = ops.get(pc) else {
                break (
                    RuntimeError::type_error("internal error: ran past the end of the code"),
                    false,
                );
            };
            pc += 1;
            match op {
                Op::Nop => {}
                Op::LoadConst(k) => match &proto.consts[k as usize] {
                    &Value::Float(x) => push!(Value::Float(x)),
                    &Value::Int(n) => push!(Value::Int(n)),
                    other => push!(other.clone()),
                },
                Op::LoadInt(n) => push!(Value::Int(n as i64)),
                Op::LoadNone => push!(Value::None),
                Op::LoadTrue => push!(Value::Bool(true)),
                Op::LoadFalse => push!(Value::Bool(false)),
                Op::LoadLocal(s) => match &stack[base + s as usize] {
                    Value::Int(n) => {
                        let n = *n;
                        push!(Value::Int(n));
                    }
                    Value::Float(x) => {
                        let x = *x;
                        push!(Value::Float(x));
                    }
                    // References cloned inline, so the new value is built
                    // from a register rather than returned through memory.
                    Value::Instance(i) => {
                        let i = i.clone();
                        push!(Value::Instance(i));
                    }
                    Value::Function(f) => {
                        let f = f.clone();
                        push!(Value::Function(f));
                    }
                    other => {
                        let v = other.clone();
                        push!(v);
                    }
                },
                Op::LoadLocalChecked(s) => {
                    let v = stack[base + s as usize].clone();
                    if let Value::Unbound = v {
                        break (unbound(&proto.code.local_names[s as usize]), false);
                    }
                    push!(v);
                }
                Op::StoreLocal(s) => {
                    // A number moves as a scalar: the value on top was
                    // usually just written in parts (see `push!`).
                    let number = match stack.last() {
                        Some(&Value::Int(n)) => Some(Ok(n)),
                        Some(&Value::Float(x)) => Some(Err(x)),
                        _ => None,
                    };
                    if let Some(number) = number {
                        stack.pop_immediate();
                        let slot = &mut stack[base + s as usize];
                        let old = std::mem::replace(
                            slot,
                            match number {
                                Ok(n) => Value::Int(n),
                                Err(x) => Value::Float(x),
                            },
                        );
                        if old.is_immediate() {
                            std::mem::forget(old);
                        }
                        continue;
                    }
                    let v = pop!();
                    let slot = &mut stack[base + s as usize];
                    if let Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None = slot {
                        // Nothing to release: skip the drop glue.
                        std::mem::forget(std::mem::replace(slot, v));
                    } else {
                        *slot = v;
                    }
                }
                Op::LoadCell(s) => {
                    let v = match &stack[base + s as usize] {
                        Value::Cell(c) => c.lock().clone(),
                        other => other.clone(),
                    };
                    if let Value::Unbound = v {
                        break (unbound(&proto.code.local_names[s as usize]), false);
                    }
                    push!(v);
                }
                Op::StoreCell(s) => {
                    let v = pop!();
                    match &stack[base + s as usize] {
                        Value::Cell(c) => *c.lock() = v,
                        _ => {
                            stack[base + s as usize] =
                                Value::Cell(Arc::new(parking_lot::Mutex::new(v)))
                        }
                    }
                }
                Op::StoreFreshCell(s) => {
                    let v = pop!();
                    stack[base + s as usize] = Value::Cell(Arc::new(parking_lot::Mutex::new(v)));
                }
                Op::LoadFree(i) => {
                    let v = func.cells[i as usize].lock().clone();
                    if let Value::Unbound = v {
                        break (unbound(&proto.code.free_names[i as usize]), false);
                    }
                    push!(v);
                }
                Op::StoreFree(i) => {
                    let v = pop!();
                    *func.cells[i as usize].lock() = v;
                }
                Op::PushLocalCell(s) => {
                    let slot = base + s as usize;
                    if !matches!(stack[slot], Value::Cell(_)) {
                        let v = std::mem::replace(&mut stack[slot], Value::Unbound);
                        stack[slot] = Value::Cell(Arc::new(parking_lot::Mutex::new(v)));
                    }
                    let cell = stack[slot].clone();
                    push!(cell);
                }
                Op::PushFreeCell(i) => push!(Value::Cell(func.cells[i as usize].clone())),
                Op::LoadGlobal(g) | Op::LoadCallee(g) => {
                    let callee = matches!(op, Op::LoadCallee(_));
                    let global = &func.module.globals[g as usize];
                    if let Some(addr) = global.peek_function() {
                        if let Some(f) = fiber.spare.take(addr) {
                            if callee {
                                push!(Value::Callee(Some(f)));
                            } else {
                                push!(Value::Function(f));
                            }
                            continue;
                        }
                    }
                    let v = match load_global(&mut fiber.spare, global) {
                        Value::Function(f) if callee => Value::Callee(Some(f)),
                        v => v,
                    };
                    if let Value::Unbound = v {
                        let name = global_name(&func, g);
                        break (
                            RuntimeError::name_error(format!("name '{name}' is not defined")),
                            false,
                        );
                    }
                    push!(v);
                }
                Op::StoreGlobal(g) => {
                    let v = pop!();
                    func.module.globals[g as usize].set(v);
                }
                Op::LoadName(n) => {
                    let name = proto.names[n as usize];
                    match func.module.member(&name.name()) {
                        Some(v) => push!(v),
                        None => {
                            break (
                                RuntimeError::name_error(format!(
                                    "name '{}' is not defined",
                                    name.name()
                                )),
                                false,
                            )
                        }
                    }
                }
                Op::LoadBuiltin(id) => match Builtin::from_index(id) {
                    Some(b) => push!(Value::Builtin(b)),
                    None => {
                        break (
                            RuntimeError::type_error("internal error: unknown builtin"),
                            false,
                        )
                    }
                },
                Op::AddToLocal(s) => {
                    let slot = base + s as usize;
                    // Numbers are added in place, the operand read as a scalar.
                    match stack.last() {
                        Some(&Value::Int(y)) => {
                            if let Value::Int(x) = &mut stack[slot] {
                                match x.checked_add(y) {
                                    Some(r) => {
                                        *x = r;
                                        stack.pop_immediate();
                                        continue;
                                    }
                                    None => {
                                        break (
                                            RuntimeError::overflow("integer overflow in +"),
                                            false,
                                        )
                                    }
                                }
                            }
                        }
                        Some(&Value::Float(y)) => {
                            if let Value::Float(x) = &mut stack[slot] {
                                *x += y;
                                stack.pop_immediate();
                                continue;
                            }
                        }
                        _ => {}
                    }
                    let rhs = pop!();
                    let result = match &stack[slot] {
                        Value::Cell(c) => {
                            let c = c.clone();
                            let mut guard = c.lock();
                            add_in_place(&mut guard, &rhs, nest!())
                        }
                        _ => add_in_place(&mut stack[slot], &rhs, nest!()),
                    };
                    match result {
                        Ok(()) => {}
                        Err(Slow::Error(e)) => break (e, false),
                        Err(Slow::Dunder(sym)) => {
                            let target = match &stack[slot] {
                                Value::Cell(c) => c.lock().clone(),
                                v => v.clone(),
                            };
                            save_pc!();
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                target,
                                sym,
                                vec![rhs],
                                OnReturn::StoreSlot(slot)
                            ));
                        }
                    }
                }
                Op::AddToGlobal(g) => {
                    let rhs = pop!();
                    // Under the global's lock, so that concurrent `+=` on an
                    // int global lose no update.
                    let outcome = func.module.globals[g as usize].update(|slot| {
                        if let Value::Unbound = slot {
                            return Err(None);
                        }
                        match add_in_place(slot, &rhs, nest!()) {
                            Ok(()) => Ok(()),
                            Err(Slow::Dunder(sym)) => Err(Some(Ok((slot.clone(), sym)))),
                            Err(Slow::Error(e)) => Err(Some(Err(e))),
                        }
                    });
                    match outcome {
                        Ok(()) => {}
                        Err(None) => {
                            break (
                                RuntimeError::name_error(format!(
                                    "name '{}' is not defined",
                                    global_name(&func, g)
                                )),
                                false,
                            );
                        }
                        Err(Some(Err(e))) => break (e, false),
                        Err(Some(Ok((target, sym)))) => {
                            save_pc!();
                            let on_return = OnReturn::StoreGlobal(func.module.clone(), g as usize);
                            invoked!(call_dunder(rt, fiber, target, sym, vec![rhs], on_return));
                        }
                    }
                }
                Op::Pop => {
                    stack.pop();
                }
                Op::Dup => {
                    let v = stack.last().cloned().unwrap_or(Value::None);
                    push!(v);
                }
                Op::DupTwo => {
                    let n = stack.len();
                    let (a, b) = (stack[n - 2].clone(), stack[n - 1].clone());
                    push!(a);
                    push!(b);
                }
                Op::RotTwo => {
                    let n = stack.len();
                    stack.swap(n - 1, n - 2);
                }
                Op::RotThree => {
                    let v = pop!();
                    let n = stack.len();
                    stack.insert(n - 2, v);
                }
                Op::Add | Op::Sub | Op::Mul => {
                    if let Some((x, y)) = top_ints!() {
                        let r = match op {
                            Op::Add => x.checked_add(y),
                            Op::Sub => x.checked_sub(y),
                            _ => x.checked_mul(y),
                        };
                        match r {
                            Some(r) => {
                                replace_top_two!(Value::Int(r));
                                continue;
                            }
                            None => {
                                let sym = match op {
                                    Op::Add => "+",
                                    Op::Sub => "-",
                                    _ => "*",
                                };
                                break (
                                    RuntimeError::overflow(format!("integer overflow in {sym}")),
                                    false,
                                );
                            }
                        }
                    }
                    if let Some((x, y)) = top_floats!() {
                        let r = match op {
                            Op::Add => x + y,
                            Op::Sub => x - y,
                            _ => x * y,
                        };
                        replace_top_two!(Value::Float(r));
                        continue;
                    }
                    let b = pop!();
                    let a = pop!();
                    slow!(ops::binary(op, &a, &b, nest!()), OnReturn::Push, a, vec![b]);
                }
                Op::Div
                | Op::Mod
                | Op::Pow
                | Op::BitAnd
                | Op::BitOr
                | Op::BitXor
                | Op::Shl
                | Op::Shr => {
                    if let Some((x, y)) = top_ints!() {
                        if matches!(op, Op::Mod) && y > 0 && x >= 0 {
                            replace_top_two!(Value::Int(x % y));
                            continue;
                        }
                    }
                    if let (Op::Div, Some((x, y))) = (op, top_floats!()) {
                        if y != 0.0 {
                            replace_top_two!(Value::Float(x / y));
                            continue;
                        }
                    }
                    let b = pop!();
                    let a = pop!();
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        if let Ok(v) = ops::int_binary(op, *x, *y) {
                            push!(v);
                            continue;
                        }
                    }
                    slow!(ops::binary(op, &a, &b, nest!()), OnReturn::Push, a, vec![b]);
                }
                Op::Neg => {
                    let a = pop!();
                    slow!(ops::negate(&a), OnReturn::Push, a, vec![]);
                }
                Op::Pos => {
                    let a = pop!();
                    slow!(ops::positive(&a), OnReturn::Push, a, vec![]);
                }
                Op::Invert => {
                    let a = pop!();
                    slow!(ops::invert(&a), OnReturn::Push, a, vec![]);
                }
                Op::Not => {
                    let a = pop!();
                    let truthy = tri!(a.try_truthy(nest!()));
                    push!(Value::Bool(!truthy));
                }
                Op::Eq | Op::Ne => {
                    let b = pop!();
                    let a = pop!();
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        branch_or_push!((x == y) != matches!(op, Op::Ne));
                        continue;
                    }
                    equal_slow!(matches!(op, Op::Ne), a, b);
                }
                Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                    if let Some((x, y)) = top_ints!() {
                        std::mem::forget(stack.pop());
                        std::mem::forget(stack.pop());
                        branch_or_push!(int_order(op, x, y));
                        continue;
                    }
                    let b = pop!();
                    let a = pop!();
                    compare_slow!(op, a, b);
                }
                Op::AddInt(k) | Op::SubInt(k) | Op::MulInt(k) | Op::ModInt(k) => {
                    let y = k as i64;
                    if let Some(Value::Int(x)) = stack.last_mut() {
                        let r = match op {
                            Op::AddInt(_) => x.checked_add(y),
                            Op::SubInt(_) => x.checked_sub(y),
                            Op::MulInt(_) => x.checked_mul(y),
                            _ => (y > 0 && *x >= 0).then(|| *x % y),
                        };
                        if let Some(r) = r {
                            *x = r;
                            continue;
                        }
                    }
                    // Anything else (floats, overflow, dunders, errors): the
                    // general operation, as if the constant had been pushed.
                    let a = pop!();
                    let b = Value::Int(y);
                    slow!(
                        ops::binary(unfused(op), &a, &b, nest!()),
                        OnReturn::Push,
                        a,
                        vec![b]
                    );
                }
                Op::LocalAddInt(s, k) | Op::LocalSubInt(s, k) => {
                    let sub = matches!(op, Op::LocalSubInt(..));
                    if let Value::Int(x) = stack[base + s as usize] {
                        let y = k as i64;
                        let r = if sub {
                            x.checked_sub(y)
                        } else {
                            x.checked_add(y)
                        };
                        if let Some(r) = r {
                            push!(Value::Int(r));
                            continue;
                        }
                    }
                    let a = local_operand!(s);
                    let b = Value::Int(k as i64);
                    let op = if sub { Op::Sub } else { Op::Add };
                    slow!(ops::binary(op, &a, &b, nest!()), OnReturn::Push, a, vec![b]);
                }
                Op::LocalLtInt(s, k)
                | Op::LocalLeInt(s, k)
                | Op::LocalGtInt(s, k)
                | Op::LocalGeInt(s, k) => {
                    let op = unfused(op);
                    if let Value::Int(x) = stack[base + s as usize] {
                        branch_or_push!(int_order(op, x, k as i64));
                        continue;
                    }
                    let a = local_operand!(s);
                    compare_slow!(op, a, Value::Int(k as i64));
                }
                Op::LocalEqInt(s, k) | Op::LocalNeInt(s, k) => {
                    let negate = matches!(op, Op::LocalNeInt(..));
                    if let Value::Int(x) = stack[base + s as usize] {
                        branch_or_push!((x == k as i64) != negate);
                        continue;
                    }
                    let a = local_operand!(s);
                    equal_slow!(negate, a, Value::Int(k as i64));
                }
                Op::LtInt(k) | Op::LeInt(k) | Op::GtInt(k) | Op::GeInt(k) => {
                    let op = unfused(op);
                    if let Some(Value::Int(x)) = stack.last() {
                        let x = *x;
                        std::mem::forget(stack.pop());
                        branch_or_push!(int_order(op, x, k as i64));
                        continue;
                    }
                    let a = pop!();
                    compare_slow!(op, a, Value::Int(k as i64));
                }
                Op::EqInt(k) | Op::NeInt(k) => {
                    let negate = matches!(op, Op::NeInt(_));
                    if let Some(Value::Int(x)) = stack.last() {
                        let r = (*x == k as i64) != negate;
                        std::mem::forget(stack.pop());
                        branch_or_push!(r);
                        continue;
                    }
                    let a = pop!();
                    equal_slow!(negate, a, Value::Int(k as i64));
                }
                Op::In | Op::NotIn => {
                    let container = pop!();
                    let item = pop!();
                    match ops::contains(&container, &item, nest!()) {
                        Ok(Some(found)) => {
                            push!(Value::Bool(found != matches!(op, Op::NotIn)))
                        }
                        Ok(None) => {
                            save_pc!();
                            let on_return = if matches!(op, Op::NotIn) {
                                OnReturn::Negate
                            } else {
                                OnReturn::Truthy
                            };
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                container,
                                names::contains(),
                                vec![item],
                                on_return
                            ));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::Is | Op::IsNot => {
                    let b = pop!();
                    let a = pop!();
                    push!(Value::Bool(a.is(&b) != matches!(op, Op::IsNot)));
                }
                Op::Jump(t) => {
                    if (t as usize) < pc {
                        budget =
                            budget.saturating_sub(1 + crate::fiber::straight_cost(pc - t as usize));
                        if budget == 0 {
                            std::hint::cold_path();
                            pc = t as usize;
                            save_pc!();
                            pause!(Halt::Yield);
                        }
                    }
                    pc = t as usize;
                }
                Op::JumpIfFalse(t) => {
                    let v = pop!();
                    let go = match v {
                        Value::Bool(b) => !b,
                        ref other => !tri!(other.try_truthy(nest!())),
                    };
                    if go {
                        pc = t as usize;
                    }
                }
                Op::JumpIfTrue(t) => {
                    let v = pop!();
                    if tri!(v.try_truthy(nest!())) {
                        pc = t as usize;
                    }
                }
                Op::JumpIfFalseOrPop(t) => {
                    let top = stack.last().map(|v| v.try_truthy(nest!())).transpose();
                    if tri!(top) == Some(false) {
                        pc = t as usize;
                    } else {
                        stack.pop();
                    }
                }
                Op::JumpIfTrueOrPop(t) => {
                    let top = stack.last().map(|v| v.try_truthy(nest!())).transpose();
                    if tri!(top) == Some(true) {
                        pc = t as usize;
                    } else {
                        stack.pop();
                    }
                }
                Op::GetIter => {
                    let v = pop!();
                    match iter::get_iter(v) {
                        Ok(iter::GotIter::Native(it)) => push!(it),
                        Ok(iter::GotIter::User(obj)) => {
                            save_pc!();
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                obj,
                                names::iter(),
                                vec![],
                                OnReturn::Push
                            ));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::ForIter(t) => {
                    if let Some(Value::RangeIter(r)) = stack.last() {
                        // Only this loop can see a range iterator nobody else
                        // references: step it without an atomic update.
                        let next = if Arc::strong_count(r) == 1 {
                            r.next_unshared()
                        } else {
                            r.next()
                        };
                        match next {
                            Some(i) => loop_item!(Value::Int(i)),
                            None => {
                                stack.pop();
                                pc = t as usize;
                            }
                        }
                        continue;
                    }
                    if let Some(Value::Iterator(it)) = stack.last() {
                        let next = it.lock().next_native();
                        match next {
                            Some(v) => loop_item!(v),
                            None => {
                                stack.pop();
                                pc = t as usize;
                            }
                        }
                        continue;
                    }
                    let top = stack.last().cloned().unwrap_or(Value::None);
                    if let Value::Chan(chan, _) = &top {
                        // `for x in channel`: receive until closed and drained.
                        match fiber.iter_value.take() {
                            Some(Some(v)) => push!(v),
                            Some(None) => {
                                stack.pop();
                                pc = t as usize;
                            }
                            None => match chan.start_collect() {
                                crate::chan::Collected::Value(v) => push!(v),
                                crate::chan::Collected::Closed => {
                                    stack.pop();
                                    pc = t as usize;
                                }
                                crate::chan::Collected::Wait => {
                                    let chan = chan.clone();
                                    pc -= 1;
                                    save_pc!();
                                    fiber.iter_resume = true;
                                    pause!(Halt::Suspend(Box::pin(async move {
                                        Ok(chan.collect().await?.unwrap_or(Value::Unbound))
                                    })));
                                }
                            },
                        }
                        continue;
                    }
                    match top {
                        Value::RangeIter(r) => match r.next() {
                            Some(i) => push!(Value::Int(i)),
                            None => {
                                stack.pop();
                                pc = t as usize;
                            }
                        },
                        Value::Iterator(it) => {
                            let next = it.lock().next_native();
                            match next {
                                Some(v) => push!(v),
                                None => {
                                    stack.pop();
                                    pc = t as usize;
                                }
                            }
                        }
                        Value::Instance(_) => {
                            save_pc!();
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                top,
                                names::next(),
                                vec![],
                                OnReturn::IterNext
                            ));
                        }
                        other => {
                            break (
                                RuntimeError::type_error(format!(
                                    "'{}' object is not an iterator",
                                    other.type_name()
                                )),
                                false,
                            )
                        }
                    }
                }
                Op::Call(argc) => {
                    // Calls spend budget too, so recursion without loops still
                    // yields; when it runs out, the call runs again after the yield.
                    budget -= 1;
                    if budget == 0 {
                        std::hint::cold_path();
                        pc -= 1;
                        save_pc!();
                        pause!(Halt::Yield);
                    }
                    let callee = stack.len() - argc as usize - 1;
                    let depth_ok = fiber.depth_base + depth < rt.recursion_limit;
                    if let Value::Callee(slot) = &mut stack[callee] {
                        let plain =
                            depth_ok && slot.as_ref().is_some_and(|f| f.plain_arity == argc);
                        // The function moves out of the slot, which is left
                        // owning nothing (`Callee(None)`).
                        match (plain, slot.take()) {
                            (true, Some(f)) => enter!('ops, f, callee + 1, callee),
                            // Not entered here: an ordinary callee for the
                            // general call below.
                            (_, f) => std::mem::forget(std::mem::replace(
                                &mut stack[callee],
                                f.map_or(Value::None, Value::Function),
                            )),
                        }
                    }
                    if let Value::Function(f) = &stack[callee] {
                        if f.plain_arity == argc && depth_ok {
                            // The callee slot is dropped at the return: take
                            // the function out of it instead of cloning it.
                            let Value::Function(f) =
                                std::mem::replace(&mut stack[callee], Value::None)
                            else {
                                unreachable!()
                            };
                            enter!('ops, f, callee + 1, callee);
                        }
                    }
                    save_pc!();
                    invoked!(call::invoke(
                        rt,
                        fiber,
                        callee,
                        argc as usize,
                        None,
                        OnReturn::Push
                    ));
                }
                Op::CallKw(argc, k) => {
                    save_pc!();
                    let callee = stack.len() - argc as usize - 1;
                    let names = match &proto.consts[k as usize] {
                        Value::Tuple(t) => t.clone(),
                        _ => Arc::new(Items::default()),
                    };
                    invoked!(call::invoke(
                        rt,
                        fiber,
                        callee,
                        argc as usize,
                        Some(&names),
                        OnReturn::Push
                    ));
                }
                Op::CallEx => {
                    std::hint::cold_path();
                    let kwargs = pop!();
                    let args = pop!();
                    let mut argc = 0;
                    let callee = stack.len() - 1;
                    if let Value::List(items) | Value::Tuple(items) = &args {
                        stack.extend(items.iter().cloned());
                        argc += items.len();
                    }
                    let mut names = Vec::new();
                    let pairs = match &kwargs {
                        Value::Dict(_) => crate::collections::dict_pairs(&kwargs),
                        _ => Vec::new(),
                    };
                    for (k, v) in pairs {
                        if !matches!(k, Value::Str(_)) {
                            break;
                        }
                        names.push(k);
                        push!(v);
                        argc += 1;
                    }
                    save_pc!();
                    let kw = (!names.is_empty()).then_some(names);
                    invoked!(call::invoke(
                        rt,
                        fiber,
                        callee,
                        argc,
                        kw.as_deref(),
                        OnReturn::Push
                    ));
                }
                Op::CallMethod(argc, n) => {
                    budget -= 1;
                    if budget == 0 {
                        std::hint::cold_path();
                        pc -= 1;
                        save_pc!();
                        pause!(Halt::Yield);
                    }
                    let sym = proto.names[n as usize];
                    // `obj.method(args)` on an instance whose fields do not
                    // shadow the method: enter the method with the receiver
                    // as `self` (the fiber may hold a spare reference to it).
                    let recv = stack.len() - argc as usize - 1;
                    if let Value::Instance(inst) = &stack[recv] {
                        if let (false, Some(Value::Function(f))) =
                            (inst.shadows_class(), inst.class.lookup(sym))
                        {
                            if f.plain_arity == argc as u32 + 1
                                && fiber.depth_base + depth < rt.recursion_limit
                            {
                                let f = fiber.spare.reuse(f);
                                enter!('ops, f, recv, recv);
                            }
                        }
                    }
                    save_pc!();
                    invoked!(call_method(
                        rt,
                        fiber,
                        argc as usize,
                        sym,
                        &proto.code.names[n as usize]
                    ));
                }
                Op::GetAttr(n) => {
                    let obj = pop!();
                    match tri!(attr::lookup(&obj, proto.names[n as usize])) {
                        Attr::Value(v) => push!(v),
                        Attr::Getter { get, receiver } => call_accessor!(get, [receiver]),
                    }
                }
                Op::GetLocalAttr(s, n) => {
                    let name = proto.names[n as usize];
                    // `self.field`: read the field under its lock, in place.
                    if let Value::Instance(inst) = &stack[base + s as usize] {
                        // An int field is copied out as a scalar (see `push!`).
                        let field = inst.with_field(name, |v| match v {
                            Value::Int(n) => Ok(*n),
                            other => Err(other.clone()),
                        });
                        match field {
                            Some(Ok(n)) => {
                                push!(Value::Int(n));
                                continue;
                            }
                            Some(Err(v)) => {
                                push!(v);
                                continue;
                            }
                            None => {}
                        }
                    }
                    let v = match &stack[base + s as usize] {
                        Value::Cell(c) => {
                            let obj = c.lock().clone();
                            attr::lookup(&obj, name)
                        }
                        obj => attr::lookup(obj, name),
                    };
                    match tri!(v) {
                        Attr::Value(v) => push!(v),
                        Attr::Getter { get, receiver } => call_accessor!(get, [receiver]),
                    }
                }
                Op::SetLocalAttr(s, n) => {
                    let name = proto.names[n as usize];
                    // `self.n = <int>` over an int field: the payload is
                    // stored in place, the value never moves whole.
                    if let (Some(&Value::Int(v)), Value::Instance(inst)) =
                        (stack.last(), &stack[base + s as usize])
                    {
                        if inst.set_int_field(name, v) {
                            stack.pop_immediate();
                            continue;
                        }
                    }
                    let value = pop!();
                    // `self.field = value` on an existing field: replace it in place.
                    let value = match &stack[base + s as usize] {
                        Value::Instance(inst) => match inst.replace_field(name, value) {
                            Ok(()) => continue,
                            Err(value) => value,
                        },
                        _ => value,
                    };
                    let done = match &stack[base + s as usize] {
                        Value::Cell(c) => {
                            let obj = c.lock().clone();
                            attr::set_attr(&obj, name, value)
                        }
                        obj => attr::set_attr(obj, name, value),
                    };
                    if let Assign::Setter {
                        set,
                        receiver,
                        value,
                    } = tri!(done)
                    {
                        call_accessor!(set, [receiver, value]);
                    }
                }
                Op::SetAttr(n) => {
                    let value = pop!();
                    let obj = pop!();
                    if let Assign::Setter {
                        set,
                        receiver,
                        value,
                    } = tri!(attr::set_attr(&obj, proto.names[n as usize], value))
                    {
                        call_accessor!(set, [receiver, value]);
                    }
                }
                Op::GetIndex => {
                    let index = pop!();
                    let obj = pop!();
                    match attr::get_index(&obj, &index, nest!()) {
                        Ok(Some(v)) => push!(v),
                        Ok(None) => {
                            save_pc!();
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                obj,
                                names::getitem(),
                                vec![index],
                                OnReturn::Push
                            ));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::SetIndex => {
                    let value = pop!();
                    let index = pop!();
                    let obj = pop!();
                    match attr::set_index(&obj, index.clone(), value.clone(), nest!()) {
                        Ok(true) => {}
                        Ok(false) => {
                            save_pc!();
                            invoked!(call_dunder(
                                rt,
                                fiber,
                                obj,
                                names::setitem(),
                                vec![index, value],
                                OnReturn::Discard
                            ));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::BuildList(n) => {
                    let items = stack.split_off(stack.len() - n as usize);
                    push!(Value::list(items));
                }
                Op::BuildTuple(n) => {
                    let items = stack.split_off(stack.len() - n as usize);
                    push!(Value::tuple(items));
                }
                Op::BuildSet(n) => {
                    let items = stack.split_off(stack.len() - n as usize);
                    let set = tri!(build::set(items, nest!()));
                    push!(Value::Set(Arc::new(set)));
                }
                Op::BuildDict(n) => {
                    let items = stack.split_off(stack.len() - 2 * n as usize);
                    let dict = tri!(build::dict(items, nest!()));
                    push!(Value::Dict(Arc::new(dict)));
                }
                Op::BuildSlice => {
                    let step = pop!();
                    let stop = pop!();
                    let start = pop!();
                    push!(Value::Slice(Arc::new([start, stop, step])));
                }
                Op::BuildRange(inclusive) => {
                    let end = pop!();
                    let start = pop!();
                    let v = tri!(make_range(&start, &end, inclusive == 1));
                    push!(v);
                }
                Op::BuildString(n) => {
                    let parts = stack.split_off(stack.len() - n as usize);
                    let mut s = String::new();
                    for p in &parts {
                        if let Value::Str(t) = p {
                            s.push_str(t.as_str());
                        }
                    }
                    push!(Value::str(s));
                }
                Op::FormatValue(flags) => {
                    let spec = if flags & 1 == 1 { Some(pop!()) } else { None };
                    let value = pop!();
                    match crate::format::format_value(rt, fiber.depth(), value, flags >> 1, spec) {
                        Ok(crate::format::Formatted::Ready(s)) => push!(s),
                        Ok(crate::format::Formatted::Wait(wait)) => {
                            save_pc!();
                            pause!(Halt::Suspend(wait));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::NewBuilder(kind) => push!(match kind {
                    2 => Value::SetMut(shared(new_set())),
                    3 => Value::DictMut(shared(new_dict())),
                    4 => Value::tuple_mut(Vec::new()),
                    _ => Value::list_mut(Vec::new()),
                }),
                Op::ListAppend(under) => {
                    let v = pop!();
                    let at = stack.len() - 1 - under as usize;
                    if let Value::ListMut(items) | Value::TupleMut(items) = &stack[at] {
                        let pushed = crate::alloc::push(&mut items.lock(), v);
                        tri!(pushed.map_err(RuntimeError::from));
                    }
                }
                Op::SetAdd(under) => {
                    let v = pop!();
                    let k = tri!(Key::new(v, nest!()));
                    let at = stack.len() - 1 - under as usize;
                    if let Value::SetMut(set) = &stack[at] {
                        tri!(insert_locked(&**set, k, (), nest!()));
                    }
                }
                Op::DictInsert(under) => {
                    let v = pop!();
                    let k = pop!();
                    let k = tri!(Key::new(k, nest!()));
                    let at = stack.len() - 1 - under as usize;
                    if let Value::DictMut(d) = &stack[at] {
                        let old = tri!(insert_locked(&**d, k, v, nest!()));
                        drop(old);
                    }
                }
                Op::ListExtend(under) => {
                    let source = pop!();
                    let at = stack.len() - 1 - under as usize;
                    let builder = stack[at].clone();
                    tri!(build::extend(&builder, source, nest!()));
                }
                Op::Freeze => {
                    let builder = pop!();
                    push!(build::freeze(builder));
                }
                Op::Specialize(k, count) => {
                    std::hint::cold_path();
                    // `chan<T>` remembers its element type, resolved now
                    // with the values of the names it is written with;
                    // other generics are erased at run time.
                    let names = stack.split_off(stack.len() - 2 * count as usize);
                    if let Some(Value::Builtin(Builtin::Chan)) = stack.last() {
                        let text = match &proto.consts[k as usize] {
                            Value::Tuple(t) => t.first().and_then(Value::as_str).unwrap_or("any"),
                            _ => "any",
                        };
                        let loaded = crate::rtype::Loaded(&names);
                        let check = tri!(crate::rtype::resolve(text, &loaded, 0));
                        let elem = crate::rtype::TypeValue::resolved(text.into(), check);
                        stack.pop();
                        push!(Value::BoundMethod(Arc::new(crate::object::BoundMethod {
                            receiver: Value::Type(Arc::new(elem)),
                            method: crate::object::BoundTarget::Callable(Value::Intrinsic(
                                crate::value::Intrinsic::MakeTypedChan,
                            )),
                        })));
                    }
                    drop(names);
                }
                Op::MakeAlias(k) => {
                    std::hint::cold_path();
                    let parts: Vec<Arc<str>> = match &proto.consts[k as usize] {
                        Value::Tuple(t) => {
                            t.iter().filter_map(Value::as_str).map(Arc::from).collect()
                        }
                        _ => Vec::new(),
                    };
                    let [name, text, params @ ..] = parts.as_slice() else {
                        break (
                            RuntimeError::type_error("internal error: a malformed alias"),
                            false,
                        );
                    };
                    let alias = crate::rtype::TypeValue::alias(
                        name.clone(),
                        text.clone(),
                        params.to_vec(),
                        &func.module,
                    );
                    push!(Value::Type(Arc::new(alias)));
                }
                Op::UnpackSequence(n) => {
                    let v = pop!();
                    let items = tri!(iter::collect_sync(&v));
                    if items.len() != n as usize {
                        break (unpack_error(n as usize, items.len()), false);
                    }
                    stack.extend(items.into_iter().rev());
                }
                Op::UnpackStar(before, after) => {
                    std::hint::cold_path();
                    let v = pop!();
                    let mut items = tri!(iter::collect_sync(&v));
                    let (before, after) = (before as usize, after as usize);
                    if items.len() < before + after {
                        break (
                            RuntimeError::value_error(format!(
                                "not enough values to unpack (expected at least {}, got {})",
                                before + after,
                                items.len()
                            )),
                            false,
                        );
                    }
                    let tail = items.split_off(items.len() - after);
                    let middle = items.split_off(before);
                    stack.extend(tail.into_iter().rev());
                    push!(Value::list(middle));
                    stack.extend(items.into_iter().rev());
                }
                Op::MakeFunction(k, flags) => {
                    std::hint::cold_path();
                    let cells = if flags & 2 != 0 {
                        build::cells(pop!())
                    } else {
                        Vec::new()
                    };
                    let defaults = if flags & 1 != 0 {
                        match pop!() {
                            Value::Tuple(t) => t.to_vec(),
                            _ => Vec::new(),
                        }
                    } else {
                        Vec::new()
                    };
                    if let Some(bad) = defaults.iter().find(|d| d.is_mutable()) {
                        break (
                            RuntimeError::type_error(format!(
                                "a parameter default must be immutable, not {} (default to None and create it in the body)",
                                bad.type_name()
                            )),
                            false,
                        );
                    }
                    let Some(child) = proto.children.get(k as usize).cloned().flatten() else {
                        break (
                            RuntimeError::type_error("internal error: missing code constant"),
                            false,
                        );
                    };
                    let f = Function::new(child, defaults, cells, func.module.clone());
                    push!(Value::Function(Arc::new(f)));
                }
                Op::MakeClass(k, count) => {
                    std::hint::cold_path();
                    let pairs = stack.split_off(stack.len() - 2 * count as usize);
                    let bases = pop!();
                    let v = tri!(build::class(&proto.consts[k as usize], bases, pairs));
                    push!(v);
                }
                Op::MakeRecord(k, count) => {
                    std::hint::cold_path();
                    let pairs = stack.split_off(stack.len() - 2 * count as usize);
                    let defaults = pop!();
                    let fields = pop!();
                    let v = tri!(build::record(
                        &proto.consts[k as usize],
                        fields,
                        defaults,
                        pairs
                    ));
                    push!(v);
                }
                Op::MakeInterface(k, count) => {
                    std::hint::cold_path();
                    let pairs = stack.split_off(stack.len() - 2 * count as usize);
                    push!(build::interface(&proto.consts[k as usize], pairs));
                }
                Op::Return | Op::ReturnNone | Op::ReturnLocal(_) => {
                    // The function's straight-line code is paid for. With
                    // the budget gone, yield before returning (the return
                    // runs again on resuming): a deep recursion unwinding
                    // through slow operations has no other yield point.
                    budget = budget.saturating_sub(crate::fiber::straight_cost(pc));
                    if budget <= 1 {
                        std::hint::cold_path();
                        pc -= 1;
                        save_pc!();
                        pause!(Halt::Yield);
                    }
                    // An int result travels as a scalar, not as a value
                    // read back whole just after it was written in parts.
                    let int_result = match op {
                        Op::Return => match stack.last() {
                            Some(Value::Int(n)) => Some(*n),
                            _ => None,
                        },
                        Op::ReturnLocal(s) => match stack[base + s as usize] {
                            Value::Int(n) => Some(n),
                            _ => None,
                        },
                        _ => None,
                    };
                    // The common return: an int to an ordinary call, with
                    // no `try` of this frame left open. Nothing is dropped
                    // but the frame's locals, and nothing is moved whole.
                    if let Some(n) = int_result {
                        let resumed =
                            crate::hot::return_int(fiber, &mut stack, &mut func, depth, n);
                        // (The caller's function if it returned, else unchanged.)
                        proto = &*func.proto;
                        ops = &func.ops[..];
                        if let Some((caller_base, caller_pc)) = resumed {
                            depth -= 1;
                            base = caller_base;
                            pc = caller_pc;
                            continue 'ops;
                        }
                    }
                    let v = match (op, int_result) {
                        (Op::Return, Some(_)) => {
                            stack.pop_immediate();
                            Value::None
                        }
                        (_, Some(_)) | (Op::ReturnNone, _) => Value::None,
                        // The frame's slots go at the return: move the value out.
                        (Op::ReturnLocal(s), None) => {
                            let slot = &mut stack[base + s as usize];
                            match std::mem::replace(slot, Value::None) {
                                Value::Cell(c) => {
                                    *slot = Value::Cell(c);
                                    tri!(local_operand(slot, &proto.code, s as usize))
                                }
                                v => v,
                            }
                        }
                        _ => pop!(),
                    };
                    let Some((ret_base, on_return)) = fiber.frames.pop() else {
                        halt!(Halt::Done(v));
                    };
                    // A `return` inside `try` leaves its handlers behind.
                    while fiber
                        .handlers
                        .last()
                        .is_some_and(|h| h.depth as usize >= depth)
                    {
                        fiber.handlers.pop();
                    }
                    stack.truncate(ret_base as usize);
                    // Keep the reference for the next call of this function.
                    fiber.spare.recycle(func);
                    let v = match int_result {
                        Some(n) if fiber.frames.is_empty() => Value::Int(n),
                        Some(n) => {
                            if let OnReturn::Push = on_return {
                                push!(Value::Int(n));
                                continue 'frames;
                            }
                            Value::Int(n)
                        }
                        None => v,
                    };
                    if fiber.frames.is_empty() {
                        // A fiber's first call may be a class's `__init__`
                        // (`go Point(1)`, `map(Point, xs)`): its result is
                        // the instance.
                        let v = match on_return {
                            OnReturn::Replace(instance) => instance,
                            _ => v,
                        };
                        halt!(Halt::Done(v));
                    }
                    match on_return {
                        OnReturn::Push => push!(v),
                        on_return => call::push_result(&mut stack, v, on_return),
                    }
                    continue 'frames;
                }
                Op::Raise(form) => {
                    std::hint::cold_path();
                    let (error, reraise) = match form {
                        0 => (RuntimeError::from_value(pop!()), true),
                        2 => {
                            let cause = pop!();
                            let exc = pop!();
                            if !RuntimeError::raisable(&exc) {
                                break (RuntimeError::from_value(exc), false);
                            }
                            let error = RuntimeError::from_value(exc);
                            let cause = match cause {
                                Value::None => Value::None,
                                c if RuntimeError::raisable(&c) => {
                                    RuntimeError::from_value(c).value()
                                }
                                other => {
                                    break (
                                        RuntimeError::type_error(format!(
                                            "an error's cause must be an error (Error or a subclass) or None, not {}",
                                            crate::error::describe_unraisable(&other)
                                        )),
                                        false,
                                    )
                                }
                            };
                            error.0.set(names::cause(), cause);
                            let reraise = !error.trace().is_empty();
                            (error, reraise)
                        }
                        _ => {
                            let error = RuntimeError::from_value(pop!());
                            let reraise = !error.trace().is_empty();
                            (error, reraise)
                        }
                    };
                    break (error, reraise);
                }
                Op::SetupTry(t) => fiber.handlers.push(Handler {
                    depth: depth as u32,
                    target: t,
                    height: stack.len() as u32,
                }),
                Op::PopTry => {
                    fiber.handlers.pop();
                }
                Op::MatchError => {
                    std::hint::cold_path();
                    let class = pop!();
                    let error = stack.last().cloned().unwrap_or(Value::None);
                    let matched = tri!(crate::builtins::is_instance(&error, &class));
                    push!(Value::Bool(matched));
                }
                Op::Import(k) => {
                    std::hint::cold_path();
                    let path = proto.consts[k as usize].as_str().unwrap_or("").to_string();
                    save_pc!();
                    match modules::import(rt, fiber, &func.module, &path) {
                        Ok(modules::Imported::Ready(m)) => push!(m),
                        Ok(modules::Imported::Wait(wait)) => pause!(Halt::Suspend(wait)),
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::ImportFrom(n) => {
                    std::hint::cold_path();
                    let name = proto.names[n as usize].name();
                    let v = match stack.last() {
                        Some(Value::Module(m)) => m.member(&name).ok_or_else(|| {
                            RuntimeError::new(
                                Builtin::ImportError,
                                format!("cannot import name '{name}' from '{}'", m.name),
                            )
                        }),
                        _ => Err(RuntimeError::type_error(
                            "internal error: ImportFrom without a module",
                        )),
                    };
                    let v = tri!(v);
                    push!(v);
                }
                Op::ImportStar => {
                    std::hint::cold_path();
                    if let Value::Module(m) = pop!() {
                        func.module.star_sources.lock().push(m);
                    }
                }
                Op::LoadSuper => {
                    std::hint::cold_path();
                    let receiver = match &stack[base] {
                        Value::Cell(c) => c.lock().clone(),
                        v => v.clone(),
                    };
                    let Some(class) = func.owner.get().and_then(std::sync::Weak::upgrade) else {
                        break (
                            RuntimeError::type_error("super(): the method is not part of a class"),
                            false,
                        );
                    };
                    push!(Value::Super(Arc::new(SuperProxy { class, receiver })));
                }
                Op::BuildSuper => {
                    std::hint::cold_path();
                    let receiver = pop!();
                    let class = pop!();
                    let v = tri!(build::super_proxy(class, receiver));
                    push!(v);
                }
                Op::ErrorInstance => {
                    let is_class = match stack.last() {
                        Some(Value::Class(c)) => c.is_error,
                        Some(Value::Builtin(b)) => b.info().kind == pyro_builtins::Kind::ErrorClass,
                        _ => false,
                    };
                    if is_class {
                        std::hint::cold_path();
                        let callee = stack.len() - 1;
                        save_pc!();
                        invoked!(call::invoke(rt, fiber, callee, 0, None, OnReturn::Push));
                    }
                }
                Op::MatchClass(positional) => {
                    std::hint::cold_path();
                    let class = pop!();
                    let subject = pop!();
                    let matched = tri!(build::class_pattern(&subject, &class, positional as usize));
                    push!(Value::Bool(matched));
                }
                Op::MatchField(i) => {
                    std::hint::cold_path();
                    let v = pop!();
                    let field = match &v {
                        Value::Record(r) => r.fields.get(i as usize).cloned(),
                        Value::Instance(_) => None,
                        // A built-in type's value matches its one positional
                        // sub-pattern whole (`case int(n):`).
                        _ if i == 0 => Some(v.clone()),
                        _ => None,
                    };
                    match field {
                        Some(f) => push!(f),
                        None => {
                            break (
                                RuntimeError::type_error(format!(
                                    "{} has no positional field {i} to match",
                                    v.type_name()
                                )),
                                false,
                            )
                        }
                    }
                }
                Op::Select(k, has_else) => {
                    std::hint::cold_path();
                    let kinds = match &proto.consts[k as usize] {
                        Value::Tuple(t) => t.clone(),
                        _ => Arc::new(Items::default()),
                    };
                    let count: usize = kinds
                        .iter()
                        .map(|k| if matches!(k, Value::Int(2)) { 2 } else { 1 })
                        .sum();
                    let operands = stack.split_off(stack.len() - count);
                    match crate::select::select(&kinds, operands, has_else == 1) {
                        Ok(crate::select::Selected::Ready(v)) => push!(v),
                        Ok(crate::select::Selected::Wait(wait)) => {
                            save_pc!();
                            pause!(Halt::Suspend(wait));
                        }
                        Err(e) => {
                            std::hint::cold_path();
                            break (e, false);
                        }
                    }
                }
                Op::Go(_) | Op::GoKw(..) => {
                    std::hint::cold_path();
                    let (argc, names, detached) = match op {
                        Op::Go(n) => (
                            (n & !pyro_compiler::GO_DETACHED) as usize,
                            None,
                            n & pyro_compiler::GO_DETACHED != 0,
                        ),
                        Op::GoKw(n, k) => {
                            let names = match &proto.consts[k as usize] {
                                Value::Tuple(t) => Some(t.to_vec()),
                                _ => None,
                            };
                            (
                                (n & !pyro_compiler::GO_KW_DETACHED) as usize,
                                names,
                                n & pyro_compiler::GO_KW_DETACHED != 0,
                            )
                        }
                        _ => (0, None, false),
                    };
                    let args = stack.split_off(stack.len() - argc);
                    let callee = pop!();
                    let site = Some((proto.code.name.clone(), proto.code.span_at(pc - 1)));
                    let handle = tri!(crate::task::spawn(rt, callee, args, names, detached, site));
                    if !detached {
                        push!(Value::Task(handle));
                    }
                }
            }
        };

        // The error path: record where it happened, then unwind.
        save_pc!();
        if !reraise {
            error.push_trace(
                proto.code.name.clone(),
                proto.code.span_at(pc.saturating_sub(1)),
            );
        }
        put_back!();
        stack.move_into(&mut fiber.stack);
        let unwound = unwind(fiber, error);
        fiber.stack.move_into(&mut stack);
        if let Err(e) = unwound {
            halt!(Halt::Error(e));
        }
    }
}

/// Loads a global: scalars and builtins without its lock, a function as a
/// spare reference of the fiber (see [`crate::fiber::Spares`]), anything
/// else cloned under the lock.
#[inline]
fn load_global(spare: &mut crate::fiber::Spares, global: &Global) -> Value {
    match global.peek() {
        Peek::Value(v) => v,
        Peek::Function(addr) => match spare.take(addr) {
            Some(f) => Value::Function(f),
            None => global.get(),
        },
        Peek::Locked => global.get(),
    }
}

/// The instruction a fused one stands for (`AddInt(k)` is `LoadInt(k); Add`).
#[inline]
fn unfused(op: Op) -> Op {
    match op {
        Op::AddInt(_) => Op::Add,
        Op::SubInt(_) => Op::Sub,
        Op::MulInt(_) => Op::Mul,
        Op::ModInt(_) => Op::Mod,
        Op::LtInt(_) | Op::LocalLtInt(..) => Op::Lt,
        Op::LeInt(_) | Op::LocalLeInt(..) => Op::Le,
        Op::GtInt(_) | Op::LocalGtInt(..) => Op::Gt,
        Op::GeInt(_) | Op::LocalGeInt(..) => Op::Ge,
        Op::EqInt(_) => Op::Eq,
        Op::NeInt(_) => Op::Ne,
        other => other,
    }
}

/// `x op y` for an ordering comparison of two ints.
#[inline]
fn int_order(op: Op, x: i64, y: i64) -> bool {
    match op {
        Op::Lt => x < y,
        Op::Le => x <= y,
        Op::Gt => x > y,
        _ => x >= y,
    }
}

/// The value of local `s` as the operand of a fused instruction: the slot
/// may hold a cell (the variable was captured after the instruction was
/// compiled), and a captured variable may not have a value yet.
fn local_operand(
    slot: &Value,
    code: &pyro_compiler::Code,
    s: usize,
) -> Result<Value, RuntimeError> {
    let v = match slot {
        Value::Cell(c) => c.lock().clone(),
        other => other.clone(),
    };
    match v {
        Value::Unbound => Err(unbound(&code.local_names[s])),
        v => Ok(v),
    }
}

fn unbound(name: &str) -> RuntimeError {
    RuntimeError::name_error(format!(
        "local variable '{name}' is used before it has a value"
    ))
}

fn global_name(func: &Function, g: u32) -> String {
    func.module
        .global_index
        .iter()
        .find(|(_, &i)| i == g)
        .map_or_else(|| "?".to_string(), |(n, _)| n.to_string())
}

fn unpack_error(expected: usize, got: usize) -> RuntimeError {
    if got > expected {
        RuntimeError::value_error(format!("too many values to unpack (expected {expected})"))
    } else {
        RuntimeError::value_error(format!(
            "not enough values to unpack (expected {expected}, got {got})"
        ))
    }
}

fn make_range(start: &Value, end: &Value, inclusive: bool) -> Result<Value, RuntimeError> {
    match (start, end) {
        (Value::Int(a), Value::Int(b)) => {
            let stop = if inclusive {
                b.checked_add(1)
                    .ok_or_else(|| RuntimeError::overflow("range end overflows"))?
            } else {
                *b
            };
            Ok(Value::Range(Arc::new(RangeValue {
                start: *a,
                stop,
                step: 1,
            })))
        }
        _ => Err(RuntimeError::type_error(format!(
            "range bounds must be ints, not {} and {}",
            start.type_name(),
            end.type_name()
        ))),
    }
}

/// `x += y` / `x = x + y` on a variable: append in place when the string or
/// list has no other owner, otherwise compute `x + y`.
fn add_in_place(target: &mut Value, rhs: &Value, nest: Nest) -> Result<(), Slow> {
    match (&mut *target, rhs) {
        (Value::Int(x), Value::Int(y)) => {
            *x = x
                .checked_add(*y)
                .ok_or_else(|| Slow::Error(RuntimeError::overflow("integer overflow in +")))?;
            return Ok(());
        }
        (Value::Str(s), Value::Str(r)) => {
            if let Some(owned) = Arc::get_mut(s) {
                return owned
                    .push_str(r)
                    .map_err(|e| Slow::Error(RuntimeError::from(e)));
            }
        }
        (Value::List(items), Value::List(more)) => {
            if let Some(owned) = Arc::get_mut(items) {
                return crate::alloc::extend(owned, more.iter().cloned())
                    .map_err(|e| Slow::Error(RuntimeError::from(e)));
            }
        }
        (Value::ListMut(items), _) => {
            // `xs += other` extends a mutable list in place, as in Python.
            let more = crate::iter::collect_sync(rhs).map_err(Slow::Error)?;
            return crate::alloc::extend(&mut items.lock(), more)
                .map_err(|e| Slow::Error(RuntimeError::from(e)));
        }
        _ => {}
    }
    let result = ops::binary(Op::Add, target, rhs, nest)?;
    *target = result;
    Ok(())
}

/// Calls `receiver.name(*args)` as a frame (or natively for intrinsics).
pub(crate) fn call_dunder(
    rt: &Rt,
    fiber: &mut Fiber,
    receiver: Value,
    name: Sym,
    args: Vec<Value>,
    on_return: OnReturn,
) -> Result<Invoked, RuntimeError> {
    let method = match &receiver {
        Value::Instance(i) => i.class.lookup(name).cloned(),
        Value::Record(r) => r.class.lookup(name).cloned(),
        _ => None,
    };
    let Some(method) = method else {
        let what = match name.name().as_ref() {
            "__iter__" => format!("'{}' object is not iterable", receiver.type_name()),
            "__next__" => format!("'{}' object is not an iterator", receiver.type_name()),
            "__getitem__" => format!("'{}' object is not subscriptable", receiver.type_name()),
            "__setitem__" => format!(
                "'{}' object does not support item assignment",
                receiver.type_name()
            ),
            "__contains__" => format!(
                "argument of type '{}' is not iterable",
                receiver.type_name()
            ),
            "__neg__" | "__pos__" | "__invert__" => format!(
                "bad operand type for unary operator: '{}'",
                receiver.type_name()
            ),
            other => {
                let op = dunder_symbol(other);
                let right = args.first().map_or_else(String::new, Value::type_name);
                format!(
                    "unsupported operand types for {op}: '{}' and '{right}'",
                    receiver.type_name()
                )
            }
        };
        return Err(RuntimeError::type_error(what));
    };
    let callee = fiber.stack.len();
    let argc = args.len() + 1;
    fiber.stack.push(method);
    fiber.stack.push(receiver);
    fiber.stack.extend(args);
    call::invoke(rt, fiber, callee, argc, None, on_return)
}

fn dunder_symbol(name: &str) -> &'static str {
    match name {
        "__add__" => "+",
        "__sub__" => "-",
        "__mul__" => "*",
        "__truediv__" => "/",
        "__mod__" => "%",
        "__pow__" => "**",
        "__and__" => "&",
        "__or__" => "|",
        "__xor__" => "^",
        "__lshift__" => "<<",
        "__rshift__" => ">>",
        "__lt__" => "<",
        "__le__" => "<=",
        "__gt__" => ">",
        "__ge__" => ">=",
        _ => "?",
    }
}

/// `a < b` through `__lt__`, falling back to the reflected method of `b`.
fn compare_dunder(
    rt: &Rt,
    fiber: &mut Fiber,
    op: Op,
    a: Value,
    b: Value,
    sym: Sym,
) -> Result<Invoked, RuntimeError> {
    let has = |v: &Value, s: Sym| match v {
        Value::Instance(i) => i.class.lookup(s).is_some(),
        Value::Record(r) => r.class.lookup(s).is_some(),
        _ => false,
    };
    if has(&a, sym) {
        return call_dunder(rt, fiber, a, sym, vec![b], OnReturn::Truthy);
    }
    let reflected = match op {
        Op::Lt => names::gt(),
        Op::Le => names::ge(),
        Op::Gt => names::lt(),
        _ => names::le(),
    };
    if has(&b, reflected) {
        return call_dunder(rt, fiber, b, reflected, vec![a], OnReturn::Truthy);
    }
    Err(RuntimeError::type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        dunder_symbol(&sym.name()),
        a.type_name(),
        b.type_name()
    )))
}

/// `receiver.name(args)` with the receiver and arguments on the stack.
fn call_method(
    rt: &Rt,
    fiber: &mut Fiber,
    argc: usize,
    name: Sym,
    text: &str,
) -> Result<Invoked, RuntimeError> {
    let recv = fiber.stack.len() - argc - 1;
    let class_method = |class: &crate::object::Class| class.lookup(name).cloned();
    // The common case, `obj.method(args)` on an instance, without cloning
    // the receiver.
    if let Value::Instance(inst) = &fiber.stack[recv] {
        let field = if inst.shadows_class() {
            inst.get(name)
        } else {
            None
        };
        let method = match field {
            Some(field) => Err(field),
            // The fiber may hold a spare reference to the method.
            None => Ok(match inst.class.lookup(name) {
                Some(Value::Function(f)) => Some(fiber.spare.reuse(f)),
                _ => None,
            }),
        };
        match method {
            Ok(Some(f)) => {
                call::push_frame(rt, fiber, f, recv, argc + 1, None, recv, OnReturn::Push)?;
                return Ok(Invoked::Pushed);
            }
            Err(field) => {
                fiber.stack[recv] = field;
                return call::invoke(rt, fiber, recv, argc, None, OnReturn::Push);
            }
            _ => {}
        }
    }
    // `xs.push(v)` / `xs.append(v)` on a mutable list: the hot list operation.
    if argc == 1 && (text == "push" || text == "append") {
        if let Value::ListMut(_) = &fiber.stack[recv] {
            let v = fiber.stack.pop().unwrap_or(Value::None);
            if let Value::ListMut(items) = &fiber.stack[recv] {
                crate::alloc::push(&mut items.lock(), v)?;
            }
            // The receiver's slot becomes the call's result.
            fiber.stack[recv] = Value::None;
            return Ok(Invoked::Done);
        }
    }
    // `ch.push(v)` / `ch.collect()`: the hot channel operations, completed
    // here when they need not wait (no argument list, no boxed future).
    if let Value::Chan(chan, dir) = &fiber.stack[recv] {
        use crate::chan::ChanDir;
        let push = argc == 1 && text == "push" && *dir != ChanDir::Recv;
        let collect = argc == 0 && text == "collect" && *dir != ChanDir::Send;
        if push || collect {
            let chan = chan.clone();
            let value = if push { fiber.stack.pop() } else { None };
            fiber.stack.truncate(recv);
            let outcome = match value {
                Some(value) => crate::chan::push_op(&chan, value)?,
                None => crate::chan::collect_op(&chan)?,
            };
            return match outcome {
                call::Native::Value(v) => {
                    fiber.stack.push(v);
                    Ok(Invoked::Done)
                }
                call::Native::Suspend(wait) => Ok(Invoked::Suspend(wait)),
                call::Native::Call { .. } => Err(RuntimeError::type_error(
                    "internal error: a channel operation called back",
                )),
            };
        }
    }
    // `module.f(args)`: the member read as `LoadGlobal` reads it.
    let member = match &fiber.stack[recv] {
        Value::Module(m) => m
            .sym_index
            .get(&name)
            .map(|&i| load_global(&mut fiber.spare, &m.globals[i as usize])),
        _ => None,
    };
    if let Some(member) = member.filter(|v| !matches!(v, Value::Unbound)) {
        fiber.stack[recv] = member;
        return call::invoke(rt, fiber, recv, argc, None, OnReturn::Push);
    }
    let receiver = fiber.stack[recv].clone();
    match &receiver {
        Value::Instance(inst) => {
            if let Some(field) = inst.get(name) {
                fiber.stack[recv] = field;
                return call::invoke(rt, fiber, recv, argc, None, OnReturn::Push);
            }
            match class_method(&inst.class) {
                Some(Value::Function(f)) => {
                    call::push_frame(rt, fiber, f, recv, argc + 1, None, recv, OnReturn::Push)?;
                    Ok(Invoked::Pushed)
                }
                Some(Value::Descriptor(d)) => {
                    let attr = attr::through_descriptor(&d, &receiver);
                    call_attribute(rt, fiber, recv, argc, attr)
                }
                Some(other) => {
                    fiber.stack.insert(recv, other);
                    call::invoke(rt, fiber, recv, argc + 1, None, OnReturn::Push)
                }
                None => {
                    let attr = attr::lookup(&receiver, name)?;
                    call_attribute(rt, fiber, recv, argc, attr)
                }
            }
        }
        Value::Record(r) => {
            if let Some(field) = attr::record_field(r, name) {
                fiber.stack[recv] = field;
                return call::invoke(rt, fiber, recv, argc, None, OnReturn::Push);
            }
            match class_method(&r.class) {
                Some(Value::Function(f)) => {
                    call::push_frame(rt, fiber, f, recv, argc + 1, None, recv, OnReturn::Push)?;
                    Ok(Invoked::Pushed)
                }
                Some(Value::Descriptor(d)) => {
                    let attr = attr::through_descriptor(&d, &receiver);
                    call_attribute(rt, fiber, recv, argc, attr)
                }
                Some(other) => {
                    fiber.stack.insert(recv, other);
                    call::invoke(rt, fiber, recv, argc + 1, None, OnReturn::Push)
                }
                None => {
                    let attr = attr::lookup(&receiver, name)?;
                    call_attribute(rt, fiber, recv, argc, attr)
                }
            }
        }
        Value::Super(sp) => {
            let method = sp.class.base.as_ref().and_then(|b| b.lookup(name).cloned());
            match method {
                Some(Value::Descriptor(d)) => {
                    let attr = attr::through_descriptor(&d, &sp.receiver);
                    call_attribute(rt, fiber, recv, argc, attr)
                }
                Some(Value::Function(f)) => {
                    fiber.stack[recv] = sp.receiver.clone();
                    call::push_frame(rt, fiber, f, recv, argc + 1, None, recv, OnReturn::Push)?;
                    Ok(Invoked::Pushed)
                }
                Some(other) => {
                    fiber.stack[recv] = sp.receiver.clone();
                    fiber.stack.insert(recv, other);
                    call::invoke(rt, fiber, recv, argc + 1, None, OnReturn::Push)
                }
                None => Err(RuntimeError::attribute(format!(
                    "'super' object has no attribute '{}'",
                    name.name()
                ))),
            }
        }
        Value::Class(_) | Value::Module(_) | Value::Builtin(_) | Value::Descriptor(_) => {
            let attr = attr::lookup(&receiver, name)?;
            call_attribute(rt, fiber, recv, argc, attr)
        }
        _ => {
            let args: Vec<Value> = fiber.stack.drain(recv + 1..).collect();
            fiber.stack.truncate(recv);
            let result = crate::methods::call_method(
                rt,
                fiber.depth(),
                &receiver,
                text,
                call::Args {
                    pos: args,
                    kw: Vec::new(),
                },
            )?;
            call::finish_native(rt, fiber, result, OnReturn::Push)
        }
    }
}

/// `receiver.name(args)` once the attribute is known, with the receiver's
/// slot at `recv` and the arguments above it.
fn call_attribute(
    rt: &Rt,
    fiber: &mut Fiber,
    recv: usize,
    argc: usize,
    attr: Attr,
) -> Result<Invoked, RuntimeError> {
    match attr {
        Attr::Value(callee) => {
            fiber.stack[recv] = callee;
            call::invoke(rt, fiber, recv, argc, None, OnReturn::Push)
        }
        // `obj.prop(args)`: the getter's result is called with the
        // arguments. Rare, so both calls run on a nested fiber rather than
        // as a chain of frames.
        Attr::Getter { get, receiver } => {
            let args: Vec<Value> = fiber.stack.drain(recv + 1..).collect();
            fiber.stack.truncate(recv);
            let (rt, depth) = (rt.clone(), fiber.depth());
            Ok(Invoked::Suspend(Box::pin(async move {
                let f = crate::fiber::call_value(rt.clone(), get, vec![receiver], depth).await?;
                crate::fiber::call_value(rt, f, args, depth).await
            })))
        }
    }
}

/// Unwinds to the nearest handler; `Err` when no frame handles the error.
fn unwind(fiber: &mut Fiber, error: RuntimeError) -> Result<(), RuntimeError> {
    loop {
        let depth = fiber.frames.len();
        let Some(frame) = fiber.frames.last_mut() else {
            return Err(error);
        };
        if let Some(h) = fiber.handlers.pop_if(|h| h.depth as usize == depth) {
            fiber.stack.truncate(h.height as usize);
            fiber.stack.push(error.value());
            frame.pc = h.target;
            return Ok(());
        }
        let Some((ret_base, on_return)) = fiber.frames.pop() else {
            return Err(error);
        };
        fiber.stack.truncate(ret_base as usize);
        if matches!(on_return, OnReturn::IterNext) && error.is(Builtin::StopIteration) {
            // The iterator is exhausted: leave the caller's `for` loop.
            fiber.stack.pop();
            let Some(caller) = fiber.frames.last_mut() else {
                return Err(error);
            };
            let at = caller.pc.saturating_sub(1) as usize;
            let op = caller.func.as_ref().and_then(|f| f.proto.code.ops.get(at));
            if let Some(Op::ForIter(target)) = op {
                caller.pc = *target;
            }
            return Ok(());
        }
        if let Some(Frame {
            func: Some(func),
            pc,
            ..
        }) = fiber.frames.last()
        {
            let code = &func.proto.code;
            error.push_trace(
                code.name.clone(),
                code.span_at(pc.saturating_sub(1) as usize),
            );
        }
    }
}
