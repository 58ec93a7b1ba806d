//! The Universal Scalability Law (Gunther) and Amdahl's law as its β = 0 case, with a
//! bounded least-squares fit.
//!
//! `X(N) = γ N / (1 + α (N − 1) + β N (N − 1))`: γ is the throughput of one worker, α
//! contention (the serial fraction), β coherency (crosstalk). With β > 0 throughput peaks
//! at N* = √((1 − α) / β) and then falls. Naming: α = σ, β = κ, γ = λ in the
//! `codahale/usl` convention.
//!
//! ```
//! use sre_loadgen_model::usl::Usl;
//!
//! let usl = Usl::new(0.02, 0.02, 1.0)?;
//! assert!((usl.peak_concurrency() - 7.0).abs() < 1e-12);
//! assert!((usl.throughput(7.0)? - 3.571_428_571_428_571).abs() < 1e-12);
//!
//! // Fit from measurements (N, X): bounded α, β ∈ [0, 1], γ ≥ 0.
//! let n = [1.0, 2.0, 4.0, 6.0, 8.0, 10.0];
//! let x = n.iter().map(|&n| usl.throughput(n)).collect::<Result<Vec<f64>, _>>()?;
//! let fit = Usl::fit(&n, &x)?;
//! assert!((fit.alpha() - 0.02).abs() < 1e-6 && (fit.beta() - 0.02).abs() < 1e-6);
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```

use crate::Error;
use crate::error::{non_negative, positive};

/// A USL model with fixed coefficients.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Usl {
    alpha: f64,
    beta: f64,
    gamma: f64,
}

// Deserializing runs `Usl::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Usl { alpha: f64, beta: f64, gamma: f64 } => Usl::new(alpha, beta, gamma));

impl Usl {
    /// From contention `alpha` ∈ [0, 1], coherency `beta` ≥ 0 and single-worker
    /// throughput `gamma` > 0.
    pub fn new(alpha: f64, beta: f64, gamma: f64) -> Result<Self, Error> {
        let alpha = non_negative("USL alpha (contention)", alpha)?;
        if alpha > 1.0 {
            return Err(Error::domain("USL alpha (contention)", alpha, "[0, 1]"));
        }
        Ok(Self {
            alpha,
            beta: non_negative("USL beta (coherency)", beta)?,
            gamma: positive("USL gamma (throughput of one)", gamma)?,
        })
    }

    /// Amdahl's law: serial fraction `alpha`, no coherency cost (β = 0).
    pub fn amdahl(alpha: f64, gamma: f64) -> Result<Self, Error> {
        Self::new(alpha, 0.0, gamma)
    }

