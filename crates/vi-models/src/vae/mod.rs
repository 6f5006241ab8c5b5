//! Variational autoencoders (Kingma & Welling 2014; Rezende et al. 2014):
//! the [`Vae`] interface that the trainer and the evaluations work through,
//! and the models of the tutorials that implement it.
//!
//! Every density, KL divergence and bound comes from vi-core; a model
//! supplies its approximate posterior `q(z|x)` (any vi-core distribution
//! that can be [`Detach`]ed, reparameterizable or not), its prior `p(z)`,
//! its observation model `p(x|z)`, its training loss (one line: one of the
//! two helpers of `loss.rs`) and, when the pair has one, the closed-form
//! `KL(q ‖ p)`.

mod analytic_kl;
mod bernoulli_conv;
mod binary;
mod change_of_variables;
mod gaussian_conv;
mod iaf;
mod loss;
mod mlp;
mod objective;
mod shapes;

pub use bernoulli_conv::{BernoulliConvVae, BernoulliConvVaeConfig};
pub use binary::{BinaryLatents, BinaryVae, BinaryVaeConfig, Relaxation};
pub use change_of_variables::{change_of_variables_log_q, tutorial2_log_q};
pub use gaussian_conv::{GaussianConvVae, GaussianConvVaeConfig, PosteriorSummary};
pub use iaf::{IafPosterior, IafStep, SIGMOID_BIAS};
pub use loss::{check_score_function, reparameterized_loss, score_function_loss};
pub use mlp::{
    Activation, GAUSSIAN_UNITS, LikelihoodConfig, MlpPosterior, MlpVae, MlpVaeConfig,
    PosteriorConfig, SIGMA_FLOOR, Variance,
};
pub use objective::Objective;

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor, nn};
use vi_core::{
    Detach, Distribution, Estimate, Independent, Normal, Rsample, analytic_kl_elbo_with,
    importance_log_likelihood, monte_carlo_elbo,
};

use crate::error::{Error, Result};
use analytic_kl::KnownKl;

/// Which single-sample estimate of the ELBO a model trains on. Both are
/// unbiased estimates of the same bound; they differ in variance, and only
/// the Monte Carlo one works for every posterior and prior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElboEstimator {
    /// `log p(x|z) + log p(z) − log q(z|x)` at one reparameterized draw `z`
    /// (Kingma & Welling 2014, estimator A, eq. 6): tutorial 4's
    /// `compute_loss` and tutorial 2's `elbo`. Needs no closed-form KL.
    MonteCarlo,
    /// `log p(x|z) − KL(q(z|x) ‖ p(z))` with the KL in closed form
    /// (estimator B, eq. 7; tutorial 3): the same expectation with the
    /// KL's sampling noise removed. Needs [`Vae::analytic_kl`].
    AnalyticKl,
}

/// A model configuration that checkpoints record and compare: a stable
/// architecture name and the fields that fix the parameters' shapes.
pub trait Architecture: Serialize + DeserializeOwned + Clone + PartialEq + Debug {
    /// The name stored in checkpoints, e.g. `"mlp-vae"`; a checkpoint whose
    /// name differs is refused. Names are part of the file format: they
    /// never change when a type is renamed.
    const NAME: &'static str;
}

/// The diagonal Gaussian `N(μ, diag σ²)` of the tutorials' posteriors and
/// their standard-Normal prior: batch dimensions but the last are examples,
/// the last is the event `[L]`.
pub type DiagonalNormal = Independent<Normal>;

/// A VAE over images handed out as vi-data does: `[B, D]` (`D = 784` for
/// MNIST; convolutional models view them as `[B, 1, 28, 28]`).
///
/// The required methods describe the model: its posterior `q(z|x)` (batch
/// shape `[B]`, event shape `[L]`), its prior `p(z)` (batch shape `[]`,
/// event shape `[L]`, broadcast against the posterior's batch), `log p(x|z)`,
/// the decoder's mean and the training [`loss`](Self::loss), which a model
/// implements in one line with [`reparameterized_loss`] (a posterior with
/// `rsample`: every [`Objective`]) or [`score_function_loss`] (any
/// posterior: the objectives whose gradient needs no `rsample`), so that
/// the choice is checked by the compiler. The provided methods are the
/// evaluations built from them with vi-core — the negative ELBO, the
/// importance-sampled log-likelihood, reconstructions and prior samples —
/// so a model with a flow posterior, discrete latents or a learned prior
/// gets them all (and [`analytic_kl`](Self::analytic_kl) only if its pair
/// has a closed-form KL).
pub trait Vae: Debug {
    /// The configuration type, recorded in checkpoints.
    type Config: Architecture;
    /// The approximate posterior `q(z|x)`; [`Detach`] gives the copy with
    /// fixed parameters that the path-derivative estimators (STL, DReG)
    /// score their draws with.
    type Posterior: Distribution + Detach;
    /// The prior `p(z)`.
    type Prior: Distribution;

