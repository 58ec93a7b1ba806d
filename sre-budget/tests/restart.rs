//! A service restarted from its saved SLI window and alert state emits the same
//! transitions at the same times as one that never stopped (the oracle): both skip the
//! same minutes of downtime (no events recorded, no evaluations), and after it every
//! evaluation, status and budget is identical. States travel through JSON with feature
//! `serde`. A state of another objective or policy is refused with a typed error.

use core::time::Duration;
use proptest::prelude::*;
use sre_budget::{
    AlertConfig, AlertPair, AlertPolicy, AlertState, BudgetStatus, Error, Evaluator,
    EvaluatorState, PairState, PairStatus, Severity, Transition,
};
use sre_core::{Objective, Timestamp};
use sre_metrics::sli::{SliWindow, SliWindowState};

const MONTH: Duration = Duration::from_secs(30 * 86_400);

fn config() -> AlertConfig {
    AlertConfig {
        for_duration: Duration::from_secs(5 * 60),
        keep_firing_for: Duration::from_secs(15 * 60),
        min_bad_events: 0,
    }
}

fn evaluator() -> Evaluator {
    Evaluator::new(
        Objective::new(0.999).unwrap(),
        AlertPolicy::workbook(MONTH).unwrap(),
        config(),
    )
    .unwrap()
}

/// The states as a checkpoint file carries them: through JSON with feature `serde`.
fn through_file(sli: SliWindowState, ev: EvaluatorState) -> (SliWindowState, EvaluatorState) {
    #[cfg(feature = "serde")]
    {
        let s = serde_json::to_string(&sli).unwrap();
        let e = serde_json::to_string(&ev).unwrap();
        (
            serde_json::from_str(&s).unwrap(),
            serde_json::from_str(&e).unwrap(),
        )
    }
    #[cfg(not(feature = "serde"))]
    {
        (sli, ev)
    }
}

/// What one evaluation showed: its minute, transitions, every pair's status, the budget.
type Tick = (
    u64,
    Vec<(usize, Transition)>,
    Vec<PairStatus>,
    Option<BudgetStatus>,
);

/// Runs `rows[m − 1]` = (good, bad) of minute `m`, evaluating at the end of every minute
/// except the `down` minutes after minute `save` (nothing recorded or evaluated then).
/// With `restart`, the process saves after minute `save` and a new one restores.
/// Returns the ticks after `save`, and the saved pair states.
fn run(rows: &[(u64, u64)], save: u64, down: u64, restart: bool) -> (Vec<Tick>, Vec<PairState>) {
    let mut sli = SliWindow::new(MONTH).unwrap();
    let mut ev = evaluator();
    let mut ticks = Vec::new();
    let mut saved = Vec::new();
    for (m, &(good, bad)) in (1u64..).zip(rows) {
        if m > save && m <= save + down {
            continue;
        }
        sli.record_counts(Timestamp::from_secs(60 * m - 30), good, bad);
        let now = Timestamp::from_mins(m);
        let events = ev.evaluate(now, &sli).unwrap();
        let transitions = events.iter().map(|e| (e.pair, e.transition)).collect();
        if m > save {
            ticks.push((m, transitions, ev.status().to_vec(), ev.budget()));
        }
        if m == save {
            let state = ev.state();
            saved = state.pairs().to_vec();
            if restart {
                let (s, e) = through_file(sli.state(), state);
                sli = SliWindow::from_state(s).unwrap();
                ev = evaluator();
                ev.restore(&e).unwrap();
            }
        }
    }
    (ticks, saved)
}

/// 1,000 requests a minute; all bad in minutes 61..=70.
fn incident() -> Vec<(u64, u64)> {
    (1..=200)
        .map(|m| {
            if (61..=70).contains(&m) {
                (0, 1000)
            } else {
                (1000, 0)
            }
        })
        .collect()
}

#[test]
fn a_restart_mid_incident_changes_no_transition() {
    let rows = incident();
    let (mut pending, mut kept) = (false, false);
    for save in (40..=110).chain((0..=200).step_by(23)) {
        for down in [0, 3, 20] {
            let (oracle, saved) = run(&rows, save, down, false);
            let (restarted, again) = run(&rows, save, down, true);
            assert_eq!(saved, again);
            assert_eq!(
                restarted, oracle,
                "saved after minute {save}, down {down} minutes"
            );
            pending |= saved.iter().any(|p| p.state() == AlertState::Pending);
            // Firing with the condition false: kept by keep_firing_for at the save.
            kept |= saved
                .iter()
                .any(|p| p.state() == AlertState::Firing && p.keep_firing_since().is_some());
        }
    }
    assert!(
        pending,
        "some save fell while an alert was pending under `for`"
    );
    assert!(
        kept,
        "some save fell while an alert was kept by `keep_firing_for`"
    );
    // The incident pages once and resolves once per pair in the straight run.
    let (all, _) = run(&rows, 0, 0, false);
    let firing = all
        .iter()
        .flat_map(|t| &t.1)
        .filter(|(_, tr)| *tr == Transition::Firing)
        .count();
    assert_eq!(firing, 4);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random traffic with bursts of errors, a random save point and downtime.
    #[test]
    fn a_restart_anywhere_changes_nothing(
        rows in proptest::collection::vec(
            prop_oneof![4 => (0u64..200, 0u64..2), 1 => (0u64..50, 0u64..200)], 1..160),
        save in 0u64..160,
        down in prop_oneof![Just(0u64), 0u64..90],
    ) {
        let (oracle, _) = run(&rows, save, down, false);
        let (restarted, _) = run(&rows, save, down, true);
        prop_assert_eq!(restarted, oracle);
    }
}

