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

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};
use vi_core::{Bernoulli, Distribution, Independent, Normal, kl_divergence};

use super::shapes::{check_draws, check_images, check_latents};
use super::{Architecture, DiagonalNormal, ElboEstimator, Vae, standard_normal_prior};
use crate::error::{Error, Result};
use crate::layers::torch_linear::torch_linear;

/// Sizes of an [`MlpVae`]. The default is tutorial 3's: 784 inputs, hidden
/// layers of 256 and 128 units, a 2-dimensional latent space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MlpVaeConfig {
    /// Pixels per image `D` (784 for MNIST).
    pub input_dim: usize,
    /// Widths of the encoder's hidden layers, first to last; the decoder
    /// uses them in reverse (tutorial: `[256, 128]`).
    pub hidden_dims: Vec<usize>,
    /// Size `L` of the latent space (tutorial: `z_dim = 2`).
    pub latent_dim: usize,
}

impl Default for MlpVaeConfig {
    fn default() -> Self {
        Self {
            input_dim: 784,
            hidden_dims: vec![256, 128],
            latent_dim: 2,
        }
    }
}

impl Architecture for MlpVaeConfig {
    const NAME: &'static str = "mlp-vae";
}

impl MlpVaeConfig {
    fn validate(&self) -> Result<()> {
        let positive = |name: &'static str, value: usize| {
            if value == 0 || i64::try_from(value).is_err() {
                Err(Error::InvalidConfig {
                    model: "MlpVaeConfig",
                    name,
                    expected: "a positive size",
                    found: value.to_string(),
                })
            } else {
                Ok(())
            }
        };
        positive("input_dim", self.input_dim)?;
        positive("latent_dim", self.latent_dim)?;
        if self.hidden_dims.is_empty() {
            return Err(Error::InvalidConfig {
                model: "MlpVaeConfig",
                name: "hidden_dims",
                expected: "at least one hidden layer",
                found: "[]".to_string(),
            });
        }
        for &width in &self.hidden_dims {
            positive("hidden_dims", width)?;
        }
        Ok(())
    }
}

/// Tutorial 3's VAE, generalized to any number of hidden layers:
///
/// ```text
/// encoder: h = ReLU(W₂ ReLU(W₀ x + b₀) + b₂)       x: [B, D] → h: [B, 128]
///          μ = W_μ h + b_μ,  log σ² = W_v h + b_v    [B, L] each
/// decoder: ℓ = W₄ ReLU(W₂ ReLU(W₀ z + b₀) + b₂) + b₄  z: [..., L] → ℓ: [..., D]
/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(ℓ_d))
/// ```
///
/// Parameters under the path given to [`MlpVae::new`]: `encoder.{0,2}`,
/// `mu`, `logvar`, `decoder.{0,2,4}`, each with `weight` `[out, in]` and
/// `bias` `[out]` (the indices skip the ReLUs, as in `nn.Sequential`).
///
/// Posterior `N(μ, diag exp(log σ²))`, prior `N(0, I)`; its
/// [`Vae::negative_elbo`] is the tutorial's `loss_func` per example (the
/// analytic-KL ELBO); the training loss is its batch mean.
#[derive(Debug)]
pub struct MlpVae {
    config: MlpVaeConfig,
    encoder: Vec<nn::Linear>,
    mu: nn::Linear,
    logvar: nn::Linear,
    decoder: Vec<nn::Linear>,
    /// Kind and device of the parameters, for the prior's.
    options: (Kind, Device),
}

