//! Records some simulated traffic into RED signals and an SLI window, then prints the
//! Prometheus text exposition (format 0.0.4, or OpenMetrics 1.0 with `--openmetrics`) to
//! stdout. Check them with
//! `cargo run -p sre-metrics --example prometheus_exposition | promtool check metrics` and
//! `cargo run -p sre-metrics --example prometheus_exposition -- --openmetrics | python3 .ci/check_openmetrics.py`.

use core::time::Duration;
use sre_core::{Clock, ManualClock, Timestamp};
use sre_metrics::exposition::{Exposition, Format};
use sre_metrics::red::Red;
use sre_metrics::sli::LatencySli;
use sre_metrics::{Error, HistogramConfig};

fn main() -> Result<(), Error> {
    let format = match std::env::args().nth(1).as_deref() {
        None => Format::Text,
        Some("--openmetrics") => Format::OpenMetrics,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: prometheus_exposition [--openmetrics]");
            std::process::exit(2);
        }
    };
    let clock = ManualClock::new(Timestamp::ZERO);
    let red = Red::new(
        Duration::from_secs(6 * 3600),
        HistogramConfig::new(1_000, 60_000_000_000, 3)?,
    )?;
    // "Good" = served within 300 ms, over a 30-day horizon.
    let latency_slo =
        LatencySli::new(Duration::from_secs(30 * 86_400), Duration::from_millis(300))?;

    // Ten minutes of traffic, 20 requests a second; a slow, failing patch in minute 7.
    let mut x = 0x9e37_79b9_7f4a_7c15_u64; // xorshift, seeded: the run is reproducible
    for _ in 0..(10 * 60 * 20) {
        clock.advance(Duration::from_millis(50));
        let now = clock.now();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bad_patch = now > Timestamp::from_mins(6) && now <= Timestamp::from_mins(7);
        let ms = if bad_patch {
            200 + x % 800
        } else {
            5 + x % 120
        };
        let ok = !(bad_patch && x.is_multiple_of(4));
        let request = red.start();
        let latency = Duration::from_millis(ms);
        request.finish(now, latency, ok);
        latency_slo.record(now, latency);
    }
    red.set_queue_depth(3);

    let now = clock.now();
    let mut e = Exposition::with_format(format);
    let ms = Duration::from_millis;
    let bounds = [ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000)];
    red.expose(&mut e, "checkout", &[("instance", "a:8080")], &bounds)?;

    // The SLI as a counter pair, and the error ratios a burn-rate alert reads.
    let totals = latency_slo.window().totals();
    e.counter(
        "checkout_latency_sli_events_total",
        "Requests judged by the latency SLI.",
    )?
    .sample(&[("outcome", "good")], totals.good)?
    .sample(&[("outcome", "bad")], totals.bad())?;
    let windows = [5, 30, 60].map(|m| Duration::from_secs(60 * m));
    let counts = latency_slo.window().counts_many(now, windows)?;
    let mut ratio = e.gauge(
        "checkout_latency_sli_error_ratio",
        "Share of requests slower than 300 ms over a rolling window.",
    )?;
    for (label, c) in ["5m", "30m", "1h"].into_iter().zip(counts) {
        // No data is absent, not healthy: skip the sample rather than write 0.
        if let Some(r) = c.error_ratio() {
            ratio.sample(&[("window", label)], r)?;
        }
    }
    print!("{}", e.finish());
    Ok(())
}
