//! [`TargetTracking`]: as many instances as the load needs at a target per instance.

use crate::error::positive_target;
use crate::threshold::{ceil_u32, proportional};
use crate::{Decision, Error, Inputs, Metric, Observation, Policy, Reason};
use sre_core::Timestamp;

/// Target tracking: the count at which each instance carries `target`.
///
/// - For a service total ([`Metric::Rps`], [`Metric::QueueDepth`], [`Metric::Concurrency`]):
///   `ceil(total / target)`. Course text: 3000 RPS at 1000 RPS per instance is 3 instances.
/// - For a per-instance average ([`Metric::Cpu`]): `ceil(current × average / target)`.
///
/// Zero load recommends zero; wrap in [`Bounded`](crate::Bounded) for a floor.
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{Metric, Observation, Policy, TargetTracking};
///
/// let p = TargetTracking::new(Metric::Rps, 1000.0)?;
/// let d = p.decide(Timestamp::ZERO, &Observation::new(2).with_rps(3000.0), &())?;
/// assert_eq!(d.desired, 3);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TargetTracking {
    metric: Metric,
    target: f64,
}

// Deserializing runs `TargetTracking::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(TargetTracking { metric: Metric, target: f64 } => TargetTracking::new(metric, target));

impl TargetTracking {
    /// Track `target` of `metric` per instance.
    ///
    /// # Errors
    /// [`Error::NonPositiveTarget`] for a target ≤ 0; NaN or infinite targets.
    pub fn new(metric: Metric, target: f64) -> Result<Self, Error> {
        Ok(Self {
            metric,
            target: positive_target("target per instance", target)?,
        })
    }

    /// The count for a metric value `v` at `current` instances.
    #[must_use]
    pub fn count_for(&self, current: u32, v: f64) -> u32 {
        if self.metric.is_per_instance_average() {
            proportional(current, v, self.target)
        } else {
            ceil_u32(v / self.target)
        }
    }

    /// The metric tracked.
    #[must_use]
    pub fn metric(&self) -> Metric {
        self.metric
    }
}

impl Policy for TargetTracking {
    type State = ();

    fn initial_state(&self) {}

    fn decide(&self, now: Timestamp, obs: &Observation<'_>, _: &()) -> Result<Decision, Error> {
        let v = obs.metric(self.metric)?;
        let inputs = Inputs {
            metric: Some(self.metric),
            value: v,
            target: self.target,
            instances: obs.current,
        };
        let rec = self.count_for(obs.current, v);
        Ok(Decision::new(
            now,
            obs.current,
            rec,
            inputs,
            Reason::TargetTracking,
        ))
    }

    fn commit(&self, _: &mut (), _: Timestamp, _: &Observation<'_>, _: &Decision, _: u32) {}
}
