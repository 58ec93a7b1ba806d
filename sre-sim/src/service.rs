//! [`ServiceTime`]: how long a server works on one request, drawn from a seeded RNG.
//!
//! Three shapes, each with a closed-form mean so a scenario can be checked against
//! queueing theory: exponential (M/M/c), log-normal (the usual shape of real service
//! latencies) and fixed (M/D/c). Draws come from an explicit [`ServiceSampler`] seeded by
//! the caller (Xoshiro256++), never from a global RNG.

use crate::Error;
use core::time::Duration;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use sre_core::f64_to_u64_saturating;

/// The distribution of one request's service time.
///
/// ```
/// use core::time::Duration;
/// use sre_sim::ServiceTime;
///
/// let s = ServiceTime::log_normal(Duration::from_millis(80), 0.5)?;
/// // mean = median · exp(σ²/2)
/// assert!((s.mean().as_secs_f64() - 0.080 * (0.125f64).exp()).abs() < 1e-9);
/// # Ok::<(), sre_sim::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum ServiceTime {
    /// Exponential with the given mean (Markovian service: M/M/c).
    Exponential {
        /// Mean service time, nanoseconds.
        mean_ns: u64,
    },
    /// Log-normal: `exp(N(ln median, sigma²))`.
    LogNormal {
        /// Median service time, nanoseconds.
        median_ns: u64,
        /// Standard deviation of the logarithm (0.5 is a typical web service).
        sigma: f64,
    },
    /// Every request takes exactly this long (M/D/c).
    Fixed {
        /// The service time, nanoseconds.
        ns: u64,
    },
}

fn nanos(what: &'static str, d: Duration) -> Result<u64, Error> {
    let n = sre_core::duration_to_nanos_saturating(d);
    if n == 0 {
        Err(Error::Core(sre_core::Error::ZeroDuration { what }))
    } else {
        Ok(n)
    }
}

impl ServiceTime {
    /// Exponential service with mean `mean` (> 0).
    pub fn exponential(mean: Duration) -> Result<Self, Error> {
        Ok(Self::Exponential {
            mean_ns: nanos("mean service time", mean)?,
        })
    }

    /// Log-normal service with median `median` (> 0) and log-space standard deviation
    /// `sigma` (finite, ≥ 0; 0 is the fixed time `median`).
    pub fn log_normal(median: Duration, sigma: f64) -> Result<Self, Error> {
        let sigma = sre_core::Rate::named("log-normal sigma", sigma)?.get();
        Ok(Self::LogNormal {
            median_ns: nanos("median service time", median)?,
            sigma,
        })
    }

    /// Every request takes exactly `d` (> 0).
    pub fn fixed(d: Duration) -> Result<Self, Error> {
        Ok(Self::Fixed {
            ns: nanos("fixed service time", d)?,
        })
    }

    /// Checks a value built directly (e.g. deserialized): positive times, finite sigma.
    pub fn validate(&self) -> Result<(), Error> {
        match *self {
            Self::Exponential { mean_ns } => {
                nanos("mean service time", Duration::from_nanos(mean_ns)).map(drop)
            }
            Self::LogNormal { median_ns, sigma } => {
                Self::log_normal(Duration::from_nanos(median_ns), sigma).map(drop)
            }
            Self::Fixed { ns } => nanos("fixed service time", Duration::from_nanos(ns)).map(drop),
        }
    }

    /// The mean service time `E[S]`, saturating at [`Duration::MAX`] (a log-normal's
    /// mean `median · exp(σ²/2)` overflows for a large σ).
    #[must_use]
    pub fn mean(&self) -> Duration {
        crate::units::secs_saturating(self.mean_secs())
    }

    /// The mean service time in seconds.
    #[must_use]
    pub fn mean_secs(&self) -> f64 {
        match *self {
            Self::Exponential { mean_ns } => mean_ns as f64 / 1e9,
            Self::LogNormal { median_ns, sigma } => {
                median_ns as f64 / 1e9 * (sigma * sigma / 2.0).exp()
            }
            Self::Fixed { ns } => ns as f64 / 1e9,
        }
    }

    /// A sampler of this distribution seeded with `seed` (same seed, same stream).
    #[must_use]
    pub fn sampler(&self, seed: u64) -> ServiceSampler {
        ServiceSampler {
            dist: *self,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }
}

/// A seeded stream of service times in nanoseconds (at least 1 ns each).
#[derive(Debug, Clone)]
pub struct ServiceSampler {
    dist: ServiceTime,
    rng: Xoshiro256PlusPlus,
}

impl ServiceSampler {
    /// The next service time, nanoseconds (≥ 1; a draw past `u64::MAX` saturates).
    #[inline]
    pub fn next_ns(&mut self) -> u64 {
        let x = match self.dist {
            ServiceTime::Exponential { mean_ns } => {
                let e: f64 = Exp1.sample(&mut self.rng);
                mean_ns as f64 * e
            }
            ServiceTime::LogNormal { median_ns, sigma } => {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                median_ns as f64 * (sigma * z).exp()
            }
            ServiceTime::Fixed { ns } => return ns,
        };
        // Round to the nearest nanosecond; a service never takes zero time.
        f64_to_u64_saturating(x + 0.5).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(s: ServiceTime, n: u32) -> (f64, f64) {
        let mut smp = s.sampler(7);
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let x = smp.next_ns() as f64 / 1e9;
            sum += x;
            sum2 += x * x;
        }
        let m = sum / f64::from(n);
        (m, sum2 / f64::from(n) - m * m)
    }

    #[test]
    fn sample_moments_match_closed_forms() {
        // Exponential: variance = mean².
        let e = ServiceTime::exponential(Duration::from_millis(10)).unwrap();
        let (m, v) = moments(e, 400_000);
        assert!((m / 0.010 - 1.0).abs() < 0.01, "{m}");
        assert!((v / 1e-4 - 1.0).abs() < 0.03, "{v}");
        // Log-normal: mean = m·e^{σ²/2}, variance = (e^{σ²} − 1)·mean².
        let l = ServiceTime::log_normal(Duration::from_millis(80), 0.5).unwrap();
        let (m, v) = moments(l, 400_000);
        let mean = l.mean_secs();
        assert!((m / mean - 1.0).abs() < 0.01, "{m} vs {mean}");
        let var = (0.25f64.exp() - 1.0) * mean * mean;
        assert!((v / var - 1.0).abs() < 0.05, "{v} vs {var}");
        // Fixed is fixed.
        let f = ServiceTime::fixed(Duration::from_millis(3)).unwrap();
        let mut s = f.sampler(1);
        assert!((0..10).all(|_| s.next_ns() == 3_000_000));
    }

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        let e = ServiceTime::exponential(Duration::from_millis(1)).unwrap();
        let a: Vec<u64> = {
            let mut s = e.sampler(42);
            (0..100).map(|_| s.next_ns()).collect()
        };
        let b: Vec<u64> = {
            let mut s = e.sampler(42);
            (0..100).map(|_| s.next_ns()).collect()
        };
        let c: Vec<u64> = {
            let mut s = e.sampler(43);
            (0..100).map(|_| s.next_ns()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_parameters_are_named() {
        let err = ServiceTime::exponential(Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("mean service time"), "{err}");
        let err = ServiceTime::log_normal(Duration::from_millis(1), f64::NAN).unwrap_err();
        assert!(err.to_string().contains("sigma"), "{err}");
        let err = ServiceTime::log_normal(Duration::from_millis(1), -1.0).unwrap_err();
        assert!(err.to_string().contains("sigma"), "{err}");
    }
}
