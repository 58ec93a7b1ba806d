//! [`SliWindowState`]: an [`SliWindow`](super::SliWindow) as plain data, saved before a
//! restart and checked when it is restored.

use super::counts::WindowCounts;
use super::layout::{HORIZON_MINUTES_MAX, SliLayout};
use super::minutes::{NANOS_PER_MINUTE, minutes};
use super::stripes;
use super::window::{NO_MINUTE, SliWindow, backoff, index};
use crate::Error;
use crate::thread_slot::default_slots;
use core::time::Duration;
use sre_core::sync::{Ordering, fence};

/// The latest minute a window's clock can reach: the minute of `Timestamp::MAX`.
const MINUTE_MAX: u64 = u64::MAX / NANOS_PER_MINUTE + 1;

/// Everything needed to rebuild an [`SliWindow`](super::SliWindow): taken with
/// [`SliWindow::state`](super::SliWindow::state), restored with
/// [`SliWindow::from_state`](super::SliWindow::from_state).
///
/// The counts are *cumulative* (events since the window was first built, across
/// restores), as the window keeps them:
///
/// - `good`, `bad`: every event counted so far (what [`totals`](super::SliWindow::totals)
///   returns);
/// - `exact`: the cumulative `[good, bad]` at the end of each closed minute the exact
///   ring keeps, oldest first: the last `min(head_minute, L)` minutes before the head
///   minute, `L` being [`SliLayout::exact_entries`];
/// - `coarse`: the cumulative `[good, bad]` at the end of each minute `b · G` the coarse
///   ring keeps, oldest first: the last `min(⌈head_minute / G⌉, C)` of them, `G` being
///   [`SliLayout::coarse_bucket`] and `C` [`SliLayout::coarse_entries`] (empty for
///   horizons up to 3 days);
/// - `head_minute`: the window's open minute (the latest minute any caller passed);
/// - `observed_since_minute`: the first minute of data (see
///   [`SliWindow::observed_since`](super::SliWindow::observed_since)).
///
/// Its size is bounded by the rings: at most 4,320 + 242 entries for a 30-day horizon.
///
/// # Checks
///
/// A state is checked when the window is rebuilt and, with feature `serde`, when it is
/// deserialized: a horizon as [`SliWindow::new`](super::SliWindow::new) accepts; a head
/// minute at most the minute of `Timestamp::MAX` and a first minute of data at most the
/// head minute (and present once the head minute is past 0); ring lengths matching the
/// layout at the head minute; every cumulative count at most the same count at any later
/// minute (the rings oldest first, then the live counts), the two rings equal where they
/// hold the same minute, and zero before the first minute of data. Each failure is a
/// typed [`Error`] naming the field.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_metrics::sli::SliWindow;
///
/// let sli = SliWindow::new(Duration::from_secs(3600))?;
/// sli.record_counts(Timestamp::from_mins(3), 7, 1);
/// sli.advance(Timestamp::from_mins(5));
/// let s = sli.state();
/// assert_eq!((s.head_minute(), s.observed_since_minute()), (5, Some(3)));
/// assert_eq!(s.totals().total, 8);
/// // The cumulative counts at the end of minutes 0 to 4.
/// assert_eq!(s.exact(), [[0, 0], [0, 0], [0, 0], [7, 1], [7, 1]]);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SliWindowState {
    pub(super) horizon_minutes: u64,
    pub(super) head_minute: u64,
    pub(super) observed_since_minute: Option<u64>,
    pub(super) good: u64,
    pub(super) bad: u64,
    pub(super) exact: Vec<[u64; 2]>,
    pub(super) coarse: Vec<[u64; 2]>,
}

// Deserializing runs the same checks as `SliWindow::from_state`.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(SliWindowState {
    horizon_minutes: u64,
    head_minute: u64,
    observed_since_minute: Option<u64>,
    good: u64,
    bad: u64,
    exact: Vec<[u64; 2]>,
    coarse: Vec<[u64; 2]>,
} => {
    let s = SliWindowState { horizon_minutes, head_minute, observed_since_minute, good, bad, exact, coarse };
    s.check().map(|()| s)
});

impl SliWindowState {
    /// The horizon of the saved window.
    #[must_use]
    pub fn horizon(&self) -> Duration {
        minutes(self.horizon_minutes)
    }

