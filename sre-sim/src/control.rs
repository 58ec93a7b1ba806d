//! [`Controller`]: an `sre-scaling` [`Policy`] with its state, as the simulator drives it
//! each control interval, and the policies a scenario can name.
//!
//! The simulator observes the station (CPU utilization over the last control interval,
//! requests per second, queue depth, current and ready servers), asks the policy to
//! [`decide`](Policy::decide), applies the answer (raised to any planned floor), and
//! [`commit`](Policy::commit)s what it applied — the protocol `sre-scaling` defines.

use crate::Error;
use crate::scenario::{Autoscaler, AutoscalerPolicy, Servers};
use core::fmt;
use core::time::Duration;
use sre_core::Timestamp;
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec};
use sre_scaling::predictive::{Forecaster, Predictive};
use sre_scaling::queue::QueueDepth;
use sre_scaling::{
    Bounded, Bounds, Cooldown, Decision, Metric, Observation, Policy, TargetTracking,
    ThresholdAction, Thresholds,
};

/// A policy and its state behind one object-safe interface, so a run can hold any policy.
pub trait Controller: fmt::Debug {
    /// The policy's name in reports (`target_tracking`, `hpa`, …).
    fn name(&self) -> &str;
    /// The policy's decision at `now` for `obs`; the state is only read.
    fn decide(&self, now: Timestamp, obs: &Observation<'_>) -> Result<Decision, Error>;
    /// Records that `applied` servers were reached after `decision`.
    fn commit(&mut self, now: Timestamp, obs: &Observation<'_>, decision: &Decision, applied: u32);
}

/// A [`Policy`] with its state: the [`Controller`] for any policy.
pub struct PolicyController<P: Policy> {
    name: String,
    policy: P,
    state: P::State,
}

impl<P: Policy> PolicyController<P> {
    /// `policy` from its initial state, named `name` in reports.
    pub fn new(name: impl Into<String>, policy: P) -> Self {
        let state = policy.initial_state();
        Self {
            name: name.into(),
            policy,
            state,
        }
    }
}

impl<P: Policy> fmt::Debug for PolicyController<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyController")
            .field("name", &self.name)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<P: Policy> Controller for PolicyController<P> {
    fn name(&self) -> &str {
        &self.name
    }
    fn decide(&self, now: Timestamp, obs: &Observation<'_>) -> Result<Decision, Error> {
        Ok(self.policy.decide(now, obs, &self.state)?)
    }
    fn commit(&mut self, now: Timestamp, obs: &Observation<'_>, decision: &Decision, applied: u32) {
        self.policy
            .commit(&mut self.state, now, obs, decision, applied);
    }
}

fn u32_field(field: &str, v: u64) -> Result<u32, Error> {
    u32::try_from(v)
        .map_err(|_| Error::field(field, format!("is {v}; at most {} servers", u32::MAX)))
}

/// The controller a scenario's `[autoscaler]` table names, bounded by `servers.min..=max`
/// and wrapped in its cooldowns; `None` for `policy = "none"`. `mean_service_secs` turns
/// a CPU target into requests per second per instance for the predictive policy.
///
/// | `policy` | `sre-scaling` policy |
/// |---|---|
/// | `cpu_threshold` | [`Thresholds`] on CPU, ±1 instance, in [`Cooldown`] |
/// | `target_tracking` | [`TargetTracking`] on CPU, in [`Cooldown`] |
/// | `queue` | [`QueueDepth`] (up above `queue_high`, down after 5 min empty), in [`Cooldown`] |
/// | `predictive` | [`Predictive`] over target tracking: same time yesterday, `lead` ahead, RPS at the target utilization |
/// | `hpa` | [`Hpa`] on CPU utilization, default behavior (its own stabilization, no extra cooldown) |
///
/// All but `hpa` are wrapped in [`Bounded`]; the HPA applies its own bounds.
pub fn from_scenario(
    a: &Autoscaler,
    servers: &Servers,
    mean_service_secs: f64,
) -> Result<Option<Box<dyn Controller>>, Error> {
    let bounds = Bounds::new(
        u32_field("servers.min", servers.min)?,
        u32_field("servers.max", servers.max)?,
    )?;
    let (up, down) = (a.scale_up_cooldown.0, a.scale_down_cooldown.0);
    Ok(match a.policy {
        AutoscalerPolicy::None => None,
        AutoscalerPolicy::CpuThreshold => {
            let t = Thresholds::new(
                Metric::Cpu,
                a.scale_down_below,
                a.scale_up_above,
                ThresholdAction::Step { up: 1, down: 1 },
            )?;
            Some(Box::new(PolicyController::new(
                "cpu_threshold",
                Bounded::new(Cooldown::new(t, up, down), bounds),
            )))
        }
        AutoscalerPolicy::TargetTracking => {
            let t = TargetTracking::new(Metric::Cpu, a.target_utilization)?;
            Some(Box::new(PolicyController::new(
                "target_tracking",
                Bounded::new(Cooldown::new(t, up, down), bounds),
            )))
        }
        AutoscalerPolicy::Hpa => {
            // Kubernetes HPA on CPU utilization with the default behavior (scale-down
            // stabilization 5 min; scale-up 100 % or 4 pods per 15 s): no extra cooldown.
            let pct = sre_core::f64_to_u64_saturating(a.target_utilization.round());
            let spec = HpaSpec::new(
                bounds.min(),
                bounds.max(),
                vec![HpaMetric::cpu_utilization(
                    i64::try_from(pct).unwrap_or(i64::MAX),
                )],
            );
            Some(Box::new(PolicyController::new("hpa", Hpa::new(spec)?)))
        }
        AutoscalerPolicy::Queue => {
            let q = QueueDepth::new(a.queue_high as f64, Duration::from_secs(300), 1)?;
            Some(Box::new(PolicyController::new(
                "queue",
                Bounded::new(Cooldown::new(q, up, down), bounds),
            )))
        }
        AutoscalerPolicy::Predictive => {
            let tt = TargetTracking::new(Metric::Cpu, a.target_utilization)?;
            // Requests per second one instance serves at the target utilization.
            let per_instance = a.target_utilization / 100.0 / mean_service_secs;
            let p = Predictive::new(
                Cooldown::new(tt, up, down),
                Metric::Rps,
                per_instance,
                Forecaster::Seasonal {
                    period: Duration::from_secs(86_400),
                },
                a.lead.0,
            )?;
            Some(Box::new(PolicyController::new(
                "predictive",
                Bounded::new(p, bounds),
            )))
        }
    })
}
