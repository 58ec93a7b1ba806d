//! The seeded generator behind every random schedule: Xoshiro256++ seeded through
//! SplitMix64, and a logarithm built only from IEEE-754 basic operations.
//!
//! Same seed → same schedule on every platform. The `u64` stream is the published
//! Xoshiro256++ (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
//! 2021, reference code at <https://prng.di.unimi.it/>), its 256-bit state filled by four
//! outputs of SplitMix64 (Steele, Lea and Flood, 2014), the same seeding `rand_xoshiro`'s
//! `Xoshiro256PlusPlus::seed_from_u64` uses; the tests check the two agree bit for bit.
//!
//! Exponential variates need a logarithm, and `f64::ln` calls the platform's libm, whose
//! last bit differs between glibc, musl and macOS. [`ln`] here uses only `+ − × ÷` (which
//! IEEE 754 rounds identically everywhere and Rust never fuses), so a Poisson schedule over
//! a constant or piecewise-linear profile is bit-identical on every platform.
//!
//! ```
//! use sre_loadgen_model::rng::Xoshiro256PlusPlus;
//!
//! let mut a = Xoshiro256PlusPlus::seed_from_u64(42);
//! let mut b = Xoshiro256PlusPlus::seed_from_u64(42);
//! assert_eq!(a.next_u64(), b.next_u64());
//! let u = a.next_f64_open_closed();
//! assert!(u > 0.0 && u <= 1.0);
//! ```

/// SplitMix64: a 64-bit counter through a mixing function. Used to expand one `u64`
/// seed into Xoshiro's 256-bit state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next output.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Xoshiro256++: 256 bits of state, period 2^256 − 1, passes BigCrush; about 1 ns a draw.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Xoshiro256PlusPlus {
    s: [u64; 4],
}

impl Xoshiro256PlusPlus {
    /// The generator for `seed`: its state is four consecutive SplitMix64 outputs.
    #[must_use]
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        Self {
            s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()],
        }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = self.s;
        let result = s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        let s2 = s2 ^ t;
        let s3 = s3.rotate_left(45);
        self.s = [s0, s1, s2, s3];
        result
    }

    /// A uniform float in (0, 1]: the top 53 bits, plus one, times 2⁻⁵³. Never 0, so its
    /// logarithm is always finite.
    #[inline]
    pub fn next_f64_open_closed(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard exponential variate (mean 1): `−ln U` with `U` in (0, 1].
    #[inline]
    pub fn next_exp1(&mut self) -> f64 {
        -ln(self.next_f64_open_closed())
    }

    /// Advances the state by 2¹²⁸ draws: call it `k` times on a copy to get the `k`-th of
    /// up to 2¹²⁸ non-overlapping streams from one seed (the reference jump polynomial).
    pub fn jump(&mut self) {
        const JUMP: [u64; 4] = [
            0x180e_c6d3_3cfd_0aba,
            0xd5a6_1266_f0c9_392c,
            0xa958_2618_e03f_c9aa,
            0x39ab_dc45_29b1_661c,
        ];
        let mut acc = [0u64; 4];
        for word in JUMP {
            for bit in 0..64 {
                if word & (1u64 << bit) != 0 {
                    for (a, s) in acc.iter_mut().zip(self.s) {
                        *a ^= s;
                    }
                }
                self.next_u64();
            }
        }
        self.s = acc;
    }
}

/// fdlibm e_log.c's Lg1…Lg7: a minimax fit of R(z) = 2z/3 + 2z²/5 + 2z³/7 + … for
/// |s| ≤ 3 − 2√2 (z = s²), error below 2⁻⁵⁸·⁴⁵.
const LG: [f64; 7] = [
    f64::from_bits(0x3fe5_5555_5555_5593),
    f64::from_bits(0x3fd9_9999_9997_fa04),
    f64::from_bits(0x3fd2_4924_9422_9359),
    f64::from_bits(0x3fcc_71c5_1d8e_78af),
    f64::from_bits(0x3fc7_4664_96cb_03de),
    f64::from_bits(0x3fc3_9a09_d078_c69f),
    f64::from_bits(0x3fc2_f112_df3e_5244),
];

