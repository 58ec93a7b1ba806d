//! A `ManualClock` advanced from several threads is seen as monotonic by every reader,
//! and loses no advance.
#![cfg(not(sre_loom))]

use core::time::Duration;
use sre_core::{Clock, ManualClock, Timestamp};
use std::thread;

#[test]
fn shared_manual_clock_stays_monotonic_and_sums_advances() {
    const WRITERS: u64 = 4;
    const STEPS: u64 = 20_000;
    let clock = ManualClock::new(Timestamp::ZERO);
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let c = clock.clone();
            thread::spawn(move || {
                let mut last = Timestamp::ZERO;
                let mut seen = 0u64;
                while last < Timestamp::from_nanos(WRITERS * STEPS * 3) {
                    let t = c.now();
                    assert!(t >= last, "time went back: {t} after {last}");
                    last = t;
                    seen += 1;
                }
                seen
            })
        })
        .collect();
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let c = clock.clone();
            thread::spawn(move || {
                for s in 0..STEPS {
                    c.advance(Duration::from_nanos(2));
                    // advance_to something already passed must be a no-op.
                    c.advance_to(Timestamp::from_nanos(s));
                    c.advance(Duration::from_nanos(if i == 0 { 4 } else { 1 }));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    // Writer 0 adds 6 per step, the others 3 each: no advance may be lost. Readers wait
    // for 3 per step per writer, less than the total, so they terminate.
    assert_eq!(
        clock.now(),
        Timestamp::from_nanos(STEPS * (6 + 3 * (WRITERS - 1)))
    );
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
}
