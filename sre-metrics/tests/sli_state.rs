//! `SliWindow::state` / `from_state`: a window saved at a random point (through JSON with
//! feature `serde`) and restored answers every query as the window that was never saved
//! (the oracle), and both agree with a slow exact model of minute counts; the downtime
//! of a restart is no data; a state taken while threads record loses and doubles nothing.

use core::time::Duration;
use proptest::prelude::*;
use sre_core::Timestamp;
use sre_metrics::sli::{SliWindow, SliWindowState};

const NS_MIN: u64 = 60_000_000_000;

fn mins(m: u64) -> Duration {
    Duration::from_secs(60 * m)
}

/// The state as the checkpoint file carries it: through JSON with feature `serde`.
fn round_trip(state: &SliWindowState) -> SliWindowState {
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(state).unwrap();
        serde_json::from_str(&json).unwrap()
    }
    #[cfg(not(feature = "serde"))]
    {
        state.clone()
    }
}

/// The truth: each event with the minute it is counted in (`⌈t / 1 min⌉`, clamped to the
/// latest minute seen, as the window documents).
#[derive(Default)]
struct Model {
    latest: u64,
    events: Vec<(u64, u64, u64)>,
}

impl Model {
    fn see(&mut self, t: u64) -> u64 {
        self.latest = self.latest.max(t.div_ceil(NS_MIN));
        self.latest
    }
    /// (good, total) in minutes `end − w + 1 ..= end`.
    fn window(&self, end: u64, w: u64) -> (u64, u64) {
        let lo = i128::from(end) - i128::from(w);
        self.events
            .iter()
            .filter(|(m, _, _)| i128::from(*m) > lo && *m <= end)
            .fold((0, 0), |(g, t), (_, eg, eb)| (g + eg, t + eg + eb))
    }
}

#[derive(Debug, Clone)]
enum Op {
    Record {
        dt: u64,
        back: bool,
        good: u64,
        bad: u64,
    },
    Query {
        dt: u64,
        window: u64,
    },
    Advance {
        dt: u64,
    },
}

fn ops(scale: u64) -> impl Strategy<Value = Vec<Op>> {
    let dt = prop_oneof![
        4 => 0..2 * NS_MIN,
        2 => (0u64..3).prop_map(|k| k * NS_MIN),
        1 => (0..scale).prop_map(|k| k * NS_MIN),
    ];
    let op = prop_oneof![
        4 => (dt.clone(), proptest::bool::weighted(0.1), 0u64..5, 0u64..3)
            .prop_map(|(dt, back, good, bad)| Op::Record { dt, back, good, bad }),
        1 => (dt.clone(), 1u64..=u64::MAX).prop_map(|(dt, window)| Op::Query { dt, window }),
        1 => dt.prop_map(|dt| Op::Advance { dt }),
    ];
    proptest::collection::vec(op, 1..150)
}

/// Applies one op to every window in `ws` and the model; a query compares them.
fn apply(
    op: &Op,
    t: &mut u64,
    ws: &[&SliWindow],
    model: &mut Model,
    exact_span: u64,
) -> Result<(), TestCaseError> {
    match *op {
        Op::Record {
            dt,
            back,
            good,
            bad,
        } => {
            *t += dt;
            // Sometimes a clock a little behind: counted in the latest minute.
            let at = if back { t.saturating_sub(dt) } else { *t };
            for w in ws {
                w.record_counts(Timestamp::from_nanos(at), good, bad);
            }
            let m = model.see(at);
            model.events.push((m, good, bad));
        }
        Op::Query { dt, window } => {
            *t += dt;
            let horizon = ws[0].horizon().as_secs() / 60;
            compare(ws, model, *t, 1 + window % horizon, exact_span)?;
        }
        Op::Advance { dt } => {
            *t += dt;
            for w in ws {
                w.advance(Timestamp::from_nanos(*t));
            }
            model.see(*t);
        }
    }
    Ok(())
}

