//! Float to text conversion with CPython's exact rules.
//!
//! [`float_repr`] is Python's `repr(float)`. The crate-internal
//! [`format_float_short`] is a port of CPython's `format_float_short`
//! (Python/pystrtod.c), the routine behind both `repr` and the `e f g r`
//! presentation types of `format()`. The decimal digits themselves come from
//! Rust's float formatting, which is exact and rounds half to even like
//! David Gay's `dtoa` used by CPython (`format!("{:.2}", 2.675)` is `2.67`).

/// Python's repr(float): shortest round-trip digits; scientific notation when the
/// decimal exponent is < -4 or >= 16, written like Python ("1e+20", "1.5e-07",
/// "1e-05"); otherwise positional with at least one digit after the point ("2.0",
/// "0.1", "123456789.0", "1234567890123456.0"); "inf", "-inf", "nan", "-0.0".
pub fn float_repr(x: f64) -> String {
    let mut out = String::with_capacity(24);
    write_float_short(
        x,
        &FloatStyle {
            code: 'r',
            precision: 0,
            add_dot_0: true,
            alt: false,
            no_neg_0: false,
        },
        &mut out,
    );
    out
}

/// Options of [`format_float_short`] (CPython's `PyOS_double_to_string`).
#[derive(Clone, Copy, Debug)]
pub(super) struct FloatStyle {
    /// One of `e E f F g G r`; upper case selects `E`, `INF` and `NAN`.
    pub code: char,
    /// Digits after the point (`e`, `f`) or significant digits (`g`);
    /// ignored for `r`.
    pub precision: usize,
    /// `Py_DTSF_ADD_DOT_0`: keep a ".0" on integral values (repr style).
    pub add_dot_0: bool,
    /// `Py_DTSF_ALT`: the `#` flag (keep the point and trailing zeros).
    pub alt: bool,
    /// `Py_DTSF_NO_NEG_0`: the `z` flag (a negative zero loses its sign).
    pub no_neg_0: bool,
}

/// Most significant digits an exact binary64 value can need (767), rounded up.
const MAX_SIG_DIGITS: usize = 800;
/// Most digits after the point an exact binary64 value can need (1074), rounded up.
const MAX_FRAC_DIGITS: usize = 1100;

/// How many digits to ask for, as in the `mode` argument of Gay's `dtoa`.
#[derive(Clone, Copy)]
enum Mode {
    /// Mode 0: the shortest digits that round-trip.
    Shortest,
    /// Mode 2: this many significant digits (at least 1).
    Significant(usize),
    /// Mode 3: this many digits after the decimal point.
    Fixed(usize),
}

/// Decimal digits of a finite, non-negative `x`, without trailing zeros, and
/// the position of the decimal point: `x = 0.d1d2d3... * 10^decpt`. Zero is
/// `("0", 1)`.
fn dtoa(x: f64, mode: Mode) -> (Vec<u8>, i64) {
    let (mut digits, decpt) = match mode {
        Mode::Shortest => shortest_digits(x),
        Mode::Significant(n) => {
            let n = n.clamp(1, MAX_SIG_DIGITS);
            scientific_digits(&format!("{:.*e}", n - 1, x))
        }
        Mode::Fixed(p) => {
            let text = format!("{:.*}", p.min(MAX_FRAC_DIGITS), x);
            let (int_part, frac_part) = text.split_once('.').unwrap_or((text.as_str(), ""));
            let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
            let zeros = digits.iter().take_while(|&&d| d == b'0').count();
            digits.drain(..zeros);
            (digits, int_part.len() as i64 - zeros as i64)
        }
    };
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return (vec![b'0'], 1);
    }
    (digits, decpt)
}

/// Gay's mode 0: the shortest digits that round-trip and, among those, the
/// ones closest to `x` (ties to even). Rust's `{:e}` finds the shortest
/// length but may pick the other candidate of a tie (`2205657204850427.25`
/// must print as `...427.2`), so the correctly rounded string of that length
/// is preferred whenever it also round-trips.
fn shortest_digits(x: f64) -> (Vec<u8>, i64) {
    let shortest = format!("{x:e}");
    let (digits, decpt) = scientific_digits(&shortest);
    let n = digits.len().max(1);
    let nearest = format!("{:.*e}", n - 1, x);
    if nearest != shortest && nearest.parse::<f64>() == Ok(x) {
        return scientific_digits(&nearest);
    }
    (digits, decpt)
}

