//! [`Station`]: the discrete-event core — a FIFO queue in front of a pool of servers
//! whose size changes while it runs.
//!
//! Requests arrive at their *intended* send time (an open workload: a slow server does
//! not slow the senders, so there is no coordinated omission). An idle ready server takes
//! a request at once; otherwise it waits in one first-come-first-served queue. Each
//! outcome goes to an [`Outcomes`] sink:
//!
//! - **served**: latency = completion − intended send time;
//! - **timed out**: the client gives up after the timeout. A request still queued then
//!   leaves the queue without using a server; one already in service finishes (the work
//!   is wasted) and counts as timed out, with latency = the timeout;
//! - **dropped**: the queue was full on arrival (latency 0, an error);
//! - **failed**: the request was in service on a server that was lost
//!   ([`Station::lose`]); an error.
//!
//! Every outcome carries the time it happened, and every outcome that happened at or
//! before `t` has been reported when [`Station::advance`]`(t)` returns; between two
//! `advance` calls outcomes may be reported late and out of order (a server that finished
//! its request reports it when it is next used, or at the next `advance`). That is what
//! lets an arrival take the earliest-free server in place — one heap sift per request, as
//! in the bare recursion (in a 4-ary heap: half the levels of `std`'s binary
//! one) — and it is all a sink that counts per interval needs.
//!
//! The pool: [`Station::scale_to`] adds servers that become ready after a warm-up delay,
//! and removes servers gracefully: first those still warming up (newest first), then idle
//! ones, then busy ones: the next busy servers to finish their request retire then (a
//! count, not chosen victims, so the pool shrinks as early as it gracefully can). Capacity
//! (instance-seconds, busy server-seconds, queue length) is integrated exactly.
//!
//! With a fixed pool the start times are those of the Kiefer–Wolfowitz FCFS recursion
//! ([`bare_fcfs`](crate::baseline::bare_fcfs)); a test checks that to the nanosecond.

mod servers;

use servers::{Servers, Slot};
use std::collections::VecDeque;

/// Where a [`Station`] sends each request's outcome. All times are nanoseconds.
pub trait Outcomes {
    /// A request was served at `now_ns`; `latency_ns` runs from its intended send time.
    fn served(&mut self, now_ns: u64, latency_ns: u64);
    /// A request timed out (`latency_ns` is the timeout); an error.
    fn timed_out(&mut self, now_ns: u64, latency_ns: u64);
    /// A request was refused because the queue was full; an error.
    fn dropped(&mut self, now_ns: u64);
    /// A request failed without an answer (its server was lost, or a fault failed it);
    /// an error.
    fn failed(&mut self, now_ns: u64);
}

/// Limits of a [`Station`]'s queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueLimits {
    /// At most this many requests wait (not counting those in service); more are dropped.
    /// `None`: no limit, so the queue's memory grows with what is sent (16 bytes a waiting
    /// request); a [`Simulation`](crate::Simulation) always sets one
    /// ([`DEFAULT_MAX_QUEUE`](crate::limits::DEFAULT_MAX_QUEUE) when the scenario does not).
    pub max_queue: Option<u64>,
    /// A request whose response time would exceed this many nanoseconds times out.
    pub timeout_ns: Option<u64>,
}

/// No request to report (an idle server, or one whose outcome was reported). Never a
/// send time: [`Station::arrive`] drops a request sent at `u64::MAX` ns.
const NONE: u64 = u64::MAX;

/// A request that reached the station after its send time ([`Station::arrive_from`]) and
/// waits: its own line, so that its timeout, which runs from its send, is checked at the
/// line's head even when requests sent later wait ahead of it.
#[derive(Debug, Clone, Copy)]
struct Late {
    /// When it was sent.
    sent_ns: u64,
    service_ns: u64,
    /// Requests that had joined the main line before it (its place in the one FIFO order).
    after: u64,
}

#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrival_ns: u64,
    service_ns: u64,
}

/// Time-integrated counters of a station, cumulative since it was built.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Provisioned servers (warming, ready or draining) integrated over time: server-seconds.
    pub provisioned_server_secs: f64,
    /// Ready servers (idle or busy) integrated over time: server-seconds.
    pub ready_server_secs: f64,
    /// Busy servers integrated over time: server-seconds of work done.
    pub busy_server_secs: f64,
    /// Requests that arrived.
    pub arrivals: u64,
    /// Requests that started service.
    pub started: u64,
    /// Sum of the waits (start − intended send time) of the requests that started, seconds.
    pub wait_secs: f64,
    /// Requests waiting in the queue integrated over time: request-seconds (÷ elapsed
    /// time = the mean queue length Lq).
    pub queued_request_secs: f64,
}

