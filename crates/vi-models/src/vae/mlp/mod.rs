//! The fully connected VAE of tutorial 3 ("Variational Inference Tutorial",
//! binarized MNIST): encoder 784-256-128 with ReLUs and linear heads for `μ`
//! and `log σ²`, decoder `L`-128-256-784 with ReLUs and Bernoulli logits
//! (Kingma & Welling 2014, appendix C.1, with the tutorial's sizes).
//!
//! Parameter names are the tutorial's `state_dict` keys (`encoder.0.weight`,
//! `mu.bias`, `decoder.4.weight`, …), and the initialization is PyTorch's
//! `nn.Linear` one in the tutorial's module order, so a model built after
//! `tch::manual_seed(s)` equals the tutorial's `VAE()` after
//! `torch.manual_seed(s)`.
//!
//! The tutorial's decoder ends in a sigmoid and its loss applies binary
//! cross-entropy to the probabilities; here the decoder returns logits and
//! `log p(x|z)` is computed from them (vi-core's `Bernoulli::from_logits`,
//! `−BCEWithLogits`): the same model, without the `log(sigmoid)` rounding
//! and torch's clamp of the log at −100.

mod config;
mod observation;
mod posterior;

pub use config::{
    Activation, LikelihoodConfig, MlpVaeConfig, PosteriorConfig, SIGMA_FLOOR, Variance,
};
pub use observation::GAUSSIAN_UNITS;
pub use posterior::MlpPosterior;

use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};
use vi_core::{Estimate, Independent, Normal, kl_divergence};

use super::iaf::Iaf;
use super::shapes::{check_draws, check_images, check_latents};
use super::{
    BINARY_UNITS, DiagonalNormal, ElboEstimator, Objective, Vae, reparameterized_loss,
    short_type_name, standard_normal_prior,
};
use crate::error::{Error, Result};
use crate::layers::sequential::linear_chain;
use crate::layers::torch_linear::torch_linear;
use observation::Observation;

/// Tutorial 3's VAE, generalized to any number of hidden layers, either
/// nonlinearity `a` (ReLU or tanh), an IAF posterior and a Gaussian decoder:
///
/// ```text
/// encoder: h = a(W₂ a(W₀ x + b₀) + b₂)             x: [B, D] → h: [B, 128]
///          μ = W_μ h + b_μ,  log σ² = W_v h + b_v    [B, L] each
/// decoder: ℓ = W₄ a(W₂ a(W₀ z + b₀) + b₂) + b₄      z: [..., L] → ℓ: [..., D]
/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(ℓ_d))        (or N(x_d; sigmoid(ℓ_d), σ_d²))
/// ```
///
/// Parameters under the path given to [`MlpVae::new`]: `encoder.{0,2}`,
/// `mu`, `logvar`, `decoder.{0,2,4}`, each with `weight` `[out, in]` and
/// `bias` `[out]` (the indices skip the activations, as in
/// `nn.Sequential`); then, when configured, the flow's MADEs under
/// `iaf.{t}` and the Gaussian decoder's learned scale `decoder_scale`.
///
/// Posterior `N(μ, diag exp(log σ²))` (or that Gaussian pushed through the
/// IAF steps, each conditioned on `h`), prior `N(0, I)`. With the Gaussian
/// posterior the tutorials' objective is the analytic-KL ELBO, tutorial 3's
/// `loss_func` per example; with the flow, the Monte Carlo ELBO.
#[derive(Debug)]
pub struct MlpVae {
    config: MlpVaeConfig,
    encoder: Vec<nn::Linear>,
    mu: nn::Linear,
    logvar: nn::Linear,
    decoder: Vec<nn::Linear>,
    flow: Option<Iaf>,
    observation: Observation,
    /// Kind and device of the parameters, for the prior's.
    options: (Kind, Device),
}

