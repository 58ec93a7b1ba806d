//! The one error type of `sre-core`.

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
}
