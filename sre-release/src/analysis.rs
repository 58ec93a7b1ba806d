//! Argo Rollouts analysis-run semantics (`analysis/analysis.go`, `utils/evaluate`,
//! `utils/analysis`): measurement phases, a metric's counters and assessment, the run's
//! phase, and the rollout's reaction to it.

use crate::error::Error;

/// Argo's `DefaultConsecutiveErrorLimit`.
pub const DEFAULT_CONSECUTIVE_ERROR_LIMIT: i64 = 4;
/// Argo's `DefaultErrorRetryInterval`: the next measurement after an Error, in seconds.
pub const ERROR_RETRY_INTERVAL_S: u64 = 10;
/// The most measurements one [`MeasurementStream`] takes.
pub const MAX_MEASUREMENTS: u64 = 1_000_000;

/// The phase of a measurement, a metric or a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AnalysisPhase {
    /// Not started.
    Pending,
    /// Started, not complete.
    Running,
    /// Complete and good.
    Successful,
    /// Complete and bad.
    Failed,
    /// Complete, needs a human.
    Inconclusive,
    /// Could not be measured.
    Error,
}

impl AnalysisPhase {
    /// Whether the phase is final (Successful, Failed, Inconclusive, Error).
    #[must_use]
    pub fn is_completed(self) -> bool {
        matches!(
            self,
            Self::Successful | Self::Failed | Self::Inconclusive | Self::Error
        )
    }

    /// Argo's run-phase precedence: Successful < Running < Pending < Inconclusive < Error
    /// < Failed.
    fn severity(self) -> u8 {
        match self {
            Self::Successful => 0,
            Self::Running => 1,
            Self::Pending => 2,
            Self::Inconclusive => 3,
            Self::Error => 4,
            Self::Failed => 5,
        }
    }

    /// What a rollout does on this phase (`rollout/analysis.go`).
    #[must_use]
    pub fn rollout_action(self) -> RolloutAction {
        match self {
            Self::Successful => RolloutAction::Continue,
            Self::Running | Self::Pending => RolloutAction::Wait,
            Self::Inconclusive => RolloutAction::Pause,
            Self::Failed | Self::Error => RolloutAction::Abort,
        }
    }
}

/// A rollout's reaction to an analysis phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RolloutAction {
    /// Go on to the next step.
    Continue,
    /// Wait for the analysis.
    Wait,
    /// Pause until a human promotes or aborts.
    Pause,
    /// Abort and roll back.
    Abort,
}

/// One measurement's outcome as its conditions evaluated: `success` / `failure` are the
/// values of the success and failure conditions (`None` when not set), `error` a provider
/// error or an expression that could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Measurement {
    /// The success condition's value.
    pub success: Option<bool>,
    /// The failure condition's value.
    pub failure: Option<bool>,
    /// Whether the measurement errored.
    pub error: bool,
}

/// Argo's `EvaluateResult`: an error is Error; no condition is Successful; only a success
/// condition fails when false; only a failure condition succeeds when false; with both,
/// failure true is Failed, both false Inconclusive, else Successful.
#[must_use]
pub fn measurement_phase(
    has_success_condition: bool,
    has_failure_condition: bool,
    m: Measurement,
) -> AnalysisPhase {
    if m.error {
        return AnalysisPhase::Error;
    }
    let success = m.success.unwrap_or(false);
    let failure = m.failure.unwrap_or(false);
    match (has_success_condition, has_failure_condition) {
        (false, false) => AnalysisPhase::Successful,
        (true, false) if !success => AnalysisPhase::Failed,
        (true, false) => AnalysisPhase::Successful,
        (false, true) if failure => AnalysisPhase::Failed,
        (false, true) => AnalysisPhase::Successful,
        (true, true) if failure => AnalysisPhase::Failed,
        (true, true) if !success => AnalysisPhase::Inconclusive,
        (true, true) => AnalysisPhase::Successful,
    }
}