    /// The saved window's open minute: the latest minute any caller had passed.
    #[must_use]
    pub fn head_minute(&self) -> u64 {
        self.head_minute
    }

    /// The first minute of data, `None` if no caller had moved the window's clock.
    #[must_use]
    pub fn observed_since_minute(&self) -> Option<u64> {
        self.observed_since_minute
    }

    /// Every event counted up to the save (what
    /// [`SliWindow::totals`](super::SliWindow::totals) returned).
    #[must_use]
    pub fn totals(&self) -> WindowCounts {
        WindowCounts {
            good: self.good,
            total: self.good.saturating_add(self.bad),
        }
    }

    /// The exact ring: cumulative `[good, bad]` at the end of each of the last
    /// `min(head_minute, L)` closed minutes, oldest first.
    #[must_use]
    pub fn exact(&self) -> &[[u64; 2]] {
        &self.exact
    }

    /// The coarse ring: cumulative `[good, bad]` at the end of each kept minute `b · G`,
    /// oldest first (empty for horizons up to 3 days).
    #[must_use]
    pub fn coarse(&self) -> &[[u64; 2]] {
        &self.coarse
    }

    /// Checks everything listed under "Checks" in the type's docs.
    pub(super) fn check(&self) -> Result<(), Error> {
        let h = self.horizon_minutes;
        if h == 0 {
            return Err(sre_core::Error::ZeroDuration {
                what: "SLI horizon",
            }
            .into());
        }
        if h > HORIZON_MINUTES_MAX {
            return Err(Error::HorizonTooLong {
                horizon: minutes(h),
                max: minutes(HORIZON_MINUTES_MAX),
            });
        }
        let layout = SliLayout::plan(h, 1, 0, 0)?;
        let head = self.head_minute;
        if head > MINUTE_MAX {
            return Err(Error::SliStateMinute {
                field: "head_minute",
                minute: head,
                max: MINUTE_MAX,
            });
        }
        match self.observed_since_minute {
            Some(since) if since > head => {
                return Err(Error::SliStateMinute {
                    field: "observed_since_minute",
                    minute: since,
                    max: head,
                });
            }
            None if head != 0 => {
                // The first rotation sets it, and only a rotation moves the head.
                return Err(Error::SliStateMinute {
                    field: "head_minute",
                    minute: head,
                    max: 0,
                });
            }
            _ => {}
        }
        let len = head.min(layout.exact);
        check_len("exact", self.exact.len(), len)?;
        let g = layout.coarse;
        let (coarse_first, coarse_len) = if g == 0 {
            (0, 0)
        } else {
            let end = head.div_ceil(g);
            let n = end.min(layout.coarse_len);
            (end - n, n)
        };
        check_len("coarse", self.coarse.len(), coarse_len)?;
        // Both rings by minute, merged oldest first, then the live counts at the head.
        let exact = (head - len..).zip(self.exact.iter().map(|&[g, b]| (g, b)));
        let coarse = (coarse_first..)
            .map(|b| b * g)
            .zip(self.coarse.iter().map(|&[g, b]| (g, b)));
        let mut ex = exact.peekable();
        let mut co = coarse.peekable();
        let since = self.observed_since_minute.unwrap_or(head);
        let mut prev: Option<(u64, u64)> = None;
        loop {
            let (field, (minute, counts)) = match (ex.peek(), co.peek()) {
                (Some(&(me, ce)), Some(&(mc, cc))) if me == mc => {
                    if ce != cc {
                        let (f, e, c) = if ce.0 == cc.0 {
                            ("coarse bad", ce.1, cc.1)
                        } else {
                            ("coarse good", ce.0, cc.0)
                        };
                        return Err(Error::SliStateInconsistent {
                            field: f,
                            minute: mc,
                            value: c,
                            rule: "the coarse ring must equal the exact ring at the same minute, which holds",
                            bound: e,
                        });
                    }
                    co.next();
                    ("exact", ex.next().unwrap_or((me, ce)))
                }
                (Some(&(me, _)), Some(&(mc, _))) => {
                    if me < mc {
                        ("exact", ex.next().unwrap_or_default())
                    } else {
                        ("coarse", co.next().unwrap_or_default())
                    }
                }
                (Some(_), None) => ("exact", ex.next().unwrap_or_default()),
                (None, Some(_)) => ("coarse", co.next().unwrap_or_default()),
                (None, None) => break,
            };
            if minute < since && counts != (0, 0) {
                return Err(Error::SliStateInconsistent {
                    field: if counts.0 != 0 {
                        field_good(field)
                    } else {
                        field_bad(field)
                    },
                    minute,
                    value: counts.0.max(counts.1),
                    rule: "no events come before the first minute of data, so the cumulative count there is",
                    bound: 0,
                });
            }
            if let Some(earlier) = prev {
                check_order(field, minute, earlier, counts)?;
            }
            prev = Some(counts);
        }
        match prev {
            Some(earlier) => check_order("", head, earlier, (self.good, self.bad)),
            None => Ok(()),
        }
    }
}

