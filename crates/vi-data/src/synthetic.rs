//! The tutorials' synthetic data sets, drawn from libtorch's global generator
//! with the same operations, in the same order, as the tutorials' PyTorch
//! code, so that a seed gives PyTorch's draws bit for bit on the CPU:
//!
//! - tutorial 1: `x ~ N(0, 1)`, `y = slope·x + intercept + noise_std·ε`
//!   ([`linear_data`]);
//! - tutorial 2: `z ~ Exp(λ)`, then `xᵢ ~ N(z, σ²)`, `i = 1…n`
//!   ([`exponential_normal_data`]).
//!
//! Each generator seeds the global generator with its `seed` first
//! (`torch.manual_seed(seed)`) and leaves it where the draws end, so draws
//! that follow (a model's initialisation, the noise of a Monte Carlo ELBO)
//! continue exactly as they do in the tutorial's script.

use tch::{Device, Kind, Tensor};

/// Why a synthetic generator refused its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyntheticError {
    /// A setting is outside its range (a sample count below one, a
    /// non-positive or non-finite scale, rate or coefficient).
    #[error("{generator}: `{name}` must be {expected}, found {found}")]
    InvalidConfig {
        /// The generator, e.g. `"linear_data"`.
        generator: &'static str,
        /// The setting, e.g. `"num_samples"`.
        name: &'static str,
        /// The allowed range in words.
        expected: &'static str,
        /// The value given.
        found: String,
    },
}

/// Settings of [`linear_data`]; `Default` is tutorial 1's code:
/// 100 points, `y = 2x + 1 + 0.5ε`, seed 0.
///
/// The tutorial's text writes `y = 2x + 0.5ε`; its code adds the intercept
/// 1, which is what is reproduced here.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearDataConfig {
    /// Number of points `n` (at least 1).
    pub num_samples: i64,
    /// Slope of the noiseless line.
    pub slope: f64,
    /// Intercept of the noiseless line.
    pub intercept: f64,
    /// Standard deviation of the additive Gaussian noise (non-negative).
    pub noise_std: f64,
    /// Seed of libtorch's global generator, set before the first draw.
    pub seed: u64,
}

impl Default for LinearDataConfig {
    fn default() -> Self {
        Self {
            num_samples: 100,
            slope: 2.0,
            intercept: 1.0,
            noise_std: 0.5,
            seed: 0,
        }
    }
}

/// Tutorial 1's regression data: inputs and targets as float32 CPU tensors.
#[derive(Debug)]
pub struct LinearData {
    /// Inputs `x ~ N(0, 1)`, shape `[n, 1]`.
    pub x: Tensor,
    /// Targets `y = slope·x + intercept + noise_std·ε`, `ε ~ N(0, 1)`,
    /// shape `[n, 1]`.
    pub y: Tensor,
}

/// Draws tutorial 1's data set.
///
/// Seeds the global generator with `config.seed`, then, as the tutorial:
///
/// ```python
/// torch.manual_seed(seed)
/// x = torch.randn(n, 1)
/// y = slope * x + intercept + noise_std * torch.randn(n, 1)
/// ```
///
/// With the default configuration `x[0] = -1.1258398`, `y[0] = -0.7704206`
/// (PyTorch 2.13, CPU).
///
/// # Errors
/// [`SyntheticError::InvalidConfig`] if `num_samples < 1`, `noise_std` is
/// negative or not finite, or `slope` or `intercept` is not finite.
pub fn linear_data(config: &LinearDataConfig) -> Result<LinearData, SyntheticError> {
    const GENERATOR: &str = "linear_data";
    check_count(GENERATOR, "num_samples", config.num_samples)?;
    check_finite(GENERATOR, "slope", config.slope)?;
    check_finite(GENERATOR, "intercept", config.intercept)?;
    if !(config.noise_std >= 0.0 && config.noise_std.is_finite()) {
        return Err(invalid(
            GENERATOR,
            "noise_std",
            "a finite number ≥ 0",
            config.noise_std,
        ));
    }
    tch::manual_seed(config.seed as i64);
    let options = (Kind::Float, Device::Cpu);
    let x = Tensor::randn([config.num_samples, 1], options);
    let line = &x * config.slope + config.intercept;
    let y = line + Tensor::randn([config.num_samples, 1], options) * config.noise_std;
    Ok(LinearData { x, y })
}

