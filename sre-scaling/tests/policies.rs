//! Behaviour of each policy against hand-derived or documented numbers.

use core::time::Duration;
use sre_core::Timestamp;
use sre_scaling::predictive::{Forecaster, Predictive};
use sre_scaling::step::{AdjustmentType, Alarm, StepAdjustment, StepScaling};
use sre_scaling::{
    Cooldown, Error, Keda, LimitKind, MaxOf, Metric, Observation, Policy, QueueDepth, Reason,
    TargetTracking, Thresholds,
};

fn t(secs: u64) -> Timestamp {
    Timestamp::from_secs(secs)
}

#[test]
fn queue_course_rule_up_above_1000_down_after_5_min_empty() {
    let p = QueueDepth::above_1000_down_after_5m_empty();
    let mut s = p.initial_state();
    let mut n = 2;
    // 1000 is not "above 1000"; 1001 is.
    n = p
        .step(t(0), &Observation::new(n).with_queue_depth(1000.0), &mut s)
        .unwrap()
        .desired;
    assert_eq!(n, 2);
    n = p
        .step(t(30), &Observation::new(n).with_queue_depth(1001.0), &mut s)
        .unwrap()
        .desired;
    assert_eq!(n, 3);
    // Non-empty but small: hold, and the empty clock does not run.
    n = p
        .step(t(60), &Observation::new(n).with_queue_depth(5.0), &mut s)
        .unwrap()
        .desired;
    assert_eq!(n, 3);
    // Empty from 90 s, with a blip at 200 s that restarts the clock.
    let mut downs = Vec::new();
    for k in 3..30 {
        let now = t(30 * k);
        let q = if now == t(210) { 1.0 } else { 0.0 };
        let d = p
            .step(now, &Observation::new(n).with_queue_depth(q), &mut s)
            .unwrap();
        if d.desired < n {
            downs.push(now.as_secs());
            assert_eq!(d.reason, Reason::QueueEmpty);
        }
        n = d.desired;
    }
    // Empty again from 240 s: the first scale-down at 240 + 300 = 540 s, then one per step.
    assert_eq!(downs, [540, 570, 600]);
    assert_eq!(n, 0);
}

#[test]
fn keda_is_ceil_queue_over_target_with_activation() {
    let p = Keda::new(50.0, 10.0).unwrap();
    let mut s = p.initial_state();
    // From zero: inactive at or below the activation threshold, else KEDA activates to 1.
    for (q, want) in [(10.0, 0), (10.5, 1), (1000.0, 1)] {
        let d = p
            .decide(t(0), &Observation::new(0).with_queue_depth(q), &s)
            .unwrap();
        assert_eq!(d.desired, want, "queue {q}");
    }
    // Active with replicas: HPA AverageValue arithmetic, tolerance 10 %:
    // 4 replicas, 210 messages: ratio 210 / 200 = 1.05, within tolerance → 4;
    // 230: ratio 1.15 → ceil(230 / 50) = 5; 120: ratio 0.6 → ceil(2.4) = 3;
    // 1000 from 1 replica → 20.
    for (n, q, want) in [(4, 210.0, 4), (4, 230.0, 5), (4, 120.0, 3), (1, 1000.0, 20)] {
        let d = p
            .decide(t(0), &Observation::new(n).with_queue_depth(q), &s)
            .unwrap();
        assert_eq!(d.desired, want, "{n} replicas, queue {q}");
    }
    // Last active at 100 s; inactive afterwards: the HPA floor of 1, then zero once more
    // than 300 s have passed (KEDA: `lastActive + cooldown` strictly before now).
    p.step(t(100), &Observation::new(4).with_queue_depth(500.0), &mut s)
        .unwrap();
    let d = p
        .decide(t(130), &Observation::new(10).with_queue_depth(2.0), &s)
        .unwrap();
    let just_after = t(400) + Duration::from_nanos(1);
    assert_eq!((d.desired, d.next_change), (1, Some(just_after)));
    let d = p
        .decide(t(400), &Observation::new(1).with_queue_depth(2.0), &s)
        .unwrap();
    assert_eq!(d.desired, 1);
    let d = p
        .decide(just_after, &Observation::new(1).with_queue_depth(2.0), &s)
        .unwrap();
    assert_eq!((d.desired, d.reason), (0, Reason::Inactive));
    // Never active (scaled outside KEDA): no cooldown to wait for.
    let d = p
        .decide(
            t(0),
            &Observation::new(3).with_queue_depth(0.0),
            &p.initial_state(),
        )
        .unwrap();
    assert_eq!(d.desired, 0);
    // With a minimum, never below it and never to zero.
    let mut floor = Keda::new(50.0, 10.0).unwrap();
    floor.min_replicas = 2;
    let d = floor
        .decide(
            t(9999),
            &Observation::new(3).with_queue_depth(0.0),
            &floor.initial_state(),
        )
        .unwrap();
    assert_eq!(d.desired, 2);
    let d = floor
        .decide(
            t(0),
            &Observation::new(0).with_queue_depth(100.0),
            &floor.initial_state(),
        )
        .unwrap();
    assert_eq!(d.desired, 2);
}

