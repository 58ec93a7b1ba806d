//! The evaluator reads a live `sre_metrics::sli::SliWindow` and the exact
//! [`MinuteSeries`] model to the same events: a peer run side by side.

use core::time::Duration;
use proptest::prelude::*;
use sre_budget::{
    AlertConfig, AlertEvent, AlertPair, AlertPolicy, Evaluator, EventCounts, MinuteSeries, Severity,
};
use sre_core::{Objective, Timestamp};
use sre_metrics::sli::SliWindow;

const MIN: u64 = 60;

fn run<S: EventCounts>(
    ev: &mut Evaluator,
    rows: &[(u64, u64)],
    mut feed: impl FnMut(u64, u64, u64),
    src: &S,
) -> Vec<AlertEvent> {
    let mut out = Vec::new();
    for (m, &(g, b)) in (1u64..).zip(rows) {
        feed(m, g, b);
        out.extend_from_slice(ev.evaluate(Timestamp::from_mins(m), src).unwrap());
    }
    out
}

fn both(
    o: Objective,
    policy: &AlertPolicy,
    cfg: AlertConfig,
    rows: &[(u64, u64)],
) -> (Vec<AlertEvent>, Vec<AlertEvent>) {
    let sli = SliWindow::new(policy.period()).unwrap();
    let mut a = Evaluator::new(o, policy.clone(), cfg).unwrap();
    let live = run(
        &mut a,
        rows,
        |m, g, b| sli.record_counts(Timestamp::from_mins(m), g, b),
        &sli,
    );
    let series = core::cell::RefCell::new(MinuteSeries::new(policy.period()).unwrap());
    let mut b = Evaluator::new(o, policy.clone(), cfg).unwrap();
    let mut exact = Vec::new();
    for (m, &(g, bad)) in (1u64..).zip(rows) {
        series.borrow_mut().push(g, bad);
        exact.extend_from_slice(
            b.evaluate(Timestamp::from_mins(m), &*series.borrow())
                .unwrap(),
        );
    }
    (live, exact)
}

fn small_policy() -> AlertPolicy {
    let m = |n: u64| Duration::from_secs(n * MIN);
    AlertPolicy::new(
        m(24 * 60),
        vec![
            AlertPair::new("fast", Severity::Page, m(60), m(5), 10.0).unwrap(),
            AlertPair::new("slow", Severity::Ticket, m(360), m(30), 2.0).unwrap(),
        ],
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn live_window_and_exact_model_agree(
        bursts in proptest::collection::vec((0u64..400, 1u64..30, 0u64..=100), 0..6),
        base in 0u64..50,
        for_m in 0u64..4, keep_m in 0u64..8, guard in 0u64..3,
    ) {
        let rows: Vec<(u64, u64)> = (1..=400u64).map(|m| {
            let pct = bursts.iter().filter(|(s, l, _)| m >= *s && m < s + l).map(|b| b.2).max().unwrap_or(0);
            let bad = base * pct / 100;
            (base - bad, bad)
        }).collect();
        let cfg = AlertConfig {
            for_duration: Duration::from_secs(for_m * MIN),
            keep_firing_for: Duration::from_secs(keep_m * MIN),
            min_bad_events: guard,
        };
        let (live, exact) = both(Objective::new(0.99).unwrap(), &small_policy(), cfg, &rows);
        prop_assert_eq!(live, exact);
    }
}

#[test]
fn workbook_policy_on_a_live_30_day_window() {
    // Two days at 1,000 a minute with a 20-minute 5 % incident and a day of 0.15 %.
    let rows: Vec<(u64, u64)> = (1..=2_880u64)
        .map(|m| {
            let bad = if (500..520).contains(&m) {
                50
            } else if (1_000..2_440).contains(&m) && m % 20 < 3 {
                10
            } else {
                0
            };
            (1_000 - bad, bad)
        })
        .collect();
    let policy = AlertPolicy::workbook(Duration::from_secs(30 * 86_400)).unwrap();
    let (live, exact) = both(
        Objective::new(0.999).unwrap(),
        &policy,
        AlertConfig::default(),
        &rows,
    );
    assert!(live.len() >= 4, "{live:?}");
    assert_eq!(live, exact);
}
