//! Issue 15, D10: at 2^64 events, counts used to wrap or saturate and answers went
//! silently wrong (a histogram whose total passed 2^64 reported count 3 and a quantile of
//! 5; `SliWindow::record_counts(t, u64::MAX, u64::MAX)` gave an error ratio of 0). Now the
//! overflow is reported: the exact answer (computed in u128 here) or a typed error.

use core::time::Duration;
use sre_core::Timestamp;
use sre_metrics::sli::SliWindow;
use sre_metrics::{Error, Histogram, HistogramConfig};

fn config() -> HistogramConfig {
    HistogramConfig::new(1, 1_000_000, 3).unwrap()
}

#[test]
fn a_histogram_total_past_u64_is_reported_not_wrapped() {
    // The case: u64::MAX values at 5, then 4 more higher up: the true total is
    // 2^64 + 3, which wrapped to 3, and the median came out as 5.
    for shards in [1, 2] {
        let h = Histogram::with_shards(config(), shards).unwrap();
        h.record_n(5, u64::MAX);
        h.record_n(1_000, 4);
        let s = h.snapshot();
        assert!(s.is_overflowed());
        assert_eq!(s.count(), u64::MAX, "saturated, not 3");
        assert_eq!(s.quantile(0.5), Err(Error::CountOverflow));
        assert_eq!(s.quantiles(&[0.5, 0.99]), Err(Error::CountOverflow));
        assert_eq!(s.count_at_or_below(5), u64::MAX);
        // Intervals, deltas and merges say so too.
        let mut r = h.intervals();
        assert!(r.next_interval().is_overflowed());
        assert!(r.cumulative().is_overflowed());
        assert!(
            s.delta(&sre_metrics::Snapshot::empty(config()))
                .unwrap()
                .is_overflowed()
        );
    }
}

#[test]
fn sums_over_shards_past_u64_are_reported() {
    // Two threads each add 2^63 to the same bucket: the bucket's sum over the shards is
    // 2^64, which wraps to 0.
    let h = Histogram::with_shards(config(), 2).unwrap();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| h.record_n(7, 1 << 63));
        }
    });
    let snap = h.snapshot();
    assert!(snap.is_overflowed());
    assert_eq!(snap.quantile(1.0), Err(Error::CountOverflow));
}

#[test]
fn a_merge_past_u64_is_reported() {
    let h = Histogram::with_shards(config(), 1).unwrap();
    h.record_n(10, (1 << 62) + 1);
    let one = h.snapshot();
    assert!(!one.is_overflowed());
    let mut sum = one.clone();
    for _ in 0..3 {
        sum.merge(&one).unwrap();
    }
    // 4 × (2^62 + 1) = 2^64 + 4.
    assert!(sum.is_overflowed());
    assert_eq!(sum.quantile(0.5), Err(Error::CountOverflow));
}

#[test]
fn counts_below_the_bound_stay_exact() {
    let h = Histogram::with_shards(config(), 1).unwrap();
    h.record_n(5, (1 << 63) - 10);
    h.record_n(1_000, 9);
    let s = h.snapshot();
    assert!(!s.is_overflowed());
    assert_eq!(s.count(), (1 << 63) - 1);
    assert_eq!(s.quantile(0.5), Ok(5));
    // One bulk add taking a counter to 2^63 crosses the headroom the record path of
    // single values relies on.
    h.record_n(5, 10);
    assert!(h.snapshot().is_overflowed());
}

#[test]
fn sli_window_totals_past_u64_are_refused_and_ratios_stay_right() {
    let max = u64::MAX;
    let now = Timestamp::from_mins(1);
    let m = Duration::from_secs(60);
    let sli = SliWindow::with_stripes(Duration::from_secs(3600), 1).unwrap();
    sli.record_counts(now, max, max);
    assert!(
        !sli.is_saturated(),
        "u64::MAX of each kind is within the bound"
    );
    // good + bad = 2^65 − 2: no u64 total; the error was a ratio of 0 (total saturated
    // to the good count).
    assert_eq!(
        sli.counts(now, m),
        Err(Error::WindowTotalOverflow {
            window: m,
            good: max,
            bad: max
        })
    );
    let plan = sli.plan([m]).unwrap();
    assert_eq!(sli.error_ratios(now, &plan).unwrap(), [Some(0.5)]);

    // One more bad event wraps the cumulative bad count: every query refuses.
    sli.record(now, false);
    assert!(sli.is_saturated());
    assert_eq!(sli.counts(now, m), Err(Error::SliSaturated));
    assert_eq!(sli.error_ratios(now, &plan), Err(Error::SliSaturated));
    assert_eq!(sli.counts_planned(now, &plan), Err(Error::SliSaturated));
}

#[test]
fn sli_window_sum_of_stripes_past_u64_is_refused() {
    let sli = SliWindow::with_stripes(Duration::from_secs(3600), 2).unwrap();
    let now = Timestamp::from_mins(1);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| sli.record_counts(now, 1 << 63, 0));
        }
    });
    // If both threads landed on one stripe it wrapped; else the sum does: either way.
    assert!(sli.is_saturated());
    assert_eq!(
        sli.counts(now, Duration::from_secs(60)),
        Err(Error::SliSaturated)
    );
}

#[test]
fn an_interval_whose_bucket_sum_passes_u64_is_reported() {
    // Four threads add 2^62 each to one bucket (below the bulk check's 2^63): the bucket's
    // change over the shards in this interval is 2^64, which wraps to 0.
    let h = Histogram::with_shards(config(), 4).unwrap();
    let mut r = h.intervals();
    assert!(!r.next_interval().is_overflowed());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| h.record_n(7, 1 << 62));
        }
    });
    let i = r.next_interval();
    assert!(i.is_overflowed());
    assert_eq!(i.quantile(0.5), Err(Error::CountOverflow));
    assert!(h.snapshot().is_overflowed());
}
