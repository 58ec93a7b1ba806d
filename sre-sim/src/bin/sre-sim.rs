//! `sre-sim`: run a scenario file, write its report (JSON) and picture (SVG); run a
//! sweep of scenarios, or a shard of one; merge sweep shards into one table.
//!
//! ```text
//! sre-sim SCENARIO.toml [--out DIR] [--seed N]
//! sre-sim sweep GRID.toml --out DIR [--shard K/N] [--jobs J]
//! sre-sim merge DIR... [--out DIR|STEM]
//! ```
//!
//! Writes `DIR/<name>.json` and `DIR/<name>.svg` (`<name>` is the file's stem; `DIR`
//! defaults to the current directory) and prints a short summary. The same file and seed
//! always give byte-identical output. A scenario with a `[rollout]` table also gets
//! `DIR/<name>.rollout.json` and `DIR/<name>.rollout.svg` (`sre_sim::rollout`). A malformed or inconsistent scenario is refused
//! with a message naming the field; the exit status is then 2.
//!
//! `sweep` runs the points of a grid file (`sre_sim::sweep`: a base scenario and lists of
//! values at dotted paths) and writes `DIR/points/<point>.json` for each and
//! `DIR/manifest-K-of-N.json`. `--shard K/N` (1-based, default `1/1`) runs only the
//! points whose index `i` has `i mod N = K − 1`; `--jobs J` runs J at a time (default: one
//! per core). Every point of the grid is checked before any runs.
//!
//! `merge` reads the point files of the given folders (all shards of one grid) and writes
//! `sweep.csv` and `sweep.json` into `--out` if it is a folder, else `STEM.csv` and
//! `STEM.json` (default: the current folder). It refuses files of different grids, two
//! different files for one point, and missing points, naming them. The table is the same
//! bytes however the grid was sharded.
//!
//! Exit status: 0 on success; 2 for bad input (usage, a scenario, a grid, a merge that
//! cannot be made); 1 when a file cannot be read or written, or a run fails.

use sre_sim::svg::render_svg;
use sre_sim::sweep::{Grid, Shard, merge, run_shard};
use sre_sim::{Error, Scenario, Simulation};
use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: sre-sim SCENARIO.toml [--out DIR] [--seed N]
       sre-sim sweep GRID.toml --out DIR [--shard K/N] [--jobs J]
       sre-sim merge DIR... [--out DIR|STEM]";

fn run() -> Result<(), (u8, String)> {
    // OS strings: a path that is not UTF-8 is still a path (`env::args` would panic).
    let mut args = std::env::args_os().skip(1).peekable();
    match args.peek().and_then(|a| a.to_str()) {
        Some("sweep") => {
            args.next();
            return sweep(args);
        }
        Some("merge") => {
            args.next();
            return merge_dirs(args);
        }
        _ => {}
    }
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

/// The exit status and message of a library error: 1 for files and failed runs, else 2.
fn failure(e: &Error) -> (u8, String) {
    let code = match e {
        Error::Io { .. } | Error::Internal(_) => 1,
        Error::Point { source, .. } => failure(source).0,
        _ => 2,
    };
    (code, e.to_string())
}

/// The value after an option.
fn value(
    args: &mut impl Iterator<Item = OsString>,
    option: &str,
) -> Result<OsString, (u8, String)> {
    args.next()
        .ok_or_else(|| (2, format!("{option} needs a value; {USAGE}")))
}

fn sweep(mut args: impl Iterator<Item = OsString>) -> Result<(), (u8, String)> {
    let mut file = None;
    let mut out = None;
    let mut shard = Shard::ALL;
    let mut jobs = None;
    while let Some(arg) = args.next() {
        let a = arg.to_string_lossy();
        match a.as_ref() {
            "--out" => out = Some(PathBuf::from(value(&mut args, "--out")?)),
            "--shard" => {
                let v = value(&mut args, "--shard")?;
                shard = v.to_string_lossy().parse().map_err(|e| failure(&e))?;
            }
            "--jobs" => {
                let v = value(&mut args, "--jobs")?;
                let v = v.to_string_lossy();
                jobs = Some(v.parse::<NonZeroUsize>().map_err(|_| {
                    (
                        2,
                        format!("--jobs {v}: give a whole number of threads, 1 or more; {USAGE}"),
                    )
                })?);
            }
            "-h" | "--help" => return Err((0, USAGE.to_owned())),
            _ if file.is_none() && !a.starts_with('-') => file = Some(PathBuf::from(&arg)),
            _ => return Err((2, format!("unexpected argument `{a}`; {USAGE}"))),
        }
    }
    let file = file.ok_or_else(|| (2, format!("sweep needs a grid file; {USAGE}")))?;
    let out = out.ok_or_else(|| (2, format!("sweep needs --out DIR; {USAGE}")))?;
    let grid = Grid::from_file(&file).map_err(|e| {
        let (code, msg) = failure(&e);
        (code, format!("{}: {msg}", file.display()))
    })?;
    let run = run_shard(&grid, shard, jobs, &out).map_err(|e| {
        let (code, msg) = failure(&e);
        (code, format!("{}: {msg}", file.display()))
    })?;
    println!(
        "sweep {}: grid {} of {} points, shard {}: {} points written to {}",
        file.display(),
        grid.hash(),
        grid.len(),
        run.shard,
        run.points.len(),
        out.join("points").display()
    );
    println!("manifest: {}", run.manifest.display());
    Ok(())
}

fn merge_dirs(mut args: impl Iterator<Item = OsString>) -> Result<(), (u8, String)> {
    let mut dirs = Vec::new();
    let mut out = PathBuf::from(".");
    while let Some(arg) = args.next() {
        let a = arg.to_string_lossy();
        match a.as_ref() {
            "--out" => out = PathBuf::from(value(&mut args, "--out")?),
            "-h" | "--help" => return Err((0, USAGE.to_owned())),
            _ if !a.starts_with('-') => dirs.push(PathBuf::from(&arg)),
            _ => return Err((2, format!("unexpected argument `{a}`; {USAGE}"))),
        }
    }
    if dirs.is_empty() {
        return Err((2, format!("merge needs at least one sweep folder; {USAGE}")));
    }
    let table = merge(&dirs).map_err(|e| failure(&e))?;
    let (csv_path, json_path) = if out.is_dir() {
        (out.join("sweep.csv"), out.join("sweep.json"))
    } else {
        let with = |ext: &str| {
            let mut s = out.clone().into_os_string();
            s.push(ext);
            PathBuf::from(s)
        };
        (with(".csv"), with(".json"))
    };
    if let Some(parent) = csv_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| (1, format!("cannot create {}: {e}", parent.display())))?;
    }
    let json = table.to_json().map_err(|e| failure(&e))?;
    write(&csv_path, table.to_csv().as_bytes())?;
    write(&json_path, json.as_bytes())?;
    println!(
        "merged {} points of grid {} from {} folder(s)",
        table.rows.len(),
        table.grid_hash,
        dirs.len()
    );
    println!("table: {}", csv_path.display());
    println!("table: {}", json_path.display());
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), (u8, String)> {
    std::fs::write(path, bytes).map_err(|e| (1, format!("cannot write {}: {e}", path.display())))
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
