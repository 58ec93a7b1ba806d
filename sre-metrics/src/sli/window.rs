//! [`SliWindow`]: good/total event counts over rolling windows, lock-free through `&self`.

use super::counts::WindowCounts;
use super::layout::SliLayout;
use super::minutes::{NANOS_PER_MINUTE, minute_of, minutes, whole_minutes};
use super::plan::{WindowPlan, other_horizon};
use super::stripes::{self, MAX_STRIPES, Stripe};
use crate::Error;
use crate::thread_slot::{default_slots, thread_slot};
use core::fmt;
use core::time::Duration;
use sre_core::Timestamp;
use sre_core::sync::{AtomicU64, AtomicUsize, Ordering, fence};

/// One ring entry: the cumulative good and bad counts at the end of one minute, stored
/// negated (`0 − count`, wrapping), so a window's counts are the live counts *plus* the
/// entry: an addition takes the loaded value as it is, where a subtraction from the live
/// value would first copy it (x86 two-operand form).
#[derive(Debug)]
pub(super) struct Entry {
    neg_good: AtomicU64,
    neg_bad: AtomicU64,
}

impl Entry {
    pub(super) fn zero() -> Self {
        Self {
            neg_good: AtomicU64::new(0),
            neg_bad: AtomicU64::new(0),
        }
    }

    /// The cumulative counts.
    #[inline]
    pub(super) fn load(&self) -> (u64, u64) {
        let (g, b) = self.load_neg();
        (g.wrapping_neg(), b.wrapping_neg())
    }

    /// The cumulative counts, negated.
    #[inline]
    pub(super) fn load_neg(&self) -> (u64, u64) {
        (
            self.neg_good.load(Ordering::Relaxed),
            self.neg_bad.load(Ordering::Relaxed),
        )
    }

    /// Stores cumulative counts.
    #[inline]
    pub(super) fn store(&self, (good, bad): (u64, u64)) {
        self.neg_good.store(good.wrapping_neg(), Ordering::Relaxed);
        self.neg_bad.store(bad.wrapping_neg(), Ordering::Relaxed);
    }
}

