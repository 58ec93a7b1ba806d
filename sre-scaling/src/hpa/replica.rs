//! The HPA replica calculator: one metric's proposal, with Kubernetes' exact arithmetic.
//!
//! Ported from the rules of `pkg/controller/podautoscaler/replica_calculator.go`
//! (kubernetes/kubernetes): integer-truncated utilization, integer-divided pod averages,
//! missing metrics assumed at 100 % of request (or the target, if higher) on a scale-down
//! and 0 % on a scale-up, unready CPU pods assumed at 0 % on a scale-up, then a recheck
//! that refuses to flip direction. Nothing here allocates.

use crate::error::Error;
use crate::observation::{PodPhase, PodSample};
use crate::threshold::ceil_u32;
use sre_core::f64_to_u64_saturating;

/// The HPA tolerance: no change while `1 − scale_down ≤ ratio ≤ 1 + scale_up`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Tolerance {
    scale_down: f64,
    scale_up: f64,
}

// Deserializing runs `Tolerance::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Tolerance { scale_down: f64, scale_up: f64 } => Tolerance::new(scale_down, scale_up));

impl Default for Tolerance {
    /// 0.1 both ways (the controller's `--horizontal-pod-autoscaler-tolerance` default).
    fn default() -> Self {
        Self {
            scale_down: 0.1,
            scale_up: 0.1,
        }
    }
}

impl Tolerance {
    /// Separate tolerances below and above a ratio of 1.
    ///
    /// # Errors
    /// NaN, infinite or negative tolerances.
    pub fn new(scale_down: f64, scale_up: f64) -> Result<Self, Error> {
        Ok(Self {
            scale_down: crate::error::non_negative("scale-down tolerance", scale_down)?,
            scale_up: crate::error::non_negative("scale-up tolerance", scale_up)?,
        })
    }

    /// Whether `ratio` is close enough to 1 to keep the count.
    #[must_use]
    pub fn is_within(self, ratio: f64) -> bool {
        (1.0 - self.scale_down) <= ratio && ratio <= (1.0 + self.scale_up)
    }
}

/// One metric's proposal.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Proposal {
    /// The proposed replica count.
    pub replicas: u32,
    /// The metric as the HPA reports it: utilization in percent, or the average / total
    /// value in milli-units, computed over the pods that had metrics.
    pub usage: i64,
    /// The first usage ratio (usage / target) before any recheck.
    pub ratio: f64,
}

fn check_milli(what: &'static str, v: i64) -> Result<i64, Error> {
    if v < 0 {
        Err(sre_core::Error::Negative {
            what,
            value: v as f64,
        }
        .into())
    } else {
        Ok(v)
    }
}

