//! [`render_svg`]: a report as a picture — load, servers, p99 latency and error budget
//! over time, four panels on one time axis, with alerts and marked events across them.
//!
//! Hand-written SVG 1.1 text (no dependency): opens in any browser.

use crate::report::Report;
use crate::units::{format_duration, secs_saturating};
use core::fmt::Write as _;

/// A shaded time span across all panels, e.g. the Black Friday weekend.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Start, seconds since the start of the run.
    pub start_s: f64,
    /// End, seconds since the start of the run.
    pub end_s: f64,
    /// Label drawn at the top of the band.
    pub label: String,
}

pub(crate) const WIDTH: f64 = 1100.0;
pub(crate) const LEFT: f64 = 80.0;
pub(crate) const RIGHT: f64 = 190.0;
pub(crate) const TOP: f64 = 64.0;
pub(crate) const PANEL_H: f64 = 150.0;
pub(crate) const GAP: f64 = 44.0;
pub(crate) const BOTTOM: f64 = 56.0;
pub(crate) const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" step (1, 2 or 5 × 10^k) giving at most about `n` ticks over `span`.
pub(crate) fn nice_step(span: f64, n: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / n;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub(crate) struct Panel {
    pub(crate) top: f64,
    pub(crate) x_max: f64,
    pub(crate) y_min: f64,
    pub(crate) y_max: f64,
    pub(crate) log: bool,
}

impl Panel {
    pub(crate) fn x(&self, t: f64) -> f64 {
        LEFT + (t / self.x_max).clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
    }
    pub(crate) fn y(&self, v: f64) -> f64 {
        let f = if self.log {
            let (lo, hi) = (self.y_min.log10(), self.y_max.log10());
            (v.max(self.y_min).log10() - lo) / (hi - lo)
        } else {
            (v - self.y_min) / (self.y_max - self.y_min)
        };
        self.top + PANEL_H - f.clamp(0.0, 1.0) * PANEL_H
    }
}

pub(crate) struct Series<'a> {
    pub(crate) label: &'a str,
    pub(crate) color: &'a str,
    pub(crate) dash: bool,
    pub(crate) points: Vec<(f64, Option<f64>)>,
}

