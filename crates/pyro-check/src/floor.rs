//! The warning W0300: a `//` comment where Python would read floor
//! division (`let half = n // 2` sets `half` to `n`, since `//` starts a
//! comment in Pyro, LANGUAGE.md §1 and §10).
//!
//! The lexer hands over the comments that follow an operand on the same
//! line and begin like one (`pyro_parser::Parsed::floor_comments`). Here a
//! comment is kept only if its text parses as one expression, so a comment
//! in words (`// capacity 1`) is left alone, and so is one whose names the
//! program does not bind (`// seconds`, `// TODO`, `// Send-only`): an
//! operand names variables.

use std::collections::HashSet;
use std::sync::Arc;

use pyro_compiler::{Code, Const};
use pyro_lexer::Tok;
use pyro_parser::ast::{BinOp, Expr, ExprKind, StmtKind};
use pyro_source::clip::shorten;
use pyro_source::{SourceFile, Span};

use crate::diag::{Code as DiagCode, TypeError};

/// The W0300 warnings of `file` among its floor-division-like `comments`
/// (spans covering `//` and the rest of the line). `code` is the file's
/// compiled module, whose variable names tell a name from a word; without
/// it (a syntax or scope error), the text before the comment does.
pub fn floor_division_warnings(
    file: &SourceFile,
    comments: &[Span],
    code: Option<&Code>,
) -> Vec<TypeError> {
    let mut names = Names {
        code,
        bound: None,
        searches: 0,
    };
    let mut out = Vec::new();
    for &span in comments {
        let Some(text) = span.lo.checked_sub(file.base()).and_then(|lo| {
            file.text()
                .get(lo as usize..(span.hi - file.base()) as usize)
        }) else {
            continue;
        };
        let Some(after) = text.strip_prefix("//") else {
            continue;
        };
        let (augmented, operand) = match after.strip_prefix('=') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        let operand = operand.trim_start();
        // `operand` is a suffix of `text`: where it starts in the file.
        let at = span.hi - operand.len() as u32;
        let operand = operand_text(operand);
        let parsed = pyro_parser::parse_text(operand, at);
        let ([stmt], true) = (parsed.module.body.as_slice(), parsed.errors.is_empty()) else {
            continue;
        };
        let StmtKind::Expr(expr) = &stmt.kind else {
            continue;
        };
        // Words joined by operators (`// Send-only`, `// TODO`) are prose.
        let before = &file.text()[..(span.lo - file.base()) as usize];
        if !free_names(operand).all(|(name, called)| names.known(name, called, before)) {
            continue;
        }
        let divisor = divisor(expr, operand, at);
        out.push(warning(span, operand, divisor, augmented));
    }
    out
}

/// The names an operand is read against.
struct Names<'a> {
    /// The file's compiled module, if it compiled.
    code: Option<&'a Code>,
    /// Its variable names and the prelude's, gathered when first needed.
    bound: Option<HashSet<Arc<str>>>,
    /// Text searches done for a file that did not compile.
    searches: usize,
}

impl Names<'_> {
    /// Whether `name` names something in the program; `before` is the
    /// file's text before the comment. A builtin counts where it is
    /// called (`len(xs)`): a divisor is not a function (`// max`).
    fn known(&mut self, name: &str, called: bool, before: &str) -> bool {
        if called && pyro_builtins::prelude().any(|b| b.name() == name) {
            return true;
        }
        match self.code {
            Some(code) => self
                .bound
                .get_or_insert_with(|| bound_names(code))
                .contains(name),
            // A file that did not compile: the name counts if the code
            // before the comment uses it (a bounded number of searches).
            None => {
                self.searches += 1;
                self.searches <= MAX_SEARCHES && uses_word(before, name)
            }
        }
    }
}

