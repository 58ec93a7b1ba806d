//! Prometheus text exposition: the rules it enforces, and `promtool check metrics` (the
//! reference parser and linter, Debian's `prometheus` package) on what it writes.

use core::time::Duration;
use sre_core::Timestamp;
use sre_metrics::exposition::{ClassicHistogram, Exposition};
use sre_metrics::red::Red;
use sre_metrics::{Error, Histogram, HistogramConfig};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `promtool check metrics` on `text`: `Some((exit code, output))`, or `None` when
/// promtool is not installed and we are not in CI (in CI its absence fails the test).
fn promtool(text: &str) -> Option<(i32, String)> {
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "promtool is required in CI (.ci/run installs it): {e}"
            );
            println!("note: promtool not found ({e}); skipping the promtool check");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.code().unwrap_or(-1), msg))
}

/// Label values that need escaping or are unusual.
const TRICKY: [&str; 7] = [
    "",
    "back\\slash",
    "quote\"d",
    "new\nline",
    "all \\ \" \n at once \\n",
    "unicode: é 漢字 🦀",
    "{braces}=,commas",
];

fn rich_exposition() -> String {
    let mut e = Exposition::new();
    {
        let mut f = e
            .counter(
                "app_events_total",
                "Events seen, by kind.\nSecond line \\ too.",
            )
            .unwrap();
        for (i, v) in TRICKY.iter().enumerate() {
            f.sample(&[("kind", v), ("shard", &i.to_string())], i as u64 * 1000)
                .unwrap();
        }
        f.sample(&[("kind", "float")], 1.5e300).unwrap();
    }
    e.gauge("app_temperature_celsius", "A gauge with odd values.")
        .unwrap()
        .sample(&[("at", "nan")], f64::NAN)
        .unwrap()
        .sample(&[("at", "inf")], f64::INFINITY)
        .unwrap()
        .sample(&[("at", "-inf")], f64::NEG_INFINITY)
        .unwrap()
        .sample(&[("at", "neg")], -3_i64)
        .unwrap()
        .sample(&[("at", "tiny")], 1e-12)
        .unwrap();
    // A histogram of pseudo-random latencies at user-chosen bounds.
    let h = Histogram::new(HistogramConfig::new(1_000, 60_000_000_000, 3).unwrap());
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        h.record(1_000_000 + x % 2_000_000_000);
    }
    let ms = Duration::from_millis;
    let bounds = [
        ms(5),
        ms(10),
        ms(25),
        ms(50),
        ms(100),
        ms(250),
        ms(500),
        ms(1000),
    ];
    let c = ClassicHistogram::from_latency_snapshot(&h.snapshot(), &bounds).unwrap();
    let mut hf = e
        .histogram("app_request_duration_seconds", "Request latency.")
        .unwrap();
    hf.sample(&[("route", "/a\"b")], &c).unwrap();
    hf.sample(&[], &c).unwrap();
    // The RED bundle.
    let red = Red::new(
        Duration::from_secs(3600),
        HistogramConfig::new(1_000, 60_000_000_000, 3).unwrap(),
    )
    .unwrap();
    for i in 0..100u64 {
        red.record(Timestamp::from_secs(i), ms(i * 7), i % 9 != 0);
    }
    red.set_queue_depth(4);
    red.expose(&mut e, "api", &[("service", "checkout")], &bounds)
        .unwrap();
    e.finish()
}

#[test]
fn promtool_accepts_what_we_write() {
    let text = rich_exposition();
    assert!(
        text.contains("app_request_duration_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 5000")
    );
    assert!(text.contains("api_requests_total{service=\"checkout\"} 100"));
    assert!(text.contains("api_request_errors_total{service=\"checkout\"} 12"));
    if let Some((code, msg)) = promtool(&text) {
        assert_eq!(
            code, 0,
            "promtool check metrics failed:\n{msg}\n---\n{text}"
        );
        assert!(msg.trim().is_empty(), "promtool complained:\n{msg}");
    }
}

/// The check above can fail: promtool rejects broken text and lints bad names.
#[test]
fn promtool_rejects_what_we_refuse_to_write() {
    let unescaped = "# HELP a_total x\n# TYPE a_total counter\na_total{l=\"a\"b\"} 1\n";
    let no_suffix = "# HELP a x\n# TYPE a counter\na 1\n";
    for bad in [unescaped, no_suffix] {
        if let Some((code, _)) = promtool(bad) {
            assert_ne!(code, 0, "promtool accepted:\n{bad}");
        }
    }
}

