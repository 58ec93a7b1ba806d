//! A scaling scenario worked out by hand, run through the simulator: the actions must
//! come at exactly the expected times with exactly the expected counts.
//!
//! Setup: fixed 100 ms service, no queue (`max_queue = 0`: a request finding every server
//! busy is dropped, so no backlog blurs the arithmetic), deterministic arrivals
//! (`sre-loadgen-model`, k6-style LEFT alignment) at 50 RPS for 10 min, 160 RPS for
//! 20 min, 50 RPS for 10 min. 10 servers, 2-minute warm-up; target tracking on CPU at
//! 55 % with the course's cooldowns (3 min after a scale-up, 10 min before a scale-down),
//! deciding every minute. A server serves 10 RPS; 100 ms is 5 arrival gaps at 50 RPS and
//! exactly 16 at 160 RPS, so a freed server meets the next arrival at the same instant.
//!
//! | at | CPU over the last minute | target tracking `ceil(current × cpu / 55)` | limit | action |
//! |---|---|---|---|---|
//! | 1–10 min | 5 busy / 10 = 50 % | ceil(9.09) = 10 | | none |
//! | 11:00 | 10 busy / 10 ≈ 100 % | ceil(18.2) = 19 | | **10 → 19** (ready 13:00) |
//! | 12:00, 13:00 | 100 % (10 ready) | ceil(19 × 100 / 55) = 35 | up cooldown to 14:00 | none |
//! | 14:00 | 16 busy / 19 ready = 84.2 % | ceil(29.1) = 30 | | **19 → 30** (ready 16:00) |
//! | 15:00–16:00 | 84.2 % | 46 | up cooldown to 17:00 | none |
//! | 17:00–30:00 | 16 / 30 = 53.3 % | ceil(29.1) = 30 | | none |
//! | 31:00 | 5 / 30 = 16.7 % | ceil(9.1) = 10 | down cooldown ended 24:00 | **30 → 10** |
//! | 32:00–40:00 | 5 / 10 = 50 % | 10 | | none |
//!
//! Instance-minutes: 10·11 + 19·3 + 30·17 + 10·9 = 767.

use core::time::Duration;
use sre_core::Timestamp;
use sre_loadgen_model::{Alignment, Deterministic, RateProfile};
use sre_sim::scenario::{Autoscaler, AutoscalerPolicy, Span};
use sre_sim::{Report, Scenario, ServiceTime, Simulation};

fn min(m: u64) -> Duration {
    Duration::from_secs(60 * m)
}

/// The setup in the module docs, scaled by `autoscaler`: the report, and its scaling
/// actions as `(at seconds, from, to)`.
fn run_by_hand(name: &str, autoscaler: Autoscaler) -> (Report, Vec<(f64, u64, u64)>) {
    let service = ServiceTime::fixed(Duration::from_millis(100)).unwrap();
    let mut s = Scenario::fixed_pool(name, 50.0, service, 10, min(40));
    s.servers.min = 1;
    s.servers.max = 100;
    s.servers.warmup = Span(min(2));
    s.service.max_queue = Some(0);
    s.report_interval = Span(min(1));
    s.autoscaler = Some(autoscaler);

    let profile =
        RateProfile::steps(&[(min(10), 50.0), (min(20), 160.0), (min(10), 50.0)]).unwrap();
    let arrivals = Deterministic::new(profile, Alignment::LEFT, Timestamp::ZERO);
    let report = Simulation::new(s)
        .unwrap()
        .run_requests(arrivals.map(|t| (t.as_nanos(), 100_000_000)))
        .unwrap();
    let actions = report
        .scaling
        .iter()
        .map(|a| (a.at_s, a.from, a.to))
        .collect();
    (report, actions)
}

#[test]
fn step_in_load_gives_the_hand_computed_actions() {
    let mut a = Autoscaler::with_defaults(AutoscalerPolicy::TargetTracking);
    a.target_utilization = 55.0;
    let (report, actions) = run_by_hand("by hand", a);
    assert_eq!(
        actions,
        vec![(660.0, 10, 19), (840.0, 19, 30), (1860.0, 30, 10)],
        "{:#?}",
        report.scaling
    );
    for a in &report.scaling {
        assert_eq!(a.by, "target_tracking");
    }
    // Held by the cooldown in between: the decision said so.
    assert!(
        (report.capacity.instance_hours - 767.0 / 60.0).abs() < 1e-9,
        "{}",
        report.capacity.instance_hours
    );
    assert_eq!(
        (report.capacity.min_instances, report.capacity.max_instances),
        (10, 30)
    );
    // Only the overload minutes (10:00–13:00) drop: 160 arrive and 100 are served a
    // second, so about 60 × 180 s.
    let drops = report.requests.dropped;
    assert!((10_700..=10_900).contains(&drops), "{drops}");
    assert_eq!(report.requests.timed_out, 0);
    // Warm-up: the pool was ready with 19 only from 13:00; the timeline's mean ready
    // count over minute 12–13 is 10, over 13–14 it is 19.
    let ready = |m: usize| report.timeline[m - 1].ready;
    assert!((ready(13) - 10.0).abs() < 1e-9 && (ready(14) - 19.0).abs() < 1e-9);
    assert!((ready(16) - 19.0).abs() < 1e-9 && (ready(17) - 30.0).abs() < 1e-9);
}

/// The same load under the course's CPU thresholds (up above 70 %, down below 30 %, one
/// instance at a time; 3 minutes between scale-ups, 10 minutes from any action to a
/// scale-down), same warm-up:
///
/// | at | CPU over the last minute | action |
/// |---|---|---|
/// | 11:00 | ≈ 100 % (10 ready) | **10 → 11** (ready 13:00) |
/// | 12:00, 13:00 | ≈ 100 % | up cooldown |
/// | 14:00, 17:00, 20:00, 23:00, 26:00 | ≈ 100 % (11 … 15 ready) | **+1 each** (16 at 26:00, ready 28:00) |
/// | 29:00 | 160 RPS × 0.1 s / 16 = 100 % | **16 → 17** (ready 31:00) |
/// | 30:00 | 100 % | up cooldown |
/// | 31:00 | 5 busy / 16 ready = 31.25 % | none (not below 30 %) |
/// | 32:00–38:00 | 5 / 17 = 29.4 % | down cooldown until 39:00 |
/// | 39:00 | 29.4 % | **17 → 16** |
/// | 40:00 | 5 / 16 = 31.25 % | none |
///
/// Instance-minutes: 10·11 + 11·3 + 12·3 + 13·3 + 14·3 + 15·3 + 16·3 + 17·10 + 16·1 = 539.
#[test]
fn cpu_thresholds_step_one_at_a_time() {
    let (report, actions) = run_by_hand(
        "by hand, thresholds",
        Autoscaler::with_defaults(AutoscalerPolicy::CpuThreshold),
    );
    assert_eq!(
        actions,
        vec![
            (660.0, 10, 11),
            (840.0, 11, 12),
            (1020.0, 12, 13),
            (1200.0, 13, 14),
            (1380.0, 14, 15),
            (1560.0, 15, 16),
            (1740.0, 16, 17),
            (2340.0, 17, 16),
        ],
        "{:#?}",
        report.scaling
    );
    assert!(report.scaling.iter().all(|a| a.by == "cpu_threshold"));
    assert!(
        (report.capacity.instance_hours - 539.0 / 60.0).abs() < 1e-9,
        "{}",
        report.capacity.instance_hours
    );
}
