//! The steady state allocates nothing: once a policy's windows are full, `decide` and
//! `commit` reuse the state's memory. Measured with a counting global allocator.
//!
//! One test function only: the allocator counts every thread, so nothing else may run
//! in this binary at the same time.

use core::time::Duration;
use sre_core::Timestamp;
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec};
use sre_scaling::kpa::{Kpa, KpaSpec};
use sre_scaling::{
    Bounded, Bounds, Cooldown, MaxOf, Metric, Observation, PodSample, Policy, TargetTracking,
    Thresholds,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Runs `warm` steps (times from step `from` on), then counts allocations over `measured` more; the load oscillates so
/// scale events and history replacement both happen.
fn steady_allocations<P: Policy>(
    policy: &P,
    state: &mut P::State,
    pods: &mut [PodSample],
    from: u64,
    warm: u64,
    measured: u64,
) -> usize {
    let mut n = u32::try_from(pods.len()).unwrap();
    let mut run = |k: u64, state: &mut P::State, n: &mut u32| {
        let now = Timestamp::from_secs(15 * k);
        let hot = (k / 40).is_multiple_of(2);
        let usage = if hot { 700 } else { 350 };
        for p in pods.iter_mut() {
            p.usage_milli = Some(usage);
        }
        let rps = if hot { 90_000.0 } else { 40_000.0 };
        let obs = Observation::new(*n)
            .with_cpu(if hot { 70.5 } else { 29.5 })
            .with_rps(rps)
            .with_concurrency(rps / 100.0)
            .with_pods(pods);
        let d = policy.step(now, &obs, state).unwrap();
        *n = d.desired.clamp(1, 1000);
    };
    for k in from..from + warm {
        run(k, state, &mut n);
    }
    let region = Region::new(GLOBAL);
    for k in from + warm..from + warm + measured {
        run(k, state, &mut n);
    }
    let c = region.change();
    c.allocations + c.reallocations
}

/// [`steady_allocations`] three times in a row on the same state, the fewest: the
/// counter also sees the test harness's own threads (which allocate now and then on a
/// loaded machine), while a policy that allocates per step does so every time.
fn fewest_allocations<P: Policy>(
    policy: &P,
    state: &mut P::State,
    pods: &mut [PodSample],
    warm: u64,
    measured: u64,
) -> usize {
    (0..3)
        .map(|i| steady_allocations(policy, state, pods, i * (warm + measured), warm, measured))
        .min()
        .unwrap_or(0)
}

#[test]
fn steady_state_allocates_nothing() {
    // The counter is live: a Vec allocation is seen.
    let region = Region::new(GLOBAL);
    let v: Vec<u64> = Vec::with_capacity(16);
    assert!(region.change().allocations >= 1);
    drop(v);

    let mut pods = vec![PodSample::cpu(1000, 500); 100];

    let hpa = Hpa::new(HpaSpec::new(1, 1000, vec![HpaMetric::cpu_utilization(50)])).unwrap();
    let mut s = hpa.initial_state();
    assert_eq!(
        fewest_allocations(&hpa, &mut s, &mut pods, 400, 400),
        0,
        "HPA"
    );

    let legacy = Hpa::new(HpaSpec::legacy(
        1,
        1000,
        vec![HpaMetric::cpu_utilization(50)],
    ))
    .unwrap();
    let mut s = legacy.initial_state();
    assert_eq!(
        fewest_allocations(&legacy, &mut s, &mut pods, 400, 400),
        0,
        "legacy HPA"
    );

    let mut kspec = KpaSpec::new(100.0).unwrap();
    kspec.scale_down_delay = Duration::from_secs(300);
    let kpa = Kpa::new(kspec).unwrap();
    let mut s = kpa.initial_state();
    assert_eq!(
        fewest_allocations(&kpa, &mut s, &mut pods, 400, 400),
        0,
        "KPA"
    );

    let composed = Bounded::new(
        Cooldown::up_3m_down_10m(MaxOf::new(
            Thresholds::cpu_above_70_below_30(),
            TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
        )),
        Bounds::new(1, 1000).unwrap(),
    );
    let mut s = composed.initial_state();
    assert_eq!(
        fewest_allocations(&composed, &mut s, &mut pods, 100, 400),
        0,
        "composed"
    );
}
