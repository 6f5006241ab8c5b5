//! Special-function helpers for normalizing constants that cancel: a
//! float64 evaluation for float32 parameters, and the differences
//! `lgamma(x + ½) − lgamma(x)` and `digamma(x + ½) − digamma(x)` that stay
//! accurate for large `x`.

use tch::{Device, Kind, Tensor};

use crate::error::Result;

/// `f` evaluated on float64 copies of `tensors`, its result rounded back to
/// their element type; `f` on the tensors themselves when they are already
/// float64, have different element types, or live on a device without
/// float64 arithmetic (neither the CPU nor CUDA).
///
/// Why: log densities, entropies and KL divergences of the Gamma, Beta and
/// Dirichlet families add `lgamma` and `digamma` terms that are large and
/// nearly cancel. In float32, `lgamma(1000) ≈ 5905` carries an absolute
/// rounding error of about `5e-4`, so torch's float32
/// `kl_divergence(Beta(1000, 1000), Beta(1001, 1000))` comes out as
/// `1.99e-3` where the true value is `2.5e-4`. Evaluated in float64 and
/// rounded once, the result is as accurate as float32 can hold. Gradients
/// flow through the conversions.
///
/// # Errors
/// libtorch's errors from `f` or from the conversions.
pub fn in_float64<const N: usize>(
    tensors: [&Tensor; N],
    f: impl FnOnce([Tensor; N]) -> Result<Tensor>,
) -> Result<Tensor> {
    let narrow = |kind| matches!(kind, Kind::Float | Kind::Half | Kind::BFloat16);
    let widen = match tensors.first() {
        Some(first) => {
            let kind = first.kind();
            narrow(kind)
                && tensors.iter().all(|t| t.kind() == kind)
                && matches!(first.device(), Device::Cpu | Device::Cuda(_))
        }
        None => false,
    };
    if !widen {
        return f(tensors.map(Tensor::shallow_clone));
    }
    let kind = tensors[0].kind();
    Ok(f(tensors.map(|t| t.to_kind(Kind::Double)))?.f_to_kind(kind)?)
}

/// Above this argument the differences use their asymptotic series, whose
/// truncation error there is below `5e-15` relative; below it the direct
/// difference loses at most a few units in the last place.
const SERIES_FROM: f64 = 16.0;

/// `lgamma(x + ½) − lgamma(x)` for `x > 0`, elementwise, same shape.
///
/// For `x < 16` the direct difference; from 16 on the asymptotic series
/// (Stirling's series for both terms, expanded in `1/x`; DLMF 5.11.1)
/// ```text
/// ½ log x − 1/(8x) + 1/(192x³) − 1/(640x⁵) + 17/(14336x⁷) − 31/(18432x⁹)
/// ```
/// whose truncation error is below `3e-16` there. The direct difference
/// cancels catastrophically for large `x`: in float32 at `x = 5·10⁵`
/// (a Student's t with `df = 10⁶`), `lgamma(x) ≈ 6·10⁶` has a rounding
/// error near 0.5, larger than the difference's fractional part.
pub fn lgamma_half_difference(x: &Tensor) -> Tensor {
    let direct = (x + 0.5).lgamma() - x.lgamma();
    // The series is evaluated where it is used; clamping keeps the unused
    // branch (and its gradient) finite for small x.
    let large = x.clamp_min(SERIES_FROM);
    let inverse = large.reciprocal();
    let inverse_sq = inverse.square();
    let coefficients = [
        -1.0 / 8.0,
        1.0 / 192.0,
        -1.0 / 640.0,
        17.0 / 14336.0,
        -31.0 / 18432.0,
    ];
    let series = large.log() * 0.5 + inverse * polynomial(&inverse_sq, &coefficients);
    series.where_self(&x.ge(SERIES_FROM), &direct)
}

/// `digamma(x + ½) − digamma(x)` for `x > 0`, elementwise, same shape: the
/// derivative of [`lgamma_half_difference`], with the same switch to the
/// series (its term-by-term derivative)
/// ```text
/// 1/(2x) + 1/(8x²) − 1/(64x⁴) + 1/(128x⁶) − 17/(2048x⁸) + 31/(2048x¹⁰)
/// ```
/// at `x = 16` (truncation error below `5e-15` relative).
pub fn digamma_half_difference(x: &Tensor) -> Tensor {
    let direct = (x + 0.5).digamma() - x.digamma();
    let large = x.clamp_min(SERIES_FROM);
    let inverse = large.reciprocal();
    let inverse_sq = inverse.square();
    let coefficients = [
        1.0 / 8.0,
        -1.0 / 64.0,
        1.0 / 128.0,
        -17.0 / 2048.0,
        31.0 / 2048.0,
    ];
    let series = &inverse * 0.5 + &inverse_sq * polynomial(&inverse_sq, &coefficients);
    series.where_self(&x.ge(SERIES_FROM), &direct)
}

/// `Σₖ cₖ tᵏ` for `t = inverse_sq`, by Horner's rule.
fn polynomial(inverse_sq: &Tensor, coefficients: &[f64]) -> Tensor {
    let mut sum = inverse_sq.zeros_like();
    for &c in coefficients.iter().rev() {
        sum = sum * inverse_sq + c;
    }
    sum
}
