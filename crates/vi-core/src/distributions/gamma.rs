//! The Gamma distribution `Gamma(α, β)` (shape and rate), batched, with
//! libtorch's implicitly reparameterized sampler (torch's `Gamma`).

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Gamma";

/// `Gamma(α, β)` over positive scalars, `α` the concentration (shape) and
/// `β` the rate (inverse scale); batch shape = the broadcast shape of the
/// two, event shape `[]`, support `[0, ∞)`.
///
/// Density (torch's `Gamma.log_prob`):
/// ```text
/// log p(x) = α log β + (α − 1) log x − βx − lgamma(α)
/// ```
///
/// `rsample` is libtorch's `_standard_gamma` (Marsaglia & Tsang 2000)
/// divided by the rate; its gradient with respect to `α` is libtorch's
/// implicit reparameterization gradient (Figurnov, Mohamed & Mnih 2018,
/// "Implicit Reparameterization Gradients"), so Monte Carlo objectives
/// differentiate through draws as they do in torch.
///
/// Differences from torch, each to be more accurate or to avoid a NaN:
/// - `log_prob`, `entropy` and the KL divergences of float32 parameters
///   are evaluated in float64 and rounded once
///   ([`in_float64`](crate::toolkit::in_float64)): their `lgamma` and
///   `digamma` terms nearly cancel for large concentrations, and torch's
///   float32 `log_prob` of `Gamma(1000, 1)` is off by `3e-4`.
/// - `log_prob` is `−∞` below 0 (torch raises when validating and returns
///   NaN otherwise), and `cdf` is 0 there.
/// - `variance` is computed as `(α/β)/β` and `stddev` as `√α/β`, which
///   stay finite (or subnormal) in float32 where torch's `α/β²` overflows
///   `β²` (rates beyond about 1.8e19).
///
/// ```
/// use tch::{Kind, Tensor};
/// use vi_core::{Gamma, Rsample};
///
/// # fn main() -> vi_core::Result<()> {
/// // d/dα E[z] = 1/β, estimated through the draws' implicit gradient.
/// let alpha = Tensor::from(3.0f64).set_requires_grad(true);
/// let gamma = Gamma::new(&alpha, &Tensor::from(2.0f64))?;
/// tch::manual_seed(0);
/// let mean = gamma.rsample(&[100_000])?.mean(Kind::Double);
/// let grad = Tensor::run_backward(&[mean], &[&alpha], false, false);
/// assert!((grad[0].double_value(&[]) - 0.5).abs() < 0.01);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Gamma {
    concentration: Tensor,
    rate: Tensor,
    batch_shape: Vec<i64>,
}

impl Gamma {
    /// `Gamma(concentration, rate)`; the two broadcast against each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if either
    /// is not positive and finite (value checks, skipped while
    /// [`validation`](crate::validation) is off);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes do
    /// not broadcast; dtype and device errors if the two differ or are not
    /// floating point.
    pub fn new(concentration: &Tensor, rate: &Tensor) -> Result<Self> {
        let params =
            toolkit::broadcast_params(FAMILY, &[("concentration", concentration), ("rate", rate)])?;
        let batch_shape = params.batch_shape.clone();
        let [concentration, rate] = params.into_array()?;
        toolkit::check_positive(FAMILY, "concentration", &concentration)?;
        toolkit::check_positive(FAMILY, "rate", &rate)?;
        Ok(Self {
            concentration: concentration.expand(batch_shape.as_slice(), false),
            rate: rate.expand(batch_shape.as_slice(), false),
            batch_shape,
        })
    }

    /// The concentration (shape) `α`, shape `batch_shape`.
    pub fn concentration(&self) -> &Tensor {
        &self.concentration
    }

    /// The rate `β`, shape `batch_shape`.
    pub fn rate(&self) -> &Tensor {
        &self.rate
    }
}

/// `_standard_gamma(concentration) / rate`, clamped below by the dtype's
/// smallest normal number without recording the clamp (torch's
/// `value.detach().clamp_(min=tiny)`): the gradient is that of the
/// unclamped draw. `concentration` and `rate` already have the draw's
/// shape. Shared with the families built on Gamma draws (Student's t).
pub(crate) fn gamma_draw(concentration: &Tensor, rate: &Tensor) -> Result<Tensor> {
    let standard = concentration.f_internal_standard_gamma()?;
    let value = standard.f_div(rate)?;
    let tiny = toolkit::tiny(value.kind());
    let mut detached = value.detach();
    let _clamped = detached.f_clamp_min_(tiny)?;
    Ok(value)
}

impl Distribution for Gamma {
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

    /// `−∞` below 0; at 0 the limit of the density (`+∞` for `α < 1`,
    /// `log β` for `α = 1`, `−∞` for `α > 1`).
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let below = value.lt(0.0);
        let log_density = toolkit::in_float64(
            [&self.concentration, &self.rate, &value],
            |[alpha, beta, x]| {
                Ok(alpha.xlogy(&beta) + (&alpha - 1.0).xlogy(&x) - &beta * &x - alpha.lgamma())
            },
        )?;
        Ok(log_density.masked_fill(&below, f64::NEG_INFINITY))
    }

    /// `H = α − log β + lgamma(α) + (1 − α) ψ(α)`.
    fn entropy(&self) -> Result<Tensor> {
        toolkit::in_float64([&self.concentration, &self.rate], |[alpha, beta]| {
            Ok(&alpha - beta.log() + alpha.lgamma() + (1.0 - &alpha) * alpha.digamma())
        })
    }

    /// `α / β`.
    fn mean(&self) -> Result<Tensor> {
        Ok(&self.concentration / &self.rate)
    }

    /// `max((α − 1) / β, 0)`.
    fn mode(&self) -> Result<Tensor> {
        Ok(((&self.concentration - 1.0) / &self.rate).clamp_min(0.0))
    }

    /// `α / β²`, computed as `(α/β)/β`.
    fn variance(&self) -> Result<Tensor> {
        Ok(&self.concentration / &self.rate / &self.rate)
    }

    /// `√α / β`.
    fn stddev(&self) -> Result<Tensor> {
        Ok(self.concentration.sqrt() / &self.rate)
    }

    /// The regularized lower incomplete gamma function `P(α, βx)` (torch's
    /// `gammainc`), 0 below 0.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let scaled = (&self.rate * value).clamp_min(0.0);
        Ok(self.concentration.f_special_gammainc(&scaled)?)
    }
}

impl Rsample for Gamma {
    /// `_standard_gamma(α.expand(shape)) / β.expand(shape)`, clamped below
    /// by the dtype's smallest normal number without touching the gradient
    /// (torch's `rsample`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        gamma_draw(
            &self.concentration.expand(shape.as_slice(), false),
            &self.rate.expand(shape.as_slice(), false),
        )
    }
}

impl Expand for Gamma {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            concentration: self.concentration.expand(batch_shape, false),
            rate: self.rate.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Gamma {
    fn detach(&self) -> Self {
        Self {
            concentration: self.concentration.detach(),
            rate: self.rate.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
