//! Python's format-spec mini-language (`format(value, spec)`, the part after
//! `:` in f-strings).
//!
//! This is a port of CPython 3.11's Python/formatter_unicode.c: the spec
//! parser (`parse_internal_render_format_spec`), the number layout
//! (`calc_number_widths`, `fill_number`, `_PyUnicode_InsertThousandsGrouping`)
//! and the int / float / str formatters, so padding, signs, grouping and
//! error messages come out exactly as in Python. Type names in error messages
//! are Pyro's (`int`, `float`, `string`, `bool`).

use super::chars;
use super::float::{float_repr, format_float_short, FloatStyle};
use crate::alloc::{self, AllocError};

/// A value to format with [`format_spec`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FormatArg<'a> {
    /// A Pyro `int`.
    Int(i64),
    /// A Pyro `float`.
    Float(f64),
    /// A Pyro `string`.
    Str(&'a str),
    /// A Pyro `bool`.
    Bool(bool),
}

/// Python's format(value, spec) for the standard mini-language:
/// [[fill]align][sign][z][#][0][width][grouping ,|_][.precision][type]
/// align < > ^ =; sign + - space; types: s; b c d o x X n (ints); e E f F g G n % (floats; ints are
/// converted to float for these). Default alignment: numbers right, strings left.
/// Bool formats as "true"/"false" for the empty spec or string types (Pyro prints
/// booleans lowercase) and as the integer 1/0 for numeric types. Empty spec: Int -> decimal,
/// Float -> float_repr, Str -> itself. Width and precision count characters.
/// Errors return a message suitable for a ValueError, e.g.
/// "Unknown format code 'd' for value of type float", "Invalid format specifier 'x.2'".
///
/// "String types" for a bool means the type `s` or no type at all, so
/// `format(true, ">6")` is `"  true"`. A width above 2^31 - 1 is rejected
/// (Python would run out of memory instead).
pub fn format_spec(arg: FormatArg<'_>, spec: &str) -> Result<String, FormatError> {
    match arg {
        FormatArg::Int(v) => {
            if spec.is_empty() {
                return Ok(v.to_string());
            }
            format_int(v, spec, "int")
        }
        FormatArg::Float(x) => {
            if spec.is_empty() {
                return Ok(float_repr(x));
            }
            let parsed = parse(spec, None, '>', "float")?;
            match parsed.ty {
                None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => {
                    format_float(x, &parsed)
                }
                Some(t) => invalid(unknown_code(t, "float")),
            }
        }
        FormatArg::Str(s) => format_str(s, spec, "string"),
        FormatArg::Bool(b) => {
            let text = if b { "true" } else { "false" };
            if spec.is_empty() {
                return Ok(text.to_string());
            }
            match parse(spec, None, '>', "bool")?.ty {
                None | Some('s') => format_str(text, spec, "bool"),
                Some(_) => format_int(i64::from(b), spec, "bool"),
            }
        }
    }
}

/// Thousands separators requested by the spec.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Grouping {
    None,
    Comma,
    Underscore,
    /// `_` with `b o x X`: every four digits.
    UnderscoreFour,
}

/// A parsed spec (CPython's `InternalFormatSpec`); -1 means "not given".
#[derive(Clone, Copy, Debug)]
struct Spec {
    fill: char,
    align: char,
    sign: Option<char>,
    no_neg_0: bool,
    alt: bool,
    width: i64,
    grouping: Grouping,
    precision: i64,
    ty: Option<char>,
}

/// Widths beyond this are refused instead of attempting a huge allocation.
const MAX_WIDTH: i64 = i32::MAX as i64;

/// CPython's `get_integer`: reads decimal digits (any Unicode Nd digit)
/// starting at `*pos`; returns the value and how many digits were read.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<(i64, usize), String> {
    let mut value: i64 = 0;
    let mut consumed = 0;
    while let Some(d) = chars.get(*pos).and_then(|&c| chars::decimal_value(c)) {
        let d = i64::from(d);
        if value > (i64::MAX - d) / 10 {
            return Err("Too many decimal digits in format string".to_string());
        }
        value = value * 10 + d;
        *pos += 1;
        consumed += 1;
    }
    Ok((value, consumed))
}