/// An analysis metric's limits (`None` = unset, Argo's default applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnalysisMetric {
    /// Measurements to take (unset or 0: one without an interval, unbounded with one).
    pub count: Option<i64>,
    /// Seconds between measurements.
    pub interval_s: Option<u64>,
    /// Failed measurements tolerated (default 0; −1 disables the limit).
    pub failure_limit: Option<i64>,
    /// Inconclusive measurements tolerated (default 0).
    pub inconclusive_limit: Option<i64>,
    /// Consecutive errors tolerated (default 4).
    pub consecutive_error_limit: Option<i64>,
    /// Consecutive successes that end the metric as Successful (unset: not used).
    pub consecutive_success_limit: Option<i64>,
    /// Seconds before the first measurement (default 0).
    pub initial_delay_s: Option<u64>,
    /// Whether a success condition is set.
    pub has_success_condition: bool,
    /// Whether a failure condition is set.
    pub has_failure_condition: bool,
}

/// The first integer rule of Argo's `ValidateMetric` a metric breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetricRule {
    /// `count > 0` and `count < failureLimit + consecutiveSuccessLimit`.
    CountBelowFailurePlusSuccessLimit,
    /// `count > 0` and `count < inconclusiveLimit`.
    CountBelowInconclusiveLimit,
    /// `count > 1` without an interval.
    IntervalRequiredForCount,
    /// `failureLimit < −1`.
    FailureLimitBelowMinusOne,
    /// `inconclusiveLimit < 0`.
    InconclusiveLimitNegative,
    /// `consecutiveErrorLimit < 0`.
    ConsecutiveErrorLimitNegative,
    /// `consecutiveSuccessLimit < 0`.
    ConsecutiveSuccessLimitNegative,
}

impl AnalysisMetric {
    /// Argo's `ValidateMetric` integer rules, in its order.
    ///
    /// # Errors
    ///
    /// The first [`MetricRule`] broken.
    pub fn validate(&self) -> Result<(), MetricRule> {
        let count = self.count.unwrap_or(0);
        let failure = self.failure_limit.unwrap_or(0);
        let inconclusive = self.inconclusive_limit.unwrap_or(0);
        let success = self.consecutive_success_limit.unwrap_or(0);
        if count > 0 {
            if count < failure.saturating_add(success) {
                return Err(MetricRule::CountBelowFailurePlusSuccessLimit);
            }
            if count < inconclusive {
                return Err(MetricRule::CountBelowInconclusiveLimit);
            }
        }
        if count > 1 && self.interval_s.is_none() {
            return Err(MetricRule::IntervalRequiredForCount);
        }
        if failure < -1 {
            return Err(MetricRule::FailureLimitBelowMinusOne);
        }
        if inconclusive < 0 {
            return Err(MetricRule::InconclusiveLimitNegative);
        }
        if self.consecutive_error_limit.is_some_and(|l| l < 0) {
            return Err(MetricRule::ConsecutiveErrorLimitNegative);
        }
        if success < 0 {
            return Err(MetricRule::ConsecutiveSuccessLimitNegative);
        }
        Ok(())
    }
}

/// A metric's running counters (Argo's `MetricResult`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricCounters {
    /// Successful measurements.
    pub successful: u64,
    /// Failed measurements.
    pub failed: u64,
    /// Inconclusive measurements.
    pub inconclusive: u64,
    /// Errored measurements.
    pub error: u64,
    /// Errors since the last non-error.
    pub consecutive_error: u64,
    /// Successes since the last non-success.
    pub consecutive_success: u64,
    /// Completed non-error measurements.
    pub count: u64,
}

impl MetricCounters {
    /// Counts one completed measurement of this phase: an Error does not count towards
    /// `count`; anything else resets `consecutive_error`; only Successful extends
    /// `consecutive_success`.
    pub fn record(&mut self, phase: AnalysisPhase) {
        match phase {
            AnalysisPhase::Error => {
                self.error += 1;
                self.consecutive_error += 1;
                self.consecutive_success = 0;
            }
            AnalysisPhase::Successful => {
                self.successful += 1;
                self.count += 1;
                self.consecutive_error = 0;
                self.consecutive_success += 1;
            }
            AnalysisPhase::Failed | AnalysisPhase::Inconclusive => {
                if phase == AnalysisPhase::Failed {
                    self.failed += 1;
                } else {
                    self.inconclusive += 1;
                }
                self.count += 1;
                self.consecutive_error = 0;
                self.consecutive_success = 0;
            }
            AnalysisPhase::Pending | AnalysisPhase::Running => {}
        }
    }
}

