//! The `metrics` facade bridge against `metrics_util`'s debugging recorder: the same macro
//! calls give the same counts and sums.
// Counts read back from a page are whole numbers below 2^53: exact in f64.
#![allow(clippy::float_cmp)]

mod common;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use sre_service::{Recorder, Registry};

/// The same calls, whichever recorder is installed.
fn calls() {
    metrics::describe_counter!("jobs_done", "Jobs finished.");
    for i in 0..100u64 {
        let queue = if i % 3 == 0 { "mail" } else { "print" };
        metrics::counter!("jobs_done", "queue" => queue).increment(i % 5);
        metrics::counter!("http.requests").increment(1);
        metrics::gauge!("queue_depth", "queue" => queue).set(i as f64);
        metrics::gauge!("in_flight").increment(1.5);
        metrics::gauge!("in_flight").decrement(0.5);
        metrics::histogram!("job_duration_seconds", "queue" => queue)
            .record(0.001 * (i as f64 + 0.37));
        metrics::histogram!("payload_bytes").record((i * i) as f64 + 0.25);
    }
    metrics::counter!("absolute_total").absolute(42);
}

#[test]
fn the_same_calls_give_the_same_counts_and_sums_as_the_debugging_recorder() {
    let oracle = DebuggingRecorder::new();
    let snapshotter = oracle.snapshotter();
    metrics::with_local_recorder(&oracle, calls);
    let registry = Registry::builder().build().unwrap();
    let ours = Recorder::new(&registry);
    metrics::with_local_recorder(&ours, calls);
    let mine = ours.snapshot();

    let mut checked = 0;
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key().clone();
        match value {
            DebugValue::Counter(c) => {
                let got = mine.counters.iter().find(|(k, _)| *k == key).map(|x| x.1);
                assert_eq!(got, Some(c), "{key:?}");
            }
            DebugValue::Gauge(g) => {
                let got = mine.gauges.iter().find(|(k, _)| *k == key).map(|x| x.1);
                assert_eq!(
                    got.map(f64::to_bits),
                    Some(g.into_inner().to_bits()),
                    "{key:?}"
                );
            }
            DebugValue::Histogram(values) => {
                let got = mine
                    .histograms
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|x| &x.1);
                let got = got.unwrap_or_else(|| panic!("{key:?} missing"));
                // The debugging recorder hands values back in its buckets' order, not the
                // recording order, so the two sums may differ by rounding: at most
                // n·ε·Σ|x| (Higham's bound for recursive summation, in either order).
                let sum: f64 = values.iter().map(|v| v.into_inner()).sum();
                let abs: f64 = values.iter().map(|v| v.into_inner().abs()).sum();
                assert_eq!(got.count, values.len() as u64, "{key:?}");
                let bound = values.len() as f64 * f64::EPSILON * abs;
                assert!(
                    (got.sum - sum).abs() <= bound,
                    "{key:?}: {} vs {sum}",
                    got.sum
                );
                // The quantiles are HdrHistogram's of the same values, to its precision.
                let mut sorted: Vec<f64> = values.iter().map(|v| v.into_inner()).collect();
                sorted.sort_by(f64::total_cmp);
                let median = sorted[(sorted.len() - 1) / 2];
                let q = got.snapshot.quantile(0.5).unwrap() as f64 / got.scale;
                assert!(
                    (q - median).abs() <= median * 1e-3 + 1.0 / got.scale,
                    "{key:?}: {q} vs {median}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(
        checked,
        mine.counters.len() + mine.gauges.len() + mine.histograms.len()
    );
    assert!(checked > 0);

    let page = registry.render_text().body;
    common::promtool_accepts(&page);
    assert!(
        page.contains("# HELP jobs_done_total Jobs finished.\n"),
        "{page}"
    );
    assert!(page.contains("http_requests_total 100\n"), "{page}");
    assert!(page.contains("absolute_total 42\n"), "{page}");
    let om = registry
        .render(sre_metrics::exposition::Format::OpenMetrics)
        .body;
    common::openmetrics_parser_accepts(&om);
}