/// CPython's `parse_internal_render_format_spec`.
fn parse(
    spec: &str,
    default_type: Option<char>,
    default_align: char,
    type_name: &str,
) -> Result<Spec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let is_align = |c: Option<char>| matches!(c, Some('<' | '>' | '=' | '^'));
    let mut out = Spec {
        fill: ' ',
        align: default_align,
        sign: None,
        no_neg_0: false,
        alt: false,
        width: -1,
        grouping: Grouping::None,
        precision: -1,
        ty: default_type,
    };
    let mut pos = 0;
    let mut fill_specified = false;
    let mut align_specified = false;
    if is_align(at(1)) {
        out.fill = at(0).unwrap_or(' ');
        out.align = at(1).unwrap_or(default_align);
        fill_specified = true;
        align_specified = true;
        pos = 2;
    } else if is_align(at(0)) {
        out.align = at(0).unwrap_or(default_align);
        align_specified = true;
        pos = 1;
    }
    if let Some(c @ ('+' | '-' | ' ')) = at(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    if at(pos) == Some('z') {
        out.no_neg_0 = true;
        pos += 1;
    }
    if at(pos) == Some('#') {
        out.alt = true;
        pos += 1;
    }
    if !fill_specified && at(pos) == Some('0') {
        out.fill = '0';
        if !align_specified && default_align == '>' {
            out.align = '=';
        }
        pos += 1;
    }
    let (width, consumed) = get_integer(&chars, &mut pos)?;
    if consumed > 0 {
        if width > MAX_WIDTH {
            return Err("Too many decimal digits in format string".to_string());
        }
        out.width = width;
    }
    if at(pos) == Some(',') {
        out.grouping = Grouping::Comma;
        pos += 1;
    }
    if at(pos) == Some('_') {
        if out.grouping != Grouping::None {
            return Err("Cannot specify both ',' and '_'.".to_string());
        }
        out.grouping = Grouping::Underscore;
        pos += 1;
    }
    if at(pos) == Some(',') && out.grouping == Grouping::Underscore {
        return Err("Cannot specify both ',' and '_'.".to_string());
    }
    if at(pos) == Some('.') {
        pos += 1;
        let (precision, consumed) = get_integer(&chars, &mut pos)?;
        if consumed == 0 {
            return Err("Format specifier missing precision".to_string());
        }
        out.precision = precision;
    }
    let rest = chars.len().saturating_sub(pos);
    if rest > 1 {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        ));
    }
    if rest == 1 {
        out.ty = at(pos);
    }
    if out.grouping != Grouping::None {
        let sep = if out.grouping == Grouping::Comma {
            ','
        } else {
            '_'
        };
        match out.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if out.grouping == Grouping::Underscore => {
                out.grouping = Grouping::UnderscoreFour;
            }
            Some(t) => return Err(format!("Cannot specify '{sep}' with {}.", quoted_code(t))),
        }
    }
    Ok(out)
}

/// A presentation type in quotes the way CPython's messages print it.
fn quoted_code(t: char) -> String {
    let cp = t as u32;
    if cp > 32 && cp < 128 {
        format!("'{t}'")
    } else {
        format!("'\\x{cp:x}'")
    }
}

/// CPython's `unknown_presentation_type` message.
fn unknown_code(t: char, type_name: &str) -> String {
    format!(
        "Unknown format code {} for object of type '{type_name}'",
        quoted_code(t)
    )
}

/// Why a value cannot be formatted with a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A spec that does not apply: the message of a `ValueError`.
    Invalid(String),
    /// A result too large to allocate (a huge width or precision).
    Alloc(AllocError),
}

impl From<String> for FormatError {
    fn from(message: String) -> FormatError {
        FormatError::Invalid(message)
    }
}

impl From<AllocError> for FormatError {
    fn from(e: AllocError) -> FormatError {
        FormatError::Alloc(e)
    }
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Invalid(message) => f.write_str(message),
            FormatError::Alloc(e) => e.fmt(f),
        }
    }
}

fn invalid<T>(message: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError::Invalid(message.into()))
}

/// Appends `n` copies of `c` (nothing when `n <= 0`). Callers reserve the
/// whole result first, so this never grows `out`.
fn pad(out: &mut String, c: char, n: i64) {
    if n > 0 {
        alloc::fill_reserved(out, c, alloc::count(n));
    }
}

/// Bytes for `n` copies of `c` (none when `n <= 0`).
fn pad_bytes(c: char, n: i64) -> u128 {
    alloc::count(n) as u128 * c.len_utf8() as u128
}

/// An empty string with room for `bytes`, computed in `u128`.
fn reserve(bytes: u128) -> Result<String, AllocError> {
    let size = usize::try_from(bytes).map_err(|_| AllocError::OutOfMemory { bytes })?;
    alloc::string(size)
}

