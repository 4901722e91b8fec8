//! Python's `str` methods as pure functions over `&str`.
//!
//! Every index is a character (code point) index, start/end bounds follow
//! Python's slice conventions (negative counts from the end, out-of-range is
//! clamped), and character classes and case mappings are CPython 3.11's (see
//! `chars.rs`). Number parsing (`parse_int`, `parse_float`) lives in
//! `parse.rs` and is re-exported here.

use super::chars;
use crate::alloc::{self, AllocError};

pub use super::parse::{parse_float, parse_int};

/// Number of characters in `s`.
fn char_len(s: &str) -> i64 {
    s.chars().count() as i64
}

/// Byte offset of character index `idx` (clamped to the end of `s`).
fn byte_at(s: &str, idx: i64) -> usize {
    if idx <= 0 {
        return 0;
    }
    let idx = usize::try_from(idx).unwrap_or(usize::MAX);
    if s.is_ascii() {
        return idx.min(s.len());
    }
    s.char_indices().nth(idx).map_or(s.len(), |(b, _)| b)
}

/// CPython's `ADJUST_INDICES`: resolves optional, possibly negative start/end
/// against a length. `end` is clamped to `[0, len]`, `start` only below.
fn adjust_indices(start: Option<i64>, end: Option<i64>, len: i64) -> (i64, i64) {
    let mut end = end.unwrap_or(i64::MAX);
    if end > len {
        end = len;
    } else if end < 0 {
        end = (end + len).max(0);
    }
    let mut start = start.unwrap_or(0);
    if start < 0 {
        start = (start + len).max(0);
    }
    (start, end)
}

/// The characters `start..end` of `s` (character indices, `start <= end`).
fn char_range(s: &str, start: i64, end: i64) -> &str {
    let b0 = byte_at(s, start);
    let b1 = byte_at(s, end);
    s.get(b0..b1).unwrap_or("")
}

/// Python's `str.upper()` (full Unicode mappings: `"ß"` becomes `"SS"`).
pub fn upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        chars::push_upper(&mut out, c);
    }
    out
}

/// Python's `str.lower()`, including the final-sigma rule (`"ΟΔΟΣ"` → `"οδος"`).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..cs.len() {
        chars::push_lower_at(&mut out, &cs, i);
    }
    out
}

/// Python's `str.capitalize()`: first character titlecased, the rest lowercased.
pub fn capitalize(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in cs.iter().enumerate() {
        if i == 0 {
            chars::push_title(&mut out, c);
        } else {
            chars::push_lower_at(&mut out, &cs, i);
        }
    }
    out
}

/// Python's `str.title()`: titlecase after uncased characters, lowercase after cased ones.
pub fn title(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for (i, &c) in cs.iter().enumerate() {
        if previous_is_cased {
            chars::push_lower_at(&mut out, &cs, i);
        } else {
            chars::push_title(&mut out, c);
        }
        previous_is_cased = chars::is_cased(c);
    }
    out
}

