//! SLI windows: good and total event counts over rolling windows from 5 minutes to 30
//! days, recorded on the hot path and queried by burn-rate alerts and error budgets.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_metrics::sli::SliWindow;
//!
//! let day = Duration::from_secs(86_400);
//! let sli = SliWindow::new(30 * day)?;
//! // 1,000 requests a minute for a day, 1 % failing during the last hour.
//! for minute in 1..=1440 {
//!     let bad = if minute > 1380 { 10 } else { 0 };
//!     sli.record_counts(Timestamp::from_mins(minute), 1000 - bad, bad);
//! }
//! let now = Timestamp::from_mins(1440);
//! let hour = sli.counts(now, Duration::from_secs(3600))?;
//! assert_eq!(hour.error_ratio(), Some(0.01));
//! let month = sli.counts(now, 30 * day)?;
//! assert_eq!((month.bad(), month.total), (600, 1_440_000));
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # Semantics
//!
//! Minute `k` holds the events completed in `((k − 1) min, k min]`; a window of `W`
//! minutes evaluated at the end of minute `T` covers minutes `T − W + 1 ..= T`. That is
//! Prometheus' `increase()` over counter samples taken on minute boundaries (2.x closed
//! ranges: `x(T) − x(T − W)`), without its extrapolation. A window with no events has no
//! ratio ("no data"), never a healthy one. [`SliWindow`] documents queries inside a
//! minute, time going backwards, gaps, and exactness past 3 days.
//!
//! # Layout: why queries are O(windows)
//!
//! The rings hold *cumulative* counts (good and bad since construction) at the end of
//! each closed minute, so a window is the difference of two readings: the live count
//! (the sum of the stripes) minus the ring entry `W` minutes back (entries are stored
//! negated, so that is one addition per counter). Seven windows cost one read of the
//! stripes and seven ring loads, whatever their length. Writers never
//! touch the rings: they add to their own padded stripe of cumulative counters, and the
//! first caller of a new minute copies the stripes' sum into the ring (see
//! [`SliLayout`] for sizes: ≤ 72 KiB for 30 days, plus 128 bytes per stripe, one stripe
//! per CPU by default).
//!
//! # Speed: plan the windows once
//!
//! An alert rule asks for the same windows at every evaluation, so they are checked once
//! into a [`WindowPlan`] ([`SliWindow::plan`]): each window becomes its distance back in
//! the exact ring. A query ([`SliWindow::counts_planned`], [`SliWindow::error_ratios`])
//! is then one compare of `now` with the open minute's end (no division), one read of
//! the stripes, and per window a wrapped index, one ring entry and two additions
//! (plus a conversion and a division for a ratio), unrolled, without calls; windows
//! past 3 days take an out-of-line pass over the coarse ring. [`SliWindow::counts`] and
//! [`SliWindow::counts_many`] plan on the fly and share that path.
//!
//! Recording is one relaxed load, one compare and one or two relaxed `fetch_add`s on
//! the thread's own stripe (see [`SliWindow`]'s "Concurrency"). Measured figures, and the
//! commands that produce them, are in `benches/README.md`.
//!
//! # Modules
//!
//! - [`SliWindow`]: record and query.
//! - [`WindowCounts`]: good, total, bad and the ratios of one window.
//! - [`WindowPlan`]: windows checked once, queried many times (an alert rule's).
//! - [`SliWindowState`]: a window as plain data, to save and restore across restarts.
//! - [`SliLayout`]: bucket layout, exactness and memory of a window.
//! - [`LatencySli`], [`counts_from_snapshot`]: "good = at or below a latency threshold",
//!   from latencies or histogram snapshots.

mod counts;
mod latency;
mod layout;
mod minutes;
mod plan;
mod read;
mod state;
mod stripes;
mod window;

#[cfg(all(test, sre_loom))]
mod loom_tests;
#[cfg(all(test, not(sre_loom)))]
mod model_tests;

pub use counts::WindowCounts;
pub use latency::{LatencySli, counts_from_snapshot};
pub use layout::SliLayout;
pub use plan::WindowPlan;
pub use state::SliWindowState;
pub use window::SliWindow;
