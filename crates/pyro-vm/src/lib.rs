//! The Pyro virtual machine: values, fibers, the interpreter, tasks,
//! channels and the embedding API.
//!
//! Last stage of the flow (… → compiler → code objects → VM). Each Pyro task
//! is a fiber run by a synchronous dispatch loop that returns to a small async
//! driver whenever it must wait, so no worker thread is ever blocked; values
//! are `Send + Sync` so they cross `go` tasks freely.
//!
//! Built in issues #3 (sequential language) and #4 (concurrency); this crate
//! holds its place in the workspace and the dependency graph until then.
