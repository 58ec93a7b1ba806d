//! Python's equality, ordering and `Decimal` on JSON values, which Chaos Toolkit's
//! tolerances use (`1 == 1.0 == True`, `[a, b]` ranges, `Decimal(value)`).

use core::cmp::Ordering;
use serde_json::Value;

/// Python raised a `TypeError` (or `decimal.InvalidOperation` on a NaN comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PyTypeError;

/// A JSON number or boolean as Python sees it: an integer or a float, compared exactly.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::Int(i128::from(*b))),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(Num::Int(i128::from(i)))
            } else if let Some(u) = n.as_u64() {
                Some(Num::Int(i128::from(u)))
            } else {
                n.as_f64().map(Num::Float)
            }
        }
        _ => None,
    }
}

/// Exact comparison of an integer with a finite float, as CPython does.
fn cmp_int_float(i: i128, f: f64) -> Ordering {
    // i128 covers ±1.7e38; floats beyond it are larger in magnitude than any i128.
    if f >= 1.7e38 {
        return Ordering::Less;
    }
    if f <= -1.7e38 {
        return Ordering::Greater;
    }
    let t = f.trunc();
    // `t` is integral and within i128's range, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    let ti = t as i128;
    match i.cmp(&ti) {
        Ordering::Equal => {
            if f > t {
                Ordering::Less
            } else if f < t {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

fn cmp_num(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).reverse(),
        (Num::Float(x), Num::Float(y)) => x.total_cmp(&y),
    }
}

/// Python `a == b` on JSON values.
pub(crate) fn py_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return cmp_num(x, y) == Ordering::Equal;
    }
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => false,
    }
}

/// Python's ordering of `a` and `b` (`<`, `<=`, ...): numbers and booleans among
/// themselves, strings by code point, lists lexicographically; anything else raises.
pub(crate) fn py_order(a: &Value, b: &Value) -> Result<Ordering, PyTypeError> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(cmp_num(x, y));
    }
    match (a, b) {
        // UTF-8 byte order is code point order.
        (Value::String(x), Value::String(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                if !py_eq(p, q) {
                    return py_order(p, q);
                }
            }
            Ok(x.len().cmp(&y.len()))
        }
        _ => Err(PyTypeError),
    }
}

/// Python `a in list`.
pub(crate) fn py_in(a: &Value, list: &[Value]) -> bool {
    list.iter().any(|x| py_eq(a, x))
}

/// A Python `decimal.Decimal`: finite values as `0.d1d2d3… × 10^exp` with no leading or
/// trailing zero digit (zero has no digits), or an infinity, or a NaN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decimal {
    Finite {
        negative: bool,
        digits: Vec<u8>,
        exp: i64,
    },
    Infinite {
        negative: bool,
    },
    NaN,
}

/// What `Decimal(value)` does with a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecimalOf {
    /// The value converts.
    Ok(Decimal),
    /// `decimal.InvalidOperation`: a string that is not a number.
    InvalidOperation,
    /// `TypeError` (null, a list, an object).
    TypeError,
}

impl Decimal {
    fn from_parts(negative: bool, mut digits: Vec<u8>, point: i64) -> Self {
        // digits d1..dn with the decimal point after `point` digits.
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let lead = i64::try_from(lead).unwrap_or(i64::MAX);
        Decimal::Finite {
            negative,
            exp: if digits.is_empty() { 0 } else { point - lead },
            digits,
        }
    }

    /// `Decimal(x)` of a JSON number or boolean: exact, floats by their binary value.
    fn of_num(n: Num) -> Self {
        match n {
            Num::Int(i) => {
                let s = i.unsigned_abs().to_string();
                let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
                let point = i64::try_from(digits.len()).unwrap_or(i64::MAX);
                Self::from_parts(i < 0, digits, point)
            }
            Num::Float(f) => {
                if f.is_nan() {
                    return Decimal::NaN;
                }
                if f.is_infinite() {
                    return Decimal::Infinite { negative: f < 0.0 };
                }
                // Rust's fixed-precision formatting is exact; 1074 fractional digits hold
                // every binary64 exactly.
                let s = format!("{:.1074}", f.abs());
                Self::parse_plain(f.is_sign_negative() && f != 0.0, &s).unwrap_or(Decimal::NaN)
            }
        }
    }

