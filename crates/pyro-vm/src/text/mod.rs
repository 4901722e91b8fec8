//! Python-compatible text algorithms as pure functions (no VM types):
//! float repr, the format-spec mini-language, and string methods.
//!
//! Everything here matches CPython 3.11 (whose Unicode database is version
//! 14.0) except where Pyro deliberately differs: booleans print as
//! `true`/`false` and string reprs prefer double quotes. All indices and
//! widths count characters (code points), never bytes, and every function is
//! total: errors are returned as `Err(message)`, nothing panics. A function
//! whose result's size a caller chooses (padding, repetition, a format width
//! or precision) allocates through `crate::alloc` and returns its
//! [`AllocError`](crate::AllocError) when that size cannot be had.

mod chars;
pub mod float;
pub mod methods;
mod parse;
pub mod spec;
mod tables;

pub use float::float_repr;
pub use methods::*;
pub use spec::{format_spec, FormatArg, FormatError};
