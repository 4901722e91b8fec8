//! Hand-written scanners that logos calls for the tokens a regular
//! expression cannot finish on its own: numbers (`2.` is a float but `0..5` is
//! a range), strings (escapes, triple quotes, unterminated strings) and
//! f-strings (replacement fields may contain nested strings and brackets).
//!
//! A scanner that finds a problem pushes a precise [`LexError`] into the
//! lexer's extras and, where it can, still returns a best-effort token so that
//! one bad escape does not turn into a cascade of parse errors.

use std::collections::HashMap;

use logos::Lexer;
use pyro_source::Span;

use crate::error::{LexError, LexErrorKind};
use crate::token::{FExpr, FPart, FString, Number, Tok};

/// State shared by the scanners of one lexer run.
#[derive(Default)]
pub struct Extras {
    /// Global offset of the text being lexed.
    pub base: u32,
    /// How many f-string fields enclose the text (0 for a module).
    pub depth: usize,
    pub errors: Vec<LexError>,
    /// Shared with the lexers of nested fields (see [`Extents`]).
    pub extents: Extents,
    /// Where the `//` comments of this text start (offsets into it). They
    /// are skipped like `#` comments; the few that Python would read as
    /// floor division are picked out afterwards (`crate::floor`).
    pub slash_comments: Vec<usize>,
    /// Those found in the fields of this text's f-strings.
    pub floor_comments: Vec<Span>,
}

type Lex<'s> = Lexer<'s, Tok<'s>>;

/// Notes where a `//` comment starts (and skips it, as a `#` comment is).
pub fn slash_comment(lex: &mut Lex<'_>) -> logos::Skip {
    let at = lex.span().start;
    lex.extras.slash_comments.push(at);
    logos::Skip
}

fn span_at(lex: &Lex<'_>, lo: usize, hi: usize) -> Span {
    Span::new(lex.extras.base + lo as u32, lex.extras.base + hi as u32)
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Underscores may separate digits, one at a time, never at the end.
fn underscores_ok(digits: &str) -> bool {
    !digits.contains("__") && !digits.ends_with('_') && !digits.starts_with('_')
}

fn number_error(lex: &mut Lex<'_>, reason: &str, help: Option<&str>) -> LexErrorKind {
    let span = lex.span();
    let text = pyro_source::clip::shorten(lex.slice(), 40).into_owned();
    let span = span_at(lex, span.start, span.end);
    lex.extras.errors.push(LexError::BadNumber {
        span,
        text,
        reason: reason.to_string(),
        help: help.map(str::to_string),
    });
    LexErrorKind::Reported
}

/// Consumes identifier characters glued to a number (`12abc`) so that the
/// error covers the whole word.
fn glued_suffix(lex: &mut Lex<'_>) -> bool {
    let glued: usize = lex
        .remainder()
        .chars()
        .take_while(|&c| is_ident_char(c))
        .map(char::len_utf8)
        .sum();
    lex.bump(glued);
    glued > 0
}

fn digits_len(s: &str) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'_')
        .count()
}

/// Length of an exponent (`e-9`) at the start of `s`, or 0.
fn exponent_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.first().is_some_and(|c| *c == b'e' || *c == b'E') {
        let sign = usize::from(b.get(1).is_some_and(|c| *c == b'+' || *c == b'-'));
        let digits = digits_len(&s[1 + sign..]);
        if digits > 0 {
            return 1 + sign + digits;
        }
    }
    0
}

