//! The `sre` family inside a service: one registry of RED series and SLOs, a tower layer
//! that records every request, an evaluator runner on the wall-clock grid, checkpoints
//! that survive a restart, and a bridge for the `metrics` facade.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Objective;
//! use sre_service::{Method, Registry, Runner, SloSpec};
//!
//! // One definition: 99.9 % of /work requests without a 5xx within 300 ms, over 30 days.
//! let slo = SloSpec::latency(
//!     "work",
//!     Objective::from_percent(99.9)?,
//!     Duration::from_secs(30 * 86_400),
//!     Duration::from_millis(300),
//! )
//! .routes(["/work"]);
//! let registry = Registry::builder().slo(slo).build()?;
//!
//! // It builds the in-process evaluator…
//! let runner = Runner::new(&registry).interval(Duration::from_secs(60))?;
//! // …and the Prometheus rules that read exactly the series the registry exposes.
//! let rules = registry.prometheus_rules(Duration::from_secs(60))?;
//! assert!(rules.contains(r#"sre_slo_events_total{slo="work",outcome="good"}"#));
//!
//! // A request, as the tower layer (feature `tower`) records it.
//! let request = registry.route("/work").start(Method::Get);
//! request.finish(200);
//! runner.evaluate(registry.now())?;
//! let page = registry.render_text(); // what GET /metrics returns
//! assert!(page.body.contains(r#"sre_slo_events_total{slo="work",outcome="good"} 1"#));
//! # Ok::<(), sre_service::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`registry`]: [`Registry`] and its builder; [`route`]: a route's series
//!   ([`Route`], [`InFlight`]); [`request`]: the `method` and `status_class` labels.
//! - [`slo`]: [`SloSpec`], one SLO: the single definition of the evaluator and the rules.
//! - [`runner`]: [`Runner`], evaluation on the wall-clock grid and checkpoints;
//!   [`report`]: what it publishes ([`SloReport`]).
//! - [`checkpoint`]: the checkpoint file (atomic, versioned, checksummed).
//! - [`render`]: [`Page`], the exposition a `/metrics` handler returns.
//! - [`names`]: the series names.
//! - `layer` (feature `tower`): [`SreLayer`], RED and the SLI of every HTTP request.
//! - `facade` (feature `metrics`): [`Recorder`], `metrics` 0.24 calls into the registry.
//! - [`error`]: the crate's [`Error`].
//!
//! # Restarts, replicas, cadence
//!
//! - **Restarts.** Name a checkpoint file ([`RegistryBuilder::checkpoint`]): the runner
//!   writes it every minute and at shutdown, and the next process restores its SLI
//!   windows, alert states and `sre_slo_events_total` counters from it. The minutes it
//!   was down count as no data, never as good. A file that is corrupt, truncated, of
//!   another version or for other SLOs stops [`RegistryBuilder::build`] with an error
//!   and is left in place. After `kill -9`, the events since the last checkpoint are
//!   lost: checkpoint more often to lose less.
//! - **Replicas.** Each process judges only its own traffic. Judge the fleet with the
//!   generated rules on Prometheus, Thanos or Mimir (they sum `sre_slo_events_total`
//!   over every instance), or merge the replicas' histogram snapshots and SLI counts.
//!   One replica's page means that replica's users are hurting; the fleet's rules say
//!   whether the service is.
//! - **Cadence.** Evaluate at the interval of the generated rule group (once a minute by
//!   default); more often is supported, see [`runner`].
//! - **Young processes.** A process younger than its SLO period has less than a period
//!   of data: its budget figures are over the data observed, not over the period.
//!   The default alert configuration has a low-traffic guard
//!   ([`AlertConfig::service_default`](sre_budget::AlertConfig::service_default): at
//!   least 10 bad events in the long window, in the generated rules too), so one slow
//!   request after a deploy does not page.
//!
//! # Features
//!
//! - `tower`: [`SreLayer`] (with `http`).
//! - `tokio`: [`Runner::spawn_tokio`].
//! - `tracing`: every alert transition as a `tracing` event (`warn` when firing).
//! - `metrics`: [`Recorder`], a `metrics` 0.24 recorder backed by the registry.
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod error;
#[cfg(feature = "metrics")]
pub mod facade;
mod fnv;
#[cfg(feature = "tower")]
pub mod layer;
pub mod names;
pub mod registry;
pub mod render;
pub mod report;
pub mod request;
pub mod route;
pub mod runner;
pub mod slo;
mod slo_state;
mod slot;

pub use error::Error;
#[cfg(feature = "metrics")]
pub use facade::Recorder;
#[cfg(feature = "tower")]
pub use layer::SreLayer;
pub use registry::{Registry, RegistryBuilder};
pub use render::Page;
pub use report::SloReport;
pub use request::{Method, StatusClass};
pub use route::{InFlight, Route, TraceRef};
#[cfg(feature = "tokio")]
pub use runner::TokioRunner;
pub use runner::{AlertTransition, Runner, RunnerHandle};
pub use slo::{Outcome, SloSpec};
