//! Per-minute replay through the real [`Evaluator`]: per-minute counts in, the policy's
//! firing episodes out.
//!
//! Each pair of an [`EvalPolicy`] becomes an [`AlertPair`] of its own evaluator state
//! (Prometheus' state machine per pair, as the generated rules write one alert per
//! pair); the policy fires in a minute when any pair does. A [`MinuteSeries`] holds the
//! counts, so a window at minute `T` covers minutes `max(1, T−W+1)..=T` and a window
//! without requests has no data (false).
//!
//! Two adaptations let the `f64` evaluator decide as exact arithmetic would, and say
//! what it cannot express directly:
//!
//! - **Threshold.** The evaluator compares `bad/total > burn × (1 − objective)` in
//!   `f64`. The replay hands it a burn whose threshold is the exact decimal threshold
//!   moved by 10⁻¹² (relative) up for `>` and down for `>=`. A ratio equal to the
//!   threshold then compares as in exact arithmetic, and any other ratio of counts is at
//!   least `1/(total·p)` away (`thr = p/q` in lowest terms), which exceeds 10⁻¹² while a
//!   window holds fewer than 10¹¹/p requests.
//! - **Single window.** An [`AlertPair`] needs a shorter short window; a single window of
//!   `W` minutes runs as the pair (`W`, `W` − 1 s), which a [`MinuteSeries`] reads as the
//!   same `W` whole minutes.

use super::closed_form::{PerMinute, RectIncident};
use super::policy::{Comparison, EvalPolicy};
use crate::{
    AlertConfig, AlertPair, AlertPolicy, AlertState, Error, Evaluator, MinuteSeries, Severity,
};
use core::time::Duration;
use sre_core::Timestamp;

/// A maximal run of firing minutes: `fire..resolve` (`resolve` is the first minute no
/// longer firing; `None` if still firing at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Episode {
    /// The first firing minute.
    pub fire: u64,
    /// The first minute after it not firing.
    pub resolve: Option<u64>,
}

/// The most minutes one replay runs: 400 days.
pub const MAX_REPLAY_MINUTES: u64 = 400 * 1440;

/// Runs the policy's pairs over per-minute counts.
///
/// Allocates its evaluators once; each minute costs one push and one evaluation per
/// pair.
#[derive(Debug)]
pub struct Replay {
    evaluators: Vec<Evaluator>,
    series: MinuteSeries,
    minute: u64,
    firing: bool,
}

const NUDGE: f64 = 1e-12;

impl Replay {
    /// A replay of `policy` from minute 1.
    pub fn new(policy: &EvalPolicy) -> Result<Self, Error> {
        let mins = |m: u64| Duration::from_secs(m * 60);
        let factor = match policy.comparison() {
            Comparison::Above => 1.0 + NUDGE,
            Comparison::AtOrAbove => 1.0 - NUDGE,
        };
        let eb_eval = policy.objective().error_budget();
        let period = mins(policy.period_min());
        let config = AlertConfig {
            for_duration: mins(policy.for_min()),
            keep_firing_for: mins(policy.keep_firing_for_min()),
            min_bad_events: policy.config().min_bad_events,
        };
        let mut evaluators = Vec::with_capacity(policy.pairs().len());
        let mut longest = 1;
        for (i, p) in policy.pairs().iter().enumerate() {
            let long = mins(p.long_min());
            let short = p.short_min().map_or(long - Duration::from_secs(1), mins);
            let burn = policy.threshold(i) * factor / eb_eval;
            let pair = AlertPair::new(format!("pair_{i}"), Severity::Page, long, short, burn)?;
            let ap = AlertPolicy::new(period.max(long), vec![pair])?;
            evaluators.push(Evaluator::new(policy.objective(), ap, config)?.without_budget());
            longest = longest.max(p.long_min());
        }
        Ok(Self {
            evaluators,
            series: MinuteSeries::new(mins(longest))?,
            minute: 0,
            firing: false,
        })
    }

