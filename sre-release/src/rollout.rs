//! [`Rollout`]: the course's staged canary as a state machine on the caller's clock, with
//! the rollback triggers and the error-budget gate deciding each step.

use crate::error::Error;
use crate::triggers::{
    Signals, Trigger, TriggerDecision, TriggerSet, TriggerThresholds, check_triggers, crash_loop,
};
use core::fmt;
use sre_budget::{ReleaseAction, ReleaseDecision};

/// The most stages a plan may hold.
pub const MAX_STAGES: usize = 1_000;

/// One stage: a canary weight held for a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stage {
    /// Share of traffic on the canary, percent.
    pub weight_pct: u8,
    /// How long the stage lasts before it may advance, seconds.
    pub duration_s: u64,
}

/// A staged rollout plan: stages in order, then the final weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagePlan {
    stages: Vec<Stage>,
    final_weight_pct: u8,
}

impl StagePlan {
    /// A plan.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for a weight above 100 or a zero duration;
    /// [`Error::TooMany`] past [`MAX_STAGES`] stages.
    pub fn new(stages: Vec<Stage>, final_weight_pct: u8) -> Result<Self, Error> {
        if stages.len() > MAX_STAGES {
            return Err(Error::TooMany {
                field: "stages",
                count: stages.len() as u64,
                bound: MAX_STAGES as u64,
            });
        }
        for s in &stages {
            if s.weight_pct > 100 {
                return Err(Error::OutOfRange {
                    field: "stages.weight_pct",
                    value: f64::from(s.weight_pct),
                    bound: "[0, 100]",
                });
            }
        }
        if final_weight_pct > 100 {
            return Err(Error::OutOfRange {
                field: "final_weight_pct",
                value: f64::from(final_weight_pct),
                bound: "[0, 100]",
            });
        }
        Ok(Self {
            stages,
            final_weight_pct,
        })
    }

    /// 1 % for 1 h, 5 % for 2 h, 25 % for 4 h, 50 % for 8 h, then 100 %: the weights
    /// and doubling hold times of the seed's Module 29.
    #[must_use]
    pub fn doubling_1_5_25_50() -> Self {
        let h = 3_600;
        Self {
            stages: vec![
                Stage {
                    weight_pct: 1,
                    duration_s: h,
                },
                Stage {
                    weight_pct: 5,
                    duration_s: 2 * h,
                },
                Stage {
                    weight_pct: 25,
                    duration_s: 4 * h,
                },
                Stage {
                    weight_pct: 50,
                    duration_s: 8 * h,
                },
            ],
            final_weight_pct: 100,
        }
    }

    /// The stages.
    #[must_use]
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The weight after the last stage.
    #[must_use]
    pub fn final_weight_pct(&self) -> u8 {
        self.final_weight_pct
    }
}

/// What a rollout step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StepAction {
    /// Moved to the next stage.
    Advance,
    /// Stayed: a check lacked data, or the budget gate closed.
    Hold,
    /// Sent all traffic back to the baseline.
    Rollback,
    /// Sent the final weight to the new version; done.
    Promote,
    /// Nothing to do yet (the stage is not over); not an event.
    Continue,
}

/// Where a rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RolloutState {
    /// Not started.
    Pending,
    /// In a stage.
    InProgress,
    /// Done, new version at the final weight.
    Promoted,
    /// Done, all traffic back on the baseline.
    RolledBack,
}

/// Why the budget gate held a step, if it did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetGate {
    /// The budget policy's decision the step was taken under.
    pub decision: ReleaseDecision,
    /// Whether the gate kept the rollout from starting or advancing.
    pub held: bool,
}

/// One decision of a [`Rollout`] and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RolloutDecision {
    /// When, seconds on the caller's clock.
    pub t_s: u64,
    /// What was done.
    pub action: StepAction,
    /// Canary weight after the step, percent.
    pub weight_pct: u8,
    /// The stage index after the step (the number of stages once promoted).
    pub stage_index: usize,
    /// Triggers that fired (for a rollback: the reason; `NoData` after too many
    /// incomplete checks).
    pub triggers: TriggerSet,
    /// Triggers that could not be evaluated at this check.
    pub missing: TriggerSet,
    /// The budget gate, when a budget decision was supplied.
    pub budget: Option<BudgetGate>,
    /// The signals of the check this step was taken on (`None` for a start or a restart).
    pub signals: Option<Signals>,
    /// The thresholds the triggers were judged against.
    pub thresholds: TriggerThresholds,
}

