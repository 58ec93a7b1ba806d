//! Quantiles of latencies read from stdin, one u64 a line:
//!
//! ```text
//! cargo run --release -p sre-metrics --example quantiles -- --lowest 1 --highest 3600000000000 --sigfig 3 < latencies.txt
//! ```
//!
//! Prints `q,value` for q = 0.5, 0.9, 0.99, 0.999, 0.9999 and 1.0, then `count,N`. Values
//! above `--highest` are clamped to it. The quantiles are `hdrhistogram`'s
//! `value_at_quantile` for the same data (the test below checks it).

use sre_metrics::{Histogram, HistogramConfig};
use std::io::{BufRead, Write};

/// The quantiles printed, with the spelling printed.
const QUANTILES: [(&str, f64); 6] = [
    ("0.5", 0.5),
    ("0.9", 0.9),
    ("0.99", 0.99),
    ("0.999", 0.999),
    ("0.9999", 0.9999),
    ("1.0", 1.0),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    if let Err(e) = run(&args, stdin, stdout) {
        eprintln!("quantiles: {e}");
        std::process::exit(2);
    }
}

/// Parses `--lowest L --highest H --sigfig D`, reads the values, writes the report.
fn run(args: &[String], input: impl BufRead, mut out: impl Write) -> Result<(), String> {
    let (mut lowest, mut highest, mut sigfig) = (None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: std::num::ParseIntError| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--lowest" => lowest = Some(value.parse::<u64>().map_err(bad)?),
            "--highest" => highest = Some(value.parse::<u64>().map_err(bad)?),
            "--sigfig" => sigfig = Some(value.parse::<u8>().map_err(bad)?),
            _ => {
                return Err(format!(
                    "unknown argument {flag}; pass --lowest L --highest H --sigfig D"
                ));
            }
        }
    }
    let missing = |name: &str| format!("missing {name}; pass --lowest L --highest H --sigfig D");
    let config = HistogramConfig::new(
        lowest.ok_or_else(|| missing("--lowest"))?,
        highest.ok_or_else(|| missing("--highest"))?,
        sigfig.ok_or_else(|| missing("--sigfig"))?,
    )
    .map_err(|e| e.to_string())?;

    let histogram = Histogram::with_shards(config, 1).map_err(|e| e.to_string())?;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value = line
            .parse::<u64>()
            .map_err(|e| format!("line {}: {line:?} is not a u64 ({e})", n + 1))?;
        histogram.record(value); // clamped to --highest
    }

    let snapshot = histogram.snapshot();
    if snapshot.is_empty() {
        return Err("no values on stdin; pass one u64 a line".into());
    }
    let values = snapshot
        .quantiles(&QUANTILES.map(|(_, q)| q))
        .map_err(|e| e.to_string())?;
    for ((label, _), value) in QUANTILES.iter().zip(values) {
        writeln!(out, "{label},{value}").map_err(|e| e.to_string())?;
    }
    writeln!(out, "count,{}", snapshot.count()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(l: u64, h: u64, d: u8) -> Vec<String> {
        [
            "--lowest",
            &l.to_string(),
            "--highest",
            &h.to_string(),
            "--sigfig",
            &d.to_string(),
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn output_equals_hdrhistogram_value_at_quantile() {
        for (l, h, d) in [
            (1, 3_600_000_000_000, 3),
            (1000, 10_000_000, 2),
            (1, 100_000, 5),
        ] {
            // A spread of values, some above the highest (clamped by both).
            let values: Vec<u64> = (1..=5000_u64).map(|i| i * i * 7919 % (2 * h)).collect();
            let input: String = values.iter().map(|v| format!("{v}\n")).collect();
            let mut out = Vec::new();
            run(&args(l, h, d), input.as_bytes(), &mut out).unwrap();

            let mut hdr = hdrhistogram::Histogram::<u64>::new_with_bounds(l, h, d).unwrap();
            for &v in &values {
                hdr.record(v.min(h)).unwrap();
            }
            let mut expected: String = QUANTILES
                .iter()
                .map(|(label, q)| format!("{label},{}\n", hdr.value_at_quantile(*q)))
                .collect();
            expected.push_str("count,5000\n");
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn bad_input_is_reported() {
        let run_with =
            |a: &[String], input: &str| run(a, input.as_bytes(), Vec::new()).unwrap_err();
        assert!(run_with(&args(1, 1000, 3), "5\nfive\n").contains("line 2"));
        assert!(run_with(&args(1, 1000, 3), "\n").contains("no values"));
        assert!(run_with(&args(1, 1000, 6), "5\n").contains("significant digits is 6"));
        assert!(run_with(&args(1, 1000, 3)[..4], "5\n").contains("missing --sigfig"));
        assert!(run_with(&["--lowest".into()], "5\n").contains("needs a value"));
    }
}
