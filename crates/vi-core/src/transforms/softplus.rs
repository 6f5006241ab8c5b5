//! [`SoftplusTransform`]: `y = log(1 + eˣ)` from the reals onto the
//! positive numbers (torch's `SoftplusTransform`), the smooth positive map
//! often preferred to `exp` for scales.

use tch::Tensor;

use super::input::check_input;
use super::{Sign, Transform, downcast};
use crate::constraint::Constraint;
use crate::error::Result;

const NAME: &str = "SoftplusTransform";

/// `y = softplus(x) = log(1 + eˣ)`, elementwise, from the reals onto
/// `(0, ∞)`; increasing. As torch's `F.softplus`, it returns `x` itself
/// for `x > 20`.
///
/// Inverse `x = log(−expm1(−y)) + y` (`= log(eʸ − 1)`, stable for large
/// `y`); `log |det J| = log σ(x) = −softplus(−x)` (shape of `x`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoftplusTransform;

impl SoftplusTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for SoftplusTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real
    }

    fn codomain(&self) -> Constraint {
        Constraint::Positive
    }

    fn sign(&self) -> Option<Sign> {
        Some(Sign::Increasing)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(x.softplus())
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 0)?;
        Ok(y.neg().expm1().neg().log() + y)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(-x.neg().softplus())
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
