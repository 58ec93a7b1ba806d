//! Kayenta's `MannWhitneyClassifier` with its effect sizes: one metric, baseline against
//! canary, to High / Low / Pass / Nodata / NodataFailMetric / Error.

use crate::error::{Error, check_range};
use crate::mann_whitney::{ShiftInterval, check_confidence, interval_unchecked, rank_sums};
use crate::observations::Observations;
use crate::preprocess::{NanStrategy, OutlierStrategy, check_factor, remove_outliers};
use sre_metrics::Snapshot;

/// Which change of the metric is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Direction {
    /// Only an increase fails (latency, errors).
    Increase,
    /// Only a decrease fails (throughput, success rate).
    Decrease,
    /// Either fails (the default).
    #[default]
    Either,
}

/// The effect-size measure compared with the allowed and critical bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EffectMeasure {
    /// `mean(canary) / mean(baseline)`; undefined (NaN) when either mean is 0.
    #[default]
    MeanRatio,
    /// The common-language effect size: the probability that a canary value exceeds a
    /// baseline value, ties counting half.
    Cles,
}

/// Effect-size bounds: a High needs the effect at or above `allowed_increase`, a Low at
/// or below `allowed_decrease` (an undefined effect never blocks); a critical metric's
/// High / Low is critical only past `critical_increase` / `critical_decrease`. All 1.0 by
/// default, which for the mean ratio blocks nothing in the bad direction.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EffectSize {
    /// The measure.
    pub measure: EffectMeasure,
    /// Smallest effect that may be High.
    pub allowed_increase: f64,
    /// Largest effect that may be Low.
    pub allowed_decrease: f64,
    /// Smallest effect at which a High of a critical metric is critical.
    pub critical_increase: f64,
    /// Largest effect at which a Low of a critical metric is critical.
    pub critical_decrease: f64,
}

impl Default for EffectSize {
    fn default() -> Self {
        Self {
            measure: EffectMeasure::MeanRatio,
            allowed_increase: 1.0,
            allowed_decrease: 1.0,
            critical_increase: 1.0,
            critical_decrease: 1.0,
        }
    }
}

/// How one metric is judged (Kayenta's per-metric `analysisConfigurations`). The defaults
/// are NetflixACAJudge-v1.0's: tolerance 0.25, confidence 0.98, NaN removed, outliers
/// kept, direction either, not critical, data not required.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricConfig {
    /// Which change fails.
    pub direction: Direction,
    /// NaN handling.
    pub nan_strategy: NanStrategy,
    /// Outlier handling.
    pub outlier_strategy: OutlierStrategy,
    /// A critical metric that fails fails the whole canary.
    pub critical: bool,
    /// A metric with no data fails its group (NodataFailMetric) unless critical.
    pub must_have_data: bool,
    /// The fraction of |estimate| the confidence interval must clear (0.25).
    pub tolerance: f64,
    /// The confidence level of the interval (0.98).
    pub confidence_level: f64,
    /// Effect-size bounds.
    pub effect_size: EffectSize,
}

impl Default for MetricConfig {
    fn default() -> Self {
        Self {
            direction: Direction::Either,
            nan_strategy: NanStrategy::Remove,
            outlier_strategy: OutlierStrategy::Keep,
            critical: false,
            must_have_data: false,
            tolerance: 0.25,
            confidence_level: 0.98,
            effect_size: EffectSize::default(),
        }
    }
}

impl MetricConfig {
    /// Checks every number: confidence in (0, 1), tolerance and outlier factor finite and
    /// non-negative, effect bounds finite.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] naming the first bad field.
    pub fn validate(&self) -> Result<(), Error> {
        check_confidence(self.confidence_level)?;
        check_range("tolerance", self.tolerance, 0.0, f64::MAX, "[0, finite]")?;
        if let OutlierStrategy::Remove { factor } = self.outlier_strategy {
            check_factor(factor)?;
        }
        let e = &self.effect_size;
        for (field, v) in [
            ("allowed_increase", e.allowed_increase),
            ("allowed_decrease", e.allowed_decrease),
            ("critical_increase", e.critical_increase),
            ("critical_decrease", e.critical_decrease),
        ] {
            check_range(field, v, f64::MIN, f64::MAX, "finite")?;
        }
        Ok(())
    }
}

/// A metric's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Classification {
    /// No significant change in a bad direction.
    Pass,
    /// Significantly higher in the canary.
    High,
    /// Significantly lower in the canary.
    Low,
    /// A side has no data; left out of its group's score.
    Nodata,
    /// A side has no data and the metric must have data: counts as a failure.
    NodataFailMetric,
    /// The test could not be computed (every shifted value tied); left out of scoring.
    Error,
}