    /// Appends the next minute's counts, evaluates, and says whether the policy fires.
    pub fn step(&mut self, good: u64, bad: u64) -> Result<bool, Error> {
        self.series.push(good, bad);
        self.minute += 1;
        let now = Timestamp::from_mins(self.minute);
        let mut firing = false;
        for ev in &mut self.evaluators {
            ev.evaluate(now, &self.series)?;
            firing |= ev.status()[0].state == AlertState::Firing;
        }
        self.firing = firing;
        Ok(firing)
    }

    /// The last minute evaluated.
    #[must_use]
    pub fn minute(&self) -> u64 {
        self.minute
    }
}

/// Replays `minutes` (good, bad) counts, minute 1 first, and returns the firing episodes.
///
/// # Errors
/// More than [`MAX_REPLAY_MINUTES`] minutes; otherwise only what [`Replay::new`] refuses.
pub fn episodes<I>(policy: &EvalPolicy, minutes: I) -> Result<Vec<Episode>, Error>
where
    I: IntoIterator<Item = (u64, u64)>,
{
    let mut r = Replay::new(policy)?;
    let mut out: Vec<Episode> = Vec::new();
    for (good, bad) in minutes {
        if r.minute() >= MAX_REPLAY_MINUTES {
            return Err(super::policy::out_of_range(
                "replayed minutes",
                (r.minute() + 1) as f64,
                "at most 400 days of minutes",
            ));
        }
        let was = r.firing;
        let now = r.step(good, bad)?;
        if now && !was {
            out.push(Episode {
                fire: r.minute(),
                resolve: None,
            });
        } else if was
            && !now
            && let Some(e) = out.last_mut()
        {
            e.resolve = Some(r.minute());
        }
    }
    Ok(out)
}

/// The per-minute figures of a rectangular incident by replay: `longest window` minutes of
/// healthy history, the incident, then healthy traffic until every window has cleared
/// (or, for an unbounded incident, until it has filled). Minutes are relative to the
/// incident's start, as in [`closed_form::per_minute`](super::closed_form::per_minute).
///
/// Each incident minute holds [`RectIncident::bad_per_min`] failures (`e × traffic`,
/// rounded): pick a traffic that makes `e × traffic` whole (the default 10,000 does for
/// four decimals) and the replay sees exactly `e`. Cost: one evaluation per pair per
/// minute replayed.
pub fn rect_incident(policy: &EvalPolicy, inc: &RectIncident) -> Result<PerMinute, Error> {
    let traffic = inc.traffic_per_min();
    let bad = inc.bad_per_min().min(traffic);
    let longest = policy
        .pairs()
        .iter()
        .map(|p| p.long_min())
        .max()
        .unwrap_or(1);
    let t0 = longest;
    let extra = longest + policy.for_min() + policy.keep_firing_for_min() + 2;
    let end = t0 + inc.duration_min().unwrap_or(0) + extra;
    let d = inc.duration_min();
    let minutes = (1..=end).map(|m| {
        let inside = m > t0 && d.is_none_or(|d| m <= t0 + d);
        if inside {
            (traffic - bad, bad)
        } else {
            (traffic, 0)
        }
    });
    let eps = episodes(policy, minutes)?;
    let Some(first) = eps.iter().find(|e| e.resolve.is_none_or(|r| r > t0)) else {
        return Ok(PerMinute::default());
    };
    let relevant: Vec<&Episode> = eps
        .iter()
        .filter(|e| e.fire > t0 || e.resolve.is_none_or(|r| r > t0))
        .collect();
    let last = relevant.last().copied().unwrap_or(first);
    Ok(PerMinute {
        fire_minute: Some(first.fire.max(t0 + 1) - t0),
        reset_min: match (d, last.resolve) {
            (Some(d), Some(r)) => Some(r.saturating_sub(t0 + d)),
            _ => None,
        },
        pages: u32::try_from(relevant.len()).unwrap_or(u32::MAX),
        pages_during: u32::try_from(
            relevant
                .iter()
                .filter(|e| d.is_none_or(|d| e.fire.max(t0 + 1) <= t0 + d))
                .count(),
        )
        .unwrap_or(u32::MAX),
    })
}
