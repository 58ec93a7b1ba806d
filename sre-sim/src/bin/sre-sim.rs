//! `sre-sim`: run a scenario file, write its report (JSON) and picture (SVG).
//!
//! ```text
//! sre-sim SCENARIO.toml [--out DIR] [--seed N]
//! ```
//!
//! Writes `DIR/<name>.json` and `DIR/<name>.svg` (`<name>` is the file's stem; `DIR`
//! defaults to the current directory) and prints a short summary. The same file and seed
//! always give byte-identical output. A scenario with a `[rollout]` table also gets
//! `DIR/<name>.rollout.json` and `DIR/<name>.rollout.svg` (`sre_sim::rollout`). A malformed or inconsistent scenario is refused
//! with a message naming the field; the exit status is then 2.

use sre_sim::svg::render_svg;
use sre_sim::{Scenario, Simulation};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: sre-sim SCENARIO.toml [--out DIR] [--seed N]";

fn run() -> Result<(), (u8, String)> {
    // OS strings: a path that is not UTF-8 is still a path (`env::args` would panic).
    let mut args = std::env::args_os().skip(1);
    let mut file = None;
    let mut out = PathBuf::from(".");
    let mut seed = None;
    while let Some(arg) = args.next() {
        let a = arg.to_string_lossy();
        match a.as_ref() {
            "--out" => {
                out = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or((2, USAGE.to_owned()))?
            }
            "--seed" => {
                let v = args.next().ok_or((2, USAGE.to_owned()))?;
                let v = v.to_string_lossy();
                seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| (2, format!("--seed {v}: not a whole number; {USAGE}")))?,
                );
            }
            "-h" | "--help" => return Err((0, USAGE.to_owned())),
            _ if file.is_none() && !a.starts_with('-') => file = Some(PathBuf::from(&arg)),
            _ => return Err((2, format!("unexpected argument `{a}`; {USAGE}"))),
        }
    }
    let file = file.ok_or((2, USAGE.to_owned()))?;
    // The output folder must be writable before the run, not found wanting after it.
    std::fs::create_dir_all(&out)
        .map_err(|e| (1, format!("cannot create {}: {e}", out.display())))?;
    let probe = out.join(format!(".sre-sim-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| (1, format!("cannot write in {}: {e}", out.display())))?;
    let _ = std::fs::remove_file(&probe);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| (1, format!("cannot read {}: {e}", file.display())))?;
    let mut scenario =
        Scenario::from_toml(&text).map_err(|e| (2, format!("{}: {e}", file.display())))?;
    if let Some(s) = seed {
        scenario.seed = s;
    }
    let rollout = scenario.rollout.is_some().then(|| scenario.clone());
    let sim = Simulation::new(scenario).map_err(|e| (2, format!("{}: {e}", file.display())))?;
    let bands = sim.bands();
    let report = sim.run().map_err(|e| (1, e.to_string()))?;
    let stem = file
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let json_path = out.join(format!("{stem}.json"));
    let svg_path = out.join(format!("{stem}.svg"));
    let json = report.to_json().map_err(|e| (1, e.to_string()))?;
    std::fs::write(&json_path, json + "\n")
        .map_err(|e| (1, format!("cannot write {}: {e}", json_path.display())))?;
    std::fs::write(&svg_path, render_svg(&report, &report.scenario, &bands))
        .map_err(|e| (1, format!("cannot write {}: {e}", svg_path.display())))?;
    println!(
        "{}: {} requests, p99 {:.1} ms, SLO {} ({:.4} % good), burn rate {:.2}, {:.1} % of the period's error budget spent, {} alerts fired, {} scaling actions, {:.1} instance-hours",
        report.scenario,
        report.requests.sent,
        report.latency.p99_ms,
        if report.slo.met { "met" } else { "missed" },
        100.0 * report.slo.compliance.unwrap_or(1.0),
        report.slo.burn_rate,
        100.0 * report.slo.budget_spent,
        report.fired().count(),
        report.scaling.len(),
        report.capacity.instance_hours,
    );
    println!("report:  {}", json_path.display());
    println!("picture: {}", svg_path.display());
    if let Some(scenario) = rollout {
        let r = sre_sim::rollout::run_rollout(&scenario).map_err(|e| (1, e.to_string()))?;
        let json_path = out.join(format!("{stem}.rollout.json"));
        let svg_path = out.join(format!("{stem}.rollout.svg"));
        let json = r.to_json().map_err(|e| (1, e.to_string()))?;
        std::fs::write(&json_path, json + "\n")
            .map_err(|e| (1, format!("cannot write {}: {e}", json_path.display())))?;
        std::fs::write(
            &svg_path,
            sre_sim::rollout::render_rollout_svg(&r, &r.scenario),
        )
        .map_err(|e| (1, format!("cannot write {}: {e}", svg_path.display())))?;
        println!(
            "rollout: {:?}; {}",
            r.outcome,
            r.decisions
                .last()
                .map_or("no decision", |d| d.reason.as_str())
        );
        println!("rollout report:  {}", json_path.display());
        println!("rollout picture: {}", svg_path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err((0, msg)) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err((code, msg)) => {
            eprintln!("sre-sim: {msg}");
            ExitCode::from(code)
        }
    }
}
