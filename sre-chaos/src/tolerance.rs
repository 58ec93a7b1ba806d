//! Chaos Toolkit's steady-state tolerances (chaostoolkit-lib 1.44, `chaoslib/hypothesis.py`):
//! which are valid, and whether a probe's output is within one, with Python's semantics.

use crate::Error;
use crate::compare::CompareOp;
use crate::jsonpath::JsonPath;
use crate::pyvalue::{Decimal, DecimalOf, py_eq, py_in, py_order};
use core::cmp::Ordering;
use serde_json::Value;

/// A validated tolerance: what a hypothesis probe's output must satisfy.
///
/// The semantics are chaostoolkit-lib 1.44's `within_tolerance`, with Python equality
/// and ordering (`1 == 1.0 == true`, `0 == false`; integers and floats compared exactly):
///
/// | JSON tolerance | within when |
/// |---|---|
/// | `true`/`false` | `value == tolerance` |
/// | `"text"` | `value == tolerance` |
/// | integer | `value["status"] == tolerance` if `value` is an object with `status`, else `value == tolerance` |
/// | list | `value["status"] in list` if `value` has `status`; else for two elements `list[0] <= value <= list[1]` (inclusive, raises on incomparable types); else `value in list` |
/// | `{"type": "range", "range": [a, b], "target"?}` | `Decimal(a) <= Decimal(v) <= Decimal(b)`, exact (floats by their binary value); a non-numeric string is not within; `null`, lists and objects raise |
/// | `{"type": "regex", "pattern", "target"?}` | the pattern is found in `v` (a search, not a full match); a non-string raises |
/// | `{"type": "jsonpath", "path", "count"?, "expect"?, "target"?}` | the path matches (a string is parsed as JSON first); `count`: the number of matches; `expect`: the matched values equal `[expect]` (or `expect` when it is a list) |
/// | `{"type": "probe", "provider": {"func": "compare", "arguments": {"op", "limit"}}}` | `value <op> limit`; a comparison Python cannot make is not within |
///
/// `v` is `value[target]` when `target` is set and `value` is an object holding it,
/// else `value`; a `target` on a non-object raises.
///
/// Differences, all rejected when the tolerance is built rather than changed silently:
/// regular expressions use the `regex` crate (no look-around or back-references; `$`
/// does not match before a final newline as Python's does), JSONPath is the subset of
/// [`JsonPath`], and a probe tolerance must be the comparator above (any other probe is
/// the caller's code: run it as a hypothesis probe instead).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Tolerance {
    /// Equality with a boolean.
    Bool(bool),
    /// Equality with an integer, or with `value["status"]`.
    Int(serde_json::Number),
    /// Equality with a string.
    Str(String),
    /// A two-element inclusive range, or membership.
    List(Vec<Value>),
    /// An inclusive decimal range.
    Range {
        /// Lower bound (a JSON number or boolean).
        lower: Value,
        /// Upper bound (a JSON number or boolean).
        upper: Value,
        /// The member of an object output to check.
        target: Option<String>,
    },
    /// A regular expression searched in a string.
    Regex {
        /// The compiled pattern.
        pattern: regex::Regex,
        /// The member of an object output to check.
        target: Option<String>,
    },
    /// A JSONPath with an optional count or expected values.
    JsonPath {
        /// The path.
        path: JsonPath,
        /// The member of an object output to check.
        target: Option<String>,
        /// The number of matches required.
        count: Option<Value>,
        /// The values the matches must equal.
        expect: Option<Value>,
    },
    /// `value <op> limit`.
    Compare {
        /// The comparison.
        op: CompareOp,
        /// The right-hand side.
        limit: Value,
    },
}

/// `within_tolerance` raised in Chaos Toolkit (a Python `TypeError` or
/// `AttributeError`): the output cannot be compared with the tolerance at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the tolerance check raised: {0}")]
pub struct CheckRaised(pub &'static str);

fn field<'a>(o: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key)
}

