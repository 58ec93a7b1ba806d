//! Precision, recall, detection time, budget spent before detection, reset time and
//! pages per day of the workbook's six approaches, its paging policy and two variants,
//! over a grid of rectangular incidents; and an SVG of detection time and budget spent
//! against the error ratio (`target/alert_report.svg`).
//!
//! `cargo run --release -p sre-budget --example alert_report`

use core::time::Duration;
use sre_budget::AlertConfig;
use sre_budget::evaluation::{
    Comparison, EvalPolicy, Method, RectIncident, WindowPair, closed_form, quality,
};
use sre_core::Objective;
use std::fmt::Write as _;

const ERROR_RATIOS: [f64; 14] = [
    0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0,
];
const DURATIONS_MIN: [u64; 12] = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = Objective::new(0.999)?;
    let month = Duration::from_secs(30 * 86_400);
    let page = EvalPolicy::workbook_page(o, month)?;
    let with_for = EvalPolicy::new(
        "page_for_2m",
        o,
        month,
        page.pairs().to_vec(),
        Comparison::Above,
        AlertConfig {
            for_duration: Duration::from_secs(120),
            ..AlertConfig::default()
        },
    )?;
    let fast_only = EvalPolicy::new(
        "page_1h_5m_only",
        o,
        month,
        vec![WindowPair::minutes(60, Some(5), 14.4)?],
        Comparison::Above,
        AlertConfig::default(),
    )?;
    let mut policies = EvalPolicy::workbook_approaches(o, month)?;
    policies.extend([page.clone(), with_for.clone(), fast_only.clone()]);

    let traffic = 1000;
    let grid = quality::grid(&ERROR_RATIOS, &DURATIONS_MIN, traffic)?;
    // Background noise: Poisson failures at burn 0.5 and at burn 2, 30 days each.
    let noise = |mean: f64| {
        quality::Scenario::new(
            30 * 1440,
            traffic,
            quality::Background::Poisson { mean, seed: 18 },
            quality::DEFAULT_SIGNIFICANCE,
            vec![],
        )
    };
    let (quiet, noisy) = (noise(0.5)?, noise(2.0)?);
    println!(
        "{} incidents (error ratio {} .. {}, {} .. {} min), significant = spends >= 2 % of a 30-day budget at 99.9 %; noise: Poisson 0.5 and 2 bad/min of {traffic}",
        grid.len(),
        ERROR_RATIOS[0],
        ERROR_RATIOS[ERROR_RATIOS.len() - 1],
        DURATIONS_MIN[0],
        DURATIONS_MIN[DURATIONS_MIN.len() - 1],
    );
    println!(
        "{:<18} {:>9} {:>7} {:>12} {:>12} {:>10} {:>11} {:>11}",
        "policy",
        "precision",
        "recall",
        "detect(min)",
        "budget@det%",
        "reset(min)",
        "pages/d@0.5",
        "pages/d@2"
    );
    let opt =
        |x: Option<f64>, scale: f64| x.map_or("-".to_owned(), |v| format!("{:.2}", v * scale));
    for p in &policies {
        let g = quality::isolated(p, &grid, quality::DEFAULT_SIGNIFICANCE, Method::ClosedForm)?;
        let n = quality::evaluate_period(p, &quiet)?;
        let m = quality::evaluate_period(p, &noisy)?;
        println!(
            "{:<18} {:>9} {:>7} {:>12} {:>12} {:>10} {:>11.2} {:>11.2}",
            p.name(),
            opt(g.precision, 1.0),
            opt(g.recall, 1.0),
            opt(g.mean_detection_min, 1.0),
            opt(g.mean_budget_at_detection, 100.0),
            opt(g.mean_reset_min, 1.0),
            n.pages_per_day,
            m.pages_per_day,
        );
    }
    println!("pages/d@b: pages per day on background noise alone at burn b (no incident)");

    let svg = plot(&[&page, &with_for, &fast_only]);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/alert_report.svg");
    std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new(".")))?;
    std::fs::write(&path, svg)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Two panels: detection time (log) and budget spent at detection, against the error
/// ratio (log), for an incident that does not end.
fn plot(policies: &[&EvalPolicy]) -> String {
    let (w, h, pad) = (420.0, 300.0, 50.0);
    let colors = ["#1b6ac9", "#d9480f", "#2b8a3e"];
    let xs: Vec<f64> = (0..=120)
        .map(|i| 10f64.powf(-3.0 + 3.0 * f64::from(i) / 120.0))
        .collect();
    let px = |e: f64| pad + (e.log10() + 3.0) / 3.0 * (w - 2.0 * pad);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{h}" font-family="sans-serif" font-size="11">"#,
        2.0 * w
    );
    for (panel, title) in [
        (0.0, "detection time (min, log)"),
        (w, "budget spent at detection (%)"),
    ] {
        let _ = write!(
            s,
            r##"<rect x="{}" y="{pad}" width="{}" height="{}" fill="none" stroke="#888"/><text x="{}" y="20">{title}</text><text x="{}" y="{}">error ratio (log, 0.001 .. 1)</text>"##,
            panel + pad,
            w - 2.0 * pad,
            h - 2.0 * pad,
            panel + pad,
            panel + pad,
            h - 15.0
        );
    }
    let plot_h = h - 2.0 * pad;
    for (label, frac) in [
        ("0.01", 0.0),
        ("1", 2.0 / 6.0),
        ("100", 4.0 / 6.0),
        ("10^4", 1.0),
    ] {
        let _ = write!(
            s,
            r#"<text x="5" y="{:.1}">{label}</text>"#,
            h - pad - frac * plot_h + 4.0
        );
    }
    for (label, frac) in [("0 %", 0.0), ("6 %", 0.5), ("12 %", 1.0)] {
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}">{label}</text>"#,
            w + 5.0,
            h - pad - frac * plot_h + 4.0
        );
    }
    for (k, p) in policies.iter().enumerate() {
        let c = colors[k % colors.len()];
        let mut det = String::new();
        let mut bud = String::new();
        for &e in &xs {
            let Ok(inc) = RectIncident::new(e, None) else {
                continue;
            };
            let r = closed_form::continuous(p, &inc);
            if let (Some(t), Some(b)) = (r.detection_min, r.budget_at_detection) {
                // Detection 0.01 .. 10,000 min on a log axis; budget 0 .. 12 %.
                let yd = h - pad - (t.max(0.01).log10() + 2.0) / 6.0 * (h - 2.0 * pad);
                let yb = h - pad - (b * 100.0 / 12.0).min(1.0) * (h - 2.0 * pad);
                let _ = write!(det, "{:.1},{:.1} ", px(e), yd);
                let _ = write!(bud, "{:.1},{:.1} ", w + px(e), yb);
            }
        }
        let _ = write!(
            s,
            r##"<polyline fill="none" stroke="{c}" points="{det}"/><polyline fill="none" stroke="{c}" points="{bud}"/><text x="{}" y="{}" fill="{c}">{}</text>"##,
            pad + 5.0,
            pad + 14.0 * (k as f64 + 1.0),
            p.name()
        );
    }
    s.push_str("</svg>\n");
    s
}
