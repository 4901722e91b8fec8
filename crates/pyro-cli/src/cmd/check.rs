//! `pyro check FILE|DIR ...`: report every error in every file, exit 1 if any.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pyro_source::{SourceFile, SourceMap};

use crate::{input, report};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette's report: the source line with the span underlined.
    Graphical,
    /// One line per error: `path:line:col: error[E0308]: message`.
    Short,
    /// A JSON array of diagnostics.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Graphical)]
    format: Format,
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
    let mut warning_count = 0;
    let mut failed_files = 0;
    let mut json = Vec::new();
    for path in &files {
        let diagnostics = match check_path(&map, path) {
            Ok(d) => d,
            Err(e) => {
                report::eprint(&report::render_plain(e));
                error_count += 1;
                failed_files += 1;
                continue;
            }
        };
        if !diagnostics.is_empty() {
            failed_files += 1;
        }
        let warnings = diagnostics
            .iter()
            .filter(|d| report::is_warning(&***d))
            .count();
        warning_count += warnings;
        error_count += diagnostics.len() - warnings;
        match args.format {
            Format::Graphical => {
                report::emit(diagnostics, &map);
            }
            // One line each, with the same cap as the graphical report.
            Format::Short => {
                let mut text = String::new();
                for diagnostic in diagnostics.iter().take(report::MAX_SHOWN) {
                    text.push_str(&report::short(&**diagnostic, &map));
                    text.push('\n');
                }
                report::print(&text);
                if diagnostics.len() > report::MAX_SHOWN {
                    report::eprint(&report::not_shown(diagnostics.len() - report::MAX_SHOWN));
                }
            }
            // A program reading JSON gets every diagnostic.
            Format::Json => json.extend(diagnostics.iter().map(|d| report::json(&**d, &map))),
        }
    }
    if args.format == Format::Json {
        let text = serde_json::to_string_pretty(&serde_json::Value::Array(json))
            .unwrap_or_else(|_| "[]".into());
        report::print(&format!("{text}\n"));
    }
    if args.format == Format::Graphical && error_count + warning_count > 0 {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let found = match (error_count, warning_count) {
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        };
        report::eprint(&format!(
            "found {found} in {}\n",
            plural(failed_files, "file")
        ));
    }
    // Warnings do not change the exit status (LANGUAGE.md §10, §11).
    if error_count == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Loads and checks one file.
pub fn check_path(
    map: &SourceMap,
    path: &Path,
) -> Result<Vec<pyro_check::Report>, input::InputError> {
    let file = input::load(map, path)?;
    Ok(check_loaded(&file, path))
}

/// Checks a file loaded from `path`; its imports resolve next to it (a
/// program on standard input imports from the current directory).
pub fn check_loaded(file: &SourceFile, path: &Path) -> Vec<pyro_check::Report> {
    let dir = path.parent().map(|d| {
        if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        }
    });
    pyro_check::check_file(file, dir)
}
