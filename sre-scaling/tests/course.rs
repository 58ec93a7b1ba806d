//! The course text's rules with its own numbers (seed document, "Autoscaling Strategies"):
//! CPU up above 70 % / down below 30 %, 1000 RPS per instance (3000 RPS on 2 → 3),
//! cooldowns of 3 minutes after a scale-up and 10 minutes before a scale-down.

use core::time::Duration;
use sre_core::{Error as CoreError, Timestamp};
use sre_scaling::{
    Bounded, Bounds, Cooldown, Error, LimitKind, Metric, Observation, Policy, Reason,
    TargetTracking, ThresholdAction, Thresholds,
};

fn t(secs: u64) -> Timestamp {
    Timestamp::from_secs(secs)
}

#[test]
fn cpu_thresholds_70_30_step() {
    let p = Thresholds::cpu_above_70_below_30();
    let cases = [
        (100.0, 5, Reason::AboveThreshold),
        (70.01, 5, Reason::AboveThreshold),
        (70.0, 4, Reason::WithinThresholds),
        (50.0, 4, Reason::WithinThresholds),
        (30.0, 4, Reason::WithinThresholds),
        (29.99, 3, Reason::BelowThreshold),
        (0.0, 3, Reason::BelowThreshold),
    ];
    for (cpu, want, reason) in cases {
        let d = p
            .decide(t(0), &Observation::new(4).with_cpu(cpu), &())
            .unwrap();
        assert_eq!((d.desired, d.reason), (want, reason), "cpu {cpu}");
        assert_eq!(d.inputs.metric, Some(Metric::Cpu));
        assert_eq!(d.inputs.value.to_bits(), cpu.to_bits());
    }
    // Never below one instance.
    let d = p
        .decide(t(0), &Observation::new(1).with_cpu(5.0), &())
        .unwrap();
    assert_eq!(d.desired, 1);
}

#[test]
fn cpu_thresholds_proportional() {
    let p = Thresholds::new(
        Metric::Cpu,
        30.0,
        70.0,
        ThresholdAction::Proportional { target: 50.0 },
    )
    .unwrap();
    // 4 instances at 90 % carry 360 %-instances; at 50 % each that is ceil(7.2) = 8.
    let up = p
        .decide(t(0), &Observation::new(4).with_cpu(90.0), &())
        .unwrap();
    assert_eq!(up.desired, 8);
    // 10 instances at 12 %: 120 / 50 = 2.4 → 3.
    let down = p
        .decide(t(0), &Observation::new(10).with_cpu(12.0), &())
        .unwrap();
    assert_eq!(down.desired, 3);
    let hold = p
        .decide(t(0), &Observation::new(10).with_cpu(69.0), &())
        .unwrap();
    assert_eq!(hold.desired, 10);
}

#[test]
fn request_target_3000_on_2_is_3() {
    let p = TargetTracking::new(Metric::Rps, 1000.0).unwrap();
    let d = p
        .decide(t(0), &Observation::new(2).with_rps(3000.0), &())
        .unwrap();
    assert_eq!((d.current, d.desired), (2, 3));
    assert_eq!(d.reason, Reason::TargetTracking);
    // One request over the line needs another instance; exactly on it does not.
    for (rps, want) in [(3001.0, 4), (2000.0, 2), (1999.0, 2), (1.0, 1), (0.0, 0)] {
        let d = p
            .decide(t(0), &Observation::new(2).with_rps(rps), &())
            .unwrap();
        assert_eq!(d.desired, want, "rps {rps}");
    }
    // A per-instance average tracks proportionally: 4 at 90 % with target 60 % → 6.
    let cpu = TargetTracking::new(Metric::Cpu, 60.0).unwrap();
    let d = cpu
        .decide(t(0), &Observation::new(4).with_cpu(90.0), &())
        .unwrap();
    assert_eq!(d.desired, 6);
}

/// Drives a always-hot or always-cold load through the course cooldowns, one decision
/// every 30 s, and checks the exact times the count changed.
#[test]
fn cooldowns_3_min_up_10_min_down() {
    let p = Cooldown::up_3m_down_10m(Thresholds::cpu_above_70_below_30());
    let mut s = p.initial_state();
    let mut n = 4;
    let mut ups = Vec::new();
    for k in 0..20 {
        let now = t(30 * k);
        let d = p
            .step(now, &Observation::new(n).with_cpu(90.0), &mut s)
            .unwrap();
        if d.desired > n {
            ups.push(now.as_secs());
        } else {
            assert!(d.limits.contains(LimitKind::Cooldown));
        }
        n = d.desired;
    }
    assert_eq!(ups, [0, 180, 360, 540]);

    // Load drops at 570 s: the first scale-down waits 10 min after the last scale-up (540 s).
    let mut downs = Vec::new();
    for k in 19..80 {
        let now = t(30 * k);
        let d = p
            .step(now, &Observation::new(n).with_cpu(10.0), &mut s)
            .unwrap();
        if d.desired < n {
            downs.push(now.as_secs());
        } else if d.recommended < n {
            let l = d.limits.iter().next().unwrap();
            assert_eq!(l.kind, LimitKind::Cooldown);
            assert_eq!(d.next_change, l.until);
        }
        n = d.desired;
    }
    assert_eq!(downs, [1140, 1740, 2340]);
}