/// A FIFO queue in front of a changing pool of servers; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Station {
    /// Every ready server, the earliest-free on top. Idle servers have `free_at ≤ now`.
    servers: Servers,
    /// Ready times of servers warming up, ascending.
    warming: VecDeque<u64>,
    /// Busy servers that retire when they finish their request.
    draining: u64,
    queue: VecDeque<Waiting>,
    /// Requests that reached the station after their send time, waiting; served in one
    /// first-come-first-served order with `queue` (by `Late::after`), timed out from
    /// their send. Their send times are taken to be in order (as a fault's held requests'
    /// are); one sent earlier than a late request ahead of it times out when that one does.
    late: VecDeque<Late>,
    /// Requests that have joined, and left, `queue`.
    joined: u64,
    left: u64,
    limits: QueueLimits,
    warmup_ns: u64,
    now_ns: u64,
    /// The times the pool's and the queue's integrals below are complete up to.
    pool_integrated_at: u64,
    queue_integrated_at: u64,
    // Exact integrals, kept in integer nanoseconds (u128 cannot overflow here).
    provisioned_area: u128,
    ready_area: u128,
    queue_area: u128,
    /// Service time of every request that has started service.
    started_work: u128,
    wait_sum: u128,
    started: u64,
    arrivals: u64,
}

impl Station {
    /// A station with `servers` ready servers at time `start_ns`, new servers warming up
    /// for `warmup_ns`, and the given queue limits.
    #[must_use]
    pub fn new(start_ns: u64, servers: u64, warmup_ns: u64, limits: QueueLimits) -> Self {
        let idle = Slot {
            free_at: start_ns,
            arrival: NONE,
        };
        Self {
            servers: Servers::new(usize::try_from(servers).unwrap_or(usize::MAX), idle),
            warming: VecDeque::new(),
            draining: 0,
            queue: VecDeque::new(),
            late: VecDeque::new(),
            joined: 0,
            left: 0,
            limits,
            warmup_ns,
            now_ns: start_ns,
            pool_integrated_at: start_ns,
            queue_integrated_at: start_ns,
            provisioned_area: 0,
            ready_area: 0,
            queue_area: 0,
            started_work: 0,
            wait_sum: 0,
            started: 0,
            arrivals: 0,
        }
    }

    /// Servers paid for: warming, ready (idle or busy) and draining.
    #[must_use]
    pub fn provisioned(&self) -> u64 {
        (self.servers.len() + self.warming.len()) as u64
    }

    /// Servers that will stay: provisioned minus those draining (what a scaler calls the
    /// current replica count).
    #[must_use]
    pub fn desired(&self) -> u64 {
        self.provisioned() - self.draining
    }

    /// Servers ready to serve (idle or busy, draining included).
    #[must_use]
    pub fn ready(&self) -> u64 {
        self.servers.len() as u64
    }

    /// Servers warming up.
    #[must_use]
    pub fn warming(&self) -> u64 {
        self.warming.len() as u64
    }

    /// Busy servers that retire when they finish their request.
    #[must_use]
    pub fn draining(&self) -> u64 {
        self.draining
    }

    /// Ready servers with nothing to do right now (O(servers)).
    #[must_use]
    pub fn idle(&self) -> u64 {
        self.ready() - self.busy()
    }

    /// Servers busy right now (O(servers)).
    #[must_use]
    pub fn busy(&self) -> u64 {
        self.servers
            .iter()
            .filter(|s| s.free_at > self.now_ns)
            .count() as u64
    }

    /// Requests waiting for a server (not counting those in service).
    #[must_use]
    pub fn queue_len(&self) -> u64 {
        self.queued() as u64
    }

    /// The station's clock: the time of the last event processed.
    #[must_use]
    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    /// Integrated usage up to [`now_ns`](Self::now_ns).
    #[must_use]
    pub fn usage(&self) -> Usage {
        // Busy work done so far = work started − work still ahead of the servers.
        let ahead: u128 = self
            .servers
            .iter()
            .map(|s| u128::from(s.free_at.saturating_sub(self.now_ns)))
            .sum();
        let dt = u128::from(self.now_ns - self.pool_integrated_at);
        let dq = u128::from(self.now_ns - self.queue_integrated_at);
        let secs = |x: u128| x as f64 / 1e9;
        Usage {
            provisioned_server_secs: secs(
                self.provisioned_area + dt * u128::from(self.provisioned()),
            ),
            ready_server_secs: secs(self.ready_area + dt * u128::from(self.ready())),
            busy_server_secs: secs(self.started_work.saturating_sub(ahead)),
            arrivals: self.arrivals,
            started: self.started,
            wait_secs: secs(self.wait_sum),
            queued_request_secs: secs(self.queue_area + dq * self.queued() as u128),
        }
    }

