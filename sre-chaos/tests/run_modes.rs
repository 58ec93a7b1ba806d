//! The strict mode's documented differences from Chaos Toolkit, and the continuous
//! hypothesis on the caller's clock (iterations every `frequency`, ticks mid-activity).

use core::time::Duration;
use serde_json::{Value, json};
use sre_chaos::{
    Activities, Activity, ActivityFailed, During, Experiment, HypothesisProbe, Mode, Outcome,
    Phase, Probes, RollbackStrategy, Schedule, Status, Strategy, Tolerance, run,
};
use sre_core::{Clock, ManualClock, Timestamp};

/// An error-rate probe whose value is a function of the phase.
struct Rate<F: FnMut(Phase) -> Value>(F);
impl<F: FnMut(Phase) -> Value> Probes for Rate<F> {
    fn probe(
        &mut self,
        phase: Phase,
        _: usize,
        _: &HypothesisProbe,
    ) -> Result<Value, ActivityFailed> {
        Ok((self.0)(phase))
    }
}

/// Activities lasting `length`, during which the caller ticks every `tick`.
struct Timed<'a> {
    clock: &'a ManualClock,
    length: Duration,
    tick: Duration,
    ran: Vec<usize>,
    rolled_back: usize,
}
impl Activities for Timed<'_> {
    fn run(&mut self, index: usize, _: &Activity, during: &mut During<'_>) -> Outcome {
        self.ran.push(index);
        let end = self.clock.now().saturating_add(self.length);
        while self.clock.now() < end {
            self.clock.advance(self.tick);
            if !during.tick() {
                break;
            }
        }
        Outcome::Succeeded
    }
    fn rollback(&mut self, _: usize, _: &Activity) -> Result<(), ActivityFailed> {
        self.rolled_back += 1;
        Ok(())
    }
}

fn experiment(method: usize) -> Experiment {
    let hypothesis = vec![HypothesisProbe {
        name: "error-rate".into(),
        tolerance: Tolerance::from_json(&json!([0, 0.001])).unwrap(),
    }];
    let method = (0..method)
        .map(|i| Activity::action(format!("a{i}")))
        .collect();
    Experiment::new(hypothesis, method, vec![Activity::action("restore")]).unwrap()
}

fn timed(clock: &ManualClock) -> Timed<'_> {
    Timed {
        clock,
        length: Duration::from_secs(60),
        tick: Duration::from_secs(1),
        ran: Vec::new(),
        rolled_back: 0,
    }
}

#[test]
fn broken_before_is_completed_in_compatible_mode_and_not_run_in_strict_mode() {
    let clock = ManualClock::new(Timestamp::ZERO);
    let broken = |_: Phase| json!(0.01);

    let mut acts = timed(&clock);
    let j = run(&experiment(2), &mut Rate(broken), &mut acts, &clock);
    assert_eq!((j.status, j.exit_code()), (Status::Completed, 0));
    assert!(acts.ran.is_empty() && j.rollbacks_played && acts.rolled_back == 1);

    let mut acts = timed(&clock);
    let j = run(
        &experiment(2).with_mode(Mode::Strict),
        &mut Rate(broken),
        &mut acts,
        &clock,
    );
    assert_eq!((j.status, j.exit_code()), (Status::NotRun, 1));
    assert!(acts.ran.is_empty() && !j.rollbacks_played && acts.rolled_back == 0);

    // Strict mode still honours an explicit "always".
    let mut acts = timed(&clock);
    let e = experiment(2)
        .with_mode(Mode::Strict)
        .with_rollback_strategy(RollbackStrategy::Always);
    let j = run(&e, &mut Rate(broken), &mut acts, &clock);
    assert_eq!(j.status, Status::NotRun);
    assert_eq!(acts.rolled_back, 1);
}

#[test]
fn fail_fast_then_deviated_is_overwritten_only_in_compatible_mode() {
    let clock = ManualClock::new(Timestamp::ZERO);
    let schedule = Schedule::new(Duration::from_secs(10), true, 0.0).unwrap();
    let values = |p: Phase| match p {
        Phase::Before => json!(0.0),
        _ => json!(0.06),
    };
    let base = experiment(3)
        .with_strategy(Strategy::Continuous)
        .with_schedule(schedule);

    let mut acts = timed(&clock);
    let j = run(&base, &mut Rate(values), &mut acts, &clock);
    assert_eq!(
        (j.status, j.deviated, j.exit_code()),
        (Status::Completed, true, 1)
    );
    assert!(j.rollbacks_played);
    assert_eq!(
        acts.ran,
        vec![0],
        "the method stops after the current activity"
    );

    let mut acts = timed(&clock);
    let j = run(
        &base.clone().with_mode(Mode::Strict),
        &mut Rate(values),
        &mut acts,
        &clock,
    );
    assert_eq!(
        (j.status, j.deviated, j.exit_code()),
        (Status::Failed, true, 1)
    );
    assert!(
        !j.rollbacks_played,
        "default rollbacks are not played on a failed run"
    );
}

