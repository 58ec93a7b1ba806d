//! The one error type of `sre-sim`.

/// What went wrong building or running a simulation.
///
/// Scenario problems name the field (`service.median`, `autoscaler.target_cpu`) so the
/// message says what to fix in the file. New variants may be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero duration…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),
    /// An autoscaling policy refused its configuration or an observation.
    #[error(transparent)]
    Scaling(#[from] sre_scaling::Error),
    /// The budget or alert configuration was refused.
    #[error(transparent)]
    Budget(#[from] sre_budget::Error),
    /// A scenario field is missing, malformed or inconsistent with another.
    #[error("scenario field `{field}`: {problem}")]
    Scenario {
        /// The field's path in the scenario file, e.g. `servers.initial`.
        field: String,
        /// What is wrong and what would be right.
        problem: String,
    },
    /// The simulator broke one of its own guarantees (e.g. a report whose request counts
    /// do not add up, or a histogram or SLI window refusing what the run built). A bug:
    /// please report it with the scenario.
    #[error("internal error (a bug in sre-sim): {0}")]
    Internal(String),
    /// The scenario file is not valid TOML or does not have the scenario's shape; the
    /// message carries the line, the column and the key.
    #[cfg(feature = "serde")]
    #[error("scenario file: {0}")]
    Toml(#[from] toml::de::Error),
    /// The report could not be written as JSON.
    #[cfg(feature = "serde")]
    #[error("report JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// A scenario error naming `field`.
    pub(crate) fn field(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Scenario {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
