//! Litmus probes (litmus-go `pkg/probe`, `pkg/utils/retry`, `pkg/result`): attempts
//! with a timeout and an interval, probe modes, comparators, and the verdict with its
//! probe success percentage.

use crate::CompareOp;
use crate::Error;
use core::time::Duration;

/// A probe's `runProperties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunProperties {
    /// `attempt`: tries allowed (0: use `retry`).
    pub attempt: u32,
    /// Legacy `retry`, used when `attempt` is 0.
    pub retry: u32,
    /// `probeTimeout`: a try that takes at least this long fails, even if its check passed.
    pub probe_timeout: Duration,
    /// `interval`: waited after a try whenever attempts remain, also after a success.
    pub interval: Duration,
    /// `stopOnFailure`: a failed probe stops the experiment.
    pub stop_on_failure: bool,
}

impl RunProperties {
    /// Tries allowed: `attempt` if > 0, else `retry` if > 0, else 1.
    pub fn attempts_allowed(&self) -> u32 {
        if self.attempt > 0 {
            self.attempt
        } else if self.retry > 0 {
            self.retry
        } else {
            1
        }
    }
}

/// Why the last try failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TryFailure {
    /// The check did not pass.
    CheckFailed,
    /// The try took at least `probeTimeout`.
    Timeout,
}

/// The result of a probe's tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptsResult {
    /// Tries allowed.
    pub attempts_allowed: u32,
    /// Whether a try passed.
    pub passed: bool,
    /// Tries made.
    pub tries_used: u32,
    /// Tries' durations plus the intervals waited.
    pub elapsed: Duration,
    /// Why the last try failed (`None` when passed).
    pub failure: Option<TryFailure>,
}

/// What the caller does after recording a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptStep {
    /// Wait this long on your clock, then try again.
    RetryAfter(Duration),
    /// Wait this long (the interval after a success with attempts left, else zero),
    /// then the probe is done with this result.
    Done(Duration, AttemptsResult),
}

/// Litmus' retry loop as a state machine the caller drives: try, [`record`](Self::record)
/// how it went and how long it took on the caller's clock, wait what it says.
///
/// ```
/// use core::time::Duration;
/// use sre_chaos::litmus::{Attempts, AttemptStep, RunProperties};
/// let props = RunProperties { attempt: 2, retry: 0, probe_timeout: Duration::from_secs(1),
///     interval: Duration::from_millis(500), stop_on_failure: false };
/// let mut a = Attempts::new(props);
/// // A passing check that took 1.5 s is a timeout.
/// assert_eq!(a.record(true, Duration::from_millis(1500)), AttemptStep::RetryAfter(Duration::from_millis(500)));
/// let AttemptStep::Done(_, r) = a.record(true, Duration::from_millis(1500)) else { panic!() };
/// assert!(!r.passed);
/// assert_eq!(r.elapsed, Duration::from_millis(3500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    props: RunProperties,
    tries: u32,
    elapsed: Duration,
    done: bool,
}

impl Attempts {
    /// Before the first try.
    pub fn new(props: RunProperties) -> Self {
        Self {
            props,
            tries: 0,
            elapsed: Duration::ZERO,
            done: false,
        }
    }

    /// Records a try: whether its check passed and how long it took. After
    /// [`AttemptStep::Done`], further records return the same result.
    pub fn record(&mut self, check_passed: bool, took: Duration) -> AttemptStep {
        let allowed = self.props.attempts_allowed();
        if !self.done {
            self.tries += 1;
            self.elapsed = self.elapsed.saturating_add(took);
        }
        let timed_out = took >= self.props.probe_timeout;
        let passed = check_passed && !timed_out;
        let left = self.tries < allowed;
        let failure = if passed {
            None
        } else if timed_out {
            Some(TryFailure::Timeout)
        } else {
            Some(TryFailure::CheckFailed)
        };
        if !passed && left && !self.done {
            self.elapsed = self.elapsed.saturating_add(self.props.interval);
            return AttemptStep::RetryAfter(self.props.interval);
        }
        let wait = if passed && left && !self.done {
            self.elapsed = self.elapsed.saturating_add(self.props.interval);
            self.props.interval
        } else {
            Duration::ZERO
        };
        self.done = true;
        AttemptStep::Done(
            wait,
            AttemptsResult {
                attempts_allowed: allowed,
                passed,
                tries_used: self.tries,
                elapsed: self.elapsed,
                failure,
            },
        )
    }
}

/// When a Litmus probe runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProbeMode {
    /// Start of test: before the chaos.
    Sot,
    /// End of test: after the chaos.
    Eot,
    /// Before and after; passes only if both pass.
    Edge,
    /// Polled from the start of the experiment to its end.
    Continuous,
    /// Polled while the chaos is injected.
    OnChaos,
}

impl ProbeMode {
    /// Parses `SOT`, `EOT`, `Edge`, `Continuous`, `OnChaos`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `mode`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "SOT" => Self::Sot,
            "EOT" => Self::Eot,
            "Edge" => Self::Edge,
            "Continuous" => Self::Continuous,
            "OnChaos" => Self::OnChaos,
            _ => {
                return Err(Error::invalid(
                    "mode",
                    s,
                    "SOT, EOT, Edge, Continuous or OnChaos",
                ));
            }
        })
    }
}

/// What one probe observed: `pre` (SOT, Edge), `during` (no failed poll: Continuous,
/// OnChaos), `post` (EOT, Edge); `None` for a phase it did not run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeObservation {
    /// The mode.
    pub mode: ProbeMode,
    /// Pre-chaos result.
    pub pre: Option<bool>,
    /// No failed poll during chaos.
    pub during: Option<bool>,
    /// Post-chaos result.
    pub post: Option<bool>,
}

