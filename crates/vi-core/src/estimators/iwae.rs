//! The importance-weighted bound (IWAE, Burda, Grosse & Salakhutdinov
//! 2015) and, from it, an importance-sampled estimate of `log p(x)` for
//! evaluating a trained model, with memory bounded by chunking the samples.

use tch::Tensor;

use super::log_weights;
use crate::distribution::{Distribution, Rsample};
use crate::error::Result;
use crate::toolkit::check_positive_count;

/// The k-sample importance-weighted bound (Burda, Grosse & Salakhutdinov
/// 2015, §3):
///
/// `L_k(x) = log (1/k) Σᵢ wᵢ = logsumexp_i(log wᵢ) − log k`, with
/// `log wᵢ = log p(x | zᵢ) + log p(zᵢ) − log q(zᵢ | x)`, `zᵢ ~ q(z|x)`
/// reparameterized.
///
/// `L_1` is the ELBO; `E[L_k] ≤ E[L_{k+1}] ≤ log p(x)` (Burda et al.,
/// Theorem 1). The closure follows the conventions of
/// [`monte_carlo_elbo`](crate::monte_carlo_elbo) with `S = k`. Shape
/// `posterior.batch_shape()`; differentiable.
///
/// # Errors
/// As [`monte_carlo_elbo`](crate::monte_carlo_elbo), with `k` for
/// `num_samples`.
pub fn iwae_bound<Q, P, F>(posterior: &Q, prior: &P, k: i64, log_likelihood: F) -> Result<Tensor>
where
    Q: Rsample + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "iwae_bound";
    check_positive_count(CONTEXT, "k", k)?;
    let z = posterior.rsample(&[k])?;
    let log_weights = log_weights(CONTEXT, posterior, prior, &z, log_likelihood)?;
    Ok(log_weights.logsumexp(0, false) - (k as f64).ln())
}

/// Importance-sampled `log p(x) ≈ logsumexp_{i≤k}(log wᵢ) − log k`
/// (Burda et al. 2015, §5), the standard test log-likelihood of a VAE
/// (typically `k = 5000`).
///
/// Runs without gradient and draws the `k` samples in chunks of at most
/// `chunk_size`, merging the chunks' log-sum-exps with `logaddexp`, so
/// memory grows with `chunk_size`, not `k`. The closure is called once per
/// chunk with `z` of shape `[c] + B + E` (`c ≤ chunk_size`) and must
/// return `[c] + B`. The posterior only needs `sample`. Shape
/// `posterior.batch_shape()`.
///
/// Speed: each chunk allocates and frees tensors of `chunk_size × B × D`
/// values (31 MB for 100 samples of 100 MNIST images). glibc's malloc
/// serves blocks that large with a fresh `mmap` each time, so every chunk
/// pays for the kernel to fault in and zero its pages — half the time of
/// the MLP VAE's estimate on a 2-core machine. A program that computes
/// such estimates should keep freed memory for reuse, as the `vi` binary
/// does: `GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295`
/// in its environment, or `mallopt(M_MMAP_MAX, 0)` and
/// `mallopt(M_TRIM_THRESHOLD, INT_MAX)` at its start.
///
/// # Errors
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `k` or
/// `chunk_size` is below 1; as [`iwae_bound`] otherwise.
pub fn importance_log_likelihood<Q, P, F>(
    posterior: &Q,
    prior: &P,
    k: i64,
    chunk_size: i64,
    mut log_likelihood: F,
) -> Result<Tensor>
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
    F: FnMut(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "importance_log_likelihood";
    check_positive_count(CONTEXT, "k", k)?;
    check_positive_count(CONTEXT, "chunk_size", chunk_size)?;
    tch::no_grad(|| {
        let mut total: Option<Tensor> = None;
        let mut remaining = k;
        while remaining > 0 {
            let chunk = remaining.min(chunk_size);
            let z = posterior.sample(&[chunk])?;
            let log_weights = log_weights(CONTEXT, posterior, prior, &z, &mut log_likelihood)?;
            let chunk_total = log_weights.logsumexp(0, false);
            total = Some(match total {
                Some(running) => running.logaddexp(&chunk_total),
                None => chunk_total,
            });
            remaining -= chunk;
        }
        // `k ≥ 1` guarantees at least one chunk.
        let total = total.unwrap_or_else(|| Tensor::from(f64::NEG_INFINITY));
        Ok(total - (k as f64).ln())
    })
}
