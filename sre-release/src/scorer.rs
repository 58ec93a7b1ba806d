//! Kayenta's `WeightedSumScorer` and `ThresholdScoreClassifier`: metric labels to group
//! scores, a summary score and a Pass / Marginal / Fail verdict.

use crate::classifier::Classification;
use crate::error::{Error, check_range};

/// The most metrics or groups one judgement may hold.
pub const MAX_METRICS: usize = 100_000;

/// One metric's result as the scorer sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredMetric<'a> {
    /// The metric's name.
    pub name: &'a str,
    /// Its label.
    pub classification: Classification,
    /// Whether the result is critical.
    pub critical: bool,
    /// The groups it belongs to.
    pub groups: &'a [&'a str],
    /// A muted metric is left out of scoring entirely.
    pub muted: bool,
}

/// The score thresholds (Kayenta's `scoreThresholds`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Thresholds {
    /// Summary at or above this passes.
    pub pass: f64,
    /// Summary at or above this (and below `pass`) is marginal.
    pub marginal: f64,
}

impl Thresholds {
    /// Checks both are in [0, 100] and `marginal ≤ pass`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] naming the bad field.
    pub fn new(pass: f64, marginal: f64) -> Result<Self, Error> {
        check_range("pass_threshold", pass, 0.0, 100.0, "[0, 100]")?;
        check_range(
            "marginal_threshold",
            marginal,
            0.0,
            pass,
            "[0, pass_threshold]",
        )?;
        Ok(Self { pass, marginal })
    }

    /// The verdict for a summary score: `≥ pass` Pass, `≥ marginal` Marginal, else Fail.
    #[must_use]
    pub fn verdict(&self, summary: f64) -> Verdict {
        if summary >= self.pass {
            Verdict::Pass
        } else if summary >= self.marginal {
            Verdict::Marginal
        } else {
            Verdict::Fail
        }
    }
}

/// The canary's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Verdict {
    /// Promote.
    Pass,
    /// Neither clearly good nor bad.
    Marginal,
    /// Roll back.
    Fail,
}

/// Why the summary was forced to 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OverrideReason {
    /// A non-muted critical metric did not pass.
    CriticalMetric,
    /// Half or more of the non-muted metrics had no data.
    NodataHalf,
}

/// One group's score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupScore {
    /// The group.
    pub name: String,
    /// `100 · Pass / (Pass + High + Low + NodataFailMetric)`; 0.0 when that is 0/0.
    pub score: f64,
    /// Whether the denominator was 0 (the group then counts as 100 in the summary).
    pub no_data: bool,
}

/// The scorer's result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Score {
    /// Group scores, sorted by name.
    pub group_scores: Vec<GroupScore>,
    /// The weighted sum, rounded half-up to 2 decimals, or 0.0 after an override.
    pub summary: f64,
    /// Why the summary was forced to 0, if it was.
    pub reason: Option<OverrideReason>,
    /// The verdict on `summary`.
    pub verdict: Verdict,
}

