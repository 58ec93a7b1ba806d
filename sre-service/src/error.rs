//! The one error type of `sre-service`.

use core::time::Duration;
use std::path::PathBuf;

/// What went wrong building a registry, running the evaluator or reading a checkpoint.
/// Recording a request never fails.
///
/// New variants may be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A metric could not be configured or exposed (`sre-metrics`).
    #[error(transparent)]
    Metrics(#[from] sre_metrics::Error),
    /// An SLO or alert policy was rejected (`sre-budget`).
    #[error(transparent)]
    Budget(#[from] sre_budget::Error),
    /// A shared validation from `sre-core` failed.
    #[error(transparent)]
    Core(#[from] sre_core::Error),

    /// Two SLOs were given the same name.
    #[error("SLO name {name:?} is used twice; give every SLO its own name")]
    DuplicateSlo {
        /// The name.
        name: String,
    },
    /// A configuration number was outside its bounds.
    #[error("{field} is {value}; it must be {bound}")]
    OutOfBounds {
        /// Which setting.
        field: &'static str,
        /// The value given.
        value: String,
        /// The rule it broke.
        bound: &'static str,
    },
    /// The latency buckets do not include an SLO's threshold, so the generated
    /// Prometheus rules could not select its good events.
    #[error(
        "SLO {slo:?} judges latency at {threshold:?}, which is not a latency bucket bound; \
         add it to the buckets (the builder does unless buckets were set explicitly)"
    )]
    ThresholdNotABucket {
        /// The SLO.
        slo: String,
        /// Its latency threshold.
        threshold: Duration,
    },

    /// The checkpoint file could not be read or written.
    #[error("checkpoint {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The checkpoint file is not one this version can read: corrupt, truncated, of
    /// another format version, or for other SLOs. It was left as it was.
    #[error(
        "checkpoint {path} was refused and left in place: {reason}; move it away to start \
         with empty SLI windows, or restore it from a backup"
    )]
    BadCheckpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The evaluator runner's thread could not be started or has stopped.
    #[error("evaluator runner: {reason}")]
    Runner {
        /// What happened.
        reason: String,
    },
}
