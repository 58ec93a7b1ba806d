//! The course's chaos experiment rehearsed in the simulator: "when database X fails,
//! service Y fails over to a replica within 30 s with no user-visible errors".
//!
//! The scenario is `sre-sim/scenarios/gameday.toml`. Service Y takes about 1000 orders a minute on 4 servers. At 10 minutes database X's
//! primary fails: a `dependency` fault with `effect = "wait"`, so requests wait for the
//! failover and are served once the replica takes over (clients retry for up to 2
//! minutes, so a wait is latency, not an error). The experiment's steady state is the
//! course's (error rate < 0.1 %, P99 < 200 ms, about 1000 orders per minute, each over
//! 5 minutes) and its abort conditions are the course's: error rate > 5 % over a minute,
//! and no failover after 60 s.
//!
//! Run twice: a 20 s failover (the hypothesis holds: `completed`, not deviated, no
//! request failed, the deadline met) and a 90 s one (the deadline fires 60 s after the
//! failure and the fault is rolled back: the replica is promoted by hand).
//!
//! `cargo run --release -p sre-sim --example gameday [-- --out DIR]` prints a table and
//! writes `gameday_20s.svg`, `gameday_90s.svg` and their JSON reports to `DIR` (default
//! `target/gameday`). "p99 during" is the highest p99 of the 10-second report intervals
//! from the failure to one minute after the fault ended.

use sre_sim::scenario::Span;
use sre_sim::svg::{Band, render_svg};
use sre_sim::{Report, Scenario, Simulation};
use std::path::PathBuf;

/// The experiment as a scenario file: `sre-sim scenarios/gameday.toml` runs it too.
const GAMEDAY: &str = include_str!("../scenarios/gameday.toml");

/// The shipped scenario with the failover lasting `failover_s` seconds.
fn scenario(failover_s: u64) -> Result<Scenario, sre_sim::Error> {
    let mut s = Scenario::from_toml(GAMEDAY)?;
    s.name = format!("gameday: database failover in {failover_s} s");
    s.faults[0].duration = Some(Span::secs(failover_s));
    s.validate()?;
    Ok(s)
}

struct Row {
    failover_s: u64,
    report: Report,
}

fn run(failover_s: u64) -> Result<Row, Box<dyn std::error::Error>> {
    let s = scenario(failover_s)?;
    let report = Simulation::new(s)?.run()?;
    Ok(Row { failover_s, report })
}

fn p99_during(r: &Report) -> f64 {
    let Some(f) = r.faults.first() else {
        return 0.0;
    };
    let end = f.end_s.unwrap_or(r.duration_s) + 60.0;
    r.timeline
        .iter()
        .filter(|p| p.t_s > f.at_s && p.t_s <= end)
        .filter_map(|p| p.p99_ms)
        .fold(0.0, f64::max)
}

fn bands(r: &Report) -> Vec<Band> {
    let mut bands = Vec::new();
    if let Some(f) = r.faults.first() {
        let end = f.end_s.unwrap_or(r.duration_s);
        let label = match r.experiment.as_ref().and_then(|j| j.abort.as_ref()) {
            Some(a) => format!(
                "{} down: aborted after {:.0} s, rolled back",
                f.name, a.after_start_s
            ),
            None => format!("{} down {:.0} s", f.name, end - f.at_s),
        };
        bands.push(Band {
            start_s: f.at_s,
            end_s: end,
            label,
        });
    }
    if let Some(a) = r.experiment.as_ref().and_then(|j| j.abort.as_ref()) {
        // A one-pixel band: the abort's instant.
        bands.push(Band {
            start_s: a.at_s,
            end_s: a.at_s,
            label: String::new(),
        });
    }
    bands
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = PathBuf::from("target/gameday");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a directory")?),
            other => return Err(format!("unknown argument {other:?}; use --out DIR").into()),
        }
    }
    std::fs::create_dir_all(&out)?;

    let rows = [run(20)?, run(90)?];
    println!(
        "{:>8} | {:>11} | {:>8} | {:<58} | {:>6} | {:>9} | {:>13} | {:>12}",
        "failover",
        "status",
        "deviated",
        "abort",
        "failed",
        "timed out",
        "p99 during ms",
        "budget spent"
    );
    for row in &rows {
        let r = &row.report;
        let j = r
            .experiment
            .as_ref()
            .ok_or("the report has no experiment journal")?;
        let abort = j.abort.as_ref().map_or("none".to_owned(), |a| {
            format!(
                "at {:.0} s (+{:.0} s): {} ({})",
                a.at_s, a.after_start_s, a.signal, a.condition
            )
        });
        println!(
            "{:>7}s | {:>11} | {:>8} | {:<58} | {:>6} | {:>9} | {:>13.1} | {:>11.4}%",
            row.failover_s,
            j.status,
            j.deviated,
            abort,
            r.requests.failed,
            r.requests.timed_out,
            p99_during(r),
            r.slo.budget_spent * 100.0
        );
    }
    for row in &rows {
        let r = &row.report;
        let name = format!("gameday_{}s", row.failover_s);
        let title = format!("Game day: database X fails over in {} s", row.failover_s);
        std::fs::write(
            out.join(format!("{name}.svg")),
            render_svg(r, &title, &bands(r)),
        )?;
        std::fs::write(out.join(format!("{name}.json")), r.to_json()?)?;
        if let Some(j) = &r.experiment {
            println!("\n{name}: {}", j.hypothesis);
            for (phase, s) in [
                ("before", &j.steady_states.before),
                ("after", &j.steady_states.after),
            ] {
                if let Some(s) = s {
                    let probes: Vec<String> = s
                        .probes
                        .iter()
                        .map(|p| {
                            format!(
                                "{} = {} ({})",
                                p.name,
                                p.value.map_or("no data".to_owned(), |v| format!("{v:.4}")),
                                if p.tolerance_met == Some(true) {
                                    "ok"
                                } else {
                                    "NOT met"
                                }
                            )
                        })
                        .collect();
                    println!("  {phase:6} at {:.0} s: {}", s.at_s, probes.join(", "));
                }
            }
            if let Some(a) = &j.abort {
                println!("  abort: {}", a.cause);
            }
            for rb in &j.rollbacks {
                println!(
                    "  rollback at {:.0} s: {} ({})",
                    rb.at_s,
                    rb.fault,
                    if rb.ended {
                        "ended early"
                    } else {
                        "already over"
                    }
                );
            }
            println!(
                "  status {}, deviated {}, exit code {}",
                j.status, j.deviated, j.exit_code
            );
        }
    }
    println!("\npictures and reports in {}", out.display());

    // The figures the example stands for: fail loudly if they stop holding.
    let quick = rows[0].report.experiment.as_ref().ok_or("no journal")?;
    let slow = rows[1].report.experiment.as_ref().ok_or("no journal")?;
    let errors = |r: &Report| r.requests.failed + r.requests.timed_out + r.requests.dropped;
    if quick.status != "completed"
        || quick.deviated
        || quick.abort.is_some()
        || errors(&rows[0].report) > 0
    {
        return Err("the 20 s failover should meet the hypothesis".into());
    }
    if slow
        .abort
        .as_ref()
        .is_none_or(|a| a.signal != "deadline" || (a.after_start_s - 60.0).abs() > 1e-9)
    {
        return Err("the 90 s failover should be stopped by the 60 s deadline".into());
    }
    Ok(())
}