#[test]
fn bad_names_labels_and_duplicates_are_typed_errors() {
    let mut e = Exposition::new();
    assert!(matches!(
        e.gauge("9lives", "x"),
        Err(Error::InvalidMetricName { .. })
    ));
    assert!(matches!(
        e.gauge("a-b", "x"),
        Err(Error::InvalidMetricName { .. })
    ));
    assert!(matches!(
        e.counter("requests", "x"),
        Err(Error::CounterWithoutTotal { .. })
    ));
    assert!(matches!(e.gauge("ok", " "), Err(Error::EmptyHelp { .. })));
    {
        let mut g = e.gauge("ok", "fine").unwrap();
        assert!(matches!(
            g.sample(&[("__name__", "x")], 1_u64),
            Err(Error::InvalidLabelName { .. })
        ));
        assert!(matches!(
            g.sample(&[("a b", "x")], 1_u64),
            Err(Error::InvalidLabelName { .. })
        ));
        assert!(matches!(
            g.sample(&[("a", "1"), ("a", "2")], 1_u64),
            Err(Error::DuplicateLabel { .. })
        ));
        g.sample(&[("a", "1"), ("b", "2")], 1_u64).unwrap();
        assert!(matches!(
            g.sample(&[("b", "2"), ("a", "1")], 2_u64),
            Err(Error::DuplicateSeries { .. })
        ));
    }
    assert!(matches!(
        e.gauge("ok", "again"),
        Err(Error::DuplicateMetric { .. })
    ));
    {
        let mut c = e.counter("c_total", "a counter").unwrap();
        assert!(matches!(
            c.sample(&[], -1_i64),
            Err(Error::InvalidCounterValue { .. })
        ));
        assert!(matches!(
            c.sample(&[], f64::NAN),
            Err(Error::InvalidCounterValue { .. })
        ));
        c.sample(&[], 0.5).unwrap();
    }
    {
        let h = ClassicHistogram::new(&[1.0], &[1], 2, 3.0).unwrap();
        let mut hf = e.histogram("lat_seconds", "latency").unwrap();
        assert!(matches!(
            hf.sample(&[("le", "1")], &h),
            Err(Error::InvalidLabelName { .. })
        ));
        hf.sample(&[], &h).unwrap();
    }
    // A histogram's derived series names are taken too.
    assert!(matches!(
        e.gauge("lat_seconds_count", "x"),
        Err(Error::DuplicateMetric { .. })
    ));
    let err = e.counter("requests", "x").unwrap_err().to_string();
    assert!(err.contains("_total"), "{err}");
    // Nothing half-written: every sample line belongs to a declared family.
    let text = e.finish();
    assert_eq!(text.matches("# TYPE").count(), 3, "{text}");
    assert!(!text.contains("__name__") && !text.contains("-1"), "{text}");
}

