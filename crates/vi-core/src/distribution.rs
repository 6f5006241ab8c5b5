//! The [`Distribution`], [`Rsample`] and [`Expand`] traits, modelled on
//! `torch.distributions.Distribution`.
//!
//! Shapes follow torch: a distribution has a *batch shape* (independent,
//! not necessarily identical distributions) and an *event shape* (the shape
//! of one draw). `sample(sample_shape)` returns
//! `sample_shape + batch_shape + event_shape`; `log_prob(x)` returns the
//! shape of `x` with the event dimensions summed away.

use std::fmt::Debug;

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::error::{Error, Result};

/// A probability distribution over tensors (torch's `Distribution`).
///
/// The trait is object safe: `&dyn Distribution` works wherever a family is
/// chosen at run time. Every method that can fail returns [`Result`]:
/// a method the family lacks (torch raises `NotImplementedError`) gives
/// [`Error::NotImplemented`], never a panic or a silent NaN. The methods
/// with defaults (`mode`, `cdf`, `icdf`, `enumerate_support`) return that
/// error unless the family overrides them.
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

    /// The set the values lie in (torch's `support`).
    fn support(&self) -> Constraint;

    /// Draws samples of shape `sample_shape + batch_shape + event_shape`
    /// without gradient (torch's `sample`). Consumes libtorch's global
    /// generator exactly as torch.distributions does, so a draw after
    /// `tch::manual_seed(s)` equals PyTorch's after `torch.manual_seed(s)`
    /// on the CPU (each family's docs say where it does not).
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

    /// Differential entropy `H = −E[log p(x)]` (Shannon entropy for a
    /// discrete family), shape `batch_shape`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] if the family has no closed form.
    fn entropy(&self) -> Result<Tensor>;

    /// Mean, shape `batch_shape + event_shape` (NaN or `∞` where it does
    /// not exist, as torch gives it).
    ///
    /// # Errors
    /// [`Error::NotImplemented`] if the family has no closed form.
    fn mean(&self) -> Result<Tensor>;

    /// Variance (the diagonal of the covariance for vector events), shape
    /// `batch_shape + event_shape`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] if the family has no closed form.
    fn variance(&self) -> Result<Tensor>;

    /// Standard deviation `sqrt(variance)`, shape `batch_shape + event_shape`.
    ///
    /// # Errors
    /// As [`variance`](Self::variance).
    fn stddev(&self) -> Result<Tensor> {
        Ok(self.variance()?.sqrt())
    }

    /// The mode (torch's `mode`), shape `batch_shape + event_shape`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] unless the family provides it.
    fn mode(&self) -> Result<Tensor> {
        Err(Error::not_implemented(self.name(), "mode", ""))
    }

    /// Cumulative distribution function `P(X ≤ value)` of a scalar family,
    /// the shape of `value` broadcast with `batch_shape`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] unless the family provides it; the errors
    /// of [`log_prob`](Self::log_prob) for a value that does not fit.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let _ = value;
        Err(Error::not_implemented(self.name(), "cdf", ""))
    }

    /// Inverse of the [`cdf`](Self::cdf): the value below which a
    /// probability `p ∈ [0, 1]` of the mass lies.
    ///
    /// # Errors
    /// As [`cdf`](Self::cdf).
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let _ = p;
        Err(Error::not_implemented(self.name(), "icdf", ""))
    }

    /// Every value of a discrete support, along a new leading dimension
    /// (torch's `enumerate_support`): shape `[n] + batch_shape +
    /// event_shape` when `expand`, else `[n] + [1]·len(batch_shape) +
    /// event_shape`.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] for a family without a finite discrete
    /// support.
    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        let _ = expand;
        Err(Error::not_implemented(
            self.name(),
            "enumerate_support",
            "no finite discrete support",
        ))
    }

    /// `exp(entropy)`, shape `batch_shape` (torch's `perplexity`).
    ///
    /// # Errors
    /// As [`entropy`](Self::entropy).
    fn perplexity(&self) -> Result<Tensor> {
        Ok(self.entropy()?.exp())
    }
}

/// A family with a reparameterized sampler (torch's `has_rsample`): the draw
/// is a differentiable function of the parameters and of parameter-free
/// noise (or, for the Gamma family and those built on it, an implicitly
/// reparameterized draw; Figurnov et al. 2018), so gradients of Monte Carlo
/// estimates flow to the parameters (Kingma & Welling 2014, §2.4).
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

/// A family whose batch can be broadcast to a larger batch shape (torch's
/// `expand`): the parameters become views, nothing is copied.
pub trait Expand: Distribution {
    /// The same family with batch shape `batch_shape`, to which the current
    /// batch shape must broadcast.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the current batch shape does not broadcast
    /// to `batch_shape`.
    fn expand(&self, batch_shape: &[i64]) -> Result<Self>
    where
        Self: Sized;
}

/// A family whose parameters can be cut from the autograd graph (torch:
/// rebuilding the distribution from `param.detach()`): the same
/// distribution, whose `log_prob` passes gradients to its argument but not
/// to its parameters. The path-derivative estimators
/// ([`stl_elbo`](crate::stl_elbo), [`dreg_iwae`](crate::dreg_iwae)) evaluate
/// `log q` this way.
pub trait Detach: Distribution + Sized {
    /// The distribution with detached parameters (views of the same values;
    /// nothing is copied or validated again).
    fn detach(&self) -> Self;
}
