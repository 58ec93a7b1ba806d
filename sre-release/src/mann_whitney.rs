//! The Mann-Whitney rank-sum confidence interval and shift estimate, as Kayenta computes
//! them (`kayenta-mannwhitney`), over [`Observations`].

use crate::error::Error;
use crate::normal::normal_quantile;
use crate::observations::Observations;
use crate::zeroin::zeroin;

/// Brent tolerance and iteration limit of Kayenta's solver (and R's `uniroot` call in
/// `wilcox.test`): `tol = 1e-4`, 1000 iterations.
const ROOT_TOLERANCE: f64 = 1e-4;
const ROOT_ITERATIONS: u32 = 1000;

/// The rank statistic cannot be normalised: every shifted observation ties (σ = 0).
/// Kayenta throws here and the judge reports [`Classification::Error`](crate::Classification::Error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllTied;

/// A two-sided confidence interval for the shift `experiment − control` and the
/// Hodges-Lehmann estimate of it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShiftInterval {
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
    /// The shift estimate (Kayenta's: with the continuity correction).
    pub estimate: f64,
}

/// Rank sums of `experiment − mu` within the pooled sample, with average ranks for ties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RankSums {
    /// The sum of the experiment's ranks.
    pub(crate) experiment: f64,
    /// `Σ (t³ − t)` over tie groups of size `t`.
    pub(crate) ties: f64,
}

/// Ties are exact equality, as in Kayenta's `NaturalRanking`.
///
/// Ranks `experiment − mu` together with `control` in one merge over the distinct values:
/// O(distinct values of both), never O(observations).
#[allow(clippy::float_cmp)]
pub(crate) fn rank_sums(experiment: &Observations, control: &Observations, mu: f64) -> RankSums {
    let mut xs = experiment.shifted_values(mu).peekable();
    let mut ys = control.iter().peekable();
    let mut below = 0.0; // observations ranked so far
    let mut sum_x = 0.0;
    let mut ties = 0.0;
    loop {
        let v = match (xs.peek(), ys.peek()) {
            (Some(&(x, _)), Some(&(y, _))) => x.min(y),
            (Some(&(x, _)), None) => x,
            (None, Some(&(y, _))) => y,
            (None, None) => break,
        };
        let mut cx = 0u64;
        while let Some(&(x, c)) = xs.peek() {
            if x != v {
                break;
            }
            cx += c;
            xs.next();
        }
        let mut cy = 0u64;
        while let Some(&(y, c)) = ys.peek() {
            if y != v {
                break;
            }
            cy += c;
            ys.next();
        }
        let t = (cx + cy) as f64;
        let average_rank = below + (t + 1.0) / 2.0;
        sum_x += cx as f64 * average_rank;
        ties += t.powi(3) - t;
        below += t;
    }
    RankSums {
        experiment: sum_x,
        ties,
    }
}

/// Kayenta's `wilcoxonDiff(mu, zq)`: the continuity-corrected, tie-corrected normal score
/// of the rank sum of `experiment − mu` against `control`, minus `zq`. Its roots in `mu`
/// are the confidence bounds; its root at `zq = 0` is the estimate.
///
/// `dz = Σ ranks(x − mu) − nx(nx+1)/2 − nx·ny/2`,
/// `σ = √(nx·ny/12 · ((nx+ny+1) − Σ(t³−t)/((nx+ny)(nx+ny−1))))`,
/// value `(dz − sign(dz)/2)/σ − zq`.
///
/// # Errors
///
/// [`AllTied`] when σ = 0.
pub fn wilcoxon_diff(
    experiment: &Observations,
    control: &Observations,
    mu: f64,
    zq: f64,
) -> Result<f64, AllTied> {
    let nx = experiment.len() as f64;
    let ny = control.len() as f64;
    let sums = rank_sums(experiment, control, mu);
    let dz = sums.experiment - nx * (nx + 1.0) / 2.0 - nx * ny / 2.0;
    let correction = if dz > 0.0 {
        0.5
    } else if dz < 0.0 {
        -0.5
    } else {
        0.0
    };
    let sigma =
        ((nx * ny / 12.0) * ((nx + ny + 1.0) - sums.ties / ((nx + ny) * (nx + ny - 1.0)))).sqrt();
    if sigma == 0.0 || sigma.is_nan() {
        return Err(AllTied);
    }
    Ok((dz - correction) / sigma - zq)
}

