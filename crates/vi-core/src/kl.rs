//! Kullback–Leibler divergences `KL(p ‖ q) = E_p[log p(x) − log q(x)]`:
//! closed forms per pair of families (torch's `kl.py`), and a Monte Carlo
//! estimator for any pair.
//!
//! A pair is available exactly when `P: KlDivergence<Q>`; asking for a
//! pair with no closed form is a compile error, never a silent wrong
//! number:
//!
//! ```compile_fail
//! use tch::Tensor;
//! use vi_core::{Bernoulli, Normal, kl_divergence};
//! let p = Bernoulli::from_logits(&Tensor::from(0.0f32)).unwrap();
//! let q = Normal::new(&Tensor::from(0.0f32), &Tensor::from(1.0f32)).unwrap();
//! let _ = kl_divergence(&p, &q); // Bernoulli: KlDivergence<Normal> is not implemented
//! ```
//!
//! Pairs that type-check but cannot be compared (different event shapes,
//! `Independent` wrappers over different numbers of dimensions) give
//! [`Error::KlUnsupported`] naming both families.

use tch::{Kind, Tensor};

use crate::bernoulli::Bernoulli;
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::exponential::Exponential;
use crate::independent::Independent;
use crate::multivariate_normal::{MultivariateNormal, mahalanobis_squared};
use crate::normal::Normal;
use crate::shape::{broadcast_pair, check_positive_count, sum_rightmost};

/// An analytic `KL(self ‖ q)` between two families.
pub trait KlDivergence<Q: ?Sized> {
    /// `KL(self ‖ q)`, shape: the broadcast of both batch shapes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the batch shapes do not broadcast;
    /// [`Error::KlUnsupported`] if the event spaces differ.
    fn kl_divergence(&self, q: &Q) -> Result<Tensor>;
}

/// `KL(p ‖ q)` by the closed form for the pair (torch's
/// `torch.distributions.kl_divergence`).
///
/// # Errors
/// As [`KlDivergence::kl_divergence`].
pub fn kl_divergence<P, Q>(p: &P, q: &Q) -> Result<Tensor>
where
    P: KlDivergence<Q> + ?Sized,
    Q: ?Sized,
{
    p.kl_divergence(q)
}

/// Monte Carlo estimate `KL(p ‖ q) ≈ (1/S) Σₛ [log p(xₛ) − log q(xₛ)]`,
/// `xₛ ~ p`, for any pair where `p` can be sampled; shape: the broadcast
/// batch shape. Unbiased, with standard error `sd(log p − log q) / √S`.
///
/// The draws use `sample` and carry no gradient; to train through a KL
/// with no closed form, use [`monte_carlo_elbo`](crate::monte_carlo_elbo).
///
/// # Errors
/// [`Error::InvalidArgument`] if `num_samples < 1`; the errors of
/// `log_prob` if `q` does not accept `p`'s samples.
pub fn monte_carlo_kl<P, Q>(p: &P, q: &Q, num_samples: i64) -> Result<Tensor>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    check_positive_count("monte_carlo_kl", "num_samples", num_samples)?;
    let samples = p.sample(&[num_samples])?;
    let log_ratio = p.log_prob(&samples)? - q.log_prob(&samples)?;
    Ok(log_ratio.mean_dim(0, false, None::<Kind>))
}

fn check_batches<P, Q>(p: &P, q: &Q) -> Result<Vec<i64>>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    broadcast_pair(
        "kl_divergence",
        ("p.batch_shape", p.batch_shape()),
        ("q.batch_shape", q.batch_shape()),
    )
}

/// KL compares distributions on one space: the event shapes must be equal.
fn check_events<P, Q>(p: &P, q: &Q) -> Result<()>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    if p.event_shape() == q.event_shape() {
        return Ok(());
    }
    let reason = format!(
        "event shapes differ ({:?} vs {:?})",
        p.event_shape(),
        q.event_shape()
    );
    Err(unsupported(p, q, reason))
}

fn unsupported<P, Q>(p: &P, q: &Q, reason: String) -> Error
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    Error::KlUnsupported {
        p: p.name().to_string(),
        q: q.name().to_string(),
        reason,
    }
}

