//! A new version rolled out during a run: traffic split by the canary weight, the two
//! versions' latencies in separate histograms, and `sre-release` deciding each step.
//!
//! [`run_rollout`] runs a [`Scenario`] whose optional `[rollout]` table
//! ([`RolloutSpec`]) describes the new version (a multiplier on the service time, an added
//! delay, an error rate) and the plan (the course's 1 % → 5 % → 25 % → 50 % → 100 % by
//! default, its hold times scaled by `time_scale` so a run stays short):
//!
//! ```toml
//! [rollout]
//! error_rate = 0.01           # the new version fails 1 % of its requests
//! baseline_error_rate = 0.001
//! latency_multiplier = 1.0    # service time × this
//! added_latency = "0ms"       # service time + this
//! time_scale = 0.01           # 1 h of the plan lasts 36 s
//! check_interval = "10s"
//! ```
//!
//! The model:
//!
//! - Arrivals are the scenario's (the same seeded Poisson stream and service times as
//!   [`Simulation::run`](crate::Simulation::run)); each request goes to the canary with
//!   probability weight / 100 (a seeded draw), else to the baseline.
//! - Each version has its own pool (a [`Station`](crate::Station)), as a Kubernetes
//!   canary has its own pods, each of the scenario's initial size (Flagger scales the
//!   canary to the primary's replicas; ready before traffic shifts to it). A version's
//!   latency differs from the other's only by its own service time and load, never by a
//!   smaller pool. Both pools keep their servers to the end, so queued requests are served.
//! - A failing request fails at once (a 5xx that uses no server time): counted as
//!   `failed`, bad for the SLO, not in the latency histogram.
//! - At every check interval after the start, each version's requests that ended since the
//!   current stage began (a histogram snapshot delta and exact counters) give the
//!   [`Signals`] of `sre_release::check_triggers` (error rate = failed, timed out and
//!   dropped over ended; P99 from the histogram; memory is not simulated and is reported
//!   as `memory_fraction`), and [`Rollout::check`] decides advance / hold / rollback /
//!   promote. At a stage's end the canary judge (`classify_snapshots`, Kayenta's
//!   NetflixACAJudge-v1.0 on the latency histograms, direction increase, a High needing a
//!   mean ratio of at least `judge_allowed_increase`) also decides: a High there rolls
//!   back, which the simulator applies on top of the [`Rollout`] (whose checks take
//!   signals, not verdicts).
//!
//! Same scenario and seed, byte-identical [`RolloutReport`] JSON.

mod report;
mod run;
mod spec;
pub mod svg;

pub use report::{
    Caught, CheckPoint, RolloutOutcome, RolloutReport, RolloutStep, StageTraffic, VersionCounts,
    VersionSummary,
};
pub use run::run_rollout;
pub use spec::{MAX_ROLLOUT_CHECKS, MAX_ROLLOUT_STAGES, RolloutSpec, RolloutStage};
pub use svg::render_rollout_svg;

#[cfg(doc)]
use crate::Scenario;
#[cfg(doc)]
use sre_release::{Rollout, Signals};
