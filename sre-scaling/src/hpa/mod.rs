//! [`Hpa`]: the Kubernetes Horizontal Pod Autoscaler's decision, exactly.
//!
//! Follows `pkg/controller/podautoscaler` of kubernetes/kubernetes (`horizontal.go`,
//! `replica_calculator.go`) and the API defaults of `pkg/apis/autoscaling/v2/defaults.go`:
//!
//! 1. a current count of 0 with `min > 0` disables scaling; a count outside `[min, max]`
//!    is brought to the nearest bound without looking at metrics;
//! 2. each metric proposes a count ([`replica`]); the largest proposal wins; if every
//!    metric fails the decision is an error, and if one fails while the rest would scale
//!    down the count is held (a metric error never causes a scale-down);
//! 3. with a [`Behavior`] (the default: [`Behavior::default`]), the proposal is stabilized
//!    over both windows and limited by the rate policies and the bounds ([`behavior`]);
//!    without one (`behavior: None`, an HPA object with no `spec.behavior`), the legacy
//!    rules apply: the maximum of the last 5 minutes' recommendations, and a scale-up of
//!    at most `max(2 × current, 4)`.
//!
//! [`HpaSpec::new`] uses the default behavior, which is what the `autoscaling/v2`
//! defaults give any HPA that sets `spec.behavior`; [`HpaSpec::legacy`] gives the
//! no-behavior path. The controller's time-based readiness rules (CPU initialization
//! period, initial readiness delay) are the caller's judgement, carried in
//! [`PodSample::ready`](crate::PodSample::ready).
//!
//! ```
//! use sre_core::Timestamp;
//! use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec};
//! use sre_scaling::{Observation, PodSample, Policy};
//!
//! // 3 pods requesting 2 cores at 0.6, 1.0 and 1.4 cores against a 30 % target:
//! // utilization int(3000 × 100 / 6000) = 50 %, ratio 1.67, ceil(1.67 × 3) = 5.
//! let hpa = Hpa::new(HpaSpec::new(1, 10, vec![HpaMetric::cpu_utilization(30)]))?;
//! let pods = [PodSample::cpu(2000, 600), PodSample::cpu(2000, 1000), PodSample::cpu(2000, 1400)];
//! let mut state = hpa.initial_state();
//! let d = hpa.step(Timestamp::from_secs(15), &Observation::new(3).with_pods(&pods), &mut state)?;
//! assert_eq!((d.recommended, d.desired), (5, 5));
//! # Ok::<(), sre_scaling::Error>(())
//! ```

pub mod behavior;
mod history;
pub mod replica;

pub use behavior::{
    Behavior, LimitReason, PolicyKind, RatePolicy, Recommendation, ScaleEvent, ScalingRules,
    SelectPolicy,
};
pub use replica::{Proposal, Tolerance};

use crate::decision::{Decision, Inputs, LimitKind, Reason};
use crate::error::Error;
use crate::observation::{Metric, Observation};
use crate::policy::Policy;
use core::time::Duration;
use sre_core::{Timestamp, f64_to_u64_saturating};
use std::collections::VecDeque;

/// A resource the kubelet reports per pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Resource {
    /// CPU: unready pods are set aside.
    Cpu,
    /// Memory (or any other resource): readiness does not matter.
    Memory,
}

/// A `Resource` metric's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ResourceTarget {
    /// Average utilization in percent of request.
    Utilization(i64),
    /// Average usage per pod, in milli-units.
    AverageValue(i64),
}

/// An `External` or `Object` metric's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ValueTarget {
    /// The metric's total value, in milli-units.
    Value(i64),
    /// The metric's total divided by the replica count, in milli-units.
    AverageValue(i64),
}

/// One entry of `spec.metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HpaMetric {
    /// A resource metric from the pods' `usage_milli` and `request_milli`.
    Resource {
        /// Which resource.
        resource: Resource,
        /// The target.
        target: ResourceTarget,
    },
    /// A per-pod custom metric from the pods' `value_milli`.
    Pods {
        /// Target average per pod, in milli-units.
        target_average_milli: i64,
    },
    /// A metric not tied to the pods, read from the observation (× 1000 to milli-units).
    External {
        /// Which observation field.
        metric: Metric,
        /// The target.
        target: ValueTarget,
    },
    /// A metric of another Kubernetes object, read from the observation (× 1000).
    Object {
        /// Which observation field.
        metric: Metric,
        /// The target.
        target: ValueTarget,
    },
}

