pub mod ast;
pub mod check;
pub mod dis;
pub mod explain;
pub mod run;
pub mod tokens;
