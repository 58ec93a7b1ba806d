//! Configurations round-trip through JSON, and a deserialized configuration is checked
//! where it is used: bad numbers get the typed error naming the field, never a panic.
#![cfg(feature = "serde")]

use sre_release::{
    Error, MetricConfig, Observations, Rollout, StagePlan, TriggerThresholds, classify,
};

#[test]
fn configs_round_trip() {
    let config = MetricConfig::default();
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<MetricConfig>(&text).unwrap(), config);
    let th = TriggerThresholds::default();
    let text = serde_json::to_string(&th).unwrap();
    assert_eq!(
        serde_json::from_str::<TriggerThresholds>(&text).unwrap(),
        th
    );
}

#[test]
fn deserialized_configs_are_validated_on_use() {
    let mut v = serde_json::to_value(MetricConfig::default()).unwrap();
    v["confidence_level"] = serde_json::json!(1.5);
    let bad: MetricConfig = serde_json::from_value(v).unwrap();
    let side = Observations::from_samples(&[1.0, 2.0]).unwrap();
    match classify(&side, &side, &bad) {
        Err(Error::OutOfRange { field, value, .. }) => {
            assert_eq!((field, value), ("confidence_level", 1.5));
        }
        other => panic!("{other:?}"),
    }
    let mut v = serde_json::to_value(TriggerThresholds::default()).unwrap();
    v["memory_fraction"] = serde_json::json!(1.2);
    let bad: TriggerThresholds = serde_json::from_value(v).unwrap();
    assert!(matches!(
        Rollout::new(StagePlan::doubling_1_5_25_50(), bad),
        Err(Error::OutOfRange {
            field: "memory_fraction",
            ..
        })
    ));
}
