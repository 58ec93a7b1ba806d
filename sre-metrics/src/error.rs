//! The one error type of `sre-metrics`.

use core::time::Duration;

/// What went wrong configuring or querying a metric. Recording never fails.
///
/// New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero duration…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),

    // ---- SLI windows, RED signals, exposition (branch `sli`) ----
    /// An SLI horizon or window was not a whole number of minutes.
    #[error(
        "{what} is {value:?}, not a whole number of minutes; SLI windows count events in \
         1-minute buckets, so pass a multiple of 60 s"
    )]
    NotWholeMinutes {
        /// The quantity, `"SLI horizon"` or `"SLI window"`.
        what: &'static str,
        /// The rejected duration.
        value: Duration,
    },
    /// An SLI horizon was longer than [`SliWindow`](crate::sli::SliWindow) supports.
    #[error(
        "SLI horizon is {horizon:?}, longer than the supported {max:?}; pass a shorter horizon"
    )]
    HorizonTooLong {
        /// The rejected horizon.
        horizon: Duration,
        /// The longest horizon supported.
        max: Duration,
    },
    /// A query asked for a window longer than the horizon the SLI window keeps.
    #[error(
        "SLI window is {window:?}, longer than the horizon {horizon:?} this SliWindow keeps; \
         query a shorter window or build the SliWindow with a longer horizon"
    )]
    WindowBeyondHorizon {
        /// The requested window.
        window: Duration,
        /// The horizon the window was built with.
        horizon: Duration,
    },
    /// The number of striped counters was not a power of two in the supported range.
    #[error("{stripes} stripes requested; pass a power of two from 1 to {max}")]
    BadStripeCount {
        /// The rejected stripe count.
        stripes: usize,
        /// The largest supported stripe count.
        max: usize,
    },
}