/// The names an operand's text reads as variables, not attributes
/// (`.size`) or keyword arguments (`key=`); each with whether it is called.
fn free_names(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let tokens = pyro_lexer::lex(text, 0).tokens;
    let mut names = Vec::new();
    for (i, (_, tok, _)) in tokens.iter().enumerate() {
        let Tok::Name(name) = tok else { continue };
        let after_dot = i > 0 && matches!(tokens[i - 1].1, Tok::Dot);
        let next = tokens.get(i + 1).map(|(_, t, _)| t);
        if !after_dot && !matches!(next, Some(Tok::Assign)) {
            names.push((*name, matches!(next, Some(Tok::LParen))));
        }
    }
    names.into_iter()
}

/// How many one-name comments of a file that did not compile are looked
/// up in its text (each search reads the text before the comment).
const MAX_SEARCHES: usize = 100;

/// Whether `text` holds `word` as a whole identifier.
fn uses_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c == '_' || c.is_alphanumeric();
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The comment's text up to where the enclosing code would go on: a
/// bracket it did not open (`print(n // 2)`), or a `:` ending the line
/// (`if n // 2 == 0:`).
fn operand_text(text: &str) -> &str {
    let mut depth = 0usize;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                end = i;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            '#' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let text = text[..end].trim_end();
    text.strip_suffix(':').unwrap_or(text)
}

/// What Python's `//` would have divided by: the leftmost operand of the
/// comment's expression `expr` (the text `operand`, at offset `at`) that
/// binds at least as tightly as `//` (`2` in `2 == 3` and in `2 * k`,
/// `(n + 1)` in `(n + 1) - m`).
fn divisor<'a>(expr: &Expr, operand: &'a str, at: u32) -> &'a str {
    let mut e = expr;
    loop {
        // A parenthesized operand: its span leaves out the brackets.
        if e.span.lo != at {
            return bracketed(operand);
        }
        e = match &e.kind {
            ExprKind::Binary { op, left, .. } if *op != BinOp::Pow => left,
            ExprKind::Logical { left, .. } | ExprKind::Compare { left, .. } => left,
            ExprKind::IfElse { then, .. } => then,
            ExprKind::Range { start, .. } => start,
            ExprKind::Tuple(items) if !items.is_empty() => &items[0],
            _ => {
                let len = e.span.hi.saturating_sub(at) as usize;
                return operand.get(..len).unwrap_or(operand);
            }
        };
    }
}

/// The bracketed group `text` starts with.
fn bracketed(text: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

fn warning(span: Span, operand: &str, divisor: &str, augmented: bool) -> TypeError {
    let operand = shorten(operand, 40);
    let divisor = shorten(divisor, 40);
    if augmented {
        TypeError::new(
            DiagCode::FloorDivisionComment,
            span,
            format!("`//=` is not an operator in Pyro: `//` starts a comment, so `= {operand}` is ignored"),
        )
        .label("a comment, not floor division")
        .help(format!(
            "floor division is `div(a, b)`: Python's `x //= {operand}` is `x = div(x, {operand})`"
        ))
    } else {
        TypeError::new(
            DiagCode::FloorDivisionComment,
            span,
            format!("`//` starts a comment in Pyro, so `{operand}` is ignored"),
        )
        .label("a comment, not floor division")
        .help(format!(
            "floor division is `div(a, b)`: Python's `a // {divisor}` is `div(a, {divisor})`; a comment meant as one can start with `#`"
        ))
    }
}

/// Every variable name of a module and the functions and classes in it.
fn bound_names(code: &Code) -> HashSet<Arc<str>> {
    let mut names = HashSet::new();
    let mut todo = vec![code];
    while let Some(code) = todo.pop() {
        for list in [&code.global_names, &code.local_names, &code.free_names] {
            names.extend(list.iter().cloned());
        }
        let mut consts: Vec<&Const> = code.consts.iter().collect();
        while let Some(c) = consts.pop() {
            match c {
                Const::Code(inner) => todo.push(inner),
                Const::Tuple(items) => consts.extend(items),
                _ => {}
            }
        }
    }
    names
}
