//! The station against a slow, explicit model: every server an object with its own
//! state, every event processed one at a time in time order. Random arrivals, service
//! times, pool changes (with warm-up and draining), queue limits and timeouts, and
//! requests held on the way (`arrive_from`: sent before they arrive, their latency, wait
//! and timeout running from the send); the two must report the same outcomes and
//! integrate the same capacity.
//!
//! Server losses (`Station::lose`) take servers the station chooses, so they are checked
//! by properties that hold whichever it takes: every request ends exactly once, the
//! requests in service on lost servers fail (each once, at the loss), and the busy time
//! counts only work done.

use proptest::prelude::*;
use sre_sim::station::{Outcomes, QueueLimits, Station};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Served,
    TimedOut,
    Dropped,
    Failed,
}

#[derive(Default, Debug)]
struct Log(Vec<(Kind, u64, u64)>);

impl Outcomes for Log {
    fn served(&mut self, now: u64, l: u64) {
        self.0.push((Kind::Served, now, l));
    }
    fn timed_out(&mut self, now: u64, l: u64) {
        self.0.push((Kind::TimedOut, now, l));
    }
    fn dropped(&mut self, now: u64) {
        self.0.push((Kind::Dropped, now, 0));
    }
    fn failed(&mut self, now: u64) {
        self.0.push((Kind::Failed, now, 0));
    }
}

#[derive(Debug, Clone, Copy)]
struct Server {
    ready_at: u64,
    warm: bool,
    /// (completion, send time) of the request in hand.
    job: Option<(u64, u64)>,
}

/// The slow model.
struct Model {
    servers: Vec<Server>,
    /// Busy servers due to retire: the next ones to finish their request.
    draining: u64,
    queue: VecDeque<(u64, u64)>,
    limits: QueueLimits,
    warmup: u64,
    now: u64,
    log: Log,
    provisioned_area: u128,
    ready_area: u128,
}

impl Model {
    fn new(n: u64, warmup: u64, limits: QueueLimits) -> Self {
        let s = Server {
            ready_at: 0,
            warm: true,
            job: None,
        };
        Self {
            servers: vec![s; usize::try_from(n).unwrap()],
            draining: 0,
            queue: VecDeque::new(),
            limits,
            warmup,
            now: 0,
            log: Log::default(),
            provisioned_area: 0,
            ready_area: 0,
        }
    }

    fn tick(&mut self, t: u64) {
        let dt = u128::from(t - self.now);
        self.provisioned_area += dt * self.servers.len() as u128;
        self.ready_area += dt * self.servers.iter().filter(|s| s.warm).count() as u128;
        self.now = t;
    }

    /// Every queued request whose client has given up by `t` leaves, wherever it stands.
    fn expire(&mut self, t: u64) {
        if let Some(to) = self.limits.timeout_ns {
            let before = self.queue.len();
            self.queue.retain(|&(a, _)| t - a < to);
            for _ in self.queue.len()..before {
                self.log.timed_out(t, to);
            }
        }
    }

    fn take_head(&mut self, i: usize, t: u64) {
        self.expire(t);
        if let Some((a, s)) = self.queue.pop_front() {
            self.servers[i].job = Some((t + s, a));
        }
    }

    /// The next event at or before `t`: (time, is_warmup, server index).
    fn next_event(&self, t: u64) -> Option<(u64, bool, usize)> {
        let mut best: Option<(u64, bool, usize)> = None;
        for (i, s) in self.servers.iter().enumerate() {
            let ev = if !s.warm {
                Some((s.ready_at, true))
            } else {
                s.job.map(|(d, _)| (d, false))
            };
            if let Some((when, warm)) = ev
                && when <= t
                && best.is_none_or(|(b, bw, _)| (when, !warm) < (b, !bw))
            {
                best = Some((when, warm, i));
            }
        }
        best
    }

    fn advance(&mut self, t: u64) {
        while let Some((when, warm, i)) = self.next_event(t) {
            self.tick(when.max(self.now));
            if warm {
                self.servers[i].warm = true;
                self.take_head(i, when);
            } else {
                let (done, a) = self.servers[i].job.take().unwrap();
                let l = done - a;
                match self.limits.timeout_ns {
                    Some(to) if l > to => self.log.timed_out(done, to),
                    _ => self.log.served(done, l),
                }
                if self.draining > 0 {
                    self.draining -= 1;
                    self.servers.remove(i);
                } else {
                    self.take_head(i, done);
                }
            }
        }
        self.tick(t.max(self.now));
        self.expire(self.now);
    }

