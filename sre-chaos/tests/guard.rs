//! Signals and abort conditions against counts and latencies recorded by hand: exact
//! ratios, the burn-rate definition, HdrHistogram precision, deadlines to the tick.

use core::time::Duration;
use sre_chaos::guard::{Cause, Condition, Guard, Signals};
use sre_chaos::signals::{IntervalQuantile, burn_rate, error_ratio, rate, within_rate};
use sre_core::{Objective, Timestamp};
use sre_metrics::{Histogram, HistogramConfig, SliWindow};

fn sli() -> SliWindow {
    SliWindow::new(Duration::from_secs(6 * 3600)).unwrap()
}

#[test]
fn signals_over_a_window() {
    let s = sli();
    let t = Timestamp::from_secs(3600);
    // 5 minutes ago: 10,000 requests, 144 bad; now: 1,000 requests, none bad.
    s.record_counts(Timestamp::from_secs(3600 - 300), 9_856, 144);
    s.record_counts(t, 1_000, 0);
    let hour = Duration::from_secs(3600);
    assert_eq!(error_ratio(&s, t, hour).unwrap(), Some(144.0 / 11_000.0));
    // Burn = error ratio / (1 − objective): 144/11000 / 0.001.
    let b = burn_rate(&s, t, hour, Objective::new(0.999).unwrap())
        .unwrap()
        .unwrap();
    assert!((b - 144.0 / 11_000.0 / 0.001).abs() < 1e-9, "{b}");
    assert!((rate(&s, t, hour).unwrap() - 11_000.0 / 3600.0).abs() < 1e-12);
    // No event: no data, not healthy.
    assert_eq!(error_ratio(&sli(), t, hour).unwrap(), None);
    assert!(error_ratio(&s, t, Duration::ZERO).is_err());
    assert!(within_rate(1_100.0, 1_000.0, 0.1) && within_rate(900.0, 1_000.0, 0.1));
    assert!(!within_rate(1_100.1, 1_000.0, 0.1) && !within_rate(f64::NAN, 1_000.0, 0.1));
}

#[test]
fn quantile_over_an_interval_ignores_what_came_before() {
    let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap());
    for _ in 0..10_000 {
        h.record(5_000_000_000); // 5 s, before the interval
    }
    let mut p99 = IntervalQuantile::new(&h, 0.99, 100).unwrap();
    assert_eq!(p99.read(&h).unwrap(), None, "no value yet");
    for ms in 1..=1000_u64 {
        h.record(ms * 1_000_000);
    }
    // The 990th of 1..=1000 ms, to HdrHistogram's 3 significant digits.
    let v = p99.read(&h).unwrap().unwrap() as f64;
    assert!((v - 990e6).abs() <= 990e6 * 1e-3, "{v}");
    assert!(IntervalQuantile::new(&h, 1.5, 1).is_err());
}

#[test]
fn first_holding_condition_stops_the_guard_and_trips_the_switch() {
    let s = sli();
    let start = Timestamp::from_secs(600);
    let mut g = Guard::new(
        start,
        vec![
            Condition::ErrorRatioAbove {
                window: Duration::from_secs(60),
                threshold: 0.05,
            },
            Condition::BurnRateAbove {
                window: Duration::from_secs(60),
                objective: Objective::new(0.999).unwrap(),
                burn: 14.4,
            },
        ],
    )
    .unwrap();
    let switch = g.kill_switch();
    // 2 % errors: burn 20 > 14.4 trips the second condition, not the first.
    let t = start.saturating_add(Duration::from_secs(1));
    s.record_counts(t, 980, 20);
    let abort = g
        .tick(
            t,
            Signals {
                sli: &s,
                latency: None,
            },
        )
        .unwrap()
        .clone();
    assert_eq!(abort.at, t);
    match abort.cause {
        Cause::Threshold {
            index,
            signal,
            observed,
            limit,
        } => {
            assert_eq!((index, signal), (1, "burn_rate"));
            assert!((observed - 20.0).abs() < 1e-9 && (limit - 14.4).abs() < 1e-12);
        }
        other => panic!("{other:?}"),
    }
    assert!(switch.is_tripped());
    // Stopped stays stopped, with the first reason.
    s.record_counts(t, 0, 1_000);
    assert_eq!(
        g.tick(
            t.saturating_add(Duration::from_secs(1)),
            Signals {
                sli: &s,
                latency: None
            }
        )
        .unwrap(),
        &abort
    );
}

#[test]
fn deadline_fires_at_its_tick_unless_satisfied() {
    let s = sli();
    let start = Timestamp::from_secs(100);
    let conditions = vec![Condition::Deadline {
        name: "failover".into(),
        within: Duration::from_secs(60),
    }];
    let sig = Signals {
        sli: &s,
        latency: None,
    };

    let mut g = Guard::new(start, conditions.clone()).unwrap();
    assert!(g.tick(Timestamp::from_secs(159), sig).is_none());
    let a = g.tick(Timestamp::from_secs(160), sig).unwrap();
    assert!(matches!(&a.cause, Cause::Deadline { name, .. } if name == "failover"));

    let mut g = Guard::new(start, conditions).unwrap();
    assert!(g.satisfy("failover") && !g.satisfy("nothing"));
    assert!(g.tick(Timestamp::from_secs(1_000), sig).is_none());
}

#[test]
fn manual_abort_and_latency_and_rate() {
    let s = sli();
    let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap());
    let start = Timestamp::from_secs(60);
    let sig = Signals {
        sli: &s,
        latency: Some(&h),
    };

    let mut g = Guard::new(start, vec![]).unwrap();
    g.kill_switch().trip();
    assert_eq!(g.tick(start, sig).unwrap().cause, Cause::Manual);

    // P99 < 200 ms: the first tick sets the baseline, the next reads the interval.
    let mut g = Guard::new(
        start,
        vec![Condition::QuantileAbove {
            q: 0.99,
            limit: 200_000_000,
            min_count: 10,
        }],
    )
    .unwrap();
    assert!(g.tick(start, sig).is_none());
    for _ in 0..100 {
        h.record(250_000_000);
    }
    assert!(matches!(
        g.tick(start, sig).unwrap().cause,
        Cause::Threshold {
            signal: "quantile",
            ..
        }
    ));

    // About 1000 orders per minute (±10 %): 800 in the last minute aborts.
    let mut g = Guard::new(
        start,
        vec![Condition::RateOutside {
            window: Duration::from_secs(60),
            expected: 1000.0 / 60.0,
            tolerance: 0.1,
        }],
    )
    .unwrap();
    s.record_counts(start, 950, 0);
    assert!(g.tick(start, sig).is_none());
    let s2 = sli();
    s2.record_counts(start, 800, 0);
    assert!(
        g.tick(
            start,
            Signals {
                sli: &s2,
                latency: None
            }
        )
        .is_some()
    );
}

#[test]
fn bad_conditions_are_typed_errors() {
    let t = Timestamp::ZERO;
    for c in [
        Condition::ErrorRatioAbove {
            window: Duration::ZERO,
            threshold: 0.1,
        },
        Condition::ErrorRatioAbove {
            window: Duration::from_secs(1),
            threshold: f64::NAN,
        },
        Condition::QuantileAbove {
            q: 2.0,
            limit: 1,
            min_count: 1,
        },
        Condition::RateOutside {
            window: Duration::from_secs(1),
            expected: -1.0,
            tolerance: 0.1,
        },
    ] {
        assert!(Guard::new(t, vec![c.clone()]).is_err(), "{c:?}");
    }
}
