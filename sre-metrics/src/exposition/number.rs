//! Exact numbers for the exposition: nanoseconds to seconds, and the one spelling of a
//! float in an `le` or `quantile` label.
//!
//! Prometheus matches label values as strings, so a bucket bound must be spelled the same
//! way by the exposition and by every rule that selects it. [`format_label_float`] is that
//! spelling, and [`nanos_to_seconds`] / [`duration_to_seconds`] the one conversion of a
//! latency bound into seconds, so `300 ms` is always the `f64` nearest to 0.3 and always
//! prints `0.3`.

use core::fmt::Write;
use core::time::Duration;

/// 2^53: integers below it convert to `f64` exactly.
const EXACT_INTEGERS: u64 = 1 << 53;
const NANOS_PER_SEC: u64 = 1_000_000_000;

/// `nanos` nanoseconds in seconds: the `f64` nearest to the exact quotient
/// `nanos / 10^9` (correctly rounded, ties to even), so 300 000 000 ns is `0.3`.
///
/// Below 2^53 ns (about 104 days) this is `nanos as f64 / 1e9` (both operands exact, and
/// IEEE division rounds correctly) and costs one division; above, the exact decimal is
/// read by Rust's correctly rounded parser, without allocating. Monotonic: more
/// nanoseconds never give fewer seconds.
///
/// ```
/// use sre_metrics::exposition::nanos_to_seconds;
/// assert_eq!(nanos_to_seconds(300_000_000), 0.3);
/// assert_ne!(300_000_000_f64 * 1e-9, 0.3); // the multiplication rounds twice
/// ```
#[must_use]
pub fn nanos_to_seconds(nanos: u64) -> f64 {
    seconds_of(
        nanos / NANOS_PER_SEC,
        u32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0),
    )
}

/// `d` in seconds, correctly rounded as [`nanos_to_seconds`] is (for every `Duration`,
/// including those beyond `u64::MAX` nanoseconds).
///
/// ```
/// use core::time::Duration;
/// use sre_metrics::exposition::duration_to_seconds;
/// assert_eq!(duration_to_seconds(Duration::from_millis(75)), 0.075);
/// ```
#[must_use]
pub fn duration_to_seconds(d: Duration) -> f64 {
    seconds_of(d.as_secs(), d.subsec_nanos())
}

/// Seconds as an exact decimal `secs.nanos`, correctly rounded to `f64`.
pub(crate) fn seconds_of(secs: u64, nanos: u32) -> f64 {
    let total = u128::from(secs) * u128::from(NANOS_PER_SEC) + u128::from(nanos);
    if let Ok(small) = u64::try_from(total)
        && small < EXACT_INTEGERS
    {
        return small as f64 / 1e9;
    }
    let mut buf = StackText::default();
    let _ = write!(buf, "{secs}.{nanos:09}");
    // At most 20 + 1 + 9 ASCII digits: always a valid decimal for the parser.
    buf.as_str().parse().unwrap_or(f64::INFINITY)
}

/// The largest number of nanoseconds whose [`nanos_to_seconds`] is at most `seconds`,
/// or `None` when even 0 ns exceeds it (a negative or NaN bound).
pub(crate) fn nanos_at_or_below(seconds: f64) -> Option<u64> {
    if seconds.is_nan() || seconds < 0.0 {
        return None;
    }
    if seconds >= nanos_to_seconds(u64::MAX) {
        return Some(u64::MAX);
    }
    // An estimate within a few nanoseconds below 2^53 ns; then step to the exact answer
    // (further above 2^53, where several nanoseconds share one f64, in more steps).
    let mut n = sre_core::f64_to_u64_saturating((seconds * 1e9).floor());
    while n > 0 && nanos_to_seconds(n) > seconds {
        n -= 1;
    }
    while n < u64::MAX && nanos_to_seconds(n + 1) <= seconds {
        n += 1;
    }
    Some(n)
}

