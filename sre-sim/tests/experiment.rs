//! The `[experiment]` table: the gameday verdicts from the journal, an error-ratio abort
//! at the tick an independent reading of the report's timeline says, a rollback that
//! really ends the fault, a broken steady state that skips the method, and bad input.

use core::time::Duration;
use sre_sim::experiment::{
    AbortCondition, Above, ExperimentJournal, ExperimentSpec, Signal, SteadyStateProbe,
};
use sre_sim::faults::{Fault, FaultKind};
use sre_sim::scenario::Span;
use sre_sim::{Error, Report, Scenario, ServiceTime, Simulation};

const GAMEDAY: &str = include_str!("../scenarios/gameday.toml");

fn gameday(failover_s: u64) -> Scenario {
    let mut s = Scenario::from_toml(GAMEDAY).unwrap();
    s.faults[0].duration = Some(Span::secs(failover_s));
    s
}

fn run(s: Scenario) -> Report {
    Simulation::new(s).unwrap().run().unwrap()
}

fn journal(r: &Report) -> &ExperimentJournal {
    r.experiment.as_ref().expect("a journal")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_20_s_failover_meets_the_hypothesis() {
    let s = gameday(20);
    let tick = s.experiment.as_ref().unwrap().tick.unwrap().0;
    let r = run(s);
    let j = journal(&r);
    assert_eq!(j.status, "completed");
    assert!(!j.deviated);
    assert_eq!(j.exit_code, 0);
    assert!(j.abort.is_none());
    assert!(j.method_ran);
    // No user-visible error: nothing failed, timed out or was dropped.
    let c = r.requests;
    assert_eq!(
        c.failed + c.timed_out + c.dropped + c.never_served,
        0,
        "{c:?}"
    );
    // The fault ran its schedule: 600 s to 620 s (the failover happened, the deadline met).
    let m = &j.method[0];
    assert_eq!((m.start_s, m.end_s), (Some(600.0), Some(620.0)));
    assert_eq!(m.ended_by, "schedule");
    // The guard ticked from the fault's start every tick until the method ended.
    assert_eq!(j.guard_ticks, 20 / tick.as_secs());
    for state in [&j.steady_states.before, &j.steady_states.after] {
        let state = state.as_ref().expect("both checks ran");
        assert!(state.steady_state_met);
        assert!(state.probes.iter().all(|p| p.tolerance_met == Some(true)));
    }
    // The after check read 5 minutes ending at the next whole minute past 620 s + 5 m:
    // 960 s. Its error ratio and rate agree with the report's timeline over (660, 960].
    let after = j.steady_states.after.as_ref().unwrap();
    assert!(close(after.at_s, 960.0));
    let window: Vec<_> = r
        .timeline
        .iter()
        .filter(|p| p.t_s > 660.0 && p.t_s <= 960.0)
        .collect();
    let bad: u64 = window.iter().map(|p| p.bad).sum();
    assert_eq!((bad, after.probes[0].value), (0, Some(0.0)));
    let sent: f64 = window.iter().map(|p| p.rps * r.interval_s).sum();
    let per_minute = after.probes[2].value.unwrap();
    // Completions against sends: they differ by the requests in flight at the edges.
    assert!(
        (per_minute - sent / 5.0).abs() <= 2.0,
        "{per_minute} vs {}",
        sent / 5.0
    );
}

#[test]
fn a_90_s_failover_is_stopped_by_the_deadline_and_rolled_back() {
    let r = run(gameday(90));
    let j = journal(&r);
    let a = j.abort.as_ref().expect("an abort");
    // The deadline, not the error ratio: 60 s after the fault's start.
    assert_eq!(
        (a.signal.as_str(), a.condition.as_str()),
        ("deadline", "experiment.abort[1]")
    );
    assert!(
        close(a.at_s, 660.0) && close(a.after_start_s, 60.0),
        "{a:?}"
    );
    assert!(a.cause.contains("failover"), "{}", a.cause);
    // Why the error-ratio condition did not fire first: while requests wait for the
    // dependency nothing completes, so the minute holds no bad event.
    let bad_during: u64 = r
        .timeline
        .iter()
        .filter(|p| p.t_s > 600.0 && p.t_s <= 660.0)
        .map(|p| p.bad)
        .sum();
    assert_eq!(bad_during, 0);
    // Chaos Toolkit: an interrupted run, no after check, the rollback played.
    assert_eq!(j.status, "interrupted");
    assert_eq!(j.exit_code, 1);
    assert!(j.steady_states.after.is_none());
    assert!(j.rollbacks_played);
    assert_eq!(j.rollbacks.len(), 1);
    assert!(j.rollbacks[0].ended && close(j.rollbacks[0].at_s, 660.0));
    let f = &r.faults[0];
    assert_eq!(f.end_s, Some(660.0));
    assert!(
        f.ended_by.starts_with("experiment abort: "),
        "{}",
        f.ended_by
    );
    assert_eq!(j.method[0].ended_by, f.ended_by);

    // The rollback released the waiting requests at 60 s: the oldest waited 60 s, not
    // the 90 s it waits without the experiment.
    let mut bare = gameday(90);
    bare.experiment = None;
    let b = run(bare);
    assert!(b.experiment.is_none());
    assert_eq!(b.faults[0].end_s, Some(690.0));
    // The oldest waiting request was sent less than a second after the failure.
    let within = |ms: f64, s: f64| ms >= (s - 1.0) * 1e3 && ms <= (s + 1.0) * 1e3;
    assert!(within(r.latency.max_ms, 60.0), "{}", r.latency.max_ms);
    assert!(within(b.latency.max_ms, 90.0), "{}", b.latency.max_ms);
    assert_eq!(r.requests.sent, b.requests.sent);
}

#[test]
fn a_manual_abort_stops_the_method_where_it_was_tripped() {
    let mut s = gameday(90);
    s.experiment.as_mut().unwrap().abort_at = Some(Span::secs(633));
    let r = run(s);
    let a = journal(&r).abort.as_ref().unwrap();
    assert_eq!(a.signal, "manual");
    assert!(close(a.at_s, 633.0), "{a:?}");
    assert_eq!(r.faults[0].end_s, Some(633.0));
}

/// 50 requests a second, one every 20 ms at 7 ms past, each served in 1 ms by an idle
/// server: every request completes in the 5-second interval it was sent in, so the
/// timeline's `rps × 5` and `bad` are each interval's good and bad events exactly.
fn steady(duration_s: u64) -> impl Iterator<Item = (u64, u64)> {
    (0..duration_s * 50).map(|k| (k * 20_000_000 + 7_000_000, 1_000_000))
}

fn errors_scenario(with_experiment: bool) -> Scenario {
    let service = ServiceTime::fixed(Duration::from_millis(1)).unwrap();
    let mut s = Scenario::fixed_pool("errors", 50.0, service, 1, Duration::from_secs(360));
    s.report_interval = Span::secs(5);
    let mut f = Fault::new(FaultKind::Errors, Span::secs(150));
    f.duration = Some(Span::secs(120));
    f.probability = Some(0.1);
    s.faults.push(f);
    if with_experiment {
        let mut e = ExperimentSpec::new("errors");
        e.tick = Some(Span::secs(5));
        e.abort.push(AbortCondition {
            signal: Some(Signal::ErrorRatio),
            window: Some(Span::secs(60)),
            above: Some(Above::Number(0.05)),
            ..AbortCondition::default()
        });
        s.experiment = Some(e);
    }
    s
}

fn run_steady(s: Scenario) -> Report {
    let secs = s.duration.0.as_secs();
    Simulation::new(s)
        .unwrap()
        .run_requests(steady(secs))
        .unwrap()
}

#[test]
fn an_error_ratio_abort_fires_at_the_first_tick_over_the_threshold() {
    let r = run_steady(errors_scenario(true));
    let a = journal(&r).abort.clone().expect("an abort");
    // The guard's one-minute window at tick t holds the events of the minute t falls in
    // (sre-metrics' SliWindow), from the start of that minute to t; the timeline gives
    // each 5-second interval's events.
    let ratio_at = |t: f64| {
        let minute_start = ((t / 60.0).ceil() - 1.0) * 60.0;
        let (mut good, mut bad) = (0.0, 0.0);
        for p in r
            .timeline
            .iter()
            .filter(|p| p.t_s > minute_start && p.t_s <= t)
        {
            good += (p.rps * r.interval_s).round();
            bad += p.bad as f64;
        }
        (good + bad > 0.0).then(|| bad / (good + bad))
    };
    let first = (0..24)
        .map(|k| 150.0 + 5.0 * f64::from(k))
        .find(|&t| ratio_at(t).is_some_and(|x| x > 0.05))
        .expect("10 % errors cross 5 %");
    assert!(close(a.at_s, first), "guard {} vs timeline {first}", a.at_s);
    assert!(
        close(a.observed.unwrap(), ratio_at(first).unwrap()),
        "{a:?}"
    );
    assert!(first > 150.0, "the crossing is not the first tick");

    // The rollback ended the fault: no request failed after the abort, and before it
    // exactly the requests that failed in the same run without the experiment.
    assert_eq!(r.faults[0].end_s, Some(first));
    let bare = run_steady(errors_scenario(false));
    let failed_by = |rep: &Report, t: f64| -> u64 {
        rep.timeline
            .iter()
            .filter(|p| p.t_s <= t)
            .map(|p| p.bad)
            .sum()
    };
    assert_eq!(r.requests.failed, failed_by(&bare, first));
    assert_eq!(r.requests.failed, failed_by(&r, first));
    assert!(
        bare.requests.failed > r.requests.failed + 100,
        "{} vs {}",
        bare.requests.failed,
        r.requests.failed
    );
    assert_eq!(r.requests.sent, bare.requests.sent);
}

/// 100 s of half the requests failing (not part of the method) before the method's
/// latency fault at 180 s; the steady state wants an error ratio of at most 0.1 %.
fn broken_before(mode: &str) -> Scenario {
    let service = ServiceTime::fixed(Duration::from_millis(1)).unwrap();
    let mut s = Scenario::fixed_pool("broken", 50.0, service, 1, Duration::from_secs(360));
    let mut noise = Fault::new(FaultKind::Errors, Span::secs(60));
    noise.name = "noise".into();
    noise.duration = Some(Span::secs(100));
    noise.probability = Some(0.5);
    let mut slow = Fault::new(FaultKind::Latency, Span::secs(180));
    slow.name = "slow network".into();
    slow.duration = Some(Span::secs(60));
    slow.add = Some(Span(Duration::from_millis(100)));
    s.faults = vec![noise, slow];
    let mut e = ExperimentSpec::new("slow network");
    e.method = vec!["slow network".into()];
    e.mode = Some(mode.into());
    e.steady_state.push(SteadyStateProbe {
        name: String::new(),
        signal: Signal::ErrorRatio,
        window: Span::secs(120),
        q: None,
        per: None,
        tolerance: serde_json::json!([0.0, 0.001]),
    });
    s.experiment = Some(e);
    s
}

#[test]
fn a_steady_state_broken_before_the_method_skips_it_in_both_modes() {
    let mut without = broken_before("compatible");
    without.faults.pop();
    without.experiment = None;
    let bare = run_steady(without);
    for (mode, status, exit) in [("compatible", "completed", 0), ("strict", "not_run", 1)] {
        let r = run_steady(broken_before(mode));
        let j = journal(&r);
        assert_eq!(
            (j.mode.as_str(), j.status.as_str(), j.exit_code),
            (mode, status, exit)
        );
        assert!(!j.method_ran && !j.deviated && j.abort.is_none());
        let before = j.steady_states.before.as_ref().unwrap();
        assert!(!before.steady_state_met);
        assert!(before.probes[0].value.unwrap() > 0.1);
        assert!(j.steady_states.after.is_none());
        // The method's fault never started and touched nothing: the run is the run
        // without it.
        let m = &r.faults[1];
        assert_eq!((m.end_s, m.requests), (None, 0));
        assert!(
            m.ended_by.starts_with("experiment: method skipped"),
            "{}",
            m.ended_by
        );
        assert_eq!(j.method[0].start_s, None);
        assert_eq!(r.requests, bare.requests);
        assert_eq!(r.latency, bare.latency);
    }
}

#[test]
fn the_journal_survives_json_and_is_absent_without_an_experiment() {
    let r = run(gameday(90));
    let json = r.to_json().unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.experiment, r.experiment);
    let mut bare = gameday(20);
    bare.experiment = None;
    assert!(!run(bare).to_json().unwrap().contains("\"experiment\""));
}