/// Good and total event counts over rolling windows of up to a fixed horizon, recorded
/// lock-free from many threads and queried at a caller-given `now`.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_metrics::sli::SliWindow;
///
/// let sli = SliWindow::new(Duration::from_secs(6 * 3600))?; // 6-hour horizon
/// let min = |m| Timestamp::from_mins(m);
/// sli.record(min(1), true);
/// sli.record_counts(min(2), 98, 2);
/// sli.record(min(3), false);
///
/// // At the end of minute 3, the last 2 minutes are minutes 2 and 3.
/// let c = sli.counts(min(3), Duration::from_secs(120))?;
/// assert_eq!((c.good, c.total, c.bad()), (98, 101, 3));
/// assert_eq!(sli.counts(min(3), Duration::from_secs(3600))?.total, 102);
/// // Nothing in the last 5 minutes at minute 10: "no data", not "healthy".
/// assert_eq!(sli.counts(min(10), Duration::from_secs(300))?.error_ratio(), None);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
///
/// # What a window covers
///
/// Minute `k` holds the events stamped in `((k − 1) min, k min]`. A window of `W` minutes
/// queried at `now` covers minutes `T − W + 1 ..= T` where `T = ⌈now / 1 min⌉` is the
/// minute `now` falls in, that is, events stamped in `((T − W) min, T min]`:
///
/// - `now` on a minute boundary (`now = T min`): exactly what Prometheus'
///   `increase(x[W])` evaluated at `T min` gives over counter samples taken on minute
///   boundaries (2.x closed ranges, without its extrapolation): `x(T) − x(T − W)`.
/// - `now` inside a minute: the current minute is still open, so the window holds the
///   `W − 1` closed minutes before it plus the events of the open minute so far. It is
///   the answer the boundary query at `T min` will give if nothing more arrives.
///
/// # Time is the caller's, and never runs backwards here
///
/// The window's clock is the latest minute any caller has passed to [`record`](Self::record),
/// [`counts`](Self::counts) or [`advance`](Self::advance). A `now` behind it (clock skew
/// between threads, a clock stepped back) is treated as that latest minute: the event is
/// counted in the current, open minute, and the query answers as of the latest minute.
/// Nothing is dropped and closed minutes are never rewritten.
///
/// A `now` past the latest minute closes every minute in between, even with no events:
/// gaps of hours or days read as zero events, and buckets older than the horizon are
/// retired. That costs one store per closed minute up to the ring size (at most 4,320
/// plus the coarse ring), paid once by the first caller after the gap.
///
/// # Exactness
///
/// Windows up to `min(horizon, 3 days)` are exact at 1-minute resolution. For longer
/// windows (horizons past 3 days) the start of the window falls inside one coarse bucket
/// of [`SliLayout::coarse_bucket`] (3 hours for a 30-day horizon); the cumulative count
/// at the start is interpolated linearly inside that bucket. The good and the bad count
/// each differ from the exact count by at most the events of that kind in that one
/// bucket, and are exact when the start falls on a bucket boundary.
///
/// # Concurrency
///
/// Recording is one relaxed load of the open minute's end (a line written once a minute),
/// one compare with `now` and one relaxed `fetch_add` (two for
/// [`record_counts`](Self::record_counts) with both counts non-zero) on this thread's own
/// padded stripe: lock-free, allocation-free, panic-free. The first caller to pass a
/// minute boundary closes the minute: it sums the stripes and writes the ring under a
/// try-lock that nobody waits on (writers that find it taken just record). Queries read
/// the ring under a sequence lock and retry if a rotation ran meanwhile.
///
/// So an event is counted in the minute that is open when its add lands: its own minute
/// when its `record` call moved the window there (always, for one thread with a
/// non-decreasing `now`), or, if another thread was closing minutes at that instant, the
/// minute that thread is closing or the next one. The cut between minutes is taken
/// when the first caller of the new minute arrives, as a Prometheus scrape would take
/// it. Nothing is lost or counted twice (checked by a stress test and loom models).
///
/// # Memory
///
/// Fixed at construction, see [`SliLayout`]. For a 30-day horizon: 72,992 bytes of rings
/// (4,320 one-minute entries and 242 three-hour entries of 16 bytes) plus a 152-byte fixed
/// part on 64-bit targets, 73,144 bytes ≤ 72 KiB; plus 128 bytes per stripe for the
/// striped counters (256 bytes with the default 2 stripes on 2 CPUs, at most 1 KiB with
/// the default stripe count, see [`new`](Self::new)).
pub struct SliWindow {
    /// Sequence lock and rotation try-lock: odd while a rotation writes the rings.
    pub(super) seq: AtomicU64,
    /// The open minute: the latest minute any caller has passed.
    pub(super) head: AtomicU64,
    /// `head % exact.len()`, so queries need no division.
    pub(super) head_idx: AtomicUsize,
    /// Cumulative counts at the end of minute `j`, at `j % exact.len()`.
    pub(super) exact: Box<[Entry]>,
    /// Cumulative counts at the end of minute `b · G`, at `b % coarse.len()`.
    pub(super) coarse: Box<[Entry]>,
    /// The end of the open minute in nanoseconds, `head · 1 min` (saturated): a `now` at
    /// or before it falls in the open minute or an earlier one, so nothing rotates.
    pub(super) head_end: AtomicU64,
    /// Live cumulative counters writers add to.
    pub(super) stripes: Box<[Stripe]>,
    pub(super) stripe_mask: usize,
    pub(super) layout: SliLayout,
    /// The first minute of the window's data ([`NO_MINUTE`] before any): set by the
    /// first rotation, carried through [`state`](Self::state) and
    /// [`from_state`](Self::from_state).
    pub(super) since: AtomicU64,
}

/// [`SliWindow::since`] before the window's clock has moved.
pub(super) const NO_MINUTE: u64 = u64::MAX;

