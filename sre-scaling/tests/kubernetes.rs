//! Kubernetes HPA and Knative KPA as policies, end to end: behavior, stabilization,
//! select policies, windows and bad configuration (the reference vectors are in
//! `conformance.rs`).

use core::time::Duration;
use sre_core::{Error as CoreError, Timestamp};
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec};
use sre_scaling::kpa::{Kpa, KpaSpec};
use sre_scaling::predictive::{Forecaster, Predictive};
use sre_scaling::{
    Error, LimitKind, Metric, Observation, PodSample, Policy, Reason, TargetTracking,
};

fn t(secs: u64) -> Timestamp {
    Timestamp::from_secs(secs)
}

fn cpu_pods(n: usize, usage: i64) -> Vec<PodSample> {
    vec![PodSample::cpu(1000, usage); n]
}

#[test]
fn hpa_default_behavior_delays_scale_down_five_minutes() {
    let hpa = Hpa::new(HpaSpec::new(1, 20, vec![HpaMetric::cpu_utilization(50)])).unwrap();
    let mut s = hpa.initial_state();
    let mut n = 4;
    // Hot: 4 pods at 100 % → ratio 2 → 8; default scale-up allows max(4 + 4, 2 × 4) = 8.
    let pods = cpu_pods(4, 1000);
    let d = hpa
        .step(t(0), &Observation::new(n).with_pods(&pods), &mut s)
        .unwrap();
    assert_eq!((d.recommended, d.desired), (8, 8));
    n = d.desired;
    // Cold from 15 s: 8 pods at 10 % → ratio 0.2 → 2, but the 300 s window holds 8 ...
    let mut first_down = None;
    for k in 1..30 {
        let pods = cpu_pods(n as usize, 100);
        let d = hpa
            .step(t(15 * k), &Observation::new(n).with_pods(&pods), &mut s)
            .unwrap();
        if d.desired < n && first_down.is_none() {
            first_down = Some((15 * k, d.desired));
        }
        if d.desired == n && d.recommended < n {
            assert!(d.limits.contains(LimitKind::ScaleDownStabilization));
            assert!(d.next_change.is_some());
        }
        n = d.desired;
    }
    // ... until the 8 recorded at t = 0 leaves the window (an entry counts iff
    // t > now − 300, so not at now = 300), then straight to the highest remaining
    // recommendation (2).
    assert_eq!(first_down, Some((300, 2)));
}

#[test]
fn hpa_legacy_path_limits_scale_up_to_double_or_four() {
    let hpa = Hpa::new(HpaSpec::legacy(
        1,
        100,
        vec![HpaMetric::cpu_utilization(10)],
    ))
    .unwrap();
    let s = hpa.initial_state();
    let pods = cpu_pods(3, 1000);
    let d = hpa
        .decide(t(0), &Observation::new(3).with_pods(&pods), &s)
        .unwrap();
    // ratio 10 → 30; legacy limit max(2 × 3, 4) = 6 (the default behavior would give 7).
    assert_eq!((d.recommended, d.desired), (30, 6));
    let with_default =
        Hpa::new(HpaSpec::new(1, 100, vec![HpaMetric::cpu_utilization(10)])).unwrap();
    let d = with_default
        .decide(t(0), &Observation::new(3).with_pods(&pods), &s)
        .unwrap();
    assert_eq!(d.desired, 7);
}

