//! Deserializing a model runs its constructor: what `new` rejects, a file cannot smuggle
//! in (a zero-instance fleet would divide by zero; a scale-down fraction of 0 would never
//! finish releasing an event's fleet), and what serializes reads back equal.
#![cfg(feature = "serde")]

use core::time::Duration;
use sre_loadgen_model::Alignment;
use sre_loadgen_model::capacity::{CapacityModel, EventBuffer, Growth, ScaleDown};
use sre_loadgen_model::closed::{ClosedLoop, ThinkTime};
use sre_loadgen_model::usl::Usl;

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
fn invalid_models_are_rejected_with_the_constructors_message() {
    rejects::<CapacityModel>(
        r#"{"current_rps":10000.0,"instances":0,"utilization":0.4,"target_utilization":0.6}"#,
        "server count is 0",
    );
    rejects::<CapacityModel>(
        r#"{"current_rps":10000.0,"instances":20,"utilization":40.0,"target_utilization":0.6}"#,
        "from_percent",
    );
    rejects::<Growth>(r#"{"rate":-0.1}"#, "monthly growth rate");
    rejects::<EventBuffer>(
        r#"{"multiplier":3.0,"duration":{"secs":172800,"nanos":0},"lead_time":{"secs":604800,"nanos":0},"scale_down":{"FractionOfCurrentPerHour":0.0}}"#,
        "scale-down fraction per hour",
    );
    rejects::<Usl>(r#"{"alpha":1.5,"beta":0.0,"gamma":100.0}"#, "USL alpha");
    rejects::<ClosedLoop>(
        r#"{"users":0,"think":{"Fixed":{"secs":1,"nanos":0}}}"#,
        "virtual users",
    );
    rejects::<Alignment>(r#"{"phase":2.0,"include_end":false}"#, "arrival phase");
}

#[test]
fn valid_models_round_trip() {
    round_trips(&CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).unwrap());
    round_trips(&Growth::monthly(0.1).unwrap());
    round_trips(&EventBuffer::black_friday(ScaleDown::FractionOfCurrentPerHour(0.3)).unwrap());
    round_trips(&Usl::new(0.02, 0.0001, 100.0).unwrap());
    round_trips(&ClosedLoop::new(50, ThinkTime::Exponential(Duration::from_secs(2))).unwrap());
    round_trips(&Alignment::new(0.5, true).unwrap());
}
