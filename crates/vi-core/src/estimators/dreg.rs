//! The doubly reparameterized gradient (DReG) of the importance-weighted
//! bound.

use tch::{Kind, Tensor};

use super::{Estimate, log_weights};
use crate::distribution::{Detach, Distribution, Rsample};
use crate::error::Result;
use crate::toolkit::{check_positive_count, sum_rightmost};

/// The k-sample importance-weighted bound `L_k` with the doubly
/// reparameterized gradient estimator for the posterior's parameters
/// (Tucker, Lawson, Gu & Maddison 2019, "Doubly Reparameterized Gradient
/// Estimators for Monte Carlo Objectives", eq. 5):
///
/// ```text
/// ∇_φ L_k ≈ Σᵢ w̃ᵢ² · ∂ log wᵢ/∂zᵢ · ∂zᵢ/∂φ,   w̃ᵢ = wᵢ / Σⱼ wⱼ,
/// log wᵢ = log p(x | zᵢ) + log p(zᵢ) − log q_⊥(zᵢ | x),   zᵢ = g(εᵢ, φ)
/// ```
///
/// with `q_⊥` the posterior with detached parameters ([`Detach`]), and the
/// ordinary IWAE gradient `Σᵢ w̃ᵢ ∇_θ log p(x, zᵢ)` for the model's
/// parameters `θ` (those the closure and the prior depend on). Unbiased for
/// `∇ E[L_k]`, like the reparameterized IWAE gradient, but its
/// signal-to-noise ratio does not decay as `k` grows (Tucker et al., §6;
/// Rainforth et al. 2018 show the IWAE one does).
///
/// Computed with one evaluation of the closure: `log wᵢ` at a detached copy
/// of the draws, its derivative `∂ log wᵢ/∂zᵢ` by one extra backward pass,
/// and the surrogate
/// `Σᵢ w̃ᵢ log wᵢ + Σᵢ w̃ᵢ² ⟨∂ log wᵢ/∂zᵢ, zᵢ⟩` (weights and derivatives
/// held fixed), whose gradient is the estimator above. This requires what
/// every VAE satisfies: `log wᵢ` of one draw and example depends on no
/// other draw or example, and the closure is differentiable in `z`.
///
/// Shape `posterior.batch_shape()`; `objective` is `L_k`'s value,
/// `logsumexp_i(log wᵢ) − log k`.
///
/// # Errors
/// As [`iwae_bound`](crate::iwae_bound); libtorch's error if the closure
/// is not differentiable in `z`.
pub fn dreg_iwae<Q, P, F>(posterior: &Q, prior: &P, k: i64, log_likelihood: F) -> Result<Estimate>
where
    Q: Rsample + Detach,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "dreg_iwae";
    check_positive_count(CONTEXT, "k", k)?;
    let z = posterior.rsample(&[k])?;
    let draws = z.detach().set_requires_grad(true);
    let held = posterior.detach();
    let log_weights = log_weights(CONTEXT, &held, prior, &draws, log_likelihood)?;
    let objective = log_weights.detach().logsumexp(0, false) - (k as f64).ln();
    let normalized = log_weights.detach().softmax(0, None::<Kind>);
    // ∂ log wᵢ/∂zᵢ for every draw at once: log wᵢ depends on zᵢ alone.
    let slope = Tensor::f_run_backward(&[log_weights.sum(None::<Kind>)], &[&draws], true, false)?
        .into_iter()
        .next()
        .map_or_else(|| draws.zeros_like(), |g| g.detach());
    let event_dims = (z.dim() - 1).saturating_sub(posterior.batch_shape().len());
    let path = sum_rightmost(&(slope * &z), event_dims);
    let surrogate = (&normalized * &log_weights + normalized.square() * path).sum_dim_intlist(
        0,
        false,
        None::<Kind>,
    );
    Ok(Estimate {
        objective,
        surrogate,
    })
}