    /// Contention α.
    #[must_use]
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Coherency β.
    #[must_use]
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Single-worker throughput γ.
    #[must_use]
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    fn denominator(&self, n: f64) -> f64 {
        1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0)
    }

    /// X(N) for an N already known finite and ≥ 0.
    fn x(&self, n: f64) -> f64 {
        self.gamma * n / self.denominator(n)
    }

    /// Throughput X(N), for N ≥ 0 workers (X(0) = 0).
    ///
    /// # Errors
    /// An `n` that is negative, NaN or infinite.
    pub fn throughput(&self, n: f64) -> Result<f64, Error> {
        Ok(self.x(non_negative("USL concurrency N", n)?))
    }

    /// Relative capacity C(N) = X(N) / X(1), Amdahl's "speedup" when β = 0, for N ≥ 0.
    ///
    /// # Errors
    /// An `n` that is negative, NaN or infinite.
    pub fn speedup(&self, n: f64) -> Result<f64, Error> {
        let n = non_negative("USL concurrency N", n)?;
        Ok(n / self.denominator(n))
    }

    /// Response time R(N) = N / X(N) with N ≥ 0 in the system and no think time.
    ///
    /// # Errors
    /// An `n` that is negative, NaN or infinite.
    pub fn latency(&self, n: f64) -> Result<f64, Error> {
        let n = non_negative("USL concurrency N", n)?;
        Ok(self.denominator(n) / self.gamma)
    }

    /// Where throughput peaks over N ≥ 1 workers: N* = √((1 − α) / β), or 1 when that is
    /// below one worker (α near 1: every added worker only adds contention); infinite
    /// when β = 0. (`codahale/usl`'s `MaxConcurrency` floors it.)
    #[must_use]
    pub fn peak_concurrency(&self) -> f64 {
        if self.beta == 0.0 {
            f64::INFINITY
        } else {
            ((1.0 - self.alpha) / self.beta).sqrt().max(1.0)
        }
    }

    /// X(N*), the most throughput the system reaches with at least one worker; γ/α when
    /// β = 0 (infinite when α = 0 too). Never NaN.
    #[must_use]
    pub fn peak_throughput(&self) -> f64 {
        if self.beta == 0.0 {
            self.limit_throughput()
        } else {
            self.x(self.peak_concurrency())
        }
    }

    /// 1/α: the R `usl` package's "optimal" concurrency, where contention alone would
    /// halve efficiency.
    #[must_use]
    pub fn optimal_concurrency(&self) -> f64 {
        1.0 / self.alpha
    }

    /// γ/α: the Amdahl asymptote of throughput.
    #[must_use]
    pub fn limit_throughput(&self) -> f64 {
        self.gamma / self.alpha
    }

    /// Throughput when the response time is `latency` (solving R(N) = latency for N):
    /// `codahale/usl`'s `ThroughputAtLatency`.
    pub fn throughput_at_latency(&self, latency: f64) -> Result<f64, Error> {
        let r = positive("latency", latency)?;
        let (a, b) = (self.alpha, self.beta);
        let c = 1.0 - a - self.gamma * r;
        let n = if b == 0.0 {
            -c / a
        } else {
            (-(a - b) + ((a - b) * (a - b) - 4.0 * b * c).sqrt()) / (2.0 * b)
        };
        if n.is_finite() && n >= 1.0 {
            Ok(n / r)
        } else {
            Err(Error::domain(
                "latency",
                r,
                "at least the latency of one worker, 1/gamma",
            ))
        }
    }

    /// Response time at throughput `x` under contention alone (β ignored):
    /// R = (1 − α) / (γ − α x), `codahale/usl`'s `LatencyAtThroughput`. Needs x < γ/α.
    pub fn latency_at_throughput_amdahl(&self, x: f64) -> Result<f64, Error> {
        let x = non_negative("throughput", x)?;
        let den = self.gamma - self.alpha * x;
        if den > 0.0 {
            Ok((1.0 - self.alpha) / den)
        } else {
            Err(Error::domain(
                "throughput",
                x,
                "below gamma/alpha, the Amdahl limit",
            ))
        }
    }

    /// The bounded least-squares fit of (N, X) measurements: α, β ∈ [0, 1], γ ≥ 0,
    /// minimizing Σ (X_i − X(N_i))², as the R `usl` package's default does.
    ///
    /// γ enters linearly, so for given α, β the best γ is closed-form; (α, β) are found by
    /// projected Levenberg–Marquardt from R's starting point (α = 0.01, β = 0.0001) and
    /// from a coarse grid, keeping the best, then finished by a bounded compass search
    /// (which LM needs when a bound is active). Needs 3 distinct N.
    pub fn fit(n: &[f64], x: &[f64]) -> Result<Self, Error> {
        if n.len() != x.len() {
            return Err(Error::LengthMismatch {
                what: "USL fit N and X",
                left: n.len(),
                right: x.len(),
            });
        }
        for &v in n {
            if !(v >= 1.0 && v.is_finite()) {
                return Err(Error::domain(
                    "concurrency N",
                    v,
                    "a finite number of at least 1",
                ));
            }
        }
        for &v in x {
            non_negative("throughput X", v)?;
        }
        let mut distinct: Vec<f64> = n.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.len() < 3 {
            return Err(Error::TooFewPoints {
                what: "USL fit",
                needed: 3,
                got: distinct.len(),
                distinct: "N",
            });
        }
        let fit = Fit { n, x };
        let mut best = fit.polish(0.01, 0.0001);
        for &a0 in &[0.0, 0.001, 0.01, 0.05, 0.2, 0.5] {
            for &b0 in &[0.0, 1e-6, 1e-4, 1e-3, 1e-2, 0.1] {
                let cand = fit.polish(a0, b0);
                if cand.3 < best.3 {
                    best = cand;
                }
            }
        }
        // Finish on the profiled (α, β) problem with a bounded pattern search: LM can
        // stall when a bound is active (β = 0 for Amdahl-like data) and the clamped step
        // no longer decreases the residual.
        let (alpha, beta) = fit.pattern_search(best.0, best.1);
        let (gamma, rss) = fit.profile(alpha, beta);
        let (alpha, beta, gamma) = if rss <= best.3 {
            (alpha, beta, gamma)
        } else {
            (best.0, best.1, best.2)
        };
        if gamma.is_nan() || gamma <= 0.0 {
            return Err(Error::domain(
                "fitted gamma",
                gamma,
                "above 0: the measured throughputs are all zero",
            ));
        }
        Self::new(alpha, beta, gamma)
    }
}

