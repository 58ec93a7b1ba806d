//! [`Decision`]: a policy's answer, with the raw recommendation, every [`Limit`] that
//! changed it, the [`Inputs`] it used, a [`Reason`] and when it could next change.

use crate::observation::Metric;
use core::fmt;
use sre_core::Timestamp;

/// What kind of limit changed a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LimitKind {
    /// A cooldown after a previous scaling action held the count.
    Cooldown,
    /// A scale-up stabilization window (the minimum of recent recommendations) applied.
    ScaleUpStabilization,
    /// A scale-down stabilization window (the maximum of recent recommendations) applied.
    ScaleDownStabilization,
    /// A rate policy (HPA behavior policies, KPA max scale rates, AWS minimum magnitude) applied.
    RatePolicy,
    /// The lower replica bound applied.
    MinBound,
    /// The upper replica bound applied.
    MaxBound,
    /// Knative panic mode refused to scale down.
    PanicHold,
    /// Knative's scale-down delay held the maximum of recent decisions.
    ScaleDownDelay,
    /// A grace period before scaling to zero held one instance.
    ScaleToZeroGrace,
    /// Another policy of a max-of-policies combinator asked for more.
    OtherPolicy,
    /// A forecast raised the count ahead of the load (never lowers it).
    Forecast,
    /// A metric error blocked a scale-down (HPA never scales down on a partial view).
    MetricError,
}

/// One limit that changed the count, from `before` to `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limit {
    /// What limited.
    pub kind: LimitKind,
    /// The count before this limit.
    pub before: u32,
    /// The count after it.
    pub after: u32,
    /// When the limit stops applying, if it is time-bound and known.
    pub until: Option<Timestamp>,
}

const MAX_LIMITS: usize = 8;

/// The limits applied, in order; fixed capacity so a decision never allocates.
///
/// Holds up to 8; a ninth is dropped and counted in [`Limits::dropped`] (no policy in this
/// crate stacks that many).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    items: [Option<Limit>; MAX_LIMITS],
    len: u8,
    dropped: u8,
}

impl Limits {
    /// Records a limit; no-op (but counted) when full.
    pub fn push(&mut self, limit: Limit) {
        let i = usize::from(self.len);
        if i < MAX_LIMITS {
            self.items[i] = Some(limit);
            self.len += 1;
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    /// Records `kind` if it changed the count from `before` to `after`.
    pub fn note(&mut self, kind: LimitKind, before: u32, after: u32, until: Option<Timestamp>) {
        if before != after {
            self.push(Limit {
                kind,
                before,
                after,
                until,
            });
        }
    }

    /// The limits in the order they applied.
    pub fn iter(&self) -> impl Iterator<Item = &Limit> {
        // `take`, not `[..len]`: a deserialized `len` past the capacity must not panic.
        self.items.iter().take(self.len()).flatten()
    }

    /// How many limits applied.
    #[must_use]
    pub fn len(&self) -> usize {
        usize::from(self.len).min(MAX_LIMITS)
    }

    /// Whether no limit applied.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Limits that did not fit.
    #[must_use]
    pub fn dropped(&self) -> u8 {
        self.dropped
    }

    /// Whether a limit of this kind applied.
    #[must_use]
    pub fn contains(&self, kind: LimitKind) -> bool {
        self.iter().any(|l| l.kind == kind)
    }

    /// Appends every limit of `other`.
    pub fn extend(&mut self, other: &Limits) {
        for l in other.iter() {
            self.push(*l);
        }
    }
}

/// The inputs a decision used.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Inputs {
    /// The metric that drove the recommendation, if one did.
    pub metric: Option<Metric>,
    /// Its value as used (after any aggregation: HPA's truncated utilization, KPA's stable value).
    pub value: f64,
    /// The target or threshold it was compared with.
    pub target: f64,
    /// Instances counted (ready pods, current instances).
    pub instances: u32,
}

/// Why the recommendation is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Reason {
    /// The metric is above the upper threshold.
    AboveThreshold,
    /// The metric is below the lower threshold.
    BelowThreshold,
    /// The metric is between the thresholds.
    WithinThresholds,
    /// The count that meets the target per instance.
    TargetTracking,
    /// The metric is within tolerance of the target: keep the count.
    WithinTolerance,
    /// The queue has been empty long enough to scale in.
    QueueEmpty,
    /// The queue is below the activation threshold: scale to the minimum.
    Inactive,
    /// The forecast (not the current load) set the count.
    Forecast,
    /// Knative panic mode set the count.
    Panic,
    /// The current count is below the minimum: scale to it.
    BelowMinReplicas,
    /// The current count is above the maximum: scale to it.
    AboveMaxReplicas,
    /// Scaling is disabled (HPA: the target has zero replicas while min > 0).
    ScalingDisabled,
    /// A metric failed; the count is held.
    MetricError,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::AboveThreshold => "metric above the scale-up threshold",
            Reason::BelowThreshold => "metric below the scale-down threshold",
            Reason::WithinThresholds => "metric between the thresholds",
            Reason::TargetTracking => "count that meets the target per instance",
            Reason::WithinTolerance => "metric within tolerance of the target",
            Reason::QueueEmpty => "queue empty long enough to scale in",
            Reason::Inactive => "below the activation threshold",
            Reason::Forecast => "forecast load ahead of the lead time",
            Reason::Panic => "panic mode",
            Reason::BelowMinReplicas => "current count below the minimum",
            Reason::AboveMaxReplicas => "current count above the maximum",
            Reason::ScalingDisabled => "scaling disabled",
            Reason::MetricError => "a metric failed; holding the count",
        })
    }
}