    /// Creates the model's parameters under `path`, freshly initialized
    /// from libtorch's global generator: the constructor that trainers and
    /// checkpoints call.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a configuration out of range.
    fn build(path: &nn::Path<'_>, config: &Self::Config) -> Result<Self>
    where
        Self: Sized;

    /// The configuration the model was built from.
    fn config(&self) -> &Self::Config;

    /// Size `L` of the latent space.
    fn latent_dim(&self) -> i64;

    /// Device of the parameters.
    fn device(&self) -> Device;

    /// The approximate posterior `q(z|x)` for images `[B, D]`: batch shape
    /// `[B]`, event shape `[L]`. Its [`mean`](Distribution::mean) `[B, L]`
    /// is what the latent-space figures plot.
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape; [`Error::Torch`]
    /// for another device or dtype; vi-core's
    /// [`InvalidParameter`](vi_core::Error::InvalidParameter) if the
    /// encoder's outputs are not finite.
    fn posterior(&self, images: &Tensor) -> Result<Self::Posterior>;

    /// The prior `p(z)`: batch shape `[]`, event shape `[L]`, so that
    /// `prior.sample(&[n])` draws `[n, L]` and `prior.log_prob(z)` takes the
    /// draws `[S, B, L]` of the posterior.
    ///
    /// # Errors
    /// The model's errors building it (vi-core's for invalid parameters).
    fn prior(&self) -> Result<Self::Prior>;

    /// `log p(x | z)` of images `[B, D]` under latents `z` `[S, B, L]`,
    /// shape `[S, B]`: the closure that vi-core's estimators call.
    ///
    /// # Errors
    /// [`vi_core::Error::ShapeMismatch`] if `z` does not fit the images;
    /// vi-core's errors if the observation model's parameters are not finite.
    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor>;

    /// The mean of `p(x | z)` for latents `[..., L]`, shape `[..., D]`: pixel
    /// probabilities for a Bernoulli observation model; the mean image, in
    /// the pixel range the model was trained on, for a Gaussian one
    /// ([`GaussianConvVae`]: `[-1, 1]`, not clamped;
    /// `vi_data::PixelRange::to_unit_interval` maps it to `[0, 1]` for
    /// display).
    ///
    /// # Errors
    /// [`Error::InputShape`] if the last dimension is not `L`.
    fn decode(&self, z: &Tensor) -> Result<Tensor>;

    /// The training loss: the estimate of `objective` for images `[B, D]`,
    /// per example — `objective` (its value, `[B]`, without gradient, what
    /// the trainer reports) and `surrogate` (`[B]`, whose gradient is the
    /// estimator's; the trainer minimizes `−mean(surrogate)`). Draws from
    /// libtorch's global generator.
    ///
    /// Implement it with [`reparameterized_loss`] when the posterior has
    /// `rsample`, else with [`score_function_loss`].
    ///
    /// # Errors
    /// [`Error::UnsupportedObjective`] for an objective the posterior
    /// cannot serve; [`Error::InvalidConfig`] for one out of range; the
    /// model's errors.
    fn loss(&self, images: &Tensor, objective: &Objective) -> Result<Estimate>;

    /// Checks, before training, that [`loss`](Self::loss) can estimate
    /// `objective`: by default only its ranges ([`Objective::validate`]);
    /// a model trained by [`score_function_loss`] adds
    /// [`check_score_function`].
    ///
    /// # Errors
    /// As [`loss`](Self::loss) would for that objective.
    fn check_objective(&self, objective: &Objective) -> Result<()> {
        objective.validate()
    }

    /// The estimate [`Objective::Elbo`] uses for a reparameterized
    /// posterior. By default [`ElboEstimator::MonteCarlo`], which every
    /// posterior and prior support; a model whose pair has a closed-form KL
    /// may choose [`ElboEstimator::AnalyticKl`] (tutorial 3's model does) or
    /// read it from its configuration (tutorials 2 and 4).
    fn estimator(&self) -> ElboEstimator {
        ElboEstimator::MonteCarlo
    }

    /// A point `[B, L]` standing for `q(z|x)` of images `[B, D]` in the
    /// latent-space figures, without gradient: the posterior's mean by
    /// default; a posterior without a closed-form mean (a flow) says what
    /// it uses instead.
    ///
    /// # Errors
    /// As [`posterior`](Self::posterior); vi-core's `NotImplemented` for a
    /// posterior without a mean that the model does not override this for.
    fn latent_location(&self, images: &Tensor) -> Result<Tensor> {
        tch::no_grad(|| Ok(self.posterior(images)?.mean()?))
    }

    /// What the log-likelihoods of this model measure, for reports:
    /// by default the log-probability, in nats, of binarized pixels.
    fn log_likelihood_units(&self) -> &'static str {
        BINARY_UNITS
    }

