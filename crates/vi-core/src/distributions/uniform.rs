//! The continuous Uniform distribution on `[low, high)`, batched (torch's
//! `Uniform`).

use tch::{Device, Kind, Tensor};

use crate::constraint::{Bound, Constraint};
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Uniform";

/// `U(low, high)` over scalars; batch shape = the broadcast shape of `low`
/// and `high`, event shape `[]`, support `[low, high)` (one interval per
/// batch element).
///
/// Density (torch's `Uniform.log_prob`):
/// ```text
/// log p(x) = log(1[low ≤ x] · 1[x < high]) − log(high − low)
/// ```
/// that is `−log(high − low)` inside and `−∞` outside (at `high` too).
///
/// Differences from torch:
/// - `support` is the half-open `[low, high)` that `sample` and `log_prob`
///   use; torch declares the closed `interval(low, high)` although its
///   `log_prob` is `−∞` at `high`.
/// - `low` and `high` must be finite (torch accepts infinite bounds, whose
///   draws are NaN).
#[derive(Debug)]
pub struct Uniform {
    low: Tensor,
    high: Tensor,
    batch_shape: Vec<i64>,
}

impl Uniform {
    /// `U(low, high)`; `low` and `high` broadcast against each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if a bound
    /// is not finite or `low ≥ high` somewhere (value checks, skipped while
    /// [`validation`](crate::validation) is off);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes
    /// do not broadcast; dtype and device errors if the two differ or are
    /// not floating point.
    pub fn new(low: &Tensor, high: &Tensor) -> Result<Self> {
        let params = toolkit::broadcast_params(FAMILY, &[("low", low), ("high", high)])?;
        let batch_shape = params.batch_shape.clone();
        let [low, high] = params.into_array()?;
        let (low, high) = (
            low.expand(batch_shape.as_slice(), false),
            high.expand(batch_shape.as_slice(), false),
        );
        toolkit::check_finite(FAMILY, "low", &low)?;
        toolkit::check_finite(FAMILY, "high", &high)?;
        let below_high = Constraint::LessThan(Bound::Tensor(high.shallow_clone()));
        toolkit::check_constraint(FAMILY, "low", &low, &below_high, "less than `high`")?;
        Ok(Self {
            low,
            high,
            batch_shape,
        })
    }

    /// The lower bound (inclusive), shape `batch_shape`.
    pub fn low(&self) -> &Tensor {
        &self.low
    }

    /// The upper bound (exclusive), shape `batch_shape`.
    pub fn high(&self) -> &Tensor {
        &self.high
    }

    /// `high − low`, shape `batch_shape`.
    pub(crate) fn width(&self) -> Tensor {
        &self.high - &self.low
    }
}

impl Distribution for Uniform {
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
        self.low.kind()
    }

    fn device(&self) -> Device {
        self.low.device()
    }

    /// `[low, high)`, with tensor bounds.
    fn support(&self) -> Constraint {
        Constraint::HalfOpenInterval(
            Bound::Tensor(self.low.shallow_clone()),
            Bound::Tensor(self.high.shallow_clone()),
        )
    }

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let kind = self.kind();
        let inside_low = self.low.le_tensor(&value).to_kind(kind);
        let inside_high = self.high.gt_tensor(&value).to_kind(kind);
        Ok((inside_low * inside_high).log() - self.width().log())
    }

    /// `H = log(high − low)`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(self.width().log())
    }

    /// `(low + high) / 2`.
    fn mean(&self) -> Result<Tensor> {
        Ok((&self.high + &self.low) / 2.0)
    }

    /// NaN: every point of the interval is a mode (torch's `nan * high`).
    fn mode(&self) -> Result<Tensor> {
        Ok(&self.high * f64::NAN)
    }

    /// `(high − low)² / 12`.
    fn variance(&self) -> Result<Tensor> {
        Ok(self.width().square() / 12.0)
    }

    /// `(high − low) / √12`, as torch computes it (not through the
    /// variance, which overflows first).
    fn stddev(&self) -> Result<Tensor> {
        Ok(self.width() / 12f64.sqrt())
    }

    /// `(x − low) / (high − low)` clamped to `[0, 1]`.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        Ok(((value - &self.low) / self.width()).clamp(0.0, 1.0))
    }

    /// `low + p (high − low)` (not checked to lie in `[0, 1]`, as torch).
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        Ok(p * self.width() + &self.low)
    }
}

impl Rsample for Uniform {
    /// `low + u (high − low)`, `u = rand(shape)` (torch's `torch.rand`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        let unit = Tensor::f_rand(shape.as_slice(), (self.kind(), self.device()))?;
        Ok(&self.low + unit * self.width())
    }
}

impl Expand for Uniform {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            low: self.low.expand(batch_shape, false),
            high: self.high.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Uniform {
    fn detach(&self) -> Self {
        Self {
            low: self.low.detach(),
            high: self.high.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
