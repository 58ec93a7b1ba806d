//! An experiment as data: the steady-state hypothesis, the method, the rollbacks, and
//! how they are run (strategy, schedule, rollback strategy, mode).

use crate::Error;
use crate::tolerance::Tolerance;
use core::time::Duration;

/// The most hypothesis probes, method activities or rollbacks an experiment holds.
pub const MAX_ACTIVITIES: usize = 1024;

/// When the steady-state hypothesis runs (Chaos Toolkit's `--hypothesis-strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Strategy {
    /// Before and after the method.
    #[default]
    Default,
    /// Before the method only.
    BeforeMethodOnly,
    /// After the method only.
    AfterMethodOnly,
    /// Continuously while the method runs, not before nor after.
    DuringMethodOnly,
    /// Before, continuously during, and after the method.
    Continuous,
    /// Never (the library's `skip`; the CLI does not offer it).
    Skip,
}

impl Strategy {
    /// Parses `default`, `before-method-only`, `after-method-only`,
    /// `during-method-only`, `continuously` (the CLI's spelling) or `continuous`, `skip`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `strategy`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "default" => Self::Default,
            "before-method-only" => Self::BeforeMethodOnly,
            "after-method-only" => Self::AfterMethodOnly,
            "during-method-only" => Self::DuringMethodOnly,
            "continuous" | "continuously" => Self::Continuous,
            "skip" => Self::Skip,
            _ => {
                return Err(Error::invalid(
                    "strategy",
                    s,
                    "default, before-method-only, after-method-only, during-method-only, continuously or skip",
                ));
            }
        })
    }

    pub(crate) fn before(self) -> bool {
        matches!(
            self,
            Self::Default | Self::BeforeMethodOnly | Self::Continuous
        )
    }
    pub(crate) fn during(self) -> bool {
        matches!(self, Self::DuringMethodOnly | Self::Continuous)
    }
    pub(crate) fn after(self) -> bool {
        matches!(
            self,
            Self::Default | Self::AfterMethodOnly | Self::Continuous
        )
    }
}

/// Whether the rollbacks are played (Chaos Toolkit's `--rollback-strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RollbackStrategy {
    /// Unless the run is `failed` or `interrupted`.
    #[default]
    Default,
    /// Always (except after an interruption that forbids rollbacks).
    Always,
    /// Never.
    Never,
    /// Only when the experiment deviated.
    Deviated,
}

impl RollbackStrategy {
    /// Parses `default`, `always`, `never`, `deviated`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `rollback_strategy`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        Ok(match s {
            "default" => Self::Default,
            "always" => Self::Always,
            "never" => Self::Never,
            "deviated" => Self::Deviated,
            _ => {
                return Err(Error::invalid(
                    "rollback_strategy",
                    s,
                    "default, always, never or deviated",
                ));
            }
        })
    }
}

/// How faithfully the run follows Chaos Toolkit where its behaviour surprises.
///
/// | situation | [`Mode::Compatible`] (chaostoolkit-lib 1.44) | [`Mode::Strict`] |
/// |---|---|---|
/// | steady state not met before the method | method skipped, status `completed` (`failed` if a probe raised), exit code 0, default rollbacks played | status [`Status::NotRun`](crate::Status::NotRun), exit code 1, rollbacks only with [`RollbackStrategy::Always`] |
/// | fail-fast stopped the run (`failed`), then the after-hypothesis is not met | status overwritten to `completed` + deviated, default rollbacks played | status stays `failed`, deviated |
/// | a tolerance check raises before or after the method | the run stops there (Chaos Toolkit crashes): status `aborted`, [`Journal::crashed`](crate::Journal::crashed), no rollbacks | the probe counts as not within tolerance |
/// | a tolerance check raises during the method | status `aborted`, method stops after the current activity, default rollbacks played | the iteration counts as not met |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Chaos Toolkit's journal, status and exit code, surprises included.
    #[default]
    Compatible,
    /// An experiment that did not test its hypothesis never looks like a pass.
    Strict,
}

/// The continuous hypothesis' schedule (Chaos Toolkit's `Schedule`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    frequency: Duration,
    fail_fast: bool,
    fail_fast_ratio: f64,
}

impl Default for Schedule {
    /// Every second, no fail-fast, ratio 0 (Chaos Toolkit's defaults).
    fn default() -> Self {
        Self {
            frequency: Duration::from_secs(1),
            fail_fast: false,
            fail_fast_ratio: 0.0,
        }
    }
}

