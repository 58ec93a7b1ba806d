//! Regression tests for inputs that once hung, aborted or gave a wrong verdict, and the
//! report's invariant that every request sent ends exactly once.
#![cfg(feature = "serde")]

use core::time::Duration;
use sre_sim::scenario::{Floor, Span};
use sre_sim::{Scenario, ServiceTime, Simulation};
use std::sync::mpsc;

/// The issue's `base.toml`.
const BASE: &str = r#"
name = "base"
seed = 7
duration = "1h"
report_interval = "5m"

[traffic]
mean_rps = 100.0

[service]
distribution = "exponential"
mean = "10ms"

[servers]
initial = 4
min = 1
max = 10

[slo]
objective = 99.9
latency_threshold = "250ms"
"#;

/// Runs `f` on a thread and fails if it takes longer than `secs` (a hang becomes a
/// failure instead of a stuck test binary).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: did not finish within {secs} s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

/// D5: a planned floor of 0 servers is below `servers.min` (≥ 1) and is refused by field.
#[test]
fn schedule_outside_the_pool_bounds_is_refused() {
    let text = format!("{BASE}\n[[schedule]]\nat = \"10m\"\nservers = 0\n");
    let e = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(
        e.contains("schedule[0].servers") && e.contains("servers.min"),
        "{e}"
    );
    let mut s = Scenario::from_toml(BASE).unwrap();
    s.schedule.push(Floor {
        at: Span::secs(600),
        servers: 11,
        label: String::new(),
    });
    assert!(
        s.validate()
            .unwrap_err()
            .to_string()
            .contains("schedule[0].servers")
    );
}

/// D5: a controller that asks for 0 servers is held to `servers.min`, so every request
/// is served, and the report's counts add up.
#[test]
fn a_controller_cannot_empty_the_pool() {
    use sre_scaling::{Decision, Inputs, Observation, Policy, Reason};
    use sre_sim::control::PolicyController;
    #[derive(Debug)]
    struct Zero;
    impl Policy for Zero {
        type State = ();
        fn initial_state(&self) {}
        fn decide(
            &self,
            now: sre_core::Timestamp,
            obs: &Observation<'_>,
            _: &(),
        ) -> Result<Decision, sre_scaling::Error> {
            Ok(Decision::new(
                now,
                obs.current,
                0,
                Inputs::default(),
                Reason::TargetTracking,
            ))
        }
        fn commit(
            &self,
            _: &mut (),
            _: sre_core::Timestamp,
            _: &Observation<'_>,
            _: &Decision,
            _: u32,
        ) {
        }
    }
    let mut s = Scenario::from_toml(BASE).unwrap();
    s.duration = Span::secs(1200);
    let r = Simulation::new(s)
        .unwrap()
        .with_controller(Box::new(PolicyController::new("zero", Zero)))
        .run()
        .unwrap();
    assert!(r.requests.adds_up(), "{:?}", r.requests);
    assert_eq!(r.requests.never_served, 0);
    assert!(r.scaling.iter().all(|a| a.to >= 1), "{:?}", r.scaling);
}

/// D2: a service time whose completion saturates the clock (`u64::MAX` ns) ends; the
/// requests are counted once each.
#[test]
fn completions_at_the_end_of_the_clock_do_not_hang() {
    let r = within(60, "run_requests with a service of u64::MAX", || {
        let service = ServiceTime::exponential(Duration::from_millis(10)).unwrap();
        let s = Scenario::fixed_pool("max", 10.0, service, 2, Duration::from_secs(60));
        let reqs = (0..10u64).map(|i| (i * 1_000_000_000, u64::MAX));
        Simulation::new(s).unwrap().run_requests(reqs).unwrap()
    });
    assert_eq!(r.requests.sent, 10);
    assert!(r.requests.adds_up(), "{:?}", r.requests);

    let from = "distribution = \"exponential\"\nmean = \"10ms\"";
    for (to, threshold) in [
        (
            "distribution = \"log_normal\"\nmedian = \"1s\"\nsigma = 6.3",
            "500d",
        ),
        ("distribution = \"fixed\"\ntime = \"213503d\"", "213503d"),
    ] {
        let text = BASE
            .replacen(from, to, 1)
            .replacen("250ms", threshold, 1)
            .replacen("\"1h\"", "\"10m\"", 1);
        let r = within(60, to, move || {
            Simulation::new(Scenario::from_toml(&text).unwrap())
                .unwrap()
                .run()
                .unwrap()
        });
        assert!(
            r.requests.sent > 0 && r.requests.adds_up(),
            "{to}: {:?}",
            r.requests
        );
    }
}

