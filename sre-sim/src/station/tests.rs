//! The station by hand and against the bare FCFS recursion.

use super::*;

#[derive(Default, Debug)]
struct Log {
    served: Vec<(u64, u64)>,
    timed_out: Vec<(u64, u64)>,
    dropped: Vec<u64>,
    failed: Vec<u64>,
}
impl Outcomes for Log {
    fn served(&mut self, now: u64, l: u64) {
        self.served.push((now, l));
    }
    fn timed_out(&mut self, now: u64, l: u64) {
        self.timed_out.push((now, l));
    }
    fn dropped(&mut self, now: u64) {
        self.dropped.push(now);
    }
    fn failed(&mut self, now: u64) {
        self.failed.push(now);
    }
}

proptest::proptest! {
    /// With a fixed pool and no limits the station is the Kiefer–Wolfowitz recursion:
    /// the same response times, to the nanosecond.
    #[test]
    fn fixed_pool_equals_the_fcfs_recursion(
        c in 1u64..6,
        reqs in proptest::collection::vec((0u64..50, 1u64..200), 0..200),
    ) {
        let mut t = 0;
        let reqs: Vec<(u64, u64)> = reqs.into_iter().map(|(gap, s)| { t += gap; (t, s) }).collect();
        let bare = crate::baseline::bare_fcfs(reqs.iter().copied(), usize::try_from(c).unwrap());
        let mut s = Station::new(0, c, 0, QueueLimits::default());
        let mut log = Log::default();
        for &(a, svc) in &reqs {
            s.arrive(a, svc, &mut log);
        }
        let end = s.drain(&mut log);
        let sum: u128 = log.served.iter().map(|&(_, l)| u128::from(l)).sum();
        proptest::prop_assert_eq!(log.served.len() as u64, bare.requests);
        proptest::prop_assert_eq!(sum, bare.response_ns);
        proptest::prop_assert_eq!(end.max(reqs.last().map_or(0, |r| r.0)), bare.last_completion_ns.max(reqs.last().map_or(0, |r| r.0)));
        let work: u64 = reqs.iter().map(|r| r.1).sum();
        proptest::prop_assert!((s.usage().busy_server_secs - work as f64 * 1e-9).abs() < 1e-12);
        proptest::prop_assert!((s.usage().wait_secs - bare.wait_ns as f64 * 1e-9).abs() < 1e-12);
    }
}

#[test]
fn a_late_request_times_out_from_its_send_behind_a_later_one() {
    // No server: a request sent at 1 waits; one sent at 0 reaches the station at 9
    // (held by a fault) and waits behind it. With a timeout of 37 the second gives up
    // at 37, the first at 38.
    let limits = QueueLimits {
        max_queue: None,
        timeout_ns: Some(37),
    };
    let mut s = Station::new(0, 0, 0, limits);
    let mut log = Log::default();
    s.arrive(1, 5, &mut log);
    s.arrive_from(0, 9, 5, &mut log);
    s.advance(37, &mut log);
    assert_eq!((s.queue_len(), log.timed_out.clone()), (1, vec![(37, 37)]));
    s.advance(38, &mut log);
    assert_eq!(s.queue_len(), 0);
    // Served in the order they reached the station: the late one joins behind.
    let mut s = Station::new(0, 0, 0, QueueLimits::default());
    let mut log = Log::default();
    s.arrive(1, 5, &mut log);
    s.arrive_from(0, 9, 7, &mut log);
    s.arrive(10, 3, &mut log);
    s.scale_to(1, &mut log);
    s.drain(&mut log);
    assert_eq!(log.served, vec![(15, 14), (22, 22), (25, 15)]);
}

#[test]
fn two_servers_by_hand() {
    // Arrivals at 0,1,2,3 each needing 10: two start at once, two wait for a server.
    let mut s = Station::new(0, 2, 0, QueueLimits::default());
    let mut log = Log::default();
    for t in 0..4 {
        s.arrive(t, 10, &mut log);
    }
    assert_eq!(s.queue_len(), 2);
    s.drain(&mut log);
    assert_eq!(log.served, vec![(10, 10), (11, 10), (20, 18), (21, 18)]);
    let u = s.usage();
    assert!((u.busy_server_secs - 40e-9).abs() < 1e-15);
    assert!((u.ready_server_secs - 42e-9).abs() < 1e-15);
}

