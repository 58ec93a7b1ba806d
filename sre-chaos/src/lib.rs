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
//! - [`run`](mod@run): [`run()`], the [`Probes`] and [`Activities`] the caller supplies, the [`Journal`].
//! - [`blast`]: Litmus target counts, AWS FIS selection, seeded choice, [`UserShare`](blast::UserShare).
//! - [`litmus`]: Litmus attempts, probe modes, comparators, verdict and success percentage.
//! - [`signals`]: error ratio, rate, burn rate over an `SliWindow`; a `Histogram` quantile over an interval.
//! - [`guard`]: [`Guard`](guard::Guard): abort conditions every tick, the [`KillSwitch`](guard::KillSwitch), why it stopped.
//! - [`compare`]: [`CompareOp`].
//! - [`error`]: the crate's [`Error`].
#![forbid(unsafe_code)]

pub mod blast;
pub mod compare;
pub mod error;
pub mod experiment;
pub mod guard;
pub mod jsonpath;
pub mod litmus;
mod pyvalue;
pub mod run;
pub mod signals;
pub mod tolerance;

pub use compare::CompareOp;
pub use error::Error;
pub use experiment::{
    Activity, ActivityKind, Experiment, HypothesisProbe, MAX_ACTIVITIES, Mode, RollbackStrategy,
    Schedule, Strategy,
};
pub use run::{
    Activities, ActivityFailed, ActivityRun, During, Interruption, Journal, Outcome, Phase,
    ProbeRun, Probes, RunStatus, SteadyState, Status, run,
};
pub use tolerance::{CheckRaised, Tolerance};
