//! What every VAE run records: `history.csv`, the shared part of
//! `summary.json` (settings, device, threads, final losses, the
//! log-likelihood estimate, timings, versions), and the lines on stdout.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use vi_data::Collection;
use vi_fs::outln;
use vi_models::{History, Objective, TrainConfig, Vae};

use super::args::TrainingPlan;
use super::data::Splits;
use super::device::Compute;
use super::training::{LogLikelihood, Run};
use crate::output::Staging;
use crate::versions::{VERSIONS, Versions};

/// The columns of `history.csv` but the training one
/// ([`train_column`]): the numbers tutorial 3 plots. Timings go to
/// `summary.json`, so that the same seed gives the same file.
const EPOCH_COLUMN: &str = "epoch";
/// The per-epoch test loss, the one-sample negative ELBO whatever the
/// objective.
const TEST_COLUMN: &str = "test_neg_elbo";

/// The training column of `history.csv`: the negative of the objective's
/// value, `train_neg_elbo` for the ELBO (the tutorials', STL's and the
/// score-function ELBO's), `train_neg_iwae_bound` for `−L_k` (IWAE, DReG,
/// VIMCO), `train_neg_renyi_bound` for `−L_α`.
pub fn train_column(objective: &Objective) -> String {
    format!("train_neg_{}", objective.bound())
}

/// The part of `summary.json` shared by the VAE subcommands (flattened into
/// each one's summary).
#[derive(Debug, Serialize)]
pub struct RunSummary {
    /// `cpu` or `cuda:<index>`.
    pub device: String,
    /// libtorch's intra-op threads during the run.
    pub threads: i32,
    /// The data the run used.
    pub data: DataSummary,
    /// Epochs, batches, optimizer and seed of the run (those of the
    /// checkpoint when resumed).
    pub training: TrainConfig,
    /// The checkpoint file, rewritten after every epoch (any path: one
    /// that is not UTF-8 is written with U+FFFD for its undecodable bytes).
    #[serde(serialize_with = "crate::output::path_text")]
    pub checkpoint: PathBuf,
    /// Epochs the checkpoint held when the run was resumed; 0 for a fresh
    /// run.
    pub resumed_from_epoch: usize,
    /// The last epoch's negative training objective, nats per image: the
    /// negative ELBO for the tutorials' objective (and STL and the
    /// score-function ELBO), `−L_k` for IWAE, DReG and VIMCO, `−L_α` for
    /// Rényi (`training.objective` says which).
    pub final_train_neg_elbo: f64,
    /// The last epoch's test negative ELBO, nats per image; left out when
    /// the run has no test pass (`vi vae-conv` on one image).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_test_neg_elbo: Option<f64>,
    /// The importance-sampled test log-likelihood; left out when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_likelihood: Option<LogLikelihood>,
    /// Where the time went.
    pub timing: Timing,
    /// vi, tch and libtorch.
    pub versions: Versions,
}

/// The data set and how much of it was used.
#[derive(Debug, Serialize)]
pub struct DataSummary {
    /// `mnist` or `fashion-mnist`.
    pub collection: &'static str,
    /// The folder it was read from (as `checkpoint`, any path).
    #[serde(serialize_with = "crate::output::path_text")]
    pub data_dir: PathBuf,
    /// Training images used.
    pub train_images: usize,
    /// Test images used.
    pub test_images: usize,
}

/// Timings of a run.
#[derive(Debug, Serialize)]
pub struct Timing {
    /// From the start of the subcommand to the summary.
    pub wall_seconds: f64,
    /// Mean training seconds per epoch (the test pass excluded).
    pub seconds_per_epoch: f64,
    /// Mean seconds of the per-epoch test pass.
    pub test_seconds_per_epoch: f64,
    /// Each epoch's seconds.
    pub epochs: Vec<EpochTiming>,
}

/// One epoch's seconds.
#[derive(Debug, Serialize)]
pub struct EpochTiming {
    /// The epoch, counted from 1.
    pub epoch: usize,
    /// Seconds of its training loop.
    pub train_seconds: f64,
    /// Seconds of its test pass.
    pub test_seconds: f64,
}

