//! Running an experiment with Chaos Toolkit's semantics (chaostoolkit-lib 1.44
//! `chaoslib/run.py`) on the caller's probes, activities and clock; the journal.

use crate::experiment::{Activity, Experiment, HypothesisProbe, Mode, RollbackStrategy};
use crate::tolerance::CheckRaised;
use serde_json::Value;
use sre_core::{Clock, Timestamp};

/// Where a hypothesis probe runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Before the method.
    Before,
    /// During the method, continuous iteration `iteration` (1-based).
    During {
        /// 1 for the first iteration.
        iteration: u64,
    },
    /// After the method.
    After,
}

/// A probe or an activity raised (Chaos Toolkit's `ActivityFailed`): its run is `failed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("activity failed: {0}")]
pub struct ActivityFailed(pub String);

/// How a method activity ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It returned.
    Succeeded,
    /// It raised; the experiment goes on (also Chaos Toolkit's SIGTERM inside a Python
    /// activity).
    Failed(String),
    /// The run was interrupted while it ran: the method stops, its run has no status,
    /// the after-hypothesis does not run.
    Interrupted(Interruption),
}

/// An interruption of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Interruption {
    /// SIGINT (Ctrl-C), SIGUSR1 or a control's `InterruptExecution`: rollbacks follow
    /// the rollback strategy.
    Graceful,
    /// SIGUSR2: no rollback is played, whatever the strategy.
    WithoutRollbacks,
}

/// The caller's steady-state probes.
pub trait Probes {
    /// Runs hypothesis probe `index` in `phase` and returns its output, or the error
    /// it raised.
    ///
    /// # Errors
    /// [`ActivityFailed`]: the probe's run is `failed` and the hypothesis not met.
    fn probe(
        &mut self,
        phase: Phase,
        index: usize,
        probe: &HypothesisProbe,
    ) -> Result<Value, ActivityFailed>;
}

/// The caller's method activities and rollbacks.
pub trait Activities {
    /// Runs method activity `index`. A long activity calls [`During::tick`] whenever
    /// the caller's clock has moved, so the continuous hypothesis runs while it lasts;
    /// the runner also ticks once when each activity starts.
    fn run(&mut self, index: usize, activity: &Activity, during: &mut During<'_>) -> Outcome;

    /// Runs rollback `index`.
    ///
    /// # Errors
    /// [`ActivityFailed`]: the rollback's run is `failed`; the next rollback still runs.
    fn rollback(&mut self, index: usize, activity: &Activity) -> Result<(), ActivityFailed>;
}

/// A run's final status (the journal's `status`, plus the strict mode's `NotRun`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `completed`.
    Completed,
    /// `failed`.
    Failed,
    /// `aborted`.
    Aborted,
    /// `interrupted`.
    Interrupted,
    /// Strict mode only: the steady state was not met before the method, which did not
    /// run; nothing was tested.
    NotRun,
}

impl Status {
    /// The journal's spelling (`not_run` for [`Status::NotRun`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Aborted => "aborted",
            Self::Interrupted => "interrupted",
            Self::NotRun => "not_run",
        }
    }
}

/// `succeeded` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RunStatus {
    /// `succeeded`.
    Succeeded,
    /// `failed`.
    Failed,
}

impl RunStatus {
    /// The journal's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// One hypothesis probe's run.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRun {
    /// The probe's name.
    pub name: String,
    /// `failed` when the probe raised.
    pub status: RunStatus,
    /// Whether its output was within tolerance.
    pub tolerance_met: bool,
    /// Its output (`None` when it raised).
    pub output: Option<Value>,
    /// Strict mode: the tolerance check raised and was counted as not within.
    pub check_raised: Option<CheckRaised>,
}

/// One run of the steady-state hypothesis: probes in order, stopping at the first one
/// that raised or was out of tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct SteadyState {
    /// Whether every probe was within tolerance.
    pub met: bool,
    /// The probes that ran, in order.
    pub probes: Vec<ProbeRun>,
    /// The caller's clock when it started.
    pub at: Timestamp,
}

/// One method activity's or rollback's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRun {
    /// The activity's name.
    pub name: String,
    /// `None`: the run was interrupted inside the activity.
    pub status: Option<RunStatus>,
    /// The error it raised.
    pub error: Option<String>,
    /// The caller's clock when it started.
    pub start: Timestamp,
    /// The caller's clock when it ended.
    pub end: Timestamp,
}