/// Which branch of the classifier decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Branch {
    /// A side was empty.
    NoData,
    /// Both sides hold the same values.
    Identical,
    /// All values of both sides are one value.
    SingleValue,
    /// Each side is constant (Kayenta adds random noise here; this crate decides the
    /// noise-free limit, which is the label Kayenta gives for every noise draw).
    Noise,
    /// The Mann-Whitney interval decided.
    MannWhitney,
    /// The rank statistic had σ = 0.
    Error,
}

/// The verdict on one metric and every number behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MetricVerdict {
    /// The label.
    pub classification: Classification,
    /// Whether this result fails the canary on its own.
    pub critical: bool,
    /// `mean(canary)/mean(baseline)`: 1.0 when the test was not needed, `None` when
    /// undefined (a zero mean, or the Error branch).
    pub deviation: Option<f64>,
    /// The configured effect size, on the Mann-Whitney branch (`None` when undefined).
    pub effect_size: Option<f64>,
    /// The interval and estimate, on the Mann-Whitney branch.
    pub interval: Option<ShiftInterval>,
    /// Which branch decided.
    pub branch: Branch,
    /// Canary observations after preprocessing.
    pub n_experiment_used: u64,
    /// Baseline observations after preprocessing.
    pub n_control_used: u64,
}

/// Classifies raw samples (`experiment` = canary, `control` = baseline; NaN allowed) with
/// NetflixACAJudge-v1.0's pipeline: NaN strategy, outliers, then the classifier.
/// O(n log n) to sort, then O(distinct values) per rank evaluation.
///
/// ```
/// use sre_release::{Classification, MetricConfig, classify_samples};
///
/// let baseline: Vec<f64> = (0..50).map(|i| 100.0 + f64::from(i % 10)).collect();
/// let canary: Vec<f64> = baseline.iter().map(|v| v * 1.5).collect();
/// let v = classify_samples(&canary, &baseline, &MetricConfig::default())?;
/// assert_eq!(v.classification, Classification::High);
/// # Ok::<(), sre_release::Error>(())
/// ```
///
/// # Errors
///
/// [`Error`] for an invalid config or too many samples.
pub fn classify_samples(
    experiment: &[f64],
    control: &[f64],
    config: &MetricConfig,
) -> Result<MetricVerdict, Error> {
    let prepare = |s: &[f64]| {
        Observations::from_samples(&crate::preprocess::apply_nan_strategy(
            s,
            config.nan_strategy,
        ))
    };
    classify(&prepare(experiment)?, &prepare(control)?, config)
}

/// Classifies two histogram snapshots (canary, baseline): each bucket is `count` tied
/// values at its middle. The same answer as [`classify_samples`] on those values, in
/// O(buckets) per rank evaluation whatever the number of requests.
///
/// ```
/// use sre_metrics::{Histogram, HistogramConfig};
/// use sre_release::{Classification, MetricConfig, classify_snapshots};
///
/// let config = HistogramConfig::new(1, 60_000_000_000, 2)?;
/// let (baseline, canary) = (Histogram::new(config), Histogram::new(config));
/// for i in 0..10_000_u64 {
///     let ms = 20 + i % 50;
///     baseline.record(ms * 1_000_000);
///     canary.record((ms + 40) * 1_000_000); // 40 ms slower
/// }
/// let v = classify_snapshots(&canary.snapshot(), &baseline.snapshot(), &MetricConfig::default())?;
/// assert_eq!(v.classification, Classification::High);
/// assert_eq!(v.n_experiment_used, 10_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error`] for an invalid config.
pub fn classify_snapshots(
    experiment: &Snapshot,
    control: &Snapshot,
    config: &MetricConfig,
) -> Result<MetricVerdict, Error> {
    classify(
        &Observations::from_snapshot(experiment)?,
        &Observations::from_snapshot(control)?,
        config,
    )
}

/// Classifies two sides already in [`Observations`] form (NaN already handled: NaN
/// values never enter that form). Applies the outlier step, then the classifier.
///
/// # Errors
///
/// [`Error`] for an invalid config.
pub fn classify(
    experiment: &Observations,
    control: &Observations,
    config: &MetricConfig,
) -> Result<MetricVerdict, Error> {
    config.validate()?;
    let x = remove_outliers(experiment, config.outlier_strategy);
    let y = remove_outliers(control, config.outlier_strategy);
    Ok(classify_prepared(&x, &y, config))
}

