//! The convolutional VAE of tutorial 2's second half ("Exponential posterior
//! and a convolutional VAE"): a LeakyReLU/max-pool encoder from 28×28 to a
//! 32×1×1 feature with linear heads for `μ` and `log σ`, a decoder of 3×3
//! convolutions and three bilinear ×2 upsamplings from 1×1 back to 28×28,
//! and a Gaussian observation model with identity covariance on images in
//! `[-1, 1]`.
//!
//! Parameter names are the tutorial's `state_dict` keys (`_encoder.0.weight`,
//! `_mean_model.bias`, `_decoder.13.weight`, …) and the initialization is
//! PyTorch's in the tutorial's module order, so a model built after
//! `tch::manual_seed(s)` equals the tutorial's `VariationalAutoEncoder()`
//! after `torch.manual_seed(s)`.
//!
//! Differences from the tutorial's code, each documented where it lives:
//! - `log q(z|x)` is the density `log N(t; 0, I) − Σ log σ`
//!   ([`change_of_variables_log_q`](super::change_of_variables_log_q)), not
//!   the tutorial's `+|Σ log σ|`;
//! - `log p(z)` is summed over the latent dimensions (the tutorial's sum over
//!   a trailing singleton dimension broadcasts it to an average);
//! - `log p(x|z)` and `log p(z)` include their `−½ log 2π` per dimension, so
//!   the ELBO and the importance-sampled log-likelihood are in nats of the
//!   Gaussian density (the tutorial drops them; they do not change the
//!   gradients).
//!
//! [`GaussianConvVae::tutorial_objective`] computes the tutorial's `elbo` as written.

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};
use vi_core::{Distribution, Estimate, Independent, Normal, kl_divergence};

use super::change_of_variables::tutorial2_log_q;
use super::shapes::{check_draws, check_images, check_latents, decode_rows};
use super::{
    Architecture, DiagonalNormal, ElboEstimator, Objective, Vae, reparameterized_loss,
    standard_normal_prior,
};
use crate::error::{Error, Result};
use crate::layers::conv2d::{Conv2d, ConvShape};
use crate::layers::sequential::{Layer, LayerShape, Sequential};
use crate::layers::torch_linear::torch_linear;

/// Pixels per image: the architecture maps 28×28 to 1×1 and back.
const IMAGE_SIDE: i64 = 28;
const PIXELS: i64 = IMAGE_SIDE * IMAGE_SIDE;
/// Channels of the encoder's last feature map (32×1×1).
const FEATURES: i64 = 32;

/// Settings of a [`GaussianConvVae`]. The default is tutorial 2's: 32 latent
/// dimensions, trained on the Monte Carlo ELBO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GaussianConvVaeConfig {
    /// Size `L` of the latent space (tutorial: 32, the width of the
    /// encoder's feature).
    pub latent_dim: usize,
    /// The ELBO estimate of the training loss (tutorial:
    /// [`ElboEstimator::MonteCarlo`]).
    pub estimator: ElboEstimator,
}

impl Default for GaussianConvVaeConfig {
    fn default() -> Self {
        Self {
            latent_dim: 32,
            estimator: ElboEstimator::MonteCarlo,
        }
    }
}

impl Architecture for GaussianConvVaeConfig {
    const NAME: &'static str = "conv-vae";
}

/// What tutorial 2 prints after each epoch for its one training image:
/// `torch.norm(mean, p=1), torch.mean(torch.exp(log_sigma))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PosteriorSummary {
    /// `‖μ(x)‖₁ = Σⱼ |μⱼ(x)|`.
    pub mean_l1_norm: f64,
    /// `(1/L) Σⱼ σⱼ(x)`.
    pub average_sigma: f64,
}

/// Tutorial 2's convolutional VAE (shapes for one image):
///
/// ```text
/// encoder  [1, 28, 28] → Conv(1→8, 3) → 26 → Conv(8→8, 3) → 24 → MaxPool 2 → 12
///          → Conv(8→16, 3) → 10 → Conv(16→16, 3) → 8 → MaxPool 2 → 4
///          → Conv(16→32, 2) → 3 → Conv(32→32, 2) → 2 → MaxPool 2 → [32, 1, 1]
///          (LeakyReLU(0.01) after every convolution)
/// heads    μ = W_μ h + b_μ,  log σ = W_σ h + b_σ            [L] each
/// decoder  [L, 1, 1] → Conv(L→32, 1) → Upsample ×2 → 2 → Conv(32→16, 3, pad 2) → 4
///          → Conv(16→16, 3, pad 2) → 6 → Upsample ×2 → 12 → Conv(16→8, 3, pad 2) → 14
///          → Conv(8→8, 3, pad 1) → 14 → Upsample ×2 → 28 → Conv(8→1, 3, pad 1) → [1, 28, 28]
///          (LeakyReLU after every convolution but the last; bilinear upsampling)
/// p(x|z) = N(x; decoder(z), I) over the 784 pixels, x in [-1, 1]
/// ```
///
/// The tutorial's layer list is consistent: the encoder ends at exactly
/// 1×1 and the decoder at exactly 28×28 (`tests/vi_models/conv_vae.rs`
/// checks every step).
///
/// Its [`Vae::negative_elbo`] is the configured estimate (by default the
/// Monte Carlo ELBO `log p(x|z) + log p(z) − log q(z|x)` of the tutorial's
/// `elbo`, with the corrections of the module docs); [`Vae::decode`] returns
/// the mean image in `[-1, 1]` (unclamped).
#[derive(Debug)]
pub struct GaussianConvVae {
    config: GaussianConvVaeConfig,
    encoder: Sequential,
    mean_model: nn::Linear,
    log_sigma_model: nn::Linear,
    decoder: Sequential,
    /// Kind and device of the parameters, for the prior's.
    options: (Kind, Device),
}

