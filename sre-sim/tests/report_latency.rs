//! The report's latency figures against an independent model: a fixed pool of FCFS
//! servers is the Kiefer–Wolfowitz recursion, so each request's completion time and
//! latency are known exactly. Recording each latency one at a time into an `sre-metrics`
//! histogram, per report interval (by completion time) and overall, must give the very
//! quantiles and counts the simulator reports: however the simulator batches its
//! recording, every latency lands in the interval in which its request completed.
#![allow(clippy::float_cmp)] // the same values through the same histogram: exact equality

use core::cmp::Reverse;
use core::time::Duration;
use sre_metrics::{Histogram, HistogramConfig};
use sre_sim::{Scenario, ServiceTime, Simulation};
use std::collections::BinaryHeap;

/// The simulator's histogram configuration (1 µs to 1 h, 3 significant digits; see the
/// `sim` module).
fn config() -> HistogramConfig {
    HistogramConfig::new(1_000, 3_600_000_000_000, 3).unwrap()
}

/// A deterministic stream of (send time, service time), ns: ~3000 requests/s with gaps
/// and service times spread over two orders of magnitude (xorshift64*, no sre RNG).
fn requests(until_ns: u64) -> Vec<(u64, u64)> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11
    };
    let mut t = 0;
    let mut out = Vec::new();
    loop {
        t += 1 + next() % 660_000; // mean gap ≈ 330 µs
        if t >= until_ns {
            return out;
        }
        // 20 µs to ~2.6 ms, mean ≈ 1.3 ms: ρ ≈ 0.98 on 4 servers, so requests queue.
        out.push((t, 20_000 + next() % 2_600_000));
    }
}

#[test]
fn interval_and_overall_quantiles_match_per_event_recording() {
    const SERVERS: usize = 4;
    let end = Duration::from_secs(10);
    let end_ns = 10_000_000_000;
    let every_ns = 1_000_000_000;
    let reqs = requests(end_ns);
    assert!(reqs.len() > 25_000, "{} requests", reqs.len());

    // The model: FCFS over SERVERS servers; latency = completion − send time.
    let mut free: BinaryHeap<Reverse<u64>> = (0..SERVERS).map(|_| Reverse(0)).collect();
    let intervals = usize::try_from(end_ns / every_ns).unwrap();
    let per_interval: Vec<Histogram> = (0..intervals)
        .map(|_| Histogram::with_shards(config(), 1).unwrap())
        .collect();
    let overall = Histogram::with_shards(config(), 1).unwrap();
    for &(t, s) in &reqs {
        let mut top = free.peek_mut().unwrap();
        let done = top.0.max(t) + s;
        top.0 = done;
        overall.record(done - t);
        // Completions at a boundary belong to the interval that ends there.
        if done <= end_ns {
            let k = usize::try_from((done - 1) / every_ns).unwrap();
            per_interval[k].record(done - t);
        }
    }

    let mut scenario = Scenario::fixed_pool(
        "latency",
        3000.0,
        ServiceTime::fixed(Duration::from_millis(1)).unwrap(),
        SERVERS as u64,
        end,
    );
    scenario.report_interval.0 = Duration::from_nanos(every_ns);
    let report = Simulation::new(scenario)
        .unwrap()
        .run_requests(reqs.iter().copied())
        .unwrap();

    let ms = |ns: u64| ns as f64 / 1e6;
    assert_eq!(report.timeline.len(), intervals);
    for (k, (point, model)) in report.timeline.iter().zip(&per_interval).enumerate() {
        let snap = model.snapshot();
        assert!(
            snap.count() > 2_000,
            "interval {k}: {} completions",
            snap.count()
        );
        assert_eq!(
            point.p50_ms,
            Some(ms(snap.quantile(0.5).unwrap())),
            "interval {k}"
        );
        assert_eq!(
            point.p99_ms,
            Some(ms(snap.quantile(0.99).unwrap())),
            "interval {k}"
        );
    }
    let snap = overall.snapshot();
    assert_eq!(report.latency.count, reqs.len() as u64);
    assert_eq!(report.latency.count, snap.count());
    assert_eq!(report.latency.p50_ms, ms(snap.quantile(0.5).unwrap()));
    assert_eq!(report.latency.p99_ms, ms(snap.quantile(0.99).unwrap()));
    assert_eq!(report.latency.max_ms, ms(snap.max().unwrap()));
    assert_eq!(report.requests.served, reqs.len() as u64);
}
