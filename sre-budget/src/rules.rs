//! The equivalent Prometheus rules: one recording rule per window (the error ratio), one
//! alerting rule per pair, in **one group**, recording rules first.
//!
//! One group matters: Prometheus evaluates a group's rules in order at the same
//! timestamp, so each alert reads the ratios recorded in the same evaluation, just as
//! [`Evaluator`](crate::Evaluator) reads its windows. (Separate groups, as Sloth writes
//! them, run on their own schedules and can lag by up to an interval.)
//!
//! # Why `increase()`, and what Prometheus 3 changes
//!
//! The ratio over a window `W` is
//! `(sum(increase(total[W])) - sum(increase(good[W]))) / sum(increase(total[W]))`.
//! With counters scraped at every evaluation minute, Prometheus 2.x (range selectors
//! closed, `[t − W, t]`) sees the samples at `t − W` and `t`; `increase()` is then the
//! exact difference `c(t) − c(t − W)`, i.e. minutes `T−W+1 ..= T`, with an
//! extrapolation factor of exactly 1. Early in a series (`t < W`) the first sample is 0 at
//! the series start, and `increase()`'s zero-point rule stops the extrapolation there, so
//! the result is again exact. Dividing integers gives the very same `f64` as the
//! evaluator's `bad / total`, and the threshold is printed as the evaluator's `f64`
//! (shortest round-trip decimal), so both compare identical numbers. `promtool test rules`
//! (v2.42) checks all this in this crate's tests.
//!
//! **Scrape alignment.** Exactness to the minute assumes counter samples on the
//! evaluation grid (as in the tests: one sample per minute at each evaluation instant).
//! A real scrape lands at some offset inside the interval; `increase()` then extrapolates
//! and a window's edges move by up to one scrape interval, as they do for any
//! Prometheus-evaluated SLO alert.
//!
//! **Prometheus 3.x** made range selectors left-open, `(t − W, t]`: the sample at `t − W`
//! drops out, `increase()` sees only minutes `T−W+2 ..= T` and extrapolates them by
//! `W / (W − 1 min)`. The factor cancels in the ratio, so under 3.x each window is in
//! effect one scrape interval shorter: transitions can move by a minute. A rule exact
//! under both is `c - c offset W` (no extrapolation), at the price of counter-reset
//! handling; this crate keeps `increase()`, which survives restarts.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::{AlertPolicy, Indicator, Slo, TimeWindow};
//! use sre_budget::rules::{prometheus_rules, RuleOptions};
//! use sre_core::Objective;
//!
//! let slo = Slo::new(
//!     "api",
//!     Objective::new(0.999)?,
//!     TimeWindow::Rolling(Duration::from_secs(30 * 86_400)),
//!     Indicator::RatioMetric { good: "ok_total".into(), total: "requests_total".into() },
//! )?;
//! let policy = AlertPolicy::workbook(slo.period())?;
//! let yaml = prometheus_rules(&slo, &policy, &RuleOptions::default());
//! assert!(yaml.contains("- record: slo:sli_error:ratio_increase1h"));
//! assert!(yaml.contains("- alert: page_1h_5m"));
//! // The threshold is 14.4 × (1 − 0.999) as an f64, printed exactly.
//! assert!(yaml.contains(&format!("> {}", 14.4 * (1.0 - 0.999))));
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::duration::format_duration;
use crate::{AlertConfig, AlertPair, AlertPolicy, Slo};
use core::fmt::Write;
use core::time::Duration;

/// How the rules are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOptions {
    /// The group's evaluation interval (default 1 minute). Evaluate the in-process
    /// evaluator at the same instants for identical timing.
    pub evaluation_interval: Duration,
    /// `for`, `keep_firing_for` (needs Prometheus ≥ 2.42) and the low-traffic guard.
    pub config: AlertConfig,
}

impl Default for RuleOptions {
    fn default() -> Self {
        Self {
            evaluation_interval: sre_core::MINUTE,
            config: AlertConfig::default(),
        }
    }
}

/// The recording rule holding the error ratio over `window`.
#[must_use]
pub fn ratio_record(window: Duration) -> String {
    format!("slo:sli_error:ratio_increase{}", format_duration(window))
}

/// The recording rule holding the bad-event count over `window` (low-traffic guard).
#[must_use]
pub fn bad_record(window: Duration) -> String {
    format!("slo:sli_bad_events:increase{}", format_duration(window))
}

/// A YAML single-quoted scalar.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The `summary` annotation of a pair's alert.
#[must_use]
pub fn alert_summary(slo: &Slo, pair: &AlertPair) -> String {
    format!(
        "SLO {}: error ratio over {} and {} above {} (burn rate {} of a {} objective)",
        slo.name(),
        format_duration(pair.long_window()),
        format_duration(pair.short_window()),
        pair.threshold(slo.objective()),
        pair.burn_rate(),
        slo.objective()
    )
}