impl RunSummary {
    /// The summary of a finished run that started at `started`.
    ///
    /// # Errors
    /// If no epoch completed.
    pub fn new<M: Vae>(
        run: &Run<M>,
        plan: &TrainingPlan,
        compute: &Compute,
        (splits, collection): (&Splits, Collection),
        log_likelihood: Option<LogLikelihood>,
        started: Instant,
    ) -> Result<Self> {
        let history = run.trainer.history();
        let last = history.last().context("no epoch completed")?;
        let records = history.records();
        let mean = |seconds: fn(&vi_models::EpochRecord) -> f64| {
            records.iter().map(seconds).sum::<f64>() / records.len() as f64
        };
        Ok(Self {
            device: compute.device_name(),
            threads: compute.threads,
            data: DataSummary {
                collection: collection.name(),
                data_dir: plan.data_dir.clone(),
                train_images: splits.train.len(),
                test_images: splits.test.len(),
            },
            training: run.trainer.config().clone(),
            checkpoint: plan.checkpoint.clone(),
            resumed_from_epoch: run.resumed_from_epoch.unwrap_or(0),
            final_train_neg_elbo: last.train_neg_elbo,
            final_test_neg_elbo: last.test_neg_elbo,
            log_likelihood,
            timing: Timing {
                wall_seconds: started.elapsed().as_secs_f64(),
                seconds_per_epoch: mean(|r| r.train_seconds),
                test_seconds_per_epoch: mean(|r| r.test_seconds),
                epochs: records
                    .iter()
                    .map(|r| EpochTiming {
                        epoch: r.epoch,
                        train_seconds: r.train_seconds,
                        test_seconds: r.test_seconds,
                    })
                    .collect(),
            },
            versions: VERSIONS,
        })
    }

    /// The human summary on stdout, after a first line naming the run.
    pub fn report(&self, title: &str) {
        outln!("{title}");
        let resumed = match self.resumed_from_epoch {
            0 => String::new(),
            epoch => format!(", resumed after epoch {epoch}"),
        };
        let threads = match self.threads {
            1 => "1 thread".to_owned(),
            threads => format!("{threads} threads"),
        };
        outln!(
            "  {} epochs on {} images ({} with {threads}{resumed}): {:.2} s per epoch",
            self.timing.epochs.len(),
            self.data.train_images,
            self.device,
            self.timing.seconds_per_epoch
        );
        let test = self
            .final_test_neg_elbo
            .map_or_else(|| "-".to_owned(), |loss| format!("{loss:.4}"));
        let objective = &self.training.objective;
        if *objective == Objective::default() {
            outln!(
                "  final −ELBO: train {:.4}, test {test} nats",
                self.final_train_neg_elbo
            );
        } else {
            let bound = match objective.bound() {
                "iwae_bound" => "−L_k",
                "renyi_bound" => "−L_α",
                _ => "−ELBO",
            };
            outln!(
                "  trained on {objective}: final train {bound} {:.4}, test −ELBO {test} nats",
                self.final_train_neg_elbo
            );
        }
        if let Some(estimate) = &self.log_likelihood {
            outln!(
                "  test log p(x) ≈ {:.4} nats (IWAE, k = {}, {} images, {:.1} s)",
                estimate.test_log_likelihood,
                estimate.num_samples,
                estimate.num_images,
                estimate.seconds
            );
            if estimate.units != vi_models::BINARY_UNITS {
                outln!("  ({})", estimate.units);
            }
        }
        outln!("  checkpoint: {}", self.checkpoint.display());
    }
}

/// A VAE subcommand's `summary.json`: what ran, the subcommand's own
/// fields, the shared [`RunSummary`], and the figures left out.
#[derive(Debug, Serialize)]
pub struct Summary<C: Serialize, F: Serialize> {
    /// The subcommand.
    pub command: &'static str,
    /// The run's seed.
    pub seed: u64,
    /// The model's architecture name, as checkpoints record it.
    pub architecture: &'static str,
    /// The model's configuration.
    pub model: C,
    /// The subcommand's own fields.
    #[serde(flatten)]
    pub fields: F,
    /// What every VAE run records.
    #[serde(flatten)]
    pub run: RunSummary,
    /// Figures left out, and why; absent for a subcommand that never leaves
    /// one out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

/// Writes `history.csv`: epoch, the negative training objective
/// ([`train_column`]), the test negative ELBO, and the subcommand's
/// `columns` with `row(epoch)`'s values.
///
/// # Errors
/// If the file cannot be written.
pub fn write_history(
    staging: &mut Staging,
    history: &History,
    objective: &Objective,
    columns: &[&str],
    row: impl Fn(usize) -> Vec<f64>,
) -> Result<()> {
    let train = train_column(objective);
    let header: Vec<&str> = [EPOCH_COLUMN, train.as_str(), TEST_COLUMN]
        .into_iter()
        .chain(columns.iter().copied())
        .collect();
    let rows = history.records().iter().map(|record| {
        let mut values = vec![
            record.epoch as f64,
            record.train_neg_elbo,
            record.test_neg_elbo.unwrap_or(f64::NAN),
        ];
        values.extend(row(record.epoch));
        values
    });
    staging.write_csv("history.csv", &header, rows)
}