/// Formats a string (`format_string_internal`); `type_name` is for messages.
fn format_str(s: &str, spec: &str, type_name: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        return Ok(s.to_string());
    }
    let f = parse(spec, Some('s'), '<', type_name)?;
    match f.ty {
        Some('s') => {}
        Some(t) => return invalid(unknown_code(t, type_name)),
        None => {}
    }
    match f.sign {
        Some(' ') => return invalid("Space not allowed in string format specifier".to_string()),
        Some(_) => return invalid("Sign not allowed in string format specifier".to_string()),
        None => {}
    }
    if f.no_neg_0 {
        return invalid(
            "Negative zero coercion (z) not allowed in string format specifier".to_string(),
        );
    }
    if f.alt {
        return invalid("Alternate form (#) not allowed in string format specifier".to_string());
    }
    if f.align == '=' {
        return invalid("'=' alignment not allowed in string format specifier".to_string());
    }
    let total_chars = s.chars().count() as i64;
    let (text, len) = if f.precision >= 0 && total_chars > f.precision {
        let end = s
            .char_indices()
            .nth(usize::try_from(f.precision).unwrap_or(usize::MAX))
            .map_or(s.len(), |(i, _)| i);
        (s.get(..end).unwrap_or(s), f.precision)
    } else {
        (s, total_chars)
    };
    let total = f.width.max(len);
    let left = match f.align {
        '>' => total - len,
        '^' => (total - len) / 2,
        _ => 0,
    };
    let mut out = reserve(text.len() as u128 + pad_bytes(f.fill, total - len))?;
    pad(&mut out, f.fill, left);
    out.push_str(text);
    pad(&mut out, f.fill, total - len - left);
    Ok(out)
}

/// Formats an int for a non-empty spec (`_PyLong_FormatAdvancedWriter`).
fn format_int(v: i64, spec: &str, type_name: &str) -> Result<String, FormatError> {
    let f = parse(spec, Some('d'), '>', type_name)?;
    match f.ty {
        Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_long(v, &f),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => format_float(v as f64, &f),
        Some(t) => invalid(unknown_code(t, type_name)),
        None => invalid(unknown_code('\0', type_name)),
    }
}

/// CPython's `format_long_internal` for the integer presentation types.
fn format_long(v: i64, f: &Spec) -> Result<String, FormatError> {
    if f.precision != -1 {
        return invalid("Precision not allowed in integer format specifier".to_string());
    }
    if f.no_neg_0 {
        return invalid(
            "Negative zero coercion (z) not allowed in integer format specifier".to_string(),
        );
    }
    let ty = f.ty.unwrap_or('d');
    if ty == 'c' {
        if f.sign.is_some() {
            return invalid("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if f.alt {
            return invalid(
                "Alternate form (#) not allowed with integer format specifier 'c'".to_string(),
            );
        }
        if !(0..=0x10ffff).contains(&v) {
            return invalid("%c arg not in range(0x110000)".to_string());
        }
        let c = u32::try_from(v)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| "%c arg is a surrogate code point".to_string())?;
        return Ok(layout_number(
            f,
            false,
            "",
            "",
            false,
            &c.to_string(),
            None,
        )?);
    }
    let magnitude = v.unsigned_abs();
    let (digits, prefix) = match ty {
        'b' => (format!("{magnitude:b}"), "0b"),
        'o' => (format!("{magnitude:o}"), "0o"),
        'x' => (format!("{magnitude:x}"), "0x"),
        'X' => (format!("{magnitude:X}"), "0X"),
        _ => (magnitude.to_string(), ""),
    };
    let prefix = if f.alt { prefix } else { "" };
    let sep = if ty == 'n' {
        None
    } else {
        separator(f.grouping)
    };
    Ok(layout_number(f, v < 0, prefix, &digits, false, "", sep)?)
}

/// The separator character and group size for a grouping option.
fn separator(grouping: Grouping) -> Option<(char, i64)> {
    match grouping {
        Grouping::None => None,
        Grouping::Comma => Some((',', 3)),
        Grouping::Underscore => Some(('_', 3)),
        Grouping::UnderscoreFour => Some(('_', 4)),
    }
}

