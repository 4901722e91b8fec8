//! Rendering diagnostics: the one place where errors become text.
//!
//! Output is miette's graphical report, in colour only when stderr is a
//! terminal and `NO_COLOR` is unset, so golden tests see stable plain text.

use std::io::{IsTerminal, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Report};
use pyro_source::SourceMap;

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

/// Renders a diagnostic whose spans point into `sources`.
pub fn render<D>(diagnostic: D, sources: &SourceMap) -> String
where
    D: Diagnostic + Send + Sync + 'static,
{
    let report = Report::new(diagnostic).with_source_code(sources.snapshot());
    let mut out = String::new();
    if handler().render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
}

/// Renders a boxed diagnostic (as the VM returns them).
pub fn render_boxed(diagnostic: Box<dyn Diagnostic + Send + Sync>, sources: &SourceMap) -> String {
    let report = Report::new_boxed(diagnostic).with_source_code(sources.snapshot());
    let mut out = String::new();
    if handler().render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
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
