//! Channels (LANGUAGE.md §7) on tokio's mpsc.
//!
//! - Many senders share one `mpsc::Sender`; the single `Receiver` sits
//!   behind an async mutex so that many tasks may `collect` from one channel,
//!   each value going to exactly one of them (FIFO per sender).
//! - `close()` sets a flag and wakes everyone parked on the channel: senders
//!   then fail with `ChannelClosed`; receivers drain what was sent before the
//!   close, then fail with `ChannelClosed` too. A send commits its value and
//!   a close sets the flag under one read-write gate (sends share it, close
//!   takes it alone), so every send either lands before the close — and is
//!   drained — or fails: a send that returns is never left behind in a
//!   channel its receivers have seen closed and empty.
//! - Unbuffered channels (capacity 0) use a capacity-1 mpsc plus a per-message
//!   acknowledgement: the sender stays suspended until a receiver has taken
//!   the value (a rendezvous). Parked receivers are counted so that
//!   `try_push` succeeds, and a waiting `select` send case becomes ready,
//!   only when one is waiting.
//! - Typed channels check each pushed value against their element type,
//!   resolved once when the channel is made (see [`crate::rtype`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;
use pyro_builtins::Builtin;
use tokio::sync::{mpsc, oneshot, Mutex as AsyncMutex, Notify};

use crate::builtins::{arity, ready, suspend};
use crate::call::{Args, NativeResult};
use crate::error::RuntimeError;
use crate::rtype::TypeValue;
use crate::value::Value;

/// Which operations a channel value allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

pub struct Message {
    value: Value,
    /// For unbuffered channels: tells the sender its value was taken.
    ack: Option<oneshot::Sender<()>>,
}

pub struct Channel {
    capacity: usize,
    /// The element type (as written, `int`, `list<string>`, and resolved
    /// when the channel was made), or None for `any`.
    elem: Option<Arc<TypeValue>>,
    tx: mpsc::Sender<Message>,
    rx: AsyncMutex<mpsc::Receiver<Message>>,
    closed: AtomicBool,
    closed_signal: Notify,
    /// Held shared while a send commits its value, alone while closing.
    gate: RwLock<()>,
    /// Values sent and not yet received.
    queued: AtomicUsize,
    /// Receivers currently waiting (for `try_push` on unbuffered channels).
    waiting_receivers: AtomicUsize,
    /// Unbuffered: signalled when a receiver starts waiting (or on close),
    /// for `select` send cases waiting for one.
    receiver_arrived: Notify,
    /// An `after` channel's timer: dropped with the channel, which stops it.
    _stop_timer: Option<oneshot::Sender<()>>,
}

/// How [`Channel::start_push`] went.
pub enum Push {
    /// The value is in the buffer.
    Done,
    /// Unbuffered: the value is offered; the sender waits for its taker.
    Sent(oneshot::Receiver<()>),
    /// No room: the sender must wait (the value comes back).
    Full(Value),
}

/// How [`Channel::start_collect`] went.
pub enum Collected {
    Value(Value),
    /// Closed and drained.
    Closed,
    /// Nothing yet: the receiver must wait.
    Wait,
}

pub fn closed_error(what: &str) -> RuntimeError {
    RuntimeError::new(Builtin::ChannelClosed, what)
}

/// The largest buffer a channel can have: the most permits the semaphore
/// behind tokio's bounded channel can count (2**61 - 1 on 64-bit targets).
/// Nothing is allocated up front, so any capacity up to it is fine.
pub const MAX_CAPACITY: usize = tokio::sync::Semaphore::MAX_PERMITS;

/// Values still buffered are freed through [`crate::free::release`] (a
/// chain of channels each holding the next is freed without recursion).
impl Drop for Channel {
    fn drop(&mut self) {
        let rx = self.rx.get_mut();
        let mut values = Vec::new();
        while let Ok(message) = rx.try_recv() {
            values.push(message.value);
        }
        crate::free::release(values);
    }
}

