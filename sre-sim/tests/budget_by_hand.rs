//! The error budget worked out by hand: a known share of bad requests over a known part
//! of the SLO period.
//!
//! One server, one request a second for a day, each served in 10 ms except every 50th,
//! which takes 200 ms — over the 100 ms threshold, so bad, and never delaying the next
//! request. Objective 99 %, period 3 days:
//!
//! - error ratio 1728 / 86,400 = 2 %, so the burn rate is 2 % / 1 % = 2;
//! - a 3-day period at this rate holds 259,200 requests and allows 2,592 bad ones; the day
//!   spent 1,728 of them: 2/3 of the period's budget (= burn 2 × 1 day / 3 days);
//! - at noon: 864 bad of 1,296 allowed for the period, 1/3 spent, 2/3 remaining.

use core::time::Duration;
use sre_sim::scenario::Span;
use sre_sim::{Scenario, ServiceTime, Simulation};

const HOUR: u64 = 3_600;

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

#[test]
fn budget_spent_is_the_share_of_the_periods_budget() {
    let service = ServiceTime::fixed(Duration::from_millis(10)).unwrap();
    let mut s = Scenario::fixed_pool(
        "budget by hand",
        1.0,
        service,
        1,
        Duration::from_secs(24 * HOUR),
    );
    s.slo.objective = 99.0;
    s.slo.latency_threshold = Span(Duration::from_millis(100));
    s.slo.period = Span(Duration::from_secs(72 * HOUR));
    s.report_interval = Span(Duration::from_secs(HOUR));
    let requests = (0..24 * HOUR).map(|k| {
        let service_ms = if k % 50 == 0 { 200 } else { 10 };
        (k * 1_000_000_000, service_ms * 1_000_000)
    });
    let r = Simulation::new(s).unwrap().run_requests(requests).unwrap();

    assert_eq!(r.requests.sent, 86_400);
    assert_eq!((r.requests.good, r.requests.slow), (84_672, 1_728));
    assert!(close(r.slo.compliance.unwrap(), 0.98), "{:?}", r.slo);
    assert!(!r.slo.met);
    assert!(close(r.slo.burn_rate, 2.0), "{:?}", r.slo);
    assert!(close(r.slo.budget_spent, 2.0 / 3.0), "{:?}", r.slo);
    assert!(close(r.slo.budget_remaining, 1.0 / 3.0), "{:?}", r.slo);

    let noon = r
        .timeline
        .iter()
        .find(|p| (p.t_s - 12.0 * HOUR as f64).abs() < 1e-6)
        .unwrap();
    assert!(close(noon.budget_remaining, 2.0 / 3.0), "{noon:?}");
    let end = r.timeline.last().unwrap();
    assert!(close(end.budget_remaining, 1.0 / 3.0), "{end:?}");
}

/// Past one period the budget is the rolling period's: the same bad day followed by four
/// clean days leaves a 3-day window with no bad events (nothing spent), while half way
/// (day 2, the bad day inside the window) the window's 172,800 requests allow 1,728 bad,
/// all spent by day 1's 1,728: burn 1, and a full period at that rate spends 2/3 —
/// `burn × min(elapsed, period) / period` = 1 × 2 / 3.
#[test]
fn past_one_period_the_window_rolls() {
    let service = ServiceTime::fixed(Duration::from_millis(10)).unwrap();
    let mut s = Scenario::fixed_pool(
        "rolling",
        1.0,
        service,
        1,
        Duration::from_secs(5 * 24 * HOUR),
    );
    s.slo.objective = 99.0;
    s.slo.latency_threshold = Span(Duration::from_millis(100));
    s.slo.period = Span(Duration::from_secs(72 * HOUR));
    s.report_interval = Span(Duration::from_secs(HOUR));
    let requests = (0..5 * 24 * HOUR).map(|k| {
        let bad = k < 24 * HOUR && k % 50 == 0;
        (
            k * 1_000_000_000,
            if bad { 200_000_000 } else { 10_000_000 },
        )
    });
    let r = Simulation::new(s).unwrap().run_requests(requests).unwrap();
    let at = |h: u64| {
        r.timeline
            .iter()
            .find(|p| (p.t_s - (h * HOUR) as f64).abs() < 1e-6)
            .unwrap()
    };
    assert!(
        close(at(48).budget_remaining, 1.0 - 2.0 / 3.0),
        "{:?}",
        at(48)
    );
    assert!(close(r.slo.burn_rate, 0.0), "{:?}", r.slo);
    assert!(close(r.slo.budget_spent, 0.0), "{:?}", r.slo);
    assert!(close(r.slo.budget_remaining, 1.0), "{:?}", r.slo);
}
