//! [`InverseTransform`]: `f⁻¹` of a transform, as its own transform
//! (torch's `Transform.inv`); `SigmoidTransform` inverted is the logit.

use tch::Tensor;

use super::{Sign, Transform, downcast};
use crate::constraint::Constraint;
use crate::error::Result;

const NAME: &str = "InverseTransform";

/// `y = f⁻¹(x)` for a transform `f`: domain and codomain swapped,
/// `forward` and `inverse` swapped, and
/// `log |det J_{f⁻¹}|(x) = −log |det J_f|(f⁻¹(x))` (the inverse function
/// theorem); shapes as `f`'s, read backwards. Its sign is `f`'s.
///
/// A transform without a computable inverse (a flow) gives
/// [`Error::NotImplemented`](crate::Error::NotImplemented) from `forward`.
#[derive(Debug)]
pub struct InverseTransform {
    inner: Box<dyn Transform>,
}

impl InverseTransform {
    /// The inverse of `inner`.
    pub fn new(inner: Box<dyn Transform>) -> Self {
        Self { inner }
    }

    /// The transform inverted.
    pub fn inner(&self) -> &dyn Transform {
        self.inner.as_ref()
    }
}

impl Transform for InverseTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        self.inner.codomain()
    }

    fn codomain(&self) -> Constraint {
        self.inner.domain()
    }

    fn bijective(&self) -> bool {
        self.inner.bijective()
    }

    fn sign(&self) -> Option<Sign> {
        self.inner.sign()
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.inner.inverse(x)
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        self.inner.forward(y)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        Ok(-self.inner.log_abs_det_jacobian(y, x)?)
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.inner.inverse_shape(shape)
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.inner.forward_shape(shape)
    }

    /// Inverses of the same transform.
    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some_and(|other| self.inner.same_as(other.inner.as_ref()))
    }
}