fn aws_scale_out() -> StepScaling {
    // AWS user guide shape: threshold 60, [0, 10) → 0, [10, 20) → +10 %, [20, ∞) → +30 %.
    StepScaling::new(
        Metric::Cpu,
        60.0,
        Alarm::Above,
        AdjustmentType::PercentChangeInCapacity,
        vec![
            StepAdjustment {
                lower: Some(0.0),
                upper: Some(10.0),
                adjustment: 0,
            },
            StepAdjustment {
                lower: Some(10.0),
                upper: Some(20.0),
                adjustment: 10,
            },
            StepAdjustment {
                lower: Some(20.0),
                upper: None,
                adjustment: 30,
            },
        ],
        0,
    )
    .unwrap()
}

#[test]
fn aws_step_bounds_are_relative_to_the_threshold() {
    let p = aws_scale_out();
    let cases = [
        (60.0, 10),
        (65.0, 10),
        (70.0, 11),
        (79.9, 11),
        (80.0, 13),
        (99.0, 13),
    ];
    for (cpu, want) in cases {
        let d = p
            .decide(t(0), &Observation::new(10).with_cpu(cpu), &())
            .unwrap();
        assert_eq!(d.desired, want, "cpu {cpu}");
    }
    // Below the threshold: lower bound exclusive, upper inclusive.
    let scale_in = StepScaling::new(
        Metric::Cpu,
        40.0,
        Alarm::Below,
        AdjustmentType::ChangeInCapacity,
        vec![
            StepAdjustment {
                lower: Some(-10.0),
                upper: Some(0.0),
                adjustment: -1,
            },
            StepAdjustment {
                lower: None,
                upper: Some(-10.0),
                adjustment: -3,
            },
        ],
        0,
    )
    .unwrap();
    for (cpu, want) in [(40.0, 10), (35.0, 9), (30.0, 7), (10.0, 7)] {
        let d = scale_in
            .decide(t(0), &Observation::new(10).with_cpu(cpu), &())
            .unwrap();
        assert_eq!(d.desired, want, "cpu {cpu}");
    }
}