/// ln 2 split so that `k · LN2_HI` is exact for any binary exponent `k` (fdlibm's e_log.c).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// The natural logarithm from basic IEEE operations only, within 1 ulp of the exact value,
/// identical on every platform. NaN for negatives and NaN, −∞ for 0, +∞ for +∞.
///
/// Method (fdlibm's): write
/// `x = 2ᵏ · m` with `m` in [√½, √2), `f = m − 1`, `s = f / (2 + f)`; then
/// `ln m = 2 atanh s = f − s (f − R)` with `R ≈ Σ 2 s²ʲ / (2j + 1)` by fdlibm's
/// seven-term minimax polynomial (Sun Microsystems' e_log.c, 1993).
///
/// ```
/// use sre_loadgen_model::rng::ln;
/// assert_eq!(ln(1.0), 0.0);
/// assert!((ln(10.0) - std::f64::consts::LN_10).abs() <= f64::EPSILON * 2.5);
/// ```
#[must_use]
#[inline]
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut bits, mut k) = (x.to_bits(), -1023i64);
    if bits >> 52 == 0 {
        // Subnormal: scale by 2^54 into the normal range.
        bits = (x * f64::from_bits(0x4350_0000_0000_0000)).to_bits();
        k -= 54;
    }
    k += i64::try_from(bits >> 52).unwrap_or(0);
    // Branch-free normalization to [√½, √2) (fdlibm's trick): adding 0x95f64 to the top
    // 20 mantissa bits carries into bit 20 exactly when the mantissa is ≥ √2 − 1, and then
    // the exponent is set to −1 instead of 0 (m/2) and k grows by one.
    let mant = bits & 0x000f_ffff_ffff_ffff;
    let carry = ((mant >> 32) + 0x95f64) & 0x10_0000;
    let m = f64::from_bits(mant | ((carry ^ 0x3ff0_0000) << 32));
    k += i64::try_from(carry >> 20).unwrap_or(0);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // R ≈ Σ 2 s²ʲ / (2j + 1) by fdlibm's minimax polynomial in z = s², split in two
    // chains of w = z² so they run in parallel.
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;

    let dk = k as f64;
    dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f)
}

#[cfg(test)]
// Exact equality is the point where these tests compare floats: values with exact
// binary representations (piecewise-constant rates, ln 1, erf 0, odd symmetry).
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use rand_xoshiro::rand_core::{Rng, SeedableRng};

    #[test]
    fn stream_matches_rand_xoshiro_bit_for_bit() {
        for seed in [0u64, 1, 42, u64::MAX, 0x0123_4567_89ab_cdef] {
            let mut ours = Xoshiro256PlusPlus::seed_from_u64(seed);
            let mut peer = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
            for _ in 0..1000 {
                assert_eq!(ours.next_u64(), peer.next_u64(), "seed {seed}");
            }
            ours.jump();
            peer.jump();
            for _ in 0..100 {
                assert_eq!(ours.next_u64(), peer.next_u64(), "after jump, seed {seed}");
            }
        }
    }

    #[test]
    fn splitmix_reference_outputs() {
        // Vigna's splitmix64.c with seed 1234567 (values quoted in many ports' tests).
        let mut sm = SplitMix64::new(1_234_567);
        let expect = [
            6_457_827_717_110_365_317u64,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for e in expect {
            assert_eq!(sm.next_u64(), e);
        }
    }

    #[test]
    fn ln_is_within_one_ulp_of_libm() {
        let ulp = |x: f64| f64::from_bits(x.abs().to_bits() + 1) - x.abs();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut worst = 0.0f64;
        for i in 0..200_000 {
            let x = match i % 4 {
                0 => rng.next_f64_open_closed(),
                1 => rng.next_f64_open_closed() * 2.0 + 0.25,
                2 => f64::from_bits(rng.next_u64() >> 2), // all exponents ≥ 0 half
                _ => f64::from_bits(rng.next_u64() & 0x7fef_ffff_ffff_ffff),
            };
            if !(x > 0.0 && x.is_finite()) {
                continue;
            }
            let (a, b) = (ln(x), x.ln());
            let err = (a - b).abs() / ulp(b).max(f64::MIN_POSITIVE);
            worst = worst.max(err);
        }
        assert!(worst <= 1.0, "worst disagreement {worst} ulp");
        assert_eq!(ln(1.0), 0.0);
        assert!(ln(0.0).is_infinite() && ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        let tiny = f64::from_bits(1); // smallest subnormal: ln = -1074 ln 2
        assert!((ln(tiny) - tiny.ln()).abs() <= ulp(tiny.ln()));
    }

    #[test]
    fn uniform_never_zero_and_exp_mean_is_one() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let e = rng.next_exp1();
            assert!(e.is_finite() && e >= 0.0);
            sum += e;
        }
        // Mean of n Exp(1): sd 1/sqrt(n) ≈ 0.0022; 6 sigma.
        let mean = sum / f64::from(n);
        assert!((mean - 1.0).abs() < 6.0 / f64::from(n).sqrt(), "{mean}");
    }
}
