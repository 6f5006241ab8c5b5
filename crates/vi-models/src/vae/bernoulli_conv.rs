//! The convolutional VAE of tutorial 4 ("ELBO theory and the TensorFlow
//! CVAE"), from TensorFlow's "Convolutional Variational Autoencoder"
//! tutorial: two strided convolutions and a dense layer to the posterior's
//! mean and log-variance, a dense layer and three transposed convolutions
//! back to Bernoulli logits, trained on the single-sample Monte Carlo ELBO
//! of its `compute_loss`.
//!
//! The Keras layers are written in PyTorch's terms (see `keras_layers.rs`):
//! `'valid'` convolutions are unpadded, `'same'` transposed convolutions
//! keep TensorFlow's alignment (the full output with the extra row and
//! column dropped at the end), kernels are Glorot-uniform and biases zero as
//! Keras initializes them. Tensors are channels-first, so `Flatten` and
//! `Reshape((7, 7, 32))` order their elements `(c, h, w)` where Keras uses
//! `(h, w, c)`: a fixed permutation of the dense layers' weights, which
//! changes neither the model family nor the initial distribution.
//!
//! Parameter names are those of the equivalent `nn.Sequential`s:
//! `encoder.{0,2,5}` and `decoder.{0,3,5,7}`.

use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor, nn};
use vi_core::{Bernoulli, Distribution, Estimate, Independent, Normal, kl_divergence};

use super::shapes::{check_draws, check_images, check_latents, decode_rows};
use super::{
    Architecture, DiagonalNormal, ElboEstimator, Objective, Vae, reparameterized_loss,
    standard_normal_prior,
};
use crate::error::{Error, Result};
use crate::layers::keras_layers::{ConvTranspose2dSame, keras_conv2d_valid, keras_dense};
use crate::layers::sequential::{Layer, LayerShape, Sequential};

const IMAGE_SIDE: i64 = 28;
const PIXELS: i64 = IMAGE_SIDE * IMAGE_SIDE;
/// The encoder's last feature map: 64 channels of 6×6 (28 → 13 → 6).
const ENCODER_FEATURES: i64 = 64 * 6 * 6;
/// The decoder's first feature map: 32 channels of 7×7.
const DECODER_CHANNELS: i64 = 32;
const DECODER_SIDE: i64 = 7;
/// Latents decoded at once. The decoder's feature maps for `n` rows take
/// `n × 64 × 15 × 15` floats (57 KiB a row); an importance-sampled
/// log-likelihood decodes `chunk × batch` rows (3,200 by default), whose
/// maps (180 MiB) fall out of every cache: decoded 64 rows at a time, the
/// same work ran 2.8× as fast (2-core AMD EPYC, libtorch 2.13). Training
/// batches of 32 are decoded in one piece.
const DECODE_ROWS: i64 = 64;

/// Settings of a [`BernoulliConvVae`]. The default is tutorial 4's: 10 latent
/// dimensions, trained on the single-sample Monte Carlo ELBO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BernoulliConvVaeConfig {
    /// Size `L` of the latent space (tutorial 4: `latent_dim = 10`;
    /// TensorFlow's original uses 2).
    pub latent_dim: usize,
    /// The ELBO estimate of the training loss (tutorial:
    /// [`ElboEstimator::MonteCarlo`], its `compute_loss`).
    pub estimator: ElboEstimator,
}

impl Default for BernoulliConvVaeConfig {
    fn default() -> Self {
        Self {
            latent_dim: 10,
            estimator: ElboEstimator::MonteCarlo,
        }
    }
}

impl Architecture for BernoulliConvVaeConfig {
    const NAME: &'static str = "cvae";
}

