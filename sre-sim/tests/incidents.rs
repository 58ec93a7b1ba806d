//! Incidents in a run against independent truth: outages built request by request, whose
//! page times follow from `sre_budget::evaluation`'s burn-rate closed forms, and whose
//! TTx follow from the configured responder delays.

use core::time::Duration;
use sre_budget::evaluation::{EvalPolicy, RectIncident, closed_form};
use sre_core::Objective;
use sre_sim::incidents::{Responders, postmortem};
use sre_sim::scenario::Span;
use sre_sim::{Report, Scenario, ServiceTime, Simulation};

const PER_MIN: u64 = 100;
const FAST_NS: u64 = 10_000_000; // 10 ms: good (the SLO's threshold is 100 ms)
const SLOW_NS: u64 = 200_000_000; // 200 ms: bad

/// `PER_MIN` requests a minute, 0.5 s apart from the minute's start (so each completes in
/// the minute it is sent); during each outage `(start_min, minutes, bad_per_100)` the
/// first `bad_per_100` of a minute are slow. 20 servers: nothing ever queues.
fn run(outages: &[(u64, u64, u64)], total_min: u64, responders: Option<Responders>) -> Report {
    let service = ServiceTime::fixed(Duration::from_nanos(FAST_NS)).unwrap();
    let mut s = Scenario::fixed_pool(
        "outage",
        100.0 / 60.0,
        service,
        20,
        Duration::from_secs(total_min * 60),
    );
    s.responders = responders;
    let requests = (0..total_min).flat_map(move |m| {
        (0..PER_MIN).map(move |k| {
            let bad = outages
                .iter()
                .any(|&(st, d, n)| (st..st + d).contains(&m) && k < n);
            (
                m * 60_000_000_000 + k * 500_000_000,
                if bad { SLOW_NS } else { FAST_NS },
            )
        })
    });
    Simulation::new(s).unwrap().run_requests(requests).unwrap()
}

/// Seconds of a report field, which are whole seconds here.
fn whole(s: f64) -> u64 {
    assert!(s.fract() == 0.0, "{s}");
    sre_core::f64_to_u64_saturating(s)
}

fn page_policy() -> EvalPolicy {
    let o = Objective::new(0.999).unwrap();
    EvalPolicy::workbook_page(o, Duration::from_secs(30 * 86_400)).unwrap()
}

#[test]
fn page_time_follows_the_closed_form_and_ttx_the_responder_delays() {
    // After 6 hours of clean traffic, so every window is full as the closed form assumes.
    let (t0, d) = (400u64, 60u64);
    let r = run(&[(t0, d, 10)], 540, None);
    assert_eq!(r.incidents.len(), 1, "{:#?}", r.incidents);
    let i = &r.incidents[0];
    let inc = RectIncident::new(0.1, Some(Duration::from_secs(d * 60)))
        .unwrap()
        .with_traffic(PER_MIN)
        .unwrap();
    let per_min = closed_form::per_minute(&page_policy(), &inc);
    let cont = closed_form::continuous(&page_policy(), &inc);
    let fire = per_min.fire_minute.unwrap();
    let start = (t0 * 60) as f64;
    assert_eq!(whole(i.impact_start_s), t0 * 60);
    assert_eq!(whole(i.triggered_s), (t0 + fire) * 60);
    // The continuous model's t* = b·EB·W/e = 14.4·0.001·60/0.1 = 8.64 min: within a minute.
    let t_star = cont.detection_min.unwrap();
    assert!((t_star - 8.64).abs() < 1e-9);
    assert!((i.triggered_s - start - t_star * 60.0).abs() < 60.0);
    // The page episode ends when the closed form says the policy stops firing.
    let reset = per_min.reset_min.unwrap();
    assert_eq!(i.page_resolved_s, Some(start + ((d + reset) * 60) as f64));
    // One page episode (the closed form's), in which both pairs fire: 1 h/5 m at 8.64 min,
    // 6 h/30 m at 6·0.001·360/0.1 = 21.6 min.
    assert_eq!(per_min.pages, 1);
    assert_eq!(i.pages, 2);
    // Default responders: 5 min to acknowledge, 30 more to mitigate (before the outage ends).
    assert_eq!(i.ttd_s, Some((fire * 60) as f64));
    assert_eq!(i.tta_s, Some(300.0));
    assert_eq!(i.mitigated_by, "responder");
    assert_eq!(i.ttm_s, Some((fire * 60 + 300 + 1800) as f64));
    assert_eq!(i.sli_recovered_s, Some(((t0 + d) * 60) as f64));
    assert_eq!(i.ttr_s, Some(((d + reset - fire) * 60) as f64));
    assert_eq!(i.bad_minutes, d);
    assert!((i.worst_error_ratio - 0.1).abs() < 1e-12);
    assert!(i.timeline().is_ok());
}

