//! The flags every VAE subcommand shares, the tutorial defaults a
//! subcommand gives them, and their validated form, [`TrainingPlan`].
//!
//! The settings that differ between the tutorials (epochs, batch size,
//! optimizer, learning rate) are `Option`s: `None` means "not given", which
//! is what a resumed run needs to tell a flag that contradicts its
//! checkpoint from a default. [`document_defaults`] writes each
//! subcommand's own default into its `--help`.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use vi_data::{Binarization, PixelRange};
use vi_models::{ElboEstimator, ImportanceSampling, OptimizerConfig, TrainConfig};

use crate::args;

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
    /// The CPU.
    Cpu,
    /// The first CUDA device; an error if libtorch sees none.
    Cuda,
    /// CUDA if libtorch sees a device, else the CPU.
    Auto,
}

/// The update rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerChoice {
    /// Plain gradient descent, as tutorial 3's loop writes it by hand.
    Sgd,
    /// Adam with torch's betas (0.9, 0.999) and eps 1e-8.
    Adam,
}

impl OptimizerChoice {
    /// The choice behind a stored configuration.
    pub fn of(config: &OptimizerConfig) -> Self {
        match config {
            OptimizerConfig::Sgd { .. } => Self::Sgd,
            OptimizerConfig::Adam { .. } => Self::Adam,
        }
    }

    /// The flag value (`sgd`, `adam`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Adam => "adam",
        }
    }
}

/// The single-sample ELBO estimate a model trains on (`--estimator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorChoice {
    /// `log p(x|z) + log p(z) − log q(z|x)` at one draw: the tutorials'
    /// own loss (tutorial 2's `elbo`, tutorial 4's `compute_loss`).
    MonteCarlo,
    /// `log p(x|z) − KL(q(z|x) ‖ p(z))` with the KL in closed form: the same
    /// expectation with less variance.
    AnalyticKl,
}

impl From<EstimatorChoice> for ElboEstimator {
    fn from(choice: EstimatorChoice) -> Self {
        match choice {
            EstimatorChoice::MonteCarlo => Self::MonteCarlo,
            EstimatorChoice::AnalyticKl => Self::AnalyticKl,
        }
    }
}

/// A tutorial's training settings: the defaults of the shared flags for
/// one subcommand, and the batch settings that are not flags.
#[derive(Debug, Clone, Copy)]
pub struct TutorialDefaults {
    /// Epochs of a complete run.
    pub epochs: usize,
    /// Images per batch.
    pub batch_size: usize,
    /// The tutorial's update rule.
    pub optimizer: OptimizerChoice,
    /// `--lr` when the optimizer is SGD.
    pub sgd_learning_rate: f64,
    /// `--lr` when the optimizer is Adam.
    pub adam_learning_rate: f64,
    /// Leave out each epoch's last, smaller batch.
    pub drop_last: bool,
    /// How each batch is binarized.
    pub binarization: Binarization,
    /// The pixel range of the batches.
    pub pixel_range: PixelRange,
}

impl TutorialDefaults {
    /// The default `--lr` for `optimizer`.
    pub fn learning_rate(&self, optimizer: OptimizerChoice) -> f64 {
        match optimizer {
            OptimizerChoice::Sgd => self.sgd_learning_rate,
            OptimizerChoice::Adam => self.adam_learning_rate,
        }
    }
}

/// Flags shared by the VAE subcommands (flattened into each one's `Args`).
#[derive(Debug, Clone, clap::Args)]
pub struct VaeArgs {
    /// Folder holding `mnist/` (and `fashion-mnist/`), as `cargo xtask
    /// data` fills it.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Device to train on.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,

    /// Intra-op threads of libtorch [default: libtorch's own choice].
    #[arg(long, value_parser = args::threads)]
    pub threads: Option<i32>,

    /// Seed of every random draw (initialization, batch order,
    /// binarization, noise); the same seed on one CPU thread gives the same
    /// numbers [default: 0].
    #[arg(long)]
    pub seed: Option<u64>,

    /// Epochs of the complete run (with --resume: train until this many).
    #[arg(long, value_parser = args::size)]
    pub epochs: Option<usize>,

    /// Images per batch, for training and the per-epoch test loss.
    #[arg(long, value_parser = args::size)]
    pub batch_size: Option<usize>,

    /// Update rule.
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerChoice>,

    /// Learning rate.
    #[arg(long, value_parser = args::positive)]
    pub lr: Option<f64>,

    /// Importance samples per test image for the final IWAE log-likelihood
    /// estimate; 0 skips it.
    #[arg(long, value_name = "K", default_value_t = 1000, value_parser = args::count_or_zero)]
    pub iwae_samples: i64,

    /// Importance samples decoded at once (memory grows with it, not with
    /// --iwae-samples).
    #[arg(long, value_name = "K", default_value_t = 100, value_parser = args::count)]
    pub iwae_chunk: i64,

    /// Train on the first N training images only (quick runs).
    #[arg(long, value_name = "N", value_parser = args::size)]
    pub train_limit: Option<usize>,

    /// Evaluate on the first N test images only (quick runs).
    #[arg(long, value_name = "N", value_parser = args::size)]
    pub test_limit: Option<usize>,

    /// Checkpoint file, rewritten after every epoch [default: beside the
    /// output folder, <OUT>.checkpoint.safetensors].
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,

    /// Continue the run stored in the checkpoint: its model, optimizer
    /// state, settings and history; --epochs may extend it. Pass the same
    /// --data-dir, --train-limit and --test-limit as the first run.
    #[arg(long)]
    pub resume: bool,
}

