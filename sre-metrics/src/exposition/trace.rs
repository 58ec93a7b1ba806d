//! [`TraceParent`]: the W3C Trace Context `traceparent` header, parsed strictly, so a
//! request's trace id can become an [`Exemplar`].

use super::Exemplar;
use crate::Error;

/// The length of a version-00 `traceparent`: `2 + 1 + 32 + 1 + 16 + 1 + 2`.
const LEN_V00: usize = 55;

/// A parsed `traceparent` header (W3C Trace Context, <https://www.w3.org/TR/trace-context/>):
/// `version-traceid-parentid-flags`, 2, 32, 16 and 2 lowercase hex digits.
///
/// [`parse`](Self::parse) follows the recommendation's rules: version `ff` is invalid; an
/// all-zero trace id or parent id is invalid; version `00` is exactly 55 characters; a
/// later version may carry more after a `-` following the flags (ignored here, as the
/// recommendation asks of a parser that knows only version 00). Uppercase hex is refused.
/// Bad input is a typed error naming the field at fault, never a panic, and the error
/// never repeats the input.
///
/// [`Display`](core::fmt::Display) writes the four fields back (`version` as parsed):
/// for version `00` that is the header itself.
///
/// ```
/// use sre_metrics::exposition::TraceParent;
///
/// let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let tp = TraceParent::parse(header)?;
/// assert!(tp.sampled());
/// assert_eq!(tp.trace_id(), 0x4bf92f3577b34da6a3ce929d0e0e4736);
/// assert_eq!(tp.to_string(), header);
/// let e = tp.exemplar(0.25)?; // trace_id and span_id labels, the observed 0.25 s
/// assert!(TraceParent::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_err());
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceParent {
    version: u8,
    trace_id: u128,
    parent_id: u64,
    flags: u8,
}

impl TraceParent {
    /// A version-00 trace parent from its parts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTraceParent`] when `trace_id` or `parent_id` is 0 (all zeros is
    /// invalid).
    pub fn new(trace_id: u128, parent_id: u64, flags: u8) -> Result<Self, Error> {
        if trace_id == 0 {
            return Err(invalid("trace-id", "is all zeros"));
        }
        if parent_id == 0 {
            return Err(invalid("parent-id", "is all zeros"));
        }
        Ok(Self {
            version: 0,
            trace_id,
            parent_id,
            flags,
        })
    }

    /// Parses a `traceparent` header value. Linear in at most the first 56 bytes of
    /// `header`; allocates nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTraceParent`] naming the field (`traceparent`, `version`, `trace-id`,
    /// `parent-id`, `trace-flags`) and what is wrong with it.
    pub fn parse(header: &str) -> Result<Self, Error> {
        let b = header.as_bytes();
        if b.len() < LEN_V00 {
            return Err(invalid(
                "traceparent",
                "is shorter than the 55 characters of version 00",
            ));
        }
        let version =
            hex(&b[0..2]).ok_or_else(|| invalid("version", "is not 2 lowercase hex digits"))?;
        let version = u8::try_from(version).unwrap_or(u8::MAX);
        if version == 0xff {
            return Err(invalid("version", "is ff, which is invalid"));
        }
        if version == 0 && b.len() != LEN_V00 {
            return Err(invalid(
                "traceparent",
                "of version 00 is longer than 55 characters",
            ));
        }
        if b.len() > LEN_V00 && b[LEN_V00] != b'-' {
            return Err(invalid(
                "traceparent",
                "continues after the trace-flags without a '-'",
            ));
        }
        for (at, after) in [(2, "version"), (35, "trace-id"), (52, "parent-id")] {
            if b[at] != b'-' {
                return Err(invalid(after, "is not followed by '-'"));
            }
        }
        let trace_id =
            hex(&b[3..35]).ok_or_else(|| invalid("trace-id", "is not 32 lowercase hex digits"))?;
        let parent_id = hex(&b[36..52])
            .ok_or_else(|| invalid("parent-id", "is not 16 lowercase hex digits"))?;
        let flags = hex(&b[53..55])
            .ok_or_else(|| invalid("trace-flags", "is not 2 lowercase hex digits"))?;
        let mut parsed = Self::new(
            trace_id,
            u64::try_from(parent_id).unwrap_or(u64::MAX),
            u8::try_from(flags).unwrap_or(u8::MAX),
        )?;
        parsed.version = version;
        Ok(parsed)
    }

    /// The version (0 for every header this recommendation defines).
    #[must_use]
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The trace id (never 0); `{:032x}` spells it as the header does.
    #[must_use]
    pub fn trace_id(&self) -> u128 {
        self.trace_id
    }

    /// The parent id: the span id of the caller's request (never 0); `{:016x}` spells it.
    #[must_use]
    pub fn parent_id(&self) -> u64 {
        self.parent_id
    }

