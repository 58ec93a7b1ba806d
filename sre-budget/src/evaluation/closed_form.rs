//! Closed forms for a rectangular incident: does a policy fire, when, at what budget
//! cost, how long after the incident does it stop, how many pages.
//!
//! **Model** (SRE Workbook ch. 5, made exact): constant traffic; before the incident a
//! full healthy history; an error ratio `e` from `t = 0` to `t = D` (minutes). A window
//! of `W` minutes at time `t` sees `r_W(t) = e·|[t−W, t] ∩ [0, D]| / W`. With threshold
//! `thr = b·EB` (`EB = 1 − objective`, decimal), a window holds while `r_W > thr`
//! (`>=` for [`Comparison::AtOrAbove`]), which is the span
//! `(thr·W/e, D + W·(1 − thr/e))` when `e·min(D, W)/W` passes the threshold, and never
//! otherwise. A pair holds on the intersection of its windows' spans (and of the
//! low-traffic guard's span, where the long window holds at least `N` bad events:
//! `[N/(e·r), D + W − N/(e·r)]` at `r` requests a minute). So a pair fires iff
//! `e > thr` and `D > thr·W_long/e`, after `t* = thr·W_long/e` (plus `for`), having spent
//! `b·W_long/T` of the budget (`e·t*/(EB·T)`), and stops `W_short·(1 − thr/e)` after the
//! incident ends (plus `keep_firing_for`; the long window alone for a single window).
//!
//! **Per minute.** The evaluator's per-minute windows at whole minute `k` see exactly
//! `r_W(k)`, so the per-minute answers are the continuous spans sampled at whole
//! minutes: the first firing minute is `⌊thr·W/e⌋ + 1` (`⌈thr·W/e⌉` for `>=`), the
//! reset `⌈W_short·(1 − thr/e)⌉` (`⌊·⌋ + 1` for `>=`). A quotient within `1e-9`
//! (relative) of a whole minute is taken as that minute, as exact arithmetic on the
//! decimal inputs would.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::evaluation::{EvalPolicy, RectIncident, closed_form};
//! use sre_core::Objective;
//!
//! let o = Objective::new(0.999)?;
//! let page = EvalPolicy::workbook_page(o, Duration::from_secs(30 * 86_400))?;
//! // 2 % errors for 6 hours: the 1 h / 5 m pair fires after 0.0144 × 60 / 0.02 = 43.2 min.
//! let six_hours = RectIncident::new(0.02, Some(Duration::from_secs(6 * 3600)))?;
//! let c = closed_form::continuous(&page, &six_hours);
//! assert!((c.detection_min.unwrap() - 43.2).abs() < 1e-9);
//! let m = closed_form::per_minute(&page, &six_hours);
//! assert_eq!(m.fire_minute, Some(44)); // ⌊43.2⌋ + 1
//! # Ok::<(), sre_budget::Error>(())
//! ```

use super::policy::{Comparison, EvalPolicy, out_of_range};
use crate::Error;
use core::time::Duration;

/// Requests a minute a [`RectIncident`] assumes unless told otherwise.
pub const DEFAULT_TRAFFIC_PER_MIN: u64 = 10_000;

/// A rectangular incident: error ratio `e` for `D` whole minutes (or for ever), at a
/// constant traffic of `traffic_per_min` requests a minute (which only the low-traffic
/// guard and the per-minute replay read).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectIncident {
    error_ratio: f64,
    duration_min: Option<u64>,
    traffic_per_min: u64,
}

impl RectIncident {
    /// An incident of `error_ratio` in (0, 1] lasting `duration` (whole minutes, at most
    /// 366 days; `None`: it never ends) at [`DEFAULT_TRAFFIC_PER_MIN`].
    pub fn new(error_ratio: f64, duration: Option<Duration>) -> Result<Self, Error> {
        if !(error_ratio > 0.0 && error_ratio <= 1.0) {
            return Err(out_of_range(
                "incident error ratio",
                error_ratio,
                "the half-open interval (0, 1]",
            ));
        }
        let duration_min = match duration {
            None => None,
            Some(d) => {
                if d.is_zero()
                    || d.subsec_nanos() != 0
                    || !d.as_secs().is_multiple_of(60)
                    || d > super::policy::MAX_PERIOD
                {
                    return Err(out_of_range(
                        "incident duration",
                        d.as_secs_f64(),
                        "whole minutes from 1 minute to 366 days (in seconds)",
                    ));
                }
                Some(d.as_secs() / 60)
            }
        };
        Ok(Self {
            error_ratio,
            duration_min,
            traffic_per_min: DEFAULT_TRAFFIC_PER_MIN,
        })
    }

