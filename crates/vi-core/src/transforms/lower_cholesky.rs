//! [`LowerCholeskyTransform`]: square matrices onto lower-triangular
//! matrices with a positive diagonal (torch's `LowerCholeskyTransform`),
//! what `transform_to(lower_cholesky)` returns.

use tch::Tensor;

use super::input::check_input;
use super::{Transform, downcast};
use crate::constraint::Constraint;
use crate::error::{Error, Result};

const NAME: &str = "LowerCholeskyTransform";

/// `y = tril(x, −1) + diag(exp(diag x))`: keeps the strictly lower
/// triangle, exponentiates the diagonal and drops the upper triangle.
/// Shapes `[.., n, n] → [.., n, n]`, events of two dimensions.
///
/// Not bijective on its domain (the upper triangle is lost), so, as in
/// torch, it has no log-Jacobian ([`Error::NotImplemented`]) and
/// `biject_to(lower_cholesky)` is refused; its inverse
/// `x = tril(y, −1) + diag(log(diag y))` is exact on lower-triangular `x`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LowerCholeskyTransform;

impl LowerCholeskyTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

/// `tensor` (named `name`) is floating point and `[.., n, n]`.
pub(crate) fn check_square(
    context: &'static str,
    name: &'static str,
    tensor: &Tensor,
) -> Result<()> {
    check_input(context, name, tensor, 2)?;
    let shape = tensor.size();
    if shape[shape.len() - 1] != shape[shape.len() - 2] {
        return Err(Error::ShapeMismatch {
            context,
            left: name,
            left_shape: shape,
            right: "square matrices [.., n, n]",
            right_shape: Vec::new(),
        });
    }
    Ok(())
}

/// `tril(m, −1) + diag(f(diag m))`.
pub(crate) fn map_diagonal(matrix: &Tensor, f: impl FnOnce(&Tensor) -> Tensor) -> Tensor {
    matrix.tril(-1) + f(&matrix.diagonal(0, -2, -1)).diag_embed(0, -2, -1)
}

impl Transform for LowerCholeskyTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real.independent(2)
    }

    fn codomain(&self) -> Constraint {
        Constraint::LowerCholesky
    }

    fn bijective(&self) -> bool {
        false
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_square(NAME, "x", x)?;
        Ok(map_diagonal(x, Tensor::exp))
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_square(NAME, "y", y)?;
        Ok(map_diagonal(y, Tensor::log))
    }

    fn log_abs_det_jacobian(&self, _x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        Err(Error::not_implemented(
            NAME,
            "log_abs_det_jacobian",
            "the upper triangle is dropped, so the map is not one-to-one",
        ))
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