impl Channel {
    pub fn new(capacity: usize, elem: Option<Arc<TypeValue>>) -> Channel {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        Channel {
            capacity,
            elem: elem.filter(|t| !t.resolved_any()),
            tx,
            rx: AsyncMutex::new(rx),
            closed: AtomicBool::new(false),
            closed_signal: Notify::new(),
            gate: RwLock::new(()),
            queued: AtomicUsize::new(0),
            waiting_receivers: AtomicUsize::new(0),
            receiver_arrived: Notify::new(),
            _stop_timer: None,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn elem_type(&self) -> Option<&str> {
        self.elem.as_deref().map(|t| &*t.text)
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    pub fn len(&self) -> usize {
        if self.capacity == 0 {
            0
        } else {
            self.queued.load(Ordering::Acquire).min(self.capacity)
        }
    }

    pub fn close(&self) -> Result<(), RuntimeError> {
        // No send is between its check of the flag and its commit now.
        let gate = self.gate.write();
        if self.closed.swap(true, Ordering::AcqRel) {
            return Err(closed_error("close of a closed channel"));
        }
        drop(gate);
        self.closed_signal.notify_waiters();
        self.receiver_arrived.notify_waiters();
        Ok(())
    }

    /// Commits a value through a reserved slot, unless the channel is
    /// closed (then the slot is released unused). For an unbuffered
    /// channel, also returns the receiver of the value's acknowledgement.
    fn commit(
        &self,
        value: Value,
        send: impl FnOnce(Message),
    ) -> Result<Option<oneshot::Receiver<()>>, RuntimeError> {
        let _gate = self.gate.read();
        if self.is_closed() {
            return Err(closed_error("send on a closed channel"));
        }
        let (message, taken) = self.message(value);
        send(message);
        Ok(taken)
    }

    async fn wait_closed(&self) {
        loop {
            let signal = self.closed_signal.notified();
            if self.is_closed() {
                return;
            }
            signal.await;
        }
    }

    /// A pushed value must fit the element type (see [`crate::rtype`] for
    /// what a run-time check can see).
    #[inline]
    fn check_type(&self, value: &Value) -> Result<(), RuntimeError> {
        match &self.elem {
            Some(t) if !t.accepts(value) => Err(RuntimeError::type_error(format!(
                "cannot push {} into chan<{}>",
                value.type_name(),
                t.text
            ))),
            _ => Ok(()),
        }
    }

    /// Sends a value, suspending while the buffer is full (or, unbuffered,
    /// until a receiver takes it).
    pub async fn push(&self, value: Value) -> Result<(), RuntimeError> {
        self.check_type(&value)?;
        if self.is_closed() {
            return Err(closed_error("send on a closed channel"));
        }
        let permit = tokio::select! {
            permit = self.tx.reserve() => permit.map_err(|_| closed_error("send on a closed channel"))?,
            _ = self.wait_closed() => return Err(closed_error("send on a closed channel")),
        };
        if let Some(taken) = self.commit(value, |m| permit.send(m))? {
            self.taken(taken).await;
        }
        Ok(())
    }

    /// Wraps a value for sending, counted as queued; for an unbuffered
    /// channel also the receiver of its acknowledgement (the rendezvous).
    fn message(&self, value: Value) -> (Message, Option<oneshot::Receiver<()>>) {
        let (ack, taken) = if self.capacity == 0 {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        self.queued.fetch_add(1, Ordering::AcqRel);
        (Message { value, ack }, taken)
    }

    /// Starts a send without suspending: the common case (room in the
    /// buffer, or an unbuffered channel's single slot free) completes here,
    /// with no future to allocate; an unbuffered send is then waiting only
    /// for its taker.
    pub fn start_push(&self, value: Value) -> Result<Push, RuntimeError> {
        self.check_type(&value)?;
        if self.is_closed() {
            return Err(closed_error("send on a closed channel"));
        }
        match self.tx.try_reserve() {
            Ok(permit) => Ok(match self.commit(value, |m| permit.send(m))? {
                Some(taken) => Push::Sent(taken),
                None => Push::Done,
            }),
            Err(mpsc::error::TrySendError::Full(())) => Ok(Push::Full(value)),
            Err(mpsc::error::TrySendError::Closed(())) => {
                Err(closed_error("send on a closed channel"))
            }
        }
    }

    /// Waits until an unbuffered send's value is taken (or the channel
    /// closes).
    pub async fn taken(&self, taken: oneshot::Receiver<()>) {
        tokio::select! {
            biased;
            _ = taken => {}
            _ = self.wait_closed() => {}
        }
    }

    /// Starts a receive without suspending: a value already queued (or the
    /// end of a closed, drained channel) is returned here.
    pub fn start_collect(&self) -> Collected {
        let Ok(mut rx) = self.rx.try_lock() else {
            return Collected::Wait;
        };
        match rx.try_recv() {
            Ok(message) => Collected::Value(self.took(message)),
            Err(mpsc::error::TryRecvError::Disconnected) => Collected::Closed,
            Err(mpsc::error::TryRecvError::Empty) if self.is_closed() => match rx.try_recv() {
                Ok(message) => Collected::Value(self.took(message)),
                Err(_) => Collected::Closed,
            },
            Err(mpsc::error::TryRecvError::Empty) => Collected::Wait,
        }
    }

    /// Sends without waiting; false when the channel has no room (or,
    /// unbuffered, when no receiver is waiting).
    pub fn try_push(&self, value: Value) -> Result<bool, RuntimeError> {
        if self.is_closed() {
            return Err(closed_error("send on a closed channel"));
        }
        self.check_type(&value)?;
        if self.is_closed() {
            return Err(closed_error("send on a closed channel"));
        }
        if self.capacity == 0 && self.waiting_receivers.load(Ordering::Acquire) == 0 {
            return Ok(false);
        }
        match self.tx.try_reserve() {
            Ok(permit) => {
                // A receiver is waiting (or there is room): no rendezvous.
                let _gate = self.gate.read();
                if self.is_closed() {
                    return Err(closed_error("send on a closed channel"));
                }
                self.queued.fetch_add(1, Ordering::AcqRel);
                permit.send(Message { value, ack: None });
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }

    fn took(&self, message: Message) -> Value {
        self.queued.fetch_sub(1, Ordering::AcqRel);
        if let Some(ack) = message.ack {
            let _ = ack.send(());
        }
        message.value
    }

    /// Receives a value, suspending while the channel is empty. `Ok(None)`
    /// when it is closed and drained.
    pub async fn collect(&self) -> Result<Option<Value>, RuntimeError> {
        // Counted while parked; the guard also uncounts a receive that
        // `select` abandons mid-wait.
        struct Waiting<'a>(&'a AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        self.waiting_receivers.fetch_add(1, Ordering::AcqRel);
        let _waiting = Waiting(&self.waiting_receivers);
        if self.capacity == 0 {
            self.receiver_arrived.notify_waiters();
        }
        self.collect_inner().await
    }

    /// Reserves room for one send without sending (a `select` send case
    /// commits its value only if it is the case chosen). On an unbuffered
    /// channel the room is only held while a receiver is waiting, so such a
    /// send case is ready when a receiver is — as in Go — rather than
    /// whenever the single slot is free (then it would win over every other
    /// case, a timeout included, and wait for a receiver that may never come).
    /// `own` receivers are the waiting select's own receive cases on this
    /// channel, which cannot take its value (a select never meets itself).
    pub async fn reserve(&self, own: usize) -> Result<mpsc::OwnedPermit<Message>, RuntimeError> {
        loop {
            if self.is_closed() {
                return Err(closed_error("send on a closed channel"));
            }
            if self.capacity == 0 {
                self.receiver_waiting(own).await;
            }
            let permit = tokio::select! {
                permit = self.tx.clone().reserve_owned() => permit.map_err(|_| closed_error("send on a closed channel"))?,
                _ = self.wait_closed() => return Err(closed_error("send on a closed channel")),
            };
            if self.capacity != 0 || self.waiting_receivers.load(Ordering::Acquire) > own {
                return Ok(permit);
            }
            // The receiver left meanwhile: free the slot and wait again.
        }
    }

    /// Waits until a receiver other than `own` ones is waiting on this
    /// (unbuffered) channel, or it is closed.
    async fn receiver_waiting(&self, own: usize) {
        loop {
            let arrived = self.receiver_arrived.notified();
            if self.waiting_receivers.load(Ordering::Acquire) > own || self.is_closed() {
                return;
            }
            arrived.await;
        }
    }

    /// Sends through a reserved slot (and, unbuffered, waits for the taker).
    pub async fn send_reserved(
        &self,
        permit: mpsc::OwnedPermit<Message>,
        value: Value,
    ) -> Result<(), RuntimeError> {
        self.check_type(&value)?;
        if let Some(taken) = self.commit(value, |m| {
            permit.send(m);
        })? {
            self.taken(taken).await;
        }
        Ok(())
    }

    async fn collect_inner(&self) -> Result<Option<Value>, RuntimeError> {
        let mut rx = tokio::select! {
            rx = self.rx.lock() => rx,
            _ = self.wait_closed() => match self.rx.try_lock() {
                Ok(rx) => rx,
                Err(_) => self.rx.lock().await,
            },
        };
        // The flag first: a send committed before the close is queued by now.
        let closed = self.is_closed();
        if let Ok(message) = rx.try_recv() {
            return Ok(Some(self.took(message)));
        }
        if closed {
            return Ok(None);
        }
        tokio::select! {
            message = rx.recv() => Ok(message.map(|m| self.took(m))),
            _ = self.wait_closed() => Ok(rx.try_recv().ok().map(|m| self.took(m))),
        }
    }

    /// Receives without waiting: `Some(value)` or None.
    pub fn try_collect(&self) -> Option<Value> {
        let mut rx = self.rx.try_lock().ok()?;
        rx.try_recv().ok().map(|m| self.took(m))
    }
}

fn direction_error(dir: ChanDir) -> RuntimeError {
    RuntimeError::type_error(if dir == ChanDir::Send {
        "channel is send-only"
    } else {
        "channel is receive-only"
    })
}

/// `ch.push(value)`: done at once when the buffer has room (an unbuffered
/// send then waits only for its taker), else the wait to suspend on.
pub fn push_op(chan: &Arc<Channel>, value: Value) -> NativeResult {
    match chan.start_push(value)? {
        Push::Done => ready(Value::None),
        Push::Sent(taken) => {
            let chan = chan.clone();
            suspend(async move {
                chan.taken(taken).await;
                Ok(Value::None)
            })
        }
        Push::Full(value) => {
            let chan = chan.clone();
            suspend(async move { chan.push(value).await.map(|()| Value::None) })
        }
    }
}

/// `ch.collect()`: a queued value at once, else the wait to suspend on.
pub fn collect_op(chan: &Arc<Channel>) -> NativeResult {
    match chan.start_collect() {
        Collected::Value(v) => ready(v),
        Collected::Closed => Err(closed_error("receive from a closed channel")),
        Collected::Wait => {
            let chan = chan.clone();
            suspend(async move {
                chan.collect()
                    .await?
                    .ok_or_else(|| closed_error("receive from a closed channel"))
            })
        }
    }
}

/// Methods of channels and their views.
pub fn method(chan: &Arc<Channel>, dir: ChanDir, name: &str, mut args: Args) -> NativeResult {
    let view = match dir {
        ChanDir::Both => pyro_builtins::Receiver::Chan,
        ChanDir::Send => pyro_builtins::Receiver::Sender,
        ChanDir::Recv => pyro_builtins::Receiver::Receiver,
    };
    if !pyro_builtins::has_method(view, name) {
        return Err(direction_error(dir));
    }
    match name {
        "push" => {
            arity(name, &args, 1, 1)?;
            push_op(chan, args.pos.remove(0))
        }
        "collect" => {
            arity(name, &args, 0, 0)?;
            collect_op(chan)
        }
        "try_push" => {
            arity(name, &args, 1, 1)?;
            ready(Value::Bool(chan.try_push(args.pos.remove(0))?))
        }
        "try_collect" => {
            arity(name, &args, 0, 0)?;
            ready(match chan.try_collect() {
                Some(v) => Value::tuple(vec![v, Value::Bool(true)]),
                None => Value::tuple(vec![Value::None, Value::Bool(false)]),
            })
        }
        "close" => {
            arity(name, &args, 0, 0)?;
            chan.close()?;
            ready(Value::None)
        }
        "len" => ready(Value::Int(chan.len() as i64)),
        "cap" => ready(Value::Int(chan.capacity() as i64)),
        "is_closed" => ready(Value::Bool(chan.is_closed())),
        "sender" => ready(Value::Chan(chan.clone(), ChanDir::Send)),
        "receiver" => ready(Value::Chan(chan.clone(), ChanDir::Recv)),
        _ => Err(RuntimeError::attribute(format!(
            "channel has no attribute '{name}'"
        ))),
    }
}

/// `after(seconds)`: a receive-only channel that delivers one value (the
/// seconds asked for) after `delay`. The timer holds the channel weakly and
/// stops when the last handle on it is dropped (a `select` that another case
/// won, a `timeout` that finished), so a long timer nobody can receive from
/// neither lingers nor keeps deadlock detection waiting for it.
pub fn after(rt: &crate::runtime::Rt, seconds: f64, delay: crate::delay::Delay) -> Value {
    let (stop, stopped) = oneshot::channel::<()>();
    let mut chan = Channel::new(1, None);
    chan._stop_timer = Some(stop);
    let chan = Arc::new(chan);
    let sender = Arc::downgrade(&chan);
    let rt = rt.clone();
    tokio::spawn(async move {
        let _timer = rt.watch.pending();
        tokio::select! {
            () = delay.sleep() => {
                if let Some(chan) = sender.upgrade() {
                    let _ = chan.try_push(Value::Float(seconds));
                }
            }
            // The channel was dropped, and its end of `stop` with it.
            _ = stopped => {}
        }
    });
    Value::Chan(chan, ChanDir::Recv)
}
