//! Transforms: differentiable maps `y = f(x)` with their log-Jacobians
//! (torch's `torch.distributions.transforms`), from which
//! [`TransformedDistribution`](crate::TransformedDistribution) builds new
//! families and normalizing flows, and with which [`biject_to`] and
//! [`transform_to`] map unconstrained parameters onto a constraint.
//!
//! | Transform | Map | `log |det J|` |
//! |-----------|-----|---------------|
//! | [`AffineTransform`] | `loc + scale·x` (tensor parameters, gradients flow to them) | `Σ log |scale|` |
//! | [`ExpTransform`] | `exp x` | `x` |
//! | [`SigmoidTransform`] | `1 / (1 + e^{−x})`, clipped into `[tiny, 1 − ε]` | `−softplus(−x) − softplus(x)` |
//! | [`TanhTransform`] | `tanh x` | `2 (log 2 − x − softplus(−2x))` |
//! | [`SoftplusTransform`] | `log(1 + eˣ)` | `−softplus(−x)` |
//! | [`PowerTransform`] | `x^exponent` on `(0, ∞)` | `log |exponent · y / x|` |
//! | [`AbsTransform`] | `|x|` (not bijective) | none |
//! | [`StickBreakingTransform`] | `ℝ^{K−1}` onto the `K`-simplex | see its docs |
//! | [`SoftmaxTransform`] | `softmax(x)` onto the simplex (not bijective) | none |
//! | [`LowerCholeskyTransform`] | square matrices onto Cholesky factors (not bijective) | none |
//! | [`PositiveDefiniteTransform`] | square matrices onto SPD matrices (not bijective) | none |
//! | [`ComposeTransform`] | `f_n ∘ … ∘ f_1` | the sum, over the right event dimensions |
//! | [`IndependentTransform`] | a transform with more dimensions in its event | the base's, summed |
//! | [`InverseTransform`] | `f⁻¹` of a bijective transform | `−log |det J_f|` at `f⁻¹(y)` |
//!
//! Inputs must be floating point; a tensor of the wrong shape, device or
//! element type is an [`Error`](crate::Error), never a panic.
//!
//! # Writing a transform of your own
//!
//! A learned flow is a type holding its parameters (tensors of a
//! `tch::nn::VarStore`, say) that implements [`Transform`]: `forward`,
//! `log_abs_det_jacobian`, and, when it computes both in one pass (an
//! autoregressive flow does), `forward_with_log_abs_det_jacobian`. An
//! `inverse` it cannot compute cheaply returns
//! [`Error::NotImplemented`](crate::Error::NotImplemented);
//! [`TransformedDistribution`](crate::TransformedDistribution) still scores
//! its own samples (it keeps the last draw's pre-images) and offers
//! `rsample_with_log_prob`, which never inverts.
//!
//! ```
//! use tch::nn::{self, OptimizerConfig};
//! use tch::{Device, Kind, Tensor};
//! use vi_core::transforms::TanhTransform;
//! use vi_core::{Constraint, Error, Normal, Result, Transform, TransformedDistribution};
//!
//! /// `y = x · exp(s)` elementwise, with `s` learned; runs forwards only.
//! #[derive(Debug)]
//! struct LearnedScale {
//!     log_scale: Tensor,
//! }
//!
//! impl Transform for LearnedScale {
//!     fn name(&self) -> &'static str {
//!         "LearnedScale"
//!     }
//!     fn domain(&self) -> Constraint {
//!         Constraint::Real
//!     }
//!     fn codomain(&self) -> Constraint {
//!         Constraint::Real
//!     }
//!     fn forward(&self, x: &Tensor) -> Result<Tensor> {
//!         Ok(x * self.log_scale.exp())
//!     }
//!     fn inverse(&self, _y: &Tensor) -> Result<Tensor> {
//!         Err(Error::not_implemented("LearnedScale", "inverse", "forward only"))
//!     }
//!     fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
//!         Ok(x.zeros_like() + &self.log_scale)
//!     }
//! }
//!
//! # fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
//! let vs = nn::VarStore::new(Device::Cpu);
//! let log_scale = vs.root().zeros("log_scale", &[2]);
//! let mut optimizer = nn::Adam::default().build(&vs, 0.05)?;
//! let target = Tensor::from_slice(&[0.5f32, -0.5]);
//! for _ in 0..5 {
//!     let base = Normal::new(&Tensor::zeros([2], (Kind::Float, Device::Cpu)), &Tensor::ones([2], (Kind::Float, Device::Cpu)))?;
//!     let flow = LearnedScale { log_scale: log_scale.shallow_clone() };
//!     let q = TransformedDistribution::new(base, vec![Box::new(flow), Box::new(TanhTransform)])?;
//!     // One pass, no inverse: y [64, 2] and log q(y) [64, 2].
//!     let (y, log_q) = q.rsample_with_log_prob(&[64])?;
//!     let loss = (y - &target).square().mean(Kind::Float) + log_q.mean(Kind::Float);
//!     optimizer.backward_step(&loss);
//! }
//! # Ok(())
//! # }
//! ```

mod abs;
mod affine;
mod compose;
mod exp;
mod independent;
mod input;
mod inverse;
mod lower_cholesky;
mod positive_definite;
mod power;
mod registry;
mod sigmoid;
mod sign;
mod softmax;
mod softplus;
mod stick_breaking;
mod tanh;

