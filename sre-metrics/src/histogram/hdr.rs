//! Conversion to and from `hdrhistogram::Histogram<u64>`, for HdrHistogram's V2
//! serialization, interval logs and tooling (this crate does not re-implement the codec).

use super::config::HistogramConfig;
use super::snapshot::Snapshot;
use crate::error::Error;

impl Snapshot {
    /// An `hdrhistogram::Histogram<u64>` with the same configuration and counts: the same
    /// buckets, so the same quantiles, min, max, mean and standard deviation.
    ///
    /// ```
    /// use sre_metrics::{Histogram, HistogramConfig};
    ///
    /// let h = Histogram::new(HistogramConfig::new(1, 1_000_000, 3)?);
    /// h.record_n(1234, 10);
    /// let hdr = h.snapshot().to_hdrhistogram();
    /// assert_eq!((hdr.len(), hdr.value_at_quantile(0.5)), (10, 1234));
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    #[must_use]
    pub fn to_hdrhistogram(&self) -> hdrhistogram::Histogram<u64> {
        let c = self.config();
        // `HistogramConfig::new` applies every check `new_with_bounds` applies (and refuses
        // 0 digits besides), so this cannot fail.
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(
            c.lowest_discernible(),
            c.highest_trackable(),
            c.significant_digits(),
        )
        .expect("a valid HistogramConfig is a valid hdrhistogram configuration");
        let layout = c.layout();
        for (index, count) in self.pairs() {
            // Same layout, so a counter's highest value lands in the same counter there. The
            // highest (not the lowest) value makes hdrhistogram's `max` the bucket's highest
            // value even for the first counter, where recording 0 would leave `max` at 0.
            h.saturating_record_n(layout.highest_of_index(index), count);
        }
        h
    }

    /// A snapshot with `hdr`'s configuration and counts. Counts `hdrhistogram` holds above
    /// the highest trackable value (it accepts values up to the end of its last bucket, or
    /// more after auto-resize) are clamped to it and counted as saturated.
    ///
    /// # Errors
    ///
    /// Those of [`HistogramConfig::new`] for `hdr`'s configuration; notably
    /// [`Error::SignificantDigits`] for a histogram of 0 significant digits.
    pub fn from_hdrhistogram(hdr: &hdrhistogram::Histogram<u64>) -> Result<Snapshot, Error> {
        let config = HistogramConfig::new(hdr.low(), hdr.high(), hdr.sigfig())?;
        let highest = config.highest_trackable();
        let mut saturated = 0_u64;
        let pairs = hdr.iter_recorded().map(|v| {
            let value = v.value_iterated_to();
            let count = v.count_at_value();
            if hdr.lowest_equivalent(value) > highest {
                saturated = saturated.wrapping_add(count);
            }
            (config.index_of(value), count)
        });
        let mut snapshot = Snapshot::from_sorted(config, pairs.collect::<Vec<_>>(), 0);
        snapshot.add_saturated(saturated);
        Ok(snapshot)
    }
}

impl From<&Snapshot> for hdrhistogram::Histogram<u64> {
    fn from(s: &Snapshot) -> Self {
        s.to_hdrhistogram()
    }
}

impl TryFrom<&hdrhistogram::Histogram<u64>> for Snapshot {
    type Error = Error;
    fn try_from(h: &hdrhistogram::Histogram<u64>) -> Result<Self, Error> {
        Snapshot::from_hdrhistogram(h)
    }
}