fn classify_prepared(x: &Observations, y: &Observations, config: &MetricConfig) -> MetricVerdict {
    let mut v = MetricVerdict {
        classification: Classification::Pass,
        critical: false,
        deviation: Some(1.0),
        effect_size: None,
        interval: None,
        branch: Branch::NoData,
        n_experiment_used: x.len(),
        n_control_used: y.len(),
    };
    if x.is_empty() || y.is_empty() {
        match config.nan_strategy {
            NanStrategy::Remove if config.must_have_data && !config.critical => {
                v.classification = Classification::NodataFailMetric;
            }
            NanStrategy::Remove => {
                v.classification = Classification::Nodata;
                v.critical = config.critical;
            }
            NanStrategy::Replace => {}
        }
        return v;
    }
    if x == y {
        v.branch = Branch::Identical;
        return v;
    }
    if x.distinct() == 1 && y.distinct() == 1 && x.min() == y.min() {
        v.branch = Branch::SingleValue;
        return v;
    }
    let ratio = mean_ratio(x, y);
    if x.distinct() == 1 && y.distinct() == 1 {
        return classify_constant_sides(x, y, ratio, config, v);
    }
    v.branch = Branch::MannWhitney;
    let Ok(interval) = interval_unchecked(x, y, config.confidence_level) else {
        return error_verdict(v);
    };
    let effect = match config.effect_size.measure {
        EffectMeasure::MeanRatio => ratio,
        EffectMeasure::Cles => cles(x, y),
    };
    v.deviation = defined(ratio);
    v.effect_size = defined(effect);
    v.interval = Some(interval);
    let bound = config.tolerance * interval.estimate.abs();
    label(
        &mut v,
        interval.lower > bound,
        interval.upper < -bound,
        effect,
        config,
    );
    v
}

/// Each side constant, the two different. Kayenta adds N(0, (v·10⁻⁵)²) noise to each
/// value and runs the test: the interval then lies inside `[min x − max y, max x − min y]`,
/// a range of width O(10⁻⁵·v) around the difference `d`, so the label is that of an
/// interval and estimate equal to `d`. With one value per side the shifted values tie
/// (σ = 0, Error) whenever `x − (x − y) == y` in floating point, as for any zero side.
fn classify_constant_sides(
    x: &Observations,
    y: &Observations,
    ratio: f64,
    config: &MetricConfig,
    mut v: MetricVerdict,
) -> MetricVerdict {
    let (a, b) = (x.min().unwrap_or(0.0), y.min().unwrap_or(0.0));
    v.branch = Branch::Noise;
    // Exact: Kayenta errors exactly when the shifted values tie in IEEE arithmetic.
    #[allow(clippy::float_cmp)]
    let tie = a - (a - b) == b;
    if x.len() == 1 && y.len() == 1 && tie {
        return error_verdict(v);
    }
    let d = a - b;
    let effect = match config.effect_size.measure {
        EffectMeasure::MeanRatio => ratio,
        EffectMeasure::Cles => {
            if d > 0.0 {
                1.0
            } else {
                0.0
            }
        }
    };
    v.deviation = defined(ratio);
    let bound = config.tolerance * d.abs();
    label(&mut v, d > bound, d < -bound, effect, config);
    v
}

fn error_verdict(mut v: MetricVerdict) -> MetricVerdict {
    v.classification = Classification::Error;
    v.branch = Branch::Error;
    v.critical = false;
    v.deviation = None;
    v.effect_size = None;
    v.interval = None;
    v
}

/// The classification rule given whether the interval clears the tolerance bound above
/// (`high`) or below (`low`).
fn label(v: &mut MetricVerdict, high: bool, low: bool, effect: f64, config: &MetricConfig) {
    let e = &config.effect_size;
    let up = matches!(config.direction, Direction::Increase | Direction::Either);
    let down = matches!(config.direction, Direction::Decrease | Direction::Either);
    if up && high && (effect.is_nan() || effect >= e.allowed_increase) {
        v.classification = Classification::High;
        v.critical = config.critical && (effect.is_nan() || effect >= e.critical_increase);
    } else if down && low && (effect.is_nan() || effect <= e.allowed_decrease) {
        v.classification = Classification::Low;
        v.critical = config.critical && (effect.is_nan() || effect <= e.critical_decrease);
    } else {
        v.classification = Classification::Pass;
    }
}

fn defined(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// `mean(x)/mean(y)`, NaN when either mean is 0.
fn mean_ratio(x: &Observations, y: &Observations) -> f64 {
    let (mx, my) = (x.mean(), y.mean());
    if mx == 0.0 || my == 0.0 {
        f64::NAN
    } else {
        mx / my
    }
}

/// Common-language effect size: `(2·Σ ranks(x) − m(m+1)) / (2·n·m)` with average ranks,
/// `m` canary and `n` baseline observations.
fn cles(x: &Observations, y: &Observations) -> f64 {
    let m = x.len() as f64;
    let n = y.len() as f64;
    let sums = rank_sums(x, y, 0.0);
    (2.0 * sums.experiment - m * (m + 1.0)) / (2.0 * n * m)
}
