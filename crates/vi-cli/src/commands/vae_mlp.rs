//! `vi vae-mlp` (alias `mlp-vae`): tutorial 3 — the fully connected VAE
//! (784-256-128-2, Bernoulli decoder) trained by SGD on the analytic-KL
//! ELBO of dynamically binarized MNIST, with the tutorial's plots and an
//! importance-sampled test log-likelihood.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use vi_data::{Binarization, Collection, PixelRange};
use vi_models::{Architecture, MlpVae, MlpVaeConfig, Vae};

use crate::args;
use crate::output::Staging;
use crate::vae::{
    Compute, LogLikelihood, ModelSummary, Run, RunSummary, Splits, TrainingPlan, TutorialDefaults,
    VaeArgs, VaeFigures, elbo_chart, write_history,
};

/// The subcommand's name, also written into `summary.json`.
pub const COMMAND: &str = "vae-mlp";

/// Tutorial 3's training: 20 epochs of batches of 100 (the last,
/// incomplete one dropped), each dynamically binarized, plain gradient
/// descent with step 5e-3. Adam, which the tutorial does not use, gets
/// torch's default step.
pub const DEFAULTS: TutorialDefaults = TutorialDefaults {
    epochs: 20,
    batch_size: 100,
    optimizer: crate::vae::OptimizerChoice::Sgd,
    sgd_learning_rate: 5e-3,
    adam_learning_rate: 1e-3,
    drop_last: true,
    binarization: Binarization::Dynamic,
    pixel_range: PixelRange::ZeroToOne,
};

/// Test images shown above their reconstructions (the tutorial's 16).
const RECONSTRUCTIONS: usize = 16;
/// Prior samples, and per row (the tutorial's 64 in `make_grid`'s 8 per row).
const SAMPLES: (usize, usize) = (64, 8);
/// The manifold: steps per latent axis over `[-extent, extent]` (the
/// tutorial's `torch.linspace(-4, 4, steps=20)`).
const MANIFOLD: (usize, f64) = (20, 4.0);

/// Flags of `vi vae-mlp`; the defaults are tutorial 3's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-mlp")]
    pub out: PathBuf,

    /// Size of the latent space; manifold.png needs 2 [default: 2].
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    #[command(flatten)]
    pub training: VaeArgs,
}

/// Validated settings.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    /// `--latent-dim`, if given (a resumed run checks it).
    latent_dim: Option<usize>,
    training: TrainingPlan,
}

impl Args {
    /// Turns the flags into the run's settings, or says which combination
    /// is invalid (a usage error).
    pub fn plan(self) -> Result<Plan, String> {
        let training = self.training.plan(&DEFAULTS, &self.out)?;
        Ok(Plan {
            out: self.out,
            latent_dim: self.latent_dim,
            training,
        })
    }
}

/// Trains tutorial 3's VAE (or continues a checkpoint's run) and writes its
/// results into `plan.out`.
pub fn run(plan: &Plan) -> Result<()> {
    let started = Instant::now();
    let training = &plan.training;
    let compute = Compute::select(training.device, training.threads)?;
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    let splits = Splits::load(training, Collection::Mnist)?;
    let requested = plan.latent_dim.map(|latent_dim| MlpVaeConfig {
        latent_dim,
        ..MlpVaeConfig::default()
    });
    let mut run = Run::<MlpVae>::start(
        training,
        requested.as_ref(),
        &MlpVaeConfig::default(),
        compute.device,
    )?;
    run.fit(&splits, &training.checkpoint)?;
    let log_likelihood = LogLikelihood::estimate(&run.trainer, &splits.test, training.sampling)?;

    let history = run.trainer.history();
    write_history(&mut staging, history)?;
    staging.save_chart(
        "elbo.png",
        &elbo_chart(history, "MLP VAE on binarized MNIST: ELBO per epoch"),
    )?;
    let figures = VaeFigures::new(&run.trainer, &splits.test);
    staging.save_grid(
        "reconstructions.png",
        &figures.reconstructions(RECONSTRUCTIONS)?,
    )?;
    staging.save_grid("samples.png", &figures.samples(SAMPLES.0, SAMPLES.1)?)?;
    let latent_dim = run.trainer.model().latent_dim();
    let mut notes = Vec::new();
    match figures.manifold(MANIFOLD.0, MANIFOLD.1)? {
        Some(grid) => staging.save_grid("manifold.png", &grid)?,
        None => notes.push(format!(
            "manifold.png left out: it decodes a 2-dimensional latent grid, \
             and this model's latent space has {latent_dim} dimensions"
        )),
    }
    figures.save_latent(&mut staging, &mut notes)?;

    ModelSummary {
        command: COMMAND,
        seed: run.trainer.config().seed,
        architecture: MlpVaeConfig::NAME,
        model: run.trainer.model().config().clone(),
        run: RunSummary::new(
            &run,
            training,
            &compute,
            (&splits, Collection::Mnist),
            log_likelihood,
            started,
        )?,
        notes,
    }
    .finish(
        staging,
        &format!("tutorial 3: MLP VAE, latent dimension {latent_dim}"),
    )
}
