//! `pyro explain CODE`: what an error code means, with an example.

use std::process::ExitCode;

use crate::report;

#[derive(clap::Args)]
pub struct Args {
    /// The code, e.g. E0308 (or without the E: 0308), or a warning's, e.g. W0300.
    code: String,
}

pub fn main(args: Args) -> ExitCode {
    let mut code = args.code.trim().to_ascii_uppercase();
    // `0308` means `E0308`; warnings have their own letter (`W0300`).
    if code.starts_with(|c: char| c.is_ascii_digit()) {
        code.insert(0, 'E');
    }
    match pyro_check::explain(&code) {
        Some((title, text)) => {
            report::print(&format!("{code}: {title}\n\n{text}\n"));
            ExitCode::SUCCESS
        }
        None => {
            let known: Vec<&str> = pyro_check::ALL_CODES.iter().map(|c| c.as_str()).collect();
            report::eprint(&format!(
                "error: no explanation for `{}`\n  help: type-checker codes are {}\n",
                pyro_source::clip::shorten(&code, 40),
                known.join(", ")
            ));
            ExitCode::FAILURE
        }
    }
}
