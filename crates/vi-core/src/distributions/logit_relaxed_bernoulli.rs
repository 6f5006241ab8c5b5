//! The logit of a relaxed Bernoulli variable (torch's
//! `LogitRelaxedBernoulli`): the logistic-noise base of `RelaxedBernoulli`
//! (Maddison et al. 2017, "The Concrete Distribution"; Jang et al. 2017,
//! "Categorical Reparameterization with Gumbel-Softmax").

use tch::{Device, Kind, Tensor};

use super::temperature::checked_temperature;
use super::transformed_family::no_closed_form;
use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "LogitRelaxedBernoulli";

/// `X = (ℓ + log u − log(1 − u)) / λ`, `u ~ U(0, 1)`: the logit of a
/// binary Concrete variable with log-odds `ℓ` and temperature `λ`. Batch
/// shape: the parameter's (`probs` or `logits`); event shape `[]`; support
/// the reals.
///
/// Density (Maddison et al. 2017, eq. 18 for the binary case):
/// `log p(x) = log λ + d − 2 log(1 + e^d)`, `d = ℓ − λx`. vi-core computes
/// `log(1 + e^d)` as `max(d, 0) + log1p(e^{−|d|})`: equal to torch's
/// `log1p(exp(d))` to rounding, and finite where torch's overflows.
///
/// Sampling is torch's, op for op: `p = clamp_probs(probs)`,
/// `u = clamp_probs(rand)`, `(log u − log1p(−u) + log p − log1p(−p)) / λ`
/// (from `logits`, `p = σ(ℓ)` first, as torch). Mean, variance and
/// entropy have no closed form ([`Error::NotImplemented`](crate::Error::NotImplemented)).
///
/// `temperature` is one per batch element (broadcasting to the batch
/// shape) or a single element; torch does not check it.
#[derive(Debug)]
pub struct LogitRelaxedBernoulli {
    temperature: Tensor,
    probs: Tensor,
    logits: Tensor,
    batch_shape: Vec<i64>,
}

impl LogitRelaxedBernoulli {
    /// From the probability of a one.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if a probability is outside `[0, 1]` or
    /// the temperature is not positive and finite (value checks run while
    /// [`validation`](crate::validation) is on);
    /// [`Error::Dtype`](crate::Error::Dtype)/[`Error::DeviceMismatch`](crate::Error::DeviceMismatch) if the two differ in type
    /// or device; [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the temperature has more
    /// than one element and does not broadcast to the batch shape.
    pub fn from_probs(temperature: &Tensor, probs: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "probs", probs)?;
        toolkit::check_unit_interval(FAMILY, "probs", probs)?;
        let batch_shape = probs.size();
        Ok(Self {
            temperature: checked_temperature(FAMILY, ("probs", probs), temperature, &batch_shape)?,
            logits: toolkit::probs_to_logits(probs, true),
            probs: probs.shallow_clone(),
            batch_shape,
        })
    }

    /// From the log-odds of a one.
    ///
    /// # Errors
    /// As [`from_probs`](Self::from_probs), with the logits required finite.
    pub fn from_logits(temperature: &Tensor, logits: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "logits", logits)?;
        toolkit::check_finite(FAMILY, "logits", logits)?;
        let batch_shape = logits.size();
        Ok(Self {
            temperature: checked_temperature(
                FAMILY,
                ("logits", logits),
                temperature,
                &batch_shape,
            )?,
            probs: toolkit::logits_to_probs(logits, true),
            logits: logits.shallow_clone(),
            batch_shape,
        })
    }

    /// `λ`, as checked (a single element becomes a scalar).
    pub fn temperature(&self) -> &Tensor {
        &self.temperature
    }

    /// Probability of a one, shape `batch_shape`.
    pub fn probs(&self) -> &Tensor {
        &self.probs
    }

    /// Log-odds `ℓ`, shape `batch_shape`.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }
}

/// `log(1 + eˣ)` without overflow.
fn log1p_exp(x: &Tensor) -> Tensor {
    x.clamp_min(0.0) + x.abs().neg().exp().log1p()
}

impl Distribution for LogitRelaxedBernoulli {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn kind(&self) -> Kind {
        self.probs.kind()
    }

    fn device(&self) -> Device {
        self.probs.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Real
    }

    /// torch: `rsample` under `no_grad`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let diff = &self.logits - value * &self.temperature;
        Ok(self.temperature.log() + &diff - log1p_exp(&diff) * 2.0)
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

impl Rsample for LogitRelaxedBernoulli {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        // Fallible, and first: libtorch refuses a draw it cannot allocate
        // (the clamped probabilities below are as large).
        let uniforms = toolkit::clamp_probs(&Tensor::f_rand(
            shape.as_slice(),
            (self.kind(), self.device()),
        )?);
        let probs = toolkit::clamp_probs(&self.probs.expand(shape.as_slice(), false));
        let logistic = uniforms.log() - uniforms.neg().log1p() + probs.log() - probs.neg().log1p();
        Ok(logistic / &self.temperature)
    }
}

impl Expand for LogitRelaxedBernoulli {
    /// The temperature is kept as it is (it broadcasts).
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            temperature: self.temperature.shallow_clone(),
            probs: self.probs.expand(batch_shape, false),
            logits: self.logits.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for LogitRelaxedBernoulli {
    /// The temperature is detached too: it is a parameter like the others.
    fn detach(&self) -> Self {
        Self {
            temperature: self.temperature.detach(),
            probs: self.probs.detach(),
            logits: self.logits.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
