//! Progressive rollouts: a canary judge exactly as Netflix Kayenta's NetflixACAJudge-v1.0,
//! over raw samples or over `sre_metrics` histogram snapshots.
//!
//! - [`classify`], [`classify_samples`], [`classify_snapshots`]: one metric, canary
//!   against baseline, to a [`Classification`] with the numbers behind it.
//! - [`shift_interval`], [`wilcoxon_diff`]: Kayenta's Mann-Whitney interval and estimate.
//! - [`preprocess`]: the NaN strategy and IQR outlier removal.
//! - [`score`], [`judge`]: group scores, overrides and the Pass / Marginal / Fail verdict.
//! - [`aggregated_did_pass`], [`multi_interval_did_pass`]: Kayenta's multi-interval runs.
//! - [`MeasurementStream`], [`assess_metric`], [`assess_run`]: Argo Rollouts analysis runs.
//! - [`Rollout`], [`StagePlan`], [`check_triggers`]: the course's staged rollout, its
//!   rollback triggers and the error-budget gate; [`FlaggerCanary`], [`run_argo_steps`]:
//!   Flagger's and Argo's canary plans; [`BlueGreen`] with a standby for rollback.
//!
//! Every function is pure and deterministic: where Kayenta adds random noise (two constant
//! samples) this crate decides the noise-free limit, the label Kayenta gives for every draw.
#![forbid(unsafe_code)]

mod analysis;
mod classifier;
mod error;
mod judge;
mod mann_whitney;
mod normal;
mod observations;
mod plans;
mod preprocess;
mod rollout;
mod scorer;
mod triggers;
mod zeroin;

pub use analysis::{
    AnalysisMetric, AnalysisPhase, DEFAULT_CONSECUTIVE_ERROR_LIMIT, ERROR_RETRY_INTERVAL_S,
    MAX_MEASUREMENTS, Measurement, MeasurementStep, MeasurementStream, MetricCounters, MetricRule,
    RolloutAction, RunAssessment, RunMetric, WindowMode, assess_metric, assess_run,
    judgement_window, kayenta_provider_phase, measurement_phase, multi_interval_did_pass,
};
pub use classifier::{
    Branch, Classification, Direction, EffectMeasure, EffectSize, MetricConfig, MetricVerdict,
    classify, classify_samples, classify_snapshots,
};
pub use error::Error;
pub use judge::{Judgement, MetricInput, judge};
pub use mann_whitney::{AllTied, ShiftInterval, shift_interval, wilcoxon_diff};
pub use observations::{MAX_OBSERVATIONS, Observations};
pub use plans::{
    ArgoEvent, ArgoStep, BlueGreen, FlaggerAction, FlaggerCanary, FlaggerMetric, FlaggerStep,
    FlaggerWeights, MAX_PLAN_STEPS, run_argo_steps,
};
pub use preprocess::{NanStrategy, OutlierStrategy, apply_nan_strategy, iqr_fences, preprocess};
pub use rollout::{
    BudgetGate, MAX_STAGES, Rollout, RolloutDecision, RolloutState, Stage, StagePlan, StepAction,
};
pub use scorer::{
    GroupScore, MAX_METRICS, OverrideReason, Score, ScoredMetric, Thresholds, Verdict,
    aggregated_did_pass, round_half_up_2, score,
};
pub use triggers::{
    Signals, Trigger, TriggerDecision, TriggerReport, TriggerSet, TriggerThresholds,
    check_triggers, crash_loop,
};
