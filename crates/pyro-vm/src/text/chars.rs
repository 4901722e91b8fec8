//! Per-character Unicode helpers that reproduce CPython 3.11's character
//! database (Unicode 14.0).
//!
//! Classification (`isalpha`, `isdigit`, `isspace`, ...) uses the generated
//! tables in `tables.rs`. Case mappings use Rust's `char::to_uppercase` /
//! `char::to_lowercase` (full mappings, same as Python's), restricted to the
//! characters Python 3.11 knows (anything Python reports as unprintable, which
//! includes every code point unassigned in Unicode 14, has no case) and
//! corrected for the handful of characters whose case properties changed in
//! later Unicode versions.

use super::tables;
use std::cmp::Ordering;

/// Whether `c` lies in one of the sorted inclusive ranges of `table`.
fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// Python's `c.isalpha()` (categories Lu, Ll, Lt, Lm, Lo).
pub(super) fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_table(tables::ALPHA, c)
}

/// Python's `c.isdecimal()` (category Nd).
pub(super) fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(tables::DECIMAL, c)
}

/// Python's `c.isdigit()`.
pub(super) fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(tables::DIGIT, c)
}

/// Python's `c.isnumeric()`.
pub(super) fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_table(tables::NUMERIC, c)
}

/// Python's `c.isalnum()`.
pub(super) fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

/// Python's `c.isspace()` (also the separator set of `split()` / `strip()`).
pub(super) fn is_space(c: char) -> bool {
    in_table(tables::SPACE, c)
}

/// Python's `c.isprintable()`.
pub(super) fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    in_table(tables::PRINTABLE, c)
}

/// XID_Start or underscore: a valid first character of an identifier.
pub(super) fn is_xid_start(c: char) -> bool {
    in_table(tables::XID_START, c)
}

/// XID_Continue: a valid later character of an identifier.
pub(super) fn is_xid_continue(c: char) -> bool {
    in_table(tables::XID_CONTINUE, c)
}

/// Category Lt (titlecase letter such as `ǅ`).
pub(super) fn is_titlecase(c: char) -> bool {
    in_table(tables::TITLECASE, c)
}

/// Case_Ignorable, used by the Final_Sigma rule.
fn is_case_ignorable(c: char) -> bool {
    in_table(tables::CASE_IGNORABLE, c)
}

/// The value 0-9 of a Unicode decimal digit (Python's `unicodedata.decimal`).
pub(super) fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return c.to_digit(10);
    }
    let cp = c as u32;
    let idx = tables::DECIMAL
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .ok()?;
    let (lo, _) = tables::DECIMAL.get(idx)?;
    Some((cp - lo) % 10)
}

/// Lowercase letters that gained an uppercase mapping after Unicode 14.
const NO_UPPER_IN_PY311: [char; 4] = ['\u{19b}', '\u{264}', '\u{a7d3}', '\u{a7d5}'];
/// Characters that lost the Lowercase property after Unicode 14.
const LOWER_IN_PY311: [char; 1] = ['\u{295}'];
/// Characters that gained the Lowercase property after Unicode 14.
const NOT_LOWER_IN_PY311: [char; 5] = ['\u{10fc}', '\u{a7f2}', '\u{a7f3}', '\u{a7f4}', '\u{ab69}'];

/// Whether Python 3.11 may consider `c` cased at all (assigned and graphic).
fn known(c: char) -> bool {
    c.is_ascii() || is_printable(c)
}

/// Python's Uppercase property (`Py_UNICODE_ISUPPER`).
pub(super) fn is_upper(c: char) -> bool {
    c.is_uppercase() && known(c)
}

/// Python's Lowercase property (`Py_UNICODE_ISLOWER`).
pub(super) fn is_lower(c: char) -> bool {
    if LOWER_IN_PY311.contains(&c) {
        return true;
    }
    c.is_lowercase() && known(c) && !NOT_LOWER_IN_PY311.contains(&c)
}

