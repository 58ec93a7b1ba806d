//! The course's experiment (Module 28) end to end on a simulated clock: steady state
//! error rate < 0.1 %, P99 < 200 ms, about 1000 orders per minute; abort on errors
//! above 5 % or no failover after 60 s; the guard runs inside the method's activity, and
//! an abort interrupts the run so rollback strategy `always` restores the primary.

use core::time::Duration;
use serde_json::{Value, json};
use sre_chaos::guard::{Cause, Condition, Guard, Signals};
use sre_chaos::litmus::{Poller, ProbeMode, litmus_result};
use sre_chaos::signals::{IntervalQuantile, error_ratio, rate};
use sre_chaos::{
    Activities, Activity, ActivityFailed, During, Experiment, HypothesisProbe, Interruption,
    Outcome, Phase, Probes, RollbackStrategy, Status, run,
};
use sre_core::{Clock, ManualClock, Timestamp};
use sre_metrics::{Histogram, HistogramConfig, SliWindow};
use std::cell::RefCell;

/// A toy service: 1000 orders a minute, a given error ratio, 50 ms latencies.
struct Service {
    sli: SliWindow,
    latency: Histogram,
    errors_per_1000: RefCell<u64>,
}

impl Service {
    fn minute(&self, now: Timestamp) {
        let bad = *self.errors_per_1000.borrow();
        self.sli.record_counts(now, 1000 - bad, bad);
        for _ in 0..1000 {
            self.latency.record(50_000_000);
        }
    }
}

struct SteadyProbes<'a> {
    svc: &'a Service,
    clock: &'a ManualClock,
    p99: IntervalQuantile,
}

impl Probes for SteadyProbes<'_> {
    fn probe(
        &mut self,
        _: Phase,
        index: usize,
        _: &HypothesisProbe,
    ) -> Result<Value, ActivityFailed> {
        let now = self.clock.now();
        let minute = Duration::from_secs(60);
        let e = |x: sre_chaos::Error| ActivityFailed(x.to_string());
        Ok(match index {
            0 => json!(error_ratio(&self.svc.sli, now, minute).map_err(e)?),
            1 => json!(
                self.p99
                    .read(&self.svc.latency)
                    .map_err(e)?
                    .map(|ns| ns / 1_000_000)
            ),
            _ => json!(rate(&self.svc.sli, now, minute).map_err(e)? * 60.0),
        })
    }
}

struct KillPrimary<'a> {
    svc: &'a Service,
    clock: &'a ManualClock,
    guard: Guard,
    failover_after: Duration,
    errors_during: u64,
    restored: bool,
}

impl Activities for KillPrimary<'_> {
    fn run(&mut self, _: usize, _: &Activity, during: &mut During<'_>) -> Outcome {
        *self.svc.errors_per_1000.borrow_mut() = self.errors_during;
        let start = self.clock.now();
        for _ in 0..5 {
            let now = self.clock.advance(Duration::from_secs(60));
            if now >= start.saturating_add(self.failover_after) {
                self.guard.satisfy("failover");
                *self.svc.errors_per_1000.borrow_mut() = 0;
            }
            self.svc.minute(now);
            let signals = Signals {
                sli: &self.svc.sli,
                latency: Some(&self.svc.latency),
            };
            if self.guard.tick(now, signals).is_some() {
                return Outcome::Interrupted(Interruption::Graceful);
            }
            during.tick();
        }
        Outcome::Succeeded
    }
    fn rollback(&mut self, _: usize, _: &Activity) -> Result<(), ActivityFailed> {
        self.restored = true;
        *self.svc.errors_per_1000.borrow_mut() = 0;
        Ok(())
    }
}

