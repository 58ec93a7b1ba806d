//! The closed-loop model beside the open-loop one: a fixed population of virtual users,
//! each sending, waiting for the response, thinking, and sending again.
//!
//! In a closed loop the offered load falls as the system slows (the interactive response
//! time law X = N / (R + Z)), which is why a closed-loop load test under-reports a
//! saturated system's latency; open-loop schedules ([`crate::arrivals`]) do not.
//! [`ClosedLoop::mva`] solves a single-station closed network exactly by mean value
//! analysis (Reiser and Lavenberg, 1980).
//!
//! ```
//! use core::time::Duration;
//! use sre_loadgen_model::closed::{ClosedLoop, ThinkTime};
//!
//! let users = ClosedLoop::new(100, ThinkTime::Fixed(Duration::from_secs(1)))?;
//! // 100 users, 1 s think time, 250 ms responses: 80 requests per second.
//! assert_eq!(users.throughput(0.25), 80.0);
//! // Against one server taking 5 ms a request, MVA gives the exact steady state.
//! let (x, r) = users.mva(0.005);
//! assert!(x <= 100.0 / 1.005 && x <= 1.0 / 0.005 && r >= 0.005);
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```

use crate::Error;
use crate::rng::Xoshiro256PlusPlus;
use core::time::Duration;
use sre_core::Timestamp;

/// A virtual user's pause between a response and its next request.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ThinkTime {
    /// Always the same pause (k6's `sleep(x)`).
    Fixed(Duration),
    /// Exponentially distributed with this mean (the classic terminal-user model).
    Exponential(Duration),
}

impl ThinkTime {
    /// The mean pause in seconds.
    #[must_use]
    pub fn mean_secs(self) -> f64 {
        match self {
            Self::Fixed(d) | Self::Exponential(d) => d.as_secs_f64(),
        }
    }
}

/// `users` virtual users with a think time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ClosedLoop {
    users: u32,
    think: ThinkTime,
}

// Deserializing runs `ClosedLoop::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(ClosedLoop { users: u32, think: ThinkTime } => ClosedLoop::new(users, think));

impl ClosedLoop {
    /// `users` ≥ 1 virtual users.
    pub fn new(users: u32, think: ThinkTime) -> Result<Self, Error> {
        if users == 0 {
            return Err(Error::domain("virtual users", 0.0, "1 or more"));
        }
        Ok(Self { users, think })
    }

    /// The number of virtual users.
    #[must_use]
    pub fn users(&self) -> u32 {
        self.users
    }

    /// Throughput when each response takes `response_secs`: X = N / (R + Z).
    #[must_use]
    pub fn throughput(&self, response_secs: f64) -> f64 {
        f64::from(self.users) / (response_secs.max(0.0) + self.think.mean_secs())
    }

    /// The response time implied by a measured throughput: R = N / X − Z.
    pub fn response_time(&self, throughput: f64) -> Result<f64, Error> {
        let x = crate::error::positive("throughput", throughput)?;
        Ok(f64::from(self.users) / x - self.think.mean_secs())
    }

    /// Exact mean value analysis of these users against one FCFS exponential server with
    /// mean service time `service_secs`: returns (throughput, mean response time).
    /// Recursion over n = 1…N: R(n) = S (1 + Q(n−1)), X(n) = n / (R(n) + Z), Q(n) = X(n) R(n).
    #[must_use]
    pub fn mva(&self, service_secs: f64) -> (f64, f64) {
        let (s, z) = (service_secs.max(0.0), self.think.mean_secs());
        let (mut q, mut x, mut r) = (0.0, 0.0, s);
        for n in 1..=self.users {
            r = s * (1.0 + q);
            x = f64::from(n) / (r + z);
            q = x * r;
        }
        (x, r)
    }

    /// A seeded think-time source for one virtual user: call
    /// [`VirtualUser::next_send`] with each response's completion time.
    #[must_use]
    pub fn user(&self, seed: u64) -> VirtualUser {
        VirtualUser {
            think: self.think,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }
}

/// One virtual user of a [`ClosedLoop`]: decides when it sends next.
#[derive(Debug, Clone)]
pub struct VirtualUser {
    think: ThinkTime,
    rng: Xoshiro256PlusPlus,
}

impl VirtualUser {
    /// When this user sends its next request, given that its last response completed at
    /// `completed`.
    pub fn next_send(&mut self, completed: Timestamp) -> Timestamp {
        let pause = match self.think {
            ThinkTime::Fixed(d) => d,
            // `mul_f64` panics past `Duration::MAX` (a huge mean times a long-tail draw).
            ThinkTime::Exponential(mean) => {
                Duration::try_from_secs_f64(mean.as_secs_f64() * self.rng.next_exp1())
                    .unwrap_or(Duration::MAX)
            }
        };
        completed + pause
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_mean_think_time_saturates() {
        let users = ClosedLoop::new(1, ThinkTime::Exponential(Duration::MAX)).unwrap();
        // Mean Duration::MAX: about a third of draws exceed it; none may panic.
        let mut u = users.user(7);
        let sends: Vec<Timestamp> = (0..64).map(|_| u.next_send(Timestamp::ZERO)).collect();
        assert!(
            sends.contains(&Timestamp::MAX),
            "no draw saturated: {sends:?}"
        );
    }

    /// Machine-repairman (M/M/1//N) closed form: p0 = 1 / Σₖ N!/(N−k)! (S/Z)^k,
    /// X = (1 − p0) / S. Independent of the MVA recursion.
    fn repairman_throughput(n: u32, s: f64, z: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..=n {
            term *= f64::from(n - k + 1) * s / z;
            sum += term;
        }
        (1.0 - 1.0 / sum) / s
    }

    #[test]
    fn mva_matches_the_machine_repairman_closed_form() {
        for (n, s, z) in [
            (1, 0.1, 1.0),
            (5, 0.05, 0.5),
            (50, 0.01, 1.0),
            (200, 0.004, 0.5),
        ] {
            let cl =
                ClosedLoop::new(n, ThinkTime::Exponential(Duration::from_secs_f64(z))).unwrap();
            let (x, r) = cl.mva(s);
            let want = repairman_throughput(n, s, z);
            assert!((x - want).abs() <= 1e-9 * want, "N={n}: {x} vs {want}");
            // The interactive response time law ties them together.
            assert!((cl.response_time(x).unwrap() - r).abs() <= 1e-9 * r.max(1e-3));
        }
    }

    #[test]
    fn think_times_are_seeded_and_have_the_right_mean() {
        let cl = ClosedLoop::new(1, ThinkTime::Exponential(Duration::from_secs(2))).unwrap();
        let (mut a, mut b) = (cl.user(5), cl.user(5));
        let mut t = Timestamp::ZERO;
        let n = 100_000u32;
        for _ in 0..n {
            let next = a.next_send(t);
            assert_eq!(next, b.next_send(t));
            t = next;
        }
        let mean = t.as_secs_f64() / f64::from(n);
        // sd of the mean: 2/sqrt(n) ≈ 0.0063; 6 sigma.
        assert!(
            (mean - 2.0).abs() < 6.0 * 2.0 / f64::from(n).sqrt(),
            "{mean}"
        );
        let fixed = ClosedLoop::new(3, ThinkTime::Fixed(Duration::from_millis(10))).unwrap();
        assert_eq!(
            fixed.user(0).next_send(Timestamp::from_secs(1)),
            Timestamp::from_millis(1010)
        );
        assert!(ClosedLoop::new(0, ThinkTime::Fixed(Duration::ZERO)).is_err());
    }
}