fn field_of(s: &Scenario) -> String {
    match s.validate() {
        Err(Error::Scenario { field, .. }) => field,
        other => panic!("expected a scenario error, got {other:?}"),
    }
}

#[test]
fn bad_input_names_the_field() {
    type Edit = fn(&mut ExperimentSpec);
    let cases: &[(Edit, &str)] = &[
        (|e| e.abort[1].deadline = None, "experiment.abort[1]"),
        (
            |e| {
                e.abort[0].window = Some(Span::secs(90));
            },
            "experiment.abort[0].window",
        ),
        (
            |e| e.method = vec!["database Y".into()],
            "experiment.method[0]",
        ),
        (
            |e| e.method = vec!["database X primary".into(), "database X primary".into()],
            "experiment.method[1]",
        ),
        (
            |e| e.steady_state[0].tolerance = serde_json::json!(0.5),
            "experiment.steady_state[0].tolerance",
        ),
        (
            |e| e.steady_state[0].tolerance = serde_json::json!([0.001, 0.0]),
            "experiment.steady_state[0].tolerance",
        ),
        (
            |e| e.steady_state[0].tolerance = serde_json::json!("ok"),
            "experiment.steady_state[0].tolerance",
        ),
        (
            |e| e.steady_state[0].tolerance = serde_json::json!(true),
            "experiment.steady_state[0].tolerance",
        ),
        (
            |e| e.steady_state[0].tolerance = serde_json::json!([0.0, null]),
            "experiment.steady_state[0].tolerance",
        ),
        (
            |e| e.steady_state[1].window = Span::secs(660),
            "experiment.steady_state[1].window",
        ),
        (
            |e| e.steady_state[2].q = Some(0.5),
            "experiment.steady_state[2].q",
        ),
        (
            |e| e.abort[0].above = Some(Above::Duration(Span::secs(1))),
            "experiment.abort[0].above",
        ),
        (
            |e| e.abort[1].signal = Some(Signal::Rate),
            "experiment.abort[1].deadline",
        ),
        (
            |e| {
                let c = e.abort[0].clone();
                e.abort = vec![c; sre_chaos::guard::MAX_CONDITIONS + 1];
            },
            "experiment.abort",
        ),
        (|e| e.settle = Some(Span::secs(900)), "experiment.settle"),
        (|e| e.tick = Some(Span::secs(0)), "experiment.tick"),
        (|e| e.abort_at = Some(Span::secs(30)), "experiment.abort_at"),
        (|e| e.mode = Some("lenient".into()), "experiment.mode"),
        (
            |e| e.rollback_strategy = Some("sometimes".into()),
            "experiment.rollback_strategy",
        ),
        (|e| e.title = "x".repeat(5000), "experiment.title"),
    ];
    for (edit, field) in cases {
        let mut s = gameday(20);
        edit(s.experiment.as_mut().unwrap());
        assert_eq!(field_of(&s), *field);
    }
    let mut s = gameday(20);
    s.faults.clear();
    s.experiment.as_mut().unwrap().method.clear();
    assert_eq!(field_of(&s), "experiment.method");
    // Unknown keys are refused with the key named.
    let text = GAMEDAY.replace("tick = \"5s\"", "tick = \"5s\"\nticks = 3");
    let e = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(e.contains("ticks"), "{e}");
}