impl MlpVae {
    /// Creates the parameters under `path`, initialized as PyTorch's
    /// `nn.Linear` in the tutorial's order (encoder, `mu`, `logvar`,
    /// decoder), then the flow's, from libtorch's global generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size, no hidden layer, no flow
    /// step or a non-positive fixed `σ`.
    pub fn new(path: &nn::Path<'_>, config: &MlpVaeConfig) -> Result<Self> {
        config.validate()?;
        // Sizes were checked to fit in i64.
        let input_dim = config.input_dim as i64;
        let latent_dim = config.latent_dim as i64;
        let hidden: Vec<i64> = config.hidden_dims.iter().map(|&w| w as i64).collect();

        let encoder_path = path / "encoder";
        let encoder_dims: Vec<i64> = std::iter::once(input_dim)
            .chain(hidden.iter().copied())
            .collect();
        let encoder = linear_chain(&encoder_path, &encoder_dims)?;
        let last_hidden = hidden[hidden.len() - 1];
        let mu = torch_linear(&(path / "mu"), last_hidden, latent_dim)?;
        let logvar = torch_linear(&(path / "logvar"), last_hidden, latent_dim)?;
        let decoder_path = path / "decoder";
        let decoder_dims: Vec<i64> = std::iter::once(latent_dim)
            .chain(hidden.iter().rev().copied())
            .chain(std::iter::once(input_dim))
            .collect();
        let decoder = linear_chain(&decoder_path, &decoder_dims)?;
        let flow = match &config.posterior {
            PosteriorConfig::Gaussian => None,
            PosteriorConfig::Iaf { steps, hidden_dims } => {
                let widths: Vec<i64> = hidden_dims.iter().map(|&w| w as i64).collect();
                Some(Iaf::new(
                    &(path / "iaf"),
                    latent_dim,
                    &widths,
                    last_hidden,
                    *steps,
                )?)
            }
        };
        let observation = Observation::new(path, &config.likelihood, input_dim)?;
        Ok(Self {
            config: config.clone(),
            encoder,
            mu,
            logvar,
            decoder,
            flow,
            observation,
            options: (path.kind(), path.device()),
        })
    }

    /// The posterior's parameters `(μ, log σ²)`, each `[B, L]`, for images
    /// `[B, D]`: the tutorial's `encode` (with an IAF posterior, those of
    /// the flow's base).
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape; [`Error::Torch`]
    /// for another device or dtype.
    pub fn encode(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        let (mean, log_var, _) = self.encode_with_context(images)?;
        Ok((mean, log_var))
    }

    /// `(μ, log σ², h)`: [`encode`](Self::encode) and the encoder's last
    /// hidden layer `h` `[B, H]`, the IAF steps' context.
    fn encode_with_context(&self, images: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
        check_images("MlpVae::encode", images, self.config.input_dim as i64)?;
        let mut h = images.shallow_clone();
        for layer in &self.encoder {
            h = self
                .config
                .activation
                .apply(&h.f_linear(&layer.ws, layer.bs.as_ref())?)?;
        }
        Ok((self.mu.forward(&h), self.logvar.forward(&h), h))
    }

    /// The decoder's last layer `ℓ` for latents `[..., L]`, shape
    /// `[..., D]`: Bernoulli logits, or the Gaussian decoder's mean before
    /// its sigmoid.
    ///
    /// # Errors
    /// [`Error::InputShape`] if the last dimension is not `L`;
    /// [`Error::Torch`] for another device or dtype.
    pub fn decode_logits(&self, z: &Tensor) -> Result<Tensor> {
        check_latents("MlpVae::decode_logits", z, self.latent_dim())?;
        Ok(self.logits(z)?)
    }

    /// The Gaussian decoder's `σ`, `[D]` per pixel or `[1]` shared (without
    /// gradient, float64); `None` for the Bernoulli decoder.
    pub fn observation_sigma(&self) -> Option<Tensor> {
        self.observation.sigma()
    }

    /// The decoder on checked input: the activation between the layers,
    /// none after the last.
    fn logits(&self, z: &Tensor) -> std::result::Result<Tensor, tch::TchError> {
        let last = self.decoder.len() - 1;
        let mut h = z.shallow_clone();
        for (i, layer) in self.decoder.iter().enumerate() {
            h = h.f_linear(&layer.ws, layer.bs.as_ref())?;
            if i < last {
                h = self.config.activation.apply(&h)?;
            }
        }
        Ok(h)
    }
}

