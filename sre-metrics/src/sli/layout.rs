//! [`SliLayout`]: how an [`SliWindow`](super::SliWindow) spends its memory on a horizon.
//!
//! Two rings of cumulative counters (see the [module docs](super) for why cumulative):
//!
//! - the **exact ring**: one entry per minute for the last `min(horizon, 3 days)`
//!   (at most 4,320 entries of 16 bytes, 67.5 KiB). Every window up to 3 days is exact.
//! - the **coarse ring**, only for horizons past 3 days: one entry per coarse bucket of
//!   `G` minutes over the whole horizon, `⌈horizon / G⌉ + 2` entries. `G` is the smallest
//!   of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 90, 120, 180, 240, 360, 480, 720 minutes
//!   or a whole number of days that keeps the window within 72 KiB: 180 minutes (3 hours)
//!   for a 30-day horizon (242 entries), 30 minutes for 4 days, 8 hours for 90 days.

use super::minutes::minutes;
use crate::Error;
use core::time::Duration;

/// Windows up to this many minutes (3 days) are kept exactly, one entry per minute.
pub(crate) const EXACT_MINUTES_MAX: u64 = 3 * sre_core::MINUTES_PER_DAY;
/// The longest supported horizon: the family's bound, [`sre_core::MAX_PERIOD`] (366 days).
pub(crate) const HORIZON_MINUTES_MAX: u64 = sre_core::MAX_PERIOD_MINUTES;
/// The memory the window itself (rings + fixed part) stays within: 72 KiB.
pub(crate) const WINDOW_BYTES_BUDGET: usize = 72 * 1024;
/// Bytes of one ring entry: cumulative good and bad, two `u64`.
pub(crate) const ENTRY_BYTES: usize = 16;
/// Bytes reserved in the budget for the fixed part of the window (heads, lengths, boxes).
const FIXED_BYTES_RESERVE: usize = 256;
/// Coarse bucket widths tried in order, in minutes (divisors of a day), then whole days.
const COARSE_STEPS: [u64; 19] = [
    1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 90, 120, 180, 240, 360, 480, 720,
];

/// How an [`SliWindow`](super::SliWindow) lays out its buckets, and what that costs.
///
/// ```
/// use core::time::Duration;
/// use sre_metrics::sli::SliWindow;
///
/// let day = Duration::from_secs(86_400);
/// let w = SliWindow::new(30 * day)?;
/// let l = w.layout();
/// assert_eq!(l.exact_span(), 3 * day);                      // 4,320 one-minute entries
/// assert_eq!(l.coarse_bucket(), Some(Duration::from_secs(3 * 3600)));
/// assert!(l.window_bytes() <= 72 * 1024);
/// // One 128-byte padded stripe per CPU by default (a power of two, at most 8).
/// assert_eq!(l.stripe_bytes(), l.stripes() * 128);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SliLayout {
    pub(crate) horizon: u64,
    pub(crate) exact: u64,
    pub(crate) coarse: u64,
    pub(crate) coarse_len: u64,
    pub(crate) stripes: usize,
    pub(crate) fixed_bytes: usize,
    pub(crate) stripe_bytes: usize,
}

impl SliLayout {
    /// The layout for a horizon of `horizon` minutes and `stripes` stripes.
    pub(crate) fn plan(
        horizon: u64,
        stripes: usize,
        fixed_bytes: usize,
        stripe_bytes: usize,
    ) -> Result<Self, Error> {
        if horizon > HORIZON_MINUTES_MAX {
            return Err(Error::HorizonTooLong {
                horizon: minutes(horizon),
                max: minutes(HORIZON_MINUTES_MAX),
            });
        }
        let exact = horizon.min(EXACT_MINUTES_MAX);
        let (coarse, coarse_len) = if horizon <= EXACT_MINUTES_MAX {
            (0, 0)
        } else {
            let exact_bytes = usize::try_from(exact).unwrap_or(usize::MAX) * ENTRY_BYTES;
            let room = (WINDOW_BYTES_BUDGET - FIXED_BYTES_RESERVE - exact_bytes) / ENTRY_BYTES;
            let room = u64::try_from(room).unwrap_or(u64::MAX);
            let fits = |g: u64| horizon.div_ceil(g) + 2 <= room;
            let g = COARSE_STEPS
                .into_iter()
                .chain((1..).map(|days| days * 1440))
                .find(|&g| fits(g))
                .unwrap_or(HORIZON_MINUTES_MAX);
            (g, horizon.div_ceil(g) + 2)
        };
        Ok(Self {
            horizon,
            exact,
            coarse,
            coarse_len,
            stripes,
            fixed_bytes,
            stripe_bytes,
        })
    }

