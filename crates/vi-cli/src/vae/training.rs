//! A VAE run's training: a fresh trainer or one resumed from the
//! checkpoint (refusing a checkpoint of another model, settings or data),
//! the epochs with progress and a checkpoint after each, and the final
//! importance-sampled log-likelihood. Allocations that fail in either are
//! reported with the flags that size them.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tch::Device;
use vi_data::ImageDataset;
use vi_fs::errln;
use vi_models::{
    Checkpoint, DataSelection, Error as ModelError, ImportanceSampling, TrainConfig, Trainer, Vae,
};

use super::args::{GivenFlags, TrainingPlan};
use super::choices::OptimizerChoice;
use super::data::{Splits, check_same_data};
use super::progress::Progress;
use crate::failure::name_allocation_failure;

/// The flags that size a training step, for allocation failures.
const TRAINING_FLAGS: &str = "--batch-size or --latent-dim";

/// A trainer, fresh or resumed.
#[derive(Debug)]
pub struct Run<M: Vae> {
    /// The trainer; its history holds every completed epoch, those of the
    /// checkpoint included.
    pub trainer: Trainer<M>,
    /// Epochs the checkpoint held when the run was resumed.
    pub resumed_from_epoch: Option<usize>,
}

impl<M: Vae> Run<M> {
    /// A fresh run of the plan's configuration, or with `--resume` the
    /// run stored in the plan's checkpoint.
    ///
    /// `requested` is the model configuration the subcommand's flags ask
    /// for (`None` when no model flag was given); a fresh run builds
    /// `requested` or else `default`, a resumed one checks that the
    /// checkpoint holds `requested`. `data` is what the run loaded: a fresh
    /// run records it in its checkpoints, a resumed one refuses other data
    /// than its checkpoint recorded. `sizes` checks the model and training
    /// settings in effect (the flags', or the checkpoint's) before the
    /// model is built.
    ///
    /// # Errors
    /// Invalid model settings; `sizes`' errors; with `--resume`, a missing
    /// or corrupt checkpoint, one of another architecture, configuration or
    /// data, a flag that contradicts its settings, or `--epochs` below its
    /// epoch.
    pub fn start(
        plan: &TrainingPlan,
        requested: Option<&M::Config>,
        default: &M::Config,
        device: Device,
        data: &DataSelection,
        sizes: impl FnOnce(&M::Config, &TrainConfig) -> Result<()>,
    ) -> Result<Self> {
        if !plan.resume {
            let model = requested.unwrap_or(default);
            sizes(model, &plan.config)?;
            let mut trainer = Trainer::<M>::new(model, plan.config.clone(), device)
                .context("invalid settings")
                .map_err(|error| {
                    name_allocation_failure(error, "while building the model", "--latent-dim")
                })?;
            trainer.set_data_selection(data.clone());
            return Ok(Self {
                trainer,
                resumed_from_epoch: None,
            });
        }
        let path = &plan.checkpoint;
        let context = || {
            format!(
                "cannot resume from {} (run without --resume to start afresh)",
                path.display()
            )
        };
        let checkpoint = Checkpoint::load(path).with_context(context)?;
        match requested {
            Some(model) => checkpoint.expect_model_config(model),
            None => checkpoint.model_config::<M::Config>().map(|_| ()),
        }
        .with_context(context)?;
        check_flags(&plan.given, checkpoint.train_config()).with_context(context)?;
        if let Some(recorded) = checkpoint.data_selection() {
            check_same_data(recorded, data).with_context(context)?;
        }
        let stored = checkpoint
            .model_config::<M::Config>()
            .with_context(context)?;
        sizes(&stored, checkpoint.train_config())?;
        let mut trainer = Trainer::<M>::resume(&checkpoint, device)
            .with_context(context)
            .map_err(|error| {
                name_allocation_failure(error, "while restoring the model", "--latent-dim")
            })?;
        // A checkpoint written before checkpoints recorded their data
        // cannot be checked; from now on it records this run's.
        if trainer.data_selection().is_none() {
            trainer.set_data_selection(data.clone());
        }
        let epochs = plan
            .given
            .epochs
            .unwrap_or(checkpoint.train_config().epochs);
        if epochs < checkpoint.epoch() {
            bail!(
                "{}: it holds {} epochs, more than --epochs {epochs}",
                context(),
                checkpoint.epoch()
            );
        }
        trainer.set_epochs(epochs);
        Ok(Self {
            trainer,
            resumed_from_epoch: Some(checkpoint.epoch()),
        })
    }

