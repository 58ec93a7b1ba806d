//! HdrHistogram's bucket layout: which counter a value lands in, and which values a
//! counter stands for.
//!
//! The arithmetic follows `hdrhistogram` 7.6 (`Histogram::new_with_bounds`, `index_for`,
//! `value_for`, `buckets_to_cover`, `lowest_equivalent`, `highest_equivalent`,
//! `median_equivalent`), itself a port of Gil Tene's HdrHistogram: values below
//! `2 × 10^digits` units get unit resolution; above, each power-of-two *bucket* holds
//! `sub_bucket_count / 2` equally wide *sub-buckets*, so the relative width of a counter
//! never exceeds `1 / 10^digits`. Tests in `tests/histogram_hdr.rs` check every function
//! here against `hdrhistogram` itself.

use crate::error::Error;
use core::num::NonZeroU64;

/// The derived constants of a configuration. Internal: [`super::HistogramConfig`] is the
/// public face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Layout {
    /// log2 of the unit: values are counted in units of `2^unit_magnitude`.
    pub(crate) unit_magnitude: u32,
    /// log2 of half the number of sub-buckets per bucket.
    pub(crate) half_magnitude: u32,
    /// `(sub_bucket_count - 1) << unit_magnitude`: or-ed into a value so its log2 is
    /// never below that of bucket 0's values (and, never zero, the log2 is one `bsr`).
    pub(crate) sub_bucket_mask: NonZeroU64,
    /// `unit_magnitude + log2(sub_bucket_count) - 1`: the log2 of bucket 0's values.
    pub(crate) log_base: u32,
    /// Number of power-of-two buckets `hdrhistogram` allocates for this range.
    pub(crate) bucket_count: u32,
    /// Counters `hdrhistogram` allocates: `(bucket_count + 1) × sub_bucket_count / 2`.
    pub(crate) hdr_len: usize,
    /// Counters this crate allocates: up to and including the highest trackable value's
    /// counter (the rest of `hdrhistogram`'s last bucket can never be reached here,
    /// because larger values are clamped).
    pub(crate) len: usize,
}

impl Layout {
    /// Validates the configuration the way `hdrhistogram::Histogram::new_with_bounds`
    /// does (except that 0 significant digits is refused) and derives the layout.
    pub(crate) fn new(lowest: u64, highest: u64, digits: u8) -> Result<Self, Error> {
        if lowest == 0 {
            return Err(Error::LowestDiscernibleZero);
        }
        if !(1..=5).contains(&digits) {
            return Err(Error::SignificantDigits { digits });
        }
        if lowest > u64::MAX / 2 {
            return Err(Error::LowestTooLarge { lowest, digits });
        }
        if highest < 2 * lowest {
            return Err(Error::HighestBelowTwiceLowest { lowest, highest });
        }
        // hdrhistogram derives the unit from `floor(log2(lowest as f64))`; for lowest values
        // just under a large power of two the float rounds up, so the integer log would
        // disagree. We use the same float expression to get the same layout.
        let unit_magnitude = u32::try_from(sre_core::f64_to_u64_saturating(
            (lowest as f64).log2().floor(),
        ))
        .unwrap_or(u32::MAX);
        // Unit resolution up to 2 × 10^digits ("±1 at 1000 is fine, ±2 at 1999 is not"):
        // the smallest power of two at least that large.
        let largest_single_unit = 2 * 10_u32.pow(u32::from(digits));
        let sub_bucket_magnitude = (largest_single_unit - 1).ilog2() + 1;
        if unit_magnitude + sub_bucket_magnitude > 63 {
            return Err(Error::LowestTooLarge { lowest, digits });
        }
        let sub_bucket_count = 1_u64 << sub_bucket_magnitude;
        let half_magnitude = sub_bucket_magnitude - 1;
        let mut layout = Layout {
            unit_magnitude,
            half_magnitude,
            // At least 2^5 - 1 (sub-buckets ≥ 2^5) shifted: never zero.
            sub_bucket_mask: NonZeroU64::new((sub_bucket_count - 1) << unit_magnitude)
                .unwrap_or(NonZeroU64::MIN),
            log_base: unit_magnitude + sub_bucket_magnitude - 1,
            bucket_count: 0,
            hdr_len: 0,
            len: 0,
        };
        layout.bucket_count = buckets_to_cover(sub_bucket_count << unit_magnitude, highest);
        // At most (64 + 1) × 2^17 counters: fits any usize of 32 bits or more.
        layout.hdr_len = usize::try_from((u64::from(layout.bucket_count) + 1) << half_magnitude)
            .map_err(|_| Error::LowestTooLarge { lowest, digits })?;
        layout.len = layout.index_of(highest) + 1;
        debug_assert!(layout.len <= layout.hdr_len);
        Ok(layout)
    }

