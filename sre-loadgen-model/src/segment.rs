//! [`Segment`]: one piece of a rate profile, with its rate, integral and inverse integral
//! in closed form (or a safeguarded Newton solve where none exists).

use crate::Error;
use crate::error::{non_negative, positive};
use crate::special::{erf, erfinv};
use core::f64::consts::{PI, TAU};
use core::time::Duration;

/// The shape of a [`Segment`]'s rate over its own local time τ ∈ [0, duration].
///
/// Rates are in arrivals per second.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Shape {
    /// Straight line from `from` at τ = 0 to `to` at the end (equal: constant).
    Linear {
        /// Rate at the start.
        from: f64,
        /// Rate at the end.
        to: f64,
    },
    /// `mean + amplitude · sin(phase + 2π τ / period)`; `amplitude ≤ mean` keeps it ≥ 0.
    Sine {
        /// Mean rate.
        mean: f64,
        /// Amplitude (≤ mean).
        amplitude: f64,
        /// Period in seconds.
        period: f64,
        /// Phase in radians at τ = 0.
        phase: f64,
    },
    /// A smooth step of `total` arrivals whose cumulative count follows the error function
    /// (Gatling's "Heaviside" stress peak): `total · (erf(k(2τ/d − 1)) + erf k) / (2 erf k)`.
    Heaviside {
        /// Arrivals over the whole segment.
        total: f64,
        /// k: how sharp the peak is (larger is sharper).
        steepness: f64,
    },
}

/// A [`Shape`] held for a duration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SegmentSpec"))]
pub struct Segment {
    duration: f64,
    shape: Shape,
}

/// A segment as written in a file, validated through the constructors on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct SegmentSpec {
    duration: f64,
    shape: Shape,
}

#[cfg(feature = "serde")]
impl TryFrom<SegmentSpec> for Segment {
    type Error = Error;
    fn try_from(s: SegmentSpec) -> Result<Self, Error> {
        let d = Duration::try_from_secs_f64(s.duration).map_err(|_| {
            Error::domain(
                "segment duration (seconds)",
                s.duration,
                "a finite, non-negative number of seconds",
            )
        })?;
        match s.shape {
            Shape::Linear { from, to } => Self::linear(d, from, to),
            Shape::Sine {
                mean,
                amplitude,
                period,
                phase,
            } => {
                let p = Duration::try_from_secs_f64(period).map_err(|_| {
                    Error::domain(
                        "sine period (seconds)",
                        period,
                        "a finite, positive number of seconds",
                    )
                })?;
                Self::sine(d, mean, amplitude, p, phase)
            }
            Shape::Heaviside { total, steepness } => Self::heaviside(d, total, steepness),
        }
    }
}

impl Segment {
    /// A straight line from `from` to `to` arrivals per second over `duration`.
    pub fn linear(duration: Duration, from: f64, to: f64) -> Result<Self, Error> {
        Ok(Self {
            duration: duration.as_secs_f64(),
            shape: Shape::Linear {
                from: non_negative("segment start rate", from)?,
                to: non_negative("segment end rate", to)?,
            },
        })
    }

    /// A constant `rate` for `duration`.
    pub fn constant(duration: Duration, rate: f64) -> Result<Self, Error> {
        Self::linear(duration, rate, rate)
    }

    /// A sine wave `mean + amplitude · sin(phase + 2π τ / period)` for `duration`.
    pub fn sine(
        duration: Duration,
        mean: f64,
        amplitude: f64,
        period: Duration,
        phase: f64,
    ) -> Result<Self, Error> {
        let mean = non_negative("sine mean rate", mean)?;
        let amplitude = non_negative("sine amplitude", amplitude)?;
        if amplitude > mean {
            return Err(Error::NegativeRate { mean, amplitude });
        }
        let period = positive("sine period (seconds)", period.as_secs_f64())?;
        if !phase.is_finite() {
            return Err(Error::domain("sine phase", phase, "finite radians"));
        }
        Ok(Self {
            duration: duration.as_secs_f64(),
            shape: Shape::Sine {
                mean,
                amplitude,
                period,
                phase,
            },
        })
    }

