//! `vi estimator-study`: Burda et al.'s Table 1 at a budget this machine
//! affords. Burda et al.'s one-stochastic-layer model (784-200-200-50,
//! tanh, Bernoulli decoder, dynamically binarized MNIST) trained once per
//! objective — the ELBO averaged over `k` samples, IWAE and DReG at
//! `k = 5, 50`, STL — from the same initialization and batch order; each
//! evaluated by the importance-sampled test log-likelihood (`k = 5000`);
//! the gradient SNR of the inference and generative networks against `k`
//! (Rainforth et al. 2018); the table beside the paper's numbers.
//!
//! Split by job: `plan.rs` (flags → [`plan::StudyPlan`], both schedules),
//! `training.rs` (one run and its log-likelihood), `snr.rs`, `burda.rs`
//! (the published numbers), `table.rs`, `figures.rs`, `summary.rs`.

mod burda;
mod figures;
mod plan;
mod snr;
mod summary;
mod table;
mod training;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use vi_fs::{errln, outln};
use vi_models::{MlpVaeConfig, Objective};

use crate::args;
use crate::commands::Experiment;
use crate::output::{SUMMARY_FILE, Staging};
use crate::vae::{Compute, DeviceChoice};

use burda::IWAE_TEST_NLL;
pub use plan::Schedule;
use plan::{Choices, Place, StudyPlan};
use snr::SNR_MODEL;
use summary::{SnrSummary, StudySummary, Timing};
use table::RunRow;
use training::{StudyData, last_record, log_likelihood, paired_difference, test_elbo, train};

/// The subcommand's name and its results folder's.
pub const COMMAND: &str = "estimator-study";

/// Flags of `vi estimator-study`. The defaults are the short schedule,
/// measured to take about 20 minutes on two CPU cores with `--threads 1`;
/// `--schedule paper` is Burda et al.'s, for a GPU.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for table.csv, table.md, ll_vs_k.png, snr_vs_k.png,
    /// history.csv and summary.json (replaced as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/estimator-study")]
    pub out: PathBuf,

    /// Folder holding `mnist/`, as `cargo xtask data` fills it.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Device to train on.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,

    /// Intra-op threads of libtorch [default: libtorch's own choice]. On a
    /// CPU shared with other work, 1 is often much faster than more.
    #[arg(long, value_parser = args::threads)]
    pub threads: Option<i32>,

    /// Seed of every run (the same for all: same initialization, same batch
    /// order).
    #[arg(long, default_value_t = 0, value_parser = args::seed)]
    pub seed: u64,

    /// Training schedule: `short` (--epochs passes at the paper's first
    /// learning rate, 1e-3), or `paper`, Burda et al.'s: 3^i passes at
    /// 0.001·10^(−i/7) for i = 0..7 (3,280 epochs), batches of 20, Adam
    /// ε = 1e-4, the full training and test sets. The paper's schedule is
    /// meant for a GPU: on a CPU it takes weeks (5.5 to 7.5 minutes an epoch
    /// for the eight runs on two cores, times 3,280).
    #[arg(long, value_enum, default_value_t = Schedule::Short)]
    pub schedule: Schedule,

    /// Passes over the training images (short schedule) [default: 2].
    #[arg(long, value_parser = args::epochs)]
    pub epochs: Option<usize>,

    /// Train on the first N training images (short schedule) [default: all
    /// 60000].
    #[arg(long, value_name = "N", value_parser = args::image_count)]
    pub train_limit: Option<usize>,

    /// Estimate the test log-likelihood over the first N test images
    /// (short schedule; the paper's: all 10000) [default: 200].
    #[arg(long, visible_alias = "ll-images", value_name = "N", value_parser = args::image_count)]
    pub test_images: Option<usize>,

    /// Importance samples per test image of the log-likelihood estimate
    /// [default: 5000, Burda et al.'s].
    #[arg(long, value_name = "K", value_parser = args::count)]
    pub ll_samples: Option<i64>,

    /// The k of the study, comma-separated; must include 1 [default:
    /// 1,5,50].
    #[arg(long, value_name = "K,K,...", value_delimiter = ',', value_parser = args::size)]
    pub ks: Option<Vec<usize>>,

    /// Repeated gradient estimates behind each SNR (at least 2)
    /// [default: 100].
    #[arg(long, value_name = "R", value_parser = args::count_of_two)]
    pub snr_repeats: Option<i64>,

    /// Training images in the SNR's fixed batch [default: 20].
    #[arg(long, value_name = "B", value_parser = args::size)]
    pub snr_images: Option<usize>,

    /// Images per training batch [default: 20, Burda et al.'s].
    #[arg(long, value_parser = args::size)]
    pub batch_size: Option<usize>,
}

impl Experiment for Args {
    const NAME: &'static str = COMMAND;
    type Plan = StudyPlan;