impl fmt::Display for RolloutDecision {
    /// One line: the action, time, weight and stage, then each fired trigger with the
    /// numbers that fired it, the missing signals, and the budget gate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} at t={} s: canary {} % (stage {})",
            self.action, self.t_s, self.weight_pct, self.stage_index
        )?;
        let th = &self.thresholds;
        let s = self.signals.unwrap_or_default();
        let show = |v: Option<f64>| v.map_or_else(|| "no data".to_owned(), |v| format!("{v}"));
        for t in self.triggers.iter() {
            match t {
                Trigger::ErrorRate => write!(
                    f,
                    "; error rate {} % > baseline {} % + {} pp",
                    show(s.canary_error_rate_pct),
                    show(s.baseline_error_rate_pct),
                    th.error_rate_delta_pct
                )?,
                Trigger::P99Latency => write!(
                    f,
                    "; p99 {} ms > baseline {} ms + {} ms",
                    show(s.canary_p99_ms),
                    show(s.baseline_p99_ms),
                    th.p99_delta_ms
                )?,
                Trigger::Memory => write!(
                    f,
                    "; memory {} of the limit > {}",
                    show(s.canary_memory_fraction),
                    th.memory_fraction
                )?,
                Trigger::CrashLoop => write!(
                    f,
                    "; crash loop: at least {} restarts within {} s",
                    th.crash_restarts, th.crash_window_s
                )?,
                Trigger::NoData => write!(
                    f,
                    "; no data: more than {} incomplete checks in a row",
                    th.missing_data_limit
                )?,
            }
        }
        if !self.missing.is_empty() {
            write!(f, "; missing:")?;
            for t in self.missing.iter() {
                write!(f, " {t:?}")?;
            }
        }
        if let Some(g) = &self.budget {
            write!(
                f,
                "; budget: {}{}",
                g.decision,
                if g.held { " (held)" } else { "" }
            )?;
        }
        Ok(())
    }
}

/// The course's staged rollout on the caller's clock. At a check every trigger is
/// evaluated: anything fired rolls back; anything missing holds (more than
/// `missing_data_limit` in a row rolls back with [`Trigger::NoData`]); otherwise, once
/// the stage has lasted its duration, it advances (the next stage starts then) or, after
/// the last, promotes. A hold at a stage's end delays that stage and every later one. At
/// a restart only the crash loop is evaluated, and fires an immediate rollback.
///
/// The budget gate: a [`ReleaseDecision`] from `sre_budget::BudgetPolicy` may be passed
/// to each step. `DeployNormally` lets the rollout start and advance; `SlowDown` doubles
/// every stage's duration; `FeatureFreeze` and `NoDeploys` hold start and advance (a
/// rollback is never held). Each step is O(restarts) and allocates nothing.
///
/// ```
/// use sre_release::{Rollout, Signals, StagePlan, StepAction, TriggerThresholds};
///
/// let mut r = Rollout::new(StagePlan::doubling_1_5_25_50(), TriggerThresholds::default())?;
/// assert_eq!(r.start(0, None).weight_pct, 1);
/// let healthy = Signals {
///     baseline_error_rate_pct: Some(0.5), canary_error_rate_pct: Some(0.6),
///     baseline_p99_ms: Some(200.0), canary_p99_ms: Some(210.0), canary_memory_fraction: Some(0.5),
/// };
/// assert_eq!(r.check(1_800, &healthy, &[], None).action, StepAction::Continue);
/// assert_eq!(r.check(3_600, &healthy, &[], None).weight_pct, 5);
/// let bad = Signals { canary_error_rate_pct: Some(1.5), ..healthy };
/// let d = r.check(4_000, &bad, &[], None);
/// assert_eq!(d.action, StepAction::Rollback);
/// assert_eq!(
///     d.to_string(),
///     "Rollback at t=4000 s: canary 0 % (stage 1); error rate 1.5 % > baseline 0.5 % + 0.5 pp"
/// );
/// # Ok::<(), sre_release::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    plan: StagePlan,
    thresholds: TriggerThresholds,
    state: RolloutState,
    stage: usize,
    stage_start_s: u64,
    weight_pct: u8,
    consecutive_missing: u32,
}

impl Rollout {
    /// A rollout of `plan` judged by `thresholds`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for invalid thresholds.
    pub fn new(plan: StagePlan, thresholds: TriggerThresholds) -> Result<Self, Error> {
        thresholds.validate()?;
        Ok(Self {
            plan,
            thresholds,
            state: RolloutState::Pending,
            stage: 0,
            stage_start_s: 0,
            weight_pct: 0,
            consecutive_missing: 0,
        })
    }

    /// Where the rollout stands.
    #[must_use]
    pub fn state(&self) -> RolloutState {
        self.state
    }

    /// The canary weight now, percent.
    #[must_use]
    pub fn weight_pct(&self) -> u8 {
        self.weight_pct
    }

    /// The current stage index.
    #[must_use]
    pub fn stage_index(&self) -> usize {
        self.stage
    }

