//! The relaxed one-hot categorical (Concrete, Gumbel-softmax) distribution
//! on the simplex (torch's `RelaxedOneHotCategorical`): `exp` of an
//! `ExpRelaxedCategorical`, a reparameterizable stand-in for a one-hot
//! categorical variable (Maddison et al. 2017; Jang et al. 2017).

use tch::Tensor;

use super::transformed_family::no_closed_form;
use super::transformed_family::{delegate_to_transformed, transformed_family};
use super::{ExpRelaxedCategorical, TransformedDistribution};
use crate::constraint::Constraint;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::toolkit;
use crate::transforms::ExpTransform;

const FAMILY: &str = "RelaxedOneHotCategorical";

/// `Y = exp(X)`, `X ~ ExpRelaxedCategorical(λ, ℓ)`:
/// `Y = softmax((ℓ + g)/λ)` with Gumbel noise `g`, points of the
/// `K`-simplex that concentrate on its vertices as `λ → 0`. Batch shape:
/// the parameter's without its last dimension; event shape `[K]`; support
/// the simplex. A [`TransformedDistribution`] by an [`ExpTransform`], as
/// torch defines it.
///
/// Density (change of variables, torch's values):
/// `log p(y) = log p_X(log y) − Σₖ log yₖ`. Values are not checked to lie
/// on the simplex (as torch without validation). Mean, variance, entropy
/// and cdf are not available ([`Error::NotImplemented`](crate::Error::NotImplemented), as torch).
#[derive(Debug)]
pub struct RelaxedOneHotCategorical {
    inner: TransformedDistribution<ExpRelaxedCategorical>,
}

impl RelaxedOneHotCategorical {
    /// From event probabilities (`[.., K]`) and the temperature.
    ///
    /// # Errors
    /// As [`ExpRelaxedCategorical::from_probs`].
    pub fn from_probs(temperature: &Tensor, probs: &Tensor) -> Result<Self> {
        Self::wrap(ExpRelaxedCategorical::from_probs(temperature, probs)?)
    }

    /// From unnormalised log-probabilities (`[.., K]`) and the temperature.
    ///
    /// # Errors
    /// As [`ExpRelaxedCategorical::from_logits`].
    pub fn from_logits(temperature: &Tensor, logits: &Tensor) -> Result<Self> {
        Self::wrap(ExpRelaxedCategorical::from_logits(temperature, logits)?)
    }

    fn wrap(base: ExpRelaxedCategorical) -> Result<Self> {
        Ok(Self {
            inner: TransformedDistribution::new(base, vec![Box::new(ExpTransform)])?,
        })
    }

    /// The temperature `λ`.
    pub fn temperature(&self) -> &Tensor {
        self.inner.base().temperature()
    }

    /// Normalised event probabilities, shape `batch_shape + [K]`.
    pub fn probs(&self) -> &Tensor {
        self.inner.base().probs()
    }

    /// Normalised logits, shape `batch_shape + [K]`.
    pub fn logits(&self) -> &Tensor {
        self.inner.base().logits()
    }

    /// The distribution of `log Y`.
    pub fn base(&self) -> &ExpRelaxedCategorical {
        self.inner.base()
    }

    /// The same distribution as a generic [`TransformedDistribution`].
    pub fn as_transformed(&self) -> &TransformedDistribution<ExpRelaxedCategorical> {
        &self.inner
    }

    /// A reparameterized draw and its log density in one pass (see
    /// [`TransformedDistribution::rsample_with_log_prob`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a negative sample dimension.
    pub fn rsample_with_log_prob(&self, sample_shape: &[i64]) -> Result<(Tensor, Tensor)> {
        self.inner.rsample_with_log_prob(sample_shape)
    }
}

impl Distribution for RelaxedOneHotCategorical {
    delegate_to_transformed!();

    fn event_shape(&self) -> &[i64] {
        self.inner.event_shape()
    }

    fn support(&self) -> Constraint {
        Constraint::Simplex
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        self.inner.log_prob(&value)
    }

    fn entropy(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "entropy")
    }

    fn mean(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "mean")
    }

    fn variance(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "variance")
    }
}

transformed_family!(
    RelaxedOneHotCategorical,
    "`exp` of the base's draw: `softmax((ℓ + g)/λ)` (torch's)."
);
