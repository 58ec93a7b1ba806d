//! Queue-depth policies: the course text's rule ([`QueueDepth`]) and KEDA's ([`Keda`]).

use crate::error::{non_negative, positive_target};
use crate::hpa::{Tolerance, replica};
use crate::threshold::ceil_u32;
use crate::{Decision, Error, Inputs, LimitKind, Metric, Observation, Policy, Reason};
use core::time::Duration;
use sre_core::Timestamp;

/// Course text: scale up while the queue is deeper than `above` (1000), scale down once
/// it has been empty for `empty_for` (5 minutes), one `step` at a time.
///
/// Each decision while the condition holds moves one step; pace it with
/// [`Cooldown`](crate::Cooldown) and floor it with [`Bounded`](crate::Bounded).
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{Observation, Policy, QueueDepth};
///
/// let p = QueueDepth::course();
/// let mut s = p.initial_state();
/// let t = Timestamp::from_secs;
/// assert_eq!(p.step(t(0), &Observation::new(3).with_queue_depth(1500.0), &mut s)?.desired, 4);
/// // Empty from t = 60 s: held until 5 minutes later.
/// let d = p.step(t(60), &Observation::new(4).with_queue_depth(0.0), &mut s)?;
/// assert_eq!((d.desired, d.next_change), (4, Some(t(360))));
/// assert_eq!(p.decide(t(360), &Observation::new(4).with_queue_depth(0.0), &s)?.desired, 3);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QueueDepth {
    above: f64,
    empty_for: Duration,
    step: u32,
}

/// The state of a [`QueueDepth`] policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QueueState {
    /// Since when the queue has been empty, if it is.
    pub empty_since: Option<Timestamp>,
}

impl QueueDepth {
    /// Up above `above`, down after `empty_for` of an empty queue, `step` instances at a time.
    ///
    /// # Errors
    /// A threshold that is NaN, infinite or negative; a zero step.
    pub fn new(above: f64, empty_for: Duration, step: u32) -> Result<Self, Error> {
        let above = non_negative("queue threshold", above)?;
        if step == 0 {
            return Err(Error::OutOfRange {
                what: "queue step",
                value: 0.0,
                expected: "1 or more instances per step",
            });
        }
        Ok(Self {
            above,
            empty_for,
            step,
        })
    }

    /// The course text's rule: up above 1000, down after 5 minutes empty, one at a time.
    #[must_use]
    pub fn course() -> Self {
        Self {
            above: 1000.0,
            empty_for: Duration::from_secs(300),
            step: 1,
        }
    }
}

impl Policy for QueueDepth {
    type State = QueueState;

    fn initial_state(&self) -> QueueState {
        QueueState::default()
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &QueueState,
    ) -> Result<Decision, Error> {
        let q = obs.metric(Metric::QueueDepth)?;
        let cur = obs.current;
        let inputs = Inputs {
            metric: Some(Metric::QueueDepth),
            value: q,
            target: self.above,
            instances: cur,
        };
        if q > self.above {
            let rec = cur.saturating_add(self.step);
            return Ok(Decision::new(now, cur, rec, inputs, Reason::AboveThreshold));
        }
        if q == 0.0 {
            let since = state.empty_since.unwrap_or(now);
            let until = since + self.empty_for;
            if now >= until {
                let rec = cur.saturating_sub(self.step);
                return Ok(Decision::new(now, cur, rec, inputs, Reason::QueueEmpty));
            }
            let mut d = Decision::new(now, cur, cur, inputs, Reason::WithinThresholds);
            d.next_change = Some(until);
            return Ok(d);
        }
        Ok(Decision::new(
            now,
            cur,
            cur,
            inputs,
            Reason::WithinThresholds,
        ))
    }

    fn commit(
        &self,
        state: &mut QueueState,
        now: Timestamp,
        obs: &Observation<'_>,
        _: &Decision,
        _: u32,
    ) {
        state.empty_since = match obs.metric(Metric::QueueDepth) {
            Ok(q) if q <= 0.0 => state.empty_since.or(Some(now)),
            _ => None,
        };
    }
}