impl HpaMetric {
    /// CPU utilization target in percent (the `autoscaling/v1` shape).
    #[must_use]
    pub const fn cpu_utilization(percent: i64) -> Self {
        Self::Resource {
            resource: Resource::Cpu,
            target: ResourceTarget::Utilization(percent),
        }
    }

    /// An external metric with a per-replica target, e.g. RPS per pod.
    #[must_use]
    pub fn external_per_pod(metric: Metric, target_per_pod: f64) -> Self {
        Self::External {
            metric,
            target: ValueTarget::AverageValue(to_milli(target_per_pod)),
        }
    }

    fn target_milli(&self) -> i64 {
        match *self {
            HpaMetric::Resource { target, .. } => match target {
                ResourceTarget::Utilization(v) | ResourceTarget::AverageValue(v) => v,
            },
            HpaMetric::Pods {
                target_average_milli,
            } => target_average_milli,
            HpaMetric::External { target, .. } | HpaMetric::Object { target, .. } => match target {
                ValueTarget::Value(v) | ValueTarget::AverageValue(v) => v,
            },
        }
    }

    fn observed_metric(&self) -> Option<Metric> {
        match *self {
            HpaMetric::Resource {
                resource: Resource::Cpu,
                ..
            } => Some(Metric::Cpu),
            HpaMetric::External { metric, .. } | HpaMetric::Object { metric, .. } => Some(metric),
            _ => None,
        }
    }

    /// This metric's proposal for `obs`.
    ///
    /// # Errors
    /// Anything the replica calculator rejects (no pods, no metrics, bad values).
    pub fn propose(&self, obs: &Observation<'_>, tolerance: Tolerance) -> Result<Proposal, Error> {
        let cur = obs.current;
        match *self {
            HpaMetric::Resource { resource, target } => {
                let cpu = resource == Resource::Cpu;
                match target {
                    ResourceTarget::Utilization(pct) => {
                        replica::resource_utilization(cur, pct, tolerance, obs.pods, cpu)
                    }
                    ResourceTarget::AverageValue(v) => {
                        replica::pods_average(cur, v, tolerance, obs.pods, |p| p.usage_milli, cpu)
                    }
                }
            }
            HpaMetric::Pods {
                target_average_milli,
            } => replica::pods_average(
                cur,
                target_average_milli,
                tolerance,
                obs.pods,
                |p| p.value_milli,
                false,
            ),
            HpaMetric::External { metric, target } | HpaMetric::Object { metric, target } => {
                let v = to_milli(obs.metric(metric)?);
                match target {
                    ValueTarget::AverageValue(t) => replica::per_pod_total(cur, v, t, tolerance),
                    ValueTarget::Value(t) => {
                        let ready = if obs.pods.is_empty() {
                            obs.ready_or_current()
                        } else {
                            replica::ready_pods(obs.pods)
                        };
                        replica::value_ratio(cur, v, t, tolerance, ready)
                    }
                }
            }
        }
    }
}

/// A non-negative float in milli-units, rounded to nearest (what `resource.Quantity` does).
fn to_milli(v: f64) -> i64 {
    i64::try_from(f64_to_u64_saturating((v * 1000.0).round())).unwrap_or(i64::MAX)
}

/// One metric's outcome for [`Hpa::decide_from_proposals`]: its proposal (or why it
/// failed), which observation metric it read, and its target (for the decision's inputs).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricProposal {
    /// The proposal, or the metric's error.
    pub result: Result<Proposal, Error>,
    /// The observation metric it read, if any.
    pub metric: Option<Metric>,
    /// Its target (percent for utilization, milli-units otherwise).
    pub target: i64,
}

