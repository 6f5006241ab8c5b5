//! [`MlpVaeConfig`]: the MLP VAE's sizes, activation, posterior family and
//! observation model. Every field added after tutorial 3 has a default that
//! is the tutorial's, so checkpoints written before it load unchanged.

use serde::{Deserialize, Serialize};
use tch::TchError;
use tch::Tensor;

use crate::error::{Error, Result};
use crate::vae::Architecture;

/// Sizes and choices of an [`MlpVae`](super::MlpVae). The default is
/// tutorial 3's: 784 inputs, hidden layers of 256 and 128 ReLU units, a
/// 2-dimensional latent space, a diagonal Gaussian posterior and a
/// Bernoulli decoder. Burda et al. 2015's architecture is
/// [`MlpVaeConfig::burda`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpVaeConfig {
    /// Pixels per image `D` (784 for MNIST).
    pub input_dim: usize,
    /// Widths of the encoder's hidden layers, first to last; the decoder
    /// uses them in reverse (tutorial: `[256, 128]`).
    pub hidden_dims: Vec<usize>,
    /// Size `L` of the latent space (tutorial: `z_dim = 2`).
    pub latent_dim: usize,
    /// The hidden layers' nonlinearity (tutorial: ReLU).
    #[serde(default)]
    pub activation: Activation,
    /// The family of `q(z|x)` (tutorial: a diagonal Gaussian).
    #[serde(default)]
    pub posterior: PosteriorConfig,
    /// The observation model `p(x|z)` (tutorial: Bernoulli).
    #[serde(default)]
    pub likelihood: LikelihoodConfig,
}

impl Default for MlpVaeConfig {
    fn default() -> Self {
        Self {
            input_dim: 784,
            hidden_dims: vec![256, 128],
            latent_dim: 2,
            activation: Activation::Relu,
            posterior: PosteriorConfig::Gaussian,
            likelihood: LikelihoodConfig::Bernoulli,
        }
    }
}

impl MlpVaeConfig {
    /// Burda, Grosse & Salakhutdinov 2015's one-stochastic-layer model
    /// (§5, Table 1): 784-200-200-50 with tanh, a diagonal Gaussian
    /// posterior, a Bernoulli decoder 50-200-200-784.
    pub fn burda() -> Self {
        Self {
            input_dim: 784,
            hidden_dims: vec![200, 200],
            latent_dim: 50,
            activation: Activation::Tanh,
            ..Self::default()
        }
    }
}

impl Architecture for MlpVaeConfig {
    const NAME: &'static str = "mlp-vae";
}

/// The nonlinearity of the hidden layers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(x, 0)` (tutorial 3).
    #[default]
    Relu,
    /// `tanh x` (Burda et al. 2015; Kingma & Welling 2014).
    Tanh,
}

impl Activation {
    pub(crate) fn apply(self, x: &Tensor) -> Result<Tensor, TchError> {
        match self {
            Self::Relu => x.f_relu(),
            Self::Tanh => x.f_tanh(),
        }
    }
}

/// The family of the approximate posterior.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PosteriorConfig {
    /// `N(μ(x), diag σ²(x))` (tutorial 3), with the closed-form KL.
    #[default]
    Gaussian,
    /// That Gaussian pushed through `steps` inverse autoregressive flow
    /// steps (Kingma et al. 2016), each a MADE with `hidden_dims` ReLU
    /// units conditioned on the encoder's last hidden layer; trained on the
    /// Monte Carlo ELBO (no closed-form KL).
    Iaf {
        /// Flow steps, at least 1.
        steps: usize,
        /// Widths of each MADE's hidden layers (at least one).
        hidden_dims: Vec<usize>,
    },
}

/// The observation model `p(x|z)`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LikelihoodConfig {
    /// `Π_d Bernoulli(x_d; sigmoid(ℓ_d))` on binarized pixels (tutorial 3);
    /// log-likelihoods are log-probabilities.
    #[default]
    Bernoulli,
    /// `Π_d N(x_d; sigmoid(ℓ_d), σ_d²)` on grey levels in `[0, 1]`
    /// (tutorial 3's "try a different observation distribution");
    /// log-likelihoods are log-densities, in nats but not comparable with
    /// the Bernoulli model's log-probabilities.
    Gaussian {
        /// How `σ` is chosen.
        variance: Variance,
    },
}

/// The Gaussian observation model's standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Variance {
    /// One fixed `σ` for every pixel.
    Fixed {
        /// The standard deviation, positive and finite.
        sigma: f64,
    },
    /// One learned `σ_d` per pixel, a parameter independent of `z`:
    /// `σ_d = σ_min + softplus(ρ_d)` (variable `decoder_scale`, `[D]`,
    /// starting at `ρ = 0`), [`SIGMA_FLOOR`] keeping the density bounded
    /// on pixels that are always 0 (MNIST's border).
    LearnedPerPixel,
    /// One learned `σ` shared by all pixels, as [`LearnedPerPixel`](Self::LearnedPerPixel)
    /// with `decoder_scale` of shape `[1]`.
    LearnedShared,
}

/// `σ_min` of the learned Gaussian observation models: without a floor,
/// pixels that are 0 in every image let `σ → 0` and the density grow
/// without bound.
pub const SIGMA_FLOOR: f64 = 0.01;

impl MlpVaeConfig {
    pub(crate) fn validate(&self) -> Result<()> {
        positive("input_dim", self.input_dim)?;
        positive("latent_dim", self.latent_dim)?;
        nonempty("hidden_dims", &self.hidden_dims)?;
        if let PosteriorConfig::Iaf { steps, hidden_dims } = &self.posterior {
            positive("posterior.steps", *steps)?;
            nonempty("posterior.hidden_dims", hidden_dims)?;
        }
        if let LikelihoodConfig::Gaussian {
            variance: Variance::Fixed { sigma },
        } = self.likelihood
            && !(sigma.is_finite() && sigma > 0.0)
        {
            return Err(invalid(
                "likelihood.variance.sigma",
                "positive and finite",
                sigma.to_string(),
            ));
        }
        Ok(())
    }
}

fn invalid(name: &'static str, expected: &'static str, found: String) -> Error {
    Error::InvalidConfig {
        model: "MlpVaeConfig",
        name,
        expected,
        found,
    }
}

fn positive(name: &'static str, value: usize) -> Result<()> {
    if value == 0 || i64::try_from(value).is_err() {
        Err(invalid(name, "a positive size", value.to_string()))
    } else {
        Ok(())
    }
}

fn nonempty(name: &'static str, widths: &[usize]) -> Result<()> {
    if widths.is_empty() {
        return Err(invalid(name, "at least one hidden layer", "[]".to_string()));
    }
    widths.iter().try_for_each(|&width| positive(name, width))
}
