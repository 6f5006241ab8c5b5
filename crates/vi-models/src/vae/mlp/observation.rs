//! The MLP VAE's observation models `p(x|z)` given the decoder's last layer
//! `ℓ`: tutorial 3's Bernoulli, and the Gaussian of its "try a different
//! observation distribution", with a fixed or learned variance.

use tch::nn::{self, Init};
use tch::{Kind, TchError, Tensor};
use vi_core::{Bernoulli, Distribution, Independent, Normal};

use super::config::{LikelihoodConfig, SIGMA_FLOOR, Variance};

/// Units of a Gaussian MLP VAE's log-likelihoods.
pub const GAUSSIAN_UNITS: &str = "nats: log-density of grey levels in [0, 1] under the Gaussian \
     decoder (a density, not comparable with a Bernoulli model's log-probability of binarized \
     pixels)";

/// `p(x|z)` from the decoder's output `ℓ` `[..., D]`.
#[derive(Debug)]
pub(crate) enum Observation {
    /// `Bernoulli(sigmoid(ℓ))`.
    Bernoulli,
    /// `N(sigmoid(ℓ), σ²)` with `σ` fixed.
    FixedGaussian { sigma: f64 },
    /// `N(sigmoid(ℓ), σ²)`, `σ = σ_min + softplus(ρ)`, `ρ` `[D]` or `[1]`.
    LearnedGaussian { raw_scale: Tensor },
}

impl Observation {
    /// Creates the learned scale, if any, as `path / "decoder_scale"`
    /// (zeros: no draw from the generator).
    pub(crate) fn new(
        path: &nn::Path<'_>,
        config: &LikelihoodConfig,
        input_dim: i64,
    ) -> Result<Self, TchError> {
        Ok(match *config {
            LikelihoodConfig::Bernoulli => Self::Bernoulli,
            LikelihoodConfig::Gaussian {
                variance: Variance::Fixed { sigma },
            } => Self::FixedGaussian { sigma },
            LikelihoodConfig::Gaussian { variance } => {
                let size = if variance == Variance::LearnedShared {
                    1
                } else {
                    input_dim
                };
                Self::LearnedGaussian {
                    raw_scale: path.f_var("decoder_scale", &[size], Init::Const(0.0))?,
                }
            }
        })
    }

    /// `log p(x|z)` summed over the pixels: shape `ℓ`'s without the last
    /// dimension.
    pub(crate) fn log_prob(&self, logits: &Tensor, images: &Tensor) -> vi_core::Result<Tensor> {
        match self {
            Self::Bernoulli => {
                Independent::new(Bernoulli::from_logits(logits)?, 1)?.log_prob(images)
            }
            _ => {
                let mean = logits.f_sigmoid()?;
                let scale = self.scale(&mean)?;
                Independent::new(Normal::new(&mean, &scale)?, 1)?.log_prob(images)
            }
        }
    }

    /// The mean of `p(x|z)`: `sigmoid(ℓ)` for both models.
    pub(crate) fn mean(logits: &Tensor) -> Tensor {
        logits.sigmoid()
    }

    /// `σ` broadcast to `mean`'s shape.
    fn scale(&self, mean: &Tensor) -> Result<Tensor, TchError> {
        let scale = match self {
            Self::Bernoulli => return mean.f_ones_like(),
            Self::FixedGaussian { sigma } => {
                Tensor::f_full([1], *sigma, (mean.kind(), mean.device()))?
            }
            Self::LearnedGaussian { raw_scale } => {
                raw_scale.f_softplus()?.f_add_scalar(SIGMA_FLOOR)?
            }
        };
        scale.f_to_kind(mean.kind())?.f_expand_as(mean)
    }

    /// `σ` per pixel `[D]` or shared `[1]`, without gradient; `None` for the
    /// Bernoulli model.
    pub(crate) fn sigma(&self) -> Option<Tensor> {
        match self {
            Self::Bernoulli => None,
            Self::FixedGaussian { sigma } => Some(Tensor::from_slice(&[*sigma])),
            Self::LearnedGaussian { raw_scale } => {
                Some(tch::no_grad(|| raw_scale.softplus() + SIGMA_FLOOR).to_kind(Kind::Double))
            }
        }
    }
}