impl MetricProposal {
    /// A proposal of `replicas` from a metric the caller computed itself.
    #[must_use]
    pub fn replicas(replicas: u32) -> Self {
        Self {
            result: Ok(Proposal {
                replicas,
                usage: 0,
                ratio: f64::NAN,
            }),
            metric: None,
            target: 0,
        }
    }

    /// A metric that failed.
    #[must_use]
    pub fn failed(error: Error) -> Self {
        Self {
            result: Err(error),
            metric: None,
            target: 0,
        }
    }
}

/// An HPA object's spec, as far as the decision goes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HpaSpec {
    /// `minReplicas`.
    pub min_replicas: u32,
    /// `maxReplicas`.
    pub max_replicas: u32,
    /// `metrics`; the largest proposal wins.
    pub metrics: Vec<HpaMetric>,
    /// `behavior`; `None` selects the legacy rules.
    pub behavior: Option<Behavior>,
    /// The controller's tolerance.
    pub tolerance: Tolerance,
    /// The controller's downscale stabilization window for the legacy path (default 5 min).
    pub legacy_downscale_window: Duration,
}

impl HpaSpec {
    /// A spec with Kubernetes' default behavior and tolerance.
    #[must_use]
    pub fn new(min_replicas: u32, max_replicas: u32, metrics: Vec<HpaMetric>) -> Self {
        Self {
            min_replicas,
            max_replicas,
            metrics,
            behavior: Some(Behavior::default()),
            tolerance: Tolerance::default(),
            legacy_downscale_window: Duration::from_secs(300),
        }
    }

    /// A spec without `behavior`: the legacy rules.
    #[must_use]
    pub fn legacy(min_replicas: u32, max_replicas: u32, metrics: Vec<HpaMetric>) -> Self {
        Self {
            behavior: None,
            ..Self::new(min_replicas, max_replicas, metrics)
        }
    }
}

/// What the HPA remembers: recommendations (for stabilization) and scale events (for
/// rate policies). Both stop growing once their windows are full.
///
/// Recommendations are kept per stabilization window as sliding windows, so a decision
/// costs amortized O(1) in how many there are; their answers are those of the
/// controller's list ([`behavior::stabilize`]) for non-decreasing times. Scale events are
/// the controller's list (a decision scans the events of the longest policy period).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HpaState {
    /// The scale-up window's recommendations (its minimum).
    up: history::Window<true>,
    /// The scale-down (or legacy) window's recommendations (its maximum).
    down: history::Window<false>,
    /// Recent scale-ups.
    pub scale_up_events: Vec<ScaleEvent>,
    /// Recent scale-downs.
    pub scale_down_events: Vec<ScaleEvent>,
}

impl HpaState {
    /// A state holding `recommendations` (any order) and the given scale events, as a
    /// controller's recorded history would.
    #[must_use]
    pub fn from_history(
        recommendations: &[Recommendation],
        scale_up_events: Vec<ScaleEvent>,
        scale_down_events: Vec<ScaleEvent>,
    ) -> Self {
        let mut sorted = recommendations.to_vec();
        sorted.sort_by_key(|r| r.at);
        let mut s = Self {
            scale_up_events,
            scale_down_events,
            ..Self::default()
        };
        for r in sorted {
            s.up.push(r);
            s.down.push(r);
        }
        s
    }

    /// The recommendations still inside a stabilization window (as of the last commit),
    /// oldest first.
    #[must_use]
    pub fn recommendations(&self) -> &VecDeque<Recommendation> {
        // One window's entries are a suffix of the longer one's.
        if self.up.len() > self.down.len() {
            self.up.entries()
        } else {
            self.down.entries()
        }
    }
}

/// The Kubernetes HPA as a [`Policy`]. See the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Hpa {
    spec: HpaSpec,
}

impl Hpa {
    /// An HPA for `spec`.
    ///
    /// # Errors
    /// `min > max`, no metrics, a target ≤ 0.
    pub fn new(spec: HpaSpec) -> Result<Self, Error> {
        if spec.min_replicas > spec.max_replicas {
            return Err(Error::BoundsInverted {
                min: spec.min_replicas,
                max: spec.max_replicas,
            });
        }
        if spec.metrics.is_empty() {
            return Err(Error::Empty {
                what: "HPA metrics",
            });
        }
        for m in &spec.metrics {
            let t = m.target_milli();
            if t <= 0 {
                return Err(Error::NonPositiveTarget {
                    what: "HPA metric target",
                    value: t as f64,
                });
            }
        }
        Ok(Self { spec })
    }

