//! Checkpoints: a restored registry continues exactly as the one that was never stopped
//! (the oracle), and every kind of bad file is refused and left as it was.

use core::time::Duration;
use sre_core::{Objective, Timestamp};
use sre_service::{Error, Registry, Runner, SloSpec};
use std::path::PathBuf;

const MONTH: Duration = Duration::from_secs(30 * 86_400);
const T0: u64 = 1_800_000_000; // a Unix time in seconds, on a minute boundary

fn spec() -> SloSpec {
    SloSpec::availability("api", Objective::from_percent(99.9).unwrap(), MONTH)
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sre-service-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A registry of `spec()` with its checkpoint at `file`.
fn with_checkpoint(file: &std::path::Path) -> Registry {
    Registry::builder()
        .slo(spec())
        .checkpoint(file)
        .build()
        .unwrap()
}

fn at(minute: u64) -> Timestamp {
    Timestamp::from_secs(T0 + minute * 60)
}

/// Minute `m`'s traffic: 100 requests, a total outage in minutes 30..40.
fn traffic(r: &Registry, m: u64) {
    let bad = if (30..40).contains(&m) {
        100
    } else {
        u64::from(m.is_multiple_of(7))
    };
    for i in 0..100 {
        r.record_event("api", at(m) - Duration::from_secs(1), i >= bad);
    }
}

#[test]
fn a_restored_registry_continues_as_the_one_never_stopped() {
    let d = dir("restore");
    let file = d.join("state");
    let original = with_checkpoint(&file);
    let runner = Runner::new(&original);
    // Save mid-outage: the page alert is firing.
    for m in 1..=35 {
        traffic(&original, m);
        runner.evaluate(at(m)).unwrap();
    }
    original.checkpoint().unwrap();
    let restored = with_checkpoint(&file);
    assert!(restored.restored_from().is_some());
    let restored_runner = Runner::new(&restored);
    let (a, b) = (original.sli("api").unwrap(), restored.sli("api").unwrap());
    assert_eq!(a.totals(), b.totals());
    // Both go on with the same traffic: the same transitions at the same minutes.
    for m in 36..=200 {
        traffic(&original, m);
        traffic(&restored, m);
        let x = runner.evaluate(at(m)).unwrap();
        let y = restored_runner.evaluate(at(m)).unwrap();
        assert_eq!(x, y, "minute {m}");
        for w in [5, 60, 360, 1440, 4320] {
            let w = Duration::from_secs(w * 60);
            assert_eq!(a.counts(at(m), w).unwrap(), b.counts(at(m), w).unwrap());
        }
    }
    assert_eq!(
        original.report("api").unwrap().alerts,
        restored.report("api").unwrap().alerts
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn downtime_is_no_data_never_good() {
    let d = dir("downtime");
    let file = d.join("state");
    let r = with_checkpoint(&file);
    for m in 1..=10 {
        traffic(&r, m);
    }
    r.checkpoint().unwrap();
    drop(r);
    let r = with_checkpoint(&file);
    // Two hours later: the last hour is empty, not healthy.
    let sli = r.sli("api").unwrap();
    let later = at(130);
    assert_eq!(
        sli.counts(later, Duration::from_secs(3600))
            .unwrap()
            .error_ratio(),
        None
    );
    assert_eq!(
        sli.counts(later, Duration::from_secs(6 * 3600))
            .unwrap()
            .total,
        1000
    );
    let _ = std::fs::remove_dir_all(d);
}

/// Builds a registry on `bytes` as the checkpoint; returns the error and checks the file
/// was left as it was.
fn refused(name: &str, bytes: &[u8], spec: SloSpec) -> String {
    let d = dir(name);
    let file = d.join("state");
    std::fs::write(&file, bytes).unwrap();
    let err = Registry::builder()
        .slo(spec)
        .checkpoint(&file)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::BadCheckpoint { .. }), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "the file must be left as it was"
    );
    let _ = std::fs::remove_dir_all(d);
    err.to_string()
}

fn good_file() -> Vec<u8> {
    let d = dir("good");
    let file = d.join("state");
    let r = with_checkpoint(&file);
    for m in 1..=3 {
        traffic(&r, m);
    }
    r.checkpoint().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let _ = std::fs::remove_dir_all(d);
    bytes
}

#[test]
fn bad_files_are_refused_and_left_in_place() {
    let good = good_file();
    let header_end = good.iter().position(|&b| b == b'\n').unwrap();
    // A flipped bit in the body.
    let mut corrupt = good.clone();
    corrupt[header_end + 10] ^= 0x04;
    assert!(refused("corrupt", &corrupt, spec()).contains("corrupt"));
    // Cut short.
    let truncated = &good[..good.len() - 7];
    assert!(refused("truncated", truncated, spec()).contains("truncated"));
    // Another format version.
    let text = String::from_utf8(good.clone()).unwrap();
    let v2 = text.replacen("sre-service-checkpoint 1 ", "sre-service-checkpoint 2 ", 1);
    assert!(refused("version", v2.as_bytes(), spec()).contains("version 2"));
    // Not a checkpoint at all.
    assert!(
        refused("alien", b"{\"hello\": 1}\n", spec()).contains("not an sre-service checkpoint")
    );
    assert!(refused("empty", b"", spec()).contains("header"));
    // A different objective for the same SLO.
    let other = SloSpec::availability("api", Objective::from_percent(99.5).unwrap(), MONTH);
    assert!(refused("objective", &good, other).contains("objective"));
    // The file holds an SLO the service no longer defines.
    let renamed = SloSpec::availability("web", Objective::from_percent(99.9).unwrap(), MONTH);
    assert!(refused("dropped", &good, renamed).contains("no longer defines"));
}

#[test]
fn a_new_slo_starts_empty_beside_restored_ones() {
    let d = dir("added");
    let file = d.join("state");
    std::fs::write(&file, good_file()).unwrap();
    let extra = SloSpec::availability("new", Objective::from_percent(99.0).unwrap(), MONTH);
    let r = Registry::builder()
        .slo(spec())
        .slo(extra)
        .checkpoint(&file)
        .build()
        .unwrap();
    assert_eq!(r.sli("api").unwrap().totals().total, 300);
    assert_eq!(r.sli("new").unwrap().totals().total, 0);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn the_runner_checkpoints_on_its_interval_and_at_shutdown() {
    let d = dir("runner");
    let file = d.join("state");
    let r = with_checkpoint(&file);
    let handle = Runner::new(&r)
        .interval(Duration::from_secs(1))
        .unwrap()
        .checkpoint_interval(Duration::from_secs(1))
        .unwrap()
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !file.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no checkpoint within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Evaluations land on whole seconds of Unix time.
    while r.report("api").unwrap().evaluated_at.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no evaluation within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = r.report("api").unwrap().evaluated_at.unwrap();
    assert_eq!(t.as_nanos() % 1_000_000_000, 0, "{t}");
    for _ in 0..5 {
        r.record_event("api", r.now(), true);
    }
    handle.shutdown().unwrap();
    let saved = sre_service::checkpoint::totals(&file).unwrap();
    assert_eq!(
        saved[0].1.total, 5,
        "the final checkpoint holds every event"
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn the_tokio_runner_evaluates_and_checkpoints_at_shutdown() {
    let d = dir("tokio");
    let file = d.join("state");
    let r = with_checkpoint(&file);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let runner = Runner::new(&r)
            .interval(Duration::from_secs(1))
            .unwrap()
            .spawn_tokio();
        for _ in 0..7 {
            r.record_event("api", r.now(), false);
        }
        let start = std::time::Instant::now();
        while r.report("api").unwrap().evaluated_at.is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no evaluation within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(runner.errors().is_empty(), "{:?}", runner.errors());
        runner.shutdown().await.unwrap();
    });
    // 7 bad events are below the service guard of 10: nothing pages.
    let report = r.report("api").unwrap();
    assert!(!report.firing(sre_budget::Severity::Page), "{report:?}");
    let saved = sre_service::checkpoint::totals(&file).unwrap();
    assert_eq!((saved[0].1.total, saved[0].1.bad()), (7, 7));
    let _ = std::fs::remove_dir_all(d);
}
