//! What the VAE subcommands share, so that each one is a declaration: a
//! [`VaeCommand`] (its name, its tutorial's preset, its model flags'
//! defaults, its [`Figure`]s, its title and [`EpochRecords`]) and a flag
//! struct that flattens [`VaeArgs`] and turns into a [`VaePlan`]. [`run`]
//! does the rest for all of them.
//!
//! The pieces: [`VaeArgs`] and [`document_defaults`] (the shared flags and
//! their `--help` defaults, from `vi_models::presets`), `Compute` (device
//! and threads), [`Splits`] (the data, cut to the limits, with the training
//! set the plan asks for), [`Run`] (a fresh or resumed trainer, its epochs
//! with progress, the subcommand's per-epoch records and a checkpoint after
//! each), `LogLikelihood`, `VaeFigures` (reconstructions, prior samples,
//! manifold, latent scatter, with principal components and a t-SNE picture
//! beyond two latent dimensions) and `Summary` (`summary.json`). The checkpoint lives outside
//! the output folder (by default `<OUT>.checkpoint.safetensors`), so
//! replacing the folder never touches it; `CheckpointClaim` holds it for
//! the run and refuses to write over anything but a vi checkpoint the user
//! asked to continue (`--resume`) or replace (`--restart`).

mod args;
mod checkpoint_claim;
mod choices;
mod command;
mod data;
mod device;
mod figures;
mod help;
mod pca;
mod progress;
mod runner;
mod summary;
mod training;
mod tsne;

pub use args::{OwnFlags, TrainingPlan, VaeArgs, VaePlan};
pub use choices::{
    ActivationChoice, DeviceChoice, EstimatorChoice, LikelihoodChoice, PosteriorChoice,
};
pub use command::{EpochRecords, NoRecords, VaeCommand, VaeFlags};
pub use data::Splits;
pub use device::Compute;
pub use figures::Figure;
pub use help::document_defaults;
pub use progress::Progress;
pub use runner::run;
pub use training::Run;

/// Writes `C`'s preset into the `--help` of its subcommand (see
/// [`document_defaults`]).
pub fn document<C: VaeCommand>(command: clap::Command) -> clap::Command {
    let preset = C::preset();
    let model_defaults = C::model_flag_defaults(&preset.model);
    command.mut_subcommand(C::NAME, |sub| {
        document_defaults(sub, &preset, model_defaults, C::IWAE_HELP)
    })
}
