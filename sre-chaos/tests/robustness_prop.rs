//! Arbitrary input never panics: any JSON as a tolerance and as a probe output, any text
//! as a JSONPath or a decimal string; and a check is a pure function of its inputs.

use proptest::prelude::*;
use serde_json::{Value, json};
use sre_chaos::Tolerance;
use sre_chaos::jsonpath::JsonPath;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e20_f64..1e20).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("1_0"),
            Just("NaN"),
            Just("-inf"),
            Just("1e999999"),
            Just(" 7 "),
            Just("é1")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("status".to_string()),
                    Just("body".to_string()),
                    "[a-z]{1,4}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn tolerance() -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        (json_value(), json_value()).prop_map(|(a, b)| json!({"type": "range", "range": [a, b], "target": "body"})),
        "[ -~]{0,16}".prop_map(|p| json!({"type": "regex", "pattern": p})),
        ("[ -~]{0,16}", json_value()).prop_map(|(p, e)| json!({"type": "jsonpath", "path": p, "expect": e})),
        json_value().prop_map(|l| json!({"type": "probe", "provider": {"func": "compare", "arguments": {"op": "<=", "limit": l}}})),
    ]
}

proptest! {
    #[test]
    fn never_panics_and_is_pure(t in tolerance(), v in json_value()) {
        if let Ok(tol) = Tolerance::from_json(&t) {
            let first = tol.check(&v);
            prop_assert_eq!(first, tol.check(&v));
        }
    }

    #[test]
    fn jsonpath_parse_never_panics(p in "\\PC{0,40}", v in json_value()) {
        if let Ok(path) = JsonPath::parse(&p) {
            let _ = path.matches(&v);
        }
    }

    #[test]
    fn range_on_any_string_never_panics(s in "\\PC{0,30}") {
        let tol = Tolerance::from_json(&json!({"type": "range", "range": [0, 1e300]})).unwrap();
        let _ = tol.check(&Value::from(s));
    }
}
