//! KL divergences from a Beta: `Beta ‖ Beta`, `Beta ‖ Exponential`,
//! `Beta ‖ Gamma`, `Beta ‖ Normal` and `Beta ‖ Uniform` (torch's `kl.py`).
//!
//! Every formula holds `lgamma`/`digamma` terms of the Beta's
//! concentrations and is evaluated in float64 for float32 parameters
//! ([`in_float64`]), as the family's own entropy is.

use std::f64::consts::PI;

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::{Beta, Exponential, Gamma, Normal, Uniform};
use crate::error::Result;
use crate::toolkit::in_float64;

/// `log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b)`.
fn log_beta(a: &Tensor, b: &Tensor) -> Tensor {
    a.lgamma() + b.lgamma() - (a + b).lgamma()
}

/// `−H(Beta(a, b)) = (a − 1)ψ(a) + (b − 1)ψ(b) − (a + b − 2)ψ(a + b) − log B(a, b)`.
fn negative_entropy(a: &Tensor, b: &Tensor) -> Tensor {
    let total = a + b;
    (a - 1.0) * a.digamma() + (b - 1.0) * b.digamma()
        - (&total - 2.0) * total.digamma()
        - log_beta(a, b)
}

/// ```text
/// KL(Beta(a₁, b₁) ‖ Beta(a₂, b₂)) = log B(a₂, b₂) − log B(a₁, b₁)
///     + (a₁ − a₂) ψ(a₁) + (b₁ − b₂) ψ(b₁) + (a₂ − a₁ + b₂ − b₁) ψ(a₁ + b₁)
/// ```
/// (torch's `_kl_beta_beta`; from `E_p[log x] = ψ(a₁) − ψ(a₁ + b₁)`).
impl KlDivergence<Beta> for Beta {
    fn kl_divergence(&self, q: &Beta) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [
                self.concentration1(),
                self.concentration0(),
                q.concentration1(),
                q.concentration0(),
            ],
            |[a1, b1, a2, b2]| {
                let total1 = &a1 + &b1;
                let total2 = &a2 + &b2;
                let t3 = (&a1 - &a2) * a1.digamma();
                let t4 = (&b1 - &b2) * b1.digamma();
                let t5 = (total2 - &total1) * total1.digamma();
                Ok(log_beta(&a2, &b2) - log_beta(&a1, &b1) + t3 + t4 + t5)
            },
        )
    }
}

/// `KL(Beta(a, b) ‖ Exp(λ)) = −H(p) − log λ + λ a/(a + b)` (torch's
/// `_kl_beta_exponential`).
impl KlDivergence<Exponential> for Beta {
    fn kl_divergence(&self, q: &Exponential) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [self.concentration1(), self.concentration0(), q.rate()],
            |[a, b, lambda]| {
                let mean = &a / (&a + &b);
                Ok(negative_entropy(&a, &b) - lambda.log() + lambda * mean)
            },
        )
    }
}

/// ```text
/// KL(Beta(a, b) ‖ Gamma(α, β)) = −H(p) + lgamma(α) − α log β
///                              − (α − 1)[ψ(a) − ψ(a + b)] + β a/(a + b)
/// ```
/// (torch's `_kl_beta_gamma`).
impl KlDivergence<Gamma> for Beta {
    fn kl_divergence(&self, q: &Gamma) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [
                self.concentration1(),
                self.concentration0(),
                q.concentration(),
                q.rate(),
            ],
            |[a, b, alpha, beta]| {
                let total = &a + &b;
                let mean_log = a.digamma() - total.digamma();
                let normalizer = alpha.lgamma() - &alpha * beta.log();
                Ok(
                    negative_entropy(&a, &b) + normalizer - (alpha - 1.0) * mean_log
                        + beta * (a / total),
                )
            },
        )
    }
}

/// ```text
/// KL(Beta(a, b) ‖ N(μ, σ²)) = −H(p) + log σ + ½ log 2π + [Var_p + (E_p − μ)²] / (2σ²)
/// ```
/// with `E_p = a/(a + b)` and `Var_p = E_p(1 − E_p)/(a + b + 1)` (torch's
/// `_kl_beta_normal`, with the variance and the squared bias kept apart).
impl KlDivergence<Normal> for Beta {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        in_float64(
            [
                self.concentration1(),
                self.concentration0(),
                q.loc(),
                q.scale(),
                q.log_scale(),
            ],
            |[a, b, loc, scale, log_scale]| {
                let total = &a + &b;
                let mean = &a / &total;
                let variance: Tensor = &mean * (1.0 - &mean) / (total + 1.0);
                let spread = variance.sqrt() / &scale;
                let bias = (mean - loc) / &scale;
                let quadratic = (spread.square() + bias.square()) * 0.5;
                Ok(negative_entropy(&a, &b) + log_scale + 0.5 * (2.0 * PI).ln() + quadratic)
            },
        )
    }
}

/// `KL(Beta(a, b) ‖ U(low, high)) = −H(p) + log(high − low)`, and `+∞`
/// where `[0, 1]` is not inside `[low, high]` (`low > 0` or `high < 1`)
/// (torch's `_kl_beta_uniform`).
impl KlDivergence<Uniform> for Beta {
    fn kl_divergence(&self, q: &Uniform) -> Result<Tensor> {
        check_batches(self, q)?;
        let finite = in_float64(
            [
                self.concentration1(),
                self.concentration0(),
                q.low(),
                q.high(),
            ],
            |[a, b, low, high]| Ok(negative_entropy(&a, &b) + (high - low).log()),
        )?;
        let outside = q.low().gt(0.0).logical_or(&q.high().lt(1.0));
        Ok(finite.masked_fill(&outside, f64::INFINITY))
    }
}
