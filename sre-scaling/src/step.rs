//! [`StepScaling`]: AWS Application Auto Scaling / EC2 Auto Scaling step policies.
//!
//! Semantics from the AWS documentation ("Step scaling policies", `StepAdjustment`,
//! `MinAdjustmentMagnitude`):
//!
//! - the policy acts only while its alarm is breached (metric above the threshold for an
//!   upper alarm, below it for a lower alarm);
//! - step bounds are relative to the alarm threshold; above the threshold a step's lower
//!   bound is inclusive and its upper bound exclusive, below it the lower bound is
//!   exclusive and the upper inclusive; a missing bound is ±∞;
//! - `PercentChangeInCapacity` results are rounded: above 1 down, in (0, 1) to 1, in
//!   (−1, 0) to −1, below −1 up (toward zero); then raised to `MinAdjustmentMagnitude`.

use crate::error::finite;
use crate::{Decision, Error, Inputs, LimitKind, Metric, Observation, Policy, Reason};
use sre_core::Timestamp;

/// How a step's adjustment is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AdjustmentType {
    /// Add the adjustment (negative removes).
    ChangeInCapacity,
    /// Add the adjustment percent of the current capacity.
    PercentChangeInCapacity,
    /// Set the capacity to the adjustment.
    ExactCapacity,
}

/// One step: `[lower, upper)` relative to the threshold and its adjustment.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StepAdjustment {
    /// Lower bound relative to the threshold (`None`: −∞).
    pub lower: Option<f64>,
    /// Upper bound relative to the threshold (`None`: +∞).
    pub upper: Option<f64>,
    /// The adjustment (instances, percent, or exact capacity).
    pub adjustment: i64,
}

/// Which side of the threshold breaches the alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Alarm {
    /// Breached while the metric is strictly above the threshold.
    Above,
    /// Breached while the metric is strictly below the threshold.
    Below,
}

/// An AWS step scaling policy on one alarm.
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::step::{AdjustmentType, Alarm, StepAdjustment, StepScaling};
/// use sre_scaling::{Metric, Observation, Policy};
///
/// // Alarm above CPU 50 %: +10 % for [50, 60), +30 % from 60 up.
/// let p = StepScaling::new(Metric::Cpu, 50.0, Alarm::Above, AdjustmentType::PercentChangeInCapacity, vec![
///     StepAdjustment { lower: Some(0.0), upper: Some(10.0), adjustment: 10 },
///     StepAdjustment { lower: Some(10.0), upper: None, adjustment: 30 },
/// ], 0)?;
/// let t = Timestamp::ZERO;
/// assert_eq!(p.decide(t, &Observation::new(10).with_cpu(55.0), &())?.desired, 11);
/// assert_eq!(p.decide(t, &Observation::new(10).with_cpu(60.0), &())?.desired, 13);
/// assert_eq!(p.decide(t, &Observation::new(10).with_cpu(50.0), &())?.desired, 10); // not breached
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StepScaling {
    metric: Metric,
    threshold: f64,
    alarm: Alarm,
    kind: AdjustmentType,
    steps: Vec<StepAdjustment>,
    min_magnitude: u32,
}

// Deserializing runs `StepScaling::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(StepScaling { metric: Metric, threshold: f64, alarm: Alarm, kind: AdjustmentType, steps: Vec<StepAdjustment>, min_magnitude: u32 } => StepScaling::new(metric, threshold, alarm, kind, steps, min_magnitude));

