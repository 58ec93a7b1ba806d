//! The one error type of `sre-scaling`.

/// What went wrong building a policy or deciding with one.
///
/// Every variant names the quantity (`what`) and, where there is one, the rejected value,
/// so the message says what to fix. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A target (per instance, per pod, utilization) was zero or negative.
    #[error("{what} is {value}; a target must be greater than 0")]
    NonPositiveTarget {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// `min` was greater than `max`.
    #[error("replica bounds are inverted: min {min} > max {max}; pass min <= max")]
    BoundsInverted {
        /// The lower bound given.
        min: u32,
        /// The upper bound given.
        max: u32,
    },
    /// Two thresholds were in the wrong order.
    #[error("{what}: lower {lower} must be below upper {upper}")]
    ThresholdsInverted {
        /// Which pair.
        what: &'static str,
        /// The lower threshold given.
        lower: f64,
        /// The upper threshold given.
        upper: f64,
    },
    /// The observation lacks the metric the policy reads.
    #[error(
        "the observation has no {what}; set it (e.g. `Observation::with_{what}`) or pick a policy for the metrics you have"
    )]
    MissingMetric {
        /// The metric's name, e.g. `"cpu"`.
        what: &'static str,
    },
    /// HPA: the observation lists no pods for a per-pod metric.
    #[error(
        "no pods in the observation while calculating replica count; pass the pods with `Observation::with_pods`"
    )]
    NoPods,
    /// HPA: no pod that counts had a metric (all missing, unready, pending or deleting).
    #[error("did not receive metrics for targeted pods (pods might be unready)")]
    NoPodMetrics,
    /// HPA: a pod counted by a resource metric has no resource request.
    #[error(
        "pod {index} has no resource request; utilization needs every pod's request (use an AverageValue target otherwise)"
    )]
    MissingRequest {
        /// The pod's index in the observation.
        index: usize,
    },
    /// HPA: every metric failed, or one failed while the rest would scale down.
    #[error("{invalid} of {total} metrics invalid; HPA never scales down on a partial view")]
    InvalidMetrics {
        /// How many metrics failed.
        invalid: usize,
        /// How many metrics the policy has.
        total: usize,
    },
    /// A policy list (max-of-policies, behavior policies) that must not be empty was.
    #[error("{what} is empty; give at least one")]
    Empty {
        /// The list.
        what: &'static str,
    },
    /// A number or duration failed `sre-core`'s validation: NaN, infinite, negative,
    /// out of range, or a zero window. The inner error names the quantity and the value.
    #[error(transparent)]
    Core(#[from] sre_core::Error),
}

/// A finite value, else the matching `sre-core` error.
pub(crate) fn finite(what: &'static str, v: f64) -> Result<f64, Error> {
    Ok(sre_core::num::finite(what, v)?)
}

/// A finite value ≥ 0, else the matching `sre-core` error.
pub(crate) fn non_negative(what: &'static str, v: f64) -> Result<f64, Error> {
    Ok(sre_core::Rate::named(what, v)?.get())
}

/// A finite target > 0: NaN or ±∞ give the `sre-core` error, 0 or less
/// [`Error::NonPositiveTarget`] (whose message says a target must be above 0).
pub(crate) fn positive_target(what: &'static str, v: f64) -> Result<f64, Error> {
    let v = finite(what, v)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(Error::NonPositiveTarget { what, value: v })
    }
}

/// A value outside its allowed range (`sre-core`'s `OutOfRange`).
pub(crate) fn out_of_range(what: &'static str, value: f64, expected: &'static str) -> Error {
    Error::Core(sre_core::Error::OutOfRange {
        what,
        value,
        expected,
    })
}

/// A window or period that must be longer than zero was zero (`sre-core`'s `ZeroDuration`).
pub(crate) fn zero_window(what: &'static str) -> Error {
    Error::Core(sre_core::Error::ZeroDuration { what })
}
