//! FNV-1a, the hasher of the route table: route names are short and chosen by the
//! service (the table is bounded, see `RegistryBuilder::max_routes`), so a fast
//! non-keyed hash serves better than SipHash's flooding resistance.

use core::hash::{BuildHasherDefault, Hasher};

/// The 64-bit FNV-1a hasher (offset basis and prime from the FNV reference,
/// <http://www.isthe.com/chongo/tech/comp/fnv/>).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

pub(crate) type Build = BuildHasherDefault<Fnv>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        // FNV-1a 64 test vectors from the reference implementation's test suite.
        let h = |s: &str| {
            let mut f = Fnv::default();
            f.write(s.as_bytes());
            f.finish()
        };
        assert_eq!(h(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(h("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(h("foobar"), 0x8594_4171_f739_67e8);
    }
}
