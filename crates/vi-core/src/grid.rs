//! The numerical posterior on a 1-D grid, `p(z|x) ∝ p(x|z) p(z)` normalised
//! by a Riemann sum, and `KL(q ‖ p_grid)` against it: tutorial 2's
//! `approx_posterior` and `compute_KL`, computed in log space.

use tch::{Kind, Tensor};

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit;

const CONTEXT: &str = "GridPosterior";

/// Relative deviation of a grid step from the mean step that still counts
/// as uniform (float32 `linspace` rounding is ~1e-4 of the step).
const UNIFORM_TOLERANCE: f64 = 1e-3;

/// A posterior density tabulated on a uniform 1-D grid `z₀ < … < z_{G−1}`
/// with spacing `Δ`:
///
/// `p_grid(zᵢ) = exp(log p(x, zᵢ)) / (Δ Σⱼ exp(log p(x, zⱼ)))`,
///
/// computed with log-sum-exp, so a log joint of −1000 (whose `exp`
/// underflows, as in the tutorial's direct exponentiation) is handled.
///
/// The tutorial multiplies by `Zs[1]`, which equals the spacing only
/// because its grid `linspace(0, 15, 2000)` starts at 0; this type uses the
/// real spacing `(z_{G−1} − z₀)/(G − 1)`, so any uniform grid works.
#[derive(Debug)]
pub struct GridPosterior {
    grid: Tensor,
    log_density: Tensor,
    log_evidence: Tensor,
    spacing: f64,
}

impl GridPosterior {
    /// Tabulates the posterior from `log_joint[i] = log p(x, grid[i])`.
    ///
    /// `grid` and `log_joint` are 1-D of the same length `G ≥ 2`; use
    /// float64 for fine grids, as the tutorial does.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if the grid is not 1-D, increasing and
    /// uniform (steps within 0.1 % of each other), or the log joint is NaN,
    /// `+∞` or `−∞` everywhere; [`Error::ShapeMismatch`] if the lengths differ.
    pub fn from_log_joint(grid: &Tensor, log_joint: &Tensor) -> Result<Self> {
        let spacing = check_grid(grid)?;
        if log_joint.size() != grid.size() {
            return Err(Error::ShapeMismatch {
                context: CONTEXT,
                left: "grid",
                left_shape: grid.size(),
                right: "log_joint",
                right_shape: log_joint.size(),
            });
        }
        let bad = log_joint.isnan().logical_or(&log_joint.isposinf());
        if toolkit::any(&bad) || !toolkit::any(&log_joint.isfinite()) {
            return Err(invalid(
                "log_joint",
                "free of NaN and +inf, finite somewhere",
                "other values",
            ));
        }
        let log_evidence = log_joint.logsumexp(0, false) + spacing.ln();
        Ok(Self {
            grid: grid.shallow_clone(),
            log_density: log_joint - &log_evidence,
            log_evidence,
            spacing,
        })
    }

    /// Tabulates the posterior of a one-dimensional latent from its prior
    /// and a log-likelihood: `log_joint = prior.log_prob(grid) +
    /// log_likelihood(grid)`, where the closure maps the grid `[G]` to
    /// `log p(x | zᵢ)` of shape `[G]` (summed over the observations).
    ///
    /// # Errors
    /// As [`GridPosterior::from_log_joint`], and whatever `prior` or the
    /// closure return.
    pub fn from_prior_and_likelihood<P, F>(
        grid: &Tensor,
        prior: &P,
        log_likelihood: F,
    ) -> Result<Self>
    where
        P: Distribution + ?Sized,
        F: FnOnce(&Tensor) -> Result<Tensor>,
    {
        check_grid(grid)?;
        let log_likelihood = log_likelihood(grid)?;
        // Fallible: a closure's result of the wrong shape is reported by
        // `from_log_joint` (or here, when it does not even broadcast).
        let log_joint = prior.log_prob(grid)?.f_add(&log_likelihood)?;
        Self::from_log_joint(grid, &log_joint)
    }

    /// The grid points, shape `[G]`.
    pub fn grid(&self) -> &Tensor {
        &self.grid
    }

