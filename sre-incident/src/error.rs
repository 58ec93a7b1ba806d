//! The one error type of `sre-incident`.

/// What went wrong building a timeline, a statistic or an on-call check.
///
/// Every message names the field, the value and the bound. New variants may be added in
/// minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed.
    #[error(transparent)]
    Core(#[from] sre_core::Error),
    /// A timestamp is not RFC 3339 UTC `YYYY-MM-DDTHH:MM:SSZ` (years 1970-9999).
    #[error("cannot read the timestamp {text:?}: {reason}; write e.g. 2026-01-05T14:30:00Z")]
    BadTimestamp {
        /// The text given.
        text: String,
        /// What was wrong.
        reason: &'static str,
    },
    /// A timeline lacks an event it must have.
    #[error("the incident timeline has no {event} event; every incident has one")]
    MissingEvent {
        /// The missing event.
        event: &'static str,
    },
    /// Two events of a timeline are out of order.
    #[error(
        "the incident's {later} event ({later_at}) comes before its {earlier} event ({earlier_at}); fix the timestamps"
    )]
    OutOfOrder {
        /// The event that must come first.
        earlier: &'static str,
        /// Its time.
        earlier_at: String,
        /// The event that must come later.
        later: &'static str,
        /// Its time.
        later_at: String,
    },
    /// A count or list is over its bound.
    #[error("{what} is {value}, above the bound of {bound}")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// The count.
        value: u64,
        /// The bound.
        bound: u64,
    },
}
