//! `pyro explain CODE`: what an error code means, with an example.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The code, e.g. E0308 (or without the E: 0308).
    code: String,
}

pub fn main(args: Args) -> ExitCode {
    let mut code = args.code.trim().to_ascii_uppercase();
    if !code.starts_with('E') {
        code.insert(0, 'E');
    }
    match pyro_check::explain(&code) {
        Some((title, text)) => {
            println!("{code}: {title}\n\n{text}");
            ExitCode::SUCCESS
        }
        None => {
            let known: Vec<&str> = pyro_check::ALL_CODES.iter().map(|c| c.as_str()).collect();
            eprintln!(
                "error: no explanation for `{code}`\n  help: type-checker codes are {}",
                known.join(", ")
            );
            ExitCode::FAILURE
        }
    }
}
