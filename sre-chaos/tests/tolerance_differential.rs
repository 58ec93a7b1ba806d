//! Generated tolerance/value pairs judged by chaostoolkit-lib 1.44.0 itself (see the
//! file's `source`): validity, within, and whether the check raises, for every case.
//! Cases outside the documented subset (JSONPath syntax jsonpath2 does not share,
//! regular expressions the `regex` crate rejects) are listed in `KNOWN_DIFFERENCES`.

use serde_json::Value;
use sre_chaos::Tolerance;

#[test]
fn agrees_with_chaostoolkit_lib() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ctk_tolerance_differential.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    for (i, c) in cases.iter().enumerate() {
        let parsed = Tolerance::from_json(&c["tolerance"]);
        let (valid, within, raises) = match &parsed {
            Err(_) => (false, None, false),
            Ok(t) => match t.check(&c["value"]) {
                Ok(w) => (true, Some(w), false),
                Err(_) => (true, None, true),
            },
        };
        let want = (
            c["valid"].as_bool().unwrap(),
            c["within"].as_bool(),
            c["raises"].as_bool().unwrap(),
        );
        if (valid, within, raises) != want {
            failures.push(format!(
                "case {i}: tolerance {} value {}: got {:?}, want {want:?}",
                c["tolerance"],
                c["value"],
                (valid, within, raises)
            ));
        }
    }
    assert!(!cases.is_empty());
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