fn course(
    errors_during: u64,
    failover_after: Duration,
) -> (sre_chaos::Journal, Option<Cause>, bool) {
    let clock = ManualClock::new(Timestamp::from_secs(3600));
    let svc = Service {
        sli: SliWindow::new(Duration::from_secs(6 * 3600)).unwrap(),
        latency: Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap()),
        errors_per_1000: RefCell::new(0),
    };
    let doc = json!({
        "steady-state-hypothesis": {"title": "orders flow", "probes": [
            {"type": "probe", "name": "error-rate", "tolerance": {"type": "probe", "provider": {"type": "python", "func": "compare", "arguments": {"op": "<", "limit": 0.001}}}},
            {"type": "probe", "name": "p99-latency-ms", "tolerance": {"type": "probe", "provider": {"type": "python", "func": "compare", "arguments": {"op": "<", "limit": 200}}}},
            {"type": "probe", "name": "orders-per-minute", "tolerance": {"type": "range", "range": [900, 1100]}}]},
        "method": [{"type": "action", "name": "kill-db-primary"}],
        "rollbacks": [{"type": "action", "name": "restore-db-primary"}],
        "runtime": {"rollbacks": {"strategy": "always"}}
    });
    let e = Experiment::from_json(&doc).unwrap();
    assert_eq!(e.rollback_strategy(), RollbackStrategy::Always);
    let p99 = IntervalQuantile::new(&svc.latency, 0.99, 1).unwrap();
    svc.minute(clock.now());
    let guard = Guard::new(
        clock.now(),
        vec![
            Condition::ErrorRatioAbove {
                window: Duration::from_secs(60),
                threshold: 0.05,
            },
            Condition::Deadline {
                name: "failover".into(),
                within: Duration::from_secs(60),
            },
        ],
    )
    .unwrap();
    let mut probes = SteadyProbes {
        svc: &svc,
        clock: &clock,
        p99,
    };
    let mut acts = KillPrimary {
        svc: &svc,
        clock: &clock,
        guard,
        failover_after,
        errors_during,
        restored: false,
    };
    let journal = run(&e, &mut probes, &mut acts, &clock);
    let cause = acts.guard.stopped().map(|a| a.cause.clone());
    (journal, cause, acts.restored)
}

#[test]
fn fast_failover_holds_the_hypothesis() {
    let (j, cause, restored) = course(0, Duration::from_secs(20));
    assert_eq!(
        (j.status, j.deviated, j.exit_code()),
        (Status::Completed, false, 0)
    );
    assert!(cause.is_none() && restored);
}

#[test]
fn six_percent_errors_abort_and_roll_back() {
    let (j, cause, restored) = course(60, Duration::from_secs(120));
    assert_eq!(j.status, Status::Interrupted);
    assert!(
        matches!(
            cause,
            Some(Cause::Threshold {
                signal: "error_ratio",
                ..
            })
        ),
        "{cause:?}"
    );
    assert!(j.rollbacks_played && restored);
}

#[test]
fn no_failover_after_60_s_aborts() {
    let (j, cause, restored) = course(10, Duration::from_secs(90));
    assert_eq!(j.status, Status::Interrupted);
    assert!(matches!(cause, Some(Cause::Deadline { .. })), "{cause:?}");
    assert!(restored && j.exit_code() == 1);
}

#[test]
fn litmus_poller_and_verdict() {
    let mut continuous = Poller::new(ProbeMode::Continuous, false).unwrap();
    let mut on_chaos = Poller::new(ProbeMode::OnChaos, true).unwrap();
    assert!(!continuous.poll(true) && !continuous.poll(true));
    assert!(!on_chaos.poll(true));
    assert!(
        on_chaos.poll(false),
        "stopOnFailure asks to stop at the first failed poll"
    );
    let r = litmus_result(&[continuous.observation(), on_chaos.observation()]);
    assert_eq!((r.passed_probe_count, r.probe_success_percentage), (1, 50));
    assert!(Poller::new(ProbeMode::Sot, false).is_err());
}

#[test]
fn litmus_comparators() {
    use sre_chaos::CompareOp;
    use sre_chaos::litmus::Criteria;
    // `between` is inclusive at both ends (litmus-go's float comparator).
    let b = Criteria::between(900.0, 1100.0).unwrap();
    assert!(b.check(900.0) && b.check(1100.0) && !b.check(1_100.000_000_1) && !b.check(f64::NAN));
    assert!(Criteria::between(2.0, 1.0).is_err() && Criteria::between(0.0, f64::INFINITY).is_err());
    let one_of = Criteria::OneOf(vec![200.0, 201.0]);
    assert!(one_of.check(201.0) && !one_of.check(202.0));
    let lt = Criteria::Cmp(CompareOp::Lt, 200.0);
    assert!(lt.check(199.9) && !lt.check(200.0));
    assert!(Criteria::Cmp(CompareOp::Ne, 1.0).check(f64::NAN));
    assert_eq!(CompareOp::parse(">="), Some(CompareOp::Ge));
    assert_eq!(CompareOp::parse("=<"), None);
}
