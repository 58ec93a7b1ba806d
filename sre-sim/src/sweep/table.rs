//! [`SweepTable`]: one row per point with its axis values and the report's key numbers,
//! as CSV and JSON.

use super::files::{ParamValue, ReportView};
use crate::Error;
use core::fmt::Write as _;
use serde::Serialize;

/// The key numbers of one point's report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Requests sent.
    pub sent: u64,
    /// Good for the SLO.
    pub good: u64,
    /// Bad for the SLO: `sent − good`.
    pub bad: u64,
    /// Injected failures, when the report counts them (`requests.failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<u64>,
    /// Good ÷ sent over the run; `None` without traffic.
    pub compliance: Option<f64>,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Share of one period's error budget spent.
    pub budget_spent: f64,
    /// Alerts that fired (not resolutions).
    pub alerts_fired: u64,
    /// Pool size changes.
    pub scaling_actions: u64,
    /// Instance-hours paid for.
    pub instance_hours: f64,
    /// Busy ÷ ready over the run.
    pub mean_utilization: f64,
}

impl Metrics {
    /// The numbers of a report read from a point file; `file` names it in errors.
    pub(crate) fn of(report: &ReportView, file: &str) -> Result<Self, Error> {
        let r = &report.requests;
        let bad = r.sent.checked_sub(r.good).ok_or_else(|| {
            Error::merge(
                format!("{file}: report.requests.good"),
                format!("is {}, more than the {} sent", r.good, r.sent),
            )
        })?;
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Ok(Self {
            sent: r.sent,
            good: r.good,
            bad,
            failed: r.failed,
            compliance: report.slo.compliance,
            p50_ms: report.latency.p50_ms,
            p99_ms: report.latency.p99_ms,
            budget_spent: report.slo.budget_spent,
            alerts_fired: count(report.alerts.iter().filter(|a| a.state == "firing").count()),
            scaling_actions: count(report.scaling.len()),
            instance_hours: report.capacity.instance_hours,
            mean_utilization: report.capacity.mean_utilization,
        })
    }
}

/// One point of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The point's name (`p00007`).
    pub point: String,
    /// The point's index in the grid.
    pub index: usize,
    /// Its value on each axis, in the grid's axis order.
    pub params: Vec<ParamValue>,
    /// Its report's key numbers.
    pub metrics: Metrics,
}

/// A merged sweep: every point of one grid, ordered by index.
///
/// [`to_csv`](Self::to_csv) and [`to_json`](Self::to_json) are functions of the rows
/// alone, so the same grid gives the same bytes however it was sharded. Floats are
/// written in the shortest form that reads back to the same `f64` (Rust's `{:?}` in CSV,
/// `serde_json`'s in JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepTable {
    /// Always `sre-sim sweep table v1`.
    pub format: &'static str,
    /// The grid's [`hash`](super::Grid::hash).
    pub grid_hash: String,
    /// The axes' dotted paths, in order.
    pub axes: Vec<String>,
    /// One row per point, by index.
    pub rows: Vec<Row>,
}

impl SweepTable {
    /// The table as CSV (RFC 4180, `\n` line ends): `point`, one column per axis (the
    /// value's label, or its text), then `sent, good, bad, [failed,] compliance, p50_ms,
    /// p99_ms, budget_spent, alerts_fired, scaling_actions, instance_hours,
    /// mean_utilization`. The `failed` column is there when any report counts failures;
    /// an absent number is an empty cell.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let with_failed = self.rows.iter().any(|r| r.metrics.failed.is_some());
        let mut out = String::new();
        let mut header: Vec<&str> = vec!["point"];
        header.extend(self.axes.iter().map(String::as_str));
        header.extend(["sent", "good", "bad"]);
        if with_failed {
            header.push("failed");
        }
        header.extend([
            "compliance",
            "p50_ms",
            "p99_ms",
            "budget_spent",
            "alerts_fired",
            "scaling_actions",
            "instance_hours",
            "mean_utilization",
        ]);
        write_record(&mut out, header.iter().map(|s| (*s).to_owned()));
        for row in &self.rows {
            let m = &row.metrics;
            let mut cells = vec![row.point.clone()];
            cells.extend(
                row.params
                    .iter()
                    .map(|p| p.label.clone().unwrap_or_else(|| p.text.clone())),
            );
            cells.extend([m.sent, m.good, m.bad].map(|n| n.to_string()));
            if with_failed {
                cells.push(m.failed.map(|n| n.to_string()).unwrap_or_default());
            }
            cells.push(m.compliance.map(float).unwrap_or_default());
            cells.extend([m.p50_ms, m.p99_ms, m.budget_spent].map(float));
            cells.extend([m.alerts_fired, m.scaling_actions].map(|n| n.to_string()));
            cells.extend([m.instance_hours, m.mean_utilization].map(float));
            write_record(&mut out, cells.into_iter());
        }
        out
    }

    /// The table as pretty-printed JSON, rows by index.
    ///
    /// Errors: [`Error::Json`] if serialization fails.
    pub fn to_json(&self) -> Result<String, Error> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }
}

/// The shortest text that reads back to `x`.
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn write_record(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if c.contains([',', '"', '\n', '\r']) {
            let _ = write!(out, "\"{}\"", c.replace('"', "\"\""));
        } else {
            out.push_str(&c);
        }
    }
    out.push('\n');
}
