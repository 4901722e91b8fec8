//! The `pyro` command line: one subcommand per file in `cmd/`, rendering
//! only. Everything it does goes through the same public APIs an embedder
//! uses (parser, checker, VM); diagnostics are rendered with miette in
//! `report`.

mod cmd;
mod input;
mod report;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Pyro: a Python-like language with Go-style concurrency.
#[derive(Parser)]
#[command(name = "pyro", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a Pyro program.
    Run(cmd::run::Args),
    /// Check files (or directories, recursively) for errors without running them.
    Check(cmd::check::Args),
    /// Explain an error code (e.g. `pyro explain E0308`).
    Explain(cmd::explain::Args),
    /// Print the syntax tree of a file (a debugging aid).
    Ast(cmd::ast::Args),
    /// Print the tokens of a file (a debugging aid).
    Tokens(cmd::tokens::Args),
    /// Print the bytecode of a file.
    Dis(cmd::dis::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cmd::run::main(args),
        Command::Check(args) => cmd::check::main(args),
        Command::Explain(args) => cmd::explain::main(args),
        Command::Ast(args) => cmd::ast::main(args),
        Command::Tokens(args) => cmd::tokens::main(args),
        Command::Dis(args) => cmd::dis::main(args),
    }
}
