//! Tutorial 2's model `z ~ Exp(λ)`, `xᵢ | z ~ N(z, σ²)` and what can be
//! computed about its posterior without optimisation: the numerical
//! posterior on a grid, the analytic optimum θ* of the exponential
//! variational family `q_θ = Exp(θ)`, the closed-form ELBO, and
//! `KL(q_θ ‖ p_grid)` over a range of θ.

use std::f64::consts::PI;

use tch::{Kind, Tensor};
use vi_core::{Distribution, Exponential, GridPosterior, Normal, monte_carlo_elbo};

use crate::error::{Error, Result};
use crate::exponential::linspace::Linspace;
use crate::validate;

const MODEL: &str = "ExponentialPosterior";

/// Settings of [`ExponentialPosterior`]; `Default` is tutorial 2: `λ = 1`,
/// `σ = 1`, the grid `linspace(0, 15, 2000)` and θ in `linspace(0.5, 2, 500)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentialPosteriorConfig {
    /// Rate `λ` of the prior `Exp(λ)` (positive).
    pub prior_rate: f64,
    /// Standard deviation `σ` of each observation around `z` (positive).
    pub noise_std: f64,
    /// The latent grid of the numerical posterior (at least 2 points).
    pub grid: Linspace,
    /// The rates θ at which [`ExponentialPosterior::kl_curve`] evaluates
    /// `KL(q_θ ‖ p_grid)` (positive, at least 1 point).
    pub thetas: Linspace,
}

impl Default for ExponentialPosteriorConfig {
    fn default() -> Self {
        Self {
            prior_rate: 1.0,
            noise_std: 1.0,
            grid: Linspace::new(0.0, 15.0, 2000),
            thetas: Linspace::new(0.5, 2.0, 500),
        }
    }
}

impl ExponentialPosteriorConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the first setting out of range.
    pub fn validate(&self) -> Result<()> {
        validate::positive(MODEL, "prior_rate", self.prior_rate)?;
        validate::positive(MODEL, "noise_std", self.noise_std)?;
        self.grid.validate(MODEL, "grid", 2)?;
        self.thetas.validate(MODEL, "thetas", 1)?;
        validate::positive(MODEL, "thetas.start", self.thetas.start)
    }
}

/// `KL(q_θ ‖ p_grid)` at each θ of a range.
#[derive(Debug)]
pub struct KlCurve {
    /// The rates θ, float64, shape `[T]`.
    pub thetas: Tensor,
    /// `KL(Exp(θ) ‖ p_grid)` at each θ, float64, shape `[T]`.
    pub kl: Tensor,
}

impl KlCurve {
    /// `(θ, KL)` where the curve is lowest: a point of the range, not an
    /// interpolation.
    pub fn minimum(&self) -> (f64, f64) {
        let index = self.kl.argmin(0, false).int64_value(&[]);
        (
            self.thetas.double_value(&[index]),
            self.kl.double_value(&[index]),
        )
    }
}

/// The posterior of tutorial 2's model given observations `x: [n]`:
///
/// `p(z | x) ∝ λ e^{−λz} Πᵢ N(xᵢ | z, σ²)`, `z ≥ 0`.
///
/// For `q_θ(z) = θ e^{−θz}`, `E_q[z] = 1/θ` and `E_q[z²] = 2/θ²` give the
/// ELBO in closed form,
///
/// `L(θ) = B/θ − n/(σ²θ²) − log θ + C`, `B = Σxᵢ/σ² − λ`,
///
/// maximised at the positive root of `θ² + Bθ − 2n/σ² = 0`
/// (the tutorial's `θ* = (−B + √(B² + 8n))/2` for `σ = 1`).
#[derive(Debug)]
pub struct ExponentialPosterior {
    observations: Tensor,
    config: ExponentialPosteriorConfig,
}

impl ExponentialPosterior {
    /// The posterior given `observations: [n]` (floating point, finite,
    /// `n ≥ 1`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a setting out of range;
    /// [`Error::InvalidData`] for observations that are not a non-empty,
    /// finite 1-D float tensor.
    pub fn new(observations: &Tensor, config: ExponentialPosteriorConfig) -> Result<Self> {
        config.validate()?;
        let size = observations.size();
        let usable = size.len() == 1
            && size[0] >= 1
            && observations.is_floating_point()
            && tch::no_grad(|| observations.isfinite().all().int64_value(&[]) == 1);
        if !usable {
            return Err(Error::InvalidData {
                model: MODEL,
                name: "observations",
                expected: "a finite floating-point tensor of shape [n ≥ 1]".to_string(),
                found: format!("shape {size:?}, dtype {:?}", observations.kind()),
            });
        }
        Ok(Self {
            observations: observations.detach(),
            config,
        })
    }

    /// The settings this posterior was built with.
    pub fn config(&self) -> &ExponentialPosteriorConfig {
        &self.config
    }

    /// The observations `x`, shape `[n]`.
    pub fn observations(&self) -> &Tensor {
        &self.observations
    }

    fn num_observations(&self) -> f64 {
        self.observations.size()[0] as f64
    }

    fn sums(&self) -> (f64, f64) {
        let x = self.observations.to_kind(Kind::Double);
        (
            x.sum(Kind::Double).double_value(&[]),
            x.square().sum(Kind::Double).double_value(&[]),
        )
    }

