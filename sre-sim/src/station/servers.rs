//! [`Servers`]: the ready servers of a [`Station`](super::Station), earliest-free first —
//! a 4-ary min-heap keyed on the time each server is free.
//!
//! Every arrival that finds a free server replaces the top (the earliest-free server) with
//! a server busy until the request is done: one sift down per request, the station's
//! innermost step. With four children a node the sift is ⌈log₄ c⌉ levels instead of
//! ⌈log₂ c⌉ (3 instead of 6 for c = 50), and the four children are adjacent in memory.
//! The places run to a whole number of child groups (1 + 4k), those past the last server
//! holding an empty place that sorts after every server, so each level reads its four
//! children after one bounds check. Which of several equally early servers is on top is
//! unspecified (as for `std::collections::BinaryHeap`); the station's results do not
//! depend on it.

/// A ready server: free from `free_at` on, and the send time of its last request while
/// that request's outcome is unreported (`NONE` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) free_at: u64,
    pub(super) arrival: u64,
}

/// A place without a server. A sift moves a child up only if it is free strictly earlier
/// than the slot moving down, so an empty place (free at `u64::MAX`) never moves up and
/// the servers stay in the first `len` places, even a server free at `u64::MAX`.
const EMPTY: Slot = Slot {
    free_at: u64::MAX,
    arrival: u64::MAX,
};

/// A min-heap of [`Slot`]s by `free_at`; see the [module docs](self).
#[derive(Debug, Clone)]
pub(super) struct Servers {
    /// `1 + 4k` places: the servers in heap order, then empty places.
    slots: Vec<Slot>,
    /// Servers held: the first `len` places.
    len: usize,
}

/// Places for `n` servers: 1 + 4k ≥ n.
fn places(n: usize) -> usize {
    1 + n.saturating_sub(1).div_ceil(4) * 4
}

impl Servers {
    /// `n` copies of `slot` (equal keys: already a heap).
    pub(super) fn new(n: usize, slot: Slot) -> Self {
        let mut slots = vec![slot; n];
        slots.resize(places(n), EMPTY);
        Self { slots, len: n }
    }

    /// Servers held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The earliest-free server.
    #[inline]
    pub(super) fn peek(&self) -> Option<&Slot> {
        self.slots.first().filter(|_| self.len > 0)
    }

