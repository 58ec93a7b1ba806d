//! Abort conditions evaluated every tick on live signals (thresholds, burn rates, a
//! latency quantile, a rate band, deadlines, a manual abort), and the kill switch that
//! stops injection the moment the guard trips.
//!
//! Inside an experiment, tick the guard from the method's activity (on the caller's
//! clock) and end the activity with
//! [`Outcome::Interrupted(Interruption::Graceful)`](crate::Outcome::Interrupted) when it
//! stops: the method ends there and, with [`RollbackStrategy::Always`](crate::RollbackStrategy::Always),
//! the rollbacks run (Chaos Toolkit's default strategy skips them after an interruption).

use crate::Error;
use crate::signals::{IntervalQuantile, burn_rate, error_ratio, rate, within_rate};
use core::time::Duration;
use sre_core::{Objective, Timestamp};
use sre_metrics::{Histogram, SliWindow};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The most conditions a guard holds.
pub const MAX_CONDITIONS: usize = 64;

/// A shared flag: tripped once, never reset. The guard trips it when it stops; anyone
/// may trip it by hand ([`KillSwitch::trip`]); injectors read it on every request.
/// Cost: one relaxed atomic load to read.
#[derive(Debug, Clone, Default)]
pub struct KillSwitch(Arc<AtomicBool>);

impl KillSwitch {
    /// A switch not yet tripped.
    pub fn new() -> Self {
        Self::default()
    }
    /// Trips the switch (a manual abort when done by hand).
    pub fn trip(&self) {
        self.0.store(true, Ordering::Release);
    }
    /// Whether it was tripped.
    pub fn is_tripped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// One abort condition.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Condition {
    /// The error ratio over `window` is strictly above `threshold` (no data never
    /// aborts).
    ErrorRatioAbove {
        /// The window ending at each tick.
        window: Duration,
        /// The ratio that aborts when exceeded.
        threshold: f64,
    },
    /// The burn rate over `window` against `objective` is strictly above `burn`.
    BurnRateAbove {
        /// The window ending at each tick.
        window: Duration,
        /// The SLO objective.
        objective: Objective,
        /// The burn rate that aborts when exceeded.
        burn: f64,
    },
    /// The latency quantile `q` since the previous tick (at least `min_count` values)
    /// is strictly above `limit` (the histogram's unit, e.g. nanoseconds). The first
    /// tick that sees the histogram sets the baseline.
    QuantileAbove {
        /// The quantile.
        q: f64,
        /// The value that aborts when exceeded.
        limit: u64,
        /// Fewer values than this carry over to the next tick.
        min_count: u64,
    },
    /// The event rate over `window` is outside `expected · (1 ± tolerance)`.
    RateOutside {
        /// The window ending at each tick.
        window: Duration,
        /// Expected events per second.
        expected: f64,
        /// Allowed relative deviation.
        tolerance: f64,
    },
    /// Something must happen within `within` of the guard's start (the course's "no
    /// failover after 60 s"); [`Guard::satisfy`] records it.
    Deadline {
        /// What must happen.
        name: String,
        /// How long after the start.
        within: Duration,
    },
}

/// Why the guard stopped the experiment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cause {
    /// A signal crossed its threshold: condition `index`, the value seen and the limit.
    Threshold {
        /// Index of the condition.
        index: usize,
        /// The signal (`error_ratio`, `burn_rate`, `quantile`, `rate`).
        signal: &'static str,
        /// What was observed.
        observed: f64,
        /// The limit it crossed.
        limit: f64,
    },
    /// A deadline passed without [`Guard::satisfy`].
    Deadline {
        /// Index of the condition.
        index: usize,
        /// What did not happen.
        name: String,
        /// Its deadline after the start.
        within: Duration,
    },
    /// The [`KillSwitch`] was tripped by hand.
    Manual,
}

/// When and why the guard stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Abort {
    /// The tick that stopped it.
    pub at: Timestamp,
    /// Why.
    pub cause: Cause,
}

/// The signals a guard reads at each tick.
#[derive(Debug, Clone, Copy)]
pub struct Signals<'a> {
    /// Good/total events (error ratio, burn rate, rate).
    pub sli: &'a SliWindow,
    /// Latencies (quantile conditions); `None` skips them.
    pub latency: Option<&'a Histogram>,
}

/// Evaluates abort conditions every tick, in order; the first that holds stops the
/// experiment, trips the [`KillSwitch`] and is kept as the reason. A manual abort
/// (the switch tripped by hand) is reported at the next tick, but injectors stop the
/// moment it is tripped. Once stopped, the guard stays stopped.
///
/// ```
/// use core::time::Duration;
/// use sre_chaos::guard::{Cause, Condition, Guard, Signals};
/// use sre_core::Timestamp;
/// use sre_metrics::SliWindow;
///
/// let sli = SliWindow::new(Duration::from_secs(3600))?;
/// let start = Timestamp::from_secs(60);
/// let mut guard = Guard::new(start, vec![
///     Condition::ErrorRatioAbove { window: Duration::from_secs(60), threshold: 0.05 },
///     Condition::Deadline { name: "failover".into(), within: Duration::from_secs(60) },
/// ])?;
/// let now = Timestamp::from_secs(61);
/// sli.record_counts(now, 940, 60); // 6 % errors
/// let abort = guard.tick(now, Signals { sli: &sli, latency: None }).unwrap();
/// assert!(matches!(abort.cause, Cause::Threshold { signal: "error_ratio", .. }));
/// assert!(guard.kill_switch().is_tripped());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Guard {
    start: Timestamp,
    conditions: Vec<Condition>,
    quantiles: Vec<Option<IntervalQuantile>>,
    satisfied: Vec<bool>,
    switch: KillSwitch,
    stopped: Option<Abort>,
}

