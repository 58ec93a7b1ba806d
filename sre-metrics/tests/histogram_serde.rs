//! serde: configurations and snapshots round-trip through JSON, and bad input is refused
//! with the validation the constructors apply.
#![cfg(feature = "serde")]

use sre_metrics::{Histogram, HistogramConfig, Snapshot};

#[test]
fn configurations_and_snapshots_round_trip() {
    let config = HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(
        json,
        r#"{"lowest_discernible":1,"highest_trackable":3600000000000,"significant_digits":3}"#
    );
    assert_eq!(
        serde_json::from_str::<HistogramConfig>(&json).unwrap(),
        config
    );

    let h = Histogram::new(config);
    h.record_n(5, 2);
    h.record(3000);
    h.record(u64::MAX);
    let s = h.snapshot();
    let json = serde_json::to_string(&s).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.quantile(0.5), s.quantile(0.5));
    assert!(json.contains(r#""buckets":[[5,2],[3000,1],"#), "{json}");
}

#[test]
fn bad_input_is_refused() {
    let bad_config = r#"{"lowest_discernible":0,"highest_trackable":100,"significant_digits":3}"#;
    let err = serde_json::from_str::<HistogramConfig>(bad_config).unwrap_err();
    assert!(
        err.to_string().contains("lowest discernible value is 0"),
        "{err}"
    );

    let config = r#"{"lowest_discernible":1,"highest_trackable":100000,"significant_digits":3}"#;
    for (buckets, saturated, why) in [
        ("[[5,2],[5,1]]", 0, "strictly increasing"),
        ("[[6,2],[5,1]]", 0, "strictly increasing"),
        ("[[5,0]]", 0, "count of 0"),
        ("[[4097,1]]", 0, "not the lowest value"),
        ("[[200000,1]]", 0, "not the lowest value"),
        ("[[5,1]]", 2, "more saturated"),
        ("[[5,18446744073709551615],[6,1]]", 0, "overflow"),
    ] {
        let json = format!(r#"{{"config":{config},"buckets":{buckets},"saturated":{saturated}}}"#);
        let err = serde_json::from_str::<Snapshot>(&json).unwrap_err();
        assert!(err.to_string().contains(why), "{buckets}: {err}");
    }
}