    /// A Heaviside peak of `total` arrivals over `duration` with steepness `k > 0`.
    pub fn heaviside(duration: Duration, total: f64, steepness: f64) -> Result<Self, Error> {
        Ok(Self {
            duration: positive("Heaviside peak duration (seconds)", duration.as_secs_f64())?,
            shape: Shape::Heaviside {
                total: non_negative("Heaviside peak total", total)?,
                steepness: positive("Heaviside steepness", steepness)?,
            },
        })
    }

    /// The segment's length in seconds.
    #[must_use]
    pub fn duration_secs(&self) -> f64 {
        self.duration
    }

    /// The segment's shape.
    #[must_use]
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The same segment with every rate multiplied by `factor` (≥ 0).
    pub(crate) fn scaled(&self, factor: f64) -> Self {
        let shape = match self.shape {
            Shape::Linear { from, to } => Shape::Linear {
                from: from * factor,
                to: to * factor,
            },
            Shape::Sine {
                mean,
                amplitude,
                period,
                phase,
            } => Shape::Sine {
                mean: mean * factor,
                amplitude: amplitude * factor,
                period,
                phase,
            },
            Shape::Heaviside { total, steepness } => Shape::Heaviside {
                total: total * factor,
                steepness,
            },
        };
        Self {
            duration: self.duration,
            shape,
        }
    }

    /// Rate at local time τ (clamped to the segment).
    #[must_use]
    pub fn rate(&self, tau: f64) -> f64 {
        let d = self.duration;
        let tau = tau.clamp(0.0, d);
        match self.shape {
            Shape::Linear { from, to } => {
                if d == 0.0 {
                    from
                } else {
                    from + (to - from) * (tau / d)
                }
            }
            Shape::Sine {
                mean,
                amplitude,
                period,
                phase,
            } => (mean + amplitude * (phase + TAU * tau / period).sin()).max(0.0),
            Shape::Heaviside { total, steepness } => {
                let z = steepness * (2.0 * tau / d - 1.0);
                2.0 * total * steepness / (d * erf(steepness) * PI.sqrt()) * (-z * z).exp()
            }
        }
    }

    /// Arrivals expected over local time [0, τ] (τ clamped to the segment).
    #[must_use]
    pub fn cumulative(&self, tau: f64) -> f64 {
        let d = self.duration;
        let tau = tau.clamp(0.0, d);
        match self.shape {
            Shape::Linear { from, to } => {
                if tau >= d {
                    // The exact trapezoid, so segment totals add without rounding drift.
                    d * (from + to) * 0.5
                } else {
                    tau * (from + (to - from) * (tau / d) * 0.5)
                }
            }
            Shape::Sine {
                mean,
                amplitude,
                period,
                phase,
            } => {
                let w = TAU / period;
                mean * tau + amplitude / w * (phase.cos() - (phase + w * tau).cos())
            }
            Shape::Heaviside { total, steepness } => {
                if tau >= d {
                    return total;
                }
                let ek = erf(steepness);
                total * (erf(steepness * (2.0 * tau / d - 1.0)) + ek) / (2.0 * ek)
            }
        }
    }