use std::any::Any;
use std::fmt::Debug;

use tch::Tensor;

use crate::constraint::Constraint;
use crate::error::Result;

pub use abs::AbsTransform;
pub use affine::AffineTransform;
pub use compose::ComposeTransform;
pub use exp::ExpTransform;
pub use independent::IndependentTransform;
pub use inverse::InverseTransform;
pub use lower_cholesky::LowerCholeskyTransform;
pub use positive_definite::PositiveDefiniteTransform;
pub use power::PowerTransform;
pub use registry::{biject_to, transform_to};
pub use sigmoid::SigmoidTransform;
pub use sign::Sign;
pub use softmax::SoftmaxTransform;
pub use softplus::SoftplusTransform;
pub use stick_breaking::StickBreakingTransform;
pub use tanh::TanhTransform;

pub(crate) use compose::sum_rightmost_checked;

/// A differentiable map `y = f(x)` from its [`domain`](Self::domain) to its
/// [`codomain`](Self::codomain), with `log |det ∂y/∂x|` (torch's
/// `Transform`).
///
/// Shapes: `x` ends with the domain's event dimensions
/// (`domain().event_dim()` of them), `y` with the codomain's;
/// [`log_abs_det_jacobian`](Self::log_abs_det_jacobian) has the shape of
/// `x` without the domain's event dimensions (for an elementwise
/// transform, the shape of `x`).
///
/// The trait is object safe; `Any` lets [`same_as`](Self::same_as) compare
/// a transform with another behind `&dyn Transform`.
pub trait Transform: Debug + Any {
    /// The transform's name, used in error messages (e.g. `"ExpTransform"`).
    fn name(&self) -> &'static str;

    /// Where `x` lives.
    fn domain(&self) -> Constraint;

    /// Where `y` lives.
    fn codomain(&self) -> Constraint;

    /// Whether the map is one-to-one onto its codomain, so that
    /// [`inverse`](Self::inverse) is defined on all of it (torch's
    /// `bijective`).
    fn bijective(&self) -> bool {
        true
    }

    /// For an elementwise monotone map, whether it increases or decreases
    /// (torch's `sign`: `+1`, `−1`, or a tensor of them for a batch of maps
    /// such as an affine map with a tensor `scale`); `None` for a map that
    /// is not monotone elementwise.
    fn sign(&self) -> Option<Sign> {
        None
    }

    /// `y = f(x)`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if `x` does not
    /// fit the transform; [`Error::Dtype`](crate::Error::Dtype) if it is not
    /// floating point; [`Error::DeviceMismatch`](crate::Error::DeviceMismatch)
    /// if it is not on the parameters' device.
    fn forward(&self, x: &Tensor) -> Result<Tensor>;

    /// `x = f⁻¹(y)` (for a transform that is not bijective, a
    /// pseudo-inverse: `f(f⁻¹(y)) = y`).
    ///
    /// # Errors
    /// [`Error::NotImplemented`](crate::Error::NotImplemented) for a
    /// transform without a computable inverse (an inverse autoregressive
    /// flow, say); as [`forward`](Self::forward) otherwise.
    fn inverse(&self, y: &Tensor) -> Result<Tensor>;

    /// `log |det ∂f(x)/∂x|` at `x` with `y = f(x)` (both given, since many
    /// transforms compute it more cheaply or more stably from one of
    /// them); shape: `x`'s without the domain's event dimensions.
    ///
    /// # Errors
    /// [`Error::NotImplemented`](crate::Error::NotImplemented) for a
    /// transform that is not bijective (torch raises too); as
    /// [`forward`](Self::forward) otherwise.
    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor>;

    /// `(f(x), log |det ∂f(x)/∂x|)` in one call. The default calls
    /// [`forward`](Self::forward) then
    /// [`log_abs_det_jacobian`](Self::log_abs_det_jacobian); a flow that
    /// gets both from one pass overrides it.
    ///
    /// # Errors
    /// As [`forward`](Self::forward) and
    /// [`log_abs_det_jacobian`](Self::log_abs_det_jacobian).
    fn forward_with_log_abs_det_jacobian(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let y = self.forward(x)?;
        let log_det = self.log_abs_det_jacobian(x, &y)?;
        Ok((y, log_det))
    }

    /// The shape of `f(x)` for `x` of shape `shape` (torch's
    /// `forward_shape`); the same shape unless the transform reshapes or
    /// broadcasts against its parameters.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if `shape` does
    /// not fit the transform.
    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        Ok(shape.to_vec())
    }

    /// The shape of `f⁻¹(y)` for `y` of shape `shape` (torch's
    /// `inverse_shape`).
    ///
    /// # Errors
    /// As [`forward_shape`](Self::forward_shape).
    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        Ok(shape.to_vec())
    }

    /// Whether `other` is the same map (torch's `__eq__`): the KL between
    /// two transformed distributions reduces to their bases' only when
    /// their transforms are the same. The default is `false` (never wrong,
    /// only less useful). Comparing tensor parameters reads them (one
    /// device synchronisation).
    fn same_as(&self, other: &dyn Transform) -> bool {
        let _ = other;
        false
    }
}

/// `other` as a `T`, when it is one: how `same_as` implementations compare
/// parameters.
pub(crate) fn downcast<T: Transform>(other: &dyn Transform) -> Option<&T> {
    (other as &dyn Any).downcast_ref::<T>()
}
