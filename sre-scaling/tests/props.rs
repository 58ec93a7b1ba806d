//! Property tests: bounds always hold, cooldowns are never violated, and a decision is
//! identical when replayed from serialized state.

use core::time::Duration;
use proptest::prelude::*;
use sre_core::Timestamp;
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec};
use sre_scaling::kpa::{Kpa, KpaSpec};
use sre_scaling::{
    Bounded, Bounds, Cooldown, Keda, MaxOf, Observation, PodSample, Policy, QueueDepth, Thresholds,
};

/// One control interval: seconds since the last, CPU %, RPS, queue depth, whether the
/// rescale succeeds.
#[derive(Debug, Clone, Copy)]
struct Tick {
    dt: u64,
    cpu: f64,
    rps: f64,
    queue: f64,
    ok: bool,
}

fn ticks(max: usize) -> impl Strategy<Value = Vec<Tick>> {
    prop::collection::vec(
        (
            1u64..120,
            0.0..150.0f64,
            0.0..20_000.0f64,
            prop_oneof![Just(0.0), 0.0..3000.0f64],
            prop::bool::weighted(0.9),
        )
            .prop_map(|(dt, cpu, rps, queue, ok)| Tick {
                dt,
                cpu,
                rps,
                queue,
                ok,
            }),
        1..max,
    )
}

fn pods_for(n: u32, cpu: f64) -> Vec<PodSample> {
    let usage = sre_core::f64_to_u64_saturating(cpu * 10.0);
    let usage = i64::try_from(usage).unwrap_or(i64::MAX);
    (0..n).map(|_| PodSample::cpu(1000, usage)).collect()
}

/// Runs `policy` over `ticks`, calling `check(now, before, decision)` for each decision;
/// returns the final state.
fn drive<P: Policy>(
    policy: &P,
    start: u32,
    ticks: &[Tick],
    mut check: impl FnMut(Timestamp, u32, u32, u32) -> Result<(), TestCaseError>,
) -> Result<P::State, TestCaseError> {
    let mut state = policy.initial_state();
    let mut now = Timestamp::ZERO;
    let mut n = start;
    for t in ticks {
        now = now + Duration::from_secs(t.dt);
        let pods = pods_for(n.min(200), t.cpu);
        let obs = Observation::new(n)
            .with_cpu(t.cpu)
            .with_rps(t.rps)
            .with_queue_depth(t.queue)
            .with_concurrency(t.rps / 10.0)
            .with_pods(&pods);
        let d = policy
            .decide(now, &obs, &state)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let applied = if t.ok { d.desired } else { n };
        check(now, n, d.desired, applied)?;
        policy.commit(&mut state, now, &obs, &d, applied);
        n = applied;
    }
    Ok(state)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn bounds_always_hold(ts in ticks(60), min in 0u32..5, span in 0u32..20, start in 0u32..40) {
        let max = min + span;
        let b = Bounds::new(min, max).unwrap();
        let check = |_: Timestamp, _: u32, d: u32, _: u32| {
            prop_assert!((min..=max).contains(&d), "{d} outside [{min}, {max}]");
            Ok(())
        };
        drive(&Bounded::new(Thresholds::cpu_above_70_below_30(), b), start, &ts, check)?;
        drive(&Bounded::new(Cooldown::up_3m_down_10m(QueueDepth::above_1000_down_after_5m_empty()), b), start, &ts, check)?;
        drive(&Bounded::new(Keda::new(100.0, 5.0).unwrap(), b), start, &ts, check)?;
        drive(&Bounded::new(Kpa::new(KpaSpec::new(10.0).unwrap()).unwrap(), b), start, &ts, check)?;
        // The HPA keeps its own bounds (except "scaling disabled" at zero replicas).
        let hpa = Hpa::new(HpaSpec::new(min.max(1), max.max(1), vec![HpaMetric::cpu_utilization(60)])).unwrap();
        let (lo, hi) = (min.max(1), max.max(1));
        drive(&hpa, start.max(1), &ts, |_, _, d, _| {
            prop_assert!((lo..=hi).contains(&d), "hpa {d} outside [{lo}, {hi}]");
            Ok(())
        })?;
        let legacy = Hpa::new(HpaSpec::legacy(lo, hi, vec![HpaMetric::cpu_utilization(60)])).unwrap();
        drive(&legacy, start.max(1), &ts, |_, _, d, _| {
            prop_assert!((lo..=hi).contains(&d), "legacy hpa {d} outside [{lo}, {hi}]");
            Ok(())
        })?;
    }

    #[test]
    fn cooldowns_never_violated(ts in ticks(80), up in 0u64..400, down in 0u64..900, start in 1u32..10) {
        let (up, down) = (Duration::from_secs(up), Duration::from_secs(down));
        let p = Cooldown::new(MaxOf::new(Thresholds::cpu_above_70_below_30(), QueueDepth::above_1000_down_after_5m_empty()), up, down);
        // An independent model of the rule, fed only with what was actually applied.
        let mut last_up: Option<Timestamp> = None;
        let mut last_any: Option<Timestamp> = None;
        drive(&p, start, &ts, |now, before, _, applied| {
            if applied > before {
                if let Some(t) = last_up {
                    prop_assert!(now - t >= up, "scale-up at {now} only {:?} after {t}", now - t);
                }
                last_up = Some(now);
                last_any = Some(now);
            } else if applied < before {
                if let Some(t) = last_any {
                    prop_assert!(now - t >= down, "scale-down at {now} only {:?} after {t}", now - t);
                }
                last_any = Some(now);
            }
            Ok(())
        })?;
    }

}

