//! `sim_throughput/*`: simulated requests per second through c = 50 servers.
//!
//! - `sre_sim`: the simulator — the station (FIFO queue, pool, exact capacity integrals)
//!   with every outcome recorded into the `sre-metrics` histogram and SLI window, the
//!   `sre-budget` evaluator every simulated minute and a timeline point (a histogram
//!   snapshot delta) every 10 % of the run.
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

    let mut g = c.benchmark_group("sim_throughput");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.sample_size(10);
    g.bench_function("sre_sim", |b| {
        b.iter(|| {
            let sim = Simulation::new(scenario.clone()).expect("valid scenario");
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

criterion_group!(benches, sim_throughput);
criterion_main!(benches);
