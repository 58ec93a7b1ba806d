//! `SliWindow` against an exact model that keeps every event with its timestamp, and
//! under concurrent writers across minute rotation.

use super::*;
use crate::Error;
use core::time::Duration;
use proptest::prelude::*;
use sre_core::Timestamp;

const NS_MIN: u64 = 60_000_000_000;

/// The truth: every event with the minute it is counted in, computed independently of
/// the implementation (`⌈t / 1 min⌉` in u128, and the clamp to the latest minute seen).
#[derive(Default)]
struct Model {
    latest: u64,
    events: Vec<(u64, u64, u64)>,
}

impl Model {
    fn minute(t: u64) -> u64 {
        u64::try_from(u128::from(t).div_ceil(u128::from(NS_MIN))).unwrap()
    }
    fn see(&mut self, t: u64) -> u64 {
        self.latest = self.latest.max(Self::minute(t));
        self.latest
    }
    fn record(&mut self, t: u64, good: u64, bad: u64) {
        let m = self.see(t);
        self.events.push((m, good, bad));
    }
    /// (good, bad) counted in minutes `lo + 1 ..= hi` (minutes are ≥ 0).
    fn between(&self, lo: i128, hi: i128) -> (u64, u64) {
        self.events
            .iter()
            .filter(|(m, _, _)| i128::from(*m) > lo && i128::from(*m) <= hi)
            .fold((0, 0), |(g, b), (_, eg, eb)| (g + eg, b + eb))
    }
}

#[derive(Debug, Clone)]
enum Op {
    Record { dt: i64, good: u64, bad: u64 },
    Query { dt: i64, window: u64 },
    Advance { dt: i64 },
}

/// A time step: mostly forward, landing on, just before and just after minute
/// boundaries, sometimes a gap of hours or days, sometimes backwards.
fn step(scale: u64) -> impl Strategy<Value = i64> {
    let ns = |x: u64| i64::try_from(x).unwrap();
    prop_oneof![
        4 => (0..3 * NS_MIN).prop_map(ns),
        3 => (0u64..4).prop_map(move |k| ns(k * NS_MIN)),
        2 => (0u64..3, prop_oneof![Just(-1i64), Just(1i64)]).prop_map(move |(k, e)| ns(k * NS_MIN) + e),
        1 => (0..scale).prop_map(move |k| ns(k * NS_MIN)),
        1 => (0..10 * NS_MIN).prop_map(move |x| -ns(x)),
    ]
}

fn ops(horizon: u64, scale: u64, len: usize) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        3 => (step(scale), 0u64..5, 0u64..3).prop_map(|(dt, good, bad)| Op::Record { dt, good, bad }),
        1 => (step(scale), 1..=horizon).prop_map(|(dt, window)| Op::Query { dt, window }),
        1 => step(scale).prop_map(|dt| Op::Advance { dt }),
    ];
    proptest::collection::vec(op, 1..len)
}

