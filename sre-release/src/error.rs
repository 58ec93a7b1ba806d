//! [`Error`]: every way an input to this crate can be rejected.

/// A rejected input: the field, the value and the bound it breaks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number outside its allowed range (or not finite).
    #[error("{field} = {value} is outside {bound}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        bound: &'static str,
    },
    /// A count (of observations, metrics, groups, steps) above its bound.
    #[error("{field} = {count} exceeds the bound {bound}")]
    TooMany {
        /// The field.
        field: &'static str,
        /// The count given.
        count: u64,
        /// The largest count allowed.
        bound: u64,
    },
    /// A name that must be present or unique is not.
    #[error("{field}: {problem} ({name:?})")]
    Name {
        /// The field.
        field: &'static str,
        /// The name.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// Checks that `value` is finite and within `[lo, hi]`.
pub(crate) fn check_range(
    field: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    bound: &'static str,
) -> Result<f64, Error> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(Error::OutOfRange {
            field,
            value,
            bound,
        })
    }
}
