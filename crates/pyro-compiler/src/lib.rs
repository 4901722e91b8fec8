//! The Pyro bytecode compiler: AST to code objects.
//!
//! Sits between the parser and the VM (source → lexer → parser → AST →
//! compiler → code objects → VM). It resolves every name at compile time
//! (locals to slots, captured variables to cells, module globals to indices,
//! builtins to catalogue ids), reports scope errors with spans
//! ([`CompileError`]), and writes a run-length `(pc, span)` table beside each
//! code object for tracebacks.
//!
//! The instruction set is [`Op`] (see `op.rs` for every instruction and its
//! operands); `disassemble` prints a code object for `pyro dis`.
//!
//! ```
//! use pyro_source::SourceMap;
//! let map = SourceMap::new();
//! let file = map.add("demo.pyro", "let x = 1\nprint(x + 1)\n");
//! let module = pyro_parser::parse_file(&file).module;
//! let code = pyro_compiler::compile_module(&module, "demo").unwrap();
//! // `x`, and `__name__`, which every module has.
//! assert_eq!(code.global_names.len(), 2);
//! ```

mod code;
mod compile;
mod disasm;
mod error;
mod expr;
mod op;
mod stmt;
mod types;

pub use code::{Code, CodeKind, Const, Param, ParamKind};
pub use compile::{
    compile_module, compile_module_with, instruction_budget, CompileOptions, MODULE_NAME,
};
pub use disasm::disassemble;
pub use error::CompileError;
pub use op::{Op, GO_DETACHED, GO_KW_DETACHED, OP_NAMES};
