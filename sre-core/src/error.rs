//! The one error type of `sre-core`, and [`excerpt`], how every error quotes input.

use crate::duration::{DurationProblem, format_duration};
use core::time::Duration;

/// What went wrong when building a validated value.
///
/// Every variant names the quantity (`what`) and, where there is one, the rejected value,
/// so the message says what to fix. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The value was NaN.
    #[error("{what} is NaN; pass a finite number")]
    NotANumber {
        /// The quantity being validated, e.g. `"objective"`.
        what: &'static str,
    },
    /// The value was +∞ or −∞.
    #[error("{what} is {value}; pass a finite number")]
    Infinite {
        /// The quantity being validated.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The value was below zero where only zero or more makes sense.
    #[error("{what} is {value}, below zero; pass a value of 0 or more")]
    Negative {
        /// The quantity being validated.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The value was zero where only a strictly positive value makes sense.
    #[error("{what} is 0; pass a value greater than 0")]
    Zero {
        /// The quantity being validated.
        what: &'static str,
    },
    /// The value was finite but outside the allowed range.
    #[error("{what} is {value}, outside {expected}")]
    OutOfRange {
        /// The quantity being validated.
        what: &'static str,
        /// The rejected value, in the unit the caller used (a percentage stays a percentage).
        value: f64,
        /// The allowed range in words, e.g. `"the open interval (0, 1)"`.
        expected: &'static str,
    },
    /// A duration that must be longer than zero was zero.
    #[error("{what} is zero; pass a duration longer than zero")]
    ZeroDuration {
        /// The quantity being validated, e.g. `"window"`.
        what: &'static str,
    },
    /// A duration's text could not be read (see [`crate::duration`]).
    #[error(
        "cannot read the duration {text:?}: {reason}; write a number and a unit, e.g. 30d, 1h30m, 1.5h, 250ms (units y w d h m s ms us ns, largest first)"
    )]
    BadDuration {
        /// The text given, trimmed, as an [`excerpt`] (at most 64 characters).
        text: String,
        /// What is wrong with it.
        reason: DurationProblem,
    },
    /// A period or horizon is longer than the family's bound,
    /// [`MAX_PERIOD`](crate::MAX_PERIOD).
    #[error(
        "{what} is {}, longer than the longest supported {}; use a shorter one",
        format_duration(*value),
        format_duration(*max)
    )]
    PeriodTooLong {
        /// The quantity being validated, e.g. `"SLO period"`.
        what: &'static str,
        /// The rejected period.
        value: Duration,
        /// The bound.
        max: Duration,
    },
}

/// The longest excerpt of input an error quotes, in characters.
pub const EXCERPT_CHARS: usize = 64;

/// `text` as an error quotes it: at most [`EXCERPT_CHARS`] characters, then `…` if
/// anything was cut, so a message never echoes unbounded input.
///
/// ```
/// use sre_core::error::excerpt;
/// assert_eq!(excerpt("30 days"), "30 days");
/// assert_eq!(excerpt(&"x".repeat(1000)).chars().count(), 65);
/// ```
#[must_use]
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}
