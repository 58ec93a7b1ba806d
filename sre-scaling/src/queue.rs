//! Queue-depth policies: the course text's rule ([`QueueDepth`]) and KEDA's ([`Keda`]).

use crate::error::{non_negative, positive_target};
use crate::hpa::{Tolerance, replica};
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
/// let p = QueueDepth::above_1000_down_after_5m_empty();
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QueueDepth {
    above: f64,
    empty_for: Duration,
    step: u32,
}

// Deserializing runs `QueueDepth::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(QueueDepth { above: f64, empty_for: Duration, step: u32 } => QueueDepth::new(above, empty_for, step));

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
            return Err(crate::error::out_of_range(
                "queue step",
                0.0,
                "1 or more instances per step",
            ));
        }
        Ok(Self {
            above,
            empty_for,
            step,
        })
    }

    /// The course text's rule: up above 1000, down after 5 minutes empty, one at a time.
    #[must_use]
    pub fn above_1000_down_after_5m_empty() -> Self {
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

/// KEDA's queue scaler: `ceil(queue / target per replica)` through the HPA, with an
/// activation threshold and scale to zero.
///
/// Semantics from KEDA's documentation and scale executor (kedacore/keda, "Scaling
/// Deployments": `activationThreshold`, `cooldownPeriod`, `minReplicaCount`):
///
/// - the scaler is *active* while the queue is strictly above the activation threshold;
/// - from zero replicas, an active scaler scales to `max(1, min_replicas)` (KEDA itself);
///   the HPA takes over from there;
/// - with replicas, the HPA's `AverageValue` arithmetic applies: ratio
///   `queue / (target × replicas)`, 10 % tolerance, else `ceil(queue / target)`, never
///   below `max(1, min_replicas)` (the HPA's own stabilization and behavior are not
///   modelled here: wrap in [`Cooldown`](crate::Cooldown) or use [`Hpa`](crate::Hpa));
/// - with `min_replicas == 0`, an inactive scaler goes straight to zero once more than
///   `cooldown` (default 300 s) has passed since it was last active (at once if it never was).
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{Keda, Observation, Policy};
///
/// let p = Keda::new(100.0, 5.0)?; // 100 messages per replica, activate above 5
/// let mut s = p.initial_state();
/// let t = Timestamp::from_secs;
/// assert_eq!(p.step(t(0), &Observation::new(0).with_queue_depth(3.0), &mut s)?.desired, 0);
/// assert_eq!(p.step(t(30), &Observation::new(0).with_queue_depth(450.0), &mut s)?.desired, 1);
/// assert_eq!(p.step(t(60), &Observation::new(1).with_queue_depth(450.0), &mut s)?.desired, 5);
/// // Idle from t = 90 s: the HPA floor (1) until 300 s after the last active poll (60 s).
/// assert_eq!(p.step(t(90), &Observation::new(5).with_queue_depth(0.0), &mut s)?.desired, 1);
/// assert_eq!(p.decide(t(360), &Observation::new(1).with_queue_depth(0.0), &s)?.desired, 1);
/// assert_eq!(p.decide(t(361), &Observation::new(1).with_queue_depth(0.0), &s)?.desired, 0);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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

// Deserializing runs `Keda::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Keda { target: f64, activation: f64, min_replicas: u32, cooldown: Duration, tolerance: crate::hpa::Tolerance } => Keda::new(target, activation).map(|k| Keda { min_replicas, cooldown, tolerance, ..k }));

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
        let active = q > self.activation;
        let hpa_min = self.min_replicas.max(1);
        if cur == 0 {
            return Ok(if active {
                Decision::new(now, cur, hpa_min, inputs, Reason::AboveThreshold)
            } else {
                Decision::new(now, cur, self.min_replicas, inputs, Reason::Inactive)
            });
        }
        if !active && self.min_replicas == 0 {
            // KEDA scales in once `last_active + cooldown` is strictly before now; with no
            // last-active time (scaled outside KEDA) it ignores the cooldown.
            let until = state.last_active.map(|t| t + self.cooldown);
            if until.is_none_or(|u| now > u) {
                return Ok(Decision::new(now, cur, 0, inputs, Reason::Inactive));
            }
        }
        // The HPA's External AverageValue arithmetic, in milli-units as KEDA feeds it.
        let to_milli = |v: f64| {
            i64::try_from(sre_core::f64_to_u64_saturating((v * 1000.0).round())).unwrap_or(i64::MAX)
        };
        let p = replica::per_pod_total(cur, to_milli(q), to_milli(self.target), self.tolerance)?;
        let reason = if self.tolerance.is_within(p.ratio) {
            Reason::WithinTolerance
        } else {
            Reason::TargetTracking
        };
        let mut d = Decision::new(now, cur, p.replicas, inputs, reason);
        if d.desired < hpa_min {
            d.limit(LimitKind::MinBound, hpa_min, None);
        }
        if !active && self.min_replicas == 0 {
            d.next_change = state
                .last_active
                .map(|t| t + self.cooldown + Duration::from_nanos(1));
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
