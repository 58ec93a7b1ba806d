//! [`Servers`]: the ready servers of a [`Station`](super::Station), earliest-free first —
//! a 4-ary min-heap keyed on the time each server is free.
//!
//! Every arrival that finds a free server replaces the top (the earliest-free server) with
//! a server busy until the request is done: one sift down per request, the station's
//! innermost step. With four children a node the sift is ⌈log₄ c⌉ levels instead of
//! ⌈log₂ c⌉ (3 instead of 6 for c = 50), and the four children are adjacent in memory.
//! Which of several equally early servers is on top is unspecified (as for
//! `std::collections::BinaryHeap`); the station's results do not depend on it.

/// A ready server: free from `free_at` on, and the send time of its last request while
/// that request's outcome is unreported (`NONE` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) free_at: u64,
    pub(super) arrival: u64,
}

/// A min-heap of [`Slot`]s by `free_at`; see the [module docs](self).
#[derive(Debug, Clone, Default)]
pub(super) struct Servers {
    slots: Vec<Slot>,
}

impl Servers {
    /// `n` copies of `slot` (equal keys: already a heap).
    pub(super) fn new(n: usize, slot: Slot) -> Self {
        Self {
            slots: vec![slot; n],
        }
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// The earliest-free server.
    #[inline]
    pub(super) fn peek(&self) -> Option<&Slot> {
        self.slots.first()
    }

    /// Every server, in no particular order.
    pub(super) fn iter(&self) -> core::slice::Iter<'_, Slot> {
        self.slots.iter()
    }

    /// Calls `f(free_at, &mut arrival)` for every server: arrivals may change, the order
    /// (by `free_at`, which `f` cannot change) stays valid.
    pub(super) fn for_each_arrival(&mut self, mut f: impl FnMut(u64, &mut u64)) {
        for s in &mut self.slots {
            f(s.free_at, &mut s.arrival);
        }
    }

    /// Replaces the earliest-free server with `slot` (pushes it if there is none).
    #[inline]
    pub(super) fn replace_top(&mut self, slot: Slot) {
        if self.slots.is_empty() {
            self.slots.push(slot);
        } else {
            self.sift_down(0, slot);
        }
    }

    pub(super) fn push(&mut self, slot: Slot) {
        let mut i = self.slots.len();
        self.slots.push(slot);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.slots[parent].free_at <= slot.free_at {
                break;
            }
            self.slots[i] = self.slots[parent];
            i = parent;
        }
        self.slots[i] = slot;
    }

    /// Removes and returns the earliest-free server.
    pub(super) fn pop(&mut self) -> Option<Slot> {
        let last = self.slots.pop()?;
        match self.slots.first().copied() {
            Some(top) => {
                self.sift_down(0, last);
                Some(top)
            }
            None => Some(last),
        }
    }

    /// Puts `slot` at `i` (`i < len`), moving it down past every earlier-free child.
    #[inline]
    fn sift_down(&mut self, mut i: usize, slot: Slot) {
        let n = self.slots.len();
        let s = &mut self.slots;
        loop {
            let c = 4 * i + 1;
            let (m, key) = if c + 4 <= n {
                // All four children: the earliest of them in two rounds of two.
                let (a, b) = (s[c].free_at, s[c + 1].free_at);
                let (x, y) = (s[c + 2].free_at, s[c + 3].free_at);
                let (i1, k1) = if b < a { (c + 1, b) } else { (c, a) };
                let (i2, k2) = if y < x { (c + 3, y) } else { (c + 2, x) };
                if k2 < k1 { (i2, k2) } else { (i1, k1) }
            } else if c < n {
                let mut m = c;
                for j in c + 1..n {
                    if s[j].free_at < s[m].free_at {
                        m = j;
                    }
                }
                (m, s[m].free_at)
            } else {
                break;
            };
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

    /// Every slot's children are free no earlier than it.
    fn is_heap(h: &Servers) -> bool {
        (1..h.slots.len()).all(|i| h.slots[(i - 1) / 4].free_at <= h.slots[i].free_at)
    }

    proptest::proptest! {
        /// Against `std`'s binary heap: the same earliest key after every operation, the
        /// same keys popped in the same order, and the heap order holds throughout.
        #[test]
        fn agrees_with_std_binary_heap(
            start in 0usize..9,
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
