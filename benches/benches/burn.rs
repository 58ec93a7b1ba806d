//! `burn_eval/*`: one evaluation tick of the workbook's four-pair policy (page 1h/5m,
//! 6h/30m; ticket 1d/2h, 3d/6h) plus the 30-day budget, on 30 days of per-minute data.
//!
//! - `sre`: `sre_budget::Evaluator` reading a live `sre_metrics::sli::SliWindow`
//!   (cumulative rings: each window is a difference of two readings).
//! - `sre_minute_series`: the same evaluator on `sre_budget::MinuteSeries`.
//! - `naive_resum` (baseline): the same evaluator on a plain 43,200-bucket array that
//!   re-sums every window's buckets each tick (49,535 bucket reads per tick).

use core::time::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use sre_budget::{
    AlertConfig, AlertPolicy, Error, Evaluator, EventCounts, MinuteSeries, WindowCounts,
};
use sre_core::{Objective, Timestamp};
use sre_metrics::sli::SliWindow;
use std::hint::black_box;

const MONTH_MIN: u64 = 30 * 24 * 60;

/// One (good, bad) per minute over the last 30 days, re-summed for every query.
struct NaiveBuckets {
    minutes: Vec<(u64, u64)>,
}

impl EventCounts for NaiveBuckets {
    fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
        let t = usize::try_from(now.as_secs() / 60)
            .unwrap_or(usize::MAX)
            .min(self.minutes.len());
        let w = usize::try_from(window.as_secs() / 60).unwrap_or(usize::MAX);
        let (mut good, mut total) = (0u64, 0u64);
        for &(g, b) in &self.minutes[t.saturating_sub(w)..t] {
            good += g;
            total += g + b;
        }
        Ok(WindowCounts { good, total })
    }
}

fn traffic(m: u64) -> (u64, u64) {
    let bad = if m % 97 < 3 {
        40
    } else {
        u64::from(m.is_multiple_of(5))
    };
    (1_000 - bad, bad)
}

fn evaluator() -> Evaluator {
    let month = Duration::from_secs(MONTH_MIN * 60);
    Evaluator::new(
        Objective::new(0.999).unwrap(),
        AlertPolicy::workbook(month).unwrap(),
        AlertConfig::default(),
    )
    .unwrap()
}

fn burn_eval(c: &mut Criterion) {
    let month = Duration::from_secs(MONTH_MIN * 60);
    let sli = SliWindow::new(month).unwrap();
    let mut series = MinuteSeries::new(month).unwrap();
    let mut naive = NaiveBuckets {
        minutes: Vec::with_capacity(43_200),
    };
    for m in 1..=MONTH_MIN {
        let (g, b) = traffic(m);
        sli.record_counts(Timestamp::from_mins(m), g, b);
        series.push(g, b);
        naive.minutes.push((g, b));
    }
    let now = Timestamp::from_mins(MONTH_MIN);
    // All three sources must drive the evaluator to the same state.
    let (mut a, mut b, mut n) = (evaluator(), evaluator(), evaluator());
    a.evaluate(now, &sli).unwrap();
    b.evaluate(now, &series).unwrap();
    n.evaluate(now, &naive).unwrap();
    assert_eq!(b.status(), n.status());
    assert_eq!(
        a.status().iter().map(|s| s.state).collect::<Vec<_>>(),
        n.status().iter().map(|s| s.state).collect::<Vec<_>>()
    );

    let mut g = c.benchmark_group("burn_eval");
    g.bench_function("sre", |bch| {
        bch.iter(|| black_box(a.evaluate(black_box(now), &sli).unwrap().len()))
    });
    g.bench_function("sre_minute_series", |bch| {
        bch.iter(|| black_box(b.evaluate(black_box(now), &series).unwrap().len()))
    });
    g.bench_function("naive_resum", |bch| {
        bch.iter(|| black_box(n.evaluate(black_box(now), &naive).unwrap().len()))
    });
    g.finish();
}

criterion_group!(benches, burn_eval);
criterion_main!(benches);
