//! The Pyro lexer: source text to the token stream the parser reads.
//!
//! Two stages: [logos](https://docs.rs/logos) recognises tokens (with
//! hand-written scanners for numbers, strings and f-strings in `scan`), then
//! the layout pass (`layout`) adds `Newline`/`Indent`/`Dedent`, matches
//! brackets and disambiguates `<`/`>`. Errors never stop the lexer: it
//! reports every problem it finds and keeps going, so the parser can still
//! check the statements that lexed cleanly.
//!
//! ```
//! let lexed = pyro_lexer::lex("if x:\n    y = 1\n", 0);
//! assert!(lexed.errors.is_empty());
//! assert_eq!(lexed.tokens.len(), 10); // if x : NL INDENT y = 1 NL DEDENT
//! ```

mod error;
mod floor;
mod layout;
mod scan;
mod token;

use logos::Logos;
use pyro_source::Span;

pub use error::{LexError, LexErrorKind};
pub use token::{take, FExpr, FPart, FString, Number, Spanned, Tok};

/// The one nesting limit of the front end (error E0040): brackets here,
/// f-strings inside f-strings here, and every kind of syntax-tree nesting in
/// the parser. Every later stage walks the tree recursively; this bounds how
/// deep any of those walks can go.
pub const MAX_DEPTH: usize = 1000;

/// The output of lexing one file.
#[derive(Debug)]
pub struct Lexed<'s> {
    pub tokens: Vec<Spanned<'s>>,
    pub errors: Vec<LexError>,
    /// Indices into `tokens` at which a top-level statement begins (the first
    /// is always 0). The parser parses each such run on its own.
    pub statement_starts: Vec<usize>,
    /// `//` comments right after an operand that begin like one, where
    /// Python would read floor division (`n // 2`), in f-string fields too;
    /// `pyro check` warns about those that read as an expression.
    pub floor_comments: Vec<Span>,
}

/// Lexes a whole file whose first byte has global offset `base`.
pub fn lex(text: &str, base: u32) -> Lexed<'_> {
    let (mut raw, mut errors, mut floor_comments) =
        raw_tokens(text, base, 0, &mut scan::Extents::new());
    let (tokens, layout_errors, statement_starts) =
        layout::Layout::new(&mut raw, text, base).module();
    errors.extend(layout_errors);
    // A string left open swallows the brackets after it; report the string,
    // not the bracket it made look unclosed.
    let open_string = errors
        .iter()
        .find(|e| matches!(e, LexError::UnterminatedString { .. }))
        .map(|e| e.span().lo);
    if let Some(string_at) = open_string {
        errors.retain(
            |e| !matches!(e, LexError::UnclosedBracket { span, .. } if span.lo < string_at),
        );
    }
    errors.sort_by_key(|e| e.span().lo);
    floor_comments.sort_by_key(|s| s.lo);
    Lexed {
        tokens,
        errors,
        statement_starts,
        floor_comments,
    }
}

/// Lexes an expression embedded in an f-string (no lines or blocks).
pub fn lex_fragment(text: &str, base: u32) -> (Vec<Spanned<'_>>, Vec<LexError>) {
    let (tokens, errors, _) = fragment(text, base, 1, &mut scan::Extents::new());
    (tokens, errors)
}

/// [`lex_fragment`] for a field `depth` f-strings deep, with what the
/// enclosing lexers know of where nested f-strings end.
pub(crate) fn fragment<'s>(
    text: &'s str,
    base: u32,
    depth: usize,
    extents: &mut scan::Extents,
) -> (Vec<Spanned<'s>>, Vec<LexError>, Vec<Span>) {
    let (mut raw, mut errors, floor) = raw_tokens(text, base, depth, extents);
    let (tokens, layout_errors) = layout::Layout::new(&mut raw, text, base).fragment();
    errors.extend(layout_errors);
    (tokens, errors, floor)
}

/// Logos' tokens of `text`, which lies inside `depth` f-string fields, its
/// errors, and its (and its f-strings') floor-division-like `//` comments.
fn raw_tokens<'s>(
    text: &'s str,
    base: u32,
    depth: usize,
    extents: &mut scan::Extents,
) -> (Vec<Spanned<'s>>, Vec<LexError>, Vec<Span>) {
    let mut lexer = Tok::lexer_with_extras(
        text,
        scan::Extras {
            base,
            depth,
            errors: Vec::new(),
            extents: std::mem::take(extents),
            slash_comments: Vec::new(),
            floor_comments: Vec::new(),
        },
    );
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut errors = Vec::new();
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let (lo, hi) = (base + range.start as u32, base + range.end as u32);
        match result {
            Ok(tok) => tokens.push((lo, tok, hi)),
            Err(LexErrorKind::Reported) => {}
            Err(LexErrorKind::UnexpectedChar) => {
                let ch = lexer.slice().chars().next().unwrap_or('?');
                let span = Span::new(lo, lo + ch.len_utf8() as u32);
                errors.push(LexError::UnexpectedChar {
                    span,
                    ch: ch.to_string(),
                    help: stray_help(ch),
                });
            }
        }
    }
    errors.append(&mut lexer.extras.errors);
    *extents = std::mem::take(&mut lexer.extras.extents);
    let mut floor = std::mem::take(&mut lexer.extras.floor_comments);
    if !lexer.extras.slash_comments.is_empty() {
        let comments = &lexer.extras.slash_comments;
        floor.extend(floor::candidates(text, base, &tokens, comments));
    }
    (tokens, errors, floor)
}

fn stray_help(ch: char) -> Option<String> {
    Some(match ch {
        '!' => "Pyro writes negation as `not x`; `!=` compares".into(),
        '`' => "strings use \"double\" or 'single' quotes".into(),
        '$' => "names may not contain `$`".into(),
        '\\' => "a backslash outside a string must end the line, to continue it on the next".into(),
        '“' | '”' | '‘' | '’' => "this is a typographic quote; use a plain \" or '".into(),
        '\u{a0}' => "this is a non-breaking space; use a plain space".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
