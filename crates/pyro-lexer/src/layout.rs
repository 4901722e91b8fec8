//! The layout pass: turns logos' flat token stream into what the grammar
//! reads.
//!
//! - Physical newlines become `Newline` only at the end of a logical line
//!   outside brackets; indentation changes become `Indent` / `Dedent`.
//! - Brackets are matched here, so an unclosed or mismatched bracket gets an
//!   error that points at both ends.
//! - A keyword right after `.` or `def` is a name (`m.match`, `g.go(f)`,
//!   `def go(self, f):`).
//! - `<` directly after a name and opening a type-argument list that closes
//!   right before `(` becomes `LtGeneric` (`chan<int>(4)`, `f<T>(x)`), so the
//!   grammar can tell a generic call from a comparison. Like C#, the rule is
//!   syntactic: `a<b>(c)` is a generic call, while `a < b > (c)`, written with
//!   spaces, stays a chained comparison.
//! - A `>` glued to a following `>` becomes `GtJoined`, which the grammar
//!   reads as the first half of `>>` in expressions and as a closing angle in
//!   types, so `dict<string, list<int>>` needs no special lexing.
//! - The start of every top-level statement is recorded so that the parser
//!   can parse statements independently and report one error per statement.

use pyro_source::Span;

use crate::error::LexError;
use crate::token::{Spanned, Tok};

pub(crate) struct Layout<'s, 't> {
    raw: &'t mut [Spanned<'s>],
    text: &'s str,
    base: u32,
    out: Vec<Spanned<'s>>,
    errors: Vec<LexError>,
    statement_starts: Vec<usize>,
    indents: Vec<usize>,
    brackets: Vec<(Tok<'s>, u32)>,
}

/// Longest type-argument list the generic-call detector looks through.
const MAX_GENERIC_LOOKAHEAD: usize = 64;

