//! `pyro ast FILE`: print the syntax tree as S-expressions.

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
    report::print(&pyro_parser::dump::module(&parsed.module, &|span| {
        file.line_col(span.lo).line
    }));
    if parsed.is_ok() {
        return ExitCode::SUCCESS;
    }
    report::emit(parsed.errors.into_iter().map(boxed), &map);
    ExitCode::FAILURE
}
