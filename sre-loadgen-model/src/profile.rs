//! [`RateProfile`]: offered load over time, with its rate, cumulative count and inverse.
//!
//! A profile is a sequence of [`Segment`]s (linear ramps, sines, Heaviside peaks) plus
//! optional multiplier windows (an event: ×3 for 48 hours). Times are seconds from the
//! profile's start; rates are arrivals per second. `cumulative(t)` is Λ(t) = ∫₀ᵗ rate,
//! the expected number of arrivals by `t`; `inverse_cumulative(n)` is the earliest `t`
//! with Λ(t) = n, which is what every deterministic and Poisson schedule is built on.
//!
//! ```
//! use core::time::Duration;
//! use sre_loadgen_model::RateProfile;
//!
//! // k6-style stages: 0 → 100 RPS over 10 s, hold 100 RPS for 20 s.
//! let p = RateProfile::stages(0.0, &[(Duration::from_secs(10), 100.0), (Duration::from_secs(20), 100.0)])?;
//! assert_eq!(p.rate(5.0), 50.0);
//! assert_eq!(p.cumulative(10.0), 500.0);
//! assert_eq!(p.total(), 2500.0);
//! assert_eq!(p.inverse_cumulative(500.0), Some(10.0));
//!
//! // A Black-Friday-style event: three times the traffic from t = 15 s for 5 s.
//! let e = p.with_multiplier(Duration::from_secs(15), Duration::from_secs(5), 3.0)?;
//! assert_eq!(e.rate(16.0), 300.0);
//! assert_eq!(e.total(), 2500.0 + 2.0 * 500.0);
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```

use crate::Error;
use crate::error::{non_negative, positive};
use crate::segment::Segment;
use core::f64::consts::{FRAC_PI_2, TAU};
use core::time::Duration;

mod spec;
#[cfg(feature = "serde")]
use spec::ProfileSpec;

/// How a replayed trace fills the time between its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Interpolation {
    /// Straight lines between samples.
    Linear,
    /// Each sample's rate holds until the next sample.
    Hold,
}

/// A multiplier boundary: from `t` on, rates are multiplied by `factor`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Knot {
    /// Time (s) the factor starts to apply.
    t: f64,
    /// Base (unmultiplied) cumulative at `t`.
    base: f64,
    /// Profile (multiplied) cumulative at `t`.
    cum: f64,
    /// Factor from `t` to the next knot.
    factor: f64,
    /// 1 / factor (0 when the factor is 0), so the hot path multiplies.
    inv_factor: f64,
}

/// Offered load over a finite time span: rate, cumulative and inverse cumulative.
///
/// Build one with a constructor ([`constant`](Self::constant), [`stages`](Self::stages),
/// [`steps`](Self::steps), [`spike`](Self::spike), [`sine`](Self::sine),
/// [`diurnal`](Self::diurnal), [`heaviside_peak`](Self::heaviside_peak),
/// [`replay`](Self::replay), [`from_segments`](Self::from_segments)), then adjust it with
/// [`scaled`](Self::scaled), [`then`](Self::then) and
/// [`with_multiplier`](Self::with_multiplier). After [`duration`](Self::duration_secs)
/// the rate is zero.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "ProfileSpec", into = "ProfileSpec")
)]
pub struct RateProfile {
    segments: Vec<Segment>,
    /// Start time of each segment, plus the end as a last entry.
    starts: Vec<f64>,
    /// Base cumulative at each segment start, plus the total as a last entry.
    prefix: Vec<f64>,
    /// Multiplier knots, first at t = 0, sorted by time.
    knots: Vec<Knot>,
    /// Λ(duration), with multipliers.
    total: f64,
}

impl RateProfile {
    /// Multiplier windows as (start, end, factor).
    pub(crate) fn windows(&self) -> Vec<(f64, f64, f64)> {
        self.knots
            .iter()
            .skip(1)
            .collect::<Vec<_>>()
            .chunks(2)
            .filter_map(|k| match k {
                [a, b] => Some((a.t, b.t, a.factor)),
                _ => None,
            })
            .collect()
    }

    /// A profile from segments played one after another. Zero-length segments are dropped
    /// (a k6 zero-duration stage is an instant jump).
    pub fn from_segments(segments: impl IntoIterator<Item = Segment>) -> Result<Self, Error> {
        let segments: Vec<Segment> = segments
            .into_iter()
            .filter(|s| s.duration_secs() > 0.0)
            .collect();
        if segments.is_empty() {
            return Err(Error::Empty {
                what: "rate profile",
                item: "segment longer than zero",
            });
        }
        let mut starts = Vec::with_capacity(segments.len() + 1);
        let mut prefix = Vec::with_capacity(segments.len() + 1);
        let (mut t, mut c) = (0.0, 0.0);
        for s in &segments {
            starts.push(t);
            prefix.push(c);
            t += s.duration_secs();
            c += s.total();
        }
        starts.push(t);
        prefix.push(c);
        Ok(Self {
            segments,
            starts,
            prefix,
            knots: vec![Knot {
                t: 0.0,
                base: 0.0,
                cum: 0.0,
                factor: 1.0,
                inv_factor: 1.0,
            }],
            total: c,
        })
    }

    /// A constant `rate` (arrivals per second) for `duration`: the load test, the soak test.
    pub fn constant(rate: f64, duration: Duration) -> Result<Self, Error> {
        Self::from_segments([Segment::constant(duration, rate)?])
    }

    /// k6-style stages: from `start_rate`, each `(duration, target)` ramps linearly to
    /// `target` over `duration` (a zero duration jumps).
    pub fn stages(start_rate: f64, stages: &[(Duration, f64)]) -> Result<Self, Error> {
        let mut from = non_negative("start rate", start_rate)?;
        let mut segs = Vec::with_capacity(stages.len());
        for &(d, to) in stages {
            segs.push(Segment::linear(d, from, to)?);
            from = to;
        }
        Self::from_segments(segs)
    }

    /// Piecewise-constant steps: each `(duration, rate)` holds its rate (a stress test's
    /// staircase to the break point).
    pub fn steps(steps: &[(Duration, f64)]) -> Result<Self, Error> {
        let segs: Result<Vec<_>, _> = steps
            .iter()
            .map(|&(d, r)| Segment::constant(d, r))
            .collect();
        Self::from_segments(segs?)
    }

    /// A spike: `base` for `before`, a linear ramp to `peak` over `ramp`, `peak` held for
    /// `hold`, a ramp back over `ramp`, then `base` for `after`.
    pub fn spike(
        base: f64,
        peak: f64,
        before: Duration,
        ramp: Duration,
        hold: Duration,
        after: Duration,
    ) -> Result<Self, Error> {
        Self::stages(
            base,
            &[
                (before, base),
                (ramp, peak),
                (hold, peak),
                (ramp, base),
                (after, base),
            ],
        )
    }

    /// `mean + amplitude · sin(phase + 2π t / period)` for `duration` (Vegeta's sine pacer
    /// with `phase` = its `StartAt`).
    pub fn sine(
        mean: f64,
        amplitude: f64,
        period: Duration,
        phase: f64,
        duration: Duration,
    ) -> Result<Self, Error> {
        Self::from_segments([Segment::sine(duration, mean, amplitude, period, phase)?])
    }

    /// A daily cycle: `mean ± amplitude` with period 24 h, peaking `peak_at` after the
    /// profile's start, for `duration`.
    pub fn diurnal(
        mean: f64,
        amplitude: f64,
        peak_at: Duration,
        duration: Duration,
    ) -> Result<Self, Error> {
        let day = Duration::from_secs(24 * 3600);
        let phase = FRAC_PI_2 - TAU * (peak_at.as_secs_f64() / day.as_secs_f64());
        Self::sine(mean, amplitude, day, phase, duration)
    }

    /// A Heaviside peak: `total` arrivals over `duration`, sparse at both ends and densest
    /// in the middle (Gatling's `stressPeakUsers`). `steepness` k sets how much of the
    /// error function's range the duration spans, [−k, k]; Gatling's choice for `U` users is
    /// [`gatling_steepness`](crate::tools::gatling_steepness).
    pub fn heaviside_peak(total: f64, duration: Duration, steepness: f64) -> Result<Self, Error> {
        Self::from_segments([Segment::heaviside(duration, total, steepness)?])
    }

    /// Replays a recorded trace of `(time, rate)` samples at `speed`× (2.0 plays it in half
    /// the time). Speeding up replays the same requests faster, so rates are multiplied by
    /// `speed` and the total count is unchanged (GoReplay's `|200%` semantics).
    pub fn replay(
        samples: &[(Duration, f64)],
        speed: f64,
        interpolation: Interpolation,
    ) -> Result<Self, Error> {
        let speed = positive("replay speed", speed)?;
        if samples.len() < 2 {
            return Err(Error::TooFewPoints {
                what: "trace replay",
                needed: 2,
                got: samples.len(),
                distinct: "times",
            });
        }
        let mut segs = Vec::with_capacity(samples.len() - 1);
        for (i, w) in samples.windows(2).enumerate() {
            let ((t0, r0), (t1, r1)) = (w[0], w[1]);
            if t1 <= t0 {
                return Err(Error::Unordered {
                    what: "trace",
                    index: i + 1,
                    at: t1.as_secs_f64(),
                });
            }
            // `div_f64` would panic when a slow replay stretches a gap past `Duration::MAX`.
            let d = Duration::try_from_secs_f64((t1 - t0).as_secs_f64() / speed).map_err(|_| {
                Error::domain(
                    "replay speed",
                    speed,
                    "large enough that every stretched gap fits in a Duration",
                )
            })?;
            let to = match interpolation {
                Interpolation::Linear => r1,
                Interpolation::Hold => r0,
            };
            segs.push(Segment::linear(d, r0 * speed, to * speed)?);
        }
        Self::from_segments(segs)
    }

    /// This profile followed by `next`, multiplier windows included.
    #[must_use]
    pub fn then(&self, next: &Self) -> Self {
        let segs = self
            .base_segments()
            .iter()
            .chain(next.base_segments())
            .cloned();
        // Both are non-empty and their windows are disjoint once `next`'s are shifted past
        // this one's end, so neither step can fail.
        let Ok(p) = Self::from_segments(segs) else {
            return self.clone();
        };
        let shift = self.duration_secs();
        let windows = self.windows().into_iter().chain(
            next.windows()
                .into_iter()
                .map(|(s, e, f)| (s + shift, e + shift, f)),
        );
        match p.with_windows_secs(windows.collect()) {
            Ok(q) => q,
            Err(_) => p,
        }
    }

    /// Every rate multiplied by `factor` (≥ 0), multiplier windows kept.
    pub fn scaled(&self, factor: f64) -> Result<Self, Error> {
        let f = non_negative("scale factor", factor)?;
        let p = Self::from_segments(self.segments.iter().map(|s| s.scaled(f)))?;
        p.with_windows_secs(self.windows())
    }

    /// Multiplies every rate in [`start`, `start + duration`) by `factor` (≥ 0): an event
    /// (×3 for Black Friday), an outage (×0). Windows must not overlap; a window is cut
    /// at the profile's end, and one starting at or after the end changes nothing.
    pub fn with_multiplier(
        &self,
        start: Duration,
        duration: Duration,
        factor: f64,
    ) -> Result<Self, Error> {
        self.with_multiplier_secs(start.as_secs_f64(), duration.as_secs_f64(), factor)
    }

    /// [`with_multiplier`](Self::with_multiplier) for many windows at once, `(start,
    /// duration, factor)` in any order: the same profile as adding them one by one, in
    /// O((k + n) log (k + n)) for n new and k existing windows (one by one costs
    /// O(n² log n)). The same rules: no overlaps, cut at the end, ignored past it.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_loadgen_model::RateProfile;
    /// let s = Duration::from_secs;
    /// let p = RateProfile::constant(10.0, s(100))?;
    /// let one_by_one = p.with_multiplier(s(50), s(10), 3.0)?.with_multiplier(s(10), s(5), 0.0)?;
    /// let at_once = p.with_multipliers([(s(50), s(10), 3.0), (s(10), s(5), 0.0)])?;
    /// assert_eq!(one_by_one, at_once);
    /// assert_eq!(at_once.total(), 1000.0 + 200.0 - 50.0);
    /// # Ok::<(), sre_loadgen_model::Error>(())
    /// ```
    pub fn with_multipliers(
        &self,
        windows: impl IntoIterator<Item = (Duration, Duration, f64)>,
    ) -> Result<Self, Error> {
        let mut new = Vec::new();
        for (start, duration, factor) in windows {
            let start = start.as_secs_f64();
            let factor = non_negative("multiplier", factor)?;
            let duration = positive("multiplier window (seconds)", duration.as_secs_f64())?;
            new.push((start, start + duration, factor));
        }
        let mut all = self.windows();
        all.extend(new);
        self.with_windows_secs(all)
    }

    pub(crate) fn with_multiplier_secs(
        &self,
        start: f64,
        duration: f64,
        factor: f64,
    ) -> Result<Self, Error> {
        let factor = non_negative("multiplier", factor)?;
        let duration = positive("multiplier window (seconds)", duration)?;
        let mut all = self.windows();
        all.push((start, start + duration, factor));
        self.with_windows_secs(all)
    }

    /// The base profile with exactly these `(start, end, factor)` windows (any order; cut
    /// at the end, those starting at or after it dropped), replacing any it had.
    pub(crate) fn with_windows_secs(&self, windows: Vec<(f64, f64, f64)>) -> Result<Self, Error> {
        let d = self.duration_secs();
        let mut windows: Vec<(f64, f64, f64)> = windows
            .into_iter()
            .map(|(s, e, f)| (s, e.min(d), f))
            .filter(|&(s, e, _)| s < e)
            .collect();
        // Windows are kept as (start, end) knot pairs after the t = 0 knot.
        windows.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (i, w) in windows.windows(2).enumerate() {
            if w[1].0 < w[0].1 {
                return Err(Error::Unordered {
                    what: "multiplier windows",
                    index: i + 1,
                    at: w[1].0,
                });
            }
        }
        let mut p = self.clone();
        p.knots.truncate(1);
        let mut cum_last = 0.0;
        let mut base_last = 0.0;
        let mut factor_last = 1.0;
        for (s, e, f) in windows {
            for (t, fac) in [(s, f), (e, 1.0)] {
                let base = self.base_cumulative(t);
                let cum = cum_last + factor_last * (base - base_last);
                p.knots.push(Knot {
                    t,
                    base,
                    cum,
                    factor: fac,
                    inv_factor: if fac > 0.0 { 1.0 / fac } else { 0.0 },
                });
                (cum_last, base_last, factor_last) = (cum, base, fac);
            }
        }
        let base_total = self.prefix[self.segments.len()];
        p.total = cum_last + factor_last * (base_total - base_last);
        Ok(p)
    }

    /// The segments, without multiplier windows applied.
    #[must_use]
    pub fn base_segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Length of the profile in seconds.
    #[must_use]
    pub fn duration_secs(&self) -> f64 {
        self.starts[self.segments.len()]
    }

    /// Length of the profile.
    #[must_use]
    pub fn duration(&self) -> Duration {
        // Saturating: segments of up to `Duration::MAX` each can sum past it.
        Duration::try_from_secs_f64(self.duration_secs()).unwrap_or(Duration::MAX)
    }

    /// Expected arrivals over the whole profile, Λ(duration).
    #[must_use]
    pub fn total(&self) -> f64 {
        self.total
    }

    fn segment_at(&self, t: f64) -> usize {
        // Last segment whose start is ≤ t.
        self.starts[..self.segments.len()]
            .partition_point(|&s| s <= t)
            .saturating_sub(1)
    }

    fn knot_at(&self, t: f64) -> &Knot {
        let i = self.knots.partition_point(|k| k.t <= t).saturating_sub(1);
        &self.knots[i]
    }

    fn base_cumulative(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if t >= self.duration_secs() {
            return self.prefix[self.segments.len()];
        }
        let i = self.segment_at(t);
        self.prefix[i] + self.segments[i].cumulative(t - self.starts[i])
    }

    /// Arrival rate (per second) at `t` seconds; 0 outside [0, duration).
    #[must_use]
    pub fn rate(&self, t: f64) -> f64 {
        if !(t >= 0.0 && t < self.duration_secs()) {
            return 0.0;
        }
        let i = self.segment_at(t);
        self.segments[i].rate(t - self.starts[i]) * self.knot_at(t).factor
    }

    /// Expected arrivals over [0, t], Λ(t); constant after the end.
    #[must_use]
    pub fn cumulative(&self, t: f64) -> f64 {
        let k = self.knot_at(t.max(0.0));
        k.cum + k.factor * (self.base_cumulative(t) - k.base)
    }

    /// The earliest `t` (seconds) with Λ(t) = `n`, or `None` when `n` exceeds the
    /// profile's total (by more than a relative 1e-12, so the arrival that lands exactly on
    /// the end is kept).
    #[must_use]
    pub fn inverse_cumulative(&self, n: f64) -> Option<f64> {
        let mut c = Cursor::default();
        self.inverse_with(&mut c, n)
    }

    /// [`inverse_cumulative`](Self::inverse_cumulative) for non-decreasing `n`, resuming
    /// the search where the previous call ended: O(1) amortized per arrival.
    #[inline(always)]
    pub(crate) fn inverse_with(&self, c: &mut Cursor, n: f64) -> Option<f64> {
        let total = self.total;
        if n.is_nan() || n > total * (1.0 + 1e-12) {
            return None;
        }
        let n = n.min(total);
        // Multiplier knots: the last knot whose cumulative is below n (or the first).
        while c.knot + 1 < self.knots.len() && self.knots[c.knot + 1].cum < n {
            c.knot += 1;
        }
        let k = &self.knots[c.knot];
        let base = if k.factor > 0.0 {
            k.base + (n - k.cum) * k.inv_factor
        } else {
            k.base
        };
        let base = base.min(self.prefix[self.segments.len()]);
        // Segments: first segment (from the cursor) whose end reaches `base` and that
        // carries arrivals.
        let last = self.segments.len() - 1;
        while c.segment < last
            && (self.prefix[c.segment + 1] < base
                || self.prefix[c.segment + 1] <= self.prefix[c.segment])
        {
            c.segment += 1;
            c.hint = None;
        }
        let i = c.segment;
        let y = base - self.prefix[i];
        let tau = self.segments[i].inverse_near(y, c.hint);
        c.hint = Some((y, tau));
        Some((self.starts[i] + tau).max(k.t).min(self.duration_secs()))
    }
}