#[cfg(feature = "serde")]
mod replay {
    use super::*;
    use sre_scaling::predictive::{Forecaster, Predictive};
    use sre_scaling::{Metric, TargetTracking};

    fn composed() -> Bounded<Cooldown<MaxOf<Thresholds, TargetTracking>>> {
        Bounded::new(
            Cooldown::up_3m_down_10m(MaxOf::new(
                Thresholds::cpu_above_70_below_30(),
                TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
            )),
            Bounds::new(2, 15).unwrap(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn replay_from_serialized_state_is_identical(ts in ticks(60), cut in 0usize..60, start in 1u32..20) {
        let cut = cut.min(ts.len());
        replay(&composed(), start, &ts, cut)?;
        replay(&Hpa::new(HpaSpec::new(1, 50, vec![HpaMetric::cpu_utilization(60)])).unwrap(), start, &ts, cut)?;
        replay(&Hpa::new(HpaSpec::legacy(1, 50, vec![HpaMetric::cpu_utilization(60)])).unwrap(), start, &ts, cut)?;
        let mut kspec = KpaSpec::new(10.0).unwrap();
        kspec.scale_down_delay = Duration::from_secs(120);
        kspec.scale_to_zero_grace = Duration::from_secs(30);
        replay(&Kpa::new(kspec).unwrap(), start, &ts, cut)?;
        replay(&Cooldown::up_3m_down_10m(Keda::new(100.0, 5.0).unwrap()), start, &ts, cut)?;
        let pred = Predictive::new(
            TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
            Metric::Rps,
            1000.0,
            Forecaster::Holt { alpha: 0.5, beta: 0.3 },
            Duration::from_secs(300),
        ).unwrap();
        replay(&pred, start, &ts, cut)?;
        let seasonal = Predictive::new(
            TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
            Metric::Rps,
            1000.0,
            Forecaster::Seasonal { period: Duration::from_secs(600) },
            Duration::from_secs(60),
        ).unwrap();
        replay(&seasonal, start, &ts, cut)?;
    }
    }

    /// Runs `ticks[..cut]`, serializes the state to JSON, restores it, and runs the rest on
    /// both the original and the restored state: every decision must be identical.
    fn replay<P>(policy: &P, start: u32, ts: &[Tick], cut: usize) -> Result<(), TestCaseError>
    where
        P: Policy,
        P::State: serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut live = policy.initial_state();
        let mut now = Timestamp::ZERO;
        let mut n = start;
        let mut restored: Option<P::State> = None;
        let mut n_restored = start;
        for (i, t) in ts.iter().enumerate() {
            if i == cut {
                let json =
                    serde_json::to_string(&live).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back: P::State =
                    serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&back, &live);
                restored = Some(back);
                n_restored = n;
            }
            now = now + Duration::from_secs(t.dt);
            let pods = pods_for(n.min(200), t.cpu);
            let obs = Observation::new(n)
                .with_cpu(t.cpu)
                .with_rps(t.rps)
                .with_queue_depth(t.queue)
                .with_concurrency(t.rps / 10.0)
                .with_pods(&pods);
            let d = policy
                .decide(now, &obs, &live)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let applied = if t.ok { d.desired } else { n };
            if let Some(r) = restored.as_mut() {
                prop_assert_eq!(n_restored, n);
                let dr = policy
                    .decide(now, &obs, r)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&dr, &d, "decision {} after restore differs", i);
                policy.commit(r, now, &obs, &dr, applied);
                n_restored = applied;
            }
            policy.commit(&mut live, now, &obs, &d, applied);
            n = applied;
        }
        if let Some(r) = restored {
            prop_assert_eq!(&r, &live);
        }
        Ok(())
    }
}

