//! A process younger than its SLO period: one bad request after start pages every pair
//! with Prometheus' plain rule (`AlertConfig::default()`) and none with
//! `AlertConfig::service_default()`, whose guard the generated rules carry too; budget
//! figures say the span they cover (worked by hand from the counts).

use core::time::Duration;
use sre_budget::rules::{RuleOptions, prometheus_rules};
use sre_budget::{
    AlertConfig, AlertPolicy, ErrorBudget, Evaluator, EventCounts, Indicator, MinuteSeries, Slo,
    TimeWindow, Transition, WindowCounts,
};
use sre_core::{Objective, Timestamp};
use sre_metrics::sli::SliWindow;

const MONTH: Duration = Duration::from_secs(30 * 86_400);

fn mins(m: u64) -> Duration {
    Duration::from_secs(60 * m)
}

/// A process started at minute 1: 10 requests a minute, one of them bad in minute 5, then
/// `after` minutes of good traffic. Returns the pairs that fired and the evaluator.
fn one_bad_request(config: AlertConfig, after: u64) -> (Vec<usize>, Evaluator, SliWindow) {
    let sli = SliWindow::new(MONTH).unwrap();
    let mut ev = Evaluator::new(
        Objective::new(0.999).unwrap(),
        AlertPolicy::workbook(MONTH).unwrap(),
        config,
    )
    .unwrap();
    let mut fired = Vec::new();
    for m in 1..=5 + after {
        let bad = u64::from(m == 5);
        sli.record_counts(Timestamp::from_secs(60 * m - 20), 10 - bad, bad);
        for e in ev.evaluate(Timestamp::from_mins(m), &sli).unwrap() {
            if e.transition == Transition::Firing {
                fired.push(e.pair);
            }
        }
    }
    (fired, ev, sli)
}

#[test]
fn one_bad_request_after_start_pages_only_without_the_guard() {
    // 1 bad of 50 is 2 %: above 14.4, 6, 3 and 1 × 0.1 %, in both windows of every pair.
    let (fired, ..) = one_bad_request(AlertConfig::default(), 0);
    assert_eq!(fired, [0, 1, 2, 3]);
    let (fired, ev, _) = one_bad_request(AlertConfig::service_default(), 120);
    assert!(fired.is_empty(), "{fired:?}");
    assert!(
        ev.status()
            .iter()
            .all(|s| s.condition != sre_budget::Condition::Above)
    );
}

#[test]
fn the_guard_still_pages_a_real_outage() {
    let sli = SliWindow::new(MONTH).unwrap();
    let mut ev = Evaluator::new(
        Objective::new(0.999).unwrap(),
        AlertPolicy::workbook(MONTH).unwrap(),
        AlertConfig::service_default(),
    )
    .unwrap();
    let mut first = None;
    for m in 1..=30 {
        // 10 requests a minute, all failing from minute 11: the 10th bad event is in
        // minute 11, so the guard is met there.
        let bad = if m > 10 { 10 } else { 0 };
        sli.record_counts(Timestamp::from_mins(m), 10 - bad, bad);
        let events = ev.evaluate(Timestamp::from_mins(m), &sli).unwrap();
        if first.is_none() && events.iter().any(|e| e.transition == Transition::Firing) {
            first = Some(m);
        }
    }
    assert_eq!(first, Some(11));
}

#[test]
fn the_generated_rules_carry_the_same_guard() {
    let slo = Slo::new(
        "api",
        Objective::new(0.999).unwrap(),
        TimeWindow::Rolling(MONTH),
        Indicator::RatioMetric {
            good: "ok_total".into(),
            total: "requests_total".into(),
        },
    )
    .unwrap();
    let policy = AlertPolicy::workbook(MONTH).unwrap();
    let opts = RuleOptions {
        config: AlertConfig::service_default(),
        ..RuleOptions::default()
    };
    let yaml = prometheus_rules(&slo, &policy, &opts);
    let guards = yaml
        .lines()
        .filter(|l| l.contains("- alert:") || l.contains(">= 10'"))
        .count();
    assert_eq!(guards, 2 * policy.pairs().len(), "{yaml}");
    assert!(!prometheus_rules(&slo, &policy, &RuleOptions::default()).contains(">="));
}

#[test]
fn a_young_process_budget_says_it_covers_minutes_not_the_period() {
    let (_, ev, sli) = one_bad_request(AlertConfig::service_default(), 0);
    let b = ev.budget().unwrap();
    // 50 requests, 1 bad, 0.1 % allowed: 1 / 0.05 = 20 allowances, over 5 minutes.
    assert_eq!(
        b.counts,
        WindowCounts {
            good: 49,
            total: 50
        }
    );
    assert!((b.consumed - 20.0).abs() < 1e-9, "{}", b.consumed);
    assert_eq!(b.observed, mins(5));
    assert!(!b.is_full_period());
    assert_eq!(b.period, MONTH);
    // A restart keeps where the data starts: down from minute 5 to 64, evaluated at 65.
    let back = SliWindow::from_state(sli.state()).unwrap();
    let budget = ErrorBudget::new(Objective::new(0.999).unwrap(), MONTH).unwrap();
    let s = budget.status_at(&back, Timestamp::from_mins(65)).unwrap();
    assert_eq!((s.observed, s.counts.total), (mins(65), 50));
    // Without a source, the counts are taken to cover the period.
    let whole = budget.status(b.counts);
    assert!(whole.is_full_period() && whole.observed == MONTH);
    assert_eq!(whole.consumed.to_bits(), b.consumed.to_bits());
}

#[test]
fn a_series_covers_the_minutes_pushed_up_to_its_period() {
    let day = mins(1440);
    let budget = ErrorBudget::new(Objective::new(0.99).unwrap(), day).unwrap();
    let mut s = MinuteSeries::new(day).unwrap();
    for _ in 0..720 {
        s.push(99, 1);
    }
    let half = budget.status_at(&s, Timestamp::from_mins(720)).unwrap();
    assert_eq!(half.observed, mins(720));
    assert!(!half.is_full_period());
    for _ in 0..1000 {
        s.push(99, 1);
    }
    assert_eq!(s.observed(Timestamp::from_mins(1720)), Some(mins(1720)));
    let full = budget.status_at(&s, Timestamp::from_mins(1720)).unwrap();
    assert_eq!(full.observed, day);
    assert!(full.is_full_period());
    // Through a pointer, the source's answer (not the trait's default).
    let shared = std::sync::Arc::new(SliWindow::new(day).unwrap());
    shared.record(Timestamp::from_secs(90), true); // minute 2
    assert_eq!(
        EventCounts::observed(&shared, Timestamp::from_mins(11)),
        Some(mins(10))
    );
}
