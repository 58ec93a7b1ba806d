//! Alert-policy evaluation: would this policy have paged, how fast, at what budget cost,
//! how soon does it stop, and how precise is it over many incidents (SRE Workbook ch. 5,
//! computed).
//!
//! - [`policy`]: [`EvalPolicy`], the policy judged (single windows or pairs, `>`/`>=`,
//!   `for`, `keep_firing_for`, the low-traffic guard), and the workbook's six approaches.
//! - [`closed_form`]: [`RectIncident`] and the closed forms, continuous and per minute.
//! - [`replay`]: the same per-minute figures by running the real
//!   [`Evaluator`](crate::Evaluator) over a [`MinuteSeries`](crate::MinuteSeries).
//! - [`quality`]: precision, recall, detection time, budget spent before detection,
//!   reset time and pages per day over a set of incidents.
//!
//! Closed form and replay must agree on every whole minute; the crate's tests check it
//! on random incidents and policies and against the reference vectors.
//!
//! **The workbook's "1,000x".** The chapter says one failure at 10 requests an hour is a
//! "1,000x" burn rate. The arithmetic gives an hourly error ratio of 1/10, so a burn of
//! 0.1 / 0.001 = **100×**, which is what its own "13.9 % of the 30-day budget" (1 of 7.2
//! allowed failures) implies; this module follows the arithmetic.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::evaluation::{EvalPolicy, RectIncident, closed_form, replay};
//! use sre_core::Objective;
//!
//! let o = Objective::new(0.999)?;
//! let page = EvalPolicy::workbook_page(o, Duration::from_secs(30 * 86_400))?;
//! let outage = RectIncident::new(1.0, Some(Duration::from_secs(3600)))?;
//! let theory = closed_form::per_minute(&page, &outage);
//! let evaluator = replay::rect_incident(&page, &outage)?;
//! assert_eq!(theory, evaluator);
//! assert_eq!(theory.fire_minute, Some(1));
//! # Ok::<(), sre_budget::Error>(())
//! ```

pub mod closed_form;
pub mod policy;
pub mod quality;
pub mod replay;

pub use closed_form::{Continuous, PerMinute, RectIncident};
pub use policy::{Comparison, EvalPolicy, WindowPair};
pub use quality::{
    Background, GridReport, Incident, IncidentScore, Method, PeriodReport, Scenario, ScoredEpisode,
};
pub use replay::{Episode, Replay};
