//! [`Runner`]: owns the evaluators' schedule: evaluates every SLO on wall-clock
//! boundaries of its interval, publishes what it saw for scrapes, and writes checkpoints.
//!
//! # Cadence
//!
//! Evaluations happen at whole multiples of the interval in Unix time (every minute at
//! `:00`, every 5 s at `:00`, `:05`, …), and each evaluates *at* that instant, so a
//! minute's events are judged as Prometheus judges counters scraped on the minute.
//! Prometheus itself starts each rule group at a fixed offset inside its interval (a
//! hash of the group's name), and scrapes land where they land: the two evaluators agree
//! to within one evaluation interval plus one scrape interval.
//!
//! An interval below a minute is supported: the SLI windows close minutes as time
//! passes, and an evaluation inside a minute reads the open minute's events so far (see
//! [`SliWindow`](sre_metrics::SliWindow)), so alerts can fire within seconds of the
//! events that cause them. The generated rules should then use the same interval
//! ([`Registry::prometheus_rules`]); `for` and `keep_firing_for` are durations and mean
//! the same at any cadence.
//!
//! # What it publishes
//!
//! After each evaluation, an [`SloReport`] per SLO, swapped in under a
//! lock held only for an `Arc` store: scrapes read the last one and never wait for an
//! evaluation; recorders never touch it.

use crate::checkpoint::{self, Checkpoint};
use crate::report::SloReport;
use crate::{Error, Registry};
use core::time::Duration;
use sre_budget::AlertEvent;
use sre_core::{Clock, Timestamp};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// The shortest evaluation interval accepted.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// The longest evaluation or checkpoint interval accepted.
pub const MAX_INTERVAL: Duration = Duration::from_secs(3_600);

/// One alert transition, with the SLO and alert it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertTransition {
    /// The SLO's name.
    pub slo: String,
    /// The alert pair's name.
    pub alert: String,
    /// The transition, with the readings that caused it.
    pub event: AlertEvent,
}

/// Evaluates a registry's SLOs on a schedule and checkpoints them; see the
/// [module docs](self).
///
/// ```
/// use core::time::Duration;
/// use sre_core::{Objective, Timestamp};
/// use sre_service::{Registry, Runner, SloSpec};
///
/// let month = Duration::from_secs(30 * 86_400);
/// let registry = Registry::builder()
///     .slo(SloSpec::availability("api", Objective::from_percent(99.9)?, month))
///     .build()?;
/// let runner = Runner::new(&registry).interval(Duration::from_secs(5))?;
/// // Driven by hand (a simulated clock, a test); `spawn` runs it on a thread.
/// let t = Timestamp::from_secs(1_800_000_000);
/// for _ in 0..20 {
///     registry.record_event("api", t, false);
/// }
/// let transitions = runner.evaluate(t)?;
/// assert!(transitions.iter().any(|x| x.alert == "page_1h_5m"));
/// assert_eq!(runner.next_evaluation(t), t + Duration::from_secs(5));
/// # Ok::<(), sre_service::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Runner {
    registry: Registry,
    interval: Duration,
    checkpoint_interval: Duration,
}

impl Runner {
    /// A runner evaluating once a minute and, if the registry names a checkpoint file,
    /// checkpointing once a minute and at shutdown.
    #[must_use]
    pub fn new(registry: &Registry) -> Self {
        Self {
            registry: registry.clone(),
            interval: sre_core::MINUTE,
            checkpoint_interval: sre_core::MINUTE,
        }
    }

    /// Evaluates every `interval` ([`MIN_INTERVAL`] to [`MAX_INTERVAL`], whole
    /// milliseconds).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfBounds`].
    pub fn interval(mut self, interval: Duration) -> Result<Self, Error> {
        self.interval = check_interval("evaluation interval", interval)?;
        Ok(self)
    }

    /// Checkpoints every `interval` ([`MIN_INTERVAL`] to [`MAX_INTERVAL`]); a checkpoint
    /// is also written at shutdown. Without a checkpoint file in the registry, nothing is
    /// written.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfBounds`].
    pub fn checkpoint_interval(mut self, interval: Duration) -> Result<Self, Error> {
        self.checkpoint_interval = check_interval("checkpoint interval", interval)?;
        Ok(self)
    }

