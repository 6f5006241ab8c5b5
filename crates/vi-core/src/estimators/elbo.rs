//! Evidence lower bounds (ELBOs), per example: the analytic-KL form
//! (tutorial 3; Kingma & Welling 2014, estimator B, eq. 7) and the full
//! Monte Carlo form (tutorials 2 and 4; estimator A, eq. 6).

use tch::{Kind, Tensor};

use super::{check_prior_batch, checked_likelihood, log_weights, prior_too_large};
use crate::distribution::{Distribution, Rsample};
use crate::error::Result;
use crate::kl::{BuiltinKl, KlDivergence, KlRule};
use crate::toolkit::check_positive_count;

/// The analytic-KL ELBO (Kingma & Welling 2014, estimator B, eq. 7;
/// tutorial 3):
///
/// `L(x) = (1/S) Σₛ log p(x | zₛ) − KL(q(z|x) ‖ p(z))`, `zₛ ~ q(z|x)`
/// reparameterized.
///
/// Lower variance than [`monte_carlo_elbo`] when the KL has a closed form.
/// Shape `posterior.batch_shape()`; differentiable in the posterior's
/// parameters and in whatever the closure depends on.
///
/// # Errors
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `num_samples < 1`;
/// [`Error::LikelihoodShape`](crate::Error::LikelihoodShape) if the closure's result is not `[S] + B`;
/// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the prior's batch shape does not
/// broadcast to the posterior's; whatever the closure returns.
pub fn analytic_kl_elbo<Q, P, F>(
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    log_likelihood: F,
) -> Result<Tensor>
where
    Q: Rsample + KlDivergence<P> + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    elbo_with_kl(
        "analytic_kl_elbo",
        &BuiltinKl,
        posterior,
        prior,
        num_samples,
        log_likelihood,
    )
}

/// [`analytic_kl_elbo`] with the KL taken from the table `rules`: a table
/// of your own for a pair vi-core has no formula for (see
/// [`KlRule`]), or [`MonteCarloKl`](crate::MonteCarloKl) to estimate it.
///
/// # Errors
/// As [`analytic_kl_elbo`], and whatever the table's formula refuses.
pub fn analytic_kl_elbo_with<R, Q, P, F>(
    rules: &R,
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    log_likelihood: F,
) -> Result<Tensor>
where
    R: KlRule<Q, P> + ?Sized,
    Q: Rsample + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    elbo_with_kl(
        "analytic_kl_elbo_with",
        rules,
        posterior,
        prior,
        num_samples,
        log_likelihood,
    )
}

fn elbo_with_kl<R, Q, P, F>(
    context: &'static str,
    rules: &R,
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    log_likelihood: F,
) -> Result<Tensor>
where
    R: KlRule<Q, P> + ?Sized,
    Q: Rsample + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    check_positive_count(context, "num_samples", num_samples)?;
    check_prior_batch(context, posterior, prior)?;
    let z = posterior.rsample(&[num_samples])?;
    let log_lik = checked_likelihood(context, posterior, num_samples, log_likelihood(&z)?)?;
    let kl = rules.kl_divergence(posterior, prior)?;
    if kl.size() != posterior.batch_shape() {
        return Err(prior_too_large(context, posterior, prior));
    }
    // Fallible: the closure's result may live on another device than the KL.
    Ok(log_lik.mean_dim(0, false, None::<Kind>).f_sub(&kl)?)
}

/// The Monte Carlo ELBO (Kingma & Welling 2014, estimator A, eq. 6;
/// tutorials 2 and 4):
///
/// `L(x) = (1/S) Σₛ [log p(x | zₛ) + log p(zₛ) − log q(zₛ | x)]`,
/// `zₛ ~ q(z|x)` reparameterized.
///
/// Needs no closed-form KL, so it works for any posterior/prior pair (an
/// Exponential posterior, a `MultivariateNormal` prior). With
/// `num_samples = 1` it is tutorial 4's single-sample estimate. Shape
/// `posterior.batch_shape()`; differentiable.
///
/// # Errors
/// As [`analytic_kl_elbo`], plus the errors of the prior's `log_prob`.
pub fn monte_carlo_elbo<Q, P, F>(
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    log_likelihood: F,
) -> Result<Tensor>
where
    Q: Rsample + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "monte_carlo_elbo";
    check_positive_count(CONTEXT, "num_samples", num_samples)?;
    let z = posterior.rsample(&[num_samples])?;
    let log_weights = log_weights(CONTEXT, posterior, prior, &z, log_likelihood)?;
    Ok(log_weights.mean_dim(0, false, None::<Kind>))
}
