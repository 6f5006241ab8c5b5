//! [`TanhTransform`]: `y = tanh(x)` from the reals onto `(−1, 1)` (torch's
//! `TanhTransform`), the squashing of SAC-style policies and `TanhNormal`.

use std::f64::consts::LN_2;

use tch::Tensor;

use super::input::check_input;
use super::{Sign, Transform, downcast};
use crate::constraint::{Bound, Constraint};
use crate::error::Result;

const NAME: &str = "TanhTransform";

/// `y = tanh(x)`, elementwise, from the reals onto `[−1, 1]`; increasing.
///
/// Inverse `x = atanh(y)`, not clamped (as torch): `y = ±1` gives `±∞`.
/// Scoring a distribution's own samples does not invert (see
/// [`TransformedDistribution`](crate::TransformedDistribution)), which is
/// what keeps `log_prob` finite where `tanh(x)` rounds to `±1`.
///
/// `log |det J| = log(1 − tanh² x) = 2 (log 2 − x − softplus(−2x))`, the
/// stable form torch takes from TensorFlow Probability's `Tanh` bijector
/// (shape of `x`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TanhTransform;

impl TanhTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

impl Transform for TanhTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real
    }

    fn codomain(&self) -> Constraint {
        Constraint::Interval(Bound::Value(-1.0), Bound::Value(1.0))
    }

    fn sign(&self) -> Option<Sign> {
        Some(Sign::Increasing)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok(x.tanh())
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 0)?;
        Ok(y.atanh())
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 0)?;
        Ok((x.neg() + LN_2 - (x * -2.0).softplus()) * 2.0)
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}
