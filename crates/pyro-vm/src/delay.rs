//! Seconds a program asks to wait, as a delay: the one conversion behind
//! `std.time.sleep`, `after` (so every `select` timer) and
//! `std.task.timeout`, which is built on `after`.
//!
//! - Zero or negative seconds: no wait (the rule of Go's `time.Sleep` and
//!   of asyncio's `sleep`); `after` fires at once.
//! - NaN: a `ValueError` (no moment is meant).
//! - `inf`, or more than [`NEVER_SECONDS`] (about 136 years, far beyond any
//!   clock's reach): a wait that never ends. It is still cancellable, and
//!   deadlock detection counts it as a pending timer like any other.
//! - Anything but an int, a float or a bool: a `TypeError`.

use std::time::Duration;

use crate::builtins::float_arg;
use crate::error::RuntimeError;
use crate::value::Value;

/// Waits at least this long (2**32 seconds) never end.
pub const NEVER_SECONDS: f64 = 4_294_967_296.0;

/// How long to wait.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Delay {
    For(Duration),
    Never,
}

impl Delay {
    /// The delay for `seconds`, an argument of `name`.
    pub fn from_seconds(name: &str, seconds: &Value) -> Result<Delay, RuntimeError> {
        Delay::from_f64(name, float_arg(name, seconds)?)
    }

    /// The delay for `seconds` (see the module's rules).
    pub fn from_f64(name: &str, seconds: f64) -> Result<Delay, RuntimeError> {
        if seconds.is_nan() {
            return Err(RuntimeError::value_error(format!(
                "{name}() needs a number of seconds, not nan"
            )));
        }
        if seconds >= NEVER_SECONDS {
            return Ok(Delay::Never);
        }
        // Below 2**32 seconds every value converts exactly enough.
        Ok(Delay::For(
            Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::ZERO),
        ))
    }

    /// Waits out the delay (forever for [`Delay::Never`]).
    pub async fn sleep(self) {
        match self {
            Delay::For(d) => tokio::time::sleep(d).await,
            Delay::Never => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_is_a_delay_or_an_error() {
        let d = |x: f64| Delay::from_f64("sleep", x);
        assert_eq!(d(1.5).ok(), Some(Delay::For(Duration::from_millis(1500))));
        assert_eq!(d(0.0).ok(), Some(Delay::For(Duration::ZERO)));
        assert_eq!(d(-1.0).ok(), Some(Delay::For(Duration::ZERO)));
        assert_eq!(d(f64::NEG_INFINITY).ok(), Some(Delay::For(Duration::ZERO)));
        assert_eq!(d(-0.0).ok(), Some(Delay::For(Duration::ZERO)));
        assert_eq!(d(f64::INFINITY).ok(), Some(Delay::Never));
        assert_eq!(d(1e300).ok(), Some(Delay::Never));
        assert_eq!(d(NEVER_SECONDS).ok(), Some(Delay::Never));
        assert!(matches!(d(NEVER_SECONDS - 1.0), Ok(Delay::For(_))));
        assert!(d(f64::NAN).is_err());
        assert!(d(5e-324).is_ok());
    }
}
