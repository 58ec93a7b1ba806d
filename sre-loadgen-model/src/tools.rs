//! The arrival timing of k6, Gatling, Vegeta and wrk2, reproduced exactly.
//!
//! Each function returns the tool's intended send times for the same settings, so a
//! simulation can replay "what k6 would have sent". The rules (and the reference vectors
//! in `load_profiles.json` the tests check) come from the tools' source:
//!
//! | tool / executor | rule | here |
//! |---|---|---|
//! | k6 `constant-arrival-rate` | iteration k at k·timeUnit/rate, first at 0 | [`k6_constant_arrival_rate`] |
//! | k6 `ramping-arrival-rate` | n-th at ∫rate = n (first not at 0) | [`k6_ramping_arrival_rate`] |
//! | k6 `ramping-vus` | VUs interpolated, floor up / ceil down | [`K6RampingVus`] |
//! | Gatling `rampUsers`, `constantUsersPerSec`, `rampUsersPerSec` | per whole second, spread over 1000 ms buckets | [`Gatling`] |
//! | Gatling `stressPeakUsers` | Heaviside (erf) ramp, truncated to ms | [`Gatling::stress_peak_users`] |
//! | Vegeta constant / linear / sine pacers | hit n at n/rate; ∫rate = n from 0 | [`vegeta_constant`], [`vegeta_linear`], [`vegeta_sine`] |
//! | wrk2 `-R` | each connection at k / (R / connections) | [`wrk2_connection`] |
//! | HdrHistogram `recordValueWithExpectedInterval` | back-fill v−I, v−2I, … ≥ I | [`co_corrected_values`] |
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_loadgen_model::tools::Gatling;
//!
//! // Gatling rampUsers(5).during(1 s): one user every 200 ms from 0.
//! let ms: Vec<u64> = Gatling::ramp_users(5, Duration::from_secs(1))
//!     .map(|t| t.as_nanos() / 1_000_000)
//!     .collect();
//! assert_eq!(ms, [0, 200, 400, 600, 800]);
//! ```

use crate::arrivals::{Alignment, Deterministic};
use crate::error::{non_negative, positive};
use crate::special::erfinv;
use crate::{Error, RateProfile};
use core::time::Duration;
use sre_core::{Timestamp, f64_to_u64_saturating};

/// k6 `constant-arrival-rate`: `rate` iterations per `time_unit` for `duration`,
/// iteration k at k · time_unit / rate (the first at 0, none at the end).
pub fn k6_constant_arrival_rate(
    rate: f64,
    time_unit: Duration,
    duration: Duration,
    start: Timestamp,
) -> Result<Deterministic, Error> {
    let per_sec = rate / positive("timeUnit (seconds)", time_unit.as_secs_f64())?;
    Ok(Deterministic::new(
        RateProfile::constant(per_sec, duration)?,
        Alignment::LEFT,
        start,
    ))
}

/// k6 `ramping-arrival-rate`: from `start_rate` per `time_unit`, each stage ramps linearly
/// to its target; the n-th iteration (n = 1, 2, …) starts where the rate's integral
/// reaches n.
pub fn k6_ramping_arrival_rate(
    start_rate: f64,
    time_unit: Duration,
    stages: &[(Duration, f64)],
    start: Timestamp,
) -> Result<Deterministic, Error> {
    let profile = RateProfile::stages(start_rate, stages)?;
    let profile = profile.scaled(1.0 / positive("timeUnit (seconds)", time_unit.as_secs_f64())?)?;
    Ok(Deterministic::new(profile, Alignment::RIGHT, start))
}

/// k6 `ramping-vus`: the number of virtual users over time, as the steps at which it
/// changes. Within a stage the count is the linear interpolation rounded toward the
/// stage's start value (floor going up, ceil going down); a zero-length stage jumps.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct K6RampingVus {
    start_vus: u64,
    stages: Vec<(Duration, u64)>,
}

