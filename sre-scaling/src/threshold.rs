//! [`Thresholds`]: scale up above one level, down below another (course text: CPU 70 % / 30 %).

use crate::error::{finite, positive_target};
use crate::{Decision, Error, Inputs, Metric, Observation, Policy, Reason};
use sre_core::{Timestamp, f64_to_u64_saturating};

/// How a [`Thresholds`] policy moves once a threshold is crossed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ThresholdAction {
    /// Add `up` instances above the upper threshold, remove `down` below the lower one.
    Step {
        /// Instances added per decision.
        up: u32,
        /// Instances removed per decision.
        down: u32,
    },
    /// Scale so the per-instance average would land on `target`:
    /// `ceil(current × value / target)`.
    Proportional {
        /// The level to aim for, between the thresholds.
        target: f64,
    },
}

/// Scale up when a per-instance average is strictly above `upper`, down when strictly
/// below `lower`, otherwise hold. Never recommends fewer than one instance (a per-instance
/// average of zero instances means nothing).
///
/// The course text's rule is [`Thresholds::cpu_above_70_below_30`]: up above 70 %, down below 30 %,
/// one instance at a time.
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{Observation, Policy, Reason, Thresholds};
///
/// let p = Thresholds::cpu_above_70_below_30();
/// let s = p.initial_state();
/// let t = Timestamp::ZERO;
/// assert_eq!(p.decide(t, &Observation::new(4).with_cpu(70.1), &s)?.desired, 5);
/// assert_eq!(p.decide(t, &Observation::new(4).with_cpu(70.0), &s)?.reason, Reason::WithinThresholds);
/// assert_eq!(p.decide(t, &Observation::new(4).with_cpu(29.9), &s)?.desired, 3);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Thresholds {
    metric: Metric,
    lower: f64,
    upper: f64,
    action: ThresholdAction,
}

// Deserializing runs `Thresholds::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Thresholds { metric: Metric, lower: f64, upper: f64, action: ThresholdAction } => Thresholds::new(metric, lower, upper, action));

impl Thresholds {
    /// Thresholds on `metric` (a per-instance average such as [`Metric::Cpu`]).
    ///
    /// # Errors
    /// Non-finite or negative thresholds, `lower >= upper`, a proportional target that is
    /// not positive or not within `[lower, upper]`, or a step of zero.
    pub fn new(
        metric: Metric,
        lower: f64,
        upper: f64,
        action: ThresholdAction,
    ) -> Result<Self, Error> {
        let lower = crate::error::non_negative("lower threshold", lower)?;
        let upper = finite("upper threshold", upper)?;
        if lower >= upper {
            return Err(Error::ThresholdsInverted {
                what: "thresholds",
                lower,
                upper,
            });
        }
        match action {
            ThresholdAction::Step { up, down } => {
                if up == 0 || down == 0 {
                    return Err(crate::error::out_of_range(
                        "threshold step",
                        f64::from(up.min(down)),
                        "1 or more instances per step",
                    ));
                }
            }
            ThresholdAction::Proportional { target } => {
                let t = positive_target("proportional target", target)?;
                if t < lower || t > upper {
                    return Err(crate::error::out_of_range(
                        "proportional target",
                        t,
                        "the interval [lower, upper] of the thresholds",
                    ));
                }
            }
        }
        Ok(Self {
            metric,
            lower,
            upper,
            action,
        })
    }

    /// The course text's CPU rule: up above 70 %, down below 30 %, one instance per step.
    #[must_use]
    pub fn cpu_above_70_below_30() -> Self {
        Self {
            metric: Metric::Cpu,
            lower: 30.0,
            upper: 70.0,
            action: ThresholdAction::Step { up: 1, down: 1 },
        }
    }
}

impl Policy for Thresholds {
    type State = ();

    fn initial_state(&self) {}

    fn decide(&self, now: Timestamp, obs: &Observation<'_>, _: &()) -> Result<Decision, Error> {
        let v = obs.metric(self.metric)?;
        let cur = obs.current;
        let (rec, reason, target) = if v > self.upper {
            let rec = match self.action {
                ThresholdAction::Step { up, .. } => cur.saturating_add(up),
                ThresholdAction::Proportional { target } => proportional(cur, v, target),
            };
            (rec, Reason::AboveThreshold, self.upper)
        } else if v < self.lower {
            let rec = match self.action {
                ThresholdAction::Step { down, .. } => cur.saturating_sub(down),
                ThresholdAction::Proportional { target } => proportional(cur, v, target),
            };
            (rec, Reason::BelowThreshold, self.lower)
        } else {
            (cur, Reason::WithinThresholds, self.upper)
        };
        let inputs = Inputs {
            metric: Some(self.metric),
            value: v,
            target,
            instances: cur,
        };
        Ok(Decision::new(now, cur, rec.max(1), inputs, reason))
    }

    fn commit(&self, _: &mut (), _: Timestamp, _: &Observation<'_>, _: &Decision, _: u32) {}
}

/// `ceil(current × value / target)`, saturating at `u32::MAX`.
pub(crate) fn proportional(current: u32, value: f64, target: f64) -> u32 {
    ceil_u32(f64::from(current) * value / target)
}

/// `ceil(x)` as u32, saturating (NaN and negatives give 0).
pub(crate) fn ceil_u32(x: f64) -> u32 {
    u32::try_from(f64_to_u64_saturating(x.ceil())).unwrap_or(u32::MAX)
}
