//! [`AbsTransform`]: `y = |x|` (torch's `AbsTransform`), the fold behind
//! `HalfNormal`; not bijective.

use tch::Tensor;

use super::input::check_input;
use super::{Transform, downcast};
use crate::constraint::Constraint;
use crate::error::{Error, Result};

const NAME: &str = "AbsTransform";

/// `y = |x|`, elementwise, from the reals onto `[0, ∞)` (torch names the
/// codomain `positive`; so does vi-core).
///
/// Not bijective: [`inverse`](Transform::inverse) is the pseudo-inverse
/// `y ↦ y` (torch's), and there is no log-Jacobian
/// ([`Error::NotImplemented`], as torch raises): a distribution folded by
/// it, such as [`HalfNormal`](crate::HalfNormal), supplies its own density.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AbsTransform;

impl AbsTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for AbsTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real
    }

    fn codomain(&self) -> Constraint {
        Constraint::Positive
    }

    fn bijective(&self) -> bool {
        false
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(x.abs())
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 0)?;
        Ok(y.shallow_clone())
    }

    fn log_abs_det_jacobian(&self, _x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        Err(Error::not_implemented(
            NAME,
            "log_abs_det_jacobian",
            "|x| is not one-to-one",
        ))
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
