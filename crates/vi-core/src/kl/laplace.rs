//! KL divergences between Laplace and Normal distributions:
//! `Laplace ‖ Laplace`, `Laplace ‖ Normal` and `Normal ‖ Laplace` (torch's
//! `kl.py`).

use std::f64::consts::{FRAC_2_PI, PI};

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::{Laplace, Normal};
use crate::error::Result;

/// With `r = b₁/b₂` and `d = |μ₁ − μ₂|`,
/// ```text
/// KL(Laplace(μ₁, b₁) ‖ Laplace(μ₂, b₂)) = −log r + d/b₂ + r e^{−d/b₁} − 1
/// ```
/// (torch's `_kl_laplace_laplace`; Gil 2011, "On Rényi divergence measures
/// for continuous distributions", Queen's University MSc thesis).
impl KlDivergence<Laplace> for Laplace {
    fn kl_divergence(&self, q: &Laplace) -> Result<Tensor> {
        check_batches(self, q)?;
        let scale_ratio = self.scale() / q.scale();
        let distance = (self.loc() - q.loc()).abs();
        let t1 = -scale_ratio.log();
        let t2 = &distance / q.scale();
        let t3 = &scale_ratio * (-(distance / self.scale())).exp();
        Ok(t1 + t2 + t3 - 1.0)
    }
}

/// ```text
/// KL(Laplace(m, b) ‖ N(μ, σ²)) = −log(b/σ) − ½ log(2/π) + (b/σ)² + ½ ((m − μ)/σ)² − 1
/// ```
/// (torch's `_kl_laplace_normal`: `−H(p) = −1 − log 2b`, and the Laplace's
/// variance `2b²` plus the squared bias about `μ`).
impl KlDivergence<Normal> for Laplace {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        let scale_ratio = self.scale() / q.scale();
        let bias = (self.loc() - q.loc()) / q.scale();
        let quadratic = scale_ratio.square() + bias.square() * 0.5;
        Ok(-(self.scale().log() - q.log_scale()) - 0.5 * FRAC_2_PI.ln() + quadratic - 1.0)
    }
}

/// With `d = μ − m` and `z = d/σ`,
/// ```text
/// KL(N(μ, σ²) ‖ Laplace(m, b)) = −log(σ/b) + [√(2/π) σ e^{−z²/2} + d erf(z/√2)] / b
///                              − ½ (1 + log(π/2))
/// ```
/// the bracket being `E|x − m|` under the Normal (torch's
/// `_kl_normal_laplace`).
impl KlDivergence<Laplace> for Normal {
    fn kl_divergence(&self, q: &Laplace) -> Result<Tensor> {
        check_batches(self, q)?;
        let difference = self.loc() - q.loc();
        let standardized = &difference / self.scale();
        let folded = self.scale() * FRAC_2_PI.sqrt() * (standardized.square() * -0.5).exp();
        let signed = difference * (standardized / 2f64.sqrt()).erf();
        let log_ratio = self.log_scale() - q.scale().log();
        Ok(-log_ratio + (folded + signed) / q.scale() - 0.5 * (1.0 + (0.5 * PI).ln()))
    }
}