/// Checks that each decision holds, for the same observation and state, at several
/// instants strictly before its `next_change` (or over the next day when `None`).
fn next_change_is_honest<P: Policy>(
    policy: &P,
    start: u32,
    ts: &[Tick],
) -> Result<(), TestCaseError> {
    let mut state = policy.initial_state();
    let mut now = Timestamp::ZERO;
    let mut n = start;
    for t in ts {
        now = now + Duration::from_secs(t.dt);
        let pods = pods_for(n.min(200), t.cpu);
        let obs = Observation::new(n)
            .with_cpu(t.cpu)
            .with_rps(t.rps)
            .with_queue_depth(t.queue)
            .with_concurrency(t.rps / 10.0)
            .with_pods(&pods);
        let d = policy
            .decide(now, &obs, &state)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            d.next_change.is_none_or(|nc| nc > now),
            "next_change {:?} not after {now}",
            d.next_change
        );
        let end = d.next_change.unwrap_or(now + Duration::from_secs(86_400));
        let gap = (end - now).as_nanos();
        for k in [1u128, gap / 3, gap / 2, gap * 2 / 3, gap.saturating_sub(1)] {
            if k == 0 || k >= gap {
                continue;
            }
            let at = now + Duration::from_nanos(u64::try_from(k).unwrap());
            let later = policy
                .decide(at, &obs, &state)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(
                (later.recommended, later.desired),
                (d.recommended, d.desired),
                "at {} (decided at {}, next_change {:?})",
                at,
                now,
                d.next_change
            );
        }
        let applied = if t.ok { d.desired } else { n };
        policy.commit(&mut state, now, &obs, &d, applied);
        n = applied;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn nothing_changes_before_next_change(ts in ticks(40), start in 1u32..12) {
        use sre_scaling::predictive::{Forecaster, Predictive};
        use sre_scaling::{Metric, TargetTracking};
        next_change_is_honest(&Cooldown::up_3m_down_10m(MaxOf::new(Thresholds::cpu_above_70_below_30(), QueueDepth::above_1000_down_after_5m_empty())), start, &ts)?;
        next_change_is_honest(&Hpa::new(HpaSpec::new(1, 40, vec![HpaMetric::cpu_utilization(60)])).unwrap(), start, &ts)?;
        next_change_is_honest(&Hpa::new(HpaSpec::legacy(1, 40, vec![HpaMetric::cpu_utilization(60)])).unwrap(), start, &ts)?;
        let mut k = KpaSpec::new(10.0).unwrap();
        k.scale_down_delay = Duration::from_secs(90);
        k.scale_to_zero_grace = Duration::from_secs(30);
        next_change_is_honest(&Kpa::new(k).unwrap(), start, &ts)?;
        next_change_is_honest(&Cooldown::up_3m_down_10m(Keda::new(100.0, 5.0).unwrap()), start, &ts)?;
        for f in [Forecaster::Holt { alpha: 0.5, beta: 0.3 }, Forecaster::Seasonal { period: Duration::from_secs(900) }] {
            let p = Predictive::new(TargetTracking::new(Metric::Rps, 1000.0).unwrap(), Metric::Rps, 1000.0, f, Duration::from_secs(120)).unwrap();
            next_change_is_honest(&p, start, &ts)?;
        }
    }
}