    /// Whether the parameter called `name` (in the model's `VarStore`)
    /// belongs to the generative model `p(x|z) p(z)` — the decoder — rather
    /// than to the inference network `q(z|x)`: by default, names that
    /// start with `decoder`. Used to report gradient statistics per network.
    fn is_generative_parameter(&self, name: &str) -> bool {
        name.starts_with("decoder")
    }

    /// `KL(q(z|x) ‖ p(z))` in closed form, shape `[B]`, for the analytic-KL
    /// ELBO. Models whose pair has one implement it with
    /// [`vi_core::kl_divergence`]; the default says there is none.
    ///
    /// # Errors
    /// By default [`Error::NoClosedFormKl`] naming the model and both
    /// families; vi-core's errors for a pair whose shapes do not fit.
    fn analytic_kl(&self, posterior: &Self::Posterior, prior: &Self::Prior) -> Result<Tensor> {
        Err(Error::NoClosedFormKl {
            model: short_type_name::<Self>(),
            posterior: posterior.name(),
            prior: prior.name(),
        })
    }

    /// Per-example negative ELBO, shape `[B]`, without gradient: the value
    /// of [`loss`](Self::loss) for the tutorials' objective
    /// ([`Objective::default`], one draw), which for the tutorials' models
    /// is tutorial 3's `loss_func`, tutorial 4's `compute_loss` and
    /// tutorial 2's `elbo` with its corrections. The per-epoch test loss,
    /// whatever the training objective, so that runs compare.
    ///
    /// # Errors
    /// As [`loss`](Self::loss).
    fn negative_elbo(&self, images: &Tensor) -> Result<Tensor> {
        Ok(-self.loss(images, &Objective::default())?.objective)
    }

    /// Per-example negative ELBO, shape `[B]`, by the chosen `estimator`
    /// with one reparameterized draw `z ~ q(z|x)` from libtorch's global
    /// generator (the same draw for both estimators):
    ///
    /// - [`ElboEstimator::MonteCarlo`]: `−[log p(x|z) + log p(z) − log q(z|x)]`
    ///   (vi-core's `monte_carlo_elbo`);
    /// - [`ElboEstimator::AnalyticKl`]: `−log p(x|z) + KL(q(z|x) ‖ p(z))`
    ///   (vi-core's `analytic_kl_elbo_with`, the KL from
    ///   [`analytic_kl`](Self::analytic_kl)).
    ///
    /// Differentiable in the parameters; for a reparameterized posterior.
    ///
    /// # Errors
    /// As [`posterior`](Self::posterior), [`prior`](Self::prior) and
    /// [`conditional_log_likelihood`](Self::conditional_log_likelihood);
    /// for the analytic KL, those of [`analytic_kl`](Self::analytic_kl).
    fn negative_elbo_with(&self, images: &Tensor, estimator: ElboEstimator) -> Result<Tensor>
    where
        Self::Posterior: Rsample,
    {
        let posterior = self.posterior(images)?;
        let prior = self.prior()?;
        let log_likelihood = |z: &Tensor| self.conditional_log_likelihood(images, z);
        let elbo = match estimator {
            ElboEstimator::MonteCarlo => monte_carlo_elbo(&posterior, &prior, 1, log_likelihood)?,
            ElboEstimator::AnalyticKl => {
                let kl = KnownKl(self.analytic_kl(&posterior, &prior)?);
                analytic_kl_elbo_with(&kl, &posterior, &prior, 1, log_likelihood)?
            }
        };
        Ok(-elbo)
    }

