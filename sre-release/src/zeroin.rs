//! Brent's root finder exactly as R's `zeroin` (`R_zeroin2`) and Kayenta's `BrentSolver`.

/// Finds a root of `f` on `[ax, bx]` as R's `R_zeroin2` does (Brent 1973, "Algorithms
/// for Minimization without Derivatives", ch. 4): tolerance `tol`, at most `max_iter`
/// iterations, machine epsilon 2⁻⁵². The same sequence of evaluations as R and Kayenta,
/// so the same answer to the bit for the same `f`. Errors of `f` propagate.
///
/// The caller need not bracket the root: like R's C routine, the search then returns
/// wherever it stops.
#[allow(clippy::float_cmp)] // R compares the bracket ends exactly
pub(crate) fn zeroin<E>(
    mut f: impl FnMut(f64) -> Result<f64, E>,
    ax: f64,
    bx: f64,
    tol: f64,
    max_iter: u32,
) -> Result<f64, E> {
    let mut a = ax;
    let mut b = bx;
    let mut fa = f(a)?;
    let mut fb = f(b)?;
    let mut c = a;
    let mut fc = fa;
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    for _ in 0..=max_iter {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return Ok(b);
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qa = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
                q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b)?;
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::zeroin;

    #[test]
    fn finds_a_closed_form_root_within_tolerance() {
        let root = zeroin(|x| Ok::<_, ()>(x * x - 2.0), 0.0, 2.0, 1e-10, 1000).unwrap();
        assert!((root - 2f64.sqrt()).abs() < 1e-10);
        let root = zeroin(|x| Ok::<_, ()>(x.cos() - x), 0.0, 1.0, 1e-4, 1000).unwrap();
        assert!((root - 0.739_085_133_215_160_6).abs() < 1e-4);
    }

    #[test]
    fn errors_propagate() {
        assert_eq!(zeroin(|_| Err::<f64, _>(7), 0.0, 1.0, 1e-4, 10), Err(7));
    }
}
