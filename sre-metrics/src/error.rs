//! The one error type of `sre-metrics`.

/// What went wrong configuring or querying a metric. Recording never fails.
///
/// New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero duration…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),
}