/// `123`, `1_000`, `2.`, `3.14`, `1e-9`, `2.5e10`.
pub fn decimal(lex: &mut Lex<'_>) -> Result<Number, LexErrorKind> {
    let mut is_float = false;
    let rest = lex.remainder();
    // `2.` and `2.5` are floats; `0..5` is a range and `2...` is left alone.
    if rest.starts_with('.') && !rest[1..].starts_with('.') {
        let frac = digits_len(&rest[1..]);
        lex.bump(1 + frac);
        is_float = true;
    }
    let exp = exponent_len(lex.remainder());
    if exp > 0 {
        lex.bump(exp);
        is_float = true;
    }
    let rest = lex.remainder();
    if is_float && rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
        let extra = 1 + rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_')
            .count();
        lex.bump(extra);
        return Err(number_error(
            lex,
            "a number has at most one decimal point",
            None,
        ));
    }
    let exponent_without_digits = rest.starts_with(['e', 'E']);
    if glued_suffix(lex) {
        if exponent_without_digits {
            return Err(number_error(
                lex,
                "the exponent has no digits",
                Some("write the exponent in full, as in 1e10 or 2.5e-3"),
            ));
        }
        return Err(number_error(
            lex,
            "a number cannot run into a name",
            Some("put a space or an operator between them"),
        ));
    }
    let text = lex.slice();
    if text
        .split(['.', 'e', 'E', '+', '-'])
        .any(|part| !part.is_empty() && !underscores_ok(part))
    {
        return Err(number_error(
            lex,
            "misplaced `_`",
            Some("underscores go between digits, one at a time: 1_000_000"),
        ));
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    if is_float {
        return match clean.parse::<f64>() {
            Ok(x) => Ok(Number::Float(x)),
            Err(_) => Err(number_error(lex, "not a valid float", None)),
        };
    }
    if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
        return Err(number_error(
            lex,
            "leading zeros are not allowed",
            Some("write the number without leading zeros, or use 0o for octal"),
        ));
    }
    match clean.parse::<u64>() {
        Ok(n) => Ok(Number::Int(n)),
        Err(_) => {
            let span = span_at(lex, lex.span().start, lex.span().end);
            lex.extras.errors.push(LexError::IntTooLarge { span });
            Err(LexErrorKind::Reported)
        }
    }
}

/// `.5`, `.5e3`.
pub fn leading_dot_float(lex: &mut Lex<'_>) -> Result<Number, LexErrorKind> {
    let exp = exponent_len(lex.remainder());
    lex.bump(exp);
    if glued_suffix(lex) {
        return Err(number_error(lex, "a number cannot run into a name", None));
    }
    let clean: String = lex.slice().chars().filter(|&c| c != '_').collect();
    match clean.parse::<f64>() {
        Ok(x) if underscores_ok(&lex.slice()[1..]) => Ok(Number::Float(x)),
        _ => Err(number_error(lex, "not a valid float", None)),
    }
}

/// `0xff`, `0o17`, `0b1010` (the regex also takes trailing letters and digits
/// so that `0b102` is one bad literal rather than `0b10` followed by `2`).
pub fn radix_int(lex: &mut Lex<'_>) -> Result<Number, LexErrorKind> {
    glued_suffix(lex);
    let text = lex.slice();
    let (radix, name, article) = match text.as_bytes()[1] {
        b'x' | b'X' => (16, "hexadecimal", "a"),
        b'o' | b'O' => (8, "octal", "an"),
        _ => (2, "binary", "a"),
    };
    let digits = text[2..].strip_prefix('_').unwrap_or(&text[2..]);
    if digits.is_empty() {
        let reason = format!("{name} literal has no digits");
        return Err(number_error(lex, &reason, None));
    }
    if let Some(bad) = digits.chars().find(|&c| c != '_' && !c.is_digit(radix)) {
        let reason = format!("`{bad}` is not {article} {name} digit");
        return Err(number_error(lex, &reason, None));
    }
    if !underscores_ok(digits) {
        return Err(number_error(
            lex,
            "misplaced `_`",
            Some("underscores go between digits, one at a time"),
        ));
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    match u64::from_str_radix(&clean, radix) {
        Ok(n) => Ok(Number::Int(n)),
        Err(_) => {
            let span = span_at(lex, lex.span().start, lex.span().end);
            lex.extras.errors.push(LexError::IntTooLarge { span });
            Err(LexErrorKind::Reported)
        }
    }
}

#[derive(Clone, Copy)]
pub struct StrKind {
    raw: bool,
}

impl StrKind {
    pub fn plain() -> StrKind {
        StrKind { raw: false }
    }
    pub fn raw() -> StrKind {
        StrKind { raw: true }
    }
}

/// The opening quote of the token matched so far: `(quote byte, triple)`.
fn opening(lex: &Lex<'_>) -> (u8, bool) {
    let slice = lex.slice().as_bytes();
    let quote = slice[slice.len() - 1];
    let triple = slice.len() >= 3 && slice[slice.len() - 3..].iter().all(|&b| b == quote);
    (quote, triple)
}

/// Length of the escape starting at the backslash at `i`: `\u{...}` is
/// taken whole so that its braces are not mistaken for an f-string field.
fn escape_len(b: &[u8], i: usize) -> usize {
    if b.get(i + 1) == Some(&b'u') && b.get(i + 2) == Some(&b'{') {
        if let Some(close) = b[i + 3..].iter().take(9).position(|&c| c == b'}') {
            return close + 4;
        }
    }
    if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
        return 3;
    }
    2
}

