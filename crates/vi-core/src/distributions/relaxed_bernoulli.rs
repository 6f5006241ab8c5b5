//! The relaxed Bernoulli (binary Concrete) distribution on `(0, 1)`
//! (torch's `RelaxedBernoulli`): `σ` of a `LogitRelaxedBernoulli`, a
//! reparameterizable stand-in for a Bernoulli variable (Maddison et al.
//! 2017; Jang et al. 2017).

use tch::Tensor;

use super::transformed_family::no_closed_form;
use super::transformed_family::{delegate_to_transformed, transformed_family};
use super::{LogitRelaxedBernoulli, TransformedDistribution};
use crate::constraint::Constraint;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::toolkit;
use crate::transforms::SigmoidTransform;

const FAMILY: &str = "RelaxedBernoulli";

/// `Y = σ(X)`, `X ~ LogitRelaxedBernoulli(λ, ℓ)`: values in `(0, 1)` that
/// concentrate at 0 and 1 as the temperature `λ → 0`. Batch shape: the
/// parameter's; event shape `[]`; support `[0, 1]`. A
/// [`TransformedDistribution`] by a [`SigmoidTransform`], as torch
/// defines it.
///
/// Density (change of variables, torch's values): `log p(y) =
/// log p_X(logit y) − log σ'(logit y)`, with `y` clamped into
/// `[tiny, 1 − ε]` by the sigmoid's inverse. Values outside `[0, 1]` get
/// `−∞` (torch: the density of the clamped value). Mean, variance,
/// entropy and cdf are not available ([`Error::NotImplemented`](crate::Error::NotImplemented), as torch).
#[derive(Debug)]
pub struct RelaxedBernoulli {
    inner: TransformedDistribution<LogitRelaxedBernoulli>,
}

impl RelaxedBernoulli {
    /// From the probability of a one and the temperature.
    ///
    /// # Errors
    /// As [`LogitRelaxedBernoulli::from_probs`].
    pub fn from_probs(temperature: &Tensor, probs: &Tensor) -> Result<Self> {
        Self::wrap(LogitRelaxedBernoulli::from_probs(temperature, probs)?)
    }

    /// From the log-odds of a one and the temperature.
    ///
    /// # Errors
    /// As [`LogitRelaxedBernoulli::from_logits`].
    pub fn from_logits(temperature: &Tensor, logits: &Tensor) -> Result<Self> {
        Self::wrap(LogitRelaxedBernoulli::from_logits(temperature, logits)?)
    }

    fn wrap(base: LogitRelaxedBernoulli) -> Result<Self> {
        Ok(Self {
            inner: TransformedDistribution::new(base, vec![Box::new(SigmoidTransform)])?,
        })
    }

    /// The temperature `λ`.
    pub fn temperature(&self) -> &Tensor {
        self.inner.base().temperature()
    }

    /// Probability of a one, shape `batch_shape`.
    pub fn probs(&self) -> &Tensor {
        self.inner.base().probs()
    }

    /// Log-odds, shape `batch_shape`.
    pub fn logits(&self) -> &Tensor {
        self.inner.base().logits()
    }

    /// The distribution of `logit Y`.
    pub fn base(&self) -> &LogitRelaxedBernoulli {
        self.inner.base()
    }

    /// The same distribution as a generic [`TransformedDistribution`].
    pub fn as_transformed(&self) -> &TransformedDistribution<LogitRelaxedBernoulli> {
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

impl Distribution for RelaxedBernoulli {
    delegate_to_transformed!();

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn support(&self) -> Constraint {
        Constraint::UnitInterval
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let log_prob = self.inner.log_prob(&value)?;
        let outside = value.lt(0.0).logical_or(&value.gt(1.0));
        Ok(log_prob.masked_fill(&outside, f64::NEG_INFINITY))
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

transformed_family!(RelaxedBernoulli, "`σ` of the base's draw (torch's).");
