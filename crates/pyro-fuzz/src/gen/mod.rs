//! The program generator: a tree of its own ([`ast`]), built at random
//! ([`build`] for sequential code, [`scenario`] for whole hostile and
//! concurrent programs) and printed by one emitter ([`emit`]) in two
//! dialects ([`pyro`], [`python`]).

pub mod ast;
pub mod build;
pub mod emit;
pub mod pyro;
pub mod python;
pub mod scenario;
