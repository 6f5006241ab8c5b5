//! [`ExpTransform`]: `y = exp(x)` (torch's `ExpTransform`), the map from
//! the reals onto the positive numbers behind `LogNormal` and
//! `biject_to(positive)`.

use tch::Tensor;

use super::input::check_input;
use super::{Sign, Transform, downcast};
use crate::constraint::Constraint;
use crate::error::Result;

const NAME: &str = "ExpTransform";

/// `y = exp(x)`, elementwise, from the reals onto `(0, ∞)`; increasing.
///
/// Inverse `x = log y`; `log |det J| = x` (shape of `x`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpTransform;

impl ExpTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for ExpTransform {
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
        Ok(x.exp())
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 0)?;
        Ok(y.log())
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(x.shallow_clone())
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