/// The shared settings, checked: what [`super::Run`] trains with.
#[derive(Debug, Clone)]
pub struct TrainingPlan {
    /// Folder holding the data sets.
    pub data_dir: PathBuf,
    /// Device requested.
    pub device: DeviceChoice,
    /// `--threads`, if given.
    pub threads: Option<i32>,
    /// Training images used (the first N), all if `None`.
    pub train_limit: Option<usize>,
    /// Test images used (the first N), all if `None`.
    pub test_limit: Option<usize>,
    /// The final log-likelihood estimate, `None` to skip it.
    pub sampling: Option<ImportanceSampling>,
    /// The checkpoint file.
    pub checkpoint: PathBuf,
    /// Continue from the checkpoint instead of starting afresh.
    pub resume: bool,
    /// The configuration of a fresh run.
    pub config: TrainConfig,
    /// The flags given explicitly, which a resumed run checks against its
    /// checkpoint.
    pub given: GivenFlags,
}

/// Training flags given on the command line (`None`: left to the default
/// or, with `--resume`, to the checkpoint).
#[derive(Debug, Clone, Copy, Default)]
pub struct GivenFlags {
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--epochs`.
    pub epochs: Option<usize>,
    /// `--batch-size`.
    pub batch_size: Option<usize>,
    /// `--optimizer`.
    pub optimizer: Option<OptimizerChoice>,
    /// `--lr`.
    pub lr: Option<f64>,
}

impl VaeArgs {
    /// The validated settings, with the tutorial's `defaults` for the flags
    /// not given; `out` is the subcommand's output folder, beside which the
    /// checkpoint goes by default.
    ///
    /// # Errors
    /// A message for a usage error.
    pub fn plan(self, defaults: &TutorialDefaults, out: &Path) -> Result<TrainingPlan, String> {
        let optimizer = self.optimizer.unwrap_or(defaults.optimizer);
        let learning_rate = self.lr.unwrap_or_else(|| defaults.learning_rate(optimizer));
        let config = TrainConfig {
            epochs: self.epochs.unwrap_or(defaults.epochs),
            batch_size: self.batch_size.unwrap_or(defaults.batch_size),
            drop_last: defaults.drop_last,
            binarization: defaults.binarization,
            pixel_range: defaults.pixel_range,
            optimizer: match optimizer {
                OptimizerChoice::Sgd => OptimizerConfig::sgd(learning_rate),
                OptimizerChoice::Adam => OptimizerConfig::adam(learning_rate),
            },
            seed: self.seed.unwrap_or(0),
        };
        config.validate().map_err(|error| error.to_string())?;
        let checkpoint = match self.checkpoint {
            Some(path) => path,
            None => default_checkpoint(out)?,
        };
        Ok(TrainingPlan {
            data_dir: self.data_dir,
            device: self.device,
            threads: self.threads,
            train_limit: self.train_limit,
            test_limit: self.test_limit,
            sampling: (self.iwae_samples > 0).then_some(ImportanceSampling {
                num_samples: self.iwae_samples,
                chunk_size: self.iwae_chunk,
            }),
            checkpoint,
            resume: self.resume,
            config,
            given: GivenFlags {
                seed: self.seed,
                epochs: self.epochs,
                batch_size: self.batch_size,
                optimizer: self.optimizer,
                lr: self.lr,
            },
        })
    }
}

/// `results/vae-mlp` → `results/vae-mlp.checkpoint.safetensors`: beside the
/// output folder, so that replacing the folder never touches it.
pub fn default_checkpoint(out: &Path) -> Result<PathBuf, String> {
    let name = out.file_name().ok_or_else(|| {
        format!(
            "--out {} has no folder name of its own to put the checkpoint beside; \
             give a folder such as results/experiment, or --checkpoint",
            out.display()
        )
    })?;
    let file = format!("{}.checkpoint.safetensors", name.to_string_lossy());
    Ok(out.with_file_name(file))
}

/// Writes `defaults` into the `--help` of a subcommand built on
/// [`VaeArgs`], as clap writes `[default: …]` for flags with a fixed
/// default.
pub fn document_defaults(command: clap::Command, defaults: &TutorialDefaults) -> clap::Command {
    let learning_rates = format!(
        "{:e} with sgd, {:e} with adam",
        defaults.sgd_learning_rate, defaults.adam_learning_rate
    );
    [
        ("epochs", defaults.epochs.to_string()),
        ("batch_size", defaults.batch_size.to_string()),
        ("optimizer", defaults.optimizer.name().to_owned()),
        ("lr", learning_rates),
    ]
    .into_iter()
    .fold(command, |command, (id, default)| {
        command.mut_arg(id, |arg| {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            arg.help(format!("{help} [default: {default}]"))
        })
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::default_checkpoint;

    #[test]
    fn checkpoint_goes_beside_the_output_folder() {
        assert_eq!(
            default_checkpoint(Path::new("results/vae-mlp")),
            Ok("results/vae-mlp.checkpoint.safetensors".into())
        );
        assert_eq!(
            default_checkpoint(Path::new("results/vae-mlp/")),
            Ok("results/vae-mlp.checkpoint.safetensors".into())
        );
        assert_eq!(
            default_checkpoint(Path::new("out")),
            Ok("out.checkpoint.safetensors".into())
        );
        assert!(default_checkpoint(Path::new("/")).is_err());
    }
}