#[test]
fn aws_percent_rounding_and_min_magnitude() {
    // AWS: 12.7 → 12, 0.67 → 1, −0.67 → −1, −6.67 → −6.
    assert_eq!(StepScaling::percent_change(127, 10, 0), 12);
    assert_eq!(StepScaling::percent_change(67, 1, 0), 1);
    assert_eq!(StepScaling::percent_change(67, -1, 0), -1);
    assert_eq!(StepScaling::percent_change(667, -1, 0), -6);
    // AWS: 25 % of 4 is 1; with MinAdjustmentMagnitude 2 it scales by 2.
    assert_eq!(StepScaling::percent_change(4, 25, 2), 2);
    assert_eq!(StepScaling::percent_change(4, -25, 2), -2);
    let p = StepScaling::new(
        Metric::Cpu,
        50.0,
        Alarm::Above,
        AdjustmentType::PercentChangeInCapacity,
        vec![StepAdjustment {
            lower: Some(0.0),
            upper: None,
            adjustment: 25,
        }],
        2,
    )
    .unwrap();
    let d = p
        .decide(t(0), &Observation::new(4).with_cpu(90.0), &())
        .unwrap();
    assert_eq!((d.recommended, d.desired), (5, 6));
    assert!(d.limits.contains(LimitKind::RatePolicy));
    let exact = StepScaling::new(
        Metric::Cpu,
        50.0,
        Alarm::Above,
        AdjustmentType::ExactCapacity,
        vec![StepAdjustment {
            lower: Some(0.0),
            upper: None,
            adjustment: 12,
        }],
        0,
    )
    .unwrap();
    assert_eq!(
        exact
            .decide(t(0), &Observation::new(4).with_cpu(51.0), &())
            .unwrap()
            .desired,
        12
    );
    assert!(matches!(
        StepScaling::new(
            Metric::Cpu,
            50.0,
            Alarm::Above,
            AdjustmentType::ExactCapacity,
            vec![],
            0
        ),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn predictive_scales_ahead_but_never_in_on_a_forecast() {
    let day = Duration::from_secs(86_400);
    let lead = Duration::from_secs(600);
    let p = Predictive::new(
        TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
        Metric::Rps,
        1000.0,
        Forecaster::Seasonal { period: day },
        lead,
    )
    .unwrap();
    let mut s = p.initial_state();
    // Day 1: every 10 minutes, a peak of 9000 RPS at 12:00, 2000 otherwise.
    let load = |secs_of_day: u64| {
        if secs_of_day == 12 * 3600 {
            9000.0
        } else {
            2000.0
        }
    };
    for k in 0..144 {
        let now = t(600 * k);
        p.step(now, &Observation::new(2).with_rps(load(600 * k)), &mut s)
            .unwrap();
    }
    // Day 2 at 11:50: reactive wants 2, yesterday's 12:00 says 9.
    let d = p
        .decide(
            t(86_400 + 11 * 3600 + 3000),
            &Observation::new(2).with_rps(2000.0),
            &s,
        )
        .unwrap();
    assert_eq!(
        (d.recommended, d.desired, d.reason),
        (2, 9, Reason::Forecast)
    );
    assert!(d.limits.contains(LimitKind::Forecast));
    // Day 2 at 12:00 with 9 instances and a quiet forecast: reactive wants 3; the
    // forecast (2) is below it and changes nothing: the scale-in is the reactive one.
    let d = p
        .decide(
            t(86_400 + 12 * 3600),
            &Observation::new(9).with_rps(2500.0),
            &s,
        )
        .unwrap();
    assert_eq!(d.desired, 3);
    assert!(!d.limits.contains(LimitKind::Forecast));
    // The forecast never lowers: reactive 9 with a forecast of 2 stays 9.
    let d = p
        .decide(
            t(86_400 + 12 * 3600),
            &Observation::new(9).with_rps(9000.0),
            &s,
        )
        .unwrap();
    assert_eq!(d.desired, 9);
    // History is bounded to one season plus the lead (plus one older anchor sample).
    assert!(s.samples.len() <= 144 + 2, "{}", s.samples.len());
}

#[test]
fn holt_follows_a_linear_trend_exactly() {
    // On x(t) = 100 + 2 t, Holt with β = 1 recovers slope and level after two samples:
    // forecast(now + 60 s) = x(now) + 120.
    let p = Predictive::new(
        TargetTracking::new(Metric::Rps, 100.0).unwrap(),
        Metric::Rps,
        100.0,
        Forecaster::Holt {
            alpha: 1.0,
            beta: 1.0,
        },
        Duration::from_secs(60),
    )
    .unwrap();
    let mut s = p.initial_state();
    for k in 0..5u32 {
        let x = 100.0 + 2.0 * f64::from(k * 10);
        p.step(
            t(u64::from(k) * 10),
            &Observation::new(1).with_rps(x),
            &mut s,
        )
        .unwrap();
    }
    let f = p.forecast(t(40), &s).unwrap();
    assert!((f - (180.0 + 120.0)).abs() < 1e-9, "{f}");
    let d = p
        .decide(t(40), &Observation::new(2).with_rps(180.0), &s)
        .unwrap();
    assert_eq!(d.desired, 3); // ceil(300 / 100)
}

#[test]
fn max_of_any_may_scale_out_all_must_agree_to_scale_in() {
    let p = MaxOf::new(
        Thresholds::cpu_above_70_below_30(),
        TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
    );
    let s = p.initial_state();
    let at = |cpu: f64, rps: f64| {
        p.decide(t(0), &Observation::new(4).with_cpu(cpu).with_rps(rps), &s)
            .unwrap()
    };
    assert_eq!(at(90.0, 1000.0).desired, 5); // CPU out, RPS in: out
    assert_eq!(at(50.0, 8000.0).desired, 8); // RPS out
    assert_eq!(at(10.0, 4000.0).desired, 4); // CPU in, RPS holds: hold
    assert_eq!(at(10.0, 2500.0).desired, 3); // both in: the smaller step in
}

/// A wrapper commits to its inner policy the inner policy's own decision; when the inner
/// policy cannot re-decide (commit called with other inputs), the wrapper's decision is
/// committed instead, so the inner cooldown still records the scale-up. `Predictive` used
/// to skip the commit, and `MaxOf` to fall back: both now share one rule.
#[test]
fn wrappers_record_the_scale_event_even_when_the_inner_policy_cannot_redecide() {
    let reactive = Cooldown::up_3m_down_10m(TargetTracking::new(Metric::Rps, 1000.0).unwrap());
    let p = Predictive::new(
        reactive,
        Metric::Rps,
        1000.0,
        Forecaster::Seasonal {
            period: Duration::from_secs(86_400),
        },
        Duration::from_secs(600),
    )
    .unwrap();
    let mut s = p.initial_state();
    let now = Timestamp::from_secs(60);
    let d = p
        .decide(now, &Observation::new(2).with_rps(5000.0), &s)
        .unwrap();
    assert_eq!(d.desired, 5);
    // The rescale happened, but the caller commits with an observation lacking RPS.
    p.commit(&mut s, now, &Observation::new(2), &d, 5);
    assert_eq!(s.reactive.last_scale_up, Some(now));

    let both = MaxOf::new(
        Cooldown::up_3m_down_10m(TargetTracking::new(Metric::Rps, 1000.0).unwrap()),
        Cooldown::up_3m_down_10m(TargetTracking::new(Metric::Cpu, 50.0).unwrap()),
    );
    let mut s = both.initial_state();
    let obs = Observation::new(2).with_rps(5000.0).with_cpu(50.0);
    let d = both.decide(now, &obs, &s).unwrap();
    both.commit(&mut s, now, &Observation::new(2), &d, d.desired);
    assert_eq!(
        (s.a.last_scale_up, s.b.last_scale_up),
        (Some(now), Some(now))
    );
}

/// Adjustments are the caller's `i64`: extreme ones saturate to the `u32` range instead of
/// overflowing `current + adjustment` (a panic in debug builds, a wrap in release).
#[test]
fn extreme_step_adjustments_saturate() {
    let obs = Observation::new(10).with_cpu(90.0);
    for (kind, adjustment, want) in [
        (AdjustmentType::ChangeInCapacity, i64::MAX, u32::MAX),
        (AdjustmentType::ChangeInCapacity, i64::MIN, 0),
        (AdjustmentType::PercentChangeInCapacity, i64::MAX, u32::MAX),
        (AdjustmentType::PercentChangeInCapacity, i64::MIN, 0),
    ] {
        let p = StepScaling::new(
            Metric::Cpu,
            70.0,
            Alarm::Above,
            kind,
            vec![StepAdjustment {
                lower: Some(0.0),
                upper: None,
                adjustment,
            }],
            0,
        )
        .unwrap();
        let d = p.decide(t(0), &obs, &()).unwrap();
        assert_eq!(d.desired, want, "{kind:?} {adjustment}");
    }
}

/// A season plus a lead past `Duration::MAX` saturates when the history is trimmed.
#[test]
fn huge_seasonal_period_and_lead_saturate() {
    let p = Predictive::new(
        TargetTracking::new(Metric::Rps, 1000.0).unwrap(),
        Metric::Rps,
        1000.0,
        Forecaster::Seasonal {
            period: Duration::MAX,
        },
        Duration::MAX,
    )
    .unwrap();
    let mut s = p.initial_state();
    for k in 1..4 {
        p.step(t(60 * k), &Observation::new(2).with_rps(3000.0), &mut s)
            .unwrap();
    }
    assert_eq!(s.samples.len(), 3);
}