/// Every window gives the same counts for a `w`-minute window at `t`, and the model's
/// for a window within the exact span.
fn compare(
    ws: &[&SliWindow],
    model: &mut Model,
    t: u64,
    w: u64,
    exact_span: u64,
) -> Result<(), TestCaseError> {
    let now = Timestamp::from_nanos(t);
    let first = ws[0].counts(now, mins(w)).unwrap();
    for other in &ws[1..] {
        prop_assert_eq!(
            other.counts(now, mins(w)).unwrap(),
            first,
            "window {} at {}",
            w,
            t
        );
    }
    let end = model.see(t);
    if w <= exact_span {
        prop_assert_eq!(
            (first.good, first.total),
            model.window(end, w),
            "window {} at minute {}",
            w,
            end
        );
    }
    Ok(())
}

/// Every window length (stepped) and the totals, on every window, at `t`.
fn compare_all(ws: &[&SliWindow], model: &mut Model, t: u64) -> Result<(), TestCaseError> {
    let horizon = ws[0].horizon().as_secs() / 60;
    let exact_span = ws[0].layout().exact_span().as_secs() / 60;
    for w in (1..=horizon)
        .step_by(usize::try_from(horizon / 61 + 1).unwrap())
        .chain([horizon])
    {
        compare(ws, model, t, w, exact_span)?;
    }
    for other in &ws[1..] {
        prop_assert_eq!(other.totals(), ws[0].totals());
        prop_assert_eq!(other.observed_since(), ws[0].observed_since());
    }
    let all = model.window(model.latest, u64::MAX);
    prop_assert_eq!((ws[0].totals().good, ws[0].totals().total), all);
    Ok(())
}

