//! The fault layer in a real tower stack, with an injected sleep that records every delay
//! it is asked for: the selected users (exactly those `UserShare` picks, about 5 %) get
//! the added latency and the injected error; nobody does once the kill switch trips.
#![cfg(feature = "tower")]

use core::time::Duration;
use sre_chaos::blast::UserShare;
use sre_chaos::guard::KillSwitch;
use sre_chaos::inject::FaultLayer;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use tower::{ServiceBuilder, ServiceExt};

/// The delays the layer asked for, in order.
#[derive(Clone, Default)]
struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    /// A sleep that records its delay and completes at once.
    fn sleep(&self) -> impl Fn(Duration) -> core::future::Ready<()> + Clone {
        let d = self.clone();
        move |t| {
            d.0.lock().unwrap().push(t);
            core::future::ready(())
        }
    }

    fn taken(&self) -> Vec<Duration> {
        core::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Req {
    user: Option<String>,
}

fn user(r: &Req) -> Option<&[u8]> {
    r.user.as_deref().map(str::as_bytes)
}

/// A service that answers 200.
async fn backend(_: Req) -> Result<u16, std::convert::Infallible> {
    Ok(200)
}

fn req(u: u64) -> Req {
    Req {
        user: Some(format!("user-{u}")),
    }
}

#[tokio::test]
async fn latency_is_added_for_the_selected_share_only() {
    let share = UserShare::new(0.05, 11).unwrap();
    let switch = KillSwitch::new();
    let delays = Delays::default();
    let layer = FaultLayer::new(share, user, switch.clone())
        .with_latency(Duration::from_millis(100), delays.sleep());
    let counts = layer.counts();
    let svc = ServiceBuilder::new().layer(layer).service_fn(backend);

    let users = 2_000_u64;
    let mut selected = 0_u64;
    for u in 0..users {
        let resp = svc.clone().oneshot(req(u)).await.unwrap();
        assert_eq!(resp, 200);
        let key = format!("user-{u}");
        if share.contains(key.as_bytes()) {
            selected += 1;
            assert_eq!(delays.taken(), [Duration::from_millis(100)], "user {u}");
        } else {
            assert_eq!(delays.taken(), [], "user {u}: untouched");
        }
    }
    // 5 % of the users, within 5 binomial standard deviations.
    let sigma = (users as f64 * 0.05 * 0.95).sqrt();
    assert!(
        (selected as f64 - users as f64 * 0.05).abs() <= 5.0 * sigma,
        "{selected}"
    );
    assert_eq!(counts.delayed(), selected);
    assert_eq!(
        counts.passed() + counts.delayed(),
        users,
        "every request counted once"
    );

    // A request without a user key is never selected.
    svc.clone().oneshot(Req { user: None }).await.unwrap();
    assert_eq!(delays.taken(), []);
}

#[tokio::test]
async fn errors_stop_the_moment_the_switch_trips() {
    let share = UserShare::new(1.0, 0).unwrap(); // everyone, to see each request
    let switch = KillSwitch::new();
    // The sleep waits for a permit: the first request gets one, the second waits.
    let gate = Arc::new(Semaphore::new(1));
    let asked = Delays::default();
    let sleep = {
        let (gate, asked) = (Arc::clone(&gate), asked.clone());
        move |t: Duration| {
            let (gate, asked) = (Arc::clone(&gate), asked.clone());
            async move {
                asked.0.lock().unwrap().push(t);
                gate.acquire().await.unwrap().forget();
            }
        }
    };
    let layer = FaultLayer::new(share, user, switch.clone())
        .with_latency(Duration::from_millis(50), sleep)
        .with_error(|_: &Req| 503_u16);
    let counts = layer.counts();
    let svc = ServiceBuilder::new().layer(layer).service_fn(backend);

    // The injected error comes after the added latency, without calling the backend.
    assert_eq!(svc.clone().oneshot(req(1)).await.unwrap(), 503);
    assert_eq!(asked.taken(), [Duration::from_millis(50)]);

    // A request already delayed when the switch trips keeps its decision; the next
    // one goes straight to the backend.
    let in_flight = tokio::spawn(svc.clone().oneshot(req(2)));
    while asked.0.lock().unwrap().is_empty() {
        tokio::task::yield_now().await;
    }
    switch.trip();
    assert_eq!(svc.clone().oneshot(req(3)).await.unwrap(), 200);
    assert_eq!(
        asked.taken(),
        [Duration::from_millis(50)],
        "only request 2 was delayed"
    );
    gate.add_permits(1);
    assert_eq!(in_flight.await.unwrap().unwrap(), 503);
    assert_eq!((counts.failed(), counts.passed()), (2, 1));
}
