//! `int(s)` / `int(s, base)` and `float(s)` text parsing with CPython 3.11's
//! rules and error messages (ports of `PyLong_FromUnicodeObject` /
//! `PyLong_FromString` and `PyFloat_FromString` / `_PyOS_ascii_strtod`).
//!
//! As in CPython the input is first transformed to ASCII: non-ASCII
//! whitespace becomes a space and non-ASCII decimal digits (`"١٢٣"`, `"１２"`)
//! become ASCII digits. Pyro ints are 64-bit, so values outside `i64` are an
//! error rather than a big integer.

use super::chars;
use super::methods::python_repr;

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`.
fn to_ascii(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c as u8
            } else if chars::is_space(c) {
                b' '
            } else {
                match chars::decimal_value(c) {
                    Some(d) => b'0' + d as u8,
                    None => b'?',
                }
            }
        })
        .collect()
}

/// C's `isspace` in the C locale (CPython's `Py_ISSPACE`).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `bytes` without leading and trailing ASCII whitespace.
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_space(b))
        .map_or(start, |e| e + 1);
    bytes.get(start..end).unwrap_or(&[])
}

/// The first `n` characters of `s` (CPython's `%.200R` truncation).
fn truncate(s: String, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((b, _)) => s.get(..b).unwrap_or(&s).to_string(),
        None => s,
    }
}

/// Value of an ASCII digit or letter as a digit (`'z'` is 35), or 99.
fn digit_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'a'..=b'z' => u32::from(b - b'a') + 10,
        b'A'..=b'Z' => u32::from(b - b'A') + 10,
        _ => 99,
    }
}

/// Number parsing like Python's int(s) / int(s, base) and float(s): surrounding whitespace
/// allowed, underscores between digits allowed, "+"/"-" sign; base 0 means infer from 0x/0o/0b
/// prefix; Err(message) like Python's ValueError text: "invalid literal for int() with base 10: 'x'"
/// (message uses Python's repr with single quotes there, exactly as Python prints it).
/// Values outside i64 are Err("int too large to convert: ...") — wording your choice, but clear.
///
/// The exact overflow message is `int too large to convert: '<repr>'` (the
/// value does not fit in a 64-bit Pyro int). A base other than 0 or 2..=36
/// gives Python's "int() base must be >= 2 and <= 36, or 0".
pub fn parse_int(s: &str, base: u32) -> Result<i64, String> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err("int() base must be >= 2 and <= 36, or 0".to_string());
    }
    let invalid = || {
        format!(
            "invalid literal for int() with base {base}: {}",
            truncate(python_repr(s), 200)
        )
    };
    let buf = to_ascii(s);
    let at = |i: usize| buf.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while is_ascii_space(at(i)) {
        i += 1;
    }
    let mut negative = false;
    if at(i) == b'+' {
        i += 1;
    } else if at(i) == b'-' {
        negative = true;
        i += 1;
    }
    let mut radix = base;
    let mut error_if_nonzero = false;
    if base == 0 {
        radix = if at(i) != b'0' {
            10
        } else {
            match at(i + 1) {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => {
                    error_if_nonzero = true;
                    10
                }
            }
        };
    }
    if at(i) == b'0' {
        let p = at(i + 1).to_ascii_lowercase();
        if (radix == 16 && p == b'x') || (radix == 8 && p == b'o') || (radix == 2 && p == b'b') {
            i += 2;
            if at(i) == b'_' {
                i += 1;
            }
        }
    }
    if at(i) == b'_' {
        return Err(invalid());
    }
    let limit = u128::from(i64::MAX.unsigned_abs()) + 1;
    let mut value: u128 = 0;
    let mut digits = 0usize;
    let mut prev = 0u8;
    loop {
        let b = at(i);
        if b == b'_' {
            if prev == b'_' {
                return Err(invalid());
            }
        } else if digit_value(b) < radix {
            digits += 1;
            value = (value * u128::from(radix) + u128::from(digit_value(b))).min(limit * 64);
        } else {
            break;
        }
        prev = b;
        i += 1;
    }
    if prev == b'_' || digits == 0 {
        return Err(invalid());
    }
    while is_ascii_space(at(i)) {
        i += 1;
    }
    if i != buf.len() || (error_if_nonzero && value != 0) {
        return Err(invalid());
    }
    let max = if negative { limit } else { limit - 1 };
    if value > max {
        return Err(format!(
            "int too large to convert: {}",
            truncate(python_repr(s), 200)
        ));
    }
    let magnitude = i128::try_from(value).unwrap_or(0);
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| format!("int too large to convert: {}", python_repr(s)))
}

/// float("1.5"), float(" -2e3 "), "inf", "-infinity", "nan" (case-insensitive) like Python.
///
/// Errors are Python's `could not convert string to float: '<repr>'`.
/// Out-of-range magnitudes become `inf` or `0.0`, as in Python.
pub fn parse_float(s: &str) -> Result<f64, String> {
    let invalid = || format!("could not convert string to float: {}", python_repr(s));
    let buf = to_ascii(s);
    let text = trim(&buf);
    // Underscores are allowed only between digits (PEP 515).
    let mut cleaned: Vec<u8> = Vec::with_capacity(text.len());
    let mut prev = 0u8;
    for &b in text {
        if b == b'_' {
            if !prev.is_ascii_digit() {
                return Err(invalid());
            }
        } else {
            if prev == b'_' && !b.is_ascii_digit() {
                return Err(invalid());
            }
            cleaned.push(b);
        }
        prev = b;
    }
    if prev == b'_' {
        return Err(invalid());
    }
    let (negative, body) = match cleaned.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, cleaned.as_slice()),
    };
    let special = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        Some(f64::INFINITY)
    } else if body.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else {
        None
    };
    if let Some(v) = special {
        return Ok(if negative { -v } else { v });
    }
    if !is_decimal_literal(body) {
        return Err(invalid());
    }
    let literal = std::str::from_utf8(&cleaned).map_err(|_| invalid())?;
    literal.parse::<f64>().map_err(|_| invalid())
}

/// `digits [. digits] [(e|E) [+|-] digits]` with at least one mantissa digit.
fn is_decimal_literal(body: &[u8]) -> bool {
    let mut i = 0;
    let count_digits = |from: usize| {
        body.iter()
            .skip(from)
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_digits = count_digits(i);
    i += int_digits;
    let mut frac_digits = 0;
    if body.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(i);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(body.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = count_digits(i);
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == body.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_parsing_matches_python() {
        // Expected values from python3.11 int(s, base).
        assert_eq!(parse_int(" 1_000 ", 10), Ok(1000));
        assert_eq!(parse_int(" 1_000 ", 16), Ok(4096));
        assert_eq!(parse_int("-42", 10), Ok(-42));
        assert_eq!(parse_int("+7", 0), Ok(7));
        assert_eq!(parse_int("0x_ff", 0), Ok(255));
        assert_eq!(parse_int("0XFF", 16), Ok(255));
        assert_eq!(parse_int("ff", 16), Ok(255));
        assert_eq!(parse_int("0o17", 0), Ok(15));
        assert_eq!(parse_int("0b1010", 0), Ok(10));
        assert_eq!(parse_int("0b102", 16), Ok(45314));
        assert_eq!(parse_int("0_0", 0), Ok(0));
        assert_eq!(parse_int("000", 0), Ok(0));
        assert_eq!(parse_int("010", 10), Ok(10));
        assert_eq!(parse_int("z", 36), Ok(35));
        assert_eq!(parse_int("١٢٣", 10), Ok(123));
        assert_eq!(parse_int("１２３", 16), Ok(291));
        assert_eq!(parse_int("\u{3000}12\u{a0}", 10), Ok(12));
        assert_eq!(parse_int("9223372036854775807", 10), Ok(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 10), Ok(i64::MIN));
    }

    #[test]
    fn int_errors_match_python() {
        let e = |s: &str, b: u32| parse_int(s, b).unwrap_err();
        assert_eq!(e("0xg", 0), "invalid literal for int() with base 0: '0xg'");
        assert_eq!(e("0x", 16), "invalid literal for int() with base 16: '0x'");
        assert_eq!(e("-", 10), "invalid literal for int() with base 10: '-'");
        assert_eq!(e("", 10), "invalid literal for int() with base 10: ''");
        assert_eq!(e("010", 0), "invalid literal for int() with base 0: '010'");
        assert_eq!(
            e("0b102", 0),
            "invalid literal for int() with base 0: '0b102'"
        );
        assert_eq!(
            e("\x1c1", 10),
            "invalid literal for int() with base 10: '\\x1c1'"
        );
        assert_eq!(
            e("1\u{2000}2", 10),
            "invalid literal for int() with base 10: '1\\u20002'"
        );
        assert_eq!(
            e("1__0", 10),
            "invalid literal for int() with base 10: '1__0'"
        );
        assert_eq!(e("_1", 10), "invalid literal for int() with base 10: '_1'");
        assert_eq!(e("1_", 10), "invalid literal for int() with base 10: '1_'");
        assert_eq!(
            e("- 1", 10),
            "invalid literal for int() with base 10: '- 1'"
        );
        assert_eq!(
            e("1.5", 10),
            "invalid literal for int() with base 10: '1.5'"
        );
        assert_eq!(
            e("it's", 10),
            "invalid literal for int() with base 10: \"it's\""
        );
        assert_eq!(e("1", 1), "int() base must be >= 2 and <= 36, or 0");
        assert_eq!(e("1", 37), "int() base must be >= 2 and <= 36, or 0");
        // The repr is cut to 200 characters as by CPython's %.200R.
        let long = "x".repeat(300);
        let msg = e(&long, 10);
        assert_eq!(
            msg.len(),
            "invalid literal for int() with base 10: ".len() + 200
        );
        assert!(e("9223372036854775808", 10).starts_with("int too large to convert: "));
        assert!(e("-9223372036854775809", 0).starts_with("int too large to convert: "));
        assert!(e(&"9".repeat(100), 10).starts_with("int too large"));
    }

    #[test]
    fn float_parsing_matches_python() {
        // Expected values from python3.11 float(s).
        assert_eq!(parse_float("1.5"), Ok(1.5));
        assert_eq!(parse_float(" -2e3 "), Ok(-2000.0));
        assert_eq!(parse_float("1_000.5"), Ok(1000.5));
        assert_eq!(parse_float("1e1_0"), Ok(1e10));
        assert_eq!(parse_float("1.5e+0_1"), Ok(15.0));
        assert_eq!(parse_float("1."), Ok(1.0));
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("+.5e-3"), Ok(0.0005));
        assert_eq!(parse_float("１.５"), Ok(1.5));
        assert_eq!(parse_float("\u{a0}1.5\u{3000}"), Ok(1.5));
        assert_eq!(parse_float("1e999"), Ok(f64::INFINITY));
        assert_eq!(parse_float("1e-999"), Ok(0.0));
        assert_eq!(parse_float(" -iNfInity "), Ok(f64::NEG_INFINITY));
        assert_eq!(parse_float("inf"), Ok(f64::INFINITY));
        assert!(parse_float("nan").is_ok_and(f64::is_nan));
        assert!(parse_float("-NaN").is_ok_and(f64::is_nan));
        assert_eq!(parse_float("0.1"), Ok(0.1));
        assert_eq!(
            parse_float("2.2250738585072014e-308"),
            Ok(2.2250738585072014e-308)
        );
    }

    #[test]
    fn float_errors_match_python() {
        let e = |s: &str| parse_float(s).unwrap_err();
        for bad in [
            "", " ", "1__0", "_1", "1_", "1_.5", "1._5", "in_f", "1e", ".", "0x1p3", "1.5\0",
            "--1", "1e+", "infinit", "nan1", "1 2", "e5",
        ] {
            assert_eq!(
                e(bad),
                format!("could not convert string to float: {}", python_repr(bad))
            );
        }
        assert_eq!(e("1.5\0"), "could not convert string to float: '1.5\\x00'");
        assert_eq!(e("abc"), "could not convert string to float: 'abc'");
    }
}
