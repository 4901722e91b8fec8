//! Checked allocation: the one place where a size that a program chooses
//! becomes memory.
//!
//! A repetition count (`[0] * n`, `"x" * n`), a padding width (`rjust`,
//! `f"{x:>{n}}"`), a range turned into a list, a channel's buffer, and every
//! collection a script grows in a loop (`push`, `extend`, `+`, `+=`, dict and
//! set inserts) are sized here. Sizes are computed with checked arithmetic and
//! reserved with `try_reserve`, so a request that cannot exist or that the
//! allocator refuses (a huge size, or an address-space cap such as
//! `ulimit -v`) is a catchable error instead of an abort:
//!
//! - a string whose length in characters would not fit in 63 bits is an
//!   `OverflowError`, as in CPython ("repeated string is too long");
//! - anything else that cannot be had is a `MemoryError`.
//!
//! Growth is amortized as `Vec` does it (the step that doubles a list is the
//! one that can be refused), and a refused step leaves the collection as it
//! was, so the program can catch the error and go on.

use pyro_builtins::Builtin;

use crate::error::RuntimeError;

/// Why memory a program asked for cannot be had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocError {
    /// A string would be longer than 2**63 - 1 characters: an
    /// `OverflowError` with this message (CPython's wording).
    TooLong(&'static str),
    /// The allocator refused, or the size exceeds the address space: a
    /// `MemoryError`. The size asked for, in bytes (it may exceed `usize`).
    OutOfMemory { bytes: u128 },
}

impl std::fmt::Display for AllocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllocError::TooLong(what) => f.write_str(what),
            AllocError::OutOfMemory { bytes } => write!(f, "cannot allocate {bytes} bytes"),
        }
    }
}

impl From<AllocError> for RuntimeError {
    fn from(e: AllocError) -> RuntimeError {
        match e {
            AllocError::TooLong(what) => RuntimeError::overflow(what),
            AllocError::OutOfMemory { .. } => {
                RuntimeError::new(Builtin::MemoryError, e.to_string())
            }
        }
    }
}

impl From<crate::text::FormatError> for RuntimeError {
    /// A format spec that does not apply is a `ValueError`.
    fn from(e: crate::text::FormatError) -> RuntimeError {
        match e {
            crate::text::FormatError::Invalid(message) => RuntimeError::value_error(message),
            crate::text::FormatError::Alloc(e) => e.into(),
        }
    }
}

/// The error for `items` values of type `T`.
fn out_of_memory<T>(items: u128) -> AllocError {
    let each = std::mem::size_of::<T>().max(1) as u128;
    AllocError::OutOfMemory {
        bytes: items.saturating_mul(each),
    }
}

/// A count a program gave (repetitions, a width): negative counts as zero,
/// and a count beyond the address space stays too large to allocate.
pub fn count(n: i64) -> usize {
    if n <= 0 {
        0
    } else {
        usize::try_from(n).unwrap_or(usize::MAX)
    }
}

/// An empty vector with room for exactly `n` items.
pub fn vec<T>(n: usize) -> Result<Vec<T>, AllocError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| out_of_memory::<T>(n as u128))?;
    Ok(v)
}

/// Room for `extra` more items, growing as `Vec::push` would.
#[inline]
pub fn reserve<T>(v: &mut Vec<T>, extra: usize) -> Result<(), AllocError> {
    if v.capacity() - v.len() >= extra {
        return Ok(());
    }
    v.try_reserve(extra)
        .map_err(|_| out_of_memory::<T>(v.len() as u128 + extra as u128))
}

/// `v.push(x)`, failing instead of aborting when `v` cannot grow.
#[inline]
pub fn push<T>(v: &mut Vec<T>, x: T) -> Result<(), AllocError> {
    reserve(v, 1)?;
    v.push(x);
    Ok(())
}