    /// Every server, in no particular order.
    pub(super) fn iter(&self) -> core::slice::Iter<'_, Slot> {
        self.slots[..self.len].iter()
    }

    /// Calls `f(free_at, &mut arrival)` for every server: arrivals may change, the order
    /// (by `free_at`, which `f` cannot change) stays valid.
    pub(super) fn for_each_arrival(&mut self, mut f: impl FnMut(u64, &mut u64)) {
        for s in &mut self.slots[..self.len] {
            f(s.free_at, &mut s.arrival);
        }
    }

    /// Replaces the earliest-free server with `slot` (adds it if there is none).
    #[inline]
    pub(super) fn replace_top(&mut self, slot: Slot) {
        if self.len == 0 {
            self.push(slot);
        } else {
            self.sift_down(slot);
        }
    }

    /// Adds a server.
    pub(super) fn push(&mut self, slot: Slot) {
        let mut i = self.len;
        if i >= self.slots.len() {
            self.slots.resize(places(i + 1), EMPTY);
        }
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.slots[parent].free_at <= slot.free_at {
                break;
            }
            self.slots[i] = self.slots[parent];
            i = parent;
        }
        self.slots[i] = slot;
        self.len += 1;
    }

    /// Removes and returns the server in the last place (an arbitrary server: which one
    /// depends on the heap's history); what is left is still a heap. O(1).
    pub(super) fn pop_last(&mut self) -> Option<Slot> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        Some(core::mem::replace(&mut self.slots[self.len], EMPTY))
    }

    /// Removes and returns the earliest-free server.
    pub(super) fn pop(&mut self) -> Option<Slot> {
        let top = *self.peek()?;
        self.len -= 1;
        let last = core::mem::replace(&mut self.slots[self.len], EMPTY);
        if self.len > 0 {
            self.sift_down(last);
        }
        Some(top)
    }

    /// Puts `slot` at the top, then moves it down past every earlier-free child.
    #[inline]
    fn sift_down(&mut self, slot: Slot) {
        let s = &mut self.slots[..];
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            // Children come in whole groups of four (empty places sort last).
            let Some(&[a, b, x, y]) = s.get(c..c + 4) else {
                break;
            };
            // The earliest of the four in two rounds of two.
            let (i1, k1) = if b.free_at < a.free_at {
                (c + 1, b.free_at)
            } else {
                (c, a.free_at)
            };
            let (i2, k2) = if y.free_at < x.free_at {
                (c + 3, y.free_at)
            } else {
                (c + 2, x.free_at)
            };
            let (m, key) = if k2 < k1 { (i2, k2) } else { (i1, k1) };
            if key >= slot.free_at {
                break;
            }
            s[i] = s[m];
            i = m;
        }
        s[i] = slot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cmp::Reverse;
    use std::collections::BinaryHeap;

    fn slot(free_at: u64) -> Slot {
        Slot {
            free_at,
            arrival: free_at ^ 1,
        }
    }

    /// Every place's children are free no earlier than it, the places run to whole
    /// groups of four, and those past the servers are empty.
    fn is_heap(h: &Servers) -> bool {
        (1..h.slots.len()).all(|i| h.slots[(i - 1) / 4].free_at <= h.slots[i].free_at)
            && h.slots.len() % 4 == 1
            && h.slots.len() >= h.len
            && h.slots[h.len..].iter().all(|s| *s == EMPTY)
    }

    proptest::proptest! {
        /// Against `std`'s binary heap: the same earliest key after every operation, the
        /// same keys popped in the same order, and the heap order holds throughout.
        #[test]
        fn agrees_with_std_binary_heap(
            start in 0usize..100,
            ops in proptest::collection::vec((0u8..3, 0u64..40), 0..300),
        ) {
            let mut ours = Servers::new(start, slot(5));
            let mut std: BinaryHeap<Reverse<u64>> = (0..start).map(|_| Reverse(5)).collect();
            for (op, key) in ops {
                match op {
                    0 => {
                        ours.push(slot(key));
                        std.push(Reverse(key));
                    }
                    1 => {
                        let popped = ours.pop();
                        proptest::prop_assert_eq!(popped.map(|s| s.free_at), std.pop().map(|r| r.0));
                        // A slot comes out with the arrival it went in with.
                        proptest::prop_assert!(popped.is_none_or(|s| s.arrival == s.free_at ^ 1));
                    }
                    _ => {
                        ours.replace_top(slot(key));
                        if std.is_empty() {
                            std.push(Reverse(key));
                        } else if let Some(mut top) = std.peek_mut() {
                            *top = Reverse(key);
                        }
                    }
                }
                proptest::prop_assert!(is_heap(&ours));
                proptest::prop_assert_eq!(ours.len(), std.len());
                proptest::prop_assert_eq!(ours.peek().map(|s| s.free_at), std.peek().map(|r| r.0));
            }
            let mut drained = Vec::new();
            while let Some(s) = ours.pop() {
                drained.push(s.free_at);
            }
            let expected: Vec<u64> = std.into_sorted_vec().into_iter().rev().map(|r| r.0).collect();
            proptest::prop_assert_eq!(drained, expected);
        }
    }

    #[test]
    fn servers_free_at_the_end_of_time_stay_servers() {
        let mut h = Servers::new(2, slot(u64::MAX));
        h.push(slot(3));
        h.push(slot(u64::MAX));
        h.replace_top(slot(u64::MAX)); // 3 leaves
        assert!(is_heap(&h));
        assert_eq!(h.len(), 4);
        let mut out = Vec::new();
        while let Some(s) = h.pop() {
            assert!(is_heap(&h));
            out.push((s.free_at, s.arrival));
        }
        assert_eq!(out, vec![(u64::MAX, u64::MAX ^ 1); 4]);
        assert!(h.peek().is_none());
        h.replace_top(slot(9)); // adds to an empty heap
        assert_eq!(h.peek(), Some(&slot(9)));
    }

    #[test]
    fn arrivals_change_in_place() {
        let mut h = Servers::new(0, slot(0));
        for k in [7, 3, 9, 1, 4, 8] {
            h.push(slot(k));
        }
        h.for_each_arrival(|free_at, arrival| {
            if free_at < 5 {
                *arrival = u64::MAX;
            }
        });
        assert!(is_heap(&h));
        let mut out = Vec::new();
        while let Some(s) = h.pop() {
            out.push((s.free_at, s.arrival));
        }
        assert_eq!(
            out,
            vec![
                (1, u64::MAX),
                (3, u64::MAX),
                (4, u64::MAX),
                (7, 6),
                (8, 9),
                (9, 8)
            ]
        );
    }
}
