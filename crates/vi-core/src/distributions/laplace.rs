//! The Laplace (double exponential) distribution, batched (torch's
//! `Laplace`).

use std::f64::consts::SQRT_2;

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Laplace";

/// `Laplace(μ, b)` over scalars; batch shape = the broadcast shape of `loc`
/// and `scale`, event shape `[]`, support the real numbers.
///
/// Density (torch's `Laplace.log_prob`; Johnson, Kotz & Balakrishnan,
/// *Continuous Univariate Distributions* vol. 2, ch. 24):
/// ```text
/// log p(x) = −log(2b) − |x − μ| / b
/// ```
///
/// Same as torch in every method; `loc` must be finite (torch accepts any
/// real, infinities included, whose densities are NaN).
#[derive(Debug)]
pub struct Laplace {
    loc: Tensor,
    scale: Tensor,
    batch_shape: Vec<i64>,
}

impl Laplace {
    /// `Laplace(loc, scale)`; the two broadcast against each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if `loc`
    /// is not finite or `scale` not positive and finite (value checks,
    /// skipped while [`validation`](crate::validation) is off);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes do
    /// not broadcast; dtype and device errors if the two differ or are not
    /// floating point.
    pub fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        let params = toolkit::broadcast_params(FAMILY, &[("loc", loc), ("scale", scale)])?;
        let batch_shape = params.batch_shape.clone();
        let [loc, scale] = params.into_array()?;
        toolkit::check_finite(FAMILY, "loc", &loc)?;
        toolkit::check_positive(FAMILY, "scale", &scale)?;
        Ok(Self {
            loc: loc.expand(batch_shape.as_slice(), false),
            scale: scale.expand(batch_shape.as_slice(), false),
            batch_shape,
        })
    }

    /// The location (mean, median and mode) `μ`, shape `batch_shape`.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// The scale `b`, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        &self.scale
    }
}

impl Distribution for Laplace {
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

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        Ok(-(&self.scale * 2.0).log() - (value - &self.loc).abs() / &self.scale)
    }

    /// `H = 1 + log(2b)`.
    fn entropy(&self) -> Result<Tensor> {
        Ok((&self.scale * 2.0).log() + 1.0)
    }

    /// `μ`.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `μ`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `2b²`.
    fn variance(&self) -> Result<Tensor> {
        Ok(self.scale.square() * 2.0)
    }

    /// `√2 b`, as torch computes it (not through the variance, which
    /// overflows in float32 for `b` above about 1.3e19).
    fn stddev(&self) -> Result<Tensor> {
        Ok(&self.scale * SQRT_2)
    }

    /// `½ − ½ sign(x − μ) expm1(−|x − μ| / b)`.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let diff = value - &self.loc;
        let tail = (-(diff.abs() / &self.scale)).expm1();
        Ok(0.5 - diff.sign() * 0.5 * tail)
    }

    /// `μ − b sign(p − ½) log1p(−2|p − ½|)`.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        let term = p - 0.5;
        let magnitude = (term.abs() * -2.0).log1p();
        Ok(&self.loc - &self.scale * term.sign() * magnitude)
    }
}

impl Rsample for Laplace {
    /// `μ − b sign(u) log1p(−|u|)` with `u = empty(shape).uniform_(ε − 1, 1)`,
    /// `ε` the dtype's machine epsilon (torch's `rsample`, which keeps `u`
    /// off −1 so that the logarithm stays finite).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        let eps = toolkit::machine_epsilon(self.kind());
        let mut unit = Tensor::f_empty(shape.as_slice(), (self.kind(), self.device()))?;
        let unit = unit.f_uniform_(eps - 1.0, 1.0)?;
        Ok(&self.loc - &self.scale * unit.sign() * unit.abs().neg().log1p())
    }
}

impl Expand for Laplace {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            loc: self.loc.expand(batch_shape, false),
            scale: self.scale.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Laplace {
    fn detach(&self) -> Self {
        Self {
            loc: self.loc.detach(),
            scale: self.scale.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