/// Python's `str.swapcase()`.
pub fn swapcase(s: &str) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in cs.iter().enumerate() {
        if chars::is_upper(c) {
            chars::push_lower_at(&mut out, &cs, i);
        } else if chars::is_lower(c) {
            chars::push_upper(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is stripped: whitespace for `None`, else a member of the set.
fn strip_pred(chars_opt: Option<&str>) -> impl Fn(char) -> bool + '_ {
    move |c| match chars_opt {
        None => chars::is_space(c),
        Some(set) => set.contains(c),
    }
}

/// Python's `str.strip(chars)`; `None` strips whitespace.
pub fn strip(s: &str, chars: Option<&str>) -> String {
    s.trim_matches(strip_pred(chars)).to_string()
}

/// Python's `str.lstrip(chars)`; `None` strips whitespace.
pub fn lstrip(s: &str, chars: Option<&str>) -> String {
    s.trim_start_matches(strip_pred(chars)).to_string()
}

/// Python's `str.rstrip(chars)`; `None` strips whitespace.
pub fn rstrip(s: &str, chars: Option<&str>) -> String {
    s.trim_end_matches(strip_pred(chars)).to_string()
}

/// Python's `str.split(sep, maxsplit)`.
/// sep None = split on runs of whitespace (Python). maxsplit < 0 = no limit.
/// Err("empty separator") for Some("").
pub fn split(s: &str, sep: Option<&str>, maxsplit: i64) -> Result<Vec<String>, String> {
    let limit = if maxsplit < 0 {
        usize::MAX
    } else {
        usize::try_from(maxsplit).unwrap_or(usize::MAX)
    };
    match sep {
        Some("") => Err("empty separator".to_string()),
        Some(sep) => Ok(s
            .splitn(limit.saturating_add(1), sep)
            .map(str::to_string)
            .collect()),
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_start_matches(chars::is_space);
            while !rest.is_empty() {
                if out.len() >= limit {
                    out.push(rest.to_string());
                    break;
                }
                let end = rest.find(chars::is_space).unwrap_or(rest.len());
                out.push(rest.get(..end).unwrap_or("").to_string());
                rest = rest
                    .get(end..)
                    .unwrap_or("")
                    .trim_start_matches(chars::is_space);
            }
            Ok(out)
        }
    }
}

/// Python's `str.rsplit(sep, maxsplit)`: like [`split`] but splitting from the right.
pub fn rsplit(s: &str, sep: Option<&str>, maxsplit: i64) -> Result<Vec<String>, String> {
    let limit = if maxsplit < 0 {
        usize::MAX
    } else {
        usize::try_from(maxsplit).unwrap_or(usize::MAX)
    };
    let mut out: Vec<String> = match sep {
        Some("") => return Err("empty separator".to_string()),
        Some(sep) => s
            .rsplitn(limit.saturating_add(1), sep)
            .map(str::to_string)
            .collect(),
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_end_matches(chars::is_space);
            while !rest.is_empty() {
                if out.len() >= limit {
                    out.push(rest.to_string());
                    break;
                }
                let start = rest
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| chars::is_space(c))
                    .map_or(0, |(b, c)| b + c.len_utf8());
                out.push(rest.get(start..).unwrap_or("").to_string());
                rest = rest
                    .get(..start)
                    .unwrap_or("")
                    .trim_end_matches(chars::is_space);
            }
            out
        }
    };
    out.reverse();
    Ok(out)
}

/// Python's line boundaries for `splitlines`.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{b}'
            | '\u{c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Python's `str.splitlines(keepends)`; `"\r\n"` counts as one line break.
pub fn splitlines(s: &str, keepends: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let Some(pos) = rest.find(is_line_break) else {
            out.push(rest.to_string());
            break;
        };
        let tail = rest.get(pos..).unwrap_or("");
        let brk = if tail.starts_with("\r\n") {
            2
        } else {
            tail.chars().next().map_or(1, char::len_utf8)
        };
        let end = if keepends { pos + brk } else { pos };
        out.push(rest.get(..end).unwrap_or("").to_string());
        rest = rest.get(pos + brk..).unwrap_or("");
    }
    out
}

/// Python's `str.replace(old, new, count)`.
/// count < 0 = all; old "" behaves like Python (inserts `new` around every
/// character). The result's size is computed first (it can be far larger
/// than `s`), so a result too large to allocate is a clean error.
pub fn replace(s: &str, old: &str, new: &str, count: i64) -> Result<String, AllocError> {
    let limit = if count < 0 {
        usize::MAX
    } else {
        usize::try_from(count).unwrap_or(usize::MAX)
    };
    let matches = s.match_indices(old).take(limit).count() as u128;
    let bytes = s.len() as u128 + matches * new.len() as u128 - matches * old.len() as u128;
    let chars =
        char_len(s) as u128 + matches * char_len(new) as u128 - matches * char_len(old) as u128;
    if chars > i64::MAX as u128 {
        return Err(AllocError::TooLong("replace() result is too long"));
    }
    let size = usize::try_from(bytes).map_err(|_| AllocError::OutOfMemory { bytes })?;
    let mut out = alloc::string(size)?;
    let mut last = 0;
    for (at, found) in s.match_indices(old).take(limit) {
        out.push_str(s.get(last..at).unwrap_or(""));
        out.push_str(new);
        last = at + found.len();
    }
    out.push_str(s.get(last..).unwrap_or(""));
    Ok(out)
}

