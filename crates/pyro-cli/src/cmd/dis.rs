//! `pyro dis FILE`: print a file's bytecode.

use std::path::PathBuf;
use std::process::ExitCode;

use pyro_source::SourceMap;

use crate::report::boxed;
use crate::{input, report};

#[derive(clap::Args)]
pub struct Args {
    file: PathBuf,
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
        report::emit(parsed.errors.into_iter().map(boxed), &map);
        return ExitCode::FAILURE;
    }
    match pyro_compiler::compile_module(&parsed.module, "<module>") {
        Ok(code) => {
            report::print(&pyro_compiler::disassemble(&code, &|span| {
                file.line_col(span.lo).line
            }));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            report::emit(errors.into_iter().map(boxed), &map);
            ExitCode::FAILURE
        }
    }
}
