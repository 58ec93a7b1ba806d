//! [`RolloutReport`]: what a rollout run produced — every decision and why, when a bad
//! version was caught, and each version's requests, latency and budget.

/// One version's requests by outcome: each request routed to it ends exactly once, in
/// served (good or slow), failed, timed out, dropped or never served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VersionCounts {
    /// Requests routed to this version.
    pub sent: u64,
    /// Served, whatever their latency.
    pub served: u64,
    /// Served within the SLO's latency threshold.
    pub good: u64,
    /// Served too slowly for the SLO.
    pub slow: u64,
    /// Failed by the version (its error rate); errors.
    pub failed: u64,
    /// Timed out; errors.
    pub timed_out: u64,
    /// Refused by a full queue; errors.
    pub dropped: u64,
    /// Still queued at the end with no server left.
    pub never_served: u64,
}

impl VersionCounts {
    /// Errors: failed, timed out or dropped.
    #[must_use]
    pub const fn errors(&self) -> u64 {
        self.failed + self.timed_out + self.dropped
    }

    /// Bad for the SLO: slow, failed, timed out, dropped or never served.
    #[must_use]
    pub const fn bad(&self) -> u64 {
        self.slow + self.errors() + self.never_served
    }

    /// Requests that have ended (served or an error), as of the counts.
    #[must_use]
    pub const fn ended(&self) -> u64 {
        self.served + self.errors()
    }

    /// Whether every request sent ended exactly once: `sent = served + failed +
    /// timed_out + dropped + never_served` and `served = good + slow`.
    #[must_use]
    pub fn adds_up(&self) -> bool {
        let ended = u128::from(self.served)
            + u128::from(self.failed)
            + u128::from(self.timed_out)
            + u128::from(self.dropped)
            + u128::from(self.never_served);
        ended == u128::from(self.sent)
            && u128::from(self.good) + u128::from(self.slow) == u128::from(self.served)
    }
}

/// One version over the whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VersionSummary {
    /// Requests by outcome.
    pub counts: VersionCounts,
    /// Median latency of its served and timed-out requests, ms (`None` without any).
    pub p50_ms: Option<f64>,
    /// 99th percentile, ms.
    pub p99_ms: Option<f64>,
    /// Share of one full SLO period's error budget its bad requests spent:
    /// bad ÷ ((1 − objective) × the run's mean rate × the period), as
    /// [`SloSummary::budget_spent`](crate::report::SloSummary::budget_spent) pro-rates.
    pub budget_spent: f64,
}

/// A decision of the rollout (not the checks that changed nothing).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RolloutStep {
    /// When, seconds since the start of the run.
    pub t_s: u64,
    /// `advance`, `hold`, `rollback` or `promote`.
    pub action: String,
    /// Canary weight after the step, percent.
    pub weight_pct: u8,
    /// Stage index after the step.
    pub stage: usize,
    /// Why: `sre-release`'s explanation (fired triggers with their numbers, missing
    /// signals), or the judge's verdict with its numbers.
    pub reason: String,
}

/// When and where a bad version was caught (the rollback).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Caught {
    /// When, seconds since the start of the run.
    pub t_s: u64,
    /// Seconds since the rollout started.
    pub after_s: u64,
    /// The canary weight it was caught at, percent.
    pub weight_pct: u8,
    /// The stage it was caught in.
    pub stage: usize,
    /// Requests the new version had been sent by then.
    pub canary_sent: u64,
    /// Bad requests (for the SLO) it had caused by then.
    pub canary_bad: u64,
    /// Share of one full period's error budget those bad requests spent.
    pub budget_spent: f64,
}

/// Traffic of one weight setting: how many requests were sent and how many went to the
/// canary (the binomial split of the weight).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageTraffic {
    /// Canary weight, percent.
    pub weight_pct: u8,
    /// From, seconds since the start of the run.
    pub start_s: u64,
    /// To.
    pub end_s: u64,
    /// Requests sent in the span.
    pub sent: u64,
    /// Of which to the canary.
    pub canary_sent: u64,
}

/// The signals of one check (over the current stage so far).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CheckPoint {
    /// When, seconds since the start of the run.
    pub t_s: u64,
    /// Canary weight during the check's window, percent.
    pub weight_pct: u8,
    /// Baseline error rate, percent.
    pub baseline_error_pct: Option<f64>,
    /// Canary error rate, percent.
    pub canary_error_pct: Option<f64>,
    /// Baseline P99, ms.
    pub baseline_p99_ms: Option<f64>,
    /// Canary P99, ms.
    pub canary_p99_ms: Option<f64>,
}

/// How the rollout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RolloutOutcome {
    /// The new version took the final weight.
    Promoted,
    /// All traffic went back to the baseline.
    RolledBack,
    /// The run ended mid-rollout.
    InProgress,
}

/// Everything a rollout run produced.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RolloutReport {
    /// The scenario's name.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// Simulated time, seconds.
    pub duration_s: f64,
    /// How it ended.
    pub outcome: RolloutOutcome,
    /// Every decision, in time order.
    pub decisions: Vec<RolloutStep>,
    /// The rollback, if there was one.
    pub caught: Option<Caught>,
    /// Traffic per weight setting, in time order (weight 0 before the start and after a
    /// rollback).
    pub traffic: Vec<StageTraffic>,
    /// Every check's signals.
    pub checks: Vec<CheckPoint>,
    /// The baseline over the run.
    pub baseline: VersionSummary,
    /// The new version over the run.
    pub canary: VersionSummary,
}

impl RolloutReport {
    /// The report as pretty-printed JSON.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String, crate::Error> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Requests sent over the run, both versions.
    #[must_use]
    pub fn sent(&self) -> u64 {
        self.baseline.counts.sent + self.canary.counts.sent
    }
}