impl K6RampingVus {
    /// From `start_vus` through `(duration, target)` stages.
    #[must_use]
    pub fn new(start_vus: u64, stages: &[(Duration, u64)]) -> Self {
        Self {
            start_vus,
            stages: stages.to_vec(),
        }
    }

    /// `(seconds, vus)` at each change, starting with `(0, start_vus)`.
    #[must_use]
    pub fn steps(&self) -> Vec<(f64, u64)> {
        let mut out = vec![(0.0, self.start_vus)];
        let (mut t0, mut from) = (0.0, self.start_vus);
        for &(d, to) in &self.stages {
            let d = d.as_secs_f64();
            let (f, g) = (from as f64, to as f64);
            if d == 0.0 {
                if to != from {
                    out.push((t0, to));
                }
            } else if to > from {
                for v in from + 1..=to {
                    out.push((t0 + d * ((v as f64 - f) / (g - f)), v));
                }
            } else {
                for v in (to..from).rev() {
                    out.push((t0 + d * ((f - v as f64) / (f - g)), v));
                }
            }
            t0 += d;
            from = to;
        }
        out
    }

    /// Virtual users at `t` seconds (the last step at or before `t`).
    #[must_use]
    pub fn vus_at(&self, t: f64) -> u64 {
        self.steps()
            .iter()
            .take_while(|(s, _)| *s <= t)
            .last()
            .map_or(self.start_vus, |&(_, v)| v)
    }
}

/// Gatling's open injection steps: per whole second, users spread over 1000 one-millisecond
/// buckets, bucket m getting ⌈U(m+1)/1000⌉ − ⌈Um/1000⌉ (so a second's first user is on
/// its first millisecond). Durations are truncated to whole seconds as Gatling does.
/// Yields offsets from the epoch at millisecond resolution.
#[derive(Debug, Clone)]
pub struct Gatling {
    per_second: Vec<u64>,
    second: usize,
    j: u64,
    explicit: Option<(Vec<u64>, usize)>,
}

/// Users to put in slot `i` of `n` when sharing `total`: ⌈total(i+1)/n⌉ − ⌈total·i/n⌉.
fn share(total: u64, i: u64, n: u64) -> u64 {
    let ceil = |k: u64| (u128::from(total) * u128::from(k)).div_ceil(u128::from(n));
    u64::try_from(ceil(i + 1) - ceil(i)).unwrap_or(u64::MAX)
}

impl Gatling {
    fn from_seconds(per_second: Vec<u64>) -> Self {
        Self {
            per_second,
            second: 0,
            j: 0,
            explicit: None,
        }
    }

    /// `rampUsers(users).during(d)`: `users` spread evenly over the whole seconds of `d`,
    /// second s getting ⌈U(s+1)/D⌉ − ⌈Us/D⌉. A zero `d` injects everyone at once; like
    /// Gatling, a `d` under one second but above zero truncates to 0 s and injects nobody.
    #[must_use]
    pub fn ramp_users(users: u64, during: Duration) -> Self {
        if during.is_zero() {
            return Self::from_seconds(vec![users]).all_at_once();
        }
        let secs = during.as_secs();
        Self::from_seconds((0..secs).map(|s| share(users, s, secs)).collect())
    }

    /// Every user of the first second at its first millisecond.
    fn all_at_once(self) -> Self {
        let n = usize::try_from(self.per_second.first().copied().unwrap_or(0)).unwrap_or(0);
        Self {
            explicit: Some((vec![0; n], 0)),
            ..self
        }
    }

    /// `constantUsersPerSec(rate).during(d)`: `round(rate · whole seconds)` users, ramped.
    pub fn constant_users_per_sec(rate: f64, during: Duration) -> Result<Self, Error> {
        let rate = non_negative("users per second", rate)?;
        let users = f64_to_u64_saturating((rate * during.as_secs() as f64).round());
        Ok(Self::ramp_users(users, during))
    }

