//! The crate's error type: every rejected input names the field, the value and the bound.

/// Why an experiment, a tolerance, a selector or a guard was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A field holds a value outside what it accepts.
    #[error("{field} = {value}: {expected}")]
    Invalid {
        /// The field, as written in the experiment or the API.
        field: &'static str,
        /// The offending value, as written.
        value: String,
        /// What the field accepts.
        expected: String,
    },
    /// A list is longer than its documented bound.
    #[error("{field} has {len} entries, at most {bound} are accepted")]
    TooMany {
        /// The list.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The bound.
        bound: usize,
    },
    /// A signal could not be read (for example a quantile of an invalid rank).
    #[error("signal {what}: {source}")]
    Signal {
        /// Which signal.
        what: &'static str,
        /// The metrics error.
        #[source]
        source: sre_metrics::Error,
    },
}

impl Error {
    pub(crate) fn invalid(
        field: &'static str,
        value: impl core::fmt::Display,
        expected: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}