impl MlpVae {
    /// Creates the parameters under `path`, initialized as PyTorch's
    /// `nn.Linear` in the tutorial's order (encoder, `mu`, `logvar`,
    /// decoder), from libtorch's global generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size or no hidden layer.
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
        let encoder = layers(&encoder_path, &encoder_dims)?;
        let last_hidden = hidden[hidden.len() - 1];
        let mu = torch_linear(&(path / "mu"), last_hidden, latent_dim)?;
        let logvar = torch_linear(&(path / "logvar"), last_hidden, latent_dim)?;
        let decoder_path = path / "decoder";
        let decoder_dims: Vec<i64> = std::iter::once(latent_dim)
            .chain(hidden.iter().rev().copied())
            .chain(std::iter::once(input_dim))
            .collect();
        let decoder = layers(&decoder_path, &decoder_dims)?;
        Ok(Self {
            config: config.clone(),
            encoder,
            mu,
            logvar,
            decoder,
            options: (path.kind(), path.device()),
        })
    }

    /// The posterior's parameters `(μ, log σ²)`, each `[B, L]`, for images
    /// `[B, D]`: the tutorial's `encode`.
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape; [`Error::Torch`]
    /// for another device or dtype.
    pub fn encode(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        check_images("MlpVae::encode", images, self.config.input_dim as i64)?;
        let mut h = images.shallow_clone();
        for layer in &self.encoder {
            h = h.f_linear(&layer.ws, layer.bs.as_ref())?.f_relu()?;
        }
        Ok((self.mu.forward(&h), self.logvar.forward(&h)))
    }

    /// Bernoulli logits `ℓ` of `p(x|z)` for latents `[..., L]`, shape
    /// `[..., D]`.
    ///
    /// # Errors
    /// [`Error::InputShape`] if the last dimension is not `L`;
    /// [`Error::Torch`] for another device or dtype.
    pub fn decode_logits(&self, z: &Tensor) -> Result<Tensor> {
        check_latents("MlpVae::decode_logits", z, self.latent_dim())?;
        Ok(self.logits(z)?)
    }

    /// The decoder on checked input: `ReLU` between the layers, none after
    /// the last.
    fn logits(&self, z: &Tensor) -> std::result::Result<Tensor, tch::TchError> {
        let last = self.decoder.len() - 1;
        let mut h = z.shallow_clone();
        for (i, layer) in self.decoder.iter().enumerate() {
            h = h.f_linear(&layer.ws, layer.bs.as_ref())?;
            if i < last {
                h = h.f_relu()?;
            }
        }
        Ok(h)
    }
}

/// `nn.Sequential(Linear, ReLU, Linear, ReLU, …)` without the ReLUs: layer
/// `i` is named `2i`, as PyTorch numbers the modules of the sequence.
fn layers(path: &nn::Path<'_>, dims: &[i64]) -> Result<Vec<nn::Linear>, tch::TchError> {
    dims.windows(2)
        .enumerate()
        .map(|(i, pair)| torch_linear(&(path / (2 * i)), pair[0], pair[1]))
        .collect()
}

impl Vae for MlpVae {
    type Config = MlpVaeConfig;
    type Posterior = DiagonalNormal;
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

    /// `N(μ, diag exp(log σ²))` from [`encode`](MlpVae::encode).
    fn posterior(&self, images: &Tensor) -> Result<DiagonalNormal> {
        let (mean, log_var) = self.encode(images)?;
        Ok(Independent::new(Normal::from_log_var(&mean, &log_var)?, 1)?)
    }

    /// `N(0, I)`.
    fn prior(&self) -> Result<DiagonalNormal> {
        standard_normal_prior(self.latent_dim(), self.options)
    }

    /// The tutorial's: the analytic-KL ELBO.
    fn estimator(&self) -> ElboEstimator {
        ElboEstimator::AnalyticKl
    }

    /// `½ Σⱼ (σⱼ² + μⱼ² − 1 − log σⱼ²)`, the tutorial's `KLD`.
    fn analytic_kl(&self, posterior: &DiagonalNormal, prior: &DiagonalNormal) -> Result<Tensor> {
        Ok(kl_divergence(posterior, prior)?)
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
        Independent::new(Bernoulli::from_logits(&logits)?, 1)?.log_prob(images)
    }

    fn decode(&self, z: &Tensor) -> Result<Tensor> {
        Ok(self.decode_logits(z)?.sigmoid())
    }
}
