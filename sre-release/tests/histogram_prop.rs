//! The judge over histogram snapshots gives the same answer as over the samples they
//! hold, and the O(distinct values) rank statistic equals a naive per-sample ranking.
// Ties are exact equality, as in Kayenta's ranking.
#![allow(clippy::float_cmp)]

use proptest::prelude::*;
use sre_metrics::{Histogram, HistogramConfig};
use sre_release::{
    MetricConfig, Observations, classify_samples, classify_snapshots, wilcoxon_diff,
};

/// Kayenta's `wilcoxonDiff` computed the slow way: every sample ranked individually in
/// the pooled, sorted sample, ties given their average rank.
fn naive_wilcoxon_diff(x: &[f64], y: &[f64], mu: f64, zq: f64) -> Option<f64> {
    let mut pooled: Vec<(f64, bool)> = x
        .iter()
        .map(|v| (v - mu, true))
        .chain(y.iter().map(|&v| (v, false)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (nx, ny) = (x.len() as f64, y.len() as f64);
    let (mut sum_x, mut ties, mut i) = (0.0, 0.0, 0);
    while i < pooled.len() {
        let mut j = i;
        while j < pooled.len() && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let rank = (i + 1 + j) as f64 / 2.0;
        sum_x += rank * pooled[i..j].iter().filter(|p| p.1).count() as f64;
        ties += t * t * t - t;
        i = j;
    }
    let dz = sum_x - nx * (nx + 1.0) / 2.0 - nx * ny / 2.0;
    let sigma = (nx * ny / 12.0 * ((nx + ny + 1.0) - ties / ((nx + ny) * (nx + ny - 1.0)))).sqrt();
    (sigma > 0.0).then(|| (dz - 0.5 * dz.signum() * f64::from(u8::from(dz != 0.0))) / sigma - zq)
}

fn record(values: &[u64]) -> sre_metrics::Snapshot {
    let h = Histogram::new(HistogramConfig::new(1, 1_000_000, 2).unwrap());
    for &v in values {
        h.record(v);
    }
    h.snapshot()
}

/// The samples a snapshot stands for: each bucket's middle, `count` times, in a scrambled
/// order.
fn expand(s: &sre_metrics::Snapshot, scramble: u64) -> Vec<f64> {
    let mut out: Vec<f64> = s
        .iter()
        .flat_map(|b| {
            std::iter::repeat_n(
                (b.low + ((b.high - b.low + 1) >> 1)) as f64,
                usize::try_from(b.count).unwrap(),
            )
        })
        .collect();
    let n = out.len();
    for i in 0..n {
        let j = usize::try_from((scramble.wrapping_mul(i as u64 + 1) >> 7) % n as u64).unwrap();
        out.swap(i, j);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn snapshots_judge_like_their_samples(
        canary in prop::collection::vec(1u64..5_000, 0..120),
        baseline in prop::collection::vec(1u64..5_000, 0..120),
        scale in 1u64..4,
        scramble in any::<u64>(),
    ) {
        let canary: Vec<u64> = canary.iter().map(|v| v * scale).collect();
        let (a, b) = (record(&canary), record(&baseline));
        let config = MetricConfig::default();
        let from_histograms = classify_snapshots(&a, &b, &config).unwrap();
        let from_samples = classify_samples(&expand(&a, scramble), &expand(&b, scramble), &config).unwrap();
        prop_assert_eq!(from_histograms, from_samples);
    }

    #[test]
    fn grouped_ranks_equal_naive_ranks(
        x in prop::collection::vec(0u8..20, 1..60),
        y in prop::collection::vec(0u8..20, 1..60),
        mu in -20.0f64..20.0,
        zq in -3.0f64..3.0,
    ) {
        let x: Vec<f64> = x.iter().map(|&v| f64::from(v) * 0.5).collect();
        let y: Vec<f64> = y.iter().map(|&v| f64::from(v) * 0.5).collect();
        let mu = (mu * 2.0).round() / 4.0; // shifts that create ties across the two sides
        let got = wilcoxon_diff(&Observations::from_samples(&x).unwrap(), &Observations::from_samples(&y).unwrap(), mu, zq).ok();
        let want = naive_wilcoxon_diff(&x, &y, mu, zq);
        match (got, want) {
            (Some(g), Some(w)) => prop_assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{} vs {}", g, w),
            (g, w) => prop_assert_eq!(g.is_some(), w.is_some()),
        }
    }
}