/// `v.extend(more)`, failing (with `v` unchanged) when `v` cannot grow.
pub fn extend<T>(
    v: &mut Vec<T>,
    more: impl IntoIterator<Item = T, IntoIter: ExactSizeIterator>,
) -> Result<(), AllocError> {
    let more = more.into_iter();
    reserve(v, more.len())?;
    v.extend(more);
    Ok(())
}

/// `v.insert(at, x)`, failing instead of aborting when `v` cannot grow.
pub fn insert<T>(v: &mut Vec<T>, at: usize, x: T) -> Result<(), AllocError> {
    reserve(v, 1)?;
    v.insert(at, x);
    Ok(())
}

/// An empty string with room for exactly `bytes` bytes.
pub fn string(bytes: usize) -> Result<String, AllocError> {
    let mut s = String::new();
    s.try_reserve_exact(bytes)
        .map_err(|_| AllocError::OutOfMemory {
            bytes: bytes as u128,
        })?;
    Ok(s)
}

/// Room for `extra` more bytes, growing as `String::push_str` would.
#[inline]
pub fn reserve_str(s: &mut String, extra: usize) -> Result<(), AllocError> {
    if s.capacity() - s.len() >= extra {
        return Ok(());
    }
    s.try_reserve(extra).map_err(|_| AllocError::OutOfMemory {
        bytes: s.len() as u128 + extra as u128,
    })
}

/// `a` followed by `b`.
pub fn concat<T: Clone>(a: &[T], b: &[T]) -> Result<Vec<T>, AllocError> {
    let n = a
        .len()
        .checked_add(b.len())
        .ok_or_else(|| out_of_memory::<T>(a.len() as u128 + b.len() as u128))?;
    let mut v = vec(n)?;
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    Ok(v)
}

/// `a + b` for strings.
pub fn concat_str(a: &str, b: &str) -> Result<String, AllocError> {
    let n = a
        .len()
        .checked_add(b.len())
        .ok_or(AllocError::OutOfMemory {
            bytes: a.len() as u128 + b.len() as u128,
        })?;
    let mut s = string(n)?;
    s.push_str(a);
    s.push_str(b);
    Ok(s)
}

/// `items * n` for lists and tuples (a negative `n` gives an empty result).
pub fn repeat<T: Clone>(items: &[T], n: i64) -> Result<Vec<T>, AllocError> {
    let n = count(n);
    if items.is_empty() || n == 0 {
        return Ok(Vec::new());
    }
    let total = items
        .len()
        .checked_mul(n)
        .ok_or_else(|| out_of_memory::<T>(items.len() as u128 * n as u128))?;
    let mut out = vec(total)?;
    out.extend_from_slice(items);
    // Doubling: a huge count is a few large copies.
    while out.len() < total {
        let more = (total - out.len()).min(out.len());
        out.extend_from_within(..more);
    }
    Ok(out)
}

/// The largest length, in characters, of a string (CPython's limit).
const MAX_CHARS: u128 = i64::MAX as u128;

/// Checks a string length in characters against the limit.
fn check_chars(chars: u128, too_long: &'static str) -> Result<(), AllocError> {
    if chars > MAX_CHARS {
        Err(AllocError::TooLong(too_long))
    } else {
        Ok(())
    }
}

/// A byte count computed in `u128` as a `usize`, or the error for it.
fn bytes(n: u128) -> Result<usize, AllocError> {
    usize::try_from(n).map_err(|_| AllocError::OutOfMemory { bytes: n })
}

/// `s * n` (a negative `n` gives the empty string).
pub fn repeat_str(s: &str, n: i64) -> Result<String, AllocError> {
    let n = count(n);
    if s.is_empty() || n == 0 {
        return Ok(String::new());
    }
    let chars = s.chars().count() as u128 * n as u128;
    check_chars(chars, "repeated string is too long")?;
    let mut out = string(bytes(s.len() as u128 * n as u128)?)?;
    push_copies(&mut out, s, n);
    Ok(out)
}