/// Where the nested f-strings of a file end, by the global offset of their
/// body's first byte. Scanning an f-string to its end means scanning the
/// f-strings in its fields too; each is then lexed again as a token of its
/// field's expression, at every level of nesting. Remembering where each
/// one ends makes those later scans a lookup, so lexing f-strings nested
/// `d` deep costs the length of the text, not `d` times it.
pub type Extents = HashMap<u32, Result<usize, Unterminated>>;

/// Where a string body ends: `Ok(len)` when the closing quote starts at
/// `len`, `Err(..)` when the string is unterminated and says where the scan
/// stopped (the end of the line, or of the text for triple quotes). `b`
/// starts at global offset `base`; `depth` fields enclose the string.
fn string_body_len(
    b: &[u8],
    base: u32,
    quote: u8,
    triple: bool,
    fstring: bool,
    depth: usize,
    extents: &mut Extents,
) -> Result<usize, Unterminated> {
    if fstring {
        // Found by an enclosing scan of a longer text: valid here only if
        // it lies within this one (a field's text can end early).
        let close = if triple { 3 } else { 1 };
        let fits = |known: &Result<usize, Unterminated>| match known {
            Ok(len) => len + close <= b.len(),
            Err(stop) => stop.at <= b.len(),
        };
        if let Some(known) = extents.get(&base).filter(|k| fits(k)) {
            return known.clone();
        }
    }
    let result = body_len(b, base, quote, triple, fstring, depth, extents);
    if fstring {
        extents.insert(base, result.clone());
    }
    result
}

fn body_len(
    b: &[u8],
    base: u32,
    quote: u8,
    triple: bool,
    fstring: bool,
    depth: usize,
    extents: &mut Extents,
) -> Result<usize, Unterminated> {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += escape_len(b, i),
            b'\n' if !triple => {
                return Err(Unterminated {
                    at: i,
                    open_field: None,
                })
            }
            b'{' if fstring => {
                if b.get(i + 1) == Some(&b'{') {
                    i += 2;
                } else {
                    i = skip_field(b, base, i, triple, depth + 1, extents).map_err(|at| {
                        Unterminated {
                            at,
                            open_field: Some(i),
                        }
                    })?;
                }
            }
            q if q == quote => {
                if !triple || b[i..].starts_with(&[quote, quote, quote]) {
                    return Ok(i);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Err(Unterminated {
        at: b.len(),
        open_field: None,
    })
}

/// Where an unterminated string's scan stopped, and the replacement field
/// left open when that is the cause.
#[derive(Clone, Debug)]
pub struct Unterminated {
    at: usize,
    open_field: Option<usize>,
}

/// Skips a replacement field starting at the `{` at `start`, including nested
/// brackets and strings; returns the offset just after its closing `}`. The
/// field is the `depth`-th around what it holds.
fn skip_field(
    b: &[u8],
    base: u32,
    start: usize,
    multiline: bool,
    depth: usize,
    extents: &mut Extents,
) -> Result<usize, usize> {
    let mut brackets = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'{' | b'(' | b'[' => brackets += 1,
            b'}' | b')' | b']' => {
                brackets = brackets.saturating_sub(1);
                if brackets == 0 {
                    return Ok(i + 1);
                }
            }
            b'"' | b'\'' => {
                i = skip_string(b, base, i, depth, extents)?;
                continue;
            }
            b'\n' if !multiline => return Err(i),
            _ => {}
        }
        i += 1;
    }
    Err(b.len())
}

/// Skips the string literal whose opening quote is at `i` (inside a field
/// `depth` deep); returns the offset just past its closing quote, or where
/// an unterminated one stopped. An f-string is skipped as one, fields and
/// all (up to the nesting limit; deeper ones are not lexed anyway), and its
/// end remembered.
fn skip_string(
    b: &[u8],
    base: u32,
    i: usize,
    depth: usize,
    extents: &mut Extents,
) -> Result<usize, usize> {
    let q = b[i];
    let triple = b[i..].starts_with(&[q, q, q]);
    let open = if triple { 3 } else { 1 };
    let body = i + open;
    let fstring = depth <= crate::MAX_DEPTH && has_f_prefix(&b[..i]);
    let scanned = pyro_source::stack::grow(|| {
        string_body_len(
            &b[body..],
            base + body as u32,
            q,
            triple,
            fstring,
            depth,
            extents,
        )
    });
    match scanned {
        Ok(len) => Ok(body + len + open),
        Err(stop) => Err(body + stop.at),
    }
}

