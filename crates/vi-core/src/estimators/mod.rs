//! Estimators of variational objectives and of their gradients, per
//! example.
//!
//! | Function | Objective | Gradient | Source |
//! |----------|-----------|----------|--------|
//! | [`analytic_kl_elbo`] | ELBO | reparameterized, KL in closed form | Kingma & Welling 2014, eq. 7 |
//! | [`monte_carlo_elbo`] | ELBO | reparameterized | Kingma & Welling 2014, eq. 6 |
//! | [`stl_elbo`] | ELBO | path derivative ("sticking the landing") | Roeder, Wu & Duvenaud 2017 |
//! | [`iwae_bound`] | IWAE bound `L_k` | reparameterized | Burda, Grosse & Salakhutdinov 2015 |
//! | [`dreg_iwae`] | IWAE bound `L_k` | doubly reparameterized | Tucker, Lawson, Gu & Maddison 2019 |
//! | [`renyi_bound`] | variational Rényi bound `L_α` | reparameterized | Li & Turner 2016 |
//! | [`score_function_elbo`] | ELBO | score function (REINFORCE) with a baseline | Williams 1992; Ranganath et al. 2014 |
//! | [`vimco`] | IWAE bound `L_k` | score function with per-sample baselines | Mnih & Rezende 2016 |
//! | [`importance_log_likelihood`] | `log p(x)` | none (evaluation) | Burda et al. 2015, §5 |
//!
//! Conventions shared by all of them:
//! - the posterior `q(z|x)` has batch shape `B` (one distribution per
//!   example) and event shape `E`; the prior `p(z)` broadcasts to it;
//! - `z` is drawn as `posterior.rsample([S])` (or `sample` for the
//!   score-function estimators), shape `[S] + B + E`;
//! - the closure maps `z` to `log p(x|z)` of shape `[S] + B` (the model
//!   lives with the caller, e.g. a decoder in vi-models); an error of the
//!   caller's own leaves the closure as [`Error::custom`] and comes back out
//!   intact through [`Error::downcast_custom`];
//! - the result has shape `B`: callers average, sum or report it.
//!
//! Estimators whose gradient is not the gradient of the objective's Monte
//! Carlo value return an [`Estimate`]: the objective's value and a
//! *surrogate* whose gradient is the estimator. Maximize the surrogate
//! (minimize `−surrogate.mean()`), report the objective.
//!
//! The path-derivative estimators ([`stl_elbo`], [`dreg_iwae`]) evaluate
//! `log q` with the posterior's parameters held fixed, which they get from
//! [`Detach`](crate::Detach).

mod dreg;
mod elbo;
mod iwae;
mod renyi;
mod score_function;
mod stl;
mod vimco;

pub use dreg::dreg_iwae;
pub use elbo::{analytic_kl_elbo, analytic_kl_elbo_with, monte_carlo_elbo};
pub use iwae::{importance_log_likelihood, iwae_bound};
pub use renyi::renyi_bound;
pub use score_function::{
    Baseline, DecayingAverageBaseline, ScoreFunctionEstimate, score_function_elbo,
};
pub use stl::stl_elbo;
pub use vimco::vimco;

use tch::Tensor;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit::broadcast_shapes;

/// A variational objective and a surrogate for its gradient, per example.
#[derive(Debug)]
pub struct Estimate {
    /// The objective's Monte Carlo value, shape `B`, without gradient: what
    /// to report.
    pub objective: Tensor,
    /// A differentiable surrogate, shape `B`, whose gradient (in
    /// expectation over the draws) is the estimator's gradient of the
    /// objective: what to maximize. Its value is not the objective's in
    /// general.
    pub surrogate: Tensor,
}

/// `log wₛ = log p(x | zₛ) + log p(zₛ) − log q(zₛ | x)` for draws `z` of
/// shape `[S] + B + E`; shape `[S] + B`.
pub(crate) fn log_weights<Q, P, F>(
    context: &'static str,
    posterior: &Q,
    prior: &P,
    z: &Tensor,
    log_likelihood: F,
) -> Result<Tensor>
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    check_prior_batch(context, posterior, prior)?;
    let num_samples = z.size().first().copied().unwrap_or(0);
    let log_lik = checked_likelihood(context, posterior, num_samples, log_likelihood(z)?)?;
    // Fallible ops: a family of the caller's own may return any shape.
    let log_weights = log_lik
        .f_add(&prior.log_prob(z)?)?
        .f_sub(&posterior.log_prob(z)?)?;
    if log_weights.size() != log_lik.size() {
        return Err(prior_too_large(context, posterior, prior));
    }
    Ok(log_weights)
}

/// The prior's batch shape must broadcast to the posterior's, the shape of
/// the bound: a larger prior batch would be silently mixed with the sample
/// dimension.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming both batch shapes.
pub(crate) fn check_prior_batch<Q, P>(context: &'static str, posterior: &Q, prior: &P) -> Result<()>
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
{
    let batch = posterior.batch_shape();
    match broadcast_shapes(prior.batch_shape(), batch) {
        Some(shape) if shape == batch => Ok(()),
        _ => Err(prior_too_large(context, posterior, prior)),
    }
}

pub(crate) fn checked_likelihood<Q: Distribution + ?Sized>(
    context: &'static str,
    posterior: &Q,
    num_samples: i64,
    log_lik: Tensor,
) -> Result<Tensor> {
    let expected: Vec<i64> = std::iter::once(num_samples)
        .chain(posterior.batch_shape().iter().copied())
        .collect();
    if log_lik.size() != expected {
        return Err(Error::LikelihoodShape {
            context,
            expected,
            found: log_lik.size(),
        });
    }
    Ok(log_lik)
}

pub(crate) fn prior_too_large<Q, P>(context: &'static str, posterior: &Q, prior: &P) -> Error
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
{
    Error::ShapeMismatch {
        context,
        left: "posterior.batch_shape",
        left_shape: posterior.batch_shape().to_vec(),
        right: "prior.batch_shape",
        right_shape: prior.batch_shape().to_vec(),
    }
}