struct Fit<'a> {
    n: &'a [f64],
    x: &'a [f64],
}

impl Fit<'_> {
    /// The best γ ≥ 0 for (α, β), and the residual sum of squares.
    fn profile(&self, a: f64, b: f64) -> (f64, f64) {
        let f = |n: f64| n / (1.0 + a * (n - 1.0) + b * n * (n - 1.0));
        let (mut sxf, mut sff) = (0.0, 0.0);
        for (&n, &x) in self.n.iter().zip(self.x) {
            let fi = f(n);
            sxf += x * fi;
            sff += fi * fi;
        }
        let g = (sxf / sff).max(0.0);
        let rss = self
            .n
            .iter()
            .zip(self.x)
            .map(|(&n, &x)| (x - g * f(n)).powi(2))
            .sum();
        (g, rss)
    }

    /// Compass search on the profiled residual from (a, b), steps halving down to the
    /// last bits, every trial clamped into the bounds.
    fn pattern_search(&self, a: f64, b: f64) -> (f64, f64) {
        let (mut a, mut b) = (a, b);
        let mut best = self.profile(a, b).1;
        let (mut da, mut db) = (a.max(1e-4) * 0.1, b.max(1e-7) * 0.1);
        while da > a.max(1e-12) * 1e-14 || db > b.max(1e-15) * 1e-14 {
            let mut moved = false;
            for (sa, sb) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
                let (ta, tb) = ((a + sa * da).clamp(0.0, 1.0), (b + sb * db).clamp(0.0, 1.0));
                let r = self.profile(ta, tb).1;
                if r < best {
                    (best, a, b, moved) = (r, ta, tb, true);
                }
            }
            if !moved {
                da *= 0.5;
                db *= 0.5;
            }
        }
        (a, b)
    }

    /// Projected Levenberg–Marquardt on the full (α, β, γ) problem from (a0, b0), with
    /// Marquardt's diagonal scaling (β is four orders of magnitude below α in practice).
    fn polish(&self, a0: f64, b0: f64) -> (f64, f64, f64, f64) {
        let clamp = |p: [f64; 3]| [p[0].clamp(0.0, 1.0), p[1].clamp(0.0, 1.0), p[2].max(0.0)];
        let rss = |p: [f64; 3]| -> f64 {
            self.n
                .iter()
                .zip(self.x)
                .map(|(&n, &x)| {
                    let d = 1.0 + p[0] * (n - 1.0) + p[1] * n * (n - 1.0);
                    (x - p[2] * n / d).powi(2)
                })
                .sum()
        };
        let mut p = [a0, b0, self.profile(a0, b0).0];
        let mut cost = rss(p);
        let mut lambda = 1e-3;
        for _ in 0..500 {
            // Normal equations JᵀJ δ = Jᵀr for r = x − model.
            let mut jtj = [[0.0; 3]; 3];
            let mut jtr = [0.0; 3];
            for (&n, &x) in self.n.iter().zip(self.x) {
                let d = 1.0 + p[0] * (n - 1.0) + p[1] * n * (n - 1.0);
                let model = p[2] * n / d;
                let r = x - model;
                let j = [-model * (n - 1.0) / d, -model * n * (n - 1.0) / d, n / d];
                for a in 0..3 {
                    jtr[a] += j[a] * r;
                    for b in 0..3 {
                        jtj[a][b] += j[a] * j[b];
                    }
                }
            }
            let mut improved = false;
            for _ in 0..30 {
                let mut m = jtj;
                for (a, row) in m.iter_mut().enumerate() {
                    row[a] += lambda * jtj[a][a].max(1e-300);
                }
                let Some(delta) = solve3(m, jtr) else {
                    lambda *= 10.0;
                    continue;
                };
                let cand = clamp([p[0] + delta[0], p[1] + delta[1], p[2] + delta[2]]);
                let c = rss(cand);
                if c < cost {
                    let rel = (cost - c) / cost.max(1e-300);
                    p = cand;
                    cost = c;
                    lambda = (lambda / 10.0).max(1e-12);
                    improved = rel > 1e-15;
                    break;
                }
                lambda *= 10.0;
            }
            if !improved {
                break;
            }
        }
        (p[0], p[1], p[2], cost)
    }
}