/// Whether the text before a quote ends with an f-string prefix (`f`,
/// `rf`, `Fr`...) that is not the end of a longer name.
fn has_f_prefix(before: &[u8]) -> bool {
    let letters = before
        .iter()
        .rev()
        .take(3)
        .take_while(|c| matches!(c, b'f' | b'F' | b'r' | b'R'))
        .count();
    let prefix = &before[before.len() - letters..];
    let is_f = |c: &u8| matches!(c, b'f' | b'F');
    let valid = match prefix {
        [f] => is_f(f),
        [a, b] => is_f(a) != is_f(b),
        _ => false,
    };
    let glued = before[..before.len() - letters]
        .last()
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80);
    valid && !glued
}

/// Scans to the closing quote. On success returns the body's offset in the
/// text and its length; on failure reports the unterminated string and
/// consumes what was scanned.
fn scan_body(lex: &mut Lex<'_>, fstring: bool) -> Result<(usize, usize), LexErrorKind> {
    let (quote, triple) = opening(lex);
    let start = lex.span().end;
    let base = lex.extras.base + start as u32;
    let depth = lex.extras.depth;
    let mut extents = std::mem::take(&mut lex.extras.extents);
    let scanned = string_body_len(
        lex.remainder().as_bytes(),
        base,
        quote,
        triple,
        fstring,
        depth,
        &mut extents,
    );
    lex.extras.extents = extents;
    match scanned {
        Ok(len) => {
            lex.bump(len + if triple { 3 } else { 1 });
            Ok((start, len))
        }
        Err(stop) => {
            lex.bump(stop.at);
            let q = quote as char;
            let error = if let Some(field) = stop.open_field {
                let at = span_at(lex, start + field, start + field + 1);
                LexError::BadFString {
                    span: at,
                    message: "unclosed `{`".into(),
                    label: "this replacement field is never closed".into(),
                    help: Some("close it with `}`, or write `{{` for a literal brace".into()),
                }
            } else if triple {
                let span = span_at(lex, lex.span().start, start);
                LexError::UnterminatedTripleString {
                    span,
                    quotes: format!("{q}{q}{q}"),
                }
            } else {
                let span = span_at(lex, lex.span().start, lex.span().end);
                LexError::UnterminatedString {
                    span,
                    help: format!(
                        "close the string with {q} on the same line, or use a triple-quoted string ({q}{q}{q}) for several lines"
                    ),
                }
            };
            lex.extras.errors.push(error);
            Err(LexErrorKind::Reported)
        }
    }
}

pub fn string(lex: &mut Lex<'_>, kind: StrKind) -> Result<String, LexErrorKind> {
    let (offset, len) = scan_body(lex, false)?;
    let text = &lex.source()[offset..offset + len];
    if kind.raw {
        return Ok(text.to_string());
    }
    let base = lex.extras.base + offset as u32;
    Ok(decode(text, base, &mut lex.extras.errors))
}

/// Decodes backslash escapes, reporting bad ones and keeping them literally.
pub(crate) fn decode(text: &str, base: u32, errors: &mut Vec<LexError>) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let at = base + (text.len() - rest.len() + pos) as u32;
        let (decoded, used) = escape(&rest[pos..], at, errors);
        if let Some(c) = decoded {
            out.push(c);
        }
        rest = &rest[pos + used..];
    }
    out.push_str(rest);
    out
}