fn target_of(o: &serde_json::Map<String, Value>) -> Result<Option<String>, Error> {
    match o.get("target") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::invalid("tolerance.target", other, "a string")),
    }
}

impl Tolerance {
    /// Validates a tolerance written as Chaos Toolkit JSON (`ensure_hypothesis_tolerance_is_valid`).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field: a float or `null` tolerance, an unknown
    /// `type`, a range that is not two numbers, a missing or invalid pattern or path,
    /// a probe tolerance that is not the comparator.
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        match v {
            Value::Bool(b) => Ok(Self::Bool(*b)),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Self::Int(n.clone())),
            Value::String(s) => Ok(Self::Str(s.clone())),
            Value::Array(a) => Ok(Self::List(a.clone())),
            Value::Object(o) => Self::from_object(o),
            other => Err(Error::invalid(
                "tolerance",
                other,
                "a boolean, an integer, a string, a list or an object",
            )),
        }
    }

    fn from_object(o: &serde_json::Map<String, Value>) -> Result<Self, Error> {
        let kind = field(o, "type").cloned().unwrap_or(Value::Null);
        match kind.as_str() {
            Some("range") => {
                let range = field(o, "range").ok_or_else(|| {
                    Error::invalid("tolerance.range", "missing", "[lower, upper]")
                })?;
                let pair = range
                    .as_array()
                    .filter(|a| a.len() == 2)
                    .ok_or_else(|| Error::invalid("tolerance.range", range, "two numbers"))?;
                for b in pair {
                    if !(b.is_number() || b.is_boolean()) {
                        return Err(Error::invalid("tolerance.range", range, "two numbers"));
                    }
                }
                Ok(Self::Range {
                    lower: pair[0].clone(),
                    upper: pair[1].clone(),
                    target: target_of(o)?,
                })
            }
            Some("regex") => {
                let p = field(o, "pattern")
                    .ok_or_else(|| Error::invalid("tolerance.pattern", "missing", "a pattern"))?;
                let s = p
                    .as_str()
                    .ok_or_else(|| Error::invalid("tolerance.pattern", p, "a string"))?;
                let pattern = regex::Regex::new(s).map_err(|e| {
                    Error::invalid("tolerance.pattern", format!("{s:?}"), e.to_string())
                })?;
                Ok(Self::Regex {
                    pattern,
                    target: target_of(o)?,
                })
            }
            Some("jsonpath") => {
                let p = field(o, "path")
                    .ok_or_else(|| Error::invalid("tolerance.path", "missing", "a JSONPath"))?;
                let s = p
                    .as_str()
                    .ok_or_else(|| Error::invalid("tolerance.path", p, "a string"))?;
                Ok(Self::JsonPath {
                    path: JsonPath::parse(s)?,
                    target: target_of(o)?,
                    count: field(o, "count").filter(|c| !c.is_null()).cloned(),
                    expect: field(o, "expect").cloned(),
                })
            }
            Some("probe") => {
                let provider = field(o, "provider").and_then(Value::as_object);
                let func = provider.and_then(|p| p.get("func")).and_then(Value::as_str);
                let args = provider
                    .and_then(|p| p.get("arguments"))
                    .and_then(Value::as_object);
                match (func, args) {
                    (Some("compare"), Some(args)) => {
                        let op_v = args.get("op").cloned().unwrap_or(Value::Null);
                        let op = op_v.as_str().and_then(CompareOp::parse).ok_or_else(|| {
                            Error::invalid(
                                "tolerance.provider.arguments.op",
                                &op_v,
                                "one of < <= > >= == !=",
                            )
                        })?;
                        let limit = args.get("limit").cloned().ok_or_else(|| {
                            Error::invalid(
                                "tolerance.provider.arguments.limit",
                                "missing",
                                "a value",
                            )
                        })?;
                        Ok(Self::Compare { op, limit })
                    }
                    _ => Err(Error::invalid(
                        "tolerance.provider",
                        provider.map_or(Value::Null, |p| Value::Object(p.clone())),
                        "the comparator {\"func\": \"compare\", \"arguments\": {\"op\", \"limit\"}}",
                    )),
                }
            }
            _ => Err(Error::invalid(
                "tolerance.type",
                kind,
                "one of range, regex, jsonpath, probe",
            )),
        }
    }

    /// Whether `value` is within the tolerance (`within_tolerance`).
    ///
    /// # Errors
    /// [`CheckRaised`] where Chaos Toolkit raises: an incomparable value against a
    /// two-element list, `null` (or a list or object) against a range, a non-string
    /// against a regex, a `target` on a non-object output.
    pub fn check(&self, value: &Value) -> Result<bool, CheckRaised> {
        match self {
            Self::Bool(b) => Ok(py_eq(value, &Value::Bool(*b))),
            Self::Str(s) => Ok(matches!(value, Value::String(v) if v == s)),
            Self::Int(n) => {
                let t = Value::Number(n.clone());
                match value.as_object().and_then(|o| o.get("status")) {
                    Some(status) => Ok(py_eq(status, &t)),
                    None => Ok(py_eq(value, &t)),
                }
            }
            Self::List(list) => {
                if let Some(status) = value.as_object().and_then(|o| o.get("status")) {
                    return Ok(py_in(status, list));
                }
                if list.len() == 2 {
                    let raised = |_| CheckRaised("'<=' not supported between these types");
                    if py_order(&list[0], value).map_err(raised)? == Ordering::Greater {
                        return Ok(false);
                    }
                    return Ok(py_order(value, &list[1]).map_err(raised)? != Ordering::Greater);
                }
                Ok(py_in(value, list))
            }
            Self::Range {
                lower,
                upper,
                target,
            } => {
                let v = targeted(value, target.as_deref())?;
                let d = match Decimal::of(v) {
                    DecimalOf::Ok(d) => d,
                    DecimalOf::InvalidOperation => return Ok(false),
                    DecimalOf::TypeError => {
                        return Err(CheckRaised("Decimal() of this type"));
                    }
                };
                let bound = |b: &Value| match Decimal::of(b) {
                    DecimalOf::Ok(d) => Ok(d),
                    _ => Err(CheckRaised("range bound is not a number")),
                };
                let nan = |_| CheckRaised("comparison with NaN");
                if bound(lower)?.order(&d).map_err(nan)? == Ordering::Greater {
                    return Ok(false);
                }
                Ok(d.order(&bound(upper)?).map_err(nan)? != Ordering::Greater)
            }
            Self::Regex { pattern, target } => match targeted(value, target.as_deref())? {
                Value::String(s) => Ok(pattern.is_match(s)),
                _ => Err(CheckRaised("expected string or bytes-like object")),
            },
            Self::JsonPath {
                path,
                target,
                count,
                expect,
            } => {
                let v = targeted(value, target.as_deref())?;
                let parsed;
                let doc = match v {
                    Value::String(s) => match serde_json::from_str::<Value>(s) {
                        Ok(p) => {
                            parsed = p;
                            &parsed
                        }
                        Err(_) => v,
                    },
                    _ => v,
                };
                let values = path.matches(doc);
                let mut result = !values.is_empty();
                if let Some(c) = count {
                    result = py_eq(&Value::from(values.len()), c);
                }
                if let Some(e) = expect {
                    let want: &[Value] = match e {
                        Value::Array(a) => a,
                        other => core::slice::from_ref(other),
                    };
                    result = values.len() == want.len()
                        && values.iter().zip(want).all(|(a, b)| py_eq(a, b));
                }
                Ok(result)
            }
            Self::Compare { op, limit } => Ok(op.py_apply(value, limit).unwrap_or(false)),
        }
    }
}

fn targeted<'a>(value: &'a Value, target: Option<&str>) -> Result<&'a Value, CheckRaised> {
    match target {
        None => Ok(value),
        Some(t) => match value {
            Value::Object(o) => Ok(o.get(t).unwrap_or(value)),
            _ => Err(CheckRaised("'target' on an output that is not an object")),
        },
    }
}