    /// Importance-sampled `log p(x) ≈ logsumexp_k(log p(x|zₖ) + log p(zₖ) −
    /// log q(zₖ|x)) − log K` with `K = num_samples` draws from `q(z|x)`
    /// (Burda et al. 2015, §5), shape `[B]`, without gradient. Memory grows
    /// with `chunk_size · B · D`, not with `K`.
    ///
    /// # Errors
    /// As [`negative_elbo`](Self::negative_elbo); vi-core's
    /// [`InvalidArgument`](vi_core::Error::InvalidArgument) if `num_samples`
    /// or `chunk_size` is below 1.
    fn log_likelihood(&self, images: &Tensor, num_samples: i64, chunk_size: i64) -> Result<Tensor> {
        tch::no_grad(|| {
            let posterior = self.posterior(images)?;
            let prior = self.prior()?;
            Ok(importance_log_likelihood(
                &posterior,
                &prior,
                num_samples,
                chunk_size,
                |z| self.conditional_log_likelihood(images, z),
            )?)
        })
    }

    /// Reconstructions of images `[B, D]`: the mean of `p(x | z)` at one draw
    /// `z ~ q(z|x)`, shape `[B, D]`, without gradient (the tutorial's
    /// `recon_x`).
    ///
    /// # Errors
    /// As [`posterior`](Self::posterior).
    fn reconstruct(&self, images: &Tensor) -> Result<Tensor> {
        tch::no_grad(|| {
            let z = self.posterior(images)?.sample(&[])?;
            self.decode(&z)
        })
    }

    /// `num_samples` images decoded from prior draws `z ~ p(z)`, shape
    /// `[num_samples, D]`, without gradient (the tutorial's
    /// `model.decoder(torch.randn(64, z_dim))`).
    ///
    /// # Errors
    /// vi-core's [`InvalidArgument`](vi_core::Error::InvalidArgument) if
    /// `num_samples` is negative; as [`prior`](Self::prior).
    fn sample_images(&self, num_samples: i64) -> Result<Tensor> {
        if num_samples < 0 {
            return Err(vi_core::Error::InvalidArgument {
                context: "Vae::sample_images",
                name: "num_samples",
                expected: "at least 0",
                found: num_samples.to_string(),
            }
            .into());
        }
        tch::no_grad(|| {
            let z = self.prior()?.sample(&[num_samples])?;
            self.decode(&z)
        })
    }
}

/// [`Vae::log_likelihood_units`] of a model of binarized pixels.
pub const BINARY_UNITS: &str = "nats: log-probability of binarized pixels";

/// `p(z) = N(0, I)` over `latent_dim` dimensions: batch shape `[]`, event
/// shape `[L]`, parameters of `kind` on `device`. Its draws
/// `prior.sample(&[n])` are `Tensor::empty([n, L]).normal_()`, as torch's
/// `torch.randn(n, L)`.
///
/// # Errors
/// vi-core's error for a `kind` that is not floating point.
pub(crate) fn standard_normal_prior(
    latent_dim: i64,
    (kind, device): (Kind, Device),
) -> Result<DiagonalNormal> {
    let zeros = Tensor::zeros([latent_dim], (kind, device));
    Ok(Independent::new(Normal::standard_like(&zeros)?, 1)?)
}

/// `vi_models::vae::mlp::MlpVae` → `MlpVae`, for error messages.
pub(crate) fn short_type_name<T: ?Sized>() -> &'static str {
    let name = std::any::type_name::<T>();
    let path = name.split('<').next().unwrap_or(name);
    path.rsplit("::").next().unwrap_or(path)
}
