//! Black Friday, simulated: the course's capacity plan and event on a simulated clock.
//!
//! `cargo run --release -p sre-sim --example black_friday`
//!
//! The course (seed text, "Capacity Planning"): 10,000 RPS on 20 instances at 40 % CPU,
//! a 60 % CPU target; Black Friday is 3× normal traffic for 48 hours, with capacity
//! pre-scaled a week before and scaled down 30 % an hour afterwards. Here that plan
//! (from `sre-loadgen-model`'s capacity model, see `sre_sim::course`) meets diurnal
//! traffic, an autoscaler with the course's cooldowns and a latency SLO with burn-rate
//! alerts — and, for contrast, the same weekend with the autoscaler alone, whose Black
//! Friday incident it writes up as the course's postmortem.

use core::time::Duration;
use sre_sim::course::BlackFriday;
use sre_sim::scenario::AutoscalerPolicy;
use sre_sim::svg::render_svg_with_load_label;
use sre_sim::units::format_duration;
use sre_sim::{Report, Simulation};
use std::time::Instant;

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

fn when(at_s: f64) -> String {
    let s = sre_core::f64_to_u64_saturating(at_s);
    format!("day {} {:02}:{:02}", s / DAY, s % DAY / HOUR, s % HOUR / 60)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bf = BlackFriday::seed_at_1_to_200()?;
    let plan = bf.plan()?;
    let planned = bf.scenario()?;
    let reactive = bf.reactive(AutoscalerPolicy::TargetTracking)?;
    let steps: Vec<String> = plan.scale_down.iter().map(u32::to_string).collect();

    println!("Black Friday, simulated — the course's capacity plan on a simulated clock");
    println!(
        "  traffic     {:.0} RPS mean, ±{:.0} % daily (peak 20:00), ×{} for {} from {}",
        bf.model.current_rps(),
        bf.amplitude * 100.0,
        bf.buffer.multiplier(),
        format_duration(bf.buffer.duration()),
        when(bf.event_start_s() as f64),
    );
    println!(
        "  plan        {} instances for the daily peak ({:.0} RPS) at 60 % CPU; {} for the event \
         ({:.0} RPS) from {}; then {} hourly",
        bf.baseline_instances()?,
        bf.peak_rps(),
        plan.event_instances,
        plan.event_rps,
        when(planned.schedule[1].at.0.as_secs_f64()),
        steps.join(" → "),
    );
    println!(
        "  autoscaler  target tracking at 60 % CPU every minute, cooldowns 3 min up / 10 min \
         down, 3 min warm-up, never below the plan"
    );
    println!(
        "  SLO         99.9 % of requests within 1 s over 30 days; burn-rate alerts \
         14.4×/1h+5m, 6×/6h+30m (page), 3×/1d+2h, 1×/3d+6h (ticket)"
    );
    println!(
        "  scale       1 simulated request = {:.0} real; log-normal service, mean {} ms",
        bf.scale,
        bf.mean_service().as_millis()
    );

    let started = Instant::now();
    let bands = Simulation::new(planned.clone())?.bands();
    // The two runs are independent: one thread each.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Simulation::new(planned)?.run());
        let b = Simulation::new(reactive).and_then(Simulation::run);
        (a.join().expect("the planned run does not panic"), b)
    });
    let (a, b) = (a?, b?);
    let elapsed = started.elapsed();

    println!();
    println!(
        "{:<34} {:>22} {:>22}",
        "", "planned (pre-scaled)", "autoscaler alone"
    );
    let row = |label: &str, f: &dyn Fn(&Report) -> String| {
        println!("{label:<34} {:>22} {:>22}", f(&a), f(&b));
    };
    row("requests simulated", &|r| r.requests.sent.to_string());
    row("p50 / p99 / p99.9 latency", &|r| {
        format!(
            "{:.0} / {:.0} / {:.0} ms",
            r.latency.p50_ms, r.latency.p99_ms, r.latency.p999_ms
        )
    });
    row("worst 5-minute p99", &|r| {
        let worst = r
            .timeline
            .iter()
            .filter_map(|p| p.p99_ms)
            .fold(0.0, f64::max);
        format!("{worst:.0} ms")
    });
    row("SLO compliance (objective 99.9 %)", &|r| {
        format!("{:.4} %", 100.0 * r.slo.compliance.unwrap_or(1.0))
    });
    row("mean burn rate (1 = on budget)", &|r| {
        format!("{:.2}", r.slo.burn_rate)
    });
    row("30-day error budget spent", &|r| {
        format!("{:.1} %", 100.0 * r.slo.budget_spent)
    });
    row("minutes below the SLO", &|r| r.slo.bad_minutes.to_string());
    row("timed out / dropped", &|r| {
        format!("{} / {}", r.requests.timed_out, r.requests.dropped)
    });
    row("alerts fired (page / ticket)", &|r| {
        let page = r.fired().filter(|e| e.severity == "page").count();
        let ticket = r.fired().filter(|e| e.severity == "ticket").count();
        format!("{page} / {ticket}")
    });
    row("scaling actions", &|r| r.scaling.len().to_string());
    row("instances (min – max)", &|r| {
        format!(
            "{} – {}",
            r.capacity.min_instances, r.capacity.max_instances
        )
    });
    row("instance-hours", &|r| {
        format!("{:.0}", r.capacity.instance_hours)
    });
    row("mean CPU utilization", &|r| {
        format!("{:.0} %", 100.0 * r.capacity.mean_utilization)
    });
    row("time under- / over-provisioned", &|r| {
        format!(
            "{} / {}",
            format_duration(Duration::from_secs_f64(r.capacity.under_provisioned_s)),
            format_duration(Duration::from_secs_f64(r.capacity.over_provisioned_s))
        )
    });

    for (label, r) in [("autoscaler alone", &b), ("planned", &a)] {
        let fired: Vec<_> = r.fired().collect();
        if !fired.is_empty() {
            println!();
            println!("Alerts, {label}:");
            for e in fired.iter().take(8) {
                println!(
                    "  {}  {:<13} {:<6} long-window error ratio {:.4}, 30-day budget spent {:.1} %",
                    when(e.at_s),
                    e.alert,
                    e.severity,
                    e.long_ratio.unwrap_or(0.0),
                    100.0 * e.budget_spent
                );
            }
            if fired.len() > 8 {
                println!("  … {} more", fired.len() - 8);
            }
        }
    }
    let start = bf.event_start_s() as f64;
    let surge: Vec<_> = b
        .scaling
        .iter()
        .filter(|s| s.at_s >= start && s.at_s < start + HOUR as f64)
        .collect();
    if !surge.is_empty() {
        println!();
        println!("First hour of the event, autoscaler alone:");
        for s in surge.iter().take(6) {
            println!(
                "  {}  {:>3} → {:<3} {}",
                when(s.at_s),
                s.from,
                s.to,
                s.reason
            );
        }
    }

    for (label, r) in [("autoscaler alone", &b), ("planned", &a)] {
        println!();
        println!(
            "Incidents, {label} (responders: ack 5 min after the page, mitigate 30 min later; \
             on-call: {} incident(s) in the worst 12 h shift, limit {}):",
            r.on_call.pages_per_shift.iter().max().unwrap_or(&0),
            r.on_call.max_incidents_per_shift
        );
        let m = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.0}", v / 60.0));
        for i in &r.incidents {
            println!(
                "  #{:<2} {}  {:<11} {}  TTD {:>3} min  TTA {:>3} min  TTM {:>3} min  TTR {:>3} min  \
                 worst minute {:.1} % bad, mitigated by {}",
                i.id,
                when(i.triggered_s),
                i.opened_by,
                i.severity,
                m(i.ttd_s),
                m(i.tta_s),
                m(i.ttm_s),
                m(i.ttr_s),
                100.0 * i.worst_error_ratio,
                if i.mitigated_by.is_empty() {
                    "-"
                } else {
                    &i.mitigated_by
                },
            );
        }
        if r.incidents.is_empty() {
            println!("  none");
        }
    }
    // The autoscaler-alone run's Black Friday incident: the first whose impact starts in
    // the event.
    let event = start..start + bf.buffer.duration().as_secs_f64();
    if let Some(i) = b
        .incidents
        .iter()
        .find(|i| event.contains(&i.impact_start_s) || event.contains(&i.triggered_s))
    {
        println!();
        println!(
            "Postmortem of the autoscaler-alone run's Black Friday incident (rendered from the run):"
        );
        println!();
        print!("{}", sre_sim::incidents::postmortem(&b, i)?.to_markdown());
    }

    println!();
    println!(
        "Burn rate: bad requests ÷ the 0.1 % the SLO allows, over the run (1 = exactly on budget)."
    );
    println!(
        "30-day error budget spent: the share of a {} period's budget (that long at the run's",
        format_duration(Duration::from_secs_f64(a.slo.period_s))
    );
    println!(
        "traffic rate) that this {} run used: burn rate × {} / {}.",
        format_duration(Duration::from_secs_f64(a.duration_s)),
        format_duration(Duration::from_secs_f64(a.duration_s)),
        format_duration(Duration::from_secs_f64(a.slo.period_s)),
    );

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    std::fs::create_dir_all(&dir)?;
    let path_a = dir.join("black_friday.svg");
    let path_b = dir.join("black_friday_reactive.svg");
    // The run is the course's traffic at 1:scale: say so on the load axis.
    let load = format!(
        "Load (simulated requests per second; 1 simulated = {:.0} real)",
        bf.scale
    );
    std::fs::write(
        &path_a,
        render_svg_with_load_label(&a, &a.scenario, &bands, &load),
    )?;
    std::fs::write(
        &path_b,
        render_svg_with_load_label(&b, &b.scenario, &bands, &load),
    )?;
    println!();
    println!("Pictures: {}", path_a.canonicalize()?.display());
    println!("          {}", path_b.canonicalize()?.display());
    println!(
        "Simulated {} requests (2 runs × {}) in {:.1} s.",
        a.requests.sent + b.requests.sent,
        format_duration(Duration::from_secs_f64(a.duration_s)),
        elapsed.as_secs_f64()
    );
    Ok(())
}