/// ```text
/// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½ [σ₁²/σ₂² + (μ₁ − μ₂)²/σ₂² − 1] − log(σ₁/σ₂)
/// ```
/// computed from the log-scales (no `log` of a ratio of `exp`s), so it
/// stays finite for `log_var` of ±30. Tutorial 3's `KL(mu, logvar)` is the
/// case `q = N(0, 1)`: `−½ (1 + log σ² − μ² − σ²)`.
impl KlDivergence<Normal> for Normal {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        let log_ratio = self.log_scale() - q.log_scale();
        let var_ratio = (&log_ratio * 2.0).exp();
        let mahalanobis = ((self.loc() - q.loc()) / q.scale()).square();
        Ok((var_ratio + mahalanobis - 1.0) * 0.5 - log_ratio)
    }
}

/// `KL(Exp(λ₁) ‖ Exp(λ₂)) = log λ₁ − log λ₂ + λ₂/λ₁ − 1`.
impl KlDivergence<Exponential> for Exponential {
    fn kl_divergence(&self, q: &Exponential) -> Result<Tensor> {
        check_batches(self, q)?;
        let rate_ratio = q.rate() / self.rate();
        Ok(self.log_rate() - q.log_rate() + rate_ratio - 1.0)
    }
}

/// In terms of the logits `ℓ`,
/// ```text
/// KL(Ber(p₁) ‖ Ber(p₂)) = p₁ [softplus(−ℓ₂) − softplus(−ℓ₁)]
///                       + (1 − p₁) [softplus(ℓ₂) − softplus(ℓ₁)]
/// ```
/// finite for logits of ±100. torch additionally forces `+∞` where `q`'s
/// probability is exactly 0 or 1; vi-core keeps the finite value, which is
/// correct whenever that probability came from finite logits (and, for one
/// built from probabilities, is the KL against the clamped `[ε, 1 − ε]`
/// probability).
impl KlDivergence<Bernoulli> for Bernoulli {
    fn kl_divergence(&self, q: &Bernoulli) -> Result<Tensor> {
        check_batches(self, q)?;
        let (l1, l2) = (self.logits(), q.logits());
        let ones = self.probs() * (l2.neg().softplus() - l1.neg().softplus());
        let zeros = (1.0 - self.probs()) * (l2.softplus() - l1.softplus());
        Ok(ones + zeros)
    }
}

/// `KL(Independent(p) ‖ Independent(q))`: the base KL summed over the
/// reinterpreted dimensions. Both must reinterpret the same number of
/// dimensions and have the same event shape.
impl<P, Q> KlDivergence<Independent<Q>> for Independent<P>
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    fn kl_divergence(&self, q: &Independent<Q>) -> Result<Tensor> {
        let (p_dims, q_dims) = (
            self.reinterpreted_batch_ndims(),
            q.reinterpreted_batch_ndims(),
        );
        if p_dims != q_dims {
            return Err(unsupported(
                self,
                q,
                format!("reinterpreted_batch_ndims differ ({p_dims} vs {q_dims})"),
            ));
        }
        check_events(self, q)?;
        check_batches(self, q)?;
        let base = self.base().kl_divergence(q.base())?;
        Ok(sum_rightmost(&base, p_dims))
    }
}

/// For `Σᵢ = LᵢLᵢᵀ` (Wikipedia, "Multivariate normal distribution"; torch's
/// `_kl_multivariatenormal_multivariatenormal`):
/// ```text
/// KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) = Σ log diag L₂ − Σ log diag L₁
///                           + ½ [‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ − μ₁)‖² − n]
/// ```
impl KlDivergence<MultivariateNormal> for MultivariateNormal {
    fn kl_divergence(&self, q: &MultivariateNormal) -> Result<Tensor> {
        check_events(self, q)?;
        let batch = check_batches(self, q)?;
        let n = self.event_shape()[0];
        let matrix_shape = [batch.as_slice(), &[n, n]].concat();
        let q_tril = q.scale_tril().expand(matrix_shape.as_slice(), false);
        let p_tril = self.scale_tril().expand(matrix_shape.as_slice(), false);
        let half_log_det_ratio = q.half_log_det() - self.half_log_det();
        let trace = q_tril
            .linalg_solve_triangular(&p_tril, false, true, false)
            .square()
            .sum_dim_intlist([-2, -1].as_slice(), false, None);
        let diff = (q.loc() - self.loc()).expand([batch.as_slice(), &[n]].concat(), false);
        let mahalanobis = mahalanobis_squared(&q_tril, &diff);
        Ok(half_log_det_ratio + (trace + mahalanobis - n as f64) * 0.5)
    }
}
