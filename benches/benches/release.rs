//! `canary_judge/*`: one metric judged by the Kayenta NetflixACAJudge-v1.0 classifier,
//! 10^6 seeded log-normal latencies per side (median 50 ms, σ = 0.5; the canary 2 %
//! slower).
//!
//! - `histogram`: from two `sre_metrics` snapshots (3 significant digits): ranks over
//!   buckets, O(buckets) per rank evaluation.
//! - `samples`: from the same latencies as sorted raw samples: O(samples) per evaluation.
//!
//! `rollout_step`: one check of the course's staged rollout (four triggers and a budget
//! gate) in the steady state of a stage; allocation-free.

use core::time::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use sre_budget::{BudgetPolicy, ErrorBudget, WindowCounts};
use sre_core::Objective;
use sre_metrics::{Histogram, HistogramConfig};
use sre_release::{
    MetricConfig, Rollout, Signals, StagePlan, TriggerThresholds, classify_samples,
    classify_snapshots,
};
use std::hint::black_box;

const N: usize = 1_000_000;

/// `N` log-normal latencies in nanoseconds (Box-Muller on a seeded xoshiro stream).
fn latencies(seed: u64, scale: f64) -> Vec<u64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut unit = move || ((rng.next_u64() >> 11) as f64 + 0.5) / (1_u64 << 53) as f64;
    (0..N)
        .map(|_| {
            let z = (-2.0 * unit().ln()).sqrt() * (core::f64::consts::TAU * unit()).cos();
            let ns = 50e6 * scale * (0.5 * z).exp();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let ns = ns.round() as u64;
            ns.max(1)
        })
        .collect()
}

fn canary_judge(c: &mut Criterion) {
    let baseline = latencies(1, 1.0);
    let canary = latencies(2, 1.02);
    let config = HistogramConfig::new(1, 60_000_000_000, 3).unwrap();
    let record = |values: &[u64]| {
        let h = Histogram::new(config);
        for &v in values {
            h.record(v);
        }
        h.snapshot()
    };
    let (a, b) = (record(&canary), record(&baseline));
    let sorted = |values: &[u64]| {
        let mut s: Vec<f64> = values.iter().map(|&v| v as f64).collect();
        s.sort_unstable_by(f64::total_cmp);
        s
    };
    let (x, y) = (sorted(&canary), sorted(&baseline));
    let judge = MetricConfig::default();
    let mut g = c.benchmark_group("canary_judge");
    g.sample_size(10);
    g.bench_function("histogram", |bench| {
        bench.iter(|| classify_snapshots(black_box(&a), black_box(&b), &judge).unwrap());
    });
    g.bench_function("samples", |bench| {
        bench.iter(|| classify_samples(black_box(&x), black_box(&y), &judge).unwrap());
    });
    g.finish();
}

fn rollout_step(c: &mut Criterion) {
    let mut rollout = Rollout::new(
        StagePlan::doubling_1_5_25_50(),
        TriggerThresholds::default(),
    )
    .unwrap();
    let budget = ErrorBudget::new(
        Objective::new(0.999).unwrap(),
        Duration::from_secs(30 * 86_400),
    )
    .unwrap();
    let gate = BudgetPolicy::default().decide(&budget.status(WindowCounts {
        good: 999_900,
        total: 1_000_000,
    }));
    rollout.start(0, Some(&gate));
    let signals = Signals {
        baseline_error_rate_pct: Some(0.1),
        baseline_p99_ms: Some(180.0),
        canary_error_rate_pct: Some(0.12),
        canary_p99_ms: Some(190.0),
        canary_memory_fraction: Some(0.6),
    };
    let restarts = [100_u64, 1_900];
    c.bench_function("rollout_step", |bench| {
        bench.iter(|| {
            rollout.check(
                black_box(1_800),
                black_box(&signals),
                black_box(&restarts),
                Some(&gate),
            )
        });
    });
}

criterion_group!(benches, canary_judge, rollout_step);
criterion_main!(benches);
