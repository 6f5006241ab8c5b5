//! [`SoftmaxTransform`]: `y = softmax(x)` onto the simplex (torch's
//! `SoftmaxTransform`), what `transform_to(simplex)` returns; not
//! bijective.

use tch::{Kind, Tensor};

use super::input::check_input;
use super::{Transform, downcast};
use crate::constraint::Constraint;
use crate::error::{Error, Result};

const NAME: &str = "SoftmaxTransform";

/// `yₖ = exp(xₖ − max x) / Σ_j exp(x_j − max x)` over the last dimension:
/// `[.., K] → [.., K]`, from real vectors onto the simplex.
///
/// Not bijective (adding a constant to `x` leaves `y` unchanged), so it
/// has no log-Jacobian ([`Error::NotImplemented`], as torch raises); its
/// pseudo-inverse is `x = log y`. Cheap and mostly coordinatewise, it suits
/// optimisation of simplex-valued parameters (torch's note); for a density
/// on the simplex use [`StickBreakingTransform`](super::StickBreakingTransform).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoftmaxTransform;

impl SoftmaxTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for SoftmaxTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    fn codomain(&self) -> Constraint {
        Constraint::Simplex
    }

    fn bijective(&self) -> bool {
        false
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 1)?;
        if x.size()[x.dim() - 1] == 0 {
            return Err(Error::ShapeMismatch {
                context: NAME,
                left: "x",
                left_shape: x.size(),
                right: "a last dimension of at least one element",
                right_shape: vec![1],
            });
        }
        let (max, _) = x.max_dim(-1, true);
        let unnormalized = (x - max).exp();
        let total = unnormalized.sum_dim_intlist(-1, true, None::<Kind>);
        Ok(unnormalized / total)
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 1)?;
        Ok(y.log())
    }

    fn log_abs_det_jacobian(&self, _x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        Err(Error::not_implemented(
            NAME,
            "log_abs_det_jacobian",
            "softmax is not one-to-one",
        ))
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
