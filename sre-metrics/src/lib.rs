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
//!
//! // An SLI window: good/total events over rolling windows, e.g. for burn-rate alerts.
//! let sli = sre_metrics::SliWindow::new(Duration::from_secs(30 * 86_400))?;
//! let now = sre_core::Timestamp::from_secs(90);
//! sli.record(now, true);
//! sli.record(now, false);
//! let five_minutes = sli.counts(now, Duration::from_secs(300))?;
//! assert_eq!(five_minutes.error_ratio(), Some(0.5));
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`histogram`]: [`Histogram`], [`HistogramConfig`], [`Snapshot`],
//!   [`IntervalReader`](histogram::IntervalReader): an HdrHistogram-compatible, sharded,
//!   wait-free latency histogram (a thread with a shard of its own records with a plain
//!   load and store) with cumulative snapshots, intervals, quantiles and `hdrhistogram`
//!   interop.
//! - [`sli`]: [`SliWindow`], [`WindowCounts`]: good/total event counts over rolling
//!   windows of 5 minutes to 30 days with Prometheus `increase()` semantics, O(windows)
//!   queries and at most 72 KiB per SLO.
//! - [`red`]: [`Red`](red::Red): rate, errors, duration and saturation a request
//!   handler records into, with rolling windows and snapshot intervals.
//! - [`exposition`]: [`Exposition`](exposition::Exposition): Prometheus text format 0.0.4
//!   and OpenMetrics 1.0 for counters, gauges, classic histograms (with exemplars from a
//!   W3C `traceparent`) and summaries, content negotiation, and the exact spelling of
//!   bucket bounds that rules select; accepted by `promtool check metrics`.
//! - [`error`]: the crate's [`Error`].
//!
//! The example `quantiles` prints quantiles of latencies read on stdin:
//! `cargo run --release -p sre-metrics --example quantiles -- --lowest 1 --highest 3600000000000 --sigfig 3 < values.txt`.
//! The example `prometheus_exposition` records simulated traffic and prints what a
//! service would expose: `cargo run -p sre-metrics --example prometheus_exposition`
//! (`-- --openmetrics` for OpenMetrics).
//!
//! # Limits
//!
//! Every input that sizes memory or work is bounded; every count that could pass a `u64`
//! says so instead of answering wrong.
//!
//! | input | bound | beyond it |
//! |---|---|---|
//! | histogram lowest / highest value, significant digits | lowest ≥ 1, highest ≥ 2 × lowest, 1–5 digits | [`Error::LowestDiscernibleZero`], [`Error::HighestBelowTwiceLowest`], [`Error::SignificantDigits`], [`Error::LowestTooLarge`] |
//! | histogram shards, SLI stripes | a power of two, 1–256 | [`Error::ShardCount`], [`Error::BadStripeCount`] |
//! | a recorded value | the highest trackable value | clamped to it and counted in [`Snapshot::saturated`] |
//! | a histogram's counts | total over the buckets ≤ `u64::MAX`; a bulk record (`record_n`, `record_corrected`) keeps every counter below 2^63 | [`Snapshot::is_overflowed`]: `count` saturates, quantiles are [`Error::CountOverflow`] |
//! | SLI horizon | a whole number of minutes, longer than 0, at most [`sre_core::MAX_PERIOD`] (366 days) | [`sre_core::Error::ZeroDuration`], [`Error::NotWholeMinutes`], [`Error::HorizonTooLong`] |
//! | SLI window | whole minutes, at most the horizon | [`Error::NotWholeMinutes`], [`Error::WindowBeyondHorizon`] |
//! | SLI events | at most `u64::MAX` good and `u64::MAX` bad over a window's life | [`SliWindow::is_saturated`]; queries are [`Error::SliSaturated`] |
//! | one SLI window's good + bad | at most `u64::MAX` for [`SliWindow::counts`] | [`Error::WindowTotalOverflow`]; [`SliWindow::error_ratios`] still answers |
//!
//! Recording never fails, never allocates and never panics: bounds on counts are
//! detected by readers (and, for bulk histogram records, by one compare).
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for configurations and snapshots (validated on
//!   input), [`WindowCounts`] and the RED reports, [`SliWindowState`](sli::SliWindowState)
//!   (an SLI window saved across a restart, checked on input); `Serialize` for
//!   [`SliLayout`](sli::SliLayout).
#![forbid(unsafe_code)]

pub mod error;
pub mod exposition;
pub mod histogram;
pub mod red;
pub mod sli;
mod thread_slot;

pub use error::Error;
pub use histogram::{Histogram, HistogramConfig, Snapshot};
pub use sli::{SliWindow, WindowCounts};
