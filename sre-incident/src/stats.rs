//! Statistics that do not lie on a few dozen incidents (Davidovič, "Incident Metrics in
//! SRE", 2021): medians and geometric means with intervals, a two-sample t-test on log
//! durations, a log-normal fit, and a detectability calculator.
//!
//! Incident durations are roughly log-normal with σ ≈ 1.25 in the log: a 10 % change
//! then needs about 2,210 incidents per group to be seen at 80 % power, and 50 per group
//! see it 7 % of the time (the normal approximation of the log t-test):
//!
//! ```
//! use sre_incident::stats::{incidents_needed, power};
//! assert_eq!(incidents_needed(1.25, 0.1, 0.05, 0.8)?.ceil(), 2210.0);
//! assert!((power(1.25, 0.1, 0.05, 50)? - 0.0706).abs() < 1e-4);
//! # Ok::<(), sre_incident::Error>(())
//! ```

use crate::Error;
use crate::special::{normal_cdf, normal_quantile, t_cdf, t_quantile};

/// The most samples a statistic accepts.
pub const MAX_SAMPLES: usize = 10_000_000;

fn check_len(what: &'static str, n: usize) -> Result<(), Error> {
    if n > MAX_SAMPLES {
        return Err(Error::TooMany {
            what,
            value: n as u64,
            bound: MAX_SAMPLES as u64,
        });
    }
    Ok(())
}

fn check_values(what: &'static str, xs: &[f64]) -> Result<(), Error> {
    check_len(what, xs.len())?;
    for &x in xs {
        sre_core::Rate::named(what, x)?;
    }
    Ok(())
}

fn probability(what: &'static str, p: f64) -> Result<f64, Error> {
    if !(p > 0.0 && p < 1.0) {
        return Err(sre_core::Error::OutOfRange {
            what,
            value: p,
            expected: "the open interval (0, 1)",
        }
        .into());
    }
    Ok(p)
}

/// A summary of durations (any unit; the statistics come out in it).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// How many values.
    pub n: usize,
    /// Arithmetic mean (the "MTTx").
    pub mean: Option<f64>,
    /// Median (the mean of the two middle values for an even count).
    pub median: Option<f64>,
    /// 90th percentile, nearest rank: `x[⌈0.9 n⌉ − 1]` of the sorted values.
    pub p90: Option<f64>,
    /// Geometric mean `exp(mean ln x)`; `None` if a value is 0.
    pub geomean: Option<f64>,
    /// The 95 % interval of the geometric mean, `exp(mean_ln ± t₀.₉₇₅,ₙ₋₁ · s_ln / √n)`;
    /// `None` if `n < 2` or a value is 0.
    pub geomean_ci95: Option<(f64, f64)>,
}

/// Summarizes `values` (finite, ≥ 0; at most [`MAX_SAMPLES`]). Cost: one sort.
pub fn summarize(values: &[f64]) -> Result<Summary, Error> {
    check_values("duration", values)?;
    let n = values.len();
    if n == 0 {
        return Ok(Summary::default());
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let nf = n as f64;
    let mean = v.iter().sum::<f64>() / nf;
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    };
    let rank = (0.9 * nf).ceil().max(1.0);
    let p90 =
        v[usize::try_from(sre_core::num::f64_to_u64_saturating(rank)).map_or(n, |r| r.min(n)) - 1];
    let (geomean, ci) = if v[0] > 0.0 {
        let ln: Vec<f64> = v.iter().map(|x| x.ln()).collect();
        let m = ln.iter().sum::<f64>() / nf;
        let ci = (n >= 2).then(|| {
            let s = (ln.iter().map(|l| (l - m) * (l - m)).sum::<f64>() / (nf - 1.0)).sqrt();
            let h = t_quantile(0.975, nf - 1.0) * s / nf.sqrt();
            ((m - h).exp(), (m + h).exp())
        });
        (Some(m.exp()), ci)
    } else {
        (None, None)
    };
    Ok(Summary {
        n,
        mean: Some(mean),
        median: Some(median),
        p90: Some(p90),
        geomean,
        geomean_ci95: ci,
    })
}

/// A log-normal distribution, `ln X ~ N(mu, sigma²)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    /// Mean of `ln X` (`ln` of the median).
    pub mu: f64,
    /// Standard deviation of `ln X`.
    pub sigma: f64,
}

impl LogNormal {
    /// The log-normal with median `p50` and 95th percentile `p95` (`0 < p50 < p95`):
    /// `mu = ln p50`, `sigma = (ln p95 − mu) / Φ⁻¹(0.95)`.
    pub fn from_p50_p95(p50: f64, p95: f64) -> Result<Self, Error> {
        let p50 = sre_core::Positive::named("p50", p50)?.get();
        let p95 = sre_core::Positive::named("p95", p95)?.get();
        if p95 <= p50 {
            return Err(sre_core::Error::OutOfRange {
                what: "p95",
                value: p95,
                expected: "values above p50",
            }
            .into());
        }
        let mu = p50.ln();
        Ok(Self {
            mu,
            sigma: (p95.ln() - mu) / normal_quantile(0.95),
        })
    }