impl<'s, 't> Layout<'s, 't> {
    pub(crate) fn new(raw: &'t mut [Spanned<'s>], text: &'s str, base: u32) -> Self {
        let capacity = raw.len() + raw.len() / 8;
        Layout {
            raw,
            text,
            base,
            out: Vec::with_capacity(capacity),
            errors: Vec::new(),
            statement_starts: vec![0],
            indents: vec![0],
            brackets: Vec::new(),
        }
    }

    /// Full layout for a module.
    pub(crate) fn module(mut self) -> (Vec<Spanned<'s>>, Vec<LexError>, Vec<usize>) {
        let mut line_start = self.base;
        let mut at_line_start = true;
        let mut line_opened_with_decorator = false;
        for i in 0..self.raw.len() {
            let (lo, ref tok, hi) = self.raw[i];
            let closing = matches!(tok, Tok::RParen | Tok::RBracket | Tok::RBrace);
            let found = bracket_char(tok);
            let continues = matches!(tok, Tok::Else | Tok::Elif | Tok::Except | Tok::Finally);
            let decorator = *tok == Tok::At;
            if *tok == Tok::Newline {
                if self.brackets.is_empty() {
                    if !at_line_start {
                        self.out.push((lo, Tok::Newline, hi));
                    }
                    at_line_start = true;
                }
                line_start = hi;
                continue;
            }
            // An unmatched closing bracket is reported and dropped before it
            // can start a line (and so a statement) of its own.
            if closing && self.brackets.is_empty() {
                self.errors.push(LexError::UnmatchedClose {
                    span: Span::new(lo, hi),
                    found,
                });
                continue;
            }
            if at_line_start && self.brackets.is_empty() {
                at_line_start = false;
                let column = self.indentation(line_start, lo);
                if column == 0 && !continues && !line_opened_with_decorator && !self.out.is_empty()
                {
                    self.statement_starts.push(self.out.len());
                }
                line_opened_with_decorator = decorator;
            }
            self.token(i);
        }
        let eof = self.base + self.text.len() as u32;
        self.unclosed_brackets();
        if !at_line_start {
            self.out.push((eof, Tok::Newline, eof));
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.out.push((eof, Tok::Dedent, eof));
        }
        (self.out, self.errors, self.statement_starts)
    }

    /// Layout for an expression embedded in an f-string: no lines, no blocks.
    pub(crate) fn fragment(mut self) -> (Vec<Spanned<'s>>, Vec<LexError>) {
        for i in 0..self.raw.len() {
            if self.raw[i].1 != Tok::Newline {
                self.token(i);
            }
        }
        self.unclosed_brackets();
        (self.out, self.errors)
    }

    /// Measures the indentation of the line whose first token starts at `lo`
    /// and emits `Indent` / `Dedent` tokens. Returns the column.
    fn indentation(&mut self, line_start: u32, lo: u32) -> usize {
        let lead = &self.text[(line_start - self.base) as usize..(lo - self.base) as usize];
        let mut column = 0;
        for (i, c) in lead.char_indices() {
            match c {
                '\t' => {
                    let at = line_start + i as u32;
                    self.errors.push(LexError::TabInIndent {
                        span: Span::new(at, at + 1),
                    });
                    column = (column / 8 + 1) * 8;
                }
                '\x0c' => column = 0,
                _ => column += 1,
            }
        }
        let top = *self.indents.last().unwrap_or(&0);
        if column > top {
            self.indents.push(column);
            self.out.push((lo, Tok::Indent, lo));
        } else if column < top {
            while column < *self.indents.last().unwrap_or(&0) {
                self.indents.pop();
                self.out.push((lo, Tok::Dedent, lo));
            }
            if column != *self.indents.last().unwrap_or(&0) {
                let levels = self
                    .indents
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.errors.push(LexError::BadDedent {
                    span: Span::new(line_start, lo.max(line_start + 1)),
                    column: column + 1,
                    levels,
                });
            }
        }
        column
    }

    /// Emits one non-newline token, applying the token-level rewrites.
    fn token(&mut self, i: usize) {
        let (lo, tok, hi) = crate::token::take(&mut self.raw[i]);
        let tok = match tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => {
                self.brackets.push((tok.clone(), lo));
                // Once per excursion past the limit: the statement is not
                // parsed, so one error says it all.
                if self.brackets.len() == crate::MAX_DEPTH + 1 {
                    self.errors.push(LexError::TooDeep {
                        span: Span::new(lo, hi),
                        what: "brackets",
                        limit: crate::MAX_DEPTH,
                    });
                }
                tok
            }
            Tok::RParen | Tok::RBracket | Tok::RBrace => {
                if !self.close_bracket(&tok, lo, hi) {
                    return;
                }
                tok
            }
            // A keyword right after `.` or `def` is a name: `g.go(f)` and
            // `def go(self, f):` (LANGUAGE.md §7's task-group method).
            _ if tok.keyword().is_some()
                && i > 0
                && matches!(self.raw[i - 1].1, Tok::Dot | Tok::Def) =>
            {
                Tok::Name(&self.text[(lo - self.base) as usize..(hi - self.base) as usize])
            }
            Tok::Lt if self.opens_generic_call(i) => Tok::LtGeneric,
            Tok::Gt if matches!(self.raw.get(i + 1), Some((next_lo, Tok::Gt, _)) if *next_lo == hi) => {
                Tok::GtJoined
            }
            other => other,
        };
        self.out.push((lo, tok, hi));
    }

    /// Pops the bracket stack; returns false if the token must be dropped.
    fn close_bracket(&mut self, tok: &Tok<'s>, lo: u32, hi: u32) -> bool {
        let found = bracket_char(tok);
        let Some((open, open_lo)) = self.brackets.pop() else {
            self.errors.push(LexError::UnmatchedClose {
                span: Span::new(lo, hi),
                found,
            });
            return false;
        };
        let expected = closing_of(&open);
        if expected != found {
            self.errors.push(LexError::MismatchedBracket {
                span: Span::new(lo, hi),
                open_span: Span::new(open_lo, open_lo + 1),
                found,
                open: bracket_char(&open),
                expected,
            });
        }
        true
    }

    fn unclosed_brackets(&mut self) {
        if let Some((open, lo)) = self.brackets.first() {
            self.errors.push(LexError::UnclosedBracket {
                span: Span::new(*lo, lo + 1),
                open: bracket_char(open),
                close: closing_of(open),
            });
        }
        self.brackets.clear();
    }

    /// Whether the `<` at `i` opens the type arguments of a generic call: it
    /// is glued to a preceding name, and a balanced list of type-like tokens
    /// follows, closed by a `>` right before `(`.
    fn opens_generic_call(&self, i: usize) -> bool {
        let (lo, _, _) = self.raw[i];
        let glued_to_name =
            i > 0 && matches!(self.raw[i - 1], (_, Tok::Name(_), prev_hi) if prev_hi == lo);
        if !glued_to_name {
            return false;
        }
        let mut depth = 1usize;
        for j in i + 1..self.raw.len().min(i + 1 + MAX_GENERIC_LOOKAHEAD) {
            match self.raw[j].1 {
                Tok::Lt => depth += 1,
                Tok::Gt => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.raw.get(j + 1), Some((_, Tok::LParen, _)));
                    }
                }
                Tok::Name(_)
                | Tok::None
                | Tok::Comma
                | Tok::Pipe
                | Tok::Question
                | Tok::Dot
                | Tok::LParen
                | Tok::RParen
                | Tok::LBracket
                | Tok::RBracket
                | Tok::Arrow => {}
                _ => return false,
            }
        }
        false
    }
}

fn bracket_char(tok: &Tok<'_>) -> char {
    match tok {
        Tok::LParen => '(',
        Tok::RParen => ')',
        Tok::LBracket => '[',
        Tok::RBracket => ']',
        Tok::LBrace => '{',
        _ => '}',
    }
}

fn closing_of(open: &Tok<'_>) -> char {
    match open {
        Tok::LParen => ')',
        Tok::LBracket => ']',
        _ => '}',
    }
}
