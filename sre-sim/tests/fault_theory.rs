//! Faults against independent truth: exact where theory is exact.
//!
//! - A pool of c exponential servers that loses k at 1 s (no autoscaler, no floor) is an
//!   M/M/(c−k) queue from then on: mean wait, Lq, utilization and P(response > θ) from
//!   the report, and P(wait) counted at the station's arrivals (PASTA), against Erlang C
//!   (`sre-loadgen-model`'s `MMc`). The first second at c servers biases the run-long
//!   averages by well under 0.1 %.
//! - A `latency` fault on every request for the whole run adds exactly `add` to the mean
//!   response: the same seed with and without, to float precision. With `share` s on a pool that never queues, the mean
//!   response rises by exactly D·add/served, D the requests delayed (the fault record),
//!   and D is Binomial(n, s) for the n requests sent: |D − s·n| ≤ 5·√(n·s·(1−s)), a bound
//!   a correct engine breaks with probability 5.7·10⁻⁷. (With queueing the station still
//!   sees a Poisson stream — a Poisson process with i.i.d. delays is Poisson — so the
//!   increase is s·add in expectation only; its spread then includes the queue's.)
//! - A `slowdown` by f for the whole run is an M/M/c with service rate μ/f.
//! - `errors` with probability p: the failed count is Binomial(n, p), within 5 σ; the
//!   requests left are a Bernoulli thinning of the Poisson stream, an M/M/c at λ(1−p).
//! - A `dependency` that fails: the requests failed are exactly those whose send time,
//!   counted independently from the scenario's `Poisson` stream, falls in [at, at + d).
//! - `dependency` with `effect = "wait"` and a pool that never queues, fixed service σ,
//!   client timeout τ: a request sent at s in [a, b) reaches the servers at b and times
//!   out iff b − s + σ > τ (those sent τ or more before b give up while held); every other
//!   request is served with latency b − s + σ, or σ outside the window. Counts and the
//!   mean response compared exactly with the Poisson stream.
//! - `zone_loss` and `region_loss` lose ⌈n ÷ zones⌉ and ⌈n ÷ regions⌉ of the n servers
//!   provisioned then, per the fault records and the scaling actions.
//!
//! The quick tests run in debug builds; the long ones (≥ 10^7 requests a case, 2 %) are
//! `#[ignore]`d and run in release:
//! `cargo test --release -p sre-sim --test fault_theory -- --ignored --nocapture`.
//! Each prints its measured value, the closed form and the relative error.

use core::time::Duration;
use sre_core::Timestamp;
use sre_loadgen_model::Poisson;
use sre_loadgen_model::queueing::MMc;
use sre_sim::faults::{DependencyEffect, Fault, FaultKind};
use sre_sim::scenario::Span;
use sre_sim::station::{Outcomes, QueueLimits, Station};
use sre_sim::{Report, Scenario, ServiceTime, Simulation};

/// Mean service time of the queueing cases: 10 ms (μ = 100 /s).
const SERVICE_MS: u64 = 10;
const MU: f64 = 1000.0 / SERVICE_MS as f64;

fn exponential() -> ServiceTime {
    ServiceTime::exponential(Duration::from_millis(SERVICE_MS)).unwrap()
}

/// A fixed pool of `servers` at `rps` for about `requests` requests.
fn pool(name: &str, rps: f64, service: ServiceTime, servers: u64, requests: f64) -> Scenario {
    let duration = Duration::from_secs_f64(requests / rps);
    Scenario::fixed_pool(name, rps, service, servers, duration)
}

fn fault(kind: FaultKind, at_s: f64) -> Fault {
    Fault::new(kind, Span(Duration::from_secs_f64(at_s)))
}

/// The fault over the whole run.
fn whole_run(kind: FaultKind, sc: &Scenario) -> Fault {
    Fault {
        duration: Some(sc.duration),
        ..fault(kind, 0.0)
    }
}