/// CPython's `format_float_internal` (also used for ints with float types).
fn format_float(value: f64, f: &Spec) -> Result<String, FormatError> {
    if f.precision > i64::from(i32::MAX) {
        return invalid("precision too big".to_string());
    }
    let mut ty = f.ty.unwrap_or('r');
    let mut add_dot_0 = false;
    let mut default_precision = 6;
    if f.ty.is_none() {
        add_dot_0 = true;
        default_precision = 0;
    }
    if ty == 'n' {
        ty = 'g';
    }
    let mut value = value;
    let mut add_pct = false;
    if ty == '%' {
        ty = 'f';
        value *= 100.0;
        add_pct = true;
    }
    let precision = if f.precision < 0 {
        default_precision
    } else {
        if ty == 'r' {
            ty = 'g';
        }
        usize::try_from(f.precision).unwrap_or(0)
    };
    let style = FloatStyle {
        code: ty,
        precision,
        add_dot_0,
        alt: f.alt,
        no_neg_0: f.no_neg_0,
    };
    let mut text = format_float_short(value, &style)?;
    if add_pct {
        text.push('%');
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let n_digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let digits = body.get(..n_digits).unwrap_or("");
    let rest = body.get(n_digits..).unwrap_or("");
    let (has_decimal, remainder) = match rest.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let sep = if f.ty == Some('n') {
        None
    } else {
        separator(f.grouping)
    };
    Ok(layout_number(
        f,
        negative,
        "",
        digits,
        has_decimal,
        remainder,
        sep,
    )?)
}

/// CPython's `calc_number_widths` + `fill_number`: lays out
/// `<lpad><sign><prefix><spad><grouped digits><.><remainder><rpad>`.
fn layout_number(
    f: &Spec,
    negative: bool,
    prefix: &str,
    digits: &str,
    has_decimal: bool,
    remainder: &str,
    sep: Option<(char, i64)>,
) -> Result<String, AllocError> {
    let sign = match f.sign {
        Some('+') => Some(if negative { '-' } else { '+' }),
        Some(' ') => Some(if negative { '-' } else { ' ' }),
        _ => negative.then_some('-'),
    };
    let n_non_digit = i64::from(sign.is_some())
        + prefix.len() as i64
        + i64::from(has_decimal)
        + remainder.chars().count() as i64;
    let min_width = if f.fill == '0' && f.align == '=' {
        f.width - n_non_digit
    } else {
        0
    };
    let grouped = if digits.is_empty() {
        String::new()
    } else {
        group_digits(digits, min_width, sep)?
    };
    let n_padding = f.width - (n_non_digit + grouped.len() as i64);
    let (mut left, mut middle, mut right) = (0, 0, 0);
    if n_padding > 0 {
        match f.align {
            '<' => right = n_padding,
            '^' => {
                left = n_padding / 2;
                right = n_padding - left;
            }
            '=' => middle = n_padding,
            _ => left = n_padding,
        }
    }
    let mut out = reserve(
        pad_bytes(f.fill, left)
            + pad_bytes(f.fill, middle)
            + pad_bytes(f.fill, right)
            + 1
            + prefix.len() as u128
            + grouped.len() as u128
            + 1
            + remainder.len() as u128,
    )?;
    pad(&mut out, f.fill, left);
    out.extend(sign);
    out.push_str(prefix);
    pad(&mut out, f.fill, middle);
    out.push_str(&grouped);
    if has_decimal {
        out.push('.');
    }
    out.push_str(remainder);
    pad(&mut out, f.fill, right);
    Ok(out)
}

/// CPython's `_PyUnicode_InsertThousandsGrouping` for ASCII `digits`: inserts
/// separators and left-pads with zeros (grouped too) up to `min_width`.
fn group_digits(
    digits: &str,
    min_width: i64,
    sep: Option<(char, i64)>,
) -> Result<String, AllocError> {
    let n = digits.len() as i64;
    let Some((sep, group)) = sep else {
        let zeros = n.max(min_width).max(1) - n;
        let mut out = reserve(pad_bytes('0', zeros) + digits.len() as u128)?;
        pad(&mut out, '0', zeros);
        out.push_str(digits);
        return Ok(out);
    };
    let bytes = digits.as_bytes();
    // At most one separator per group of at least three digits or zeros.
    let most = n.max(min_width).max(1) as u128;
    let mut rev: Vec<u8> = alloc::vec(
        usize::try_from(most + most / 3 + 1)
            .map_err(|_| AllocError::OutOfMemory { bytes: most })?,
    )?;
    let mut remaining = n;
    let mut min_width = min_width;
    let mut use_sep = false;
    loop {
        let l = group.min(remaining.max(min_width).max(1));
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        if use_sep {
            rev.push(sep as u8);
        }
        let lo = usize::try_from(remaining - n_chars).unwrap_or(0);
        let hi = usize::try_from(remaining).unwrap_or(0);
        rev.extend(bytes.get(lo..hi).unwrap_or(&[]).iter().rev());
        rev.resize(rev.len() + usize::try_from(n_zeros).unwrap_or(0), b'0');
        use_sep = true;
        remaining -= n_chars;
        min_width -= l;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    rev.reverse();
    Ok(String::from_utf8(rev).unwrap_or_default())
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
