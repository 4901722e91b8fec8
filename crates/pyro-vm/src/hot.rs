//! The fast loop: a small interpreter loop for the instructions of
//! call-heavy integer code (`fib`), entered from the full loop
//! (`interp::run`) when a plain call starts a function with one of them.
//!
//! Why a second loop: the full loop is too large for the register allocator,
//! so its state (the stack height, pc, base) lives in memory and every push
//! and pop stores and reloads the height on the critical path. This loop's
//! state fits in registers; it made `fib` about 20% faster.
//!
//! It runs an instruction only in the case it handles — ints, a global
//! function with a spare reference, a plain call, an int return to an
//! ordinary caller — with exactly the full loop's semantics, and stops
//! *before* anything else (another instruction, a float, an overflow, a
//! `try` to leave, budget about to run out), leaving the full loop to run
//! that instruction from the same state. It never raises, suspends or
//! yields. The frame switches are shared with the full loop
//! ([`enter_plain`], [`return_int`]).

use std::sync::Arc;

use pyro_compiler::Op;

use crate::fiber::Fiber;
use crate::object::Function;
use crate::runtime::Rt;
use crate::stack::Stack;
use crate::value::Value;

/// Whether this loop handles `op` (in some case).
#[inline(always)]
pub(crate) fn is_hot(op: Op) -> bool {
    matches!(
        op,
        Op::LocalLtInt(..)
            | Op::LocalLeInt(..)
            | Op::LocalGtInt(..)
            | Op::LocalGeInt(..)
            | Op::LocalEqInt(..)
            | Op::LocalNeInt(..)
            | Op::LocalSubInt(..)
            | Op::LocalAddInt(..)
            | Op::ReturnLocal(_)
            | Op::LoadCallee(_)
            | Op::Call(_)
            | Op::Add
            | Op::Return
    )
}

/// The running frame's state, moved in and out by value (a reference to
/// the interpreter's locals would pin them to memory for its whole loop).
pub(crate) struct Regs {
    pub func: Arc<Function>,
    pub base: usize,
    pub pc: usize,
    pub depth: usize,
    pub budget: u32,
}