/// Python's `str.find(sub, start, end)`: lowest character index of `sub`, or -1 if absent.
pub fn find(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (start, end) = adjust_indices(start, end, char_len(s));
    if end - start < char_len(sub) {
        return -1;
    }
    let hay = char_range(s, start, end);
    hay.find(sub)
        .map_or(-1, |b| start + char_len(hay.get(..b).unwrap_or("")))
}

/// Python's `str.rfind(sub, start, end)`: highest character index of `sub`, or -1.
pub fn rfind(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (start, end) = adjust_indices(start, end, char_len(s));
    if end - start < char_len(sub) {
        return -1;
    }
    let hay = char_range(s, start, end);
    hay.rfind(sub)
        .map_or(-1, |b| start + char_len(hay.get(..b).unwrap_or("")))
}

/// Python's `str.count(sub, start, end)`: non-overlapping occurrences.
pub fn count(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let (start, end) = adjust_indices(start, end, char_len(s));
    if end - start < char_len(sub) {
        return 0;
    }
    if sub.is_empty() {
        return end - start + 1;
    }
    char_range(s, start, end).matches(sub).count() as i64
}

/// Python's `str.startswith(prefix, start, end)`.
pub fn starts_with(s: &str, prefix: &str, start: Option<i64>, end: Option<i64>) -> bool {
    let (start, end) = adjust_indices(start, end, char_len(s));
    if end - char_len(prefix) < start {
        return false;
    }
    char_range(s, start, end).starts_with(prefix)
}

/// Python's `str.endswith(suffix, start, end)`.
pub fn ends_with(s: &str, suffix: &str, start: Option<i64>, end: Option<i64>) -> bool {
    let (start, end) = adjust_indices(start, end, char_len(s));
    if end - char_len(suffix) < start {
        return false;
    }
    char_range(s, start, end).ends_with(suffix)
}

/// True when `s` is non-empty and every character satisfies `pred`.
fn all_nonempty(s: &str, pred: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(pred)
}

/// Python's `str.isdigit()` (false for "").
pub fn is_digit(s: &str) -> bool {
    all_nonempty(s, chars::is_digit)
}

/// Python's `str.isdecimal()` (false for "").
pub fn is_decimal(s: &str) -> bool {
    all_nonempty(s, chars::is_decimal)
}

/// Python's `str.isnumeric()` (false for "").
pub fn is_numeric(s: &str) -> bool {
    all_nonempty(s, chars::is_numeric)
}

/// Python's `str.isalpha()` (false for "").
pub fn is_alpha(s: &str) -> bool {
    all_nonempty(s, chars::is_alpha)
}

/// Python's `str.isalnum()` (false for "").
pub fn is_alnum(s: &str) -> bool {
    all_nonempty(s, chars::is_alnum)
}

/// Python's `str.isspace()` (false for "").
pub fn is_space(s: &str) -> bool {
    all_nonempty(s, chars::is_space)
}

/// Python's `str.isupper()`: at least one cased character and no lowercase or titlecase one.
pub fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if chars::is_lower(c) || chars::is_titlecase(c) {
            return false;
        }
        cased |= chars::is_upper(c);
    }
    cased
}

/// Python's `str.islower()`: at least one cased character and no uppercase or titlecase one.
pub fn is_lower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if chars::is_upper(c) || chars::is_titlecase(c) {
            return false;
        }
        cased |= chars::is_lower(c);
    }
    cased
}

/// Python's `str.istitle()`: uppercase/titlecase only after uncased characters,
/// lowercase only after cased ones, and at least one cased character.
pub fn is_title(s: &str) -> bool {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in s.chars() {
        if chars::is_upper(c) || chars::is_titlecase(c) {
            if previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else if chars::is_lower(c) {
            if !previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else {
            previous_is_cased = false;
        }
    }
    cased
}

/// Python's `str.isidentifier()`: XID_Start or `_`, then XID_Continue characters.
pub fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some(first) if chars::is_xid_start(first) => it.all(chars::is_xid_continue),
        _ => false,
    }
}

