//! Queueing models: Erlang B and C, M/M/c waits and percentiles, M/M/1, M/G/1
//! (Pollaczek–Khinchine), Little's law, and the fewest servers meeting a latency target.
//!
//! Rates share one time unit of your choosing (per second → times in seconds).
//! Unstable inputs (ρ = λ / (c μ) ≥ 1) and μ = 0 are typed errors, never NaN or ∞.
//!
//! Numerics: Erlang B comes from the inverse recurrence `1/B_k = 1 + (k/A) · 1/B_{k−1}`
//! (no factorials, no powers, no overflow short of B underflowing to 0), Erlang C from
//! `C = B / (1 − ρ (1 − B))`; both stay within a few ulp for c in the thousands. The
//! response-time tail `P(T > t) = e^{−μt} + C μ t e^{−min(θ,μ) t} · (1 − e^{−|μ−θ| t}) / (|μ−θ| t)`
//! (θ = cμ − λ) is evaluated with `expm1`, so θ = μ (where the textbook form divides
//! zero by zero) is just another input.
//!
//! ```
//! use sre_loadgen_model::queueing::MMc;
//!
//! // 100 calls per 30 min, 3-minute calls, 11 agents (time unit: seconds).
//! let q = MMc::new(1.0 / 18.0, 1.0 / 180.0, 11)?;
//! assert!((q.offered_load() - 10.0).abs() < 1e-12);
//! assert!((q.p_wait() - 15_625_000.0 / 22_906_587.0).abs() < 1e-15);
//! assert!((q.mean_wait() - 122.781_276_844_079_83).abs() < 1e-9);
//! let p99 = q.response_quantile(0.99)?;
//! assert!((p99 - 1128.291_031_642_456_7).abs() < 1e-9 * p99);
//!
//! // Unstable: more work arrives than 10 servers can do.
//! assert!(MMc::new(11.0, 1.0, 10).is_err());
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```

use crate::Error;
use crate::error::{non_negative, positive};

fn check_quantile(p: f64) -> Result<f64, Error> {
    if p > 0.0 && p < 1.0 {
        Ok(p)
    } else {
        Err(Error::domain(
            "quantile",
            p,
            "the open interval (0, 1), e.g. 0.99 for p99",
        ))
    }
}

/// Erlang B: the probability an arrival finds all `servers` busy in a loss system
/// (M/M/c/c) with `offered_load` A = λ/μ Erlangs. Any A ≥ 0 (a loss system is always
/// stable).
///
/// ```
/// use sre_loadgen_model::queueing::erlang_b;
/// assert!((erlang_b(2, 1.0)? - 0.2).abs() < 1e-15);
/// # Ok::<(), sre_loadgen_model::Error>(())
/// ```
pub fn erlang_b(servers: u32, offered_load: f64) -> Result<f64, Error> {
    let a = non_negative("offered load (Erlangs)", offered_load)?;
    if servers == 0 {
        return Err(Error::NoServers);
    }
    Ok(erlang_b_unchecked(servers, a))
}

fn erlang_b_unchecked(servers: u32, a: f64) -> f64 {
    if a == 0.0 {
        return 0.0;
    }
    let mut inv = 1.0;
    for k in 1..=servers {
        inv = 1.0 + inv * (f64::from(k) / a);
    }
    1.0 / inv
}

/// Erlang C: the probability an arrival waits in an M/M/c queue with `offered_load`
/// A = λ/μ Erlangs on `servers` servers. Needs A < c.
///
/// ```
/// use sre_loadgen_model::queueing::erlang_c;
/// assert!((erlang_c(2, 1.0)? - 1.0 / 3.0).abs() < 1e-15);
/// assert!(erlang_c(10, 10.0).is_err());
/// # Ok::<(), sre_loadgen_model::Error>(())
/// ```
pub fn erlang_c(servers: u32, offered_load: f64) -> Result<f64, Error> {
    let b = erlang_b(servers, offered_load)?;
    let rho = offered_load / f64::from(servers);
    if rho >= 1.0 {
        return Err(Error::Unstable { rho, offered_load });
    }
    Ok(c_from_b(b, rho))
}

fn c_from_b(b: f64, rho: f64) -> f64 {
    b / (1.0 - rho * (1.0 - b))
}

/// An M/M/c queue: Poisson arrivals at rate λ, `c` servers each exponential at rate μ,
/// first come first served, infinite queue.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MMc {
    lambda: f64,
    mu: f64,
    servers: u32,
    erlang_b: f64,
    p_wait: f64,
}