#[test]
fn queue_limit_drops_and_timeout_expires() {
    let limits = QueueLimits {
        max_queue: Some(1),
        timeout_ns: Some(15),
    };
    let mut s = Station::new(0, 1, 0, limits);
    let mut log = Log::default();
    s.arrive(0, 10, &mut log); // served 0..10
    s.arrive(1, 10, &mut log); // queued; starts at 10, done 20: latency 19 > 15 → timed out
    s.arrive(2, 10, &mut log); // queue full → dropped
    s.arrive(12, 1, &mut log); // queued behind the request in service (done 20)
    s.arrive(40, 1, &mut log); // by now the one from 12 has started at 20 and is done at 21
    s.drain(&mut log);
    assert_eq!(log.dropped, vec![2]);
    assert_eq!(log.timed_out, vec![(20, 15)]);
    assert_eq!(log.served, vec![(10, 10), (21, 9), (41, 1)]);
}

#[test]
fn queued_request_times_out_without_using_a_server() {
    let limits = QueueLimits {
        max_queue: None,
        timeout_ns: Some(5),
    };
    let mut s = Station::new(0, 1, 0, limits);
    let mut log = Log::default();
    s.arrive(0, 100, &mut log);
    s.arrive(1, 100, &mut log); // still queued at 6: leaves
    s.advance(6, &mut log);
    assert_eq!(log.timed_out, vec![(6, 5)]);
    assert_eq!(s.queue_len(), 0);
    s.drain(&mut log);
    // The one in service ran its full 100 ns, then counted as timed out too.
    assert!((s.usage().busy_server_secs - 100e-9).abs() < 1e-15);
    assert_eq!(log.timed_out, vec![(6, 5), (100, 5)]);
    assert!(log.served.is_empty());
}

#[test]
fn warm_up_and_graceful_retirement() {
    let mut s = Station::new(0, 1, 50, QueueLimits::default());
    let mut log = Log::default();
    s.arrive(0, 100, &mut log);
    s.arrive(10, 100, &mut log); // waits
    s.advance(10, &mut log);
    s.scale_to(2, &mut log); // ready at 60: takes the waiting request then
    assert_eq!((s.provisioned(), s.ready(), s.warming()), (2, 1, 1));
    s.advance(60, &mut log);
    assert_eq!((s.ready(), s.queue_len()), (2, 0));
    s.scale_to(1, &mut log); // both busy: one drains when it finishes (at 100)
    assert_eq!((s.desired(), s.provisioned()), (1, 2));
    s.advance(100, &mut log);
    assert_eq!((s.provisioned(), s.idle(), s.busy()), (1, 0, 1));
    s.drain(&mut log);
    assert_eq!(log.served, vec![(100, 100), (160, 150)]);
    // Provisioned: 1 server 0..10, 2 servers 10..100, 1 server 100..160.
    let u = s.usage();
    assert!((u.provisioned_server_secs - (10.0 + 180.0 + 60.0) * 1e-9).abs() < 1e-15);
    // Ready: 1 server 0..60, 2 servers 60..100, 1 server 100..160.
    assert!((u.ready_server_secs - (60.0 + 80.0 + 60.0) * 1e-9).abs() < 1e-15);
}

#[test]
fn shrinking_cancels_warming_then_idle_and_growing_cancels_draining() {
    let mut s = Station::new(0, 3, 100, QueueLimits::default());
    let mut log = Log::default();
    s.arrive(0, 1000, &mut log); // one busy, two idle
    s.scale_to(5, &mut log); // two warming
    s.scale_to(1, &mut log); // cancel 2 warming, retire 2 idle
    assert_eq!(
        (s.provisioned(), s.warming(), s.idle(), s.draining),
        (1, 0, 0, 0)
    );
    s.scale_to(0, &mut log); // the busy one drains
    assert_eq!((s.provisioned(), s.desired()), (1, 0));
    s.scale_to(1, &mut log); // un-drain: no new server needed
    assert_eq!((s.provisioned(), s.desired(), s.warming()), (1, 1, 0));
    s.drain(&mut log);
    assert_eq!(log.served, vec![(1000, 1000)]);
    assert_eq!(s.idle(), 1);
}