impl GaussianConvVae {
    /// Creates the parameters under `path`, initialized as PyTorch's
    /// `nn.Conv2d` and `nn.Linear` in the tutorial's order (`_encoder`,
    /// `_mean_model`, `_log_sigma_model`, `_decoder`), from libtorch's
    /// global generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a latent size of 0.
    pub fn new(path: &nn::Path<'_>, config: &GaussianConvVaeConfig) -> Result<Self> {
        let latent_dim = match i64::try_from(config.latent_dim) {
            Ok(size) if size > 0 => size,
            _ => {
                return Err(Error::InvalidConfig {
                    model: "GaussianConvVaeConfig",
                    name: "latent_dim",
                    expected: "a positive size",
                    found: config.latent_dim.to_string(),
                });
            }
        };
        let encoder = encoder(path)?;
        let mean_model = torch_linear(&(path / "_mean_model"), FEATURES, latent_dim)?;
        let log_sigma_model = torch_linear(&(path / "_log_sigma_model"), FEATURES, latent_dim)?;
        let decoder = decoder(path, latent_dim)?;
        Ok(Self {
            config: config.clone(),
            encoder,
            mean_model,
            log_sigma_model,
            decoder,
            options: (path.kind(), path.device()),
        })
    }

    /// The posterior's parameters `(μ, log σ)`, each `[B, L]`, for images
    /// `[B, 784]` in `[-1, 1]`: the tutorial's `encoder`.
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape; [`Error::Torch`]
    /// for another device or dtype.
    pub fn encode_log_scale(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        let feature = self.feature(images, "GaussianConvVae::encode_log_scale")?;
        Ok((
            self.mean_model.forward(&feature),
            self.log_sigma_model.forward(&feature),
        ))
    }

    /// The posterior's parameters as the other models give them,
    /// `(μ, log σ²) = (μ, 2 log σ)`, each `[B, L]`; see
    /// [`encode_log_scale`](Self::encode_log_scale) for the tutorial's
    /// `(μ, log σ)`.
    ///
    /// # Errors
    /// As [`encode_log_scale`](Self::encode_log_scale).
    pub fn encode(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        let (mean, log_sigma) = self.encode_log_scale(images)?;
        Ok((mean, log_sigma * 2.0))
    }

    /// What tutorial 2 prints after each epoch for one image `[784]` or
    /// `[1, 784]` in `[-1, 1]`: the L1 norm of `μ(x)` and the average of
    /// `σ(x)`, without gradient.
    ///
    /// # Errors
    /// [`Error::InputShape`] for anything but one image.
    pub fn posterior_summary(&self, image: &Tensor) -> Result<PosteriorSummary> {
        let size = image.size();
        if !(size == [PIXELS] || size == [1, PIXELS]) {
            return Err(Error::InputShape {
                context: "GaussianConvVae::posterior_summary",
                name: "image",
                expected: format!("[{PIXELS}] or [1, {PIXELS}]"),
                found: size,
            });
        }
        tch::no_grad(|| {
            let (mean, log_sigma) = self.encode_log_scale(&image.f_reshape([1, PIXELS])?)?;
            Ok(PosteriorSummary {
                mean_l1_norm: mean.abs().sum(Kind::Double).double_value(&[]),
                average_sigma: log_sigma.exp().mean(Kind::Double).double_value(&[]),
            })
        })
    }

