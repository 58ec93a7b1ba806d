//! [`Clock`]: where "now" comes from, injected; [`MonotonicClock`] and [`SystemClock`]
//! for services, [`ManualClock`] for simulations and tests.

use crate::sync::{Arc, AtomicU64, Ordering};
use crate::time::{Timestamp, duration_to_nanos_saturating};
use core::time::Duration;

/// A source of [`Timestamp`]s.
///
/// Object-safe and `Send + Sync`: hold it as `Arc<dyn Clock>` or `&dyn Clock`. Nothing in
/// the `sre` crates reads a clock behind your back; functions that need the time take a
/// `now: Timestamp`, and a `Clock` is how you produce one.
///
/// ```
/// use sre_core::{Clock, ManualClock, MonotonicClock, Timestamp};
///
/// fn stamp(clock: &dyn Clock) -> Timestamp {
///     clock.now()
/// }
/// let real = MonotonicClock::new();
/// let sim = ManualClock::new(Timestamp::from_secs(10));
/// assert!(stamp(&real) <= real.now());
/// assert_eq!(stamp(&sim), Timestamp::from_secs(10));
/// ```
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

/// Real, monotonic time: nanoseconds since this clock was created (its epoch).
///
/// Built on [`std::time::Instant`], so it never goes backwards and does not follow
/// wall-clock changes. Two `MonotonicClock`s have different epochs; share one (it is
/// `Copy`) when timestamps must be compared.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock {
    origin: std::time::Instant,
}

impl MonotonicClock {
    /// A clock whose epoch is now.
    #[must_use]
    pub fn new() -> Self {
        Self {
            origin: std::time::Instant::now(),
        }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    #[inline]
    fn now(&self) -> Timestamp {
        Timestamp::from_nanos(duration_to_nanos_saturating(self.origin.elapsed()))
    }
}

/// Real time on the Unix epoch: nanoseconds since 1970-01-01 UTC as the wall clock read at
/// creation, advanced by a monotonic clock from then on.
///
/// Its timestamps line up with wall-clock minutes, and so with Prometheus' evaluation and
/// scrape grid and with a state saved by a previous process, while it never goes
/// backwards when the wall clock is stepped (it keeps the offset read at creation; NTP
/// slewing moves both clocks alike). A process that runs for months and whose wall clock
/// was stepped sees the difference; create a new `SystemClock` to take the step.
///
/// A wall clock before 1970 reads as [`Timestamp::ZERO`]; one past 2554 saturates.
///
/// ```
/// use sre_core::{Clock, SystemClock, Timestamp};
///
/// let clock = SystemClock::new();
/// let now = clock.now();
/// assert!(now > Timestamp::from_secs(1_600_000_000)); // after September 2020
/// assert!(clock.now() >= now);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: std::time::Instant,
    origin_unix_nanos: u64,
}

impl SystemClock {
    /// A clock reading the wall clock once, now.
    #[must_use]
    pub fn new() -> Self {
        let origin = std::time::Instant::now();
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Self {
            origin,
            origin_unix_nanos: duration_to_nanos_saturating(unix),
        }
    }

    /// A reading of the monotonic clock, for [`at`](Self::at) and for measuring
    /// durations: the one place a service reads the wall clock.
    #[inline]
    #[must_use]
    pub fn instant(&self) -> std::time::Instant {
        std::time::Instant::now()
    }

