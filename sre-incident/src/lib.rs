//! Incidents: typed timelines with TTx, statistics that survive small samples, on-call
//! load, and postmortems rendered from a timeline.
//!
//! ```
//! use sre_incident::{EventKind, Timeline, civil::parse_utc, stats};
//! let at = |s: &str| parse_utc(s).unwrap();
//! let t = Timeline::new([
//!     (EventKind::Triggered, at("2026-01-05T14:35:00Z")),
//!     (EventKind::Acknowledged, at("2026-01-05T14:40:00Z")),
//! ])?;
//! assert_eq!(t.tta().unwrap().as_secs(), 300);
//! let s = stats::summarize(&[300.0, 600.0, 1200.0])?;
//! assert_eq!(s.median, Some(600.0));
//! # Ok::<(), sre_incident::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`timeline`]: [`Timeline`], [`EventKind`], TTD/TTA/TTE/TTM/TTR and duration.
//! - [`severity`]: [`Severity`] SEV1–SEV4, [`Impact`], [`SeverityRule`], [`ShareThresholds`].
//! - [`stats`]: summaries (median, p90, geometric mean with interval), log t-test,
//!   log-normal fit, the detectability calculator.
//! - [`oncall`]: interruption classes, pages per shift, rotation, toil.
//! - [`postmortem`]: [`Postmortem`] as Markdown.
//! - [`civil`]: RFC 3339 UTC timestamps and local time.
//! - [`special`]: normal and Student t distributions.
//! - [`error`]: the crate's [`Error`].
#![forbid(unsafe_code)]

pub mod civil;
pub mod error;
pub mod oncall;
pub mod postmortem;
pub mod severity;
pub mod special;
pub mod stats;
pub mod timeline;

pub use error::Error;
pub use postmortem::{ActionItem, Postmortem, Priority};
pub use severity::{Impact, Severity, SeverityRule, ShareThresholds};
pub use timeline::{EventKind, Timeline};
