//! [`Evaluator`]: multi-window multi-burn-rate alerts evaluated on the caller's clock, with
//! Prometheus' alerting-rule state machine.
//!
//! Call [`Evaluator::evaluate`] at every evaluation instant (e.g. the end of every minute);
//! it reads both windows of every pair from any [`EventCounts`] source and returns the
//! transitions of this tick. Per pair:
//!
//! - **condition**: both windows' error ratios are strictly greater than
//!   `burn × (1 − objective)` (and, with the low-traffic guard, the long window holds at
//!   least `min_bad_events` bad events). A window with no events has no ratio: the
//!   condition is false and the pair reports [`Condition::NoData`], never "healthy".
//! - **state**, as Prometheus' `AlertingRule.Eval` (rules/alerting.go, v2.42): the
//!   first true evaluation makes an inactive alert *pending* with `active_at = now`; a
//!   pending alert fires once `now − active_at ≥ for` (at once with `for = 0`); while
//!   true, `keep_firing_since` is cleared. When false, a firing alert with
//!   `keep_firing_for > 0` starts (or continues) `keep_firing_since` and stays firing
//!   while `now − keep_firing_since < keep_firing_for`; otherwise a firing alert is
//!   *resolved* and a pending one is dropped.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::{AlertConfig, AlertPolicy, Evaluator, MinuteSeries, Transition};
//! use sre_core::{Objective, Timestamp};
//!
//! let month = Duration::from_secs(30 * 86_400);
//! let policy = AlertPolicy::workbook(month)?;
//! let mut ev = Evaluator::new(Objective::new(0.999)?, policy, AlertConfig::default())?;
//! let mut sli = MinuteSeries::new(month)?;
//!
//! // 100 requests a minute; a total outage from minute 11 to 20.
//! let mut fired = Vec::new();
//! for minute in 1..=120 {
//!     let bad = if (11..=20).contains(&minute) { 100 } else { 0 };
//!     sli.push(100 - bad, bad);
//!     ev.evaluate(Timestamp::from_mins(minute), &sli)?;
//!     for e in ev.events() { // the same slice, borrowed shared, so `ev.pair` works too
//!         fired.push((minute, ev.pair(e.pair).name().to_owned(), e.transition));
//!     }
//! }
//! // The 1 h / 5 m pair pages at the first bad minute: 1/11 of the last hour > 1.44 %.
//! assert_eq!(fired[0], (11, "page_1h_5m".to_owned(), Transition::Firing));
//! // It resolves when the 5-minute window is clean again: minute 25.
//! assert!(fired.contains(&(25, "page_1h_5m".to_owned(), Transition::Resolved)));
//! # Ok::<(), sre_budget::Error>(())
//! ```
//!
//! The evaluator allocates once, in [`Evaluator::new`]; `evaluate` reuses its buffer.
//!
//! A live service keeps its alerts across a restart with [`Evaluator::state`] and
//! [`Evaluator::restore`] (see [`EvaluatorState`]), and guards against low traffic with
//! [`AlertConfig::service_default`].

use crate::burn::Severity;
use crate::{AlertPair, AlertPolicy, BudgetStatus, Error, ErrorBudget, EventCounts, WindowCounts};
use core::time::Duration;
use sre_core::{Objective, Timestamp};

mod state;

pub use state::{EvaluatorState, PairState};

/// Prometheus' `for`, `keep_firing_for`, and the low-traffic guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertConfig {
    /// How long the condition must hold (from the first true evaluation) before firing.
    pub for_duration: Duration,
    /// How long a firing alert keeps firing after the condition turns false.
    pub keep_firing_for: Duration,
    /// Low-traffic guard: the condition also needs at least this many bad events in the
    /// long window (0 = off). One failure in a quiet hour is then not a page.
    pub min_bad_events: u64,
}

impl AlertConfig {
    /// The low-traffic guard of [`service_default`](Self::service_default): 10 bad events
    /// in the long window.
    pub const SERVICE_MIN_BAD_EVENTS: u64 = 10;

