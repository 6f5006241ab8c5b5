//! The categorical distribution over one-hot vectors of length `K`,
//! batched (torch's `OneHotCategorical`): a [`Categorical`] whose draws
//! are coded as rows of the identity matrix.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand};
use crate::distributions::Categorical;
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "OneHotCategorical";

/// `OneHotCategorical(p)` over the one-hot vectors `e_0, …, e_{K−1}`:
/// `P(X = e_k) = p_k`.
///
/// Parameters have shape `batch_shape + [K]`, normalized as
/// [`Categorical`]'s are; the event shape is `[K]`, the support the one-hot
/// vectors (torch's `one_hot`). Draws and enumerated values have the
/// parameters' floating-point type, as torch's do.
///
/// Mass: `log p(e_k) = ℓ_k − logsumexp(ℓ)`; entropy, mean `p` and variance
/// `p (1 − p)` as torch. `log_prob` of a vector that is not one-hot is
/// `−∞`, the true log mass (torch raises when validating and otherwise
/// scores the vector's argmax).
///
/// Not reparameterizable: it has no [`Rsample`](crate::Rsample) impl; see
/// [`OneHotCategoricalStraightThrough`](crate::OneHotCategoricalStraightThrough).
#[derive(Debug)]
pub struct OneHotCategorical {
    categorical: Categorical,
    event_shape: Vec<i64>,
}

impl OneHotCategorical {
    /// From probabilities of shape `batch_shape + [K]` (normalized along
    /// the last dimension).
    ///
    /// # Errors
    /// As [`Categorical::from_probs`].
    pub fn from_probs(probs: &Tensor) -> Result<Self> {
        Ok(Self::from_categorical(Categorical::from_probs(probs)?))
    }

    /// From unnormalized logits of shape `batch_shape + [K]`.
    ///
    /// # Errors
    /// As [`Categorical::from_logits`].
    pub fn from_logits(logits: &Tensor) -> Result<Self> {
        Ok(Self::from_categorical(Categorical::from_logits(logits)?))
    }

    /// The one-hot coding of a [`Categorical`].
    pub fn from_categorical(categorical: Categorical) -> Self {
        let event_shape = vec![categorical.num_events()];
        Self {
            categorical,
            event_shape,
        }
    }

    /// The underlying distribution over class indices.
    pub fn categorical(&self) -> &Categorical {
        &self.categorical
    }

    /// The normalized probabilities, shape `batch_shape + [K]`.
    pub fn probs(&self) -> &Tensor {
        self.categorical.probs()
    }

    /// The normalized logits, shape `batch_shape + [K]`.
    pub fn logits(&self) -> &Tensor {
        self.categorical.logits()
    }

    fn num_events(&self) -> i64 {
        self.event_shape[0]
    }
}

impl Distribution for OneHotCategorical {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        self.categorical.batch_shape()
    }

    fn event_shape(&self) -> &[i64] {
        &self.event_shape
    }

    fn kind(&self) -> Kind {
        self.categorical.kind()
    }

    fn device(&self) -> Device {
        self.categorical.device()
    }

    fn support(&self) -> Constraint {
        Constraint::OneHot
    }

    /// torch: `one_hot(Categorical.sample(sample_shape), K).to(probs)`,
    /// the same generator calls as [`Categorical`]'s `sample`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let indices = self.categorical.sample(sample_shape)?;
        Ok(indices.one_hot(self.num_events()).to_kind(self.kind()))
    }

    /// The shape of `value` without its last dimension, broadcast with
    /// `batch_shape`; `−∞` where `value` is not one-hot.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let one_hot = Constraint::OneHot.check(&value)?;
        let indices = value.argmax(-1, false);
        let log_prob = self.categorical.log_prob(&indices)?;
        Ok(log_prob.masked_fill(&one_hot.logical_not(), f64::NEG_INFINITY))
    }

    fn entropy(&self) -> Result<Tensor> {
        self.categorical.entropy()
    }

    /// `p`.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.probs().shallow_clone())
    }

    /// `p (1 − p)`.
    fn variance(&self) -> Result<Tensor> {
        Ok(self.probs() * (1.0 - self.probs()))
    }

    /// The one-hot vector of the most probable class (the first on ties).
    fn mode(&self) -> Result<Tensor> {
        let mode = self.probs().argmax(-1, false);
        Ok(mode.one_hot(self.num_events()).to_kind(self.kind()))
    }

    /// The rows of the `K × K` identity along a new first dimension: shape
    /// `[K] + batch_shape + [K]` when `expand`, else `[K, 1, …, 1, K]`.
    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        let n = self.num_events();
        let batch = self.batch_shape();
        let view: Vec<i64> = [&[n][..], &vec![1; batch.len()], &[n]].concat();
        let values = Tensor::eye(n, (self.kind(), self.device())).reshape(view.as_slice());
        Ok(if expand {
            values.expand([&[n][..], batch, &[n]].concat(), false)
        } else {
            values
        })
    }
}

impl Expand for OneHotCategorical {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        Ok(Self::from_categorical(
            self.categorical.expand(batch_shape)?,
        ))
    }
}

impl Detach for OneHotCategorical {
    fn detach(&self) -> Self {
        Self::from_categorical(self.categorical.detach())
    }
}
