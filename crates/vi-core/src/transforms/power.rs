//! [`PowerTransform`]: `y = x^exponent` on the positive numbers (torch's
//! `PowerTransform`).

use tch::Tensor;

use super::input::{broadcast_with_params, check_nonzero, check_with_params, tensors_equal};
use super::{Sign, Transform, downcast};
use crate::constraint::Constraint;
use crate::error::Result;
use crate::toolkit;

const NAME: &str = "PowerTransform";

/// `y = x^exponent`, elementwise, from `(0, ∞)` onto `(0, ∞)`; increasing
/// where `exponent > 0`, decreasing where it is negative. `exponent` is a
/// tensor that broadcasts against `x`.
///
/// Inverse `x = y^{1/exponent}`; `log |det J| = log |exponent · y / x|`
/// (shape: `x` broadcast with `exponent`).
#[derive(Debug)]
pub struct PowerTransform {
    exponent: Tensor,
}

impl PowerTransform {
    /// `y = x^exponent`.
    ///
    /// # Errors
    /// [`Error::Dtype`](crate::Error::Dtype) if `exponent` is not floating
    /// point; [`Error::InvalidParameter`](crate::Error::InvalidParameter) if
    /// it is not finite or has a zero (checked while
    /// [`validation`](crate::validation) is on).
    pub fn new(exponent: &Tensor) -> Result<Self> {
        toolkit::check_floating(NAME, "exponent", exponent)?;
        toolkit::check_finite(NAME, "exponent", exponent)?;
        check_nonzero(NAME, "exponent", exponent)?;
        Ok(Self {
            exponent: exponent.shallow_clone(),
        })
    }

    /// The exponent, as given.
    pub fn exponent(&self) -> &Tensor {
        &self.exponent
    }

    fn check(&self, name: &'static str, tensor: &Tensor) -> Result<()> {
        check_with_params(NAME, (name, tensor), 0, &[("exponent", &self.exponent)])
    }
}

impl Transform for PowerTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Positive
    }

    fn codomain(&self) -> Constraint {
        Constraint::Positive
    }

    /// `exponent.sign()`.
    fn sign(&self) -> Option<Sign> {
        Some(Sign::Elementwise(self.exponent.sign()))
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.check("x", x)?;
        Ok(x.pow(&self.exponent))
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        self.check("y", y)?;
        Ok(y.pow(&self.exponent.reciprocal()))
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        self.check("x", x)?;
        self.check("y", y)?;
        Ok((&self.exponent * y).f_div(x)?.abs().log())
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        broadcast_with_params(NAME, shape, &[("exponent", &self.exponent)])
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.forward_shape(shape)
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        let Some(other) = downcast::<Self>(other) else {
            return false;
        };
        tensors_equal(&self.exponent, &other.exponent)
    }
}
