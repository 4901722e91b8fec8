//! `pyro tokens FILE`: print the token stream after the layout pass.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use pyro_lexer::{FPart, Tok};
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
    let lexed = pyro_lexer::lex(file.text(), file.base());
    let mut out = String::new();
    for (lo, tok, _) in &lexed.tokens {
        let at = file.line_col(*lo);
        let _ = writeln!(out, "{:>4}:{:<3} {}", at.line, at.col, describe(tok));
    }
    report::print(&out);
    if lexed.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    report::emit(lexed.errors.into_iter().map(boxed), &map);
    ExitCode::FAILURE
}

fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Newline => "NEWLINE".into(),
        Tok::Indent => "INDENT".into(),
        Tok::Dedent => "DEDENT".into(),
        Tok::LtGeneric => "`<` (type arguments)".into(),
        Tok::GtJoined => "`>` (joined)".into(),
        Tok::Str(s) => format!("string {:?}", pyro_source::clip::shorten(s, 200)),
        Tok::FStr(f) => {
            let parts: Vec<String> = f
                .parts
                .iter()
                .map(|p| match p {
                    FPart::Lit(s) => format!("{s:?}"),
                    FPart::Expr(e) => format!("{{{} tokens}}", e.tokens.len()),
                })
                .collect();
            format!("f-string [{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}
