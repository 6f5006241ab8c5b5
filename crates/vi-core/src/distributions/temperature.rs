//! The temperature of the relaxed (Concrete / Gumbel-softmax) families:
//! checked positive, of the parameters' type, one per batch element or a
//! single one.

use tch::Tensor;

use crate::error::{Error, Result};
use crate::toolkit;

/// Checks `temperature` against a parameter (named `param_name`; for a
/// categorical family, one slice of it along the event dimension, so that
/// its shape is the batch shape): floating point of the parameter's type, on its
/// device (a 0-d CPU tensor joins any device), positive and finite (while
/// [`validation`](crate::validation) is on), and either broadcasting to
/// `batch_shape` or holding a single element, which is then a scalar
/// (torch accepts `tensor([2.2])` for any batch). Returns it ready to
/// divide by.
pub(crate) fn checked_temperature(
    family: &'static str,
    (param_name, param): (&'static str, &Tensor),
    temperature: &Tensor,
    batch_shape: &[i64],
) -> Result<Tensor> {
    let params =
        toolkit::broadcast_params(family, &[(param_name, param), ("temperature", temperature)])?;
    let [_, temperature] = params.into_array()?;
    toolkit::check_positive(family, "temperature", &temperature)?;
    let fits = toolkit::broadcast_shapes(&temperature.size(), batch_shape)
        .is_some_and(|shape| shape == batch_shape);
    if fits {
        Ok(temperature)
    } else if temperature.numel() == 1 {
        Ok(temperature.reshape([] as [i64; 0]))
    } else {
        Err(Error::ShapeMismatch {
            context: family,
            left: "temperature",
            left_shape: temperature.size(),
            right: "batch_shape (or a single element)",
            right_shape: batch_shape.to_vec(),
        })
    }
}