/// What happened: Chaos Toolkit's journal, on the caller's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    /// The final status.
    pub status: Status,
    /// The after-hypothesis was not met.
    pub deviated: bool,
    /// The hypothesis before the method (`None`: not run).
    pub steady_state_before: Option<SteadyState>,
    /// The continuous hypothesis' iterations.
    pub steady_state_during: Vec<SteadyState>,
    /// The hypothesis after the method (`None`: not run).
    pub steady_state_after: Option<SteadyState>,
    /// The method's runs, in order.
    pub method_runs: Vec<ActivityRun>,
    /// The rollback phase started.
    pub rollbacks_played: bool,
    /// The rollbacks' runs, in order.
    pub rollback_runs: Vec<ActivityRun>,
    /// Compatible mode: a tolerance check raised before or after the method, where
    /// Chaos Toolkit crashes; the run stopped there.
    pub crashed: Option<CheckRaised>,
    /// The mode it ran in.
    pub mode: Mode,
    /// The caller's clock at the start.
    pub start: Timestamp,
    /// The caller's clock at the end.
    pub end: Timestamp,
}

impl Journal {
    /// `chaos run`'s exit code: 1 when the status is not `completed` or the experiment
    /// deviated, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.status != Status::Completed || self.deviated)
    }
}

/// The continuous hypothesis while the method runs, handed to [`Activities::run`].
pub struct During<'a> {
    experiment: &'a Experiment,
    probes: &'a mut dyn Probes,
    clock: &'a dyn Clock,
    active: bool,
    next_due: Timestamp,
    iteration: u64,
    failed: u64,
    status: Option<Status>,
    states: Vec<SteadyState>,
}

impl core::fmt::Debug for During<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("During")
            .field("active", &self.active)
            .field("next_due", &self.next_due)
            .field("iteration", &self.iteration)
            .field("failed", &self.failed)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl During<'_> {
    /// Runs the next continuous iteration if one is due on the caller's clock (the
    /// first is due when the method starts, then every `frequency`). Returns `false`
    /// once the continuous hypothesis has stopped the run (fail-fast or a check that
    /// raised): the current activity should end soon, and it is the last.
    pub fn tick(&mut self) -> bool {
        let now = self.clock.now();
        if self.active && now >= self.next_due {
            self.iterate(now);
        }
        !self.stopping()
    }

    /// Whether the continuous hypothesis has stopped the run.
    pub fn stopping(&self) -> bool {
        matches!(self.status, Some(Status::Failed | Status::Aborted))
    }

    /// The iterations so far.
    pub fn iterations(&self) -> &[SteadyState] {
        &self.states
    }

    fn iterate(&mut self, now: Timestamp) {
        if self.stopping() {
            self.active = false;
            return;
        }
        let phase = Phase::During {
            iteration: self.iteration,
        };
        let strict = self.experiment.mode == Mode::Strict;
        let state = match hypothesis(self.experiment, &mut *self.probes, phase, now, strict) {
            Ok(s) => s,
            Err(_) => {
                // Chaos Toolkit: the exception ends the hypothesis thread, status aborted.
                self.status = Some(Status::Aborted);
                self.active = false;
                return;
            }
        };
        let met = state.met;
        self.states.push(state);
        if !met {
            self.failed += 1;
            let ratio = self.failed as f64 * 100.0 / self.iteration as f64;
            let s = self.experiment.schedule;
            if s.fail_fast() && ratio >= s.fail_fast_ratio() {
                self.status = Some(Status::Failed);
                self.active = false;
                return;
            }
        }
        self.iteration += 1;
        self.next_due = now.saturating_add(self.experiment.schedule.frequency());
    }
}

/// Runs the hypothesis once; in strict mode a check that raises counts as not within.
fn hypothesis(
    experiment: &Experiment,
    probes: &mut dyn Probes,
    phase: Phase,
    at: Timestamp,
    strict: bool,
) -> Result<SteadyState, CheckRaised> {
    let mut runs = Vec::with_capacity(experiment.hypothesis.len());
    for (i, p) in experiment.hypothesis.iter().enumerate() {
        match probes.probe(phase, i, p) {
            Err(_) => {
                runs.push(ProbeRun {
                    name: p.name.clone(),
                    status: RunStatus::Failed,
                    tolerance_met: false,
                    output: None,
                    check_raised: None,
                });
                return Ok(SteadyState {
                    met: false,
                    probes: runs,
                    at,
                });
            }
            Ok(output) => {
                let (within, raised) = match p.tolerance.check(&output) {
                    Ok(w) => (w, None),
                    Err(e) if strict => (false, Some(e)),
                    Err(e) => return Err(e),
                };
                runs.push(ProbeRun {
                    name: p.name.clone(),
                    status: RunStatus::Succeeded,
                    tolerance_met: within,
                    output: Some(output),
                    check_raised: raised,
                });
                if !within {
                    return Ok(SteadyState {
                        met: false,
                        probes: runs,
                        at,
                    });
                }
            }
        }
    }
    Ok(SteadyState {
        met: true,
        probes: runs,
        at,
    })
}