/// `s` with `left` and `right` copies of `fill` around it.
/// `s` with `left` and `right` fill characters around it (none for a
/// negative count); `chars` is its length in characters.
fn padded(s: &str, chars: i64, left: i64, right: i64, fill: char) -> Result<String, AllocError> {
    let chars = usize::try_from(chars).unwrap_or(0);
    alloc::pad(s, chars, alloc::count(left), alloc::count(right), fill)
}

/// Python's `str.center(width, fill)` (including its odd-width tie rule).
pub fn center(s: &str, width: i64, fill: char) -> Result<String, AllocError> {
    let len = char_len(s);
    let marg = width.saturating_sub(len);
    if marg <= 0 {
        return Ok(s.to_string());
    }
    let left = marg / 2 + (marg & width & 1);
    padded(s, len, left, marg - left, fill)
}

/// Python's `str.ljust(width, fill)`.
pub fn ljust(s: &str, width: i64, fill: char) -> Result<String, AllocError> {
    let len = char_len(s);
    padded(s, len, 0, width.saturating_sub(len), fill)
}

/// Python's `str.rjust(width, fill)`.
pub fn rjust(s: &str, width: i64, fill: char) -> Result<String, AllocError> {
    let len = char_len(s);
    padded(s, len, width.saturating_sub(len), 0, fill)
}

/// Python's `str.zfill(width)`: pads with zeros after a leading sign.
pub fn zfill(s: &str, width: i64) -> Result<String, AllocError> {
    let len = char_len(s);
    let fill = width.saturating_sub(len);
    if fill <= 0 {
        return Ok(s.to_string());
    }
    match s.chars().next() {
        Some(sign @ ('+' | '-')) => {
            // `"000-42"`, then the sign and the first zero trade places
            // (one ASCII byte each, so nothing moves or grows).
            let mut out = padded(s, len, fill, 0, '0')?;
            let at = alloc::count(fill);
            out.replace_range(at..at + 1, "0");
            out.replace_range(..1, if sign == '-' { "-" } else { "+" });
            Ok(out)
        }
        _ => padded(s, len, fill, 0, '0'),
    }
}

/// Python's `str.partition(sep)`; Err("empty separator") for "".
pub fn partition(s: &str, sep: &str) -> Result<(String, String, String), String> {
    if sep.is_empty() {
        return Err("empty separator".to_string());
    }
    Ok(match s.split_once(sep) {
        Some((a, b)) => (a.to_string(), sep.to_string(), b.to_string()),
        None => (s.to_string(), String::new(), String::new()),
    })
}

/// Python's `str.rpartition(sep)`; Err("empty separator") for "".
pub fn rpartition(s: &str, sep: &str) -> Result<(String, String, String), String> {
    if sep.is_empty() {
        return Err("empty separator".to_string());
    }
    Ok(match s.rsplit_once(sep) {
        Some((a, b)) => (a.to_string(), sep.to_string(), b.to_string()),
        None => (String::new(), String::new(), s.to_string()),
    })
}

/// Python's `str.expandtabs(tabsize)`: columns restart after `\n` and `\r`;
/// a tabsize <= 0 removes tabs. The result's size is computed first, so a
/// huge tab size is a clean error, not a runaway allocation.
pub fn expandtabs(s: &str, tabsize: i64) -> Result<String, AllocError> {
    // Walks `s`, calling `emit(Some(c), 1)` for each character that stays
    // and `emit(None, n)` for the `n` spaces of each tab.
    fn walk(s: &str, tabsize: i64, mut emit: impl FnMut(Option<char>, u128)) {
        let mut column: u128 = 0;
        for c in s.chars() {
            if c == '\t' {
                if tabsize > 0 {
                    let size = tabsize as u128;
                    let incr = size - column % size;
                    column += incr;
                    emit(None, incr);
                }
            } else {
                emit(Some(c), 1);
                column += 1;
                if c == '\n' || c == '\r' {
                    column = 0;
                }
            }
        }
    }
    let (mut chars, mut bytes) = (0u128, 0u128);
    walk(s, tabsize, |c, n| {
        chars += n;
        bytes += c.map_or(n, |c| c.len_utf8() as u128);
    });
    if chars > i64::MAX as u128 {
        return Err(AllocError::TooLong("new string is too long"));
    }
    let size = usize::try_from(bytes).map_err(|_| AllocError::OutOfMemory { bytes })?;
    let mut out = alloc::string(size)?;
    walk(s, tabsize, |c, n| match c {
        Some(c) => out.push(c),
        None => alloc::fill_reserved(&mut out, ' ', n as usize),
    });
    Ok(out)
}

