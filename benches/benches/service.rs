//! `service_layer/*`: one request through a tower service that answers at once, wrapped in
//! `sre_service::SreLayer` (`sre`), in the middleware axum's `prometheus-metrics` example
//! writes with `metrics` + `metrics-exporter-prometheus` (`metrics_exporter_prometheus`:
//! owned label strings, a counter and a histogram per request), the same with
//! `&'static str` labels (`metrics_exporter_prometheus_static`, the peer's best case),
//! and unwrapped (`bare`, the floor).
//! `facade_record/*`: `histogram!(…).record(v)` on a registered handle through
//! `sre_service::Recorder` and through `metrics_exporter_prometheus::PrometheusRecorder`.
//! `scrape/*`: rendering a registry of 50 routes (each with 1,000 requests recorded) and
//! one SLO, in each format; `text_50_routes_all_written` records one request on every
//! route before each render, so every route's histogram has moved since the last scrape.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use criterion::{Criterion, criterion_group, criterion_main};
use http::{Request, Response};
use metrics_exporter_prometheus::PrometheusBuilder;
use sre_core::Objective;
use sre_metrics::exposition::Format;
use sre_service::{Method, Registry, SloSpec, SreLayer};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tower::{Layer, Service};

fn poll_once<F: Future>(f: F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    pin!(f).poll(&mut cx)
}

/// A service that answers every request at once.
#[derive(Clone, Copy)]
struct Ready;

impl Service<Request<()>> for Ready {
    type Response = Response<()>;
    type Error = core::convert::Infallible;
    type Future = core::future::Ready<Result<Response<()>, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        core::future::ready(Ok(Response::new(())))
    }
}

fn route(req: &Request<()>) -> Option<&str> {
    Some(req.uri().path())
}

/// What axum's `prometheus-metrics` example records per request, around `inner`.
fn peer_call(inner: &mut Ready, req: Request<()>) -> Response<()> {
    let start = Instant::now();
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let Ok(response) = inner.call(req).into_inner();
    let latency = start.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    let labels = [
        ("method", method.to_string()),
        ("path", path),
        ("status", status),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_requests_duration_seconds", &labels).record(latency);
    response
}

/// The same with static labels: no allocation for the label values.
fn peer_call_static(inner: &mut Ready, req: Request<()>) -> Response<()> {
    let start = Instant::now();
    let Ok(response) = inner.call(req).into_inner();
    let latency = start.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "method" => "GET", "path" => "/work", "status_class" => "2xx")
        .increment(1);
    metrics::histogram!("http_requests_duration_seconds", "path" => "/work").record(latency);
    response
}

fn slo() -> SloSpec {
    SloSpec::latency(
        "work",
        Objective::from_percent(99.9).unwrap(),
        Duration::from_secs(30 * 86_400),
        Duration::from_millis(300),
    )
}

fn request() -> Request<()> {
    Request::builder().uri("/work").body(()).unwrap()
}

fn service_layer(c: &mut Criterion) {
    let mut g = c.benchmark_group("service_layer");
    let registry = Registry::builder().slo(slo()).build().unwrap();
    let mut svc = SreLayer::new(&registry, route).layer(Ready);
    g.bench_function("sre", |b| {
        b.iter_batched(
            request,
            |req| poll_once(svc.call(req)),
            criterion::BatchSize::SmallInput,
        );
    });
    let recorder = PrometheusBuilder::new().build_recorder();
    let mut inner = Ready;
    metrics::with_local_recorder(&recorder, || {
        g.bench_function("metrics_exporter_prometheus", |b| {
            b.iter_batched(
                request,
                |req| peer_call(&mut inner, req),
                criterion::BatchSize::SmallInput,
            );
        });
        g.bench_function("metrics_exporter_prometheus_static", |b| {
            b.iter_batched(
                request,
                |req| peer_call_static(&mut inner, req),
                criterion::BatchSize::SmallInput,
            );
        });
    });
    g.bench_function("bare", |b| {
        b.iter_batched(
            request,
            |req| poll_once(inner.call(req)),
            criterion::BatchSize::SmallInput,
        );
    });
    g.finish();
}

fn facade_record(c: &mut Criterion) {
    let mut g = c.benchmark_group("facade_record");
    let registry = Registry::builder().build().unwrap();
    let ours = sre_service::Recorder::new(&registry);
    metrics::with_local_recorder(&ours, || {
        let h = metrics::histogram!("latency_seconds", "route" => "/work");
        g.bench_function("sre", |b| b.iter(|| h.record(black_box(0.0123))));
    });
    let peer = PrometheusBuilder::new().build_recorder();
    metrics::with_local_recorder(&peer, || {
        let h = metrics::histogram!("latency_seconds", "route" => "/work");
        g.bench_function("metrics_exporter_prometheus", |b| {
            b.iter(|| h.record(black_box(0.0123)));
        });
    });
    g.finish();
}

fn scrape(c: &mut Criterion) {
    let mut g = c.benchmark_group("scrape");
    let registry = Registry::builder().slo(slo()).build().unwrap();
    for r in 0..50 {
        let route = registry.route(&format!("/route/{r}"));
        let now = registry.now();
        for i in 0..1_000u64 {
            let status = if i % 97 == 0 { 500 } else { 200 };
            let elapsed = Duration::from_micros(500 + (i * 7_919) % 400_000);
            route.record(Method::Get, Some(status), elapsed, now, None);
        }
    }
    sre_service::Runner::new(&registry)
        .evaluate(registry.now())
        .unwrap();
    g.bench_function("text_50_routes", |b| {
        b.iter(|| black_box(registry.render(Format::Text)));
    });
    // Every route written since the last scrape: each render reads every route's
    // histogram shard that moved.
    let routes = registry.routes();
    let mut i = 0u64;
    g.bench_function("text_50_routes_all_written", |b| {
        b.iter(|| {
            let now = registry.now();
            for r in &routes {
                i += 1;
                let elapsed = Duration::from_micros(500 + (i * 7_919) % 400_000);
                r.record(Method::Get, Some(200), elapsed, now, None);
            }
            black_box(registry.render(Format::Text))
        });
    });
    g.bench_function("openmetrics_50_routes", |b| {
        b.iter(|| black_box(registry.render(Format::OpenMetrics)));
    });
    g.finish();
}

criterion_group!(benches, service_layer, facade_record, scrape);
criterion_main!(benches);