    /// The mean, `exp(mu + sigma²/2)`.
    #[must_use]
    pub fn mean(&self) -> f64 {
        (self.mu + 0.5 * self.sigma * self.sigma).exp()
    }

    /// The `q` quantile, `exp(mu + Φ⁻¹(q)·sigma)` (NaN outside (0, 1)).
    #[must_use]
    pub fn quantile(&self, q: f64) -> f64 {
        (self.mu + normal_quantile(q) * self.sigma).exp()
    }
}

/// Power of the two-sided two-sample test on log durations to see a `reduction` (0.1 =
/// 10 % shorter) with `n` incidents per group, at level `alpha`, when `ln` durations have
/// standard deviation `sigma_log` (normal approximation):
/// `Φ(δ/(σ√(2/n)) − z) + Φ(−δ/(σ√(2/n)) − z)`, `δ = |ln(1 − r)|`, `z = Φ⁻¹(1 − α/2)`.
pub fn power(sigma_log: f64, reduction: f64, alpha: f64, n: u64) -> Result<f64, Error> {
    let (s, d, z) = effect(sigma_log, reduction, alpha)?;
    if n == 0 {
        return Err(sre_core::Error::Zero {
            what: "incidents per group",
        }
        .into());
    }
    let se = s * (2.0 / n as f64).sqrt();
    Ok(normal_cdf(d / se - z) + normal_cdf(-d / se - z))
}

/// Incidents per group needed to see `reduction` at `target_power`:
/// `2 (z + Φ⁻¹(power))² σ² / ln(1 − r)²` (not rounded; take the ceiling).
pub fn incidents_needed(
    sigma_log: f64,
    reduction: f64,
    alpha: f64,
    target_power: f64,
) -> Result<f64, Error> {
    let (s, d, z) = effect(sigma_log, reduction, alpha)?;
    let zp = normal_quantile(probability("target power", target_power)?);
    Ok(2.0 * (z + zp).powi(2) * s * s / (d * d))
}

fn effect(sigma_log: f64, reduction: f64, alpha: f64) -> Result<(f64, f64, f64), Error> {
    let s = sre_core::Positive::named("sigma of ln duration", sigma_log)?.get();
    let r = probability("reduction", reduction.abs()).map(|_| reduction)?;
    let a = probability("alpha", alpha)?;
    Ok((s, (1.0 - r).ln().abs(), normal_quantile(1.0 - a / 2.0)))
}

/// The result of [`log_ttest`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogTTest {
    /// Student's t on `ln` durations, pooled variance; > 0 when "after" is shorter.
    pub t_statistic: f64,
    /// Degrees of freedom, `n₁ + n₂ − 2`.
    pub df: u64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// `p_value < alpha`.
    pub significant: bool,
    /// `mean(after) / mean(before)`: the naive MTTx comparison.
    pub mean_ratio: f64,
    /// `geomean(after) / geomean(before)`.
    pub geomean_ratio: f64,
    /// Whether the naive comparison says "improved" (`mean_ratio < 1`).
    pub naive_improved: bool,
}

/// Student's two-sample t-test with pooled variance on `ln` durations (as
/// `scipy.stats.ttest_ind(ln before, ln after, equal_var=True)`). Durations must be > 0,
/// at least 2 per group, with some spread.
pub fn log_ttest(before: &[f64], after: &[f64], alpha: f64) -> Result<LogTTest, Error> {
    check_values("duration before", before)?;
    check_values("duration after", after)?;
    let alpha = probability("alpha", alpha)?;
    for (what, xs) in [("durations before", before), ("durations after", after)] {
        if xs.len() < 2 {
            return Err(sre_core::Error::OutOfRange {
                what,
                value: xs.len() as f64,
                expected: "at least 2 incidents",
            }
            .into());
        }
        if xs.iter().any(|&x| x <= 0.0) {
            return Err(sre_core::Error::Zero { what }.into());
        }
    }
    let stats = |xs: &[f64]| {
        let n = xs.len() as f64;
        let m = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
        let ss = xs.iter().map(|x| (x.ln() - m).powi(2)).sum::<f64>();
        (n, m, ss, xs.iter().sum::<f64>() / n)
    };
    let (n1, m1, ss1, a1) = stats(before);
    let (n2, m2, ss2, a2) = stats(after);
    let df = n1 + n2 - 2.0;
    let sp = ((ss1 + ss2) / df).sqrt();
    let t = (m1 - m2) / (sp * (1.0 / n1 + 1.0 / n2).sqrt());
    let p = 2.0 * t_cdf(-t.abs(), df);
    let mean_ratio = a2 / a1;
    Ok(LogTTest {
        t_statistic: t,
        df: sre_core::num::f64_to_u64_saturating(df),
        p_value: p,
        significant: p < alpha,
        mean_ratio,
        geomean_ratio: (m2 - m1).exp(),
        naive_improved: mean_ratio < 1.0,
    })
}
