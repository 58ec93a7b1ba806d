//! [`Report`]: what a run produced — every number a summary, a table or a picture needs.
//!
//! Plain data, serialized with serde (JSON through [`Report::to_json`]). Times are seconds
//! since the start of the simulation, latencies milliseconds, fractions in [0, 1]. Field
//! order and float formatting are fixed, so the same scenario and seed give a
//! byte-identical JSON report.

/// Counts of requests by outcome: every request sent ends exactly once, in one of
/// served (good or slow), timed out, dropped, failed or never served, and is good or bad for the
/// SLO. [`adds_up`](Self::adds_up) checks it; a run never returns a report whose counts
/// do not add up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RequestCounts {
    /// Requests sent (intended send times inside the run).
    pub sent: u64,
    /// Served, whatever their latency.
    pub served: u64,
    /// Good by the SLO: served within the latency threshold.
    pub good: u64,
    /// Served too slowly for the SLO (counted in `served`, bad for the SLI).
    pub slow: u64,
    /// Timed out (in the queue or in service); errors.
    pub timed_out: u64,
    /// Refused because the queue was full (or too many were held by a fault); errors.
    pub dropped: u64,
    /// Failed by a fault: injected errors, a failed dependency, or in service on a lost
    /// server; errors.
    #[cfg_attr(feature = "serde", serde(default))]
    pub failed: u64,
    /// Still queued at the end of the run with no server left to take them; bad for the
    /// SLI (the client never got an answer).
    pub never_served: u64,
}

impl RequestCounts {
    /// Bad for the SLO: slow, timed out, dropped, failed or never served.
    #[must_use]
    pub const fn bad(&self) -> u64 {
        self.slow + self.timed_out + self.dropped + self.failed + self.never_served
    }

    /// Whether every request sent ended exactly once: `sent = served + timed_out +
    /// dropped + failed + never_served`, `served = good + slow`, so `sent = good + bad`.
    ///
    /// ```
    /// use sre_sim::report::RequestCounts;
    /// let c = RequestCounts { sent: 11, served: 7, good: 6, slow: 1, timed_out: 1, dropped: 1, failed: 1, never_served: 1 };
    /// assert!(c.adds_up());
    /// assert_eq!(c.good + c.bad(), c.sent);
    /// assert!(!RequestCounts { never_served: 0, ..c }.adds_up());
    /// ```
    #[must_use]
    pub fn adds_up(&self) -> bool {
        let ended = u128::from(self.served)
            + u128::from(self.timed_out)
            + u128::from(self.dropped)
            + u128::from(self.failed)
            + u128::from(self.never_served);
        ended == u128::from(self.sent)
            && u128::from(self.good) + u128::from(self.slow) == u128::from(self.served)
    }
}

/// Latency quantiles in milliseconds, from the histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LatencySummary {
    /// Latencies recorded (served and timed-out requests).
    pub count: u64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

/// Exact queueing statistics of the run (sums, not histogram buckets): what Erlang C and
/// Little's law are checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Queueing {
    /// Mean wait for a server (start − intended send time) of requests that started, ms.
    pub mean_wait_ms: f64,
    /// Mean response time of served requests, ms.
    pub mean_response_ms: f64,
    /// Time-average number of requests waiting (Lq), up to the end of the run.
    pub mean_queue_len: f64,
    /// Time-average number of busy servers, up to the end of the run.
    pub mean_busy: f64,
    /// Requests sent per second over the run (λ).
    pub arrival_rate: f64,
}

/// The SLO over the whole run and its error budget.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SloSummary {
    /// Objective as a fraction, e.g. 0.999.
    pub objective: f64,
    /// A request is good when served within this many milliseconds.
    pub latency_threshold_ms: f64,
    /// The SLO period the budget is counted over, seconds.
    pub period_s: f64,
    /// Good / (good + bad) over the run; `None` without traffic.
    pub compliance: Option<f64>,
    /// Whether the run as a whole met the objective.
    pub met: bool,
    /// Mean burn rate over the run (up to its last evaluation, and over at most the last
    /// period): bad events ÷ the bad events the objective allows for the events seen,
    /// i.e. the error ratio ÷ (1 − objective) — `sre-budget`'s `BudgetStatus::consumed`.
    /// 1.0 spends the budget exactly at the end of a full period; 50.0 means 50 times
    /// too many bad requests. It says nothing about how long the run was.
    pub burn_rate: f64,
    /// The share of one full period's error budget the run spent, 1.0 = all of it:
    /// `burn_rate × min(duration, period) / period`. A request-based budget is
    /// `(1 − objective) ×` the period's requests; the period's requests are taken to
    /// arrive at the run's mean rate and the rest of the period to be clean. Exceeds 1.0
    /// when the run alone overspent the period's budget.
    pub budget_spent: f64,
    /// `1 − budget_spent` (negative when overspent).
    pub budget_remaining: f64,
    /// Minutes in which the SLI was below the objective (the minute's error ratio above
    /// the budget).
    pub bad_minutes: u64,
}