/// D1: a rate that would generate 3.6 × 10^15 arrivals is refused before the run, with
/// the numbers; so is a queue limit past the bound.
#[test]
fn request_count_and_queue_are_bounded() {
    let e = Scenario::from_toml(&BASE.replacen("100.0", "1e12", 1))
        .and_then(Simulation::new)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("traffic.mean_rps") && e.contains("3.6000e15") && e.contains("1e9"),
        "{e}"
    );
    let e = Scenario::from_toml(&BASE.replacen(
        "mean = \"10ms\"",
        "mean = \"10ms\"\nmax_queue = 100000000000",
        1,
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("service.max_queue") && e.contains(&sre_sim::limits::MAX_QUEUE.to_string()),
        "{e}"
    );
    let e = Scenario::from_toml(&BASE.replacen("\"1h\"", "\"8000d\"", 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("duration"), "{e}");
}

/// D1: with no `max_queue` an overloaded pool's queue stops at the documented default;
/// the rest are dropped (and counted).
#[test]
fn the_queue_is_bounded_by_default() {
    use sre_sim::limits::DEFAULT_MAX_QUEUE;
    // 2 × 10^6 requests in 1 s at one server of 1 s: all but the first wait or drop.
    let service = ServiceTime::fixed(Duration::from_secs(1)).unwrap();
    let s = Scenario::fixed_pool("flood", 1.0, service, 1, Duration::from_secs(2));
    let n = 2 * DEFAULT_MAX_QUEUE;
    let reqs = (0..n).map(|i| (i / 2, 1_000_000_000));
    let r = Simulation::new(s).unwrap().run_requests(reqs).unwrap();
    assert!(r.requests.adds_up(), "{:?}", r.requests);
    assert_eq!(r.requests.sent, n);
    // One starts at once, DEFAULT_MAX_QUEUE wait, the rest are dropped.
    assert_eq!(r.requests.dropped, n - 1 - DEFAULT_MAX_QUEUE);
}

/// D4: 86,400 traffic events (one a second for a day) build the rate profile in
/// O(n log n): the same profile as adding them one at a time.
#[test]
fn many_traffic_events_build_fast() {
    use sre_sim::scenario::TrafficEvent;
    let mut s = Scenario::from_toml(BASE).unwrap();
    s.duration = Span::secs(86_400);
    s.report_interval = Span::secs(3600);
    s.traffic.mean_rps = 1.0;
    s.traffic.events = (0..86_400u64)
        .map(|i| TrafficEvent {
            name: String::new(),
            start: Span::secs(i),
            duration: Span(Duration::from_millis(500)),
            multiplier: 1.0 + (i % 7) as f64,
        })
        .collect();
    let events = s.traffic.events.clone();
    let p = within(20, "86,400 events", move || {
        Simulation::new(s).unwrap().rate_profile().unwrap()
    });
    // ∫ rate: half of each second at the event's multiplier, half at 1.
    let want: f64 = (0..86_400u64)
        .map(|i| 0.5 * (1.0 + (i % 7) as f64) + 0.5)
        .sum();
    assert!(
        (p.total() - want).abs() < 1e-6 * want,
        "{} vs {want}",
        p.total()
    );
    // A sample against the one-at-a-time build.
    let base = sre_loadgen_model::RateProfile::constant(1.0, Duration::from_secs(86_400)).unwrap();
    let mut one = base.clone();
    for e in events.iter().take(300) {
        one = one
            .with_multiplier(e.start.0, e.duration.0, e.multiplier)
            .unwrap();
    }
    let at_once = base
        .with_multipliers(
            events
                .iter()
                .take(300)
                .map(|e| (e.start.0, e.duration.0, e.multiplier)),
        )
        .unwrap();
    assert_eq!(one, at_once);
}

/// Traffic events that overlap are refused naming both.
#[test]
fn overlapping_events_are_refused_by_index() {
    let text = format!(
        "{BASE}\n[[traffic.events]]\nstart = \"20m\"\nduration = \"10m\"\nmultiplier = 2.0\n\n[[traffic.events]]\nstart = \"10m\"\nduration = \"15m\"\nmultiplier = 3.0\n"
    );
    let e = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(
        e.contains("traffic.events[0]") && e.contains("traffic.events[1]"),
        "{e}"
    );
}

/// D11: a TOML error quotes a bounded piece of a 200 KB line.
#[test]
fn toml_errors_quote_a_bounded_line() {
    let long = format!("{BASE}\nnote = \"{}\n", "x".repeat(200_000));
    let e = Scenario::from_toml(&long).unwrap_err().to_string();
    assert!(e.len() < 2_000, "{} bytes", e.len());
    assert!(e.contains('…'), "{e}");
}

/// D11: "an exponential distribution", not "a Exponential distribution".
#[test]
fn missing_parameters_read_as_english() {
    let e = Scenario::from_toml(&BASE.replacen("mean = \"10ms\"", "", 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("an exponential distribution needs it"), "{e}");
}

/// D11: the binary refuses an output folder it cannot write before running (the
/// scenario, 30 days at 1,000 RPS, would take minutes to run).
#[test]
fn the_binary_checks_the_output_folder_first() {
    let dir = std::env::temp_dir().join(format!("sre-sim-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.toml");
    std::fs::write(
        &file,
        BASE.replacen("\"1h\"", "\"30d\"", 1)
            .replacen("100.0", "1000.0", 1),
    )
    .unwrap();
    let not_a_dir = dir.join("plain-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sre-sim"))
        .arg(&file)
        .arg("--out")
        .arg(not_a_dir.join("sub"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("the binary ran the scenario before checking --out");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("cannot create"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// D11: a scaled run's picture says what its load axis draws.
#[test]
fn the_load_axis_says_what_is_drawn() {
    let s = Scenario::from_toml(&BASE.replacen("\"1h\"", "\"10m\"", 1)).unwrap();
    let r = Simulation::new(s).unwrap().run().unwrap();
    let label = "Load (simulated requests per second; 1 simulated = 200 real)";
    let svg = sre_sim::svg::render_svg_with_load_label(&r, "t", &[], label);
    assert!(svg.contains(label));
    assert!(!svg.contains("Load (requests per second)"));
}

/// The objective reads as a fraction below 1 and a percentage otherwise: 0.999 and 99.9
/// judge a run identically.
#[test]
fn objective_in_either_spelling() {
    let run = |text: String| {
        Simulation::new(Scenario::from_toml(&text).unwrap())
            .unwrap()
            .run()
            .unwrap()
            .to_json()
            .unwrap()
    };
    let short = BASE.replacen("\"1h\"", "\"10m\"", 1);
    let percent = run(short.clone());
    let fraction = run(short.replacen("objective = 99.9", "objective = 0.999", 1));
    assert_eq!(percent, fraction);
    for bad in ["100.0", "0.0", "-5", "1e9"] {
        let e = Scenario::from_toml(&short.replacen(
            "objective = 99.9",
            &format!("objective = {bad}"),
            1,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("slo.objective"), "{bad}: {e}");
    }
}

/// D2: a request sent at the clock's end is dropped (counted once), not lost.
#[test]
fn a_request_at_the_end_of_the_clock_is_counted() {
    use sre_sim::{Outcomes, QueueLimits, Station};
    #[derive(Default)]
    struct Count(u64);
    impl Outcomes for Count {
        fn served(&mut self, _: u64, _: u64) {
            self.0 += 1;
        }
        fn timed_out(&mut self, _: u64, _: u64) {
            self.0 += 1;
        }
        fn dropped(&mut self, _: u64) {
            self.0 += 1;
        }
        fn failed(&mut self, _: u64) {
            self.0 += 1;
        }
    }
    let mut s = Station::new(0, 1, 0, QueueLimits::default());
    let mut c = Count::default();
    s.arrive(5, u64::MAX, &mut c); // busy to the end of the clock
    s.arrive(u64::MAX - 1, 1, &mut c);
    s.arrive(u64::MAX, 1, &mut c);
    within(10, "drain", move || {
        s.drain(&mut c);
        assert_eq!(c.0, 3);
        assert_eq!(s.usage().arrivals, 3);
    });
}
