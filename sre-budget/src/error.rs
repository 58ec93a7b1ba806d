//! The one error type of `sre-budget`.

use core::time::Duration;
use sre_core::duration::format_duration;

/// What went wrong building an SLO, a policy or an evaluator, or reading their inputs.
///
/// Every message says what to change. Evaluating alerts and computing budgets never
/// fails once the inputs are built. New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed: an objective of 0, 1, above 1 or NaN,
    /// a negative or infinite number.
    #[error(transparent)]
    Core(#[from] sre_core::Error),
    /// The SLI window refused a query (see `sre-metrics`).
    #[error(transparent)]
    Metrics(#[from] sre_metrics::Error),
    /// A window of an alert pair is longer than the SLO period it protects.
    #[error(
        "alert pair {pair}: the {which} window of {window:?} is longer than the SLO period of {period:?}; use a window no longer than the period"
    )]
    WindowLongerThanPeriod {
        /// The pair's name.
        pair: String,
        /// `"long"` or `"short"`.
        which: &'static str,
        /// The offending window.
        window: Duration,
        /// The SLO period.
        period: Duration,
    },
    /// A pair's short window is not shorter than its long window.
    #[error(
        "alert pair {pair}: the short window {short:?} is not shorter than the long window {long:?}; swap them or shorten the short window (the workbook uses 1/12 of the long window)"
    )]
    ShortNotShorter {
        /// The pair's name.
        pair: String,
        /// The short window.
        short: Duration,
        /// The long window.
        long: Duration,
    },
    /// A window is zero or not a whole number of seconds.
    #[error(
        "alert pair {pair}: the {which} window {window:?} must be a positive whole number of seconds"
    )]
    BadWindow {
        /// The pair's name.
        pair: String,
        /// `"long"` or `"short"`.
        which: &'static str,
        /// The offending window.
        window: Duration,
    },
    /// A burn rate (or a budget fraction) is not a finite number above zero.
    #[error(
        "alert pair {pair}: burn rate {value} is not a finite number above 0; the workbook's page pair uses 14.4"
    )]
    BadBurnRate {
        /// The pair's name.
        pair: String,
        /// The rejected value.
        value: f64,
    },
    /// A policy with no alert pairs alerts on nothing.
    #[error(
        "the alert policy has no window pairs; start from AlertPolicy::workbook(period) or add a pair"
    )]
    EmptyPolicy,
    /// Two pairs share a name, so their alerts could not be told apart.
    #[error("two alert pairs are both named {name:?}; give each pair its own name")]
    DuplicatePair {
        /// The repeated name.
        name: String,
    },
    /// A name that must be a Prometheus-safe identifier is not one.
    #[error(
        "{what} {name:?} is not a valid name; use letters, digits and '_' (and '-' in an SLO name), starting with a letter"
    )]
    BadName {
        /// What the name is for (`"SLO name"`, `"alert pair name"`).
        what: &'static str,
        /// The rejected name.
        name: String,
    },
    /// The SLO period is zero or too short to hold a minute. (A period longer than
    /// [`sre_core::MAX_PERIOD`] is [`sre_core::Error::PeriodTooLong`].)
    #[error(
        "the SLO period {} is shorter than one minute; use e.g. 30d or 28d",
        format_duration(*period)
    )]
    BadPeriod {
        /// The rejected period.
        period: Duration,
    },
    /// A calendar window (`isRolling: false`) is not the month.
    #[error(
        "the calendar window {duration:?} is not \"1M\"; a calendar (isRolling = false) window must be the month, or use a rolling window such as 30d"
    )]
    BadCalendarWindow {
        /// The duration given, as an [`excerpt`](sre_core::error::excerpt).
        duration: String,
    },
    /// An SLO spec (JSON or TOML) could not be read.
    #[error("malformed {format} SLO spec: {message}")]
    MalformedSpec {
        /// `"JSON"` or `"TOML"`.
        format: &'static str,
        /// The parser's explanation, with the position where it has one.
        message: String,
    },
    /// A line of per-minute CSV input could not be read.
    #[error("line {line}: {reason}; expected `minute,good,bad` with whole numbers, got {text:?}")]
    MalformedLine {
        /// The 1-based line number.
        line: usize,
        /// The line as read.
        text: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The running total of events passed `u64::MAX`: a window ending at or after
    /// `minute` cannot be counted exactly.
    #[error(
        "the running total of events passed 2^64 - 1 at minute {minute}; a window ending there or later cannot be counted exactly"
    )]
    CountsSaturated {
        /// The first minute whose running total saturated.
        minute: u64,
    },
    /// A replay reaches past its bound, [`MAX_REPLAY_MINUTES`](crate::replay::MAX_REPLAY_MINUTES).
    #[error(
        "the replay would run to minute {minutes} (last row {last_minute} + {extra_minutes} extra), past the longest replay of {max} minutes (10 × 366 days)"
    )]
    ReplayTooLong {
        /// The minutes asked for, saturated at `u64::MAX`.
        minutes: u64,
        /// The last row's minute.
        last_minute: u64,
        /// The extra empty minutes asked for.
        extra_minutes: u64,
        /// The bound.
        max: u64,
    },
    /// A window query reaches further back than the series keeps.
    #[error(
        "a window of {window:?} reaches past the {horizon:?} this series keeps; build it with a longer horizon"
    )]
    BeyondHorizon {
        /// The window asked for.
        window: Duration,
        /// The horizon kept.
        horizon: Duration,
    },
    /// A saved alert state was taken of an evaluator with another objective or policy.
    #[error(
        "the saved alert state does not belong to this evaluator: its {what} is {saved}, this evaluator's is {current}; restore a state saved with the same objective and alert policy, or start without one"
    )]
    StateMismatch {
        /// What differs (`"objective"`, `"period"`, `"long window of alert pair page_1h_5m"`…).
        what: String,
        /// The value in the saved state.
        saved: String,
        /// The evaluator's value.
        current: String,
    },
    /// A saved pair state is one Prometheus' alert state machine cannot reach.
    #[error(
        "the saved alert state of pair {pair} is {state:?}, but {reason}; the state was not saved by Evaluator::state or was altered"
    )]
    BadAlertState {
        /// The pair's name.
        pair: String,
        /// The saved state.
        state: crate::AlertState,
        /// The rule it breaks, in words.
        reason: &'static str,
    },
}
