//! HPA behavior: stabilization windows and rate policies (`spec.behavior`), and the legacy
//! rules used when an HPA has no behavior.
//!
//! Semantics of `pkg/controller/podautoscaler/horizontal.go` (kubernetes/kubernetes), with
//! the defaults of `pkg/apis/autoscaling/v2/defaults.go`:
//!
//! - stabilization: scale-up takes the minimum of the recommendations in its window,
//!   scale-down the maximum, and the current count is clamped between them; a
//!   recommendation counts iff `t > now − window` (legacy path: `t ≥ now − window`, and
//!   only the scale-down maximum);
//! - rate policies: the count at the start of each policy's period is
//!   `current − added + removed` over the events with `t > now − period`; `Pods` adds or
//!   removes a number, `Percent` multiplies (rounded up when scaling up, truncated when
//!   scaling down); `Max` selects the policy allowing the largest change, `Min` the
//!   smallest, `Disabled` forbids the direction;
//! - legacy (no behavior): scale-up at most to `max(2 × current, 4)`.

use crate::error::Error;
use core::time::Duration;
use sre_core::Timestamp;

/// How a rate policy limits change per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PolicyKind {
    /// At most `value` pods per period.
    Pods,
    /// At most `value` percent of the count at the period's start.
    Percent,
}

/// One rate policy: `value` pods or percent per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RatePolicy {
    kind: PolicyKind,
    value: u32,
    period: Duration,
}

// Deserializing runs `RatePolicy::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(RatePolicy { kind: PolicyKind, value: u32, period: Duration } => RatePolicy::new(kind, value, period));

impl RatePolicy {
    /// A policy; Kubernetes requires `value > 0` and a period in (0, 30 min].
    ///
    /// # Errors
    /// A zero value, a zero period, or a period over 30 minutes.
    pub fn new(kind: PolicyKind, value: u32, period: Duration) -> Result<Self, Error> {
        if value == 0 {
            return Err(crate::error::out_of_range(
                "rate policy value",
                0.0,
                "1 or more pods or percent",
            ));
        }
        if period.is_zero() {
            return Err(crate::error::zero_window("rate policy period"));
        }
        if period > Duration::from_secs(1800) {
            return Err(crate::error::out_of_range(
                "rate policy period in seconds",
                period.as_secs_f64(),
                "(0, 1800] seconds, the Kubernetes limit",
            ));
        }
        Ok(Self {
            kind,
            value,
            period,
        })
    }

    /// `value` pods per `period`.
    ///
    /// # Errors
    /// As [`RatePolicy::new`].
    pub fn pods(value: u32, period: Duration) -> Result<Self, Error> {
        Self::new(PolicyKind::Pods, value, period)
    }

    /// `value` percent per `period`.
    ///
    /// # Errors
    /// As [`RatePolicy::new`].
    pub fn percent(value: u32, period: Duration) -> Result<Self, Error> {
        Self::new(PolicyKind::Percent, value, period)
    }

    /// The policy's period.
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }
}

/// Which policy wins when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SelectPolicy {
    /// The policy that allows the largest change (the default).
    #[default]
    Max,
    /// The policy that allows the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// Rules for one direction: a stabilization window, rate policies and how to pick one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScalingRules {
    /// The stabilization window.
    pub stabilization_window: Duration,
    /// How to choose among `policies`.
    pub select: SelectPolicy,
    /// The rate policies (Kubernetes requires at least one).
    pub policies: Vec<RatePolicy>,
}

impl ScalingRules {
    /// Rules, validated: at least one policy unless disabled, a window of at most one hour.
    ///
    /// # Errors
    /// An empty policy list (unless `select` is `Disabled`), or a window over 3600 s.
    pub fn new(
        stabilization_window: Duration,
        select: SelectPolicy,
        policies: Vec<RatePolicy>,
    ) -> Result<Self, Error> {
        if policies.is_empty() && select != SelectPolicy::Disabled {
            return Err(Error::Empty {
                what: "rate policies",
            });
        }
        if stabilization_window > Duration::from_secs(3600) {
            return Err(crate::error::out_of_range(
                "stabilization window in seconds",
                stabilization_window.as_secs_f64(),
                "[0, 3600] seconds, the Kubernetes limit",
            ));
        }
        Ok(Self {
            stabilization_window,
            select,
            policies,
        })
    }

    /// Kubernetes' default scale-up: no stabilization, `Max` of 4 pods or 100 % per 15 s.
    #[must_use]
    pub fn default_scale_up() -> Self {
        Self {
            stabilization_window: Duration::ZERO,
            select: SelectPolicy::Max,
            policies: vec![
                RatePolicy {
                    kind: PolicyKind::Pods,
                    value: 4,
                    period: Duration::from_secs(15),
                },
                RatePolicy {
                    kind: PolicyKind::Percent,
                    value: 100,
                    period: Duration::from_secs(15),
                },
            ],
        }
    }

