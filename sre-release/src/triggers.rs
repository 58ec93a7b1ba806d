//! The course's automatic rollback triggers: error rate, P99 latency, memory, crash loop.

use crate::error::{Error, check_range};

/// A rollback trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Trigger {
    /// Canary error rate above baseline + the allowed delta (percentage points).
    ErrorRate,
    /// Canary P99 above baseline + the allowed delta (milliseconds).
    P99Latency,
    /// Canary memory above the allowed fraction of its limit.
    Memory,
    /// At least `crash_restarts` canary restarts within the crash window.
    CrashLoop,
    /// Too many checks in a row could not be evaluated.
    NoData,
}

impl Trigger {
    /// Every trigger, in report order.
    pub const ALL: [Trigger; 5] = [
        Trigger::ErrorRate,
        Trigger::P99Latency,
        Trigger::Memory,
        Trigger::CrashLoop,
        Trigger::NoData,
    ];

    fn bit(self) -> u8 {
        match self {
            Self::ErrorRate => 1,
            Self::P99Latency => 2,
            Self::Memory => 4,
            Self::CrashLoop => 8,
            Self::NoData => 16,
        }
    }
}

/// A set of triggers, listed in the order of [`Trigger::ALL`]; `Copy`, never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TriggerSet(u8);

impl TriggerSet {
    /// Adds a trigger.
    pub fn insert(&mut self, t: Trigger) {
        self.0 |= t.bit();
    }

    /// Whether the set holds `t`.
    #[must_use]
    pub fn contains(self, t: Trigger) -> bool {
        self.0 & t.bit() != 0
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The triggers, in report order.
    pub fn iter(self) -> impl Iterator<Item = Trigger> {
        Trigger::ALL.into_iter().filter(move |t| self.contains(*t))
    }
}

/// The course's thresholds (Module 29). [`Default`] is the course's: +0.5 percentage
/// points of errors, +100 ms of P99, 90 % of the memory limit, 3 restarts within 600 s
/// (after Kubernetes' CrashLoopBackOff, whose back-off resets after 10 minutes of clean
/// running), and 4 incomplete checks in a row tolerated (Argo's default
/// `consecutiveErrorLimit`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TriggerThresholds {
    /// Allowed error-rate increase, percentage points.
    pub error_rate_delta_pct: f64,
    /// Allowed P99 increase, milliseconds.
    pub p99_delta_ms: f64,
    /// Allowed memory use as a fraction of the limit.
    pub memory_fraction: f64,
    /// Restarts that make a crash loop.
    pub crash_restarts: u32,
    /// The crash-loop window, seconds.
    pub crash_window_s: u64,
    /// Incomplete checks in a row tolerated before rolling back.
    pub missing_data_limit: u32,
}

impl Default for TriggerThresholds {
    fn default() -> Self {
        Self {
            error_rate_delta_pct: 0.5,
            p99_delta_ms: 100.0,
            memory_fraction: 0.9,
            crash_restarts: 3,
            crash_window_s: 600,
            missing_data_limit: 4,
        }
    }
}

impl TriggerThresholds {
    /// Checks the numbers: deltas finite and non-negative, memory fraction in (0, 1],
    /// at least one restart, a non-empty window.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] naming the first bad field.
    pub fn validate(&self) -> Result<(), Error> {
        check_range(
            "error_rate_delta_pct",
            self.error_rate_delta_pct,
            0.0,
            100.0,
            "[0, 100]",
        )?;
        check_range(
            "p99_delta_ms",
            self.p99_delta_ms,
            0.0,
            f64::MAX,
            "[0, finite]",
        )?;
        check_range(
            "memory_fraction",
            self.memory_fraction,
            f64::MIN_POSITIVE,
            1.0,
            "(0, 1]",
        )?;
        if self.crash_restarts == 0 {
            return Err(Error::OutOfRange {
                field: "crash_restarts",
                value: 0.0,
                bound: "at least 1",
            });
        }
        if self.crash_window_s == 0 {
            return Err(Error::OutOfRange {
                field: "crash_window_s",
                value: 0.0,
                bound: "at least 1 s",
            });
        }
        Ok(())
    }
}

