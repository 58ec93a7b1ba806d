//! Measure a service from inside: lock-free latency histograms, SLI event windows, RED
//! signals and Prometheus text exposition.
//!
//! ```
//! use core::time::Duration;
//! use sre_metrics::{Histogram, HistogramConfig};
//!
//! // 1 ns to 1 h, 3 significant digits: HdrHistogram's layout, lock-free and sharded.
//! let latency = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3)?);
//! latency.record_duration(Duration::from_micros(250)); // from any thread, through &self
//! latency.record(1_200_000);
//!
//! let snapshot = latency.snapshot(); // cumulative; `later.delta(&earlier)` is an interval
//! assert_eq!(snapshot.count(), 2);
//! assert_eq!(snapshot.quantile(0.5)?, 250_111); // 250 µs to 3 significant digits
//! assert_eq!(snapshot.count_at_or_below(1_000_000), 1); // served within 1 ms
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`histogram`]: [`Histogram`], [`HistogramConfig`], [`Snapshot`]: an
//!   HdrHistogram-compatible, sharded, wait-free latency histogram with cumulative
//!   snapshots, interval deltas, quantiles and `hdrhistogram` interop.
//! - [`sli`]: [`SliWindow`]: good/total event counts over rolling windows of 5 minutes
//!   to 30 days, with Prometheus `increase()` window semantics.
//! - [`error`]: the crate's [`Error`].
//!
//! The example `quantiles` prints quantiles of latencies read on stdin:
//! `cargo run --release -p sre-metrics --example quantiles -- --lowest 1 --highest 3600000000000 --sigfig 3 < values.txt`.
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for configurations and snapshots (validated on
//!   input).
#![forbid(unsafe_code)]

pub mod error;
pub mod histogram;
pub mod sli;

pub use error::Error;
pub use histogram::{Histogram, HistogramConfig, Snapshot};
pub use sli::{SliWindow, WindowCounts};