    /// Kubernetes' default scale-down: 300 s stabilization (the controller's
    /// `--horizontal-pod-autoscaler-downscale-stabilization` default), 100 % per 15 s.
    #[must_use]
    pub fn default_scale_down() -> Self {
        Self {
            stabilization_window: Duration::from_secs(300),
            select: SelectPolicy::Max,
            policies: vec![RatePolicy {
                kind: PolicyKind::Percent,
                value: 100,
                period: Duration::from_secs(15),
            }],
        }
    }

    /// The longest policy period (how long scale events matter).
    #[must_use]
    pub fn longest_period(&self) -> Duration {
        self.policies
            .iter()
            .map(|p| p.period)
            .max()
            .unwrap_or(Duration::ZERO)
    }
}

/// `spec.behavior`: rules for scaling up and down.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Behavior {
    /// Rules when the recommendation is above the current count.
    pub scale_up: ScalingRules,
    /// Rules when it is below.
    pub scale_down: ScalingRules,
}

impl Default for Behavior {
    /// Kubernetes' defaults for both directions.
    fn default() -> Self {
        Self {
            scale_up: ScalingRules::default_scale_up(),
            scale_down: ScalingRules::default_scale_down(),
        }
    }
}

/// A recorded recommendation (the stabilization history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recommendation {
    /// When it was made.
    pub at: Timestamp,
    /// The recommended count.
    pub replicas: u32,
}

/// A recorded scale event: `change` replicas added (or removed) at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScaleEvent {
    /// When it happened.
    pub at: Timestamp,
    /// How many replicas it added or removed (a magnitude).
    pub change: u32,
    /// Older than the longest policy period: free for reuse.
    pub outdated: bool,
}

/// Why the rate/bounds step set the count (the HPA's `ScalingLimited` condition reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LimitReason {
    /// The recommendation was within every limit.
    DesiredWithinRange,
    /// A scale-up rate limit applied.
    ScaleUpLimit,
    /// A scale-down rate limit applied.
    ScaleDownLimit,
    /// The maximum replica count applied.
    TooManyReplicas,
    /// The minimum replica count applied.
    TooFewReplicas,
}

impl LimitReason {
    /// The Kubernetes condition reason string.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            LimitReason::DesiredWithinRange => "DesiredWithinRange",
            LimitReason::ScaleUpLimit => "ScaleUpLimit",
            LimitReason::ScaleDownLimit => "ScaleDownLimit",
            LimitReason::TooManyReplicas => "TooManyReplicas",
            LimitReason::TooFewReplicas => "TooFewReplicas",
        }
    }
}

/// Counts `t` as inside a window/period ending at `now`: `t > now − d` (strict).
fn after_cutoff(t: Timestamp, now: Timestamp, d: Duration) -> bool {
    match now.checked_sub(d) {
        Some(cutoff) => t > cutoff,
        None => true, // the window reaches before the epoch: everything counts
    }
}

/// `t < now − d` (Go's `Before(cutoff)`).
fn before_cutoff(t: Timestamp, now: Timestamp, d: Duration) -> bool {
    now.checked_sub(d).is_some_and(|cutoff| t < cutoff)
}

/// Stabilization with behavior (`stabilizeRecommendationWithBehaviors`): the current count
/// clamped into `[min of up-window recommendations, max of down-window ones]`, each set
/// including `desired`.
#[must_use]
pub fn stabilize(
    now: Timestamp,
    current: u32,
    desired: u32,
    up_window: Duration,
    down_window: Duration,
    history: &[Recommendation],
) -> u32 {
    let mut up = desired;
    let mut down = desired;
    for r in history {
        if after_cutoff(r.at, now, up_window) {
            up = up.min(r.replicas);
        }
        if after_cutoff(r.at, now, down_window) {
            down = down.max(r.replicas);
        }
    }
    current.max(up).min(down)
}

/// Legacy stabilization (`stabilizeRecommendation`, no behavior): the maximum of `desired`
/// and the recommendations with `t ≥ now − window`.
#[must_use]
pub fn stabilize_legacy(
    now: Timestamp,
    desired: u32,
    window: Duration,
    history: &[Recommendation],
) -> u32 {
    history
        .iter()
        .filter(|r| !before_cutoff(r.at, now, window))
        .fold(desired, |m, r| m.max(r.replicas))
}

/// Records `desired` at `now` into `history` as the controller does: over the slot of an
/// entry older than both windows if there is one (the last such), else appended. Once the
/// windows are full this reuses slots, so the history stops growing.
pub fn record_recommendation(
    history: &mut Vec<Recommendation>,
    now: Timestamp,
    desired: u32,
    windows: (Duration, Duration),
) {
    let old = history
        .iter()
        .rposition(|r| before_cutoff(r.at, now, windows.0) && before_cutoff(r.at, now, windows.1));
    let rec = Recommendation {
        at: now,
        replicas: desired,
    };
    match old {
        Some(i) => history[i] = rec,
        None => history.push(rec),
    }
}