/// Tutorial 4's CVAE (shapes for one image, channels first):
///
/// ```text
/// encoder  [1, 28, 28] → Conv(1→32, 3, stride 2, 'valid') → [32, 13, 13] → ReLU
///          → Conv(32→64, 3, stride 2, 'valid') → [64, 6, 6] → ReLU → Flatten [2304]
///          → Dense(2304 → 2L) → split: μ = first L, log σ² = last L
/// decoder  [L] → Dense(L → 7·7·32) → ReLU → [32, 7, 7]
///          → ConvTranspose(32→64, 3, stride 2, 'same') → [64, 14, 14] → ReLU
///          → ConvTranspose(64→32, 3, stride 2, 'same') → [32, 28, 28] → ReLU
///          → ConvTranspose(32→1, 3, stride 1, 'same') → logits [1, 28, 28]
/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(logit_d)), x binarized (pixel > 0.5)
/// ```
///
/// Its [`Vae::negative_elbo`] is the configured estimate (by default the
/// tutorial's `compute_loss` per example:
/// `−[log p(x|z) + log p(z) − log q(z|x)]` at one draw); [`Vae::decode`]
/// returns pixel probabilities.
#[derive(Debug)]
pub struct BernoulliConvVae {
    config: BernoulliConvVaeConfig,
    encoder: Sequential,
    decoder: Sequential,
    /// Kind and device of the parameters, for the prior's.
    options: (Kind, Device),
}

impl BernoulliConvVae {
    /// Creates the parameters under `path` in Keras's build order (encoder
    /// layers, then decoder layers; each kernel, then its bias), kernels
    /// drawn from libtorch's global generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a latent size of 0.
    pub fn new(path: &nn::Path<'_>, config: &BernoulliConvVaeConfig) -> Result<Self> {
        let latent_dim = match i64::try_from(config.latent_dim) {
            Ok(size) if size > 0 => size,
            _ => {
                return Err(Error::InvalidConfig {
                    model: "BernoulliConvVaeConfig",
                    name: "latent_dim",
                    expected: "a positive size",
                    found: config.latent_dim.to_string(),
                });
            }
        };
        let mut encoder = Sequential::new("encoder");
        for (input, output) in [(1, 32), (32, 64)] {
            let conv = keras_conv2d_valid(&encoder.next_path(path), input, output, 3, 2)?;
            encoder.push(Layer::Conv2d(conv));
            encoder.push(Layer::Relu);
        }
        encoder.push(Layer::Flatten);
        let dense = keras_dense(&encoder.next_path(path), ENCODER_FEATURES, 2 * latent_dim)?;
        encoder.push(Layer::Linear(dense));

        let mut decoder = Sequential::new("decoder");
        let first = DECODER_CHANNELS * DECODER_SIDE * DECODER_SIDE;
        let dense = keras_dense(&decoder.next_path(path), latent_dim, first)?;
        decoder.push(Layer::Linear(dense));
        decoder.push(Layer::Relu);
        decoder.push(Layer::Unflatten(vec![
            DECODER_CHANNELS,
            DECODER_SIDE,
            DECODER_SIDE,
        ]));
        for (input, output, stride) in [(DECODER_CHANNELS, 64, 2), (64, 32, 2), (32, 1, 1)] {
            let conv =
                ConvTranspose2dSame::keras(&decoder.next_path(path), input, output, 3, stride)?;
            decoder.push(Layer::ConvTranspose2dSame(conv));
            if output != 1 {
                decoder.push(Layer::Relu);
            }
        }
        Ok(Self {
            config: config.clone(),
            encoder,
            decoder,
            options: (path.kind(), path.device()),
        })
    }

    /// The tutorial's `encode`: the encoder's `2L` outputs split into
    /// `(μ, log σ²)`, each `[B, L]`, for images `[B, 784]`.
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape; [`Error::Torch`]
    /// for another device or dtype.
    pub fn encode(&self, images: &Tensor) -> Result<(Tensor, Tensor)> {
        check_images("BernoulliConvVae::encode", images, PIXELS)?;
        let input = images.f_reshape([-1, 1, IMAGE_SIDE, IMAGE_SIDE])?;
        let output = self.encoder.forward(&input)?;
        let latent = self.latent_dim();
        Ok((
            output.f_narrow(1, 0, latent)?,
            output.f_narrow(1, latent, latent)?,
        ))
    }

