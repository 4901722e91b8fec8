//! `std.sync` (LANGUAGE.md §7): locks and coordination primitives for tasks.
//!
//! All are built on Tokio's async primitives, so waiting on one suspends the
//! task and never blocks a worker thread. Locks are not tied to the task
//! that took them (as in Go): `unlock()` of a lock that is not held is an
//! error, and `with m:` pairs them for you.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use pyro_builtins::Builtin;
use tokio::sync::{Mutex as AsyncMutex, Notify, Semaphore};

use crate::builtins::{arity, int_arg, ready, suspend};
use crate::call::{Args, NativeResult};
use crate::error::RuntimeError;
use crate::runtime::Rt;
use crate::value::Value;

/// Permits that stand for "everyone" in a readers-writer lock.
const RW_ALL: u32 = 1 << 20;

pub enum SyncObject {
    Mutex {
        permits: Arc<Semaphore>,
        locked: AtomicBool,
    },
    RwLock {
        permits: Arc<Semaphore>,
        readers: AtomicI64,
        writer: AtomicBool,
    },
    /// What `rw.read()` and `rw.write()` return: entering it takes the
    /// lock (shared or exclusive), leaving it releases the lock.
    RwLockGuard {
        lock: Arc<SyncObject>,
        write: bool,
    },
    WaitGroup {
        count: AtomicI64,
        zero: Notify,
    },
    Semaphore {
        permits: Arc<Semaphore>,
        held: AtomicI64,
        limit: i64,
    },
    Event {
        set: AtomicBool,
        signal: Notify,
    },
    Barrier {
        parties: usize,
        inner: Arc<tokio::sync::Barrier>,
    },
    Atomic {
        value: AsyncMutex<Value>,
    },
}

impl SyncObject {
    pub fn type_name(&self) -> &'static str {
        match self {
            SyncObject::Mutex { .. } => "Mutex",
            SyncObject::RwLock { .. } => "RwLock",
            SyncObject::RwLockGuard { .. } => "RwLockGuard",
            SyncObject::WaitGroup { .. } => "WaitGroup",
            SyncObject::Semaphore { .. } => "Semaphore",
            SyncObject::Event { .. } => "Event",
            SyncObject::Barrier { .. } => "Barrier",
            SyncObject::Atomic { .. } => "Atomic",
        }
    }

    /// Its entry in the method catalogue.
    pub fn receiver(&self) -> pyro_builtins::Receiver {
        use pyro_builtins::Receiver as R;
        match self {
            SyncObject::Mutex { .. } => R::Mutex,
            SyncObject::RwLock { .. } => R::RwLock,
            SyncObject::RwLockGuard { .. } => R::RwLockGuard,
            SyncObject::WaitGroup { .. } => R::WaitGroup,
            SyncObject::Semaphore { .. } => R::Semaphore,
            SyncObject::Event { .. } => R::Event,
            SyncObject::Barrier { .. } => R::Barrier,
            SyncObject::Atomic { .. } => R::Atomic,
        }
    }
}

/// Constructs a `std.sync` object.
pub fn construct(b: Builtin, args: &Args) -> Result<Value, RuntimeError> {
    let name = b.name();
    let object = match b {
        Builtin::SyncMutex => {
            arity(name, args, 0, 0)?;
            SyncObject::Mutex {
                permits: Arc::new(Semaphore::new(1)),
                locked: AtomicBool::new(false),
            }
        }
        Builtin::SyncRwLock => {
            arity(name, args, 0, 0)?;
            SyncObject::RwLock {
                permits: Arc::new(Semaphore::new(RW_ALL as usize)),
                readers: AtomicI64::new(0),
                writer: AtomicBool::new(false),
            }
        }
        Builtin::SyncWaitGroup => {
            arity(name, args, 0, 0)?;
            SyncObject::WaitGroup {
                count: AtomicI64::new(0),
                zero: Notify::new(),
            }
        }
        Builtin::SyncSemaphore => {
            arity(name, args, 1, 1)?;
            let n = int_arg(name, &args.pos[0])?;
            if !(1..=1 << 24).contains(&n) {
                return Err(RuntimeError::value_error(format!(
                    "Semaphore() needs from 1 to {} permits (got {n})",
                    1 << 24
                )));
            }
            SyncObject::Semaphore {
                permits: Arc::new(Semaphore::new(n as usize)),
                held: AtomicI64::new(0),
                limit: n,
            }
        }
        Builtin::SyncEvent => {
            arity(name, args, 0, 0)?;
            SyncObject::Event {
                set: AtomicBool::new(false),
                signal: Notify::new(),
            }
        }
        Builtin::SyncBarrier => {
            arity(name, args, 1, 1)?;
            let n = int_arg(name, &args.pos[0])?;
            if !(1..=1 << 24).contains(&n) {
                return Err(RuntimeError::value_error(format!(
                    "Barrier() needs from 1 to {} parties (got {n})",
                    1 << 24
                )));
            }
            SyncObject::Barrier {
                parties: n as usize,
                inner: Arc::new(tokio::sync::Barrier::new(n as usize)),
            }
        }
        _ => {
            arity(name, args, 1, 1)?;
            SyncObject::Atomic {
                value: AsyncMutex::new(args.pos[0].clone()),
            }
        }
    };
    Ok(Value::Sync(Arc::new(object)))
}