/// Runs `ops`, saves after `save_at` of them, restores, runs the rest on the original
/// (the oracle) and the restored window side by side.
fn check(horizon: u64, save_at: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let original = SliWindow::new(mins(horizon)).unwrap();
    let exact_span = original.layout().exact_span().as_secs() / 60;
    let mut model = Model::default();
    let mut t = 0u64;
    let save_at = save_at % (ops.len() + 1);
    for op in &ops[..save_at] {
        apply(op, &mut t, &[&original], &mut model, exact_span)?;
    }
    let saved = original.state();
    let restored = SliWindow::from_state(round_trip(&saved)).unwrap();
    prop_assert_eq!(
        &restored.state(),
        &saved,
        "a restored window saves the same state"
    );
    // At the saved head minute, every query answers as the original.
    let head = saved.head_minute() * NS_MIN;
    compare_all(&[&original, &restored], &mut model, head.max(t))?;
    for op in &ops[save_at..] {
        apply(op, &mut t, &[&original, &restored], &mut model, exact_span)?;
    }
    compare_all(&[&original, &restored], &mut model, t)?;
    prop_assert_eq!(restored.state(), original.state());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Horizons up to 2 hours (one exact ring), gaps of up to 3 hours.
    #[test]
    fn restored_short_windows_answer_as_the_original(
        horizon in 1u64..=120, save_at in any::<usize>(), ops in ops(180),
    ) {
        check(horizon, save_at, &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// 4- and 30-day horizons (exact and coarse rings), gaps of up to 2 days.
    #[test]
    fn restored_long_windows_answer_as_the_original(
        days in prop_oneof![Just(4u64), Just(30)], save_at in any::<usize>(), ops in ops(2 * 1440),
    ) {
        check(days * 1440, save_at, &ops)?;
    }
}

#[test]
fn the_downtime_of_a_restart_is_no_data() {
    let six_hours = mins(360);
    let sli = SliWindow::new(six_hours).unwrap();
    for m in 41..=100 {
        sli.record_counts(Timestamp::from_mins(m), 99, 1);
    }
    let back = SliWindow::from_state(round_trip(&sli.state())).unwrap();
    // Down from minute 100 to 160: minutes 101..=159 hold nothing, no data, not good.
    let gap = back.counts(Timestamp::from_mins(159), mins(59)).unwrap();
    assert_eq!(gap.error_ratio(), None);
    back.record_counts(Timestamp::from_mins(160), 10, 5);
    let now = Timestamp::from_mins(160);
    let hour = back.counts(now, mins(60)).unwrap();
    assert_eq!((hour.good, hour.total), (10, 15), "only the new minute");
    let six = back.counts(now, six_hours).unwrap();
    assert_eq!((six.good, six.total), (60 * 99 + 10, 60 * 100 + 15), "both");
    assert_eq!(back.totals().total, 60 * 100 + 15);
    // The data still starts at minute 41; the span covers the downtime.
    assert_eq!(back.observed_since(), Some(41));
    assert_eq!(back.observed(now), Some(mins(120)));
}

#[cfg(feature = "serde")]
#[test]
fn deserializing_checks_the_state() {
    let sli = SliWindow::new(mins(60)).unwrap();
    sli.record_counts(Timestamp::from_mins(3), 5, 1);
    sli.advance(Timestamp::from_mins(4));
    let json = serde_json::to_string(&sli.state()).unwrap();
    assert_eq!(
        json,
        r#"{"horizon_minutes":60,"head_minute":4,"observed_since_minute":3,"good":5,"bad":1,"exact":[[0,0],[0,0],[0,0],[5,1]],"coarse":[]}"#
    );
    for (from, to, names) in [
        (
            r#""good":5"#,
            r#""good":4"#,
            "`good` at the end of minute 4 is 4",
        ),
        (r#"[[0,0],[0,0],"#, r#"[[0,0],"#, "`exact` holds 3 entries"),
        (
            r#""head_minute":4"#,
            r#""head_minute":2"#,
            "`observed_since_minute` is minute 3",
        ),
        (
            r#""horizon_minutes":60"#,
            r#""horizon_minutes":0"#,
            "horizon",
        ),
    ] {
        let bad = json.replace(from, to);
        let err = serde_json::from_str::<SliWindowState>(&bad).unwrap_err();
        assert!(err.to_string().contains(names), "{bad}: {err}");
    }
}

#[test]
fn a_state_taken_while_threads_record_loses_and_doubles_nothing() {
    const THREADS: u64 = 3;
    const EACH: u64 = 30_000;
    let sli = std::sync::Arc::new(SliWindow::with_stripes(mins(120), 4).unwrap());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let writers: Vec<_> = (0..THREADS)
        .map(|k| {
            let (sli, done) = (sli.clone(), done.clone());
            std::thread::spawn(move || {
                for i in 0..EACH {
                    // Across 30 minute boundaries, so rotations run during the saves.
                    sli.record(
                        Timestamp::from_nanos(1 + i * NS_MIN / 1000),
                        (i + k) % 4 != 0,
                    );
                }
                done.fetch_add(1, std::sync::atomic::Ordering::Release);
            })
        })
        .collect();
    let mut last = 0;
    let mut states = 0;
    while done.load(std::sync::atomic::Ordering::Acquire) < THREADS {
        let s = sli.state();
        let total = s.totals().total;
        assert!(total >= last, "states never go back: {total} < {last}");
        last = total;
        // A cut of the live counters: it passes every check and restores with the
        // full-horizon window holding exactly its totals.
        let head = Timestamp::from_mins(s.head_minute());
        let back = SliWindow::from_state(s.clone()).unwrap();
        assert_eq!(back.counts(head, mins(120)).unwrap(), s.totals());
        states += 1;
    }
    for w in writers {
        w.join().unwrap();
    }
    let s = sli.state();
    let per = (0..THREADS)
        .map(|k| (0..EACH).filter(|i| (i + k) % 4 != 0).count() as u64)
        .sum::<u64>();
    assert_eq!((s.totals().good, s.totals().total), (per, THREADS * EACH));
    assert!(states > 0);
}
