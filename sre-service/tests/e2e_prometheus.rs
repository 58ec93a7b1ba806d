//! End to end: the `http_service` example scraped by a real Prometheus 2.42 server with the
//! generated rules loaded, on 127.0.0.1 only, bounded in time.
//!
//! Run by `.ci/run` as `cargo test --release -p sre-service --all-features --test
//! e2e_prometheus -- --ignored --nocapture`, after building the example; the example's
//! path comes from `SRE_HTTP_SERVICE` (default: `target/release/examples/http_service`).
//!
//! Checks, in order:
//! 1. latencies: Prometheus' `histogram_quantile(0.99, …)` over the classic buckets agrees
//!    with the crate's exact p99 (the summary) within the width of the bucket it falls in;
//! 2. the latency SLI selector the rules would use (`Indicator::latency`, `le="0.3"`)
//!    returns, in Prometheus, the crate's good count;
//! 3. an outage makes the same alerts fire in Prometheus (`/api/v1/alerts`) and in
//!    process (`sre_slo_alert_state`), and the times are printed;
//! 4. after SIGTERM and a restart the counters continue; after `kill -9` and a restart
//!    from the state file the SLI window's counts are exactly those of the last
//!    checkpoint, and the exposed counters start again from zero;
//! 5. a corrupt state file stops the example with exit code 2 and is left as it was.
// Counts read back from a page are whole numbers below 2^53: exact in f64.
#![allow(clippy::float_cmp)]

use core::time::Duration;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