    /// The first evaluation instant after `now`.
    #[must_use]
    pub fn next_evaluation(&self, now: Timestamp) -> Timestamp {
        next_multiple(now, self.interval)
    }

    /// Evaluates every SLO at `now`, publishes the reports, and returns the transitions
    /// (also emitted as `tracing` events with feature `tracing`).
    ///
    /// # Errors
    ///
    /// What an evaluator returns (a window the SLI window cannot answer).
    pub fn evaluate(&self, now: Timestamp) -> Result<Vec<AlertTransition>, Error> {
        let mut out = Vec::new();
        for s in self.registry.inner.slos.iter() {
            let mut ev = s.evaluator.lock().unwrap_or_else(PoisonError::into_inner);
            ev.evaluate(now, &s.sli)?;
            for e in ev.events() {
                let t = AlertTransition {
                    slo: s.spec.name().to_owned(),
                    alert: ev.pair(e.pair).name().to_owned(),
                    event: *e,
                };
                #[cfg(feature = "tracing")]
                trace_transition(&t);
                out.push(t);
            }
            let report = SloReport::of(&s.spec, &ev, now);
            drop(ev);
            s.publish(report);
        }
        Ok(out)
    }

    /// Writes the registry's checkpoint now (nothing without a checkpoint file).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn checkpoint(&self) -> Result<(), Error> {
        self.registry.checkpoint()
    }

    /// Runs the schedule on a thread of its own until [`RunnerHandle::shutdown`].
    ///
    /// # Errors
    ///
    /// [`Error::Runner`] if the thread cannot be started.
    pub fn spawn(self) -> Result<RunnerHandle, Error> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let (stop2, errors2) = (Arc::clone(&stop), Arc::clone(&errors));
        let thread = std::thread::Builder::new()
            .name("sre-evaluator".into())
            .spawn(move || self.run_thread(&stop2, &errors2))
            .map_err(|e| Error::Runner {
                reason: format!("could not start the evaluator thread: {e}"),
            })?;
        Ok(RunnerHandle {
            stop,
            errors,
            thread: Some(thread),
        })
    }

    fn run_thread(
        self,
        stop: &(Mutex<bool>, Condvar),
        errors: &Mutex<Vec<String>>,
    ) -> Result<(), Error> {
        let clock = self.registry.clock();
        let mut schedule = Schedule::new(&self, clock.now());
        let (lock, cv) = stop;
        loop {
            let now = clock.now();
            let wake = schedule.wake();
            let mut stopped = lock.lock().unwrap_or_else(PoisonError::into_inner);
            if !*stopped && wake > now {
                stopped = cv
                    .wait_timeout(stopped, wake - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            if *stopped {
                break;
            }
            drop(stopped);
            if let Err(e) = schedule.run_due(&self, clock.now(), |r| r.checkpoint()) {
                record_error(errors, &e);
            }
        }
        self.registry.final_checkpoint()
    }
}

/// What is due when: the next evaluation and the next checkpoint.
#[derive(Debug)]
struct Schedule {
    next_eval: Timestamp,
    next_checkpoint: Option<Timestamp>,
}

impl Schedule {
    fn new(r: &Runner, now: Timestamp) -> Self {
        Self {
            next_eval: r.next_evaluation(now),
            next_checkpoint: r
                .registry
                .inner
                .checkpoint
                .is_some()
                .then(|| next_multiple(now, r.checkpoint_interval)),
        }
    }

    fn wake(&self) -> Timestamp {
        self.next_checkpoint
            .map_or(self.next_eval, |c| c.min(self.next_eval))
    }

    /// Runs what is due at `now`: the evaluation at its grid instant, then the checkpoint.
    fn run_due(
        &mut self,
        r: &Runner,
        now: Timestamp,
        checkpoint: impl FnOnce(&Runner) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut result = Ok(());
        if now >= self.next_eval {
            let at = self.next_eval;
            self.next_eval = r.next_evaluation(now);
            result = r.evaluate(at).map(drop);
        }
        if let Some(c) = self.next_checkpoint
            && now >= c
        {
            self.next_checkpoint = Some(next_multiple(now, r.checkpoint_interval));
            result = result.and(checkpoint(r));
        }
        result
    }
}

fn record_error(errors: &Mutex<Vec<String>>, e: &Error) {
    #[cfg(feature = "tracing")]
    tracing::error!(error = %e, "sre-service evaluator runner");
    let mut v = errors.lock().unwrap_or_else(PoisonError::into_inner);
    if v.len() < 64 {
        v.push(e.to_string());
    }
}

/// A running [`Runner`] thread.
#[derive(Debug)]
pub struct RunnerHandle {
    stop: Arc<(Mutex<bool>, Condvar)>,
    errors: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<Result<(), Error>>>,
}

impl RunnerHandle {
    /// Errors the runner met while running (evaluations, checkpoints), oldest first, at
    /// most 64; it keeps running after them.
    #[must_use]
    pub fn errors(&self) -> Vec<String> {
        self.errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops the runner and writes the final checkpoint
    /// ([`Registry::final_checkpoint`]).
    ///
    /// # Errors
    ///
    /// The final checkpoint's error, or [`Error::Runner`] if the thread panicked.
    pub fn shutdown(mut self) -> Result<(), Error> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> Result<(), Error> {
        let (lock, cv) = &*self.stop;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        cv.notify_all();
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| Error::Runner {
                reason: "the evaluator thread panicked".into(),
            })?,
            None => Ok(()),
        }
    }
}