impl Schedule {
    /// A schedule: an iteration every `frequency` of the caller's clock; with
    /// `fail_fast`, the run fails as soon as `100 · failed / iterations >= fail_fast_ratio`
    /// after a failed iteration.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `fail_fast_ratio` unless it is finite and in [0, 100].
    pub fn new(frequency: Duration, fail_fast: bool, fail_fast_ratio: f64) -> Result<Self, Error> {
        if !(0.0..=100.0).contains(&fail_fast_ratio) {
            return Err(Error::invalid(
                "fail_fast_ratio",
                fail_fast_ratio,
                "a percentage in [0, 100]",
            ));
        }
        Ok(Self {
            frequency,
            fail_fast,
            fail_fast_ratio,
        })
    }
    /// Time between two iterations.
    pub fn frequency(&self) -> Duration {
        self.frequency
    }
    /// Whether a failed iteration may stop the run.
    pub fn fail_fast(&self) -> bool {
        self.fail_fast
    }
    /// The failed-iteration percentage at which fail-fast stops the run.
    pub fn fail_fast_ratio(&self) -> f64 {
        self.fail_fast_ratio
    }
}

/// One steady-state probe: a name the caller's [`Probes`](crate::Probes) knows, and its
/// tolerance.
#[derive(Debug, Clone)]
pub struct HypothesisProbe {
    /// The probe's name.
    pub name: String,
    /// What its output must satisfy.
    pub tolerance: Tolerance,
}

/// Whether a method activity is an action or a probe (both run the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActivityKind {
    /// Changes the system.
    Action,
    /// Observes it.
    Probe,
}

/// A method activity or a rollback: a name the caller's [`Activities`](crate::Activities)
/// knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The activity's name.
    pub name: String,
    /// Action or probe.
    pub kind: ActivityKind,
}

impl Activity {
    /// An action.
    pub fn action(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: ActivityKind::Action,
        }
    }
    /// A probe.
    pub fn probe(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: ActivityKind::Probe,
        }
    }
}

/// An experiment: validated data, run by [`run`](crate::run()).
#[derive(Debug, Clone)]
pub struct Experiment {
    pub(crate) hypothesis: Vec<HypothesisProbe>,
    pub(crate) method: Vec<Activity>,
    pub(crate) rollbacks: Vec<Activity>,
    pub(crate) strategy: Strategy,
    pub(crate) rollback_strategy: RollbackStrategy,
    pub(crate) schedule: Schedule,
    pub(crate) mode: Mode,
}

impl Experiment {
    /// An experiment with the default strategy, schedule, rollback strategy and mode.
    ///
    /// # Errors
    /// [`Error::TooMany`] when a list is longer than [`MAX_ACTIVITIES`].
    pub fn new(
        hypothesis: Vec<HypothesisProbe>,
        method: Vec<Activity>,
        rollbacks: Vec<Activity>,
    ) -> Result<Self, Error> {
        for (field, len) in [
            ("hypothesis", hypothesis.len()),
            ("method", method.len()),
            ("rollbacks", rollbacks.len()),
        ] {
            if len > MAX_ACTIVITIES {
                return Err(Error::TooMany {
                    field,
                    len,
                    bound: MAX_ACTIVITIES,
                });
            }
        }
        Ok(Self {
            hypothesis,
            method,
            rollbacks,
            strategy: Strategy::Default,
            rollback_strategy: RollbackStrategy::Default,
            schedule: Schedule::default(),
            mode: Mode::Compatible,
        })
    }
    /// Sets the hypothesis strategy.
    #[must_use]
    pub fn with_strategy(mut self, s: Strategy) -> Self {
        self.strategy = s;
        self
    }
    /// Sets the rollback strategy.
    #[must_use]
    pub fn with_rollback_strategy(mut self, s: RollbackStrategy) -> Self {
        self.rollback_strategy = s;
        self
    }
    /// Sets the continuous hypothesis' schedule.
    #[must_use]
    pub fn with_schedule(mut self, s: Schedule) -> Self {
        self.schedule = s;
        self
    }
    /// Sets the mode.
    #[must_use]
    pub fn with_mode(mut self, m: Mode) -> Self {
        self.mode = m;
        self
    }
    /// The hypothesis probes, in order.
    pub fn hypothesis(&self) -> &[HypothesisProbe] {
        &self.hypothesis
    }
    /// The method's activities, in order.
    pub fn method(&self) -> &[Activity] {
        &self.method
    }
    /// The rollbacks, in order.
    pub fn rollbacks(&self) -> &[Activity] {
        &self.rollbacks
    }
    /// The hypothesis strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }
    /// The rollback strategy.
    pub fn rollback_strategy(&self) -> RollbackStrategy {
        self.rollback_strategy
    }
    /// The schedule.
    pub fn schedule(&self) -> Schedule {
        self.schedule
    }
    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}
