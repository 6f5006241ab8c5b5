//! Variational autoencoders (Kingma & Welling 2014; Rezende et al. 2014):
//! the [`Vae`] interface that the trainer and the evaluations work through,
//! and the models of the tutorials that implement it.
//!
//! Every density, KL divergence and bound comes from vi-core; a model only
//! supplies its encoder (`q(z|x) = N(μ(x), diag exp(log σ²(x)))`) and its
//! observation model `p(x|z)`.

mod change_of_variables;
mod conv_gaussian;
mod cvae;
mod mlp;
mod shapes;

pub use change_of_variables::{change_of_variables_log_q, tutorial2_log_q};
pub use conv_gaussian::{ConvVae, ConvVaeConfig, PosteriorSummary};
pub use cvae::{Cvae, CvaeConfig};
pub use mlp::{MlpVae, MlpVaeConfig};

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor, nn};
use vi_core::{
    Distribution, Independent, Normal, analytic_kl_elbo, importance_log_likelihood,
    monte_carlo_elbo,
};

use crate::error::Result;

/// Which single-sample estimate of the ELBO a model trains on. Both are
/// unbiased estimates of the same bound for a Gaussian posterior and a
/// standard-Normal prior; they differ in variance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElboEstimator {
    /// `log p(x|z) + log p(z) − log q(z|x)` at one reparameterized draw `z`
    /// (Kingma & Welling 2014, estimator A, eq. 6): tutorial 4's
    /// `compute_loss` and tutorial 2's `elbo`. Needs no closed-form KL.
    MonteCarlo,
    /// `log p(x|z) − KL(q(z|x) ‖ p(z))` with the KL in closed form
    /// (estimator B, eq. 7; tutorial 3): the same expectation with the
    /// KL's sampling noise removed.
    AnalyticKl,
}

/// A model configuration that checkpoints record and compare: a stable
/// architecture name and the fields that fix the parameters' shapes.
pub trait Architecture: Serialize + DeserializeOwned + Clone + PartialEq + Debug {
    /// The name stored in checkpoints, e.g. `"mlp-vae"`; a checkpoint whose
    /// name differs is refused.
    const NAME: &'static str;
}

/// A VAE with a diagonal-Gaussian posterior and a standard-Normal prior
/// `p(z) = N(0, I)`, over images handed out as vi-data does: `[B, D]`
/// (`D = 784` for MNIST; convolutional models view them as `[B, 1, 28, 28]`).
///
/// The required methods describe the model; the provided ones are the
/// estimators built from them with vi-core, which a model may override (a
/// Monte Carlo ELBO instead of the analytic-KL one, for instance).
pub trait Vae: Debug {
    /// The configuration type, recorded in checkpoints.
    type Config: Architecture;