    /// The configuration for a live service: no `for`, no `keep_firing_for`, and the
    /// low-traffic guard at [`SERVICE_MIN_BAD_EVENTS`](Self::SERVICE_MIN_BAD_EVENTS)
    /// (10) bad events in the long window. [`Default`] keeps the guard off, which is
    /// Prometheus' plain rule; [`rules::prometheus_rules`](crate::rules::prometheus_rules)
    /// writes the same guard from the same value, so both evaluators agree.
    ///
    /// Why a guard: a window's error ratio is a ratio of counts, and a process just
    /// started (or a quiet hour) has few. One bad request among the first 50 is a 2 %
    /// error ratio, above every pair of the workbook policy for a 99.9 % objective, so
    /// without a guard it pages. The SRE Workbook ("Alerting on SLOs", low-traffic
    /// services) gives the arithmetic: at 10 requests an hour one failure is a 100× burn
    /// rate and 13.9 % of the 30-day budget.
    ///
    /// Why 10: a pair that spends a fraction `f` of the budget fires, at a steady burn,
    /// once its long window holds `f × B` bad events, `B` being the bad events the whole
    /// period allows (`(1 − objective)` × the period's traffic). A guard of `N` can only
    /// hold back a pair while `f × B < N`, so with `N = 10` and the workbook's smallest
    /// fraction (2 %, the 1 h page) it never changes an alert of a service whose period
    /// budget is 500 bad events or more (500,000 requests a month at 99.9 %, about 12 a
    /// minute); below that, it asks for 10 failures before paging, which one slow
    /// request, or a handful, after a deploy does not reach.
    ///
    /// ```
    /// use sre_budget::AlertConfig;
    ///
    /// let c = AlertConfig::service_default();
    /// assert_eq!(c.min_bad_events, 10);
    /// assert_eq!(AlertConfig::default().min_bad_events, 0); // Prometheus-exact, no guard
    /// ```
    #[must_use]
    pub const fn service_default() -> Self {
        Self {
            for_duration: Duration::ZERO,
            keep_firing_for: Duration::ZERO,
            min_bad_events: Self::SERVICE_MIN_BAD_EVENTS,
        }
    }
}

/// Whether an alert is quiet, waiting out `for`, or firing (Prometheus' three states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AlertState {
    /// Not active.
    #[default]
    Inactive,
    /// The condition holds; waiting for `for` to pass.
    Pending,
    /// Firing (possibly kept by `keep_firing_for`).
    Firing,
}

/// What the last evaluation saw for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Condition {
    /// Not evaluated yet.
    #[default]
    Unknown,
    /// A window had no events: no ratio, so no alert, and not "healthy" either.
    NoData,
    /// Both windows have data; at least one is at or below the threshold.
    Below,
    /// Both windows exceed the threshold but the long window has fewer bad events than
    /// the low-traffic guard asks for.
    TooFewBadEvents,
    /// Both windows exceed the threshold (and the guard, if any, is met).
    Above,
}

/// A state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Transition {
    /// Inactive → pending (the condition turned true; `for` > 0).
    Pending,
    /// → firing.
    Firing,
    /// Firing → inactive: Prometheus' "resolved".
    Resolved,
    /// Pending → inactive: the condition turned false before `for` passed.
    Cancelled,
}

/// One window's reading.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WindowReading {
    /// The window's length.
    pub window: Duration,
    /// Its counts.
    pub counts: WindowCounts,
    /// `bad / total`, `None` for no data.
    pub error_ratio: Option<f64>,
}

impl WindowReading {
    fn new(window: Duration, counts: WindowCounts) -> Self {
        Self {
            window,
            counts,
            error_ratio: counts.error_ratio(),
        }
    }
}

/// A transition of one pair's alert, with what caused it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertEvent {
    /// The evaluation time.
    pub at: Timestamp,
    /// Index of the pair in the policy ([`Evaluator::pair`] gives its name).
    pub pair: usize,
    /// The pair's severity.
    pub severity: Severity,
    /// What changed.
    pub transition: Transition,
    /// The state after the change.
    pub state: AlertState,
    /// The threshold both ratios were compared with.
    pub threshold: f64,
    /// The long window's reading.
    pub long: WindowReading,
    /// The short window's reading.
    pub short: WindowReading,
    /// Budget spent so far (fraction of the period's budget), if the evaluator tracks it.
    pub budget_consumed: Option<f64>,
}

