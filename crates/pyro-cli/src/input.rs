//! Loading source files for the subcommands, with a diagnostic (never a
//! panic) for unreadable or non-UTF-8 files. Every subcommand loads its
//! program here, so a missing file reads the same under `run` as under
//! `check`; the path `-` is standard input, named `<stdin>`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::Diagnostic;
use pyro_source::{SourceFile, SourceMap};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum InputError {
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(E0900), help("check the path; Pyro files usually end in `.pyro`"))]
    Unreadable { path: String, reason: String },

    #[error(
        "`{path}` is not valid UTF-8: invalid byte 0x{byte:02X} at line {line}, column {column}"
    )]
    #[diagnostic(code(E0901), help("save the file as UTF-8"))]
    NotUtf8 {
        path: String,
        byte: u8,
        line: usize,
        column: usize,
    },

    #[error("no `.pyro` files found in `{path}`")]
    #[diagnostic(code(E0902))]
    NoFiles { path: String },
}

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";

/// The name standard input goes by in diagnostics and tracebacks.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether `path` stands for standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_PATH
}

/// Reads `path` (or standard input, for `-`) into `map`.
pub fn load(map: &SourceMap, path: &Path) -> Result<Arc<SourceFile>, InputError> {
    let (shown, read) = if is_stdin(path) {
        let mut bytes = Vec::new();
        let read = std::io::stdin().lock().read_to_end(&mut bytes);
        (STDIN_NAME.to_string(), read.map(|_| bytes))
    } else {
        (path.display().to_string(), std::fs::read(path))
    };
    let bytes = read.map_err(|e| InputError::Unreadable {
        path: shown.clone(),
        reason: describe(&e),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = &bytes[..valid];
        let line_start = prefix
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&prefix[line_start..])
            .chars()
            .count()
            + 1;
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        InputError::NotUtf8 {
            path: shown.clone(),
            byte: bytes[valid],
            line,
            column,
        }
    })?;
    Ok(map.add(shown, text))
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => e.to_string(),
    }
}

/// Expands directories into the `.pyro` files below them, sorted.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files);
            if files.len() == before {
                return Err(InputError::NoFiles {
                    path: path.display().to_string(),
                });
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "pyro") {
            files.push(path);
        }
    }
}
