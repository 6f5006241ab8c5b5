//! [`biject_to`] and [`transform_to`]: the transform from unconstrained
//! real tensors onto a [`Constraint`] (torch's `constraint_registry`), to
//! optimise or sample constrained parameters in unconstrained space.

use tch::Tensor;

use super::{
    AffineTransform, ComposeTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform,
    PositiveDefiniteTransform, SigmoidTransform, SoftmaxTransform, StickBreakingTransform,
    Transform,
};
use crate::constraint::{Bound, Constraint};
use crate::error::{Error, Result};

/// A bijective transform from the reals (of the constraint's event
/// dimensions) onto `constraint` (torch's `biject_to`): for HMC-style
/// samplers and densities in unconstrained space, where the log-Jacobian
/// matters.
///
/// | Constraint | Transform |
/// |------------|-----------|
/// | `Real` | the identity (an empty [`ComposeTransform`]) |
/// | `Positive`, `NonNegative` | [`ExpTransform`] |
/// | `GreaterThan(c)`, `GreaterThanEq(c)` | exp, then `c + y` |
/// | `LessThan(c)` | exp, then `c − y` |
/// | `UnitInterval`, `Interval(0, 1)`, `HalfOpenInterval(0, 1)` with number bounds | [`SigmoidTransform`] |
/// | `Interval(a, b)`, `HalfOpenInterval(a, b)` | sigmoid, then `a + (b − a) y` |
/// | `Simplex` | [`StickBreakingTransform`] (`[.., K−1] → [.., K]`) |
/// | `Independent(c, n)` | [`IndependentTransform`] of `biject_to(c)` over `n` |
///
/// Tensor bounds become tensor parameters of the affine map; number
/// bounds become 0-d float64 tensors, which keep the value's type.
///
/// ```
/// use tch::Tensor;
/// use vi_core::{Bound, Constraint, biject_to};
///
/// # fn main() -> vi_core::Result<()> {
/// let interval = Constraint::Interval(Bound::Value(-2.0), Bound::Value(5.0));
/// let transform = biject_to(&interval)?;
/// let x = Tensor::from_slice(&[-3.0f64, 0.0, 3.0]);
/// let y = transform.forward(&x)?; // inside [−2, 5]
/// assert!(interval.check(&y)?.all().int64_value(&[]) == 1);
/// let back = transform.inverse(&y)?;
/// assert!((back - &x).abs().max().double_value(&[]) < 1e-12);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::NoBijection`] for discrete constraints and for
/// `LowerCholesky` and `PositiveDefinite` (torch registers no bijection
/// for them either; [`transform_to`] has maps onto them); the errors of
/// [`AffineTransform::new`] for tensor bounds of mixed types or devices,
/// or bounds whose shapes do not broadcast.
pub fn biject_to(constraint: &Constraint) -> Result<Box<dyn Transform>> {
    match constraint {
        Constraint::Simplex => Ok(Box::new(StickBreakingTransform)),
        Constraint::Independent(inner, n) => {
            let base = biject_to(inner).map_err(|error| name_outer(error, constraint))?;
            Ok(Box::new(IndependentTransform::new(base, *n)))
        }
        Constraint::LowerCholesky | Constraint::PositiveDefinite => Err(no_bijection(constraint)),
        other => shared(other),
    }
}