fn field_good(ring: &'static str) -> &'static str {
    match ring {
        "exact" => "exact good",
        "coarse" => "coarse good",
        _ => "good",
    }
}

fn field_bad(ring: &'static str) -> &'static str {
    match ring {
        "exact" => "exact bad",
        "coarse" => "coarse bad",
        _ => "bad",
    }
}

/// The ring named `field` has `len` entries where the layout keeps `expected`.
fn check_len(field: &'static str, len: usize, expected: u64) -> Result<(), Error> {
    let expected = usize::try_from(expected).unwrap_or(usize::MAX);
    if len == expected {
        Ok(())
    } else {
        Err(Error::SliStateLength {
            field,
            len,
            expected,
        })
    }
}

/// The cumulative counts `later`, of the ring `field` (the live counts for `""`) at the
/// end of minute `minute`, are at least `earlier`, the counts before them in time.
fn check_order(
    field: &'static str,
    minute: u64,
    earlier: (u64, u64),
    later: (u64, u64),
) -> Result<(), Error> {
    let (f, value, bound) = if later.0 < earlier.0 {
        (field_good(field), later.0, earlier.0)
    } else if later.1 < earlier.1 {
        (field_bad(field), later.1, earlier.1)
    } else {
        return Ok(());
    };
    Err(Error::SliStateInconsistent {
        field: f,
        minute,
        value,
        rule: "cumulative counts never decrease, and at an earlier minute it is",
        bound,
    })
}

/// Saving and restoring: see [`SliWindowState`].
impl SliWindow {
    /// Everything needed to rebuild an equivalent window, as plain data: the horizon, the
    /// head minute, the live cumulative counts, both rings and the first minute of data.
    ///
    /// One consistent cut, read under the sequence lock as queries read: an event recorded
    /// concurrently is in the state or after it, never lost from it or counted twice in
    /// it. It does not move the window's clock: to save "as of `now`", call
    /// [`advance`](Self::advance) first. Allocates the two rings' entries (at most the
    /// ring sizes of [`SliLayout`]); recorders are never blocked.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_core::Timestamp;
    /// use sre_metrics::sli::SliWindow;
    ///
    /// let sli = SliWindow::new(Duration::from_secs(6 * 3600))?;
    /// sli.record_counts(Timestamp::from_mins(100), 990, 10);
    /// let saved = sli.state();
    ///
    /// // After a restart: down from minute 100 to minute 160, which count as no data.
    /// let back = SliWindow::from_state(saved)?;
    /// back.record_counts(Timestamp::from_mins(160), 50, 0);
    /// let hour = back.counts(Timestamp::from_mins(160), Duration::from_secs(3600))?;
    /// assert_eq!((hour.good, hour.total), (50, 50)); // only the new minute
    /// let six = back.counts(Timestamp::from_mins(160), Duration::from_secs(6 * 3600))?;
    /// assert_eq!((six.good, six.total), (1040, 1050)); // both
    /// assert_eq!(back.totals().total, 1050); // counters continue
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    #[must_use]
    pub fn state(&self) -> SliWindowState {
        let len = self.exact.len() as u64;
        let g = self.layout.coarse;
        let lc = self.coarse.len() as u64;
        let mut exact = Vec::with_capacity(self.exact.len());
        let mut coarse = Vec::with_capacity(self.coarse.len());
        let mut spins = 0u32;
        loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 0 {
                let head = self.head.load(Ordering::Relaxed);
                let since = self.since.load(Ordering::Relaxed);
                let live = stripes::sum(&self.stripes);
                exact.clear();
                exact.extend((head - head.min(len)..head).map(|j| {
                    let (good, bad) = self.exact[index(j % len)].load();
                    [good, bad]
                }));
                coarse.clear();
                if g != 0 {
                    let end = head.div_ceil(g);
                    coarse.extend((end - end.min(lc)..end).map(|b| {
                        let (good, bad) = self.coarse[index(b % lc)].load();
                        [good, bad]
                    }));
                }
                // Seqlock reader: the loads above are ordered before the re-check.
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    return SliWindowState {
                        horizon_minutes: self.layout.horizon,
                        head_minute: head,
                        observed_since_minute: (since != NO_MINUTE).then_some(since),
                        good: live.0,
                        bad: live.1,
                        exact,
                        coarse,
                    };
                }
            }
            backoff(&mut spins);
        }
    }

    /// The window a [`state`](Self::state) was taken of, with the default stripe count
    /// (see [`new`](Self::new)).
    ///
    /// At the saved head minute every query answers exactly as the saved window did, and
    /// [`totals`](Self::totals) continues from the saved counts. Minutes between the
    /// saved head and the first `now` after the restore hold no events: the time a
    /// process was down reads as "no data", never as good.
    ///
    /// # Errors
    ///
    /// Everything in the state is checked (see [`SliWindowState`]): the horizon as
    /// [`new`](Self::new) checks it, [`Error::SliStateLength`] for a ring whose length
    /// does not match the layout at the head minute, [`Error::SliStateMinute`] for a head
    /// or first minute out of range, [`Error::SliStateInconsistent`] for cumulative
    /// counts that decrease with time or rings that disagree.
    pub fn from_state(state: SliWindowState) -> Result<Self, Error> {
        Self::from_state_with_stripes(state, default_slots())
    }

    /// [`from_state`](Self::from_state) with `stripes` striped counters (as
    /// [`with_stripes`](Self::with_stripes)); the stripe count is not part of the state.
    ///
    /// # Errors
    ///
    /// As [`from_state`](Self::from_state), and [`Error::BadStripeCount`].
    pub fn from_state_with_stripes(state: SliWindowState, stripes: usize) -> Result<Self, Error> {
        state.check()?;
        let w = Self::with_stripes(minutes(state.horizon_minutes), stripes)?;
        let head = state.head_minute;
        let len = w.exact.len() as u64;
        let first = head - state.exact.len() as u64;
        for (j, &[good, bad]) in (first..).zip(&state.exact) {
            w.exact[index(j % len)].store((good, bad));
        }
        let g = w.layout.coarse;
        if g != 0 {
            let lc = w.coarse.len() as u64;
            let first = head.div_ceil(g) - state.coarse.len() as u64;
            for (b, &[good, bad]) in (first..).zip(&state.coarse) {
                w.coarse[index(b % lc)].store((good, bad));
            }
        }
        w.head.store(head, Ordering::Relaxed);
        w.head_idx.store(index(head % len), Ordering::Relaxed);
        w.head_end
            .store(head.saturating_mul(NANOS_PER_MINUTE), Ordering::Relaxed);
        w.since.store(
            state.observed_since_minute.unwrap_or(NO_MINUTE),
            Ordering::Relaxed,
        );
        w.stripes[0].add(state.good, state.bad);
        Ok(w)
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::super::SliWindow;
    use super::*;
    use sre_core::Timestamp;

    fn saved(horizon_minutes: u64, minutes_recorded: u64) -> SliWindowState {
        let sli = SliWindow::new(minutes(horizon_minutes)).unwrap();
        for m in 1..=minutes_recorded {
            sli.record_counts(Timestamp::from_mins(m), m, m % 3);
        }
        sli.state()
    }

    #[test]
    fn a_saved_state_passes_and_rings_have_the_layout_sizes() {
        for (h, m) in [(60, 0), (60, 5), (60, 500), (4320, 9000), (43_200, 100_000)] {
            let s = saved(h, m);
            assert_eq!(s.check(), Ok(()), "{h} {m}");
            let l = SliLayout::plan(h, 1, 0, 0).unwrap();
            assert!(s.exact.len() <= l.exact_entries() && s.coarse.len() <= l.coarse_entries());
            assert_eq!(s.exact.len() as u64, m.min(l.exact));
        }
        let full = saved(43_200, 100_000);
        assert_eq!(full.exact.len(), 4320);
        assert_eq!(full.coarse.len(), 242);
    }

    #[test]
    fn every_kind_of_damage_is_refused_naming_the_field() {
        let good = saved(43_200, 10_000);
        let damaged = |f: &dyn Fn(&mut SliWindowState)| {
            let mut s = good.clone();
            f(&mut s);
            s.check().unwrap_err()
        };
        assert_eq!(
            damaged(&|s| s.horizon_minutes = 0),
            Error::Core(sre_core::Error::ZeroDuration {
                what: "SLI horizon"
            })
        );
        assert!(matches!(
            damaged(&|s| s.horizon_minutes = HORIZON_MINUTES_MAX + 1),
            Error::HorizonTooLong { .. }
        ));
        // A shorter horizon has no coarse ring and a shorter exact ring.
        assert_eq!(
            damaged(&|s| s.horizon_minutes = 60),
            Error::SliStateLength {
                field: "exact",
                len: 4320,
                expected: 60
            }
        );
        assert_eq!(
            damaged(&|s| {
                s.coarse.pop();
            }),
            Error::SliStateLength {
                field: "coarse",
                len: 55,
                expected: 56
            }
        );
        assert_eq!(
            damaged(&|s| s.head_minute = MINUTE_MAX + 1),
            Error::SliStateMinute {
                field: "head_minute",
                minute: MINUTE_MAX + 1,
                max: MINUTE_MAX
            }
        );
        assert_eq!(
            damaged(&|s| s.observed_since_minute = Some(10_001)),
            Error::SliStateMinute {
                field: "observed_since_minute",
                minute: 10_001,
                max: 10_000
            }
        );
        assert!(matches!(
            damaged(&|s| s.observed_since_minute = None),
            Error::SliStateMinute {
                field: "head_minute",
                ..
            }
        ));
        // A decrease inside the exact ring: entry 100 (minute 10,000 − 4,320 + 100).
        let e = damaged(&|s| s.exact[100][0] = 0);
        assert!(
            matches!(
                e,
                Error::SliStateInconsistent {
                    field: "exact good",
                    minute: 5780,
                    value: 0,
                    ..
                }
            ),
            "{e:?}"
        );
        // The live count below the last ring entry.
        let e = damaged(&|s| s.bad = 0);
        assert!(
            matches!(
                e,
                Error::SliStateInconsistent {
                    field: "bad",
                    minute: 10_000,
                    value: 0,
                    ..
                }
            ),
            "{e:?}"
        );
        // The coarse ring disagreeing with the exact ring at a minute both keep.
        let e = damaged(&|s| {
            let last = s.coarse.len() - 1;
            s.coarse[last][1] += 1;
        });
        assert!(
            matches!(
                e,
                Error::SliStateInconsistent {
                    field: "coarse bad",
                    minute: 9900,
                    ..
                }
            ),
            "{e:?}"
        );
        // Events before the first minute of data.
        let e = damaged(&|s| s.observed_since_minute = Some(9_000));
        assert!(
            matches!(
                e,
                Error::SliStateInconsistent {
                    field: "coarse good",
                    ..
                }
            ),
            "{e:?}"
        );
        // Every message names the field.
        for e in [
            damaged(&|s| s.exact[7][1] = u64::MAX),
            damaged(&|s| s.good = 1),
        ] {
            let msg = e.to_string();
            assert!(msg.contains("exact bad") || msg.contains("`good`"), "{msg}");
        }
    }

    #[test]
    fn a_state_taken_before_any_caller_restores_empty() {
        let sli = SliWindow::new(minutes(60)).unwrap();
        let s = sli.state();
        assert_eq!((s.head_minute, s.observed_since_minute), (0, None));
        assert!(s.exact.is_empty() && s.coarse.is_empty());
        let back = SliWindow::from_state(s).unwrap();
        assert_eq!(back.totals(), WindowCounts::default());
        assert_eq!(back.observed_since(), None);
        // Events stamped at time 0 are counted in minute 0, where the data then starts.
        sli.record(Timestamp::ZERO, false);
        let back = SliWindow::from_state(sli.state()).unwrap();
        back.record(Timestamp::from_mins(2), true);
        assert_eq!(back.observed_since(), Some(0));
        let c = back.counts(Timestamp::from_mins(2), minutes(2)).unwrap();
        assert_eq!((c.good, c.total), (1, 1));
        let c = back.counts(Timestamp::from_mins(2), minutes(3)).unwrap();
        assert_eq!((c.good, c.total), (1, 2));
    }
}