    /// The counter a value lands in (for values up to the highest trackable one; larger
    /// values give indices past [`Self::len`]).
    #[inline(always)]
    pub(crate) fn index_of(&self, value: u64) -> usize {
        // hdrhistogram: `bucket = leading_zero_count_base - leading_zeros(value | mask)`,
        // the same number as the log2 below (`bsr`, without a zero check) less a constant.
        let log = (self.sub_bucket_mask | value).ilog2();
        let bucket = log - self.log_base;
        // `bucket + unit_magnitude`, written from the log.
        let sub_bucket = value >> (log - self.half_magnitude);
        // hdrhistogram: `((bucket + 1) << half_magnitude) + sub_bucket - half_count`,
        // which is the same number written with one add fewer.
        let index = (u64::from(bucket) << self.half_magnitude) + sub_bucket;
        // The index is below 2^(6 + 18): it fits every usize we support.
        #[allow(clippy::cast_possible_truncation)]
        let index = index as usize;
        index
    }

    /// The bucket (power of two) of a counter index.
    #[inline]
    fn bucket_of_index(&self, index: usize) -> u32 {
        let raw = u32::try_from(index >> self.half_magnitude).unwrap_or(u32::MAX);
        raw.saturating_sub(1)
    }

    /// The lowest value counted by a counter (hdrhistogram's `value_for`).
    #[inline]
    pub(crate) fn lowest_of_index(&self, index: usize) -> u64 {
        let half = 1_usize << self.half_magnitude;
        let index_u64 = u64::try_from(index).unwrap_or(u64::MAX);
        if index < half {
            index_u64 << self.unit_magnitude
        } else {
            let sub = u64::try_from((index & (half - 1)) + half).unwrap_or(u64::MAX);
            sub << (self.bucket_of_index(index) + self.unit_magnitude)
        }
    }

    /// The width of a counter: how many distinct values it stands for.
    #[inline]
    pub(crate) fn width_of_index(&self, index: usize) -> u64 {
        1_u64 << (self.bucket_of_index(index) + self.unit_magnitude)
    }

    /// The highest value counted by a counter (saturating at `u64::MAX - 1` for a counter
    /// reaching past `u64::MAX`, as `hdrhistogram` does).
    #[inline]
    pub(crate) fn highest_of_index(&self, index: usize) -> u64 {
        self.lowest_of_index(index)
            .saturating_add(self.width_of_index(index))
            - 1
    }

    /// The middle of a counter's values, rounded up (hdrhistogram's `median_equivalent`):
    /// the value mean and standard deviation use.
    #[inline]
    pub(crate) fn median_of_index(&self, index: usize) -> u64 {
        self.lowest_of_index(index)
            .saturating_add(self.width_of_index(index) >> 1)
    }
}

/// hdrhistogram's `buckets_to_cover`: how many power-of-two buckets reach `value`, given
/// the smallest value bucket 0 cannot hold.
fn buckets_to_cover(mut smallest_untrackable: u64, value: u64) -> u32 {
    let mut needed = 1;
    while smallest_untrackable <= value {
        if smallest_untrackable > u64::MAX / 2 {
            // The next doubling would overflow: one more bucket reaches past u64::MAX.
            return needed + 1;
        }
        smallest_untrackable <<= 1;
        needed += 1;
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ns_to_one_hour_at_three_digits_is_hdrhistograms_270_kb_layout() {
        // 2048 sub-buckets (2 × 10^3 rounded up to a power of two), unit 1, 32 buckets:
        // (32 + 1) × 1024 = 33 792 counters in hdrhistogram.
        let l = Layout::new(1, 3_600_000_000_000, 3).unwrap();
        assert_eq!(l.unit_magnitude, 0);
        assert_eq!(l.half_magnitude, 10);
        assert_eq!(l.bucket_count, 32);
        assert_eq!(l.hdr_len, 33_792);
        assert!(l.len < l.hdr_len);
        assert!(l.highest_of_index(l.len - 1) >= 3_600_000_000_000);
        assert!(l.lowest_of_index(l.len - 1) <= 3_600_000_000_000);
    }

    #[test]
    fn unit_resolution_below_two_thousand_at_three_digits() {
        let l = Layout::new(1, 1_000_000, 3).unwrap();
        for v in 0..2048 {
            let i = l.index_of(v);
            assert_eq!(l.lowest_of_index(i), v);
            assert_eq!(l.highest_of_index(i), v);
        }
        // 2048..4096 in steps of 2.
        let i = l.index_of(2049);
        assert_eq!((l.lowest_of_index(i), l.highest_of_index(i)), (2048, 2049));
    }

    #[test]
    fn every_counter_is_a_contiguous_range_and_ranges_tile_the_line() {
        for (low, high, d) in [(1, 100_000, 1), (3, 1 << 40, 2), (1000, u64::MAX, 3)] {
            let l = Layout::new(low, high, d).unwrap();
            for i in 1..l.len {
                assert_eq!(l.highest_of_index(i - 1) + 1, l.lowest_of_index(i));
                assert_eq!(l.index_of(l.lowest_of_index(i)), i);
                assert_eq!(l.index_of(l.highest_of_index(i)), i);
            }
        }
    }
}
