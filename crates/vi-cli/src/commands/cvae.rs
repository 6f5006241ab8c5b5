//! `vi cvae`: tutorial 4 — TensorFlow's convolutional VAE (two strided
//! convolutions to a 10-dimensional Gaussian posterior, three transposed
//! convolutions to Bernoulli logits) trained by Adam on the single-sample
//! Monte Carlo ELBO of statically binarized MNIST, with reconstructions,
//! prior samples, the test set in latent space and an importance-sampled
//! log-likelihood on part of the test set.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use vi_data::Collection;
use vi_models::{Architecture, Cvae, CvaeConfig, OptimizerConfig, Vae};

use crate::args;
use crate::output::Staging;
use crate::vae::{
    Compute, EstimatorChoice, LogLikelihood, ModelSummary, OptimizerChoice, Run, RunSummary,
    Splits, TrainingPlan, TutorialDefaults, VaeArgs, VaeFigures, elbo_chart, write_history,
};

/// The subcommand's name, also written into `summary.json`.
pub const COMMAND: &str = "cvae";

/// Tutorial 4's training, that of TensorFlow's CVAE tutorial
/// (`Cvae::tutorial_train_config`): 10 epochs of batches of 32, the last,
/// smaller one kept, images binarized once at 0.5, Adam with step 1e-4 (and
/// Keras's ε = 1e-7). SGD, which the tutorial does not use, gets tutorial
/// 3's step.
pub const DEFAULTS: TutorialDefaults = TutorialDefaults {
    epochs: 10,
    batch_size: 32,
    optimizer: OptimizerChoice::Adam,
    sgd_learning_rate: 5e-3,
    adam_learning_rate: 1e-4,
    drop_last: false,
    binarization: vi_data::Binarization::Static,
    pixel_range: vi_data::PixelRange::ZeroToOne,
};

/// The default `--iwae-samples`: 100 rather than the 1000 of `vi vae-mlp`,
/// see [`IWAE_HELP`].
pub const IWAE_SAMPLES: &str = "100";

/// What `--help` says about the default importance sampling.
pub const IWAE_HELP: &str = "Importance samples per test image for the final IWAE \
    log-likelihood estimate; 0 skips it. The default is lower than vae-mlp's 1000 because \
    every sample runs the convolutional decoder: k = 100 over the first 1,000 images \
    (--iwae-images) takes about a minute on 2 CPU cores, k = 1000 over all 10,000 test \
    images about 100 times as long";

/// Test images above their reconstructions.
const RECONSTRUCTIONS: usize = 16;
/// The tutorial's `generate_and_save_images`: 16 samples in a 4×4 grid.
const SAMPLES_4X4: (usize, usize) = (16, 4);
/// A larger sheet of samples, 8×8.
const SAMPLES_8X8: (usize, usize) = (64, 8);

/// Flags of `vi cvae`; the defaults are tutorial 4's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/cvae")]
    pub out: PathBuf,

    /// Size of the latent space (tutorial 4: 10; TensorFlow's original: 2)
    /// [default: 10].
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// The ELBO estimate of the training loss [default: monte-carlo, the
    /// tutorial's compute_loss].
    #[arg(long, value_enum)]
    pub estimator: Option<EstimatorChoice>,

    /// The IWAE estimate averages over the first N test images (all of them
    /// if the test set is smaller).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = args::size)]
    pub iwae_images: usize,

    #[command(flatten)]
    pub training: VaeArgs,
}

/// Validated settings.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    /// The model the flags ask for, if any model flag was given (a resumed
    /// run checks it).
    model: Option<CvaeConfig>,
    iwae_images: usize,
    training: TrainingPlan,
}

