//! Rendering diagnostics and writing output: the one place where errors
//! become text.
//!
//! Output is miette's graphical report, in colour only when stderr is a
//! terminal and `NO_COLOR` is unset, so golden tests see stable plain text.
//! Long source lines are shown in part around what a diagnostic points at
//! (`pyro_source::clip`), and a file's diagnostics are shown up to
//! [`MAX_SHOWN`], then counted. Every write to stdout goes through
//! [`print`], which ends the process quietly when the reader has gone away
//! (`pyro tokens big.pyro | head -1`).

use std::io::{IsTerminal, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Report};
use pyro_source::SourceMap;

/// Diagnostics shown per file (the rest are counted), as rustc and most
/// compilers stop listing: past this, more text helps nobody and would
/// only cost time.
pub const MAX_SHOWN: usize = 100;

/// Exit status when stdout is a closed pipe: what a shell reports for a
/// program ended by SIGPIPE (128 + 13), as Go's and C's tools end.
pub const CLOSED_PIPE_STATUS: i32 = 141;

/// Writes `text` to stdout. If the reader has gone away (a closed pipe), the
/// process ends at once, quietly, with [`CLOSED_PIPE_STATUS`]: there is no
/// one left to tell. Any other failure to write is reported on stderr.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE_STATUS);
        }
        eprint(&format!("error: cannot write the output: {e}\n"));
        std::process::exit(1);
    }
}

fn handler() -> GraphicalReportHandler {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// Renders a boxed diagnostic (as the VM returns them). A long source line
/// is shown only around the labels; the clipped diagnostic brings its own
/// source, which miette prefers to the one attached here.
pub fn render_boxed(diagnostic: Box<dyn Diagnostic + Send + Sync>, sources: &SourceMap) -> String {
    let view = sources.snapshot();
    let diagnostic = pyro_source::order::primary_first(diagnostic, &view);
    let diagnostic = pyro_source::clip::clip_long_lines(diagnostic, &view);
    let report = Report::new_boxed(diagnostic).with_source_code(view);
    let mut out = String::new();
    if handler().render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
}

/// Writes diagnostics to stderr: the first [`MAX_SHOWN`], then one line
/// counting the rest. Returns how many there were.
pub fn emit<I>(diagnostics: I, sources: &SourceMap) -> usize
where
    I: IntoIterator<Item = Box<dyn Diagnostic + Send + Sync>>,
{
    let mut count = 0;
    for diagnostic in diagnostics {
        count += 1;
        if count <= MAX_SHOWN {
            eprint(&render_boxed(diagnostic, sources));
        }
    }
    if count > MAX_SHOWN {
        eprint(&not_shown(count - MAX_SHOWN));
    }
    count
}

/// A diagnostic as [`emit`] takes them.
pub fn boxed<D>(diagnostic: D) -> Box<dyn Diagnostic + Send + Sync>
where
    D: Diagnostic + Send + Sync + 'static,
{
    Box::new(diagnostic)
}

/// The line standing for diagnostics past [`MAX_SHOWN`].
pub fn not_shown(hidden: usize) -> String {
    let s = if hidden == 1 { "" } else { "s" };
    format!("… and {hidden} more error{s} (only the first {MAX_SHOWN} of a file are shown)\n")
}

/// Renders a diagnostic that has no source location (a missing file, a bad flag).
pub fn render_plain<D>(diagnostic: D) -> String
where
    D: Diagnostic + Send + Sync + 'static,
{
    let report = Report::new(diagnostic);
    let mut out = String::new();
    if handler().render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
}

/// Writes rendered text to stderr, ignoring a closed pipe.
pub fn eprint(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Where a diagnostic points: file name, line and column (1-based) of its
/// primary label, and the end of it.
fn location(d: &dyn Diagnostic, sources: &SourceMap) -> Option<(String, u32, u32, u32, u32)> {
    let label = d.labels()?.min_by_key(|l| !l.primary())?;
    let lo = label.offset() as u32;
    let hi = lo + label.len() as u32;
    let file = sources.file_at(lo)?;
    let start = file.line_col(lo);
    let end = file.line_col(hi.max(lo));
    Some((
        file.name().to_string(),
        start.line,
        start.col,
        end.line,
        end.col,
    ))
}

/// Whether a diagnostic is a warning: reported, but it fails nothing.
pub fn is_warning(d: &dyn Diagnostic) -> bool {
    d.severity() == Some(miette::Severity::Warning)
}

fn severity(d: &dyn Diagnostic) -> &'static str {
    if is_warning(d) {
        "warning"
    } else {
        "error"
    }
}

/// `path:line:col: error[E0308]: message` (for `pyro check --format short`);
/// `warning[W0300]` for a warning.
pub fn short(d: &dyn Diagnostic, sources: &SourceMap) -> String {
    let code = d.code().map(|c| format!("[{c}]")).unwrap_or_default();
    let severity = severity(d);
    match location(d, sources) {
        Some((file, line, col, _, _)) => format!("{file}:{line}:{col}: {severity}{code}: {d}"),
        None => format!("{severity}{code}: {d}"),
    }
}

/// A machine-readable diagnostic (for `pyro check --format json`).
pub fn json(d: &dyn Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let labels: Vec<serde_json::Value> = d
        .labels()
        .into_iter()
        .flatten()
        .map(|l| {
            let at = l.offset() as u32;
            let (line, column) = sources.file_at(at).map_or((None, None), |f| {
                let lc = f.line_col(at);
                (Some(lc.line), Some(lc.col))
            });
            serde_json::json!({
                "label": l.label(),
                "primary": l.primary(),
                "line": line,
                "column": column,
                "length": l.len(),
            })
        })
        .collect();
    let (file, line, column, end_line, end_column) = location(d, sources)
        .map_or((None, None, None, None, None), |(f, l, c, el, ec)| {
            (Some(f), Some(l), Some(c), Some(el), Some(ec))
        });
    serde_json::json!({
        "severity": severity(d),
        "code": d.code().map(|c| c.to_string()),
        "message": d.to_string(),
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "help": d.help().map(|h| h.to_string()),
        "labels": labels,
    })
}