/// Records a scale event as the controller does (`storeScaleEvent`): events older than
/// `longest_period` are marked outdated and the last outdated slot is reused.
pub fn record_event(
    events: &mut Vec<ScaleEvent>,
    now: Timestamp,
    change: u32,
    longest_period: Duration,
) {
    for e in events.iter_mut() {
        if before_cutoff(e.at, now, longest_period) {
            e.outdated = true;
        }
    }
    let ev = ScaleEvent {
        at: now,
        change,
        outdated: false,
    };
    match events.iter().rposition(|e| e.outdated) {
        Some(i) => events[i] = ev,
        None => events.push(ev),
    }
}

/// Replicas changed by the events inside `period` (`getReplicasChangePerPeriod`).
fn change_in_period(now: Timestamp, period: Duration, events: &[ScaleEvent]) -> i64 {
    events
        .iter()
        .filter(|e| after_cutoff(e.at, now, period))
        .map(|e| i64::from(e.change))
        .sum()
}

/// `x` truncated toward zero as i64 (Go's `int32(float64)` within range), saturating.
#[allow(clippy::cast_possible_truncation)]
fn trunc_i64(x: f64) -> i64 {
    // `as` saturates and maps NaN to 0 (Rust reference, "Numeric cast"); inputs here are
    // replica counts times a finite factor.
    x.trunc() as i64
}

fn clamp_u32(x: i64) -> u32 {
    u32::try_from(x.max(0)).unwrap_or(u32::MAX)
}

/// The most replicas the scale-up rules allow now (`calculateScaleUpLimitWithScalingRules`).
#[must_use]
pub fn scale_up_limit(
    now: Timestamp,
    current: u32,
    rules: &ScalingRules,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
) -> i64 {
    let cur = i64::from(current);
    let pick: fn(i64, i64) -> i64 = match rules.select {
        SelectPolicy::Disabled => return cur,
        SelectPolicy::Min => i64::min,
        SelectPolicy::Max => i64::max,
    };
    let mut result: Option<i64> = None;
    for p in &rules.policies {
        let start = cur - change_in_period(now, p.period, up_events)
            + change_in_period(now, p.period, down_events);
        let proposed = match p.kind {
            PolicyKind::Pods => start + i64::from(p.value),
            PolicyKind::Percent => {
                trunc_i64((start as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil())
            }
        };
        result = Some(result.map_or(proposed, |r| pick(r, proposed)));
    }
    result.unwrap_or(cur)
}

/// The fewest replicas the scale-down rules allow now (`calculateScaleDownLimitWithBehaviors`).
#[must_use]
pub fn scale_down_limit(
    now: Timestamp,
    current: u32,
    rules: &ScalingRules,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
) -> i64 {
    let cur = i64::from(current);
    let pick: fn(i64, i64) -> i64 = match rules.select {
        SelectPolicy::Disabled => return cur,
        SelectPolicy::Min => i64::max,
        SelectPolicy::Max => i64::min,
    };
    let mut result: Option<i64> = None;
    for p in &rules.policies {
        let start = cur - change_in_period(now, p.period, up_events)
            + change_in_period(now, p.period, down_events);
        let proposed = match p.kind {
            PolicyKind::Pods => start - i64::from(p.value),
            PolicyKind::Percent => trunc_i64(start as f64 * (1.0 - f64::from(p.value) / 100.0)),
        };
        result = Some(result.map_or(proposed, |r| pick(r, proposed)));
    }
    result.unwrap_or(cur)
}

/// Rate policies and bounds with behavior (`convertDesiredReplicasWithBehaviorRate`).
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn limit_rate(
    now: Timestamp,
    current: u32,
    desired: u32,
    min: u32,
    max: u32,
    behavior: &Behavior,
    up_events: &[ScaleEvent],
    down_events: &[ScaleEvent],
) -> (u32, LimitReason) {
    if desired > current {
        let limit = scale_up_limit(now, current, &behavior.scale_up, up_events, down_events)
            .max(i64::from(current));
        let (allowed, reason) = if i64::from(max) > limit {
            (clamp_u32(limit), LimitReason::ScaleUpLimit)
        } else {
            (max, LimitReason::TooManyReplicas)
        };
        if desired > allowed {
            return (allowed, reason);
        }
    } else if desired < current {
        let limit = scale_down_limit(now, current, &behavior.scale_down, up_events, down_events)
            .min(i64::from(current));
        let (allowed, reason) = if i64::from(min) < limit {
            (clamp_u32(limit), LimitReason::ScaleDownLimit)
        } else {
            (min, LimitReason::TooFewReplicas)
        };
        if desired < allowed {
            return (allowed, reason);
        }
    }
    (desired, LimitReason::DesiredWithinRange)
}

/// Bounds and the legacy scale-up limit `max(2 × current, 4)` (`convertDesiredReplicasWithRules`).
#[must_use]
pub fn limit_legacy(current: u32, desired: u32, min: u32, max: u32) -> (u32, LimitReason) {
    let up_limit = current.saturating_mul(2).max(4);
    let (allowed, reason) = if max > up_limit {
        (up_limit, LimitReason::ScaleUpLimit)
    } else {
        (max, LimitReason::TooManyReplicas)
    };
    if desired < min {
        (min, LimitReason::TooFewReplicas)
    } else if desired > allowed {
        (allowed, reason)
    } else {
        (desired, LimitReason::DesiredWithinRange)
    }
}
