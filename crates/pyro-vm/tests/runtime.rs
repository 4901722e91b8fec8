//! A host's runtime that lacks what the VM needs gets an error, not a
//! panic: no Tokio runtime at all, or one built without its time driver.

use pyro_vm::{PyroError, Vm};

fn expect_io_error(result: Result<pyro_vm::Value, PyroError>, words: &str) {
    match result {
        Err(PyroError::Io(message)) => assert!(message.contains(words), "{message}"),
        other => panic!("expected an error naming {words:?}, got {other:?}"),
    }
}

#[test]
fn a_runtime_without_timers_is_an_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let vm = Vm::builder().stdout(std::io::sink()).build();
    expect_io_error(
        runtime.block_on(vm.run_source("main.pyro", "print(1)")),
        "time driver",
    );
    // The same VM runs on a runtime that has timers.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let two = runtime
        .block_on(vm.run_source("main.pyro", "1 + 1"))
        .unwrap();
    assert_eq!(i64::try_from(two).unwrap(), 2);
}

#[test]
fn no_runtime_is_an_error() {
    let vm = Vm::builder().stdout(std::io::sink()).build();
    // A minimal executor that is not Tokio's.
    let future = vm.run_source("main.pyro", "print(1)");
    let result = poll_once(future);
    expect_io_error(result, "Tokio runtime");
}

/// Polls a future that finishes without waiting (here: at its first check).
fn poll_once<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the run waited instead of failing"),
    }
}
