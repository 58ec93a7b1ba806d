//! Striped cumulative counters: where writers add, one padded cache line per stripe.
//!
//! Each stripe holds two monotone counters, cumulative good and cumulative bad events
//! since the window was built; they are never reset. A thread always writes the stripe
//! picked by its slot number ([`thread_slot`](crate::thread_slot::thread_slot), the same
//! scheme as the histogram's shards), so two threads (up to the stripe count) never
//! bounce one cache line. The live cumulative total is the sum over stripes.
//!
//! **Saturation.** A window counts at most `u64::MAX` good and `u64::MAX` bad events over
//! its life. An add that carries a stripe's counter past `u64::MAX` sets the stripe's
//! `wrapped` flag (the carry of the add it already does: the previous value comes back
//! from the same instruction); a sum over stripes past `u64::MAX` is caught when the
//! stripes are summed for [`saturated`]. Either way the window reports it instead of
//! answering with wrapped counts.

use sre_core::sync::{AtomicBool, AtomicU64, Ordering};

/// The most stripes a window may have.
pub(crate) const MAX_STRIPES: usize = 256;

/// One stripe: cumulative good and bad, alone on a 128-byte line (two 64-byte lines,
/// because adjacent-line prefetchers pair them).
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Stripe {
    good: AtomicU64,
    bad: AtomicU64,
    /// Set (never cleared) when an add carried a counter past `u64::MAX`.
    wrapped: AtomicBool,
}

impl Stripe {
    #[inline]
    pub(crate) fn add(&self, good: u64, bad: u64) {
        if good != 0 {
            let old = self.good.fetch_add(good, Ordering::Relaxed);
            self.check(old, good);
        }
        if bad != 0 {
            let old = self.bad.fetch_add(bad, Ordering::Relaxed);
            self.check(old, bad);
        }
    }

    #[inline]
    pub(crate) fn add_one(&self, good: bool) {
        let c = if good { &self.good } else { &self.bad };
        let old = c.fetch_add(1, Ordering::Relaxed);
        self.check(old, 1);
    }

    /// Flags the stripe if `old + n` carried past `u64::MAX`.
    #[inline(always)]
    fn check(&self, old: u64, n: u64) {
        if old.checked_add(n).is_none() {
            self.flag();
        }
    }

    #[cold]
    #[inline(never)]
    fn flag(&self) {
        self.wrapped.store(true, Ordering::Relaxed);
    }
}

/// Whether the cumulative good or bad count over all stripes has passed `u64::MAX`: a
/// stripe's flag, or a sum that overflows. One pass over the stripes; a query pays it,
/// never a writer. An add that carries is seen here once its flag store is visible.
pub(crate) fn saturated(stripes: &[Stripe]) -> bool {
    let mut sum = (0u64, 0u64);
    let mut over = false;
    for s in stripes {
        over |= s.wrapped.load(Ordering::Relaxed);
        let (g, cg) = sum.0.overflowing_add(s.good.load(Ordering::Relaxed));
        let (b, cb) = sum.1.overflowing_add(s.bad.load(Ordering::Relaxed));
        sum = (g, b);
        over |= cg | cb;
    }
    over
}

/// Sum of all stripes: cumulative `(good, bad)` as seen now (wrapping, like the counters).
///
/// Not an atomic cut across stripes, and it need not be: each stripe is monotone, so the
/// sum lies between the totals before and after the read, and every add lands in it or
/// in a later one, never in both.
///
/// Stripe counts are powers of two, so the stripes are read in pairs (one pass for the
/// default 2) and a single stripe on its own, without a general loop's set-up.
#[inline]
pub(crate) fn sum(stripes: &[Stripe]) -> (u64, u64) {
    let load = |s: &Stripe| {
        (
            s.good.load(Ordering::Relaxed),
            s.bad.load(Ordering::Relaxed),
        )
    };
    // The default on a 2-CPU machine, without the loop's set-up and unrolled remainder.
    if let [a, b] = stripes {
        let (a, b) = (load(a), load(b));
        return (a.0.wrapping_add(b.0), a.1.wrapping_add(b.1));
    }
    let mut pairs = stripes.chunks_exact(2);
    let mut sum = (0u64, 0u64);
    for pair in &mut pairs {
        let (a, b) = (load(&pair[0]), load(&pair[1]));
        sum = (
            sum.0.wrapping_add(a.0.wrapping_add(b.0)),
            sum.1.wrapping_add(a.1.wrapping_add(b.1)),
        );
    }
    if let [s] = pairs.remainder() {
        let a = load(s);
        sum = (sum.0.wrapping_add(a.0), sum.1.wrapping_add(a.1));
    }
    sum
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn stripes_are_a_line_each_and_sum() {
        assert_eq!(core::mem::size_of::<Stripe>(), 128);
        let s: Vec<Stripe> = (0..4).map(|_| Stripe::default()).collect();
        s[0].add_one(true);
        s[1].add_one(false);
        s[3].add(5, 7);
        s[3].add(0, 0);
        assert_eq!(sum(&s), (6, 8));
        // Every length, odd ones too: the plain sum over the stripes.
        for n in 0..=9u64 {
            let s: Vec<Stripe> = (0..n).map(|_| Stripe::default()).collect();
            for (i, st) in (0..n).zip(&s) {
                st.add(i + 1, 2 * i);
            }
            let want = (0..n).fold((0, 0), |(g, b), i| (g + i + 1, b + 2 * i));
            assert_eq!(sum(&s), want, "{n} stripes");
        }
    }

    #[test]
    fn carries_past_u64_are_flagged() {
        let max = u64::MAX;
        // One stripe wrapping, by a bulk add or by one more event.
        for adds in [
            &[(max, 0), (1, 0)][..],
            &[(0, max), (0, 1)],
            &[(max - 1, 0), (2, 0)],
        ] {
            let s = [Stripe::default(), Stripe::default()];
            for &(g, b) in adds {
                assert!(!saturated(&s));
                s[0].add(g, b);
            }
            assert!(saturated(&s), "{adds:?}");
        }
        let s = [Stripe::default()];
        s[0].add(max, 0);
        s[0].add_one(true);
        assert!(saturated(&s));
        // No stripe wraps, but their sum does.
        let s = [Stripe::default(), Stripe::default()];
        s[0].add(1 << 63, 0);
        s[1].add(1 << 63, 0);
        assert!(saturated(&s));
        // Up to u64::MAX of each is fine.
        let s = [Stripe::default(), Stripe::default()];
        s[0].add(max - 5, max);
        s[1].add(5, 0);
        assert!(!saturated(&s));
    }
}