    /// Brings the time integrals up to the clock. Called before any count they integrate
    /// (provisioned, ready, queued) changes, so the fast path — an idle server takes the
    /// request — integrates nothing.
    #[inline]
    fn integrate(&mut self) {
        let dt = u128::from(self.now_ns - self.pool_integrated_at);
        if dt > 0 {
            self.provisioned_area += dt * u128::from(self.provisioned());
            self.ready_area += dt * u128::from(self.ready());
            self.pool_integrated_at = self.now_ns;
        }
        self.integrate_queue();
    }

    /// [`integrate`](Self::integrate) for the queue alone: before a change of the queue
    /// only (a request joins or leaves it).
    #[inline]
    fn integrate_queue(&mut self) {
        let dt = u128::from(self.now_ns - self.queue_integrated_at);
        if dt > 0 {
            self.queue_area += dt * self.queued() as u128;
            self.queue_integrated_at = self.now_ns;
        }
    }

    /// Reports the outcome of a request that finished at `done`, sent at `arrival`.
    #[inline]
    fn finished<O: Outcomes>(limits: QueueLimits, done: u64, arrival: u64, out: &mut O) {
        if arrival == NONE {
            return;
        }
        let latency = done - arrival;
        match limits.timeout_ns {
            Some(to) if latency > to => out.timed_out(done, to),
            _ => out.served(done, latency),
        }
    }

    /// Drops queued requests whose timeout has passed by `now` (oldest first).
    #[inline(always)]
    fn expire<O: Outcomes>(&mut self, now: u64, out: &mut O) {
        if let Some(t) = self.limits.timeout_ns {
            self.expire_after(now, t, out);
        }
    }

    /// [`expire`](Self::expire) with a timeout of `t`.
    #[inline(never)]
    fn expire_after<O: Outcomes>(&mut self, now: u64, t: u64, out: &mut O) {
        while let Some(w) = self.queue.front() {
            if now.saturating_sub(w.arrival_ns) < t {
                break;
            }
            self.integrate_queue();
            self.queue.pop_front();
            self.left += 1;
            out.timed_out(now, t);
        }
        while let Some(w) = self.late.front() {
            if now.saturating_sub(w.sent_ns) < t {
                break;
            }
            self.integrate_queue();
            self.late.pop_front();
            out.timed_out(now, t);
        }
    }

    /// Requests waiting in both lines.
    #[inline]
    fn queued(&self) -> usize {
        self.queue.len() + self.late.len()
    }

    /// The queue's head (after expiring the stale), starting at `now`, if any.
    #[inline]
    fn next_waiting<O: Outcomes>(&mut self, now: u64, out: &mut O) -> Option<Slot> {
        self.expire(now, out);
        // The late line's head goes first if it joined before the main line's head.
        let w = match self.late.front() {
            Some(l) if self.queue.is_empty() || l.after <= self.left => {
                let l = *l;
                self.late.pop_front();
                Waiting {
                    arrival_ns: l.sent_ns,
                    service_ns: l.service_ns,
                }
            }
            _ => {
                let w = self.queue.pop_front()?;
                self.left += 1;
                w
            }
        };
        self.started_work += u128::from(w.service_ns);
        self.wait_sum += u128::from(now - w.arrival_ns);
        self.started += 1;
        Some(Slot {
            free_at: now.saturating_add(w.service_ns),
            arrival: w.arrival_ns,
        })
    }

