//! Deserializing a policy runs its constructor: a config file that `new` would reject is
//! rejected with `new`'s message, and what serializes reads back equal.
#![cfg(feature = "serde")]

use core::time::Duration;
use sre_scaling::hpa::{RatePolicy, Tolerance};
use sre_scaling::queue::{Keda, QueueDepth};
use sre_scaling::{Bounds, Metric, TargetTracking, Thresholds};

fn rejects<T: serde::de::DeserializeOwned + core::fmt::Debug>(json: &str, says: &str) {
    let err = serde_json::from_str::<T>(json).unwrap_err().to_string();
    assert!(err.contains(says), "{json}: {err}");
}

fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + core::fmt::Debug>(
    v: &T,
) {
    let json = serde_json::to_string(v).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v, "{json}");
}

#[test]
fn invalid_configs_are_rejected_with_the_constructors_message() {
    rejects::<Bounds>(r#"{"min":5,"max":2}"#, "min 5 > max 2");
    rejects::<Tolerance>(r#"{"scale_down":-0.1,"scale_up":0.1}"#, "below zero");
    rejects::<TargetTracking>(r#"{"metric":"Rps","target":0.0}"#, "greater than 0");
    rejects::<Thresholds>(
        r#"{"metric":"Cpu","lower":70.0,"upper":30.0,"action":{"Step":{"up":1,"down":1}}}"#,
        "must be below upper",
    );
    rejects::<QueueDepth>(
        r#"{"above":1000.0,"empty_for":{"secs":300,"nanos":0},"step":0}"#,
        "queue step",
    );
    rejects::<RatePolicy>(
        r#"{"kind":"Pods","value":4,"period":{"secs":0,"nanos":0}}"#,
        "rate policy period is zero",
    );
}

#[test]
fn valid_configs_round_trip() {
    round_trips(&Bounds::new(2, 10).unwrap());
    round_trips(&Tolerance::new(0.1, 0.05).unwrap());
    round_trips(&TargetTracking::new(Metric::Rps, 1000.0).unwrap());
    round_trips(&Thresholds::cpu_above_70_below_30());
    round_trips(&QueueDepth::above_1000_down_after_5m_empty());
    round_trips(&RatePolicy::pods(4, Duration::from_secs(15)).unwrap());
    let mut k = Keda::new(100.0, 5.0).unwrap();
    k.min_replicas = 1;
    round_trips(&k);
}