    /// Bernoulli logits of `p(x|z)` for latents `[..., L]`, shape
    /// `[..., 784]`: the tutorial's `decode(z)`.
    ///
    /// # Errors
    /// [`Error::InputShape`] if the last dimension is not `L`;
    /// [`Error::Torch`] for another device or dtype.
    pub fn decode_logits(&self, z: &Tensor) -> Result<Tensor> {
        check_latents("BernoulliConvVae::decode_logits", z, self.latent_dim())?;
        Ok(decode_rows(z, self.latent_dim(), PIXELS, |rows| {
            self.logits(rows)
        })?)
    }

    /// The output shape of every layer for images `[B, 784]`: the encoder,
    /// then the decoder applied to `μ` (what Keras's `model.summary()`
    /// lists).
    ///
    /// # Errors
    /// As [`encode`](Self::encode).
    pub fn layer_shapes(&self, images: &Tensor) -> Result<Vec<LayerShape>> {
        check_images("BernoulliConvVae::layer_shapes", images, PIXELS)?;
        tch::no_grad(|| {
            let mut shapes = Vec::new();
            let input = images.f_reshape([-1, 1, IMAGE_SIDE, IMAGE_SIDE])?;
            let output = self.encoder.forward_traced(&input, &mut shapes)?;
            let mean = output.narrow(1, 0, self.latent_dim());
            let _logits = self.decoder.forward_traced(&mean, &mut shapes)?;
            Ok(shapes)
        })
    }

    /// Logits `[N, 784]` for latents `[N, L]`, decoded [`DECODE_ROWS`] rows
    /// at a time.
    fn logits(&self, z: &Tensor) -> std::result::Result<Tensor, tch::TchError> {
        let count = z.size()[0];
        if count <= DECODE_ROWS {
            return self.decoder.forward(z)?.f_reshape([count, PIXELS]);
        }
        let blocks = z
            .f_split(DECODE_ROWS, 0)?
            .iter()
            .map(|rows| self.decoder.forward(rows)?.f_reshape([-1, PIXELS]))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Tensor::f_cat(&blocks, 0)
    }
}

impl Vae for BernoulliConvVae {
    type Config = BernoulliConvVaeConfig;
    type Posterior = DiagonalNormal;
    type Prior = DiagonalNormal;

    fn build(path: &nn::Path<'_>, config: &BernoulliConvVaeConfig) -> Result<Self> {
        Self::new(path, config)
    }

    fn loss(&self, images: &Tensor, objective: &Objective) -> Result<Estimate> {
        reparameterized_loss(self, images, objective)
    }

    fn config(&self) -> &BernoulliConvVaeConfig {
        &self.config
    }

    fn latent_dim(&self) -> i64 {
        self.config.latent_dim as i64
    }

    fn device(&self) -> Device {
        self.options.1
    }

    /// `N(μ, diag exp(log σ²))` from [`encode`](BernoulliConvVae::encode):
    /// the tutorial's `reparameterize` draws from it.
    fn posterior(&self, images: &Tensor) -> Result<DiagonalNormal> {
        let (mean, log_var) = self.encode(images)?;
        Ok(Independent::new(Normal::from_log_var(&mean, &log_var)?, 1)?)
    }

    /// `N(0, I)`, the tutorial's `log_normal_pdf(z, 0., 0.)`.
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

    /// `−Σ_d BCEWithLogits(logit_d, x_d)`: the tutorial's
    /// `-reduce_sum(sigmoid_cross_entropy_with_logits(...))`.
    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        check_draws(
            "BernoulliConvVae::conditional_log_likelihood",
            images,
            z,
            self.latent_dim(),
            PIXELS,
        )?;
        let logits = decode_rows(z, self.latent_dim(), PIXELS, |rows| self.logits(rows))?;
        Independent::new(Bernoulli::from_logits(&logits)?, 1)?.log_prob(images)
    }

    fn decode(&self, z: &Tensor) -> Result<Tensor> {
        Ok(self.decode_logits(z)?.sigmoid())
    }
}