const DEADLINE: Duration = Duration::from_secs(170);

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// GET `path` from 127.0.0.1:`port` (HTTP/1.0, so the body is not chunked).
fn get(port: u16, path: &str, accept: Option<&str>) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let accept = accept.map_or(String::new(), |a| format!("Accept: {a}\r\n"));
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{accept}\r\n").ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An instant query's vector result: (labels, value).
fn query(port: u16, promql: &str) -> Vec<(serde_json::Value, f64)> {
    let Some((200, body)) = get(
        port,
        &format!("/api/v1/query?query={}", urlencode(promql)),
        None,
    ) else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_str(&body).expect("Prometheus answers JSON");
    v["data"]["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let value = r["value"][1].as_str().and_then(|x| x.parse().ok());
                    (r["metric"].clone(), value.unwrap_or(f64::NAN))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The value of the sample `series` (name and labels exactly as exposed) in a text page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn wait_for<T>(what: &str, start: Instant, mut f: impl FnMut() -> Option<T>) -> T {
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The example binary: `SRE_HTTP_SERVICE` (relative to the workspace root), or the
/// release build's.
fn example() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("SRE_HTTP_SERVICE").map_or_else(
        || root.join("target/release/examples/http_service"),
        |p| root.join(p),
    )
}

fn start_service(port: u16, state: &Path) -> Killed {
    let child = Command::new(example())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--state")
        .arg(state)
        .args(["--checkpoint-interval", "1s", "--eval-interval", "5s"])
        .stdout(Stdio::null())
        .spawn()
        .expect("the http_service example (build it first; see the module docs)");
    Killed(child)
}

/// Sends `(ms, fail)` requests from 40 threads; all must be answered.
fn send(port: u16, requests: &[(u64, bool)]) {
    let chunks: Vec<Vec<(u64, bool)>> = requests
        .chunks(requests.len().div_ceil(40))
        .map(<[_]>::to_vec)
        .collect();
    let threads: Vec<_> = chunks
        .into_iter()
        .map(|c| {
            std::thread::spawn(move || {
                for (ms, fail) in c {
                    let path = format!("/work?ms={ms}&fail={}", u8::from(fail));
                    let (status, _) = get(port, &path, None).expect("the service answers");
                    assert_eq!(status, if fail { 500 } else { 200 });
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a request thread");
    }
}

#[test]
#[ignore = "needs the release-built example and a Prometheus server; .ci/run runs it"]
fn prometheus_and_the_process_agree() {
    let start = Instant::now();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/e2e-prometheus")
        .join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a work folder");
    let state = dir.join("work.state");
    let (svc_port, prom_port) = (free_port(), free_port());

    // The rules the example prints, for the same SLO and cadence.
    let rules = Command::new(example())
        .args(["--print-rules", "--eval-interval", "5s"])
        .output()
        .expect("the example prints its rules");
    assert!(rules.status.success());
    std::fs::write(dir.join("rules.yml"), &rules.stdout).expect("rules written");
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 5s\nrule_files: [rules.yml]\n\
             scrape_configs:\n  - job_name: work\n    static_configs:\n      - targets: ['127.0.0.1:{svc_port}']\n"
        ),
    )
    .expect("config written");

    let mut service = start_service(svc_port, &state);
    let _prometheus = Killed(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).expect("a log file"))
            .spawn()
            .expect("prometheus (Debian's prometheus package)"),
    );
    wait_for("the service", start, || {
        get(svc_port, "/metrics", None).filter(|r| r.0 == 200)
    });
    wait_for("Prometheus", start, || {
        get(prom_port, "/-/ready", None).filter(|r| r.0 == 200)
    });
    wait_for("the first scrape", start, || {
        (!query(prom_port, "up{job=\"work\"} == 1").is_empty()).then_some(())
    });

    // 1 and 2: known latencies, no failures.
    let mut requests = Vec::new();
    for (ms, n) in [(10, 300), (50, 60), (120, 30), (250, 6), (500, 4)] {
        requests.extend(std::iter::repeat_n((ms, false), n));
    }
    send(svc_port, &requests);
    let page = get(svc_port, "/metrics", None).expect("metrics").1;
    let exact_p99 = sample(
        &page,
        r#"http_server_request_duration_exact_seconds{route="/work",quantile="0.99"}"#,
    )
    .expect("the exact p99");
    let good = sample(&page, r#"sre_slo_events_total{slo="work",outcome="good"}"#).expect("good");
    assert_eq!(good, 396.0, "requests within 300 ms and not 5xx");
    let bounds: Vec<f64> = page
        .lines()
        .filter(|l| {
            l.starts_with(r#"http_server_request_duration_seconds_bucket{route="/work",le=""#)
        })
        .filter_map(|l| l.split('"').nth(3)?.parse().ok())
        .collect();
    let total = requests.len() as f64;
    let prom_p99 = wait_for("Prometheus' p99 of every request", start, || {
        let count = query(
            prom_port,
            r#"http_server_request_duration_seconds_count{route="/work"}"#,
        );
        (count.first()?.1 == total).then_some(())?;
        let q = query(
            prom_port,
            r#"histogram_quantile(0.99, http_server_request_duration_seconds_bucket{route="/work"})"#,
        );
        Some(q.first()?.1)
    });
    let upper = bounds
        .iter()
        .copied()
        .find(|&b| b >= exact_p99)
        .expect("a bucket above p99");
    let lower = bounds
        .iter()
        .copied()
        .filter(|&b| b < exact_p99)
        .fold(0.0, f64::max);
    println!(
        "p99: exact {exact_p99:.6} s (crate), histogram_quantile {prom_p99:.6} s (Prometheus), bucket ({lower}, {upper}]"
    );
    assert!(
        (prom_p99 - exact_p99).abs() <= upper - lower,
        "p99 differs by more than a bucket"
    );

    let indicator = sre_budget::Indicator::latency(
        sre_service::names::HTTP_DURATION,
        r#"route="/work""#,
        Duration::from_millis(300),
    );
    let selector = indicator.selectors().0;
    let prom_good = query(prom_port, &selector).first().map(|r| r.1);
    println!("latency SLI selector {selector}: {prom_good:?} in Prometheus, {good} in the crate");
    assert_eq!(prom_good, Some(good));

    // 3: an outage.
    let outage = Instant::now();
    send(svc_port, &vec![(1, true); 60]);
    let alerts = ["page_1h_5m", "page_6h_30m", "ticket_1d_2h", "ticket_3d_6h"];
    let mut fired_in_process = Vec::new();
    let mut fired_in_prometheus = Vec::new();
    while fired_in_process.len() < alerts.len() || fired_in_prometheus.len() < alerts.len() {
        assert!(
            outage.elapsed() < Duration::from_secs(60),
            "alerts did not all fire within 60 s"
        );
        let page = get(svc_port, "/metrics", None).expect("metrics").1;
        for a in alerts {
            let series = format!(
                r#"sre_slo_alert_state{{slo="work",alert="{a}",severity="{}",state="firing"}}"#,
                if a.starts_with("page") {
                    "page"
                } else {
                    "ticket"
                }
            );
            if sample(&page, &series) == Some(1.0) && !fired_in_process.iter().any(|(n, _)| *n == a)
            {
                fired_in_process.push((a, outage.elapsed()));
            }
        }
        for (labels, _) in query(prom_port, r#"ALERTS{alertstate="firing"}"#) {
            let name = labels["alertname"].as_str().unwrap_or_default().to_owned();
            if let Some(a) = alerts.iter().find(|a| **a == name)
                && !fired_in_prometheus.iter().any(|(n, _)| n == a)
            {
                fired_in_prometheus.push((*a, outage.elapsed()));
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    for a in alerts {
        let p = fired_in_process.iter().find(|x| x.0 == a).map(|x| x.1);
        let q = fired_in_prometheus.iter().find(|x| x.0 == a).map(|x| x.1);
        println!("{a}: firing after {p:.1?} in process, {q:.1?} in Prometheus");
    }

    // 4a: a clean stop (SIGTERM, what systemd and Kubernetes send) and a restart: the
    // final checkpoint holds every event and the counters continue where they were.
    let counts = |page: &str| {
        ["good", "bad"].map(|o| {
            sample(
                page,
                &format!(r#"sre_slo_events_total{{slo="work",outcome="{o}"}}"#),
            )
        })
    };
    let saved_totals = || {
        let saved = sre_service::checkpoint::totals(&state).expect("the checkpoint reads");
        let w = saved
            .iter()
            .find(|(n, _)| n == "work")
            .expect("the work SLO")
            .1;
        [Some(w.good as f64), Some(w.bad() as f64)]
    };
    let before = counts(&get(svc_port, "/metrics", None).expect("metrics").1);
    let term = Command::new("kill")
        .args(["-TERM", &service.0.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let stopped = Instant::now();
    while service.0.try_wait().expect("wait").is_none() {
        assert!(
            stopped.elapsed() < Duration::from_secs(20),
            "no exit 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        saved_totals(),
        before,
        "the final checkpoint holds every event"
    );
    let mut service = start_service(svc_port, &state);
    let after = wait_for("the restarted service", start, || {
        get(svc_port, "/metrics", None).filter(|r| r.0 == 200)
    });
    println!(
        "clean restart: counters {before:?} before SIGTERM, {:?} after",
        counts(&after.1)
    );
    assert_eq!(counts(&after.1), before);

    // 4b: kill -9 after a checkpoint, restart from the state file: the SLI window is the
    // checkpoint's; the exposed counters start from zero (a reset Prometheus handles,
    // where moving them back to the checkpoint would be read as a reset and counted twice).
    send(svc_port, &vec![(1, false); 20]);
    std::thread::sleep(Duration::from_millis(2_500));
    let before = counts(&get(svc_port, "/metrics", None).expect("metrics").1);
    let saved = saved_totals();
    service.0.kill().expect("kill -9");
    let _ = service.0.wait();
    assert_eq!(before, saved, "no request since the last checkpoint");
    let _service = start_service(svc_port, &state);
    let period = |page: &str| {
        ["good", "bad"].map(|o| {
            sample(
                page,
                &format!(r#"sre_slo_period_events{{slo="work",outcome="{o}"}}"#),
            )
        })
    };
    let after = wait_for("the restarted service's first evaluation", start, || {
        get(svc_port, "/metrics", None).filter(|r| r.0 == 200 && period(&r.1)[0].is_some())
    })
    .1;
    println!(
        "kill -9: {before:?} before, {saved:?} in the checkpoint, SLI window {:?} and counters {:?} after restart",
        period(&after),
        counts(&after)
    );
    assert_eq!(period(&after), saved);
    assert_eq!(counts(&after), [Some(0.0), Some(0.0)]);

    // 5: a corrupt state file is refused and left as it was.
    let corrupt = dir.join("corrupt.state");
    let mut bytes = std::fs::read(&state).expect("the state file");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&corrupt, &bytes).expect("a corrupt copy");
    let out = Command::new(example())
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--state")
        .arg(&corrupt)
        .output()
        .expect("the example runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!(
        "corrupt state: exit {:?}, {}",
        out.status.code(),
        stderr.trim()
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("corrupt"), "{stderr}");
    assert_eq!(std::fs::read(&corrupt).expect("still there"), bytes);
    println!("end-to-end test took {:.1?}", start.elapsed());
}
