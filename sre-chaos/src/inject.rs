//! A tower fault-injection layer (feature `tower`): added latency and injected error
//! responses for the users a [`UserShare`] selects, off the moment a [`KillSwitch`] trips.

use crate::blast::UserShare;
use crate::guard::KillSwitch;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How the layer waits: the caller's timer, so the layer runs on any runtime (tokio's
/// `tokio::time::sleep`, `async-io`'s `Timer::after`, `futures-timer`'s `Delay::new`, a
/// simulated clock's future). Any `Fn(Duration) -> impl Future<Output = ()>` is one.
pub trait Sleep: Clone {
    /// The future that completes after the delay.
    type Future: Future<Output = ()>;
    /// Starts a delay of `d`.
    fn sleep(&self, d: Duration) -> Self::Future;
}

impl<F, Fut> Sleep for F
where
    F: Fn(Duration) -> Fut + Clone,
    Fut: Future<Output = ()>,
{
    type Future = Fut;
    fn sleep(&self, d: Duration) -> Fut {
        self(d)
    }
}

/// No added latency.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSleep;

impl Sleep for NoSleep {
    type Future = core::future::Ready<()>;
    fn sleep(&self, _: Duration) -> Self::Future {
        core::future::ready(())
    }
}

/// Builds the injected error response for a request (e.g. an HTTP 503).
pub trait InjectError<Req, Resp>: Clone {
    /// The response to return instead of calling the service; `None`: call it.
    fn response(&self, req: &Req) -> Option<Resp>;
}

impl<F, Req, Resp> InjectError<Req, Resp> for F
where
    F: Fn(&Req) -> Resp + Clone,
{
    fn response(&self, req: &Req) -> Option<Resp> {
        Some(self(req))
    }
}

/// No injected errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoError;

impl<Req, Resp> InjectError<Req, Resp> for NoError {
    fn response(&self, _: &Req) -> Option<Resp> {
        None
    }
}

/// Requests the layer saw, by what it did to them (relaxed counters; each request is
/// counted once, when it arrives).
#[derive(Debug, Default)]
pub struct InjectionCounts {
    passed: AtomicU64,
    delayed: AtomicU64,
    failed: AtomicU64,
}

impl InjectionCounts {
    /// Untouched (not selected, no key, or the switch tripped).
    pub fn passed(&self) -> u64 {
        self.passed.load(Ordering::Relaxed)
    }
    /// Delayed and then served by the service.
    pub fn delayed(&self) -> u64 {
        self.delayed.load(Ordering::Relaxed)
    }
    /// Answered with the injected error (after the delay, if any).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}

/// The layer. `K` reads a request's user key (`fn(&Req) -> Option<&[u8]>`; a request
/// without a key is never selected).
///
/// For a request of a selected user while the switch is not tripped: wait `latency`
/// with the caller's [`Sleep`], then return the injected error if there is one, else
/// the service's response (so the added latency adds to the service time). The
/// decision is taken when the request arrives: once the switch trips, every new
/// request goes straight through; a delay already started runs to its end. Cost per
/// request: one atomic load, one hash of the key, one relaxed counter add.
///
/// ```
/// use core::time::Duration;
/// use sre_chaos::blast::UserShare;
/// use sre_chaos::guard::KillSwitch;
/// use sre_chaos::inject::FaultLayer;
///
/// fn user(req: &String) -> Option<&[u8]> { Some(req.as_bytes()) }
/// let switch = KillSwitch::new();
/// let layer = FaultLayer::new(UserShare::new(0.05, 7)?, user, switch.clone())
///     .with_latency(Duration::from_millis(100), |d| async move { /* the runtime's sleep(d) */ let _ = d; })
///     .with_error(|_req: &String| String::from("503"));
/// switch.trip(); // the guard aborted: the layer stops injecting
/// # let _ = layer;
/// # Ok::<(), sre_chaos::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FaultLayer<K, Sl = NoSleep, E = NoError> {
    share: UserShare,
    key: K,
    switch: KillSwitch,
    latency: Duration,
    sleep: Sl,
    error: E,
    counts: Arc<InjectionCounts>,
}