#[test]
fn a_raising_check_crashes_compatible_runs_and_is_a_miss_in_strict_mode() {
    let clock = ManualClock::new(Timestamp::ZERO);
    let text = |_: Phase| json!("n/a"); // "n/a" <= 0.001 raises in Python
    let mut acts = timed(&clock);
    let j = run(&experiment(1), &mut Rate(text), &mut acts, &clock);
    assert_eq!(j.status, Status::Aborted);
    assert!(j.crashed.is_some() && !j.rollbacks_played && acts.ran.is_empty());

    let mut acts = timed(&clock);
    let j = run(
        &experiment(1).with_mode(Mode::Strict),
        &mut Rate(text),
        &mut acts,
        &clock,
    );
    assert_eq!(j.status, Status::NotRun);
    let p = &j.steady_state_before.unwrap().probes[0];
    assert!(!p.tolerance_met && p.check_raised.is_some());
}

#[test]
fn iterations_follow_the_callers_clock() {
    // 3 activities of 60 s, ticks every second, frequency 20 s: iterations at
    // 0, 20, ..., 180 s -> 10 (the last activity's final tick at 180 s is still during
    // the method; none runs after it returns).
    let clock = ManualClock::new(Timestamp::ZERO);
    let schedule = Schedule::new(Duration::from_secs(20), false, 0.0).unwrap();
    let e = experiment(3)
        .with_strategy(Strategy::DuringMethodOnly)
        .with_schedule(schedule);
    let mut acts = timed(&clock);
    let j = run(&e, &mut Rate(|_| json!(0.0)), &mut acts, &clock);
    let at: Vec<u64> = j
        .steady_state_during
        .iter()
        .map(|s| s.at.as_secs())
        .collect();
    assert_eq!(at, (0..10).map(|k| k * 20).collect::<Vec<_>>());
    assert!(j.steady_state_before.is_none() && j.steady_state_after.is_none());
    assert_eq!(j.end, Timestamp::from_secs(180));
    // The JSON journal carries the same facts.
    let v = j.to_json();
    assert_eq!(v["status"], "completed");
    assert_eq!(v["steady_states"]["during"].as_array().unwrap().len(), 10);
    assert_eq!(v["run"][2]["end"], 180_000_000_000_u64);
    assert!(v["steady_states"]["before"].is_null());
}

#[test]
fn fail_fast_ratio_counts_failed_iterations_over_all() {
    // Iterations alternate met / not met: after the k-th failure the ratio is
    // 100·k/(2k) = 50 %. A 60 % threshold never trips (6 activities of 60 s, an
    // iteration every 60 s: 0, 60, ..., 360 s, 7 iterations); 50 % trips at iteration 2.
    let clock = ManualClock::new(Timestamp::ZERO);
    let alternating = |p: Phase| match p {
        Phase::During { iteration } if iteration % 2 == 0 => json!(0.5),
        _ => json!(0.0),
    };
    for (ratio, iterations, status) in [(60.0, 7, Status::Completed), (50.0, 2, Status::Failed)] {
        let schedule = Schedule::new(Duration::from_secs(60), true, ratio).unwrap();
        let e = experiment(6)
            .with_strategy(Strategy::DuringMethodOnly)
            .with_schedule(schedule);
        let mut acts = timed(&clock);
        let j = run(&e, &mut Rate(alternating), &mut acts, &clock);
        assert_eq!(j.steady_state_during.len(), iterations, "ratio {ratio}");
        assert_eq!(j.status, status, "ratio {ratio}");
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    assert!(Schedule::new(Duration::from_secs(1), true, 101.0).is_err());
    assert!(Schedule::new(Duration::from_secs(1), true, f64::NAN).is_err());
    assert!(Strategy::parse("sometimes").is_err());
    assert!(RollbackStrategy::parse("maybe").is_err());
    let many = (0..=sre_chaos::MAX_ACTIVITIES)
        .map(|i| Activity::action(format!("{i}")))
        .collect();
    assert!(matches!(
        Experiment::new(vec![], many, vec![]),
        Err(sre_chaos::Error::TooMany {
            field: "method",
            ..
        })
    ));
    for bad in [
        json!(1.5),
        json!(null),
        json!({"type": "range", "range": [1]}),
        json!({"type": "regex", "pattern": "("}),
    ] {
        assert!(Tolerance::from_json(&bad).is_err(), "{bad}");
    }
}
