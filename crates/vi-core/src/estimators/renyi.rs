//! The variational Rényi bound.

use tch::{Kind, Tensor};

use super::log_weights;
use crate::distribution::{Distribution, Rsample};
use crate::error::{Error, Result};
use crate::toolkit::check_positive_count;

/// The k-sample variational Rényi bound (Li & Turner 2016, "Rényi
/// Divergence Variational Inference", eq. 12), reparameterized:
///
/// ```text
/// L_α(x) = 1/(1 − α) · log (1/k) Σᵢ wᵢ^(1−α),   wᵢ = p(x, zᵢ) / q(zᵢ | x),  zᵢ ~ q(z|x)
/// ```
///
/// computed in log space, `(logsumexp_i((1 − α) log wᵢ) − log k)/(1 − α)`.
/// `α = 0` is the IWAE bound ([`iwae_bound`](crate::iwae_bound), the same
/// value for the same draws) and `α → 1` the ELBO (`α = 1` exactly gives
/// the Monte Carlo ELBO `(1/k) Σᵢ log wᵢ`). As `k → ∞` it tends to
/// `log p(x) − D_α(q(z|x) ‖ p(z|x))`, which for `α ≥ 0` is a lower bound of
/// `log p(x)` that is non-increasing in `α` (Li & Turner, Theorem 1); for
/// `α < 0` it is an upper bound in that limit. For finite `k` the Monte Carlo
/// value is biased downwards (Jensen), as the IWAE bound is.
///
/// Shape `posterior.batch_shape()`; differentiable (its gradient is the
/// reparameterized one of Li & Turner's §4.1).
///
/// # Errors
/// [`Error::InvalidArgument`] for a non-finite `alpha`; as
/// [`iwae_bound`](crate::iwae_bound) otherwise.
pub fn renyi_bound<Q, P, F>(
    posterior: &Q,
    prior: &P,
    alpha: f64,
    k: i64,
    log_likelihood: F,
) -> Result<Tensor>
where
    Q: Rsample + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "renyi_bound";
    if !alpha.is_finite() {
        return Err(Error::InvalidArgument {
            context: CONTEXT,
            name: "alpha",
            expected: "a finite number (0: the IWAE bound, 1: the ELBO)",
            found: alpha.to_string(),
        });
    }
    check_positive_count(CONTEXT, "k", k)?;
    let z = posterior.rsample(&[k])?;
    let log_weights = log_weights(CONTEXT, posterior, prior, &z, log_likelihood)?;
    if alpha == 1.0 {
        return Ok(log_weights.mean_dim(0, false, None::<Kind>));
    }
    let power = 1.0 - alpha;
    Ok(((log_weights * power).logsumexp(0, false) - (k as f64).ln()) / power)
}