    /// θ*, the rate of the best `q_θ = Exp(θ)`:
    /// `θ* = (−B + √(B² + 8n/σ²))/2`, `B = Σxᵢ/σ² − λ`, in float64.
    pub fn theta_star(&self) -> f64 {
        let variance = self.config.noise_std.powi(2);
        let b = self.sums().0 / variance - self.config.prior_rate;
        0.5 * (-b + (b * b + 8.0 * self.num_observations() / variance).sqrt())
    }

    /// The ELBO of `q_θ = Exp(θ)` in closed form (all constants included):
    ///
    /// `L(θ) = −Σxᵢ²/(2σ²) + Σxᵢ/(σ²θ) − n/(σ²θ²) − (n/2) log(2πσ²)
    ///        + log λ − λ/θ − log θ + 1`.
    ///
    /// `−L(θ*)` is the value the tutorial's SGD loss fluctuates around once
    /// θ has converged.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] if `theta` is not positive and finite.
    pub fn elbo(&self, theta: f64) -> Result<f64> {
        validate::positive(MODEL, "theta", theta)?;
        let (sum, sum_of_squares) = self.sums();
        let n = self.num_observations();
        let variance = self.config.noise_std.powi(2);
        let lambda = self.config.prior_rate;
        Ok(
            -sum_of_squares / (2.0 * variance) + sum / (variance * theta)
                - n / (variance * theta * theta)
                - 0.5 * n * (2.0 * PI * variance).ln()
                + lambda.ln()
                - lambda / theta
                - theta.ln()
                + 1.0,
        )
    }

    /// `log p(x, z) = log Exp(z | λ) + Σᵢ log N(xᵢ | z, σ²)` for latents `z`
    /// of any shape, returned with that shape and `z`'s float dtype (`−∞`
    /// for `z < 0`).
    ///
    /// # Errors
    /// [`Error::Core`] if `z` is not floating point.
    pub fn log_joint(&self, z: &Tensor) -> Result<Tensor> {
        let prior = self.prior(z.kind())?;
        Ok(prior.log_prob(z)? + self.log_likelihood(z)?)
    }

    /// `Σᵢ log N(xᵢ | z, σ²)` for `z` of any shape (the observations in
    /// `z`'s dtype), shape of `z`.
    fn log_likelihood(&self, z: &Tensor) -> vi_core::Result<Tensor> {
        let scale = Tensor::from(self.config.noise_std).to_kind(z.kind());
        let likelihood = Normal::new(&z.unsqueeze(-1), &scale)?;
        let x = self.observations.to_kind(z.kind());
        Ok(likelihood
            .log_prob(&x)?
            .sum_dim_intlist(-1, false, None::<Kind>))
    }

    fn prior(&self, kind: Kind) -> Result<Exponential> {
        Ok(Exponential::new(
            &Tensor::from(self.config.prior_rate).to_kind(kind),
        )?)
    }

    /// The numerical posterior on the configured grid, in float64 (the
    /// tutorial's `approx_posterior`; its unnormalised `joint_evals` is
    /// `exp(log_joint(grid))`).
    ///
    /// The tutorial evaluates the likelihood part in float32 (its
    /// `sampled_x` is float32, and a 0-dim float64 `z` does not promote it);
    /// here all of it is float64, which moves its KL values by about 1e-7.
    ///
    /// # Errors
    /// [`Error::Core`] if the grid posterior cannot be formed.
    pub fn grid_posterior(&self) -> Result<GridPosterior> {
        let grid = self.config.grid.to_tensor();
        let prior = self.prior(Kind::Double)?;
        Ok(GridPosterior::from_prior_and_likelihood(
            &grid,
            &prior,
            |z| self.log_likelihood(z),
        )?)
    }

    /// `KL(Exp(θ) ‖ p_grid)` at every θ of the configured range (the
    /// tutorial's `compute_KL` loop, in one batched call of
    /// [`GridPosterior::kl_from`]).
    ///
    /// # Errors
    /// [`Error::Core`] if the KL cannot be evaluated.
    pub fn kl_curve(&self, grid_posterior: &GridPosterior) -> Result<KlCurve> {
        let thetas = self.config.thetas.to_tensor();
        let kl = grid_posterior.kl_from(&Exponential::new(&thetas)?)?;
        Ok(KlCurve { thetas, kl })
    }

    /// The Monte Carlo ELBO of `q` with `num_samples` reparameterized draws
    /// (Kingma & Welling 2014, eq. 6):
    /// `(1/S) Σₛ [log p(x | zₛ) + log p(zₛ) − log q(zₛ)]`, `zₛ = eₛ/θ`,
    /// `eₛ ~ Exp(1)`; shape `q.batch_shape()`, differentiable in θ.
    ///
    /// The draws are `empty([S] + batch).exponential_()`, the same generator
    /// calls as the tutorial's `Exponential(1.0).sample((S,)) / param`.
    ///
    /// # Errors
    /// [`Error::Core`] if `num_samples < 1` or a density fails.
    pub fn monte_carlo_elbo(&self, q: &Exponential, num_samples: i64) -> Result<Tensor> {
        let prior = self.prior(q.kind())?;
        Ok(monte_carlo_elbo(q, &prior, num_samples, |z| {
            self.log_likelihood(z)
        })?)
    }
}
