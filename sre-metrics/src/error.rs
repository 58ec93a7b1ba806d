//! The one error type of `sre-metrics`.

use crate::histogram::HistogramConfig;
use core::time::Duration;

/// What went wrong configuring or querying a metric. Recording never fails.
///
/// New variants may be added in minor releases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero duration…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),

    // ---- histogram -------------------------------------------------------------------
    /// A histogram's lowest discernible value was 0.
    #[error("lowest discernible value is 0; pass 1 or more (1 for nanosecond resolution)")]
    LowestDiscernibleZero,
    /// A histogram's highest trackable value was below twice its lowest discernible value
    /// (this includes inverted bounds).
    #[error(
        "highest trackable value {highest} is below twice the lowest discernible value \
         {lowest}; pass a highest trackable value of at least 2 × lowest"
    )]
    HighestBelowTwiceLowest {
        /// The lowest discernible value given.
        lowest: u64,
        /// The highest trackable value given.
        highest: u64,
    },
    /// A histogram's significant digits were outside 1..=5.
    #[error("significant digits is {digits}; pass 1 to 5 (3 keeps 0.1 % relative error)")]
    SignificantDigits {
        /// The rejected number of digits.
        digits: u8,
    },
    /// The lowest discernible value is so large that the buckets for the requested
    /// precision do not fit in 64 bits.
    #[error(
        "lowest discernible value {lowest} is too large for {digits} significant digits; \
         pass a smaller lowest value or fewer digits"
    )]
    LowestTooLarge {
        /// The lowest discernible value given.
        lowest: u64,
        /// The significant digits given.
        digits: u8,
    },
    /// A histogram was built with a shard count that is not a power of two in 1..=256.
    #[error("shard count is {shards}; pass a power of two from 1 to 256")]
    ShardCount {
        /// The rejected shard count.
        shards: usize,
    },
    /// A quantile was NaN or outside `[0, 1]`.
    #[error("quantile is {value}; pass a number in [0, 1], e.g. 0.99 for the 99th percentile")]
    Quantile {
        /// The rejected quantile.
        value: f64,
    },
    /// A quantile was asked of a snapshot without values.
    #[error("the snapshot holds no values, so it has no quantiles; check `count() > 0` first")]
    EmptySnapshot,
    /// A count-based query of a snapshot whose counts passed what a `u64` holds (see
    /// [`Snapshot::is_overflowed`](crate::Snapshot::is_overflowed)).
    #[error(
        "the snapshot's counts passed 2^64 - 1 (or a counter came within 2^63 of wrapping),          so its quantiles would be wrong; record fewer values per histogram or take intervals"
    )]
    CountOverflow,
    /// Two histograms or snapshots with different configurations were combined.
    #[error(
        "histogram configurations differ ({left} vs {right}); merge or subtract only \
         snapshots of histograms built with the same configuration"
    )]
    ConfigMismatch {
        /// The configuration of the receiver.
        left: Box<HistogramConfig>,
        /// The configuration of the argument.
        right: Box<HistogramConfig>,
    },
    /// `later.delta(earlier)` found a bucket with fewer counts in `later` than in
    /// `earlier`: the two are not an earlier and a later snapshot of one histogram.
    #[error(
        "the bucket at {value} holds {earlier} in the earlier snapshot but only {later} in \
         the later one; call `later.delta(&earlier)` with two snapshots of the same \
         histogram, the earlier one taken first"
    )]
    NotEarlier {
        /// The lowest value of the offending bucket.
        value: u64,
        /// Its count in the later snapshot.
        later: u64,
        /// Its count in the earlier snapshot.
        earlier: u64,
    },
    /// Serialized histogram data was inconsistent.
    #[error("invalid serialized snapshot: {reason}")]
    InvalidSnapshot {
        /// What was wrong, in words.
        reason: &'static str,
    },

    // ---- SLI windows, RED signals, exposition (branch `sli`) ----
    /// An SLI horizon or window was not a whole number of minutes.
    #[error(
        "{what} is {value:?}, not a whole number of minutes; SLI windows count events in \
         1-minute buckets, so pass a multiple of 60 s"
    )]
    NotWholeMinutes {
        /// The quantity, `"SLI horizon"` or `"SLI window"`.
        what: &'static str,
        /// The rejected duration.
        value: Duration,
    },
    /// An SLI horizon was longer than [`SliWindow`](crate::sli::SliWindow) supports.
    #[error(
        "SLI horizon is {horizon:?}, longer than the supported {max:?}; pass a shorter horizon"
    )]
    HorizonTooLong {
        /// The rejected horizon.
        horizon: Duration,
        /// The longest horizon supported.
        max: Duration,
    },
    /// More than `u64::MAX` good or bad events were recorded into an SLI window since it
    /// was built, so its counts wrapped (see
    /// [`SliWindow::is_saturated`](crate::sli::SliWindow::is_saturated)).
    #[error(
        "the SLI window counted more than 2^64 - 1 good or bad events since it was built;          its counts are no longer exact (build a new window)"
    )]
    SliSaturated,
    /// A window holds more events than a `u64` total can count; its error ratio is still
    /// available from [`SliWindow::error_ratios`](crate::sli::SliWindow::error_ratios).
    #[error(
        "the SLI window of {window:?} holds {good} good and {bad} bad events, a total past          2^64 - 1; read its error ratio instead"
    )]
    WindowTotalOverflow {
        /// The window asked for.
        window: Duration,
        /// Its good events.
        good: u64,
        /// Its bad events.
        bad: u64,
    },
    /// A query asked for a window longer than the horizon the SLI window keeps.
    #[error(
        "SLI window is {window:?}, longer than the horizon {horizon:?} this SliWindow keeps; \
         query a shorter window or build the SliWindow with a longer horizon"
    )]
    WindowBeyondHorizon {
        /// The requested window.
        window: Duration,
        /// The horizon the window was built with.
        horizon: Duration,
    },
    /// A [`WindowPlan`](crate::sli::WindowPlan) was used with an SLI window of another
    /// horizon than the one it was validated for.
    #[error(
        "window plan was made for an SLI horizon of {plan:?}, but this SliWindow keeps \
         {horizon:?}; make the plan with this window's `plan` method"
    )]
    PlanForOtherHorizon {
        /// The horizon the plan was validated for.
        plan: Duration,
        /// The horizon of the window queried.
        horizon: Duration,
    },
    /// The number of striped counters was not a power of two in the supported range.
    #[error("{stripes} stripes requested; pass a power of two from 1 to {max}")]
    BadStripeCount {
        /// The rejected stripe count.
        stripes: usize,
        /// The largest supported stripe count.
        max: usize,
    },
    /// A metric name did not match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    #[error(
        "metric name {name:?} is not valid; use letters, digits, `_` and `:`, not starting \
         with a digit (e.g. `http_requests_total`)"
    )]
    InvalidMetricName {
        /// The rejected name.
        name: String,
    },
    /// A label name did not match `[a-zA-Z_][a-zA-Z0-9_]*`, started with the reserved `__`,
    /// or was `le` on a histogram or `quantile` on a summary.
    #[error(
        "label name {label:?} on metric `{metric}` is not valid; use letters, digits and \
         `_`, not starting with a digit or `__` (and no `le` on histograms, no `quantile` \
         on summaries)"
    )]
    InvalidLabelName {
        /// The metric.
        metric: String,
        /// The rejected label name.
        label: String,
    },
    /// One sample carried the same label name twice.
    #[error("label {label:?} appears twice on one sample of `{metric}`; pass each label once")]
    DuplicateLabel {
        /// The metric.
        metric: String,
        /// The repeated label name.
        label: String,
    },
    /// A metric (or one of a histogram's `_bucket`/`_sum`/`_count` series) was declared twice.
    #[error(
        "metric `{name}` is already declared in this exposition; add all its samples to \
         the one family, or pick another name"
    )]
    DuplicateMetric {
        /// The name declared twice.
        name: String,
    },
    /// The same label set was written twice for one metric.
    #[error("`{metric}` already has a sample with labels {{{labels}}}; each series appears once")]
    DuplicateSeries {
        /// The metric.
        metric: String,
        /// The label set, as written.
        labels: String,
    },
    /// A metric was declared without HELP text.
    #[error("metric `{metric}` has no HELP text; say in a few words what it counts")]
    EmptyHelp {
        /// The metric.
        metric: String,
    },
    /// A counter's name did not end in `_total`.
    #[error("counter `{name}` should end in `_total` (Prometheus naming, checked by promtool)")]
    CounterWithoutTotal {
        /// The rejected name.
        name: String,
    },
    /// A counter sample was negative or NaN.
    #[error("counter `{metric}` sample is {value}; counters are 0 or more")]
    InvalidCounterValue {
        /// The metric.
        metric: String,
        /// The rejected value.
        value: f64,
    },
    /// Classic histogram buckets were inconsistent.
    #[error("invalid histogram buckets: {reason}")]
    InvalidBuckets {
        /// Which rule was broken, in words.
        reason: &'static str,
    },
    /// A summary's quantiles or sum were inconsistent.
    #[error("invalid summary: {reason}")]
    InvalidSummary {
        /// Which rule was broken, in words.
        reason: &'static str,
    },
    /// An exemplar's label names and values together were longer than OpenMetrics allows.
    #[error(
        "exemplar labels are {chars} characters long (names and values together); \
         OpenMetrics allows at most {max}: keep to trace_id and span_id"
    )]
    ExemplarTooLong {
        /// The characters (Unicode code points) given.
        chars: usize,
        /// The most allowed, 128.
        max: usize,
    },
    /// An exemplar's value was NaN or infinite.
    #[error("exemplar value is {value}; pass the finite value that was observed")]
    InvalidExemplarValue {
        /// The rejected value.
        value: f64,
    },
    /// An exemplar was given for a gauge sample.
    #[error(
        "`{metric}` is a gauge; OpenMetrics allows exemplars on counters and histogram \
         buckets only"
    )]
    ExemplarNotAllowed {
        /// The metric.
        metric: String,
    },
    /// A W3C `traceparent` header was malformed (the header itself is not repeated).
    #[error("traceparent header is invalid: {field} {reason}")]
    InvalidTraceParent {
        /// The field at fault: `traceparent` (the whole header), `version`, `trace-id`,
        /// `parent-id` or `trace-flags`.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `later.since(&earlier)` was called with the snapshots the wrong way round.
    #[error(
        "the earlier RED snapshot is later or holds more requests than the later one; call \
         `later.since(&earlier)` with the earlier snapshot taken first"
    )]
    SnapshotsOutOfOrder,

    // ---- SLI window state ----
    /// A ring of an [`SliWindowState`](crate::sli::SliWindowState) does not hold the
    /// entries the window's layout keeps at its head minute.
    #[error(
        "SLI window state: `{field}` holds {len} entries, but a window of this horizon at \
         this head minute keeps {expected}; restore a state as `SliWindow::state` saved it"
    )]
    SliStateLength {
        /// The ring, `"exact"` or `"coarse"`.
        field: &'static str,
        /// The entries it holds.
        len: usize,
        /// The entries the layout keeps.
        expected: usize,
    },
    /// A minute of an [`SliWindowState`](crate::sli::SliWindowState) is out of range: a
    /// head minute past the minute of `Timestamp::MAX`, a first minute of data past the
    /// head minute, or a head minute past 0 without a first minute of data.
    #[error(
        "SLI window state: `{field}` is minute {minute}, past {max}, the latest it can be \
         here; restore a state as `SliWindow::state` saved it"
    )]
    SliStateMinute {
        /// `"head_minute"` or `"observed_since_minute"`.
        field: &'static str,
        /// The rejected minute.
        minute: u64,
        /// The latest minute allowed.
        max: u64,
    },
    /// The counts of an [`SliWindowState`](crate::sli::SliWindowState) cannot come from
    /// a window: a cumulative count below an earlier one, the coarse ring differing from
    /// the exact ring at the same minute, or events before the first minute of data.
    #[error("SLI window state: `{field}` at the end of minute {minute} is {value}; {rule} {bound}")]
    SliStateInconsistent {
        /// The count: `"exact good"`, `"coarse bad"`, `"good"` (the live count)…
        field: &'static str,
        /// The minute whose cumulative count it is.
        minute: u64,
        /// The rejected count.
        value: u64,
        /// The rule it breaks, in words, ending before `bound`.
        rule: &'static str,
        /// The count the rule compares it with.
        bound: u64,
    },
}
