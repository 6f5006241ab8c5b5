//! What a VAE subcommand declares: its name, its tutorial's preset, the
//! model flags' defaults, its figures, its title, and what it records per
//! epoch beyond the losses. [`run`](super::run) does everything else, the
//! same way for every VAE subcommand.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;
use vi_models::presets::VaePreset;
use vi_models::{Trainer, Vae};
use vi_plot::Chart;

use super::args::{TrainingPlan, VaePlan};
use super::data::Splits;
use super::figures::Figure;
use super::training::Run;
use crate::bounds::vae::Footprint;
use crate::commands::Experiment;
use crate::output::Staging;

/// The configuration type of a command's model.
pub type ModelConfig<C> = <<C as VaeCommand>::Model as Vae>::Config;

/// A VAE subcommand, declared. Implemented by a marker type per
/// subcommand; its flags (`Args`) turn into a [`VaePlan`] of
/// [`ModelConfig<Self>`].
pub trait VaeCommand {
    /// The model it trains.
    type Model: Vae;
    /// What it records per epoch besides the losses ([`NoRecords`] for
    /// nothing).
    type Records: EpochRecords<Self::Model>;

    /// The subcommand's name, also written into `summary.json`.
    const NAME: &'static str;
    /// The title of `elbo.png`.
    const ELBO_TITLE: &'static str;
    /// The shared figures it draws, in order.
    const FIGURES: &'static [Figure];
    /// `--iwae-samples`' help, when the shared one does not fit its default.
    const IWAE_HELP: Option<&'static str> = None;
    /// How the samples' title names the prior.
    const PRIOR_LABEL: &'static str = "z ~ N(0, I)";
    /// Whether `summary.json` lists the figures left out, and why
    /// (`notes`). `vae-conv`, whose figures are always drawn, has never had
    /// the field.
    const SUMMARY_NOTES: bool = true;

    /// The tutorial's experiment: model, training settings, data and
    /// log-likelihood; the flags' defaults.
    fn preset() -> VaePreset<ModelConfig<Self>>;

    /// The defaults of its model flags for `--help`, read from the preset's
    /// model: `(flag id, value)`.
    fn model_flag_defaults(model: &ModelConfig<Self>) -> Vec<(&'static str, String)>;

    /// The first line of the report on stdout (the seed is appended).
    fn title(plan: &VaePlan<ModelConfig<Self>>, latent_dim: i64) -> String;

    /// What the model allocates, for the memory bounds of the size flags
    /// (`bounds::vae`): its parameters exactly, its activations estimated.
    fn footprint(model: &ModelConfig<Self>) -> Footprint;
}

/// What a subcommand records about its model after every epoch, besides
/// the trainer's history, and where it shows it.
pub trait EpochRecords<M: Vae>: Sized {
    /// Its fields of `summary.json`, after `model` and before the shared
    /// ones (`()` for none).
    type Fields: Serialize;

    /// Files it keeps beside `checkpoint`, which the run claims with it
    /// (their names are checked, dead runs' leftovers of them removed).
    fn companion_files(_checkpoint: &Path) -> Vec<PathBuf> {
        Vec::new()
    }

    /// Starts the records of a fresh run, or continues those of a run
    /// resumed after `run.resumed_from_epoch` epochs.
    ///
    /// # Errors
    /// The subcommand's (a missing or mismatched record file on resume).
    fn start(plan: &TrainingPlan, splits: &Splits, run: &Run<M>) -> Result<Self>;

    /// Called after each epoch, before its checkpoint is written.
    ///
    /// # Errors
    /// The subcommand's; the run stops.
    fn after_epoch(&mut self, trainer: &Trainer<M>) -> Result<()>;

    /// The columns it adds to `history.csv`.
    fn columns(&self) -> &'static [&'static str];

    /// Its values of those columns for `epoch` (counted from 1).
    fn row(&self, epoch: usize) -> Vec<f64>;

    /// Draws its own figures, after the shared ones; `elbo` is the chart of
    /// `elbo.png`.
    ///
    /// # Errors
    /// The model's errors; if a file cannot be written.
    fn draw(&self, trainer: &Trainer<M>, elbo: Chart, staging: &mut Staging) -> Result<()>;

    /// Its fields of `summary.json`.
    ///
    /// # Errors
    /// If there is nothing to summarize.
    fn fields(&self) -> Result<Self::Fields>;

    /// Its lines of the report on stdout, after the shared ones.
    fn report(&self) -> Vec<String>;
}

/// Nothing recorded beyond the losses.
#[derive(Debug, Clone, Copy)]
pub struct NoRecords;

impl<M: Vae> EpochRecords<M> for NoRecords {
    type Fields = ();

    fn start(_plan: &TrainingPlan, _splits: &Splits, _run: &Run<M>) -> Result<Self> {
        Ok(Self)
    }

    fn after_epoch(&mut self, _trainer: &Trainer<M>) -> Result<()> {
        Ok(())
    }

    fn columns(&self) -> &'static [&'static str] {
        &[]
    }

    fn row(&self, _epoch: usize) -> Vec<f64> {
        Vec::new()
    }

    fn draw(&self, _trainer: &Trainer<M>, _elbo: Chart, _staging: &mut Staging) -> Result<()> {
        Ok(())
    }

    fn fields(&self) -> Result<()> {
        Ok(())
    }

    fn report(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The flags of a VAE subcommand (a clap struct flattening
/// [`VaeArgs`](super::VaeArgs)), which name their [`VaeCommand`]; every
/// such struct is an [`Experiment`] run by [`run`](super::run).
pub trait VaeFlags {
    /// The subcommand.
    type Command: VaeCommand;

    /// The validated settings, or a usage error's message.
    ///
    /// # Errors
    /// Flags that parse one by one but not together.
    fn into_plan(self) -> Result<VaePlan<ModelConfig<Self::Command>>, String>;
}

impl<F: VaeFlags> Experiment for F {
    const NAME: &'static str = F::Command::NAME;
    type Plan = VaePlan<ModelConfig<F::Command>>;

    fn plan(self) -> Result<Self::Plan, String> {
        self.into_plan()
    }

    fn run(plan: &Self::Plan) -> Result<()> {
        super::run::<F::Command>(plan)
    }
}