/// Where an increasing sequence of inverse look-ups left off.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Cursor {
    knot: usize,
    segment: usize,
    /// The previous (local cumulative, local time) in `segment`: a starting point for
    /// segments inverted numerically.
    hint: Option<(f64, f64)>,
}

#[cfg(test)]
// Exact equality is the point where these tests compare floats: values with exact
// binary representations (piecewise-constant rates, ln 1, erf 0, odd symmetry).
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    fn s(x: f64) -> Duration {
        Duration::from_secs_f64(x)
    }

    #[test]
    fn stages_rate_cumulative_inverse() {
        let p = RateProfile::stages(0.0, &[(s(5.0), 1.0), (s(1.0), 1.0), (s(5.0), 0.0)]).unwrap();
        assert!((p.total() - 6.0).abs() < 1e-12);
        assert!((p.rate(2.5) - 0.5).abs() < 1e-15);
        assert_eq!(p.rate(11.0), 0.0);
        assert_eq!(p.rate(-1.0), 0.0);
        assert!((p.cumulative(5.5) - 3.0).abs() < 1e-12);
        assert!((p.inverse_cumulative(3.0).unwrap() - 5.5).abs() < 1e-12);
        assert!((p.inverse_cumulative(6.0).unwrap() - 11.0).abs() < 1e-9);
        assert_eq!(p.inverse_cumulative(6.01), None);
        assert_eq!(p.inverse_cumulative(0.0), Some(0.0));
    }

    #[test]
    fn zero_rate_gaps_are_skipped_by_the_inverse() {
        let p = RateProfile::steps(&[(s(1.0), 2.0), (s(3.0), 0.0), (s(1.0), 2.0)]).unwrap();
        // Arrival 2 lands at the end of the first step, not after the gap.
        assert!((p.inverse_cumulative(2.0).unwrap() - 1.0).abs() < 1e-12);
        assert!((p.inverse_cumulative(3.0).unwrap() - 4.5).abs() < 1e-12);
    }

    #[test]
    fn multiplier_windows_scale_rate_and_shift_the_inverse() {
        let p = RateProfile::constant(10.0, s(100.0)).unwrap();
        let e = p.with_multiplier(s(20.0), s(10.0), 3.0).unwrap();
        assert_eq!(e.rate(19.9), 10.0);
        assert_eq!(e.rate(20.0), 30.0);
        assert_eq!(e.rate(30.0), 10.0);
        assert!((e.total() - 1200.0).abs() < 1e-9);
        assert!((e.cumulative(25.0) - 350.0).abs() < 1e-9);
        assert!((e.inverse_cumulative(350.0).unwrap() - 25.0).abs() < 1e-12);
        assert!((e.inverse_cumulative(600.0).unwrap() - 40.0).abs() < 1e-12);
        // An outage window (×0): the arrival due at its start happens then, the next after it.
        let o = p.with_multiplier(s(20.0), s(10.0), 0.0).unwrap();
        assert!((o.inverse_cumulative(200.0).unwrap() - 20.0).abs() < 1e-12);
        assert!((o.inverse_cumulative(201.0).unwrap() - 30.1).abs() < 1e-12);
        assert!(matches!(
            e.with_multiplier(s(25.0), s(10.0), 2.0),
            Err(Error::Unordered { .. })
        ));
        let two = e.with_multiplier(s(50.0), s(10.0), 2.0).unwrap();
        assert!((two.total() - 1300.0).abs() < 1e-9);
        let scaled = two.scaled(2.0).unwrap();
        assert!((scaled.total() - 2600.0).abs() < 1e-9);
        // Concatenation keeps both profiles' windows, the second's shifted.
        let both = e.then(&e);
        assert!((both.total() - 2400.0).abs() < 1e-9);
        assert_eq!(both.rate(125.0), 30.0);
        assert_eq!(both.rate(135.0), 10.0);
    }

    #[test]
    fn diurnal_peaks_when_asked_and_averages_the_mean() {
        let day = 86_400.0;
        let p = RateProfile::diurnal(1000.0, 400.0, s(14.0 * 3600.0), s(day)).unwrap();
        assert!((p.rate(14.0 * 3600.0) - 1400.0).abs() < 1e-9);
        assert!((p.rate(2.0 * 3600.0) - 600.0).abs() < 1e-9);
        assert!((p.total() - 1000.0 * day).abs() < 1e-6);
    }

    #[test]
    fn extreme_durations_are_errors_or_saturate_never_panics() {
        // A slow enough replay stretches a 1 s gap past Duration::MAX: a typed error.
        let trace = [(s(0.0), 1.0), (s(1.0), 2.0)];
        let e = RateProfile::replay(&trace, 1e-300, Interpolation::Linear).unwrap_err();
        assert!(e.to_string().contains("replay speed"), "{e}");
        // Two segments of Duration::MAX: the length saturates.
        let long = RateProfile::steps(&[(Duration::MAX, 1.0), (Duration::MAX, 1.0)]).unwrap();
        assert_eq!(long.duration(), Duration::MAX);
    }

    #[test]
    fn replay_speed_compresses_time_and_keeps_the_count() {
        let trace = [(s(0.0), 10.0), (s(10.0), 30.0), (s(20.0), 10.0)];
        let p1 = RateProfile::replay(&trace, 1.0, Interpolation::Linear).unwrap();
        let p2 = RateProfile::replay(&trace, 2.0, Interpolation::Linear).unwrap();
        assert!((p1.total() - 400.0).abs() < 1e-9);
        assert!((p2.total() - 400.0).abs() < 1e-9);
        assert!((p2.duration_secs() - 10.0).abs() < 1e-12);
        assert!((p2.rate(5.0) - 60.0).abs() < 1e-9);
        let hold = RateProfile::replay(&trace, 1.0, Interpolation::Hold).unwrap();
        assert!((hold.total() - 400.0).abs() < 1e-9);
        assert!((hold.rate(9.9) - 10.0).abs() < 1e-12);
        assert!(matches!(
            RateProfile::replay(&[(s(1.0), 1.0), (s(1.0), 2.0)], 1.0, Interpolation::Hold),
            Err(Error::Unordered { .. })
        ));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_validates() {
        let p = RateProfile::stages(0.0, &[(s(10.0), 100.0), (s(5.0), 100.0)])
            .unwrap()
            .with_multiplier(s(2.0), s(3.0), 3.0)
            .unwrap();
        let text = serde_json::to_string(&p).unwrap();
        let back: RateProfile = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
        let bad = text.replace("\"from\":0.0", "\"from\":-5.0");
        assert_ne!(bad, text);
        assert!(serde_json::from_str::<RateProfile>(&bad).is_err());
    }

    #[test]
    fn empty_profiles_are_errors() {
        assert!(matches!(
            RateProfile::stages(1.0, &[]),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            RateProfile::constant(1.0, Duration::ZERO),
            Err(Error::Empty { .. })
        ));
    }
}