/// Decodes one escape at the start of `s` (which begins with a backslash).
/// Returns the character (None for a line continuation) and bytes consumed.
fn escape(s: &str, at: u32, errors: &mut Vec<LexError>) -> (Option<char>, usize) {
    let mut chars = s[1..].chars();
    let Some(c) = chars.next() else {
        return (Some('\\'), 1);
    };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '\'' => Some('\''),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        '\n' => return (None, 2),
        '\r' if s[2..].starts_with('\n') => return (None, 3),
        _ => None,
    };
    if let Some(ch) = simple {
        return (Some(ch), 2);
    }
    let hex_escape = |len: usize| -> Option<(u32, usize)> {
        let digits = s.get(2..2 + len)?;
        if digits.len() == len && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            u32::from_str_radix(digits, 16).ok().map(|v| (v, 2 + len))
        } else {
            None
        }
    };
    let code = match c {
        'x' => hex_escape(2),
        'u' if s[2..].starts_with('{') => {
            let close = s[3..].find('}').map(|i| i + 3);
            match close {
                Some(end)
                    if (4..=9).contains(&end)
                        && s[3..end].bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    u32::from_str_radix(&s[3..end], 16)
                        .ok()
                        .map(|v| (v, end + 1))
                }
                _ => {
                    let used = close.map_or(3, |e| e + 1).min(s.len());
                    errors.push(LexError::BadUnicodeEscape {
                        span: Span::new(at, at + used as u32),
                        escape: s[..used].to_string(),
                        reason: "expected 1 to 6 hex digits between the braces".into(),
                    });
                    return (Some('\u{FFFD}'), used);
                }
            }
        }
        'u' => hex_escape(4),
        'U' => hex_escape(8),
        _ => None,
    };
    match code {
        Some((value, used)) => match char::from_u32(value) {
            Some(ch) => (Some(ch), used),
            None => {
                errors.push(LexError::BadUnicodeEscape {
                    span: Span::new(at, at + used as u32),
                    escape: s[..used].to_string(),
                    reason: format!("{value:X} is not a Unicode scalar value"),
                });
                (Some('\u{FFFD}'), used)
            }
        },
        None => {
            let used = 1 + c.len_utf8();
            errors.push(LexError::BadEscape {
                span: Span::new(at, at + used as u32),
                escape: s[..used].to_string(),
            });
            // Keep the text as written, as Python does for unknown escapes.
            (Some('\\'), 1)
        }
    }
}

pub fn fstring<'s>(lex: &mut Lex<'s>, raw: bool) -> Result<FString<'s>, LexErrorKind> {
    let (offset, len) = scan_body(lex, true)?;
    let text: &'s str = &lex.source()[offset..offset + len];
    let base = lex.extras.base + offset as u32;
    let depth = lex.extras.depth;
    let mut errors = std::mem::take(&mut lex.extras.errors);
    let mut extents = std::mem::take(&mut lex.extras.extents);
    let mut floor = std::mem::take(&mut lex.extras.floor_comments);
    let parts = fstring_parts(
        text,
        base,
        raw,
        depth,
        &mut errors,
        &mut floor,
        &mut extents,
    );
    lex.extras.errors = errors;
    lex.extras.extents = extents;
    lex.extras.floor_comments = floor;
    Ok(FString { parts })
}

/// Reports an f-string nested deeper than the limit (once per f-string at
/// the limit; what is inside it is not lexed).
fn too_deep(errors: &mut Vec<LexError>, span: Span) {
    errors.push(LexError::TooDeep {
        span,
        what: "f-strings",
        limit: crate::MAX_DEPTH,
    });
}

fn fstring_error(
    errors: &mut Vec<LexError>,
    span: Span,
    message: &str,
    label: &str,
    help: Option<&str>,
) {
    errors.push(LexError::BadFString {
        span,
        message: message.to_string(),
        label: label.to_string(),
        help: help.map(str::to_string),
    });
}

/// Splits an f-string body (or a format spec) into literal text and fields;
/// `depth` fields enclose it.
fn fstring_parts<'s>(
    text: &'s str,
    base: u32,
    raw: bool,
    depth: usize,
    errors: &mut Vec<LexError>,
    floor: &mut Vec<Span>,
    extents: &mut Extents,
) -> Vec<FPart<'s>> {
    let mut parts = Vec::new();
    let mut lit_start = 0;
    let mut lit = String::new();
    let b = text.as_bytes();
    let mut i = 0;
    let flush = |lit: &mut String, piece: &str, at: usize, errors: &mut Vec<LexError>| {
        if raw {
            lit.push_str(piece);
        } else {
            lit.push_str(&decode(piece, base + at as u32, errors));
        }
    };
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                flush(&mut lit, &text[lit_start..i], lit_start, errors);
                lit.push('{');
                i += 2;
                lit_start = i;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                flush(&mut lit, &text[lit_start..i], lit_start, errors);
                lit.push('}');
                i += 2;
                lit_start = i;
            }
            b'}' => {
                let at = base + i as u32;
                fstring_error(
                    errors,
                    Span::new(at, at + 1),
                    "single `}` is not allowed",
                    "lone `}`",
                    Some("write `}}` for a literal brace"),
                );
                i += 1;
            }
            b'\\' if !raw => i += escape_len(b, i),
            b'{' => {
                flush(&mut lit, &text[lit_start..i], lit_start, errors);
                let end = skip_field(b, base, i, true, depth + 1, extents).unwrap_or(b.len());
                if !lit.is_empty() {
                    parts.push(FPart::Lit(std::mem::take(&mut lit)));
                }
                let closed = b.get(end.wrapping_sub(1)) == Some(&b'}') && end > i + 1;
                let inner_end = if closed { end - 1 } else { end };
                if !closed {
                    let at = base + i as u32;
                    fstring_error(
                        errors,
                        Span::new(at, at + 1),
                        "unclosed `{`",
                        "this replacement field is never closed",
                        Some("close it with `}`, or write `{{` for a literal brace"),
                    );
                } else if depth >= crate::MAX_DEPTH {
                    let at = base + i as u32;
                    too_deep(errors, Span::new(at, at + 1));
                } else if let Some(field) = field(
                    &text[i + 1..inner_end],
                    base + i as u32 + 1,
                    depth + 1,
                    errors,
                    floor,
                    extents,
                ) {
                    parts.push(FPart::Expr(field));
                }
                i = end;
                lit_start = i;
            }
            _ => i += 1,
        }
    }
    flush(
        &mut lit,
        &text[lit_start.min(text.len())..],
        lit_start,
        errors,
    );
    if !lit.is_empty() {
        parts.push(FPart::Lit(lit));
    }
    parts
}

