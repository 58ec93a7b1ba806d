//! The judge's per-metric preprocessing: the NaN strategy and IQR outlier removal.

use crate::error::{Error, check_range};
use crate::observations::Observations;
use std::borrow::Cow;

/// What to do with NaN samples (Kayenta's `nanStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum NanStrategy {
    /// Drop them (the default). An empty side then means "no data".
    #[default]
    Remove,
    /// Count each as 0.0.
    Replace,
}

/// Whether to drop outliers before the test (Kayenta's `outlierStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OutlierStrategy {
    /// Keep every sample (the default).
    #[default]
    Keep,
    /// Drop samples outside the IQR fences with this factor (Kayenta's default is 3.0).
    Remove {
        /// The multiple of the interquartile range beyond the quartiles.
        factor: f64,
    },
}

/// Kayenta's IQR detector fences for one side: `Q1 − f·IQR` and `Q3 + f·IQR` with R-7
/// percentiles; with `reduce_sensitivity` (what the judge uses) widened to at least the
/// 1st and 99th percentiles. NaN fences (an empty side) drop nothing.
#[must_use]
pub fn iqr_fences(side: &Observations, factor: f64, reduce_sensitivity: bool) -> (f64, f64) {
    let q1 = side.percentile_r7(25.0);
    let q3 = side.percentile_r7(75.0);
    let iqr = q3 - q1;
    let lower = q1 - factor * iqr;
    let upper = q3 + factor * iqr;
    if reduce_sensitivity {
        (
            side.percentile_r7(1.0).min(lower),
            side.percentile_r7(99.0).max(upper),
        )
    } else {
        (lower, upper)
    }
}

/// Applies the NaN strategy to raw samples, keeping their order.
#[must_use]
pub fn apply_nan_strategy(samples: &[f64], nan: NanStrategy) -> Vec<f64> {
    match nan {
        NanStrategy::Remove => samples.iter().copied().filter(|v| !v.is_nan()).collect(),
        NanStrategy::Replace => samples
            .iter()
            .map(|&v| if v.is_nan() { 0.0 } else { v })
            .collect(),
    }
}

/// Kayenta's transform of one side's raw samples, keeping their order: the NaN step, then
/// (for [`OutlierStrategy::Remove`]) the IQR detector with `reduce_sensitivity`; a sample
/// is dropped iff it is above the upper fence or below the lower one.
///
/// ```
/// use sre_release::{NanStrategy, OutlierStrategy, preprocess};
///
/// let kept = preprocess(&[1.0, 2.0, f64::NAN, 2.0, 1.0, 1000.0], NanStrategy::Remove,
///     OutlierStrategy::Remove { factor: 3.0 }, false)?;
/// assert_eq!(kept, [1.0, 2.0, 2.0, 1.0]);
/// # Ok::<(), sre_release::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::OutOfRange`] for a negative or non-finite outlier factor;
/// [`Error::TooMany`] past [`MAX_OBSERVATIONS`](crate::MAX_OBSERVATIONS).
pub fn preprocess(
    samples: &[f64],
    nan: NanStrategy,
    outliers: OutlierStrategy,
    reduce_sensitivity: bool,
) -> Result<Vec<f64>, Error> {
    let values = apply_nan_strategy(samples, nan);
    match outliers {
        OutlierStrategy::Keep => Ok(values),
        OutlierStrategy::Remove { factor } => {
            check_factor(factor)?;
            let (lower, upper) = iqr_fences(
                &Observations::from_samples(&values)?,
                factor,
                reduce_sensitivity,
            );
            Ok(values
                .into_iter()
                .filter(|&v| !(v > upper || v < lower))
                .collect())
        }
    }
}

pub(crate) fn check_factor(factor: f64) -> Result<f64, Error> {
    check_range("outlier_factor", factor, 0.0, f64::MAX, "[0, finite]")
}

/// The outlier step on one side already in [`Observations`] form (NaN already handled).
pub(crate) fn remove_outliers(
    side: &Observations,
    outliers: OutlierStrategy,
) -> Cow<'_, Observations> {
    match outliers {
        OutlierStrategy::Keep => Cow::Borrowed(side),
        OutlierStrategy::Remove { factor } => {
            let (lower, upper) = iqr_fences(side, factor, true);
            Cow::Owned(side.retain_within(lower, upper))
        }
    }
}
