//! `summary.json` (every setting and number of the study) and
//! `history.csv` (each run's epochs).

use std::fmt::Write;

use serde::Serialize;
use vi_models::{EpochRecord, MlpVaeConfig, Objective};

use super::plan::StudyPlan;
use super::snr::{SNR_MODEL, SnrPoint};
use super::table::RunRow;

/// `summary.json`.
#[derive(Debug, Serialize)]
pub struct StudySummary<'a> {
    /// `estimator-study`: marks the folder as this command's to replace.
    pub command: &'static str,
    /// The seed of every run.
    pub seed: u64,
    /// `cpu` or `cuda:<index>`.
    pub device: String,
    /// libtorch's intra-op threads.
    pub threads: i32,
    /// The plan: schedule, stages, data, log-likelihood and SNR settings.
    pub plan: &'a StudyPlan,
    /// The training budget in words.
    pub budget: String,
    /// The model (Burda et al.'s one stochastic layer).
    pub model: MlpVaeConfig,
    /// One entry per run, in the table's order.
    pub runs: &'a [RunRow],
    /// The gradient SNR against `k`.
    pub snr: SnrSummary<'a>,
    /// Burda et al.'s Table 1 (IWAE, one stochastic layer): `[k, test NLL]`.
    pub burda_iwae_test_nll: [(usize, f64); 3],
    /// Seconds: the whole command, training, log-likelihood, SNR.
    pub timing: Timing,
}

/// The SNR part of `summary.json`.
#[derive(Debug, Serialize)]
pub struct SnrSummary<'a> {
    /// The trained model whose parameters the SNR is measured at.
    pub model: Objective,
    /// Training images in the fixed batch.
    pub images: usize,
    /// Repeated estimates per point.
    pub repeats: usize,
    /// One point per estimator and `k`.
    pub points: &'a [SnrPoint],
}

impl<'a> SnrSummary<'a> {
    /// The SNR settings of `plan` with its `points`.
    pub fn new(plan: &StudyPlan, points: &'a [SnrPoint]) -> Self {
        Self {
            model: SNR_MODEL,
            images: plan.snr_images,
            repeats: plan.snr_repeats,
            points,
        }
    }
}

/// Where the time went.
#[derive(Debug, Default, Serialize)]
pub struct Timing {
    /// The whole command.
    pub wall_seconds: f64,
    /// Training, all runs.
    pub train_seconds: f64,
    /// Log-likelihood estimates, all runs.
    pub ll_seconds: f64,
    /// The SNR measurements.
    pub snr_seconds: f64,
}

/// `history.csv`: `objective,k,epoch,train_bound,test_elbo,train_seconds`,
/// the bounds in nats (the training objective's own bound averaged over
/// the epoch's batches; the one-sample test ELBO after the epoch).
pub fn history_csv(histories: &[(Objective, Vec<EpochRecord>)]) -> String {
    let mut text = String::from("objective,k,epoch,train_bound,test_elbo,train_seconds\n");
    for (objective, records) in histories {
        for record in records {
            let test = record
                .test_neg_elbo
                .map_or_else(String::new, |loss| (-loss).to_string());
            let _ = writeln!(
                text,
                "{},{},{},{},{test},{}",
                objective.name(),
                objective.samples(),
                record.epoch,
                -record.train_neg_elbo,
                record.train_seconds,
            );
        }
    }
    text
}
