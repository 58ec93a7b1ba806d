//! Helpers shared by the integration tests: checking a page with `promtool` and the
//! OpenMetrics parser of Python's `prometheus_client`, and a PromQL-style selector
//! matcher.
#![allow(dead_code)] // each test binary uses a part

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `cmd args` with `input` on stdin; (success, stdout + stderr).
pub fn pipe(cmd: &str, args: &[&str], input: &str) -> (bool, String) {
    let mut child = Command::new(cmd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (.ci/run installs it): {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// `promtool check metrics` accepts the 0.0.4 `page` (lint problems included).
pub fn promtool_accepts(page: &str) {
    let (ok, text) = pipe("promtool", &["check", "metrics"], page);
    assert!(ok, "promtool check metrics refused:\n{text}\n---\n{page}");
}

/// Python's `prometheus_client` OpenMetrics parser accepts `page`.
pub fn openmetrics_parser_accepts(page: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/check_openmetrics.py");
    let (ok, text) = pipe("python3", &[script], page);
    assert!(ok, "the OpenMetrics parser refused:\n{text}\n---\n{page}");
}

/// A sample's labels, as (name, value) pairs.
pub type Labels = Vec<(String, String)>;

/// The `(name, labels, value)` samples of a 0.0.4 page.
pub fn samples(page: &str) -> Vec<(String, Labels, f64)> {
    let mut out = Vec::new();
    for line in page
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("a sample line");
        let (name, labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let mut parsed = Vec::new();
        let mut rest = labels;
        while let Some((k, v)) = rest.split_once("=\"") {
            let mut end = 0;
            let bytes = v.as_bytes();
            while end < bytes.len()
                && !(bytes[end] == b'"' && (end == 0 || bytes[end - 1] != b'\\'))
            {
                end += 1;
            }
            parsed.push((k.trim_start_matches(',').to_owned(), v[..end].to_owned()));
            rest = &v[(end + 1).min(v.len())..];
        }
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or(f64::NAN),
        };
        out.push((name.to_owned(), parsed, value));
    }
    out
}

/// The samples of `page` that a PromQL selector `name{a="x",b="y"}` (equality matchers
/// only) selects.
pub fn select(page: &str, selector: &str) -> Vec<(Labels, f64)> {
    let (name, matchers) = match selector.split_once('{') {
        Some((n, m)) => (n, m.trim_end_matches('}')),
        None => (selector, ""),
    };
    let wanted: Vec<(&str, &str)> = matchers
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| {
            let (k, v) = m.split_once('=').expect("an equality matcher");
            (k, v.trim_matches('"'))
        })
        .collect();
    samples(page)
        .into_iter()
        .filter(|(n, labels, _)| {
            n == name
                && wanted
                    .iter()
                    .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, l, v)| (l, v))
        .collect()
}
