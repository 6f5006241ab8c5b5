//! The Dirichlet distribution over the probability simplex, batched, with
//! libtorch's implicitly reparameterized sampler (torch's `Dirichlet`).

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::{Error, Result};
use crate::toolkit;

const FAMILY: &str = "Dirichlet";

/// `Dir(α)` over vectors `x` with `xᵢ ≥ 0`, `Σᵢ xᵢ = 1`, for a
/// concentration `α` of shape `batch_shape + [K]`; event shape `[K]`,
/// support the simplex.
///
/// Density (torch's `Dirichlet.log_prob`), `α₀ = Σᵢ αᵢ`:
/// ```text
/// log p(x) = Σᵢ (αᵢ − 1) log xᵢ + lgamma(α₀) − Σᵢ lgamma(αᵢ)
/// ```
///
/// `rsample` draws with libtorch's `_sample_dirichlet` (normalized Gamma
/// draws) and differentiates as torch's `_Dirichlet` autograd function
/// does: the implicit reparameterization gradient (Figurnov, Mohamed &
/// Mnih 2018) `∂xⱼ/∂αᵢ = Gᵢ (δᵢⱼ − xⱼ)` with `G = _dirichlet_grad(x, α,
/// α₀)`. tch cannot define autograd functions, so the draw is returned as
/// the surrogate `x + s − x Σᵢ sᵢ` with `s = (α − stop_grad(α)) · G`:
/// `s` is exactly zero, so the value is the draw bit for bit, and its
/// gradient is torch's. Where `G` is not finite (never seen in practice)
/// that element's gradient is 0 rather than torch's NaN, so that the draw
/// itself stays intact.
///
/// Differences from torch:
/// - `log_prob` and `entropy` of float32 parameters are evaluated in
///   float64 and rounded once ([`in_float64`](crate::toolkit::in_float64)),
///   because their `lgamma`/`digamma` terms cancel for large
///   concentrations.
/// - `log_prob` is `−∞` for a value with a component outside `[0, 1]`
///   (torch raises when validating, else returns NaN); that the
///   components sum to 1 is not checked.
#[derive(Debug)]
pub struct Dirichlet {
    concentration: Tensor,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl Dirichlet {
    /// `Dir(concentration)`, the categories along the last dimension.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `concentration` is 0-dimensional or
    /// has no category (last dimension of size 0);
    /// [`Error::InvalidParameter`] if an element is not positive and finite
    /// (a value check, skipped while [`validation`](crate::validation) is
    /// off); [`Error::Dtype`] if it is not floating point.
    pub fn new(concentration: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "concentration", concentration)?;
        let shape = concentration.size();
        if shape.last().is_none_or(|&k| k < 1) {
            return Err(Error::InvalidArgument {
                context: FAMILY,
                name: "concentration",
                expected: "a tensor of shape batch_shape + [K] with K ≥ 1 categories",
                found: format!("shape {shape:?}"),
            });
        }
        toolkit::check_positive(FAMILY, "concentration", concentration)?;
        Ok(Self::from_checked(concentration.shallow_clone()))
    }

    /// A Dirichlet over a concentration already checked (at least one
    /// dimension, one category, positive), e.g. by [`Beta`](crate::Beta).
    pub(crate) fn from_checked(concentration: Tensor) -> Self {
        let shape = concentration.size();
        let split = shape.len().saturating_sub(1);
        Self {
            batch_shape: shape[..split].to_vec(),
            event_shape: shape[split..].to_vec(),
            concentration,
        }
    }

    /// The concentration `α`, shape `batch_shape + [K]`.
    pub fn concentration(&self) -> &Tensor {
        &self.concentration
    }

    /// `α₀ = Σᵢ αᵢ` with the last dimension kept: shape `batch_shape + [1]`.
    fn total(&self) -> Tensor {
        self.concentration.sum_dim_intlist(-1, true, None)
    }
}