/// Runs from `r.pc` until an instruction or case this loop does not
/// handle, and returns the state there.
#[inline(never)]
pub(crate) fn run(rt: &Rt, fiber: &mut Fiber, stack: &mut Stack, r: Regs) -> Regs {
    let Regs {
        mut func,
        mut base,
        mut pc,
        mut depth,
        mut budget,
    } = r;
    let mut ops = &func.ops[..];
    macro_rules! push {
        ($v:expr) => {{
            let slot = stack.next_slot();
            let v = $v;
            std::mem::forget(std::mem::replace(slot, v));
        }};
    }
    // `local <cmp> k`: `if n < 2:` branches at once (as `branch_or_push!`
    // does in the full loop).
    macro_rules! compare {
        ($s:expr, $k:expr, $holds:expr) => {{
            let Value::Int(x) = stack[base + $s as usize] else {
                break;
            };
            let holds: fn(i64, i64) -> bool = $holds;
            let r = holds(x, $k as i64);
            match ops.get(pc + 1) {
                Some(&Op::JumpIfFalse(t)) => pc = if r { pc + 2 } else { t as usize },
                _ => {
                    push!(Value::Bool(r));
                    pc += 1;
                }
            }
        }};
    }
    while let Some(&op) = ops.get(pc) {
        match op {
            Op::LocalLtInt(s, k) => compare!(s, k, |x, k| x < k),
            Op::LocalLeInt(s, k) => compare!(s, k, |x, k| x <= k),
            Op::LocalGtInt(s, k) => compare!(s, k, |x, k| x > k),
            Op::LocalGeInt(s, k) => compare!(s, k, |x, k| x >= k),
            Op::LocalEqInt(s, k) => compare!(s, k, |x, k| x == k),
            Op::LocalNeInt(s, k) => compare!(s, k, |x, k| x != k),
            Op::LocalSubInt(s, k) | Op::LocalAddInt(s, k) => {
                let Value::Int(x) = stack[base + s as usize] else {
                    break;
                };
                let r = if let Op::LocalSubInt(..) = op {
                    x.checked_sub(k as i64)
                } else {
                    x.checked_add(k as i64)
                };
                let Some(r) = r else { break };
                push!(Value::Int(r));
                pc += 1;
            }
            Op::Add => {
                let n = stack.len();
                let (Value::Int(x), Value::Int(y)) = (&stack[n - 2], &stack[n - 1]) else {
                    break;
                };
                let Some(r) = x.checked_add(*y) else { break };
                stack.pop_immediate();
                std::mem::forget(std::mem::replace(&mut stack[n - 2], Value::Int(r)));
                pc += 1;
            }
            Op::LoadCallee(g) => {
                let global = &func.module.globals[g as usize];
                let Some(addr) = global.peek_function() else {
                    break;
                };
                let Some(f) = fiber.spare.take(addr) else {
                    break;
                };
                push!(Value::Callee(Some(f)));
                pc += 1;
            }
            Op::Call(argc) => {
                if budget <= 1 {
                    break;
                }
                let callee = stack.len() - argc as usize - 1;
                if fiber.depth_base + depth >= rt.recursion_limit {
                    break;
                }
                let Value::Callee(slot) = &mut stack[callee] else {
                    break;
                };
                if slot.as_ref().is_none_or(|f| f.plain_arity != argc) {
                    break;
                }
                let Some(f) = slot.take() else { break };
                budget -= 1;
                enter_plain(
                    fiber,
                    stack,
                    &mut func,
                    f,
                    callee + 1,
                    callee,
                    depth,
                    pc + 1,
                );
                depth += 1;
                ops = &func.ops[..];
                base = callee + 1;
                pc = 0;
            }
            Op::Return | Op::ReturnLocal(_) => {
                let n = match op {
                    Op::ReturnLocal(s) => match stack[base + s as usize] {
                        Value::Int(n) => n,
                        _ => break,
                    },
                    _ => match stack.last() {
                        Some(Value::Int(n)) => *n,
                        _ => break,
                    },
                };
                budget = budget
                    .saturating_sub(crate::fiber::straight_cost(pc))
                    .max(1);
                let Some((caller_base, caller_pc)) = return_int(fiber, stack, &mut func, depth, n)
                else {
                    break;
                };
                depth -= 1;
                base = caller_base;
                pc = caller_pc;
                ops = &func.ops[..];
            }
            _ => break,
        }
    }
    Regs {
        func,
        base,
        pc,
        depth,
        budget,
    }
}

/// Enters `f`, a plain call whose arguments start at stack index `args`
/// (they are its first locals) and whose callee slot is `ret_base`: the
/// running function (`func`, of the frame at `depth`) goes back into its
/// frame with `pc` to resume at, and `f` becomes the running function.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn enter_plain(
    fiber: &mut Fiber,
    stack: &mut Stack,
    func: &mut Arc<Function>,
    f: Arc<Function>,
    args: usize,
    ret_base: usize,
    depth: usize,
    pc: usize,
) {
    let locals_end = args + f.nlocals as usize;
    if stack.len() < locals_end {
        stack.resize(locals_end, Value::Unbound);
    }
    let caller = &mut fiber.frames[depth - 1];
    caller.pc = pc as u32;
    caller.func = Some(std::mem::replace(func, f));
    fiber.frames.push_running(args, ret_base);
}

/// The common return: int `n` from the running frame (at `depth`) to an
/// ordinary call, with no `try` of the frame left open. Pops the frame
/// (nothing is moved whole or dropped but its locals), pushes `n`, makes
/// the caller's function the running one and returns the caller's base and
/// pc; `None`, with nothing changed, when the return is not that case.
#[inline(always)]
pub(crate) fn return_int(
    fiber: &mut Fiber,
    stack: &mut Stack,
    func: &mut Arc<Function>,
    depth: usize,
    n: i64,
) -> Option<(usize, usize)> {
    if depth <= 1
        || fiber
            .handlers
            .last()
            .is_some_and(|h| (h.depth as usize) >= depth)
    {
        return None;
    }
    let (ret_base, caller) = fiber.frames.pop_call()?;
    stack.truncate(ret_base);
    // Keep the reference for the next call of this function.
    fiber.spare.recycle(std::mem::replace(func, caller));
    let slot = stack.next_slot();
    std::mem::forget(std::mem::replace(slot, Value::Int(n)));
    let frame = &fiber.frames[depth - 2];
    Some((frame.base as usize, frame.pc as usize))
}
