//! The registry's exposition and rules, checked by promtool, Python's OpenMetrics parser,
//! and against what was recorded.
// Counts read back from a page are whole numbers below 2^53: exact in f64.
#![allow(clippy::float_cmp)]

mod common;

use core::time::Duration;
use sre_core::{Objective, Timestamp};
use sre_metrics::exposition::Format;
use sre_service::{Method, Registry, Runner, SloSpec};

const MONTH: Duration = Duration::from_secs(30 * 86_400);

fn registry() -> Registry {
    Registry::builder()
        .slo(
            SloSpec::latency(
                "work",
                Objective::from_percent(99.9).unwrap(),
                MONTH,
                Duration::from_millis(300),
            )
            .routes(["/work"]),
        )
        .slo(SloSpec::availability(
            "all",
            Objective::from_percent(99.0).unwrap(),
            MONTH,
        ))
        .build()
        .unwrap()
}

/// Records `(route, method, status, ms)` through the route API, as the layer does.
fn record(r: &Registry, requests: &[(&str, Method, Option<u16>, u64)]) {
    for &(route, method, status, ms) in requests {
        let now = r.now();
        r.route(route)
            .record(method, status, Duration::from_millis(ms), now, None);
    }
}

#[test]
fn text_page_passes_promtool_and_counts_what_was_recorded() {
    let r = registry();
    record(
        &r,
        &[
            ("/work", Method::Get, Some(200), 10),
            ("/work", Method::Get, Some(200), 400),
            ("/work", Method::Post, Some(503), 20),
            ("/work", Method::Get, None, 500),
            ("/work", Method::Get, None, 5),
            ("/a \"quoted\"\nroute", Method::Other, Some(404), 1),
        ],
    );
    Runner::new(&r).evaluate(r.now()).unwrap();
    let page = r.render_text().body;
    common::promtool_accepts(&page);
    let one = |sel: &str| {
        let s = common::select(&page, sel);
        assert_eq!(s.len(), 1, "{sel} in\n{page}");
        s[0].1
    };
    assert_eq!(
        one(r#"http_server_requests_total{route="/work",method="GET",status_class="2xx"}"#),
        2.0
    );
    assert_eq!(
        one(r#"http_server_requests_total{route="/work",method="POST",status_class="5xx"}"#),
        1.0
    );
    assert_eq!(
        one(r#"http_server_requests_total{route="/work",method="GET",status_class="cancelled"}"#),
        2.0
    );
    // Answered requests only are timed: 10 ms, 400 ms and 20 ms.
    assert_eq!(
        one(r#"http_server_request_duration_seconds_count{route="/work"}"#),
        3.0
    );
    assert_eq!(
        one(r#"http_server_request_duration_seconds_bucket{route="/work",le="0.3"}"#),
        2.0
    );
    // The latency SLO: 10 ms good; 400 ms, the 5xx and the cancellation after 500 ms bad;
    // the cancellation after 5 ms is no event.
    assert_eq!(
        one(r#"sre_slo_events_total{slo="work",outcome="good"}"#),
        1.0
    );
    assert_eq!(
        one(r#"sre_slo_events_total{slo="work",outcome="bad"}"#),
        3.0
    );
    // The availability SLO judges every route, with no latency threshold: cancellations
    // are no events, 404 is good.
    assert_eq!(
        one(r#"sre_slo_events_total{slo="all",outcome="good"}"#),
        3.0
    );
    assert_eq!(one(r#"sre_slo_events_total{slo="all",outcome="bad"}"#), 1.0);
    // Each window once, even the 6 h one two pairs share.
    let windows = common::select(&page, r#"sre_slo_burn_rate{slo="work"}"#);
    assert_eq!(windows.len(), 7, "{page}");
    assert!(page.contains(
        r#"sre_slo_alert_state{slo="work",alert="page_1h_5m",severity="page",state="inactive"} 1"#
    ));
    // The summary's quantiles are the histogram's: within 1 % (2 significant digits).
    let p50 = one(r#"http_server_request_duration_exact_seconds{route="/work",quantile="0.5"}"#);
    assert!((p50 - 0.020).abs() <= 0.020 * 1e-2, "{p50}");
}

#[test]
fn openmetrics_page_parses_and_carries_exemplars() {
    let r = registry();
    let trace = sre_service::TraceRef {
        trace_id: 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736,
        span_id: 0x00f0_67aa_0ba9_02b7,
    };
    let now = r.now();
    r.route("/work").record(
        Method::Get,
        Some(200),
        Duration::from_millis(120),
        now,
        Some(trace),
    );
    Runner::new(&r).evaluate(now).unwrap();
    let page = r.render(Format::OpenMetrics);
    assert_eq!(page.content_type, Format::OpenMetrics.content_type());
    common::openmetrics_parser_accepts(&page.body);
    assert!(page.body.ends_with("# EOF\n"));
    let bucket = page
        .body
        .lines()
        .find(|l| {
            l.starts_with(r#"http_server_request_duration_seconds_bucket{route="/work",le="0.25"}"#)
        })
        .expect("the 250 ms bucket");
    assert!(
        bucket.contains(
            r#"# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.12 "#
        ),
        "{bucket}"
    );
    // Prometheus asks for OpenMetrics first; a plain client gets 0.0.4.
    let prometheus =
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assert_eq!(
        r.render_for_accept(Some(prometheus)).content_type,
        page.content_type
    );
    assert_eq!(
        r.render_for_accept(None).content_type,
        Format::Text.content_type()
    );
}

#[test]
fn rules_pass_promtool_and_select_exactly_the_exposed_series() {
    let r = registry();
    record(
        &r,
        &[
            ("/work", Method::Get, Some(200), 10),
            ("/work", Method::Get, Some(500), 10),
        ],
    );
    let rules = r.prometheus_rules(Duration::from_secs(60)).unwrap();
    let dir = std::env::temp_dir().join(format!("sre-service-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rules.yml");
    std::fs::write(&file, &rules).unwrap();
    let out = std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .expect("promtool");
    assert!(
        out.status.success(),
        "{}\n{rules}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Every counter selector in the rules selects series of the exposition, and for each
    // SLO the good and total selectors add up to what the SLI window counted.
    let page = r.render_text().body;
    let mut selectors: Vec<&str> = rules
        .split("increase(")
        .skip(1)
        .filter_map(|s| s.split('[').next())
        .collect();
    selectors.sort_unstable();
    selectors.dedup();
    assert_eq!(selectors.len(), 4, "{selectors:?}"); // good and total of two SLOs
    for s in &selectors {
        assert!(
            !common::select(&page, s).is_empty(),
            "{s} selects nothing in\n{page}"
        );
    }
    for slo in ["work", "all"] {
        let spec = r
            .slos()
            .find(|x| x.name() == slo)
            .unwrap()
            .to_slo()
            .unwrap();
        let (good, total) = spec.indicator().selectors();
        let sum = |sel: &str| common::select(&page, sel).iter().map(|x| x.1).sum::<f64>();
        let counts = r.sli(slo).unwrap().totals();
        assert_eq!(sum(&good), counts.good as f64);
        assert_eq!(sum(&total), counts.total as f64);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn routes_past_the_limit_share_one_series() {
    let r = Registry::builder().max_routes(3).build().unwrap();
    for i in 0..10 {
        record(&r, &[(&format!("/r{i}"), Method::Get, Some(200), 1)]);
    }
    let names: Vec<String> = r.routes().iter().map(|x| x.name().to_owned()).collect();
    assert_eq!(names, ["/r0", "/r1", "/r2", "_other"]);
    let page = r.render_text().body;
    assert_eq!(
        common::select(&page, r#"http_server_requests_total{route="_other"}"#)[0].1,
        7.0
    );
}

#[test]
fn a_custom_judge_replaces_the_default() {
    // Good = answered within 300 ms whatever the status (e.g. 5xx are the client's fault here).
    let spec = SloSpec::latency(
        "fast",
        Objective::new(0.99).unwrap(),
        MONTH,
        Duration::from_millis(300),
    )
    .judge(|o| o.threshold.is_some_and(|t| o.elapsed <= t));
    let r = Registry::builder().slo(spec).build().unwrap();
    record(
        &r,
        &[
            ("/x", Method::Get, Some(503), 10),
            ("/x", Method::Get, Some(200), 900),
        ],
    );
    let t = r.sli("fast").unwrap().totals();
    assert_eq!((t.good, t.total), (1, 2));
}

#[test]
fn bad_configurations_are_refused_with_what_is_wrong() {
    let spec = || {
        SloSpec::latency(
            "w",
            Objective::new(0.99).unwrap(),
            MONTH,
            Duration::from_millis(300),
        )
    };
    let err = Registry::builder()
        .buckets([Duration::from_millis(100), Duration::from_millis(250)])
        .slo(spec())
        .build()
        .unwrap_err();
    assert!(
        matches!(err, sre_service::Error::ThresholdNotABucket { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("300ms"), "{err}");
    let err = Registry::builder()
        .slo(spec())
        .slo(spec())
        .build()
        .unwrap_err();
    assert!(
        matches!(err, sre_service::Error::DuplicateSlo { .. }),
        "{err}"
    );
    for bad in [0, 100_000] {
        let err = Registry::builder().max_routes(bad).build().unwrap_err();
        assert!(err.to_string().contains("max_routes"), "{err}");
    }
    let err = Registry::builder()
        .quantiles(&[0.5, 1.5])
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("quantile"), "{err}");
    let err = Registry::builder()
        .slo(SloSpec::latency(
            "z",
            Objective::new(0.99).unwrap(),
            MONTH,
            Duration::ZERO,
        ))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("threshold"), "{err}");
    // A period the workbook policy cannot serve (under 3 days) is the budget crate's error.
    let err = Registry::builder()
        .slo(SloSpec::availability(
            "d",
            Objective::new(0.99).unwrap(),
            Duration::from_secs(86_400),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(err, sre_service::Error::Budget(_)), "{err}");
    let _ = Timestamp::ZERO;
}

#[test]
fn the_default_route_histogram_is_as_documented() {
    // RegistryBuilder::latency_histogram's docs: 2 digits, 1 µs to 1 h, 3,410 counters a
    // shard; 3 digits 24,205.
    let two = sre_metrics::HistogramConfig::new(1_000, 3_600_000_000_000, 2).unwrap();
    let three = sre_metrics::HistogramConfig::new(1_000, 3_600_000_000_000, 3).unwrap();
    assert_eq!((two.counters(), three.counters()), (3_410, 24_205));
    assert!(sre_metrics::Histogram::shard_bytes(&two) <= 28 * 1024);
    let r = Registry::builder().build().unwrap();
    let route = r.route("/x");
    route.record(
        Method::Get,
        Some(200),
        Duration::from_millis(1),
        r.now(),
        None,
    );
    // 1 ms is recorded within 1 %.
    let q = common::select(
        &r.render_text().body,
        r#"http_server_request_duration_exact_seconds{route="/x",quantile="0.5"}"#,
    )[0]
    .1;
    assert!((q - 0.001).abs() <= 0.001 * 0.01, "{q}");
}
