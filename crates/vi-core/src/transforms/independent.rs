//! [`IndependentTransform`]: a transform whose events span more rightmost
//! dimensions (torch's `IndependentTransform`), so that its log-Jacobian is
//! summed over them; what `biject_to(independent(c, n))` returns.

use tch::Tensor;

use super::input::check_input;
use super::{Sign, Transform, downcast, sum_rightmost_checked};
use crate::constraint::Constraint;
use crate::error::Result;

const NAME: &str = "IndependentTransform";

/// `base` applied unchanged, with `reinterpreted_batch_ndims` more
/// rightmost dimensions counted as one event: domain and codomain are the
/// base's wrapped in [`Constraint::Independent`], and
/// `log |det J| = sum_rightmost(log |det J_base|, reinterpreted_batch_ndims)`.
/// Shapes: `x` needs at least the domain's event dimensions.
#[derive(Debug)]
pub struct IndependentTransform {
    base: Box<dyn Transform>,
    reinterpreted_batch_ndims: usize,
}

impl IndependentTransform {
    /// `base` over `reinterpreted_batch_ndims` more event dimensions.
    pub fn new(base: Box<dyn Transform>, reinterpreted_batch_ndims: usize) -> Self {
        Self {
            base,
            reinterpreted_batch_ndims,
        }
    }

    /// The wrapped transform.
    pub fn base(&self) -> &dyn Transform {
        self.base.as_ref()
    }

    /// How many dimensions were added to the event.
    pub fn reinterpreted_batch_ndims(&self) -> usize {
        self.reinterpreted_batch_ndims
    }
}

impl Transform for IndependentTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        self.base
            .domain()
            .independent(self.reinterpreted_batch_ndims)
    }

    fn codomain(&self) -> Constraint {
        self.base
            .codomain()
            .independent(self.reinterpreted_batch_ndims)
    }

    fn bijective(&self) -> bool {
        self.base.bijective()
    }

    fn sign(&self) -> Option<Sign> {
        self.base.sign()
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, self.domain().event_dim())?;
        self.base.forward(x)
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, self.codomain().event_dim())?;
        self.base.inverse(y)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, self.domain().event_dim())?;
        let base = self.base.log_abs_det_jacobian(x, y)?;
        sum_rightmost_checked(NAME, &base, self.reinterpreted_batch_ndims)
    }

    fn forward_with_log_abs_det_jacobian(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        check_input(NAME, "x", x, self.domain().event_dim())?;
        let (y, base) = self.base.forward_with_log_abs_det_jacobian(x)?;
        let log_det = sum_rightmost_checked(NAME, &base, self.reinterpreted_batch_ndims)?;
        Ok((y, log_det))
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.base.forward_shape(shape)
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.base.inverse_shape(shape)
    }

    /// The same number of added dimensions and the same base.
    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some_and(|other| {
            self.reinterpreted_batch_ndims == other.reinterpreted_batch_ndims
                && self.base.same_as(other.base.as_ref())
        })
    }
}