pub(crate) fn polyline(out: &mut String, p: &Panel, s: &Series<'_>) {
    let dash = if s.dash {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let mut seg = String::new();
    let flush = |out: &mut String, seg: &mut String| {
        if !seg.is_empty() {
            let _ = writeln!(
                out,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{dash} points=\"{}\"/>",
                s.color,
                seg.trim_end()
            );
            seg.clear();
        }
    };
    for &(t, v) in &s.points {
        match v {
            Some(v) if v.is_finite() => {
                let _ = write!(seg, "{:.1},{:.1} ", p.x(t), p.y(v));
            }
            _ => flush(out, &mut seg),
        }
    }
    flush(out, &mut seg);
}

pub(crate) fn y_axis(out: &mut String, p: &Panel, title: &str, unit_pct: bool) {
    let x0 = LEFT;
    let x1 = WIDTH - RIGHT;
    let _ = writeln!(
        out,
        "<rect x=\"{x0}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{PANEL_H}\" fill=\"#fcfcfc\" stroke=\"#999\"/>",
        p.top,
        x1 - x0
    );
    let _ = writeln!(
        out,
        "<text x=\"{x0}\" y=\"{:.1}\" {FONT} font-size=\"13\" font-weight=\"bold\" fill=\"#222\">{}</text>",
        p.top - 8.0,
        esc(title)
    );
    let mut ticks = Vec::new();
    if p.log {
        let mut v = 10f64.powf(p.y_min.log10().ceil());
        while v <= p.y_max * 1.0001 {
            ticks.push(v);
            v *= 10.0;
        }
    } else {
        let step = nice_step(p.y_max - p.y_min, 4.0);
        let mut v = (p.y_min / step).ceil() * step;
        while v <= p.y_max + step * 1e-9 {
            ticks.push(v);
            v += step;
        }
    }
    for v in ticks {
        let y = p.y(v);
        // Ticks that land on zero by float steps print as 0, never −0.
        let v = if v.abs() < 1e-9 { 0.0 } else { v };
        let label = if unit_pct {
            format!("{v:.0}%")
        } else {
            fmt_num(v)
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" {FONT} font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{label}</text>",
            x0 - 6.0,
            y + 4.0
        );
    }
}

pub(crate) fn legend(out: &mut String, p: &Panel, series: &[(&str, &str, bool)]) {
    let x = WIDTH - RIGHT + 14.0;
    for (i, (label, color, dash)) in series.iter().enumerate() {
        let y = p.top + 14.0 + 18.0 * i as f64;
        let d = if *dash {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"2.5\"{d}/>\
             <text x=\"{:.1}\" y=\"{:.1}\" {FONT} font-size=\"11\" fill=\"#222\">{}</text>",
            x + 22.0,
            x + 28.0,
            y + 4.0,
            esc(label)
        );
    }
}

pub(crate) fn max_of(points: &[(f64, Option<f64>)]) -> f64 {
    points
        .iter()
        .filter_map(|&(_, v)| v)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// Renders `report` as an SVG document titled `title`, shading `bands`.
///
/// Panels, top to bottom: load (requests per second); servers (provisioned, ready and the
/// number needed at the target utilization); p50 and p99 latency on a log scale with the
/// SLO threshold; error budget remaining with the budget policy's 50 % and 10 % lines.
/// Alert firings are red vertical lines across all panels.
#[must_use]
pub fn render_svg(report: &Report, title: &str, bands: &[Band]) -> String {
    render_svg_with_load_label(report, title, bands, "Load (requests per second)")
}

/// [`render_svg`] with the load panel's axis labelled `load_label`: say what the numbers
/// drawn are when the run is a scaled model (e.g. "simulated requests per second,
/// 1 = 200 real").
#[must_use]
pub fn render_svg_with_load_label(
    report: &Report,
    title: &str,
    bands: &[Band],
    load_label: &str,
) -> String {
    let height = TOP + 4.0 * PANEL_H + 3.0 * GAP + BOTTOM;
    let x_max = report.duration_s.max(1.0);
    let tl = &report.timeline;
    let mut out = String::with_capacity(64 * 1024 + tl.len() * 120);
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{LEFT}\" y=\"26\" {FONT} font-size=\"18\" font-weight=\"bold\" fill=\"#111\">{}</text>\
         <text x=\"{LEFT}\" y=\"44\" {FONT} font-size=\"12\" fill=\"#555\">{}</text>",
        esc(title),
        esc(&format!(
            "seed {} · {} simulated · {} requests · SLO {:.3}% within {} ms · {:.1}% of the period's error budget spent · {} alerts fired · {:.0} instance-hours",
            report.seed,
            format_duration(secs_saturating(report.duration_s)),
            report.requests.sent,
            report.slo.objective * 100.0,
            report.slo.latency_threshold_ms,
            report.slo.budget_spent * 100.0,
            report.fired().count(),
            report.capacity.instance_hours,
        ))
    );

    let panel = |i: usize, y_min: f64, y_max: f64, log: bool| Panel {
        top: TOP + 12.0 + (PANEL_H + GAP) * i as f64,
        x_max,
        y_min,
        y_max,
        log,
    };
    let pts = |f: &dyn Fn(&crate::report::Interval) -> Option<f64>| -> Vec<(f64, Option<f64>)> {
        tl.iter().map(|p| (p.t_s, f(p))).collect()
    };

    // 1. Load.
    let load = Series {
        label: "requests/s",
        color: "#1f77b4",
        dash: false,
        points: pts(&|p| Some(p.rps)),
    };
    let p1 = panel(0, 0.0, nice_ceiling(max_of(&load.points)), false);
    y_axis(&mut out, &p1, load_label, false);
    polyline(&mut out, &p1, &load);
    legend(&mut out, &p1, &[(load.label, load.color, false)]);

    // 2. Servers.
    let prov = Series {
        label: "provisioned",
        color: "#333333",
        dash: false,
        points: pts(&|p| Some(p.instances as f64)),
    };
    let ready = Series {
        label: "ready",
        color: "#2ca02c",
        dash: false,
        points: pts(&|p| Some(p.ready)),
    };
    let needed = Series {
        label: "needed at target",
        color: "#9467bd",
        dash: true,
        points: pts(&|p| Some(p.needed as f64)),
    };
    let top2 = nice_ceiling(max_of(&prov.points).max(max_of(&needed.points)));
    let p2 = panel(1, 0.0, top2, false);
    y_axis(&mut out, &p2, "Servers", false);
    for s in [&needed, &ready, &prov] {
        polyline(&mut out, &p2, s);
    }
    legend(
        &mut out,
        &p2,
        &[
            (prov.label, prov.color, false),
            (ready.label, ready.color, false),
            (needed.label, needed.color, true),
        ],
    );

    // 3. Latency, log scale.
    let p99 = Series {
        label: "p99",
        color: "#d62728",
        dash: false,
        points: pts(&|p| p.p99_ms),
    };
    let p50 = Series {
        label: "p50",
        color: "#ff9896",
        dash: false,
        points: pts(&|p| p.p50_ms),
    };
    let thr = report.slo.latency_threshold_ms;
    let lat_min = tl
        .iter()
        .filter_map(|p| p.p50_ms)
        .filter(|v| *v > 0.0)
        .fold(thr, f64::min);
    let lat_max = max_of(&p99.points).max(thr);
    let lo = 10f64.powf(lat_min.max(1e-3).log10().floor());
    let hi = 10f64.powf(lat_max.max(lo * 10.0).log10().ceil());
    let p3 = panel(2, lo, hi, true);
    y_axis(&mut out, &p3, "Latency (ms, log scale)", false);
    let threshold = Series {
        label: "SLO threshold",
        color: "#7f7f7f",
        dash: true,
        points: vec![(0.0, Some(thr)), (x_max, Some(thr))],
    };
    for s in [&threshold, &p50, &p99] {
        polyline(&mut out, &p3, s);
    }
    legend(
        &mut out,
        &p3,
        &[
            (p99.label, p99.color, false),
            (p50.label, p50.color, false),
            (threshold.label, threshold.color, true),
        ],
    );

    // 4. Budget remaining, percent.
    let budget = Series {
        label: "budget remaining",
        color: "#ff7f0e",
        dash: false,
        points: pts(&|p| Some(p.budget_remaining * 100.0)),
    };
    let b_min = tl
        .iter()
        .map(|p| p.budget_remaining * 100.0)
        .fold(0.0, f64::min);
    let p4 = panel(3, -nice_ceiling(-b_min), 100.0, false);
    y_axis(
        &mut out,
        &p4,
        "Error budget remaining (% of the period's)",
        true,
    );
    let slow = Series {
        label: "50%: slow down",
        color: "#bcbd22",
        dash: true,
        points: vec![(0.0, Some(50.0)), (x_max, Some(50.0))],
    };
    let freeze = Series {
        label: "10%: freeze",
        color: "#8c564b",
        dash: true,
        points: vec![(0.0, Some(10.0)), (x_max, Some(10.0))],
    };
    for s in [&slow, &freeze, &budget] {
        polyline(&mut out, &p4, s);
    }
    legend(
        &mut out,
        &p4,
        &[
            (budget.label, budget.color, false),
            (slow.label, slow.color, true),
            (freeze.label, freeze.color, true),
        ],
    );

    // Bands and alerts across all panels.
    let y_top = p1.top;
    let y_bot = p4.top + PANEL_H;
    for b in bands {
        let (x0, x1) = (p1.x(b.start_s), p1.x(b.end_s));
        let _ = writeln!(
            out,
            "<rect x=\"{x0:.1}\" y=\"{y_top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#ffd92f\" fill-opacity=\"0.18\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" {FONT} font-size=\"11\" text-anchor=\"middle\" fill=\"#7a6000\">{}</text>",
            (x1 - x0).max(1.0),
            y_bot - y_top,
            (x0 + x1) / 2.0,
            y_top + 12.0,
            esc(&b.label)
        );
    }
    for a in report.fired() {
        let x = p1.x(a.at_s);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y_top:.1}\" x2=\"{x:.1}\" y2=\"{y_bot:.1}\" stroke=\"#d62728\" stroke-opacity=\"0.5\" stroke-width=\"1\">\
             <title>{} fired at {}</title></line>",
            esc(&a.alert),
            format_duration(secs_saturating(a.at_s))
        );
    }
    if report.fired().next().is_some() {
        legend(
            &mut out,
            &Panel {
                top: p1.top + 22.0,
                ..p1
            },
            &[("alert fired", "#d62728", false)],
        );
    }

    // Shared time axis.
    let span = x_max;
    let steps = [
        60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0,
        604_800.0,
    ];
    let step = steps
        .iter()
        .copied()
        .find(|s| span / s <= 14.0)
        .unwrap_or(span / 10.0);
    let mut t = 0.0;
    while t <= span + 1e-9 {
        let x = p1.x(t);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y_top:.1}\" x2=\"{x:.1}\" y2=\"{y_bot:.1}\" stroke=\"#000\" stroke-opacity=\"0.06\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" {FONT} font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
            y_bot + 16.0,
            format_duration(secs_saturating(t))
        );
        t += step;
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" {FONT} font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">simulated time since start</text>\n</svg>",
        (LEFT + WIDTH - RIGHT) / 2.0,
        y_bot + 38.0
    );
    out
}

/// The smallest 1-2-5 step multiple at or above `v` (at least 1).
pub(crate) fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let step = nice_step(v, 4.0);
    ((v / step).ceil() * step).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert!((nice_step(100.0, 4.0) - 50.0).abs() < 1e-9);
        assert!((nice_step(7.0, 4.0) - 2.0).abs() < 1e-9);
        assert!((nice_ceiling(123.0) - 150.0).abs() < 1e-9);
        assert_eq!(fmt_num(15_000.0), "15k");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(esc("a<b&\"c\""), "a&lt;b&amp;&quot;c&quot;");
    }
}