/// A policy's answer for one instant.
///
/// `recommended` is the policy's raw answer; each entry of `limits` moved it one step, and
/// `desired` is what is left: the count to apply. `next_change` is the earliest time the
/// answer could differ for the same observation (a cooldown ending, a window entry
/// expiring), `None` if only a new observation can change it: an event-driven simulator
/// can sleep until then.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decision {
    /// When the decision was made.
    pub at: Timestamp,
    /// The count observed.
    pub current: u32,
    /// The raw recommendation, before any limit.
    pub recommended: u32,
    /// The count to apply, after every limit.
    pub desired: u32,
    /// Each limit that changed the count, in order.
    pub limits: Limits,
    /// The inputs used.
    pub inputs: Inputs,
    /// Why.
    pub reason: Reason,
    /// The earliest time the answer could change without a new observation.
    pub next_change: Option<Timestamp>,
}

impl Decision {
    /// A decision whose desired count is the raw recommendation, with no limits yet.
    #[must_use]
    pub fn new(
        at: Timestamp,
        current: u32,
        recommended: u32,
        inputs: Inputs,
        reason: Reason,
    ) -> Self {
        Self {
            at,
            current,
            recommended,
            desired: recommended,
            limits: Limits::default(),
            inputs,
            reason,
            next_change: None,
        }
    }

    /// Moves `desired` to `to` because of `kind`, recording the limit if it changed anything.
    pub fn limit(&mut self, kind: LimitKind, to: u32, until: Option<Timestamp>) {
        self.limits.note(kind, self.desired, to, until);
        self.desired = to;
    }

    /// Keeps the earlier of the current `next_change` and `t`.
    pub fn change_no_later_than(&mut self, t: Option<Timestamp>) {
        self.next_change = match (self.next_change, t) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// Whether the decision changes the count.
    #[must_use]
    pub fn is_change(&self) -> bool {
        self.desired != self.current
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} -> {} at {} ({}; recommended {}",
            self.current, self.desired, self.at, self.reason, self.recommended
        )?;
        for l in self.limits.iter() {
            write!(f, ", {:?} {} -> {}", l.kind, l.before, l.after)?;
        }
        f.write_str(")")
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    /// A decision log read back from disk is input: a corrupt `len` must not make
    /// `iter` (and so `Display`, `contains`, `extend`) panic.
    #[test]
    fn deserialized_len_past_capacity_does_not_panic() {
        let mut ok = Limits::default();
        ok.note(LimitKind::Cooldown, 3, 2, None);
        let json = serde_json::to_string(&ok)
            .unwrap()
            .replace("\"len\":1", "\"len\":200");
        assert!(json.contains("\"len\":200"), "{json}");
        let bad: Limits = serde_json::from_str(&json).unwrap();
        assert_eq!(bad.len(), MAX_LIMITS);
        assert_eq!(bad.iter().count(), 1);
        assert!(bad.contains(LimitKind::Cooldown));
    }
}
