//! Value checks of parameters, each one device synchronisation, skipped
//! while [`validation`](crate::validation) is off: a distribution that
//! exists has valid parameters, so its math never guards against them.

use tch::Tensor;

use crate::constraint::Constraint;
use crate::error::{Error, Result};
use crate::validation;

/// Whether every element satisfies `ok` (vacuously true for no elements),
/// computed without recording a graph.
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

fn require(
    (family, name): (&'static str, &'static str),
    constraint: &'static str,
    tensor: &Tensor,
    ok: impl FnOnce(&Tensor) -> Tensor,
) -> Result<()> {
    if !validation::enabled() || all(tensor, ok) {
        return Ok(());
    }
    Err(Error::InvalidParameter {
        family,
        parameter: name,
        constraint,
        found: summary(tensor),
    })
}

/// Every element finite (no NaN, no infinity).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `family`, `name` and the range of
/// the values found.
pub fn check_finite(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
    require((family, name), "finite", tensor, Tensor::isfinite)
}

/// Every element `> 0` and finite (NaN fails). Stricter than torch's
/// `positive`, which admits `+∞`: an infinite scale or rate makes every
/// density zero and is always a bug upstream.
///
/// # Errors
/// As [`check_finite`].
pub fn check_positive(family: &'static str, name: &'static str, tensor: &Tensor) -> Result<()> {
    require((family, name), "positive and finite", tensor, |t| {
        t.gt(0.0).logical_and(&t.isfinite())
    })
}

/// Every element in `[0, 1]` (NaN fails).
///
/// # Errors
/// As [`check_finite`].
pub fn check_unit_interval(
    family: &'static str,
    name: &'static str,
    tensor: &Tensor,
) -> Result<()> {
    require((family, name), "in [0, 1]", tensor, |t| {
        t.ge(0.0).logical_and(&t.le(1.0))
    })
}

/// Every element of `tensor` (one element per `constraint.event_dim()`
/// rightmost dimensions) lies in `constraint`; `description` is the
/// constraint in words for the error, e.g. `"on the simplex"`.
///
/// # Errors
/// As [`check_finite`]; the errors of [`Constraint::check`].
pub fn check_constraint(
    family: &'static str,
    name: &'static str,
    tensor: &Tensor,
    constraint: &Constraint,
    description: &'static str,
) -> Result<()> {
    if !validation::enabled() {
        return Ok(());
    }
    let inside = constraint.check(tensor)?;
    if all(&inside, Tensor::shallow_clone) {
        return Ok(());
    }
    let outside = inside.logical_not().sum(tch::Kind::Int64).int64_value(&[]);
    Err(Error::InvalidParameter {
        family,
        parameter: name,
        constraint: description,
        found: format!("{outside} of {} elements outside it", inside.numel()),
    })
}