    /// Digits with an optional point, no sign and no exponent.
    fn parse_plain(negative: bool, s: &str) -> Option<Self> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut digits = Vec::with_capacity(int.len() + frac.len());
        for b in int.bytes().chain(frac.bytes()) {
            if !b.is_ascii_digit() {
                return None;
            }
            digits.push(b - b'0');
        }
        Some(Self::from_parts(
            negative,
            digits,
            i64::try_from(int.len()).ok()?,
        ))
    }

    /// Python's `Decimal(str)`: surrounding whitespace, a sign, digits with a point and
    /// single underscores between digits, an exponent, `Inf`/`Infinity`/`NaN`/`sNaN`.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let lower = body.to_ascii_lowercase();
        if lower == "inf" || lower == "infinity" {
            return Some(Decimal::Infinite { negative });
        }
        if lower == "nan" || lower == "snan" {
            return Some(Decimal::NaN);
        }
        if let Some(payload) = lower.strip_prefix("nan").or(lower.strip_prefix("snan")) {
            if payload.bytes().all(|b| b.is_ascii_digit()) {
                return Some(Decimal::NaN);
            }
            return None;
        }
        // CPython's `Decimal(str)` drops every underscore before parsing.
        let cleaned: String = body.chars().filter(|c| *c != '_').collect();
        let (mantissa, exp) = match cleaned.find(['e', 'E']) {
            Some(at) => {
                let e = &cleaned[at + 1..];
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // Python's Emax is 999999999; larger exponents are out of any range here.
                let e: i64 = e.parse().ok().filter(|x: &i64| x.abs() < 10_000_000_000)?;
                (&cleaned[..at], e)
            }
            None => (cleaned.as_str(), 0),
        };
        match Self::parse_plain(negative, mantissa)? {
            Decimal::Finite {
                negative,
                digits,
                exp: e0,
            } => {
                let exp = if digits.is_empty() { 0 } else { e0 + exp };
                Some(Decimal::Finite {
                    negative,
                    digits,
                    exp,
                })
            }
            other => Some(other),
        }
    }

    /// Python's `Decimal(value)` for a JSON value.
    pub(crate) fn of(v: &Value) -> DecimalOf {
        if let Some(n) = num(v) {
            return DecimalOf::Ok(Self::of_num(n));
        }
        match v {
            Value::String(s) => match Self::parse(s) {
                Some(d) => DecimalOf::Ok(d),
                None => DecimalOf::InvalidOperation,
            },
            _ => DecimalOf::TypeError,
        }
    }

    /// Python's ordering of two decimals; a NaN raises `InvalidOperation`.
    pub(crate) fn order(&self, other: &Self) -> Result<Ordering, PyTypeError> {
        use Decimal::{Finite, Infinite, NaN};
        let sign = |d: &Decimal| -> i8 {
            match d {
                Finite { digits, .. } if digits.is_empty() => 0,
                Finite { negative, .. } | Infinite { negative } => {
                    if *negative {
                        -1
                    } else {
                        1
                    }
                }
                NaN => 0,
            }
        };
        match (self, other) {
            (NaN, _) | (_, NaN) => Err(PyTypeError),
            _ if sign(self) != sign(other) => Ok(sign(self).cmp(&sign(other))),
            (Infinite { .. }, Infinite { .. }) => Ok(Ordering::Equal),
            (Infinite { negative }, Finite { .. }) => Ok(if *negative {
                Ordering::Less
            } else {
                Ordering::Greater
            }),
            (Finite { negative, .. }, Infinite { .. }) => Ok(if *negative {
                Ordering::Greater
            } else {
                Ordering::Less
            }),
            (
                Finite {
                    negative,
                    digits: a,
                    exp: ea,
                },
                Finite {
                    digits: b, exp: eb, ..
                },
            ) => {
                let magnitude = ea.cmp(eb).then_with(|| a.cmp(b));
                Ok(if *negative {
                    magnitude.reverse()
                } else {
                    magnitude
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_equality_across_numbers_and_bools() {
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(py_eq(&json!(true), &json!(1)));
        assert!(!py_eq(&json!(200), &json!(true)));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert!(py_eq(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])));
        // 2^53 + 1 is not the float 2^53.
        assert!(!py_eq(
            &json!(9_007_199_254_740_993_i64),
            &json!(9_007_199_254_740_992.0)
        ));
    }

    #[test]
    fn python_ordering() {
        assert_eq!(py_order(&json!(0.001), &json!(0.001)), Ok(Ordering::Equal));
        assert_eq!(py_order(&json!("b"), &json!("a")), Ok(Ordering::Greater));
        assert_eq!(py_order(&json!([1, 2]), &json!([1, 3])), Ok(Ordering::Less));
        assert_eq!(py_order(&json!([1]), &json!([1, 0])), Ok(Ordering::Less));
        assert!(py_order(&json!("abc"), &json!(0)).is_err());
        assert!(py_order(&json!(null), &json!(0)).is_err());
        assert!(py_order(&json!({}), &json!({})).is_err());
    }

    #[test]
    fn decimals_compare_exactly() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        let f = |x: f64| Decimal::of_num(Num::Float(x));
        // Decimal("800.89") > Decimal(800.89): the float is 800.889999999999986...
        assert_eq!(d("800.89").order(&f(800.89)), Ok(Ordering::Greater));
        assert_eq!(d("0.5").order(&f(0.5)), Ok(Ordering::Equal));
        assert_eq!(d("1_000").order(&d("1e3")), Ok(Ordering::Equal));
        assert_eq!(d("-0.0").order(&d("0")), Ok(Ordering::Equal));
        assert_eq!(d("-2").order(&d("-10")), Ok(Ordering::Greater));
        assert_eq!(d(" 12 ").order(&d("Infinity")), Ok(Ordering::Less));
        assert!(d("NaN").order(&d("1")).is_err());
        assert!(Decimal::parse("bad").is_none());
        assert_eq!(d("1__0").order(&d("10")), Ok(Ordering::Equal));
        assert_eq!(d("_1_").order(&d("1")), Ok(Ordering::Equal));
        assert!(Decimal::parse("_").is_none());
        assert!(Decimal::parse("1e").is_none());
        assert_eq!(Decimal::of(&json!(null)), DecimalOf::TypeError);
    }
}
