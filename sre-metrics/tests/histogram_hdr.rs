//! `sre-metrics`' histogram side by side with `hdrhistogram`, the reference
//! implementation: same buckets, same quantiles, min, max, mean, stdev, same counts below a
//! value, same coordinated-omission correction, lossless conversion both ways, and
//! HdrHistogram's V2 serialization and interval logs through the conversion.

use hdrhistogram::Histogram as Hdr;
use proptest::prelude::*;
use sre_metrics::{Histogram, HistogramConfig, Snapshot};

/// A configuration: lowest in 1..=2^20 (log-uniform), highest a log-uniform factor above
/// 2 × lowest, 1–3 digits (4–5 digits with narrow ranges, to keep debug tests fast).
fn configs() -> impl Strategy<Value = (u64, u64, u8)> {
    (0_u32..=20, 0_u64..1000, 1_u32..=40, 0_u64..1000, 1_u8..=5).prop_map(
        |(low_bits, low_frac, span_bits, high_frac, digits)| {
            let low = ((1_u64 << low_bits) + low_frac % (1_u64 << low_bits)).max(1);
            let span_bits = if digits >= 4 {
                span_bits.min(4)
            } else {
                span_bits
            };
            let high = (2 * low)
                .saturating_mul(1_u64 << span_bits)
                .saturating_add(high_frac * low);
            (low, high, digits)
        },
    )
}

/// Values for a configuration: log-uniform in [0, highest], plus bucket edges, 0, the
/// lowest and the highest value.
fn values_for(c: &HistogramConfig, raw: &[(u32, u64, u8)]) -> Vec<u64> {
    let high = c.highest_trackable();
    raw.iter()
        .map(|&(bits, x, kind)| {
            let bound = 1_u64 << (bits % 64);
            let v = (x % bound).min(high);
            match kind % 6 {
                0 => c.lowest_equivalent(v),
                1 => c.highest_equivalent(v).min(high),
                2 => [0, c.lowest_discernible(), high][usize::from(kind / 6 % 3)],
                _ => v,
            }
        })
        .collect()
}

fn both(c: HistogramConfig, values: &[u64]) -> (Snapshot, Hdr<u64>) {
    let ours = Histogram::with_shards(c, 2).unwrap();
    let mut hdr = Hdr::<u64>::new_with_bounds(
        c.lowest_discernible(),
        c.highest_trackable(),
        c.significant_digits(),
    )
    .unwrap();
    for &v in values {
        ours.record(v);
        hdr.record(v).unwrap();
    }
    (ours.snapshot(), hdr)
}