/// A pair's current status.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairStatus {
    /// The alert's state.
    pub state: AlertState,
    /// What the last evaluation saw.
    pub condition: Condition,
    /// When the alert became active (pending), if it is.
    pub active_at: Option<Timestamp>,
    /// When the condition last turned false while firing under `keep_firing_for`.
    pub keep_firing_since: Option<Timestamp>,
    /// The long window at the last evaluation.
    pub long: WindowReading,
    /// The short window at the last evaluation.
    pub short: WindowReading,
}

/// Evaluates an [`AlertPolicy`] for one objective; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Evaluator {
    objective: Objective,
    policy: AlertPolicy,
    config: AlertConfig,
    thresholds: Vec<f64>,
    /// Distinct windows read each tick (the period last, when tracking the budget).
    windows: Vec<Duration>,
    /// Indices into `windows` of each pair's (long, short).
    pair_windows: Vec<(usize, usize)>,
    /// This tick's counts, one per window.
    readings: Vec<WindowCounts>,
    status: Vec<PairStatus>,
    events: Vec<AlertEvent>,
    budget: ErrorBudget,
    track_budget: bool,
    last_budget: Option<BudgetStatus>,
}

impl Evaluator {
    /// An evaluator; it also tracks the budget over the policy's period (so the source
    /// must keep the whole period; see [`Evaluator::without_budget`]).
    pub fn new(
        objective: Objective,
        policy: AlertPolicy,
        config: AlertConfig,
    ) -> Result<Self, Error> {
        let n = policy.pairs().len();
        let budget = ErrorBudget::new(objective, policy.period())?;
        let thresholds = policy
            .pairs()
            .iter()
            .map(|p| p.threshold(objective))
            .collect();
        let mut ev = Self {
            objective,
            thresholds,
            windows: Vec::new(),
            pair_windows: Vec::new(),
            readings: Vec::new(),
            policy,
            config,
            status: vec![PairStatus::default(); n],
            events: Vec::with_capacity(n),
            budget,
            track_budget: true,
            last_budget: None,
        };
        ev.plan_windows();
        Ok(ev)
    }

    /// Lists each distinct window once, so a tick reads every window exactly once.
    fn plan_windows(&mut self) {
        let mut windows: Vec<Duration> = Vec::new();
        let mut index = |w: Duration| {
            windows.iter().position(|&x| x == w).unwrap_or_else(|| {
                windows.push(w);
                windows.len() - 1
            })
        };
        self.pair_windows = self
            .policy
            .pairs()
            .iter()
            .map(|p| (index(p.long_window()), index(p.short_window())))
            .collect();
        if self.track_budget {
            windows.push(self.policy.period());
        }
        self.readings = vec![WindowCounts::default(); windows.len()];
        self.windows = windows;
    }

    /// Stops reading the period's budget each tick: for sources that keep only the
    /// alert windows (events then carry `budget_consumed: None`).
    #[must_use]
    pub fn without_budget(mut self) -> Self {
        self.track_budget = false;
        self.last_budget = None;
        self.plan_windows();
        self
    }

    /// The objective.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> &AlertPolicy {
        &self.policy
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> AlertConfig {
        self.config
    }

    /// Pair `i` of the policy.
    ///
    /// # Panics
    /// If `i` is not an index of the policy's pairs (an [`AlertEvent::pair`] always is).
    #[must_use]
    pub fn pair(&self, i: usize) -> &AlertPair {
        &self.policy.pairs()[i]
    }

    /// Every pair's status after the last evaluation, in policy order.
    #[must_use]
    pub fn status(&self) -> &[PairStatus] {
        &self.status
    }

    /// The transitions of the last evaluation (what [`Evaluator::evaluate`] returned).
    #[must_use]
    pub fn events(&self) -> &[AlertEvent] {
        &self.events
    }

    /// The budget at the last evaluation (`None` before the first, or without budget).
    #[must_use]
    pub fn budget(&self) -> Option<BudgetStatus> {
        self.last_budget
    }

    /// The error budget this evaluator judges.
    #[must_use]
    pub fn error_budget(&self) -> ErrorBudget {
        self.budget
    }

