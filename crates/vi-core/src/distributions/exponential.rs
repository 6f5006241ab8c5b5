//! The Exponential distribution `Exp(rate)`, batched (torch's
//! `Exponential`); tutorial 2's prior and variational family.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Exponential";

/// `Exp(λ)` over non-negative scalars, batch shape = `rate`'s shape, event
/// shape `[]`, support `[0, ∞)`.
///
/// Density: `log p(x) = log λ − λx` for `x ≥ 0`, and `−∞` for `x < 0`
/// (torch raises on such values when validating; a grid that crosses zero
/// is common enough that vi-core returns the true log density instead).
#[derive(Debug)]
pub struct Exponential {
    rate: Tensor,
    log_rate: Tensor,
    batch_shape: Vec<i64>,
}

impl Exponential {
    /// `Exp(rate)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if a rate
    /// is not positive and finite; [`Error::Dtype`](crate::Error::Dtype) if
    /// `rate` is not floating point.
    pub fn new(rate: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "rate", rate)?;
        toolkit::check_positive(FAMILY, "rate", rate)?;
        Ok(Self {
            rate: rate.shallow_clone(),
            log_rate: rate.log(),
            batch_shape: rate.size(),
        })
    }

    /// The rate `λ`, shape `batch_shape`.
    pub fn rate(&self) -> &Tensor {
        &self.rate
    }

    /// `log λ`, shape `batch_shape`.
    pub fn log_rate(&self) -> &Tensor {
        &self.log_rate
    }
}

impl Distribution for Exponential {
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
        self.rate.kind()
    }

    fn device(&self) -> Device {
        self.rate.device()
    }

    fn support(&self) -> Constraint {
        Constraint::NonNegative
    }

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let log_density = &self.log_rate - &self.rate * &value;
        let outside = value.lt(0.0);
        Ok(log_density.masked_fill(&outside, f64::NEG_INFINITY))
    }

    /// `H = 1 − log λ`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(1.0 - &self.log_rate)
    }

    /// `1 / λ`.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.rate.reciprocal())
    }

    /// `0`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.rate.zeros_like())
    }

    /// `1 / λ²` (overflows to `∞` in float32 for `λ` below about 1e-19, as
    /// torch's does).
    fn variance(&self) -> Result<Tensor> {
        Ok(self.rate.pow_tensor_scalar(-2))
    }

    /// `1 / λ`, computed directly rather than as `sqrt(1/λ²)`, which
    /// overflows or underflows in float32 for rates beyond about 1e±19.
    fn stddev(&self) -> Result<Tensor> {
        Ok(self.rate.reciprocal())
    }

    /// `1 − e^{−λx}` for `x ≥ 0`, 0 below.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let below = value.lt(0.0);
        let survival: Tensor = (-(&self.rate * value)).exp();
        Ok((survival.neg() + 1.0).masked_fill(&below, 0.0))
    }

    /// `−log(1 − p) / λ`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        Ok(p.neg().log1p().neg() / &self.rate)
    }
}

impl Rsample for Exponential {
    /// `z = e / λ` with `e ~ Exp(1)` drawn as `empty(shape).exponential_()`
    /// (torch's `rate.new(shape).exponential_() / rate`; tutorial 2's
    /// reparameterization `sampled_z / param`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        let unit =
            Tensor::f_empty(shape.as_slice(), (self.kind(), self.device()))?.f_exponential_(1.0)?;
        Ok(unit / &self.rate)
    }
}

impl Expand for Exponential {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            rate: self.rate.expand(batch_shape, false),
            log_rate: self.log_rate.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Exponential {
    fn detach(&self) -> Self {
        Self {
            rate: self.rate.detach(),
            log_rate: self.log_rate.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