fn not_held(what: &str) -> RuntimeError {
    RuntimeError::value_error(format!("{what} of a lock that is not held"))
}

fn acquire(
    permits: &Arc<Semaphore>,
    n: u32,
) -> impl std::future::Future<Output = Result<(), RuntimeError>> {
    let permits = permits.clone();
    async move {
        permits
            .acquire_many(n)
            .await
            .map(|p| p.forget())
            .map_err(|_| RuntimeError::value_error("the lock was closed"))
    }
}

/// Calls a method of a sync object.
pub fn method(
    rt: &Rt,
    depth: usize,
    object: &Arc<SyncObject>,
    name: &str,
    mut args: Args,
) -> NativeResult {
    let this = object.clone();
    match (&**object, name) {
        (SyncObject::Mutex { permits, .. }, "lock" | "__enter__") => {
            let permits = permits.clone();
            suspend(async move {
                acquire(&permits, 1).await?;
                if let SyncObject::Mutex { locked, .. } = &*this {
                    locked.store(true, Ordering::Release);
                }
                Ok(Value::None)
            })
        }
        (SyncObject::Mutex { permits, locked }, "unlock" | "__exit__") => {
            if !locked.swap(false, Ordering::AcqRel) {
                return Err(not_held("unlock"));
            }
            permits.add_permits(1);
            ready(Value::Bool(false))
        }
        (SyncObject::Mutex { locked, .. }, "locked") => {
            ready(Value::Bool(locked.load(Ordering::Acquire)))
        }
        (SyncObject::RwLock { permits, .. }, "read_lock") => {
            let permits = permits.clone();
            suspend(async move {
                acquire(&permits, 1).await?;
                if let SyncObject::RwLock { readers, .. } = &*this {
                    readers.fetch_add(1, Ordering::AcqRel);
                }
                Ok(Value::None)
            })
        }
        (
            SyncObject::RwLock {
                permits, readers, ..
            },
            "read_unlock",
        ) => {
            if readers.fetch_sub(1, Ordering::AcqRel) <= 0 {
                readers.fetch_add(1, Ordering::AcqRel);
                return Err(not_held("read_unlock"));
            }
            permits.add_permits(1);
            ready(Value::None)
        }
        (SyncObject::RwLock { permits, .. }, "lock" | "__enter__") => {
            let permits = permits.clone();
            suspend(async move {
                acquire(&permits, RW_ALL).await?;
                if let SyncObject::RwLock { writer, .. } = &*this {
                    writer.store(true, Ordering::Release);
                }
                Ok(Value::None)
            })
        }
        (
            SyncObject::RwLock {
                permits, writer, ..
            },
            "unlock" | "__exit__",
        ) => {
            if !writer.swap(false, Ordering::AcqRel) {
                return Err(not_held("unlock"));
            }
            permits.add_permits(RW_ALL as usize);
            ready(Value::Bool(false))
        }
        (SyncObject::RwLock { .. }, "read" | "write") => {
            ready(Value::Sync(Arc::new(SyncObject::RwLockGuard {
                lock: this,
                write: name == "write",
            })))
        }
        (SyncObject::RwLockGuard { lock, write }, "__enter__" | "__exit__") => {
            let entering = name == "__enter__";
            let op = match (*write, entering) {
                (false, true) => "read_lock",
                (false, false) => "read_unlock",
                (true, true) => "lock",
                (true, false) => "unlock",
            };
            let done = method(rt, depth, lock, op, Args::default())?;
            if entering {
                return Ok(done);
            }
            // Leaving never swallows the error that ended the block.
            ready(Value::Bool(false))
        }
        (SyncObject::WaitGroup { count, zero }, "add" | "done") => {
            let delta = if name == "done" {
                arity(name, &args, 0, 0)?;
                -1
            } else {
                arity(name, &args, 1, 1)?;
                int_arg(name, &args.pos[0])?
            };
            // The counter changes only to a value that is a 64-bit int
            // and not negative; otherwise it stays as it was.
            let now = match count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| {
                c.checked_add(delta).filter(|n| *n >= 0)
            }) {
                Ok(before) => before + delta,
                Err(c) if c.checked_add(delta).is_none() => {
                    return Err(RuntimeError::overflow(
                        "WaitGroup counter would exceed 2**63 - 1",
                    ))
                }
                Err(_) => {
                    return Err(RuntimeError::value_error(
                        "WaitGroup counter went negative (more done() than add())",
                    ))
                }
            };
            if now == 0 {
                zero.notify_waiters();
            }
            ready(Value::None)
        }
        (SyncObject::WaitGroup { .. }, "wait") => suspend(async move {
            if let SyncObject::WaitGroup { count, zero } = &*this {
                loop {
                    let signal = zero.notified();
                    if count.load(Ordering::Acquire) == 0 {
                        break;
                    }
                    signal.await;
                }
            }
            Ok(Value::None)
        }),
        (SyncObject::Semaphore { permits, .. }, "acquire" | "__enter__") => {
            let permits = permits.clone();
            suspend(async move {
                acquire(&permits, 1).await?;
                if let SyncObject::Semaphore { held, .. } = &*this {
                    held.fetch_add(1, Ordering::AcqRel);
                }
                Ok(Value::None)
            })
        }
        (SyncObject::Semaphore { permits, held, .. }, "release" | "__exit__") => {
            if held.fetch_sub(1, Ordering::AcqRel) <= 0 {
                held.fetch_add(1, Ordering::AcqRel);
                return Err(RuntimeError::value_error(
                    "release() of a semaphore that is not held",
                ));
            }
            permits.add_permits(1);
            ready(Value::Bool(false))
        }
        (SyncObject::Event { set, signal }, "set") => {
            set.store(true, Ordering::Release);
            signal.notify_waiters();
            ready(Value::None)
        }
        (SyncObject::Event { set, .. }, "clear") => {
            set.store(false, Ordering::Release);
            ready(Value::None)
        }
        (SyncObject::Event { set, .. }, "is_set") => {
            ready(Value::Bool(set.load(Ordering::Acquire)))
        }
        (SyncObject::Event { .. }, "wait") => suspend(async move {
            if let SyncObject::Event { set, signal } = &*this {
                loop {
                    let notified = signal.notified();
                    if set.load(Ordering::Acquire) {
                        break;
                    }
                    notified.await;
                }
            }
            Ok(Value::Bool(true))
        }),
        (SyncObject::Barrier { inner, .. }, "wait") => {
            let inner = inner.clone();
            suspend(async move { Ok(Value::Bool(inner.wait().await.is_leader())) })
        }
        (SyncObject::Barrier { parties, .. }, "parties") => ready(Value::Int(*parties as i64)),
        (SyncObject::Atomic { .. }, _) => atomic(rt, depth, this, name, &mut args),
        (other, _) => Err(RuntimeError::attribute(format!(
            "'{}' object has no attribute '{name}'",
            other.type_name()
        ))),
    }
}