fn check_target(what: &'static str, v: i64) -> Result<i64, Error> {
    if v <= 0 {
        Err(Error::NonPositiveTarget {
            what,
            value: v as f64,
        })
    } else {
        Ok(v)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Ignored,
    Unready,
    Missing,
    Ready,
}

/// Kubernetes' `groupPods`: deleting or failed pods are ignored, pending pods are unready,
/// pods without the metric are missing, and for CPU a pod whose `Ready` condition is false
/// is unready. (The controller also treats a pod as unready within its CPU initialization
/// period; a [`PodSample`] carries the outcome of that judgement in `ready`.)
fn group(p: &PodSample, value: Option<i64>, cpu: bool) -> Group {
    if p.deleting || p.phase == PodPhase::Failed {
        Group::Ignored
    } else if p.phase == PodPhase::Pending {
        Group::Unready
    } else if value.is_none() {
        Group::Missing
    } else if cpu && !p.ready {
        Group::Unready
    } else {
        Group::Ready
    }
}

#[derive(Default)]
struct Tally {
    ready: u32,
    unready: u32,
    missing: u32,
    /// Sum of ready pods' values.
    total: i64,
    /// Sum of ready pods' requests.
    requests: i64,
    /// Requests of missing and unready pods (for the recheck).
    missing_requests: i64,
    unready_requests: i64,
    /// Σ over missing pods of `request × fallback% / 100`, each term truncated as the
    /// controller does per pod (a scale-down's stand-in usage for the missing pods).
    missing_fallback: i64,
}

fn tally(
    pods: &[PodSample],
    value: impl Fn(&PodSample) -> Option<i64>,
    cpu: bool,
    need_requests: bool,
    fallback_percent: i64,
) -> Result<Tally, Error> {
    let mut t = Tally::default();
    let mut missing_request = None;
    for (index, p) in pods.iter().enumerate() {
        let request = match (need_requests, p.request_milli) {
            (false, _) => 0,
            (true, Some(r)) => check_milli("pod resource request", r)?,
            (true, None) => {
                missing_request = missing_request.or(Some(index));
                0
            }
        };
        let v = value(p);
        if let Some(v) = v {
            check_milli("pod metric value", v)?;
        }
        match group(p, v, cpu) {
            Group::Ignored => {}
            Group::Unready => {
                t.unready += 1;
                t.unready_requests = t.unready_requests.saturating_add(request);
            }
            Group::Missing => {
                t.missing += 1;
                t.missing_requests = t.missing_requests.saturating_add(request);
                t.missing_fallback = t
                    .missing_fallback
                    .saturating_add(request.saturating_mul(fallback_percent) / 100);
            }
            Group::Ready => {
                t.ready += 1;
                t.total = t.total.saturating_add(v.unwrap_or(0));
                t.requests = t.requests.saturating_add(request);
            }
        }
    }
    if pods.is_empty() {
        return Err(Error::NoPods);
    }
    if t.ready == 0 {
        return Err(Error::NoPodMetrics);
    }
    // The controller sums every listed pod's request after grouping, and fails on the
    // first pod without one.
    if let Some(index) = missing_request {
        return Err(Error::MissingRequest { index });
    }
    Ok(t)
}

/// `Resource` metric with an `Utilization` target (`GetResourceReplicas`): utilization is
/// `int(Σ usage × 100 / Σ request)` over the pods with metrics.
///
/// `cpu` turns on the readiness rule (only CPU ignores unready pods).
///
/// # Errors
/// No pods, no pod with a metric, a pod without a request, negative values, a target ≤ 0.
pub fn resource_utilization(
    current: u32,
    target_percent: i64,
    tolerance: Tolerance,
    pods: &[PodSample],
    cpu: bool,
) -> Result<Proposal, Error> {
    let target = check_target("target utilization", target_percent)?;
    // On a scale-down, missing pods count as using 100 % of their request, or the target
    // if higher.
    let t = tally(pods, |p| p.usage_milli, cpu, true, target.max(100))?;
    let util = utilization(t.total, t.requests)?;
    let ratio = util as f64 / target as f64;
    let scale_up_with_unready = t.unready > 0 && ratio > 1.0;
    let keep = Proposal {
        replicas: current,
        usage: util,
        ratio,
    };
    if !scale_up_with_unready && t.missing == 0 {
        if tolerance.is_within(ratio) {
            return Ok(keep);
        }
        return Ok(Proposal {
            replicas: ceil_u32(ratio * f64::from(t.ready)),
            ..keep
        });
    }
    let (mut total, mut requests, mut n) = (t.total, t.requests, t.ready);
    if t.missing > 0 {
        if ratio < 1.0 {
            // Scale-down: missing pods use 100 % of their request, or the target if higher,
            // truncated pod by pod (`requests[pod] * fallback / 100` in
            // replica_calculator.go), not once over the sum.
            total = total.saturating_add(t.missing_fallback);
            requests = requests.saturating_add(t.missing_requests);
            n += t.missing;
        } else if ratio > 1.0 {
            // Scale-up: missing pods use nothing.
            requests = requests.saturating_add(t.missing_requests);
            n += t.missing;
        }
    }
    if scale_up_with_unready {
        requests = requests.saturating_add(t.unready_requests);
        n += t.unready;
    }
    let new_util = utilization(total, requests)?;
    let new_ratio = new_util as f64 / target as f64;
    Ok(recheck(current, ratio, new_ratio, n, tolerance, keep))
}

/// `Pods` metric with an `AverageValue` target (`calcPlainMetricReplicas`), or a
/// `Resource` metric with an `AverageValue` target (then `value` reads `usage_milli` and
/// `cpu` applies the readiness rule): the average is `int(Σ value / n)`.
///
/// # Errors
/// No pods, no pod with a metric, negative values, a target ≤ 0.
pub fn pods_average(
    current: u32,
    target_milli: i64,
    tolerance: Tolerance,
    pods: &[PodSample],
    value: impl Fn(&PodSample) -> Option<i64>,
    cpu: bool,
) -> Result<Proposal, Error> {
    let target = check_target("target average value", target_milli)?;
    let t = tally(pods, value, cpu, false, 0)?;
    let avg = t.total / i64::from(t.ready);
    let ratio = avg as f64 / target as f64;
    let scale_up_with_unready = t.unready > 0 && ratio > 1.0;
    let keep = Proposal {
        replicas: current,
        usage: avg,
        ratio,
    };
    if !scale_up_with_unready && t.missing == 0 {
        if tolerance.is_within(ratio) {
            return Ok(keep);
        }
        return Ok(Proposal {
            replicas: ceil_u32(ratio * f64::from(t.ready)),
            ..keep
        });
    }
    let (mut total, mut n) = (t.total, t.ready);
    if t.missing > 0 {
        if ratio < 1.0 {
            // Scale-down: missing pods use exactly the target.
            total = total.saturating_add(i64::from(t.missing).saturating_mul(target));
            n += t.missing;
        } else if ratio > 1.0 {
            // Scale-up: missing pods use nothing. (At exactly 1 they stay out.)
            n += t.missing;
        }
    }
    if scale_up_with_unready {
        n += t.unready;
    }
    let new_avg = total / i64::from(n);
    let new_ratio = new_avg as f64 / target as f64;
    Ok(recheck(current, ratio, new_ratio, n, tolerance, keep))
}

/// The controller's recheck after filling in missing and unready pods: keep the count if
/// within tolerance, if the direction flipped, or if the new count points the other way.
fn recheck(
    current: u32,
    ratio: f64,
    new_ratio: f64,
    n: u32,
    tolerance: Tolerance,
    keep: Proposal,
) -> Proposal {
    if tolerance.is_within(new_ratio)
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return keep;
    }
    let replicas = ceil_u32(new_ratio * f64::from(n));
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return keep;
    }
    Proposal { replicas, ..keep }
}