impl MMc {
    /// The queue with arrival rate `lambda` ≥ 0, service rate `mu` > 0 per server and
    /// `servers` ≥ 1. Errors if ρ = λ / (c μ) ≥ 1.
    pub fn new(lambda: f64, mu: f64, servers: u32) -> Result<Self, Error> {
        let lambda = non_negative("arrival rate lambda", lambda)?;
        let mu = positive("service rate mu", mu)?;
        if servers == 0 {
            return Err(Error::NoServers);
        }
        let a = lambda / mu;
        let rho = a / f64::from(servers);
        if rho.is_nan() || rho >= 1.0 {
            return Err(Error::Unstable {
                rho,
                offered_load: a,
            });
        }
        let b = erlang_b_unchecked(servers, a);
        Ok(Self {
            lambda,
            mu,
            servers,
            erlang_b: b,
            p_wait: c_from_b(b, rho),
        })
    }

    /// M/M/1: one server.
    pub fn mm1(lambda: f64, mu: f64) -> Result<Self, Error> {
        Self::new(lambda, mu, 1)
    }

    /// Arrival rate λ.
    #[must_use]
    pub fn arrival_rate(&self) -> f64 {
        self.lambda
    }

    /// Service rate μ of one server.
    #[must_use]
    pub fn service_rate(&self) -> f64 {
        self.mu
    }

    /// Number of servers c.
    #[must_use]
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// Offered load A = λ/μ in Erlangs.
    #[must_use]
    pub fn offered_load(&self) -> f64 {
        self.lambda / self.mu
    }

    /// Utilization ρ = A / c.
    #[must_use]
    pub fn utilization(&self) -> f64 {
        self.offered_load() / f64::from(self.servers)
    }

    /// Erlang B for the same c and A (what a loss system would block).
    #[must_use]
    pub fn erlang_b(&self) -> f64 {
        self.erlang_b
    }

    /// Erlang C: P(an arrival waits) = P(W_q > 0).
    #[must_use]
    pub fn p_wait(&self) -> f64 {
        self.p_wait
    }

    /// θ = cμ − λ: the rate at which the waiting-time tail decays, P(W_q > t) = C e^(−θt).
    #[must_use]
    pub fn wait_decay_rate(&self) -> f64 {
        f64::from(self.servers) * self.mu - self.lambda
    }

    /// Mean wait in queue E\[W_q\] = C / (cμ − λ).
    #[must_use]
    pub fn mean_wait(&self) -> f64 {
        self.p_wait / self.wait_decay_rate()
    }

    /// Mean response time E\[T\] = E\[W_q\] + 1/μ.
    #[must_use]
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + 1.0 / self.mu
    }

    /// Mean queue length L_q = λ E\[W_q\] (Little's law).
    #[must_use]
    pub fn mean_queue_len(&self) -> f64 {
        self.lambda * self.mean_wait()
    }

    /// Mean number in the system L = λ E\[T\].
    #[must_use]
    pub fn mean_in_system(&self) -> f64 {
        self.lambda * self.mean_response()
    }

    /// P(W_q > t) = C e^(−θt).
    #[must_use]
    pub fn p_wait_exceeds(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 1.0;
        }
        self.p_wait * (-self.wait_decay_rate() * t).exp()
    }

    /// The service level P(W_q ≤ t): the share answered within `t` (call-centre "80/20").
    #[must_use]
    pub fn service_level(&self, t: f64) -> f64 {
        1.0 - self.p_wait_exceeds(t)
    }

    /// P(T > t) for the response time T = W_q + S (S ~ Exp(μ) independent of W_q).
    #[must_use]
    pub fn p_response_exceeds(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let (mu, theta) = (self.mu, self.wait_decay_rate());
        let x = (mu - theta).abs() * t;
        // (1 − e^(−x)) / x, → 1 as x → 0.
        let f = if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x };
        (-mu * t).exp() + self.p_wait * mu * t * (-mu.min(theta) * t).exp() * f
    }

    /// The `p`-quantile of the wait in queue: 0 when C ≤ 1 − p, else ln(C / (1 − p)) / θ.
    pub fn wait_quantile(&self, p: f64) -> Result<f64, Error> {
        let p = check_quantile(p)?;
        let tail = 1.0 - p;
        Ok(if self.p_wait <= tail {
            0.0
        } else {
            (self.p_wait / tail).ln() / self.wait_decay_rate()
        })
    }

    /// The `p`-quantile of the response time (wait plus service), by bisection on the
    /// closed-form tail to the last bit.
    pub fn response_quantile(&self, p: f64) -> Result<f64, Error> {
        let tail = 1.0 - check_quantile(p)?;
        let mut hi = (1.0 / self.mu).max(self.wait_quantile(p)?);
        while self.p_response_exceeds(hi) > tail {
            hi *= 2.0;
        }
        let mut lo = 0.0;
        for _ in 0..2000 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.p_response_exceeds(mid) > tail {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(hi)
    }
}

/// Which latency a staffing target constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Latency {
    /// Time waiting in the queue, W_q.
    Wait,
    /// Wait plus service, T.
    Response,
}

