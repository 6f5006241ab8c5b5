//! The tanh-squashed Normal: `tanh(X)`, `X ~ N(μ, σ²)`, the bounded
//! Gaussian of SAC-style policies and bounded latents (torch has no class
//! of its own: it is `TransformedDistribution(Normal, TanhTransform)`).

use tch::Tensor;

use super::checked_normal::{normal_from_log_scale, normal_from_scale};
use super::transformed_family::no_closed_form;
use super::transformed_family::{delegate_to_transformed, transformed_family};
use super::{Normal, TransformedDistribution};
use crate::constraint::{Bound, Constraint};
use crate::distribution::Distribution;
use crate::error::Result;
use crate::toolkit;
use crate::transforms::TanhTransform;

const FAMILY: &str = "TanhNormal";

/// `Y = tanh(X)`, `X ~ N(loc, scale²)`: batch shape the broadcast of the
/// parameters, event shape `[]`, support `[−1, 1]` (Haarnoja et al. 2018,
/// "Soft Actor-Critic", appendix C). For a vector of actions, wrap it in
/// [`Independent`](crate::Independent).
///
/// Density (change of variables): `log p(y) = log N(atanh y; μ, σ²) −
/// log(1 − y²)`, with the log-Jacobian in the stable form
/// `2 (log 2 − x − softplus(−2x))` at `x = atanh y`: the values of torch's
/// `TransformedDistribution(Normal(μ, σ), TanhTransform())`. Scoring the
/// distribution's own last sample uses its pre-image instead of `atanh`
/// (see [`TransformedDistribution`]), so a draw that rounds to `±1` still
/// has a finite density; [`rsample_with_log_prob`](Self::rsample_with_log_prob)
/// is the cache-free way to get both. Any other value with `|y| ≥ 1` gets
/// `−∞` (torch: NaN).
///
/// `cdf(y) = Φ((atanh y − μ)/σ)` (0 below −1, 1 above 1) and
/// `icdf(p) = tanh(μ + σ Φ⁻¹(p))`. Mean, variance, entropy and mode have no
/// closed form ([`Error::NotImplemented`](crate::Error::NotImplemented), as torch's composite).
#[derive(Debug)]
pub struct TanhNormal {
    inner: TransformedDistribution<Normal>,
}

impl TanhNormal {
    /// `tanh(N(loc, scale²))`.
    ///
    /// # Errors
    /// As [`Normal::new`], naming `TanhNormal`.
    pub fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        Self::wrap(normal_from_scale(FAMILY, loc, scale)?)
    }

    /// `tanh(N(loc, exp(log_scale)²))`, the form of a policy network's
    /// `(mean, log_std)` head.
    ///
    /// # Errors
    /// As [`Normal::from_log_scale`], naming `TanhNormal`.
    pub fn from_log_scale(loc: &Tensor, log_scale: &Tensor) -> Result<Self> {
        Self::wrap(normal_from_log_scale(FAMILY, loc, log_scale)?)
    }

    fn wrap(normal: Normal) -> Result<Self> {
        Ok(Self {
            inner: TransformedDistribution::new(normal, vec![Box::new(TanhTransform)])?,
        })
    }

    /// `μ` of the Normal before squashing, shape `batch_shape`.
    pub fn loc(&self) -> &Tensor {
        self.inner.base().loc()
    }

    /// `σ` of the Normal before squashing, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        self.inner.base().scale()
    }

    /// The Normal before squashing.
    pub fn base(&self) -> &Normal {
        self.inner.base()
    }

    /// The same distribution as a generic [`TransformedDistribution`].
    pub fn as_transformed(&self) -> &TransformedDistribution<Normal> {
        &self.inner
    }

    /// A reparameterized draw `y = tanh(μ + σε)` and `log p(y)` in one
    /// pass, from `x` itself (never `atanh y`): SAC's policy log-density.
    /// Shapes: both `sample_shape + batch_shape`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a
    /// negative sample dimension.
    pub fn rsample_with_log_prob(&self, sample_shape: &[i64]) -> Result<(Tensor, Tensor)> {
        self.inner.rsample_with_log_prob(sample_shape)
    }
}

impl Distribution for TanhNormal {
    delegate_to_transformed!();

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn support(&self) -> Constraint {
        Constraint::Interval(Bound::Value(-1.0), Bound::Value(1.0))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let log_prob = self.inner.log_prob(&value)?;
        // NaN here comes only from atanh of |y| ≥ 1 (not from the cache).
        let outside = log_prob.isnan().logical_and(&value.abs().ge(1.0));
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

    /// `Φ((atanh y − μ)/σ)`, 0 below −1 and 1 above 1.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let cdf = self.inner.cdf(&value)?;
        Ok(cdf
            .masked_fill(&value.lt(-1.0), 0.0)
            .masked_fill(&value.gt(1.0), 1.0))
    }

    /// `tanh(μ + σ Φ⁻¹(p))`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        self.inner.icdf(p)
    }
}

transformed_family!(TanhNormal, "`tanh(μ + σε)`, `ε ~ N(0, 1)` (torch's draw).");