/// Scores metric results as Kayenta's `WeightedSumScorer`: per group
/// `(Pass / (Pass + High + Low + NodataFailMetric)) · 100` (Nodata and Error left out;
/// 0/0 is no data, scored 0.0 but counted as 100); groups without a weight share
/// `100 − Σ explicit weights` equally (explicit weights of groups without metrics
/// included); the summary `Σ score · weight/100` is rounded as
/// `BigDecimal(Double.toString(x)).setScale(2, HALF_UP)`. Then the overrides: a non-muted
/// critical metric not Pass forces 0 (`CriticalMetric`), else `#Nodata / #non-muted ≥ ½`
/// forces 0 (`NodataHalf`). O(metrics · groups per metric + groups · log groups).
///
/// ```
/// use sre_release::{Classification, ScoredMetric, Thresholds, Verdict, score};
///
/// let m = |name, classification| ScoredMetric {
///     name, classification, critical: false, groups: &["latency"], muted: false,
/// };
/// let s = score(
///     &[m("p50", Classification::Pass), m("p99", Classification::High)],
///     &[],
///     Thresholds::new(95.0, 75.0)?,
/// )?;
/// assert_eq!(s.summary, 50.0);
/// assert_eq!(s.verdict, Verdict::Fail);
/// # Ok::<(), sre_release::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooMany`] past [`MAX_METRICS`] metrics or weights; [`Error::OutOfRange`] for
/// a weight that is negative or not finite, or thresholds [`Thresholds::new`] rejects; [`Error::Name`] for a group weighted twice.
pub fn score(
    metrics: &[ScoredMetric<'_>],
    group_weights: &[(&str, f64)],
    thresholds: Thresholds,
) -> Result<Score, Error> {
    for (field, n) in [
        ("metrics", metrics.len()),
        ("group_weights", group_weights.len()),
    ] {
        if n > MAX_METRICS {
            return Err(Error::TooMany {
                field,
                count: n as u64,
                bound: MAX_METRICS as u64,
            });
        }
    }
    let thresholds = Thresholds::new(thresholds.pass, thresholds.marginal)?;
    let mut weights: Vec<(&str, f64)> = Vec::with_capacity(group_weights.len());
    for &(g, w) in group_weights {
        check_range("group_weights.weight", w, 0.0, f64::MAX, "[0, finite]")?;
        if weights.iter().any(|(h, _)| *h == g) {
            return Err(Error::Name {
                field: "group_weights",
                name: g.to_owned(),
                problem: "weighted twice",
            });
        }
        weights.push((g, w));
    }
    // (name, pass, counted)
    let mut groups: Vec<(&str, u64, u64)> = Vec::new();
    let live = || metrics.iter().filter(|m| !m.muted);
    for m in live() {
        for &g in m.groups {
            let i = match groups.iter().position(|(n, _, _)| *n == g) {
                Some(i) => i,
                None => {
                    groups.push((g, 0, 0));
                    groups.len() - 1
                }
            };
            let entry = &mut groups[i];
            match m.classification {
                Classification::Pass => {
                    entry.1 += 1;
                    entry.2 += 1;
                }
                Classification::High | Classification::Low | Classification::NodataFailMetric => {
                    entry.2 += 1;
                }
                Classification::Nodata | Classification::Error => {}
            }
        }
    }
    groups.sort_by(|a, b| a.0.cmp(b.0));
    let explicit: f64 = weights.iter().map(|(_, w)| w).sum();
    let unweighted = groups
        .iter()
        .filter(|(g, _, _)| !weights.iter().any(|(h, _)| h == g))
        .count();
    let share = if unweighted == 0 {
        0.0
    } else {
        (100.0 - explicit) / unweighted as f64
    };
    let mut summary = 0.0;
    let mut group_scores = Vec::with_capacity(groups.len());
    for &(name, pass, counted) in &groups {
        let weight = weights
            .iter()
            .find(|(h, _)| *h == name)
            .map_or(share, |(_, w)| *w);
        let no_data = counted == 0;
        let s = if no_data {
            0.0
        } else {
            (pass as f64 / counted as f64) * 100.0
        };
        summary += if no_data { 100.0 } else { s } * (weight / 100.0);
        group_scores.push(GroupScore {
            name: name.to_owned(),
            score: s,
            no_data,
        });
    }
    let mut summary = round_half_up_2(summary);
    let live_count = live().count();
    let nodata = live()
        .filter(|m| m.classification == Classification::Nodata)
        .count();
    let reason = if live().any(|m| m.critical && m.classification != Classification::Pass) {
        Some(OverrideReason::CriticalMetric)
    } else if live_count > 0 && nodata as f64 / live_count as f64 >= 0.5 {
        Some(OverrideReason::NodataHalf)
    } else {
        None
    };
    if reason.is_some() {
        summary = 0.0;
    }
    Ok(Score {
        group_scores,
        summary,
        reason,
        verdict: thresholds.verdict(summary),
    })
}

/// Rounds as Java's `new BigDecimal(Double.toString(x)).setScale(2, HALF_UP)`: on the
/// shortest decimal that reads back as `x`, half away from zero, so 1.005 gives 1.01.
#[must_use]
pub fn round_half_up_2(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let text = format!("{}", x.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() <= 2 {
        return x;
    }
    let digits = frac.as_bytes();
    let Ok(int_value) = int_part.parse::<u128>() else {
        return x;
    };
    let cents = int_value * 100
        + u128::from(digits[0] - b'0') * 10
        + u128::from(digits[1] - b'0')
        + u128::from(digits[2] >= b'5');
    let rounded: f64 = format!("{}.{:02}", cents / 100, cents % 100)
        .parse()
        .unwrap_or(x);
    rounded.copysign(x)
}

/// The verdict of a multi-interval (standalone) canary analysis on its final score, as
/// Kayenta's `GenerateCanaryAnalysisResultTask`: with no thresholds it passes; at or
/// below the marginal threshold it fails; without a pass threshold it passes; below the
/// pass threshold it fails; else it passes.
#[must_use]
pub fn aggregated_did_pass(
    final_score: f64,
    marginal_threshold: Option<f64>,
    pass_threshold: Option<f64>,
) -> bool {
    if marginal_threshold.is_none() && pass_threshold.is_none() {
        return true;
    }
    if marginal_threshold.is_some_and(|m| final_score <= m) {
        return false;
    }
    match pass_threshold {
        None => true,
        Some(p) => final_score >= p,
    }
}

#[cfg(test)]
mod tests {
    use super::round_half_up_2;

    #[test]
    fn rounds_the_decimal_text_half_up() {
        for (x, want) in [
            (1.005_f64, 1.01_f64),
            (2.675, 2.68),
            (66.666_666_666_666_67, 66.67),
            (83.333_333_333_333_33, 83.33),
            (99.995, 100.0),
            (50.0, 50.0),
            (0.125, 0.13),
            (-0.125, -0.13),
        ] {
            assert_eq!(round_half_up_2(x).to_bits(), want.to_bits(), "{x}");
        }
    }
}
