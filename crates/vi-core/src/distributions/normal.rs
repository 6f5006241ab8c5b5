//! The univariate Normal (Gaussian) distribution, batched, with the
//! `(loc, scale)`, `(loc, log_scale)` and `(loc, log_var)` parameterizations
//! that VAEs and the tutorials use (torch's `Normal`).

use std::f64::consts::{PI, SQRT_2};

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Normal";

/// `N(loc, scale²)` over scalars, batch shape = the broadcast shape of the
/// parameters, event shape `[]`, support the real numbers.
///
/// Density: `log p(x) = −(x − μ)² / (2σ²) − log σ − ½ log 2π`.
///
/// The log-scale is kept alongside the scale, so a distribution built from
/// `log_var` (or `log_scale`) never takes `log(exp(·))`: log densities,
/// entropies and KL divergences stay finite for `log_var` of ±30 in float32.
#[derive(Debug)]
pub struct Normal {
    loc: Tensor,
    scale: Tensor,
    log_scale: Tensor,
    batch_shape: Vec<i64>,
}

impl Normal {
    /// `N(loc, scale²)`; `loc` and `scale` broadcast against each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if `loc` is
    /// not finite or `scale` is not positive and finite (checked while
    /// [`validation`](crate::validation) is on);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes do
    /// not broadcast; dtype/device errors if the two differ or are not
    /// floating point.
    pub fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        let (batch_shape, [loc, scale]) = Self::check(loc, ("scale", scale))?;
        toolkit::check_positive(FAMILY, "scale", &scale)?;
        let log_scale = scale.log();
        Ok(Self::assemble(&loc, &scale, &log_scale, batch_shape))
    }

    /// `N(loc, exp(log_scale)²)`, the form of tutorial 2's encoder
    /// (`mean + exp(log_sigma) * eps`).
    ///
    /// # Errors
    /// As [`Normal::new`], with `log_scale` required finite.
    pub fn from_log_scale(loc: &Tensor, log_scale: &Tensor) -> Result<Self> {
        let (batch_shape, [loc, log_scale]) = Self::check(loc, ("log_scale", log_scale))?;
        toolkit::check_finite(FAMILY, "log_scale", &log_scale)?;
        Ok(Self::assemble(
            &loc,
            &log_scale.exp(),
            &log_scale,
            batch_shape,
        ))
    }

    /// `N(loc, exp(log_var))`, the VAE encoder form of tutorials 3 and 4
    /// (`eps * exp(log_var / 2) + mean`).
    ///
    /// # Errors
    /// As [`Normal::new`], with `log_var` required finite.
    pub fn from_log_var(loc: &Tensor, log_var: &Tensor) -> Result<Self> {
        let (batch_shape, [loc, log_var]) = Self::check(loc, ("log_var", log_var))?;
        toolkit::check_finite(FAMILY, "log_var", &log_var)?;
        let log_scale = log_var * 0.5;
        Ok(Self::assemble(
            &loc,
            &log_scale.exp(),
            &log_scale,
            batch_shape,
        ))
    }

    /// The standard Normal `N(0, 1)` with the shape, dtype and device of
    /// `like`: the usual VAE prior for a posterior whose mean is `like`.
    ///
    /// # Errors
    /// [`Error::Dtype`](crate::Error::Dtype) if `like` is not floating point.
    pub fn standard_like(like: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "like", like)?;
        Ok(Self {
            loc: like.zeros_like(),
            scale: like.ones_like(),
            log_scale: like.zeros_like(),
            batch_shape: like.size(),
        })
    }

    /// Checks `loc` (finite) and the second parameter's dtype, device and
    /// shape; returns the batch shape and both, placed on one device.
    fn check(loc: &Tensor, second: (&'static str, &Tensor)) -> Result<(Vec<i64>, [Tensor; 2])> {
        let params = toolkit::broadcast_params(FAMILY, &[("loc", loc), second])?;
        let batch_shape = params.batch_shape.clone();
        let [loc, other] = params.into_array()?;
        toolkit::check_finite(FAMILY, "loc", &loc)?;
        Ok((batch_shape, [loc, other]))
    }

    fn assemble(loc: &Tensor, scale: &Tensor, log_scale: &Tensor, batch_shape: Vec<i64>) -> Self {
        Self {
            loc: loc.expand(batch_shape.as_slice(), false),
            scale: scale.expand(batch_shape.as_slice(), false),
            log_scale: log_scale.expand(batch_shape.as_slice(), false),
            batch_shape,
        }
    }

    /// Mean `μ`, shape `batch_shape`.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// Standard deviation `σ`, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        &self.scale
    }

    /// `log σ`, shape `batch_shape` (computed from the log form when the
    /// distribution was built from one).
    pub fn log_scale(&self) -> &Tensor {
        &self.log_scale
    }
}

impl Distribution for Normal {
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
        self.loc.kind()
    }

    fn device(&self) -> Device {
        self.loc.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Real
    }

    /// torch: `torch.normal(loc.expand(shape), scale.expand(shape))` under
    /// `no_grad`, which draws `eps = normal_(0, 1)` and returns
    /// `eps * scale + loc`: the same generator calls as [`Rsample::rsample`].
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let standardized = (value - &self.loc) / &self.scale;
        Ok(standardized.square() * -0.5 - &self.log_scale - 0.5 * (2.0 * PI).ln())
    }

    /// `H = ½ + ½ log 2π + log σ`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(&self.log_scale + 0.5 + 0.5 * (2.0 * PI).ln())
    }

    fn mean(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `μ`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    fn variance(&self) -> Result<Tensor> {
        Ok(self.scale.square())
    }

    fn stddev(&self) -> Result<Tensor> {
        Ok(self.scale.shallow_clone())
    }

    /// `Φ((x − μ)/σ) = ½ [1 + erf((x − μ) / (σ√2))]`.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        Ok((((value - &self.loc) / &self.scale / SQRT_2).erf() + 1.0) * 0.5)
    }

    /// `μ + σ√2 · erfinv(2p − 1)`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        Ok(&self.loc + &self.scale * (p * 2.0 - 1.0).erfinv() * SQRT_2)
    }
}

impl Rsample for Normal {
    /// `z = μ + σ·ε`, `ε ~ N(0, I)` drawn as `empty(shape).normal_()`
    /// (torch's `_standard_normal`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        let eps =
            Tensor::f_empty(shape.as_slice(), (self.kind(), self.device()))?.f_normal_(0.0, 1.0)?;
        Ok(&self.loc + eps * &self.scale)
    }
}

impl Expand for Normal {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            loc: self.loc.expand(batch_shape, false),
            scale: self.scale.expand(batch_shape, false),
            log_scale: self.log_scale.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Normal {
    fn detach(&self) -> Self {
        Self {
            loc: self.loc.detach(),
            scale: self.scale.detach(),
            log_scale: self.log_scale.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