    /// Arrivals over the whole segment.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.cumulative(self.duration)
    }

    /// The earliest local time τ with `cumulative(τ) = y`, for `y` in [0, total]; clamped
    /// into [0, duration].
    #[must_use]
    pub fn inverse(&self, y: f64) -> f64 {
        self.inverse_near(y, None)
    }

    /// [`inverse`](Self::inverse), starting a numerical solve from a nearby solved
    /// `(y, τ)` pair when there is one.
    #[inline(always)]
    pub(crate) fn inverse_near(&self, y: f64, hint: Option<(f64, f64)>) -> f64 {
        let d = self.duration;
        if y <= 0.0 {
            return 0.0;
        }
        let tau = match self.shape {
            #[allow(clippy::float_cmp)] // a constant rate has exactly equal ends
            Shape::Linear { from, to } if from == to => y / from,
            Shape::Linear { from, to } => {
                // Solve slope/2 τ² + from τ − y = 0 in the form that does not cancel:
                // τ = 2y / (from + √(from² + 2 slope y)); slope = 0 gives y / from.
                let slope = (to - from) / d;
                let disc = (from * from + 2.0 * slope * y).max(0.0);
                let den = from + disc.sqrt();
                if den > 0.0 { 2.0 * y / den } else { d }
            }
            Shape::Sine { mean, .. } => {
                let guess = match hint {
                    Some((y0, t0)) if y >= y0 => {
                        let r = self.rate(t0);
                        if r > 0.0 { t0 + (y - y0) / r } else { t0 }
                    }
                    _ if mean > 0.0 => y / mean,
                    _ => 0.0,
                };
                self.newton_inverse(y, guess)
            }
            Shape::Heaviside { total, steepness } => {
                let ek = erf(steepness);
                let arg = (2.0 * ek * (y / total) - ek).clamp(-1.0, 1.0);
                d * 0.5 * (1.0 + erfinv(arg) / steepness)
            }
        };
        tau.clamp(0.0, d)
    }

    /// Newton on `cumulative(τ) = y` inside a shrinking bracket, bisecting whenever a
    /// step would leave it (the rate may touch zero at a sine's trough).
    fn newton_inverse(&self, y: f64, guess: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, self.duration);
        let mut x = guess.clamp(lo, hi);
        for _ in 0..200 {
            let f = self.cumulative(x) - y;
            if f == 0.0 {
                return x;
            }
            if f < 0.0 {
                lo = x;
            } else {
                hi = x;
            }
            let r = self.rate(x);
            let mut next = if r > 0.0 { x - f / r } else { f64::NAN };
            if !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            if (next - x).abs() <= 4.0 * f64::EPSILON * x.abs().max(1e-300) || hi - lo <= 0.0 {
                return next;
            }
            x = next;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Midpoint-rule integral of the rate: an independent check of `cumulative`.
    fn integral(seg: &Segment, tau: f64) -> f64 {
        let n = 200_000;
        let h = tau / f64::from(n);
        (0..n).map(|i| seg.rate(h * (f64::from(i) + 0.5)) * h).sum()
    }

    #[test]
    fn cumulative_is_the_integral_of_rate_and_inverse_inverts_it() {
        let segs = [
            Segment::linear(secs(10.0), 0.0, 100.0).unwrap(),
            Segment::linear(secs(5.0), 1.0, 0.0).unwrap(),
            Segment::constant(secs(3.0), 7.5).unwrap(),
            Segment::sine(secs(86_400.0), 1000.0, 1000.0, secs(86_400.0), -1.0).unwrap(),
            Segment::sine(secs(7.0), 5.0, 2.0, secs(3.0), 0.3).unwrap(),
            Segment::heaviside(secs(5.0), 100.0, 1.8).unwrap(),
        ];
        for seg in &segs {
            let d = seg.duration_secs();
            for frac in [0.0, 0.1, 0.37, 0.5, 0.9, 1.0] {
                let tau = d * frac;
                let c = seg.cumulative(tau);
                let exact = integral(seg, tau);
                assert!(
                    (c - exact).abs() <= 1e-6 * seg.total().max(1.0),
                    "{seg:?} τ={tau}: {c} vs {exact}"
                );
                if frac > 0.0 {
                    let back = seg.inverse(c);
                    assert!(
                        (back - tau).abs() <= 1e-9 * d,
                        "{seg:?} τ={tau} back {back}"
                    );
                }
            }
        }
    }

    #[test]
    fn bad_shapes_are_rejected() {
        assert!(matches!(
            Segment::sine(secs(1.0), 1.0, 2.0, secs(1.0), 0.0),
            Err(Error::NegativeRate { .. })
        ));
        assert!(Segment::linear(secs(1.0), -1.0, 0.0).is_err());
        assert!(Segment::heaviside(secs(0.0), 1.0, 1.0).is_err());
        assert!(Segment::sine(secs(1.0), 1.0, 0.5, secs(0.0), 0.0).is_err());
    }
}