    /// Processes, in time order up to `t`, the events that change anything: warm-ups, and
    /// servers freeing while requests wait or servers drain. (A server freeing otherwise
    /// just becomes idle where it is.) Moves the clock to `t`.
    #[inline]
    fn step_to<O: Outcomes>(&mut self, t: u64, out: &mut O) {
        // Each turn consumes a warming server, a queued request or a draining server, so
        // the loop ends even when events sit at the end of the clock (`u64::MAX`): "no
        // event" is `None`, never a time.
        loop {
            let ready = self.warming.front().copied();
            let free = if self.queued() == 0 && self.draining == 0 {
                None
            } else {
                self.servers.peek().map(|s| s.free_at)
            };
            let (next, warm) = match (ready, free) {
                (None, None) => break,
                (Some(r), None) => (r, true),
                (None, Some(f)) => (f, false),
                (Some(r), Some(f)) => (r.min(f), r <= f),
            };
            if next > t {
                break;
            }
            self.now_ns = self.now_ns.max(next);
            if warm {
                // Warm: the server joins and takes work like any freed server.
                self.integrate();
                self.warming.pop_front();
                let slot = self.next_waiting(next, out).unwrap_or(Slot {
                    free_at: next,
                    arrival: NONE,
                });
                self.servers.push(slot);
            } else {
                let Some(&Slot { free_at, arrival }) = self.servers.peek() else {
                    break;
                };
                Self::finished(self.limits, free_at, arrival, out);
                if self.draining > 0 {
                    self.integrate();
                    self.draining -= 1;
                    self.servers.pop();
                } else {
                    // The pool stays as it is; the queue's head (if any) leaves it.
                    self.integrate_queue();
                    let slot = self.next_waiting(free_at, out).unwrap_or(Slot {
                        free_at,
                        arrival: NONE,
                    });
                    self.servers.replace_top(slot);
                }
            }
        }
        self.now_ns = self.now_ns.max(t);
        if self.queued() > 0 {
            self.expire(self.now_ns, out);
        }
    }

    /// Processes every event up to `t` and reports every outcome that happened by then;
    /// moves the clock to `t` (never backwards). O(servers).
    pub fn advance<O: Outcomes>(&mut self, t: u64, out: &mut O) {
        self.step_to(t, out);
        let limits = self.limits;
        let now = self.now_ns;
        self.servers.for_each_arrival(|free_at, arrival| {
            if *arrival != NONE && free_at <= now {
                Self::finished(limits, free_at, *arrival, out);
                *arrival = NONE;
            }
        });
    }

    /// A request sent at `t` (≥ the clock) needing `service_ns` of work. One sent at the
    /// clock's end (`u64::MAX` ns), where nothing can be served, is dropped.
    #[inline]
    pub fn arrive<O: Outcomes>(&mut self, t: u64, service_ns: u64, out: &mut O) {
        if t == NONE {
            self.arrivals += 1;
            out.dropped(t);
            return;
        }
        // The common case, kept small enough to inline into the caller's loop: nothing is
        // pending (no queue, warm-up or retirement), so nothing but servers going idle
        // happens before `t`, and a free server takes the request.
        if self.queued() == 0 && self.draining == 0 && self.warming.is_empty() {
            let t = self.now_ns.max(t);
            if self.take_free_server(t, t, service_ns, out) {
                self.now_ns = t;
                self.arrivals += 1;
                return;
            }
        }
        self.arrive_slow(t, t, service_ns, out);
    }

    /// A request sent at `origin` that reaches the station at `t` (≥ the clock, ≥
    /// `origin`; held on the way by a fault): as [`arrive`](Self::arrive), but its latency,
    /// its wait and its timeout run from `origin`. One whose timeout has passed by `t`
    /// times out without using a server.
    pub fn arrive_from<O: Outcomes>(&mut self, origin: u64, t: u64, service_ns: u64, out: &mut O) {
        if t == NONE {
            self.arrivals += 1;
            out.dropped(t);
            return;
        }
        self.arrive_slow(origin.min(t), t, service_ns, out);
    }

    /// [`arrive`](Self::arrive) with events to process first, or no free server; the
    /// request was sent at `origin`.
    #[inline(never)]
    fn arrive_slow<O: Outcomes>(&mut self, origin: u64, t: u64, service_ns: u64, out: &mut O) {
        self.step_to(t, out);
        let t = self.now_ns;
        self.arrivals += 1;
        if origin < t
            && let Some(to) = self.limits.timeout_ns
            && t - origin >= to
        {
            out.timed_out(t, to);
            return;
        }
        if self.take_free_server(t, origin, service_ns, out) {
            return;
        }
        if self
            .limits
            .max_queue
            .is_some_and(|m| self.queued() as u64 >= m)
        {
            out.dropped(t);
        } else {
            self.integrate_queue();
            if origin < t {
                self.late.push_back(Late {
                    sent_ns: origin,
                    service_ns,
                    after: self.joined,
                });
            } else {
                self.queue.push_back(Waiting {
                    arrival_ns: t,
                    service_ns,
                });
                self.joined += 1;
            }
        }
    }

