//! The `pyro` command line: one subcommand per file in `cmd/`, rendering
//! only. Everything it does goes through the same public APIs an embedder
//! uses (parser, checker, VM); diagnostics are rendered with miette in
//! `report`.

mod cmd;
mod input;
mod report;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Pyro: a Python-like language with Go-style concurrency.
#[derive(Parser)]
#[command(
    name = "pyro",
    version,
    about,
    propagate_version = true,
    after_help = "`pyro FILE.pyro [ARGS]...` runs a file, as `pyro run FILE.pyro [ARGS]...` does."
)]
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
    let cli = Cli::parse_from(implicit_run(std::env::args_os().collect()));
    match cli.command {
        Command::Run(args) => cmd::run::main(args),
        Command::Check(args) => cmd::check::main(args),
        Command::Explain(args) => cmd::explain::main(args),
        Command::Ast(args) => cmd::ast::main(args),
        Command::Tokens(args) => cmd::tokens::main(args),
        Command::Dis(args) => cmd::dis::main(args),
    }
}

/// `pyro FILE.pyro [ARGS...]` is `pyro run FILE.pyro [ARGS...]`, as
/// `python FILE` and `deno FILE` run a file: a first argument that is not a
/// subcommand (nor an option) and ends in `.pyro` or names an existing file
/// gets `run` put before it.
fn implicit_run(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1) else {
        return args;
    };
    let command = Cli::command();
    let subcommand = command
        .get_subcommands()
        .any(|c| c.get_name() == first || c.get_all_aliases().any(|a| a == first))
        || first == "help";
    let text = first.to_string_lossy();
    let file = text.ends_with(".pyro") || Path::new(first).is_file();
    if !subcommand && !text.starts_with('-') && file {
        args.insert(1, OsString::from("run"));
    }
    args
}
