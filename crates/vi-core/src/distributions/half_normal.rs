//! The half-normal distribution: `|X|`, `X ~ N(0, σ²)` (torch's
//! `HalfNormal`), with torch's closed forms for its density, cdf and
//! moments.

use std::f64::consts::{LN_2, PI};

use tch::Tensor;

use super::checked_normal::normal_from_scale;
use super::transformed_family::{delegate_to_transformed, transformed_family};
use super::{Normal, TransformedDistribution};
use crate::constraint::Constraint;
use crate::distribution::Distribution;
use crate::error::Result;
use crate::toolkit;
use crate::transforms::AbsTransform;

const FAMILY: &str = "HalfNormal";

/// `Y = |X|`, `X ~ N(0, scale²)`: batch shape `scale`'s, event shape `[]`,
/// support `[0, ∞)`. A [`TransformedDistribution`] of a [`Normal`] by an
/// [`AbsTransform`] (as torch defines it); since `|x|` is not one-to-one,
/// the density and cdf are torch's closed forms, not the change of
/// variables.
///
/// Density: `log p(y) = log N(y; 0, σ²) + log 2` for `y ≥ 0`, `−∞` below
/// (a NaN value stays NaN; torch's `where(value >= 0, …, −∞)` turns it
/// into `−∞`). `cdf(y) = 2Φ(y/σ) − 1` for `y ≥ 0` and 0 below (torch
/// returns the negative `2Φ − 1` there without validation);
/// `icdf(p) = σ Φ⁻¹((p + 1)/2)`; mean `σ √(2/π)`, mode 0, variance
/// `σ² (1 − 2/π)`, entropy `H_N − log 2 = ½ log(πσ²/2) + ½`.
#[derive(Debug)]
pub struct HalfNormal {
    inner: TransformedDistribution<Normal>,
}

impl HalfNormal {
    /// `|N(0, scale²)|`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if
    /// `scale` is not positive and finite (checked while
    /// [`validation`](crate::validation) is on);
    /// [`Error::Dtype`](crate::Error::Dtype) if it is not floating point.
    pub fn new(scale: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "scale", scale)?;
        let normal = normal_from_scale(FAMILY, &scale.zeros_like(), scale)?;
        Ok(Self {
            inner: TransformedDistribution::new(normal, vec![Box::new(AbsTransform)])?,
        })
    }

    /// `σ`, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        self.inner.base().scale()
    }

    /// The Normal `N(0, σ²)` that is folded.
    pub fn base(&self) -> &Normal {
        self.inner.base()
    }

    /// The same distribution as a generic [`TransformedDistribution`]
    /// (whose own `log_prob` is not available: `|x|` has no log-Jacobian).
    pub fn as_transformed(&self) -> &TransformedDistribution<Normal> {
        &self.inner
    }
}

impl Distribution for HalfNormal {
    delegate_to_transformed!();

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn support(&self) -> Constraint {
        Constraint::NonNegative
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let log_prob = self.base().log_prob(&value)? + LN_2;
        Ok(log_prob.masked_fill(&value.lt(0.0), f64::NEG_INFINITY))
    }

    /// `H_N − log 2`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(self.base().entropy()? - LN_2)
    }

    /// `σ √(2/π)`.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.scale() * (2.0 / PI).sqrt())
    }

    /// 0.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.scale().zeros_like())
    }

    /// `σ² (1 − 2/π)`.
    fn variance(&self) -> Result<Tensor> {
        Ok(self.scale().square() * (1.0 - 2.0 / PI))
    }

    /// `2Φ(y/σ) − 1`, 0 for `y < 0`.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let cdf = self.base().cdf(&value)? * 2.0 - 1.0;
        Ok(cdf.masked_fill(&value.lt(0.0), 0.0))
    }

    /// `σ Φ⁻¹((p + 1)/2)`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        self.base().icdf(&((p + 1.0) / 2.0))
    }
}

transformed_family!(HalfNormal, "`|σε|`, `ε ~ N(0, 1)` (torch's draw).");
