//! The "sticking the landing" (STL) gradient of the ELBO: the path
//! derivative, with the score term of `log q` removed.

use tch::{Kind, Tensor};

use super::{Estimate, log_weights};
use crate::distribution::{Detach, Distribution, Rsample};
use crate::error::Result;
use crate::toolkit::check_positive_count;

/// The ELBO with the path-derivative ("sticking the landing") gradient
/// (Roeder, Wu & Duvenaud 2017, "Sticking the Landing: Simple,
/// Lower-Variance Gradient Estimators for Variational Inference", §3):
///
/// `surrogate(x) = (1/S) Σₛ [log p(x | zₛ) + log p(zₛ) − log q_⊥(zₛ | x)]`,
/// `zₛ = g(εₛ, φ)` reparameterized, where `q_⊥` is the posterior with its
/// parameters detached ([`Detach`]).
///
/// The total derivative of the reparameterized ELBO is the path term
/// `∂ log w/∂z · ∂z/∂φ` plus the score term `−∂ log q(z; φ)/∂φ`, whose
/// expectation is zero; STL drops the score term. The estimator stays
/// unbiased, and when `q` equals the exact posterior `log w` is constant in
/// `z`, so every draw's gradient is exactly zero (zero variance at the
/// optimum). Gradients with respect to the model (the closure, the prior)
/// are those of the ordinary ELBO.
///
/// Shape `posterior.batch_shape()`; `objective` is the Monte Carlo ELBO's
/// value (equal to the surrogate's).
///
/// # Errors
/// As [`monte_carlo_elbo`](crate::monte_carlo_elbo).
pub fn stl_elbo<Q, P, F>(
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    log_likelihood: F,
) -> Result<Estimate>
where
    Q: Rsample + Detach,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "stl_elbo";
    check_positive_count(CONTEXT, "num_samples", num_samples)?;
    let z = posterior.rsample(&[num_samples])?;
    let held = posterior.detach();
    let log_weights = log_weights(CONTEXT, &held, prior, &z, log_likelihood)?;
    let surrogate = log_weights.mean_dim(0, false, None::<Kind>);
    Ok(Estimate {
        objective: surrogate.detach(),
        surrogate,
    })
}