    /// The same incident at `traffic_per_min` requests a minute (1 to 10⁹).
    pub fn with_traffic(mut self, traffic_per_min: u64) -> Result<Self, Error> {
        if !(1..=1_000_000_000).contains(&traffic_per_min) {
            return Err(out_of_range(
                "traffic per minute",
                traffic_per_min as f64,
                "1 to 10^9 requests a minute",
            ));
        }
        self.traffic_per_min = traffic_per_min;
        Ok(self)
    }

    /// The error ratio.
    #[must_use]
    pub fn error_ratio(&self) -> f64 {
        self.error_ratio
    }

    /// The duration in minutes (`None`: unbounded).
    #[must_use]
    pub fn duration_min(&self) -> Option<u64> {
        self.duration_min
    }

    /// Requests a minute.
    #[must_use]
    pub fn traffic_per_min(&self) -> u64 {
        self.traffic_per_min
    }

    /// Failing requests a minute in the per-minute replay: `e × traffic`, rounded.
    #[must_use]
    pub fn bad_per_min(&self) -> u64 {
        sre_core::num::f64_to_u64_saturating(
            (self.error_ratio * self.traffic_per_min as f64).round(),
        )
    }

    /// Budget the whole incident spends, as a fraction of the period's budget:
    /// `e·D / (EB·T)` (`None` if unbounded).
    #[must_use]
    pub fn budget_spent(&self, policy: &EvalPolicy) -> Option<f64> {
        self.duration_min.map(|d| {
            self.error_ratio * d as f64 / (policy.error_budget() * policy.period_min() as f64)
        })
    }
}

/// The continuous model's answer for one incident under one policy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Continuous {
    /// Whether any pair fires.
    pub fires: bool,
    /// Minutes from the incident's start to the first firing (`t*` plus `for`).
    pub detection_min: Option<f64>,
    /// Budget spent when it fires, as a fraction of the period's budget.
    pub budget_at_detection: Option<f64>,
    /// Minutes from the incident's end until the policy stops firing (`None` if it never
    /// fired or the incident never ends).
    pub reset_min: Option<f64>,
    /// Budget the whole incident spends (`None` if unbounded).
    pub incident_budget: Option<f64>,
    /// Firing episodes (pages) the incident causes: disjoint spans of the union of the
    /// pairs' firing spans.
    pub pages: u32,
}

/// The per-minute answer, relative to the incident's start `t0` (the incident's bad
/// minutes are `1..=D`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerMinute {
    /// The first minute the policy is firing.
    pub fire_minute: Option<u64>,
    /// The first minute no longer firing after its last episode, minus `D` (`None` if it
    /// never fired or the incident never ends).
    pub reset_min: Option<u64>,
    /// Firing episodes (maximal runs of firing minutes).
    pub pages: u32,
    /// Those of them that start during the incident (minutes `1..=D`), so overlap it.
    pub pages_during: u32,
}

const REL: f64 = 1e-9;

fn near(a: f64, b: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a.is_infinite() && b.is_infinite() && a.signum() == b.signum();
    }
    (a - b).abs() <= REL * a.abs().max(b.abs()).max(1.0)
}

fn passes(value: f64, thr: f64, cmp: Comparison) -> bool {
    let tie = (value - thr).abs() <= REL * value.abs().max(thr.abs());
    match cmp {
        Comparison::Above => value > thr && !tie,
        Comparison::AtOrAbove => value > thr || tie,
    }
}

/// A span of time with open or closed ends (`hi` may be +∞).
#[derive(Debug, Clone, Copy)]
struct Span {
    lo: f64,
    lo_closed: bool,
    hi: f64,
    hi_closed: bool,
}

impl Span {
    const ALL: Self = Self {
        lo: f64::NEG_INFINITY,
        lo_closed: false,
        hi: f64::INFINITY,
        hi_closed: false,
    };

    fn meet(self, o: Self) -> Self {
        let (lo, lo_closed) = if near(self.lo, o.lo) {
            (self.lo.max(o.lo), self.lo_closed && o.lo_closed)
        } else if self.lo > o.lo {
            (self.lo, self.lo_closed)
        } else {
            (o.lo, o.lo_closed)
        };
        let (hi, hi_closed) = if near(self.hi, o.hi) {
            (self.hi.min(o.hi), self.hi_closed && o.hi_closed)
        } else if self.hi < o.hi {
            (self.hi, self.hi_closed)
        } else {
            (o.hi, o.hi_closed)
        };
        Self {
            lo,
            lo_closed,
            hi,
            hi_closed,
        }
    }