    /// `rampUsersPerSec(from).to(to).during(d)`: second s gets a(2s+1) + from users
    /// (a = (to − from) / 2d) plus the fraction carried from the previous second, rounded
    /// half-up at 10 decimals and truncated, as Gatling's `BigDecimal` code does.
    pub fn ramp_users_per_sec(from: f64, to: f64, during: Duration) -> Result<Self, Error> {
        let from = non_negative("start users per second", from)?;
        let to = non_negative("end users per second", to)?;
        let secs = during.as_secs();
        if secs == 0 {
            return Ok(Self::from_seconds(Vec::new()));
        }
        let a = (to - from) / (2.0 * secs as f64);
        let mut pending = 0.0;
        let per_second = (0..secs)
            .map(|s| {
                let x = a * (2.0 * s as f64 + 1.0) + from + pending;
                let scaled = (x * 1e10).round() / 1e10;
                let n = scaled.trunc();
                pending = x - n;
                f64_to_u64_saturating(n)
            })
            .collect();
        Ok(Self::from_seconds(per_second))
    }

    /// The total number of users this step injects.
    #[must_use]
    pub fn users(&self) -> u64 {
        match &self.explicit {
            Some((v, _)) => u64::try_from(v.len()).unwrap_or(u64::MAX),
            None => self.per_second.iter().sum(),
        }
    }

    /// `stressPeakUsers(users).during(d)`: user i (1…U) at
    /// ⌊k (erfinv(2i/(U+2) − 1) + t₀)⌋ ms with t₀ = |erfinv(2/(U+2) − 1)| and
    /// k = d_ms / 2t₀ (Gatling's `HeavisideOpenInjection`).
    #[must_use]
    pub fn stress_peak_users(users: u64, during: Duration) -> Self {
        let d_ms = u64::try_from(during.as_millis()).unwrap_or(u64::MAX);
        let inv = |u: u64| erfinv(2.0 * (u as f64 / (users as f64 + 2.0)) - 1.0);
        let times = if d_ms == 0 {
            vec![0; usize::try_from(users).unwrap_or(0)]
        } else {
            let t0 = inv(1).abs();
            let k = d_ms as f64 / (2.0 * t0);
            (1..=users)
                .map(|i| f64_to_u64_saturating(k * (inv(i) + t0)))
                .collect()
        };
        Self {
            per_second: Vec::new(),
            second: 0,
            j: 0,
            explicit: Some((times, 0)),
        }
    }
}

/// Gatling's steepness for a `users`-user stress peak, t₀ = erfinv(1 − 2/(U+2)): the
/// [`RateProfile::heaviside_peak`] with this steepness is the smooth version of
/// [`Gatling::stress_peak_users`].
#[must_use]
pub fn gatling_steepness(users: u64) -> f64 {
    erfinv(1.0 - 2.0 / (users as f64 + 2.0))
}

impl Iterator for Gatling {
    type Item = Timestamp;

    fn next(&mut self) -> Option<Timestamp> {
        if let Some((times, i)) = &mut self.explicit {
            let t = times.get(*i)?;
            *i += 1;
            return Some(Timestamp::from_millis(*t));
        }
        loop {
            let users = *self.per_second.get(self.second)?;
            if self.j < users {
                let ms = u64::try_from(u128::from(self.j) * 1000 / u128::from(users)).unwrap_or(0);
                self.j += 1;
                let s = u64::try_from(self.second).unwrap_or(u64::MAX);
                return Some(Timestamp::from_millis(s * 1000 + ms));
            }
            self.second += 1;
            self.j = 0;
        }
    }
}

/// Vegeta's constant pacer, `freq` hits per `per`, for `duration`: hit n (1-based) at
/// n · per / freq, the first after one interval.
pub fn vegeta_constant(
    freq: f64,
    per: Duration,
    duration: Duration,
    start: Timestamp,
) -> Result<Deterministic, Error> {
    let rate = freq / positive("pacer period (seconds)", per.as_secs_f64())?;
    Ok(Deterministic::new(
        RateProfile::constant(rate, duration)?,
        Alignment::RIGHT,
        start,
    ))
}