    /// Evaluates every pair at `now` and returns this tick's transitions (at most one
    /// per pair). Errors only if the source cannot answer a window (e.g. past its horizon).
    pub fn evaluate<S: EventCounts + ?Sized>(
        &mut self,
        now: Timestamp,
        source: &S,
    ) -> Result<&[AlertEvent], Error> {
        self.events.clear();
        source.counts_into(now, &self.windows, &mut self.readings)?;
        let consumed = if self.track_budget {
            let counts = self.readings[self.windows.len() - 1];
            let observed = source.observed(now).unwrap_or(self.budget.period());
            let s = self.budget.status_observed(counts, observed);
            self.last_budget = Some(s);
            Some(s.consumed)
        } else {
            None
        };
        for (i, pair) in self.policy.pairs().iter().enumerate() {
            let (li, si) = self.pair_windows[i];
            let long = WindowReading::new(self.windows[li], self.readings[li]);
            let short = WindowReading::new(self.windows[si], self.readings[si]);
            let th = self.thresholds[i];
            let condition = match (long.error_ratio, short.error_ratio) {
                (Some(l), Some(s)) if l > th && s > th => {
                    if long.counts.bad() >= self.config.min_bad_events {
                        Condition::Above
                    } else {
                        Condition::TooFewBadEvents
                    }
                }
                (Some(_), Some(_)) => Condition::Below,
                _ => Condition::NoData,
            };
            let st = &mut self.status[i];
            let before = st.state;
            step(st, condition == Condition::Above, now, self.config);
            st.condition = condition;
            st.long = long;
            st.short = short;
            let transition = match (before, st.state) {
                (AlertState::Inactive, AlertState::Pending) => Some(Transition::Pending),
                (AlertState::Inactive | AlertState::Pending, AlertState::Firing) => {
                    Some(Transition::Firing)
                }
                (AlertState::Firing, AlertState::Inactive) => Some(Transition::Resolved),
                (AlertState::Pending, AlertState::Inactive) => Some(Transition::Cancelled),
                _ => None,
            };
            if let Some(transition) = transition {
                self.events.push(AlertEvent {
                    at: now,
                    pair: i,
                    severity: pair.severity(),
                    transition,
                    state: st.state,
                    threshold: th,
                    long,
                    short,
                    budget_consumed: consumed,
                });
            }
        }
        Ok(&self.events)
    }
}