/// Python's Cased property: Lowercase, Uppercase or titlecase letter.
pub(super) fn is_cased(c: char) -> bool {
    is_upper(c) || is_lower(c) || is_titlecase(c)
}

/// Appends Python's full uppercase mapping of `c`.
pub(super) fn push_upper(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else if !known(c) || NO_UPPER_IN_PY311.contains(&c) {
        out.push(c);
    } else {
        out.extend(c.to_uppercase());
    }
}

/// Appends Python's full titlecase mapping of `c`.
pub(super) fn push_title(out: &mut String, c: char) {
    let cp = c as u32;
    match tables::TITLE_MAP.binary_search_by_key(&cp, |&(k, _)| k) {
        Ok(idx) => match tables::TITLE_MAP.get(idx) {
            Some((_, t)) => out.push_str(t),
            None => push_upper(out, c),
        },
        Err(_) => push_upper(out, c),
    }
}

/// Appends Python's full lowercase mapping of the character at index `i` of
/// `chars`, applying the Final_Sigma rule to U+03A3 as `str.lower` does.
pub(super) fn push_lower_at(out: &mut String, chars: &[char], i: usize) {
    let Some(&c) = chars.get(i) else { return };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == '\u{3a3}' {
        out.push(if final_sigma(chars, i) {
            '\u{3c2}'
        } else {
            '\u{3c3}'
        });
    } else if !known(c) {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// CPython's `handle_capital_sigma`: is the sigma at `i` word-final?
fn final_sigma(chars: &[char], i: usize) -> bool {
    let before = chars.get(..i).unwrap_or(&[]);
    let prev = before.iter().rev().find(|&&c| !is_case_ignorable(c));
    if !prev.is_some_and(|&c| is_cased(c)) {
        return false;
    }
    let after = chars.get(i + 1..).unwrap_or(&[]);
    match after.iter().find(|&&c| !is_case_ignorable(c)) {
        None => true,
        Some(&c) => !is_cased(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for i in 0..chars.len() {
            push_lower_at(&mut out, &chars, i);
        }
        out
    }

    #[test]
    fn classification_matches_python() {
        // Values from python3.11: 'x'.isalpha() etc.
        assert!(is_alpha('é') && is_alpha('中') && !is_alpha('\u{93f}'));
        assert!(is_decimal('٣') && !is_decimal('²') && is_digit('²'));
        assert!(!is_digit('½') && is_numeric('½') && is_numeric('一'));
        assert!(is_space('\u{1c}') && is_space('\u{85}') && !is_space('\u{200b}'));
        assert!(!is_printable('\u{a0}') && is_printable('😀') && !is_printable('\u{378}'));
        assert_eq!(decimal_value('٣'), Some(3));
        assert_eq!(decimal_value('𝟗'), Some(9));
        assert_eq!(decimal_value('x'), None);
    }

    #[test]
    fn case_properties_match_python() {
        // '\u019b'.upper() == '\u019b' and '\u0295'.islower() in Python 3.11.
        let mut s = String::new();
        push_upper(&mut s, '\u{19b}');
        assert_eq!(s, "\u{19b}");
        assert!(is_lower('\u{295}') && !is_lower('\u{ab69}'));
        assert!(is_titlecase('ǅ') && is_cased('ǅ') && !is_cased('1'));
        let mut t = String::new();
        push_title(&mut t, 'ß');
        push_title(&mut t, 'ﬁ');
        push_title(&mut t, 'ǆ');
        assert_eq!(t, "SsFiǅ");
    }

    #[test]
    fn final_sigma_rule() {
        // 'ΟΔΟΣ ΣΑ Σ.Σ'.lower() == 'οδος σα σ.σ' ; "AΣ'".lower() == "aς'"
        assert_eq!(lower("ΟΔΟΣ ΣΑ Σ"), "οδος σα σ");
        assert_eq!(lower("AΣ'"), "aς'");
        assert_eq!(lower("A'Σ"), "a'ς");
        assert_eq!(lower("Σ"), "σ");
        assert_eq!(lower("İ"), "i\u{307}");
    }
}
