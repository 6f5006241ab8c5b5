//! [`PositiveDefiniteTransform`]: square matrices onto symmetric
//! positive-definite matrices (torch's `PositiveDefiniteTransform`), what
//! `transform_to(positive_definite)` returns.

use tch::Tensor;

use super::lower_cholesky::{check_square, map_diagonal};
use super::{Transform, downcast};
use crate::constraint::Constraint;
use crate::error::{Error, Result};

const NAME: &str = "PositiveDefiniteTransform";

/// `y = L Lᵀ` with `L` the [`LowerCholeskyTransform`](super::LowerCholeskyTransform)
/// of `x`; shapes `[.., n, n] → [.., n, n]`.
///
/// Not bijective on its domain, so no log-Jacobian
/// ([`Error::NotImplemented`], as torch); the inverse is the Cholesky
/// factor's pre-image, `x = tril(L, −1) + diag(log diag L)` with
/// `L = cholesky(y)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PositiveDefiniteTransform;

impl PositiveDefiniteTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for PositiveDefiniteTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real.independent(2)
    }

    fn codomain(&self) -> Constraint {
        Constraint::PositiveDefinite
    }

    fn bijective(&self) -> bool {
        false
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_square(NAME, "x", x)?;
        let factor = map_diagonal(x, Tensor::exp);
        Ok(factor.matmul(&factor.mt()))
    }

    /// # Errors
    /// [`Error::Torch`] if a matrix of `y` is not positive definite (its
    /// Cholesky factorization fails).
    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_square(NAME, "y", y)?;
        let factor = y.f_linalg_cholesky(false)?;
        Ok(map_diagonal(&factor, Tensor::log))
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
