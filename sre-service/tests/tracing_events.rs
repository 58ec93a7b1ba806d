//! With feature `tracing`, every alert transition is a `tracing` event: `warn` when it
//! fires, with the SLO, the alert and the ratios as fields.
#![cfg(feature = "tracing")]

use core::time::Duration;
use sre_core::{Objective, Timestamp};
use sre_service::{Registry, Runner, SloSpec};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Keeps every event's level and fields as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(Level, String)>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn core::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut f = Fields(String::new());
        event.record(&mut f);
        self.0
            .lock()
            .unwrap()
            .push((*event.metadata().level(), f.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn a_firing_alert_is_a_warn_event_with_its_readings() {
    let month = Duration::from_secs(30 * 86_400);
    let r = Registry::builder()
        .slo(SloSpec::availability(
            "api",
            Objective::from_percent(99.9).unwrap(),
            month,
        ))
        .build()
        .unwrap();
    let runner = Runner::new(&r);
    let capture = Capture::default();
    let events = capture.0.clone();
    let t = Timestamp::from_secs(1_800_000_000);
    tracing::subscriber::with_default(capture, || {
        for _ in 0..20 {
            r.record_event("api", t, false);
        }
        let fired = runner.evaluate(t).unwrap();
        assert_eq!(fired.len(), 4);
        // An hour and a quarter later the 5-minute window is clean: the page resolves.
        for m in 1..=75 {
            r.record_event("api", t + Duration::from_secs(60 * m), true);
        }
        runner.evaluate(t + Duration::from_secs(75 * 60)).unwrap();
    });
    let events = events.lock().unwrap();
    let firing: Vec<_> = events.iter().filter(|(l, _)| *l == Level::WARN).collect();
    assert_eq!(firing.len(), 4, "{events:?}");
    assert!(
        firing.iter().any(|(_, f)| f.contains("alert=page_1h_5m")
            && f.contains("slo=api")
            && f.contains("long_error_ratio=Some(1.0)")),
        "{firing:?}"
    );
    assert!(
        events.iter().any(|(l, f)| *l == Level::INFO
            && f.contains("transition=\"resolved\"")
            && f.contains("alert=page_1h_5m")),
        "{events:?}"
    );
}