/// Python's `str.removeprefix(prefix)`.
pub fn remove_prefix(s: &str, prefix: &str) -> String {
    s.strip_prefix(prefix).unwrap_or(s).to_string()
}

/// Python's `str.removesuffix(suffix)`.
pub fn remove_suffix(s: &str, suffix: &str) -> String {
    s.strip_suffix(suffix).unwrap_or(s).to_string()
}

/// Python's repr(str) but with DOUBLE quotes by default as Pyro prints: "a", "it's",
/// and single quotes only when the string contains a double quote and no single quote
/// ('say "hi"'); escapes \\ \n \r \t, \xNN for other control chars, printable
/// non-ASCII kept as is (as Python 3 does).
///
/// When both quote kinds occur, double quotes are used and `"` is escaped.
/// Unprintable non-ASCII characters are escaped as Python does (`\xa0`,
/// `\u200b`, `\U000e0001`).
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('"') && !s.contains('\'') {
        '\''
    } else {
        '"'
    };
    quoted_repr(s, quote)
}

/// CPython's own `repr(str)` quote choice (single quotes unless the string
/// contains `'` and no `"`), used in error messages such as `int()`'s.
pub(super) fn python_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    quoted_repr(s, quote)
}

/// The body of `unicode_repr` with a chosen quote character.
fn quoted_repr(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if chars::is_printable(c) => out.push(c),
            c => {
                let cp = c as u32;
                if cp <= 0xff {
                    out.push_str(&format!("\\x{cp:02x}"));
                } else if cp <= 0xffff {
                    out.push_str(&format!("\\u{cp:04x}"));
                } else {
                    out.push_str(&format!("\\U{cp:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// CPython's `PySlice_AdjustIndices` in 128 bits: the first index and the
/// (exclusive) end of `[start:stop:step]` over `len` items, for a nonzero
/// step. Indices from the end are resolved, and bounds beyond either end
/// are clamped to it (-1 is "before the first" for a negative step).
pub fn slice_indices(start: Option<i64>, stop: Option<i64>, step: i64, len: i128) -> (i128, i128) {
    let resolve = |v: Option<i64>, default: i128| -> i128 {
        let Some(v) = v else { return default };
        let mut v = i128::from(v);
        if v < 0 {
            v += len;
            if v < 0 {
                v = if step < 0 { -1 } else { 0 };
            }
        } else if v >= len {
            v = if step < 0 { len - 1 } else { len };
        }
        v
    };
    if step < 0 {
        (resolve(start, len - 1), resolve(stop, -1))
    } else {
        (resolve(start, 0), resolve(stop, len))
    }
}

/// Character-based slicing with Python semantics (step != 0 guaranteed by caller;
/// None = default bound). Returns the selected characters.
///
/// A step of 0 (a caller bug) returns the empty string instead of panicking.
pub fn slice(s: &str, start: Option<i64>, stop: Option<i64>, step: i64) -> String {
    if step == 0 {
        return String::new();
    }
    let len = i128::from(char_len(s));
    let (start, stop) = slice_indices(start, stop, step, len);
    let step = i128::from(step);
    if step == 1 {
        let (lo, hi) = (start.clamp(0, len), stop.clamp(0, len));
        if lo >= hi {
            return String::new();
        }
        let to_i64 = |v: i128| i64::try_from(v).unwrap_or(0);
        return char_range(s, to_i64(lo), to_i64(hi)).to_string();
    }
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if let Some(&c) = usize::try_from(i).ok().and_then(|u| cs.get(u)) {
            out.push(c);
        }
        i += step;
    }
    out
}

#[cfg(test)]
#[path = "methods_tests.rs"]
mod tests;
