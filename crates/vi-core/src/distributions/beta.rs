//! The Beta distribution on `[0, 1]`, batched, built on a two-category
//! Dirichlet as torch's `Beta` is, with its reparameterized sampler.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::distributions::Dirichlet;
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Beta";

/// `Beta(a, b)` over `[0, 1]`, `a = concentration1` (the weight of 1) and
/// `b = concentration0`; batch shape = the broadcast shape of the two,
/// event shape `[]`, support `[0, 1]`.
///
/// Density (torch's `Beta.log_prob`, through the Dirichlet of
/// `(x, 1 − x)`):
/// ```text
/// log p(x) = (a − 1) log x + (b − 1) log(1 − x) + lgamma(a + b) − lgamma(a) − lgamma(b)
/// ```
///
/// As in torch, the distribution holds a [`Dirichlet`] over
/// `stack([a, b], -1)`: a draw is the first component of a Dirichlet draw
/// (the same generator calls, and its implicit reparameterization
/// gradient), and `log_prob`, `entropy` and `mode` are the Dirichlet's.
/// Differences from torch are the Dirichlet's (float64 evaluation of the
/// `lgamma` terms for float32 parameters; `−∞` outside `[0, 1]`); torch has
/// no `cdf` or `icdf` for the Beta, nor does vi-core.
#[derive(Debug)]
pub struct Beta {
    dirichlet: Dirichlet,
    concentration1: Tensor,
    concentration0: Tensor,
    batch_shape: Vec<i64>,
}

impl Beta {
    /// `Beta(concentration1, concentration0)`; the two broadcast against
    /// each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if either
    /// is not positive and finite (value checks, skipped while
    /// [`validation`](crate::validation) is off);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes do
    /// not broadcast; dtype and device errors if the two differ or are not
    /// floating point.
    pub fn new(concentration1: &Tensor, concentration0: &Tensor) -> Result<Self> {
        let params = toolkit::broadcast_params(
            FAMILY,
            &[
                ("concentration1", concentration1),
                ("concentration0", concentration0),
            ],
        )?;
        let batch_shape = params.batch_shape.clone();
        let [concentration1, concentration0] = params.into_array()?;
        toolkit::check_positive(FAMILY, "concentration1", &concentration1)?;
        toolkit::check_positive(FAMILY, "concentration0", &concentration0)?;
        let concentration1 = concentration1.expand(batch_shape.as_slice(), false);
        let concentration0 = concentration0.expand(batch_shape.as_slice(), false);
        let stacked = Tensor::f_stack(&[&concentration1, &concentration0], -1)?;
        Ok(Self {
            dirichlet: Dirichlet::from_checked(stacked),
            concentration1,
            concentration0,
            batch_shape,
        })
    }

    /// `a`, the concentration of 1, shape `batch_shape`.
    pub fn concentration1(&self) -> &Tensor {
        &self.concentration1
    }

    /// `b`, the concentration of 0, shape `batch_shape`.
    pub fn concentration0(&self) -> &Tensor {
        &self.concentration0
    }

    /// `a + b`, shape `batch_shape`.
    pub(crate) fn total(&self) -> Tensor {
        &self.concentration1 + &self.concentration0
    }
}

impl Distribution for Beta {
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
        self.concentration1.kind()
    }

    fn device(&self) -> Device {
        self.concentration1.device()
    }

    fn support(&self) -> Constraint {
        Constraint::UnitInterval
    }

    /// The first component of the Dirichlet's draw.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        Ok(self.dirichlet.sample(sample_shape)?.select(-1, 0))
    }

    /// The Dirichlet's `log_prob` of `stack([x, 1 − x], -1)`.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let heads_tails = Tensor::f_stack(&[&value, &(1.0 - &value)], -1)?;
        self.dirichlet.log_prob(&heads_tails)
    }

    /// The Dirichlet's entropy:
    /// `lgamma(a) + lgamma(b) − lgamma(a+b) − (a−1)ψ(a) − (b−1)ψ(b) + (a+b−2)ψ(a+b)`.
    fn entropy(&self) -> Result<Tensor> {
        self.dirichlet.entropy()
    }

    /// `a / (a + b)`.
    fn mean(&self) -> Result<Tensor> {
        Ok(&self.concentration1 / self.total())
    }

    /// The first component of the Dirichlet's mode: `(a − 1)⁺/((a − 1)⁺ + (b − 1)⁺)`
    /// (`(a − 1)/(a + b − 2)` for `a, b > 1`, 0 for `a < 1 ≤ b`, 1 for
    /// `b < 1 ≤ a`); 1 where both are below 1 (torch's pick between the two
    /// unbounded ends); NaN where that ratio is `0/0` (`a = b = 1`, say).
    fn mode(&self) -> Result<Tensor> {
        Ok(self.dirichlet.mode()?.select(-1, 0))
    }

    /// `ab / ((a + b)² (a + b + 1))`.
    fn variance(&self) -> Result<Tensor> {
        let total = self.total();
        Ok(&self.concentration1 * &self.concentration0 / (total.square() * (&total + 1.0)))
    }
}

impl Rsample for Beta {
    /// The first component of the Dirichlet's reparameterized draw.
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        Ok(self.dirichlet.rsample(sample_shape)?.select(-1, 0))
    }
}

impl Expand for Beta {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            dirichlet: self.dirichlet.expand(batch_shape)?,
            concentration1: self.concentration1.expand(batch_shape, false),
            concentration0: self.concentration0.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Beta {
    fn detach(&self) -> Self {
        Self {
            dirichlet: self.dirichlet.detach(),
            concentration1: self.concentration1.detach(),
            concentration0: self.concentration0.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
