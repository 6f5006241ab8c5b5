//! Variational autoencoders (Kingma & Welling 2014; Rezende et al. 2014):
//! the [`Vae`] interface that the trainer and the evaluations work through,
//! and the models of the tutorials that implement it.
//!
//! Every density, KL divergence and bound comes from vi-core; a model
//! supplies its approximate posterior `q(z|x)` (any reparameterizable
//! vi-core distribution), its prior `p(z)`, its observation model `p(x|z)`
//! and, when the pair has one, the closed-form `KL(q ‖ p)`.

mod analytic_kl;
mod bernoulli_conv;
mod change_of_variables;
mod gaussian_conv;
mod mlp;
mod shapes;

pub use bernoulli_conv::{BernoulliConvVae, BernoulliConvVaeConfig};
pub use change_of_variables::{change_of_variables_log_q, tutorial2_log_q};
pub use gaussian_conv::{GaussianConvVae, GaussianConvVaeConfig, PosteriorSummary};
pub use mlp::{MlpVae, MlpVaeConfig};

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor, nn};
use vi_core::{
    Distribution, Independent, Normal, Rsample, analytic_kl_elbo_with, importance_log_likelihood,
    monte_carlo_elbo,
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
/// event shape `[L]`, broadcast against the posterior's batch), `log p(x|z)`
/// and the decoder's mean. The provided ones are the estimators built from
/// them with vi-core — the negative ELBO by [`ElboEstimator`], the
/// importance-sampled log-likelihood, reconstructions and prior samples —
/// so a model with a flow posterior or a learned prior gets them all by
/// implementing the required methods (and [`analytic_kl`](Self::analytic_kl)
/// only if its pair has a closed-form KL).
pub trait Vae: Debug {
    /// The configuration type, recorded in checkpoints.
    type Config: Architecture;
    /// The approximate posterior `q(z|x)`, reparameterizable.
    type Posterior: Rsample;
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

    /// The estimate that [`negative_elbo`](Self::negative_elbo) trains on.
    /// By default [`ElboEstimator::MonteCarlo`], which every posterior and
    /// prior support; a model whose pair has a closed-form KL may choose
    /// [`ElboEstimator::AnalyticKl`] (tutorial 3's model does) or read it
    /// from its configuration (tutorials 2 and 4).
    fn estimator(&self) -> ElboEstimator {
        ElboEstimator::MonteCarlo
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

    /// Per-example negative ELBO, shape `[B]`, by the model's
    /// [`estimator`](Self::estimator): the training loss before its batch
    /// mean (tutorial 3's `loss_func`, tutorial 4's `compute_loss`, tutorial
    /// 2's `elbo` with its corrections). Differentiable in the parameters.
    ///
    /// # Errors
    /// As [`negative_elbo_with`](Self::negative_elbo_with).
    fn negative_elbo(&self, images: &Tensor) -> Result<Tensor> {
        self.negative_elbo_with(images, self.estimator())
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
    /// Differentiable in the parameters.
    ///
    /// # Errors
    /// As [`posterior`](Self::posterior), [`prior`](Self::prior) and
    /// [`conditional_log_likelihood`](Self::conditional_log_likelihood);
    /// for the analytic KL, those of [`analytic_kl`](Self::analytic_kl).
    fn negative_elbo_with(&self, images: &Tensor, estimator: ElboEstimator) -> Result<Tensor> {
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
fn short_type_name<T: ?Sized>() -> &'static str {
    let name = std::any::type_name::<T>();
    let path = name.split('<').next().unwrap_or(name);
    path.rsplit("::").next().unwrap_or(path)
}
