//! The [`Distribution`] and [`Rsample`] traits, modelled on
//! `torch.distributions.Distribution`.
//!
//! Shapes follow torch: a distribution has a *batch shape* (independent,
//! not necessarily identical distributions) and an *event shape* (the shape
//! of one draw). `sample(sample_shape)` returns
//! `sample_shape + batch_shape + event_shape`; `log_prob(x)` returns the
//! shape of `x` with the event dimensions summed away.

use std::fmt::Debug;

use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};
use crate::shape::broadcast_shapes;

/// A probability distribution over tensors (torch's `Distribution`).
///
/// The trait is object safe: `&dyn Distribution` works wherever a family is
/// chosen at run time. Methods that take caller input (`sample`,
/// `log_prob`) return [`Result`]; the others cannot fail because
/// constructors validate the parameters.
pub trait Distribution: Debug {
    /// The family's name, used in error messages (e.g. `"Normal"`).
    fn name(&self) -> &'static str;

    /// Shape of the batch of independent distributions this value holds.
    fn batch_shape(&self) -> &[i64];

    /// Shape of a single draw (`[]` for scalar families, `[n]` for an
    /// `n`-dimensional `MultivariateNormal`).
    fn event_shape(&self) -> &[i64];

    /// Element type of the parameters (and of samples).
    fn kind(&self) -> Kind;

    /// Device of the parameters (and of samples).
    fn device(&self) -> Device;

    /// Draws samples of shape `sample_shape + batch_shape + event_shape`
    /// without gradient (torch's `sample`). Consumes libtorch's global
    /// generator exactly as torch.distributions does, so a draw after
    /// `tch::manual_seed(s)` equals PyTorch's after `torch.manual_seed(s)`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a sample dimension is negative.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor>;

    /// Log density (or log mass) of `value`.
    ///
    /// `value` must end with `event_shape` and broadcast with
    /// `batch_shape + event_shape`; the result has the broadcast shape
    /// without the event dimensions.
    ///
    /// # Errors
    /// [`Error::ValueShape`] or [`Error::DeviceMismatch`] for a value that
    /// does not fit the distribution.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor>;

    /// Differential entropy `H = −E[log p(x)]`, shape `batch_shape`.
    fn entropy(&self) -> Tensor;

    /// Mean, shape `batch_shape + event_shape`.
    fn mean(&self) -> Tensor;

    /// Variance (the diagonal of the covariance for vector events),
    /// shape `batch_shape + event_shape`.
    fn variance(&self) -> Tensor;

    /// Standard deviation `sqrt(variance)`, shape `batch_shape + event_shape`.
    fn stddev(&self) -> Tensor {
        self.variance().sqrt()
    }
}

/// A family with a reparameterized sampler (torch's `has_rsample`): the draw
/// is a differentiable function of the parameters and of parameter-free
/// noise, so gradients of Monte Carlo estimates flow to the parameters
/// (Kingma & Welling 2014, §2.4).
///
/// Bernoulli does not implement it, so asking it for `rsample` is a compile
/// error.
pub trait Rsample: Distribution {
    /// Reparameterized samples of shape
    /// `sample_shape + batch_shape + event_shape`; gradients flow to the
    /// parameters. Consumes the generator exactly as torch's `rsample`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a sample dimension is negative.
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor>;
}

/// Checks a `log_prob` argument against `dist` and returns it ready for the
/// math: integer and boolean values are converted to the parameters' type.
pub(crate) fn validate_value<D: Distribution + ?Sized>(dist: &D, value: &Tensor) -> Result<Tensor> {
    if value.device() != dist.device() {
        return Err(Error::DeviceMismatch {
            context: dist.name(),
            name: "value",
            expected: dist.device(),
            found: value.device(),
        });
    }
    let shape = value.size();
    let event = dist.event_shape();
    let full: Vec<i64> = [dist.batch_shape(), event].concat();
    let event_fits = shape.len() >= event.len() && shape[shape.len() - event.len()..] == *event;
    if !event_fits || broadcast_shapes(&shape, &full).is_none() {
        return Err(Error::ValueShape {
            family: dist.name(),
            batch_shape: dist.batch_shape().to_vec(),
            event_shape: event.to_vec(),
            found: shape,
        });
    }
    Ok(if value.is_floating_point() {
        value.shallow_clone()
    } else {
        value.to_kind(dist.kind())
    })
}