    fn plan(self) -> Result<StudyPlan, String> {
        let choices = Choices {
            schedule: Some(self.schedule),
            epochs: self.epochs,
            train_limit: self.train_limit,
            test_images: self.test_images,
            ll_samples: self.ll_samples,
            ks: self.ks,
            snr_repeats: self
                .snr_repeats
                .map(|r| usize::try_from(r).unwrap_or(usize::MAX)),
            snr_images: self.snr_images,
            batch_size: self.batch_size,
        };
        plan::plan(
            choices,
            Place {
                out: self.out,
                data_dir: self.data_dir,
                device: self.device,
                threads: self.threads,
                seed: self.seed,
            },
        )
    }

    fn run(plan: &StudyPlan) -> Result<()> {
        run(plan)
    }
}

/// Trains every run, estimates their log-likelihoods, measures the SNR at
/// the one-sample ELBO model, writes the files and swaps the folder in.
fn run(plan: &StudyPlan) -> Result<()> {
    let started = Instant::now();
    let compute = Compute::select(plan.device, plan.threads)?;
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    let data = StudyData::load(plan)?;
    let budget = table::budget(plan);
    outln!(
        "estimator study on {} ({} thread{}): {budget}",
        compute.device_name(),
        compute.threads,
        if compute.threads == 1 { "" } else { "s" }
    );
    let runs = plan.runs();
    let mut timing = Timing::default();
    let mut rows: Vec<RunRow> = Vec::new();
    let mut values: Vec<Vec<f64>> = Vec::new();
    let mut histories = Vec::new();
    let mut snr_points = Vec::new();
    for (index, objective) in runs.iter().enumerate() {
        outln!("[{}/{}] training on {objective}", index + 1, runs.len());
        let trainer = train(plan, *objective, &data, compute.device)?;
        let last = last_record(&trainer)?;
        let train_seconds: f64 = trainer
            .history()
            .records()
            .iter()
            .map(|record| record.train_seconds + record.test_seconds)
            .sum();
        let elbo = test_elbo(&trainer, plan, &data.test)?;
        let (estimate, per_image) = log_likelihood(&trainer, plan, &data.test)?;
        outln!(
            "[{}/{}] {objective}: test log p(x) {:.2} ± {:.2} (k = {}, {} images, {:.0} s), \
             final train bound {:.2}, test ELBO {:.2}, trained in {:.0} s",
            index + 1,
            runs.len(),
            estimate.mean,
            estimate.standard_error,
            estimate.samples,
            estimate.images,
            estimate.seconds,
            -last.train_neg_elbo,
            elbo,
            train_seconds
        );
        timing.train_seconds += train_seconds;
        timing.ll_seconds += estimate.seconds;
        if *objective == SNR_MODEL {
            errln!(
                "gradient SNR at this model's parameters ({} estimates on {} images):",
                plan.snr_repeats,
                plan.snr_images
            );
            let snr_started = Instant::now();
            snr_points = snr::measure(&trainer, plan, &data)?;
            timing.snr_seconds = snr_started.elapsed().as_secs_f64();
        }
        histories.push((*objective, trainer.history().records().to_vec()));
        rows.push(RunRow {
            objective: *objective,
            k: objective.samples(),
            log_likelihood: estimate,
            versus_elbo: None,
            test_elbo: elbo,
            final_train_bound: -last.train_neg_elbo,
            train_seconds,
            published_log_likelihood: RunRow::published(objective),
        });
        values.push(per_image);
    }
    if let Some(baseline) = runs
        .iter()
        .position(|o| *o == Objective::Elbo { samples: 1 })
    {
        for (index, row) in rows.iter_mut().enumerate() {
            if index != baseline {
                row.versus_elbo = paired_difference(&values[index], &values[baseline]);
            }
        }
    }

    staging.write_text("table.csv", &table::csv(plan, &rows))?;
    let markdown = table::markdown(plan, &rows);
    staging.write_text("table.md", &markdown)?;
    staging.write_text("history.csv", &summary::history_csv(&histories))?;
    let short_budget = format!(
        "{} epoch{} × {} images",
        plan.epochs(),
        if plan.epochs() == 1 { "" } else { "s" },
        table::thousands(plan.train_images)
    );
    staging.save_chart(
        "ll_vs_k.png",
        &figures::ll_vs_k(&rows, &short_budget, &plan.ks, plan.ll_samples),
    )?;
    staging.save_figure(
        "snr_vs_k.png",
        &figures::snr_vs_k(&snr_points, &plan.ks, plan.snr_repeats, plan.snr_images),
    )?;
    timing.wall_seconds = started.elapsed().as_secs_f64();
    let summary = StudySummary {
        command: COMMAND,
        seed: plan.seed,
        device: compute.device_name(),
        threads: compute.threads,
        plan,
        budget,
        model: MlpVaeConfig::burda(),
        runs: &rows,
        snr: SnrSummary::new(plan, &snr_points),
        burda_iwae_test_nll: IWAE_TEST_NLL,
        timing,
    };
    staging.write_json(SUMMARY_FILE, &summary)?;
    let written = staging.commit()?;
    outln!("\n{markdown}");
    outln!(
        "took {:.0} s: training {:.0} s, log-likelihood {:.0} s, SNR {:.0} s",
        summary.timing.wall_seconds,
        summary.timing.train_seconds,
        summary.timing.ll_seconds,
        summary.timing.snr_seconds
    );
    outln!("{written}");
    Ok(())
}
