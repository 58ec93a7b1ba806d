//! The names of the series the registry exposes: what dashboards and the generated
//! Prometheus rules select.
//!
//! The HTTP names follow OpenTelemetry's semantic conventions for HTTP servers
//! (`http.server.request.duration` in seconds, `http.server.active_requests`) as the
//! Prometheus exporter spells them; the SLO names are this crate's.

/// Requests served, by `route`, `method` and `status_class` (counter).
pub const HTTP_REQUESTS: &str = "http_server_requests_total";
/// Requests being served, by `route` (gauge).
pub const HTTP_ACTIVE: &str = "http_server_active_requests";
/// Request durations by `route`: a classic histogram with a bucket at every SLO threshold.
pub const HTTP_DURATION: &str = "http_server_request_duration_seconds";
/// The exact quantiles of the same durations by `route` (summary, since process start).
pub const HTTP_DURATION_QUANTILES: &str = "http_server_request_duration_exact_seconds";

/// SLI events by `slo` and `outcome` (`good` or `bad`): the counters the generated rules
/// read. They continue across a clean restart and start from zero after a crash (see
/// [`checkpoint`](crate::checkpoint)).
pub const SLO_EVENTS: &str = "sre_slo_events_total";
/// The objective of each `slo` (gauge, a fraction).
pub const SLO_OBJECTIVE: &str = "sre_slo_objective_ratio";
/// Error ratio by `slo` and `window` at the last evaluation (gauge; absent with no data).
pub const SLO_ERROR_RATIO: &str = "sre_slo_error_ratio";
/// Burn rate by `slo` and `window` at the last evaluation (gauge; absent with no data).
pub const SLO_BURN_RATE: &str = "sre_slo_burn_rate";
/// One-hot alert state by `slo`, `alert`, `severity` and `state`
/// (`inactive`, `pending`, `firing`) at the last evaluation (gauge).
pub const SLO_ALERT_STATE: &str = "sre_slo_alert_state";
/// Share of the budget spent over the data observed (gauge; see [`SLO_OBSERVED`]).
pub const SLO_BUDGET_CONSUMED: &str = "sre_slo_budget_consumed_ratio";
/// Share of the budget left over the data observed (gauge; negative once overspent).
pub const SLO_BUDGET_REMAINING: &str = "sre_slo_budget_remaining_ratio";
/// How much of the SLO period the budget figures cover (gauge, seconds): less than the
/// period while the SLI window is younger than it.
pub const SLO_OBSERVED: &str = "sre_slo_observed_seconds";
/// SLI events by `slo` and `outcome` over the period at the last evaluation (gauge): what
/// the in-process evaluator counts, restored across restarts.
pub const SLO_PERIOD_EVENTS: &str = "sre_slo_period_events";
/// When the last checkpoint was written (gauge, Unix seconds; 0 before the first).
pub const CHECKPOINT_LAST_SUCCESS: &str = "sre_service_checkpoint_last_success_timestamp_seconds";
/// Checkpoints that could not be written (counter).
pub const CHECKPOINT_FAILURES: &str = "sre_service_checkpoint_failures_total";
/// When each `slo` was last evaluated (gauge, Unix seconds).
pub const SLO_EVALUATED: &str = "sre_slo_last_evaluation_timestamp_seconds";

/// The `route` label of requests the route function could not name (no matched route).
pub const UNMATCHED_ROUTE: &str = "_unmatched";
/// The `route` label of routes past the registry's route limit.
pub const OTHER_ROUTE: &str = "_other";