    /// The tutorial's `elbo(data)` exactly as written, a scalar to maximize
    /// (its training loss is the negative), for images `[B, 784]`; draws
    /// `t ~ N(0, I)` `[B, L]` from libtorch's global generator as the
    /// tutorial's `MultivariateNormal(0, I).sample((B,))` does:
    ///
    /// ```text
    /// z = μ + exp(log σ) ⊙ t
    /// a_k  = −½ Σ_d (x_kd − decoder(z_k)_d)²            (no −½ log 2π)
    /// b_ij = −½ z_ij²                                  (summed over a [B, L, 1, 1] singleton)
    /// c_k  = log N(t_k; 0, I) + |Σ_j log σ_kj|         (tutorial2_log_q)
    /// objective = mean over (i, j, k) of a_k + b_ij − c_k    ([B] + [B, L, 1] broadcasts to [B, L, B])
    ///           = mean_k(a_k − c_k) + (1/L) mean_i Σ_j b_ij
    /// ```
    ///
    /// Compared with the Monte Carlo ELBO at the same draw it lacks the
    /// `−½ log 2π` of the 784 pixels and of the `L` latent dimensions,
    /// averages `log p(z)` over the latent dimensions instead of summing it,
    /// and subtracts `2 max(Σ_j log σ_j, 0)` more per example through the
    /// sign error in `log q`.
    ///
    /// # Errors
    /// As [`encode_log_scale`](Self::encode_log_scale).
    pub fn tutorial_objective(&self, images: &Tensor) -> Result<Tensor> {
        let (mean, log_sigma) = self.encode_log_scale(images)?;
        let batch = mean.size()[0];
        let latent = self.latent_dim();
        let noise = Tensor::empty([batch, latent], (mean.kind(), mean.device())).normal_(0.0, 1.0);
        let z = &mean + log_sigma.exp() * &noise;
        let output = self.decoder.forward(&z.view([batch, latent, 1, 1]))?;
        let log_p_x = ((images.f_reshape([batch, 1, IMAGE_SIDE, IMAGE_SIDE])? - output).square()
            * -0.5)
            .sum_dim_intlist([-1, -2, -3].as_slice(), false, None::<Kind>);
        let log_p_z = (z.square() * -0.5).view([batch, latent, 1]);
        let log_q = tutorial2_log_q(&noise, &log_sigma)?;
        let terms = log_p_x.view([1, 1, batch]) + log_p_z - log_q.view([1, 1, batch]);
        Ok(terms.mean(Kind::Float))
    }

    /// The output shape of every layer for images `[B, 784]`: the encoder,
    /// the heads, then the decoder applied to `μ` (what Keras's
    /// `model.summary()` lists).
    ///
    /// # Errors
    /// As [`encode_log_scale`](Self::encode_log_scale).
    pub fn layer_shapes(&self, images: &Tensor) -> Result<Vec<LayerShape>> {
        check_images("GaussianConvVae::layer_shapes", images, PIXELS)?;
        tch::no_grad(|| {
            let mut shapes = Vec::new();
            let input = images.f_reshape([-1, 1, IMAGE_SIDE, IMAGE_SIDE])?;
            let feature = self.encoder.forward_traced(&input, &mut shapes)?;
            let feature = feature.flatten(1, -1);
            let mean = self.mean_model.forward(&feature);
            shapes.push(LayerShape {
                layer: "_mean_model Linear".into(),
                shape: mean.size(),
            });
            let log_sigma = self.log_sigma_model.forward(&feature);
            shapes.push(LayerShape {
                layer: "_log_sigma_model Linear".into(),
                shape: log_sigma.size(),
            });
            let z = mean.unsqueeze(-1).unsqueeze(-1);
            let _mean_image = self.decoder.forward_traced(&z, &mut shapes)?;
            Ok(shapes)
        })
    }

    /// The encoder's feature `[B, 32]` for checked images.
    fn feature(&self, images: &Tensor, context: &'static str) -> Result<Tensor> {
        check_images(context, images, PIXELS)?;
        let input = images.f_reshape([-1, 1, IMAGE_SIDE, IMAGE_SIDE])?;
        Ok(self.encoder.forward(&input)?.f_flatten(1, -1)?)
    }

    /// The decoder's mean images `[N, 784]` for latents `[N, L]`.
    fn mean_images(&self, z: &Tensor) -> std::result::Result<Tensor, tch::TchError> {
        let count = z.size()[0];
        let output = self
            .decoder
            .forward(&z.f_view([count, self.latent_dim(), 1, 1])?)?;
        output.f_view([count, PIXELS])
    }
}

/// The tutorial's `_encoder`, indices as in its `nn.Sequential`.
fn encoder(path: &nn::Path<'_>) -> Result<Sequential, tch::TchError> {
    let mut encoder = Sequential::new("_encoder");
    let blocks = [(1, 8, 3), (8, 16, 3), (16, 32, 2)];
    for (in_channels, out_channels, kernel) in blocks {
        for input in [in_channels, out_channels] {
            let shape = ConvShape::unit_stride(kernel, 0);
            let conv = Conv2d::torch(&encoder.next_path(path), input, out_channels, shape)?;
            encoder.push(Layer::Conv2d(conv));
            encoder.push(Layer::LeakyRelu);
        }
        encoder.push(Layer::MaxPool2d(2));
    }
    Ok(encoder)
}

