//! Run it all on a simulated clock: a deterministic discrete-event simulator of arrivals,
//! servers, SLIs, burn-rate alerts and autoscaling — the `sre` family working together.
//!
//! Traffic from `sre-loadgen-model` arrives at a pool of servers; every latency goes into
//! an `sre-metrics` histogram and SLI window; an `sre-budget` evaluator runs the
//! burn-rate alerts; an `sre-scaling` policy resizes the pool, whose new servers warm up
//! and whose removed ones drain. Same scenario and seed, byte-identical report.
//!
//! ```
//! use core::time::Duration;
//! use sre_sim::scenario::{Autoscaler, AutoscalerPolicy};
//! use sre_sim::{Scenario, ServiceTime, Simulation};
//!
//! // 10 minutes of 400 RPS on 2 servers of 10 ms: overloaded until target tracking
//! // (60 % CPU, 3-minute cooldown after a scale-up) grows the pool.
//! let service = ServiceTime::exponential(Duration::from_millis(10))?;
//! let mut scenario = Scenario::fixed_pool("demo", 400.0, service, 2, Duration::from_secs(600));
//! scenario.servers.max = 50;
//! scenario.service.timeout = Some(sre_sim::scenario::Span(Duration::from_secs(1)));
//! scenario.autoscaler = Some(Autoscaler::with_defaults(AutoscalerPolicy::TargetTracking));
//!
//! let report = Simulation::new(scenario)?.run()?;
//! assert!(report.scaling[0].to > 2);          // it scaled up, and says why:
//! assert!(report.scaling[0].reason.contains("cpu"));
//! assert!(report.requests.timed_out > 0);     // the first minute hurt
//! assert!(report.latency.p50_ms < 20.0);      // but most requests were fine
//! let svg = sre_sim::svg::render_svg(&report, "demo", &[]);
//! assert!(svg.contains("</svg>"));
//! # Ok::<(), sre_sim::Error>(())
//! ```
//!
//! The flagship example is `cargo run --release -p sre-sim --example black_friday`; the
//! binary `sre-sim SCENARIO.toml` runs a scenario file (see [`scenario`]).
//!
//! # Modules
//!
//! - [`sim`]: [`Simulation`], a scenario run end to end to a [`Report`].
//! - [`station`]: the discrete-event core — a FIFO queue in front of a pool of servers
//!   that warm up and retire gracefully, with queue limit and timeout.
//! - [`service`]: service-time distributions and their seeded sampler.
//! - [`control`]: `sre-scaling` policies as the simulator drives them.
//! - [`scenario`]: the scenario (TOML) and its validation; [`units`]: durations in it.
//! - [`course`]: the course's capacity plan and Black Friday as scenarios.
//! - [`report`]: what a run produced; [`svg`]: the picture of it.
//! - [`faults`]: servers lost, latency, errors, slowdowns and failed dependencies
//!   injected into a run.
//! - [`experiment`]: Chaos Toolkit experiments on a run's faults — steady state, abort
//!   conditions every tick, rollback, the journal.
//! - [`rollout`]: a new version rolled out during a run, `sre-release` deciding each step.
//! - [`incidents`]: pages as `sre-incident` timelines with a responder model, on-call
//!   load, and the postmortem of an incident.
//! - [`sweep`]: a scenario over the product of parameter lists, in parallel and in
//!   shards, merged into one table (feature `serde`).
//! - [`baseline`]: the bare FCFS recursion, the floor and exact model for the station.
//! - [`limits`]: the bound on every input, in one table.
//! - [`error`]: the crate's [`Error`].
//!
//! # Features
//!
//! - `serde` (default): scenario TOML, report JSON, sweeps (with `rayon`), the `sre-sim`
//!   binary and the examples.
#![forbid(unsafe_code)]

pub mod baseline;
pub mod control;
pub mod course;
pub mod error;
pub mod experiment;
pub mod faults;
pub mod incidents;
pub mod limits;
pub mod report;
pub mod rollout;
pub mod scenario;
pub mod service;
pub mod sim;
pub mod station;
pub mod svg;
#[cfg(feature = "serde")]
pub mod sweep;
pub mod units;

pub use error::Error;
pub use report::Report;
pub use scenario::Scenario;
pub use service::{ServiceSampler, ServiceTime};
pub use sim::Simulation;
pub use station::{Outcomes, QueueLimits, Station};

/// The README's usage example, compiled and run as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