/// Argo's `assessMetricStatus`: no measurements → Pending (Successful when terminating);
/// last in flight → Running; the failure, inconclusive and consecutive-error limits with
/// the last match winning (Error over Inconclusive over Failed); the consecutive-success
/// limit; then the count reached → Successful (or, when a consecutive-success limit was
/// set and not met, Inconclusive / Failed); else Running (Successful when terminating).
#[must_use]
pub fn assess_metric(
    metric: &AnalysisMetric,
    c: &MetricCounters,
    has_measurements: bool,
    last_measurement_completed: bool,
    terminating: bool,
) -> AnalysisPhase {
    let done_or = |p| {
        if terminating {
            AnalysisPhase::Successful
        } else {
            p
        }
    };
    if !has_measurements {
        return done_or(AnalysisPhase::Pending);
    }
    if !last_measurement_completed {
        return AnalysisPhase::Running;
    }
    let failure_limit = metric.failure_limit.unwrap_or(0);
    let inconclusive_limit = metric.inconclusive_limit.unwrap_or(0);
    let error_limit = metric
        .consecutive_error_limit
        .unwrap_or(DEFAULT_CONSECUTIVE_ERROR_LIMIT);
    let exceeds = |n: u64, limit: i64| i64::try_from(n).unwrap_or(i64::MAX) > limit;
    let mut phase = None;
    if failure_limit >= 0 && exceeds(c.failed, failure_limit) {
        phase = Some(AnalysisPhase::Failed);
    }
    if exceeds(c.inconclusive, inconclusive_limit) {
        phase = Some(AnalysisPhase::Inconclusive);
    }
    if exceeds(c.consecutive_error, error_limit) {
        phase = Some(AnalysisPhase::Error);
    }
    if let Some(p) = phase {
        return p;
    }
    let success_limit = metric.consecutive_success_limit.unwrap_or(0);
    if success_limit > 0 && exceeds(c.consecutive_success, success_limit - 1) {
        return AnalysisPhase::Successful;
    }
    let count = metric.count.unwrap_or(0);
    let effective = if count > 0 {
        Some(count)
    } else if metric.interval_s.is_none() {
        Some(1)
    } else {
        None
    };
    if let Some(n) = effective
        && exceeds(c.count, n - 1)
    {
        let failure_applies = metric.failure_limit.is_none_or(|f| f >= 0);
        return if failure_applies && success_limit > 0 {
            AnalysisPhase::Inconclusive
        } else if success_limit > 0 {
            AnalysisPhase::Failed
        } else {
            AnalysisPhase::Successful
        };
    }
    done_or(AnalysisPhase::Running)
}

/// One metric as the run sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunMetric {
    /// A dry-run metric never decides the run.
    pub dry_run: bool,
    /// Its phase stored before this reconcile.
    pub previous_phase: Option<AnalysisPhase>,
    /// Its phase assessed in this reconcile (`None`: no result yet).
    pub phase: Option<AnalysisPhase>,
}

/// The run's phase and whether it is terminating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunAssessment {
    /// The run's phase.
    pub phase: AnalysisPhase,
    /// Whether the run is being terminated (requested, or a metric already failed).
    pub terminating: bool,
}

/// Argo's `assessRunStatus`: terminating when requested or when a non-dry-run metric's
/// previous phase is Failed, Error or Inconclusive; the worst completed non-dry-run phase
/// (Successful < Running < Pending < Inconclusive < Error < Failed; a completed dry-run
/// metric only seeds Successful); terminating → that worst (Successful if none), else
/// Running until every metric has a completed phase.
#[must_use]
pub fn assess_run(metrics: &[RunMetric], terminate_requested: bool) -> RunAssessment {
    let terminating = terminate_requested
        || metrics.iter().any(|m| {
            !m.dry_run
                && matches!(
                    m.previous_phase,
                    Some(
                        AnalysisPhase::Failed | AnalysisPhase::Error | AnalysisPhase::Inconclusive
                    )
                )
        });
    let mut worst: Option<AnalysisPhase> = None;
    let mut all_completed = true;
    for m in metrics {
        match m.phase {
            Some(p) if p.is_completed() => {
                if m.dry_run {
                    worst.get_or_insert(AnalysisPhase::Successful);
                } else if worst.is_none_or(|w| p.severity() > w.severity()) {
                    worst = Some(p);
                }
            }
            _ => all_completed = false,
        }
    }
    let phase = if terminating {
        worst.unwrap_or(AnalysisPhase::Successful)
    } else {
        match worst {
            Some(w) if all_completed => w,
            _ => AnalysisPhase::Running,
        }
    };
    RunAssessment { phase, terminating }
}

