//! The log of a relaxed one-hot categorical variable (torch's
//! `ExpRelaxedCategorical`): the Gumbel-noise base of
//! `RelaxedOneHotCategorical` (Maddison et al. 2017; Jang et al. 2017).

use tch::{Device, Kind, Tensor};

use super::temperature::checked_temperature;
use super::transformed_family::no_closed_form;
use crate::constraint::Constraint;
use crate::distribution::{Distribution, Expand, Rsample};
use crate::error::{Error, Result};
use crate::toolkit;

const FAMILY: &str = "ExpRelaxedCategorical";

/// `X = log softmax((ℓ + g) / λ)`, `gₖ = −log(−log uₖ)` Gumbel noise: the
/// log of a point of the `K`-simplex drawn from the Concrete distribution
/// with logits `ℓ` and temperature `λ`. Batch shape: the parameter's
/// without its last dimension; event shape `[K]`; support the real vectors
/// (the values lie on the submanifold `Σ exp xₖ = 1`, as torch notes).
///
/// Density of the log-simplex point (Maddison et al. 2017, eq. 17 in log
/// space, as torch): `log p(x) = log Γ(K) + (K − 1) log λ +
/// Σₖ (ℓₖ − λxₖ) − K · logsumexp_k(ℓₖ − λxₖ)`, computed as torch does.
///
/// Parameters as torch's `Categorical` normalises them: `probs / Σ probs`
/// (logits `log(clamp_probs(p))`) or `ℓ − logsumexp ℓ`. Sampling is
/// torch's, op for op: `u = clamp_probs(rand)`, `g = −log(−log u)`,
/// `s = (ℓ + g)/λ`, `s − logsumexp(s)`. Mean, variance and entropy have no
/// closed form ([`Error::NotImplemented`]).
///
/// `temperature` is one per batch element (broadcasting to the batch
/// shape, aligned with the batch dimensions, not the event) or a single
/// element. Deviation: torch divides the `[.., K]` scores by the
/// temperature as given, so only a scalar temperature works there.
#[derive(Debug)]
pub struct ExpRelaxedCategorical {
    /// Broadcasts to the batch shape.
    temperature: Tensor,
    probs: Tensor,
    logits: Tensor,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl ExpRelaxedCategorical {
    /// From event probabilities `probs` (`[.., K]`, normalised over the
    /// last dimension).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `probs` has a negative or non-finite
    /// entry or a row without positive mass, or the temperature is not
    /// positive and finite (value checks run while
    /// [`validation`](crate::validation) is on); [`Error::ShapeMismatch`]
    /// if `probs` is 0-d or has `K = 0`, or the temperature has more than
    /// one element and does not broadcast to the batch shape;
    /// [`Error::Dtype`]/[`Error::DeviceMismatch`] for mixed types or
    /// devices.
    pub fn from_probs(temperature: &Tensor, probs: &Tensor) -> Result<Self> {
        let (batch_shape, event_shape) = split_shape("probs", probs)?;
        toolkit::check_finite(FAMILY, "probs", probs)?;
        toolkit::check_constraint(
            FAMILY,
            "probs",
            probs,
            &Constraint::NonNegative,
            "non-negative",
        )?;
        let total = probs.sum_dim_intlist(-1, true, None::<Kind>);
        toolkit::check_positive(FAMILY, "probs summed over the last dimension", &total)?;
        let normalized = probs / total;
        Ok(Self {
            temperature: checked_temperature(
                FAMILY,
                ("probs", &probs.select(-1, 0)),
                temperature,
                &batch_shape,
            )?,
            logits: toolkit::probs_to_logits(&normalized, false),
            probs: normalized,
            batch_shape,
            event_shape,
        })
    }

    /// From unnormalised log-probabilities `logits` (`[.., K]`).
    ///
    /// # Errors
    /// As [`from_probs`](Self::from_probs), with the logits required finite.
    pub fn from_logits(temperature: &Tensor, logits: &Tensor) -> Result<Self> {
        let (batch_shape, event_shape) = split_shape("logits", logits)?;
        toolkit::check_finite(FAMILY, "logits", logits)?;
        let normalized = logits - logits.logsumexp(-1, true);
        Ok(Self {
            temperature: checked_temperature(
                FAMILY,
                ("logits", &logits.select(-1, 0)),
                temperature,
                &batch_shape,
            )?,
            probs: toolkit::logits_to_probs(&normalized, false),
            logits: normalized,
            batch_shape,
            event_shape,
        })
    }

    /// `λ`, as checked (a single element becomes a scalar).
    pub fn temperature(&self) -> &Tensor {
        &self.temperature
    }

    /// Normalised event probabilities, shape `batch_shape + [K]`.
    pub fn probs(&self) -> &Tensor {
        &self.probs
    }

    /// Normalised logits (`log probs`), shape `batch_shape + [K]`.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// `λ` with a trailing dimension, to divide `[.., K]` scores by.
    fn event_temperature(&self) -> Tensor {
        self.temperature.unsqueeze(-1)
    }
}

/// `(batch_shape, [K])` of a `[.., K]` parameter with `K ≥ 1`.
fn split_shape(name: &'static str, param: &Tensor) -> Result<(Vec<i64>, Vec<i64>)> {
    toolkit::check_floating(FAMILY, name, param)?;
    let shape = param.size();
    match shape.split_last() {
        Some((&k, batch)) if k >= 1 => Ok((batch.to_vec(), vec![k])),
        _ => Err(Error::ShapeMismatch {
            context: FAMILY,
            left: name,
            left_shape: shape,
            right: "[.., K] with K ≥ 1 categories",
            right_shape: Vec::new(),
        }),
    }
}

impl Distribution for ExpRelaxedCategorical {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &self.event_shape
    }

    fn kind(&self) -> Kind {
        self.logits.kind()
    }

    fn device(&self) -> Device {
        self.logits.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    /// torch: `rsample` under `no_grad`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let num_events = self.event_shape[0] as f64;
        let log_scale = self.temperature.full_like(num_events).lgamma()
            - self.temperature.log() * (1.0 - num_events);
        let score = &self.logits - value * self.event_temperature();
        let score = (&score - score.logsumexp(-1, true)).sum_dim_intlist(-1, false, None::<Kind>);
        Ok(score + log_scale)
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

impl Rsample for ExpRelaxedCategorical {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape =
            toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &self.event_shape)?;
        let uniforms = toolkit::clamp_probs(&Tensor::rand(
            shape.as_slice(),
            (self.kind(), self.device()),
        ));
        let gumbels = uniforms.log().neg().log().neg();
        let scores = (&self.logits + gumbels) / self.event_temperature();
        Ok(&scores - scores.logsumexp(-1, true))
    }
}

impl Expand for ExpRelaxedCategorical {
    /// The temperature is kept as it is (it broadcasts).
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let full = [batch_shape, &self.event_shape].concat();
        Ok(Self {
            temperature: self.temperature.shallow_clone(),
            probs: self.probs.expand(full.as_slice(), false),
            logits: self.logits.expand(full.as_slice(), false),
            batch_shape: batch_shape.to_vec(),
            event_shape: self.event_shape.clone(),
        })
    }
}