/// An alert transition from the burn-rate evaluator.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertTransition {
    /// When, seconds since the start.
    pub at_s: f64,
    /// The alert's name, e.g. `page_1h_5m`.
    pub alert: String,
    /// `page` or `ticket`.
    pub severity: String,
    /// `firing` or `resolved`.
    pub state: String,
    /// Long-window error ratio at the transition.
    pub long_ratio: Option<f64>,
    /// Short-window error ratio at the transition.
    pub short_ratio: Option<f64>,
    /// Share of one full period's error budget spent by then, pro-rated as
    /// [`SloSummary::budget_spent`] is.
    pub budget_spent: f64,
}

/// A change of the pool's size.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScalingAction {
    /// When, seconds since the start.
    pub at_s: f64,
    /// Servers before (warming and ready, not draining).
    pub from: u64,
    /// Servers after.
    pub to: u64,
    /// Who asked: the policy's name, or `schedule` for a planned change.
    pub by: String,
    /// Why, in the policy's words.
    pub reason: String,
}

/// Capacity used and how well it matched the need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Capacity {
    /// Instance-hours paid for (warming, ready and draining).
    pub instance_hours: f64,
    /// Instance-hours of ready servers.
    pub ready_instance_hours: f64,
    /// Busy server-hours: the work done.
    pub busy_hours: f64,
    /// Busy / ready: the mean utilization over the run.
    pub mean_utilization: f64,
    /// Fewest and most servers provisioned.
    pub min_instances: u64,
    /// Most servers provisioned.
    pub max_instances: u64,
    /// Time with fewer ready servers than needed (SPEC RG's under-provisioning timeshare), seconds.
    pub under_provisioned_s: f64,
    /// Time with more ready servers than needed, seconds.
    pub over_provisioned_s: f64,
    /// Instance-hours short of the need (under-provisioning accuracy × time).
    pub under_instance_hours: f64,
    /// Instance-hours beyond the need.
    pub over_instance_hours: f64,
}

/// One report interval of the timeline.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Interval {
    /// End of the interval, seconds since the start.
    pub t_s: f64,
    /// Requests sent per second in the interval.
    pub rps: f64,
    /// Servers provisioned at the end (warming, ready, draining).
    pub instances: u64,
    /// Ready servers, time-weighted mean over the interval.
    pub ready: f64,
    /// Servers needed for the interval's load at the target utilization.
    pub needed: u64,
    /// Busy / ready over the interval.
    pub utilization: f64,
    /// Requests waiting at the end.
    pub queue: u64,
    /// Median latency of the interval, ms (`None` without traffic).
    pub p50_ms: Option<f64>,
    /// 99th percentile latency of the interval, ms.
    pub p99_ms: Option<f64>,
    /// Bad events (slow, timed out, dropped) in the interval.
    pub bad: u64,
    /// Error budget remaining at the last evaluation up to the interval's end, as a
    /// fraction of one full period's budget (1 − [`SloSummary::budget_spent`] as of then).
    pub budget_remaining: f64,
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the run used.
    pub seed: u64,
    /// Simulated time, seconds.
    pub duration_s: f64,
    /// Seconds between timeline points.
    pub interval_s: f64,
    /// Requests by outcome.
    pub requests: RequestCounts,
    /// Latency over the whole run.
    pub latency: LatencySummary,
    /// Exact queueing statistics.
    pub queueing: Queueing,
    /// The SLO and its budget.
    pub slo: SloSummary,
    /// Alert transitions in time order.
    pub alerts: Vec<AlertTransition>,
    /// Pool changes in time order.
    pub scaling: Vec<ScalingAction>,
    /// Capacity used.
    pub capacity: Capacity,
    /// The timeline, one point per report interval.
    pub timeline: Vec<Interval>,
    /// Incidents opened by pages, in trigger order (see [`incidents`](crate::incidents)).
    #[cfg_attr(feature = "serde", serde(default))]
    pub incidents: Vec<crate::incidents::IncidentRecord>,
    /// Incidents per 12-hour shift against the course's 2.
    #[cfg_attr(feature = "serde", serde(default))]
    pub on_call: crate::incidents::OnCallLoad,
    /// What each of the scenario's faults did, in scenario order (absent without faults).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub faults: Vec<FaultRecord>,
    /// The experiment's journal (absent without an `[experiment]`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub experiment: Option<crate::experiment::ExperimentJournal>,
}

/// What one fault did during a run.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FaultRecord {
    /// The fault's label (its `name`, or its kind).
    pub name: String,
    /// Its kind (`instance_loss`, `latency`, …).
    pub kind: String,
    /// When it started, seconds.
    pub at_s: f64,
    /// When it ended, seconds (`None`: it never started, the run ended first).
    pub end_s: Option<f64>,
    /// What ended it: `schedule` (its duration), `instant` (a loss with no duration),
    /// `end of run`, an experiment's abort (`experiment abort: <cause>`), or, for a fault
    /// that never started (`end_s` absent), why (`experiment: method skipped …`); empty if
    /// it never started for lack of time.
    pub ended_by: String,
    /// Servers it took (losses).
    pub servers_lost: u64,
    /// Requests it touched: failed, delayed, held or slowed (a loss: requests in service
    /// that failed).
    pub requests: u64,
}

impl Report {
    /// The report as pretty-printed JSON.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String, crate::Error> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Alerts that fired (not resolutions), in time order.
    pub fn fired(&self) -> impl Iterator<Item = &AlertTransition> {
        self.alerts.iter().filter(|a| a.state == "firing")
    }
}