    /// Trains the remaining epochs on `splits` (with a test pass after each
    /// unless the training set is one repeated image), reporting progress
    /// on stderr. After each epoch, `after_epoch` sees the trainer (for what
    /// a subcommand records besides the losses), then `checkpoint` is
    /// written; so whatever `after_epoch` saves beside the checkpoint is
    /// never behind it.
    ///
    /// # Errors
    /// Too few images for one batch; a non-finite loss (naming the epoch
    /// and batch, and what the checkpoint still holds); I/O errors;
    /// `after_epoch`'s errors.
    pub fn fit(
        &mut self,
        splits: &Splits,
        checkpoint: &Path,
        mut after_epoch: impl FnMut(&Trainer<M>) -> Result<()>,
    ) -> Result<()> {
        let config = self.trainer.config();
        splits.check_batches(config.batch_size, config.drop_last)?;
        create_parent(checkpoint)?;
        let test = splits.test_each_epoch.then_some(&splits.test);
        let mut progress = Progress::new();
        while self.trainer.history().len() < self.trainer.config().epochs {
            self.trainer
                .train_epoch(&splits.train, test, &mut progress)
                .map_err(|error| training_failed(error, checkpoint))?;
            after_epoch(&self.trainer)?;
            self.trainer
                .save_checkpoint(checkpoint)
                .map_err(|error| training_failed(error, checkpoint))?;
        }
        Ok(())
    }
}

/// Creates the checkpoint's folder.
fn create_parent(checkpoint: &Path) -> Result<()> {
    if let Some(parent) = checkpoint.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| {
            format!(
                "cannot create {}, the folder of the checkpoint",
                parent.display()
            )
        })?;
    }
    Ok(())
}

/// A trainer's error, with what the checkpoint still holds after a
/// divergence.
fn training_failed(error: ModelError, checkpoint: &Path) -> anyhow::Error {
    let context = match &error {
        ModelError::NonFiniteLoss { epoch: 1, .. } => {
            "training diverged in its first epoch, before this run wrote a checkpoint".to_owned()
        }
        ModelError::NonFiniteLoss { epoch, .. } => format!(
            "training diverged in epoch {epoch}; {} still holds epochs 1 to {}",
            checkpoint.display(),
            epoch - 1
        ),
        _ => "training failed".to_owned(),
    };
    name_allocation_failure(
        anyhow::Error::new(error).context(context),
        "while training",
        TRAINING_FLAGS,
    )
}

/// The importance-sampled test log-likelihood of a trained model.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LogLikelihood {
    /// Test images averaged over (the first ones of the test set).
    pub num_images: usize,
    /// Importance samples `K` per image.
    pub num_samples: i64,
    /// Samples decoded at once.
    pub chunk_size: i64,
    /// Mean `log p̂(x)` over the test images, in nats.
    pub test_log_likelihood: f64,
    /// What it measures: a log-probability of binarized pixels, or a
    /// log-density of grey levels (not comparable with each other).
    pub units: &'static str,
    /// Wall-clock seconds of the estimate.
    pub seconds: f64,
}

impl LogLikelihood {
    /// Estimates it over every image of `test` (Burda et al. 2015), seeded
    /// from the run's seed; `None` if `sampling` is.
    ///
    /// # Errors
    /// The model's errors.
    pub fn estimate<M: Vae>(
        trainer: &Trainer<M>,
        test: &ImageDataset,
        sampling: Option<ImportanceSampling>,
    ) -> Result<Option<Self>> {
        let Some(sampling) = sampling else {
            return Ok(None);
        };
        errln!(
            "estimating the test log-likelihood: {} images × {} importance samples",
            test.len(),
            sampling.num_samples
        );
        let start = Instant::now();
        let mean = trainer
            .log_likelihood(test, &sampling)
            .context("cannot estimate the test log-likelihood")
            .map_err(|error| {
                name_allocation_failure(
                    error,
                    "while decoding a chunk of importance samples",
                    "--iwae-chunk (or --batch-size)",
                )
            })?;
        Ok(Some(Self {
            num_images: test.len(),
            num_samples: sampling.num_samples,
            chunk_size: sampling.chunk_size,
            test_log_likelihood: mean,
            units: trainer.model().log_likelihood_units(),
            seconds: start.elapsed().as_secs_f64(),
        }))
    }
}

/// Refuses training flags that contradict a checkpoint's settings: a
/// resumed run continues with the settings it was started with.
fn check_flags(given: &GivenFlags, stored: &TrainConfig) -> Result<()> {
    let mut conflicts = Vec::new();
    let mut differs = |flag: &str, given: Option<String>, stored: String| {
        if let Some(given) = given.filter(|given| *given != stored) {
            conflicts.push(format!("{flag} {given} (the checkpoint's is {stored})"));
        }
    };
    differs(
        "--seed",
        given.seed.map(|seed| seed.to_string()),
        stored.seed.to_string(),
    );
    differs(
        "--batch-size",
        given.batch_size.map(|size| size.to_string()),
        stored.batch_size.to_string(),
    );
    differs(
        "--optimizer",
        given.optimizer.map(|choice| choice.name().to_owned()),
        OptimizerChoice::of(&stored.optimizer).name().to_owned(),
    );
    differs(
        "--lr",
        given.lr.map(|lr| lr.to_string()),
        stored.optimizer.learning_rate().to_string(),
    );
    differs(
        "--objective/--k/--alpha",
        given.objective.map(|objective| objective.to_string()),
        stored.objective.to_string(),
    );
    if conflicts.is_empty() {
        Ok(())
    } else {
        bail!(
            "a resumed run keeps the settings it was started with, but {} {} given; \
             leave such flags out",
            conflicts.join(" and "),
            if conflicts.len() == 1 { "was" } else { "were" }
        )
    }
}
