//! [`Faults`]: the faults of a run as it goes — which are active, what they do to each
//! request sent, the requests they hold on the way to the servers, and what each did.

use super::{DependencyEffect, Fault, FaultKind};
use crate::report::FaultRecord;
use crate::station::{Outcomes, Station};
use sre_loadgen_model::rng::Xoshiro256PlusPlus;
use std::collections::VecDeque;

/// Not yet known: the release time of a request waiting for a dependency to return.
const UNTIL_END: u64 = u64::MAX;

/// A request held on its way to the servers.
#[derive(Debug, Clone, Copy)]
struct Held {
    /// When it reaches the servers ([`UNTIL_END`] while its fault lasts).
    release: u64,
    /// When it was sent.
    origin: u64,
    service_ns: u64,
}

/// A fault's start or end, at `at_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    at_ns: u64,
    /// Ends sort before starts at the same instant.
    start: bool,
    fault: usize,
}

/// A pool change a fault made, for the report's scaling actions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PoolChange {
    pub(crate) from: u64,
    pub(crate) to: u64,
    pub(crate) reason: String,
}

/// The faults of a run; see the [module docs](super).
#[derive(Debug)]
pub(crate) struct Faults {
    specs: Vec<Fault>,
    events: Vec<Event>,
    next: usize,
    records: Vec<FaultRecord>,
    /// Which faults have started.
    started: Vec<bool>,
    /// Servers each loss fault took (replaced at its end, if it has one).
    lost: Vec<u64>,
    // What is active now.
    failing: Vec<usize>,
    errors: Vec<(usize, f64)>,
    slowdowns: Vec<(usize, f64)>,
    factor: f64,
    latency: Option<(usize, f64, u64)>,
    waiting: Option<usize>,
    /// Whether any fault that acts on requests is active: [`any_active`](Self::any_active),
    /// kept up to date at every start and end so the per-request check is one load.
    active: bool,
    held: VecDeque<Held>,
    rng: Xoshiro256PlusPlus,
    timeout_ns: Option<u64>,
    max_held: u64,
    zones: u64,
    regions: u64,
    max_servers: u64,
    /// Requests that never reached the station: failed by a fault, or timed out or
    /// dropped while held.
    pub(crate) bypassed: u64,
}