/// The rules file (YAML) for `slo` under `policy`; `promtool check rules` accepts it.
#[must_use]
pub fn prometheus_rules(slo: &Slo, policy: &AlertPolicy, opts: &RuleOptions) -> String {
    let name = slo.name();
    let (good, total) = slo.indicator().selectors();
    let mut windows: Vec<Duration> = policy
        .pairs()
        .iter()
        .flat_map(|p| [p.long_window(), p.short_window()])
        .collect();
    windows.sort_unstable();
    windows.dedup();
    let guard = opts.config.min_bad_events;

    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Generated by sre-budget for SLO {name:?}: objective {}, period {}.",
        slo.objective(),
        format_duration(slo.period())
    );
    let _ = writeln!(
        y,
        "# One group, recording rules first: alerts read ratios recorded at the same evaluation."
    );
    y.push_str("groups:\n");
    let _ = writeln!(y, "  - name: {}", q(&format!("sre-budget-{name}")));
    let _ = writeln!(
        y,
        "    interval: {}",
        format_duration(opts.evaluation_interval)
    );
    y.push_str("    rules:\n");
    for &w in &windows {
        let d = format_duration(w);
        let inc_total = format!("sum(increase({total}[{d}]))");
        let inc_good = format!("sum(increase({good}[{d}]))");
        let _ = writeln!(y, "      - record: {}", ratio_record(w));
        let _ = writeln!(
            y,
            "        expr: {}",
            q(&format!("({inc_total} - {inc_good}) / {inc_total}"))
        );
        let _ = writeln!(y, "        labels:\n          slo: {}", q(name));
        if guard > 0 {
            let _ = writeln!(y, "      - record: {}", bad_record(w));
            let _ = writeln!(
                y,
                "        expr: {}",
                q(&format!("{inc_total} - {inc_good}"))
            );
            let _ = writeln!(y, "        labels:\n          slo: {}", q(name));
        }
    }
    for pair in policy.pairs() {
        let th = pair.threshold(slo.objective());
        let sel = format!("{{slo=\"{name}\"}}");
        let mut expr = format!(
            "{}{sel} > {th} and {}{sel} > {th}",
            ratio_record(pair.long_window()),
            ratio_record(pair.short_window())
        );
        if guard > 0 {
            let _ = write!(
                expr,
                " and {}{sel} >= {guard}",
                bad_record(pair.long_window())
            );
        }
        let _ = writeln!(y, "      - alert: {}", pair.name());
        let _ = writeln!(y, "        expr: {}", q(&expr));
        if !opts.config.for_duration.is_zero() {
            let _ = writeln!(
                y,
                "        for: {}",
                format_duration(opts.config.for_duration)
            );
        }
        if !opts.config.keep_firing_for.is_zero() {
            let _ = writeln!(
                y,
                "        keep_firing_for: {}",
                format_duration(opts.config.keep_firing_for)
            );
        }
        y.push_str("        labels:\n");
        let _ = writeln!(y, "          severity: {}", pair.severity());
        let _ = writeln!(y, "          slo: {}", q(name));
        y.push_str("        annotations:\n");
        let _ = writeln!(y, "          summary: {}", q(&alert_summary(slo, pair)));
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Indicator, TimeWindow};
    use sre_core::Objective;

    #[test]
    fn one_record_per_distinct_window_and_one_alert_per_pair() {
        let slo = Slo::new(
            "api",
            Objective::new(0.999).unwrap(),
            TimeWindow::Rolling(Duration::from_secs(30 * 86_400)),
            Indicator::RatioMetric {
                good: "ok_total{code!~'5..'}".into(),
                total: "all_total".into(),
            },
        )
        .unwrap();
        let policy = AlertPolicy::workbook(slo.period()).unwrap();
        let opts = RuleOptions {
            config: AlertConfig {
                for_duration: Duration::from_secs(120),
                keep_firing_for: Duration::from_secs(600),
                min_bad_events: 5,
            },
            ..RuleOptions::default()
        };
        let y = prometheus_rules(&slo, &policy, &opts);
        // Windows 5m 30m 1h 2h 6h 1d 3d: 6h is shared by two pairs.
        assert_eq!(y.matches("- record: slo:sli_error:").count(), 7, "{y}");
        assert_eq!(y.matches("- record: slo:sli_bad_events:").count(), 7);
        assert_eq!(y.matches("- alert: ").count(), 4);
        assert_eq!(y.matches("for: 2m").count(), 4);
        assert_eq!(y.matches("keep_firing_for: 10m").count(), 4);
        assert!(y.contains("slo:sli_bad_events:increase3d{slo=\"api\"} >= 5"));
        // A single quote in a selector is doubled inside the YAML single-quoted scalar.
        assert!(y.contains("ok_total{code!~''5..''}"), "{y}");
    }
}
