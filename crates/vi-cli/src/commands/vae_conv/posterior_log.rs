//! What `vi vae-conv` records after every epoch, as tutorial 2 prints it:
//! the L1 norm of the first training image's posterior mean and its average
//! σ. The records go into `history.csv`, `summary.json` and `overfit.png`,
//! and beside the checkpoint (`<checkpoint>.posterior.json`, written before
//! the checkpoint of the same epoch, atomically) so that `--resume`
//! continues the curves.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tch::Tensor;
use vi_data::PixelRange;
use vi_fs::errln;
use vi_models::presets::TrainSet;
use vi_models::{GaussianConvVae, Trainer};
use vi_plot::Chart;

use super::overfit::overfit_figure;
use crate::output::Staging;
use crate::vae::{EpochRecords, Run, Splits, TrainingPlan};

/// What tutorial 2 prints after an epoch, for the first training image.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PosteriorRecord {
    /// The epoch (0: before training).
    pub epoch: usize,
    /// `‖μ(x)‖₁`.
    pub mean_l1_norm: f64,
    /// The average of `σ(x)` over the latent dimensions.
    pub average_sigma: f64,
}

/// The per-epoch posterior summaries kept beside the checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PosteriorLog {
    train_set: TrainSet,
    records: Vec<PosteriorRecord>,
}

/// The records of a run: the image, its summaries from epoch 0 on, and the
/// file they are kept in.
#[derive(Debug)]
pub struct PosteriorRecords {
    /// The first training image `[1, 784]` in `[-1, 1]`, on the model's
    /// device.
    image: Tensor,
    log: PosteriorLog,
    path: PathBuf,
}

/// `vae-conv`'s fields of `summary.json`.
#[derive(Debug, Serialize)]
pub struct PosteriorFields {
    train_set: TrainSet,
    /// `‖μ(x)‖₁` of the first training image after the last epoch.
    final_mean_l1_norm: f64,
    /// Its average σ after the last epoch.
    final_average_sigma: f64,
    /// Both, before training (epoch 0) and after each epoch.
    posterior: Vec<PosteriorRecord>,
}

impl PosteriorRecords {
    /// The last epoch's record.
    fn last(&self) -> Result<PosteriorRecord> {
        self.log
            .records
            .last()
            .copied()
            .context("no posterior summary")
    }
}

impl EpochRecords<GaussianConvVae> for PosteriorRecords {
    type Fields = PosteriorFields;

    fn companion_files(checkpoint: &Path) -> Vec<PathBuf> {
        vec![log_path(checkpoint)]
    }

    /// The tutorial's `dataset[0][0]` — the first training image in
    /// `[-1, 1]` — and its summary before training; for a resumed run the
    /// summaries kept beside its checkpoint, which must describe the same
    /// training set.
    ///
    /// # Errors
    /// On resume: a missing or unreadable file, one of another training
    /// set, or one that lacks the epochs the checkpoint holds. Afresh: a
    /// file under the log's name that is not a posterior log (never
    /// written over).
    fn start(training: &TrainingPlan, splits: &Splits, run: &Run<GaussianConvVae>) -> Result<Self> {
        let image = PixelRange::MinusOneToOne
            .normalize(&splits.train.images().narrow(0, 0, 1))
            .to_device(run.trainer.var_store().device());
        let path = log_path(&training.checkpoint);
        let log = match run.resumed_from_epoch {
            None => {
                refuse_foreign(&path)?;
                PosteriorLog {
                    train_set: training.train_set,
                    records: vec![record(&run.trainer, &image, 0)?],
                }
            }
            Some(epoch) => resumed_log(&path, training.train_set, epoch)?,
        };
        Ok(Self { image, log, path })
    }

    fn after_epoch(&mut self, trainer: &Trainer<GaussianConvVae>) -> Result<()> {
        let epoch = trainer.history().len();
        let summary = record(trainer, &self.image, epoch)?;
        errln!(
            "          ‖μ‖₁ {:.4}  mean σ {:.4}",
            summary.mean_l1_norm,
            summary.average_sigma
        );
        self.log.records.push(summary);
        write_log(&self.path, &self.log)
    }

