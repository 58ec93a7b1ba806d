//! Sweeps: a scenario run over the product of parameter lists, in parallel, split into
//! shards any batch system can spread over machines, and merged into one table.
//!
//! A grid file names a base scenario and, under `[grid]`, dotted paths into the scenario
//! TOML with the values to try there; each value is inserted whole, so a value may be a
//! number, a string, or a list of tables:
//!
//! ```toml
//! base = "flash_sale.toml"            # relative to this file; or an inline [base] table
//!
//! [grid]
//! "autoscaler.policy" = ["hpa", "target_tracking"]
//! "traffic.mean_rps" = [100.0, 200.0]
//! seed = [1, 2]
//!
//! [labels]                            # optional: names for a table's cells
//! "autoscaler.policy" = ["HPA", "target tracking"]
//! ```
//!
//! The axes are taken in byte order of their paths (TOML tables carry no order), the
//! first the slowest: point `p00000` is the first value of every axis, `p00001` changes
//! the last axis. Above: `autoscaler.policy`, then `seed`, then `traffic.mean_rps`.
//!
//! ```
//! use sre_sim::sweep::{Axis, Grid};
//! use sre_sim::{Scenario, ServiceTime};
//! use core::time::Duration;
//!
//! let service = ServiceTime::exponential(Duration::from_millis(10))?;
//! let base = Scenario::fixed_pool("tiny", 20.0, service, 2, Duration::from_secs(60));
//! let grid = Grid::from_scenario(&base, vec![
//!     Axis::new("seed", vec![1.into(), 2.into(), 3.into()]),
//!     Axis::new("servers.initial", vec![1.into(), 2.into()]),
//! ])?;
//! assert_eq!(grid.len(), 6);
//! let p = grid.point(3).unwrap();                 // seed 2 (3 / 2 = 1), 2 servers (3 % 2)
//! assert_eq!(p.name(), "p00003");
//! let scenario = p.scenario()?;
//! assert_eq!((scenario.seed, scenario.servers.initial), (2, 2));
//! let report = p.run()?;
//! assert!(report.requests.sent > 0);
//! # Ok::<(), sre_sim::Error>(())
//! ```
//!
//! [`run_shard`] runs a [`Shard`] of a grid into a folder (a file per point, written
//! atomically, and a manifest); [`merge()`] joins the folders of all shards into a
//! [`SweepTable`], written as CSV and JSON, the same bytes however the grid was split.
//! The binary's `sre-sim sweep` and `sre-sim merge` are these two calls.
//!
//! Every input is bounded: [`MAX_POINTS`], [`MAX_AXES`], [`MAX_PATH_DEPTH`],
//! [`MAX_LABEL_CHARS`], [`MAX_FILE_BYTES`], [`MAX_POINT_FILE_BYTES`], [`MAX_JOBS`]; past
//! one, a typed error names the field, the value and the bound.

mod canonical;
mod files;
mod grid;
mod merge;
mod point;
mod run;
mod shard;
mod table;

pub use files::{Manifest, ParamValue};
pub use grid::{Axis, Grid};
pub use merge::merge;
pub use point::{Param, Point, point_name};
pub use run::{ShardRun, run_shard};
pub use shard::Shard;
pub use table::{Metrics, Row, SweepTable};

/// The most points a grid may hold (the product of its axes' lengths); point names have
/// five digits.
pub const MAX_POINTS: usize = 100_000;

/// The most axes a grid may have.
pub const MAX_AXES: usize = 32;

/// The most segments of an axis' dotted path.
pub const MAX_PATH_DEPTH: usize = 16;

/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// The largest grid file, base scenario file or manifest read, in bytes (16 MiB): this
/// also bounds every axis value.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// The largest point file a merge reads, in bytes (1 GiB: a report's timeline may hold
/// [`MAX_REPORT_POINTS`](crate::limits::MAX_REPORT_POINTS) intervals).
pub const MAX_POINT_FILE_BYTES: u64 = 1 << 30;

/// The most threads `--jobs` may ask for.
pub const MAX_JOBS: usize = 1024;
