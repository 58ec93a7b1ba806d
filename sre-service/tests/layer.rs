//! The tower layer: what it records per request, cancellations, exemplars, and no
//! allocation per request beyond the inner service's.
// Counts read back from a page are whole numbers below 2^53: exact in f64.
#![allow(clippy::float_cmp)]

mod common;

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use http::{Request, Response, StatusCode};
use sre_core::Objective;
use sre_metrics::exposition::Format;
use sre_service::{Registry, SloSpec, SreLayer};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use tower::{Layer, Service};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn registry() -> Registry {
    let month = Duration::from_secs(30 * 86_400);
    let slo = SloSpec::latency(
        "api",
        Objective::from_percent(99.9).unwrap(),
        month,
        Duration::from_millis(300),
    );
    Registry::builder().slo(slo).build().unwrap()
}

fn route(req: &Request<()>) -> Option<&str> {
    req.uri().path().strip_prefix("/r").map(|_| "/r/{id}")
}

/// An inner service answering with the status in the `status` header, or `Err` for 0.
#[derive(Clone)]
struct Inner;

impl Service<Request<()>> for Inner {
    type Response = Response<()>;
    type Error = &'static str;
    type Future = core::future::Ready<Result<Response<()>, &'static str>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<()>) -> Self::Future {
        let status: u16 = req
            .headers()
            .get("status")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(200);
        if status == 0 {
            return core::future::ready(Err("inner failed"));
        }
        let mut r = Response::new(());
        *r.status_mut() = StatusCode::from_u16(status).unwrap();
        core::future::ready(Ok(r))
    }
}

fn request(path: &str, status: u16, traceparent: Option<&str>) -> Request<()> {
    let mut b = Request::builder()
        .uri(path)
        .header("status", status.to_string());
    if let Some(t) = traceparent {
        b = b.header("traceparent", t);
    }
    b.body(()).unwrap()
}

fn poll_once<F: Future>(f: F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    pin!(f).poll(&mut cx)
}

#[test]
fn every_request_is_recorded_once_by_route_method_and_class() {
    let r = registry();
    let mut svc = SreLayer::new(&r, route).layer(Inner);
    for (path, status) in [
        ("/r/1", 200),
        ("/r/2", 204),
        ("/r/3", 404),
        ("/r/4", 503),
        ("/x", 200),
        ("/r/5", 0),
    ] {
        let _ = poll_once(svc.call(request(path, status, None)));
    }
    // A request whose future is dropped before it completes: the client went away.
    drop(svc.call(request("/r/6", 200, None)));
    let page = r.render_text().body;
    common::promtool_accepts(&page);
    let n = |sel: &str| common::select(&page, sel).iter().map(|x| x.1).sum::<f64>();
    assert_eq!(
        n(r#"http_server_requests_total{route="/r/{id}",status_class="2xx"}"#),
        2.0
    );
    assert_eq!(
        n(r#"http_server_requests_total{route="/r/{id}",status_class="4xx"}"#),
        1.0
    );
    // The inner service's Err counts as a 500.
    assert_eq!(
        n(r#"http_server_requests_total{route="/r/{id}",status_class="5xx"}"#),
        2.0
    );
    assert_eq!(
        n(r#"http_server_requests_total{route="/r/{id}",status_class="cancelled"}"#),
        1.0
    );
    assert_eq!(n(r#"http_server_requests_total{route="_unmatched"}"#), 1.0);
    assert_eq!(n(r#"http_server_active_requests"#), 0.0);
    // The SLO judges every route (none named): 5xx and Err are bad, the rest good; the
    // cancellation came well within 300 ms, so it is no event.
    let t = r.sli("api").unwrap().totals();
    assert_eq!((t.good, t.bad()), (4, 2));
}

#[test]
fn a_traceparent_becomes_the_exemplar_of_its_bucket() {
    let r = registry();
    let mut svc = SreLayer::new(&r, route).layer(Inner);
    let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let _ = poll_once(svc.call(request("/r/1", 200, Some(tp))));
    // Malformed headers are ignored, never a panic.
    for bad in [
        "",
        "00-xyz",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        &"9".repeat(10_000),
    ] {
        let _ = poll_once(svc.call(request("/r/2", 200, Some(bad))));
    }
    let page = r.render(Format::OpenMetrics).body;
    common::openmetrics_parser_accepts(&page);
    let exemplars: Vec<&str> = page.lines().filter(|l| l.contains(" # {")).collect();
    assert_eq!(exemplars.len(), 1, "{page}");
    assert!(
        exemplars[0]
            .contains(r#"trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7""#)
    );
    // The text format has no exemplars.
    assert!(!r.render_text().body.contains(" # {"));
}

/// Allocations while `n` requests go through `svc` (each polled to completion).
fn allocations<S>(svc: &mut S, n: u16) -> usize
where
    S: Service<Request<()>>,
{
    let requests: Vec<_> = (0..n).map(|i| request("/r/1", 200 + i % 3, None)).collect();
    let region = Region::new(GLOBAL);
    for req in requests {
        assert!(poll_once(svc.call(req)).is_ready());
    }
    let c = region.change();
    c.allocations + c.reallocations
}

#[test]
fn no_allocation_per_request_beyond_the_inner_service() {
    let r = registry();
    let mut svc = SreLayer::new(&r, route).layer(Inner);
    // Warm up: the route's series are created at its first request.
    let _ = poll_once(svc.call(request("/r/1", 200, None)));
    // The counter is process-wide and the test harness's threads may allocate while a
    // region is open: the fewest of three runs is the code's own.
    let layered = (0..3).map(|_| allocations(&mut svc, 1000)).min().unwrap();
    let alone = (0..3).map(|_| allocations(&mut Inner, 1000)).min().unwrap();
    assert_eq!(layered, alone, "the layer allocated per request");
    assert_eq!(r.sli("api").unwrap().totals().total, 3001);
}
