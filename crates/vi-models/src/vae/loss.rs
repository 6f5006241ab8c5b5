//! The two ways a model implements [`Vae::loss`]: [`reparameterized_loss`]
//! for a posterior with a reparameterized sampler (every [`Objective`]), and
//! [`score_function_loss`] for any posterior (the objectives whose gradient
//! needs no `rsample`). Both hand the model's posterior, prior and
//! `log p(x|z)` to vi-core's estimators; nothing is estimated here.

use tch::Tensor;
use vi_core::{
    Baseline, Detach, Distribution, Estimate, Rsample, analytic_kl_elbo_with, dreg_iwae,
    iwae_bound, monte_carlo_elbo, renyi_bound, score_function_elbo, stl_elbo, vimco,
};

use super::analytic_kl::KnownKl;
use super::{ElboEstimator, Objective, Vae, short_type_name};
use crate::error::{Error, Result};

/// The estimate of `objective` for images `[B, D]`, per example (`[B]`),
/// for a model whose posterior has `rsample` (Kingma & Welling 2014, §2.4):
///
/// - [`Objective::Elbo`]: the model's [`ElboEstimator`] — vi-core's
///   `analytic_kl_elbo_with` fed [`Vae::analytic_kl`], or `monte_carlo_elbo`
///   — over `samples` draws; the surrogate is the estimate itself;
/// - [`Objective::Stl`], [`Objective::Dreg`]: vi-core's `stl_elbo`,
///   `dreg_iwae` (they score the draws with the posterior's
///   [`Detach`](vi_core::Detach)ed copy);
/// - [`Objective::Iwae`], [`Objective::Renyi`]: `iwae_bound`, `renyi_bound`;
/// - [`Objective::Vimco`], [`Objective::ScoreFunction`]: `vimco`,
///   `score_function_elbo` with the leave-one-out baseline, which ignore the
///   reparameterization (useful to compare estimators on one model).
///
/// Draws from libtorch's global generator. Minimize `−mean(surrogate)`,
/// report `objective`.
///
/// # Errors
/// [`Error::InvalidConfig`] for an objective out of range; the model's
/// errors; vi-core's (DReG refuses to run under `tch::no_grad`).
pub fn reparameterized_loss<M>(
    model: &M,
    images: &Tensor,
    objective: &Objective,
) -> Result<Estimate>
where
    M: Vae + ?Sized,
    M::Posterior: Rsample,
{
    objective.validate()?;
    let posterior = model.posterior(images)?;
    let prior = model.prior()?;
    let kl = match (objective, model.estimator()) {
        (Objective::Elbo { .. }, ElboEstimator::AnalyticKl) => {
            Some(model.analytic_kl(&posterior, &prior)?)
        }
        _ => None,
    };
    reparameterized_estimate(&posterior, &prior, objective, kl, |z| {
        model.conditional_log_likelihood(images, z)
    })
}

/// [`reparameterized_loss`] for a posterior, prior and `log p(x|z)` given
/// directly (the relaxed binary VAE's Concrete latents): `kl`, when given,
/// makes [`Objective::Elbo`] the analytic-KL ELBO with that KL, `[B]`;
/// without it, the Monte Carlo ELBO.
pub(crate) fn reparameterized_estimate<Q, P, F>(
    posterior: &Q,
    prior: &P,
    objective: &Objective,
    kl: Option<Tensor>,
    log_likelihood: F,
) -> Result<Estimate>
where
    Q: Rsample + Detach,
    P: Distribution,
    F: FnOnce(&Tensor) -> vi_core::Result<Tensor>,
{
    objective.validate()?;
    // Counts were checked to fit in i64.
    let count = objective.samples() as i64;
    Ok(match *objective {
        Objective::Elbo { .. } => plain(match kl {
            None => monte_carlo_elbo(posterior, prior, count, log_likelihood)?,
            Some(kl) => {
                analytic_kl_elbo_with(&KnownKl(kl), posterior, prior, count, log_likelihood)?
            }
        }),
        Objective::Stl { .. } => stl_elbo(posterior, prior, count, log_likelihood)?,
        Objective::Iwae { .. } => plain(iwae_bound(posterior, prior, count, log_likelihood)?),
        Objective::Dreg { .. } => dreg_iwae(posterior, prior, count, log_likelihood)?,
        Objective::Renyi { alpha, .. } => {
            plain(renyi_bound(posterior, prior, alpha, count, log_likelihood)?)
        }
        Objective::Vimco { .. } => vimco(posterior, prior, count, log_likelihood)?,
        Objective::ScoreFunction { .. } => {
            score_function_elbo(
                posterior,
                prior,
                count,
                Baseline::LeaveOneOut,
                log_likelihood,
            )?
            .estimate
        }
    })
}

/// The estimate of `objective` for images `[B, D]`, per example (`[B]`),
/// for a model whose posterior may have no reparameterized sampler
/// (Bernoulli or categorical latents): draws are taken without gradient
/// and the posterior learns through `∇ log q` (Williams 1992):
///
/// - [`Objective::Elbo`] and [`Objective::ScoreFunction`]: vi-core's
///   `score_function_elbo`, with the leave-one-out baseline when there are
///   at least two draws (plain REINFORCE with one: unbiased, but of high
///   variance; `Elbo { samples: 1 }` is what the per-epoch test ELBO
///   evaluates);
/// - [`Objective::Vimco`]: vi-core's `vimco`.
///
/// # Errors
/// [`Error::UnsupportedObjective`] for STL, IWAE, DReG and Rényi, whose
/// gradients differentiate through the draws; [`Error::InvalidConfig`] for
/// an objective out of range; the model's errors.
pub fn score_function_loss<M>(model: &M, images: &Tensor, objective: &Objective) -> Result<Estimate>
where
    M: Vae + ?Sized,
{
    objective.validate()?;
    let posterior = model.posterior(images)?;
    check_score_function::<M>(objective, posterior.name())?;
    let prior = model.prior()?;
    let log_likelihood = |z: &Tensor| model.conditional_log_likelihood(images, z);
    let count = objective.samples() as i64;
    Ok(match objective {
        Objective::Vimco { .. } => vimco(&posterior, &prior, count, log_likelihood)?,
        _ => {
            let baseline = if count >= 2 {
                Baseline::LeaveOneOut
            } else {
                Baseline::None
            };
            score_function_elbo(&posterior, &prior, count, baseline, log_likelihood)?.estimate
        }
    })
}

/// Refuses, for [`score_function_loss`], the objectives whose gradient
/// needs `rsample`.
///
/// # Errors
/// [`Error::UnsupportedObjective`] naming the model, the objective and the
/// posterior's family.
pub fn check_score_function<M: ?Sized>(
    objective: &Objective,
    posterior: &'static str,
) -> Result<()> {
    if objective.needs_reparameterization() {
        return Err(Error::UnsupportedObjective {
            model: short_type_name::<M>(),
            objective: objective.name(),
            posterior,
        });
    }
    Ok(())
}

/// An estimate whose gradient is the gradient of its value.
fn plain(value: Tensor) -> Estimate {
    Estimate {
        objective: value.detach(),
        surrogate: value,
    }
}
