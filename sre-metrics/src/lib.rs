//! Measure a service from inside: lock-free latency histograms, SLI event windows, RED signals and Prometheus text exposition.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_metrics::SliWindow;
//!
//! let sli = SliWindow::new(Duration::from_secs(3600))?;
//! sli.record(Timestamp::from_secs(30), true);
//! sli.record(Timestamp::from_secs(90), false);
//! let c = sli.counts(Timestamp::from_secs(120), Duration::from_secs(300))?;
//! assert_eq!(c.error_ratio(), Some(0.5));
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # Modules
//!
//! - `histogram`: an HdrHistogram-compatible, sharded, wait-free latency histogram with
//!   cumulative snapshots, interval deltas, quantiles and `hdrhistogram` interop.
//! - [`sli`]: good/total event counts over rolling windows of 5 minutes to 30 days, with
//!   Prometheus `increase()` window semantics, O(windows) queries and ≤ 72 KiB per SLO.
//! - `red`: rate, errors and duration a request handler records into, plus saturation.
//! - `exposition`: Prometheus text format for counters, gauges and classic histograms.
//! - [`error`]: the crate's [`Error`].
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these follow.
#![forbid(unsafe_code)]

pub mod error;
pub mod sli;

pub use error::Error;
pub use sli::{SliWindow, WindowCounts};