    /// The grid spacing `Δ`.
    pub fn spacing(&self) -> f64 {
        self.spacing
    }

    /// `log p_grid(zᵢ)`, shape `[G]`.
    pub fn log_density(&self) -> &Tensor {
        &self.log_density
    }

    /// `p_grid(zᵢ)` (the tutorial's `approx_posterior`), shape `[G]`;
    /// `Δ Σᵢ p_grid(zᵢ) = 1`.
    pub fn density(&self) -> Tensor {
        self.log_density.exp()
    }

    /// `log p(x) ≈ log(Δ Σᵢ exp(log p(x, zᵢ)))`, the log evidence by the same
    /// Riemann sum, a scalar tensor.
    pub fn log_evidence(&self) -> &Tensor {
        &self.log_evidence
    }

    /// `KL(q ‖ p_grid) ≈ Δ Σᵢ q(zᵢ) [log q(zᵢ) − log p_grid(zᵢ)]` (tutorial 2's
    /// `compute_KL`), shape `q.batch_shape()`: a batch of candidate `q`s
    /// (e.g. `Exponential` with 500 rates) is evaluated in one call.
    ///
    /// Points where `q(zᵢ) = 0` contribute 0 (the `0 log 0 = 0`
    /// convention) instead of the NaN of `0 · (−∞)`. Mass of `q` outside
    /// the grid is ignored, as in the tutorial.
    ///
    /// # Errors
    /// [`Error::KlUnsupported`] if `q` is not univariate (event shape `[]`);
    /// the errors of `q.log_prob`.
    pub fn kl_from<Q: Distribution + ?Sized>(&self, q: &Q) -> Result<Tensor> {
        if !q.event_shape().is_empty() {
            return Err(Error::KlUnsupported {
                p: q.name().to_string(),
                q: CONTEXT.to_string(),
                reason: format!(
                    "the grid is 1-D but q has event shape {:?}",
                    q.event_shape()
                ),
            });
        }
        let trailing = q.batch_shape().len();
        let column: Vec<i64> = std::iter::once(-1)
            .chain(std::iter::repeat_n(1, trailing))
            .collect();
        let points = self.grid.reshape(column.as_slice());
        let log_q = q.log_prob(&points)?;
        let log_p = self.log_density.reshape(column.as_slice());
        let q_density = log_q.exp();
        // Fallible ops: a family of the caller's own may return any shape.
        let integrand = q_density
            .f_mul(&log_q.f_sub(&log_p)?)?
            .masked_fill(&q_density.eq(0.0), 0.0);
        Ok(integrand.f_sum_dim_intlist(0, false, None::<Kind>)? * self.spacing)
    }
}

fn invalid(name: &'static str, expected: &'static str, found: impl Into<String>) -> Error {
    Error::InvalidArgument {
        context: CONTEXT,
        name,
        expected,
        found: found.into(),
    }
}

/// Checks that `grid` is 1-D, floating point, increasing and uniform, and
/// returns its spacing.
fn check_grid(grid: &Tensor) -> Result<f64> {
    let expected = "a 1-D floating-point tensor of at least 2 increasing, uniformly spaced points";
    let size = grid.size();
    if size.len() != 1 || size[0] < 2 || !grid.is_floating_point() {
        return Err(invalid(
            "grid",
            expected,
            format!("shape {size:?}, dtype {:?}", grid.kind()),
        ));
    }
    let points = size[0];
    tch::no_grad(|| {
        let first = grid.double_value(&[0]);
        let last = grid.double_value(&[points - 1]);
        let spacing = (last - first) / (points - 1) as f64;
        let steps = grid.diff(1, 0, None::<Tensor>, None::<Tensor>);
        let worst = (steps - spacing).abs().max().double_value(&[]);
        if spacing > 0.0 && spacing.is_finite() && worst <= UNIFORM_TOLERANCE * spacing {
            Ok(spacing)
        } else {
            Err(invalid(
                "grid",
                expected,
                format!("spacing {spacing} with steps deviating by up to {worst}"),
            ))
        }
    })
}
