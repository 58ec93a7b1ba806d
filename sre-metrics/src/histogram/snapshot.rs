//! [`Snapshot`]: a frozen, sparse copy of a histogram's counters, and every query on it.

use super::config::HistogramConfig;
use crate::error::Error;

/// A frozen copy of a [`Histogram`](super::Histogram)'s counters: the non-empty buckets in
/// value order with their running totals, so quantiles and `count_at_or_below` are binary
/// searches over the non-empty buckets, not scans over every counter.
///
/// Snapshots are cumulative; `later.delta(&earlier)` is the interval between two, and
/// [`Snapshot::merge`] adds one to another (fleet aggregation).
///
/// ```
/// use sre_metrics::{Histogram, HistogramConfig};
///
/// let h = Histogram::new(HistogramConfig::new(1, 60_000_000_000, 2)?);
/// for ms in [1, 2, 3, 4, 100] {
///     h.record(ms * 1_000_000);
/// }
/// let s = h.snapshot();
/// assert_eq!(s.count(), 5);
/// assert_eq!(s.quantiles(&[0.5, 1.0])?, [3_014_655, 100_139_007]);
/// assert_eq!(s.min(), Some(999_424)); // the lowest value of 1 ms's bucket
/// assert_eq!(s.count_at_or_below(10_000_000), 4);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "SnapshotRepr", into = "SnapshotRepr")
)]
pub struct Snapshot {
    config: HistogramConfig,
    /// Counter indices of the non-empty buckets, ascending.
    indices: Vec<u32>,
    /// `cumulative[k]`: the count of buckets `indices[..=k]`; strictly increasing, or,
    /// when `overflowed`, increasing up to where the total passed `u64::MAX` and
    /// `u64::MAX` from there on.
    cumulative: Vec<u64>,
    saturated: u64,
    /// The counts passed what a `u64` holds (see [`Snapshot::is_overflowed`]).
    overflowed: bool,
}

/// One non-empty bucket: the values it stands for and how many were recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bucket {
    /// The lowest value counted in this bucket.
    pub low: u64,
    /// The highest value counted in this bucket (inclusive).
    pub high: u64,
    /// How many values were recorded in it.
    pub count: u64,
}

/// Iterator over a snapshot's non-empty buckets, lowest values first; see
/// [`Snapshot::iter`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    snapshot: &'a Snapshot,
    next: usize,
}