    fn columns(&self) -> &'static [&'static str] {
        &["mean_l1_norm", "average_sigma"]
    }

    fn row(&self, epoch: usize) -> Vec<f64> {
        self.log.records.get(epoch).map_or_else(
            || vec![f64::NAN, f64::NAN],
            |record| vec![record.mean_l1_norm, record.average_sigma],
        )
    }

    fn draw(
        &self,
        trainer: &Trainer<GaussianConvVae>,
        elbo: Chart,
        staging: &mut Staging,
    ) -> Result<()> {
        let figure = overfit_figure(trainer, &self.image, &self.log.records, elbo)?;
        staging.save_figure("overfit.png", &figure)
    }

    fn fields(&self) -> Result<PosteriorFields> {
        let last = self.last()?;
        Ok(PosteriorFields {
            train_set: self.log.train_set,
            final_mean_l1_norm: last.mean_l1_norm,
            final_average_sigma: last.average_sigma,
            posterior: self.log.records.clone(),
        })
    }

    fn report(&self) -> Vec<String> {
        let (Ok(last), Some(first)) = (self.last(), self.log.records.first()) else {
            return Vec::new();
        };
        vec![format!(
            "  first training image: ‖μ‖₁ {:.4}, mean σ {:.4} (before training: {:.4}, {:.4})",
            last.mean_l1_norm, last.average_sigma, first.mean_l1_norm, first.average_sigma
        )]
    }
}

/// The posterior summary of `image` under the trainer's current model.
fn record(
    trainer: &Trainer<GaussianConvVae>,
    image: &Tensor,
    epoch: usize,
) -> Result<PosteriorRecord> {
    let summary = trainer
        .model()
        .posterior_summary(image)
        .context("cannot summarise the posterior of the first training image")?;
    Ok(PosteriorRecord {
        epoch,
        mean_l1_norm: summary.mean_l1_norm,
        average_sigma: summary.average_sigma,
    })
}

/// `results/vae-conv.checkpoint.safetensors` →
/// `results/vae-conv.checkpoint.posterior.json`.
fn log_path(checkpoint: &Path) -> PathBuf {
    checkpoint.with_extension("posterior.json")
}

/// Refuses a file under the log's name that is not a posterior log: the
/// run would write over it after its first epoch.
fn refuse_foreign(path: &Path) -> Result<()> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error).with_context(|| {
                format!(
                    "cannot read {}, where this run keeps its posterior summaries",
                    path.display()
                )
            });
        }
    };
    if serde_json::from_slice::<PosteriorLog>(&text).is_err() {
        bail!(
            "{} is not a posterior log of `vi vae-conv`, and this run would write its own there; \
             vi never writes over a file it did not write, so choose another --checkpoint",
            path.display()
        );
    }
    Ok(())
}

/// The training set in words and flags.
fn describe(train_set: TrainSet) -> String {
    match train_set {
        TrainSet::RepeatedImage { repeats } => {
            format!("the first training image repeated {repeats} times (--repeats {repeats})")
        }
        TrainSet::Full => "the whole training split (--full-train-set)".to_owned(),
    }
}

/// Writes the log atomically (vi-fs: a temporary sibling, flushed, renamed
/// into place).
fn write_log(path: &Path, log: &PosteriorLog) -> Result<()> {
    let text = serde_json::to_string_pretty(log)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(vi_fs::write(path, text.as_bytes())?)
}

/// The log of a run resumed after `epoch`: epochs 0 to `epoch` of the file
/// beside the checkpoint, which must describe the same training set.
fn resumed_log(path: &Path, train_set: TrainSet, epoch: usize) -> Result<PosteriorLog> {
    let context = || {
        format!(
            "cannot resume: {} holds the posterior summaries of the earlier epochs \
             (run without --resume to start afresh)",
            path.display()
        )
    };
    let text = fs::read_to_string(path).with_context(context)?;
    let mut log: PosteriorLog = serde_json::from_str(&text).with_context(context)?;
    if log.train_set != train_set {
        bail!(
            "{}: the run trained on {}, this one asks for {}; \
             pass the same --repeats or --full-train-set",
            context(),
            describe(log.train_set),
            describe(train_set)
        );
    }
    let complete = log
        .records
        .iter()
        .enumerate()
        .take(epoch + 1)
        .all(|(index, record)| record.epoch == index);
    if log.records.len() <= epoch || !complete {
        bail!("{}: it lacks epochs up to {epoch}", context());
    }
    log.records.truncate(epoch + 1);
    Ok(log)
}
