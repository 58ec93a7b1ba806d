//! Measure a service from inside: lock-free latency histograms, SLI event windows, RED signals and Prometheus text exposition.
//!
//! **Not built yet.** This crate is a documented skeleton: it compiles and holds no
//! working code. What will live here:
//!
//! - `histogram`: an HdrHistogram-compatible, sharded, wait-free latency histogram with
//!   cumulative snapshots, interval deltas, quantiles and `hdrhistogram` interop.
//! - `sli`: good/total event counts in multi-resolution time buckets over horizons of
//!   5 minutes to 30 days, with Prometheus `increase()` window semantics.
//! - `red`: rate, errors and duration a request handler records into, plus saturation.
//! - `exposition`: Prometheus text format for counters, gauges and classic histograms.
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these will follow.
#![forbid(unsafe_code)]

pub mod error;

pub use error::Error;