impl Iterator for Iter<'_> {
    type Item = Bucket;

    fn next(&mut self) -> Option<Bucket> {
        let s = self.snapshot;
        let k = self.next;
        let index = usize::try_from(*s.indices.get(k)?).ok()?;
        self.next += 1;
        let layout = s.config.layout();
        Some(Bucket {
            low: layout.lowest_of_index(index),
            high: layout.highest_of_index(index),
            count: s.count_of(k),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.snapshot.indices.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Snapshot {
    type Item = Bucket;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Collects ascending `(index, count)` pairs into a snapshot, joining equal indices and
/// dropping zero counts.
pub(crate) struct Builder {
    indices: Vec<u32>,
    cumulative: Vec<u64>,
    total: u64,
    /// The total passed `u64::MAX` (a joined index keeps one entry, so the snapshot's
    /// own check of its running totals would not see it).
    carry: bool,
}

impl Builder {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            indices: Vec::with_capacity(n),
            cumulative: Vec::with_capacity(n),
            total: 0,
            carry: false,
        }
    }

    /// Appends a count; `index` must not be below the last one pushed.
    fn push(&mut self, index: usize, count: u64) {
        if count == 0 {
            return;
        }
        // Indices are below (64 + 1) × 2^17, far below u32::MAX.
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let (total, carry) = self.total.overflowing_add(count);
        self.total = total;
        self.carry |= carry;
        if self.indices.last() == Some(&index) {
            if let Some(c) = self.cumulative.last_mut() {
                *c = self.total;
            }
        } else {
            self.indices.push(index);
            self.cumulative.push(self.total);
        }
    }

    /// Appends the non-zero counts of counters `start`, `start + 1`, … (all above the
    /// last index pushed).
    pub(crate) fn extend_dense(&mut self, start: usize, counts: &[u64]) {
        // Counter indices are below (64 + 1) × 2^17: they fit in u32.
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        for (index, &count) in (start..).zip(counts) {
            if count != 0 {
                self.total = self.total.wrapping_add(count);
                self.indices.push(index);
                self.cumulative.push(self.total);
            }
        }
    }

    pub(crate) fn finish(self, config: HistogramConfig, saturated: u64) -> Snapshot {
        let mut s = Snapshot::from_parts(config, self.indices, self.cumulative, saturated);
        if self.carry {
            s.mark_overflowed();
        }
        s
    }
}

impl Snapshot {
    /// From its parts: ascending counter indices of the non-empty buckets and their
    /// strictly increasing running totals.
    pub(crate) fn from_parts(
        config: HistogramConfig,
        indices: Vec<u32>,
        cumulative: Vec<u64>,
        saturated: u64,
    ) -> Self {
        let mut s = Self {
            config,
            indices,
            cumulative,
            saturated,
            overflowed: false,
        };
        // Each running total adds a count of at least 1, so a total that wrapped past
        // u64::MAX is the first one not above its predecessor.
        if let Some(k) = s.cumulative.windows(2).position(|w| w[1] <= w[0]) {
            s.saturate_from(k + 1);
        }
        s
    }

    /// Marks the counts as past what a `u64` holds, running totals saturated from
    /// entry `k` on.
    #[cold]
    fn saturate_from(&mut self, k: usize) {
        self.overflowed = true;
        for c in self.cumulative.iter_mut().skip(k) {
            *c = u64::MAX;
        }
    }

    /// Marks the snapshot overflowed (a counter or a sum of shards may have wrapped).
    #[cold]
    pub(crate) fn mark_overflowed(&mut self) {
        self.overflowed = true;
    }

    /// An empty snapshot of `config` (the identity of [`Snapshot::merge`]).
    #[must_use]
    pub fn empty(config: HistogramConfig) -> Self {
        Self {
            config,
            indices: Vec::new(),
            cumulative: Vec::new(),
            saturated: 0,
            overflowed: false,
        }
    }

    /// From ascending `(counter index, count)` pairs (equal indices are joined).
    pub(crate) fn from_sorted(
        config: HistogramConfig,
        pairs: impl IntoIterator<Item = (usize, u64)>,
        saturated: u64,
    ) -> Self {
        let mut b = Builder::with_capacity(64);
        for (index, count) in pairs {
            b.push(index, count);
        }
        b.finish(config, saturated)
    }

    /// Ascending `(counter index, count)` pairs of the non-empty buckets.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        (0..self.indices.len()).map(|k| (self.index(k), self.count_of(k)))
    }

    pub(crate) fn add_saturated(&mut self, n: u64) {
        self.saturated = self.saturated.wrapping_add(n);
    }

    fn index(&self, k: usize) -> usize {
        usize::try_from(self.indices[k]).unwrap_or(usize::MAX)
    }

    fn count_of(&self, k: usize) -> u64 {
        let below = if k == 0 { 0 } else { self.cumulative[k - 1] };
        self.cumulative[k].wrapping_sub(below)
    }

    /// The configuration of the histogram this snapshot came from.
    #[must_use]
    pub fn config(&self) -> &HistogramConfig {
        &self.config
    }

    /// How many values were recorded (including saturated ones); `u64::MAX` when the
    /// snapshot [`is_overflowed`](Self::is_overflowed).
    #[must_use]
    pub fn count(&self) -> u64 {
        if self.overflowed {
            return u64::MAX;
        }
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Whether the counts passed what a `u64` holds: the total over the buckets passed
    /// `u64::MAX`, a bucket's sum over shards did, or a bulk record took a counter to
    /// 2^63 or past (see [`Histogram::record_n`](super::Histogram::record_n)). Then
    /// [`count`](Self::count) and [`count_at_or_below`](Self::count_at_or_below)
    /// saturate at `u64::MAX`, quantiles are refused with [`Error::CountOverflow`], and
    /// bucket counts, mean and stdev are not to be trusted. Deltas and merges of an
    /// overflowed snapshot are overflowed.
    #[must_use]
    pub fn is_overflowed(&self) -> bool {
        self.overflowed
    }

    /// Whether no value was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// How many of the values were above the highest trackable value and clamped to it.
    #[must_use]
    pub fn saturated(&self) -> u64 {
        self.saturated
    }

    /// The lowest value of the lowest non-empty bucket (what `hdrhistogram`'s `min`
    /// returns); `None` when empty.
    #[must_use]
    pub fn min(&self) -> Option<u64> {
        self.indices
            .first()
            .map(|_| self.config.layout().lowest_of_index(self.index(0)))
    }

    /// The highest value of the highest non-empty bucket (what `hdrhistogram`'s `max` and
    /// `value_at_quantile(1.0)` return; its `max` alone returns 0 when only the value 0
    /// was recorded in a first bucket wider than 1); `None` when empty.
    #[must_use]
    pub fn max(&self) -> Option<u64> {
        let last = self.indices.len().checked_sub(1)?;
        Some(self.config.layout().highest_of_index(self.index(last)))
    }

    /// The mean, taking each value as the middle of its bucket, summed in bucket order
    /// exactly as `hdrhistogram`'s `mean` does (so the two agree to the bit); `None` when
    /// empty.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        if self.is_empty() {
            return None;
        }
        let total = self.count() as f64;
        let layout = self.config.layout();
        Some(self.pairs().fold(0.0, |sum, (index, count)| {
            sum + layout.median_of_index(index) as f64 * count as f64 / total
        }))
    }

    /// The sum of the values, taking each as the middle of its bucket (as
    /// [`Snapshot::mean`] does), e.g. for Prometheus' `_sum`. Exact integer arithmetic.
    #[must_use]
    pub fn sum(&self) -> u128 {
        let layout = self.config.layout();
        self.pairs()
            .map(|(index, count)| u128::from(layout.median_of_index(index)) * u128::from(count))
            .sum()
    }

    /// The population standard deviation, over bucket middles as in `hdrhistogram`'s
    /// `stdev`; `None` when empty.
    #[must_use]
    pub fn stdev(&self) -> Option<f64> {
        let mean = self.mean()?;
        let layout = self.config.layout();
        let sum_sq = self.pairs().fold(0.0, |sum, (index, count)| {
            let dev = layout.median_of_index(index) as f64 - mean;
            sum + dev * dev * count as f64
        });
        Some((sum_sq / self.count() as f64).sqrt())
    }

    /// The value at quantile `q` in `[0, 1]`, as `hdrhistogram`'s `value_at_quantile`
    /// defines it: the highest value of the bucket holding the `ceil(q × count)`-th
    /// smallest value (at least the first), or for `q = 0` the lowest value of the lowest
    /// bucket. A binary search over the non-empty buckets.
    ///
    /// # Errors
    ///
    /// [`Error::Quantile`] for NaN or `q` outside `[0, 1]`; [`Error::EmptySnapshot`] when
    /// no value was recorded.
    pub fn quantile(&self, q: f64) -> Result<u64, Error> {
        check_quantile(q)?;
        self.quantile_checked(q)
    }

    /// The values at several quantiles, in the order given (see [`Snapshot::quantile`]).
    ///
    /// # Errors
    ///
    /// As [`Snapshot::quantile`], for the first bad quantile.
    pub fn quantiles(&self, qs: &[f64]) -> Result<Vec<u64>, Error> {
        qs.iter().try_for_each(|&q| check_quantile(q))?;
        qs.iter().map(|&q| self.quantile_checked(q)).collect()
    }

    fn quantile_checked(&self, q: f64) -> Result<u64, Error> {
        if self.overflowed {
            return Err(Error::CountOverflow);
        }
        let total = self.count();
        if self.is_empty() {
            return Err(Error::EmptySnapshot);
        }
        // hdrhistogram: `max(1, ceil(q × total))`. Beyond 2^53 values the float may
        // round past the total, where hdrhistogram would return 0; we stop at the last.
        let target = sre_core::f64_to_u64_saturating((q * total as f64).ceil()).clamp(1, total);
        let k = self.cumulative.partition_point(|&c| c < target);
        let index = self.index(k.min(self.indices.len() - 1));
        let layout = self.config.layout();
        Ok(if q <= 0.0 {
            layout.lowest_of_index(index)
        } else {
            layout.highest_of_index(index)
        })
    }

    /// How many values were recorded at or below `v`, counting whole buckets: every value
    /// in the bucket of `v` counts, i.e. all values up to
    /// [`HistogramConfig::highest_equivalent`]`(v)` (as `hdrhistogram`'s `quantile_below`
    /// counts). The latency SLI "requests served within `v`". A binary search.
    /// Saturates at `u64::MAX` (see [`is_overflowed`](Self::is_overflowed)).
    #[must_use]
    pub fn count_at_or_below(&self, v: u64) -> u64 {
        let index = self.config.index_of(v);
        let k = self
            .indices
            .partition_point(|&i| usize::try_from(i).is_ok_and(|i| i <= index));
        if k == 0 { 0 } else { self.cumulative[k - 1] }
    }

    /// The non-empty buckets, lowest values first.
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            snapshot: self,
            next: 0,
        }
    }

    /// The interval from `earlier` to `self`: the values recorded after `earlier` was
    /// taken and before `self` was (see the module docs on what a snapshot is not).
    ///
    /// # Errors
    ///
    /// [`Error::ConfigMismatch`] for snapshots of different configurations;
    /// [`Error::NotEarlier`] when some bucket (or the saturation count) holds more in
    /// `earlier` than in `self`.
    pub fn delta(&self, earlier: &Snapshot) -> Result<Snapshot, Error> {
        self.same_config(earlier)?;
        let layout = self.config.layout();
        let not_earlier = |index: u32, later: u64, earlier: u64| Error::NotEarlier {
            value: layout.lowest_of_index(usize::try_from(index).unwrap_or(usize::MAX)),
            later,
            earlier,
        };
        let saturated = self
            .saturated
            .checked_sub(earlier.saturated)
            .ok_or_else(|| Error::NotEarlier {
                value: self.config.highest_trackable(),
                later: self.saturated,
                earlier: earlier.saturated,
            })?;
        // A merge-join of two sorted lists in which `earlier`'s indices must be a subset
        // of `self`'s; counts are differences of consecutive running totals.
        let mut indices = Vec::with_capacity(self.indices.len());
        let mut cumulative = Vec::with_capacity(self.indices.len());
        let (mut total, mut below_later, mut below_earlier, mut j) = (0_u64, 0_u64, 0_u64, 0);
        for (&index, &through) in self.indices.iter().zip(&self.cumulative) {
            let count = through.wrapping_sub(below_later);
            below_later = through;
            let mut before = 0;
            if let (Some(&e_index), Some(&e_through)) =
                (earlier.indices.get(j), earlier.cumulative.get(j))
            {
                if e_index < index {
                    return Err(not_earlier(
                        e_index,
                        0,
                        e_through.wrapping_sub(below_earlier),
                    ));
                }
                if e_index == index {
                    before = e_through.wrapping_sub(below_earlier);
                    below_earlier = e_through;
                    j += 1;
                }
            }
            let diff = count
                .checked_sub(before)
                .ok_or_else(|| not_earlier(index, count, before))?;
            if diff != 0 {
                total = total.wrapping_add(diff);
                indices.push(index);
                cumulative.push(total);
            }
        }
        if let (Some(&e_index), Some(&e_through)) =
            (earlier.indices.get(j), earlier.cumulative.get(j))
        {
            return Err(not_earlier(
                e_index,
                0,
                e_through.wrapping_sub(below_earlier),
            ));
        }
        let mut out = Snapshot::from_parts(self.config, indices, cumulative, saturated);
        if self.overflowed || earlier.overflowed {
            out.mark_overflowed();
        }
        Ok(out)
    }

    /// Adds `other`'s counts to this snapshot (fleet aggregation). Counts add with
    /// wrapping at 2^64, like the live counters.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigMismatch`] when the configurations differ; `self` is unchanged.
    pub fn merge(&mut self, other: &Snapshot) -> Result<(), Error> {
        self.same_config(other)?;
        let mut b = Builder::with_capacity(self.indices.len() + other.indices.len());
        let mut a = self.pairs().peekable();
        let mut o = other.pairs().peekable();
        loop {
            let next = match (a.peek(), o.peek()) {
                (Some(&x), Some(&y)) if x.0 <= y.0 => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => o.next(),
                (Some(_), None) => a.next(),
                (None, None) => break,
            };
            if let Some((i, c)) = next {
                b.push(i, c);
            }
        }
        drop(a);
        let mut merged = b.finish(self.config, self.saturated.wrapping_add(other.saturated));
        if self.overflowed || other.overflowed {
            merged.mark_overflowed();
        }
        *self = merged;
        Ok(())
    }

    fn same_config(&self, other: &Snapshot) -> Result<(), Error> {
        if self.config == other.config {
            Ok(())
        } else {
            Err(Error::ConfigMismatch {
                left: Box::new(self.config),
                right: Box::new(other.config),
            })
        }
    }
}