/// The fewest servers for which the `quantile` of `latency` is at most `target`, with
/// arrival rate `lambda` and service rate `mu` per server (Erlang B stepped one server at
/// a time, `B_{c+1} = A B_c / (c + 1 + A B_c)`, so thousands of servers cost thousands of
/// steps, not millions).
///
/// ```
/// use sre_loadgen_model::queueing::{servers_for, Latency, MMc};
///
/// // 10,000 RPS, 750 RPS per server: how many servers for p99 response ≤ 7 ms?
/// let c = servers_for(10_000.0, 750.0, Latency::Response, 0.99, 0.007)?;
/// assert!(MMc::new(10_000.0, 750.0, c)?.response_quantile(0.99)? <= 0.007);
/// assert!(MMc::new(10_000.0, 750.0, c - 1).map_or(true, |q| q.response_quantile(0.99).unwrap() > 0.007));
/// # Ok::<(), sre_loadgen_model::Error>(())
/// ```
pub fn servers_for(
    lambda: f64,
    mu: f64,
    latency: Latency,
    quantile: f64,
    target: f64,
) -> Result<u32, Error> {
    let lambda = non_negative("arrival rate lambda", lambda)?;
    let mu = positive("service rate mu", mu)?;
    let p = check_quantile(quantile)?;
    let target = non_negative("latency target", target)?;
    let tail = 1.0 - p;
    if latency == Latency::Response {
        let floor = -tail.ln() / mu;
        if target <= floor {
            return Err(Error::Unattainable {
                quantile: p,
                target,
                floor,
            });
        }
    }
    let a = lambda / mu;
    let first = u32::try_from(sre_core::f64_to_u64_saturating(a.floor()) + 1).map_err(|_| {
        Error::domain(
            "offered load (Erlangs)",
            a,
            "fewer than 2^32 servers' worth",
        )
    })?;
    let mut b = erlang_b_unchecked(first, a);
    let mut c = first;
    loop {
        let q = MMc {
            lambda,
            mu,
            servers: c,
            erlang_b: b,
            p_wait: c_from_b(b, a / f64::from(c)),
        };
        let exceed = match latency {
            Latency::Wait => q.p_wait_exceeds(target),
            Latency::Response => q.p_response_exceeds(target),
        };
        if exceed <= tail {
            return Ok(c);
        }
        c = c.checked_add(1).ok_or(Error::domain(
            "server count",
            f64::from(u32::MAX),
            "below 2^32",
        ))?;
        b = a * b / (f64::from(c) + a * b);
    }
}

/// An M/G/1 queue (Pollaczek–Khinchine): Poisson arrivals at rate λ, one server with a
/// general service time of mean `E\[S\]` and squared coefficient of variation `C_s²`
/// (0 deterministic, ½ Erlang-2, 1 exponential).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MG1 {
    lambda: f64,
    mean_service: f64,
    scv: f64,
}

impl MG1 {
    /// The queue; errors if ρ = λ E\[S\] ≥ 1.
    ///
    /// ```
    /// use sre_loadgen_model::queueing::MG1;
    /// // M/D/1 at ρ = 0.5 waits half as long as M/M/1.
    /// assert_eq!(MG1::new(0.5, 1.0, 0.0)?.mean_wait(), 0.5);
    /// assert_eq!(MG1::new(0.5, 1.0, 1.0)?.mean_wait(), 1.0);
    /// # Ok::<(), sre_loadgen_model::Error>(())
    /// ```
    pub fn new(lambda: f64, mean_service: f64, scv: f64) -> Result<Self, Error> {
        let lambda = non_negative("arrival rate lambda", lambda)?;
        let mean_service = positive("mean service time", mean_service)?;
        let scv = non_negative("service time squared coefficient of variation", scv)?;
        let rho = lambda * mean_service;
        if rho.is_nan() || rho >= 1.0 {
            return Err(Error::Unstable {
                rho,
                offered_load: rho,
            });
        }
        Ok(Self {
            lambda,
            mean_service,
            scv,
        })
    }

    /// Utilization ρ = λ E\[S\].
    #[must_use]
    pub fn utilization(&self) -> f64 {
        self.lambda * self.mean_service
    }

    /// E\[S²\] = (1 + C_s²) E\[S\]².
    #[must_use]
    pub fn second_moment(&self) -> f64 {
        (1.0 + self.scv) * self.mean_service * self.mean_service
    }

    /// Mean wait W_q = λ E\[S²\] / (2 (1 − ρ)).
    #[must_use]
    pub fn mean_wait(&self) -> f64 {
        self.lambda * self.second_moment() / (2.0 * (1.0 - self.utilization()))
    }