/// Splits Rust's `{:e}` output (`"1.2345e-7"`) into digits and `decpt`.
fn scientific_digits(text: &str) -> (Vec<u8>, i64) {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp + 1)
}

/// Appends `n` copies of `c` (nothing when `n <= 0`).
fn push_repeat(out: &mut String, c: char, n: i64) {
    if n > 0 {
        crate::alloc::fill_reserved(out, c, crate::alloc::count(n));
    }
}

/// Port of CPython's `format_float_short`: formats `x` according to `style`.
/// The result is ASCII; negative values start with `-`. Room for all of it
/// (and one more byte, for a `%`) is reserved first, so a huge precision is
/// a clean error rather than a runaway allocation.
pub(super) fn format_float_short(
    x: f64,
    style: &FloatStyle,
) -> Result<String, crate::alloc::AllocError> {
    // Besides `precision` zeros or digits: at most MAX_SIG_DIGITS digits, as
    // many zeros as the largest decimal exponent, a sign, a point, an
    // exponent and a `%`.
    let bound = style.precision as u128 + (MAX_SIG_DIGITS + MAX_FRAC_DIGITS) as u128 + 16;
    let size = usize::try_from(bound)
        .map_err(|_| crate::alloc::AllocError::OutOfMemory { bytes: bound })?;
    let mut out = crate::alloc::string(size)?;
    write_float_short(x, style, &mut out);
    Ok(out)
}