/// Solves a 3×3 system by Gaussian elimination with partial pivoting.
fn solve3(mut m: [[f64; 3]; 3], mut v: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let piv = (col..3).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[piv][col].abs() < 1e-300 {
            return None;
        }
        m.swap(col, piv);
        v.swap(col, piv);
        for row in col + 1..3 {
            let f = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (x, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            v[row] -= f * v[col];
        }
    }
    let mut out = [0.0; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| m[row][k] * out[k]).sum();
        out[row] = (v[row] - s) / m[row][row];
    }
    out.iter().all(|x| x.is_finite()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_errors_are_clear() {
        assert!(matches!(
            Usl::fit(&[1.0, 2.0, 2.0], &[1.0, 1.8, 1.8]),
            Err(Error::TooFewPoints {
                needed: 3,
                got: 2,
                ..
            })
        ));
        assert!(matches!(
            Usl::fit(&[1.0, 2.0], &[1.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(Usl::fit(&[0.5, 2.0, 3.0], &[1.0, 1.0, 1.0]).is_err());
        let msg = Usl::fit(&[1.0, 1.0], &[1.0, 1.0]).unwrap_err().to_string();
        assert!(msg.contains("at least 3") && msg.contains("N"), "{msg}");
    }

    /// A slow, independent minimizer: a log-spaced grid over (α, β) with γ profiled,
    /// then pattern search with shrinking steps inside the bounds.
    fn brute_force_rss(n: &[f64], x: &[f64]) -> f64 {
        let fit = Fit { n, x };
        let mut grid = vec![0.0];
        grid.extend((0..60).map(|i| 1e-7 * 10f64.powf(f64::from(i) / 10.0)));
        let (mut best, mut ba, mut bb) = (f64::INFINITY, 0.0, 0.0);
        for &a in grid.iter().filter(|&&a| a <= 1.0) {
            for &b in grid.iter().filter(|&&b| b <= 1.0) {
                let (_, r) = fit.profile(a, b);
                if r < best {
                    (best, ba, bb) = (r, a, b);
                }
            }
        }
        let (mut da, mut db) = (ba.max(1e-6), bb.max(1e-9));
        while da > 1e-15 || db > 1e-18 {
            let mut moved = false;
            for (sa, sb) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
                let (a, b) = (
                    (ba + sa * da).clamp(0.0, 1.0),
                    (bb + sb * db).clamp(0.0, 1.0),
                );
                let (_, r) = fit.profile(a, b);
                if r < best {
                    (best, ba, bb, moved) = (r, a, b, true);
                }
            }
            if !moved {
                da *= 0.5;
                db *= 0.5;
            }
        }
        best
    }

    #[test]
    fn fit_is_as_good_as_a_brute_force_search() {
        let mut rng = crate::rng::Xoshiro256PlusPlus::seed_from_u64(11);
        let n = [1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 32.0, 48.0, 64.0];
        for (a, b, g) in [
            (0.05, 0.0, 10.0),
            (0.2, 0.001, 3.0),
            (0.0, 0.0005, 100.0),
            (0.01, 0.02, 1.0),
            (0.5, 0.0, 7.0),
        ] {
            let truth = Usl::new(a, b, g).unwrap();
            // ±3 % multiplicative noise.
            let x: Vec<f64> = n
                .iter()
                .map(|&n| {
                    truth.throughput(n).unwrap() * (1.0 + 0.06 * (rng.next_f64_open_closed() - 0.5))
                })
                .collect();
            let fit = Usl::fit(&n, &x).unwrap();
            let ours = Fit { n: &n, x: &x }.profile(fit.alpha(), fit.beta()).1;
            let brute = brute_force_rss(&n, &x);
            assert!(
                ours <= brute * (1.0 + 1e-6) + 1e-12,
                "({a}, {b}, {g}): ours {ours}, brute force {brute}"
            );
        }
    }

    #[test]
    fn amdahl_is_the_beta_zero_case() {
        let a = Usl::amdahl(0.05, 1.0).unwrap();
        assert!(a.peak_concurrency().is_infinite());
        assert!((a.speedup(1e12).unwrap() - 20.0).abs() < 1e-6);
        assert!((a.limit_throughput() - 20.0).abs() < 1e-12);
        // 1/(α + (1 − α)/N), the textbook form.
        for n in [1.0, 2.0, 16.0, 1000.0] {
            assert!((a.speedup(n).unwrap() - 1.0 / (0.05 + 0.95 / n)).abs() < 1e-12);
        }
    }
}