    /// Mean response W = W_q + E\[S\].
    #[must_use]
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + self.mean_service
    }

    /// Mean queue length L_q = λ W_q.
    #[must_use]
    pub fn mean_queue_len(&self) -> f64 {
        self.lambda * self.mean_wait()
    }

    /// Mean number in system L = λ W.
    #[must_use]
    pub fn mean_in_system(&self) -> f64 {
        self.lambda * self.mean_response()
    }
}

/// Little's law, L = λ W: the mean number in a stable system from its throughput and the
/// mean time each item spends in it.
///
/// ```
/// // 1000 RPS at 50 ms each: 50 requests in flight on average.
/// assert_eq!(sre_loadgen_model::queueing::little_l(1000.0, 0.05)?, 50.0);
/// # Ok::<(), sre_loadgen_model::Error>(())
/// ```
pub fn little_l(throughput: f64, mean_time: f64) -> Result<f64, Error> {
    Ok(non_negative("throughput", throughput)? * non_negative("mean time in system", mean_time)?)
}

/// Little's law solved for W = L / λ (λ > 0).
pub fn little_w(mean_in_system: f64, throughput: f64) -> Result<f64, Error> {
    Ok(
        non_negative("mean number in system", mean_in_system)?
            / positive("throughput", throughput)?,
    )
}

#[cfg(test)]
// Exact equality is the point where these tests compare floats: values with exact
// binary representations (piecewise-constant rates, ln 1, erf 0, odd symmetry).
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    /// Erlang B by the textbook sum with exact-ish factorials: slow, independent.
    fn erlang_b_sum(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        for k in 1..=c {
            term *= a / f64::from(k);
            sum += term;
        }
        term / sum
    }

    #[test]
    fn recurrence_agrees_with_the_textbook_sum() {
        for c in [1u32, 2, 5, 10, 30, 60] {
            for a in [0.1, 0.9, 3.3, 9.5, 29.0, 55.0] {
                let (x, y) = (erlang_b(c, a).unwrap(), erlang_b_sum(c, a));
                assert!(
                    (x - y).abs() <= 1e-13 * y.max(1e-300),
                    "c={c} A={a}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn huge_c_is_finite_and_sane() {
        let q = MMc::new(4950.0, 1.0, 5000).unwrap();
        assert!(q.p_wait() > 0.0 && q.p_wait() < 1.0);
        let q = MMc::new(1.0, 1.0, 100_000).unwrap();
        assert_eq!(q.p_wait(), 0.0);
        assert!((q.response_quantile(0.5).unwrap() - core::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn bad_input_is_a_typed_error_never_nan() {
        assert!(matches!(
            MMc::new(10.0, 1.0, 10),
            Err(Error::Unstable { .. })
        ));
        assert!(matches!(
            MMc::new(1.0, 0.0, 10),
            Err(Error::Core(sre_core::Error::Zero { .. }))
        ));
        assert!(matches!(MMc::new(1.0, 1.0, 0), Err(Error::NoServers)));
        assert!(matches!(MMc::new(f64::NAN, 1.0, 1), Err(Error::Core(_))));
        assert!(matches!(
            MG1::new(1.0, 1.0, 1.0),
            Err(Error::Unstable { .. })
        ));
        let q = MMc::new(1.0, 2.0, 1).unwrap();
        assert!(q.wait_quantile(1.0).is_err() && q.response_quantile(0.0).is_err());
        assert!(matches!(
            servers_for(10.0, 1.0, Latency::Response, 0.99, 1.0),
            Err(Error::Unattainable { .. })
        ));
        let msg = MMc::new(11.0, 1.0, 10).unwrap_err().to_string();
        assert!(msg.contains("1.1") && msg.contains("add servers"), "{msg}");
    }

    #[test]
    fn servers_for_is_the_fewest() {
        for (lambda, mu, lat, p, target) in [
            (990.0, 1.0, Latency::Wait, 0.99, 0.1),
            (99.0, 1.0, Latency::Response, 0.9, 3.0),
            (10_000.0, 750.0, Latency::Response, 0.999, 0.0095),
            (0.0, 1.0, Latency::Wait, 0.5, 0.0),
        ] {
            let c = servers_for(lambda, mu, lat, p, target).unwrap();
            let ok = |c: u32| {
                MMc::new(lambda, mu, c).is_ok_and(|q| match lat {
                    Latency::Wait => q.wait_quantile(p).unwrap() <= target,
                    Latency::Response => q.p_response_exceeds(target) <= 1.0 - p,
                })
            };
            assert!(ok(c), "{lambda} {c}");
            assert!(c == 1 || !ok(c - 1), "{lambda} {c}");
        }
    }

    #[test]
    fn little_law() {
        assert_eq!(little_w(50.0, 1000.0).unwrap(), 0.05);
        assert!(little_w(1.0, 0.0).is_err());
    }
}