    /// The timestamp of `instant`, a reading of [`std::time::Instant`] taken by the caller
    /// (so one clock read can serve a latency measurement and a timestamp). An instant
    /// before the clock's creation reads as the creation time.
    #[inline]
    #[must_use]
    pub fn at(&self, instant: std::time::Instant) -> Timestamp {
        let since = instant.saturating_duration_since(self.origin);
        Timestamp::from_nanos(
            self.origin_unix_nanos
                .saturating_add(duration_to_nanos_saturating(since)),
        )
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    #[inline]
    fn now(&self) -> Timestamp {
        self.at(self.instant())
    }
}

/// A clock that moves only when told: the time source of simulations and tests.
///
/// Clones share one time (an `Arc<AtomicU64>`), so a simulator can advance the clock
/// that a hundred components read from other threads. [`advance`](Self::advance) and
/// [`advance_to`](Self::advance_to) only move forward, so readers see a monotonic
/// sequence; [`set`](Self::set) is the one way back, for tests of clock skew, and
/// readers may then see time go backwards.
///
/// ```
/// use core::time::Duration;
/// use sre_core::{Clock, ManualClock, Timestamp};
///
/// let clock = ManualClock::new(Timestamp::ZERO);
/// let seen_by_other = clock.clone();
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(seen_by_other.now(), Timestamp::from_secs(90));
/// clock.advance_to(Timestamp::from_secs(30)); // earlier: ignored
/// assert_eq!(clock.now(), Timestamp::from_secs(90));
/// clock.set(Timestamp::from_secs(30)); // explicit: goes back
/// assert_eq!(seen_by_other.now(), Timestamp::from_secs(30));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock showing `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self {
            nanos: Arc::new(AtomicU64::new(start.as_nanos())),
        }
    }

    /// Moves forward by `d`, saturating at [`Timestamp::MAX`]; returns the new time.
    pub fn advance(&self, d: Duration) -> Timestamp {
        let n = duration_to_nanos_saturating(d);
        let prev = self.nanos.fetch_add_saturating(n);
        Timestamp::from_nanos(prev.saturating_add(n))
    }

    /// Moves forward to `t`; does nothing if the clock already shows `t` or later.
    /// Returns the time the clock shows afterwards.
    pub fn advance_to(&self, t: Timestamp) -> Timestamp {
        let prev = self.nanos.fetch_max(t.as_nanos(), Ordering::AcqRel);
        Timestamp::from_nanos(prev.max(t.as_nanos()))
    }

    /// Sets the time to `t`, **backwards too**: readers will see time go back. Use
    /// [`advance_to`](Self::advance_to) unless you are testing clock skew.
    pub fn set(&self, t: Timestamp) {
        self.nanos.store(t.as_nanos(), Ordering::Release);
    }
}

impl Default for ManualClock {
    /// A clock at [`Timestamp::ZERO`].
    fn default() -> Self {
        Self::new(Timestamp::ZERO)
    }
}

impl Clock for ManualClock {
    #[inline]
    fn now(&self) -> Timestamp {
        Timestamp::from_nanos(self.nanos.load(Ordering::Acquire))
    }
}

trait FetchAddSaturating {
    fn fetch_add_saturating(&self, n: u64) -> u64;
}

impl FetchAddSaturating for AtomicU64 {
    fn fetch_add_saturating(&self, n: u64) -> u64 {
        let mut cur = self.load(Ordering::Acquire);
        loop {
            match self.compare_exchange_weak(
                cur,
                cur.saturating_add(n),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(prev) => return prev,
                Err(actual) => cur = actual,
            }
        }
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_saturates() {
        let c = ManualClock::new(Timestamp::MAX - Duration::from_nanos(5));
        assert_eq!(c.advance(Duration::from_secs(1)), Timestamp::MAX);
        assert_eq!(c.now(), Timestamp::MAX);
    }

    #[test]
    fn monotonic_clock_does_not_go_back() {
        let c = MonotonicClock::new();
        let mut last = c.now();
        for _ in 0..10_000 {
            let t = c.now();
            assert!(t >= last);
            last = t;
        }
    }

    #[test]
    fn clock_is_object_safe_through_pointers() {
        let c = std::sync::Arc::new(ManualClock::new(Timestamp::from_secs(3)));
        let dynamic: std::sync::Arc<dyn Clock> = c.clone();
        let boxed: Box<dyn Clock> = Box::new(c.as_ref().clone());
        c.advance(Duration::from_secs(1));
        assert_eq!(dynamic.now(), Timestamp::from_secs(4));
        assert_eq!(boxed.now(), Timestamp::from_secs(4));
        assert_eq!(Clock::now(&&*dynamic), Timestamp::from_secs(4));
    }
}

#[cfg(all(test, sre_loom))]
mod loom_tests {
    use super::*;

    #[test]
    fn loom_manual_clock_readers_see_monotonic_time() {
        loom::model(|| {
            let clock = ManualClock::new(Timestamp::ZERO);
            let writer = clock.clone();
            let w = loom::thread::spawn(move || {
                writer.advance(Duration::from_nanos(2));
                writer.advance_to(Timestamp::from_nanos(5));
            });
            let a = clock.now();
            let b = clock.now();
            assert!(a <= b);
            w.join().unwrap();
            assert_eq!(clock.now(), Timestamp::from_nanos(5));
        });
    }
}
