//! The check every `log_prob` makes of its argument.

use tch::Tensor;

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit::shape::broadcast_shapes;

/// Checks a `log_prob` argument against `dist` and returns it ready for the
/// math: it must be on the distribution's device, end with its event shape
/// and broadcast with `batch_shape + event_shape`; integer and boolean
/// values are converted to the parameters' type. Costs no device
/// synchronisation (the support is not checked: families document what
/// their `log_prob` gives outside it).
///
/// # Errors
/// [`Error::DeviceMismatch`] or [`Error::ValueShape`] naming the family.
pub fn validate_value<D: Distribution + ?Sized>(dist: &D, value: &Tensor) -> Result<Tensor> {
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
