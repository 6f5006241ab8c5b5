//! The log density of a reparameterized Gaussian draw by the change of
//! variables, as tutorial 2 derives it, and the tutorial's own version.
//!
//! With `z = μ + σ ⊙ t`, `t ~ N(0, I)`, the map `t ↦ z` has Jacobian
//! `diag σ`, so `q(z|x) = N(t; 0, I) / |det diag σ|`:
//!
//! `log q(z|x) = log N(t; 0, I) − Σⱼ log σⱼ`.
//!
//! Tutorial 2's `elbo` writes `log N(t; 0, I) + |Σⱼ log σⱼ|` instead: the
//! determinant's factor on the wrong side of the fraction, behind an absolute
//! value. Its value exceeds the density by `|s| + s = 2 max(s, 0)`,
//! `s = Σⱼ log σⱼ`: it is right whenever `s ≤ 0` and too large otherwise.
//! In the ELBO `… − log q` this turns the entropy bonus `+s` into the
//! penalty `−|s|`, which pulls `Σⱼ log σⱼ` towards 0 from either side
//! instead of letting the posterior widen.

use tch::Tensor;
use vi_core::{Distribution, Independent, Normal};

use crate::error::{Error, Result};

/// `log N(t; 0, I) − Σⱼ log σⱼ`: the log density of `z = μ + σ ⊙ t` under
/// `q = N(μ, diag σ²)`, computed from the noise `t` and `log σ` (both
/// `[..., L]`), shape `[...]`. Equals `Independent<Normal>::log_prob(z)` of
/// vi-core up to rounding, which is what the models' Monte Carlo ELBO uses.
///
/// # Errors
/// [`Error::InputShape`] if the shapes differ or have no latent dimension;
/// vi-core's errors for a non-floating-point `noise`.
pub fn change_of_variables_log_q(noise: &Tensor, log_scale: &Tensor) -> Result<Tensor> {
    let (log_density, log_det) = parts("change_of_variables_log_q", noise, log_scale)?;
    Ok(log_density - log_det)
}

/// Tutorial 2's `log_q_z_given_z`: `log N(t; 0, I) + |Σⱼ log σⱼ|`, shape
/// `[...]` for `t` and `log σ` of shape `[..., L]`. Kept to quantify what
/// the tutorial optimizes; it is not a density (see the module docs).
///
/// # Errors
/// As [`change_of_variables_log_q`].
pub fn tutorial2_log_q(noise: &Tensor, log_scale: &Tensor) -> Result<Tensor> {
    let (log_density, log_det) = parts("tutorial2_log_q", noise, log_scale)?;
    Ok(log_density + log_det.abs())
}

/// `(log N(t; 0, I), Σⱼ log σⱼ)`, each `[...]`.
fn parts(context: &'static str, noise: &Tensor, log_scale: &Tensor) -> Result<(Tensor, Tensor)> {
    let size = noise.size();
    if size.is_empty() || log_scale.size() != size {
        return Err(Error::InputShape {
            context,
            name: "log_scale",
            expected: format!("the shape of the noise, {size:?}, with a latent dimension"),
            found: log_scale.size(),
        });
    }
    let standard = Independent::new(Normal::standard_like(noise)?, 1)?;
    let log_density = standard.log_prob(noise)?;
    let log_det = log_scale.f_sum_dim_intlist(-1, false, None::<tch::Kind>)?;
    Ok((log_density, log_det))
}