/// The asymptotic confidence interval at `confidence_level` for the shift
/// `experiment − control` and its estimate, exactly as Kayenta's `MannWhitney`: the bounds
/// are those of R's `wilcox.test(x = experiment, y = control, conf.int = TRUE,
/// exact = FALSE, correct = TRUE)`; the estimate keeps the continuity correction (R ≥ 4
/// drops it there, so with ties R's estimate differs; this follows Kayenta).
///
/// A bound is `min(experiment) − max(control)` (or `max − min`) when the score at that
/// end already passes the quantile, else the R-zeroin root (tol 10⁻⁴) on that range. With
/// heavy ties the interval may come out inverted; it is returned as is.
///
/// Cost: O(distinct values) per evaluation, a few dozen evaluations.
///
/// ```
/// use sre_release::{Observations, shift_interval};
///
/// let experiment = Observations::from_samples(&[10.0, 20.0, 30.0, 40.0])?;
/// let control = Observations::from_samples(&[1.0, 2.0, 3.0, 4.0])?;
/// let ci = shift_interval(&experiment, &control, 0.95)?.unwrap();
/// assert_eq!((ci.lower, ci.upper), (6.0, 39.0)); // Kayenta's MannWhitneySuite
/// assert!((ci.estimate - 22.5).abs() < 1e-3);
/// # Ok::<(), sre_release::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::OutOfRange`] for a confidence level outside (0, 1) or an empty side.
/// `Ok(Err(AllTied))` when the rank statistic has σ = 0 somewhere it is evaluated.
pub fn shift_interval(
    experiment: &Observations,
    control: &Observations,
    confidence_level: f64,
) -> Result<Result<ShiftInterval, AllTied>, Error> {
    check_confidence(confidence_level)?;
    for (field, side) in [("experiment", experiment), ("control", control)] {
        if side.is_empty() {
            return Err(Error::OutOfRange {
                field,
                value: 0.0,
                bound: "at least one observation",
            });
        }
    }
    Ok(interval_unchecked(experiment, control, confidence_level))
}

pub(crate) fn check_confidence(confidence_level: f64) -> Result<f64, Error> {
    if confidence_level > 0.0 && confidence_level < 1.0 {
        Ok(confidence_level)
    } else {
        Err(Error::OutOfRange {
            field: "confidence_level",
            value: confidence_level,
            bound: "(0, 1)",
        })
    }
}

/// [`shift_interval`] on non-empty sides and a valid level.
pub(crate) fn interval_unchecked(
    experiment: &Observations,
    control: &Observations,
    confidence_level: f64,
) -> Result<ShiftInterval, AllTied> {
    let (Some(x_min), Some(x_max), Some(y_min), Some(y_max)) = (
        experiment.min(),
        experiment.max(),
        control.min(),
        control.max(),
    ) else {
        return Err(AllTied);
    };
    let mu_min = x_min - y_max;
    let mu_max = x_max - y_min;
    let zq = normal_quantile((1.0 - confidence_level) / 2.0);
    let f = |zq: f64| move |mu: f64| wilcoxon_diff(experiment, control, mu, zq);
    let root = |q: f64| -> Result<f64, AllTied> {
        // Both ends are evaluated first, as Kayenta does (either may report σ = 0).
        let at_min = f(q)(mu_min)?;
        let at_max = f(q)(mu_max)?;
        if at_min <= 0.0 {
            return Ok(mu_min);
        }
        if at_max >= 0.0 {
            return Ok(mu_max);
        }
        zeroin(f(q), mu_min, mu_max, ROOT_TOLERANCE, ROOT_ITERATIONS)
    };
    let lower = root(-zq)?;
    let upper = root(zq)?;
    let estimate = zeroin(f(0.0), mu_min, mu_max, ROOT_TOLERANCE, ROOT_ITERATIONS)?;
    Ok(ShiftInterval {
        lower,
        upper,
        estimate,
    })
}