fn utilization(total: i64, requests: i64) -> Result<i64, Error> {
    if requests == 0 {
        // Kubernetes: "no metrics returned matched known pods".
        return Err(Error::NoPodMetrics);
    }
    Ok(total.saturating_mul(100) / requests)
}

/// `External` or `Object` metric with an `AverageValue` target
/// (`GetExternalPerPodMetricReplicas`, `GetObjectPerPodMetricReplicas`): the ratio is
/// `total / (target × replicas)`; outside tolerance the count is `ceil(total / target)`,
/// whatever the pods' readiness.
///
/// # Errors
/// A negative total, a target ≤ 0.
pub fn per_pod_total(
    status_replicas: u32,
    total_milli: i64,
    target_average_milli: i64,
    tolerance: Tolerance,
) -> Result<Proposal, Error> {
    let target = check_target("target average value", target_average_milli)?;
    let total = check_milli("metric total", total_milli)?;
    let (tf, uf) = (target as f64, total as f64);
    let ratio = uf / (tf * f64::from(status_replicas));
    let replicas = if tolerance.is_within(ratio) {
        status_replicas
    } else {
        ceil_u32(uf / tf)
    };
    let usage = if status_replicas == 0 {
        total
    } else {
        i64::try_from(f64_to_u64_saturating(
            (uf / f64::from(status_replicas)).ceil(),
        ))
        .unwrap_or(i64::MAX)
    };
    Ok(Proposal {
        replicas,
        usage,
        ratio,
    })
}

/// `External` or `Object` metric with a `Value` target (`getUsageRatioReplicaCount`):
/// ratio `value / target`; outside tolerance the count is `ceil(ratio × ready pods)`; from
/// zero replicas it is `ceil(ratio)`.
///
/// # Errors
/// A negative value, a target ≤ 0.
pub fn value_ratio(
    current: u32,
    value_milli: i64,
    target_milli: i64,
    tolerance: Tolerance,
    ready_pods: u32,
) -> Result<Proposal, Error> {
    let target = check_target("target value", target_milli)?;
    let v = check_milli("metric value", value_milli)?;
    let ratio = v as f64 / target as f64;
    let replicas = if current == 0 {
        ceil_u32(ratio)
    } else if tolerance.is_within(ratio) {
        current
    } else {
        ceil_u32(ratio * f64::from(ready_pods))
    };
    Ok(Proposal {
        replicas,
        usage: v,
        ratio,
    })
}

/// Running pods whose `Ready` condition is true (`getReadyPodsCount`).
#[must_use]
pub fn ready_pods(pods: &[PodSample]) -> u32 {
    let n = pods
        .iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
