//! KL divergences from a Gamma and to a Gamma: `Gamma ‖ Gamma`,
//! `Gamma ‖ Exponential`, `Gamma ‖ Normal`, `Exponential ‖ Gamma`, and
//! `Exponential ‖ Normal` (torch's `kl.py`).
//!
//! Terms with `lgamma` or `digamma` are evaluated in float64 for float32
//! parameters ([`in_float64`]), as the families' own densities are.

use std::f64::consts::PI;

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::{Exponential, Gamma, Normal};
use crate::error::Result;
use crate::toolkit::in_float64;

/// The Euler–Mascheroni constant `γ = −ψ(1)`.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// `½ log 2π`.
fn half_log_two_pi() -> f64 {
    0.5 * (2.0 * PI).ln()
}

/// `−H(Gamma(α, β)) = log β − α − lgamma(α) + (α − 1) ψ(α)`.
fn negative_entropy(alpha: &Tensor, beta: &Tensor) -> Tensor {
    beta.log() - alpha - alpha.lgamma() + (alpha - 1.0) * alpha.digamma()
}

/// ```text
/// KL(Gamma(α₁, β₁) ‖ Gamma(α₂, β₂)) = α₂ log(β₁/β₂) + lgamma(α₂) − lgamma(α₁)
///                                   + (α₁ − α₂) ψ(α₁) + (β₂ − β₁) α₁/β₁
/// ```
/// (torch's `_kl_gamma_gamma`; from `E_p[x] = α₁/β₁` and
/// `E_p[log x] = ψ(α₁) − log β₁`).
impl KlDivergence<Gamma> for Gamma {
    fn kl_divergence(&self, q: &Gamma) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [
                self.concentration(),
                self.rate(),
                q.concentration(),
                q.rate(),
            ],
            |[a1, b1, a2, b2]| {
                let t1 = &a2 * (&b1 / &b2).log();
                let t2 = a2.lgamma() - a1.lgamma();
                let t3 = (&a1 - &a2) * a1.digamma();
                let t4 = (&b2 - &b1) * (&a1 / &b1);
                Ok(t1 + t2 + t3 + t4)
            },
        )
    }
}

/// `KL(Gamma(α, β) ‖ Exp(λ)) = −H(p) − log λ + λ α/β` (torch's
/// `_kl_gamma_exponential`), with `−H(p) = log β − α − lgamma(α) + (α − 1) ψ(α)`.
impl KlDivergence<Exponential> for Gamma {
    fn kl_divergence(&self, q: &Exponential) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [self.concentration(), self.rate(), q.rate()],
            |[alpha, beta, lambda]| {
                let mean = &alpha / &beta;
                Ok(negative_entropy(&alpha, &beta) - lambda.log() + lambda * mean)
            },
        )
    }
}

/// ```text
/// KL(Gamma(α, β) ‖ N(μ, σ²)) = −H(p) + log σ + ½ log 2π + [α/β² + (α/β − μ)²] / (2σ²)
/// ```
/// the expected squared distance from `μ` being the variance plus the
/// squared bias (torch's `_kl_gamma_normal`, rearranged so that no
/// `β²σ²` product can overflow).
impl KlDivergence<Normal> for Gamma {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [
                self.concentration(),
                self.rate(),
                q.loc(),
                q.scale(),
                q.log_scale(),
            ],
            |[alpha, beta, loc, scale, log_scale]| {
                let spread = alpha.sqrt() / &beta / &scale;
                let bias = (&alpha / &beta - loc) / &scale;
                let quadratic = (spread.square() + bias.square()) * 0.5;
                Ok(negative_entropy(&alpha, &beta) + log_scale + half_log_two_pi() + quadratic)
            },
        )
    }
}

/// ```text
/// KL(Exp(λ) ‖ Gamma(α, β)) = −α log(β/λ) + β/λ + lgamma(α) + αγ − (1 + γ)
/// ```
/// `γ` the Euler–Mascheroni constant (torch's `_kl_exponential_gamma`;
/// `E[log x] = −γ − log λ` under `Exp(λ)`).
impl KlDivergence<Gamma> for Exponential {
    fn kl_divergence(&self, q: &Gamma) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [self.rate(), q.concentration(), q.rate()],
            |[lambda, alpha, beta]| {
                let ratio = beta / lambda;
                let t1 = -(&alpha * ratio.log());
                Ok(t1 + ratio + alpha.lgamma() + alpha * EULER_GAMMA - (1.0 + EULER_GAMMA))
            },
        )
    }
}

/// ```text
/// KL(Exp(λ) ‖ N(μ, σ²)) = log λ − 1 + log σ + ½ log 2π + [1/λ² + (1/λ − μ)²] / (2σ²)
/// ```
/// (torch's `_kl_exponential_normal`, rearranged as `−H(p) − E_p[log q]`
/// with the variance and the squared bias, so that no `λ²σ²` product can
/// overflow).
impl KlDivergence<Normal> for Exponential {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        let mean = self.rate().reciprocal();
        let spread = &mean / q.scale();
        let bias = (&mean - q.loc()) / q.scale();
        let quadratic = (spread.square() + bias.square()) * 0.5;
        Ok(self.log_rate() - 1.0 + q.log_scale() + half_log_two_pi() + quadratic)
    }
}
