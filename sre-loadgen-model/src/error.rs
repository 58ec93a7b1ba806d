//! The one error type of `sre-loadgen-model`.

/// What went wrong building a profile, a schedule, a capacity plan or a queueing model.
///
/// Every variant says what to change. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),

    /// The queue has no steady state: utilization ρ = λ / (c μ) is 1 or more, so the
    /// queue grows without bound and every waiting-time figure is infinite.
    #[error(
        "utilization rho = lambda / (c * mu) = {rho} is not below 1: the queue grows without bound; add servers (need more than {offered_load} for this load) or lower the arrival rate"
    )]
    Unstable {
        /// The utilization λ / (c μ).
        rho: f64,
        /// The offered load A = λ / μ in Erlangs: the server count must exceed it.
        offered_load: f64,
    },

    /// The server count was zero.
    #[error("server count is 0; a queue needs at least 1 server")]
    NoServers,

    /// A latency target cannot be met by any number of servers (for instance a response
    /// time below what the service time alone takes at that percentile).
    #[error(
        "a {quantile} quantile of {target} is unattainable: even with unlimited servers it is {floor}; raise the target or speed up the service"
    )]
    Unattainable {
        /// The quantile asked for, e.g. 0.99.
        quantile: f64,
        /// The target asked for.
        target: f64,
        /// The best any number of servers achieves (the service time alone).
        floor: f64,
    },

    /// A profile or schedule was given no segments, stages or samples.
    #[error("{what} is empty; give at least one {item}")]
    Empty {
        /// What was empty, e.g. `"rate profile"`.
        what: &'static str,
        /// What it needs one of, e.g. `"segment"`.
        item: &'static str,
    },

    /// A time series (trace samples, multiplier windows) was out of order or overlapping.
    #[error(
        "{what} must be in increasing time order without overlap; entry {index} starts at {at} s, before the previous one ends"
    )]
    Unordered {
        /// The series, e.g. `"trace"`.
        what: &'static str,
        /// The index of the offending entry.
        index: usize,
        /// Where it starts, in seconds.
        at: f64,
    },

    /// A sine profile would dip below zero: its amplitude exceeds its mean.
    #[error(
        "sine amplitude {amplitude} exceeds its mean {mean}, so the rate would go negative; use an amplitude of at most the mean"
    )]
    NegativeRate {
        /// The mean rate.
        mean: f64,
        /// The amplitude.
        amplitude: f64,
    },

    /// A fit or a plan needs more data than it was given.
    #[error("{what} needs at least {needed} points with distinct {distinct}, got {got}")]
    TooFewPoints {
        /// What was being fitted, e.g. `"USL fit"`.
        what: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many distinct ones it got.
        got: usize,
        /// The coordinate that must differ, e.g. `"N"`.
        distinct: &'static str,
    },

    /// Two inputs that must agree in length did not.
    #[error("{what}: {left} values against {right}; give one of each per point")]
    LengthMismatch {
        /// What was mismatched.
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },

    /// A size that drives allocation or iteration is past its documented bound.
    #[error("{what} is {value}; at most {max}")]
    TooLarge {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: u64,
        /// The bound.
        max: u64,
    },

    /// A value is outside the range a model is defined on (the message says which).
    #[error("{what} is {value}, outside {expected}")]
    OutOfDomain {
        /// The quantity.
        what: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range in words.
        expected: &'static str,
    },
}

impl Error {
    pub(crate) fn domain(what: &'static str, value: f64, expected: &'static str) -> Self {
        Self::OutOfDomain {
            what,
            value,
            expected,
        }
    }
}

/// Checks a float is finite and ≥ 0, naming it in the error.
pub(crate) fn non_negative(what: &'static str, v: f64) -> Result<f64, Error> {
    Ok(sre_core::Rate::named(what, v)?.get())
}

/// Checks a float is finite and > 0, naming it in the error.
pub(crate) fn positive(what: &'static str, v: f64) -> Result<f64, Error> {
    Ok(sre_core::Positive::named(what, v)?.get())
}