#[test]
fn a_short_outage_recovers_before_the_responder() {
    let responders = Responders {
        acknowledge_after: Span::secs(120),
        mitigate_after: Span::secs(3600),
    };
    let (t0, d) = (400u64, 10u64);
    let r = run(&[(t0, d, 100)], 480, Some(responders));
    assert_eq!(r.incidents.len(), 1, "{:#?}", r.incidents);
    let i = &r.incidents[0];
    let inc = RectIncident::new(1.0, Some(Duration::from_secs(d * 60)))
        .unwrap()
        .with_traffic(PER_MIN)
        .unwrap();
    let per_min = closed_form::per_minute(&page_policy(), &inc);
    let fire = per_min.fire_minute.unwrap();
    assert_eq!(fire, 1); // 14.4·0.001·60/1 = 0.864 min
    assert_eq!(i.ttd_s, Some(60.0));
    assert_eq!(i.tta_s, Some(120.0));
    assert_eq!(i.mitigated_by, "sli_recovered");
    assert_eq!(i.ttm_s, Some((d * 60) as f64));
    let reset = per_min.reset_min.unwrap();
    assert_eq!(i.ttr_s, Some(((d + reset - fire) * 60) as f64));
    assert_eq!(i.severity, "SEV1"); // every request failed
    let md = postmortem(&r, i).unwrap().to_markdown();
    assert!(
        md.contains("- TTA (triggered → acknowledged): 2 minutes"),
        "{md}"
    );
}

#[test]
fn on_call_load_counts_incidents_per_shift() {
    // Three full outages of 10 minutes, 2 h apart, in the first 12-hour shift; one in the second.
    let outs = [
        (360, 10, 100),
        (480, 10, 100),
        (600, 10, 100),
        (900, 10, 100),
    ];
    let r = run(&outs, 1440, None);
    assert_eq!(r.incidents.len(), 4, "{:#?}", r.incidents);
    for (i, &(st, _, _)) in r.incidents.iter().zip(&outs) {
        assert_eq!(whole(i.impact_start_s), st * 60);
        assert!(i.timeline().is_ok());
    }
    assert_eq!(r.on_call.max_incidents_per_shift, 2);
    assert_eq!(r.on_call.pages_per_shift, vec![3, 1]);
    assert_eq!(r.on_call.overloaded_shifts, vec![0]);
    assert!(!r.on_call.within_limit);
}

#[test]
fn the_report_is_byte_identical_for_a_seed() {
    // 2 servers of 25 ms at 20 RPS (ρ = 0.25), 6× for 20 minutes: overloaded, paged.
    let service = ServiceTime::exponential(Duration::from_millis(25)).unwrap();
    let mut s = Scenario::fixed_pool("overload", 20.0, service, 2, Duration::from_secs(3 * 3600));
    s.seed = 7;
    s.service.timeout = Some(Span::secs(1));
    s.traffic.events.push(sre_sim::scenario::TrafficEvent {
        name: "surge".into(),
        start: Span::secs(3600),
        duration: Span::secs(1200),
        multiplier: 6.0,
    });
    let a = Simulation::new(s.clone()).unwrap().run().unwrap();
    let b = Simulation::new(s).unwrap().run().unwrap();
    assert!(
        a.incidents
            .iter()
            .any(|i| (3600.0..4800.0).contains(&i.impact_start_s)),
        "{:#?}",
        a.incidents
    );
    for i in &a.incidents {
        assert!(i.timeline().is_ok(), "{i:?}");
    }
    assert_eq!(
        a.on_call.pages_per_shift.iter().sum::<u64>(),
        a.incidents.len() as u64
    );
    assert_eq!(a.to_json().unwrap(), b.to_json().unwrap());
}
