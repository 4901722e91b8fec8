//! The Pyro bytecode compiler: AST to code objects.
//!
//! Sits between the parser and the VM (source → lexer → parser → AST →
//! compiler → code objects → VM). It resolves every name at compile time
//! (locals to slots, captured variables to cells, module globals to indices,
//! builtins to ids), reports scope errors with spans, and writes a
//! run-length `(pc, span)` table beside each code object for tracebacks.
//!
//! The instruction set and the compiler are built in issue #3; this crate
//! holds its place in the workspace and the dependency graph until then.