impl StepScaling {
    /// A policy; `min_magnitude` (`MinAdjustmentMagnitude`) applies to percent changes.
    ///
    /// # Errors
    /// No steps; a non-finite threshold or bound; a step whose lower bound is not below its
    /// upper bound.
    pub fn new(
        metric: Metric,
        threshold: f64,
        alarm: Alarm,
        kind: AdjustmentType,
        steps: Vec<StepAdjustment>,
        min_magnitude: u32,
    ) -> Result<Self, Error> {
        let threshold = finite("alarm threshold", threshold)?;
        if steps.is_empty() {
            return Err(Error::Empty {
                what: "step adjustments",
            });
        }
        for s in &steps {
            let lo = s
                .lower
                .map_or(Ok(f64::NEG_INFINITY), |v| finite("step lower bound", v))?;
            let hi = s
                .upper
                .map_or(Ok(f64::INFINITY), |v| finite("step upper bound", v))?;
            if lo >= hi {
                return Err(Error::ThresholdsInverted {
                    what: "step bounds",
                    lower: lo,
                    upper: hi,
                });
            }
        }
        Ok(Self {
            metric,
            threshold,
            alarm,
            kind,
            steps,
            min_magnitude,
        })
    }

    fn step_for(&self, delta: f64) -> Option<&StepAdjustment> {
        let above = delta >= 0.0;
        self.steps.iter().find(|s| {
            let lo = s.lower.unwrap_or(f64::NEG_INFINITY);
            let hi = s.upper.unwrap_or(f64::INFINITY);
            if above {
                lo <= delta && delta < hi
            } else {
                lo < delta && delta <= hi
            }
        })
    }

    /// The change in capacity for `adjustment` percent of `current`, AWS-rounded and raised
    /// to the minimum magnitude.
    #[must_use]
    pub fn percent_change(current: u32, adjustment: i64, min_magnitude: u32) -> i64 {
        let raw = f64::from(current) * adjustment as f64 / 100.0;
        let rounded = if !(-1.0..=1.0).contains(&raw) {
            raw.trunc()
        } else if raw > 0.0 {
            1.0
        } else if raw < 0.0 {
            -1.0
        } else {
            0.0
        };
        #[allow(clippy::cast_possible_truncation)]
        let r = rounded as i64; // integral, and |r| <= current × |adjustment| / 100
        let m = i64::from(min_magnitude);
        if r > 0 && r < m {
            m
        } else if r < 0 && -r < m {
            -m
        } else {
            r
        }
    }
}

impl Policy for StepScaling {
    type State = ();

    fn initial_state(&self) {}

    fn decide(&self, now: Timestamp, obs: &Observation<'_>, _: &()) -> Result<Decision, Error> {
        let v = obs.metric(self.metric)?;
        let cur = obs.current;
        let inputs = Inputs {
            metric: Some(self.metric),
            value: v,
            target: self.threshold,
            instances: cur,
        };
        let breached = match self.alarm {
            Alarm::Above => v > self.threshold,
            Alarm::Below => v < self.threshold,
        };
        let step = breached
            .then(|| self.step_for(v - self.threshold))
            .flatten();
        let Some(step) = step else {
            return Ok(Decision::new(
                now,
                cur,
                cur,
                inputs,
                Reason::WithinThresholds,
            ));
        };
        let reason = match self.alarm {
            Alarm::Above => Reason::AboveThreshold,
            Alarm::Below => Reason::BelowThreshold,
        };
        let target = match self.kind {
            AdjustmentType::ExactCapacity => step.adjustment,
            // Saturating: an adjustment is the caller's i64 (i64::MAX must not overflow).
            AdjustmentType::ChangeInCapacity => i64::from(cur).saturating_add(step.adjustment),
            AdjustmentType::PercentChangeInCapacity => {
                let plain =
                    i64::from(cur).saturating_add(Self::percent_change(cur, step.adjustment, 0));
                let with_min = i64::from(cur).saturating_add(Self::percent_change(
                    cur,
                    step.adjustment,
                    self.min_magnitude,
                ));
                let to_u32 = |x: i64| u32::try_from(x.max(0)).unwrap_or(u32::MAX);
                let mut d = Decision::new(now, cur, to_u32(plain), inputs, reason);
                d.limit(LimitKind::RatePolicy, to_u32(with_min), None);
                return Ok(d);
            }
        };
        let rec = u32::try_from(target.max(0)).unwrap_or(u32::MAX);
        Ok(Decision::new(now, cur, rec, inputs, reason))
    }

    fn commit(&self, _: &mut (), _: Timestamp, _: &Observation<'_>, _: &Decision, _: u32) {}
}
