//! VIMCO: the score-function gradient of the importance-weighted bound
//! with per-sample baselines.

use tch::{Kind, Tensor};

use super::Estimate;
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit::check_positive_count;

/// The k-sample importance-weighted bound `L_k = log (1/k) Σᵢ wᵢ` with the
/// VIMCO gradient estimator (Mnih & Rezende 2016, "Variational Inference
/// for Monte Carlo Objectives", eqs. 6–10), for posteriors without a
/// reparameterized sampler:
///
/// ```text
/// ∇ L_k ≈ Σⱼ L̂(zⱼ | z₋ⱼ) ∇ log q(zⱼ) + Σⱼ w̃ⱼ ∇ log wⱼ,
/// L̂(zⱼ | z₋ⱼ) = L_k − log (1/k) (Σ_{i≠j} wᵢ + ŵ₋ⱼ),   ŵ₋ⱼ = exp((1/(k−1)) Σ_{i≠j} log wᵢ)
/// ```
///
/// each sample's learning signal centred by the bound with that sample
/// replaced by the geometric mean of the others. Unbiased for `∇ E[L_k]`.
/// The surrogate is `L_k + Σⱼ ⊥(L̂(zⱼ | z₋ⱼ)) log q(zⱼ)` with the draws
/// `zⱼ ~ q` taken without gradient.
///
/// Shape `posterior.batch_shape()`; `objective` is `L_k`'s value. Memory
/// grows with `k² · B`.
///
/// # Errors
/// [`Error::InvalidArgument`] if `k < 2` (the baselines need two draws); as
/// [`iwae_bound`](crate::iwae_bound) otherwise.
pub fn vimco<Q, P, F>(posterior: &Q, prior: &P, k: i64, log_likelihood: F) -> Result<Estimate>
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "vimco";
    check_positive_count(CONTEXT, "k", k)?;
    if k < 2 {
        return Err(Error::InvalidArgument {
            context: CONTEXT,
            name: "k",
            expected: "at least 2 (each draw's baseline is built from the others)",
            found: k.to_string(),
        });
    }
    let z = posterior.sample(&[k])?;
    let log_q = posterior.log_prob(&z)?;
    let log_lik = super::checked_likelihood(CONTEXT, posterior, k, log_likelihood(&z)?)?;
    let log_weights = log_lik + prior.log_prob(&z)? - &log_q;
    if log_weights.size()[1..] != *posterior.batch_shape() {
        return Err(super::prior_too_large(CONTEXT, posterior, prior));
    }
    let log_k = (k as f64).ln();
    let bound = log_weights.logsumexp(0, false) - log_k;

    // For each j, the k log-weights with the j-th replaced by the mean of
    // the others: [j, i, B].
    let held = log_weights.detach();
    let others_mean = (held.sum_dim_intlist(0, true, None::<Kind>) - &held) / (k - 1) as f64;
    let eye = Tensor::eye(k, (Kind::Bool, held.device()));
    let batch_dims = held.dim() - 1;
    let mask = eye.reshape([&[k, k][..], &vec![1; batch_dims]].concat());
    let replaced = held
        .unsqueeze(0)
        .expand([&[k][..], &held.size()].concat(), false)
        .where_self(&mask.logical_not(), &others_mean.unsqueeze(1));
    let leave_one_out = replaced.logsumexp(1, false) - log_k;
    let signal = bound.detach().unsqueeze(0) - leave_one_out;
    let surrogate = &bound + (signal * &log_q).sum_dim_intlist(0, false, None::<Kind>);
    Ok(Estimate {
        objective: bound.detach(),
        surrogate,
    })
}