    fn is_empty(&self) -> bool {
        if near(self.lo, self.hi) {
            !(self.lo_closed && self.hi_closed)
        } else {
            self.lo > self.hi
        }
    }

    /// The first and last whole minute inside (`None` if none is).
    fn whole_minutes(&self) -> Option<(u64, Option<u64>)> {
        let first = {
            let k = self.lo.round();
            if near(self.lo, k) {
                if self.lo_closed { k } else { k + 1.0 }
            } else {
                self.lo.ceil()
            }
        }
        .max(1.0);
        let last = if self.hi.is_infinite() {
            None
        } else {
            let k = self.hi.round();
            Some(if near(self.hi, k) {
                if self.hi_closed { k } else { k - 1.0 }
            } else {
                self.hi.floor()
            })
        };
        if last.is_some_and(|l| l < first) {
            return None;
        }
        let to_u64 = sre_core::num::f64_to_u64_saturating;
        Some((to_u64(first), last.map(to_u64)))
    }
}

/// The span where a window of `w` minutes passes `thr`.
fn ratio_span(e: f64, thr: f64, w: f64, d: Option<f64>, cmp: Comparison) -> Option<Span> {
    let plateau = e * d.map_or(1.0, |d| d.min(w) / w);
    if !passes(plateau, thr, cmp) {
        return None;
    }
    let closed = cmp == Comparison::AtOrAbove;
    Some(Span {
        lo: thr * w / e,
        lo_closed: closed,
        hi: d.map_or(f64::INFINITY, |d| d + w * (1.0 - thr / e)),
        hi_closed: closed,
    })
}

/// The span where a window of `w` minutes holds at least `n` bad events.
fn guard_span(bad_per_min: f64, n: u64, w: f64, d: Option<f64>) -> Option<Span> {
    if n == 0 {
        return Some(Span::ALL);
    }
    let c = n as f64 / bad_per_min;
    let most = d.map_or(w, |d| d.min(w));
    if most < c && !near(most, c) {
        return None;
    }
    Some(Span {
        lo: c,
        lo_closed: true,
        hi: d.map_or(f64::INFINITY, |d| d + w - c),
        hi_closed: true,
    })
}

/// Where each pair's condition holds, continuous, for one incident.
fn condition_spans<'a>(
    policy: &'a EvalPolicy,
    inc: &RectIncident,
) -> impl Iterator<Item = Span> + 'a {
    let e = inc.error_ratio;
    let d = inc.duration_min.map(|d| d as f64);
    let cmp = policy.comparison();
    let n = policy.config().min_bad_events;
    let bad = e * inc.traffic_per_min as f64;
    policy.pairs().iter().enumerate().filter_map(move |(i, p)| {
        let thr = policy.threshold(i);
        let long = p.long_min() as f64;
        let mut s = ratio_span(e, thr, long, d, cmp)?;
        if let Some(short) = p.short_min() {
            s = s.meet(ratio_span(e, thr, short as f64, d, cmp)?);
        }
        s = s.meet(guard_span(bad, n, long, d)?);
        (!s.is_empty()).then_some(s)
    })
}

/// The continuous closed forms (see the [module docs](self)). Cost: O(pairs²).
#[must_use]
pub fn continuous(policy: &EvalPolicy, inc: &RectIncident) -> Continuous {
    let f = policy.for_min() as f64;
    let k = policy.keep_firing_for_min() as f64;
    let mut firing = [(0.0f64, 0.0f64); super::policy::MAX_PAIRS];
    let mut n = 0;
    for s in condition_spans(policy, inc) {
        let start = s.lo + f;
        let holds = f == 0.0 || start < s.hi || (s.hi_closed && near(start, s.hi));
        if holds {
            firing[n] = (start, s.hi + k);
            n += 1;
        }
    }
    let firing = &mut firing[..n];
    let incident_budget = inc.budget_spent(policy);
    if firing.is_empty() {
        return Continuous {
            incident_budget,
            ..Continuous::default()
        };
    }
    firing.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut pages = 0u32;
    let mut reach = f64::NEG_INFINITY;
    for &(a, b) in firing.iter() {
        if a > reach {
            pages += 1;
        }
        reach = reach.max(b);
    }
    let t = firing[0].0;
    let d = inc.duration_min.map(|d| d as f64);
    let spent_until = d.map_or(t, |d| t.min(d));
    Continuous {
        fires: true,
        detection_min: Some(t),
        budget_at_detection: Some(
            inc.error_ratio * spent_until / (policy.error_budget() * policy.period_min() as f64),
        ),
        reset_min: d.filter(|_| reach.is_finite()).map(|d| reach - d),
        incident_budget,
        pages,
    }
}

