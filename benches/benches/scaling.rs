//! `scaling_decide/*`: one HPA decision for 100 pods with 5 minutes of history (20
//! recommendations at the 15 s control interval, plus scale events), against a baseline
//! that only sums the pods' usage and requests (the least any utilization rule must do),
//! the replica calculator alone, the legacy (no-behavior) path, and a trivial
//! target-tracking policy.

use criterion::{Criterion, criterion_group, criterion_main};
use sre_core::Timestamp;
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec, HpaState, Tolerance};
use sre_scaling::{Metric, Observation, PodSample, Policy, TargetTracking};
use std::hint::black_box;

/// A state after 5 minutes of 15 s intervals, the load oscillating so the history and
/// event lists are full.
fn warmed(hpa: &Hpa, pods: &mut [PodSample]) -> (HpaState, Timestamp, u32) {
    let mut s = hpa.initial_state();
    let mut n = 100;
    let mut now = Timestamp::ZERO;
    for k in 0..=20u64 {
        now = Timestamp::from_secs(15 * k);
        for (i, p) in pods.iter_mut().enumerate() {
            let jitter = i64::try_from(i % 7).unwrap_or(0) * 10;
            p.usage_milli = Some(if k % 4 < 2 { 600 } else { 450 } + jitter);
        }
        let obs = Observation::new(n).with_pods(pods);
        n = hpa
            .step(now, &obs, &mut s)
            .expect("valid")
            .desired
            .clamp(1, 100);
    }
    (s, now, n)
}

fn scaling_decide(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling_decide");
    let mut pods = vec![PodSample::cpu(1000, 500); 100];

    let hpa = Hpa::new(HpaSpec::new(1, 1000, vec![HpaMetric::cpu_utilization(50)])).expect("valid");
    let (state, now, _) = warmed(&hpa, &mut pods);
    assert!(
        state.recommendations().len() >= 20,
        "{}",
        state.recommendations().len()
    );
    let later = now + core::time::Duration::from_secs(15);
    let obs = Observation::new(100).with_pods(&pods);
    g.bench_function("hpa_100_pods", |b| {
        b.iter(|| black_box(hpa.decide(black_box(later), black_box(&obs), black_box(&state))))
    });

    // The replica calculator alone (one metric's proposal): the part that scales with pods.
    let metric = HpaMetric::cpu_utilization(50);
    let tol = Tolerance::default();
    g.bench_function("hpa_replica_calc_100_pods", |b| {
        b.iter(|| black_box(metric.propose(black_box(&obs), tol)))
    });

    let legacy = Hpa::new(HpaSpec::legacy(
        1,
        1000,
        vec![HpaMetric::cpu_utilization(50)],
    ))
    .expect("valid");
    let (lstate, _, _) = warmed(&legacy, &mut pods);
    let obs = Observation::new(100).with_pods(&pods);
    g.bench_function("hpa_legacy_100_pods", |b| {
        b.iter(|| black_box(legacy.decide(black_box(later), black_box(&obs), black_box(&lstate))))
    });

    // Baseline: only the sums a utilization rule cannot avoid.
    g.bench_function("baseline_sum_100_pods", |b| {
        b.iter(|| {
            let pods = black_box(&pods);
            let (mut u, mut r) = (0i64, 0i64);
            for p in pods {
                u += p.usage_milli.unwrap_or(0);
                r += p.request_milli.unwrap_or(0);
            }
            black_box(u * 100 / r.max(1))
        })
    });

    let tt = TargetTracking::new(Metric::Rps, 1000.0).expect("valid");
    let obs = Observation::new(10).with_rps(12_345.0);
    g.bench_function("target_tracking", |b| {
        b.iter(|| black_box(tt.decide(black_box(later), black_box(&obs), &())))
    });
    g.finish();
}

criterion_group!(benches, scaling_decide);
criterion_main!(benches);
