//! Reading windows out of an [`SliWindow`]: the sequence-lock read of the live counts and
//! the ring entries each window starts at, exact or interpolated in the coarse ring.

use super::minutes::minute_of;
use super::plan::WindowPlan;
use super::stripes;
use super::window::{Entry, SliWindow, backoff, index};
use sre_core::Timestamp;
use sre_core::sync::{Ordering, fence};

impl SliWindow {
    /// `finish(good, bad)` of the counts of each of a plan's windows as of `now` (the
    /// plan matches this window's layout).
    ///
    /// The common path is one pass of the sequence-lock read: no rotation due (`now` is
    /// not past the open minute's end: one compare, no division) and none running.
    /// Anything else (closing minutes first, a rotation running, one that ran during the
    /// read) takes the cold retry loop.
    #[inline(always)]
    pub(super) fn read_plan<T, F: FnMut(u64, u64) -> T, const N: usize>(
        &self,
        now: Timestamp,
        plan: &WindowPlan<N>,
        mut finish: F,
    ) -> [T; N] {
        let s1 = self.seq.load(Ordering::Acquire);
        let end = self.head_end.load(Ordering::Relaxed);
        if s1 & 1 == 0 && now.as_nanos() <= end {
            let out = self.read(plan, &mut finish);
            // Seqlock reader: the loads in `read` are ordered before the re-check.
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == s1 {
                return out;
            }
        }
        self.read_plan_slow(minute_of(now), plan)
            .map(|(good, bad)| finish(good, bad))
    }

    /// [`read_plan`](Self::read_plan) when a rotation is due, running, or ran during the
    /// read: rotate if needed, then retry the read until it sees no rotation. Returns
    /// each window's good and bad counts.
    #[cold]
    #[inline(never)]
    fn read_plan_slow<const N: usize>(&self, t: u64, plan: &WindowPlan<N>) -> [(u64, u64); N] {
        let mut spins = 0u32;
        loop {
            if t > self.head.load(Ordering::Relaxed) {
                self.rotate(t);
            }
            let s1 = self.seq.load(Ordering::Acquire);
            let head = self.head.load(Ordering::Relaxed);
            if s1 & 1 == 0 && head >= t {
                let out = self.read(plan, &mut |good, bad| (good, bad));
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    return out;
                }
            }
            backoff(&mut spins);
        }
    }

    /// The reads of one sequence-lock section: the live counters once, then one ring
    /// entry per window (torn if a rotation ran meanwhile; the caller re-checks).
    ///
    /// Every window takes one exact-ring load at its planned offset, unrolled, without
    /// calls or divisions. Plans with windows longer than the exact ring (horizons past
    /// 3 days) take an out-of-line pass that also reads the coarse ring.
    #[inline(always)]
    fn read<T, F: FnMut(u64, u64) -> T, const N: usize>(
        &self,
        plan: &WindowPlan<N>,
        finish: &mut F,
    ) -> [T; N] {
        let head_idx = self.head_idx.load(Ordering::Relaxed);
        let live = stripes::sum(&self.stripes);
        if plan.long {
            return self
                .read_long(head_idx, live, plan)
                .map(|(good, bad)| finish(good, bad));
        }
        let exact = &*self.exact;
        core::array::from_fn(|k| {
            // `head_idx < len` and `w <= len`, so `i < len`. A window reaching before
            // minute 0 (`w > head`, so `head < len`) lands on an entry of a minute in
            // `head ..= len - 1`, not closed yet and so still (0, 0): the ring is written
            // only for closed minutes, and until minute `len` is open those are
            // `0 .. head` at indices `0 .. head`.
            let (neg_good, neg_bad) = back_entry(exact, head_idx, plan.back[k]).load_neg();
            finish(neg_good.wrapping_add(live.0), neg_bad.wrapping_add(live.1))
        })
    }

    /// [`read`](Self::read) for a plan with windows longer than the exact ring: those
    /// start in the coarse ring (see [`coarse_before`](Self::coarse_before)).
    #[inline(never)]
    fn read_long<const N: usize>(
        &self,
        head_idx: usize,
        live: (u64, u64),
        plan: &WindowPlan<N>,
    ) -> [(u64, u64); N] {
        let head = self.head.load(Ordering::Relaxed);
        let len = self.exact.len();
        let mut out = [(0, 0); N];
        for ((o, &wm), &back) in out.iter_mut().zip(&plan.minutes).zip(&plan.back) {
            let start = if wm <= len as u64 {
                // As in `read`.
                back_entry(&self.exact, head_idx, back).load()
            } else if wm <= head {
                self.coarse_before(head - wm)
            } else {
                // A window reaching before minute 0 holds everything since then.
                (0, 0)
            };
            *o = (live.0.wrapping_sub(start.0), live.1.wrapping_sub(start.1));
        }
        out
    }

    /// The cumulative counts at the end of minute `start`, older than the exact ring:
    /// interpolated between the coarse entries around it.
    #[inline(never)]
    fn coarse_before(&self, start: u64) -> (u64, u64) {
        let g = self.layout.coarse;
        let lc = self.coarse.len() as u64;
        let (b0, off) = (start / g, start % g);
        let lo = self.coarse[index(b0 % lc)].load();
        if off == 0 {
            return lo;
        }
        let hi = self.coarse[index((b0 + 1) % lc)].load();
        (
            interpolate(lo.0, hi.0, off, g),
            interpolate(lo.1, hi.1, off, g),
        )
    }
}

/// `lo + (hi − lo) · off / g`, rounded down, in wrapping counter arithmetic.
#[inline]
fn interpolate(lo: u64, hi: u64, off: u64, g: u64) -> u64 {
    let span = u128::from(hi.wrapping_sub(lo));
    let part = span * u128::from(off) / u128::from(g);
    lo.wrapping_add(u64::try_from(part).unwrap_or(u64::MAX))
}

/// The entry `w` places before index `i` of `ring`, wrapping: `ring[(i − w) mod len]` for
/// `i < len` and `w <= len`. Without wrapping (`w <= i`) that is one subtraction and the
/// bounds check; the wrapped case adds `len` and checks again.
#[inline(always)]
fn back_entry(ring: &[Entry], i: usize, w: usize) -> &Entry {
    let j = i.wrapping_sub(w);
    match ring.get(j) {
        Some(e) => e,
        None => &ring[j.wrapping_add(ring.len())],
    }
}