/// Appends `n` copies of `unit` to `out`, which has room for them, in
/// chunks of about 64 KB: a huge count is a few large copies.
fn push_copies(out: &mut String, unit: &str, n: usize) {
    const CHUNK: usize = 1 << 16;
    let per = (CHUNK / unit.len().max(1)).max(1);
    let mut left = n;
    if n >= 2 * per {
        let chunk = unit.repeat(per);
        while left >= per {
            out.push_str(&chunk);
            left -= per;
        }
    }
    for _ in 0..left {
        out.push_str(unit);
    }
}

/// `s` with `left` fill characters before it and `right` after it; `chars`
/// is the length of `s` in characters.
pub fn pad(
    s: &str,
    chars: usize,
    left: usize,
    right: usize,
    fill: char,
) -> Result<String, AllocError> {
    let total = chars as u128 + left as u128 + right as u128;
    check_chars(total, "padded string is too long")?;
    let size = s.len() as u128 + (left as u128 + right as u128) * fill.len_utf8() as u128;
    let mut out = string(bytes(size)?)?;
    push_fill(&mut out, fill, left)?;
    out.push_str(s);
    push_fill(&mut out, fill, right)?;
    Ok(out)
}

/// Appends `n` copies of `fill` (reserving room for them first).
pub fn push_fill(out: &mut String, fill: char, n: usize) -> Result<(), AllocError> {
    if n == 0 {
        return Ok(());
    }
    let size = bytes(n as u128 * fill.len_utf8() as u128)?;
    reserve_str(out, size)?;
    fill_reserved(out, fill, n);
    Ok(())
}

/// Appends `n` copies of `fill` to a string that already has room for them
/// (its size was computed and reserved whole).
pub fn fill_reserved(out: &mut String, fill: char, n: usize) {
    let mut buf = [0u8; 4];
    push_copies(out, fill.encode_utf8(&mut buf), n);
}

/// `sep.join(parts)`, where `chars` counts the characters of the parts and
/// `sep_chars` those of the separator.
pub fn join(
    parts: &[&str],
    chars: u128,
    sep: &str,
    sep_chars: usize,
) -> Result<String, AllocError> {
    let gaps = parts.len().saturating_sub(1) as u128;
    check_chars(
        chars + gaps * sep_chars as u128,
        "join() result is too long",
    )?;
    let size: u128 = parts.iter().map(|p| p.len() as u128).sum::<u128>() + gaps * sep.len() as u128;
    let mut out = string(bytes(size)?)?;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_beyond_the_address_space_fail() {
        assert!(matches!(
            repeat(&[0u64], i64::MAX),
            Err(AllocError::OutOfMemory { .. })
        ));
        assert!(matches!(
            vec::<u64>(usize::MAX),
            Err(AllocError::OutOfMemory { .. })
        ));
        assert_eq!(
            repeat_str("ab", i64::MAX),
            Err(AllocError::TooLong("repeated string is too long"))
        );
        assert_eq!(
            pad("x", 1, usize::MAX / 2, usize::MAX / 2, ' '),
            Err(AllocError::TooLong("padded string is too long"))
        );
        assert!(matches!(
            pad("x", 1, (i64::MAX - 1) as usize, 0, ' '),
            Err(AllocError::OutOfMemory { .. })
        ));
    }

    #[test]
    fn small_sizes_work() {
        assert_eq!(repeat(&[1, 2], 2), Ok(vec![1, 2, 1, 2]));
        assert_eq!(repeat(&[1, 2], -3), Ok(vec![]));
        assert_eq!(repeat_str("ab", 3).as_deref(), Ok("ababab"));
        assert_eq!(pad("x", 1, 2, 1, '€').as_deref(), Ok("€€x€"));
        assert_eq!(pad("x", 1, 2, 1, '-').as_deref(), Ok("--x-"));
        assert_eq!(join(&["a", "b", "c"], 3, ", ", 2).as_deref(), Ok("a, b, c"));
        let mut v = vec![1];
        push(&mut v, 2).unwrap();
        extend(&mut v, [3, 4]).unwrap();
        insert(&mut v, 0, 0).unwrap();
        assert_eq!(v, [0, 1, 2, 3, 4]);
    }
}
