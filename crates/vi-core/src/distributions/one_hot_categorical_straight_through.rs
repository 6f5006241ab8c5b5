//! [`OneHotCategorical`] with the straight-through gradient estimator
//! (Bengio, Léonard & Courville 2013; torch's
//! `OneHotCategoricalStraightThrough`): one-hot draws whose gradient is
//! that of the probabilities.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::distributions::OneHotCategorical;
use crate::error::Result;

const FAMILY: &str = "OneHotCategoricalStraightThrough";

/// A [`OneHotCategorical`] with an [`Rsample`] whose value is a one-hot
/// draw `x` and whose gradient is that of `p`: `x + (p − stop_grad(p))`
/// (Bengio, Léonard & Courville 2013, "Estimating or propagating gradients
/// through stochastic neurons for conditional computation", §4). The
/// gradient is biased, as the estimator is; every other method is
/// [`OneHotCategorical`]'s.
#[derive(Debug)]
pub struct OneHotCategoricalStraightThrough {
    inner: OneHotCategorical,
}

impl OneHotCategoricalStraightThrough {
    /// From probabilities of shape `batch_shape + [K]`.
    ///
    /// # Errors
    /// As [`Categorical::from_probs`](crate::Categorical::from_probs).
    pub fn from_probs(probs: &Tensor) -> Result<Self> {
        Ok(Self::new(OneHotCategorical::from_probs(probs)?))
    }

    /// From unnormalized logits of shape `batch_shape + [K]`.
    ///
    /// # Errors
    /// As [`Categorical::from_logits`](crate::Categorical::from_logits).
    pub fn from_logits(logits: &Tensor) -> Result<Self> {
        Ok(Self::new(OneHotCategorical::from_logits(logits)?))
    }

    /// Straight-through draws of `inner`.
    pub fn new(inner: OneHotCategorical) -> Self {
        Self { inner }
    }

    /// The distribution without the estimator.
    pub fn inner(&self) -> &OneHotCategorical {
        &self.inner
    }
}

impl Distribution for OneHotCategoricalStraightThrough {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        self.inner.batch_shape()
    }

    fn event_shape(&self) -> &[i64] {
        self.inner.event_shape()
    }

    fn kind(&self) -> Kind {
        self.inner.kind()
    }

    fn device(&self) -> Device {
        self.inner.device()
    }

    fn support(&self) -> Constraint {
        self.inner.support()
    }

    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.inner.sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        self.inner.log_prob(value)
    }

    fn entropy(&self) -> Result<Tensor> {
        self.inner.entropy()
    }

    fn mean(&self) -> Result<Tensor> {
        self.inner.mean()
    }

    fn variance(&self) -> Result<Tensor> {
        self.inner.variance()
    }

    fn mode(&self) -> Result<Tensor> {
        self.inner.mode()
    }

    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        self.inner.enumerate_support(expand)
    }
}

impl Rsample for OneHotCategoricalStraightThrough {
    /// `x + (p − stop_grad(p))` with `x` a one-hot draw (torch's `rsample`:
    /// the same generator calls as `sample`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let draws = self.inner.sample(sample_shape)?;
        let probs = self.inner.probs();
        Ok(draws + (probs - probs.detach()))
    }
}

impl Expand for OneHotCategoricalStraightThrough {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        Ok(Self::new(self.inner.expand(batch_shape)?))
    }
}

impl Detach for OneHotCategoricalStraightThrough {
    fn detach(&self) -> Self {
        Self::new(self.inner.detach())
    }
}
