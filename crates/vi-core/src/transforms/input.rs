//! Checks every transform makes of its input before the math: floating
//! point, enough dimensions, the parameters' device and broadcastable
//! shapes, so that a bad tensor is an [`Error`], never a libtorch panic.

use tch::{Device, Tensor};

use crate::error::{Error, Result};
use crate::toolkit::{self, broadcast_shapes};
use crate::validation;

/// `tensor` (named `name`) is floating point and has at least `event_dim`
/// dimensions.
///
/// # Errors
/// [`Error::Dtype`] or [`Error::ShapeMismatch`] naming `transform`.
pub(crate) fn check_input(
    transform: &'static str,
    name: &'static str,
    tensor: &Tensor,
    event_dim: usize,
) -> Result<()> {
    toolkit::check_floating(transform, name, tensor)?;
    if tensor.dim() < event_dim {
        return Err(Error::ShapeMismatch {
            context: transform,
            left: name,
            left_shape: tensor.size(),
            right: "the transform's event dimensions",
            right_shape: vec![event_dim as i64],
        });
    }
    Ok(())
}

/// As [`check_input`], and `tensor` lives on the device of `params` (a 0-d
/// CPU parameter joins any device, as in libtorch) and broadcasts with each
/// of them.
///
/// # Errors
/// As [`check_input`]; [`Error::DeviceMismatch`] or
/// [`Error::ShapeMismatch`] naming `transform` and the parameter.
pub(crate) fn check_with_params(
    transform: &'static str,
    (name, tensor): (&'static str, &Tensor),
    event_dim: usize,
    params: &[(&'static str, &Tensor)],
) -> Result<()> {
    check_input(transform, name, tensor, event_dim)?;
    for &(param_name, param) in params {
        let cpu_scalar = param.dim() == 0 && param.device() == Device::Cpu;
        if !cpu_scalar && param.device() != tensor.device() {
            return Err(Error::DeviceMismatch {
                context: transform,
                name,
                expected: param.device(),
                found: tensor.device(),
            });
        }
        if broadcast_shapes(&tensor.size(), &param.size()).is_none() {
            return Err(Error::ShapeMismatch {
                context: transform,
                left: name,
                left_shape: tensor.size(),
                right: param_name,
                right_shape: param.size(),
            });
        }
    }
    Ok(())
}

/// `shape` has at least `event_dim` dimensions (for `forward_shape`).
///
/// # Errors
/// [`Error::ShapeMismatch`] naming `transform`.
pub(crate) fn check_shape(transform: &'static str, shape: &[i64], event_dim: usize) -> Result<()> {
    if shape.len() < event_dim {
        return Err(Error::ShapeMismatch {
            context: transform,
            left: "shape",
            left_shape: shape.to_vec(),
            right: "the transform's event dimensions",
            right_shape: vec![event_dim as i64],
        });
    }
    Ok(())
}

/// `shape` broadcast with the shapes of `params`.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming `transform` and the first parameter that
/// does not broadcast.
pub(crate) fn broadcast_with_params(
    transform: &'static str,
    shape: &[i64],
    params: &[(&'static str, &Tensor)],
) -> Result<Vec<i64>> {
    let mut out = shape.to_vec();
    for &(param_name, param) in params {
        out = broadcast_shapes(&out, &param.size()).ok_or_else(|| Error::ShapeMismatch {
            context: transform,
            left: "shape",
            left_shape: shape.to_vec(),
            right: param_name,
            right_shape: param.size(),
        })?;
    }
    Ok(out)
}

/// Every element of a parameter is non-zero (a zero scale or exponent makes
/// the map constant, so not bijective); skipped while
/// [`validation`](crate::validation) is off. One device synchronisation.
///
/// # Errors
/// [`Error::InvalidParameter`] naming `transform` and `name`.
pub(crate) fn check_nonzero(
    transform: &'static str,
    name: &'static str,
    param: &Tensor,
) -> Result<()> {
    if !validation::enabled() || !toolkit::any(&tch::no_grad(|| param.eq(0.0))) {
        return Ok(());
    }
    Err(Error::InvalidParameter {
        family: transform,
        parameter: name,
        constraint: "non-zero",
        found: "a zero element".to_string(),
    })
}

/// Whether two parameters are equal elementwise after broadcasting (as
/// torch's `(a == b).all()`); `false` for shapes that do not broadcast.
/// One device synchronisation.
pub(crate) fn tensors_equal(a: &Tensor, b: &Tensor) -> bool {
    tch::no_grad(|| {
        a.f_eq_tensor(&b.to_device(a.device()))
            .is_ok_and(|eq| eq.all().int64_value(&[]) != 0)
    })
}
