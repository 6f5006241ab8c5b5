//! The MLP VAE's posterior: tutorial 3's diagonal Gaussian or the IAF
//! posterior built on it, chosen by the model's configuration, behind one
//! type so that the trainer and the checkpoints handle both.

use tch::{Device, Kind, Tensor};
use vi_core::{Constraint, Detach, Distribution, Result, Rsample};

use crate::vae::DiagonalNormal;
use crate::vae::iaf::IafPosterior;

/// `q(z|x)` of an [`MlpVae`](super::MlpVae): batch shape `[B]`, event shape
/// `[L]`. Every method is the wrapped family's.
#[derive(Debug)]
pub enum MlpPosterior {
    /// `N(μ, diag σ²)` (tutorial 3).
    Gaussian(DiagonalNormal),
    /// The Gaussian pushed through inverse autoregressive flow steps.
    Iaf(IafPosterior),
}

impl MlpPosterior {
    fn inner(&self) -> &dyn Distribution {
        match self {
            Self::Gaussian(q) => q,
            Self::Iaf(q) => q,
        }
    }

    /// The diagonal Gaussian: the posterior itself, or the flow's base.
    pub fn gaussian(&self) -> &DiagonalNormal {
        match self {
            Self::Gaussian(q) => q,
            Self::Iaf(q) => q.base(),
        }
    }
}

impl Distribution for MlpPosterior {
    fn name(&self) -> &'static str {
        self.inner().name()
    }

    fn batch_shape(&self) -> &[i64] {
        self.inner().batch_shape()
    }

    fn event_shape(&self) -> &[i64] {
        self.inner().event_shape()
    }

    fn kind(&self) -> Kind {
        self.inner().kind()
    }

    fn device(&self) -> Device {
        self.inner().device()
    }

    fn support(&self) -> Constraint {
        self.inner().support()
    }

    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.inner().sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        self.inner().log_prob(value)
    }

    fn entropy(&self) -> Result<Tensor> {
        self.inner().entropy()
    }

    fn mean(&self) -> Result<Tensor> {
        self.inner().mean()
    }

    fn variance(&self) -> Result<Tensor> {
        self.inner().variance()
    }

    fn stddev(&self) -> Result<Tensor> {
        self.inner().stddev()
    }

    fn mode(&self) -> Result<Tensor> {
        self.inner().mode()
    }
}

impl Rsample for MlpPosterior {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        match self {
            Self::Gaussian(q) => q.rsample(sample_shape),
            Self::Iaf(q) => q.rsample(sample_shape),
        }
    }
}

impl Detach for MlpPosterior {
    fn detach(&self) -> Self {
        match self {
            Self::Gaussian(q) => Self::Gaussian(q.detach()),
            Self::Iaf(q) => Self::Iaf(q.detach()),
        }
    }
}
