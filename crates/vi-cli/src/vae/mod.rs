//! What the VAE subcommands share: their common flags and tutorial
//! defaults ([`VaeArgs`], [`TutorialDefaults`], [`TrainingPlan`]), device
//! and thread selection ([`Compute`]), the data splits ([`Splits`]), fresh
//! or resumed training with progress and per-epoch checkpoints ([`Run`]),
//! the log-likelihood estimate ([`LogLikelihood`]), the tutorials' figures
//! ([`VaeFigures`], with principal components for latent spaces of more
//! than two dimensions) and the shared part of `summary.json` ([`RunSummary`],
//! [`write_history`]).
//!
//! A subcommand's `run` is then: [`Compute::select`], a [`Staging`]
//! folder, [`Splits::load`], [`Run::start`], [`Run::fit`],
//! [`LogLikelihood::estimate`], its figures, [`RunSummary::new`] inside its
//! own summary, and [`Staging::commit`]. A subcommand that records
//! something of its own after every epoch (`vi vae-conv`) calls
//! [`Run::fit_each_epoch`] instead of [`Run::fit`]. The checkpoint lives outside the
//! output folder (by default `<OUT>.checkpoint.safetensors`), so replacing
//! the folder never touches it.
//!
//! [`Staging`]: crate::output::Staging
//! [`Staging::commit`]: crate::output::Staging::commit

mod args;
mod data;
mod device;
mod figures;
mod pca;
mod progress;
mod summary;
mod training;

pub use args::{
    EstimatorChoice, OptimizerChoice, TrainingPlan, TutorialDefaults, VaeArgs, document_defaults,
};
pub use data::Splits;
pub use device::Compute;
pub use figures::{VaeFigures, elbo_chart};
pub use summary::{ModelSummary, RunSummary, write_history};
pub use training::{LogLikelihood, Run};
