//! `pyro tokens FILE`: print the token stream after the layout pass.

use std::path::PathBuf;
use std::process::ExitCode;

use pyro_lexer::{FPart, Tok};
use pyro_source::SourceMap;

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
        out.push_str(&format!("{:>4}:{:<3} {}\n", at.line, at.col, describe(tok)));
    }
    print!("{out}");
    if lexed.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    for error in lexed.errors {
        report::eprint(&report::render(error, &map));
    }
    ExitCode::FAILURE
}

fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Newline => "NEWLINE".into(),
        Tok::Indent => "INDENT".into(),
        Tok::Dedent => "DEDENT".into(),
        Tok::LtGeneric => "`<` (type arguments)".into(),
        Tok::GtJoined => "`>` (joined)".into(),
        Tok::Str(s) => format!("string {s:?}"),
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
