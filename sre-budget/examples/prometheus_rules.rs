//! Print the Prometheus recording and alerting rules equivalent to the in-process
//! evaluator, for the workbook policy of an SLO.
//!
//! ```text
//! cargo run -p sre-budget --example prometheus_rules -- [--objective 0.999] [--period 30d] \
//!     [--name checkout] [--good 'http_requests_total{code!~"5.."}'] [--total http_requests_total] \
//!     [--for 2m] [--keep-firing-for 10m] [--min-bad-events N] > slo.rules.yml
//! promtool check rules slo.rules.yml
//! ```

use sre_budget::duration::parse_duration;
use sre_budget::rules::{RuleOptions, prometheus_rules};
use sre_budget::{AlertPolicy, Indicator, Slo, TimeWindow};
use sre_core::Objective;

fn run() -> Result<String, String> {
    let mut objective = 0.999;
    let mut period = parse_duration("30d").map_err(|e| e.to_string())?;
    let mut name = "checkout".to_owned();
    let mut good = "http_requests_total{job=\"checkout\",code!~\"5..\"}".to_owned();
    let mut total = "http_requests_total{job=\"checkout\"}".to_owned();
    let mut opts = RuleOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let v = args.next().ok_or(format!("{flag} needs a value"))?;
        let dur = |v: &str| parse_duration(v).map_err(|e| e.to_string());
        match flag.as_str() {
            "--objective" => {
                objective = v
                    .parse()
                    .map_err(|_| format!("--objective {v:?} is not a number, e.g. 0.999"))?;
            }
            "--period" => period = dur(&v)?,
            "--name" => name = v,
            "--good" => good = v,
            "--total" => total = v,
            "--for" => opts.config.for_duration = dur(&v)?,
            "--keep-firing-for" => opts.config.keep_firing_for = dur(&v)?,
            "--min-bad-events" => {
                opts.config.min_bad_events = v
                    .parse()
                    .map_err(|_| format!("--min-bad-events {v:?} is not a whole number"))?;
            }
            other => return Err(format!("unknown flag {other}; see the example's docs")),
        }
    }
    let slo = Slo::new(
        name,
        Objective::new(objective).map_err(|e| e.to_string())?,
        TimeWindow::Rolling(period),
        Indicator::RatioMetric { good, total },
    )
    .map_err(|e| e.to_string())?;
    let policy = AlertPolicy::workbook(slo.period()).map_err(|e| e.to_string())?;
    Ok(prometheus_rules(&slo, &policy, &opts))
}

fn main() {
    match run() {
        Ok(yaml) => print!("{yaml}"),
        Err(msg) => {
            eprintln!("prometheus_rules: {msg}");
            std::process::exit(2);
        }
    }
}