    /// The spec.
    #[must_use]
    pub fn spec(&self) -> &HpaSpec {
        &self.spec
    }

    fn windows(&self) -> (Duration, Duration) {
        match &self.spec.behavior {
            Some(b) => (
                b.scale_up.stabilization_window,
                b.scale_down.stabilization_window,
            ),
            None => (
                self.spec.legacy_downscale_window,
                self.spec.legacy_downscale_window,
            ),
        }
    }

    /// The decision from already-computed per-metric proposals (what
    /// `computeReplicasForMetrics` returns), then normalization. `decide` calls this with
    /// the spec's metrics evaluated on the observation; it is public so a controller with
    /// its own metric pipeline can reuse the normalization.
    ///
    /// # Errors
    /// The first metric's error when every metric failed.
    pub fn decide_from_proposals<I>(
        &self,
        now: Timestamp,
        current: u32,
        proposals: I,
        state: &HpaState,
    ) -> Result<Decision, Error>
    where
        I: IntoIterator<Item = MetricProposal>,
    {
        let (min, max) = (self.spec.min_replicas, self.spec.max_replicas);
        let plain = |rec: u32, reason: Reason| {
            let inputs = Inputs {
                instances: current,
                ..Inputs::default()
            };
            Decision::new(now, current, rec, inputs, reason)
        };
        if current == 0 && min != 0 {
            let mut d = plain(0, Reason::ScalingDisabled);
            d.desired = current;
            return Ok(d);
        }
        if current > max {
            return Ok(plain(max, Reason::AboveMaxReplicas));
        }
        if current < min {
            return Ok(plain(min, Reason::BelowMinReplicas));
        }

        let mut best: Option<(Proposal, Option<Metric>, i64)> = None;
        let (mut invalid, mut first_err) = (0usize, None);
        for MetricProposal {
            result,
            metric,
            target,
        } in proposals
        {
            match result {
                Ok(p) => {
                    if best.is_none_or(|(b, _, _)| b.replicas == 0 || p.replicas > b.replicas) {
                        best = Some((p, metric, target));
                    }
                }
                Err(e) => {
                    invalid += 1;
                    first_err.get_or_insert(e);
                }
            }
        }
        let Some((best, metric, target)) = best else {
            return Err(first_err.unwrap_or(Error::Empty {
                what: "HPA metric proposals",
            }));
        };
        let inputs = Inputs {
            metric,
            value: best.usage as f64,
            target: target as f64,
            instances: current,
        };
        let reason = if self.spec.tolerance.is_within(best.ratio) && best.replicas == current {
            Reason::WithinTolerance
        } else if best.replicas > current {
            Reason::AboveThreshold
        } else if best.replicas < current {
            Reason::BelowThreshold
        } else {
            Reason::TargetTracking
        };
        let mut d = Decision::new(now, current, best.replicas, inputs, reason);
        if invalid > 0 && best.replicas < current {
            d.reason = Reason::MetricError;
            d.limit(LimitKind::MetricError, current, None);
            return Ok(d);
        }
        self.normalize(now, state, &mut d);
        Ok(d)
    }

