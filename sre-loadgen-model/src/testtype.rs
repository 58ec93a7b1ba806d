//! The course's four test types as ready profiles, and the stress test's stop rule.
//!
//! | type | shape | course preset |
//! |---|---|---|
//! | load | sustained expected load | [`load_1000_rps_1h`]: 1000 RPS for 1 h |
//! | stress | ramp up until it breaks | [`stress_1000_rps_plus_500_every_5m`]: 1000 RPS + 500 every 5 min, with [`StressController`] |
//! | soak | long, steady | [`soak_1000_rps_24h`]: 1000 RPS for 24 h |
//! | spike | sudden burst and back | [`spike_1000_to_5000_rps`]: 1000 → 5000 → 1000 |
//!
//! The course gives the rates and the soak's 24 h; the other durations (1 h load test,
//! 5-minute stress steps, the spike's 10-minute plateaus and 1-minute ramps) are this
//! crate's choice, and each constructor takes them as parameters.
//!
//! ```
//! use core::time::Duration;
//! use sre_loadgen_model::testtype::{spike_1000_to_5000_rps, StressController, StressLimits, StepObservation, StressVerdict};
//!
//! let spike = spike_1000_to_5000_rps()?;
//! assert_eq!(spike.rate(0.0), 1000.0);
//! assert_eq!(spike.rate(11.0 * 60.0 + 1.0), 5000.0);
//!
//! let mut ctl = StressController::new(1000.0, 500.0, StressLimits::p99_500ms_errors_1pct())?;
//! let ok = StepObservation { offered_rps: 1000.0, achieved_rps: 1000.0, p99: Duration::from_millis(80), error_rate: 0.0 };
//! assert_eq!(ctl.observe(ok), StressVerdict::Continue { next_rps: 1500.0 });
//! let slow = StepObservation { offered_rps: 1500.0, achieved_rps: 1300.0, ..ok };
//! assert!(matches!(ctl.observe(slow), StressVerdict::Broke { last_good_rps: Some(r), .. } if r == 1000.0));
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```

use crate::error::{non_negative, positive};
use crate::{Error, RateProfile};
use core::time::Duration;

const MIN: Duration = Duration::from_secs(60);

/// A load test: `rps` sustained for `duration`.
pub fn load_test(rps: f64, duration: Duration) -> Result<RateProfile, Error> {
    RateProfile::constant(rps, duration)
}

/// A soak test: `rps` for a long `duration` (look for leaks and exhaustion).
pub fn soak_test(rps: f64, duration: Duration) -> Result<RateProfile, Error> {
    RateProfile::constant(rps, duration)
}

/// A spike test: `base`, a ramp of `ramp` to `peak`, `hold` at peak, a ramp back, `base`
/// again; `plateau` before and after.
pub fn spike_test(
    base: f64,
    peak: f64,
    plateau: Duration,
    ramp: Duration,
    hold: Duration,
) -> Result<RateProfile, Error> {
    RateProfile::spike(base, peak, plateau, ramp, hold, plateau)
}

/// A stress test's offered load: `start_rps`, then `+ step_rps` every `step` for `steps`
/// steps. Run it with a [`StressController`] deciding when it broke.
pub fn stress_test(
    start_rps: f64,
    step_rps: f64,
    step: Duration,
    steps: u32,
) -> Result<RateProfile, Error> {
    let start = non_negative("stress start RPS", start_rps)?;
    let inc = positive("stress step RPS", step_rps)?;
    let stairs: Vec<(Duration, f64)> = (0..steps)
        .map(|k| (step, start + inc * f64::from(k)))
        .collect();
    RateProfile::steps(&stairs)
}

/// The course's load test: 1000 RPS for one hour.
pub fn load_1000_rps_1h() -> Result<RateProfile, Error> {
    load_test(1000.0, 60 * MIN)
}

/// The course's soak test: 1000 RPS for 24 hours.
pub fn soak_1000_rps_24h() -> Result<RateProfile, Error> {
    soak_test(1000.0, 24 * 60 * MIN)
}

/// The course's spike test: 1000 RPS for 10 min, 1-minute ramp to 5000, 10 min at 5000,
/// 1-minute ramp back, 10 min at 1000.
pub fn spike_1000_to_5000_rps() -> Result<RateProfile, Error> {
    spike_test(1000.0, 5000.0, 10 * MIN, MIN, 10 * MIN)
}

/// The course's stress test: from 1000 RPS, +500 every 5 minutes, 20 steps (to 10,500).
pub fn stress_1000_rps_plus_500_every_5m() -> Result<RateProfile, Error> {
    stress_test(1000.0, 500.0, 5 * MIN, 20)
}

/// When a stress step counts as broken. Any limit that is exceeded breaks it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StressLimits {
    /// Highest acceptable p99 latency.
    pub p99: Option<Duration>,
    /// Highest acceptable error rate (fraction).
    pub error_rate: Option<f64>,
    /// Lowest acceptable achieved / offered throughput (the generator can no longer
    /// push the offered load through).
    pub min_achieved_ratio: Option<f64>,
}

impl StressLimits {
    /// p99 ≤ 500 ms, errors ≤ 1 %, achieved / offered ≥ 0.95.
    #[must_use]
    pub fn p99_500ms_errors_1pct() -> Self {
        Self {
            p99: Some(Duration::from_millis(500)),
            error_rate: Some(0.01),
            min_achieved_ratio: Some(0.95),
        }
    }
}

/// What one stress step measured.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StepObservation {
    /// Load offered in the step.
    pub offered_rps: f64,
    /// Load actually completed.
    pub achieved_rps: f64,
    /// p99 latency in the step (from intended send times).
    pub p99: Duration,
    /// Fraction of requests that failed.
    pub error_rate: f64,
}

/// Why a step broke.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BreakReason {
    /// p99 above the limit.
    Latency {
        /// Measured p99.
        p99: Duration,
        /// The limit.
        limit: Duration,
    },
    /// Error rate above the limit.
    Errors {
        /// Measured error rate.
        rate: f64,
        /// The limit.
        limit: f64,
    },
    /// Achieved / offered below the limit.
    Throughput {
        /// Measured achieved / offered.
        ratio: f64,
        /// The limit.
        limit: f64,
    },
}

/// The controller's decision after a step.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StressVerdict {
    /// The step held; offer `next_rps` next.
    Continue {
        /// The next step's offered load.
        next_rps: f64,
    },
    /// The step broke: stop.
    Broke {
        /// The offered load that broke it.
        at_rps: f64,
        /// Every limit it exceeded.
        reasons: Vec<BreakReason>,
        /// The highest offered load that held, if any did.
        last_good_rps: Option<f64>,
    },
}

/// Steps the offered load up until a step breaks a [`StressLimits`] limit.
#[derive(Debug, Clone, PartialEq)]
pub struct StressController {
    next_rps: f64,
    step_rps: f64,
    limits: StressLimits,
    last_good: Option<f64>,
    broke: bool,
}

impl StressController {
    /// Start at `start_rps`, add `step_rps` after every step that holds.
    pub fn new(start_rps: f64, step_rps: f64, limits: StressLimits) -> Result<Self, Error> {
        Ok(Self {
            next_rps: positive("stress start RPS", start_rps)?,
            step_rps: positive("stress step RPS", step_rps)?,
            limits,
            last_good: None,
            broke: false,
        })
    }

    /// The load to offer in the next step.
    #[must_use]
    pub fn next_rps(&self) -> f64 {
        self.next_rps
    }

    /// Judges a step. After a break every further call repeats the break.
    pub fn observe(&mut self, step: StepObservation) -> StressVerdict {
        let mut reasons = Vec::new();
        if let Some(limit) = self.limits.p99
            && step.p99 > limit
        {
            reasons.push(BreakReason::Latency {
                p99: step.p99,
                limit,
            });
        }
        if let Some(limit) = self.limits.error_rate
            && step.error_rate > limit
        {
            reasons.push(BreakReason::Errors {
                rate: step.error_rate,
                limit,
            });
        }
        if let Some(limit) = self.limits.min_achieved_ratio {
            let ratio = if step.offered_rps > 0.0 {
                step.achieved_rps / step.offered_rps
            } else {
                1.0
            };
            if ratio < limit {
                reasons.push(BreakReason::Throughput { ratio, limit });
            }
        }
        if reasons.is_empty() && !self.broke {
            self.last_good = Some(step.offered_rps);
            self.next_rps = step.offered_rps + self.step_rps;
            StressVerdict::Continue {
                next_rps: self.next_rps,
            }
        } else {
            self.broke = true;
            StressVerdict::Broke {
                at_rps: step.offered_rps,
                reasons,
                last_good_rps: self.last_good,
            }
        }
    }
}

#[cfg(test)]
// Exact equality is the point: rates of piecewise-constant profiles are exact.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use crate::queueing::MMc;

    #[test]
    fn course_shapes() {
        let load = load_1000_rps_1h().unwrap();
        assert_eq!(load.total(), 3_600_000.0);
        let soak = soak_1000_rps_24h().unwrap();
        assert_eq!(soak.duration_secs(), 86_400.0);
        assert_eq!(soak.rate(86_399.0), 1000.0);
        let spike = spike_1000_to_5000_rps().unwrap();
        assert_eq!(spike.rate(5.0 * 60.0), 1000.0);
        assert_eq!(spike.rate(10.5 * 60.0), 3000.0);
        assert_eq!(spike.rate(15.0 * 60.0), 5000.0);
        assert_eq!(spike.rate(30.0 * 60.0), 1000.0);
        let stress = stress_1000_rps_plus_500_every_5m().unwrap();
        assert_eq!(stress.rate(0.0), 1000.0);
        assert_eq!(stress.rate(5.0 * 60.0), 1500.0);
        assert_eq!(stress.rate(99.0 * 60.0), 10_500.0);
    }

    /// Drives the controller with an M/M/c model of 20 servers at 750 RPS each: it must
    /// stop at the first step whose p99 exceeds the limit, or that is unstable.
    #[test]
    fn stress_stops_where_the_queueing_model_breaks() {
        let limits = StressLimits {
            p99: Some(Duration::from_millis(10)),
            error_rate: Some(0.01),
            min_achieved_ratio: Some(0.95),
        };
        let mut ctl = StressController::new(1000.0, 500.0, limits).unwrap();
        let mut last_ok = None;
        loop {
            let offered = ctl.next_rps();
            let obs = match MMc::new(offered, 750.0, 20) {
                Ok(q) => StepObservation {
                    offered_rps: offered,
                    achieved_rps: offered,
                    p99: Duration::from_secs_f64(q.response_quantile(0.99).unwrap()),
                    error_rate: 0.0,
                },
                // Past saturation the fleet completes at most 15,000 RPS.
                Err(_) => StepObservation {
                    offered_rps: offered,
                    achieved_rps: 15_000.0,
                    p99: Duration::from_secs(30),
                    error_rate: 0.0,
                },
            };
            match ctl.observe(obs) {
                StressVerdict::Continue { .. } => last_ok = Some(offered),
                StressVerdict::Broke {
                    at_rps,
                    reasons,
                    last_good_rps,
                } => {
                    assert_eq!(last_good_rps, last_ok);
                    assert!(!reasons.is_empty());
                    let good = MMc::new(last_ok.unwrap(), 750.0, 20).unwrap();
                    assert!(good.response_quantile(0.99).unwrap() <= 0.010);
                    let bad = MMc::new(at_rps, 750.0, 20);
                    assert!(bad.map_or(true, |q| q.response_quantile(0.99).unwrap() > 0.010));
                    break;
                }
            }
        }
        // A broken controller stays broken.
        let again = ctl.observe(StepObservation {
            offered_rps: 1.0,
            achieved_rps: 1.0,
            p99: Duration::ZERO,
            error_rate: 0.0,
        });
        assert!(matches!(again, StressVerdict::Broke { .. }));
    }
}
