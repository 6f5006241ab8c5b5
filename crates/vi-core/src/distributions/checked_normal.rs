//! The `Normal` inside `LogNormal`, `HalfNormal` and `TanhNormal`, built
//! with its parameters checked under the outer family's name, so that an
//! error says `LogNormal: parameter scale …`, not `Normal: …`.

use tch::Tensor;

use super::Normal;
use crate::error::Result;
use crate::toolkit;
use crate::validation;

/// `Normal(loc, scale)` with `loc` finite and `scale` positive, errors
/// naming `family`.
pub(crate) fn normal_from_scale(
    family: &'static str,
    loc: &Tensor,
    scale: &Tensor,
) -> Result<Normal> {
    let params = toolkit::broadcast_params(family, &[("loc", loc), ("scale", scale)])?;
    let [loc, scale] = params.into_array()?;
    toolkit::check_finite(family, "loc", &loc)?;
    toolkit::check_positive(family, "scale", &scale)?;
    validation::without_validation(|| Normal::new(&loc, &scale))
}

/// `Normal(loc, exp(log_scale))` with both finite, errors naming `family`.
pub(crate) fn normal_from_log_scale(
    family: &'static str,
    loc: &Tensor,
    log_scale: &Tensor,
) -> Result<Normal> {
    let params = toolkit::broadcast_params(family, &[("loc", loc), ("log_scale", log_scale)])?;
    let [loc, log_scale] = params.into_array()?;
    toolkit::check_finite(family, "loc", &loc)?;
    toolkit::check_finite(family, "log_scale", &log_scale)?;
    validation::without_validation(|| Normal::from_log_scale(&loc, &log_scale))
}