/// `value` as the exposition spells it in an `le` or `quantile` label: Go's
/// `strconv.FormatFloat(v, 'g', -1, 64)` (the shortest digits that read back to the same
/// `f64`, exponent form below 1e-4 and from 1e6 on, as in `1e-09` and `1e+06`), with `.0`
/// appended to a whole number; `+Inf`, `-Inf`, `NaN`.
///
/// This is the form Prometheus 3 normalizes these labels to on ingestion (its migration
/// guide, "`le` and `quantile` label values") and the OpenMetrics canonical form, and
/// Prometheus 2 stores label values as written: a selector spelled with this function
/// matches the exposition's series on both, in both text formats. `sre-budget` spells
/// its latency selectors with it.
///
/// ```
/// use sre_metrics::exposition::format_label_float;
/// assert_eq!(format_label_float(0.3), "0.3");
/// assert_eq!(format_label_float(1.0), "1.0");
/// assert_eq!(format_label_float(1e-9), "1e-09");
/// assert_eq!(format_label_float(3600.0), "3600.0");
/// assert_eq!(format_label_float(1e6), "1e+06");
/// assert_eq!(format_label_float(f64::INFINITY), "+Inf");
/// ```
#[must_use]
pub fn format_label_float(value: f64) -> String {
    let mut out = String::new();
    push_label_float(&mut out, value);
    out
}

/// Appends [`format_label_float`]`(value)` to `out`.
pub(crate) fn push_label_float(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    // Rust's `{:e}` writes the shortest round-trip digits as `d.ddde±x`.
    let mut sci = StackText::default();
    let _ = write!(sci, "{value:e}");
    let sci = sci.as_str();
    let (negative, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits = StackText::default();
    for c in mantissa.chars().filter(char::is_ascii_digit) {
        let _ = digits.write_char(c);
    }
    let digits = digits.as_str();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
        return;
    }
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
        return;
    }
    let int_len = usize::try_from(exp).unwrap_or(0) + 1;
    if digits.len() <= int_len {
        out.push_str(digits);
        for _ in digits.len()..int_len {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        out.push_str(&digits[..int_len]);
        out.push('.');
        out.push_str(&digits[int_len..]);
    }
}

/// A small text buffer on the stack (enough for any `f64` in `{:e}` form and any
/// `u64.nanos` decimal); writes beyond it fail rather than grow.
struct StackText {
    buf: [u8; 48],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self {
            buf: [0; 48],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so the bytes are valid UTF-8.
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Write for StackText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The exact decimal `n / 10^9`, read by Rust's correctly rounded parser.
    fn reference(n: u64) -> f64 {
        format!("{}.{:09}", n / NANOS_PER_SEC, n % NANOS_PER_SEC)
            .parse()
            .unwrap()
    }

    #[test]
    #[allow(clippy::float_cmp)] // exact conversions are the point
    fn known_spellings() {
        for (v, s) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.3, "0.3"),
            (0.075, "0.075"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (123_456.7, "123456.7"),
            (999_999.0, "999999.0"),
            (1_234_567.0, "1.234567e+06"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (-2.5, "-2.5"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(format_label_float(v), s, "{v:e}");
        }
        assert_eq!(nanos_to_seconds(u64::MAX), reference(u64::MAX));
        assert_eq!(
            duration_to_seconds(Duration::new(u64::MAX, 999_999_999)),
            1.8446744073709552e19
        );
        assert_eq!(nanos_at_or_below(0.3), Some(300_000_000));
        assert_eq!(nanos_at_or_below(-1.0), None);
        assert_eq!(nanos_at_or_below(0.0), Some(0));
        assert_eq!(nanos_at_or_below(1e30), Some(u64::MAX));
    }

    proptest! {
        #[test]
        #[allow(clippy::float_cmp)]
        fn conversions_are_correctly_rounded(n in any::<u64>(), small in 0u64..(1 << 53)) {
            prop_assert_eq!(nanos_to_seconds(n), reference(n));
            prop_assert_eq!(nanos_to_seconds(small), reference(small));
            prop_assert_eq!(duration_to_seconds(Duration::from_nanos(n)), reference(n));
        }

        #[test]
        #[allow(clippy::float_cmp)]
        fn label_floats_read_back_exactly(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            let s = format_label_float(v);
            if v.is_nan() {
                prop_assert_eq!(s, "NaN");
            } else {
                let back: f64 = s.replace("Inf", "inf").parse().unwrap();
                prop_assert_eq!(back.to_bits(), v.to_bits(), "{}", s);
                prop_assert!(s.contains('.') || s.contains('e') || s.contains("Inf"), "{}", s);
            }
        }

        #[test]
        fn nanos_at_or_below_is_the_largest(seconds in 0.0f64..1e7) {
            let n = nanos_at_or_below(seconds).unwrap();
            prop_assert!(nanos_to_seconds(n) <= seconds);
            prop_assert!(nanos_to_seconds(n + 1) > seconds);
        }
    }
}