#[test]
fn scale_down_cooldown_never_blocks_a_scale_up() {
    let p = Cooldown::up_3m_down_10m(Thresholds::cpu_above_70_below_30());
    let mut s = p.initial_state();
    // A scale-down at t=0 ...
    let d = p
        .step(t(0), &Observation::new(5).with_cpu(10.0), &mut s)
        .unwrap();
    assert_eq!(d.desired, 4);
    // ... blocks further scale-downs for 10 minutes ...
    let d = p
        .decide(t(60), &Observation::new(4).with_cpu(10.0), &s)
        .unwrap();
    assert_eq!(d.desired, 4);
    assert_eq!(d.next_change, Some(t(600)));
    // ... but not a scale-up one second later.
    let d = p
        .decide(t(1), &Observation::new(4).with_cpu(90.0), &s)
        .unwrap();
    assert_eq!(d.desired, 5);
    assert!(d.limits.is_empty());
}

#[test]
fn a_failed_rescale_starts_no_cooldown() {
    let p = Cooldown::up_3m_down_10m(Thresholds::cpu_above_70_below_30());
    let mut s = p.initial_state();
    let obs = Observation::new(4).with_cpu(90.0);
    let d = p.decide(t(0), &obs, &s).unwrap();
    p.commit(&mut s, t(0), &obs, &d, d.current); // the rescale failed
    let d = p.decide(t(30), &obs, &s).unwrap();
    assert_eq!(d.desired, 5);
}

#[test]
fn zero_cooldowns_never_hold() {
    let p = Cooldown::new(
        Thresholds::cpu_above_70_below_30(),
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut s = p.initial_state();
    let mut n = 3;
    for k in 0..5 {
        n = p
            .step(t(k), &Observation::new(n).with_cpu(99.0), &mut s)
            .unwrap()
            .desired;
    }
    assert_eq!(n, 8);
}

#[test]
fn bad_input_gets_typed_errors() {
    let tt = TargetTracking::new(Metric::Rps, 1000.0).unwrap();
    let nan = tt.decide(t(0), &Observation::new(2).with_rps(f64::NAN), &());
    assert_eq!(nan, Err(Error::Core(CoreError::NotANumber { what: "rps" })));
    let neg = tt.decide(t(0), &Observation::new(2).with_rps(-1.0), &());
    assert!(matches!(
        neg,
        Err(Error::Core(CoreError::Negative { what: "rps", .. }))
    ));
    let inf = tt.decide(t(0), &Observation::new(2).with_rps(f64::INFINITY), &());
    assert!(matches!(inf, Err(Error::Core(CoreError::Infinite { .. }))));
    let missing = tt.decide(t(0), &Observation::new(2).with_cpu(50.0), &());
    assert_eq!(missing, Err(Error::MissingMetric { what: "rps" }));
    assert!(missing.unwrap_err().to_string().contains("with_rps"));

    for bad in [0.0, -5.0] {
        assert!(matches!(
            TargetTracking::new(Metric::Rps, bad),
            Err(Error::NonPositiveTarget { .. })
        ));
    }
    assert!(matches!(
        TargetTracking::new(Metric::Rps, f64::NAN),
        Err(Error::Core(CoreError::NotANumber { .. }))
    ));
    assert_eq!(
        Bounds::new(5, 2),
        Err(Error::BoundsInverted { min: 5, max: 2 })
    );
    assert!(Bounds::new(2, 2).is_ok());
    assert!(matches!(
        Thresholds::new(
            Metric::Cpu,
            70.0,
            30.0,
            ThresholdAction::Step { up: 1, down: 1 }
        ),
        Err(Error::ThresholdsInverted { .. })
    ));
    assert!(
        Thresholds::new(
            Metric::Cpu,
            30.0,
            70.0,
            ThresholdAction::Step { up: 0, down: 1 }
        )
        .is_err()
    );
    assert!(
        Thresholds::new(
            Metric::Cpu,
            30.0,
            70.0,
            ThresholdAction::Proportional { target: 90.0 }
        )
        .is_err()
    );
}

#[test]
fn bounds_record_which_side_limited() {
    let p = Bounded::new(
        TargetTracking::new(Metric::Rps, 100.0).unwrap(),
        Bounds::new(2, 10).unwrap(),
    );
    let hi = p
        .decide(t(0), &Observation::new(5).with_rps(5000.0), &())
        .unwrap();
    assert_eq!((hi.recommended, hi.desired), (50, 10));
    assert_eq!(hi.limits.iter().next().unwrap().kind, LimitKind::MaxBound);
    let lo = p
        .decide(t(0), &Observation::new(5).with_rps(10.0), &())
        .unwrap();
    assert_eq!((lo.recommended, lo.desired), (1, 2));
    assert_eq!(lo.limits.iter().next().unwrap().kind, LimitKind::MinBound);
}
