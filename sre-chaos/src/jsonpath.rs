//! The JSONPath subset a `jsonpath` tolerance accepts: `$`, `.name`, `.*`, `..name`,
//! `..*`, `[n]` (negative from the end), `[a:b]`, `[*]`, `["name"]`, and unions `[0,2]`.
//! Filters (`[?(...)]`) and script expressions are rejected as invalid.

use crate::Error;
use serde_json::Value;

/// A parsed JSONPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Child(Vec<Selector>),
    Descendant(Vec<Selector>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Selector {
    Name(String),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>),
}

/// The longest path accepted, in bytes.
pub const MAX_PATH_LEN: usize = 1024;

impl JsonPath {
    /// Parses `text`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `path` when it is empty, longer than [`MAX_PATH_LEN`],
    /// or outside the subset.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::invalid("path", format!("{text:?}"), why.to_string());
        let t = text.trim();
        if t.is_empty() {
            return Err(bad("a JSONPath, not empty"));
        }
        if t.len() > MAX_PATH_LEN {
            return Err(bad("at most 1024 bytes"));
        }
        let b = t.as_bytes();
        if b[0] != b'$' {
            return Err(bad("a JSONPath starting at `$`"));
        }
        let mut i = 1;
        let mut segments = Vec::new();
        while i < b.len() {
            match b[i] {
                b'.' => {
                    let descendant = b.get(i + 1) == Some(&b'.');
                    i += if descendant { 2 } else { 1 };
                    let sel = if b.get(i) == Some(&b'*') {
                        i += 1;
                        Selector::Wildcard
                    } else if b.get(i) == Some(&b'[') && descendant {
                        let (sels, next) = parse_bracket(t, i).ok_or_else(|| {
                            bad("a supported JSONPath ($, .name, .*, ..name, [n], [a:b], [*], [\"name\"])")
                        })?;
                        i = next;
                        segments.push(Segment::Descendant(sels));
                        continue;
                    } else {
                        let start = i;
                        while i < b.len()
                            && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                        {
                            i += 1;
                        }
                        if start == i {
                            return Err(bad("a name after `.`"));
                        }
                        Selector::Name(t[start..i].to_string())
                    };
                    segments.push(if descendant {
                        Segment::Descendant(vec![sel])
                    } else {
                        Segment::Child(vec![sel])
                    });
                }
                b'[' => {
                    let (sels, next) = parse_bracket(t, i).ok_or_else(|| {
                        bad("a supported JSONPath ($, .name, .*, ..name, [n], [a:b], [*], [\"name\"])")
                    })?;
                    i = next;
                    segments.push(Segment::Child(sels));
                }
                _ => return Err(bad("`.` or `[` after a step")),
            }
        }
        Ok(Self {
            text: t.to_string(),
            segments,
        })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every value the path matches in `root`, in document order (object members in
    /// `serde_json`'s key order).
    pub fn matches<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![root];
        for seg in &self.segments {
            let mut next = Vec::new();
            match seg {
                Segment::Child(sels) => {
                    for v in &current {
                        select(v, sels, &mut next);
                    }
                }
                Segment::Descendant(sels) => {
                    for v in &current {
                        descend(v, sels, &mut next);
                    }
                }
            }
            current = next;
        }
        current
    }
}

fn descend<'a>(v: &'a Value, sels: &[Selector], out: &mut Vec<&'a Value>) {
    select(v, sels, out);
    match v {
        Value::Array(a) => a.iter().for_each(|c| descend(c, sels, out)),
        Value::Object(o) => o.values().for_each(|c| descend(c, sels, out)),
        _ => {}
    }
}

fn resolve(i: i64, len: usize) -> Option<usize> {
    let len_i = i64::try_from(len).ok()?;
    let j = if i < 0 { len_i + i } else { i };
    usize::try_from(j).ok().filter(|j| *j < len)
}

fn select<'a>(v: &'a Value, sels: &[Selector], out: &mut Vec<&'a Value>) {
    for sel in sels {
        match (sel, v) {
            (Selector::Name(n), Value::Object(o)) => out.extend(o.get(n)),
            (Selector::Wildcard, Value::Object(o)) => out.extend(o.values()),
            (Selector::Wildcard, Value::Array(a)) => out.extend(a.iter()),
            (Selector::Index(i), Value::Array(a)) => {
                out.extend(resolve(*i, a.len()).map(|j| &a[j]))
            }
            (Selector::Slice(s, e), Value::Array(a)) => {
                let len = i64::try_from(a.len()).unwrap_or(i64::MAX);
                let clamp = |x: i64| (if x < 0 { len + x } else { x }).clamp(0, len);
                let s = clamp(s.unwrap_or(0));
                let e = clamp(e.unwrap_or(len));
                let (s, e) = (
                    usize::try_from(s).unwrap_or(0),
                    usize::try_from(e).unwrap_or(0),
                );
                if s < e {
                    out.extend(a[s..e].iter());
                }
            }
            _ => {}
        }
    }
}

/// Parses `[...]` starting at `open`; returns the selectors and the index after `]`.
fn parse_bracket(t: &str, open: usize) -> Option<(Vec<Selector>, usize)> {
    let close = open + t[open..].find(']')?;
    let inner = &t[open + 1..close];
    let mut sels = Vec::new();
    for part in split_union(inner)? {
        let p = part.trim();
        let sel = if p == "*" {
            Selector::Wildcard
        } else if p.starts_with('"') && p.ends_with('"') && p.len() >= 2 {
            Selector::Name(p[1..p.len() - 1].to_string())
        } else if let Some((a, b)) = p.split_once(':') {
            if b.contains(':') {
                return None;
            }
            let num = |s: &str| -> Option<Option<i64>> {
                let s = s.trim();
                if s.is_empty() {
                    Some(None)
                } else {
                    s.parse().ok().map(Some)
                }
            };
            Selector::Slice(num(a)?, num(b)?)
        } else {
            Selector::Index(p.parse().ok()?)
        };
        sels.push(sel);
    }
    if sels.is_empty() {
        return None;
    }
    Some((sels, close + 1))
}

fn split_union(inner: &str) -> Option<Vec<&str>> {
    if inner.contains('?') || inner.contains('(') {
        return None;
    }
    Some(inner.split(',').collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subset_matches() {
        let doc = json!({"foo": [{"baz": 1}, {"baz": 2}, {"bar": 3}], "status": "up"});
        let m = |p: &str| {
            JsonPath::parse(p)
                .unwrap()
                .matches(&doc)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(m("$.foo[*].baz"), vec![json!(1), json!(2)]);
        assert_eq!(m("$.status"), vec![json!("up")]);
        assert_eq!(m("$[\"status\"]"), vec![json!("up")]);
        // jsonpath2 quotes names with double quotes only.
        assert!(JsonPath::parse("$['status']").is_err());
        assert_eq!(m("$.foo[-1].bar"), vec![json!(3)]);
        assert_eq!(m("$.foo[0:2].baz"), vec![json!(1), json!(2)]);
        assert_eq!(m("$..baz"), vec![json!(1), json!(2)]);
        assert_eq!(m("$.foo[0,2]").len(), 2);
        assert!(m("$.nope").is_empty());
        assert!(JsonPath::parse("$.foo[?(@.baz)]").is_err());
        assert!(JsonPath::parse("").is_err());
        assert!(JsonPath::parse("foo").is_err());
    }
}