impl Drop for RunnerHandle {
    /// Stops the runner and writes the final checkpoint; use
    /// [`shutdown`](Self::shutdown) to see its result.
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

#[cfg(feature = "tokio")]
mod tokio_runner {
    use super::{Runner, Schedule, record_error};
    use crate::Error;
    use sre_core::Clock;
    use std::sync::{Arc, Mutex};

    /// A running [`Runner`] task; see [`Runner::spawn_tokio`].
    #[derive(Debug)]
    pub struct TokioRunner {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        errors: Arc<Mutex<Vec<String>>>,
        task: tokio::task::JoinHandle<Result<(), Error>>,
    }

    impl Runner {
        /// Runs the schedule as a task on the current tokio runtime until
        /// [`TokioRunner::shutdown`]. Checkpoints are written on the blocking pool.
        ///
        /// # Panics
        ///
        /// Outside a tokio runtime, as `tokio::spawn` does.
        #[must_use]
        pub fn spawn_tokio(self) -> TokioRunner {
            let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
            let errors = Arc::new(Mutex::new(Vec::new()));
            let errs = Arc::clone(&errors);
            let task = tokio::spawn(async move {
                let clock = self.registry.clock();
                let mut schedule = Schedule::new(&self, clock.now());
                loop {
                    let now = clock.now();
                    let wait = schedule.wake() - now;
                    if tokio::time::timeout(wait, &mut rx).await.is_ok() {
                        break;
                    }
                    let now = clock.now();
                    let mut pending = None;
                    let r = schedule.run_due(&self, now, |r| {
                        pending = Some(r.clone());
                        Ok(())
                    });
                    if let Err(e) = r {
                        record_error(&errs, &e);
                    }
                    if let Some(r) = pending
                        && let Err(e) = blocking_checkpoint(r, false).await
                    {
                        record_error(&errs, &e);
                    }
                }
                blocking_checkpoint(self, true).await
            });
            TokioRunner {
                stop: Some(tx),
                errors,
                task,
            }
        }
    }

    async fn blocking_checkpoint(r: Runner, shutdown: bool) -> Result<(), Error> {
        let registry = r.registry;
        let write = move || {
            if shutdown {
                registry.final_checkpoint()
            } else {
                registry.checkpoint()
            }
        };
        tokio::task::spawn_blocking(write)
            .await
            .map_err(|e| Error::Runner {
                reason: format!("the checkpoint task failed: {e}"),
            })?
    }

    impl TokioRunner {
        /// Errors the runner met while running, oldest first, at most 64.
        #[must_use]
        pub fn errors(&self) -> Vec<String> {
            self.errors
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone()
        }

