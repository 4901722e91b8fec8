//! `//` comments where Python would read floor division.
//!
//! In Pyro `//` starts a comment (LANGUAGE.md §1), so `let half = n // 2`
//! silently sets `half` to `n`. The lexer notes where each `//` comment
//! starts (a push per comment, nothing per token); this pass, run once per
//! text over those few offsets, keeps the comments that follow an operand on
//! the same line and themselves begin like an operand (`2`, `b`, `(lo`,
//! `len(xs)`, or `= 2` after `//`). `pyro check` looks closer at these (does
//! the comment read as an expression?) and warns (W0300).

use pyro_source::Span;

use crate::token::{Spanned, Tok};

/// The `//` comments of `text` (at the offsets `comments`, ascending) that
/// directly follow an operand in `tokens` (the raw tokens of `text`, whose
/// first byte has global offset `base`) and begin like an operand. Each span
/// covers the comment, without trailing blanks.
pub(crate) fn candidates(
    text: &str,
    base: u32,
    tokens: &[Spanned<'_>],
    comments: &[usize],
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut next = 0;
    for &at in comments {
        let global = base + at as u32;
        // The last token before the comment (both lists ascend).
        while tokens.get(next).is_some_and(|(_, _, hi)| *hi <= global) {
            next += 1;
        }
        let Some((_, before, _)) = next.checked_sub(1).and_then(|i| tokens.get(i)) else {
            continue;
        };
        // Raw tokens include newlines: an operand right before the comment
        // is on its line.
        if !ends_operand(before) {
            continue;
        }
        let line = &text[at..];
        let line = &line[..line.find(['\n', '\r']).unwrap_or(line.len())];
        let rest = line[2..].strip_prefix('=').unwrap_or(&line[2..]);
        if rest.trim_start().chars().next().is_some_and(starts_operand) {
            let len = line.trim_end().len() as u32;
            out.push(Span::new(global, global + len));
        }
    }
    out
}

/// Whether an expression can end with this token.
fn ends_operand(tok: &Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::FStr(_)
            | Tok::RParen
            | Tok::RBracket
            | Tok::RBrace
            | Tok::True
            | Tok::False
            | Tok::None
    )
}

/// Whether an operand can start with this character: a number, a name, a
/// parenthesis.
fn starts_operand(c: char) -> bool {
    c.is_ascii_digit() || c == '_' || c == '(' || c.is_alphabetic()
}
