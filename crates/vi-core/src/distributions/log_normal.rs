//! The log-normal distribution: `exp` of a Normal (torch's `LogNormal`),
//! with the closed forms torch gives it.

use tch::Tensor;

use super::checked_normal::{normal_from_log_scale, normal_from_scale};
use super::transformed_family::{delegate_to_transformed, transformed_family};
use super::{Normal, TransformedDistribution};
use crate::constraint::Constraint;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::toolkit;
use crate::transforms::ExpTransform;

const FAMILY: &str = "LogNormal";

/// `Y = exp(X)`, `X ~ N(loc, scale²)`: batch shape the broadcast of the
/// parameters, event shape `[]`, support `(0, ∞)`. A
/// [`TransformedDistribution`] of a [`Normal`] by an
/// [`ExpTransform`] (as torch defines it).
///
/// Density: `log p(y) = log N(log y; μ, σ²) − log y` for `y > 0`, and
/// `−∞` for `y ≤ 0` (torch gives NaN there without validation and raises
/// with it; vi-core returns the true log density, as for `Exponential`).
///
/// Closed forms (torch's): mean `exp(μ + σ²/2)`, mode `exp(μ − σ²)`,
/// variance `(exp(σ²) − 1) exp(2μ + σ²)`, entropy `H_N + μ =
/// ½ + ½ log 2π + log σ + μ`; `cdf(y) = Φ((log y − μ)/σ)` (0 for
/// `y ≤ 0`), `icdf(p) = exp(μ + σ Φ⁻¹(p))`.
#[derive(Debug)]
pub struct LogNormal {
    inner: TransformedDistribution<Normal>,
}

impl LogNormal {
    /// `exp(N(loc, scale²))`.
    ///
    /// # Errors
    /// As [`Normal::new`], naming `LogNormal`.
    pub fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        Self::wrap(normal_from_scale(FAMILY, loc, scale)?)
    }

    /// `exp(N(loc, exp(log_scale)²))`, for a scale learned in log space.
    ///
    /// # Errors
    /// As [`Normal::from_log_scale`], naming `LogNormal`.
    pub fn from_log_scale(loc: &Tensor, log_scale: &Tensor) -> Result<Self> {
        Self::wrap(normal_from_log_scale(FAMILY, loc, log_scale)?)
    }

    fn wrap(normal: Normal) -> Result<Self> {
        Ok(Self {
            inner: TransformedDistribution::new(normal, vec![Box::new(ExpTransform)])?,
        })
    }

    /// `μ`, the mean of `log Y`, shape `batch_shape`.
    pub fn loc(&self) -> &Tensor {
        self.inner.base().loc()
    }

    /// `σ`, the standard deviation of `log Y`, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        self.inner.base().scale()
    }

    /// The Normal of `log Y`.
    pub fn base(&self) -> &Normal {
        self.inner.base()
    }

    /// The same distribution as a generic [`TransformedDistribution`].
    pub fn as_transformed(&self) -> &TransformedDistribution<Normal> {
        &self.inner
    }

    /// A reparameterized draw and its log density in one pass (see
    /// [`TransformedDistribution::rsample_with_log_prob`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a
    /// negative sample dimension.
    pub fn rsample_with_log_prob(&self, sample_shape: &[i64]) -> Result<(Tensor, Tensor)> {
        self.inner.rsample_with_log_prob(sample_shape)
    }
}

impl Distribution for LogNormal {
    delegate_to_transformed!();

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn support(&self) -> Constraint {
        Constraint::Positive
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let log_prob = self.inner.log_prob(&value)?;
        Ok(log_prob.masked_fill(&value.le(0.0), f64::NEG_INFINITY))
    }

    /// `½ + ½ log 2π + log σ + μ`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(self.base().entropy()? + self.loc())
    }

    /// `exp(μ + σ²/2)`.
    fn mean(&self) -> Result<Tensor> {
        Ok((self.loc() + self.scale().square() / 2.0).exp())
    }

    /// `exp(μ − σ²)`.
    fn mode(&self) -> Result<Tensor> {
        Ok((self.loc() - self.scale().square()).exp())
    }

    /// `expm1(σ²) · exp(2μ + σ²)`.
    fn variance(&self) -> Result<Tensor> {
        let scale_sq = self.scale().square();
        Ok(scale_sq.expm1() * (self.loc() * 2.0 + scale_sq).exp())
    }

    /// `Φ((log y − μ)/σ)`, 0 for `y ≤ 0`.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let cdf = self.inner.cdf(&value)?;
        Ok(cdf.masked_fill(&value.le(0.0), 0.0))
    }

    /// `exp(μ + σ Φ⁻¹(p))`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        self.inner.icdf(p)
    }
}

transformed_family!(LogNormal, "`exp(μ + σε)`, `ε ~ N(0, 1)` (torch's draw).");