impl Guard {
    /// A guard started at `start`.
    ///
    /// # Errors
    /// [`Error::TooMany`] beyond [`MAX_CONDITIONS`]; [`Error::Invalid`] naming the field
    /// for a non-finite or negative threshold, burn, expected rate or tolerance, a zero
    /// window, or a quantile outside [0, 1].
    pub fn new(start: Timestamp, conditions: Vec<Condition>) -> Result<Self, Error> {
        if conditions.len() > MAX_CONDITIONS {
            return Err(Error::TooMany {
                field: "conditions",
                len: conditions.len(),
                bound: MAX_CONDITIONS,
            });
        }
        let nonneg = |field: &'static str, x: f64| {
            if x.is_finite() && x >= 0.0 {
                Ok(())
            } else {
                Err(Error::invalid(field, x, "a finite number >= 0"))
            }
        };
        let window = |w: &Duration| {
            if w.is_zero() {
                Err(Error::invalid("window", "0s", "a window > 0"))
            } else {
                Ok(())
            }
        };
        for c in &conditions {
            match c {
                Condition::ErrorRatioAbove {
                    window: w,
                    threshold,
                } => {
                    window(w)?;
                    nonneg("threshold", *threshold)?;
                }
                Condition::BurnRateAbove {
                    window: w, burn, ..
                } => {
                    window(w)?;
                    nonneg("burn", *burn)?;
                }
                Condition::QuantileAbove { q, .. } => {
                    if !(0.0..=1.0).contains(q) {
                        return Err(Error::invalid("q", q, "a quantile in [0, 1]"));
                    }
                }
                Condition::RateOutside {
                    window: w,
                    expected,
                    tolerance,
                } => {
                    window(w)?;
                    nonneg("expected", *expected)?;
                    nonneg("tolerance", *tolerance)?;
                }
                Condition::Deadline { .. } => {}
            }
        }
        let n = conditions.len();
        Ok(Self {
            start,
            conditions,
            quantiles: vec![None; n],
            satisfied: vec![false; n],
            switch: KillSwitch::new(),
            stopped: None,
        })
    }

    /// The switch this guard trips; clone it into injectors.
    pub fn kill_switch(&self) -> KillSwitch {
        self.switch.clone()
    }

    /// Records that the deadline condition `name` was met (e.g. the failover happened).
    /// Returns whether a condition of that name exists.
    pub fn satisfy(&mut self, name: &str) -> bool {
        let mut found = false;
        for (i, c) in self.conditions.iter().enumerate() {
            if matches!(c, Condition::Deadline { name: n, .. } if n == name) {
                self.satisfied[i] = true;
                found = true;
            }
        }
        found
    }

    /// Why it stopped, if it did.
    pub fn stopped(&self) -> Option<&Abort> {
        self.stopped.as_ref()
    }

    /// Evaluates every condition at `now`; returns the abort when the guard is (or
    /// already was) stopped.
    ///
    /// A signal that cannot be read this tick (no data, a window beyond the SLI's
    /// horizon, too few latencies) does not abort. Cost: O(conditions) SLI queries and
    /// one histogram snapshot per quantile condition.
    pub fn tick(&mut self, now: Timestamp, signals: Signals<'_>) -> Option<&Abort> {
        if self.stopped.is_none()
            && let Some(cause) = self.evaluate(now, signals)
        {
            self.switch.trip();
            self.stopped = Some(Abort { at: now, cause });
        }
        self.stopped.as_ref()
    }

    fn evaluate(&mut self, now: Timestamp, s: Signals<'_>) -> Option<Cause> {
        if self.switch.is_tripped() {
            return Some(Cause::Manual);
        }
        let over = |index, signal, observed: f64, limit: f64| {
            (observed > limit).then_some(Cause::Threshold {
                index,
                signal,
                observed,
                limit,
            })
        };
        for (i, c) in self.conditions.iter().enumerate() {
            let cause = match c {
                Condition::ErrorRatioAbove { window, threshold } => {
                    match error_ratio(s.sli, now, *window) {
                        Ok(Some(r)) => over(i, "error_ratio", r, *threshold),
                        _ => None,
                    }
                }
                Condition::BurnRateAbove {
                    window,
                    objective,
                    burn,
                } => match burn_rate(s.sli, now, *window, *objective) {
                    Ok(Some(b)) => over(i, "burn_rate", b, *burn),
                    _ => None,
                },
                Condition::QuantileAbove {
                    q,
                    limit,
                    min_count,
                } => {
                    let Some(h) = s.latency else { continue };
                    let reader = &mut self.quantiles[i];
                    if reader.is_none() {
                        *reader = IntervalQuantile::new(h, *q, *min_count).ok();
                        continue;
                    }
                    match reader.as_mut().map(|r| r.read(h)) {
                        Some(Ok(Some(v))) => over(i, "quantile", v as f64, *limit as f64),
                        _ => None,
                    }
                }
                Condition::RateOutside {
                    window,
                    expected,
                    tolerance,
                } => match rate(s.sli, now, *window) {
                    Ok(r) if !within_rate(r, *expected, *tolerance) => Some(Cause::Threshold {
                        index: i,
                        signal: "rate",
                        observed: r,
                        limit: *expected,
                    }),
                    _ => None,
                },
                Condition::Deadline { name, within } => {
                    let due = self.start.saturating_add(*within);
                    (!self.satisfied[i] && now >= due).then(|| Cause::Deadline {
                        index: i,
                        name: name.clone(),
                        within: *within,
                    })
                }
            };
            if cause.is_some() {
                return cause;
            }
        }
        None
    }
}
