//! One text per TOML value, independent of key order and of the `toml` crate's
//! formatter: what a grid's hash is taken over and how an axis value reads in a table.

use core::fmt::Write as _;
use toml::Value;

/// `value` as compact inline TOML with keys sorted: `"step"`, `100.0`, `[]`,
/// `[{at = "1h", kind = "instance_loss", servers = 3}]`. Floats print in Rust's shortest
/// round-trip form with a decimal point (`100.0`, `1e-7`), so `100` and `100.0` differ.
pub(crate) fn inline(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// Like [`inline`] but a string is its bare text (what a table cell shows).
pub(crate) fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        v => inline(v),
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => write_string(out, s),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_float(out, *f),
        Value::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Datetime(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Table(table) => {
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, key);
                out.push_str(" = ");
                write_value(out, &table[key]);
            }
            out.push('}');
        }
    }
}

fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "inf" } else { "-inf" });
    } else {
        // Debug is the shortest text that parses back to the same f64, and keeps `.0`.
        let _ = write!(out, "{f:?}");
    }
}

fn write_key(out: &mut String, key: &str) {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        out.push_str(key);
    } else {
        write_string(out, key);
    }
}

/// A TOML basic string: `"` and `\` escaped, control characters as `\uXXXX`.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// 128-bit FNV-1a of `bytes` as 32 lowercase hex digits: a stable fingerprint (not a
/// defence against someone forging a collision). Offset basis and prime from the FNV
/// specification (Fowler, Noll, Vo; draft-eastlake-fnv).
pub(crate) fn fingerprint(bytes: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    let mut h = OFFSET;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

/// `value` as JSON: the same tree, a datetime as its TOML text.
pub(crate) fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::String(s) => J::String(s.clone()),
        Value::Integer(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Boolean(b) => J::Bool(*b),
        Value::Datetime(d) => J::String(d.to_string()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Table(t) => J::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_128_matches_the_specification_vectors() {
        // draft-eastlake-fnv, FNV-1a 128-bit test vectors for "" and "a".
        assert_eq!(fingerprint(b""), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fingerprint(b"a"), "d228cb696f1a8caf78912b704e4a8964");
    }

    #[test]
    fn inline_sorts_keys_and_keeps_float_points() {
        let v: toml::Table = toml::from_str("x = [{b = 1, a = 2.0, \"c d\" = \"q\\\"\"}]").unwrap();
        assert_eq!(inline(&v["x"]), r#"[{a = 2.0, b = 1, "c d" = "q\""}]"#);
        assert_eq!(cell(&Value::String("step".into())), "step");
        assert_eq!(inline(&Value::Float(1e-7)), "1e-7");
    }
}
