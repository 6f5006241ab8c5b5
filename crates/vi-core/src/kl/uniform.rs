//! KL divergences from a Uniform: `Uniform ‖ Uniform`, `Uniform ‖ Normal`,
//! `Uniform ‖ Exponential`, `Uniform ‖ Gamma` and `Uniform ‖ Beta`
//! (torch's `kl.py`). Each is `+∞` where the Uniform's interval leaves the
//! other's support.

use std::f64::consts::PI;

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::{Beta, Exponential, Gamma, Normal, Uniform};
use crate::error::Result;
use crate::toolkit::in_float64;

/// `E[log x]` for `x ~ U(low, high)`, `0 ≤ low < high`:
/// `(h log h − l log l − (h − l)) / (h − l)`, with `0 log 0 = 0` (torch's
/// `_x_log_x` is `xlogy(x, x)`).
fn mean_log(low: &Tensor, high: &Tensor) -> Tensor {
    let width = high - low;
    (high.xlogy(high) - low.xlogy(low) - &width) / width
}

/// `KL(U(l₁, h₁) ‖ U(l₂, h₂)) = log((h₂ − l₂)/(h₁ − l₁))`, and `+∞` where
/// `[l₁, h₁)` is not inside `[l₂, h₂)` (torch's `_kl_uniform_uniform`).
impl KlDivergence<Uniform> for Uniform {
    fn kl_divergence(&self, q: &Uniform) -> Result<Tensor> {
        check_batches(self, q)?;
        let finite = (q.width() / self.width()).log();
        let outside = q
            .low()
            .gt_tensor(self.low())
            .logical_or(&q.high().lt_tensor(self.high()));
        Ok(finite.masked_fill(&outside, f64::INFINITY))
    }
}

/// ```text
/// KL(U(l, h) ‖ N(μ, σ²)) = log(√(2π) σ/(h − l)) + [(h − l)²/12 + ((h + l)/2 − μ)²] / (2σ²)
/// ```
/// (torch's `_kl_uniform_normal`: the variance and the squared bias of the
/// Uniform about `μ`).
impl KlDivergence<Normal> for Uniform {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        let width = self.width();
        let spread = &width / 12f64.sqrt() / q.scale();
        let bias = ((self.high() + self.low()) / 2.0 - q.loc()) / q.scale();
        let quadratic = (spread.square() + bias.square()) * 0.5;
        Ok(q.log_scale() - width.log() + 0.5 * (2.0 * PI).ln() + quadratic)
    }
}

/// `KL(U(l, h) ‖ Exp(λ)) = λ (h + l)/2 − log((h − l) λ)`, and `+∞` where
/// `l < 0` (torch's `_kl_uniform_exponetial`).
impl KlDivergence<Exponential> for Uniform {
    fn kl_divergence(&self, q: &Exponential) -> Result<Tensor> {
        check_batches(self, q)?;
        let mean = (self.high() + self.low()) / 2.0;
        let finite = q.rate() * mean - self.width().log() - q.log_rate();
        Ok(finite.masked_fill(&self.low().lt(0.0), f64::INFINITY))
    }
}

/// ```text
/// KL(U(l, h) ‖ Gamma(α, β)) = −log(h − l) + lgamma(α) − α log β
///                           + (1 − α) E[log x] + β (h + l)/2
/// ```
/// with `E[log x] = (h log h − l log l − (h − l))/(h − l)`, and `+∞` where
/// `l < 0` (torch's `_kl_uniform_gamma`). The bounds are clamped at 0
/// inside the formula, so that the infinite elements do not make the
/// gradients of the others NaN; evaluated in float64 for float32
/// parameters ([`in_float64`]).
impl KlDivergence<Gamma> for Uniform {
    fn kl_divergence(&self, q: &Gamma) -> Result<Tensor> {
        check_batches(self, q)?;
        let finite = in_float64(
            [self.low(), self.high(), q.concentration(), q.rate()],
            |[low, high, alpha, beta]| {
                let (low, high) = (low.clamp_min(0.0), high.clamp_min(0.0));
                let normalizer = alpha.lgamma() - &alpha * beta.log();
                let log_term = (1.0 - alpha) * mean_log(&low, &high);
                let mean = (&high + &low) / 2.0;
                Ok(normalizer + log_term + beta * mean - (high - low).log())
            },
        )?;
        Ok(finite.masked_fill(&self.low().lt(0.0), f64::INFINITY))
    }
}

/// ```text
/// KL(U(l, h) ‖ Beta(a, b)) = −log(h − l) + log B(a, b)
///                          − (a − 1) E[log x] − (b − 1) E[log(1 − x)]
/// ```
/// with `E[log x]` as for the Gamma and `E[log(1 − x)]` the same of
/// `U(1 − h, 1 − l)`, and `+∞` where `l < 0` or `h > 1` (torch's
/// `_kl_uniform_beta`). The bounds are clamped into `[0, 1]` inside the
/// formula (the infinite elements then leave the others' gradients
/// finite); evaluated in float64 for float32 parameters ([`in_float64`]).
impl KlDivergence<Beta> for Uniform {
    fn kl_divergence(&self, q: &Beta) -> Result<Tensor> {
        check_batches(self, q)?;
        let finite = in_float64(
            [
                self.low(),
                self.high(),
                q.concentration1(),
                q.concentration0(),
            ],
            |[low, high, a, b]| {
                let (low, high) = (low.clamp(0.0, 1.0), high.clamp(0.0, 1.0));
                let log_beta = a.lgamma() + b.lgamma() - (&a + &b).lgamma();
                let log_x = (a - 1.0) * mean_log(&low, &high);
                let log_one_minus_x = (b - 1.0) * mean_log(&(1.0 - &high), &(1.0 - &low));
                Ok(log_beta - log_x - log_one_minus_x - (high - low).log())
            },
        )?;
        let outside = self.low().lt(0.0).logical_or(&self.high().gt(1.0));
        Ok(finite.masked_fill(&outside, f64::INFINITY))
    }
}
