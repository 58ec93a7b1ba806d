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

impl Experiment {
    /// Reads a Chaos Toolkit experiment document: `steady-state-hypothesis.probes[]`
    /// (`name`, `tolerance`), `method[]` (`name`, `type` action or probe), `rollbacks[]`
    /// (`name`), and an optional `runtime` block in the shape of Chaos Toolkit's
    /// settings: `runtime.hypothesis.{strategy, frequency (seconds), fail_fast,
    /// fail_fast_ratio}`, `runtime.rollbacks.strategy`, and this crate's
    /// `runtime.mode` (`compatible` or `strict`). Providers are not read: the caller's
    /// [`Probes`](crate::Probes) and [`Activities`](crate::Activities) run activities
    /// by name.
    ///
    /// ```
    /// use sre_chaos::{Experiment, Strategy};
    /// let doc = serde_json::json!({
    ///     "title": "the database fails over",
    ///     "steady-state-hypothesis": {"title": "healthy", "probes": [
    ///         {"type": "probe", "name": "error-rate", "tolerance": [0, 0.001]}]},
    ///     "method": [{"type": "action", "name": "kill-db-primary"}],
    ///     "rollbacks": [{"type": "action", "name": "restore-db-primary"}],
    ///     "runtime": {"hypothesis": {"strategy": "continuously", "frequency": 5, "fail_fast": true}}
    /// });
    /// let e = Experiment::from_json(&doc)?;
    /// assert_eq!(e.strategy(), Strategy::Continuous);
    /// assert_eq!(e.schedule().frequency().as_secs(), 5);
    /// # Ok::<(), sre_chaos::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field (a missing name, an unknown activity type,
    /// strategy or mode, an invalid tolerance, a negative or non-finite frequency);
    /// [`Error::TooMany`] beyond [`MAX_ACTIVITIES`].
    pub fn from_json(doc: &serde_json::Value) -> Result<Self, Error> {
        use serde_json::Value;
        let list = |field: &'static str, v: Option<&Value>| -> Result<Vec<Value>, Error> {
            match v {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(a)) if a.len() > MAX_ACTIVITIES => Err(Error::TooMany {
                    field,
                    len: a.len(),
                    bound: MAX_ACTIVITIES,
                }),
                Some(Value::Array(a)) => Ok(a.clone()),
                Some(other) => Err(Error::invalid(field, other, "a list")),
            }
        };
        let name = |field: &'static str, v: &Value| -> Result<String, Error> {
            v.get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| Error::invalid(field, v, "an activity with a string `name`"))
        };
        let hypothesis = list(
            "steady-state-hypothesis.probes",
            doc.get("steady-state-hypothesis")
                .and_then(|h| h.get("probes")),
        )?
        .iter()
        .map(|p| {
            let tolerance = p.get("tolerance").ok_or_else(|| {
                Error::invalid(
                    "steady-state-hypothesis.probes[].tolerance",
                    "missing",
                    "a tolerance",
                )
            })?;
            Ok(HypothesisProbe {
                name: name("steady-state-hypothesis.probes[]", p)?,
                tolerance: Tolerance::from_json(tolerance)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
        let method = list("method", doc.get("method"))?
            .iter()
            .map(|a| {
                let kind = match a.get("type").and_then(Value::as_str) {
                    Some("action") => ActivityKind::Action,
                    Some("probe") => ActivityKind::Probe,
                    _ => {
                        return Err(Error::invalid(
                            "method[].type",
                            a.get("type").unwrap_or(&Value::Null),
                            "action or probe",
                        ));
                    }
                };
                Ok(Activity {
                    name: name("method[]", a)?,
                    kind,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let rollbacks = list("rollbacks", doc.get("rollbacks"))?
            .iter()
            .map(|a| name("rollbacks[]", a).map(Activity::action))
            .collect::<Result<Vec<_>, Error>>()?;
        let mut e = Self::new(hypothesis, method, rollbacks)?;

        let runtime = doc.get("runtime");
        let hyp = runtime.and_then(|r| r.get("hypothesis"));
        let text = |v: Option<&Value>, field: &'static str| -> Result<Option<String>, Error> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(Error::invalid(field, other, "a string")),
            }
        };
        if let Some(s) = text(
            hyp.and_then(|h| h.get("strategy")),
            "runtime.hypothesis.strategy",
        )? {
            e.strategy = Strategy::parse(&s)?;
        }
        if let Some(s) = text(
            runtime
                .and_then(|r| r.get("rollbacks"))
                .and_then(|r| r.get("strategy")),
            "runtime.rollbacks.strategy",
        )? {
            e.rollback_strategy = RollbackStrategy::parse(&s)?;
        }
        if let Some(m) = text(runtime.and_then(|r| r.get("mode")), "runtime.mode")? {
            e.mode = match m.as_str() {
                "compatible" => Mode::Compatible,
                "strict" => Mode::Strict,
                _ => return Err(Error::invalid("runtime.mode", m, "compatible or strict")),
            };
        }
        let d = Schedule::default();
        let frequency = match hyp.and_then(|h| h.get("frequency")) {
            None | Some(Value::Null) => d.frequency,
            Some(v) => {
                let secs = v
                    .as_f64()
                    .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e9);
                let secs = secs.ok_or_else(|| {
                    Error::invalid("runtime.hypothesis.frequency", v, "seconds in [0, 1e9)")
                })?;
                Duration::from_secs_f64(secs)
            }
        };
        let fail_fast = match hyp.and_then(|h| h.get("fail_fast")) {
            None | Some(Value::Null) => d.fail_fast,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(Error::invalid(
                    "runtime.hypothesis.fail_fast",
                    other,
                    "a boolean",
                ));
            }
        };
        let ratio = match hyp.and_then(|h| h.get("fail_fast_ratio")) {
            None | Some(Value::Null) => d.fail_fast_ratio,
            Some(v) => v.as_f64().ok_or_else(|| {
                Error::invalid("runtime.hypothesis.fail_fast_ratio", v, "a percentage")
            })?,
        };
        e.schedule = Schedule::new(frequency, fail_fast, ratio)?;
        Ok(e)
    }
}
