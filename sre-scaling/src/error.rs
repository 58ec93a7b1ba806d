//! The one error type of `sre-scaling`.

/// What went wrong building a policy or deciding with one.
///
/// Every variant names the quantity (`what`) and, where there is one, the rejected value,
/// so the message says what to fix. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A metric, target or parameter was NaN.
    #[error("{what} is NaN; pass a finite number")]
    NotANumber {
        /// The quantity, e.g. `"cpu utilization"`.
        what: &'static str,
    },
    /// A metric, target or parameter was infinite.
    #[error("{what} is {value}; pass a finite number")]
    Infinite {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A metric or parameter was below zero.
    #[error("{what} is {value}, below zero; pass a value of 0 or more")]
    Negative {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A target (per instance, per pod, utilization) was zero or negative.
    #[error("{what} is {value}; a target must be greater than 0")]
    NonPositiveTarget {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A value was finite but outside its allowed range.
    #[error("{what} is {value}, outside {expected}")]
    OutOfRange {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range in words.
        expected: &'static str,
    },
    /// `min` was greater than `max`.
    #[error("replica bounds are inverted: min {min} > max {max}; pass min <= max")]
    BoundsInverted {
        /// The lower bound given.
        min: u32,
        /// The upper bound given.
        max: u32,
    },
    /// A window or period that must be longer than zero was zero.
    #[error("{what} is zero; pass a duration longer than zero")]
    ZeroWindow {
        /// The quantity, e.g. `"panic window"`.
        what: &'static str,
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
    /// A value from `sre-core` failed validation.
    #[error(transparent)]
    Core(#[from] sre_core::Error),
}

/// A finite value, else the matching error.
pub(crate) fn finite(what: &'static str, v: f64) -> Result<f64, Error> {
    if v.is_nan() {
        Err(Error::NotANumber { what })
    } else if v.is_infinite() {
        Err(Error::Infinite { what, value: v })
    } else {
        Ok(v)
    }
}

/// A finite value ≥ 0, else the matching error.
pub(crate) fn non_negative(what: &'static str, v: f64) -> Result<f64, Error> {
    let v = finite(what, v)?;
    if v < 0.0 {
        Err(Error::Negative { what, value: v })
    } else {
        Ok(v)
    }
}

/// A finite target > 0, else the matching error.
pub(crate) fn positive_target(what: &'static str, v: f64) -> Result<f64, Error> {
    let v = finite(what, v)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(Error::NonPositiveTarget { what, value: v })
    }
}