fn probe_raised(state: &SteadyState) -> bool {
    state
        .probes
        .last()
        .is_some_and(|p| p.status == RunStatus::Failed)
}

/// Runs `experiment`: the hypothesis per its strategy, the method's activities in
/// order, the rollbacks per its rollback strategy, all on the caller's `probes`,
/// `activities` and `clock`. Nothing here sleeps or reads another clock: time moves
/// when the caller advances `clock`.
///
/// Chaos Toolkit runs the continuous hypothesis in a thread every `frequency` seconds;
/// here iterations run when the runner starts an activity and when the activity calls
/// [`During::tick`], each at most once per `frequency` of `clock`. With one tick per
/// activity and a clock advanced by `frequency` per activity this is Chaos Toolkit in
/// lock step: iteration k is evaluated while activity k runs, and none after the method.
///
/// ```
/// use sre_chaos::{run, Activities, Activity, ActivityFailed, During, Experiment,
///     HypothesisProbe, Outcome, Phase, Probes, Status, Tolerance};
/// use sre_core::{ManualClock, Timestamp};
/// use serde_json::{json, Value};
///
/// struct ErrorRate(f64);
/// impl Probes for ErrorRate {
///     fn probe(&mut self, _: Phase, _: usize, _: &HypothesisProbe) -> Result<Value, ActivityFailed> {
///         Ok(json!(self.0))
///     }
/// }
/// struct Kill;
/// impl Activities for Kill {
///     fn run(&mut self, _: usize, _: &Activity, _: &mut During<'_>) -> Outcome { Outcome::Succeeded }
///     fn rollback(&mut self, _: usize, _: &Activity) -> Result<(), ActivityFailed> { Ok(()) }
/// }
///
/// let hypothesis = vec![HypothesisProbe {
///     name: "error-rate".into(),
///     tolerance: Tolerance::from_json(&json!([0, 0.001]))?,
/// }];
/// let experiment = Experiment::new(
///     hypothesis,
///     vec![Activity::action("kill-db-primary")],
///     vec![Activity::action("restore-db-primary")],
/// )?;
/// let clock = ManualClock::new(Timestamp::ZERO);
/// let journal = run(&experiment, &mut ErrorRate(0.0005), &mut Kill, &clock);
/// assert_eq!(journal.status, Status::Completed);
/// assert_eq!(journal.exit_code(), 0);
/// assert!(journal.rollbacks_played);
/// # Ok::<(), sre_chaos::Error>(())
/// ```
pub fn run(
    experiment: &Experiment,
    probes: &mut dyn Probes,
    activities: &mut dyn Activities,
    clock: &dyn Clock,
) -> Journal {
    let strict = experiment.mode == Mode::Strict;
    let with_ssh = !experiment.hypothesis.is_empty();
    let start = clock.now();
    let mut journal = Journal {
        status: Status::Completed,
        deviated: false,
        steady_state_before: None,
        steady_state_during: Vec::new(),
        steady_state_after: None,
        method_runs: Vec::new(),
        rollbacks_played: false,
        rollback_runs: Vec::new(),
        crashed: None,
        mode: experiment.mode,
        start,
        end: start,
    };
    let mut status: Option<Status> = None;
    let mut rollbacks_allowed = true;
    let mut gate_open = true;

    if with_ssh && experiment.strategy.before() {
        match hypothesis(experiment, probes, Phase::Before, clock.now(), strict) {
            Err(raised) => return crash(journal, raised, clock),
            Ok(state) => {
                if !state.met {
                    gate_open = false;
                    status = if strict {
                        Some(Status::NotRun)
                    } else if probe_raised(&state) {
                        Some(Status::Failed)
                    } else {
                        None
                    };
                }
                journal.steady_state_before = Some(state);
            }
        }
    }

    if gate_open {
        let now = clock.now();
        let mut during = During {
            experiment,
            probes,
            clock,
            active: with_ssh && experiment.strategy.during(),
            next_due: now,
            iteration: 1,
            failed: 0,
            status: None,
            states: Vec::new(),
        };
        let mut interrupted = false;
        for (i, activity) in experiment.method.iter().enumerate() {
            during.tick();
            let began = clock.now();
            let outcome = activities.run(i, activity, &mut during);
            let (run_status, error) = match outcome {
                Outcome::Succeeded => (Some(RunStatus::Succeeded), None),
                Outcome::Failed(e) => (Some(RunStatus::Failed), Some(e)),
                Outcome::Interrupted(kind) => {
                    interrupted = true;
                    if kind == Interruption::WithoutRollbacks {
                        rollbacks_allowed = false;
                    }
                    (None, None)
                }
            };
            journal.method_runs.push(ActivityRun {
                name: activity.name.clone(),
                status: run_status,
                error,
                start: began,
                end: clock.now(),
            });
            if interrupted || during.stopping() {
                break;
            }
        }
        let During {
            probes,
            status: during_status,
            states,
            ..
        } = during;
        journal.steady_state_during = states;
        status = if interrupted {
            Some(Status::Interrupted)
        } else {
            during_status
        };

        let stopped = matches!(status, Some(Status::Interrupted | Status::Aborted));
        if !stopped && with_ssh && experiment.strategy.after() {
            match hypothesis(experiment, probes, Phase::After, clock.now(), strict) {
                Err(raised) => return crash(journal, raised, clock),
                Ok(state) => {
                    if !state.met {
                        journal.deviated = true;
                        let keep_failed = strict && status == Some(Status::Failed);
                        if !keep_failed {
                            status = Some(if probe_raised(&state) {
                                Status::Failed
                            } else {
                                Status::Completed
                            });
                        }
                    }
                    journal.steady_state_after = Some(state);
                }
            }
        }
    }

    journal.status = status.unwrap_or(Status::Completed);
    let play = rollbacks_allowed
        && match experiment.rollback_strategy {
            RollbackStrategy::Always => true,
            RollbackStrategy::Never => false,
            RollbackStrategy::Default => !matches!(
                journal.status,
                Status::Failed | Status::Interrupted | Status::NotRun
            ),
            RollbackStrategy::Deviated => journal.deviated,
        };
    if play {
        journal.rollbacks_played = true;
        for (i, activity) in experiment.rollbacks.iter().enumerate() {
            let began = clock.now();
            let result = activities.rollback(i, activity);
            let (run_status, error) = match result {
                Ok(()) => (RunStatus::Succeeded, None),
                Err(e) => (RunStatus::Failed, Some(e.0)),
            };
            journal.rollback_runs.push(ActivityRun {
                name: activity.name.clone(),
                status: Some(run_status),
                error,
                start: began,
                end: clock.now(),
            });
        }
    }
    journal.end = clock.now();
    journal
}

