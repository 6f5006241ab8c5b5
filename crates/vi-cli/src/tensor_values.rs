//! Tensors turned into plain numbers for CSV, JSON and charts.

use anyhow::{Context, Result};
use tch::{Device, Kind, Tensor};

/// The elements of `tensor` (on any device) as `f64`, row-major.
pub fn values(tensor: &Tensor) -> Result<Vec<f64>> {
    let flat = tensor
        .detach()
        .to_device(Device::Cpu)
        .to_kind(Kind::Double)
        .reshape([-1]);
    Vec::<f64>::try_from(flat).context("cannot read a tensor's values")
}

/// The first element of `tensor` as `f64` (for `[1]`, `[1, 1]` and `[]`
/// tensors).
pub fn first(tensor: &Tensor) -> Result<f64> {
    values(tensor)?
        .first()
        .copied()
        .context("expected a non-empty tensor")
}