    fn normalize(&self, now: Timestamp, state: &HpaState, d: &mut Decision) {
        let (min, max) = (self.spec.min_replicas, self.spec.max_replicas);
        let cur = d.current;
        let (up_w, down_w) = self.windows();
        let (stabilized, (limited, why)) = match &self.spec.behavior {
            Some(b) => {
                // `behavior::stabilize` over the windows' entries.
                let desired = d.recommended;
                let up = state
                    .up
                    .extreme(now, up_w, true)
                    .map_or(desired, |m| m.min(desired));
                let down = state
                    .down
                    .extreme(now, down_w, true)
                    .map_or(desired, |m| m.max(desired));
                let s = cur.max(up).min(down);
                let l = behavior::limit_rate(
                    now,
                    cur,
                    s,
                    min,
                    max,
                    b,
                    &state.scale_up_events,
                    &state.scale_down_events,
                );
                (s, l)
            }
            None => {
                // `behavior::stabilize_legacy`: the window includes its start.
                let s = state
                    .down
                    .extreme(now, down_w, false)
                    .map_or(d.recommended, |m| m.max(d.recommended));
                (s, behavior::limit_legacy(cur, s, min, max))
            }
        };
        if stabilized < d.desired {
            d.limit(LimitKind::ScaleUpStabilization, stabilized, None);
        } else if stabilized > d.desired {
            d.limit(LimitKind::ScaleDownStabilization, stabilized, None);
        }
        let kind = match why {
            LimitReason::ScaleUpLimit | LimitReason::ScaleDownLimit => LimitKind::RatePolicy,
            LimitReason::TooManyReplicas => LimitKind::MaxBound,
            LimitReason::TooFewReplicas => LimitKind::MinBound,
            LimitReason::DesiredWithinRange => LimitKind::RatePolicy, // no change recorded
        };
        d.limit(kind, limited, None);
        d.next_change = self.next_expiry(now, state);
    }

    /// The earliest time a recorded recommendation or event leaves its window.
    fn next_expiry(&self, now: Timestamp, state: &HpaState) -> Option<Timestamp> {
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        let (up_w, down_w) = self.windows();
        match &self.spec.behavior {
            Some(b) => {
                // The oldest entry inside each window leaves it first.
                if let Some(t) = state.up.oldest(now, up_w, true) {
                    consider(t + up_w);
                }
                if let Some(t) = state.down.oldest(now, down_w, true) {
                    consider(t + down_w);
                }
                for (events, rules) in [
                    (&state.scale_up_events, &b.scale_up),
                    (&state.scale_down_events, &b.scale_down),
                ] {
                    for e in events.iter() {
                        for p in &rules.policies {
                            consider(e.at + p.period());
                        }
                    }
                }
                // Events of one direction move the other direction's period start too.
                for (events, rules) in [
                    (&state.scale_up_events, &b.scale_down),
                    (&state.scale_down_events, &b.scale_up),
                ] {
                    for e in events.iter() {
                        for p in &rules.policies {
                            consider(e.at + p.period());
                        }
                    }
                }
            }
            None => {
                if let Some(t) = state.down.oldest(now, down_w, false) {
                    consider(t + down_w + Duration::from_nanos(1));
                }
            }
        }
        next
    }
}

impl Policy for Hpa {
    type State = HpaState;

    fn initial_state(&self) -> HpaState {
        HpaState::default()
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &HpaState,
    ) -> Result<Decision, Error> {
        let tol = self.spec.tolerance;
        let proposals = self.spec.metrics.iter().map(|m| MetricProposal {
            result: m.propose(obs, tol),
            metric: m.observed_metric(),
            target: m.target_milli(),
        });
        self.decide_from_proposals(now, obs.current, proposals, state)
    }

    fn commit(
        &self,
        state: &mut HpaState,
        now: Timestamp,
        _: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    ) {
        if matches!(
            decision.reason,
            Reason::ScalingDisabled
                | Reason::AboveMaxReplicas
                | Reason::BelowMinReplicas
                | Reason::MetricError
        ) {
            return;
        }
        let (up_w, down_w) = self.windows();
        let strict = self.spec.behavior.is_some();
        let rec = Recommendation {
            at: now,
            replicas: decision.recommended,
        };
        // The legacy path reads only the down window.
        if strict {
            state.up.prune(now, up_w, true);
            state.up.push(rec);
        }
        state.down.prune(now, down_w, strict);
        state.down.push(rec);
        if let Some(b) = &self.spec.behavior {
            let cur = decision.current;
            if applied > cur {
                behavior::record_event(
                    &mut state.scale_up_events,
                    now,
                    applied - cur,
                    b.scale_up.longest_period(),
                );
            } else if applied < cur {
                behavior::record_event(
                    &mut state.scale_down_events,
                    now,
                    cur - applied,
                    b.scale_down.longest_period(),
                );
            }
        }
    }
}