    /// The trace flags byte.
    #[must_use]
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the caller sampled (recorded) the trace: flag bit 0.
    #[must_use]
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// An exemplar for an observation of `value` in this trace: labels `trace_id` and
    /// `span_id` (the parent id, i.e. the caller's span: the span a service starts for the
    /// request is not known here; build [`Exemplar::from_trace`] with it when it is).
    /// Allocates nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidExemplarValue`] for a NaN or infinite value.
    pub fn exemplar(&self, value: f64) -> Result<Exemplar, Error> {
        Exemplar::from_trace(self.trace_id, Some(self.parent_id), value)
    }
}

impl core::fmt::Display for TraceParent {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{:02x}-{:032x}-{:016x}-{:02x}",
            self.version, self.trace_id, self.parent_id, self.flags
        )
    }
}

impl core::str::FromStr for TraceParent {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

fn invalid(field: &'static str, reason: &'static str) -> Error {
    Error::InvalidTraceParent { field, reason }
}

/// The value of 1 to 32 lowercase hex digits, or `None` for any other byte.
fn hex(digits: &[u8]) -> Option<u128> {
    digits.iter().try_fold(0u128, |acc, &c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        Some(acc << 4 | u128::from(d))
    })
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OK: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn field_of(header: &str) -> &'static str {
        match TraceParent::parse(header) {
            Err(Error::InvalidTraceParent { field, .. }) => field,
            other => panic!("{header:?} gave {other:?}"),
        }
    }

    #[test]
    fn the_recommendation_s_cases() {
        let tp = TraceParent::parse(OK).unwrap();
        assert_eq!(tp.parent_id(), 0x00f0_67aa_0ba9_02b7);
        assert_eq!((tp.version(), tp.flags(), tp.sampled()), (0, 1, true));
        let not_sampled = OK.replace("-01", "-00");
        assert!(!TraceParent::parse(&not_sampled).unwrap().sampled());
        // A later version may carry more fields after a '-'.
        let later = format!("cc{}-what-the-future-holds", &OK[2..]);
        let tp = TraceParent::parse(&later).unwrap();
        assert_eq!(
            (tp.version(), tp.to_string()),
            (0xcc, format!("cc{}", &OK[2..]))
        );
        assert_eq!(
            TraceParent::parse(&format!("cc{}", &OK[2..]))
                .unwrap()
                .version(),
            0xcc
        );
        for (bad, field) in [
            ("", "traceparent"),
            (&OK[..54], "traceparent"),
            (&format!("{OK}-"), "traceparent"),
            (&format!("cc{}x", &OK[2..]), "traceparent"),
            (&format!("ff{}", &OK[2..]), "version"),
            (&format!("0g{}", &OK[2..]), "version"),
            (&OK.to_uppercase(), "trace-id"),
            (&OK.replace("4bf9", "4BF9"), "trace-id"),
            (
                &OK.replace("4bf92f3577b34da6a3ce929d0e0e4736", &"0".repeat(32)),
                "trace-id",
            ),
            (
                &OK.replace("00f067aa0ba902b7", &"0".repeat(16)),
                "parent-id",
            ),
            (
                &OK.replace("00f067aa0ba902b7", "00f067aa0ba902bz"),
                "parent-id",
            ),
            (&OK.replace("-01", "-0x"), "trace-flags"),
            (&OK.replace("-00f0", "_00f0"), "trace-id"),
            (&OK.replacen('-', "_", 1), "version"),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-é",
                "trace-flags",
            ),
        ] {
            assert_eq!(field_of(bad), field, "{bad:?}");
        }
        // The error never repeats the input.
        let secret = format!(
            "{}{}",
            &OK[..20],
            "s3cr3t-value-that-is-long-enough-to-parse"
        );
        let msg = TraceParent::parse(&secret).unwrap_err().to_string();
        assert!(!msg.contains("s3cr3t"), "{msg}");
        assert!(TraceParent::new(0, 1, 0).is_err() && TraceParent::new(1, 0, 0).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in ".{0,80}", bytes in proptest::collection::vec(any::<u8>(), 0..70)) {
            let _ = TraceParent::parse(&s);
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = TraceParent::parse(&lossy);
            // Near-misses of a valid header: one byte changed.
            let _ = TraceParent::parse(&s.chars().chain(OK.chars().skip(s.len().min(55))).collect::<String>());
        }

        #[test]
        fn valid_headers_round_trip(trace in 1u128.., parent in 1u64.., flags in any::<u8>()) {
            let header = format!("00-{trace:032x}-{parent:016x}-{flags:02x}");
            let tp = TraceParent::parse(&header).unwrap();
            prop_assert_eq!((tp.trace_id(), tp.parent_id(), tp.flags()), (trace, parent, flags));
            prop_assert_eq!(tp.sampled(), flags & 1 == 1);
            prop_assert_eq!(tp.to_string(), header);
            prop_assert_eq!(TraceParent::new(trace, parent, flags).unwrap(), tp);
        }

        #[test]
        fn one_byte_off_is_refused_or_read_exactly(at in 0usize..55, c in any::<char>()) {
            let mut header: Vec<char> = OK.chars().collect();
            header[at] = c;
            let header: String = header.into_iter().collect();
            if let Ok(tp) = TraceParent::parse(&header) {
                // Only a change to another valid character survives, and it reads back.
                prop_assert_eq!(tp.to_string(), header);
            }
        }
    }
}