#[test]
fn a_state_of_another_policy_or_objective_is_refused() {
    let mut ev = evaluator();
    let sli = SliWindow::new(MONTH).unwrap();
    sli.record_counts(Timestamp::from_mins(1), 0, 10);
    ev.evaluate(Timestamp::from_mins(1), &sli).unwrap();
    let saved = ev.state();
    let mismatch = |objective: f64, policy: AlertPolicy| {
        let mut other =
            Evaluator::new(Objective::new(objective).unwrap(), policy, config()).unwrap();
        let before = other.status().to_vec();
        let err = other.restore(&saved).unwrap_err();
        assert_eq!(other.status(), before, "nothing changes on error");
        match err {
            Error::StateMismatch { what, .. } => what,
            e => panic!("{e:?}"),
        }
    };
    let workbook = AlertPolicy::workbook(MONTH).unwrap();
    assert_eq!(mismatch(0.99, workbook.clone()), "objective");
    let four_weeks = Duration::from_secs(28 * 86_400);
    assert_eq!(
        mismatch(0.999, AlertPolicy::workbook(four_weeks).unwrap()),
        "period"
    );
    let pairs = workbook.pairs().to_vec();
    let fewer = AlertPolicy::new(MONTH, pairs[..3].to_vec()).unwrap();
    assert_eq!(mismatch(0.999, fewer), "number of alert pairs");
    let with = |i: usize, p: AlertPair| {
        let mut ps = pairs.clone();
        ps[i] = p;
        AlertPolicy::new(MONTH, ps).unwrap()
    };
    let h = |x: u64| Duration::from_secs(3600 * x);
    let p = &pairs[1];
    let renamed = AlertPair::new(
        "other",
        p.severity(),
        p.long_window(),
        p.short_window(),
        p.burn_rate(),
    )
    .unwrap();
    assert_eq!(mismatch(0.999, with(1, renamed)), "name of alert pair 1");
    let longer = AlertPair::new(
        p.name(),
        p.severity(),
        h(7),
        p.short_window(),
        p.burn_rate(),
    )
    .unwrap();
    assert_eq!(
        mismatch(0.999, with(1, longer)),
        format!("long window of alert pair {}", p.name())
    );
    let shorter =
        AlertPair::new(p.name(), p.severity(), p.long_window(), h(1), p.burn_rate()).unwrap();
    assert_eq!(
        mismatch(0.999, with(1, shorter)),
        format!("short window of alert pair {}", p.name())
    );
    let faster = AlertPair::new(
        p.name(),
        Severity::Ticket,
        p.long_window(),
        p.short_window(),
        7.0,
    )
    .unwrap();
    assert_eq!(
        mismatch(0.999, with(1, faster)),
        format!("burn rate of alert pair {}", p.name())
    );
    // The same objective and policy take it, whatever the configuration.
    let mut same = Evaluator::new(
        Objective::new(0.999).unwrap(),
        AlertPolicy::workbook(MONTH).unwrap(),
        AlertConfig::service_default(),
    )
    .unwrap();
    same.restore(&saved).unwrap();
    assert_eq!(same.state(), saved);
}

#[cfg(feature = "serde")]
#[test]
fn an_unreachable_pair_state_is_refused_when_read() {
    let mut ev = evaluator();
    let sli = SliWindow::new(MONTH).unwrap();
    sli.record_counts(Timestamp::from_mins(1), 0, 10);
    ev.evaluate(Timestamp::from_mins(1), &sli).unwrap();
    let json = serde_json::to_string(&ev.state()).unwrap();
    assert!(
        json.contains(r#""state":"Pending","active_at":60000000000,"keep_firing_since":null"#),
        "{json}"
    );
    for (from, to, says) in [
        (
            r#""active_at":60000000000"#,
            r#""active_at":null"#,
            "a pending alert has an `active_at`",
        ),
        (
            r#""state":"Pending""#,
            r#""state":"Inactive""#,
            "an inactive alert has neither",
        ),
        (
            r#""keep_firing_since":null"#,
            r#""keep_firing_since":1"#,
            "only a firing one is kept",
        ),
    ] {
        let bad = json.replacen(from, to, 1);
        let err = serde_json::from_str::<EvaluatorState>(&bad).unwrap_err();
        assert!(err.to_string().contains(says), "{bad}: {err}");
    }
}