    fn arrive(&mut self, t: u64, s: u64) {
        self.arrive_from(t, t, s);
    }

    /// A request sent at `origin` reaching the station at `t`.
    fn arrive_from(&mut self, origin: u64, t: u64, s: u64) {
        self.advance(t);
        if let Some(to) = self.limits.timeout_ns
            && t - origin >= to
            && origin < t
        {
            self.log.timed_out(t, to);
        } else if let Some(i) = self.servers.iter().position(|x| x.warm && x.job.is_none()) {
            self.servers[i].job = Some((t + s, origin));
        } else if self
            .limits
            .max_queue
            .is_some_and(|m| self.queue.len() as u64 >= m)
        {
            self.log.dropped(t);
        } else {
            self.queue.push_back((origin, s));
        }
    }

    fn scale_to(&mut self, n: u64) {
        let t = self.now;
        let current = self.servers.len() as u64 - self.draining;
        if n > current {
            let mut add = n - current;
            let undrain = add.min(self.draining);
            self.draining -= undrain;
            add -= undrain;
            for _ in 0..add {
                self.servers.push(Server {
                    ready_at: t + self.warmup,
                    warm: false,
                    job: None,
                });
            }
            if self.warmup == 0 {
                // Ready at once: each warms and takes the queue's head.
                self.advance(t);
            }
        } else {
            let mut remove = current - n;
            // Warming ones, newest (last) first.
            while remove > 0 {
                match self.servers.iter().rposition(|s| !s.warm) {
                    Some(i) => {
                        self.servers.remove(i);
                        remove -= 1;
                    }
                    None => break,
                }
            }
            while remove > 0 {
                match self.servers.iter().position(|s| s.warm && s.job.is_none()) {
                    Some(i) => {
                        self.servers.remove(i);
                        remove -= 1;
                    }
                    None => break,
                }
            }
            self.draining += remove;
        }
    }

