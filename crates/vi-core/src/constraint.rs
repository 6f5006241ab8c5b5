//! Parameter constraints checked at construction (torch's
//! `torch.distributions.constraints`): a distribution that exists has valid
//! parameters, so its math never has to guard against them.

use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};

/// Requires a floating-point tensor (float16/bfloat16/float32/float64).
pub(crate) fn floating(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
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
/// parameter, so that no silent promotion or transfer happens later.
pub(crate) fn same_place(
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

/// Whether every element satisfies `ok`, computed without recording a graph.
fn all(tensor: &Tensor, ok: impl FnOnce(&Tensor) -> Tensor) -> bool {
    tch::no_grad(|| tensor.numel() == 0 || ok(tensor).all().int64_value(&[]) != 0)
}

/// Whether any element of a boolean tensor is set, without recording a graph.
pub(crate) fn any(flags: &Tensor) -> bool {
    tch::no_grad(|| flags.any().int64_value(&[]) != 0)
}

/// A short description of the elements that break a constraint.
fn summary(tensor: &Tensor) -> String {
    tch::no_grad(|| {
        if any(&tensor.isnan()) {
            return "NaN".to_string();
        }
        let min = tensor.min().double_value(&[]);
        let max = tensor.max().double_value(&[]);
        format!("values in [{min}, {max}]")
    })
}

fn violation(
    family: &'static str,
    name: &'static str,
    constraint: &'static str,
    tensor: &Tensor,
) -> Error {
    Error::InvalidParameter {
        family,
        parameter: name,
        constraint,
        found: summary(tensor),
    }
}

/// Every element `> 0` (NaN fails).
pub(crate) fn positive(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
    if all(tensor, |t| t.gt(0.0).logical_and(&t.isfinite())) {
        Ok(())
    } else {
        Err(violation(family, name, "positive and finite", tensor))
    }
}

/// Every element finite (no NaN, no infinity).
pub(crate) fn finite(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
    if all(tensor, Tensor::isfinite) {
        Ok(())
    } else {
        Err(violation(family, name, "finite", tensor))
    }
}

/// Every element in `[0, 1]` (NaN fails).
pub(crate) fn unit_interval(
    family: &'static str,
    name: &'static str,
    tensor: &Tensor,
) -> Result<()> {
    if all(tensor, |t| t.ge(0.0).logical_and(&t.le(1.0))) {
        Ok(())
    } else {
        Err(violation(family, name, "in [0, 1]", tensor))
    }
}