    /// The earliest-free server, if it is free by `t`, takes the request sent at
    /// `origin` ≤ `t` in place (reporting the one it finished, if unreported). Returns
    /// whether one did.
    #[inline(always)]
    fn take_free_server<O: Outcomes>(
        &mut self,
        t: u64,
        origin: u64,
        service_ns: u64,
        out: &mut O,
    ) -> bool {
        if let Some(&Slot { free_at, arrival }) = self.servers.peek()
            && free_at <= t
        {
            self.servers.replace_top(Slot {
                free_at: t.saturating_add(service_ns),
                arrival: origin,
            });
            Self::finished(self.limits, free_at, arrival, out);
            self.started += 1;
            self.started_work += u128::from(service_ns);
            // Zero on the common path (a request reaches the station when it is sent).
            self.wait_sum += u128::from(t - origin);
            return true;
        }
        false
    }

    /// Loses `k` servers at once at the current time (call [`advance`](Self::advance)
    /// first): ready servers first, then servers warming up (newest first). A lost server's
    /// request in service fails (its unfinished work is not counted as done); a request it
    /// had finished is reported as usual. Servers draining count among those lost first:
    /// they were leaving anyway. Returns how many were lost (at most the servers
    /// provisioned). O(servers).
    pub fn lose<O: Outcomes>(&mut self, k: u64, out: &mut O) -> u64 {
        self.integrate();
        let now = self.now_ns;
        let limits = self.limits;
        let mut lost = 0;
        while lost < k {
            let Some(slot) = self.servers.pop_last() else {
                break;
            };
            lost += 1;
            if slot.arrival == NONE {
                continue;
            }
            if slot.free_at <= now {
                Self::finished(limits, slot.free_at, slot.arrival, out);
            } else {
                self.started_work -= u128::from(slot.free_at - now);
                out.failed(now);
            }
        }
        while lost < k && self.warming.pop_back().is_some() {
            lost += 1;
        }
        // Draining is a count of busy servers to retire; it cannot exceed those left busy.
        self.draining = self.draining.min(self.busy());
        lost
    }

    /// Sets the pool to `target` servers at the current time (call [`advance`](Self::advance)
    /// first). Growing first cancels pending retirements, then starts new servers that are
    /// ready after the warm-up; shrinking cancels warming servers (newest first), retires
    /// idle ones at once, then marks busy ones to retire when their request is done.
    pub fn scale_to<O: Outcomes>(&mut self, target: u64, out: &mut O) {
        self.integrate();
        let now = self.now_ns;
        let current = self.desired();
        if target > current {
            let mut add = target - current;
            let undrain = add.min(self.draining);
            self.draining -= undrain;
            add -= undrain;
            let ready_at = now.saturating_add(self.warmup_ns);
            for _ in 0..add {
                // Ready times ascend as long as the warm-up is fixed.
                self.warming.push_back(ready_at);
            }
            if self.warmup_ns == 0 {
                self.step_to(now, out);
            }
        } else {
            let mut remove = current - target;
            while remove > 0 && self.warming.pop_back().is_some() {
                remove -= 1;
            }
            let limits = self.limits;
            while remove > 0 {
                match self.servers.peek().copied() {
                    Some(top) if top.free_at <= now => {
                        Self::finished(limits, top.free_at, top.arrival, out);
                        self.servers.pop();
                        remove -= 1;
                    }
                    _ => break,
                }
            }
            self.draining += remove;
        }
    }

    /// Draws the station down after the last arrival: serves every queued request while
    /// servers remain, reports every outcome, and moves the clock to the last completion.
    pub fn drain<O: Outcomes>(&mut self, out: &mut O) -> u64 {
        while self.queued() > 0 {
            let next = match (self.servers.peek(), self.warming.front()) {
                (None, None) => break, // no server will ever take them: never served
                (Some(s), None) => s.free_at,
                (None, Some(&r)) => r,
                (Some(s), Some(&r)) => s.free_at.min(r),
            };
            let queued = self.queued();
            self.step_to(next, out);
            if self.queued() == queued && self.now_ns == u64::MAX {
                break; // the clock's end: nothing can start after it
            }
        }
        let last = self
            .servers
            .iter()
            .filter(|s| s.arrival != NONE)
            .map(|s| s.free_at)
            .max()
            .unwrap_or(self.now_ns);
        self.advance(last.max(self.now_ns), out);
        self.now_ns
    }
}

#[cfg(test)]
mod tests;