impl Distribution for Dirichlet {
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
        self.concentration.kind()
    }

    fn device(&self) -> Device {
        self.concentration.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Simplex
    }

    /// `_sample_dirichlet(α.expand(shape))`: the generator calls of torch's
    /// `sample` (its `rsample` under `no_grad`).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape =
            toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &self.event_shape)?;
        let alpha = self.concentration.expand(shape.as_slice(), false);
        Ok(tch::no_grad(|| alpha.f_internal_sample_dirichlet())?)
    }

    /// The shape of `value` without its last dimension, broadcast with the
    /// batch shape.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let outside = value.lt(0.0).logical_or(&value.gt(1.0)).any_dim(-1, false);
        let log_density = toolkit::in_float64([&self.concentration, &value], |[alpha, x]| {
            let kernel = (&alpha - 1.0).xlogy(&x).sum_dim_intlist(-1, false, None);
            let total = alpha.sum_dim_intlist(-1, false, None);
            let log_beta = alpha.lgamma().sum_dim_intlist(-1, false, None) - total.lgamma();
            Ok(kernel - log_beta)
        })?;
        Ok(log_density.masked_fill(&outside, f64::NEG_INFINITY))
    }

    /// ```text
    /// H = Σᵢ lgamma(αᵢ) − lgamma(α₀) − (K − α₀) ψ(α₀) − Σᵢ (αᵢ − 1) ψ(αᵢ)
    /// ```
    fn entropy(&self) -> Result<Tensor> {
        let categories = self.event_shape[0] as f64;
        toolkit::in_float64([&self.concentration], |[alpha]| {
            let total = alpha.sum_dim_intlist(-1, false, None);
            let log_beta = alpha.lgamma().sum_dim_intlist(-1, false, None) - total.lgamma();
            let spread = ((&alpha - 1.0) * alpha.digamma()).sum_dim_intlist(-1, false, None);
            Ok(log_beta - (categories - &total) * total.digamma() - spread)
        })
    }

    /// `αᵢ / α₀`.
    fn mean(&self) -> Result<Tensor> {
        Ok(&self.concentration / self.total())
    }

    /// `(αᵢ − 1)⁺ / Σⱼ (αⱼ − 1)⁺`; where every `αᵢ < 1`, the one-hot vector
    /// of the largest such ratio — which is NaN throughout, so libtorch's
    /// `argmax` picks the first category, as torch's `mode` does.
    fn mode(&self) -> Result<Tensor> {
        let excess = (&self.concentration - 1.0).clamp_min(0.0);
        let mode = &excess / excess.sum_dim_intlist(-1, true, None);
        let all_below_one = self.concentration.lt(1.0).all_dim(-1, true);
        let categories = self.event_shape[0];
        let corner = mode
            .argmax(-1, false)
            .f_one_hot(categories)?
            .to_kind(self.kind());
        Ok(corner.where_self(&all_below_one, &mode))
    }

    /// `αᵢ (α₀ − αᵢ) / (α₀² (α₀ + 1))`.
    fn variance(&self) -> Result<Tensor> {
        let total = self.total();
        let others = &total - &self.concentration;
        Ok(&self.concentration * others / (total.square() * (&total + 1.0)))
    }
}

impl Rsample for Dirichlet {
    /// The draw of [`sample`](Distribution::sample), carrying torch's
    /// implicit reparameterization gradient (see the type's docs).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let draw = self.sample(sample_shape)?;
        if !self.concentration.requires_grad() {
            return Ok(draw);
        }
        let alpha = self.concentration.expand(draw.size().as_slice(), false);
        let grad = tch::no_grad(|| {
            let total = alpha.sum_dim_intlist(-1, true, None).expand_as(&alpha);
            Tensor::f_internal_dirichlet_grad(&draw, &alpha, &total)
        })?;
        let grad = grad.where_scalarother(&grad.isfinite(), 0.0);
        let shift = (&alpha - alpha.detach()) * grad;
        let spread = &draw * shift.sum_dim_intlist(-1, true, None);
        Ok(&draw + shift - spread)
    }
}

impl Expand for Dirichlet {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let shape = [batch_shape, &self.event_shape].concat();
        Ok(Self {
            concentration: self.concentration.expand(shape.as_slice(), false),
            batch_shape: batch_shape.to_vec(),
            event_shape: self.event_shape.clone(),
        })
    }
}

impl Detach for Dirichlet {
    fn detach(&self) -> Self {
        Self {
            concentration: self.concentration.detach(),
            batch_shape: self.batch_shape.clone(),
            event_shape: self.event_shape.clone(),
        }
    }
}
