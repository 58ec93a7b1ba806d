//! Run it all on a simulated clock: a deterministic discrete-event simulator of arrivals,
//! servers, SLIs, burn-rate alerts and autoscaling.
//!
//! # Modules
//!
//! - [`station`]: the discrete-event core — a FIFO queue in front of a pool of servers
//!   that warm up and retire gracefully.
//! - [`service`]: service-time distributions and their seeded sampler.
//! - [`baseline`]: the bare FCFS recursion, the floor and exact model for the station.
//! - [`report`]: what a run produced; [`svg`]: the picture of it.
//! - [`units`]: durations as written in scenario files.
//! - [`error`]: the crate's [`Error`].
#![forbid(unsafe_code)]

pub mod baseline;
pub mod control;
pub mod error;
pub mod report;
pub mod scenario;
pub mod service;
pub mod sim;
pub mod station;
pub mod svg;
pub mod units;

pub use error::Error;
pub use report::Report;
pub use scenario::Scenario;
pub use service::{ServiceSampler, ServiceTime};
pub use sim::Simulation;
pub use station::{Outcomes, QueueLimits, Station};
