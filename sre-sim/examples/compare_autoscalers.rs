//! The same Black Friday traffic under each autoscaling policy, with no pre-scaling:
//! what each costs and what it lets through.
//!
//! `cargo run --release -p sre-sim --example compare_autoscalers`
//!
//! Traffic: the course's 10,000 RPS with a ±30 % daily cycle, two normal days (history for
//! the predictive policy), then 3× for 48 hours (simulated at 1:200, see
//! `sre_sim::course`). Every policy starts from the 20-instance fleet, decides every minute
//! with the course's cooldowns (3 min up, 10 min down; the HPA uses its own default
//! behavior instead), and new instances take 3 minutes to warm up.

use core::time::Duration;
use sre_sim::course::BlackFriday;
use sre_sim::scenario::AutoscalerPolicy;
use sre_sim::units::format_duration;
use sre_sim::{Report, Simulation};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut bf = BlackFriday::seed_at_1_to_200()?;
    bf.days_before = 2;
    bf.days_after = 0;
    let policies = [
        ("fixed fleet (20, no autoscaler)", AutoscalerPolicy::None),
        ("CPU threshold 70/30, ±1", AutoscalerPolicy::CpuThreshold),
        (
            "target tracking, 60 % CPU",
            AutoscalerPolicy::TargetTracking,
        ),
        ("Kubernetes HPA, 60 % CPU", AutoscalerPolicy::Hpa),
        (
            "predictive (yesterday) + tracking",
            AutoscalerPolicy::Predictive,
        ),
    ];
    let scenarios = policies
        .iter()
        .map(|(_, p)| bf.reactive(*p))
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    // Independent runs: spread them over two threads.
    let (even, odd): (Vec<_>, Vec<_>) = scenarios
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let run_all =
        |list: Vec<(usize, sre_sim::Scenario)>| -> Result<Vec<(usize, Report)>, sre_sim::Error> {
            list.into_iter()
                .map(|(i, s)| Simulation::new(s)?.run().map(|r| (i, r)))
                .collect()
        };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| run_all(even));
        let b = run_all(odd);
        (a.join().expect("no panic"), b)
    });
    let mut reports: Vec<(usize, Report)> = a?.into_iter().chain(b?).collect();
    reports.sort_by_key(|(i, _)| *i);
    let elapsed = started.elapsed();

    println!(
        "The same traffic under each policy: {} RPS ±30 % daily, ×3 for 48 h from day 2 (no pre-scaling)",
        bf.model.current_rps()
    );
    println!(
        "SLO 99.9 % of requests within 1 s; budget over 30 days; burn-rate alerts per the SRE workbook."
    );
    println!();
    println!(
        "{:<34} {:>7} {:>9} {:>8} {:>8} {:>10} {:>10} {:>9} {:>8} {:>7} {:>9}",
        "policy",
        "SLO met",
        "bad min",
        "alerts",
        "burn",
        "budget/30d",
        "worst p99",
        "timeouts",
        "inst-h",
        "actions",
        "peak inst"
    );
    for (i, r) in &reports {
        let worst = r
            .timeline
            .iter()
            .filter_map(|p| p.p99_ms)
            .fold(0.0, f64::max);
        let page = r.fired().filter(|e| e.severity == "page").count();
        let ticket = r.fired().filter(|e| e.severity == "ticket").count();
        println!(
            "{:<34} {:>7} {:>9} {:>8} {:>8.2} {:>9.1}% {:>8.1} s {:>9} {:>8.0} {:>7} {:>9}",
            policies[*i].0,
            if r.slo.met { "yes" } else { "no" },
            r.slo.bad_minutes,
            format!("{page}p {ticket}t"),
            r.slo.burn_rate,
            100.0 * r.slo.budget_spent,
            worst / 1e3,
            r.requests.timed_out + r.requests.dropped,
            r.capacity.instance_hours,
            r.scaling.len(),
            r.capacity.max_instances,
        );
    }
    println!();
    println!("bad min: minutes whose SLI fell below 99.9 %. alerts: page / ticket firings.");
    println!(
        "burn: mean burn rate over the run, bad requests ÷ the 0.1 % allowed (1 = exactly on budget)."
    );
    println!(
        "budget/30d: share of a 30-day period's error budget (30 days of traffic at this rate) that"
    );
    println!(
        "this {} run spent, burn × {} / 30 d; over 100 % means the run alone overspent the month.",
        format_duration(Duration::from_secs_f64(reports[0].1.duration_s)),
        format_duration(Duration::from_secs_f64(reports[0].1.duration_s))
    );
    println!("inst-h: instance-hours paid for (warming and draining included).");
    let total: u64 = reports.iter().map(|(_, r)| r.requests.sent).sum();
    println!(
        "Simulated {} requests ({} runs × {}) in {:.1} s.",
        total,
        reports.len(),
        format_duration(Duration::from_secs_f64(reports[0].1.duration_s)),
        elapsed.as_secs_f64()
    );
    Ok(())
}