/// KEDA's queue scaler: `ceil(queue / target per replica)` through the HPA, active only
/// above an activation threshold, back to `min_replicas` (default 0) once inactive for the
/// cooldown period (default 300 s).
///
/// Semantics from KEDA's documentation (keda.sh, "Scaling Deployments": `activationThreshold`,
/// `cooldownPeriod`, `minReplicaCount`): the scaler is active while the metric is strictly
/// above the activation threshold; from zero, activation scales to
/// `max(min_replicas, 1)`-or-more; while active the HPA's `AverageValue` arithmetic applies
/// (ratio `queue / (target × replicas)`, 10 % tolerance, then `ceil(queue / target)`).
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_scaling::{Keda, Observation, Policy};
///
/// let p = Keda::new(100.0, 5.0)?; // 100 messages per replica, activate above 5
/// let mut s = p.initial_state();
/// let t = Timestamp::from_secs;
/// assert_eq!(p.step(t(0), &Observation::new(0).with_queue_depth(3.0), &mut s)?.desired, 0);
/// assert_eq!(p.step(t(30), &Observation::new(0).with_queue_depth(450.0), &mut s)?.desired, 5);
/// // Idle from t = 60 s: held at 5 until 300 s after the last active poll (30 s).
/// assert_eq!(p.step(t(60), &Observation::new(5).with_queue_depth(0.0), &mut s)?.desired, 5);
/// assert_eq!(p.decide(t(330), &Observation::new(5).with_queue_depth(0.0), &s)?.desired, 0);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Keda {
    target: f64,
    activation: f64,
    /// `minReplicaCount`: where an inactive scaler goes (default 0).
    pub min_replicas: u32,
    /// `cooldownPeriod`: how long after the last active poll before scaling to `min_replicas`.
    pub cooldown: Duration,
    /// The HPA tolerance applied while active.
    pub tolerance: Tolerance,
}

/// The state of a [`Keda`] policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KedaState {
    /// The last time the scaler was active.
    pub last_active: Option<Timestamp>,
}

impl Keda {
    /// `target` messages per replica, active above `activation`.
    ///
    /// # Errors
    /// A target ≤ 0; an activation threshold that is NaN, infinite or negative.
    pub fn new(target: f64, activation: f64) -> Result<Self, Error> {
        Ok(Self {
            target: positive_target("KEDA target per replica", target)?,
            activation: non_negative("KEDA activation threshold", activation)?,
            min_replicas: 0,
            cooldown: Duration::from_secs(300),
            tolerance: Tolerance::default(),
        })
    }
}

impl Policy for Keda {
    type State = KedaState;

    fn initial_state(&self) -> KedaState {
        KedaState::default()
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &KedaState,
    ) -> Result<Decision, Error> {
        let q = obs.metric(Metric::QueueDepth)?;
        let cur = obs.current;
        let inputs = Inputs {
            metric: Some(Metric::QueueDepth),
            value: q,
            target: self.target,
            instances: cur,
        };
        if q > self.activation {
            let rec = if cur == 0 {
                ceil_u32(q / self.target).max(1)
            } else {
                // The HPA's External AverageValue arithmetic, in milli-units as KEDA feeds it.
                let to_milli = |v: f64| {
                    i64::try_from(sre_core::f64_to_u64_saturating((v * 1000.0).round()))
                        .unwrap_or(i64::MAX)
                };
                replica::per_pod_total(cur, to_milli(q), to_milli(self.target), self.tolerance)?
                    .replicas
            };
            let rec = rec.max(self.min_replicas);
            return Ok(Decision::new(now, cur, rec, inputs, Reason::TargetTracking));
        }
        // Inactive: go to min_replicas once the cooldown since the last active poll passed.
        let mut d = Decision::new(now, cur, self.min_replicas, inputs, Reason::Inactive);
        if cur > self.min_replicas
            && let Some(last) = state.last_active
        {
            let until = last + self.cooldown;
            if now < until {
                d.limit(LimitKind::Cooldown, cur, Some(until));
                d.next_change = Some(until);
            }
        }
        if cur < self.min_replicas {
            d.desired = self.min_replicas;
        }
        Ok(d)
    }

    fn commit(
        &self,
        state: &mut KedaState,
        now: Timestamp,
        obs: &Observation<'_>,
        _: &Decision,
        _: u32,
    ) {
        if obs
            .metric(Metric::QueueDepth)
            .is_ok_and(|q| q > self.activation)
        {
            state.last_active = Some(now);
        }
    }
}
