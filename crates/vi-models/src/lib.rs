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
//! | [`GaussianConvVae`] | 2 | the conv/max-pool encoder to 32×1×1, upsampling decoder, Gaussian `p(x\|z)` on `[-1, 1]` images, Monte Carlo ELBO with the change-of-variables `log q` ([`change_of_variables_log_q`]); the tutorial's own objective for comparison |
//! | [`BernoulliConvVae`] | 4 | TensorFlow's convolutional VAE: strided convolutions, `'same'` transposed convolutions, Bernoulli logits, single-sample Monte Carlo ELBO or analytic KL ([`ElboEstimator`]) |
//! | [`Trainer`], [`Checkpoint`] | 2–4 | VAE training: per-epoch train/test negative ELBO, IWAE log-likelihood, atomic safetensors checkpoints, exact resume |
//! | [`presets`] | 2–4 | each tutorial's VAE experiment: model, training settings, data, log-likelihood estimate |
//!
//! The layout follows what the crate holds: `linear_regression/` for
//! tutorial 1 and `exponential/` for the first half of tutorial 2, with
//! `descent.rs`, their full-batch optimizer loop; `layers/`, the tutorials'
//! layers with their frameworks' initializations; `vae/`, the [`Vae`] trait
//! and the three VAEs; `train/`, the trainer, its optimizer, checkpoints,
//! evaluation, history and the named random [`Stream`]s; and `presets.rs`,
//! which states each tutorial's settings. `train/` uses `vae/`, `presets.rs`
//! uses both, and `vae/` uses neither.
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
//! Keras code; [`BernoulliConvVae`] follows a PyTorch port of it (Keras's
//! Glorot-uniform initialisation, TensorFlow's `'same'` alignment), which
//! its tests match.
//!
//! A VAE's tutorial settings are in [`presets`]: `presets::mlp_vae()`
//! gives tutorial 3's model configuration and the [`TrainConfig`] to hand
//! to the [`Trainer`], and so on for tutorials 2 and 4.
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

mod descent;
mod error;
mod exponential;
mod layers;
mod linear_regression;
pub mod presets;
mod train;
mod vae;
mod validate;

pub use descent::LossHistory;
pub use error::{Error, Phase, Result};
pub use exponential::{
    ExponentialPosterior, ExponentialPosteriorConfig, ExponentialVariational,
    ExponentialVariationalConfig, KlCurve, Linspace, ThetaTrace,
};
pub use layers::LayerShape;
pub use linear_regression::{
    BayesianLinearRegression, BayesianLinearRegressionConfig, ConjugatePosterior, LinearRegression,
    LinearRegressionConfig, Predictive,
};
pub use train::{
    BatchFinished, Checkpoint, CheckpointProbe, DataSelection, EpochRecord, EpochStarted,
    GradientSnr, History, ImportanceSampling, NullObserver, Observer, OptimizerConfig, SnrSummary,
    SplitSelection, Stream, TrainConfig, Trainer, derived_seed, gradient_snr, mean_log_likelihood,
    mean_negative_elbo,
};
pub use vae::{
    Activation, Architecture, BINARY_UNITS, BernoulliConvVae, BernoulliConvVaeConfig,
    BinaryLatents, BinaryVae, BinaryVaeConfig, DiagonalNormal, ElboEstimator, GAUSSIAN_UNITS,
    GaussianConvVae, GaussianConvVaeConfig, IafPosterior, IafStep, LikelihoodConfig, MlpPosterior,
    MlpVae, MlpVaeConfig, Objective, PosteriorConfig, PosteriorSummary, Relaxation, SIGMA_FLOOR,
    SIGMOID_BIAS, Vae, Variance, change_of_variables_log_q, check_score_function,
    reparameterized_loss, score_function_loss, tutorial2_log_q,
};
