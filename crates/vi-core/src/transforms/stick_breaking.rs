//! [`StickBreakingTransform`]: the bijection from `ℝ^{K−1}` onto the
//! `K`-simplex (torch's `StickBreakingTransform`), what
//! `biject_to(simplex)` returns.

use tch::{Kind, Tensor};

use super::input::{check_input, check_shape};
use super::sigmoid::clipped_sigmoid;
use super::{Transform, downcast};
use crate::constraint::Constraint;
use crate::error::{Error, Result};
use crate::toolkit::tiny;

const NAME: &str = "StickBreakingTransform";

/// Breaks a stick of length 1: with `x ∈ ℝ^{K−1}` (last dimension) and
/// offsets `oₖ = K − k` (`k = 1, …, K−1`), `zₖ = σ(xₖ − log oₖ)` (clipped
/// as [`SigmoidTransform`](super::SigmoidTransform)'s), `yₖ = zₖ Π_{j<k}
/// (1 − z_j)` and `y_K = Π_{j<K} (1 − z_j)`: a point of the simplex
/// (Stan reference manual, "unit simplex"; torch's implementation). The
/// offsets make `x = 0` the simplex's centre `(1/K, …, 1/K)`.
///
/// Shapes: `[.., K−1] → [.., K]` (`forward_shape`), events of one
/// dimension on both sides. Bijective; the inverse is
/// `xₖ = log yₖ − log(1 − Σ_{j≤k} y_j) + log oₖ`, with the remaining
/// stick clamped to at least `tiny`.
///
/// `log |det J| = Σₖ [−(xₖ − log oₖ) + log σ(xₖ − log oₖ) + log yₖ]`
/// over `k < K` (using `1 − σ(u) = e^{−u} σ(u)`); shape `[..]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StickBreakingTransform;

impl StickBreakingTransform {
    /// The transform (it has no parameters).
    pub fn new() -> Self {
        Self
    }
}

/// `log oₖ` for the `count` free coordinates: `log(count + 1 − k)` for
/// `k = 1, …, count`, in `like`'s type and device.
fn log_offset(count: i64, like: &Tensor) -> Tensor {
    let ones = Tensor::ones([count], (like.kind(), like.device()));
    (ones.cumsum(-1, None::<Kind>).neg() + (count + 1) as f64).log()
}

impl Transform for StickBreakingTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    fn codomain(&self) -> Constraint {
        Constraint::Simplex
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 1)?;
        let count = x.size()[x.dim() - 1];
        let z = clipped_sigmoid(&(x - log_offset(count, x)));
        let remaining = (z.neg() + 1.0).cumprod(-1, None::<Kind>);
        // Fallible: the padded output may be too large to allocate (an
        // empty input can grow to one element per row).
        let padded = z.f_pad([0, 1], "constant", 1.0)?;
        Ok(padded.f_mul(&remaining.f_pad([1, 0], "constant", 1.0)?)?)
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "y", y, 1)?;
        let size = y.size()[y.dim() - 1];
        if size < 1 {
            return Err(empty_simplex("y", y.size()));
        }
        let cropped = y.narrow(-1, 0, size - 1);
        let offset = (Tensor::ones([size - 1], (y.kind(), y.device()))
            .cumsum(-1, None::<Kind>)
            .neg()
            + size as f64)
            .log();
        let stick = (cropped.cumsum(-1, None::<Kind>).neg() + 1.0).clamp_min(tiny(y.kind()));
        Ok(cropped.log() - stick.log() + offset)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        check_input(NAME, "x", x, 1)?;
        check_input(NAME, "y", y, 1)?;
        let count = x.size()[x.dim() - 1];
        let size = y.size()[y.dim() - 1];
        if size != count + 1 {
            return Err(Error::ShapeMismatch {
                context: NAME,
                left: "x",
                left_shape: x.size(),
                right: "y (one more element in the last dimension)",
                right_shape: y.size(),
            });
        }
        let shifted = x - log_offset(count, x);
        let terms = (shifted.neg() + shifted.log_sigmoid()).f_add(&y.narrow(-1, 0, count).log())?;
        Ok(terms.sum_dim_intlist(-1, false, None::<Kind>))
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        check_shape(NAME, shape, 1)?;
        let mut out = shape.to_vec();
        let last = out.len() - 1;
        out[last] += 1;
        Ok(out)
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        check_shape(NAME, shape, 1)?;
        let mut out = shape.to_vec();
        let last = out.len() - 1;
        if out[last] < 1 {
            return Err(empty_simplex("shape", shape.to_vec()));
        }
        out[last] -= 1;
        Ok(out)
    }

    fn same_as(&self, other: &dyn Transform) -> bool {
        downcast::<Self>(other).is_some()
    }
}

/// The simplex has at least one coordinate.
fn empty_simplex(name: &'static str, shape: Vec<i64>) -> Error {
    Error::ShapeMismatch {
        context: NAME,
        left: name,
        left_shape: shape,
        right: "a simplex of at least one element",
        right_shape: vec![1],
    }
}
