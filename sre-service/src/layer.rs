//! [`SreLayer`]: a tower layer that records RED and the SLI of every HTTP request in one
//! call, with the trace of a `traceparent` header kept as an exemplar.

use crate::registry::Registry;
use crate::request::Method;
use crate::route::{InFlight, TraceRef};
use crate::{Page, names};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use http::{Request, Response};

/// Names a request's route (the `route` label), borrowing from the request: for axum,
/// `|req: &Request<Body>| req.extensions().get::<MatchedPath>().map(MatchedPath::as_str)`.
/// `None` counts the request under `route="_unmatched"`.
pub trait RouteName<B>: Clone {
    /// The route of `request`.
    fn route_name<'a>(&self, request: &'a Request<B>) -> Option<&'a str>;
}

impl<B, F> RouteName<B> for F
where
    F: for<'a> Fn(&'a Request<B>) -> Option<&'a str> + Clone,
{
    fn route_name<'a>(&self, request: &'a Request<B>) -> Option<&'a str> {
        self(request)
    }
}

/// Records every request of the wrapped service into a [`Registry`].
///
/// Per request: the route named by the route function, its method and status class in
/// `http_server_requests_total`, its duration in the route's histogram, in-flight while
/// it runs, and one SLI event per SLO judging the route (good by default when not 5xx
/// and within the SLO's threshold; see [`SloSpec::judge`](crate::SloSpec::judge)).
///
/// - **Allocation.** None per request: the route's series are found by a read lock and a
///   hash of the name, and the response future holds an `Arc` to them.
/// - **Errors.** An `Err` from the inner service is recorded as a 500 (no response was
///   produced; an outer layer may still turn it into one).
/// - **Dropped futures.** A request whose response future is dropped before it
///   completes (the client went away, a timeout outside gave up) is counted with
///   `status_class="cancelled"`, left out of the latency histogram, and counted bad by
///   an SLO whose threshold it had already exceeded (see
///   [`Route::record`](crate::Route::record)).
/// - **Exemplars.** A valid, sampled W3C `traceparent` header makes the request the
///   exemplar of its latency bucket (OpenMetrics output shows it); a malformed or
///   unsampled one is ignored.
///
/// ```
/// use core::time::Duration;
/// use http::{Request, Response};
/// use sre_core::Objective;
/// use sre_service::{Registry, SloSpec, SreLayer};
/// use tower::{Layer, Service, ServiceExt};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let month = Duration::from_secs(30 * 86_400);
/// let registry = Registry::builder()
///     .slo(SloSpec::latency("api", Objective::from_percent(99.9)?, month, Duration::from_millis(300)))
///     .build()?;
/// let layer = SreLayer::new(&registry, |req: &Request<String>| Some(req.uri().path()));
/// let mut svc = layer.layer(tower::service_fn(|_req: Request<String>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(String::from("hi")))
/// }));
/// let response = svc.ready().await?.call(Request::new(String::new())).await?;
/// assert_eq!(response.status(), 200);
/// let page = registry.render_text();
/// assert!(page.body.contains(r#"http_server_requests_total{route="/",method="GET",status_class="2xx"} 1"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SreLayer<F> {
    registry: Registry,
    route: F,
}

impl<F> SreLayer<F> {
    /// A layer recording into `registry`, naming routes with `route`.
    pub fn new<B>(registry: &Registry, route: F) -> Self
    where
        F: for<'a> Fn(&'a Request<B>) -> Option<&'a str> + Clone,
    {
        Self {
            registry: registry.clone(),
            route,
        }
    }
}

impl<S, F: Clone> tower_layer::Layer<S> for SreLayer<F> {
    type Service = SreService<S, F>;

    fn layer(&self, inner: S) -> Self::Service {
        SreService {
            inner,
            registry: self.registry.clone(),
            route: self.route.clone(),
        }
    }
}

/// The service [`SreLayer`] wraps around another.
#[derive(Debug, Clone)]
pub struct SreService<S, F> {
    inner: S,
    registry: Registry,
    route: F,
}

impl<S, F, B, RB> tower_service::Service<Request<B>> for SreService<S, F>
where
    S: tower_service::Service<Request<B>, Response = Response<RB>>,
    F: RouteName<B>,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let name = self
            .route
            .route_name(&request)
            .unwrap_or(names::UNMATCHED_ROUTE);
        let route = self.registry.route(name);
        let mut flight = route.start(Method::from_name(request.method().as_str()));
        if let Some(trace) = request
            .headers()
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .and_then(trace_of)
        {
            flight.set_trace(trace);
        }
        ResponseFuture {
            inner: self.inner.call(request),
            flight: Some(flight),
        }
    }
}

/// The trace of a `traceparent` header value, if it is valid and sampled (an unsampled
/// trace's id leads to nothing in the tracing backend).
fn trace_of(header: &str) -> Option<TraceRef> {
    let t = sre_metrics::exposition::TraceParent::parse(header)
        .ok()
        .filter(sre_metrics::exposition::TraceParent::sampled)?;
    Some(TraceRef {
        trace_id: t.trace_id(),
        span_id: t.parent_id(),
    })
}

pin_project_lite::pin_project! {
    /// The response future of [`SreService`]: records the request when it completes,
    /// or as cancelled when dropped before.
    #[derive(Debug)]
    pub struct ResponseFuture<Fut> {
        #[pin]
        inner: Fut,
        flight: Option<InFlight>,
    }
}

impl<Fut, RB, E> Future for ResponseFuture<Fut>
where
    Fut: Future<Output = Result<Response<RB>, E>>,
{
    type Output = Fut::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = match this.inner.poll(cx) {
            Poll::Ready(out) => out,
            Poll::Pending => return Poll::Pending,
        };
        if let Some(flight) = this.flight.take() {
            let status = out.as_ref().map_or(500, |r| r.status().as_u16());
            flight.finish(status);
        }
        Poll::Ready(out)
    }
}

impl From<Page> for Response<String> {
    fn from(page: Page) -> Self {
        let mut r = Response::new(page.body);
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(page.content_type),
        );
        r
    }
}