impl<K> FaultLayer<K> {
    /// Selects the users of `share` by the key `key` reads; no fault until
    /// [`with_latency`](Self::with_latency) or [`with_error`](Self::with_error).
    pub fn new(share: UserShare, key: K, switch: KillSwitch) -> Self {
        Self {
            share,
            key,
            switch,
            latency: Duration::ZERO,
            sleep: NoSleep,
            error: NoError,
            counts: Arc::default(),
        }
    }
}

impl<K, Sl, E> FaultLayer<K, Sl, E> {
    /// Adds `latency` to the selected users' requests, waiting with `sleep`.
    pub fn with_latency<S2: Sleep>(self, latency: Duration, sleep: S2) -> FaultLayer<K, S2, E> {
        FaultLayer {
            share: self.share,
            key: self.key,
            switch: self.switch,
            latency,
            sleep,
            error: self.error,
            counts: self.counts,
        }
    }

    /// Answers the selected users' requests with `error`'s response.
    pub fn with_error<E2>(self, error: E2) -> FaultLayer<K, Sl, E2> {
        FaultLayer {
            share: self.share,
            key: self.key,
            switch: self.switch,
            latency: self.latency,
            sleep: self.sleep,
            error,
            counts: self.counts,
        }
    }

    /// The counters shared by every service this layer builds.
    pub fn counts(&self) -> Arc<InjectionCounts> {
        Arc::clone(&self.counts)
    }
}

impl<S, K: Clone, Sl: Clone, E: Clone> tower_layer::Layer<S> for FaultLayer<K, Sl, E> {
    type Service = FaultService<S, K, Sl, E>;
    fn layer(&self, inner: S) -> Self::Service {
        FaultService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`FaultLayer`] builds.
#[derive(Debug, Clone)]
pub struct FaultService<S, K, Sl, E> {
    inner: S,
    layer: FaultLayer<K, Sl, E>,
}

impl<S, K, Sl, E, Req> tower_service::Service<Req> for FaultService<S, K, Sl, E>
where
    S: tower_service::Service<Req>,
    K: Fn(&Req) -> Option<&[u8]>,
    Sl: Sleep,
    E: InjectError<Req, S::Response>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = FaultFuture<S::Future, Sl::Future, S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        let l = &self.layer;
        let selected = !l.switch.is_tripped() && (l.key)(&req).is_some_and(|k| l.share.contains(k));
        if !selected {
            l.counts.passed.fetch_add(1, Ordering::Relaxed);
            return FaultFuture {
                delay: None,
                error: None,
                inner: Some(self.inner.call(req)),
            };
        }
        let delay = (!l.latency.is_zero()).then(|| l.sleep.sleep(l.latency));
        match l.error.response(&req) {
            Some(resp) => {
                l.counts.failed.fetch_add(1, Ordering::Relaxed);
                FaultFuture {
                    delay,
                    error: Some(resp),
                    inner: None,
                }
            }
            None => {
                l.counts.delayed.fetch_add(1, Ordering::Relaxed);
                FaultFuture {
                    delay,
                    error: None,
                    inner: Some(self.inner.call(req)),
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`FaultService`]: the delay, then the injected error or
    /// the service's response.
    #[derive(Debug)]
    pub struct FaultFuture<F, D, R> {
        #[pin]
        delay: Option<D>,
        error: Option<R>,
        #[pin]
        inner: Option<F>,
    }
}

impl<F, D, R, Err> Future for FaultFuture<F, D, R>
where
    F: Future<Output = Result<R, Err>>,
    D: Future<Output = ()>,
{
    type Output = Result<R, Err>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(d) = this.delay.as_mut().as_pin_mut() {
            match d.poll(cx) {
                Poll::Ready(()) => this.delay.set(None),
                Poll::Pending => return Poll::Pending,
            }
        }
        if let Some(resp) = this.error.take() {
            return Poll::Ready(Ok(resp));
        }
        match this.inner.as_pin_mut() {
            Some(f) => f.poll(cx),
            // Polled again after it completed: a contract violation by the caller; stay
            // pending rather than panic.
            None => Poll::Pending,
        }
    }
}