/// Argo's Kayenta metric provider: the score truncated toward zero, then `≥ pass`
/// Successful, `≥ marginal` Inconclusive, else Failed. Returns the phase and the
/// truncated score.
#[must_use]
pub fn kayenta_provider_phase(score: f64, pass: i64, marginal: i64) -> (AnalysisPhase, i64) {
    #[allow(clippy::cast_possible_truncation)] // Go's int(score): truncation is the point
    let truncated = score.trunc() as i64;
    let phase = if truncated >= pass {
        AnalysisPhase::Successful
    } else if truncated >= marginal {
        AnalysisPhase::Inconclusive
    } else {
        AnalysisPhase::Failed
    };
    (phase, truncated)
}

/// One measurement taken by a [`MeasurementStream`], with the state after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MeasurementStep {
    /// When it was taken, seconds from the run's start.
    pub t_s: u64,
    /// Its phase.
    pub measurement_phase: AnalysisPhase,
    /// The metric's counters after it.
    pub counters: MetricCounters,
    /// The metric's phase after it.
    pub metric_phase: AnalysisPhase,
}

/// One metric's measurements in order on the run's clock: the first at the initial
/// delay, each next one `interval_s` later (10 s after an Error), the metric assessed
/// after each; the stream is done at the first completed phase.
///
/// ```
/// use sre_release::{AnalysisMetric, AnalysisPhase, Measurement, MeasurementStream};
///
/// let metric = AnalysisMetric { interval_s: Some(60), has_success_condition: true, ..Default::default() };
/// let mut run = MeasurementStream::new(metric)?;
/// let error = Measurement { error: true, ..Default::default() };
/// for _ in 0..4 {
///     assert_eq!(run.record(error).metric_phase, AnalysisPhase::Running);
/// }
/// let fifth = run.record(error); // a fifth consecutive error passes the default limit 4
/// assert_eq!((fifth.t_s, fifth.metric_phase), (40, AnalysisPhase::Error));
/// # Ok::<(), sre_release::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementStream {
    metric: AnalysisMetric,
    counters: MetricCounters,
    next_t_s: u64,
    taken: u64,
    phase: AnalysisPhase,
}

impl MeasurementStream {
    /// A stream for one metric.
    ///
    /// # Errors
    ///
    /// [`Error::Name`] naming the first Argo validation rule the metric breaks.
    pub fn new(metric: AnalysisMetric) -> Result<Self, Error> {
        metric.validate().map_err(|rule| Error::Name {
            field: "analysis metric",
            name: format!("{rule:?}"),
            problem: "breaks Argo's ValidateMetric rule",
        })?;
        Ok(Self {
            metric,
            counters: MetricCounters::default(),
            next_t_s: metric.initial_delay_s.unwrap_or(0),
            taken: 0,
            phase: AnalysisPhase::Pending,
        })
    }

    /// When the next measurement is due, seconds from the run's start.
    #[must_use]
    pub fn next_due_s(&self) -> u64 {
        self.next_t_s
    }

    /// The metric's phase now.
    #[must_use]
    pub fn phase(&self) -> AnalysisPhase {
        self.phase
    }