impl ProbeObservation {
    /// `Passed` when every phase its mode runs in passed; a phase that did not report
    /// is a failure (an Edge probe's pre-chaos failure sticks).
    pub fn passed(&self) -> bool {
        let ok = |x: Option<bool>| x == Some(true);
        match self.mode {
            ProbeMode::Sot => ok(self.pre),
            ProbeMode::Eot => ok(self.post),
            ProbeMode::Edge => ok(self.pre) && ok(self.post),
            ProbeMode::Continuous | ProbeMode::OnChaos => ok(self.during),
        }
    }
}

/// The chaos result's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LitmusResult {
    /// Each probe's verdict (`true` = Passed), in input order.
    pub probe_verdicts: Vec<bool>,
    /// Probes passed.
    pub passed_probe_count: usize,
    /// `Pass` when every probe passed.
    pub pass: bool,
    /// `probeSuccessPercentage`: `passed · 100 / probes` with integer division, 100
    /// when every probe passed (and when there is none).
    pub probe_success_percentage: u64,
}

impl LitmusResult {
    /// `Completed` or `Completed_With_Probe_Failure`.
    pub fn phase(&self) -> &'static str {
        if self.pass {
            "Completed"
        } else {
            "Completed_With_Probe_Failure"
        }
    }
}

/// The verdict over every probe's observation (stopOnFailure off).
///
/// ```
/// use sre_chaos::litmus::{litmus_result, ProbeMode as M, ProbeObservation as O};
/// let r = litmus_result(&[
///     O { mode: M::Sot, pre: Some(true), during: None, post: None },
///     O { mode: M::Eot, pre: None, during: None, post: Some(true) },
///     O { mode: M::Continuous, pre: None, during: Some(false), post: None },
/// ]);
/// assert_eq!(r.probe_success_percentage, 66); // 2 of 3, integer division
/// assert_eq!(r.phase(), "Completed_With_Probe_Failure");
/// ```
pub fn litmus_result(probes: &[ProbeObservation]) -> LitmusResult {
    let probe_verdicts: Vec<bool> = probes.iter().map(ProbeObservation::passed).collect();
    let passed = probe_verdicts.iter().filter(|p| **p).count();
    let pass = passed == probes.len();
    let pct = if pass {
        100
    } else {
        (passed as u64 * 100) / probes.len() as u64
    };
    LitmusResult {
        probe_verdicts,
        passed_probe_count: passed,
        pass,
        probe_success_percentage: pct,
    }
}

/// A Litmus comparator over a number (`comparator.criteria`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Criteria {
    /// `>=`, `<=`, `==`, `!=`, `>`, `<`.
    Cmp(CompareOp, f64),
    /// `between`: inclusive at both ends.
    Between(f64, f64),
    /// `oneOf`: equal to one of the values.
    OneOf(Vec<f64>),
}

impl Criteria {
    /// `between` with `lo <= hi`, both finite.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `between`.
    pub fn between(lo: f64, hi: f64) -> Result<Self, Error> {
        if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
            return Err(Error::invalid(
                "between",
                format!("[{lo}, {hi}]"),
                "finite bounds with lower <= upper",
            ));
        }
        Ok(Self::Between(lo, hi))
    }

    /// Whether `v` satisfies the criteria; a NaN satisfies none but `!=`.
    pub fn check(&self, v: f64) -> bool {
        match self {
            Self::Cmp(op, limit) => op.apply(v, *limit),
            Self::Between(lo, hi) => *lo <= v && v <= *hi,
            Self::OneOf(vals) => vals.iter().any(|x| CompareOp::Eq.apply(v, *x)),
        }
    }
}

/// A Continuous or OnChaos probe's poller: each poll's result (after its attempts)
/// is recorded; one failed poll fails the probe. With `stopOnFailure` the first failed
/// poll also asks the caller to stop the experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Poller {
    mode: ProbeMode,
    stop_on_failure: bool,
    polls: u64,
    failed_polls: u64,
}

impl Poller {
    /// A poller for a Continuous or OnChaos probe.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `mode` for SOT, EOT or Edge (they are not polled).
    pub fn new(mode: ProbeMode, stop_on_failure: bool) -> Result<Self, Error> {
        if !matches!(mode, ProbeMode::Continuous | ProbeMode::OnChaos) {
            return Err(Error::invalid(
                "mode",
                format!("{mode:?}"),
                "Continuous or OnChaos",
            ));
        }
        Ok(Self {
            mode,
            stop_on_failure,
            polls: 0,
            failed_polls: 0,
        })
    }

    /// Records one poll; returns `true` when the experiment must stop
    /// (`stopOnFailure` and the poll failed).
    pub fn poll(&mut self, passed: bool) -> bool {
        self.polls += 1;
        if !passed {
            self.failed_polls += 1;
        }
        !passed && self.stop_on_failure
    }

    /// Polls so far, and how many failed.
    pub fn polls(&self) -> (u64, u64) {
        (self.polls, self.failed_polls)
    }

    /// The observation for [`litmus_result`]: `during` passed when at least one poll
    /// ran and none failed.
    pub fn observation(&self) -> ProbeObservation {
        ProbeObservation {
            mode: self.mode,
            pre: None,
            during: Some(self.polls > 0 && self.failed_polls == 0),
            post: None,
        }
    }
}
