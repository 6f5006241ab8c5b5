//! [`AffineTransform`]: `y = loc + scale · x`, elementwise, with tensor
//! parameters that broadcast and receive gradients (torch's
//! `AffineTransform`).

use tch::Tensor;

use super::input::{
    broadcast_with_params, check_nonzero, check_shape, check_with_params, tensors_equal,
};
use super::{Sign, Transform, downcast, sum_rightmost_checked};
use crate::constraint::Constraint;
use crate::error::Result;
use crate::toolkit;

const NAME: &str = "AffineTransform";

/// `y = loc + scale · x` elementwise, over events of `event_dim`
/// dimensions (0 for scalars, 1 for vectors, …).
///
/// `loc` and `scale` broadcast against `x` (and `y`), so one transform
/// holds a batch of maps; gradients flow to both. Domain and codomain: the
/// reals, with `event_dim` dimensions per element.
///
/// `log |det J| = Σ log |scale|` over the `event_dim` rightmost dimensions
/// of `scale` broadcast against `x`; shape: the broadcast of `x` and
/// `scale` without those dimensions.
///
/// Deviation from torch: torch sums `log |scale|` over the dimensions
/// `scale` itself has, so a tensor `scale` with fewer dimensions than
/// the event (a 0-d scale with `event_dim = 1`) counts `log |scale|`
/// once instead of once per element; vi-core broadcasts first and gives
/// the true log-determinant (torch's result for a Python-number scale).
/// A zero in `scale` is refused (the map would be constant).
#[derive(Debug)]
pub struct AffineTransform {
    loc: Tensor,
    scale: Tensor,
    event_dim: usize,
}

impl AffineTransform {
    /// `y = loc + scale · x` over scalar events.
    ///
    /// # Errors
    /// As [`with_event_dim`](Self::with_event_dim).
    pub fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        Self::with_event_dim(loc, scale, 0)
    }

    /// `y = loc + scale · x` over events of `event_dim` dimensions. A 0-d
    /// floating-point CPU tensor paired with a tensor of another floating
    /// type is a number (torch's `AffineTransform(loc_tensor, 1.0)`) and
    /// takes the other's type.
    ///
    /// # Errors
    /// [`Error::Dtype`](crate::Error::Dtype),
    /// [`Error::DeviceMismatch`](crate::Error::DeviceMismatch) or
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if `loc` and
    /// `scale` are not floating point of one type, on one device, with
    /// shapes that broadcast; [`Error::InvalidParameter`](crate::Error::InvalidParameter)
    /// if either is not finite or `scale` has a zero (value checks run while
    /// [`validation`](crate::validation) is on).
    pub fn with_event_dim(loc: &Tensor, scale: &Tensor, event_dim: usize) -> Result<Self> {
        let (loc, scale) = (number_like(loc, scale), number_like(scale, loc));
        let params = toolkit::broadcast_params(NAME, &[("loc", &loc), ("scale", &scale)])?;
        let [loc, scale] = params.into_array()?;
        toolkit::check_finite(NAME, "loc", &loc)?;
        toolkit::check_finite(NAME, "scale", &scale)?;
        check_nonzero(NAME, "scale", &scale)?;
        Ok(Self {
            loc,
            scale,
            event_dim,
        })
    }

    /// `y = loc + scale · x` with numbers (kept as 0-d float64 CPU tensors,
    /// which join a value of any floating type and device without changing
    /// its type, as torch's Python numbers do).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_values(loc: f64, scale: f64) -> Result<Self> {
        Self::new(&Tensor::from(loc), &Tensor::from(scale))
    }

    /// The shift, as given.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// The scale, as given.
    pub fn scale(&self) -> &Tensor {
        &self.scale
    }

    /// Dimensions of one event.
    pub fn event_dim(&self) -> usize {
        self.event_dim
    }

    fn check(&self, name: &'static str, tensor: &Tensor) -> Result<()> {
        check_with_params(
            NAME,
            (name, tensor),
            self.event_dim,
            &[("loc", &self.loc), ("scale", &self.scale)],
        )
    }

    fn constraint(&self) -> Constraint {
        Constraint::Real.independent(self.event_dim)
    }
}

/// `param` in `other`'s type when `param` is a 0-d CPU number and `other`
/// a floating tensor with dimensions (else `param` unchanged).
fn number_like(param: &Tensor, other: &Tensor) -> Tensor {
    let number = param.dim() == 0 && param.device() == tch::Device::Cpu;
    if number && other.dim() > 0 && param.is_floating_point() && other.is_floating_point() {
        param.to_kind(other.kind())
    } else {
        param.shallow_clone()
    }
}

impl Transform for AffineTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        self.constraint()
    }

    fn codomain(&self) -> Constraint {
        self.constraint()
    }

    /// `scale.sign()`, one sign per element of `scale`.
    fn sign(&self) -> Option<Sign> {
        Some(Sign::Elementwise(self.scale.sign()))
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.check("x", x)?;
        Ok(&self.loc + &self.scale * x)
    }

    /// `x = (y − loc) / scale`.
    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        self.check("y", y)?;
        Ok((y - &self.loc) / &self.scale)
    }

    fn log_abs_det_jacobian(&self, x: &Tensor, _y: &Tensor) -> Result<Tensor> {
        self.check("x", x)?;
        // Adding to zeros of x's shape and type broadcasts and promotes as
        // torch does for its forward map (a 0-d scale keeps x's type).
        let log_scale = x.zeros_like() + self.scale.abs().log();
        sum_rightmost_checked(NAME, &log_scale, self.event_dim)
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        check_shape(NAME, shape, self.event_dim)?;
        broadcast_with_params(NAME, shape, &[("loc", &self.loc), ("scale", &self.scale)])
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        self.forward_shape(shape)
    }

    /// Same `event_dim`, and `loc` and `scale` equal elementwise (after
    /// broadcasting), as torch compares them.
    fn same_as(&self, other: &dyn Transform) -> bool {
        let Some(other) = downcast::<Self>(other) else {
            return false;
        };
        self.event_dim == other.event_dim
            && tensors_equal(&self.loc, &other.loc)
            && tensors_equal(&self.scale, &other.scale)
    }
}
