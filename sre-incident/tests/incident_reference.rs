//! Every vector of `incident_vectors.json`: timelines and their TTx, MTTx summaries
//! (median, p90, geometric mean and its interval), interruption classes, shift load,
//! rotations, toil, the detectability calculator, log-normal fits and log t-tests.
//! Fails on a category it does not know.

use core::time::Duration;
use serde_json::Value;
use sre_core::Timestamp;
use sre_incident::civil::{LocalTime, parse_utc};
use sre_incident::oncall::{self, Interruption};
use sre_incident::stats::{self, LogNormal};
use sre_incident::{EventKind, Timeline};

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn ts(v: &Value) -> Option<Timestamp> {
    v.as_str().map(|s| parse_utc(s).unwrap())
}

fn close(id: &str, what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{id}: {what}: got {got}, want {want}"
    );
}

fn close_opt(id: &str, what: &str, got: Option<f64>, want: &Value) {
    match (got, want.is_null()) {
        (None, true) => {}
        (Some(g), false) => close(id, what, g, f(want)),
        _ => panic!("{id}: {what}: got {got:?}, want {want}"),
    }
}

const KINDS: [(&str, EventKind); 6] = [
    ("started", EventKind::ImpactStarted),
    ("detected", EventKind::Detected),
    ("triggered", EventKind::Triggered),
    ("acknowledged", EventKind::Acknowledged),
    ("mitigated", EventKind::Mitigated),
    ("resolved", EventKind::Resolved),
];

fn timeline(events: &Value) -> Timeline {
    Timeline::new(
        KINDS
            .iter()
            .filter_map(|(k, kind)| ts(&events[*k]).map(|t| (*kind, t))),
    )
    .unwrap()
}

type Metric = fn(&Timeline) -> Option<Duration>;
const METRICS: [(&str, Metric); 5] = [
    ("ttd", Timeline::ttd),
    ("tta", Timeline::tta),
    ("ttm", Timeline::ttm),
    ("ttr", Timeline::ttr),
    ("duration", Timeline::duration),
];

fn check_timeline(id: &str, v: &Value) {
    let t = timeline(&v["input"]["events"]);
    for (name, m) in METRICS {
        let want = &v["expected"][format!("{name}_s")];
        assert_eq!(m(&t).map(|d| d.as_secs()), want.as_u64(), "{id}: {name}");
    }
}

