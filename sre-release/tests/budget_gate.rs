//! The budget gate: `sre_budget::BudgetPolicy`'s bands, computed by the budget crate from
//! real event counts, decide whether the rollout may start and advance.

use core::time::Duration;
use sre_budget::{BudgetPolicy, ErrorBudget, ReleaseAction, WindowCounts};
use sre_core::Objective;
use sre_release::{Rollout, Signals, StagePlan, StepAction, TriggerThresholds};

fn decision(bad: u64) -> sre_budget::ReleaseDecision {
    let budget = ErrorBudget::new(
        Objective::new(0.99).unwrap(),
        Duration::from_secs(30 * 86_400),
    )
    .unwrap();
    BudgetPolicy::default().decide(&budget.status(WindowCounts {
        good: 10_000 - bad,
        total: 10_000,
    }))
}

fn healthy() -> Signals {
    Signals {
        baseline_error_rate_pct: Some(0.5),
        baseline_p99_ms: Some(200.0),
        canary_error_rate_pct: Some(0.5),
        canary_p99_ms: Some(200.0),
        canary_memory_fraction: Some(0.5),
    }
}

#[test]
fn bands_gate_start_and_advance() {
    // 100 bad of 10 000 at 99 % is the whole budget: 20 bad leaves 80 %, 70 leaves 30 %,
    // 95 leaves 5 %, 120 is overspent.
    let normal = decision(20);
    let slow = decision(70);
    let freeze = decision(95);
    let exhausted = decision(120);
    assert_eq!(normal.action, ReleaseAction::DeployNormally);
    assert_eq!(slow.action, ReleaseAction::SlowDown);
    assert_eq!(freeze.action, ReleaseAction::FeatureFreeze);
    assert_eq!(exhausted.action, ReleaseAction::NoDeploys);

    let new = || {
        Rollout::new(
            StagePlan::doubling_1_5_25_50(),
            TriggerThresholds::default(),
        )
        .unwrap()
    };
    for closed in [freeze, exhausted] {
        let mut r = new();
        let d = r.start(0, Some(&closed));
        assert_eq!((d.action, d.weight_pct), (StepAction::Hold, 0));
        assert!(d.budget.unwrap().held);
    }

    // Normal: advances after 1 h. Slow: the stage lasts twice as long.
    let mut r = new();
    r.start(0, Some(&normal));
    assert_eq!(
        r.check(3_600, &healthy(), &[], Some(&normal)).action,
        StepAction::Advance
    );
    let mut r = new();
    r.start(0, Some(&slow));
    assert_eq!(
        r.check(3_600, &healthy(), &[], Some(&slow)).action,
        StepAction::Continue
    );
    assert_eq!(
        r.check(7_200, &healthy(), &[], Some(&slow)).action,
        StepAction::Advance
    );

    // A freeze mid-rollout holds the advance but never a rollback.
    let mut r = new();
    r.start(0, Some(&normal));
    let d = r.check(3_600, &healthy(), &[], Some(&freeze));
    assert_eq!((d.action, d.weight_pct), (StepAction::Hold, 1));
    let bad = Signals {
        canary_p99_ms: Some(300.5),
        ..healthy()
    };
    assert_eq!(
        r.check(3_700, &bad, &[], Some(&freeze)).action,
        StepAction::Rollback
    );
}