    fn decision(&self, t_s: u64, action: StepAction) -> RolloutDecision {
        RolloutDecision {
            t_s,
            action,
            weight_pct: self.weight_pct,
            stage_index: self.stage,
            triggers: TriggerSet::default(),
            missing: TriggerSet::default(),
            budget: None,
            signals: None,
            thresholds: self.thresholds,
        }
    }

    fn gate(budget: Option<&ReleaseDecision>) -> (Option<BudgetGate>, bool, u64) {
        match budget {
            None => (None, false, 1),
            Some(d) => {
                let (held, factor) = match d.action {
                    ReleaseAction::DeployNormally => (false, 1),
                    ReleaseAction::SlowDown => (false, 2),
                    ReleaseAction::FeatureFreeze | ReleaseAction::NoDeploys => (true, 1),
                };
                (Some(BudgetGate { decision: *d, held }), held, factor)
            }
        }
    }

    /// Starts the rollout at `t_s`: the first stage's weight (or an immediate promote for
    /// an empty plan). Held while the budget gate is closed; a no-op once started.
    pub fn start(&mut self, t_s: u64, budget: Option<&ReleaseDecision>) -> RolloutDecision {
        if self.state != RolloutState::Pending {
            return self.decision(t_s, StepAction::Continue);
        }
        let (gate, held, _) = Self::gate(budget);
        if held {
            let mut d = self.decision(t_s, StepAction::Hold);
            d.budget = gate;
            return d;
        }
        self.state = RolloutState::InProgress;
        self.stage = 0;
        self.stage_start_s = t_s;
        let mut d = match self.plan.stages.first() {
            Some(s) => {
                self.weight_pct = s.weight_pct;
                self.decision(t_s, StepAction::Advance)
            }
            None => self.promote(t_s),
        };
        d.budget = gate;
        d
    }

    fn promote(&mut self, t_s: u64) -> RolloutDecision {
        self.state = RolloutState::Promoted;
        self.stage = self.plan.stages.len();
        self.weight_pct = self.plan.final_weight_pct;
        self.decision(t_s, StepAction::Promote)
    }

    fn rollback(&mut self, t_s: u64, fired: TriggerSet) -> RolloutDecision {
        self.state = RolloutState::RolledBack;
        self.weight_pct = 0;
        let mut d = self.decision(t_s, StepAction::Rollback);
        d.triggers = fired;
        d
    }

    /// A check at `t_s` with these signals and the canary's restart times so far.
    /// After the rollout is done (or before it starts) this changes nothing.
    pub fn check(
        &mut self,
        t_s: u64,
        signals: &Signals,
        restarts_s: &[u64],
        budget: Option<&ReleaseDecision>,
    ) -> RolloutDecision {
        if self.state != RolloutState::InProgress {
            return self.decision(t_s, StepAction::Continue);
        }
        let report = check_triggers(t_s, signals, restarts_s, &self.thresholds);
        let (gate, held, factor) = Self::gate(budget);
        let mut d = match report.decision {
            TriggerDecision::Rollback => self.rollback(t_s, report.fired),
            TriggerDecision::Hold => {
                self.consecutive_missing += 1;
                if self.consecutive_missing > self.thresholds.missing_data_limit {
                    let mut no_data = TriggerSet::default();
                    no_data.insert(Trigger::NoData);
                    self.rollback(t_s, no_data)
                } else {
                    self.decision(t_s, StepAction::Hold)
                }
            }
            TriggerDecision::Pass => {
                self.consecutive_missing = 0;
                let duration = self.plan.stages[self.stage]
                    .duration_s
                    .saturating_mul(factor);
                if t_s < self.stage_start_s.saturating_add(duration) {
                    self.decision(t_s, StepAction::Continue)
                } else if held {
                    self.decision(t_s, StepAction::Hold)
                } else if self.stage + 1 < self.plan.stages.len() {
                    self.stage += 1;
                    self.stage_start_s = t_s;
                    self.weight_pct = self.plan.stages[self.stage].weight_pct;
                    self.decision(t_s, StepAction::Advance)
                } else {
                    self.promote(t_s)
                }
            }
        };
        d.missing = report.missing;
        d.signals = Some(*signals);
        d.budget = gate;
        d
    }

    /// A canary restart at `t_s`: rolls back at once if it completes a crash loop.
    pub fn restart(&mut self, t_s: u64, restarts_s: &[u64]) -> RolloutDecision {
        if self.state == RolloutState::InProgress && crash_loop(t_s, restarts_s, &self.thresholds) {
            let mut fired = TriggerSet::default();
            fired.insert(Trigger::CrashLoop);
            return self.rollback(t_s, fired);
        }
        self.decision(t_s, StepAction::Continue)
    }
}
