//! Training and evaluation shared by the VAEs: configuration, the trainer,
//! its optimizer (whose state checkpoints keep), progress events,
//! checkpoints, the history of a run, the test metrics, the gradient
//! signal-to-noise ratio and the named random streams.

mod checkpoint;
mod config;
mod data_selection;
mod evaluate;
mod gradient_snr;
mod history;
mod observer;
mod optimizer;
mod streams;
mod trainer;

pub use checkpoint::{Checkpoint, CheckpointProbe};
pub use config::{OptimizerConfig, TrainConfig};
pub use data_selection::{DataSelection, SplitSelection};
pub use evaluate::{ImportanceSampling, mean_log_likelihood, mean_negative_elbo};
pub use gradient_snr::{GradientSnr, SnrSummary, gradient_snr};
pub use history::{EpochRecord, History};
pub use observer::{BatchFinished, EpochStarted, NullObserver, Observer};
pub use streams::{Stream, derived_seed};
pub use trainer::Trainer;
