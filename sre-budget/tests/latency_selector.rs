//! A latency SLO's rules select the exposition's bucket, by construction: for every bound
//! from 1 ns to 1 h in 1-2-5 steps, the thresholds named in issue 14, arbitrary
//! nanoseconds and arbitrary positive `threshold_seconds`, the series the generated rules
//! select (`…_bucket{…,le="…"}`) is, character for character, the series the exposition
//! writes in both text formats, and its `le` reads back (with Rust's correctly rounded
//! parser, as Go's `strconv.ParseFloat` does) to the threshold in seconds, which is the
//! exact decimal `secs.nanos` rounded once.

use core::time::Duration;
use proptest::prelude::*;
use sre_budget::rules::{RuleOptions, prometheus_rules};
use sre_budget::{AlertPolicy, Indicator, Slo, TimeWindow};
use sre_core::Objective;
use sre_metrics::exposition::{ClassicHistogram, Exposition, Format};
use sre_metrics::{Histogram, HistogramConfig, Snapshot};

const HISTOGRAM: &str = "http_server_request_duration_seconds";
const SELECTOR: &str = "route=\"/work\",job=\"a \\\"b\\\"\"";

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap());
        for v in [
            1,
            75_000_000,
            300_000_000,
            299_999_999,
            300_000_001,
            7_000_000_000,
        ] {
            h.record(v);
        }
        h.snapshot()
    })
}

/// The `_bucket` series (name and labels, without the value) of the exposition's first
/// bucket, in `format`.
fn exposed_bucket(format: Format, c: &ClassicHistogram) -> String {
    let mut e = Exposition::with_format(format);
    e.histogram(HISTOGRAM, "Latency.")
        .unwrap()
        .sample(&[("route", "/work"), ("job", "a \"b\"")], c)
        .unwrap();
    let text = e.finish();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{HISTOGRAM}_bucket")))
        .unwrap();
    line[..line.rfind("} ").unwrap() + 1].to_owned()
}

/// The `le` label value of a selector or series.
fn le_of(series: &str) -> &str {
    let start = series.rfind("le=\"").unwrap() + 4;
    &series[start..series.len() - 2]
}

/// The exact decimal seconds of `d`, rounded once by the correctly rounded parser.
fn exact_seconds(d: Duration) -> f64 {
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
        .parse()
        .unwrap()
}

/// Checks one threshold given as a `Duration`; returns the `le`.
fn check_duration(d: Duration) -> String {
    let sli = Indicator::latency(HISTOGRAM, SELECTOR, d);
    let Indicator::Latency {
        threshold_seconds, ..
    } = &sli
    else {
        unreachable!()
    };
    assert_eq!(
        threshold_seconds.to_bits(),
        exact_seconds(d).to_bits(),
        "{d:?}"
    );
    let (good, _) = sli.selectors();
    let from_duration = ClassicHistogram::from_latency_snapshot(snapshot(), &[d]).unwrap();
    let from_seconds =
        ClassicHistogram::from_latency_snapshot_seconds(snapshot(), &[*threshold_seconds]).unwrap();
    assert_eq!(from_duration, from_seconds, "{d:?}");
    for format in [Format::Text, Format::OpenMetrics] {
        assert_eq!(
            exposed_bucket(format, &from_duration),
            good,
            "{d:?} {format:?}"
        );
    }
    let le = le_of(&good);
    let back: f64 = le.parse().unwrap();
    assert_eq!(back.to_bits(), exact_seconds(d).to_bits(), "{d:?}: {le}");
    le.to_owned()
}

#[test]
fn one_two_five_from_a_nanosecond_to_an_hour() {
    let mut bounds = Vec::new();
    let mut decade = 1_u64;
    while decade <= 3_600_000_000_000 {
        for step in [1, 2, 5] {
            if step * decade <= 3_600_000_000_000 {
                bounds.push(Duration::from_nanos(step * decade));
            }
        }
        decade *= 10;
    }
    bounds.push(Duration::from_secs(3600));
    assert_eq!(bounds.first(), Some(&Duration::from_nanos(1)));
    for d in bounds {
        check_duration(d);
    }
}

#[test]
fn the_thresholds_issue_14_found_broken() {
    for (ms, le) in [
        (75, "0.075"),
        (150, "0.15"),
        (300, "0.3"),
        (600, "0.6"),
        (700, "0.7"),
    ] {
        let d = Duration::from_millis(ms);
        // Scaling nanoseconds by 1e-9 rounds twice and misses the threshold.
        let old = (ms * 1_000_000) as f64 * 1e-9;
        assert_ne!(old.to_bits(), exact_seconds(d).to_bits(), "{ms} ms");
        assert_eq!(check_duration(d), le);
    }
    assert_eq!(check_duration(Duration::from_secs(1)), "1.0");
    assert_eq!(check_duration(Duration::from_nanos(1)), "1e-09");
}

/// The rules file, not only `selectors()`, names the exposed series.
#[test]
fn the_rules_file_selects_the_exposed_bucket() {
    let d = Duration::from_millis(300);
    let slo = Slo::new(
        "work",
        Objective::new(0.999).unwrap(),
        TimeWindow::Rolling(Duration::from_secs(30 * 86_400)),
        Indicator::latency(HISTOGRAM, SELECTOR, d),
    )
    .unwrap();
    let policy = AlertPolicy::workbook(slo.period()).unwrap();
    let rules = prometheus_rules(&slo, &policy, &RuleOptions::default());
    let c = ClassicHistogram::from_latency_snapshot(snapshot(), &[d]).unwrap();
    let exposed = exposed_bucket(Format::Text, &c);
    // The rules are YAML: the selector appears with its quotes escaped for YAML or not.
    let yaml_escaped = exposed.replace('\\', "\\\\").replace('"', "\\\"");
    assert!(
        rules.contains(&exposed) || rules.contains(&yaml_escaped),
        "{exposed}\n{rules}"
    );
}

proptest! {
    #[test]
    fn any_nanoseconds(nanos in prop_oneof![1u64..=(1 << 53), 1u64..]) {
        check_duration(Duration::from_nanos(nanos));
    }

    /// `Indicator::Latency` can name any positive finite f64; a histogram with a bucket at
    /// that threshold (`from_latency_snapshot_seconds`) exposes the `le` the rules select.
    #[test]
    fn any_positive_finite_threshold(bits in 1u64..0x7ff0_0000_0000_0000) {
        let threshold_seconds = f64::from_bits(bits);
        let sli = Indicator::Latency {
            histogram: HISTOGRAM.to_owned(),
            selector: SELECTOR.to_owned(),
            threshold_seconds,
        };
        let (good, _) = sli.selectors();
        let c = ClassicHistogram::from_latency_snapshot_seconds(snapshot(), &[threshold_seconds])
            .unwrap();
        for format in [Format::Text, Format::OpenMetrics] {
            prop_assert_eq!(&exposed_bucket(format, &c), &good);
        }
        let back: f64 = le_of(&good).parse().unwrap();
        prop_assert_eq!(back.to_bits(), threshold_seconds.to_bits());
    }
}