    fn drain(&mut self) {
        while let Some((when, _, _)) = self.next_event(u64::MAX) {
            if self.queue.is_empty() && self.servers.iter().all(|s| s.job.is_none()) {
                break;
            }
            self.advance(when);
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Arrive {
        gap: u64,
        service: u64,
    },
    /// Sent `age` before it arrives (held on the way).
    ArriveFrom {
        gap: u64,
        age: u64,
        service: u64,
    },
    Scale {
        gap: u64,
        to: u64,
    },
    Lose {
        gap: u64,
        k: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..40, 1u64..150).prop_map(|(gap, service)| Op::Arrive { gap, service }),
        2 => (0u64..40, 0u64..150, 1u64..150)
            .prop_map(|(gap, age, service)| Op::ArriveFrom { gap, age, service }),
        1 => (0u64..40, 0u64..6).prop_map(|(gap, to)| Op::Scale { gap, to }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn station_matches_the_slow_model(
        initial in 0u64..4,
        warmup in prop_oneof![Just(0u64), 1u64..60],
        max_queue in prop_oneof![Just(None), (0u64..4).prop_map(Some)],
        timeout in prop_oneof![Just(None), (1u64..120).prop_map(Some)],
        ops in proptest::collection::vec(op(), 0..120),
    ) {
        let limits = QueueLimits { max_queue, timeout_ns: timeout };
        let mut st = Station::new(0, initial, warmup, limits);
        let mut log = Log::default();
        let mut m = Model::new(initial, warmup, limits);
        let mut t = 0;
        // Late arrivals' send times are in order among themselves (as a fault's held
        // requests' are), not with the requests that arrive when sent: a request held by
        // a `latency` fault on a share of requests waits behind requests sent after it.
        let mut last_origin = 0;
        for o in &ops {
            match *o {
                Op::Arrive { gap, service } => {
                    t += gap;
                    st.arrive(t, service, &mut log);
                    m.arrive(t, service);
                }
                Op::ArriveFrom { gap, age, service } => {
                    t += gap;
                    let origin = t.saturating_sub(age).max(last_origin);
                    last_origin = origin;
                    st.arrive_from(origin, t, service, &mut log);
                    m.arrive_from(origin, t, service);
                }
                Op::Scale { gap, to } => {
                    t += gap;
                    st.advance(t, &mut log);
                    st.scale_to(to, &mut log);
                    m.advance(t);
                    m.scale_to(to);
                }
                Op::Lose { .. } => unreachable!("losses are checked by properties"),
            }
            prop_assert_eq!(st.provisioned(), m.servers.len() as u64);
        }
        st.advance(t, &mut log);
        m.advance(t);
        let u = st.usage();
        prop_assert!((u.provisioned_server_secs - m.provisioned_area as f64 * 1e-9).abs() < 1e-12);
        prop_assert!((u.ready_server_secs - m.ready_area as f64 * 1e-9).abs() < 1e-12);
        prop_assert_eq!(st.queue_len(), m.queue.len() as u64);
        st.drain(&mut log);
        m.drain();
        let mut a = log.0.clone();
        let mut b = m.log.0.clone();
        a.sort_unstable();
        b.sort_unstable();
        prop_assert_eq!(a, b);
    }
}

fn lose_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..40, 1u64..150).prop_map(|(gap, service)| Op::Arrive { gap, service }),
        1 => (0u64..40, 0u64..8).prop_map(|(gap, to)| Op::Scale { gap, to }),
        1 => (0u64..40, 0u64..5).prop_map(|(gap, k)| Op::Lose { gap, k }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// Whichever servers `lose` takes: it takes ready servers before warming ones, the
    /// requests in service on those it takes fail at the loss (each once, and nothing
    /// else fails), the busy time does not jump (work done stays done, work not done is
    /// not counted), and every request sent ends exactly once or is still queued with no
    /// server left. The busy time at the end lies between the work of the requests served
    /// (each identified by its send time, latency = completion − send) and the work of
    /// every request sent.
    #[test]
    fn lose_accounts_for_every_request_whichever_servers_it_takes(
        initial in 0u64..6,
        warmup in prop_oneof![Just(0u64), 1u64..60],
        max_queue in prop_oneof![Just(None), (0u64..4).prop_map(Some)],
        timeout in prop_oneof![Just(None), (1u64..120).prop_map(Some)],
        ops in proptest::collection::vec(lose_op(), 0..120),
    ) {
        let limits = QueueLimits { max_queue, timeout_ns: timeout };
        let mut st = Station::new(0, initial, warmup, limits);
        let mut log = Log::default();
        // Send time → service time; sends are 1 ns apart at least, so a served request's
        // send time names it.
        let mut sent = std::collections::BTreeMap::new();
        let (mut t, mut failed_at_losses) = (0u64, 0u64);
        for o in &ops {
            match *o {
                Op::Arrive { gap, service } => {
                    t += gap.max(1);
                    sent.insert(t, service);
                    st.arrive(t, service, &mut log);
                }
                Op::Scale { gap, to } => {
                    t += gap;
                    st.advance(t, &mut log);
                    st.scale_to(to, &mut log);
                }
                Op::Lose { gap, k } => {
                    t += gap;
                    st.advance(t, &mut log);
                    let (ready, warming, busy) = (st.ready(), st.warming(), st.busy());
                    let work_before = st.usage().busy_server_secs;
                    let logged = log.0.len();
                    let lost = st.lose(k, &mut log);
                    prop_assert_eq!(lost, k.min(ready + warming));
                    prop_assert_eq!(st.ready(), ready - k.min(ready));
                    prop_assert_eq!(st.warming(), warming - (k - k.min(ready)).min(warming));
                    prop_assert!(st.draining() <= st.busy());
                    // The requests in service on the lost servers, and only they, fail now.
                    let failed_now = busy - st.busy();
                    let new = &log.0[logged..];
                    prop_assert_eq!(new.len() as u64, failed_now, "{:?}", new);
                    prop_assert!(new.iter().all(|&(kind, at, _)| kind == Kind::Failed && at == t));
                    failed_at_losses += failed_now;
                    prop_assert!((st.usage().busy_server_secs - work_before).abs() < 1e-12);
                }
                Op::ArriveFrom { .. } => unreachable!("not generated here"),
            }
        }
        st.drain(&mut log);
        let failed = log.0.iter().filter(|e| e.0 == Kind::Failed).count() as u64;
        prop_assert_eq!(failed, failed_at_losses);
        prop_assert_eq!(log.0.len() as u64 + st.queue_len(), sent.len() as u64);
        let served_work: u64 = log
            .0
            .iter()
            .filter(|e| e.0 == Kind::Served)
            .map(|&(_, done, latency)| sent[&(done - latency)])
            .sum();
        let all_work: u64 = sent.values().sum();
        let u = st.usage();
        prop_assert!(u.busy_server_secs >= served_work as f64 * 1e-9 - 1e-12);
        prop_assert!(u.busy_server_secs <= all_work as f64 * 1e-9 + 1e-12);
        prop_assert!(u.busy_server_secs <= u.ready_server_secs + 1e-12);
    }
}