/// [`format_float_short`] into `out`.
fn write_float_short(x: f64, style: &FloatStyle, out: &mut String) {
    let upper = style.code.is_ascii_uppercase();
    let code = style.code.to_ascii_lowercase();
    if x.is_nan() {
        out.push_str(if upper { "NAN" } else { "nan" });
        return;
    }
    let mut negative = x.is_sign_negative();
    if x.is_infinite() {
        if negative {
            out.push('-');
        }
        out.push_str(if upper { "INF" } else { "inf" });
        return;
    }
    let mut precision = i64::try_from(style.precision).unwrap_or(i64::MAX);
    let mode = match code {
        'e' => {
            precision = precision.saturating_add(1);
            Mode::Significant(style.precision.saturating_add(1))
        }
        'f' => Mode::Fixed(style.precision),
        'g' => {
            precision = precision.max(1);
            Mode::Significant(style.precision.max(1))
        }
        _ => Mode::Shortest,
    };
    let (digits, mut decpt) = dtoa(x.abs(), mode);
    if style.no_neg_0 && digits == b"0" {
        negative = false;
    }
    let digits_len = digits.len() as i64;

    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt.saturating_add(precision),
        'g' => {
            let limit = if style.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            use_exp = decpt <= -4 || decpt > limit;
            if style.alt {
                vdigits_end = precision;
            }
        }
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && style.add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };

    if negative {
        out.push('-');
    }
    // Zero padding on the left of the digit string.
    if decpt <= 0 {
        push_repeat(out, '0', decpt - vdigits_start);
        out.push('.');
        push_repeat(out, '0', -decpt);
    } else {
        push_repeat(out, '0', -vdigits_start);
    }
    // The digits, with the decimal point when it falls inside them.
    let text = String::from_utf8_lossy(&digits);
    if 0 < decpt && decpt <= digits_len {
        let split = usize::try_from(decpt).unwrap_or(0);
        out.push_str(text.get(..split).unwrap_or(""));
        out.push('.');
        out.push_str(text.get(split..).unwrap_or(""));
    } else {
        out.push_str(&text);
    }
    // Zero padding on the right.
    if digits_len < decpt {
        push_repeat(out, '0', decpt - digits_len);
        out.push('.');
        push_repeat(out, '0', vdigits_end - decpt);
    } else {
        push_repeat(out, '0', vdigits_end - digits_len);
    }
    if out.ends_with('.') && !style.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        let sign = if exp < 0 { '-' } else { '+' };
        out.push(sign);
        let exp = exp.unsigned_abs();
        if exp < 10 {
            out.push('0');
        }
        out.push_str(&exp.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(code: char, precision: usize) -> FloatStyle {
        FloatStyle {
            code,
            precision,
            add_dot_0: false,
            alt: false,
            no_neg_0: false,
        }
    }

    #[test]
    fn repr_matches_python() {
        // Expected values printed by python3.11: repr(x).
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (2.0, "2.0"),
            (0.1, "0.1"),
            (-1.5, "-1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (123456789.0, "123456789.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e20, "1e+20"),
            (1e22, "1e+22"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0, "100.0"),
            (1e100, "1e+100"),
            (123.456, "123.456"),
            (-1e-10, "-1e-10"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
        ];
        for &(x, want) in cases {
            assert_eq!(float_repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn fixed_rounds_half_even_on_exact_value() {
        // format(2.675, '.2f') == '2.67'; format(0.125, '.2f') == '0.12';
        // format(0.375, '.2f') == '0.38'; format(2.5, '.0f') == '2';
        // format(0.5, '.0f') == '0'; format(1.5, '.0f') == '2'.
        let f = |x: f64, p: usize| format_float_short(x, &style('f', p)).unwrap();
        assert_eq!(f(2.675, 2), "2.67");
        assert_eq!(f(0.125, 2), "0.12");
        assert_eq!(f(0.375, 2), "0.38");
        assert_eq!(f(2.5, 0), "2");
        assert_eq!(f(0.5, 0), "0");
        assert_eq!(f(1.5, 0), "2");
        assert_eq!(f(-0.0001, 2), "-0.00");
        assert_eq!(f(1e22, 1), "10000000000000000000000.0");
        assert_eq!(f(0.1, 20), "0.10000000000000000555");
    }

    #[test]
    fn huge_precision_pads_exact_digits() {
        // len(format(0.1, '.70000f')) == 70002 and it ends in zeros.
        let s = format_float_short(0.1, &style('f', 70_000)).unwrap();
        assert_eq!(s.len(), 70_002);
        assert!(s.starts_with("0.1000000000000000055511151231257827"));
        assert!(s.ends_with("000"));
        // format(1.5, '.70000e')[-10:] == '0000e+00'
        let e = format_float_short(1.5, &style('e', 70_000)).unwrap();
        assert_eq!(e.len(), 70_006);
        assert!(e.ends_with("0000e+00"));
    }

    #[test]
    fn exponent_and_general() {
        let e = |x: f64, p: usize| format_float_short(x, &style('e', p)).unwrap();
        let g = |x: f64, p: usize| format_float_short(x, &style('g', p)).unwrap();
        // format(x, '.Ne') / format(x, '.Ng') in python3.11.
        assert_eq!(e(12345.678, 2), "1.23e+04");
        assert_eq!(e(0.0, 0), "0e+00");
        assert_eq!(e(9.9999, 2), "1.00e+01");
        assert_eq!(e(1e-300, 1), "1.0e-300");
        assert_eq!(g(123456.0, 6), "123456");
        assert_eq!(g(1234567.0, 6), "1.23457e+06");
        assert_eq!(g(0.0001, 6), "0.0001");
        assert_eq!(g(0.00001, 6), "1e-05");
        assert_eq!(g(100.0, 0), "1e+02");
        assert_eq!(g(0.5, 0), "0.5");
        assert_eq!(g(999999.5, 6), "1e+06");
        let alt = FloatStyle {
            alt: true,
            ..style('g', 6)
        };
        assert_eq!(format_float_short(1.0, &alt).unwrap(), "1.00000");
        let upper = style('E', 3);
        assert_eq!(format_float_short(1234.5, &upper).unwrap(), "1.234E+03");
        assert_eq!(
            format_float_short(f64::INFINITY, &style('F', 2)).unwrap(),
            "INF"
        );
        assert_eq!(
            format_float_short(-f64::INFINITY, &style('f', 2)).unwrap(),
            "-inf"
        );
    }
}
