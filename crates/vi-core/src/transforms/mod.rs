//! Transforms: differentiable maps `y = f(x)` with their log-Jacobians
//! (torch's `torch.distributions.transforms`), from which
//! [`TransformedDistribution`](crate::TransformedDistribution) builds new
//! families and normalizing flows.

use std::any::Any;
use std::fmt::Debug;

use tch::Tensor;

use crate::constraint::Constraint;
use crate::error::Result;

/// A differentiable map `y = f(x)` from its [`domain`](Self::domain) to its
/// [`codomain`](Self::codomain), with `log |det ∂y/∂x|` (torch's
/// `Transform`).
///
/// Shapes: `x` ends with the domain's event dimensions
/// (`domain().event_dim()` of them), `y` with the codomain's;
/// [`log_abs_det_jacobian`](Self::log_abs_det_jacobian) has the shape of
/// `x` without the domain's event dimensions (for an elementwise
/// transform, the shape of `x`).
///
/// The trait is object safe; `Any` lets [`same_as`](Self::same_as) compare
/// a transform with another behind `&dyn Transform`.
pub trait Transform: Debug + Any {
    /// The transform's name, used in error messages (e.g. `"ExpTransform"`).
    fn name(&self) -> &'static str;

    /// Where `x` lives.
    fn domain(&self) -> Constraint;

    /// Where `y` lives.
    fn codomain(&self) -> Constraint;

    /// Whether the map is one-to-one onto its codomain, so that
    /// [`inverse`](Self::inverse) is defined on all of it (torch's
    /// `bijective`).
    fn bijective(&self) -> bool {
        true
    }

    /// For an elementwise monotone map, `1` if increasing and `-1` if
    /// decreasing (torch's `sign`); `None` otherwise.
    fn sign(&self) -> Option<i8> {
        None
    }

    /// `y = f(x)`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if `x` does not
    /// fit the transform; libtorch's errors.
    fn forward(&self, x: &Tensor) -> Result<Tensor>;

    /// `x = f⁻¹(y)`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`](crate::Error::NotImplemented) for a
    /// transform without a computable inverse (an inverse autoregressive
    /// flow, say); as [`forward`](Self::forward) otherwise.
    fn inverse(&self, y: &Tensor) -> Result<Tensor>;

    /// `log |det ∂f(x)/∂x|` at `x` with `y = f(x)` (both given, since many
    /// transforms compute it more cheaply or more stably from one of
    /// them); shape: `x`'s without the domain's event dimensions.
    ///
    /// # Errors
    /// As [`forward`](Self::forward).
    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor>;

    /// `(f(x), log |det ∂f(x)/∂x|)` in one call. The default calls
    /// [`forward`](Self::forward) then
    /// [`log_abs_det_jacobian`](Self::log_abs_det_jacobian); a flow that
    /// gets both from one pass overrides it.
    ///
    /// # Errors
    /// As [`forward`](Self::forward).
    fn forward_with_log_abs_det_jacobian(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let y = self.forward(x)?;
        let log_det = self.log_abs_det_jacobian(x, &y)?;
        Ok((y, log_det))
    }

    /// The shape of `f(x)` for `x` of shape `shape` (torch's
    /// `forward_shape`); the same shape unless the transform reshapes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if `shape` does
    /// not fit the transform.
    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        Ok(shape.to_vec())
    }

    /// The shape of `f⁻¹(y)` for `y` of shape `shape` (torch's
    /// `inverse_shape`).
    ///
    /// # Errors
    /// As [`forward_shape`](Self::forward_shape).
    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        Ok(shape.to_vec())
    }

    /// Whether `other` is the same map (torch's `__eq__`): the KL between
    /// two transformed distributions reduces to their bases' only when
    /// their transforms are the same. The default is `false` (never wrong,
    /// only less useful).
    fn same_as(&self, other: &dyn Transform) -> bool {
        let _ = other;
        false
    }
}
