//! A VAE with binary latents: an MLP encoder to the log-odds of `L`
//! independent Bernoulli latents, a uniform Bernoulli prior, and an MLP
//! decoder to Bernoulli pixels — the shape of Mnih & Rezende 2016's VIMCO
//! experiments with deterministic hidden layers (784-200-200 → 50 binary
//! units → 200-200-784). Its posterior has no reparameterized sampler, so it
//! trains by score-function estimators (VIMCO, the score-function ELBO), or
//! through the Concrete relaxation of its latents (Maddison, Mnih & Teh
//! 2017; Jang, Gu & Poole 2017), and is always evaluated as the discrete
//! model.

use serde::{Deserialize, Serialize};
use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Estimate, Independent, LogitRelaxedBernoulli, kl_divergence,
};

use super::loss::{check_score_function, reparameterized_estimate, score_function_loss};
use super::mlp::Activation;
use super::shapes::{check_draws, check_images, check_latents};
use super::{Architecture, Objective, Vae};
use crate::error::{Error, Result};
use crate::layers::sequential::linear_chain;
use crate::layers::torch_linear::torch_linear;

/// The Bernoulli latents of a [`BinaryVae`], `Independent` over `[L]`.
pub type BinaryLatents = Independent<Bernoulli>;

/// Sizes of a [`BinaryVae`] and how it trains. The default is
/// 784-200-200 → 50 → 200-200-784 with tanh, trained on the discrete
/// latents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryVaeConfig {
    /// Pixels per image `D` (784 for MNIST).
    pub input_dim: usize,
    /// Widths of the encoder's hidden layers; the decoder's in reverse.
    pub hidden_dims: Vec<usize>,
    /// Number `L` of binary latents.
    pub latent_dim: usize,
    /// The hidden layers' nonlinearity.
    pub activation: Activation,
    /// `None`: train the discrete model by score-function estimators;
    /// `Some`: train its Concrete relaxation by reparameterization (absent
    /// from the JSON form when `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
}

impl Default for BinaryVaeConfig {
    fn default() -> Self {
        Self {
            input_dim: 784,
            hidden_dims: vec![200, 200],
            latent_dim: 50,
            activation: Activation::Tanh,
            relaxation: None,
        }
    }
}

impl Architecture for BinaryVaeConfig {
    const NAME: &'static str = "binary-vae";
}

/// The Concrete relaxation the training objective uses in place of the
/// Bernoulli latents (Maddison et al. 2017, §3.3 and appendix C): in logit
/// space, `y ~ LogitRelaxedBernoulli(λ_q, ℓ(x))` for the posterior and
/// `LogitRelaxedBernoulli(λ_p, 0)` for the prior, the decoder reading
/// `z = sigmoid(y)`:
/// `log w = log p(x | sigmoid(y)) + log p_{λ_p}(y) − log q_{λ_q}(y | x)`.
/// As `λ → 0` the draws become the Bernoulli latents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Relaxation {
    /// `λ_q` of the posterior (default 2/3, Maddison et al.'s suggestion
    /// for binary latents).
    pub posterior_temperature: f64,
    /// `λ_p` of the prior (default 1/2: Maddison et al. found a prior
    /// temperature below the posterior's to work better).
    pub prior_temperature: f64,
}

impl Default for Relaxation {
    fn default() -> Self {
        Self {
            posterior_temperature: 2.0 / 3.0,
            prior_temperature: 0.5,
        }
    }
}

