//! A rollout step allocates nothing: a counting global allocator (`stats_alloc`) watches
//! a whole staged rollout, with advances, holds, restarts and a rollback among its steps.

use sre_release::{Rollout, RolloutState, Signals, StagePlan, StepAction, TriggerThresholds};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn rollout_steps_do_not_allocate() {
    let mut rollout = Rollout::new(
        StagePlan::doubling_1_5_25_50(),
        TriggerThresholds::default(),
    )
    .unwrap();
    let healthy = Signals {
        baseline_error_rate_pct: Some(0.5),
        baseline_p99_ms: Some(200.0),
        canary_error_rate_pct: Some(0.6),
        canary_p99_ms: Some(220.0),
        canary_memory_fraction: Some(0.5),
    };
    let gap = Signals {
        canary_p99_ms: None,
        ..healthy
    };
    let restarts = [20_000_u64, 20_100, 20_150];
    let mut actions = [0usize; 5];
    let region = Region::new(GLOBAL);
    rollout.start(0, None);
    let mut t = 0;
    while rollout.state() == RolloutState::InProgress {
        t += 60;
        let seen = &restarts[..restarts.iter().filter(|&&r| r <= t).count()];
        let signals = if t % 1_800 == 0 { gap } else { healthy };
        let d = rollout.check(t, &signals, seen, None);
        actions[d.action as usize] += 1;
    }
    let stats = region.change();
    assert_eq!(stats.allocations, 0, "{stats:?}");
    assert_eq!(stats.reallocations, 0, "{stats:?}");
    assert!(actions[StepAction::Advance as usize] >= 1 && actions[StepAction::Hold as usize] >= 1);
    assert_eq!(actions[StepAction::Rollback as usize], 1);
}
