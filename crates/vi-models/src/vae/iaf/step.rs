//! One step of an inverse autoregressive flow (Kingma et al. 2016) as a
//! vi-core [`Transform`]: a learned map whose MADE lives in the model's
//! `VarStore`.

use tch::Tensor;
use vi_core::{Constraint, Error, Result, Transform};

use super::made::Made;

/// Added to the MADE's `s` so that a fresh step starts close to the
/// identity (`σ = sigmoid(s + 2) ≈ 0.88`): Kingma et al. 2016, appendix A,
/// initialize `s` "sufficiently positive, such as close to +1 or +2"
/// (Pyro's `AffineAutoregressive` uses 2 as well).
pub const SIGMOID_BIAS: f64 = 2.0;

/// `y = σ ⊙ x + (1 − σ) ⊙ m`, `[m, s] = MADE(x, h)`, `σ = sigmoid(s)`: the
/// numerically stable IAF update (Kingma et al. 2016, "Improved
/// Variational Inference with Inverse Autoregressive Flow", §4, eqs. 10–14
/// and Algorithm 1), elementwise over the last dimension `[..., L]`, with
/// the encoder's context `h` `[B, C]` broadcast against `x`'s batch.
///
/// Because `mₐ` and `σₐ` depend only on the components before `a` (in the
/// MADE's variable order), `∂y/∂x` is triangular with diagonal `σ`:
/// `log |det ∂y/∂x| = Σₐ log σₐ` (eq. 11), computed as `Σ logsigmoid(s)`.
///
/// The inverse is sequential (one MADE pass per component): starting from
/// `x⁰ = y`, `xᵗ⁺¹ = (y − (1 − σ(xᵗ)) ⊙ m(xᵗ)) / σ(xᵗ)` is exact in its
/// first `t` components of the order after `t` passes, so `L` passes give
/// `f⁻¹(y)` — exactly, and as a differentiable function of `y` — which is
/// what scoring a draw with detached parameters (STL, DReG) needs.
#[derive(Debug)]
pub struct IafStep {
    made: Made,
    context: Tensor,
}

impl IafStep {
    pub(crate) fn new(made: Made, context: Tensor) -> Self {
        Self { made, context }
    }

    /// The same step with its network and context detached.
    pub(crate) fn detached(&self) -> Self {
        Self {
            made: self.made.detached(),
            context: self.context.detach(),
        }
    }

    /// `(m, σ-logits s)` for `x` `[..., L]`.
    fn shift_and_gate(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let latent_dim = self.made.latent_dim();
        if x.size().last() != Some(&latent_dim) {
            return Err(Error::ShapeMismatch {
                context: "IafStep",
                left: "x [..., L]",
                left_shape: x.size(),
                right: "the flow's latent size [L]",
                right_shape: vec![latent_dim],
            });
        }
        let (m, s) = self.made.forward(x, &self.context)?;
        Ok((m, s + SIGMOID_BIAS))
    }

    fn apply(x: &Tensor, m: &Tensor, gate: &Tensor) -> Result<Tensor> {
        let sigma = gate.f_sigmoid()?;
        Ok(sigma
            .f_mul(x)?
            .f_add(&sigma.f_neg()?.f_add_scalar(1.0)?.f_mul(m)?)?)
    }
}

impl Transform for IafStep {
    fn name(&self) -> &'static str {
        "IafStep"
    }

    fn domain(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    fn codomain(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (m, gate) = self.shift_and_gate(x)?;
        Self::apply(x, &m, &gate)
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        let mut x = y.shallow_clone();
        for _ in 0..self.made.latent_dim() {
            let (m, gate) = self.shift_and_gate(&x)?;
            let sigma = gate.f_sigmoid()?;
            let shifted = y.f_sub(&sigma.f_neg()?.f_add_scalar(1.0)?.f_mul(&m)?)?;
            x = shifted.f_div(&sigma)?;
        }
        Ok(x)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        let (_, gate) = self.shift_and_gate(x)?;
        Ok(gate
            .f_log_sigmoid()?
            .f_sum_dim_intlist(-1, false, None::<tch::Kind>)?)
    }

    fn forward_with_log_abs_det_jacobian(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let (m, gate) = self.shift_and_gate(x)?;
        let y = Self::apply(x, &m, &gate)?;
        let log_det = gate
            .f_log_sigmoid()?
            .f_sum_dim_intlist(-1, false, None::<tch::Kind>)?;
        Ok((y, log_det))
    }
}