fn atomic(
    rt: &Rt,
    depth: usize,
    this: Arc<SyncObject>,
    name: &str,
    args: &mut Args,
) -> NativeResult {
    let SyncObject::Atomic { value } = &*this else {
        return ready(Value::None);
    };
    let expected = match name {
        "get" => 0,
        "set" | "add" | "swap" | "update" => 1,
        "compare_and_set" => 2,
        _ => {
            return Err(RuntimeError::attribute(format!(
                "'Atomic' object has no attribute '{name}'"
            )))
        }
    };
    arity(name, args, expected, expected)?;
    // The quick operations take the lock without waiting when they can.
    if name != "update" {
        if let Ok(mut guard) = value.try_lock() {
            let nest = crate::nest::Nest::new(rt, depth);
            return ready(atomic_op(
                &mut guard,
                name,
                std::mem::take(&mut args.pos),
                nest,
            )?);
        }
    }
    let (rt, name, args) = (rt.clone(), name.to_string(), std::mem::take(&mut args.pos));
    suspend(async move {
        let SyncObject::Atomic { value } = &*this else {
            return Ok(Value::None);
        };
        let mut guard = value.lock().await;
        if name == "update" {
            // The function runs while the value is locked: updates never interleave.
            let f = args.into_iter().next().unwrap_or(Value::None);
            let new = crate::fiber::call_value(rt, f, vec![guard.clone()], depth).await?;
            *guard = new.clone();
            return Ok(new);
        }
        atomic_op(&mut guard, &name, args, crate::nest::Nest::new(&rt, depth))
    })
}

fn atomic_op(
    current: &mut Value,
    name: &str,
    args: Vec<Value>,
    nest: crate::nest::Nest,
) -> Result<Value, RuntimeError> {
    let mut args = args.into_iter();
    Ok(match name {
        "get" => current.clone(),
        "set" => {
            *current = args.next().unwrap_or(Value::None);
            Value::None
        }
        "swap" => std::mem::replace(current, args.next().unwrap_or(Value::None)),
        "add" => {
            let delta = args.next().unwrap_or(Value::Int(0));
            let sum = match crate::ops::binary(pyro_compiler::Op::Add, current, &delta, nest) {
                Ok(v) => v,
                Err(crate::ops::Slow::Error(e)) => return Err(e),
                Err(crate::ops::Slow::Dunder(_)) => {
                    return Err(crate::ops::unsupported(
                        pyro_compiler::Op::Add,
                        current,
                        &delta,
                    ))
                }
            };
            *current = sum.clone();
            sum
        }
        "compare_and_set" => {
            let old = args.next().unwrap_or(Value::None);
            let new = args.next().unwrap_or(Value::None);
            if crate::ops::equal(current, &old, nest)? {
                *current = new;
                Value::Bool(true)
            } else {
                Value::Bool(false)
            }
        }
        _ => Value::None,
    })
}
