//! `pyro check FILE|DIR ...`: report every error in every file, exit 1 if any.

use std::path::PathBuf;
use std::process::ExitCode;

use pyro_source::SourceMap;

use crate::{input, report};

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories (searched recursively for `.pyro` files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

pub fn main(args: Args) -> ExitCode {
    let files = match input::expand(&args.paths) {
        Ok(files) => files,
        Err(e) => {
            report::eprint(&report::render_plain(e));
            return ExitCode::FAILURE;
        }
    };
    let map = SourceMap::new();
    let mut error_count = 0;
    let mut failed_files = 0;
    for path in &files {
        let file = match input::load(&map, path) {
            Ok(file) => file,
            Err(e) => {
                report::eprint(&report::render_plain(e));
                error_count += 1;
                failed_files += 1;
                continue;
            }
        };
        let diagnostics = pyro_check::check_file(&file);
        if !diagnostics.is_empty() {
            failed_files += 1;
        }
        for diagnostic in diagnostics {
            error_count += 1;
            report::eprint(&report::render(diagnostic, &map));
        }
    }
    if error_count == 0 {
        return ExitCode::SUCCESS;
    }
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    report::eprint(&format!(
        "found {} in {}\n",
        plural(error_count, "error"),
        plural(failed_files, "file")
    ));
    ExitCode::FAILURE
}