/// Parses `expr[=][!conv][:spec]`, the inside of one replacement field
/// that is the `nesting`-th enclosing what it holds.
fn field<'s>(
    text: &'s str,
    base: u32,
    nesting: usize,
    errors: &mut Vec<LexError>,
    floor: &mut Vec<Span>,
    extents: &mut Extents,
) -> Option<FExpr<'s>> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut expr_end = b.len();
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' | b'\'' => {
                if let Ok(end) = skip_string(b, base, i, nesting, extents) {
                    i = end;
                    continue;
                }
            }
            b'!' if depth == 0 && b.get(i + 1) != Some(&b'=') => {
                expr_end = i;
                break;
            }
            b':' if depth == 0 => {
                expr_end = i;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let mut expr = &text[..expr_end];
    let mut debug_text = None;
    let trimmed = expr.trim_end();
    if trimmed.ends_with('=')
        && !["==", "!=", "<=", ">="]
            .iter()
            .any(|op| trimmed.ends_with(op))
    {
        debug_text = Some(expr.to_string());
        expr = &trimmed[..trimmed.len() - 1];
    }
    let span_all = Span::new(base, base + text.len() as u32);
    if expr.trim().is_empty() {
        fstring_error(
            errors,
            Span::new(base - 1, base + text.len() as u32 + 1),
            "empty expression",
            "nothing between the braces",
            Some("put an expression inside `{}`, or write `{{` and `}}` for literal braces"),
        );
        return None;
    }
    let mut conversion = None;
    let mut rest = &text[expr_end..];
    if let Some(after) = rest.strip_prefix('!') {
        let conv = after.chars().next();
        match conv {
            Some(c @ ('r' | 's' | 'a')) => conversion = Some(c),
            _ => {
                fstring_error(
                    errors,
                    span_all,
                    "bad conversion",
                    "expected `!r`, `!s` or `!a`",
                    Some(
                        "`!` in a replacement field introduces a conversion; write `!=` to compare",
                    ),
                );
                return None;
            }
        }
        rest = &after[1..];
        if !rest.is_empty() && !rest.starts_with(':') {
            fstring_error(
                errors,
                span_all,
                "bad conversion",
                "expected `:` or `}` after the conversion",
                None,
            );
            return None;
        }
    }
    // Fields nest (a spec holds fields, an expression holds f-strings): each
    // level recurses, within the nesting limit, on a stack that grows.
    let spec = rest.strip_prefix(':').map(|spec| {
        let spec_base = base + (text.len() - spec.len()) as u32;
        FString {
            parts: pyro_source::stack::grow(|| {
                fstring_parts(spec, spec_base, true, nesting, errors, floor, extents)
            }),
        }
    });
    let (tokens, mut inner_errors, mut inner_floor) =
        pyro_source::stack::grow(|| crate::fragment(expr, base, nesting, extents));
    errors.append(&mut inner_errors);
    floor.append(&mut inner_floor);
    Some(FExpr {
        tokens,
        lo: base,
        hi: base + expr.len() as u32,
        conversion,
        spec,
        debug_text,
    })
}
