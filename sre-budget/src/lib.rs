//! Judge a service: SLOs, error budgets, multi-window multi-burn-rate alerts and budget policy, with the same timing as Prometheus.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::{AlertConfig, AlertPolicy, BudgetPolicy, Evaluator, MinuteSeries, ReleaseAction};
//! use sre_core::{Objective, Timestamp};
//!
//! let month = Duration::from_secs(30 * 86_400);
//! let mut alerts = Evaluator::new(
//!     Objective::new(0.999)?,
//!     AlertPolicy::workbook(month)?, // page 1h/5m ×14.4, 6h/30m ×6; ticket 1d/2h ×3, 3d/6h ×1
//!     AlertConfig::default(),
//! )?;
//! let mut sli = MinuteSeries::new(month)?; // or a live sre_metrics::sli::SliWindow
//!
//! // A day at 1,000 requests a minute with 0.05 % errors, then 30 minutes of 10 % errors.
//! for minute in 1..=1_470u64 {
//!     let bad = if minute > 1_440 { 100 } else if minute % 2 == 0 { 1 } else { 0 };
//!     sli.push(1_000 - bad, bad);
//!     alerts.evaluate(Timestamp::from_mins(minute), &sli)?;
//!     for event in alerts.events() {
//!         println!("minute {minute}: {} {:?}", alerts.pair(event.pair).name(), event.transition);
//!     }
//! }
//! assert_eq!(alerts.status()[0].state, sre_budget::AlertState::Firing); // paged
//! let budget = alerts.budget().unwrap();
//! let decision = BudgetPolicy::default().decide(&budget);
//! assert_eq!(decision.action, ReleaseAction::NoDeploys); // 3,720 bad of 1,470 allowed
//! # Ok::<(), sre_budget::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`slo`]: [`Slo`], an OpenSLO-shaped spec (JSON and TOML with feature `serde`).
//! - [`budget`]: [`ErrorBudget`] and [`BudgetStatus`]: allowed downtime, consumed,
//!   remaining, burn rate, time to exhaustion, forecast.
//! - [`policy`]: [`BudgetPolicy`], the release decision by remaining budget.
//! - [`burn`]: [`AlertPair`] and [`AlertPolicy`], the workbook's pairs and arithmetic.
//! - [`alert`]: [`Evaluator`], Prometheus' alert state machine on the caller's clock,
//!   and [`EvaluatorState`], its alert state saved across a restart.
//! - [`window`]: [`EventCounts`] (what the evaluator reads; [`WindowCounts`] is
//!   `sre-metrics`' type, re-exported) and [`MinuteSeries`].
//! - [`rules`]: the equivalent Prometheus recording and alerting rules.
//! - [`replay`]: per-minute CSV in, transitions out (the `replay` example).
//! - [`duration`]: durations in the family's grammar (`30d`, `1h30m`, `1.5h`).
//! - [`evaluation`]: alert-policy evaluation: closed forms, replay, precision and recall.
//! - [`error`]: the crate's [`Error`].
//!
//! # Limits
//!
//! | input | bound | beyond it |
//! |---|---|---|
//! | SLO period ([`Slo::new`], [`AlertPolicy::new`], [`AlertPolicy::workbook`], [`ErrorBudget::new`]) | at least one minute, at most [`sre_core::MAX_PERIOD`] (366 days) | [`Error::BadPeriod`], [`sre_core::Error::PeriodTooLong`] (in [`Error::Core`]) |
//! | [`MinuteSeries::new`] horizon | longer than 0, at most [`sre_core::MAX_PERIOD`] | [`sre_core::Error::ZeroDuration`], [`sre_core::Error::PeriodTooLong`] |
//! | alert windows | whole seconds, longer than 0, short < long ≤ period | [`Error::BadWindow`], [`Error::ShortNotShorter`], [`Error::WindowLongerThanPeriod`] |
//! | burn rate | finite, above 0 | [`Error::BadBurnRate`] |
//! | objective read from a spec or a flag | a fraction in (0, 1) (`0.999`) or a percentage in (1, 100) (`99.9`), as [`sre_core::Objective::from_fraction_or_percent`] reads it | [`sre_core::Error::OutOfRange`] |
//! | duration text | the grammar of [`sre_core::duration`], at most `Duration::MAX` | [`sre_core::Error::BadDuration`] |
//! | replay minute | increasing, 1 to [`replay::MAX_REPLAY_MINUTES`] (ten 366-day periods) | [`Error::MalformedLine`], naming the line |
//! | replay events | all rows together at most `u64::MAX` | [`Error::MalformedLine`], naming the line |
//! | replay end (last row + extra minutes) | at most [`replay::MAX_REPLAY_MINUTES`] | [`Error::ReplayTooLong`] |
//! | [`MinuteSeries`] events | running total at most `u64::MAX` | windows from that minute on are [`Error::CountsSaturated`] |
//!
//! An error quotes at most 64 characters of the input it refuses
//! ([`sre_core::error::excerpt`]).
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for the data types, and `Slo::from_json` /
//!   `Slo::from_toml`.
#![forbid(unsafe_code)]

pub mod alert;
pub mod budget;
pub mod burn;
pub mod duration;
pub mod error;
pub mod evaluation;
pub mod policy;
pub mod replay;
pub mod rules;
pub mod slo;
pub mod window;

pub use alert::{
    AlertConfig, AlertEvent, AlertState, Condition, Evaluator, EvaluatorState, PairState,
    PairStatus, Transition, WindowReading,
};
pub use budget::{BudgetStatus, ErrorBudget};
pub use burn::{AlertPair, AlertPolicy, Severity};
pub use error::Error;
pub use evaluation::{EvalPolicy, RectIncident};
pub use policy::{BudgetPolicy, ReleaseAction, ReleaseDecision};
pub use slo::{BudgetingMethod, Indicator, Slo, TimeWindow};
pub use sre_metrics::sli::WindowCounts;
pub use window::{EventCounts, MinuteSeries};
