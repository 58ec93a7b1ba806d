//! [`render_rollout_svg`]: a rollout run as a picture — canary weight, error rates and
//! P99 of both versions on one time axis, the decisions marked across them.

use super::report::{RolloutOutcome, RolloutReport};
use crate::svg::{
    BOTTOM, FONT, GAP, LEFT, PANEL_H, Panel, RIGHT, Series, TOP, WIDTH, esc, legend, max_of,
    nice_ceiling, polyline, y_axis,
};
use core::fmt::Write as _;

const BASELINE: &str = "#1f77b4";
const CANARY: &str = "#ff7f0e";

/// Renders `report` as an SVG document titled `title`.
///
/// Panels, top to bottom: the canary's weight (percent of traffic); each version's error
/// rate over the current stage so far, at every check; each version's P99 likewise.
/// Every decision is a vertical line across the panels (green advance or promote, red
/// rollback, grey hold) with its reason as a tooltip.
#[must_use]
pub fn render_rollout_svg(report: &RolloutReport, title: &str) -> String {
    let height = TOP + 3.0 * PANEL_H + 2.0 * GAP + BOTTOM;
    let x_max = report.duration_s.max(1.0);
    let mut out = String::with_capacity(32 * 1024 + report.checks.len() * 200);
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
    );
    let outcome = match (report.outcome, &report.caught) {
        (RolloutOutcome::Promoted, _) => "promoted".to_owned(),
        (RolloutOutcome::RolledBack, Some(c)) => format!(
            "rolled back at t={} s ({} s in) at {} % · canary sent {} requests, {} bad · {:.3}% of the period's error budget",
            c.t_s,
            c.after_s,
            c.weight_pct,
            c.canary_sent,
            c.canary_bad,
            c.budget_spent * 100.0
        ),
        (RolloutOutcome::RolledBack, None) => "rolled back".to_owned(),
        (RolloutOutcome::InProgress, _) => "still in progress at the end".to_owned(),
    };
    let _ = writeln!(
        out,
        "<text x=\"{LEFT}\" y=\"26\" {FONT} font-size=\"18\" font-weight=\"bold\" fill=\"#111\">{}</text>\
         <text x=\"{LEFT}\" y=\"44\" {FONT} font-size=\"12\" fill=\"#555\">{}</text>",
        esc(title),
        esc(&format!(
            "seed {} · {} requests · {}",
            report.seed,
            report.sent(),
            outcome
        ))
    );
    let panel = |i: usize, y_max: f64| Panel {
        top: TOP + 12.0 + (PANEL_H + GAP) * i as f64,
        x_max,
        y_min: 0.0,
        y_max,
        log: false,
    };

    // 1. Weight: a step function over the traffic segments.
    let mut steps = Vec::with_capacity(2 * report.traffic.len());
    for seg in &report.traffic {
        let w = Some(f64::from(seg.weight_pct));
        steps.push((seg.start_s as f64, w));
        steps.push((seg.end_s as f64, w));
    }
    let weight = Series {
        label: "canary weight",
        color: CANARY,
        dash: false,
        points: steps,
    };
    let p1 = panel(0, 100.0);
    y_axis(&mut out, &p1, "Canary weight (% of traffic)", true);
    polyline(&mut out, &p1, &weight);
    legend(&mut out, &p1, &[(weight.label, weight.color, false)]);

    // 2. and 3. Error rate and P99 at each check.
    let pts = |f: &dyn Fn(&super::report::CheckPoint) -> Option<f64>| {
        report
            .checks
            .iter()
            .map(|c| (c.t_s as f64, f(c)))
            .collect::<Vec<_>>()
    };
    let mut bottom = p1.top;
    for (i, title, base, canary) in [
        (
            1,
            "Error rate over the stage so far (%)",
            pts(&|c| c.baseline_error_pct),
            pts(&|c| c.canary_error_pct),
        ),
        (
            2,
            "P99 latency over the stage so far (ms)",
            pts(&|c| c.baseline_p99_ms),
            pts(&|c| c.canary_p99_ms),
        ),
    ] {
        let p = panel(i, nice_ceiling(max_of(&base).max(max_of(&canary))));
        y_axis(&mut out, &p, title, false);
        let b = Series {
            label: "baseline",
            color: BASELINE,
            dash: false,
            points: base,
        };
        let c = Series {
            label: "canary",
            color: CANARY,
            dash: false,
            points: canary,
        };
        polyline(&mut out, &p, &b);
        polyline(&mut out, &p, &c);
        legend(
            &mut out,
            &p,
            &[(b.label, b.color, false), (c.label, c.color, false)],
        );
        bottom = p.top + PANEL_H;
    }

    // Decisions across the panels.
    let y_top = p1.top;
    for d in &report.decisions {
        let color = match d.action.as_str() {
            "rollback" => "#d62728",
            "hold" => "#7f7f7f",
            _ => "#2ca02c",
        };
        let x = p1.x(d.t_s as f64);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y_top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{color}\" stroke-opacity=\"0.6\" stroke-width=\"1.2\">\
             <title>{}</title></line>",
            esc(&d.reason)
        );
    }

    // Time axis, seconds.
    let step = crate::svg::nice_step(x_max, 10.0);
    let mut t = 0.0;
    while t <= x_max + 1e-9 {
        let x = p1.x(t);
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" {FONT} font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">{t:.0}</text>",
            bottom + 16.0
        );
        t += step;
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" {FONT} font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">simulated seconds since start</text>\n</svg>",
        (LEFT + WIDTH - RIGHT) / 2.0,
        bottom + 38.0
    );
    out
}