/// The tutorial's `_decoder` with `latent_dim` input channels (32 in the
/// tutorial), indices as in its `nn.Sequential`.
fn decoder(path: &nn::Path<'_>, latent_dim: i64) -> Result<Sequential, tch::TchError> {
    let mut decoder = Sequential::new("_decoder");
    let conv = |decoder: &mut Sequential, input, output, kernel, padding| {
        let shape = ConvShape::unit_stride(kernel, padding);
        let conv = Conv2d::torch(&decoder.next_path(path), input, output, shape)?;
        decoder.push(Layer::Conv2d(conv));
        Ok::<(), tch::TchError>(())
    };
    conv(&mut decoder, latent_dim, 32, 1, 0)?;
    decoder.push(Layer::LeakyRelu);
    decoder.push(Layer::UpsampleBilinear2x);
    conv(&mut decoder, 32, 16, 3, 2)?;
    decoder.push(Layer::LeakyRelu);
    conv(&mut decoder, 16, 16, 3, 2)?;
    decoder.push(Layer::LeakyRelu);
    decoder.push(Layer::UpsampleBilinear2x);
    conv(&mut decoder, 16, 8, 3, 2)?;
    decoder.push(Layer::LeakyRelu);
    conv(&mut decoder, 8, 8, 3, 1)?;
    decoder.push(Layer::LeakyRelu);
    decoder.push(Layer::UpsampleBilinear2x);
    conv(&mut decoder, 8, 1, 3, 1)?;
    Ok(decoder)
}

impl Vae for GaussianConvVae {
    type Config = GaussianConvVaeConfig;
    type Posterior = DiagonalNormal;
    type Prior = DiagonalNormal;

    fn build(path: &nn::Path<'_>, config: &GaussianConvVaeConfig) -> Result<Self> {
        Self::new(path, config)
    }

    fn loss(&self, images: &Tensor, objective: &Objective) -> Result<Estimate> {
        reparameterized_loss(self, images, objective)
    }

    fn config(&self) -> &GaussianConvVaeConfig {
        &self.config
    }

    fn latent_dim(&self) -> i64 {
        self.config.latent_dim as i64
    }

    fn device(&self) -> Device {
        self.options.1
    }

    /// `N(μ, diag σ²)` built from `log σ` directly, so that `σ = exp(log σ)`
    /// is computed as in the tutorial.
    fn posterior(&self, images: &Tensor) -> Result<DiagonalNormal> {
        let (mean, log_sigma) = self.encode_log_scale(images)?;
        Ok(Independent::new(
            Normal::from_log_scale(&mean, &log_sigma)?,
            1,
        )?)
    }

    /// `N(0, I)`, the tutorial's `MultivariateNormal(0, I)`.
    fn prior(&self) -> Result<DiagonalNormal> {
        standard_normal_prior(self.latent_dim(), self.options)
    }

    /// The configuration's (tutorial: [`ElboEstimator::MonteCarlo`]).
    fn estimator(&self) -> ElboEstimator {
        self.config.estimator
    }

    /// `KL(N(μ, diag σ²) ‖ N(0, I))` in closed form.
    fn analytic_kl(&self, posterior: &DiagonalNormal, prior: &DiagonalNormal) -> Result<Tensor> {
        Ok(kl_divergence(posterior, prior)?)
    }

    /// `log N(x; decoder(z), I) = −½ Σ_d (x_d − decoder(z)_d)² − 392 log 2π`.
    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        let context = "GaussianConvVae::conditional_log_likelihood";
        check_draws(context, images, z, self.latent_dim(), PIXELS)?;
        let means = decode_rows(z, self.latent_dim(), PIXELS, |rows| self.mean_images(rows))?;
        let likelihood = Normal::new(&means, &means.ones_like())?;
        Independent::new(likelihood, 1)?.log_prob(images)
    }

    /// Its decoder is `_decoder`, named as the tutorial's module.
    fn is_generative_parameter(&self, name: &str) -> bool {
        name.starts_with("_decoder")
    }

    fn log_likelihood_units(&self) -> &'static str {
        "nats: log-density of pixel intensities scaled to [-1, 1] under unit-variance \
         Gaussians (not comparable with a Bernoulli model's log-probabilities)"
    }

    fn decode(&self, z: &Tensor) -> Result<Tensor> {
        check_latents("GaussianConvVae::decode", z, self.latent_dim())?;
        Ok(decode_rows(z, self.latent_dim(), PIXELS, |rows| {
            self.mean_images(rows)
        })?)
    }
}