/// One evaluation of Prometheus' alert state machine for one alert.
fn step(st: &mut PairStatus, condition: bool, now: Timestamp, cfg: AlertConfig) {
    if condition {
        st.keep_firing_since = None;
        if st.state == AlertState::Inactive {
            st.state = AlertState::Pending;
            st.active_at = Some(now);
        }
        let since = now - st.active_at.unwrap_or(now);
        if st.state == AlertState::Pending && since >= cfg.for_duration {
            st.state = AlertState::Firing;
        }
    } else {
        let keep = st.state == AlertState::Firing
            && !cfg.keep_firing_for.is_zero()
            && now - *st.keep_firing_since.get_or_insert(now) < cfg.keep_firing_for;
        if !keep {
            st.state = AlertState::Inactive;
            st.active_at = None;
            st.keep_firing_since = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MinuteSeries;

    fn one_pair(cfg: AlertConfig) -> (Evaluator, MinuteSeries) {
        let h = Duration::from_secs(600);
        let pair = AlertPair::new("p", Severity::Page, h, Duration::from_secs(120), 10.0).unwrap();
        let policy = AlertPolicy::new(Duration::from_secs(86_400), vec![pair]).unwrap();
        let ev = Evaluator::new(Objective::new(0.99).unwrap(), policy, cfg).unwrap();
        (ev, MinuteSeries::new(Duration::from_secs(86_400)).unwrap())
    }

    /// Drives minutes of (good, bad) and returns (minute, transition) pairs.
    fn drive(cfg: AlertConfig, rows: &[(u64, u64)]) -> Vec<(u64, Transition)> {
        let (mut ev, mut s) = one_pair(cfg);
        let mut out = Vec::new();
        for (m, &(g, b)) in rows.iter().enumerate() {
            s.push(g, b);
            let m = m as u64 + 1;
            for e in ev.evaluate(Timestamp::from_mins(m), &s).unwrap() {
                out.push((m, e.transition));
            }
        }
        out
    }

    fn rows(bad_minutes: core::ops::RangeInclusive<u64>, len: u64) -> Vec<(u64, u64)> {
        (1..=len)
            .map(|m| {
                if bad_minutes.contains(&m) {
                    (0, 10)
                } else {
                    (10, 0)
                }
            })
            .collect()
    }

    #[test]
    fn for_and_keep_firing_for_follow_prometheus() {
        // Threshold 10 × 1 % = 10 %. Bad minutes 5..=7: the 2-minute window exceeds it
        // at minutes 5..=8 (minute 8 still sees minute 7), so the condition holds 5..=8.
        let r = rows(5..=7, 30);
        let plain = drive(AlertConfig::default(), &r);
        assert_eq!(plain, [(5, Transition::Firing), (9, Transition::Resolved)]);
        // for = 2m: pending at 5, fires when now − active_at ≥ 2m, i.e. at 7.
        let cfg = AlertConfig {
            for_duration: Duration::from_secs(120),
            ..AlertConfig::default()
        };
        let held = drive(cfg, &r);
        assert_eq!(
            held,
            [
                (5, Transition::Pending),
                (7, Transition::Firing),
                (9, Transition::Resolved)
            ]
        );
        // for = 5m: the condition ends before it passes: pending then cancelled.
        let cfg = AlertConfig {
            for_duration: Duration::from_secs(300),
            ..AlertConfig::default()
        };
        assert_eq!(
            drive(cfg, &r),
            [(5, Transition::Pending), (9, Transition::Cancelled)]
        );
        // keep_firing_for = 3m: false from 9; kept while now − 9 < 3m: resolved at 12.
        let cfg = AlertConfig {
            keep_firing_for: Duration::from_secs(180),
            ..AlertConfig::default()
        };
        assert_eq!(
            drive(cfg, &r),
            [(5, Transition::Firing), (12, Transition::Resolved)]
        );
    }

    #[test]
    fn keep_firing_restarts_when_the_condition_returns() {
        // Bad at 5..=7 and again at 10: condition 5..=8 and 10..=11.
        let mut r = rows(5..=7, 30);
        r[9] = (0, 10);
        let cfg = AlertConfig {
            keep_firing_for: Duration::from_secs(180),
            ..AlertConfig::default()
        };
        // Kept at 9 (since 9); true at 10, 11 resets; false from 12: resolved at 15.
        assert_eq!(
            drive(cfg, &r),
            [(5, Transition::Firing), (15, Transition::Resolved)]
        );
    }

    #[test]
    fn no_data_is_reported_and_never_fires() {
        let (mut ev, s) = one_pair(AlertConfig::default());
        assert!(ev.evaluate(Timestamp::from_mins(3), &s).unwrap().is_empty());
        assert_eq!(ev.status()[0].condition, Condition::NoData);
        assert_eq!(ev.status()[0].state, AlertState::Inactive);
    }

    #[test]
    fn low_traffic_guard_needs_enough_bad_events() {
        // One request a minute; one failure at minute 5: 10 % of 10 min is not > 10 %,
        // so use two failures: 20 % > 10 %, short window 1/2 > 10 %.
        let r: Vec<(u64, u64)> = (1..=20)
            .map(|m| if m == 5 || m == 6 { (0, 1) } else { (1, 0) })
            .collect();
        assert_eq!(
            drive(AlertConfig::default(), &r)[0],
            (5, Transition::Firing)
        );
        let guarded = AlertConfig {
            min_bad_events: 3,
            ..AlertConfig::default()
        };
        assert!(drive(guarded, &r).is_empty());
    }

    #[test]
    fn events_carry_ratios_and_budget() {
        let (mut ev, mut s) = one_pair(AlertConfig::default());
        for _ in 0..4 {
            s.push(10, 0);
        }
        s.push(0, 10);
        let e = ev.evaluate(Timestamp::from_mins(5), &s).unwrap()[0];
        assert_eq!(
            e.long.counts,
            WindowCounts {
                good: 40,
                total: 50
            }
        );
        assert_eq!(e.short.error_ratio, Some(0.5));
        assert!((e.threshold - 0.1).abs() < 1e-12);
        // 10 bad of 50 events with 1 % allowed: 20 budgets spent.
        assert!((e.budget_consumed.unwrap() - 20.0).abs() < 1e-9);
        assert!(ev.budget().unwrap().is_exhausted());
    }
}