    /// The horizon: the longest window that can be queried.
    #[must_use]
    pub fn horizon(&self) -> Duration {
        minutes(self.horizon)
    }

    /// Windows up to this length are exact at 1-minute resolution: `min(horizon, 3 days)`.
    #[must_use]
    pub fn exact_span(&self) -> Duration {
        minutes(self.exact)
    }

    /// The width of a coarse bucket, or `None` when the horizon is at most 3 days and
    /// every window is exact.
    ///
    /// A window longer than [`exact_span`](Self::exact_span) starts inside one coarse
    /// bucket; its good and bad counts each differ from the exact ones by at most the
    /// events of that kind in that one bucket (see [`SliWindow`](super::SliWindow)).
    #[must_use]
    pub fn coarse_bucket(&self) -> Option<Duration> {
        (self.coarse != 0).then(|| minutes(self.coarse))
    }

    /// Entries in the exact ring (one per minute).
    #[must_use]
    pub fn exact_entries(&self) -> usize {
        usize::try_from(self.exact).unwrap_or(usize::MAX)
    }

    /// Entries in the coarse ring (0 when there is none).
    #[must_use]
    pub fn coarse_entries(&self) -> usize {
        usize::try_from(self.coarse_len).unwrap_or(usize::MAX)
    }

    /// Number of striped current-minute counters writers spread over.
    #[must_use]
    pub fn stripes(&self) -> usize {
        self.stripes
    }

    /// Bytes of the window itself: both rings and the fixed part, fixed at construction.
    /// At most 72 KiB for any horizon: 72,992 + 152 = 73,144 bytes for 30 days on a 64-bit
    /// target.
    #[must_use]
    pub fn window_bytes(&self) -> usize {
        (self.exact_entries() + self.coarse_entries()) * ENTRY_BYTES + self.fixed_bytes
    }

    /// Bytes of the striped current-minute counters (one 128-byte line per stripe).
    #[must_use]
    pub fn stripe_bytes(&self) -> usize {
        self.stripes * self.stripe_bytes
    }

    /// Everything: [`window_bytes`](Self::window_bytes) + [`stripe_bytes`](Self::stripe_bytes).
    #[must_use]
    pub fn total_bytes(&self) -> usize {
        self.window_bytes() + self.stripe_bytes()
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_uses_three_hour_buckets_within_budget() {
        let l = SliLayout::plan(30 * 1440, 8, 128, 128).unwrap();
        assert_eq!(l.exact, 4320);
        assert_eq!(l.coarse, 180);
        assert_eq!(l.coarse_len, 242);
        assert_eq!(l.window_bytes(), (4320 + 242) * 16 + 128);
        assert!(l.window_bytes() <= WINDOW_BYTES_BUDGET);
        // The other widths the module docs quote.
        assert_eq!(SliLayout::plan(4 * 1440, 8, 0, 128).unwrap().coarse, 30);
        assert_eq!(SliLayout::plan(90 * 1440, 8, 0, 128).unwrap().coarse, 480);
    }

    #[test]
    fn every_horizon_fits_the_budget_and_short_ones_are_exact() {
        for h in (1..=HORIZON_MINUTES_MAX).step_by(997).chain([
            1,
            4320,
            4321,
            43_200,
            HORIZON_MINUTES_MAX,
        ]) {
            let l = SliLayout::plan(h, 8, FIXED_BYTES_RESERVE, 128).unwrap();
            assert!(l.window_bytes() <= WINDOW_BYTES_BUDGET, "horizon {h}");
            if h <= EXACT_MINUTES_MAX {
                assert_eq!((l.exact, l.coarse, l.coarse_len), (h, 0, 0));
            } else {
                assert_eq!(l.exact, EXACT_MINUTES_MAX);
                // The coarse ring covers the horizon plus the two partial buckets.
                assert!(l.coarse_len * l.coarse >= h + l.coarse);
                assert!(l.coarse <= EXACT_MINUTES_MAX);
            }
        }
        assert_eq!(
            SliLayout::plan(HORIZON_MINUTES_MAX + 1, 8, 0, 128),
            Err(Error::HorizonTooLong {
                horizon: minutes(HORIZON_MINUTES_MAX + 1),
                max: minutes(HORIZON_MINUTES_MAX)
            })
        );
    }
}
