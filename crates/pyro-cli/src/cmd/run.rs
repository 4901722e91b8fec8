//! `pyro run FILE [ARGS...]`: run a program.

use std::path::PathBuf;
use std::process::ExitCode;

use pyro_source::SourceMap;

use crate::{input, report};

#[derive(clap::Args)]
pub struct Args {
    /// The program to run.
    file: PathBuf,
    /// Arguments passed to the program (`std.env.args()`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

pub fn main(args: Args) -> ExitCode {
    let map = SourceMap::new();
    let file = match input::load(&map, &args.file) {
        Ok(file) => file,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::FAILURE;
        }
    };
    let parsed = pyro_parser::parse_file(&file);
    if !parsed.is_ok() {
        for error in parsed.errors {
            report::eprint(&report::render(error, &map));
        }
        return ExitCode::FAILURE;
    }
    report::eprint(&format!(
        "pyro run: `{}` parsed cleanly, but execution is not built yet (the bytecode VM is issue #3)\n",
        file.name()
    ));
    ExitCode::from(2)
}
