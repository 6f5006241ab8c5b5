//! Tutorial 2's variational fit: the rate θ of `q_θ = Exp(θ)` trained by
//! plain SGD on the reparameterized Monte Carlo ELBO (its
//! `VariationalModel`, with the per-sample Python loop vectorized).

use tch::{Kind, Tensor, nn};
use vi_core::Exponential;

use crate::descent;
use crate::error::Result;
use crate::exponential::posterior::ExponentialPosterior;
use crate::validate;

const MODEL: &str = "ExponentialVariational";

/// Settings of [`ExponentialVariational`]; `Default` is tutorial 2:
/// 128 samples per step, SGD with learning rate 1e-4, 1000 steps, θ₀ = 1.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentialVariationalConfig {
    /// Draws of `z ~ q_θ` per ELBO estimate (the tutorial's `N`; at least 1).
    pub num_samples: i64,
    /// SGD's learning rate (positive).
    pub learning_rate: f64,
    /// SGD steps of [`ExponentialVariational::fit`] (at least 1).
    pub steps: i64,
    /// The starting rate θ₀ (positive).
    pub initial_theta: f64,
}

impl Default for ExponentialVariationalConfig {
    fn default() -> Self {
        Self {
            num_samples: 128,
            learning_rate: 1e-4,
            steps: 1000,
            initial_theta: 1.0,
        }
    }
}

impl ExponentialVariationalConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming the first
    /// setting out of range.
    pub fn validate(&self) -> Result<()> {
        validate::count_at_least(MODEL, "num_samples", self.num_samples, 1)?;
        validate::positive(MODEL, "learning_rate", self.learning_rate)?;
        validate::count_at_least(MODEL, "steps", self.steps, 1)?;
        validate::positive(MODEL, "initial_theta", self.initial_theta)
    }
}

/// The course of an SGD fit of θ.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThetaTrace {
    /// The loss `−ELBO` estimated at each step, before the step (what the
    /// tutorial prints every 100 steps).
    pub losses: Vec<f64>,
    /// θ at each step, before the step.
    pub thetas: Vec<f64>,
    /// θ after the last step.
    pub final_theta: f64,
}

/// `q_θ(z) = θ e^{−θz}` with one trainable rate `theta: [1]` (the
/// tutorial's `param`), fitted by SGD on the Monte Carlo ELBO of an
/// [`ExponentialPosterior`].
///
/// Each step draws `num_samples` values `e ~ Exp(1)` as the tutorial does,
/// so a seeded run that drew the data first reproduces its trace.
#[derive(Debug)]
pub struct ExponentialVariational {
    theta: Tensor,
    config: ExponentialVariationalConfig,
}

impl ExponentialVariational {
    /// Creates `theta` under `path`, at `initial_theta`, float32.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for a setting out
    /// of range; [`Error::Torch`](crate::Error::Torch) if the variable cannot
    /// be created.
    pub fn new(path: &nn::Path<'_>, config: ExponentialVariationalConfig) -> Result<Self> {
        config.validate()?;
        let theta = path.f_var("theta", &[1], nn::Init::Const(config.initial_theta))?;
        Ok(Self { theta, config })
    }

    /// The settings this model was built with.
    pub fn config(&self) -> &ExponentialVariationalConfig {
        &self.config
    }

    /// The current rate θ.
    pub fn theta(&self) -> f64 {
        self.theta.double_value(&[0])
    }

    /// `q_θ`, batch shape `[1]`, differentiable in θ.
    ///
    /// # Errors
    /// [`Error::Core`](crate::Error::Core) if θ is no longer positive (a
    /// learning rate so large that a step overshoots zero).
    pub fn distribution(&self) -> Result<Exponential> {
        Ok(Exponential::new(&self.theta)?)
    }

    /// Runs `steps` SGD steps on `−ELBO` of `posterior` and returns the loss
    /// and θ at every step.
    ///
    /// # Errors
    /// [`Error::Core`](crate::Error::Core) if θ leaves `(0, ∞)`;
    /// [`Error::Torch`](crate::Error::Torch) if a step fails.
    pub fn fit(&self, posterior: &ExponentialPosterior) -> Result<ThetaTrace> {
        let optimizer = descent::sgd(self.config.learning_rate, &[&self.theta])?;
        let steps = self.config.steps as usize;
        let mut trace = ThetaTrace {
            losses: Vec::with_capacity(steps),
            thetas: Vec::with_capacity(steps),
            final_theta: self.theta(),
        };
        descent::descend(
            &optimizer,
            self.config.steps,
            || {
                let q = self.distribution()?;
                let elbo = posterior.monte_carlo_elbo(&q, self.config.num_samples)?;
                Ok(-elbo.sum(Kind::Float))
            },
            |loss| {
                trace.losses.push(loss);
                trace.thetas.push(self.theta());
            },
        )?;
        trace.final_theta = self.theta();
        Ok(trace)
    }
}
