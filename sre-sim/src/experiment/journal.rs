//! [`ExperimentJournal`]: what an experiment did, in Chaos Toolkit's journal vocabulary,
//! for the run's [`Report`](crate::Report).

/// One steady-state probe's reading and verdict.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProbeRecord {
    /// The probe's name.
    pub name: String,
    /// The signal (`error_ratio`, `quantile`, `rate`, `burn_rate`).
    pub signal: String,
    /// Its window, seconds.
    pub window_s: f64,
    /// What it read (a quantile in milliseconds, a rate per its `per`); `None`: no data
    /// in the window.
    pub value: Option<f64>,
    /// The tolerance, as written.
    pub tolerance: serde_json::Value,
    /// `succeeded`, `failed` (it could not read: no data, which Chaos Toolkit counts as
    /// a probe that raised) or `not_run` (an earlier probe failed: Chaos Toolkit stops
    /// at the first; its value is shown all the same).
    pub status: String,
    /// Whether the value is within the tolerance (`None` when it did not run).
    pub tolerance_met: Option<bool>,
    /// Why it failed, or the tolerance check that raised (strict mode).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub error: Option<String>,
}

/// One run of the steady-state hypothesis.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SteadyStateRecord {
    /// When it was checked, seconds since the start of the run.
    pub at_s: f64,
    /// Whether every probe was within its tolerance.
    pub steady_state_met: bool,
    /// Every probe, in order.
    pub probes: Vec<ProbeRecord>,
}

/// The hypothesis before and after the method (`None`: not run).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SteadyStates {
    /// Before the method's first fault.
    pub before: Option<SteadyStateRecord>,
    /// After the method's end and `settle`.
    pub after: Option<SteadyStateRecord>,
}

/// One fault of the method.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MethodRecord {
    /// The fault's label.
    pub fault: String,
    /// Its kind.
    pub kind: String,
    /// When it started, seconds (`None`: it never did, the method was skipped or aborted first).
    pub start_s: Option<f64>,
    /// When it ended, seconds.
    pub end_s: Option<f64>,
    /// What ended it (the fault record's `ended_by`).
    pub ended_by: String,
}

/// Why and when the guard stopped the method.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbortRecord {
    /// The tick that stopped it, seconds since the start of the run.
    pub at_s: f64,
    /// Seconds after the method's first fault started.
    pub after_start_s: f64,
    /// The condition, in words: which, what was seen, against what.
    pub cause: String,
    /// The condition's field (`experiment.abort[1]`; `experiment.abort_at` for a manual abort).
    pub condition: String,
    /// `error_ratio`, `burn_rate`, `quantile`, `rate`, `deadline` or `manual`.
    pub signal: String,
    /// What was observed (a quantile in ms, a rate per the condition's `per`, a
    /// deadline's elapsed seconds).
    pub observed: Option<f64>,
    /// The limit it crossed, in the same unit.
    pub limit: Option<f64>,
}

/// One rollback run: ending a method fault.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RollbackRecord {
    /// The fault's label.
    pub fault: String,
    /// When, seconds since the start of the run.
    pub at_s: f64,
    /// Whether the fault was still active and was ended early (else there was nothing
    /// left to roll back).
    pub ended: bool,
}

/// What an experiment did: Chaos Toolkit's journal fields as far as they apply to a
/// simulated run (times in seconds of simulated time).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExperimentJournal {
    /// The experiment's title.
    pub title: String,
    /// Its hypothesis, in words.
    pub hypothesis: String,
    /// `compatible` or `strict`.
    pub mode: String,
    /// `completed`, `failed`, `aborted` (a tolerance check crashed, compatible mode),
    /// `interrupted` (the guard stopped the method) or `not_run` (strict mode: the
    /// steady state was not met before the method).
    pub status: String,
    /// The after steady state was not met.
    pub deviated: bool,
    /// `chaos run`'s exit code: 1 unless `completed` and not deviated.
    pub exit_code: i32,
    /// The hypothesis before and after the method.
    pub steady_states: SteadyStates,
    /// The method's faults, in start order.
    pub method: Vec<MethodRecord>,
    /// Whether the method's faults ran (`false`: skipped, the steady state was not met
    /// before it).
    pub method_ran: bool,
    /// Why the guard stopped the method (`None`: it did not).
    pub abort: Option<AbortRecord>,
    /// Guard ticks evaluated.
    pub guard_ticks: u64,
    /// Whether the rollbacks were played (per the rollback strategy).
    pub rollbacks_played: bool,
    /// The rollbacks, in order.
    pub rollbacks: Vec<RollbackRecord>,
    /// A tolerance check that raised where Chaos Toolkit crashes (compatible mode).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub crashed: Option<String>,
}