impl fmt::Debug for SliWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliWindow")
            .field("layout", &self.layout)
            .field("head_minute", &self.head.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SliWindow {
    /// A window keeping `horizon` of history, with the default stripe count: the number
    /// of CPUs rounded up to a power of two, at most 8 (2 on a 2-CPU machine).
    ///
    /// That is the rule the crate uses for every per-thread copy (a
    /// [`Histogram`](crate::Histogram)'s shards too): more recording threads than CPUs
    /// cannot all run at once, so more stripes buy little contention, while every stripe
    /// is one more cache line each query and each minute rotation must read. Use
    /// [`with_stripes`](Self::with_stripes) to choose.
    ///
    /// # Errors
    ///
    /// The horizon must be a whole, non-zero number of minutes and at most 366 days.
    pub fn new(horizon: Duration) -> Result<Self, Error> {
        Self::with_stripes(horizon, default_slots())
    }

    /// A window keeping `horizon` of history whose writers spread over `stripes` padded
    /// counters (a power of two from 1 to 256; use about the number of threads that
    /// record concurrently).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), and [`Error::BadStripeCount`] for a bad stripe count.
    pub fn with_stripes(horizon: Duration, stripes: usize) -> Result<Self, Error> {
        let h = whole_minutes(horizon, "SLI horizon")?;
        if !stripes.is_power_of_two() || stripes > MAX_STRIPES {
            return Err(Error::BadStripeCount {
                stripes,
                max: MAX_STRIPES,
            });
        }
        let layout = SliLayout::plan(
            h,
            stripes,
            core::mem::size_of::<Self>(),
            core::mem::size_of::<Stripe>(),
        )?;
        Ok(Self {
            seq: AtomicU64::new(0),
            head: AtomicU64::new(0),
            head_idx: AtomicUsize::new(0),
            exact: (0..layout.exact).map(|_| Entry::zero()).collect(),
            coarse: (0..layout.coarse_len).map(|_| Entry::zero()).collect(),
            head_end: AtomicU64::new(0),
            stripes: (0..stripes).map(|_| Stripe::default()).collect(),
            stripe_mask: stripes - 1,
            layout,
            since: AtomicU64::new(NO_MINUTE),
        })
    }

    /// How the buckets are laid out, and the memory they take.
    #[must_use]
    pub fn layout(&self) -> &SliLayout {
        &self.layout
    }

    /// The longest window that can be queried.
    #[must_use]
    pub fn horizon(&self) -> Duration {
        self.layout.horizon()
    }

    /// Records one event completed at `now`, good or bad.
    #[inline]
    pub fn record(&self, now: Timestamp, good: bool) {
        self.catch_up(now);
        self.stripe().add_one(good);
    }

    /// Records `good` good and `bad` bad events completed at `now`.
    #[inline]
    pub fn record_counts(&self, now: Timestamp, good: u64, bad: u64) {
        self.catch_up(now);
        self.stripe().add(good, bad);
    }

    /// Moves the window's clock to `now` without recording: closes the minutes before
    /// `now`'s and retires buckets older than the horizon. Recording and querying do this
    /// themselves; call it to keep rotation off the hot path of a quiet service.
    pub fn advance(&self, now: Timestamp) {
        let m = minute_of(now);
        let mut spins = 0u32;
        while m > self.head.load(Ordering::Relaxed) {
            self.rotate(m);
            if m > self.head.load(Ordering::Relaxed) {
                backoff(&mut spins);
            }
        }
    }

    /// Good and total events over the `window` ending at `now` (see the type's docs for
    /// exactly which minutes that covers).
    ///
    /// # Errors
    ///
    /// The window must be a whole, non-zero number of minutes, at most the horizon.
    #[inline]
    pub fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
        let [c] = self.counts_many(now, [window])?;
        Ok(c)
    }

    /// [`counts`](Self::counts) for several windows at once, all as of the same `now` and
    /// the same read of the live counters (what a multi-window burn-rate alert wants).
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_core::Timestamp;
    /// use sre_metrics::sli::SliWindow;
    ///
    /// let m = |x: u64| Duration::from_secs(60 * x);
    /// let sli = SliWindow::new(m(60))?;
    /// sli.record(Timestamp::from_mins(1), false);
    /// sli.record(Timestamp::from_mins(30), true);
    /// let [short, long] = sli.counts_many(Timestamp::from_mins(30), [m(5), m(60)])?;
    /// assert_eq!((short.error_ratio(), long.error_ratio()), (Some(0.0), Some(0.5)));
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    ///
    /// Windows queried again and again (an alert rule's) are better checked once with
    /// [`plan`](Self::plan) and read with [`counts_planned`](Self::counts_planned).
    ///
    /// # Errors
    ///
    /// As [`counts`](Self::counts), for the first bad window.
    #[inline]
    pub fn counts_many<const N: usize>(
        &self,
        now: Timestamp,
        windows: [Duration; N],
    ) -> Result<[WindowCounts; N], Error> {
        let plan = WindowPlan::new(&self.layout, windows)?;
        self.checked_counts(now, &plan)
    }

    /// Checks `windows` once against this window's horizon, for
    /// [`counts_planned`](Self::counts_planned) and [`error_ratios`](Self::error_ratios)
    /// to query many times (see [`WindowPlan`]).
    ///
    /// # Errors
    ///
    /// As [`counts`](Self::counts), for the first bad window.
    pub fn plan<const N: usize>(&self, windows: [Duration; N]) -> Result<WindowPlan<N>, Error> {
        WindowPlan::new(&self.layout, windows)
    }

    /// [`counts_many`](Self::counts_many) for the windows of a [`WindowPlan`]: the same
    /// answers, one consistent read, no per-query checks of the windows.
    ///
    /// # Errors
    ///
    /// [`Error::PlanForOtherHorizon`] if the plan was made for a window of another
    /// horizon. Nothing else: the windows were checked when planning.
    #[inline]
    pub fn counts_planned<const N: usize>(
        &self,
        now: Timestamp,
        plan: &WindowPlan<N>,
    ) -> Result<[WindowCounts; N], Error> {
        if plan.horizon != self.layout.horizon {
            return Err(other_horizon(plan.horizon, self.layout.horizon));
        }
        self.checked_counts(now, plan)
    }

    /// The counts of a plan's windows, or the error that says they cannot be given:
    /// [`Error::SliSaturated`] past `u64::MAX` events of a kind since construction,
    /// [`Error::WindowTotalOverflow`] for a window whose good + bad passes `u64::MAX`.
    fn checked_counts<const N: usize>(
        &self,
        now: Timestamp,
        plan: &WindowPlan<N>,
    ) -> Result<[WindowCounts; N], Error> {
        let counts = self.read_plan(now, plan, |good, bad| (good, bad));
        self.check_saturation()?;
        let mut out = [WindowCounts::default(); N];
        for ((o, &(good, bad)), &m) in out.iter_mut().zip(&counts).zip(&plan.minutes) {
            let total = good.checked_add(bad).ok_or(Error::WindowTotalOverflow {
                window: super::minutes::minutes(m),
                good,
                bad,
            })?;
            *o = WindowCounts { good, total };
        }
        Ok(out)
    }

    /// Whether more than `u64::MAX` good or bad events were recorded since
    /// construction. From then on every query answers [`Error::SliSaturated`] rather
    /// than counts that wrapped. (An add that carries is seen by queries that start
    /// after it completes.)
    #[must_use]
    pub fn is_saturated(&self) -> bool {
        stripes::saturated(&self.stripes)
    }

    fn check_saturation(&self) -> Result<(), Error> {
        if self.is_saturated() {
            Err(Error::SliSaturated)
        } else {
            Ok(())
        }
    }

    /// The error ratio of each window of a [`WindowPlan`] as of `now`, `None` for a window
    /// without events ("no data"): `counts_planned(now, plan)` mapped through
    /// [`WindowCounts::error_ratio`], without the intermediate array.
    ///
    /// # Errors
    ///
    /// As [`counts_planned`](Self::counts_planned).
    #[inline]
    pub fn error_ratios<const N: usize>(
        &self,
        now: Timestamp,
        plan: &WindowPlan<N>,
    ) -> Result<[Option<f64>; N], Error> {
        if plan.horizon != self.layout.horizon {
            return Err(other_horizon(plan.horizon, self.layout.horizon));
        }
        // `bad / (good + bad)` with both converted as signed integers is what
        // `error_ratio` computes when neither count reaches 2^62: then `good + bad`
        // neither overflows nor reaches 2^63, and `total − good = bad`. One test for all
        // windows; past it (2^62 events in a window: never in practice), the answers are
        // replaced by `error_ratio`'s own, from a second read.
        let counts = self.read_plan(now, plan, |good, bad| (good, bad));
        self.check_saturation()?;
        let mut big = 0u64;
        let mut bad = [0.0_f64; N];
        let mut total = [0.0_f64; N];
        for ((&(g, b), bad), total) in counts.iter().zip(&mut bad).zip(&mut total) {
            big |= g | b;
            // No wrap when `big` passes: both are below 2^63.
            #[allow(clippy::cast_possible_wrap)]
            {
                *bad = b as i64 as f64;
                *total = g.wrapping_add(b) as i64 as f64;
            }
        }
        if big >> 62 != 0 {
            return Ok(self.error_ratios_exact(now, plan));
        }
        // All divisions in one loop over plain arrays; 0/0 (NaN) becomes `None` after.
        let mut ratio = [0.0_f64; N];
        for ((r, b), t) in ratio.iter_mut().zip(&bad).zip(&total) {
            *r = b / t;
        }
        let mut out = [None; N];
        for ((o, &r), &(g, b)) in out.iter_mut().zip(&ratio).zip(&counts) {
            *o = (g | b != 0).then_some(r);
        }
        Ok(out)
    }

    /// [`error_ratios`](Self::error_ratios) for counts of 2^62 events or more:
    /// `bad / (good + bad)` in floating point, so a window whose good + bad passes
    /// `u64::MAX` still gets its ratio.
    #[cold]
    #[inline(never)]
    fn error_ratios_exact<const N: usize>(
        &self,
        now: Timestamp,
        plan: &WindowPlan<N>,
    ) -> [Option<f64>; N] {
        let counts = self.read_plan(now, plan, |good, bad| (good, bad));
        let mut out = [None; N];
        for (o, &(g, b)) in out.iter_mut().zip(&counts) {
            *o = (g | b != 0).then(|| b as f64 / (g as f64 + b as f64));
        }
        out
    }

    /// Every event recorded since construction (good and total), whatever its time: the
    /// values of a Prometheus counter pair (`..._total`) for this SLI. `total` saturates
    /// at `u64::MAX`; past `u64::MAX` events of one kind the counts wrap, which
    /// [`is_saturated`](Self::is_saturated) reports.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_core::Timestamp;
    /// use sre_metrics::SliWindow;
    ///
    /// let sli = SliWindow::new(Duration::from_secs(60))?;
    /// sli.record_counts(Timestamp::from_secs(1), 5, 1);
    /// sli.record_counts(Timestamp::from_secs(3600), 2, 0); // the first ones left the window
    /// let all = sli.totals();
    /// assert_eq!((all.good, all.total), (7, 8));
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    #[must_use]
    pub fn totals(&self) -> WindowCounts {
        let (good, bad) = stripes::sum(&self.stripes);
        between(good, bad)
    }

    /// This thread's stripe.
    #[inline]
    fn stripe(&self) -> &Stripe {
        &self.stripes[thread_slot() & self.stripe_mask]
    }

    /// Records into stripe `i` (loom models choose stripes explicitly).
    #[cfg(sre_loom)]
    pub(crate) fn record_on(&self, i: usize, now: Timestamp, good: u64, bad: u64) {
        self.catch_up(now);
        self.stripes[i & self.stripe_mask].add(good, bad);
    }

    /// Closes minutes if `now` is past the open one. Never waits.
    #[inline]
    fn catch_up(&self, now: Timestamp) {
        if now.as_nanos() > self.head_end.load(Ordering::Relaxed) {
            self.rotate(minute_of(now));
        }
    }

    /// Closes every minute before `m` unless another thread is rotating (then returns at
    /// once; that thread or a later caller closes them).
    #[cold]
    #[inline(never)]
    pub(super) fn rotate(&self, m: u64) {
        let s = self.seq.load(Ordering::Relaxed);
        if s & 1 != 0
            || self
                .seq
                .compare_exchange(s, s.wrapping_add(1), Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        // Seqlock writer: the odd sequence is ordered before the ring stores below.
        fence(Ordering::Release);
        let cur = self.head.load(Ordering::Relaxed);
        if m > cur {
            // Every event counted so far belongs to minute `cur` or earlier; minutes
            // `cur + 1 .. m` saw none. So the cumulative count at the end of each of the
            // minutes `cur .. m` is the stripes' sum now.
            let snap = stripes::sum(&self.stripes);
            if self.since.load(Ordering::Relaxed) == NO_MINUTE {
                // The first rotation: the data starts in the open minute if events were
                // counted in it (stamped at time 0), else in the minute arriving now.
                let first = if snap == (0, 0) { m } else { cur };
                self.since.store(first, Ordering::Relaxed);
            }
            let len = self.exact.len() as u64;
            let first = cur.max(m.saturating_sub(len));
            let mut i = index(first % len);
            for _ in first..m {
                self.exact[i].store(snap);
                i += 1;
                if i == self.exact.len() {
                    i = 0;
                }
            }
            self.head_idx.store(index(m % len), Ordering::Relaxed);
            let g = self.layout.coarse;
            if g != 0 {
                let lc = self.coarse.len() as u64;
                // Coarse entry `b` holds the cumulative count at the end of minute b·G.
                let end = m.div_ceil(g);
                let begin = cur.div_ceil(g).max(end.saturating_sub(lc));
                for b in begin..end {
                    self.coarse[index(b % lc)].store(snap);
                }
            }
            self.head.store(m, Ordering::Relaxed);
            // A recorder that sees the new end skips `rotate` and adds to the stripes;
            // one that sees the old end calls `rotate`, which finds nothing to do. Either
            // way its event is counted once, in the minute closed here or in `m` (see
            // "Concurrency" in the type's docs).
            self.head_end
                .store(m.saturating_mul(NANOS_PER_MINUTE), Ordering::Relaxed);
        }
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }
}

/// The counts of a window with `good` good and `bad` bad events.
#[inline]
fn between(good: u64, bad: u64) -> WindowCounts {
    WindowCounts {
        good,
        total: good.saturating_add(bad),
    }
}

/// A ring index: every value passed here is below a ring length, which is a `usize`.
#[inline]
pub(super) fn index(x: u64) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

/// Waits a little for a rotation in progress elsewhere.
#[inline]
pub(super) fn backoff(spins: &mut u32) {
    #[cfg(sre_loom)]
    {
        let _ = spins;
        sre_core::sync::loom::thread::yield_now();
    }
    #[cfg(not(sre_loom))]
    {
        if *spins < 64 {
            core::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
        *spins = spins.saturating_add(1);
    }
}

/// The span of the window's data.
impl SliWindow {
    /// The minute the window's data starts in: the minute of the first `now` any caller
    /// passed to [`record`](Self::record), [`counts`](Self::counts) or
    /// [`advance`](Self::advance) (0 if events stamped at time 0 came first), kept through
    /// [`state`](Self::state) and [`from_state`](Self::from_state). `None` while no
    /// caller has moved the window's clock.
    #[must_use]
    pub fn observed_since(&self) -> Option<u64> {
        let since = self.since.load(Ordering::Relaxed);
        (since != NO_MINUTE).then_some(since)
    }

    /// How much time the window has data for, as of `now`: the whole minutes from the
    /// first minute of data ([`observed_since`](Self::observed_since)) to the minute `now`
    /// falls in (or the window's latest minute, if later), both included. A window of
    /// that length or longer holds everything the window has seen. `None` while no
    /// caller has moved the window's clock.
    ///
    /// After a [`from_state`](Self::from_state), the span still starts at the saved first
    /// minute: the time the process was down is inside it, with no events.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_core::Timestamp;
    /// use sre_metrics::sli::SliWindow;
    ///
    /// let sli = SliWindow::new(Duration::from_secs(30 * 86_400))?;
    /// assert_eq!(sli.observed(Timestamp::from_mins(3)), None);
    /// sli.record(Timestamp::from_secs(150), true); // minute 3
    /// // Minutes 3 to 7: five minutes of data in a 30-day window.
    /// assert_eq!(sli.observed(Timestamp::from_mins(7)), Some(Duration::from_secs(300)));
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    #[must_use]
    pub fn observed(&self, now: Timestamp) -> Option<Duration> {
        let since = self.observed_since()?;
        let t = minute_of(now).max(self.head.load(Ordering::Relaxed));
        Some(minutes(t.saturating_sub(since).saturating_add(1)))
    }
}