/// A transform, not necessarily bijective, from the reals onto
/// `constraint` (torch's `transform_to`): for optimising constrained
/// parameters with unconstrained ones (`scale = transform_to(positive)(u)`).
///
/// As [`biject_to`], except: `Simplex` → [`SoftmaxTransform`] (shape
/// preserving, cheap, not bijective); `LowerCholesky` →
/// [`LowerCholeskyTransform`]; `PositiveDefinite` →
/// [`PositiveDefiniteTransform`].
///
/// ```
/// use tch::Tensor;
/// use vi_core::{Constraint, Normal, transform_to};
///
/// # fn main() -> vi_core::Result<()> {
/// // Optimise an unconstrained `u`; the Normal gets `scale = exp(u) > 0`.
/// let u = Tensor::from_slice(&[-1.0f64, 0.0, 2.0]).set_requires_grad(true);
/// let scale = transform_to(&Constraint::Positive)?.forward(&u)?;
/// let normal = Normal::new(&Tensor::zeros([3], (tch::Kind::Double, tch::Device::Cpu)), &scale)?;
/// assert_eq!(normal.scale().size(), [3]);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::NoBijection`] for discrete constraints; as [`biject_to`] for
/// bounds.
pub fn transform_to(constraint: &Constraint) -> Result<Box<dyn Transform>> {
    match constraint {
        Constraint::Simplex => Ok(Box::new(SoftmaxTransform)),
        Constraint::Independent(inner, n) => Ok(Box::new(IndependentTransform::new(
            transform_to(inner).map_err(|error| name_outer(error, constraint))?,
            *n,
        ))),
        Constraint::LowerCholesky => Ok(Box::new(LowerCholeskyTransform)),
        Constraint::PositiveDefinite => Ok(Box::new(PositiveDefiniteTransform)),
        other => shared(other),
    }
}

/// The entries both registries share (torch registers them in both).
fn shared(constraint: &Constraint) -> Result<Box<dyn Transform>> {
    let one = || Bound::Value(1.0);
    match constraint {
        Constraint::Real => Ok(Box::new(ComposeTransform::identity())),
        Constraint::Positive | Constraint::NonNegative => Ok(Box::new(ExpTransform)),
        Constraint::GreaterThan(lower) | Constraint::GreaterThanEq(lower) => {
            exp_then_affine(lower, &one())
        }
        Constraint::LessThan(upper) => exp_then_affine(upper, &Bound::Value(-1.0)),
        Constraint::UnitInterval => Ok(Box::new(SigmoidTransform)),
        Constraint::Interval(low, high) | Constraint::HalfOpenInterval(low, high) => {
            if let (Bound::Value(0.0), Bound::Value(1.0)) = (low, high) {
                return Ok(Box::new(SigmoidTransform));
            }
            let (loc, scale) = bound_tensors(low, high)?;
            Ok(Box::new(ComposeTransform::new(vec![
                Box::new(SigmoidTransform),
                Box::new(AffineTransform::new(&loc, &scale)?),
            ])))
        }
        _ => Err(no_bijection(constraint)),
    }
}

/// `exp` then `loc + scale · y`.
fn exp_then_affine(loc: &Bound, scale: &Bound) -> Result<Box<dyn Transform>> {
    let (loc, scale) = (as_tensor(loc, scale), as_tensor(scale, loc));
    Ok(Box::new(ComposeTransform::new(vec![
        Box::new(ExpTransform),
        Box::new(AffineTransform::new(&loc, &scale)?),
    ])))
}

/// `(low, high − low)` as tensors of one type.
fn bound_tensors(low: &Bound, high: &Bound) -> Result<(Tensor, Tensor)> {
    let (low, high) = (as_tensor(low, high), as_tensor(high, low));
    let width = high.f_sub(&low)?;
    Ok((low, width))
}

/// `bound` as a tensor: itself, or a 0-d tensor of the number in the type
/// and on the device of `other` when that is a tensor (else float64 on
/// the CPU).
fn as_tensor(bound: &Bound, other: &Bound) -> Tensor {
    match (bound, other) {
        (Bound::Tensor(tensor), _) => tensor.shallow_clone(),
        (Bound::Value(value), Bound::Tensor(like)) => Tensor::from(*value)
            .to_kind(like.kind())
            .to_device(like.device()),
        (Bound::Value(value), Bound::Value(_)) => Tensor::from(*value),
    }
}

/// A refusal of the inner constraint of an `Independent` reported for the
/// whole constraint, as the caller wrote it.
fn name_outer(error: Error, constraint: &Constraint) -> Error {
    match error {
        Error::NoBijection { .. } => no_bijection(constraint),
        other => other,
    }
}

fn no_bijection(constraint: &Constraint) -> Error {
    Error::NoBijection {
        constraint: constraint.to_string(),
    }
}
