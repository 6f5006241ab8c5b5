//! Parameters checked together: floating point, one element type, one
//! device, broadcastable shapes (torch's `broadcast_all`).

use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};
use crate::toolkit::shape::broadcast_pair;

/// Parameters after [`broadcast_params`]: on the common device, with the
/// common element type, and the shape they broadcast to.
#[derive(Debug)]
pub struct Params {
    /// The parameters in the order given, each of its own shape (a 0-d CPU
    /// scalar moved to the common device); [`expanded`](Self::expanded)
    /// gives them as views of shape `batch_shape`.
    pub tensors: Vec<Tensor>,
    /// The broadcast shape of all parameters.
    pub batch_shape: Vec<i64>,
    /// Their element type.
    pub kind: Kind,
    /// Their device.
    pub device: Device,
}

/// Requires a floating-point tensor (float16, bfloat16, float32, float64).
///
/// # Errors
/// [`Error::Dtype`] naming `family` and `name`.
pub fn check_floating(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
    if tensor.is_floating_point() {
        Ok(())
    } else {
        Err(Error::Dtype {
            context: family,
            name,
            expected: "a floating-point tensor",
            found: tensor.kind(),
        })
    }
}

/// Requires `tensor` to share the element type and device of a reference
/// parameter (without the scalar exception of [`broadcast_params`]), so
/// that no silent promotion or transfer happens later.
///
/// # Errors
/// [`Error::DeviceMismatch`] or [`Error::Dtype`] naming `family` and `name`.
pub fn check_same_place(
    family: &'static str,
    name: &'static str,
    tensor: &Tensor,
    (kind, device): (Kind, Device),
) -> Result<()> {
    if tensor.device() != device {
        return Err(Error::DeviceMismatch {
            context: family,
            name,
            expected: device,
            found: tensor.device(),
        });
    }
    if tensor.kind() != kind {
        return Err(Error::Dtype {
            context: family,
            name,
            expected: "the same floating-point type as the other parameters",
            found: tensor.kind(),
        });
    }
    Ok(())
}

/// Checks named parameters and broadcasts them to one shape.
///
/// Every parameter must be floating point, of the first parameter's element
/// type, and on one device. As in torch, a 0-d tensor on the CPU is a
/// scalar that may join parameters on another device (it is copied there):
/// `Normal::new(&cuda_loc, &Tensor::from(1.0f32))` works. The device is that
/// of the first parameter that is not such a scalar.
///
/// No value is read, so this costs no device synchronisation.
///
/// # Errors
/// [`Error::Dtype`] for an integer parameter or mixed element types;
/// [`Error::DeviceMismatch`] for parameters on different devices;
/// [`Error::ShapeMismatch`] naming the first two parameters whose shapes do
/// not broadcast; [`Error::InvalidArgument`] if no parameter is given.
pub fn broadcast_params(family: &'static str, named: &[(&'static str, &Tensor)]) -> Result<Params> {
    let Some(&(_, first)) = named.first() else {
        return Err(Error::InvalidArgument {
            context: family,
            name: "parameters",
            expected: "at least one parameter",
            found: "none".to_owned(),
        });
    };
    for &(name, tensor) in named {
        check_floating(family, name, tensor)?;
    }
    let kind = first.kind();
    let is_cpu_scalar = |t: &Tensor| t.dim() == 0 && t.device() == Device::Cpu;
    let device = named
        .iter()
        .map(|(_, t)| *t)
        .find(|t| !is_cpu_scalar(t))
        .map_or(Device::Cpu, Tensor::device);
    let mut placed = Vec::with_capacity(named.len());
    for &(name, tensor) in named {
        if tensor.kind() != kind {
            return Err(Error::Dtype {
                context: family,
                name,
                expected: "the same floating-point type as the other parameters",
                found: tensor.kind(),
            });
        }
        if tensor.device() != device {
            if !is_cpu_scalar(tensor) {
                return Err(Error::DeviceMismatch {
                    context: family,
                    name,
                    expected: device,
                    found: tensor.device(),
                });
            }
            placed.push(tensor.to_device(device));
        } else {
            placed.push(tensor.shallow_clone());
        }
    }
    let (first_name, _) = named[0];
    let mut batch_shape = placed[0].size();
    let mut shape_name = first_name;
    for (&(name, _), tensor) in named.iter().zip(&placed).skip(1) {
        batch_shape = broadcast_pair(family, (shape_name, &batch_shape), (name, &tensor.size()))?;
        shape_name = name;
    }
    Ok(Params {
        tensors: placed,
        batch_shape,
        kind,
        device,
    })
}

impl Params {
    /// The parameters expanded to `batch_shape` (views, no copy), in the
    /// order given.
    pub fn expanded(&self) -> Vec<Tensor> {
        self.tensors
            .iter()
            .map(|t| t.expand(self.batch_shape.as_slice(), false))
            .collect()
    }

    /// The `N` parameters as an array, to name them:
    /// `let [loc, scale] = params.into_array()?;`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if there are not exactly `N`.
    pub fn into_array<const N: usize>(self) -> Result<[Tensor; N]> {
        let count = self.tensors.len();
        <[Tensor; N]>::try_from(self.tensors).map_err(|_| Error::InvalidArgument {
            context: "Params::into_array",
            name: "N",
            expected: "the number of parameters",
            found: format!("{N} for {count} parameters"),
        })
    }
}
