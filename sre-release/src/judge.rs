//! [`judge`]: NetflixACAJudge-v1.0 end to end, every metric classified then scored.

use crate::classifier::{MetricConfig, MetricVerdict, classify};
use crate::error::Error;
use crate::observations::Observations;
use crate::scorer::{MAX_METRICS, Score, ScoredMetric, Thresholds, score};

/// One metric of a canary analysis: its data on both sides and how it is judged.
#[derive(Debug, Clone, Copy)]
pub struct MetricInput<'a> {
    /// The metric's name.
    pub name: &'a str,
    /// Canary observations (NaN already handled by the config's strategy; see
    /// [`apply_nan_strategy`](crate::apply_nan_strategy)).
    pub experiment: &'a Observations,
    /// Baseline observations.
    pub control: &'a Observations,
    /// The groups it is scored in.
    pub groups: &'a [&'a str],
    /// Muted metrics are classified but not scored.
    pub muted: bool,
    /// How it is classified.
    pub config: MetricConfig,
}

/// A whole canary judgement: each metric's verdict (in input order) and the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// The metric verdicts, in input order.
    pub metrics: Vec<MetricVerdict>,
    /// Group scores, summary, override and verdict.
    pub score: Score,
}

/// Judges a canary as Kayenta's NetflixACAJudge-v1.0: [`classify`] each metric, then
/// [`score`] the labels. O(Σ distinct values · rank evaluations + metrics · groups).
///
/// # Errors
///
/// [`Error`] for an invalid metric config, weight, or more than
/// [`MAX_METRICS`] metrics.
pub fn judge(
    metrics: &[MetricInput<'_>],
    group_weights: &[(&str, f64)],
    thresholds: Thresholds,
) -> Result<Judgement, Error> {
    if metrics.len() > MAX_METRICS {
        return Err(Error::TooMany {
            field: "metrics",
            count: metrics.len() as u64,
            bound: MAX_METRICS as u64,
        });
    }
    let verdicts = metrics
        .iter()
        .map(|m| classify(m.experiment, m.control, &m.config))
        .collect::<Result<Vec<_>, _>>()?;
    let scored: Vec<ScoredMetric<'_>> = metrics
        .iter()
        .zip(&verdicts)
        .map(|(m, v)| ScoredMetric {
            name: m.name,
            classification: v.classification,
            critical: v.critical,
            groups: m.groups,
            muted: m.muted,
        })
        .collect();
    let score = score(&scored, group_weights, thresholds)?;
    Ok(Judgement {
        metrics: verdicts,
        score,
    })
}
