//! `select` (LANGUAGE.md §7): wait on several channel operations and run
//! exactly one.
//!
//! First a non-blocking pass over the cases, starting at a random case so
//! that when several are ready each is chosen uniformly (no starvation); if
//! none is ready, the `else` branch runs when there is one, and otherwise the
//! fiber suspends on all cases at once and takes the first to complete. A send
//! case only reserves room in its channel while waiting, and sends only if
//! it is chosen, so a losing case leaves no trace; on an unbuffered channel it
//! is ready only while a receiver is waiting (Go's rule), so a timeout or
//! another case can still win when no receiver comes.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::chan::{closed_error, ChanDir, Channel, Collected, Message};
use crate::error::RuntimeError;
use crate::fiber::Wait;
use crate::value::Value;

const RECV: i64 = 0;
const RECV_OK: i64 = 1;
const SEND: i64 = 2;

struct Case {
    kind: i64,
    chan: Arc<Channel>,
    value: Option<Value>,
}

pub enum Selected {
    Ready(Value),
    Wait(Wait),
}

thread_local! {
    static SEED: Cell<u64> = Cell::new(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0x9E37_79B9, |d| d.as_nanos() as u64) | 1,
    );
}

/// A uniformly random index below `n` (xorshift64*; fairness, not security).
pub fn random_below(n: usize) -> usize {
    SEED.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    })
}

fn outcome(index: usize, ok: bool, value: Value) -> Value {
    Value::tuple(vec![Value::Int(index as i64), Value::Bool(ok), value])
}

fn cases(kinds: &[Value], mut operands: Vec<Value>) -> Result<Vec<Case>, RuntimeError> {
    let mut out = Vec::with_capacity(kinds.len());
    operands.reverse();
    for kind in kinds {
        let kind = match kind {
            Value::Int(k) => *k,
            _ => RECV,
        };
        let chan = operands.pop().unwrap_or(Value::None);
        let value = if kind == SEND { operands.pop() } else { None };
        let (chan, dir) = match chan {
            Value::Chan(c, d) => (c, d),
            other => {
                return Err(RuntimeError::type_error(format!(
                    "a select case needs a channel, not {}",
                    other.type_name()
                )))
            }
        };
        if kind == SEND && dir == ChanDir::Recv {
            return Err(RuntimeError::type_error("channel is receive-only"));
        }
        if kind != SEND && dir == ChanDir::Send {
            return Err(RuntimeError::type_error("channel is send-only"));
        }
        out.push(Case { kind, chan, value });
    }
    Ok(out)
}

/// Runs the non-blocking pass; returns a wait when nothing is ready.
pub fn select(
    kinds: &[Value],
    operands: Vec<Value>,
    has_else: bool,
) -> Result<Selected, RuntimeError> {
    let cases = cases(kinds, operands)?;
    let n = cases.len();
    let start = random_below(n);
    for offset in 0..n {
        let i = (start + offset) % n;
        let case = &cases[i];
        if case.kind == SEND {
            if case
                .chan
                .try_push(case.value.clone().unwrap_or(Value::None))?
            {
                return Ok(Selected::Ready(outcome(i, true, Value::None)));
            }
        } else {
            // Closed only when closed and drained; a receiver holding the
            // channel right now means "not ready", never "closed".
            match case.chan.start_collect() {
                Collected::Value(v) => return Ok(Selected::Ready(outcome(i, true, v))),
                Collected::Closed => return closed_receive(i, case.kind).map(Selected::Ready),
                Collected::Wait => {}
            }
        }
    }
    if has_else || n == 0 {
        // Index -1: nothing was ready, run the `else` branch.
        return Ok(Selected::Ready(Value::tuple(vec![
            Value::Int(-1),
            Value::Bool(false),
            Value::None,
        ])));
    }
    Ok(Selected::Wait(Box::pin(wait(cases))))
}

fn closed_receive(i: usize, kind: i64) -> Result<Value, RuntimeError> {
    if kind == RECV_OK {
        Ok(outcome(i, false, Value::None))
    } else {
        Err(closed_error("receive from a closed channel"))
    }
}

enum Ready {
    Received(Result<Option<Value>, RuntimeError>),
    Reserved(Result<tokio::sync::mpsc::OwnedPermit<Message>, RuntimeError>),
}

type CaseFuture = Pin<Box<dyn Future<Output = Ready> + Send>>;

async fn wait(cases: Vec<Case>) -> Result<Value, RuntimeError> {
    let futures: Vec<CaseFuture> = cases
        .iter()
        .map(|case| {
            let chan = case.chan.clone();
            if case.kind == SEND {
                // This select's own receives on the channel wait too.
                let own = cases
                    .iter()
                    .filter(|c| c.kind != SEND && Arc::ptr_eq(&c.chan, &case.chan))
                    .count();
                Box::pin(async move { Ready::Reserved(chan.reserve(own).await) }) as CaseFuture
            } else {
                Box::pin(async move { Ready::Received(chan.collect().await) }) as CaseFuture
            }
        })
        .collect();
    let (i, ready) = FirstOf { futures }.await;
    let case = &cases[i];
    match ready {
        Ready::Received(Ok(Some(v))) => Ok(outcome(i, true, v)),
        Ready::Received(Ok(None)) => closed_receive(i, case.kind),
        Ready::Received(Err(e)) | Ready::Reserved(Err(e)) => Err(e),
        Ready::Reserved(Ok(permit)) => {
            case.chan
                .send_reserved(permit, case.value.clone().unwrap_or(Value::None))
                .await?;
            Ok(outcome(i, true, Value::None))
        }
    }
}

/// Completes with the first future to complete (and its index), polling
/// from a random starting point each time; the others are dropped.
struct FirstOf {
    futures: Vec<CaseFuture>,
}

impl Future for FirstOf {
    type Output = (usize, Ready);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let n = self.futures.len();
        let start = random_below(n);
        for offset in 0..n {
            let i = (start + offset) % n;
            if let Poll::Ready(ready) = self.futures[i].as_mut().poll(cx) {
                return Poll::Ready((i, ready));
            }
        }
        Poll::Pending
    }
}
