//! vi-core's analytic-KL ELBO for any [`Vae`](super::Vae): the model's
//! [`analytic_kl`](super::Vae::analytic_kl) hook computes the KL, and this
//! adapter hands it to `vi_core::analytic_kl_elbo`, which asks the
//! posterior for it through `KlDivergence`. The bound itself (the draw, the
//! shape checks, `mean log p(x|z) − KL`) stays vi-core's.

use tch::{Device, Kind, Tensor};
use vi_core::{Distribution, KlDivergence, Rsample};

/// A posterior together with its KL divergence to the prior, computed
/// beforehand by the model. It is the posterior in every respect but
/// `kl_divergence`, which returns that KL whatever the argument: it is only
/// handed to `analytic_kl_elbo` with the prior the KL was computed against.
#[derive(Debug)]
pub(crate) struct WithKl<'a, Q> {
    posterior: &'a Q,
    kl: Tensor,
}

impl<'a, Q> WithKl<'a, Q> {
    /// `posterior` with `kl = KL(posterior ‖ prior)`, shape `[B]`.
    pub(crate) fn new(posterior: &'a Q, kl: Tensor) -> Self {
        Self { posterior, kl }
    }
}

impl<Q: Distribution> Distribution for WithKl<'_, Q> {
    fn name(&self) -> &'static str {
        self.posterior.name()
    }

    fn batch_shape(&self) -> &[i64] {
        self.posterior.batch_shape()
    }

    fn event_shape(&self) -> &[i64] {
        self.posterior.event_shape()
    }

    fn kind(&self) -> Kind {
        self.posterior.kind()
    }

    fn device(&self) -> Device {
        self.posterior.device()
    }

    fn sample(&self, sample_shape: &[i64]) -> vi_core::Result<Tensor> {
        self.posterior.sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> vi_core::Result<Tensor> {
        self.posterior.log_prob(value)
    }

    fn entropy(&self) -> Tensor {
        self.posterior.entropy()
    }

    fn mean(&self) -> Tensor {
        self.posterior.mean()
    }

    fn variance(&self) -> Tensor {
        self.posterior.variance()
    }

    fn stddev(&self) -> Tensor {
        self.posterior.stddev()
    }
}

impl<Q: Rsample> Rsample for WithKl<'_, Q> {
    fn rsample(&self, sample_shape: &[i64]) -> vi_core::Result<Tensor> {
        self.posterior.rsample(sample_shape)
    }
}

impl<Q, P: ?Sized> KlDivergence<P> for WithKl<'_, Q> {
    fn kl_divergence(&self, _prior: &P) -> vi_core::Result<Tensor> {
        Ok(self.kl.shallow_clone())
    }
}
