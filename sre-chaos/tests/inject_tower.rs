//! The fault layer in a real tower stack on tokio's paused clock: the selected users
//! (exactly those `UserShare` picks, about 5 %) get the added latency and the injected
//! error; nobody does once the kill switch trips.
#![cfg(feature = "tower")]

use core::time::Duration;
use sre_chaos::blast::UserShare;
use sre_chaos::guard::KillSwitch;
use sre_chaos::inject::FaultLayer;
use tower::{ServiceBuilder, ServiceExt};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Req {
    user: Option<String>,
}

fn user(r: &Req) -> Option<&[u8]> {
    r.user.as_deref().map(str::as_bytes)
}

/// A service that takes 10 ms and answers 200.
async fn backend(_: Req) -> Result<u16, std::convert::Infallible> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    Ok(200)
}

fn req(u: usize) -> Req {
    Req {
        user: Some(format!("user-{u}")),
    }
}

#[tokio::test(start_paused = true)]
async fn latency_is_added_for_the_selected_share_only() {
    let share = UserShare::new(0.05, 11).unwrap();
    let switch = KillSwitch::new();
    let layer = FaultLayer::new(share, user, switch.clone())
        .with_latency(Duration::from_millis(100), tokio::time::sleep);
    let counts = layer.counts();
    let svc = ServiceBuilder::new().layer(layer).service_fn(backend);

    let mut selected = 0_u32;
    for u in 0..2_000 {
        let t0 = tokio::time::Instant::now();
        let resp = svc.clone().oneshot(req(u)).await.unwrap();
        let took = t0.elapsed();
        assert_eq!(resp, 200);
        let key = format!("user-{u}");
        if share.contains(key.as_bytes()) {
            selected += 1;
            assert_eq!(
                took,
                Duration::from_millis(110),
                "user {u}: 100 ms added to 10 ms"
            );
        } else {
            assert_eq!(took, Duration::from_millis(10), "user {u}: untouched");
        }
    }
    // 5 % of 2,000 users, within 5 binomial standard deviations.
    let sigma = (2_000.0_f64 * 0.05 * 0.95).sqrt();
    assert!(
        (f64::from(selected) - 100.0).abs() <= 5.0 * sigma,
        "{selected}"
    );
    assert_eq!(counts.delayed(), u64::from(selected));
    assert_eq!(counts.passed() + counts.delayed(), 2_000);

    // A request without a user key is never selected.
    let t0 = tokio::time::Instant::now();
    svc.clone().oneshot(Req { user: None }).await.unwrap();
    assert_eq!(t0.elapsed(), Duration::from_millis(10));
}

#[tokio::test(start_paused = true)]
async fn errors_stop_the_moment_the_switch_trips() {
    let share = UserShare::new(1.0, 0).unwrap(); // everyone, to see each request
    let switch = KillSwitch::new();
    let layer = FaultLayer::new(share, user, switch.clone())
        .with_latency(Duration::from_millis(50), tokio::time::sleep)
        .with_error(|_: &Req| 503_u16);
    let counts = layer.counts();
    let svc = ServiceBuilder::new().layer(layer).service_fn(backend);

    let t0 = tokio::time::Instant::now();
    assert_eq!(svc.clone().oneshot(req(1)).await.unwrap(), 503);
    // The injected error comes after the added latency, without calling the backend.
    assert_eq!(t0.elapsed(), Duration::from_millis(50));

    // A request already delayed when the switch trips keeps its decision; the next
    // one goes straight to the backend.
    let in_flight = tokio::spawn(svc.clone().oneshot(req(2)));
    tokio::task::yield_now().await;
    switch.trip();
    let t1 = tokio::time::Instant::now();
    assert_eq!(svc.clone().oneshot(req(3)).await.unwrap(), 200);
    assert_eq!(t1.elapsed(), Duration::from_millis(10));
    assert_eq!(in_flight.await.unwrap().unwrap(), 503);
    assert_eq!((counts.failed(), counts.passed()), (2, 1));
}
