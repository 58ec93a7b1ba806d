//! `sim_throughput/*`: simulated requests per second through c = 50 servers.
//!
//! - `sre_sim`: the simulator — the station (FIFO queue, pool, exact capacity integrals)
//!   with every outcome recorded into the `sre-metrics` histogram and SLI window, the
//!   `sre-budget` evaluator every simulated minute and a timeline point (a histogram
//!   snapshot delta) every 10 % of the run.
//! - `sre_sim_faults`: the same run with five faults scheduled, one of each kind that acts
//!   on requests or servers, each lasting 1 s of the 251 s run (2 % of the requests meet
//!   one), spread 50 s apart so none overlap: a 5 ms `latency` on 10 % of requests at
//!   25 s, `errors` with probability 0.01 at 75 s, a `slowdown` × 1.5 at 125 s, a failed
//!   `dependency` at 175 s, and an `instance_loss` of 2 servers at 225 s (replaced at
//!   226 s). Between faults a request takes the simulator's one-branch path without
//!   faults, so this measures what a fault schedule costs between faults (the issue's
//!   bound: ≤ 1.1 × `sre_sim`).
//! - `bare_fcfs`: the floor — the Kiefer–Wolfowitz FCFS recursion over the same
//!   arrivals and service times, no recording.
//!
//! Both read the same pre-generated requests (Poisson arrivals from `sre-loadgen-model`
//! at ρ = 0.8, exponential service of 10 ms), so the ratio is the cost of the bookkeeping.

use core::time::Duration;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sre_core::Timestamp;
use sre_loadgen_model::{Poisson, RateProfile};
use sre_sim::baseline::bare_fcfs;
use sre_sim::faults::{Fault, FaultKind};
use sre_sim::scenario::Span;
use sre_sim::{Scenario, ServiceTime, Simulation};
use std::hint::black_box;

const SERVERS: u64 = 50;
const REQUESTS: u64 = 1_000_000;

fn sim_throughput(c: &mut Criterion) {
    let service = ServiceTime::exponential(Duration::from_millis(10)).expect("10 ms");
    let rps = 0.8 * SERVERS as f64 / 0.010;
    let duration = Duration::from_secs_f64(REQUESTS as f64 / rps);
    let profile = RateProfile::constant(rps, duration).expect("constant profile");
    let mut sampler = service.sampler(2);
    let requests: Vec<(u64, u64)> = Poisson::new(profile, 1, Timestamp::ZERO)
        .map(|t| (t.as_nanos(), sampler.next_ns()))
        .collect();
    let run = duration + Duration::from_secs(1);
    let mut scenario = Scenario::fixed_pool("bench", rps, service, SERVERS, run);
    // A timeline point (histogram snapshot delta) every 10 % of the run.
    scenario.report_interval.0 = run / 10;

    let mut with_faults = scenario.clone();
    with_faults.faults = five_faults();

    let mut g = c.benchmark_group("sim_throughput");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.sample_size(10);
    g.bench_function("sre_sim", |b| {
        b.iter(|| {
            let sim = Simulation::new(scenario.clone()).expect("valid scenario");
            black_box(sim.run_requests(requests.iter().copied()).expect("runs"))
        })
    });
    g.bench_function("sre_sim_faults", |b| {
        b.iter(|| {
            let sim = Simulation::new(with_faults.clone()).expect("valid scenario");
            black_box(sim.run_requests(requests.iter().copied()).expect("runs"))
        })
    });
    g.bench_function("bare_fcfs", |b| {
        b.iter(|| {
            black_box(bare_fcfs(
                requests.iter().copied(),
                usize::try_from(SERVERS).expect("50"),
            ))
        })
    });
    g.finish();
}

/// The five brief faults of `sre_sim_faults` (see the module docs).
fn five_faults() -> Vec<Fault> {
    let second = Some(Span::secs(1));
    let at = |kind, s| Fault {
        duration: second,
        ..Fault::new(kind, Span::secs(s))
    };
    vec![
        Fault {
            add: Some(Span(Duration::from_millis(5))),
            share: Some(0.1),
            ..at(FaultKind::Latency, 25)
        },
        Fault {
            probability: Some(0.01),
            ..at(FaultKind::Errors, 75)
        },
        Fault {
            factor: Some(1.5),
            ..at(FaultKind::Slowdown, 125)
        },
        at(FaultKind::Dependency, 175),
        Fault {
            servers: Some(2),
            ..at(FaultKind::InstanceLoss, 225)
        },
    ]
}

criterion_group!(benches, sim_throughput);
criterion_main!(benches);
