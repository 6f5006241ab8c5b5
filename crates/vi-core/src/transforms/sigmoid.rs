//! [`SigmoidTransform`]: `y = 1 / (1 + e^{−x})` from the reals onto the
//! unit interval (torch's `SigmoidTransform`), behind `RelaxedBernoulli`
//! and `biject_to(interval)`.

use tch::Tensor;

use super::input::check_input;
use super::{Sign, Transform, downcast};
use crate::constraint::Constraint;
use crate::error::Result;
use crate::toolkit::{machine_epsilon, tiny};

const NAME: &str = "SigmoidTransform";

/// `y = σ(x) = 1 / (1 + e^{−x})`, elementwise, from the reals onto
/// `[0, 1]`; increasing.
///
/// As torch, `y` is clipped into `[tiny, 1 − ε]` (`tiny` the smallest
/// normal number and `ε` the machine epsilon of the type), and so is `y`
/// before the inverse `x = log y − log(1 − y)`, so that neither returns an
/// infinity. `log |det J| = log σ(x)(1 − σ(x)) = −softplus(−x) −
/// softplus(x)`, stable for large `|x|` (shape of `x`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigmoidTransform;

impl SigmoidTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

/// `σ(x)` clamped into `[tiny, 1 − ε]` (torch's `_clipped_sigmoid`).
pub(crate) fn clipped_sigmoid(x: &Tensor) -> Tensor {
    let kind = x.kind();
    x.sigmoid().clamp(tiny(kind), 1.0 - machine_epsilon(kind))
}

impl Transform for SigmoidTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real
    }

    fn codomain(&self) -> Constraint {
        Constraint::UnitInterval
    }

    fn sign(&self) -> Option<Sign> {
        Some(Sign::Increasing)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(clipped_sigmoid(x))
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 0)?;
        let kind = y.kind();
        let y = y.clamp(tiny(kind), 1.0 - machine_epsilon(kind));
        Ok(y.log() - y.neg().log1p())
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(-x.neg().softplus() - x.softplus())
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
