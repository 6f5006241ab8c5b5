//! Models of the tutorials: linear regression (MLE and Bayesian) and VAEs.

#![deny(missing_docs)]

mod error;
mod torch_linear;
mod train;
mod vae;

pub use error::{Error, Phase, Result};
pub use train::{
    BatchFinished, Checkpoint, EpochRecord, EpochStarted, History, ImportanceSampling,
    NullObserver, Observer, OptimizerConfig, TrainConfig, Trainer, derived_seed,
    mean_log_likelihood, mean_negative_elbo,
};
pub use vae::{Architecture, MlpVae, MlpVaeConfig, Vae};
