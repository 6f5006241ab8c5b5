//! Training and evaluation shared by the VAEs: configuration, the trainer,
//! progress events, checkpoints and the test metrics.

mod checkpoint;
mod config;
mod evaluate;
mod history;
mod observer;
mod optimizer;
mod seed;
mod trainer;

pub use checkpoint::Checkpoint;
pub use config::{OptimizerConfig, TrainConfig};
pub use evaluate::{ImportanceSampling, mean_log_likelihood, mean_negative_elbo};
pub use history::{EpochRecord, History};
pub use observer::{BatchFinished, EpochStarted, NullObserver, Observer};
pub use seed::derived_seed;
pub use trainer::Trainer;
