//! Chaos experiments guarded by the signals a service already keeps: Chaos Toolkit's run
//! semantics, Litmus probes and blast radius, AWS FIS target selection, abort guards on
//! live signals, and (feature `tower`) a fault-injection layer.
//!
//! Everything runs on the caller's clock: no hidden clock, no sleeping, no hidden RNG.
//!
//! # Modules
//!
//! - [`tolerance`]: [`Tolerance`], Chaos Toolkit's tolerances with Python's semantics.
//! - [`jsonpath`]: the JSONPath subset a `jsonpath` tolerance accepts.
//! - [`experiment`]: [`Experiment`], [`Strategy`], [`RollbackStrategy`], [`Schedule`], [`Mode`].
//! - [`runner`]: [`run()`], the [`Probes`] and [`Activities`] the caller supplies, the [`Journal`].
//! - [`blast`]: Litmus target counts, AWS FIS selection, seeded choice, [`UserShare`](blast::UserShare).
//! - [`litmus`]: Litmus attempts, probe modes, comparators, verdict and success percentage.
//! - [`signals`]: error ratio, rate, burn rate over an `SliWindow`; a `Histogram` quantile over an interval.
//! - [`guard`]: [`Guard`](guard::Guard): abort conditions every tick, the [`KillSwitch`](guard::KillSwitch), why it stopped.
//! - `inject` (feature `tower`): `FaultLayer`, added latency on the caller's timer and injected errors for a share of users, off when the kill switch trips.
//! - [`compare`]: the comparison operators, [`CompareOp`].
//! - [`error`]: the crate's [`Error`].
#![forbid(unsafe_code)]

pub mod blast;
pub mod compare;
pub mod error;
pub mod experiment;
pub mod guard;
#[cfg(feature = "tower")]
pub mod inject;
pub mod jsonpath;
pub mod litmus;
mod pyvalue;
pub mod runner;
pub mod signals;
pub mod tolerance;

pub use compare::CompareOp;
pub use error::Error;
pub use experiment::{
    Activity, ActivityKind, Experiment, HypothesisProbe, MAX_ACTIVITIES, Mode, RollbackStrategy,
    Schedule, Strategy,
};
pub use runner::{
    Activities, ActivityFailed, ActivityRun, During, Interruption, Journal, Outcome, Phase,
    ProbeRun, Probes, RunStatus, Status, SteadyState, run,
};
pub use tolerance::{CheckRaised, Tolerance};
