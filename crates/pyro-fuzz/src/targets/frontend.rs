//! The front end as the `pyro` command drives it: lexing (`pyro tokens`),
//! parsing and the AST dump (`pyro ast`), checking (`pyro check`),
//! compiling as `run_source` does and disassembling (`pyro dis`), with every
//! diagnostic rendered by miette. Its only acceptable outcomes are success
//! or diagnostics; a panic, an abort or a hang is caught by the caller.

use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, Report};
use pyro_source::SourceMap;

/// Renders a diagnostic as the CLI does (plain text, 100 columns, long
/// source lines clipped around the labels).
pub fn render(diagnostic: Box<dyn miette::Diagnostic + Send + Sync>, map: &SourceMap) -> String {
    let view = map.snapshot();
    let diagnostic = pyro_source::clip::clip_long_lines(diagnostic, &view);
    let report = Report::new_boxed(diagnostic).with_source_code(view);
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
}

/// Runs every front-end stage over `text`; `dir` is where its imports
/// resolve. Returns a failure reason when a stage misbehaves without
/// crashing (a diagnostic that mentions a Rust panic).
pub fn run(name: &str, text: &str, dir: Option<&Path>) -> Result<(), String> {
    let map = SourceMap::new();
    let file = map.add(name, text);
    let lexed = pyro_lexer::lex(file.text(), file.base());
    let token_count = lexed.tokens.len();
    drop(lexed);
    let parsed = pyro_parser::parse_file(&file);
    let ok = parsed.is_ok();
    let dump = pyro_parser::dump::module(&parsed.module, &|span| file.line_col(span.lo).line);
    std::hint::black_box((token_count, dump.len()));
    if ok {
        let options = pyro_compiler::CompileOptions {
            predeclared: &[],
            return_last_expr: true,
        };
        match pyro_compiler::compile_module_with(&parsed.module, "<module>", &options) {
            Ok(code) => {
                let listing =
                    pyro_compiler::disassemble(&code, &|span| file.line_col(span.lo).line);
                std::hint::black_box(listing.len());
            }
            Err(errors) => {
                for e in errors {
                    check_rendered(&render(Box::new(e), &map))?;
                }
            }
        }
    } else {
        for e in parsed.errors {
            check_rendered(&render(Box::new(e), &map))?;
        }
    }
    for d in pyro_check::check_file(&file, dir) {
        check_rendered(&render(d, &map))?;
    }
    Ok(())
}

/// Text that must never reach a user.
pub fn check_rendered(text: &str) -> Result<(), String> {
    for bad in ["panicked", "overflowed its stack"] {
        if let Some(at) = text.find(bad) {
            let line = text[..at].rsplit('\n').next().unwrap_or("").to_string() + &text[at..];
            let line = line.lines().next().unwrap_or("").trim().to_string();
            return Err(format!("diagnostic mentions a crash: {line}"));
        }
    }
    Ok(())
}