#[test]
fn hpa_takes_the_max_metric_and_a_failing_metric_blocks_scale_down() {
    let spec = HpaSpec::new(
        1,
        20,
        vec![
            HpaMetric::cpu_utilization(50),
            HpaMetric::external_per_pod(Metric::Rps, 100.0),
        ],
    );
    let hpa = Hpa::new(spec).unwrap();
    let s = hpa.initial_state();
    let pods = cpu_pods(4, 300); // 30 % → ratio 0.6 → ceil(2.4) = 3
    let obs = Observation::new(4).with_pods(&pods).with_rps(700.0); // 700 / 400 → 7
    let d = hpa.decide(t(0), &obs, &s).unwrap();
    assert_eq!((d.recommended, d.inputs.metric), (7, Some(Metric::Rps)));
    // RPS missing: CPU alone would scale down; the HPA holds instead.
    let obs = Observation::new(4).with_pods(&pods);
    let d = hpa.decide(t(0), &obs, &s).unwrap();
    assert_eq!((d.desired, d.reason), (4, Reason::MetricError));
    // Every metric failing is an error, never a guess.
    let none = Observation::new(4);
    assert!(hpa.decide(t(0), &none, &s).is_err());
    // Bounds win before metrics: below min goes to min.
    let hpa2 = Hpa::new(HpaSpec::new(5, 20, vec![HpaMetric::cpu_utilization(50)])).unwrap();
    let d = hpa2.decide(t(0), &Observation::new(2), &s).unwrap();
    assert_eq!((d.desired, d.reason), (5, Reason::BelowMinReplicas));
    assert!(matches!(
        Hpa::new(HpaSpec::new(5, 2, vec![HpaMetric::cpu_utilization(50)])),
        Err(Error::BoundsInverted { min: 5, max: 2 })
    ));
    assert!(matches!(
        Hpa::new(HpaSpec::new(1, 2, vec![HpaMetric::cpu_utilization(0)])),
        Err(Error::NonPositiveTarget { .. })
    ));
    assert!(matches!(
        Hpa::new(HpaSpec::new(1, 2, vec![])),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn hpa_rejects_negative_pod_metrics() {
    let hpa = Hpa::new(HpaSpec::new(1, 20, vec![HpaMetric::cpu_utilization(50)])).unwrap();
    let pods = [PodSample::cpu(1000, -5)];
    let r = hpa.decide(
        t(0),
        &Observation::new(1).with_pods(&pods),
        &hpa.initial_state(),
    );
    assert!(
        matches!(r, Err(Error::Core(CoreError::Negative { .. }))),
        "{r:?}"
    );
}

#[test]
fn kpa_policy_averages_its_windows() {
    let mut spec = KpaSpec::new(10.0).unwrap();
    spec.max_scale_down_rate = 1000.0;
    let kpa = Kpa::new(spec).unwrap();
    let mut s = kpa.initial_state();
    // Steady 100 in flight on 10 pods: 10 pods.
    for k in 0..60 {
        let d = kpa
            .step(t(k), &Observation::new(10).with_concurrency(100.0), &mut s)
            .unwrap();
        assert_eq!(d.desired, 10, "t={k}");
    }
    // A burst to 400 at t = 60: panic window (6 s) average = (5×100 + 400) / 6 = 150,
    // ceil(15) = 15 pods is 1.5× ready: not panic; stable average (59×100 + 400)/60 = 105
    // → 11 pods.
    let d = kpa
        .decide(t(60), &Observation::new(10).with_concurrency(400.0), &s)
        .unwrap();
    assert_eq!((d.desired, d.reason), (11, Reason::TargetTracking));
    // Sustained: after 3 s the panic average (2×100 + 4×400)/6 = 300 → 30 pods = 3×: panic.
    let mut last = None;
    for k in 60..64 {
        last = Some(
            kpa.step(t(k), &Observation::new(10).with_concurrency(400.0), &mut s)
                .unwrap(),
        );
    }
    let d = last.unwrap();
    assert_eq!((d.desired, d.reason), (30, Reason::Panic));
    assert!(s.panic_since.is_some());
    // Errors are typed.
    assert!(kpa.decide(t(70), &Observation::new(10), &s).is_err());
    assert!(matches!(
        KpaSpec::new(0.0),
        Err(Error::NonPositiveTarget { .. })
    ));
    let mut bad = KpaSpec::new(1.0).unwrap();
    bad.stable_window = Duration::ZERO;
    assert!(matches!(
        Kpa::new(bad),
        Err(Error::Core(CoreError::ZeroDuration { .. }))
    ));
}

#[test]
fn kpa_scale_to_zero_grace_holds_one_pod() {
    let mut spec = KpaSpec::new(10.0).unwrap();
    spec.scale_to_zero_grace = Duration::from_secs(30);
    let kpa = Kpa::new(spec).unwrap();
    let mut s = kpa.initial_state();
    let mut zero_at = None;
    for k in 0..200 {
        let d = kpa
            .step(t(k), &Observation::new(1).with_concurrency(0.0), &mut s)
            .unwrap();
        if d.desired == 0 && zero_at.is_none() {
            zero_at = Some(k);
        }
        if d.desired == 1 {
            assert!(d.limits.contains(LimitKind::ScaleToZeroGrace));
        }
    }
    assert_eq!(zero_at, Some(30));
}

#[test]
fn hpa_select_policy_min_and_disabled() {
    use sre_scaling::hpa::behavior::limit_rate;
    use sre_scaling::hpa::{Behavior, LimitReason, RatePolicy, ScalingRules, SelectPolicy};
    let minute = Duration::from_secs(60);
    let rules = |select, policies| ScalingRules::new(Duration::ZERO, select, policies).unwrap();
    let up = |select| {
        rules(
            select,
            vec![
                RatePolicy::pods(4, minute).unwrap(),
                RatePolicy::percent(100, minute).unwrap(),
            ],
        )
    };
    let down = |select| {
        rules(
            select,
            vec![
                RatePolicy::pods(20, minute).unwrap(),
                RatePolicy::percent(1, minute).unwrap(),
            ],
        )
    };
    let b = |u, d| Behavior {
        scale_up: up(u),
        scale_down: down(d),
    };
    let now = t(1000);
    // Up from 10 towards 50: Max picks 10 × 2 = 20, Min picks 10 + 4 = 14, Disabled holds.
    let cases = [
        (SelectPolicy::Max, 20),
        (SelectPolicy::Min, 14),
        (SelectPolicy::Disabled, 10),
    ];
    for (sel, want) in cases {
        let (got, why) = limit_rate(now, 10, 50, 1, 1000, &b(sel, SelectPolicy::Max), &[], &[]);
        assert_eq!((got, why), (want, LimitReason::ScaleUpLimit), "{sel:?}");
    }
    // Down from 100 towards 2: Max allows the larger drop (100 − 20 = 80), Min the smaller
    // (int(100 × 0.99) = 99), Disabled holds at 100.
    let cases = [
        (SelectPolicy::Max, 80),
        (SelectPolicy::Min, 99),
        (SelectPolicy::Disabled, 100),
    ];
    for (sel, want) in cases {
        let (got, why) = limit_rate(now, 100, 2, 1, 1000, &b(SelectPolicy::Max, sel), &[], &[]);
        assert_eq!((got, why), (want, LimitReason::ScaleDownLimit), "{sel:?}");
    }
    // Bounds win over a looser rate: max 15 → TooManyReplicas.
    let (got, why) = limit_rate(
        now,
        10,
        50,
        1,
        15,
        &b(SelectPolicy::Max, SelectPolicy::Max),
        &[],
        &[],
    );
    assert_eq!((got, why), (15, LimitReason::TooManyReplicas));
}

#[test]
fn zero_windows_are_typed_errors() {
    use sre_scaling::hpa::RatePolicy;
    assert!(matches!(
        RatePolicy::pods(4, Duration::ZERO),
        Err(Error::Core(CoreError::ZeroDuration { .. }))
    ));
    assert!(matches!(
        RatePolicy::pods(0, Duration::from_secs(15)),
        Err(Error::Core(CoreError::OutOfRange { .. }))
    ));
    assert!(matches!(
        Predictive::new(
            TargetTracking::new(Metric::Rps, 1.0).unwrap(),
            Metric::Rps,
            1.0,
            Forecaster::Seasonal {
                period: Duration::ZERO
            },
            Duration::ZERO,
        ),
        Err(Error::Core(CoreError::ZeroDuration { .. }))
    ));
    let mut k = KpaSpec::new(1.0).unwrap();
    k.panic_window = Duration::ZERO;
    let e = Kpa::new(k).unwrap_err();
    assert!(matches!(
        e,
        Error::Core(CoreError::ZeroDuration {
            what: "panic window"
        })
    ));
    assert!(e.to_string().contains("panic window"), "{e}");
}

/// Knative derives the panic window as 1–100 % of the stable window, so a longer panic
/// window is a configuration error, not a policy.
#[test]
fn a_panic_window_longer_than_the_stable_window_is_an_error() {
    let mut k = KpaSpec::new(10.0).unwrap();
    k.panic_window = k.stable_window + Duration::from_secs(1);
    let e = Kpa::new(k).unwrap_err();
    assert!(e.to_string().contains("panic window"), "{e}");
    let mut k = KpaSpec::new(10.0).unwrap();
    k.panic_window = k.stable_window;
    assert!(Kpa::new(k).is_ok());
}