fn check_mttx(id: &str, v: &Value) {
    let ts: Vec<Timeline> = v["input"]["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(timeline)
        .collect();
    for (name, m) in METRICS {
        let xs: Vec<f64> = ts.iter().filter_map(m).map(|d| d.as_secs_f64()).collect();
        let s = stats::summarize(&xs).unwrap();
        let w = &v["expected"][name];
        assert_eq!(s.n as u64, u(&w["n"]), "{id}: {name} n");
        close_opt(id, name, s.mean, &w["mean_s"]);
        close_opt(id, name, s.median, &w["median_s"]);
        close_opt(id, name, s.p90, &w["p90_s"]);
        close_opt(id, name, s.geomean, &w["geomean_s"]);
        close_opt(
            id,
            name,
            s.geomean_ci95.map(|c| c.0),
            &w["geomean_ci95_low_s"],
        );
        close_opt(
            id,
            name,
            s.geomean_ci95.map(|c| c.1),
            &w["geomean_ci95_high_s"],
        );
    }
}

fn check_class(id: &str, v: &Value) {
    let t = ts(&v["input"]["timestamp"]).unwrap();
    let off = i32::try_from(v["input"]["utc_offset_min"].as_i64().unwrap()).unwrap();
    let l = LocalTime::at(t, off);
    let x = &v["expected"];
    assert_eq!(l.to_string(), x["local_time"].as_str().unwrap(), "{id}");
    assert_eq!(
        l.weekday_name(),
        x["local_weekday"].as_str().unwrap(),
        "{id}"
    );
    assert_eq!(
        Interruption::of(t, off).as_str(),
        x["class"].as_str().unwrap(),
        "{id}"
    );
}

fn check_shift(id: &str, v: &Value) {
    let i = &v["input"];
    let pages: Vec<Timestamp> = i["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(ts)
        .collect();
    let r = oncall::shift_load(
        ts(&i["schedule_start"]).unwrap(),
        Duration::from_secs(3600 * u(&i["shift_hours"])),
        usize::try_from(u(&i["shifts"])).unwrap(),
        Duration::from_secs(3600 * u(&i["hours_per_incident"])),
        &pages,
    )
    .unwrap();
    let x = &v["expected"];
    let list = |v: &Value| v.as_array().unwrap().iter().map(u).collect::<Vec<u64>>();
    assert_eq!(
        r.max_incidents_per_shift,
        u(&x["max_incidents_per_shift"]),
        "{id}"
    );
    assert_eq!(r.pages_per_shift, list(&x["pages_per_shift"]), "{id}");
    assert_eq!(
        r.pages_outside_schedule,
        u(&x["pages_outside_schedule"]),
        "{id}"
    );
    let over: Vec<u64> = r.overloaded_shifts.iter().map(|&k| k as u64).collect();
    assert_eq!(over, list(&x["overloaded_shifts"]), "{id}");
    assert_eq!(r.within_limit, x["within_limit"].as_bool().unwrap(), "{id}");
}

fn check_rotation(id: &str, v: &Value) {
    let i = &v["input"];
    let r = oncall::rotation(
        u(&i["engineers"]),
        u(&i["on_call_at_once"]),
        f(&i["max_oncall_fraction"]),
    )
    .unwrap();
    let x = &v["expected"];
    close(id, "fraction", r.oncall_fraction, f(&x["oncall_fraction"]));
    assert_eq!(r.within_limit, x["within_limit"].as_bool().unwrap(), "{id}");
    assert_eq!(r.min_engineers, u(&x["min_engineers"]), "{id}");
}

fn check_toil(id: &str, v: &Value) {
    let i = &v["input"];
    let (frac, ok) = oncall::toil(
        f(&i["toil_hours"]),
        f(&i["total_hours"]),
        f(&i["max_toil_fraction"]),
    )
    .unwrap();
    close(id, "toil", frac, f(&v["expected"]["toil_fraction"]));
    assert_eq!(ok, v["expected"]["within_limit"].as_bool().unwrap(), "{id}");
}

fn check_power(id: &str, v: &Value) {
    let i = &v["input"];
    let (s, r, a) = (f(&i["sigma_log"]), f(&i["reduction"]), f(&i["alpha"]));
    let x = &v["expected"];
    close(
        id,
        "power",
        stats::power(s, r, a, u(&i["n_per_group"])).unwrap(),
        f(&x["power_at_n"]),
    );
    let n = stats::incidents_needed(s, r, a, f(&i["target_power"])).unwrap();
    close(id, "n", n, f(&x["n_for_target"]));
    close(id, "n ceil", n.ceil(), f(&x["n_for_target_ceil"]));
}

fn check_lognormal(id: &str, v: &Value) {
    let i = &v["input"];
    let d = LogNormal::from_p50_p95(f(&i["p50"]), f(&i["p95"])).unwrap();
    let x = &v["expected"];
    close(id, "mu", d.mu, f(&x["mu"]));
    close(id, "sigma", d.sigma, f(&x["sigma"]));
    close(id, "mean", d.mean(), f(&x["mean"]));
    close(id, "p05", d.quantile(0.05), f(&x["p05"]));
    close(id, "p99", d.quantile(0.99), f(&x["p99"]));
}

fn check_ttest(id: &str, v: &Value) {
    let i = &v["input"];
    let xs = |v: &Value| v.as_array().unwrap().iter().map(f).collect::<Vec<f64>>();
    let r = stats::log_ttest(&xs(&i["before_s"]), &xs(&i["after_s"]), f(&i["alpha"])).unwrap();
    let x = &v["expected"];
    close(id, "t", r.t_statistic, f(&x["t_statistic"]));
    assert_eq!(r.df, u(&x["df"]), "{id}");
    close(id, "p", r.p_value, f(&x["p_value"]));
    assert_eq!(r.significant, x["significant"].as_bool().unwrap(), "{id}");
    close(id, "mean ratio", r.mean_ratio, f(&x["mean_ratio"]));
    close(id, "geomean ratio", r.geomean_ratio, f(&x["geomean_ratio"]));
    assert_eq!(
        r.naive_improved,
        x["naive_improved"].as_bool().unwrap(),
        "{id}"
    );
}

#[test]
fn every_vector() {
    let doc = sre_reference::load("incident_vectors.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(!vectors.is_empty());
    for v in vectors {
        let id = v["id"].as_str().unwrap();
        match v["category"].as_str().unwrap() {
            "timeline" => check_timeline(id, v),
            "mttx_summary" => check_mttx(id, v),
            "interruption_class" => check_class(id, v),
            "shift_load" => check_shift(id, v),
            "oncall_rotation" => check_rotation(id, v),
            "toil" => check_toil(id, v),
            "power" => check_power(id, v),
            "lognormal_fit" => check_lognormal(id, v),
            "log_ttest" => check_ttest(id, v),
            other => panic!("{id}: unknown category {other:?}"),
        }
    }
}
