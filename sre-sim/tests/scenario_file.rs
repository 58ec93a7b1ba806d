//! Scenario files: the shipped one runs; malformed or inconsistent ones are refused with
//! a message naming the field; the same file and seed give a byte-identical report.
#![cfg(feature = "serde")]

use sre_sim::{Scenario, Simulation};
use std::process::Command;

const SHIPPED: &str = include_str!("../scenarios/flash_sale.toml");

/// The shipped scenario, shortened to 30 simulated minutes for a debug-build test.
fn short() -> String {
    SHIPPED.replace("duration = \"1d\"", "duration = \"30m\"")
}

fn err(text: &str) -> String {
    Scenario::from_toml(text)
        .and_then(Simulation::new)
        .map(|_| ())
        .expect_err("the scenario should be refused")
        .to_string()
}

#[test]
fn shipped_scenario_is_valid() {
    let s = Scenario::from_toml(SHIPPED).unwrap();
    assert_eq!(s.servers.initial, 16);
    assert_eq!(s.traffic.events.len(), 1);
    Simulation::new(s).unwrap();
}

#[test]
fn errors_name_the_field() {
    for (from, to, field) in [
        ("initial = 16", "intial = 16", "intial"),
        ("warmup = \"2m\"", "warmup = \"2 fortnights\"", "unit"),
        ("warmup = \"2m\"", "warmup = 120", "warmup"),
        ("min = 4", "min = 400", "servers.min"),
        ("median = \"35ms\"\n", "", "service.median"),
        ("objective = 99.9 ", "objective = 100.0 ", "slo.objective"),
        ("mean_rps = 200.0", "mean_rps = -3.0", "traffic.mean_rps"),
        (
            "diurnal_amplitude = 0.3",
            "diurnal_amplitude = 1.5",
            "traffic.diurnal_amplitude",
        ),
        (
            "multiplier = 2.0",
            "multiplier = 0.0",
            "traffic.events[0].multiplier",
        ),
        ("policy = \"hpa\"", "policy = \"magic\"", "magic"),
        ("sigma = 0.5", "sigma = -0.5", "service.sigma"),
        (
            "latency_threshold = \"250ms\"",
            "latency_threshold = \"1ms\"",
            "slo.latency_threshold",
        ),
        (
            "report_interval = \"5m\"",
            "report_interval = \"2d\"",
            "report_interval",
        ),
    ] {
        assert!(SHIPPED.contains(from), "{from}");
        let msg = err(&SHIPPED.replacen(from, to, 1));
        assert!(msg.contains(field), "{from} → {to}: {msg}");
    }
    let out_of_order = format!(
        "{SHIPPED}\n[[schedule]]\nat = \"2h\"\nservers = 10\n\n[[schedule]]\nat = \"1h\"\nservers = 12\n"
    );
    assert!(err(&out_of_order).contains("schedule[1].at"));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let run = |text: &str| {
        let s = Scenario::from_toml(text).unwrap();
        Simulation::new(s)
            .unwrap()
            .run()
            .unwrap()
            .to_json()
            .unwrap()
    };
    let a = run(&short());
    let b = run(&short());
    assert_eq!(a, b);
    let c = run(&short().replace("seed = 7", "seed = 8"));
    assert_ne!(a, c);
    // And the report reads back.
    let r: sre_sim::Report = serde_json::from_str(&a).unwrap();
    assert!(r.requests.sent > 300_000);
}

#[test]
fn binary_writes_report_and_picture_and_refuses_bad_files() {
    let dir = std::env::temp_dir().join(format!("sre-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("short.toml");
    std::fs::write(&file, short()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sre-sim"))
        .arg(&file)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = std::fs::read_to_string(dir.join("short.json")).unwrap();
    let svg = std::fs::read_to_string(dir.join("short.svg")).unwrap();
    assert!(json.contains("\"timeline\""));
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    for label in [
        "Load (requests per second)",
        "Servers",
        "Latency",
        "Error budget remaining",
    ] {
        assert!(svg.contains(label), "{label}");
    }

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, short().replace("min = 4", "min = 400")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sre-sim"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("servers.min"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Values that parse but that the simulator cannot honour (a pool of a trillion servers,
/// an interval that would make billions of boundaries, times past the end of `u64`
/// nanoseconds) get an error naming the field, not a panic or an out-of-memory abort.
#[test]
fn extreme_values_are_refused_by_field() {
    let mut failures = Vec::new();
    for (from, to, field) in [
        ("max = 100", "max = 1000000000000", "servers.max"),
        (
            "report_interval = \"5m\"",
            "report_interval = \"1ns\"",
            "report_interval",
        ),
        (
            "evaluation_interval = \"1m\"",
            "evaluation_interval = \"1ns\"",
            "slo.evaluation_interval",
        ),
        (
            "control_interval = \"15s\"",
            "control_interval = \"1ns\"",
            "autoscaler.control_interval",
        ),
        (
            "duration = \"1d\"",
            "duration = \"200000000000000d\"",
            "duration",
        ),
        ("period = \"30d\"", "period = \"1ns\"", "slo.period"),
        ("sigma = 0.5", "sigma = 40", "service.sigma"),
        ("sigma = 0.5", "sigma = 1e300", "service.sigma"),
        (
            "median = \"35ms\"",
            "median = \"200000000000000d\"",
            "service.sigma",
        ),
        ("period = \"30d\"", "period = \"1h\"", "slo.period"),
    ] {
        assert!(SHIPPED.contains(from), "{from}");
        let text = SHIPPED.replacen(from, to, 1);
        let result = std::panic::catch_unwind(|| {
            Scenario::from_toml(&text)
                .and_then(Simulation::new)
                .map(|s| s.bands().len())
        });
        match result {
            Err(_) => failures.push(format!("{from} → {to}: panicked")),
            Ok(Ok(_)) => failures.push(format!("{from} → {to}: accepted")),
            Ok(Err(e)) if !e.to_string().contains(field) => {
                failures.push(format!("{from} → {to}: {e}"));
            }
            Ok(Err(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Without an autoscaler too: a pool of a trillion would be allocated up front.
    let trillion = SHIPPED
        .replacen("policy = \"hpa\"", "policy = \"none\"", 1)
        .replacen("initial = 16", "initial = 1000000000000", 1)
        .replacen("max = 100", "max = 1000000000000", 1);
    assert!(err(&trillion).contains("servers.max"));
}

/// Huge but harmless values (times past the run's end: a timeout, a warm-up, an event
/// that never comes or never ends) run without a panic.
#[test]
fn huge_harmless_durations_run() {
    let ten_minutes = SHIPPED.replacen("duration = \"1d\"", "duration = \"10m\"", 1);
    for (from, to) in [
        ("timeout = \"2s\"", "timeout = \"213000000000000d\""),
        ("warmup = \"2m\"", "warmup = \"213000000000000d\""),
        ("start = \"18h\"", "start = \"213000000000000d\""),
    ] {
        let text = ten_minutes.replacen(from, to, 1).replacen(
            "duration = \"2h\"",
            "duration = \"213000000000000d\"",
            1,
        );
        let sim = Simulation::new(Scenario::from_toml(&text).unwrap()).unwrap();
        assert_eq!(sim.bands().len(), 1);
        let r = sim.run().unwrap();
        assert!(r.requests.sent > 0, "{from} → {to}");
    }
}