    /// Creates the model's parameters under `path`, freshly initialized
    /// from libtorch's global generator: the constructor that trainers and
    /// checkpoints call.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for a
    /// configuration out of range.
    fn build(path: &nn::Path<'_>, config: &Self::Config) -> Result<Self>
    where
        Self: Sized;

    /// The configuration the model was built from.
    fn config(&self) -> &Self::Config;

    /// Size `L` of the latent space.
    fn latent_dim(&self) -> i64;

    /// Device of the parameters.
    fn device(&self) -> Device;

    /// The posterior's parameters `(μ, log σ²)`, each `[B, L]`, for images
    /// `[B, D]`.
    ///
    /// # Errors
    /// [`Error::InputShape`](crate::Error::InputShape) for images of another
    /// shape; [`Error::Torch`](crate::Error::Torch) for another device or
    /// dtype.
    fn encode(&self, images: &Tensor) -> Result<(Tensor, Tensor)>;

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
    /// ([`ConvVae`]: `[-1, 1]`, not clamped; `vi_data::PixelRange::to_unit_interval`
    /// maps it to `[0, 1]` for display).
    ///
    /// # Errors
    /// [`Error::InputShape`](crate::Error::InputShape) if the last dimension
    /// is not `L`.
    fn decode(&self, z: &Tensor) -> Result<Tensor>;

    /// The approximate posterior `q(z|x) = N(μ, diag σ²)` for images
    /// `[B, D]`: batch shape `[B]`, event shape `[L]`.
    ///
    /// # Errors
    /// As [`encode`](Self::encode); vi-core's
    /// [`InvalidParameter`](vi_core::Error::InvalidParameter) if the encoder's
    /// outputs are not finite.
    fn posterior(&self, images: &Tensor) -> Result<Independent<Normal>> {
        let (mean, log_var) = self.encode(images)?;
        Ok(Independent::new(Normal::from_log_var(&mean, &log_var)?, 1)?)
    }

    /// Per-example negative ELBO, shape `[B]`: the training loss before its
    /// batch mean. By default one reparameterized sample and the KL in
    /// closed form (Kingma & Welling 2014, estimator B, eq. 7; tutorial 3's
    /// `loss_func` before its batch mean); models whose configuration picks
    /// an [`ElboEstimator`] override it with
    /// [`negative_elbo_with`](Self::negative_elbo_with):
    ///
    /// `−L(x) = −log p(x | z) + KL(q(z|x) ‖ N(0, I))`, `z = μ + σ ε`,
    /// `ε ~ N(0, I)` drawn from libtorch's global generator.
    ///
    /// Differentiable in the parameters; the training loss is its batch mean.
    ///
    /// # Errors
    /// As [`posterior`](Self::posterior) and
    /// [`conditional_log_likelihood`](Self::conditional_log_likelihood).
    fn negative_elbo(&self, images: &Tensor) -> Result<Tensor> {
        self.negative_elbo_with(images, ElboEstimator::AnalyticKl)
    }

    /// Per-example negative ELBO, shape `[B]`, by the chosen `estimator`
    /// with one reparameterized draw `z = μ + σ ε`, `ε ~ N(0, I)` from
    /// libtorch's global generator (the same draws for both estimators):
    ///
    /// - [`ElboEstimator::MonteCarlo`]: `−[log p(x|z) + log p(z) − log q(z|x)]`;
    /// - [`ElboEstimator::AnalyticKl`]: `−log p(x|z) + KL(q(z|x) ‖ N(0, I))`.
    ///
    /// Differentiable in the parameters.
    ///
    /// # Errors
    /// As [`negative_elbo`](Self::negative_elbo).
    fn negative_elbo_with(&self, images: &Tensor, estimator: ElboEstimator) -> Result<Tensor> {
        let posterior = self.posterior(images)?;
        let prior = Independent::new(Normal::standard_like(posterior.base().loc())?, 1)?;
        let log_likelihood = |z: &Tensor| self.conditional_log_likelihood(images, z);
        let elbo = match estimator {
            ElboEstimator::MonteCarlo => monte_carlo_elbo(&posterior, &prior, 1, log_likelihood)?,
            ElboEstimator::AnalyticKl => analytic_kl_elbo(&posterior, &prior, 1, log_likelihood)?,
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
            let prior = Independent::new(Normal::standard_like(posterior.base().loc())?, 1)?;
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

    /// `num_samples` images decoded from prior draws `z ~ N(0, I)`, shape
    /// `[num_samples, D]`, without gradient (the tutorial's
    /// `model.decoder(torch.randn(64, z_dim))`).
    ///
    /// # Errors
    /// vi-core's [`InvalidArgument`](vi_core::Error::InvalidArgument) if
    /// `num_samples` is negative.
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
            let shape = [num_samples, self.latent_dim()];
            let zeros = Tensor::zeros(shape, (Kind::Float, self.device()));
            let z = Normal::standard_like(&zeros)?.sample(&[])?;
            self.decode(&z)
        })
    }
}