fn run(sc: Scenario) -> Report {
    let r = Simulation::new(sc).unwrap().run().unwrap();
    assert!(r.requests.adds_up(), "{:?}", r.requests);
    r
}

/// The send times of `sc`'s run, drawn independently of the simulator from the same
/// `Poisson` stream (`Simulation::run` seeds it with the scenario's seed), in ns.
fn sends(sc: &Scenario) -> Vec<u64> {
    let profile = Simulation::new(sc.clone()).unwrap().rate_profile().unwrap();
    let end = sc.duration.nanos();
    Poisson::new(profile, sc.seed, Timestamp::ZERO)
        .map(|t| t.as_nanos())
        .take_while(|&t| t < end)
        .collect()
}

/// One measured quantity against its closed form.
struct Agreement {
    what: String,
    n: u64,
    sim: f64,
    theory: f64,
}

impl Agreement {
    fn new(what: impl Into<String>, n: u64, sim: f64, theory: f64) -> Self {
        let a = Self {
            what: what.into(),
            n,
            sim,
            theory,
        };
        println!(
            "{:<48} n={:>9}  sim {:>12.6}  theory {:>12.6}  ({:+.3}%)",
            a.what,
            a.n,
            a.sim,
            a.theory,
            100.0 * (a.sim / a.theory - 1.0)
        );
        a
    }

    fn rel(&self) -> f64 {
        (self.sim - self.theory).abs() / self.theory.abs()
    }

    fn within(&self, tol: f64, failures: &mut Vec<String>) {
        if self.rel() > tol {
            failures.push(format!(
                "{}: sim {} vs theory {} ({:.3}% > {:.1}%)",
                self.what,
                self.sim,
                self.theory,
                100.0 * self.rel(),
                100.0 * tol
            ));
        }
    }
}

/// A binomial count against n·p: whether |count − n·p| ≤ 5 σ.
fn binomial(what: &str, count: u64, n: u64, p: f64, failures: &mut Vec<String>) {
    let (nf, cf) = (n as f64, count as f64);
    let sigma = (nf * p * (1.0 - p)).sqrt();
    let z = (cf - nf * p) / sigma;
    println!(
        "{what:<48} n={n:>9}  sim {:>12.6}  theory {:>12.6}  ({:+.3}%, z = {z:+.2})",
        cf / nf,
        p,
        100.0 * (cf / (nf * p) - 1.0)
    );
    if z.abs() > 5.0 {
        failures.push(format!("{what}: {count} of {n}, expected {p}: z = {z:.2}"));
    }
}