impl Args {
    /// Turns the flags into the run's settings, or says which combination
    /// is invalid (a usage error).
    pub fn plan(self) -> Result<Plan, String> {
        let mut training = self.training.plan(&DEFAULTS, &self.out)?;
        // Adam with Keras's ε = 1e-7 (the tutorial's), at whatever --lr says.
        if let (
            OptimizerConfig::Adam { learning_rate, .. },
            OptimizerConfig::Adam {
                beta1, beta2, eps, ..
            },
        ) = (
            training.config.optimizer,
            Cvae::tutorial_train_config().optimizer,
        ) {
            training.config.optimizer = OptimizerConfig::Adam {
                learning_rate,
                beta1,
                beta2,
                eps,
            };
        }
        let model = (self.latent_dim.is_some() || self.estimator.is_some()).then(|| {
            let default = CvaeConfig::default();
            CvaeConfig {
                latent_dim: self.latent_dim.unwrap_or(default.latent_dim),
                estimator: self.estimator.map_or(default.estimator, Into::into),
            }
        });
        Ok(Plan {
            out: self.out,
            model,
            iwae_images: self.iwae_images,
            training,
        })
    }
}

/// Trains tutorial 4's CVAE (or continues a checkpoint's run) and writes
/// its results into `plan.out`.
pub fn run(plan: &Plan) -> Result<()> {
    let started = Instant::now();
    let training = &plan.training;
    let compute = Compute::select(training.device, training.threads)?;
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    let splits = Splits::load(training, Collection::Mnist)?;
    let mut run = Run::<Cvae>::start(
        training,
        plan.model.as_ref(),
        &CvaeConfig::default(),
        compute.device,
    )?;
    run.fit(&splits, &training.checkpoint)?;
    let iwae_images = plan.iwae_images.min(splits.test.len());
    let indices: Vec<i64> = (0..iwae_images as i64).collect();
    let iwae_set = splits
        .test
        .subset(&indices)
        .context("cannot take the test images of the IWAE estimate")?;
    let log_likelihood = LogLikelihood::estimate(&run.trainer, &iwae_set, training.sampling)?;

    let history = run.trainer.history();
    write_history(&mut staging, history)?;
    staging.save_chart(
        "elbo.png",
        &elbo_chart(
            history,
            "Convolutional VAE on binarized MNIST: ELBO per epoch",
        ),
    )?;
    let figures = VaeFigures::new(&run.trainer, &splits.test);
    staging.save_grid(
        "reconstructions.png",
        &figures.reconstructions(RECONSTRUCTIONS)?,
    )?;
    staging.save_grid(
        "samples.png",
        &figures.samples(SAMPLES_4X4.0, SAMPLES_4X4.1)?,
    )?;
    staging.save_grid(
        "samples_8x8.png",
        &figures.samples(SAMPLES_8X8.0, SAMPLES_8X8.1)?,
    )?;
    let latent_dim = run.trainer.model().latent_dim();
    let mut notes = Vec::new();
    figures.save_latent(&mut staging, &mut notes)?;

    ModelSummary {
        command: COMMAND,
        seed: run.trainer.config().seed,
        architecture: CvaeConfig::NAME,
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
        &format!("tutorial 4: convolutional VAE, latent dimension {latent_dim}"),
    )
}

#[cfg(test)]
mod tests {
    use vi_models::{Cvae, OptimizerConfig};

    use super::DEFAULTS;

    /// The flags' defaults and the library's preset are two statements of
    /// the tutorial's settings; they must not drift apart.
    #[test]
    fn defaults_agree_with_the_library_preset() {
        let preset = Cvae::tutorial_train_config();
        assert_eq!(DEFAULTS.epochs, preset.epochs);
        assert_eq!(DEFAULTS.batch_size, preset.batch_size);
        assert_eq!(DEFAULTS.drop_last, preset.drop_last);
        assert_eq!(DEFAULTS.binarization, preset.binarization);
        assert_eq!(DEFAULTS.pixel_range, preset.pixel_range);
        assert!(matches!(preset.optimizer, OptimizerConfig::Adam { .. }));
        assert_eq!(
            DEFAULTS.adam_learning_rate,
            preset.optimizer.learning_rate()
        );
    }
}