fn check_quantile(q: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&q) {
        Ok(())
    } else {
        Err(Error::Quantile { value: q })
    }
}

/// The serialized form: the configuration, `[lowest value, count]` per non-empty bucket,
/// and the saturation count; validated on input.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SnapshotRepr {
    config: HistogramConfig,
    buckets: Vec<(u64, u64)>,
    saturated: u64,
}

#[cfg(feature = "serde")]
impl From<Snapshot> for SnapshotRepr {
    fn from(s: Snapshot) -> Self {
        let layout = *s.config.layout();
        Self {
            buckets: s
                .pairs()
                .map(|(i, c)| (layout.lowest_of_index(i), c))
                .collect(),
            config: s.config,
            saturated: s.saturated,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<SnapshotRepr> for Snapshot {
    type Error = Error;
    fn try_from(r: SnapshotRepr) -> Result<Self, Error> {
        let bad = |reason| Error::InvalidSnapshot { reason };
        let mut last = None;
        let mut total = 0_u64;
        for &(value, count) in &r.buckets {
            let index = r.config.index_of(value);
            if value > r.config.highest_trackable()
                || r.config.layout().lowest_of_index(index) != value
            {
                return Err(bad(
                    "a bucket value is not the lowest value of a bucket in range",
                ));
            }
            if last.is_some_and(|l| l >= index) {
                return Err(bad("bucket values are not strictly increasing"));
            }
            if count == 0 {
                return Err(bad("a bucket has a count of 0"));
            }
            total = total
                .checked_add(count)
                .ok_or_else(|| bad("counts overflow u64"))?;
            last = Some(index);
        }
        if r.saturated > total {
            return Err(bad("more saturated values than values"));
        }
        let config = r.config;
        let pairs = r.buckets.into_iter().map(|(v, c)| (config.index_of(v), c));
        Ok(Snapshot::from_sorted(config, pairs, r.saturated))
    }
}