const QUANTILES: [f64; 12] = [
    0.0,
    1e-9,
    0.01,
    0.25,
    0.5,
    0.75,
    0.9,
    0.99,
    0.999,
    0.9999,
    1.0 - 1e-12,
    1.0,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_value_lands_in_the_same_bucket((low, high, digits) in configs(),
                                            raw in prop::collection::vec((0_u32..64, any::<u64>(), any::<u8>()), 1..64)) {
        let c = HistogramConfig::new(low, high, digits).unwrap();
        let hdr = Hdr::<u64>::new_with_bounds(low, high, digits).unwrap();
        prop_assert!(c.counters() <= c.hdrhistogram_counters());
        prop_assert_eq!(c.hdrhistogram_counters(), hdr.distinct_values());
        for v in values_for(&c, &raw) {
            prop_assert_eq!(c.lowest_equivalent(v), hdr.lowest_equivalent(v), "value {}", v);
            prop_assert_eq!(c.highest_equivalent(v), hdr.highest_equivalent(v), "value {}", v);
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // mean and stdev are summed in the same order: bit-equal
    fn queries_equal_hdrhistogram((low, high, digits) in configs(),
                                  raw in prop::collection::vec((0_u32..64, any::<u64>(), any::<u8>()), 1..300),
                                  q in 0.0_f64..=1.0) {
        let c = HistogramConfig::new(low, high, digits).unwrap();
        let values = values_for(&c, &raw);
        let (s, hdr) = both(c, &values);
        prop_assert_eq!(s.count(), hdr.len());
        prop_assert_eq!(s.min(), Some(hdr.min()));
        // hdrhistogram's `max` is the highest value of the highest bucket, except when only
        // the value 0 was recorded in that bucket (it then stays at its sentinel 0); its
        // `value_at_quantile(1.0)` has no such exception, and neither has ours.
        prop_assert_eq!(s.max(), Some(hdr.value_at_quantile(1.0)));
        if hdr.max() != 0 {
            prop_assert_eq!(s.max(), Some(hdr.max()));
        }
        prop_assert_eq!(s.mean(), Some(hdr.mean()));
        prop_assert_eq!(s.stdev(), Some(hdr.stdev()));
        let mut qs = QUANTILES.to_vec();
        qs.push(q);
        let expected: Vec<u64> = qs.iter().map(|&q| hdr.value_at_quantile(q)).collect();
        prop_assert_eq!(s.quantiles(&qs).unwrap(), expected);
        for &v in values.iter().chain(&[0, low, high, u64::MAX]) {
            prop_assert_eq!(s.count_at_or_below(v), hdr.count_between(0, v), "value {}", v);
        }
        let buckets: Vec<(u64, u64)> = s.iter().map(|b| (b.high, b.count)).collect();
        let hdr_buckets: Vec<(u64, u64)> =
            hdr.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect();
        prop_assert_eq!(buckets, hdr_buckets);
    }

    #[test]
    fn conversion_is_lossless_both_ways((low, high, digits) in configs(),
                                        raw in prop::collection::vec((0_u32..64, any::<u64>(), any::<u8>()), 0..100)) {
        let c = HistogramConfig::new(low, high, digits).unwrap();
        let (s, hdr) = both(c, &values_for(&c, &raw));
        let converted = s.to_hdrhistogram();
        if hdr.max() != 0 || hdr.is_empty() {
            prop_assert!(converted == hdr);
        }
        let counts = |h: &Hdr<u64>| h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect::<Vec<_>>();
        prop_assert_eq!(counts(&converted), counts(&hdr));
        prop_assert_eq!(converted.value_at_quantile(1.0), hdr.value_at_quantile(1.0));
        prop_assert_eq!(Snapshot::from_hdrhistogram(&hdr).unwrap(), s);
    }

    #[test]
    fn coordinated_omission_correction_equals_record_correct(
        (low, high, digits) in configs(),
        raw in prop::collection::vec((1_u64..5000, 0_u64..400), 1..20)) {
        let c = HistogramConfig::new(low, high, digits).unwrap();
        let ours = Histogram::with_shards(c, 1).unwrap();
        let mut hdr = Hdr::<u64>::new_with_bounds(low, high, digits).unwrap();
        for &(value_units, interval_units) in &raw {
            // Values up to highest (hdr refuses larger ones); the loop in hdr runs value / I times.
            let value = (value_units * low).min(high);
            let interval = interval_units * low;
            ours.record_corrected(value, interval);
            hdr.record_correct(value, interval).unwrap();
        }
        prop_assert!(ours.snapshot().to_hdrhistogram() == hdr);
    }

    /// Against an exact model (the sorted values): the quantile is the `ceil(q × n)`-th
    /// smallest value rounded up to the end of its bucket, so at most `v / 10^digits`
    /// (or the unit, for values below the unit-resolution range) above it.
    #[test]
    fn quantiles_are_within_the_documented_relative_error(
        (low, high, digits) in configs(),
        raw in prop::collection::vec((0_u32..64, any::<u64>(), any::<u8>()), 1..300),
        q in 0.0_f64..=1.0) {
        let c = HistogramConfig::new(low, high, digits).unwrap();
        let mut values = values_for(&c, &raw);
        values.sort_unstable();
        let (s, _) = both(c, &values);
        let unit = 1_u64 << low.ilog2();
        for q in QUANTILES.iter().copied().chain([q]) {
            let n = values.len() as u64;
            let rank = sre_core::f64_to_u64_saturating((q * n as f64).ceil()).clamp(1, n);
            let rank = usize::try_from(rank).unwrap();
            let exact = values[rank - 1];
            let got = s.quantile(q).unwrap();
            let tolerance = (exact / 10_u64.pow(u32::from(digits))).max(unit - 1);
            if q <= 0.0 {
                prop_assert!(got <= exact && exact - got <= tolerance, "q=0: {} vs {}", got, exact);
            } else {
                prop_assert!(got >= exact && got - exact <= tolerance, "q={}: {} vs {}", q, got, exact);
            }
        }
        for &v in &values {
            let below = values.iter().filter(|&&x| x <= v).count() as u64;
            let equiv = values.iter().filter(|&&x| x <= c.highest_equivalent(v)).count() as u64;
            prop_assert!(below <= s.count_at_or_below(v));
            prop_assert_eq!(s.count_at_or_below(v), equiv);
        }
    }
}

#[test]
fn values_above_the_highest_are_clamped_like_hdrhistogram_saturating_record_at_the_highest() {
    let c = HistogramConfig::new(1, 1_000_000, 3).unwrap();
    let ours = Histogram::new(c);
    let mut hdr = Hdr::<u64>::new_with_bounds(1, 1_000_000, 3).unwrap();
    for v in [5, 1_000_000, 1_000_001, u64::MAX] {
        ours.record(v);
        hdr.record(v.min(1_000_000)).unwrap();
    }
    let s = ours.snapshot();
    assert_eq!(s.saturated(), 2);
    assert!(s.to_hdrhistogram() == hdr);
}

#[test]
fn from_hdrhistogram_clamps_counts_above_the_highest_and_counts_them_saturated() {
    // hdrhistogram accepts values up to the end of its last bucket, past `high`.
    let mut hdr = Hdr::<u64>::new_with_bounds(1, 3000, 3).unwrap();
    hdr.record(3500).unwrap();
    hdr.record(10).unwrap();
    let s = Snapshot::from_hdrhistogram(&hdr).unwrap();
    assert_eq!((s.count(), s.saturated()), (2, 1));
    assert_eq!(s.max(), Some(s.config().highest_equivalent(3000)));
}

#[test]
fn zero_significant_digits_from_hdrhistogram_is_a_typed_error() {
    let hdr = Hdr::<u64>::new_with_bounds(1, 3000, 0).unwrap();
    assert_eq!(
        Snapshot::from_hdrhistogram(&hdr),
        Err(sre_metrics::Error::SignificantDigits { digits: 0 })
    );
}

#[test]
fn v2_serialization_round_trips_through_hdrhistogram() {
    use hdrhistogram::serialization::{
        Deserializer, Serializer, V2DeflateSerializer, V2Serializer,
    };
    let c = HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap();
    let h = Histogram::new(c);
    for i in 1..=10_000_u64 {
        h.record(i * i * 37 % 5_000_000_000);
    }
    h.record(u64::MAX); // saturated: V2 keeps it as a count at the highest value
    let s = h.snapshot();
    for deflate in [false, true] {
        let mut bytes = Vec::new();
        if deflate {
            V2DeflateSerializer::new()
                .serialize(&s.to_hdrhistogram(), &mut bytes)
                .unwrap();
        } else {
            V2Serializer::new()
                .serialize(&s.to_hdrhistogram(), &mut bytes)
                .unwrap();
        }
        let back: Hdr<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .unwrap();
        let back = Snapshot::from_hdrhistogram(&back).unwrap();
        assert_eq!(back.count(), s.count());
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            s.iter().collect::<Vec<_>>()
        );
        // V2 has no saturation count: a clamped value reads back as one at the highest.
        assert_eq!(back.saturated(), 0);
    }
}

#[test]
fn interval_log_round_trips_intervals() {
    use hdrhistogram::serialization::interval_log::{
        IntervalLogIterator, IntervalLogWriterBuilder, LogEntry, Tag,
    };
    use hdrhistogram::serialization::{Deserializer, V2Serializer};
    use std::time::Duration;

    let c = HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap();
    let h = Histogram::new(c);
    let mut intervals = Vec::new();
    let mut last = h.snapshot();
    for round in 1..=3_u64 {
        for i in 0..1000 * round {
            h.record(1000 + i * round * 7919);
        }
        let now = h.snapshot();
        intervals.push(now.delta(&last).unwrap());
        last = now;
    }
    let mut log = Vec::new();
    let mut serializer = V2Serializer::new();
    {
        let mut writer = IntervalLogWriterBuilder::new()
            .with_max_value_divisor(1e6)
            .begin_log_with(&mut log, &mut serializer)
            .unwrap();
        for (k, interval) in intervals.iter().enumerate() {
            let start = Duration::from_secs(10 * k as u64);
            writer
                .write_histogram(
                    &interval.to_hdrhistogram(),
                    start,
                    Duration::from_secs(10),
                    Tag::new("api"),
                )
                .unwrap();
        }
    }
    let mut read = Vec::new();
    for entry in IntervalLogIterator::new(&log) {
        if let LogEntry::Interval(ilh) = entry.unwrap() {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(ilh.encoded_histogram())
                .unwrap();
            let hdr: Hdr<u64> = Deserializer::new()
                .deserialize(&mut bytes.as_slice())
                .unwrap();
            assert_eq!(ilh.tag().map(|t| t.as_str()), Some("api"));
            read.push(Snapshot::from_hdrhistogram(&hdr).unwrap());
        }
    }
    assert_eq!(read, intervals);
}