/// Settings of [`exponential_normal_data`]; `Default` is tutorial 2:
/// `λ = 1`, five observations with unit noise, seed 0.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentialNormalConfig {
    /// Rate `λ` of the Exponential prior on `z` (positive).
    pub prior_rate: f64,
    /// Number of observations `n` (at least 1).
    pub num_observations: i64,
    /// Standard deviation `σ` of each observation around `z` (positive).
    pub noise_std: f64,
    /// Seed of libtorch's global generator, set before the first draw.
    pub seed: u64,
}

impl Default for ExponentialNormalConfig {
    fn default() -> Self {
        Self {
            prior_rate: 1.0,
            num_observations: 5,
            noise_std: 1.0,
            seed: 0,
        }
    }
}

/// Tutorial 2's latent draw and observations, float32 CPU tensors.
#[derive(Debug)]
pub struct ExponentialNormalData {
    /// The latent `z ~ Exp(λ)`, shape `[]` (the tutorial's `sampled_z`).
    pub z: Tensor,
    /// The observations `xᵢ ~ N(z, σ²)`, shape `[n]` (`sampled_x`).
    pub x: Tensor,
}

/// Draws tutorial 2's latent and observations.
///
/// Seeds the global generator with `config.seed`, then, as the tutorial
/// (torch.distributions' `Exponential.sample()` is
/// `rate.new(()).exponential_() / rate`, and `Normal.sample((n,))` is
/// `empty(n).normal_() * scale + loc`):
///
/// ```python
/// torch.manual_seed(seed)
/// sampled_z = torch.distributions.Exponential(prior_rate).sample()
/// sampled_x = torch.distributions.Normal(sampled_z, noise_std).sample((n,))
/// ```
///
/// With the default configuration `z = 3.5083263` and
/// `x = [3.2178171, 2.4379559, 4.7727852, 2.8209000, 3.6687076]`
/// (PyTorch 2.13, CPU).
///
/// # Errors
/// [`SyntheticError::InvalidConfig`] if `num_observations < 1` or
/// `prior_rate` or `noise_std` is not positive and finite.
pub fn exponential_normal_data(
    config: &ExponentialNormalConfig,
) -> Result<ExponentialNormalData, SyntheticError> {
    const GENERATOR: &str = "exponential_normal_data";
    check_count(GENERATOR, "num_observations", config.num_observations)?;
    check_positive(GENERATOR, "prior_rate", config.prior_rate)?;
    check_positive(GENERATOR, "noise_std", config.noise_std)?;
    tch::manual_seed(config.seed as i64);
    let options = (Kind::Float, Device::Cpu);
    let rate = Tensor::from(config.prior_rate as f32);
    let z = Tensor::empty([0i64; 0], options).exponential_(1.0) / &rate;
    let scale = Tensor::from(config.noise_std as f32);
    let noise = Tensor::empty([config.num_observations], options).normal_(0.0, 1.0);
    let x = noise * scale + &z;
    Ok(ExponentialNormalData { z, x })
}

fn invalid(
    generator: &'static str,
    name: &'static str,
    expected: &'static str,
    found: impl ToString,
) -> SyntheticError {
    SyntheticError::InvalidConfig {
        generator,
        name,
        expected,
        found: found.to_string(),
    }
}

fn check_count(
    generator: &'static str,
    name: &'static str,
    value: i64,
) -> Result<(), SyntheticError> {
    if value >= 1 {
        Ok(())
    } else {
        Err(invalid(generator, name, "at least 1", value))
    }
}

fn check_finite(
    generator: &'static str,
    name: &'static str,
    value: f64,
) -> Result<(), SyntheticError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(invalid(generator, name, "a finite number", value))
    }
}

fn check_positive(
    generator: &'static str,
    name: &'static str,
    value: f64,
) -> Result<(), SyntheticError> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(invalid(generator, name, "a finite number > 0", value))
    }
}
