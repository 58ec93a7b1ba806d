//! [`Predictive`]: scale before the load arrives, from a forecast of the metric at
//! `now + lead`; never scale in on a forecast.

use crate::error::{Error, non_negative, positive_target};
use crate::policy::commit_own;
use crate::threshold::ceil_u32;
use crate::{Decision, Inputs, LimitKind, Metric, Observation, Policy, Reason};
use core::time::Duration;
use sre_core::Timestamp;
use std::collections::VecDeque;

/// How the metric is forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Forecaster {
    /// Seasonal naive: the value one `period` before the forecast time (same time last
    /// day or week), the latest sample at or before it.
    Seasonal {
        /// The season, e.g. one day.
        period: Duration,
    },
    /// Holt's linear (double exponential) smoothing, with the trend per second:
    /// `level ← α·x + (1 − α)(level + trend·Δt)`,
    /// `trend ← β·(level − level_prev)/Δt + (1 − β)·trend`,
    /// forecast `level + trend·lead`.
    Holt {
        /// Level smoothing in (0, 1].
        alpha: f64,
        /// Trend smoothing in [0, 1].
        beta: f64,
    },
}

/// Wraps a reactive policy: desired = `max(reactive, ceil(forecast(now + lead) / target))`.
///
/// Taking the maximum means the forecast can add capacity ahead of the load but never be
/// the reason for a scale-in: when the forecast is below the reactive answer it is ignored.
/// The forecast is skipped (reactive only) until there is history to forecast from.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_scaling::predictive::{Forecaster, Predictive};
/// use sre_scaling::{Metric, Observation, Policy, TargetTracking};
///
/// let day = Duration::from_secs(86_400);
/// let p = Predictive::new(
///     TargetTracking::new(Metric::Rps, 1000.0)?,
///     Metric::Rps, 1000.0, Forecaster::Seasonal { period: day }, Duration::from_secs(600),
/// )?;
/// let mut s = p.initial_state();
/// // Yesterday the 9 AM peak was 8000 RPS.
/// let nine = Timestamp::from_secs(9 * 3600);
/// p.step(nine, &Observation::new(8).with_rps(8000.0), &mut s)?;
/// // Today at 8:50 the load is still 1000 RPS, but 10 minutes ahead was 8000 yesterday.
/// let now = nine + day - Duration::from_secs(600);
/// let d = p.decide(now, &Observation::new(1).with_rps(1000.0), &s)?;
/// assert_eq!((d.recommended, d.desired), (1, 8));
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Predictive<P> {
    reactive: P,
    metric: Metric,
    target: f64,
    forecaster: Forecaster,
    lead: Duration,
}

/// The state of a [`Predictive`] policy.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PredictiveState<S> {
    /// The reactive policy's state.
    pub reactive: S,
    /// Samples `(time, value)` kept for the seasonal forecaster (one season plus the lead),
    /// in time order (commit keeps them so; samples committed at one time stay in the
    /// order they came).
    pub samples: VecDeque<(Timestamp, f64)>,
    /// Holt: `(time, level, trend per second)` after the last sample.
    pub holt: Option<(Timestamp, f64, f64)>,
}

impl<P> Predictive<P> {
    /// `reactive`, raised to the count that serves the forecast of `metric` at
    /// `now + lead` with `target` per instance.
    ///
    /// # Errors
    /// A target ≤ 0; a zero season; Holt parameters outside their ranges.
    pub fn new(
        reactive: P,
        metric: Metric,
        target: f64,
        forecaster: Forecaster,
        lead: Duration,
    ) -> Result<Self, Error> {
        let target = positive_target("forecast target per instance", target)?;
        match forecaster {
            Forecaster::Seasonal { period } if period.is_zero() => {
                return Err(crate::error::zero_window("seasonal period"));
            }
            Forecaster::Holt { alpha, beta } => {
                let a = non_negative("Holt alpha", alpha)?;
                let b = non_negative("Holt beta", beta)?;
                if a == 0.0 || a > 1.0 || b > 1.0 {
                    return Err(crate::error::out_of_range(
                        "Holt alpha or beta",
                        if a == 0.0 || a > 1.0 { a } else { b },
                        "alpha in (0, 1], beta in [0, 1]",
                    ));
                }
            }
            Forecaster::Seasonal { .. } => {}
        }
        Ok(Self {
            reactive,
            metric,
            target,
            forecaster,
            lead,
        })
    }

    /// The earliest time after `now` at which the forecast count could differ from its
    /// value at `now`: the next seasonal sample coming into view, or the Holt line crossing
    /// the next multiple of the target.
    fn forecast_changes_at<S>(
        &self,
        now: Timestamp,
        state: &PredictiveState<S>,
    ) -> Option<Timestamp> {
        match self.forecaster {
            Forecaster::Seasonal { period } => {
                // The earliest sample after the forecast's: the first one past `at`.
                let next = match (now + self.lead).checked_sub(period) {
                    Some(at) => state.samples.get(count_at_or_before(&state.samples, at)),
                    None => state.samples.front(),
                };
                next.map(|&(t, _)| (t + period).saturating_sub(self.lead))
                    .filter(|t| *t > now)
            }
            Forecaster::Holt { .. } => {
                let (t0, level, trend) = state.holt?;
                if trend == 0.0 {
                    return None;
                }
                let f_now = self.forecast(now, state)?;
                let n = (f_now / self.target).ceil();
                // The line leaves (target·(n−1), target·n] upward at target·n, downward at
                // target·(n−1) (and never goes below 0).
                let edge = if trend > 0.0 {
                    n * self.target
                } else if n > 0.0 {
                    (n - 1.0) * self.target
                } else {
                    return None;
                };
                let secs_from_t0 = (edge - level) / trend - self.lead.as_secs_f64();
                let t = Timestamp::from_nanos(sre_core::f64_to_u64_saturating(
                    (t0.as_nanos() as f64 + secs_from_t0 * 1e9).floor(),
                ));
                Some(t.max(now + Duration::from_nanos(1)))
            }
        }
    }

