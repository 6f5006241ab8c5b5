//! The tutorials' models on libtorch, built on vi-core for every density,
//! KL divergence and ELBO.
//!
//! | Item | Tutorial | What |
//! |------|----------|------|
//! | [`LinearRegression`] | 1 | `nn.Linear` fitted by MSE with Adam (the MLE) |
//! | [`BayesianLinearRegression`] | 1 | mean-field Normal posterior over weight and bias, reparameterized ELBO, predictive mean and std |
//! | [`ConjugatePosterior`] | 1 | the exact posterior and the exact mean-field optimum of that model |
//! | [`ExponentialPosterior`] | 2 | `Exp(λ)` prior, Normal likelihood: grid posterior, θ*, closed-form ELBO, `KL(q_θ ‖ p_grid)` curve |
//! | [`ExponentialVariational`] | 2 | `q_θ = Exp(θ)` fitted by SGD on the Monte Carlo ELBO |
//! | [`MlpVae`] | 3 | the 784-256-128-2 VAE with a Bernoulli decoder, behind the [`Vae`] trait |
//! | [`ConvVae`] | 2 | the conv/max-pool encoder to 32×1×1, upsampling decoder, Gaussian `p(x\|z)` on `[-1, 1]` images, Monte Carlo ELBO with the change-of-variables `log q` ([`change_of_variables_log_q`]); the tutorial's own objective for comparison |
//! | [`Cvae`] | 4 | TensorFlow's CVAE: strided convolutions, `'same'` transposed convolutions, Bernoulli logits, single-sample Monte Carlo ELBO or analytic KL ([`ElboEstimator`]) |
//! | [`Trainer`], [`Checkpoint`] | 2–4 | VAE training: per-epoch train/test negative ELBO, IWAE log-likelihood, atomic safetensors checkpoints, exact resume |
//!
//! Each model has a `…Config` whose `Default` is the tutorial's setting, a
//! constructor taking the [`tch::nn::Path`] its parameters live under (named
//! as in the tutorial: `weight_mu`, `weight_log_sigma`, …), and methods that
//! return values — loss histories, traces, predictive tensors — for the
//! caller to report. Invalid settings and data are [`Error`] values.
//!
//! Seeded runs consume libtorch's generator as the tutorials' PyTorch code
//! does (initialisation, then the noise of each step), so after the same
//! `manual_seed` they reproduce its numbers on the CPU. Tutorial 4's model is
//! Keras code; [`Cvae`] follows a PyTorch port of it (Keras's Glorot-uniform
//! initialisation, TensorFlow's `'same'` alignment), which its tests match.
//!
//! Each VAE names its tutorial's training settings:
//! `ConvVae::tutorial_train_config()` and `Cvae::tutorial_train_config()`
//! give the [`TrainConfig`] to hand to the [`Trainer`] (the MLP VAE's is
//! `TrainConfig::default()`).
//!
//! ```
//! use tch::{Device, nn};
//! use vi_models::{BayesianLinearRegression, BayesianLinearRegressionConfig};
//!
//! # fn main() -> vi_models::Result<()> {
//! tch::manual_seed(0);
//! let x = tch::Tensor::randn([100, 1], (tch::Kind::Float, Device::Cpu));
//! let y = &x * 2.0 + 1.0;
//! let vs = nn::VarStore::new(Device::Cpu);
//! let model = BayesianLinearRegression::new(&vs.root(), BayesianLinearRegressionConfig::default())?;
//! let history = model.fit(&x, &y)?;
//! assert_eq!(history.losses.len(), 100);
//! let predictive = model.predictive(&x, 100)?;
//! assert_eq!(predictive.mean.size(), [100, 1]);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod bayesian_linear_regression;
mod conjugate_posterior;
mod conv2d;
mod error;
mod exponential_posterior;
mod exponential_variational;
mod history;
mod keras_layers;
mod linear_regression;
mod linspace;
mod optimizer;
mod sequential;
mod torch_linear;
mod train;
mod vae;
mod validate;

pub use bayesian_linear_regression::{
    BayesianLinearRegression, BayesianLinearRegressionConfig, Predictive,
};
pub use conjugate_posterior::ConjugatePosterior;
pub use error::{Error, Phase, Result};
pub use exponential_posterior::{ExponentialPosterior, ExponentialPosteriorConfig, KlCurve};
pub use exponential_variational::{
    ExponentialVariational, ExponentialVariationalConfig, ThetaTrace,
};
pub use history::LossHistory;
pub use linear_regression::{LinearRegression, LinearRegressionConfig};
pub use linspace::Linspace;
pub use sequential::LayerShape;
pub use train::{
    BatchFinished, Checkpoint, EpochRecord, EpochStarted, History, ImportanceSampling,
    NullObserver, Observer, OptimizerConfig, TrainConfig, Trainer, derived_seed,
    mean_log_likelihood, mean_negative_elbo,
};
pub use vae::{
    Architecture, ConvVae, ConvVaeConfig, Cvae, CvaeConfig, ElboEstimator, MlpVae, MlpVaeConfig,
    PosteriorSummary, Vae, change_of_variables_log_q, tutorial2_log_q,
};