impl Faults {
    /// The faults `specs` (validated) of a run seeded `seed` ending at `end_ns`; held
    /// requests time out after `timeout_ns` and at most `max_held` are held at once.
    pub(crate) fn new(
        specs: &[Fault],
        seed: u64,
        timeout_ns: Option<u64>,
        max_held: u64,
        (zones, regions, max_servers): (u64, u64, u64),
    ) -> Self {
        let mut events = Vec::with_capacity(specs.len() * 2);
        for (i, f) in specs.iter().enumerate() {
            let at = crate::scenario::Span(f.at.0).nanos();
            events.push(Event {
                at_ns: at,
                start: true,
                fault: i,
            });
            if let Some(d) = f.duration {
                events.push(Event {
                    at_ns: at.saturating_add(d.nanos()),
                    start: false,
                    fault: i,
                });
            }
        }
        events.sort_unstable();
        let records = specs
            .iter()
            .map(|f| FaultRecord {
                name: f.label().to_owned(),
                kind: f.kind.name().to_owned(),
                at_s: f.at.0.as_secs_f64(),
                end_s: None,
                ended_by: String::new(),
                servers_lost: 0,
                requests: 0,
            })
            .collect();
        Self {
            specs: specs.to_vec(),
            events,
            next: 0,
            records,
            started: vec![false; specs.len()],
            lost: vec![0; specs.len()],
            failing: Vec::new(),
            errors: Vec::new(),
            slowdowns: Vec::new(),
            factor: 1.0,
            latency: None,
            waiting: None,
            active: false,
            held: VecDeque::new(),
            // Its own stream: a fault's draws move no other stream of the run.
            rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xD1B5_4A32_D192_ED03),
            timeout_ns,
            max_held,
            zones: zones.max(1),
            regions: regions.max(1),
            max_servers,
            bypassed: 0,
        }
    }

    /// The time of the next start or end, `u64::MAX` when none is left.
    pub(crate) fn next_event(&self) -> u64 {
        self.events.get(self.next).map_or(u64::MAX, |e| e.at_ns)
    }

    /// Whether requests must take [`arrive`](Self::arrive): a fault is active, or
    /// requests are still held.
    #[inline]
    pub(crate) fn engaged(&self) -> bool {
        self.active || !self.held.is_empty()
    }

    fn any_active(&self) -> bool {
        !self.failing.is_empty()
            || !self.errors.is_empty()
            || !self.slowdowns.is_empty()
            || self.latency.is_some()
            || self.waiting.is_some()
    }

    /// Whether fault `i` is active (started, not ended).
    pub(crate) fn is_active(&self, i: usize) -> bool {
        self.started[i] && self.records[i].ended_by.is_empty()
    }

    /// Every start and end due at `t` (the station advanced to `t`); returns the pool
    /// changes made.
    pub(crate) fn apply_due<O: Outcomes>(
        &mut self,
        t: u64,
        station: &mut Station,
        out: &mut O,
    ) -> Vec<PoolChange> {
        let mut changes = Vec::new();
        while let Some(&e) = self.events.get(self.next)
            && e.at_ns <= t
        {
            self.next += 1;
            if e.start {
                // A fault cancelled before its start never starts.
                if self.records[e.fault].ended_by.is_empty() {
                    self.start(e.fault, t, station, out, &mut changes);
                }
            } else if self.records[e.fault].ended_by.is_empty() {
                self.end(e.fault, t, "schedule", station, out, &mut changes);
            }
        }
        changes
    }

    /// Ends fault `i` now (an experiment's rollback), if it is active; returns the pool
    /// changes made.
    pub(crate) fn end_now<O: Outcomes>(
        &mut self,
        i: usize,
        t: u64,
        why: &str,
        station: &mut Station,
        out: &mut O,
    ) -> Vec<PoolChange> {
        let mut changes = Vec::new();
        if self.is_active(i) {
            self.end(i, t, why, station, out, &mut changes);
        }
        changes
    }

    /// Cancels fault `i` if it has not started: it never starts, and its record says
    /// `why` with no end (an experiment's method skipped or aborted before it).
    pub(crate) fn cancel(&mut self, i: usize, why: &str) {
        if !self.started[i] && self.records[i].ended_by.is_empty() {
            self.records[i].ended_by = why.to_owned();
        }
    }

    fn start<O: Outcomes>(
        &mut self,
        i: usize,
        t: u64,
        station: &mut Station,
        out: &mut O,
        changes: &mut Vec<PoolChange>,
    ) {
        self.started[i] = true;
        let f = &self.specs[i];
        match f.kind {
            FaultKind::InstanceLoss | FaultKind::ZoneLoss | FaultKind::RegionLoss => {
                let n = station.provisioned();
                let k = match f.kind {
                    FaultKind::InstanceLoss => f.servers.unwrap_or(1),
                    FaultKind::ZoneLoss => n.div_ceil(self.zones),
                    _ => n.div_ceil(self.regions),
                };
                let from = station.desired();
                let mut failed = Counting {
                    inner: out,
                    failed: 0,
                };
                let lost = station.lose(k, &mut failed);
                self.records[i].requests += failed.failed;
                self.records[i].servers_lost = lost;
                self.lost[i] = lost;
                changes.push(PoolChange {
                    from,
                    to: station.desired(),
                    reason: format!("{}: servers lost: {lost}", self.records[i].name),
                });
            }
            FaultKind::Latency => {
                let add = f.add.map_or(0, |a| a.nanos());
                self.latency = Some((i, f.share.unwrap_or(1.0), add));
            }
            FaultKind::Errors => self.errors.push((i, f.probability.unwrap_or(1.0))),
            FaultKind::Slowdown => {
                self.slowdowns.push((i, f.factor.unwrap_or(1.0)));
                self.factor = self.slowdowns.iter().map(|s| s.1).product();
            }
            FaultKind::Dependency => match f.effect.unwrap_or_default() {
                DependencyEffect::Fail => self.failing.push(i),
                DependencyEffect::Wait => self.waiting = Some(i),
            },
        }
        self.active = self.any_active();
        if f.kind.loses_servers() && f.duration.is_none() {
            // Nothing ends it: it is over once it has acted.
            self.records[i].end_s = Some(t as f64 / 1e9);
            self.records[i].ended_by = "instant".to_owned();
        }
    }

    fn end<O: Outcomes>(
        &mut self,
        i: usize,
        t: u64,
        why: &str,
        station: &mut Station,
        out: &mut O,
        changes: &mut Vec<PoolChange>,
    ) {
        self.records[i].end_s = Some(t as f64 / 1e9);
        self.records[i].ended_by = why.to_owned();
        let f = &self.specs[i];
        match f.kind {
            FaultKind::InstanceLoss | FaultKind::ZoneLoss | FaultKind::RegionLoss => {
                let from = station.desired();
                let to = from.saturating_add(self.lost[i]).min(self.max_servers);
                if to > from {
                    station.scale_to(to, out);
                    changes.push(PoolChange {
                        from,
                        to,
                        reason: format!(
                            "{}: lost servers replaced: {}",
                            self.records[i].name,
                            to - from
                        ),
                    });
                }
            }
            FaultKind::Latency => self.latency = None,
            FaultKind::Errors => self.errors.retain(|e| e.0 != i),
            FaultKind::Slowdown => {
                self.slowdowns.retain(|s| s.0 != i);
                self.factor = self.slowdowns.iter().map(|s| s.1).product();
            }
            FaultKind::Dependency => {
                self.failing.retain(|&x| x != i);
                self.dependency_back(i, t);
            }
        }
        self.active = self.any_active();
    }

    /// Fault `i` ended at `t`: if its requests wait for the dependency, they reach the
    /// servers now.
    fn dependency_back(&mut self, i: usize, t: u64) {
        if self.waiting == Some(i) {
            self.waiting = None;
            for h in &mut self.held {
                if h.release == UNTIL_END {
                    h.release = t;
                }
            }
        }
    }

    /// A request sent at `t` needing `service_ns`, while [`engaged`](Self::engaged).
    pub(crate) fn arrive<O: Outcomes>(
        &mut self,
        t: u64,
        service_ns: u64,
        station: &mut Station,
        out: &mut O,
    ) {
        self.release_until(t, station, out);
        if !self.active {
            station.arrive(t, service_ns, out);
            return;
        }
        if let Some(&i) = self.failing.first() {
            return self.fail(i, t, out);
        }
        for k in 0..self.errors.len() {
            let (i, p) = self.errors[k];
            if p >= 1.0 || unit(&mut self.rng) < p {
                return self.fail(i, t, out);
            }
        }
        let mut service_ns = service_ns;
        if !self.slowdowns.is_empty() {
            service_ns = sre_core::f64_to_u64_saturating((service_ns as f64 * self.factor).round());
            for &(i, _) in &self.slowdowns {
                self.records[i].requests += 1;
            }
        }
        if let Some(i) = self.waiting {
            return self.hold(i, UNTIL_END, t, service_ns, out);
        }
        if let Some((i, share, add)) = self.latency
            && (share >= 1.0 || unit(&mut self.rng) < share)
        {
            return self.hold(i, t.saturating_add(add), t, service_ns, out);
        }
        station.arrive(t, service_ns, out);
    }

    fn fail<O: Outcomes>(&mut self, i: usize, t: u64, out: &mut O) {
        self.records[i].requests += 1;
        self.bypassed += 1;
        out.failed(t);
    }

    fn hold<O: Outcomes>(&mut self, i: usize, release: u64, t: u64, service_ns: u64, out: &mut O) {
        self.records[i].requests += 1;
        if self.held.len() as u64 >= self.max_held {
            self.bypassed += 1;
            out.dropped(t);
            return;
        }
        self.held.push_back(Held {
            release,
            origin: t,
            service_ns,
        });
    }

    /// Sends the held requests due by `t` to the station, in order, and times out those
    /// whose client gave up while they were held.
    pub(crate) fn release_until<O: Outcomes>(
        &mut self,
        t: u64,
        station: &mut Station,
        out: &mut O,
    ) {
        while let Some(&h) = self.held.front() {
            let gives_up = self
                .timeout_ns
                .map_or(u64::MAX, |to| h.origin.saturating_add(to));
            if gives_up <= h.release && gives_up <= t {
                self.held.pop_front();
                self.bypassed += 1;
                out.timed_out(gives_up, self.timeout_ns.unwrap_or(0));
            } else if h.release <= t && h.release != UNTIL_END {
                self.held.pop_front();
                station.arrive_from(h.origin, h.release, h.service_ns, out);
            } else {
                break;
            }
        }
    }

    /// After the run's end (the station advanced to it): ends what is still active as
    /// "end of run", and sends every held request on (those waiting for a dependency
    /// reach the servers at `end_ns`).
    pub(crate) fn finish<O: Outcomes>(&mut self, end_ns: u64, station: &mut Station, out: &mut O) {
        for i in 0..self.specs.len() {
            if self.is_active(i) {
                // Only the record: the run is over, its pool is what it is.
                self.records[i].end_s = Some(end_ns as f64 / 1e9);
                self.records[i].ended_by = "end of run".to_owned();
                self.dependency_back(i, end_ns);
            }
        }
        self.active = self.any_active();
        self.release_until(u64::MAX - 1, station, out);
    }

    /// What each fault did, in scenario order.
    pub(crate) fn records(self) -> Vec<FaultRecord> {
        self.records
    }
}

/// A uniform draw in [0, 1): the top 53 bits times 2⁻⁵³.
#[inline]
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// Counts the requests failed through it (those a server loss took).
struct Counting<'a, O> {
    inner: &'a mut O,
    failed: u64,
}

impl<O: Outcomes> Outcomes for Counting<'_, O> {
    fn served(&mut self, now_ns: u64, latency_ns: u64) {
        self.inner.served(now_ns, latency_ns);
    }
    fn timed_out(&mut self, now_ns: u64, latency_ns: u64) {
        self.inner.timed_out(now_ns, latency_ns);
    }
    fn dropped(&mut self, now_ns: u64) {
        self.inner.dropped(now_ns);
    }
    fn failed(&mut self, now_ns: u64) {
        self.failed += 1;
        self.inner.failed(now_ns);
    }
}