impl BinaryVaeConfig {
    fn validate(&self) -> Result<()> {
        let invalid = |name, expected, found: String| Error::InvalidConfig {
            model: "BinaryVaeConfig",
            name,
            expected,
            found,
        };
        let positive = |name, value: usize| {
            if value == 0 || i64::try_from(value).is_err() {
                Err(invalid(name, "a positive size", value.to_string()))
            } else {
                Ok(())
            }
        };
        positive("input_dim", self.input_dim)?;
        positive("latent_dim", self.latent_dim)?;
        if self.hidden_dims.is_empty() {
            return Err(invalid(
                "hidden_dims",
                "at least one hidden layer",
                "[]".into(),
            ));
        }
        for &width in &self.hidden_dims {
            positive("hidden_dims", width)?;
        }
        if let Some(relaxation) = self.relaxation {
            for (name, temperature) in [
                (
                    "relaxation.posterior_temperature",
                    relaxation.posterior_temperature,
                ),
                ("relaxation.prior_temperature", relaxation.prior_temperature),
            ] {
                if !(temperature.is_finite() && temperature > 0.0) {
                    return Err(invalid(
                        name,
                        "positive and finite",
                        temperature.to_string(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The binary-latent VAE:
///
/// ```text
/// encoder: ℓ = W_ℓ a(W₂ a(W₀ x + b₀) + b₂) + b_ℓ      x: [B, D] → ℓ: [B, L]
/// q(z|x) = Π_j Bernoulli(z_j; sigmoid(ℓ_j)),  p(z) = Π_j Bernoulli(z_j; ½)
/// decoder: η = W₄ a(W₂ a(W₀ z + b₀) + b₂) + b₄      z: [..., L] → η: [..., D]
/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(η_d))
/// ```
///
/// Parameters: `encoder.{0,2}`, `logits`, `decoder.{0,2,4}` (PyTorch's
/// `nn.Linear` initialization, in that order). [`Vae::loss`] is
/// [`score_function_loss`] for the discrete model (so STL, IWAE, DReG and
/// Rényi are refused) and the reparameterized estimators on the Concrete
/// relaxation when [`BinaryVaeConfig::relaxation`] is set; the negative
/// ELBO of the per-epoch test pass and the importance-sampled
/// log-likelihood are always the discrete model's, so relaxed and discrete
/// training compare.
#[derive(Debug)]
pub struct BinaryVae {
    config: BinaryVaeConfig,
    encoder: Vec<nn::Linear>,
    logits: nn::Linear,
    decoder: Vec<nn::Linear>,
    options: (Kind, Device),
}

impl BinaryVae {
    /// Creates the parameters under `path` from libtorch's generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero size, no hidden layer or a
    /// temperature that is not positive.
    pub fn new(path: &nn::Path<'_>, config: &BinaryVaeConfig) -> Result<Self> {
        config.validate()?;
        let input_dim = config.input_dim as i64;
        let latent_dim = config.latent_dim as i64;
        let hidden: Vec<i64> = config.hidden_dims.iter().map(|&w| w as i64).collect();
        let encoder_dims: Vec<i64> = std::iter::once(input_dim)
            .chain(hidden.iter().copied())
            .collect();
        let encoder = linear_chain(&(path / "encoder"), &encoder_dims)?;
        let logits = torch_linear(&(path / "logits"), hidden[hidden.len() - 1], latent_dim)?;
        let decoder_dims: Vec<i64> = std::iter::once(latent_dim)
            .chain(hidden.iter().rev().copied())
            .chain(std::iter::once(input_dim))
            .collect();
        let decoder = linear_chain(&(path / "decoder"), &decoder_dims)?;
        Ok(Self {
            config: config.clone(),
            encoder,
            logits,
            decoder,
            options: (path.kind(), path.device()),
        })
    }

    /// The posterior's log-odds `ℓ` `[B, L]` for images `[B, D]`.
    ///
    /// # Errors
    /// [`Error::InputShape`] for images of another shape.
    pub fn encode(&self, images: &Tensor) -> Result<Tensor> {
        check_images("BinaryVae::encode", images, self.config.input_dim as i64)?;
        let mut h = images.shallow_clone();
        for layer in &self.encoder {
            h = self
                .config
                .activation
                .apply(&h.f_linear(&layer.ws, layer.bs.as_ref())?)?;
        }
        Ok(self.logits.forward(&h))
    }

    /// The decoder's logits `η` `[..., D]` for latents `[..., L]` in
    /// `[0, 1]` (binary, or relaxed).
    fn pixel_logits(&self, z: &Tensor) -> Result<Tensor, tch::TchError> {
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

    /// `log p(x|z)` `[S, B]` for latents `z` `[S, B, L]` in `[0, 1]`.
    fn log_likelihood_at(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        check_draws(
            "BinaryVae::conditional_log_likelihood",
            images,
            z,
            self.latent_dim(),
            self.config.input_dim as i64,
        )?;
        let logits = self.pixel_logits(z)?;
        Independent::new(Bernoulli::from_logits(&logits)?, 1)?.log_prob(images)
    }

    /// The relaxed model's estimate of `objective` (see [`Relaxation`]).
    fn relaxed_loss(
        &self,
        images: &Tensor,
        objective: &Objective,
        relaxation: Relaxation,
    ) -> Result<Estimate> {
        let logits = self.encode(images)?;
        let temperature = |value: f64| Tensor::full([1], value, self.options);
        let posterior = Independent::new(
            LogitRelaxedBernoulli::from_logits(
                &temperature(relaxation.posterior_temperature),
                &logits,
            )?,
            1,
        )?;
        let zeros = Tensor::zeros([self.latent_dim()], self.options);
        let prior = Independent::new(
            LogitRelaxedBernoulli::from_logits(&temperature(relaxation.prior_temperature), &zeros)?,
            1,
        )?;
        reparameterized_estimate(&posterior, &prior, objective, None, |y| {
            self.log_likelihood_at(images, &y.f_sigmoid()?)
        })
    }
}

impl Vae for BinaryVae {
    type Config = BinaryVaeConfig;
    type Posterior = BinaryLatents;
    type Prior = BinaryLatents;

    fn build(path: &nn::Path<'_>, config: &BinaryVaeConfig) -> Result<Self> {
        Self::new(path, config)
    }

    fn config(&self) -> &BinaryVaeConfig {
        &self.config
    }

    fn latent_dim(&self) -> i64 {
        self.config.latent_dim as i64
    }

    fn device(&self) -> Device {
        self.options.1
    }

    /// `Π_j Bernoulli(sigmoid(ℓ_j))`.
    fn posterior(&self, images: &Tensor) -> Result<BinaryLatents> {
        Ok(Independent::new(
            Bernoulli::from_logits(&self.encode(images)?)?,
            1,
        )?)
    }

    /// `Π_j Bernoulli(½)`: batch shape `[]`, event shape `[L]`.
    fn prior(&self) -> Result<BinaryLatents> {
        let zeros = Tensor::zeros([self.latent_dim()], self.options);
        Ok(Independent::new(Bernoulli::from_logits(&zeros)?, 1)?)
    }

    /// The discrete model by the score function, or its relaxation by
    /// reparameterization.
    fn loss(&self, images: &Tensor, objective: &Objective) -> Result<Estimate> {
        match self.config.relaxation {
            None => score_function_loss(self, images, objective),
            Some(relaxation) => self.relaxed_loss(images, objective, relaxation),
        }
    }

    /// The discrete model refuses the objectives that need `rsample`; the
    /// relaxed one takes them all.
    fn check_objective(&self, objective: &Objective) -> Result<()> {
        objective.validate()?;
        match self.config.relaxation {
            None => check_score_function::<Self>(objective, "Independent<Bernoulli>"),
            Some(_) => Ok(()),
        }
    }

    /// The discrete model's one-sample negative ELBO, relaxed training or
    /// not.
    fn negative_elbo(&self, images: &Tensor) -> Result<Tensor> {
        Ok(-score_function_loss(self, images, &Objective::default())?.objective)
    }

    /// `Σ_j KL(Bernoulli(q_j) ‖ Bernoulli(½))`.
    fn analytic_kl(&self, posterior: &BinaryLatents, prior: &BinaryLatents) -> Result<Tensor> {
        Ok(kl_divergence(posterior, prior)?)
    }

    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        self.log_likelihood_at(images, z)
    }

    /// Pixel probabilities `sigmoid(η)`.
    fn decode(&self, z: &Tensor) -> Result<Tensor> {
        check_latents("BinaryVae::decode", z, self.latent_dim())?;
        Ok(self.pixel_logits(z)?.sigmoid())
    }
}