impl Vae for MlpVae {
    type Config = MlpVaeConfig;
    type Posterior = MlpPosterior;
    type Prior = DiagonalNormal;

    fn build(path: &nn::Path<'_>, config: &MlpVaeConfig) -> Result<Self> {
        Self::new(path, config)
    }

    fn config(&self) -> &MlpVaeConfig {
        &self.config
    }

    fn latent_dim(&self) -> i64 {
        self.config.latent_dim as i64
    }

    fn device(&self) -> Device {
        self.options.1
    }

    /// `N(μ, diag exp(log σ²))` from [`encode`](MlpVae::encode), pushed
    /// through the flow when there is one.
    fn posterior(&self, images: &Tensor) -> Result<MlpPosterior> {
        let (mean, log_var, context) = self.encode_with_context(images)?;
        let gaussian = Independent::new(Normal::from_log_var(&mean, &log_var)?, 1)?;
        Ok(match &self.flow {
            None => MlpPosterior::Gaussian(gaussian),
            Some(flow) => MlpPosterior::Iaf(flow.posterior(gaussian, &context)?),
        })
    }

    /// `N(0, I)`.
    fn prior(&self) -> Result<DiagonalNormal> {
        standard_normal_prior(self.latent_dim(), self.options)
    }

    fn loss(&self, images: &Tensor, objective: &Objective) -> Result<Estimate> {
        reparameterized_loss(self, images, objective)
    }

    /// The tutorial's, the analytic-KL ELBO, for the Gaussian posterior;
    /// the Monte Carlo ELBO for the flow, which has no closed-form KL.
    fn estimator(&self) -> ElboEstimator {
        match self.flow {
            None => ElboEstimator::AnalyticKl,
            Some(_) => ElboEstimator::MonteCarlo,
        }
    }

    /// `½ Σⱼ (σⱼ² + μⱼ² − 1 − log σⱼ²)`, the tutorial's `KLD`; none for the
    /// flow.
    fn analytic_kl(&self, posterior: &MlpPosterior, prior: &DiagonalNormal) -> Result<Tensor> {
        match posterior {
            MlpPosterior::Gaussian(q) => Ok(kl_divergence(q, prior)?),
            MlpPosterior::Iaf(q) => Err(Error::NoClosedFormKl {
                model: short_type_name::<Self>(),
                posterior: vi_core::Distribution::name(q),
                prior: vi_core::Distribution::name(prior),
            }),
        }
    }

    /// The posterior mean for the Gaussian; for the flow, the steps applied
    /// to the base's mean ([`IafPosterior::pushed_mean`](crate::IafPosterior::pushed_mean)).
    fn latent_location(&self, images: &Tensor) -> Result<Tensor> {
        tch::no_grad(|| match self.posterior(images)? {
            MlpPosterior::Gaussian(q) => Ok(vi_core::Distribution::mean(&q)?),
            MlpPosterior::Iaf(q) => Ok(q.pushed_mean()?),
        })
    }

    fn log_likelihood_units(&self) -> &'static str {
        match self.config.likelihood {
            LikelihoodConfig::Bernoulli => BINARY_UNITS,
            LikelihoodConfig::Gaussian { .. } => GAUSSIAN_UNITS,
        }
    }

    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        let context = "MlpVae::conditional_log_likelihood";
        check_draws(
            context,
            images,
            z,
            self.latent_dim(),
            self.config.input_dim as i64,
        )?;
        let logits = self.logits(z)?;
        self.observation.log_prob(&logits, images)
    }

    /// Pixel probabilities (Bernoulli) or the mean grey levels (Gaussian):
    /// `sigmoid(ℓ)` for both.
    fn decode(&self, z: &Tensor) -> Result<Tensor> {
        Ok(Observation::mean(&self.decode_logits(z)?))
    }
}