    /// How many measurements were taken.
    #[must_use]
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// Whether the metric reached a completed phase (further measurements are ignored).
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.phase.is_completed() || self.taken >= MAX_MEASUREMENTS
    }

    /// Takes the next measurement (at [`MeasurementStream::next_due_s`]) and assesses the
    /// metric. Once done, returns the last state unchanged.
    pub fn record(&mut self, m: Measurement) -> MeasurementStep {
        let t_s = self.next_t_s;
        let measurement_phase = measurement_phase(
            self.metric.has_success_condition,
            self.metric.has_failure_condition,
            m,
        );
        if self.is_done() {
            return MeasurementStep {
                t_s,
                measurement_phase,
                counters: self.counters,
                metric_phase: self.phase,
            };
        }
        self.taken += 1;
        self.counters.record(measurement_phase);
        self.phase = assess_metric(&self.metric, &self.counters, true, true, false);
        let wait = if measurement_phase == AnalysisPhase::Error {
            ERROR_RETRY_INTERVAL_S
        } else {
            self.metric.interval_s.unwrap_or(0)
        };
        self.next_t_s = t_s.saturating_add(wait);
        MeasurementStep {
            t_s,
            measurement_phase,
            counters: self.counters,
            metric_phase: self.phase,
        }
    }

    /// The metric's phase if the run is terminated now (Argo reassesses with
    /// `terminating = true`).
    #[must_use]
    pub fn terminate(&self) -> AnalysisPhase {
        if self.phase.is_completed() {
            return self.phase;
        }
        assess_metric(&self.metric, &self.counters, self.taken > 0, true, true)
    }
}

/// How a Kayenta multi-interval run widens its judgement window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum WindowMode {
    /// Each judgement covers from the start to the end of its interval.
    Growing,
    /// Each judgement covers the last `lookback_s` seconds.
    Sliding {
        /// The window length, seconds.
        lookback_s: u64,
    },
}

/// The judgement window `[start, end)` of interval `k` (0-based) of a Kayenta run that
/// begins at `begin_s` and judges every `interval_s` seconds.
#[must_use]
pub fn judgement_window(mode: WindowMode, begin_s: u64, interval_s: u64, k: u64) -> (u64, u64) {
    let end = begin_s.saturating_add(interval_s.saturating_mul(k + 1));
    match mode {
        WindowMode::Growing => (begin_s, end),
        WindowMode::Sliding { lookback_s } => (end.saturating_sub(lookback_s).max(begin_s), end),
    }
}

/// A Kayenta multi-interval run's verdict from its interval scores, in order: it stops
/// early (fails) at the first score at or below the marginal threshold; otherwise the last
/// score decides as [`aggregated_did_pass`](crate::aggregated_did_pass). Returns whether it
/// passed and how many intervals were judged. No scores: passes with 0 judged only when
/// no threshold is set.
#[must_use]
pub fn multi_interval_did_pass(
    scores: &[f64],
    marginal_threshold: Option<f64>,
    pass_threshold: Option<f64>,
) -> (bool, usize) {
    for (i, &s) in scores.iter().enumerate() {
        if marginal_threshold.is_some_and(|m| s <= m) {
            return (false, i + 1);
        }
    }
    match scores.last() {
        Some(&last) => (
            crate::aggregated_did_pass(last, marginal_threshold, pass_threshold),
            scores.len(),
        ),
        None => (marginal_threshold.is_none() && pass_threshold.is_none(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::{WindowMode, judgement_window, multi_interval_did_pass};

    #[test]
    fn windows_grow_or_slide() {
        assert_eq!(
            judgement_window(WindowMode::Growing, 100, 60, 0),
            (100, 160)
        );
        assert_eq!(
            judgement_window(WindowMode::Growing, 100, 60, 2),
            (100, 280)
        );
        let sliding = WindowMode::Sliding { lookback_s: 90 };
        assert_eq!(judgement_window(sliding, 100, 60, 0), (100, 160));
        assert_eq!(judgement_window(sliding, 100, 60, 2), (190, 280));
    }

    #[test]
    fn early_fail_at_marginal_else_last_score_decides() {
        // The second interval is at the marginal threshold: stop there, failed.
        assert_eq!(
            multi_interval_did_pass(&[90.0, 75.0, 99.0], Some(75.0), Some(95.0)),
            (false, 2)
        );
        // Low early scores above marginal do not fail the run; the last one passes it.
        assert_eq!(
            multi_interval_did_pass(&[80.0, 96.0], Some(75.0), Some(95.0)),
            (true, 2)
        );
        assert_eq!(
            multi_interval_did_pass(&[99.0, 90.0], Some(75.0), Some(95.0)),
            (false, 2)
        );
        assert_eq!(multi_interval_did_pass(&[10.0], None, None), (true, 1));
        assert_eq!(multi_interval_did_pass(&[], Some(75.0), None), (false, 0));
    }
}