        /// Stops the task and writes the final checkpoint.
        ///
        /// # Errors
        ///
        /// The final checkpoint's error, or [`Error::Runner`] if the task failed.
        pub async fn shutdown(mut self) -> Result<(), Error> {
            if let Some(tx) = self.stop.take() {
                let _ = tx.send(());
            }
            (&mut self.task).await.map_err(|e| Error::Runner {
                reason: format!("the evaluator task failed: {e}"),
            })?
        }
    }
}

#[cfg(feature = "tokio")]
pub use tokio_runner::TokioRunner;

#[cfg(feature = "tracing")]
fn trace_transition(t: &AlertTransition) {
    use sre_budget::Transition;
    let e = &t.event;
    let (long, short) = (e.long.error_ratio, e.short.error_ratio);
    let what = match e.transition {
        Transition::Pending => "pending",
        Transition::Firing => "firing",
        Transition::Resolved => "resolved",
        Transition::Cancelled => "cancelled",
    };
    if e.transition == Transition::Firing {
        tracing::warn!(slo = %t.slo, alert = %t.alert, severity = %e.severity, transition = what,
            long_error_ratio = ?long, short_error_ratio = ?short, threshold = e.threshold,
            budget_consumed = ?e.budget_consumed, "SLO alert {what}");
    } else {
        tracing::info!(slo = %t.slo, alert = %t.alert, severity = %e.severity, transition = what,
            long_error_ratio = ?long, short_error_ratio = ?short, threshold = e.threshold,
            budget_consumed = ?e.budget_consumed, "SLO alert {what}");
    }
}

fn check_interval(field: &'static str, d: Duration) -> Result<Duration, Error> {
    if d < MIN_INTERVAL || d > MAX_INTERVAL || !d.subsec_nanos().is_multiple_of(1_000_000) {
        return Err(Error::OutOfBounds {
            field,
            value: format!("{d:?}"),
            bound: "from 1 s to 1 h, in whole milliseconds",
        });
    }
    Ok(d)
}

/// The first multiple of `step` strictly after `now`.
fn next_multiple(now: Timestamp, step: Duration) -> Timestamp {
    let step = sre_core::duration_to_nanos_saturating(step).max(1);
    let n = now.as_nanos();
    Timestamp::from_nanos((n / step).saturating_add(1).saturating_mul(step))
}

impl Registry {
    /// Writes the checkpoint file named at build time, atomically; nothing without one.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be written.
    pub fn checkpoint(&self) -> Result<(), Error> {
        self.write_checkpoint(false)
    }

    /// Writes the checkpoint of a clean shutdown: call it after the last request was
    /// recorded. The next process continues the exposed counters from it (see
    /// [`checkpoint`]). The runners call it when they stop.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be written.
    pub fn final_checkpoint(&self) -> Result<(), Error> {
        self.write_checkpoint(true)
    }

    fn write_checkpoint(&self, shutdown: bool) -> Result<(), Error> {
        let Some(path) = &self.inner.checkpoint else {
            return Ok(());
        };
        let mut stats = self
            .inner
            .checkpoint_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = self.now();
        let result = checkpoint::write(path, &Checkpoint::of(&self.inner.slos, now, shutdown));
        match result {
            Ok(()) => stats.0 = Some(now),
            Err(_) => stats.1 = stats.1.saturating_add(1),
        }
        result
    }

    /// When the last checkpoint was written, and how many could not be.
    pub(crate) fn checkpoint_stats(&self) -> (Option<Timestamp>, u64) {
        *self
            .inner
            .checkpoint_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_instants() {
        let s = Duration::from_secs(5);
        assert_eq!(
            next_multiple(Timestamp::from_secs(0), s),
            Timestamp::from_secs(5)
        );
        assert_eq!(
            next_multiple(Timestamp::from_secs(5), s),
            Timestamp::from_secs(10)
        );
        assert_eq!(
            next_multiple(Timestamp::from_millis(7_001), s),
            Timestamp::from_secs(10)
        );
        assert_eq!(next_multiple(Timestamp::MAX, s), Timestamp::MAX);
        for bad in [
            Duration::ZERO,
            Duration::from_millis(999),
            Duration::from_secs(3_601),
            Duration::from_nanos(1_000_000_001),
        ] {
            assert!(check_interval("x", bad).is_err(), "{bad:?}");
        }
    }
}
