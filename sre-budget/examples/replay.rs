//! Replay per-minute counts through the default alert policy and print each transition.
//!
//! ```text
//! cargo run --release -p sre-budget --example replay -- --objective 99.9 --period 30d \
//!     [--for 2m] [--keep-firing-for 10m] [--min-bad-events N] < minutes.csv
//! ```
//!
//! `--objective` takes a fraction (`0.999`) or a percentage (`99.9`); `--period` at most
//! 366 days. Input: CSV with the header `minute,good,bad`; row `k` = events completed in minute
//! `(k−1, k]`. The workbook's four pairs (burn rates derived for `--period`) are evaluated
//! at the end of every minute. Output: one line per transition to firing or resolved,
//! `minute,alert,state,long_error_ratio,short_error_ratio,budget_consumed`, with the
//! alerts named `page_1h_5m`, `page_6h_30m`, `ticket_1d_2h`, `ticket_3d_6h` (the
//! alertnames of the rules `prometheus_rules` prints, so the two can be diffed).
//! A malformed line is reported with its number; the exit code is then 2.

use sre_budget::duration::parse_duration;
use sre_budget::replay::{parse_minutes, replay};
use sre_budget::{AlertConfig, AlertPolicy, Error, Evaluator, Transition};
use sre_core::Objective;
use std::io::{Read, Write};

fn run() -> Result<(), String> {
    let mut objective = None;
    let mut period = None;
    let mut config = AlertConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--objective" => {
                let v = value()?;
                let x: f64 = v.parse().map_err(|_| {
                    format!(
                        "--objective {:?} is not a number, e.g. 0.999 or 99.9",
                        sre_core::error::excerpt(&v)
                    )
                })?;
                objective =
                    Some(Objective::from_fraction_or_percent(x).map_err(|e| e.to_string())?);
            }
            "--period" => period = Some(parse_duration(&value()?).map_err(|e| e.to_string())?),
            "--for" => {
                config.for_duration = parse_duration(&value()?).map_err(|e| e.to_string())?
            }
            "--keep-firing-for" => {
                config.keep_firing_for = parse_duration(&value()?).map_err(|e| e.to_string())?;
            }
            "--min-bad-events" => {
                let v = value()?;
                config.min_bad_events = v.parse().map_err(|_| {
                    format!(
                        "--min-bad-events {:?} is not a whole number",
                        sre_core::error::excerpt(&v)
                    )
                })?;
            }
            other => {
                let other = sre_core::error::excerpt(other);
                return Err(format!("unknown flag {other}; see the example's docs"));
            }
        }
    }
    let objective = objective.ok_or("--objective is required, e.g. --objective 0.999")?;
    let period = period.ok_or("--period is required, e.g. --period 30d")?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let rows = parse_minutes(&input).map_err(|e| e.to_string())?;
    let policy = AlertPolicy::workbook(period).map_err(|e: Error| e.to_string())?;
    let mut ev = Evaluator::new(objective, policy, config).map_err(|e| e.to_string())?;
    let events = replay(&rows, &mut ev, 0).map_err(|e| e.to_string())?;
    let fmt = |r: Option<f64>| r.map_or_else(|| "nodata".to_owned(), |x| x.to_string());
    let mut out = std::io::stdout().lock();
    for e in events {
        let state = match e.transition {
            Transition::Firing => "firing",
            Transition::Resolved => "resolved",
            _ => continue,
        };
        let _ = writeln!(
            out,
            "{},{},{state},{},{},{}",
            e.minute,
            ev.pair(e.event.pair).name(),
            fmt(e.event.long.error_ratio),
            fmt(e.event.short.error_ratio),
            fmt(e.event.budget_consumed),
        );
    }
    Ok(())
}

fn main() {
    if let Err(msg) = run() {
        eprintln!("replay: {msg}");
        std::process::exit(2);
    }
}