/// What one check sees; `None` is "no data" for that signal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Signals {
    /// Baseline error rate, percent.
    pub baseline_error_rate_pct: Option<f64>,
    /// Baseline P99, milliseconds.
    pub baseline_p99_ms: Option<f64>,
    /// Canary error rate, percent.
    pub canary_error_rate_pct: Option<f64>,
    /// Canary P99, milliseconds.
    pub canary_p99_ms: Option<f64>,
    /// Canary memory used / limit.
    pub canary_memory_fraction: Option<f64>,
}

/// What the triggers say at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TriggerDecision {
    /// Nothing fired and every trigger could be evaluated.
    Pass,
    /// Nothing fired but some trigger lacked data: neither healthy nor failing.
    Hold,
    /// Something fired.
    Rollback,
}

/// The triggers' verdict at one instant and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TriggerReport {
    /// Triggers that fired.
    pub fired: TriggerSet,
    /// Triggers that could not be evaluated (an input was `None`).
    pub missing: TriggerSet,
    /// Rollback if anything fired, else Hold if anything is missing, else Pass.
    pub decision: TriggerDecision,
}

/// Evaluates every trigger at `t_s`. All comparisons are strictly greater
/// (`canary > baseline + delta`, on the values as given); a trigger with a `None` input is
/// missing, never passing; the crash loop counts restarts in `(t − window, t]` (restart
/// times need not be sorted). O(restarts), allocation-free.
///
/// ```
/// use sre_release::{Signals, Trigger, TriggerDecision, TriggerThresholds, check_triggers};
///
/// let s = Signals {
///     baseline_error_rate_pct: Some(0.5), canary_error_rate_pct: Some(1.25),
///     baseline_p99_ms: Some(200.0), canary_p99_ms: None, canary_memory_fraction: Some(0.5),
/// };
/// let r = check_triggers(600, &s, &[], &TriggerThresholds::default());
/// assert_eq!(r.decision, TriggerDecision::Rollback);
/// assert!(r.fired.contains(Trigger::ErrorRate) && r.missing.contains(Trigger::P99Latency));
/// ```
#[must_use]
pub fn check_triggers(
    t_s: u64,
    s: &Signals,
    restarts_s: &[u64],
    th: &TriggerThresholds,
) -> TriggerReport {
    let mut fired = TriggerSet::default();
    let mut missing = TriggerSet::default();
    let mut judge = |t: Trigger, v: Option<bool>| match v {
        Some(true) => fired.insert(t),
        Some(false) => {}
        None => missing.insert(t),
    };
    judge(
        Trigger::ErrorRate,
        s.canary_error_rate_pct
            .zip(s.baseline_error_rate_pct)
            .map(|(c, b)| c > b + th.error_rate_delta_pct),
    );
    judge(
        Trigger::P99Latency,
        s.canary_p99_ms
            .zip(s.baseline_p99_ms)
            .map(|(c, b)| c > b + th.p99_delta_ms),
    );
    judge(
        Trigger::Memory,
        s.canary_memory_fraction.map(|m| m > th.memory_fraction),
    );
    judge(Trigger::CrashLoop, Some(crash_loop(t_s, restarts_s, th)));
    TriggerReport {
        fired,
        missing,
        decision: decision(fired, missing),
    }
}

/// Whether at least `crash_restarts` restarts fall in `(t − window, t]`.
#[must_use]
pub fn crash_loop(t_s: u64, restarts_s: &[u64], th: &TriggerThresholds) -> bool {
    let recent = restarts_s
        .iter()
        .filter(|&&r| r <= t_s && r.saturating_add(th.crash_window_s) > t_s)
        .count();
    recent >= th.crash_restarts as usize
}

fn decision(fired: TriggerSet, missing: TriggerSet) -> TriggerDecision {
    if !fired.is_empty() {
        TriggerDecision::Rollback
    } else if !missing.is_empty() {
        TriggerDecision::Hold
    } else {
        TriggerDecision::Pass
    }
}
