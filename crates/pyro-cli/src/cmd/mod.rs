pub mod ast;
pub mod check;
pub mod run;
pub mod tokens;