/// The per-minute closed forms: the continuous spans sampled at whole minutes, then
/// Prometheus' `for` and `keep_firing_for` per pair, pairs OR-ed. Cost: O(pairs²).
#[must_use]
pub fn per_minute(policy: &EvalPolicy, inc: &RectIncident) -> PerMinute {
    let f = policy.for_min();
    let k = policy.keep_firing_for_min();
    let mut firing = [(0u64, u64::MAX); super::policy::MAX_PAIRS];
    let mut n = 0;
    for s in condition_spans(policy, inc) {
        let Some((first, last)) = s.whole_minutes() else {
            continue;
        };
        let fire = first.saturating_add(f);
        if last.is_none_or(|l| fire <= l) {
            // Resolved at the first false minute plus keep_firing_for.
            firing[n] = (fire, last.map_or(u64::MAX, |l| l + 1 + k));
            n += 1;
        }
    }
    let firing = &mut firing[..n];
    if firing.is_empty() {
        return PerMinute::default();
    }
    firing.sort_unstable();
    let mut pages = 0u32;
    let mut pages_during = 0u32;
    let mut reach = 0u64;
    for &(a, b) in firing.iter() {
        if pages == 0 || a > reach {
            pages += 1;
            if inc.duration_min.is_none_or(|d| a <= d) {
                pages_during += 1;
            }
        }
        reach = reach.max(b);
    }
    PerMinute {
        pages_during,
        fire_minute: Some(firing[0].0),
        reset_min: inc
            .duration_min
            .filter(|_| reach != u64::MAX)
            .map(|d| reach.saturating_sub(d)),
        pages,
    }
}

/// The budget a policy spends before it fires on this incident in the per-minute model:
/// bad requests in minutes `1..=fire_minute` over the period's budget.
#[must_use]
pub fn per_minute_budget_at_detection(
    policy: &EvalPolicy,
    inc: &RectIncident,
    fire_minute: u64,
) -> f64 {
    let minutes = inc.duration_min.map_or(fire_minute, |d| d.min(fire_minute));
    let bad = inc.bad_per_min() as f64 * minutes as f64;
    bad / (policy.error_budget() * inc.traffic_per_min as f64 * policy.period_min() as f64)
}

/// The burn rate of an error ratio: `e / (1 − objective)` (decimal error budget). One
/// failure among 10 requests an hour is `0.1 / 0.001 = 100` for 99.9 % (the workbook
/// prints "1,000x"; its own 13.9 % says 100).
#[must_use]
pub fn burn_rate(policy: &EvalPolicy, error_ratio: f64) -> f64 {
    error_ratio / policy.error_budget()
}

/// Minutes a steady error ratio takes to spend the whole period's budget:
/// `EB·T / e` (`None` for `e ≤ 0`).
#[must_use]
pub fn exhaustion_min(policy: &EvalPolicy, error_ratio: f64) -> Option<f64> {
    (error_ratio > 0.0).then(|| policy.error_budget() * policy.period_min() as f64 / error_ratio)
}

/// Failed requests the period allows at `traffic_per_min` requests a minute:
/// `EB × traffic × T`.
#[must_use]
pub fn allowed_failures(policy: &EvalPolicy, traffic_per_min: f64) -> f64 {
    policy.error_budget() * traffic_per_min * policy.period_min() as f64
}

/// The workbook's count of alerts a day for a policy whose errors hover at its
/// threshold: at most one episode per shortest long window (`1440 / W`), the figure
/// behind its "up to 144 alerts per day" for a 10-minute window. A count of the
/// workbook's reasoning, not a bound on every error pattern.
#[must_use]
pub fn workbook_max_pages_per_day(policy: &EvalPolicy) -> f64 {
    let w = policy
        .pairs()
        .iter()
        .map(|p| p.long_min())
        .min()
        .unwrap_or(1);
    1440.0 / w as f64
}