    /// The forecast of the metric at `now + lead`, if there is history for it.
    #[must_use]
    pub fn forecast<S>(&self, now: Timestamp, state: &PredictiveState<S>) -> Option<f64> {
        match self.forecaster {
            Forecaster::Seasonal { period } => {
                // The latest sample at or before `at` (the last of equal times).
                let at = (now + self.lead).checked_sub(period)?;
                count_at_or_before(&state.samples, at)
                    .checked_sub(1)
                    .and_then(|i| state.samples.get(i))
                    .map(|&(_, v)| v)
            }
            Forecaster::Holt { .. } => {
                let (t, level, trend) = state.holt?;
                let ahead = (now + self.lead).saturating_duration_since(t).as_secs_f64();
                Some((level + trend * ahead).max(0.0))
            }
        }
    }
}

impl<P: Policy> Policy for Predictive<P> {
    type State = PredictiveState<P::State>;

    fn initial_state(&self) -> Self::State {
        PredictiveState {
            reactive: self.reactive.initial_state(),
            samples: VecDeque::new(),
            holt: None,
        }
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error> {
        let mut d = self.reactive.decide(now, obs, &state.reactive)?;
        d.change_no_later_than(self.forecast_changes_at(now, state));
        if let Some(f) = self.forecast(now, state) {
            let n = ceil_u32(f / self.target);
            if n > d.desired {
                d.limit(LimitKind::Forecast, n, None);
                d.reason = Reason::Forecast;
                d.inputs = Inputs {
                    metric: Some(self.metric),
                    value: f,
                    target: self.target,
                    instances: obs.current,
                };
            }
        }
        Ok(d)
    }

    fn commit(
        &self,
        state: &mut Self::State,
        now: Timestamp,
        obs: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    ) {
        // The reactive policy commits its own decision, not the raised one.
        commit_own(
            &self.reactive,
            &mut state.reactive,
            now,
            obs,
            decision,
            applied,
        );
        let Ok(v) = obs.metric(self.metric) else {
            return;
        };
        match self.forecaster {
            Forecaster::Seasonal { period } => {
                let keep = period.saturating_add(self.lead);
                // Keep the samples after the horizon and the newest at or before it (all
                // of that time), so the oldest forecast still has one. Amortized O(1):
                // each sample is passed over once when it ages out.
                if let Some(h) = now.checked_sub(keep) {
                    let old = count_at_or_before(&state.samples, h);
                    if let Some(&(newest_old, _)) =
                        old.checked_sub(1).and_then(|i| state.samples.get(i))
                    {
                        while state.samples.front().is_some_and(|&(t, _)| t < newest_old) {
                            state.samples.pop_front();
                        }
                    }
                }
                // In time order: at the back unless committed out of order.
                if state.samples.back().is_none_or(|&(t, _)| t <= now) {
                    state.samples.push_back((now, v));
                } else {
                    let i = state.samples.partition_point(|&(t, _)| t <= now);
                    state.samples.insert(i, (now, v));
                }
            }
            Forecaster::Holt { alpha, beta } => {
                state.holt = Some(match state.holt {
                    None => (now, v, 0.0),
                    Some((t, level, trend)) => {
                        let dt = now.saturating_duration_since(t).as_secs_f64();
                        if dt == 0.0 {
                            (t, alpha * v + (1.0 - alpha) * level, trend)
                        } else {
                            let l = alpha * v + (1.0 - alpha) * (level + trend * dt);
                            let tr = beta * (l - level) / dt + (1.0 - beta) * trend;
                            (now, l, tr)
                        }
                    }
                });
            }
        }
    }
}

/// How many of the time-ordered `samples` are at or before `at`, searched from the front
/// (galloping, then binary): O(log k) for an answer k, whatever the history's length. The
/// seasonal forecast's sample sits within the lead (plus one sample) of the front.
fn count_at_or_before(samples: &VecDeque<(Timestamp, f64)>, at: Timestamp) -> usize {
    let n = samples.len();
    let mut hi = 1;
    while hi <= n && samples[hi - 1].0 <= at {
        hi *= 2;
    }
    // samples[..lo] are all ≤ at; the answer is in lo..=min(hi - 1, n).
    let (mut lo, mut end) = (hi / 2, (hi - 1).min(n));
    while lo < end {
        let mid = lo + (end - lo) / 2;
        if samples[mid].0 <= at {
            lo = mid + 1;
        } else {
            end = mid;
        }
    }
    lo
}