fn pass(failures: Vec<String>) {
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---------------------------------------------------------------------------------------
// Server loss: M/M/(c − k).

/// Runs c servers that lose k at 1 s, at an offered load `a` (Erlangs), for about
/// `requests` requests; compares against Erlang C for c − k servers.
fn loss_case(
    c: u64,
    k: u64,
    a: f64,
    requests: f64,
    seed: u64,
    tol: f64,
    failures: &mut Vec<String>,
) {
    let rps = a * MU;
    let mut sc = pool("loss", rps, exponential(), c, requests);
    sc.seed = seed;
    // P(response > θ) at θ = 3 mean service times: well inside the distribution.
    sc.slo.latency_threshold = Span(Duration::from_millis(3 * SERVICE_MS));
    sc.faults = vec![Fault {
        servers: Some(k),
        ..fault(FaultKind::InstanceLoss, 1.0)
    }];
    let r = run(sc);
    let servers = u32::try_from(c - k).unwrap();
    let m = MMc::new(rps, MU, servers).unwrap();
    let label = |q: &str| format!("M/M/{c} − {k} = M/M/{servers} {q}");
    // The fault acted once, as scheduled, and nothing put the servers back.
    assert_eq!(r.faults.len(), 1);
    assert_eq!(r.faults[0].servers_lost, k);
    assert_eq!(r.faults[0].ended_by, "instant");
    let by_fault: Vec<_> = r.scaling.iter().filter(|s| s.by == "fault").collect();
    assert_eq!(by_fault.len(), 1, "{:?}", r.scaling);
    assert_eq!((by_fault[0].from, by_fault[0].to), (c, c - k));
    assert!((by_fault[0].at_s - 1.0).abs() < 1e-9);
    assert_eq!(r.scaling.len(), 1, "only the fault changes the pool");
    assert_eq!(r.capacity.min_instances, c - k);
    let q = &r.queueing;
    let n = r.requests.sent;
    Agreement::new(
        label("mean wait (s)"),
        n,
        q.mean_wait_ms / 1e3,
        m.mean_wait(),
    )
    .within(tol, failures);
    Agreement::new(label("Lq"), n, q.mean_queue_len, m.mean_queue_len()).within(tol, failures);
    Agreement::new(
        label("utilization"),
        n,
        r.capacity.mean_utilization,
        m.utilization(),
    )
    .within(tol / 5.0, failures);
    let theta = 3.0 / MU;
    Agreement::new(
        label("P(response > 3/μ)"),
        n,
        r.requests.slow as f64 / r.requests.served as f64,
        m.p_response_exceeds(theta),
    )
    .within(tol, failures);
}

/// What a station's sink needs to count: failures (lost in service) and everything.
#[derive(Default)]
struct Tally {
    outcomes: u64,
    failed: u64,
}

impl Outcomes for Tally {
    fn served(&mut self, _: u64, _: u64) {
        self.outcomes += 1;
    }
    fn timed_out(&mut self, _: u64, _: u64) {
        self.outcomes += 1;
    }
    fn dropped(&mut self, _: u64) {
        self.outcomes += 1;
    }
    fn failed(&mut self, _: u64) {
        self.outcomes += 1;
        self.failed += 1;
    }
}

/// P(wait) of a station of c servers that loses k at 1 s: the share of the arrivals after
/// the loss that find every server busy and queue (Poisson arrivals see time averages),
/// against Erlang C for c − k.
fn p_wait_case(
    c: u64,
    k: u64,
    a: f64,
    requests: f64,
    seed: u64,
    tol: f64,
    failures: &mut Vec<String>,
) {
    let rps = a * MU;
    let sc = pool("p_wait", rps, exponential(), c, requests);
    let profile = Simulation::new(sc.clone()).unwrap().rate_profile().unwrap();
    let mut services = exponential().sampler(seed ^ 1);
    let mut st = Station::new(0, c, 0, QueueLimits::default());
    let mut sink = Tally::default();
    let loss_at = 1_000_000_000;
    let (mut lost, mut after, mut waited, mut sent) = (false, 0u64, 0u64, 0u64);
    for t in Poisson::new(profile, seed, Timestamp::ZERO).map(|t| t.as_nanos()) {
        if !lost && t >= loss_at {
            st.advance(loss_at, &mut sink);
            assert_eq!(st.lose(k, &mut sink), k);
            lost = true;
        }
        st.advance(t, &mut sink);
        let queued = st.queue_len();
        st.arrive(t, services.next_ns(), &mut sink);
        sent += 1;
        if lost {
            after += 1;
            waited += u64::from(st.queue_len() > queued);
        }
    }
    st.drain(&mut sink);
    assert_eq!(sink.outcomes, sent, "every request ends once");
    let m = MMc::new(rps, MU, u32::try_from(c - k).unwrap()).unwrap();
    Agreement::new(
        format!("station M/M/{c} − {k} P(wait)"),
        after,
        waited as f64 / after as f64,
        m.p_wait(),
    )
    .within(tol, failures);
}

/// Quick in debug builds: 6 servers lose 3 at ρ = 0.6 (for M/M/3), 200,000 requests, 6 %.
/// (M/M/6 at the same load would wait about 30× less.)
#[test]
fn a_pool_that_loses_k_is_mm_c_minus_k_quickly() {
    let mut failures = Vec::new();
    loss_case(6, 3, 1.8, 2e5, 21, 0.06, &mut failures);
    p_wait_case(6, 3, 1.8, 2e5, 22, 0.06, &mut failures);
    pass(failures);
}

// ---------------------------------------------------------------------------------------
// Latency.

/// The same requests sent and all of them served (which are slow for the SLO differs).
fn same_requests(base: &Report, late: &Report) {
    assert_eq!(base.requests.sent, late.requests.sent);
    assert_eq!(base.requests.served, base.requests.sent);
    assert_eq!(late.requests.served, late.requests.sent);
}

/// Every request delayed by `add` for the whole run: the same seed without the fault
/// gives a mean response exactly `add` shorter. (Not so the mean wait, which runs from the
/// send but counts the requests started by the end: the last `add` of sends start after it.)
#[test]
fn latency_on_every_request_adds_exactly_its_delay() {
    let sc = pool("latency", 2.4 * MU, exponential(), 4, 5e4);
    let add = Duration::from_micros(37_251);
    let mut faulted = sc.clone();
    faulted.faults = vec![Fault {
        add: Some(Span(add)),
        share: Some(1.0),
        ..whole_run(FaultKind::Latency, &sc)
    }];
    let (base, late) = (run(sc), run(faulted));
    same_requests(&base, &late);
    assert!(base.queueing.mean_wait_ms > 1.0, "the pool queues");
    assert_eq!(late.faults[0].requests, late.requests.sent);
    let add_ms = add.as_secs_f64() * 1e3;
    let dr = late.queueing.mean_response_ms - base.queueing.mean_response_ms;
    println!(
        "latency share 1: mean response +{dr:.12} ms, add {add_ms} ms (error {:.1e} ms)",
        dr - add_ms,
    );
    // The sums are exact integers of ns; only the divisions round.
    let eps = 1e-9 * late.queueing.mean_response_ms;
    assert!((dr - add_ms).abs() < eps, "{dr} vs {add_ms}");
}

/// `share` s on a pool that never queues: the mean response rises by exactly D·add/served
/// for the D requests delayed, and D is Binomial(n, s).
fn latency_share_case(share: f64, requests: f64, failures: &mut Vec<String>) {
    // 200 servers at 2 Erlangs: Erlang C is below 10^-100, and the run checks no request
    // waited for a server.
    let sc = pool("latency share", 2.0 * MU, exponential(), 200, requests);
    let add = Duration::from_millis(80);
    let mut faulted = sc.clone();
    faulted.faults = vec![Fault {
        add: Some(Span(add)),
        share: Some(share),
        ..whole_run(FaultKind::Latency, &sc)
    }];
    let (base, late) = (run(sc), run(faulted));
    same_requests(&base, &late);
    assert!(
        base.queueing.mean_wait_ms <= 0.0,
        "no request waited for a server"
    );
    let delayed = late.faults[0].requests;
    let add_ms = add.as_secs_f64() * 1e3;
    let served = late.requests.served as f64;
    // Exact only if no request waited for a server: a wait would show here.
    let dr = late.queueing.mean_response_ms - base.queueing.mean_response_ms;
    let exact = delayed as f64 * add_ms / served;
    assert!(
        (dr - exact).abs() < 1e-9 * late.queueing.mean_response_ms,
        "{dr} vs {exact}"
    );
    Agreement::new(
        format!("latency share {share}: mean response + (ms)"),
        late.requests.sent,
        dr,
        share * add_ms,
    );
    binomial(
        &format!("latency share {share}: requests delayed"),
        delayed,
        late.requests.sent,
        share,
        failures,
    );
}

#[test]
fn latency_on_a_share_adds_share_times_its_delay() {
    let mut failures = Vec::new();
    latency_share_case(0.3, 5e4, &mut failures);
    pass(failures);
}

// ---------------------------------------------------------------------------------------
// Slowdown: M/M/c with μ/f.

fn slowdown_case(
    c: u32,
    f: f64,
    rho: f64,
    requests: f64,
    seed: u64,
    tol: f64,
    failures: &mut Vec<String>,
) {
    let mu = MU / f;
    let rps = rho * f64::from(c) * mu;
    let mut sc = pool("slowdown", rps, exponential(), u64::from(c), requests);
    sc.seed = seed;
    sc.faults = vec![Fault {
        factor: Some(f),
        ..whole_run(FaultKind::Slowdown, &sc)
    }];
    let r = run(sc);
    assert_eq!(r.faults[0].requests, r.requests.sent);
    let m = MMc::new(rps, mu, c).unwrap();
    let n = r.requests.sent;
    let label = |q: &str| format!("slowdown ×{f}: M/M/{c} at μ/f {q}");
    let q = &r.queueing;
    Agreement::new(
        label("mean wait (s)"),
        n,
        q.mean_wait_ms / 1e3,
        m.mean_wait(),
    )
    .within(tol, failures);
    Agreement::new(
        label("mean response (s)"),
        n,
        q.mean_response_ms / 1e3,
        m.mean_response(),
    )
    .within(tol / 2.0, failures);
    Agreement::new(
        label("utilization"),
        n,
        r.capacity.mean_utilization,
        m.utilization(),
    )
    .within(tol / 5.0, failures);
}

/// Quick: 3 servers slowed ×2 at ρ = 0.6, 150,000 requests, 6 %.
#[test]
fn a_slowdown_is_mm_c_at_the_slower_rate_quickly() {
    let mut failures = Vec::new();
    slowdown_case(3, 2.0, 0.6, 1.5e5, 31, 0.06, &mut failures);
    pass(failures);
}

// ---------------------------------------------------------------------------------------
// Errors and a failed dependency.

#[test]
fn errors_fail_a_binomial_share() {
    let mut failures = Vec::new();
    let p = 0.05;
    let mut sc = pool("errors", 1000.0, exponential(), 20, 6e4);
    sc.faults = vec![Fault {
        probability: Some(p),
        ..whole_run(FaultKind::Errors, &sc)
    }];
    let r = run(sc);
    assert_eq!(r.faults[0].requests, r.requests.failed);
    binomial(
        "errors p = 0.05: failed",
        r.requests.failed,
        r.requests.sent,
        p,
        &mut failures,
    );
    pass(failures);
}

/// A `dependency` failing over [at, at + d): the failed requests are exactly the sends in
/// that window, counted from the scenario's own Poisson stream.
#[test]
fn a_failed_dependency_fails_exactly_the_window_s_sends() {
    let mut sc = pool("dependency", 200.0, exponential(), 8, 2e4);
    sc.seed = 41;
    let (at, d) = (Duration::from_millis(10_500), Duration::from_millis(3_250));
    sc.faults = vec![Fault {
        duration: Some(Span(d)),
        ..fault(FaultKind::Dependency, at.as_secs_f64())
    }];
    let times = sends(&sc);
    let (a, b) = (Span(at).nanos(), Span(at + d).nanos());
    let in_window = times.iter().filter(|&&t| a <= t && t < b).count() as u64;
    let r = run(sc);
    println!(
        "dependency fail [{at:?}, {:?}): {} failed, {in_window} sent in the window (Poisson stream), {} sent in all",
        at + d,
        r.requests.failed,
        times.len()
    );
    assert!(in_window > 500);
    assert_eq!(r.requests.sent, times.len() as u64);
    assert_eq!(r.requests.failed, in_window);
    assert_eq!(r.faults[0].requests, in_window);
    assert_eq!(r.faults[0].ended_by, "schedule");
}

/// Errors with probability p thin the Poisson stream: the rest is an M/M/c at λ(1 − p).
fn errors_case(p: f64, requests: f64, tol: f64, failures: &mut Vec<String>) {
    let (c, rho) = (8u32, 0.75);
    let rps = rho * f64::from(c) * MU / (1.0 - p);
    let mut sc = pool("errors", rps, exponential(), u64::from(c), requests);
    sc.seed = 51;
    sc.faults = vec![Fault {
        probability: Some(p),
        ..whole_run(FaultKind::Errors, &sc)
    }];
    let r = run(sc);
    binomial(
        &format!("errors p = {p}: failed"),
        r.requests.failed,
        r.requests.sent,
        p,
        failures,
    );
    let m = MMc::new(rps * (1.0 - p), MU, c).unwrap();
    Agreement::new(
        format!("errors p = {p}: the rest, M/M/{c} at λ(1−p), mean wait (s)"),
        r.requests.served,
        r.queueing.mean_wait_ms / 1e3,
        m.mean_wait(),
    )
    .within(tol, failures);
}

// ---------------------------------------------------------------------------------------
// A dependency that waits.

/// `dependency` waiting over [a, b), fixed service σ, a pool that never queues: every
/// outcome follows from the send times alone.
fn waiting_dependency(timeout: Option<Duration>) {
    let sigma = Duration::from_millis(50);
    let service = ServiceTime::fixed(sigma).unwrap();
    let mut sc = pool("wait", 100.0, service, 400, 6e3);
    sc.seed = 61;
    sc.service.timeout = timeout.map(Span);
    let (at, d) = (Duration::from_millis(20_250), Duration::from_millis(3_000));
    sc.faults = vec![Fault {
        duration: Some(Span(d)),
        effect: Some(DependencyEffect::Wait),
        ..fault(FaultKind::Dependency, at.as_secs_f64())
    }];
    let times = sends(&sc);
    let (a, b) = (Span(at).nanos(), Span(at + d).nanos());
    let (s_ns, tau) = (
        Span(sigma).nanos(),
        timeout.map_or(u64::MAX, |t| Span(t).nanos()),
    );
    let (mut timed_out, mut held, mut gave_up_held) = (0u64, 0u64, 0u64);
    let mut served_latency: u128 = 0;
    for &t in &times {
        let latency = if a <= t && t < b {
            held += 1;
            gave_up_held += u64::from(b - t >= tau);
            b - t + s_ns
        } else {
            s_ns
        };
        if latency > tau {
            timed_out += 1;
        } else {
            served_latency += u128::from(latency);
        }
    }
    let served = times.len() as u64 - timed_out;
    let r = run(sc);
    let mean_ms = served_latency as f64 / 1e6 / served as f64;
    println!(
        "dependency wait, timeout {timeout:?}: {held} held ({gave_up_held} gave up while held), \
         timed out {} vs {timed_out}, mean response {:.9} vs {mean_ms:.9} ms",
        r.requests.timed_out, r.queueing.mean_response_ms
    );
    assert!(held > 200);
    assert_eq!(r.requests.sent, times.len() as u64);
    assert_eq!(r.faults[0].requests, held);
    assert_eq!(r.requests.timed_out, timed_out);
    assert_eq!(r.requests.served, served);
    assert_eq!(
        r.requests.failed + r.requests.dropped + r.requests.never_served,
        0
    );
    assert!((r.queueing.mean_response_ms - mean_ms).abs() < 1e-9 * mean_ms);
    if timeout.is_some() {
        assert!(gave_up_held > 100 && gave_up_held < timed_out);
    }
}

#[test]
fn a_waiting_dependency_delivers_its_requests_at_its_end() {
    waiting_dependency(None);
}

#[test]
fn a_waiting_dependency_times_out_what_the_client_gave_up() {
    waiting_dependency(Some(Duration::from_millis(1_000)));
}

// ---------------------------------------------------------------------------------------
// Zone and region losses.

#[test]
fn zone_and_region_losses_take_their_share() {
    let mut sc = pool("zones", 300.0, exponential(), 10, 3e4);
    sc.servers.zones = 6;
    sc.servers.regions = 3;
    sc.faults = vec![
        Fault {
            servers: Some(1),
            ..fault(FaultKind::InstanceLoss, 10.0)
        },
        fault(FaultKind::ZoneLoss, 20.0),
        Fault {
            duration: Some(Span::secs(15)),
            ..fault(FaultKind::RegionLoss, 30.0)
        },
        fault(FaultKind::ZoneLoss, 60.0),
    ];
    // The pool by hand: 10 − 1 = 9; a zone of 9 over 6 is ⌈1.5⌉ = 2 → 7; a region of 7
    // over 3 is ⌈2.33⌉ = 3 → 4, put back at 45 s → 7; a zone of 7 over 6 is 2 → 5.
    let want = [
        (10.0, 10, 9, 1),
        (20.0, 9, 7, 2),
        (30.0, 7, 4, 3),
        (60.0, 7, 5, 2),
    ];
    let r = run(sc);
    for (rec, &(_, _, _, lost)) in r.faults.iter().zip(&want) {
        assert_eq!(rec.servers_lost, lost, "{rec:?}");
    }
    let by_fault: Vec<_> = r
        .scaling
        .iter()
        .filter(|s| s.by == "fault")
        .map(|s| (s.at_s, s.from, s.to))
        .collect();
    let mut expected: Vec<(f64, u64, u64)> = want
        .iter()
        .map(|&(at, from, to, _)| (at, from, to))
        .collect();
    expected.insert(3, (45.0, 4, 7));
    assert_eq!(by_fault, expected, "{:?}", r.scaling);
    assert_eq!(r.faults[2].ended_by, "schedule");
    assert_eq!(r.faults[2].end_s, Some(45.0));
    // Requests in service on a lost server failed; nothing else did.
    let lost_in_service: u64 = r.faults.iter().map(|f| f.requests).sum();
    assert_eq!(r.requests.failed, lost_in_service);
}

// ---------------------------------------------------------------------------------------
// The long, precise versions.

/// Each case over at least 10^7 requests: means within 2 %, utilization within 0.4 %,
/// counts within 5 binomial σ.
#[test]
#[ignore = "10^7 requests per case: run in release mode"]
fn fault_theory_over_ten_million_requests() {
    let mut failures = Vec::new();
    loss_case(12, 4, 6.0, 1e7, 101, 0.02, &mut failures);
    p_wait_case(12, 4, 6.0, 1e7, 102, 0.02, &mut failures);
    loss_case(3, 1, 1.0, 1e7, 103, 0.02, &mut failures);
    slowdown_case(10, 1.5, 0.75, 1e7, 104, 0.02, &mut failures);
    slowdown_case(2, 3.0, 0.5, 1e7, 105, 0.02, &mut failures);
    latency_share_case(0.3, 1e7, &mut failures);
    errors_case(0.1, 1e7, 0.02, &mut failures);
    pass(failures);
}

/// A zero-length window is refused, naming the fault's `duration`, for every kind.
#[test]
fn zero_length_faults_are_refused() {
    let sc = pool("zero", 100.0, exponential(), 4, 1e3);
    for kind in [
        FaultKind::InstanceLoss,
        FaultKind::ZoneLoss,
        FaultKind::RegionLoss,
        FaultKind::Latency,
        FaultKind::Errors,
        FaultKind::Slowdown,
        FaultKind::Dependency,
    ] {
        let mut f = Fault {
            duration: Some(Span(Duration::ZERO)),
            ..fault(kind, 1.0)
        };
        match kind {
            FaultKind::InstanceLoss => f.servers = Some(1),
            FaultKind::Latency => f.add = Some(Span::secs(1)),
            FaultKind::Errors => f.probability = Some(0.5),
            FaultKind::Slowdown => f.factor = Some(2.0),
            _ => {}
        }
        let mut bad = sc.clone();
        bad.faults = vec![f.clone()];
        match Simulation::new(bad) {
            Err(sre_sim::Error::Scenario { field, .. }) => {
                assert_eq!(field, "faults[0].duration", "{kind:?}");
            }
            other => panic!("{kind:?}: {other:?}"),
        }
        // The same fault with a window runs.
        f.duration = Some(Span::secs(1));
        let mut good = sc.clone();
        good.faults = vec![f];
        run(good);
    }
}