fn crash(mut journal: Journal, raised: CheckRaised, clock: &dyn Clock) -> Journal {
    journal.status = Status::Aborted;
    journal.crashed = Some(raised);
    journal.end = clock.now();
    journal
}

impl SteadyState {
    /// Chaos Toolkit's journal shape: `steady_state_met`, `probes[]` with `activity.name`,
    /// `status`, `output`, `tolerance_met`; plus `at` in nanoseconds of the caller's clock.
    pub fn to_json(&self) -> Value {
        let probes: Vec<Value> = self
            .probes
            .iter()
            .map(|p| {
                serde_json::json!({
                    "activity": {"name": p.name},
                    "status": p.status.as_str(),
                    "output": p.output,
                    "tolerance_met": p.tolerance_met,
                    "check_raised": p.check_raised.map(|c| c.0),
                })
            })
            .collect();
        serde_json::json!({"steady_state_met": self.met, "probes": probes, "at": self.at.as_nanos()})
    }
}

impl ActivityRun {
    /// `activity.name`, `status` (`null` when interrupted), `exception`, `start`/`end`
    /// in nanoseconds of the caller's clock.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "activity": {"name": self.name},
            "status": self.status.map(RunStatus::as_str),
            "exception": self.error,
            "start": self.start.as_nanos(),
            "end": self.end.as_nanos(),
        })
    }
}

impl Journal {
    /// The journal in Chaos Toolkit's shape (`status`, `deviated`, `steady_states`
    /// `{before, during, after}`, `run`, `rollbacks`) plus `rollbacks_played`,
    /// `exit_code`, `mode`, `crashed`, `start` and `end` (nanoseconds of the caller's
    /// clock).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "status": self.status.as_str(),
            "deviated": self.deviated,
            "steady_states": {
                "before": self.steady_state_before.as_ref().map(SteadyState::to_json),
                "during": self.steady_state_during.iter().map(SteadyState::to_json).collect::<Vec<_>>(),
                "after": self.steady_state_after.as_ref().map(SteadyState::to_json),
            },
            "run": self.method_runs.iter().map(ActivityRun::to_json).collect::<Vec<_>>(),
            "rollbacks": self.rollback_runs.iter().map(ActivityRun::to_json).collect::<Vec<_>>(),
            "rollbacks_played": self.rollbacks_played,
            "exit_code": self.exit_code(),
            "mode": match self.mode { Mode::Compatible => "compatible", Mode::Strict => "strict" },
            "crashed": self.crashed.map(|c| c.0),
            "start": self.start.as_nanos(),
            "end": self.end.as_nanos(),
        })
    }
}