/// Fuzzed names and label values: everything our validation accepts, promtool parses
/// (exit 0, or 3 for naming lints such as camelCase, never 1 for a parse error); a sample
/// of what it rejects, promtool cannot parse either.
#[test]
fn fuzzed_names_and_label_values_agree_with_promtool() {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let name_chars = prop_oneof![
        30 => prop::char::range('a', 'z'),
        5 => prop::char::range('A', 'Z'),
        5 => prop::char::range('0', '9'),
        5 => Just('_'),
        2 => Just(':'),
        1 => Just('-'),
        1 => Just('.'),
        1 => Just(' '),
        1 => Just('é'),
    ];
    let names = proptest::collection::vec(proptest::collection::vec(name_chars, 1..12), 300);
    let names: Vec<String> = names
        .new_tree(&mut runner)
        .unwrap()
        .current()
        .into_iter()
        .map(|cs| cs.into_iter().collect())
        .collect();
    let values = proptest::collection::vec(proptest::collection::vec(any::<char>(), 0..20), 300);
    let values: Vec<String> = values
        .new_tree(&mut runner)
        .unwrap()
        .current()
        .into_iter()
        .map(|cs| cs.into_iter().collect())
        .collect();

    let mut e = Exposition::new();
    let mut accepted = 0;
    let mut rejected = Vec::new();
    for (name, value) in names.iter().zip(&values) {
        let name = format!("{name}_x"); // never empty, never only digits after the first
        match e.gauge(&name, "fuzzed") {
            Ok(mut g) => {
                g.sample(&[("v", value)], 1_u64).unwrap();
                accepted += 1;
            }
            Err(Error::InvalidMetricName { .. }) => rejected.push(name),
            Err(Error::DuplicateMetric { .. }) => {}
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert!(
        accepted > 20 && rejected.len() > 20,
        "{accepted} {}",
        rejected.len()
    );
    let text = e.finish();
    if let Some((code, msg)) = promtool(&text) {
        assert!(
            code == 0 || code == 3,
            "promtool could not parse ({code}):\n{msg}"
        );
        assert!(!msg.contains("parsing error"), "{msg}");
    }
    for name in rejected.iter().take(8) {
        let bad = format!("# HELP {name} x\n# TYPE {name} gauge\n{name} 1\n");
        if let Some((code, _)) = promtool(&bad) {
            assert_eq!(code, 1, "promtool parsed a name we reject: {name:?}");
        }
    }
}

/// Every integer type and `bool` is a sample value, written exactly.
#[test]
fn integers_and_bools_are_values() {
    let mut e = Exposition::new();
    let mut g = e.gauge("g", "values").unwrap();
    g.sample(&[("t", "i8")], i8::MIN).unwrap();
    g.sample(&[("t", "i16")], i16::MIN).unwrap();
    g.sample(&[("t", "i32")], i32::MIN).unwrap();
    g.sample(&[("t", "i64")], i64::MIN).unwrap();
    g.sample(&[("t", "isize")], isize::MIN).unwrap();
    g.sample(&[("t", "u8")], u8::MAX).unwrap();
    g.sample(&[("t", "u16")], u16::MAX).unwrap();
    g.sample(&[("t", "u32")], u32::MAX).unwrap();
    g.sample(&[("t", "u64")], u64::MAX).unwrap();
    g.sample(&[("t", "usize")], usize::MAX).unwrap();
    g.sample(&[("t", "true")], true).unwrap();
    g.sample(&[("t", "false")], false).unwrap();
    let text = e.finish();
    for (t, v) in [
        ("i8", i8::MIN.to_string()),
        ("i16", i16::MIN.to_string()),
        ("i32", i32::MIN.to_string()),
        ("i64", i64::MIN.to_string()),
        ("isize", isize::MIN.to_string()),
        ("u8", u8::MAX.to_string()),
        ("u16", u16::MAX.to_string()),
        ("u32", u32::MAX.to_string()),
        ("u64", u64::MAX.to_string()),
        ("usize", usize::MAX.to_string()),
        ("true", "1".to_owned()),
        ("false", "0".to_owned()),
    ] {
        assert!(
            text.contains(&format!("g{{t=\"{t}\"}} {v}\n")),
            "{t}: {text}"
        );
    }
    if let Some((code, msg)) = promtool(&text) {
        assert_eq!(code, 0, "{msg}");
    }
}

/// Summaries reserve `quantile`; a counter reserves its name without `_total`, so one
/// document is valid in both formats.
#[test]
fn summaries_and_counters_reserve_their_names() {
    use sre_metrics::exposition::Summary;
    let mut e = Exposition::new();
    let s = Summary::new(&[(0.5, 1.0)], 2.0, 2).unwrap();
    {
        let mut f = e.summary("rpc_seconds", "latency").unwrap();
        assert!(matches!(
            f.sample(&[("quantile", "x")], &s),
            Err(Error::InvalidLabelName { .. })
        ));
        f.sample(&[("le", "fine here")], &s).unwrap();
    }
    for taken in ["rpc_seconds_sum", "rpc_seconds_count", "rpc_seconds"] {
        assert!(matches!(
            e.gauge(taken, "x"),
            Err(Error::DuplicateMetric { .. })
        ));
    }
    e.counter("jobs_total", "jobs").unwrap();
    assert!(matches!(
        e.gauge("jobs", "x"),
        Err(Error::DuplicateMetric { .. })
    ));
    assert!(matches!(
        e.counter("_total", "x"),
        Err(Error::CounterWithoutTotal { .. })
    ));
}
