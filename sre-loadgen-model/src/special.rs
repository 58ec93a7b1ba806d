//! Special functions the profiles need: the error function and its inverse.

/// 2 / √π.
const TWO_OVER_SQRT_PI: f64 = core::f64::consts::FRAC_2_SQRT_PI;

/// The error function, to within 1e-14 absolute (a few ulp; the series' rounding grows
/// slowly with |x|).
///
/// For |x| ≤ 6 the everywhere-positive series
/// `erf x = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))` (Abramowitz and Stegun
/// 7.1.6) sums without cancellation; beyond 6, erfc x < 2·10⁻¹⁷ and erf x rounds to ±1.
#[must_use]
pub(crate) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let a = x.abs();
    if a > 6.0 {
        return 1.0f64.copysign(x);
    }
    let x2 = a * a;
    let mut term = a;
    let mut sum = a;
    let mut n = 0.0;
    loop {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
        if term <= sum * 1e-17 {
            break;
        }
    }
    (TWO_OVER_SQRT_PI * exp_neg_square(a) * sum).copysign(x)
}

/// e^(−x²) without the error of rounding x² first: x² = hi + lo exactly (Dekker's
/// product), then e^(−hi) · (1 − lo). Plain `(-x * x).exp()` loses x² ulp of accuracy.
#[must_use]
pub(crate) fn exp_neg_square(x: f64) -> f64 {
    let c = 134_217_729.0 * x; // 2^27 + 1
    let xh = c - (c - x);
    let xl = x - xh;
    let hi = x * x;
    let lo = ((xh * xh - hi) + 2.0 * xh * xl) + xl * xl;
    (-hi).exp() * (1.0 - lo)
}

/// The inverse error function on (−1, 1); ±∞ at ±1, NaN outside.
///
/// Starts from Giles' single-precision approximation ("Approximating the erfinv
/// function", GPU Computing Gems, 2011; coefficients from the paper) and polishes it with
/// Newton steps on [`erf`], so the result is accurate to double precision.
#[must_use]
pub(crate) fn erfinv(y: f64) -> f64 {
    if y.is_nan() || y.abs() > 1.0 {
        return f64::NAN;
    }
    if y.abs() >= 1.0 {
        return f64::INFINITY.copysign(y);
    }
    let w = -((1.0 - y) * (1.0 + y)).ln();
    let p = if w < 5.0 {
        let w = w - 2.5;
        [
            3.432_739_39e-7,
            -3.523_387_7e-6,
            -4.391_506_54e-6,
            0.000_218_580_87,
            -0.001_253_725_03,
            -0.004_177_681_64,
            0.246_640_727,
            1.501_409_41,
        ]
        .iter()
        .fold(2.810_226_36e-8, |p, c| c + p * w)
    } else {
        let w = w.sqrt() - 3.0;
        [
            0.000_100_950_558,
            0.001_349_343_22,
            -0.003_673_428_44,
            0.005_739_507_73,
            -0.007_622_461_3,
            0.009_438_870_47,
            1.001_674_06,
            2.832_976_82,
        ]
        .iter()
        .fold(-0.000_200_214_257, |p, c| c + p * w)
    };
    let mut x = p * y;
    for _ in 0..3 {
        let err = erf(x) - y;
        let deriv = TWO_OVER_SQRT_PI * exp_neg_square(x);
        if deriv == 0.0 {
            break;
        }
        // Halley's step: Newton corrected by erf'' / erf' = −2x.
        let newton = err / deriv;
        x -= newton / (1.0 + x * newton);
    }
    x
}

#[cfg(test)]
// Exact equality is the point where these tests compare floats: values with exact
// binary representations (piecewise-constant rates, ln 1, erf 0, odd symmetry).
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use core::f64::consts::PI;

    /// erf by composite Simpson integration of 2/√π e^(−t²): slow, independent.
    fn erf_simpson(x: f64) -> f64 {
        let n = 20_000;
        let h = x / f64::from(n);
        let f = |t: f64| (-t * t).exp();
        let mut s = f(0.0) + f(x);
        for i in 1..n {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            s += w * f(h * f64::from(i));
        }
        s * h / 3.0 * 2.0 / PI.sqrt()
    }

    #[test]
    fn erf_matches_quadrature_and_known_values() {
        for x in [0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.5] {
            let (a, b) = (erf(x), erf_simpson(x));
            assert!((a - b).abs() <= 1e-13, "erf({x}) = {a}, quadrature {b}");
            assert_eq!(erf(-x), -a);
        }
        // Abramowitz and Stegun table 7.1.
        assert!((erf(1.0) - 0.842_700_792_949_714_9).abs() < 2.5e-16);
        assert!((erf(0.5) - 0.520_499_877_813_046_5).abs() < 2.5e-16);
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erf(7.0), 1.0);
    }

    #[test]
    fn erfinv_inverts_erf() {
        for i in -999..=999 {
            let y = f64::from(i) / 1000.0;
            let x = erfinv(y);
            assert!((erf(x) - y).abs() <= 1e-14, "y={y} x={x}");
        }
        for y in [1e-12, 1.0 - 1e-9, -(1.0 - 1e-12)] {
            let x = erfinv(y);
            assert!((erf(x) - y).abs() <= 1e-14, "y={y}");
        }
        assert!(erfinv(1.0).is_infinite() && erfinv(1.5).is_nan());
    }
}
