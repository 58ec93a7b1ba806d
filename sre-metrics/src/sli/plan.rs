//! [`WindowPlan`]: a set of windows validated once for an [`SliWindow`](super::SliWindow)'s
//! horizon, then queried as often as an alert evaluates.

use super::layout::SliLayout;
use super::minutes::{minutes, whole_minutes, whole_minutes_or_huge};
use crate::Error;
use core::time::Duration;

/// `N` query windows checked once against an [`SliWindow`](super::SliWindow)'s horizon and
/// turned into ring offsets, as a burn-rate alert rule holds its windows.
///
/// Make one with [`SliWindow::plan`](super::SliWindow::plan); read it with
/// [`SliWindow::counts_planned`](super::SliWindow::counts_planned) or
/// [`SliWindow::error_ratios`](super::SliWindow::error_ratios). The answers are exactly
/// those of [`counts_many`](super::SliWindow::counts_many) for the same windows, without
/// converting and checking the windows on every query. A plan is valid for any
/// `SliWindow` with the same horizon (the layout depends on the horizon alone); with
/// another it is refused with [`Error::PlanForOtherHorizon`].
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_metrics::sli::SliWindow;
///
/// let m = |x: u64| Duration::from_secs(60 * x);
/// let sli = SliWindow::new(m(24 * 60))?;
/// let plan = sli.plan([m(5), m(60), m(24 * 60)])?; // validated once
/// assert_eq!(plan.windows(), [m(5), m(60), m(24 * 60)]);
///
/// sli.record_counts(Timestamp::from_mins(10), 90, 10);
/// sli.record_counts(Timestamp::from_mins(100), 100, 0);
/// let now = Timestamp::from_mins(100);
/// let [five, hour, day] = sli.counts_planned(now, &plan)?;
/// assert_eq!((five.total, hour.total, day.total), (100, 100, 200));
/// assert_eq!(sli.error_ratios(now, &plan)?, [Some(0.0), Some(0.0), Some(0.05)]);
///
/// // Bad windows are refused when planning, with the same errors as a query.
/// assert!(sli.plan([m(5), m(2 * 24 * 60)]).is_err());
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WindowPlan<const N: usize> {
    /// The horizon, in minutes, the windows were checked against.
    pub(super) horizon: u64,
    /// Each window in minutes, `1 ..= horizon`.
    pub(super) minutes: [u64; N],
    /// For a window of `w <= L` minutes (`L` the exact ring's length): `w mod L`, so its
    /// start entry is `(head_idx − w) mod L` (`w = L` is stored as 0: the same entry,
    /// without the wrap-around). For a longer window: 0 (never its answer: those plans
    /// take the coarse pass).
    pub(super) back: [usize; N],
    /// Whether any window is longer than the exact ring.
    pub(super) long: bool,
}

impl<const N: usize> WindowPlan<N> {
    /// Checks `windows` against `layout`'s horizon and computes their ring offsets.
    ///
    /// Branch-free per window; the bad window is named only on the cold path. A window is
    /// good when it has no fraction of a second and is `m` whole minutes with
    /// `1 <= m <= H`: one exact-division test and one unsigned compare each.
    #[inline]
    pub(super) fn new(layout: &SliLayout, windows: [Duration; N]) -> Result<Self, Error> {
        let horizon = layout.horizon;
        let len = layout.exact;
        let mut plan = Self {
            horizon,
            minutes: [0; N],
            back: [0; N],
            long: false,
        };
        let mut bad = 0u64;
        for ((m, b), d) in plan.minutes.iter_mut().zip(&mut plan.back).zip(&windows) {
            let q = whole_minutes_or_huge(d.as_secs());
            *m = q;
            bad |= u64::from(d.subsec_nanos()) | u64::from(q.wrapping_sub(1) >= horizon);
            let exact = q <= len;
            plan.long |= !exact;
            *b = usize::try_from(if q < len { q } else { 0 }).unwrap_or(0);
        }
        if bad != 0 {
            return Err(window_error(horizon, &windows));
        }
        Ok(plan)
    }

    /// The windows, in the order given.
    #[must_use]
    pub fn windows(&self) -> [Duration; N] {
        self.minutes.map(minutes)
    }

    /// The horizon of the [`SliWindow`](super::SliWindow)s this plan can query.
    #[must_use]
    pub fn horizon(&self) -> Duration {
        minutes(self.horizon)
    }
}

/// The error for the first invalid window of `windows` against a horizon of `horizon`
/// minutes.
#[cold]
#[inline(never)]
fn window_error(horizon: u64, windows: &[Duration]) -> Error {
    for &d in windows {
        match whole_minutes(d, "SLI window") {
            Err(e) => return e,
            Ok(m) if m > horizon => {
                return Error::WindowBeyondHorizon {
                    window: d,
                    horizon: minutes(horizon),
                };
            }
            Ok(_) => {}
        }
    }
    // Unreachable when called as above; a window error of some kind is still right.
    Error::WindowBeyondHorizon {
        window: Duration::MAX,
        horizon: minutes(horizon),
    }
}

/// The error for a plan used with a window of another horizon.
#[cold]
#[inline(never)]
pub(super) fn other_horizon(plan: u64, horizon: u64) -> Error {
    Error::PlanForOtherHorizon {
        plan: minutes(plan),
        horizon: minutes(horizon),
    }
}