/// Vegeta's linear pacer: rate(t) = `start_at` + `slope` · t hits per second; hit n
/// (0-based) where hits(t) = slope t²/2 + start_at t reaches n, the first immediately.
pub fn vegeta_linear(
    start_at: f64,
    slope: f64,
    duration: Duration,
    start: Timestamp,
) -> Result<Deterministic, Error> {
    let end = start_at + slope * duration.as_secs_f64();
    if end.is_nan() || end < 0.0 {
        return Err(Error::domain(
            "linear pacer end rate",
            end,
            "0 or more: a negative slope must not take the rate below zero within the duration",
        ));
    }
    Ok(Deterministic::new(
        RateProfile::stages(start_at, &[(duration, end)])?,
        Alignment::LEFT,
        start,
    ))
}

/// Vegeta's sine pacer: rate(t) = mean + amp · sin(start_at + 2π t / period); hit n
/// (0-based) where the integral reaches n, the first immediately. Vegeta solves this
/// numerically to 10⁻³ hits; this solves it to the last bit.
pub fn vegeta_sine(
    mean: f64,
    amp: f64,
    period: Duration,
    start_at: f64,
    duration: Duration,
    start: Timestamp,
) -> Result<Deterministic, Error> {
    Ok(Deterministic::new(
        RateProfile::sine(mean, amp, period, start_at, duration)?,
        Alignment::LEFT,
        start,
    ))
}

/// wrk2 `-R rate -c connections`: each connection sends at rate / connections, request k
/// at its start + k / (rate / connections), with no jitter. wrk2 records latency from these
/// intended times (its corrected histogram).
pub fn wrk2_connection(
    rate: f64,
    connections: u32,
    duration: Duration,
    start: Timestamp,
) -> Result<Deterministic, Error> {
    if connections == 0 {
        return Err(Error::domain(
            "wrk2 connections",
            0.0,
            "1 or more connections",
        ));
    }
    let per = positive("wrk2 rate", rate)? / f64::from(connections);
    Ok(Deterministic::new(
        RateProfile::constant(per, duration)?,
        Alignment::LEFT,
        start,
    ))
}

/// HdrHistogram's coordinated-omission back-fill (`recordValueWithExpectedInterval`):
/// `value`, then `value − interval`, `value − 2·interval`, … while at least `interval`.
/// With an interval of 0, or a value not above it, only `value`.
///
/// ```
/// use sre_loadgen_model::tools::co_corrected_values;
/// assert_eq!(co_corrected_values(250, 100).collect::<Vec<_>>(), [250, 150]);
/// ```
pub fn co_corrected_values(value: u64, interval: u64) -> impl Iterator<Item = u64> {
    let first = core::iter::once(value);
    let rest = (interval > 0 && value > interval)
        .then(|| {
            (1..)
                .map(move |k: u64| value.saturating_sub(k.saturating_mul(interval)))
                .take_while(move |&v| v >= interval)
        })
        .into_iter()
        .flatten();
    first.chain(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gatling_duration_truncation() {
        let at_once: Vec<_> = Gatling::ramp_users(3, Duration::ZERO).collect();
        assert_eq!(at_once, [Timestamp::ZERO; 3]);
        assert_eq!(
            Gatling::ramp_users(3, Duration::from_millis(999)).count(),
            0
        );
        // 7 users over 3 s: 3, 2, 2 (⌈7/3⌉ − 0, ⌈14/3⌉ − ⌈7/3⌉, 7 − ⌈14/3⌉).
        let v: Vec<u64> = Gatling::ramp_users(7, Duration::from_millis(3500))
            .map(|t| t.as_nanos() / 1_000_000)
            .collect();
        assert_eq!(v, [0, 333, 666, 1000, 1500, 2000, 2500]);
    }
}