/// Runs `ops` on a window and the model side by side; checks every query, and at the end
/// every window length at the last time.
fn check(horizon: u64, stripes: usize, start: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    let sli = SliWindow::with_stripes(Duration::from_secs(60 * horizon), stripes).unwrap();
    let layout = *sli.layout();
    let mut model = Model::default();
    let mut t = start;
    let compare = |sli: &SliWindow, model: &mut Model, t: u64, w: u64| {
        let got = sli
            .counts(Timestamp::from_nanos(t), Duration::from_secs(60 * w))
            .unwrap();
        let end = model.see(t);
        let start = i128::from(end) - i128::from(w);
        let (g, b) = model.between(start, i128::from(end));
        prop_assert!(got.good <= got.total);
        if w <= layout.exact || start <= 0 || start % i128::from(layout.coarse) == 0 {
            prop_assert_eq!(
                (got.good, got.bad()),
                (g, b),
                "window {} at minute {}",
                w,
                end
            );
        } else {
            // The start lies inside coarse bucket (b0·G, (b0+1)·G]: off by at most its events.
            let gsz = i128::from(layout.coarse);
            let b0 = start.div_euclid(gsz);
            let (bg, bb) = model.between(b0 * gsz, (b0 + 1) * gsz);
            prop_assert!(
                got.good.abs_diff(g) <= bg,
                "good {} vs {} ± {}",
                got.good,
                g,
                bg
            );
            prop_assert!(
                got.bad().abs_diff(b) <= bb,
                "bad {} vs {} ± {}",
                got.bad(),
                b,
                bb
            );
        }
        Ok(())
    };
    for op in ops {
        match *op {
            Op::Record { dt, good, bad } => {
                t = t.saturating_add_signed(dt);
                if good + bad == 1 {
                    sli.record(Timestamp::from_nanos(t), good == 1);
                } else {
                    sli.record_counts(Timestamp::from_nanos(t), good, bad);
                }
                model.record(t, good, bad);
            }
            Op::Query { dt, window } => {
                t = t.saturating_add_signed(dt);
                compare(&sli, &mut model, t, window)?;
            }
            Op::Advance { dt } => {
                t = t.saturating_add_signed(dt);
                sli.advance(Timestamp::from_nanos(t));
                model.see(t);
            }
        }
    }
    let mut prev = 0;
    for w in (1..=horizon)
        .step_by(usize::try_from(horizon / 97 + 1).unwrap())
        .chain([horizon])
    {
        compare(&sli, &mut model, t, w)?;
        let total = sli
            .counts(Timestamp::from_nanos(t), Duration::from_secs(60 * w))
            .unwrap()
            .total;
        prop_assert!(total >= prev, "totals grow with the window");
        prev = total;
    }
    // The batched read (one pass, exact and coarse windows mixed, in any order) gives
    // each window's single answer.
    let ws = [
        horizon,
        1,
        horizon.div_ceil(2),
        layout.exact,
        horizon / 3 + 1,
        2,
        horizon,
    ]
    .map(|m| Duration::from_secs(60 * m.clamp(1, horizon)));
    let now = Timestamp::from_nanos(t);
    let batch = sli.counts_many(now, ws).unwrap();
    for (got, w) in batch.into_iter().zip(ws) {
        prop_assert_eq!(got, sli.counts(now, w).unwrap(), "window {:?}", w);
    }
    // A plan of the same windows gives the same counts, and each ratio is exactly the
    // one of those counts (bit for bit).
    let plan = sli.plan(ws).unwrap();
    prop_assert_eq!(sli.counts_planned(now, &plan).unwrap(), batch);
    let ratios = sli.error_ratios(now, &plan).unwrap();
    for (r, c) in ratios.iter().zip(&batch) {
        prop_assert_eq!(r.map(f64::to_bits), c.error_ratio().map(f64::to_bits));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Horizons up to 2 hours: every window exact against the model.
    #[test]
    fn short_horizons_are_exact(
        horizon in 1u64..=120,
        stripes in prop_oneof![Just(1usize), Just(2), Just(8)],
        start in prop_oneof![Just(0u64), 0..u64::MAX / 2],
        ops in ops(120, 200, 120),
    ) {
        let ops: Vec<Op> = ops.into_iter().map(|op| match op {
            Op::Query { dt, window } => Op::Query { dt, window: 1 + (window - 1) % horizon },
            r => r,
        }).collect();
        check(horizon, stripes, start, &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// 4- and 30-day horizons over weeks of traffic: exact up to 3 days, within one
    /// coarse bucket's events beyond.
    #[test]
    fn long_horizons_are_exact_to_three_days_and_bounded_beyond(
        days in prop_oneof![Just(4u64), Just(30)],
        start in 0u64..NS_MIN * 1_000_000,
        ops in ops(30 * 1440, 2 * 1440, 160),
    ) {
        let horizon = days * 1440;
        let ops: Vec<Op> = ops.into_iter().map(|op| match op {
            Op::Query { dt, window } => Op::Query { dt, window: 1 + (window - 1) % horizon },
            r => r,
        }).collect();
        check(horizon, 2, start, &ops)?;
    }
}

#[test]
fn minute_k_holds_events_in_the_half_open_minute() {
    let sli = SliWindow::new(Duration::from_secs(3600)).unwrap();
    let w = |m: u64| Duration::from_secs(60 * m);
    sli.record(Timestamp::from_nanos(4 * NS_MIN + 1), true); // minute 5
    sli.record(Timestamp::from_mins(5), true); // minute 5
    sli.record(Timestamp::from_nanos(5 * NS_MIN + 1), false); // minute 6
    sli.record(Timestamp::from_mins(6), false); // minute 6
    // At the end of minute 6, a 1-minute window is minute 6 only.
    let c = sli.counts(Timestamp::from_mins(6), w(1)).unwrap();
    assert_eq!((c.good, c.total), (0, 2));
    // 2 minutes: minutes 5 and 6.
    let c = sli.counts(Timestamp::from_mins(6), w(2)).unwrap();
    assert_eq!((c.good, c.total), (2, 4));
    // Inside minute 7 (open, empty so far) the 1-minute window is empty: no data.
    let c = sli
        .counts(Timestamp::from_nanos(6 * NS_MIN + 1), w(1))
        .unwrap();
    assert_eq!(c.error_ratio(), None);
    // ...and 2 minutes reach back to minute 6 only.
    let c = sli
        .counts(Timestamp::from_nanos(6 * NS_MIN + 1), w(2))
        .unwrap();
    assert_eq!((c.good, c.total), (0, 2));
}

#[test]
fn gaps_retire_old_buckets_and_time_never_runs_back() {
    let day = Duration::from_secs(86_400);
    let sli = SliWindow::new(day).unwrap();
    sli.record_counts(Timestamp::from_mins(10), 90, 10);
    // Ten days later, a full-horizon window no longer holds them: retired without events.
    let later = Timestamp::from_mins(10 + 10 * 1440);
    assert_eq!(sli.counts(later, day).unwrap().error_ratio(), None);
    // A clock stepped back: the event lands in the latest minute, the query answers as of it.
    sli.record(Timestamp::from_mins(3), false);
    let c = sli
        .counts(Timestamp::from_mins(2), Duration::from_secs(60))
        .unwrap();
    assert_eq!((c.good, c.total), (0, 1));
    // History before the step was not rewritten: the window before `later` is still empty.
    let c = sli.counts(later, day).unwrap();
    assert_eq!(c.total, 1);
    // A window exactly a horizon long at the end of the horizon's first minute.
    let sli = SliWindow::new(day).unwrap();
    sli.record(Timestamp::from_mins(1), true);
    assert_eq!(
        sli.counts(Timestamp::from_mins(1440), day).unwrap().total,
        1
    );
    assert_eq!(
        sli.counts(Timestamp::from_mins(1441), day).unwrap().total,
        0
    );
}

#[test]
fn bad_configurations_and_queries_get_typed_errors() {
    let secs = Duration::from_secs;
    assert_eq!(
        SliWindow::new(Duration::ZERO).unwrap_err(),
        Error::Core(sre_core::Error::ZeroDuration {
            what: "SLI horizon"
        })
    );
    assert!(matches!(
        SliWindow::new(secs(90)).unwrap_err(),
        Error::NotWholeMinutes {
            what: "SLI horizon",
            ..
        }
    ));
    assert!(matches!(
        SliWindow::new(secs(400 * 86_400)).unwrap_err(),
        Error::HorizonTooLong { .. }
    ));
    for bad in [0, 3, 512] {
        assert_eq!(
            SliWindow::with_stripes(secs(60), bad).unwrap_err(),
            Error::BadStripeCount {
                stripes: bad,
                max: 256
            }
        );
    }
    let sli = SliWindow::new(secs(3600)).unwrap();
    let now = Timestamp::from_mins(100);
    assert_eq!(
        sli.counts(now, secs(3660)).unwrap_err(),
        Error::WindowBeyondHorizon {
            window: secs(3660),
            horizon: secs(3600)
        }
    );
    assert!(matches!(
        sli.counts(now, Duration::ZERO).unwrap_err(),
        Error::Core(sre_core::Error::ZeroDuration { what: "SLI window" })
    ));
    let err = sli.counts(now, Duration::from_millis(60_001)).unwrap_err();
    assert!(err.to_string().contains("multiple of 60 s"), "{err}");
    assert!(sli.counts_many(now, [secs(60), secs(7200)]).is_err());
    // Plans are checked as queries are, and only fit windows of their horizon.
    assert_eq!(
        sli.plan([secs(60), secs(3660)]).unwrap_err(),
        Error::WindowBeyondHorizon {
            window: secs(3660),
            horizon: secs(3600)
        }
    );
    assert!(matches!(
        sli.plan([secs(90)]).unwrap_err(),
        Error::NotWholeMinutes { .. }
    ));
    let plan = sli.plan([secs(60), secs(3600)]).unwrap();
    let other = SliWindow::new(secs(7200)).unwrap();
    let err = other.counts_planned(now, &plan).unwrap_err();
    assert_eq!(
        err,
        Error::PlanForOtherHorizon {
            plan: secs(3600),
            horizon: secs(7200)
        }
    );
    assert!(err.to_string().contains("`plan` method"), "{err}");
    assert_eq!(other.error_ratios(now, &plan).unwrap_err(), err);
    // Any window of the same horizon takes it.
    let same = SliWindow::with_stripes(secs(3600), 4).unwrap();
    same.record_counts(now, 3, 1);
    assert_eq!(same.error_ratios(now, &plan).unwrap(), [Some(0.25); 2]);
}

/// Counts of 2^62 and more take `error_ratio`'s own conversion: the answers are those of
/// `WindowCounts::error_ratio`, and the closed form `bad / total` in `f64`.
#[test]
fn huge_counts_give_the_exact_ratios() {
    let sli = SliWindow::new(Duration::from_secs(3 * 86_400)).unwrap();
    let w = |m: u64| Duration::from_secs(60 * m);
    let plan = sli.plan([w(1), w(2), w(4320)]).unwrap();
    let (g1, b1) = ((1u64 << 62) + 12_345, 7);
    let (g2, b2) = (5, (1u64 << 63) + 99);
    sli.record_counts(Timestamp::from_mins(1), g1, b1);
    sli.record_counts(Timestamp::from_mins(2), g2, b2);
    let now = Timestamp::from_mins(2);
    let counts = sli.counts_planned(now, &plan).unwrap();
    let ratios = sli.error_ratios(now, &plan).unwrap();
    let want = [(g2, b2), (g1 + g2, b1 + b2), (g1 + g2, b1 + b2)];
    for ((r, c), (g, b)) in ratios.iter().zip(&counts).zip(want) {
        assert_eq!((c.good, c.total), (g, g + b));
        let closed = b as f64 / (g + b) as f64;
        assert_eq!(r.map(f64::to_bits), Some(closed.to_bits()));
        assert_eq!(r.map(f64::to_bits), c.error_ratio().map(f64::to_bits));
    }
    // Past 2^64 events in a window there is no u64 total: `counts` refuses, naming the
    // first such window and its counts, and the ratio is still the closed form (from the
    // exact u128 total).
    sli.record_counts(Timestamp::from_mins(2), u64::MAX / 2, 0);
    assert_eq!(
        sli.counts_planned(now, &plan),
        Err(Error::WindowTotalOverflow {
            window: w(1),
            good: g2 + u64::MAX / 2,
            bad: b2
        })
    );
    let (g, b) = (g1 + g2 + u64::MAX / 2, b1 + b2);
    let [_, r, _] = sli.error_ratios(now, &plan).unwrap();
    let closed = b as f64 / (u128::from(g) + u128::from(b)) as f64;
    assert!(
        (r.unwrap() - closed).abs() <= f64::EPSILON * closed,
        "{r:?} vs {closed}"
    );
}

#[test]
fn layout_and_memory_of_a_thirty_day_slo() {
    let sli = SliWindow::new(Duration::from_secs(30 * 86_400)).unwrap();
    let l = sli.layout();
    assert_eq!((l.exact_entries(), l.coarse_entries()), (4320, 242));
    assert!(l.window_bytes() <= 72 * 1024, "{}", l.window_bytes());
    // The default stripe count: the CPU count as a power of two, at most 8.
    let cpus = std::thread::available_parallelism().map_or(1, core::num::NonZero::get);
    let stripes = cpus.next_power_of_two().min(8);
    assert_eq!(l.stripes(), stripes);
    assert_eq!(l.stripe_bytes(), 128 * stripes);
    assert_eq!(l.total_bytes(), l.window_bytes() + 128 * stripes);
    let eight = SliWindow::with_stripes(Duration::from_secs(30 * 86_400), 8).unwrap();
    assert_eq!(eight.layout().stripe_bytes(), 1024);
    assert_eq!(eight.layout().window_bytes(), l.window_bytes());
}

/// Writers on several threads record across many minute boundaries while a reader
/// queries; afterwards every event is counted exactly once.
#[test]
fn concurrent_writers_across_rotation_lose_nothing() {
    use std::sync::Arc;
    const THREADS: u64 = 4;
    const EVENTS: u64 = 20_000;
    let sli = Arc::new(SliWindow::with_stripes(Duration::from_secs(3600), 4).unwrap());
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (sli, done) = (Arc::clone(&sli), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut last = 0;
            let mut reads = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                // 30 minutes of events, all inside the 1-hour horizon at any query time.
                let c = sli
                    .counts(Timestamp::ZERO, Duration::from_secs(3600))
                    .unwrap();
                assert!(c.good <= c.total);
                assert!(c.total >= last, "a full-horizon total never shrinks");
                last = c.total;
                reads += 1;
            }
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|i| {
            let sli = Arc::clone(&sli);
            std::thread::spawn(move || {
                for j in 0..EVENTS {
                    // 90 ms apart: 30 minutes of traffic, jittered per thread.
                    let t = Timestamp::from_millis(j * 90 + i * 7);
                    if j % 7 == 0 {
                        sli.record_counts(t, 2, 1);
                    } else {
                        sli.record(t, j % 5 != 0);
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    reader.join().unwrap();
    let per_thread_counts = (0..EVENTS).filter(|j| j % 7 == 0).count() as u64;
    let per_thread_single = EVENTS - per_thread_counts;
    let per_thread_bad_single = (0..EVENTS).filter(|j| j % 7 != 0 && j % 5 == 0).count() as u64;
    let total = THREADS * (per_thread_single + 3 * per_thread_counts);
    let bad = THREADS * (per_thread_bad_single + per_thread_counts);
    let end = Timestamp::from_mins(31);
    let c = sli.counts(end, Duration::from_secs(3600)).unwrap();
    assert_eq!((c.total, c.bad()), (total, bad));
    // The per-minute counts, read back as differences of windows, add up to the same.
    let mut sum = 0;
    let mut prev = 0;
    for w in 1..=60 {
        let t = sli.counts(end, Duration::from_secs(60 * w)).unwrap().total;
        sum += t - prev;
        prev = t;
    }
    assert_eq!(sum, total);
}

/// With steady traffic the interpolation inside a coarse bucket is exact, so windows past
/// 3 days read the same as the exact model (this catches a wrong bucket or no interpolation).
#[test]
fn steady_traffic_past_three_days_interpolates_exactly() {
    let day = 1440u64;
    let sli = SliWindow::new(Duration::from_secs(30 * 86_400)).unwrap();
    assert_eq!(
        sli.layout().coarse_bucket(),
        Some(Duration::from_secs(3 * 3600))
    );
    let end = 40 * day + 17;
    for m in 1..=end {
        sli.record_counts(Timestamp::from_mins(m), 3, 1);
    }
    for w in [
        3 * day,
        3 * day + 1,
        4 * day + 7,
        10 * day + 100,
        30 * day - 1,
        30 * day,
    ] {
        let c = sli
            .counts(Timestamp::from_mins(end), Duration::from_secs(60 * w))
            .unwrap();
        assert_eq!((c.good, c.bad()), (3 * w, w), "window {w} min");
    }
}

#[test]
fn windows_are_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SliWindow>();
    let sli = SliWindow::new(Duration::from_secs(30 * 86_400)).unwrap();
    // The fixed part the docs quote (152 bytes on 64-bit targets).
    let fixed = sli.layout().window_bytes() - (4320 + 242) * 16;
    #[cfg(target_pointer_width = "64")]
    assert_eq!(fixed, 152);
    assert!(fixed <= 256, "{fixed}");
    assert!(format!("{sli:?}").contains("SliWindow"));
}
