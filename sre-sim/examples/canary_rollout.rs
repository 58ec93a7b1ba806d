//! A good and a bad version through the course's rollout plan (1 % → 5 % → 25 % → 50 % →
//! 100 %, held 1 h, 2 h, 4 h, 8 h), at 1/60 of its length so each run takes about a
//! second: the bad version fails 10× as often as the baseline (1 % against 0.1 %); a third,
//! slow version (20 ms more a request, well inside the P99 trigger's 100 ms) is for the
//! canary judge to catch.
//!
//! `cargo run --release -p sre-sim --example canary_rollout` prints every decision and
//! the figures, and draws both runs to `target/canary_rollout_{good,bad,slow}.svg`.

use core::time::Duration;
use sre_sim::rollout::{RolloutReport, RolloutSpec, render_rollout_svg, run_rollout};
use sre_sim::scenario::Span;
use sre_sim::{Scenario, ServiceTime};

fn scenario(name: &str, error_rate: f64, added_ms: u64) -> Result<Scenario, sre_sim::Error> {
    // 3,000 RPS on 200 servers of log-normal 40 ms (ρ ≈ 0.68); SLO 99.9 % within 300 ms.
    let service = ServiceTime::log_normal(Duration::from_millis(40), 0.5)?;
    let mut s = Scenario::fixed_pool(name, 3_000.0, service, 200, Duration::from_secs(1_000));
    s.seed = 29;
    s.slo.latency_threshold = Span(Duration::from_millis(300));
    s.rollout = Some(RolloutSpec {
        baseline_error_rate: 0.001,
        error_rate,
        added_latency: Span(Duration::from_millis(added_ms)),
        time_scale: 1.0 / 60.0,
        check_interval: Span::secs(20),
        ..RolloutSpec::default()
    });
    Ok(s)
}

fn print(r: &RolloutReport) {
    println!("== {} ({:?})", r.scenario, r.outcome);
    for d in &r.decisions {
        println!("  {}", d.reason);
    }
    if let Some(c) = &r.caught {
        println!(
            "  caught at t={} s, {} s after the start, at {} % (stage {}): the canary had been \
             sent {} requests, {} bad, {:.4} % of the 30-day error budget",
            c.t_s,
            c.after_s,
            c.weight_pct,
            c.stage,
            c.canary_sent,
            c.canary_bad,
            c.budget_spent * 100.0
        );
    }
    for (name, v) in [("baseline", &r.baseline), ("canary", &r.canary)] {
        let c = &v.counts;
        println!(
            "  {name:8}: sent {:>9}, failed {:>6}, slow {:>5}, p99 {:>6.1} ms, budget spent {:.4} %",
            c.sent,
            c.failed,
            c.slow,
            v.p99_ms.unwrap_or(0.0),
            v.budget_spent * 100.0
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    std::fs::create_dir_all(&dir)?;
    for (file, name, error_rate, added_ms) in [
        ("good", "good version (identical to the baseline)", 0.001, 0),
        ("bad", "bad version (10x the error rate)", 0.01, 0),
        ("slow", "slow version (+20 ms a request)", 0.001, 20),
    ] {
        let r = run_rollout(&scenario(name, error_rate, added_ms)?)?;
        print(&r);
        let path = dir.join(format!("canary_rollout_{file}.svg"));
        std::fs::write(&path, render_rollout_svg(&r, name))?;
        println!("  drawn to {}", path.display());
    }
    Ok(())
}
