//! The flags every VAE subcommand shares and their validated form,
//! [`VaePlan`], with the defaults of the subcommand's preset
//! (`vi_models::presets`; `help.rs` writes them into `--help`).
//!
//! The settings that differ between the tutorials are `Option`s: `None`
//! means "not given", which is what a resumed run needs to tell a flag that
//! contradicts its checkpoint from a default, and what lets one set of
//! flags serve every tutorial.

use std::path::{Path, PathBuf};

use vi_data::{Binarization, Collection};
use vi_models::presets::{TrainSet, VaePreset};
use vi_models::{ImportanceSampling, Objective, TrainConfig};

use super::choices::{
    DEFAULT_ALPHA, DatasetChoice, DeviceChoice, ObjectiveChoice, OptimizerChoice,
};
use crate::args;

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
    /// numbers.
    #[arg(long, value_parser = args::seed)]
    pub seed: Option<u64>,

    /// Epochs of the complete run (with --resume: train until this many).
    #[arg(long, value_parser = args::epochs)]
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

    /// What training maximizes, and by which gradient estimator (see --k and
    /// --alpha). The per-epoch test loss is the one-sample negative ELBO
    /// whatever the objective, so that runs compare.
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveChoice>,

    /// Draws z ~ q(z|x) per image and step: the samples of elbo, stl and
    /// score-function, the importance samples of iwae, dreg, renyi and vimco
    /// [default: 1 for elbo and stl, 5 for the others; vimco and
    /// score-function need at least 2].
    #[arg(long, value_name = "K", value_parser = args::size)]
    pub k: Option<usize>,

    /// The order α of the Rényi bound (--objective renyi only; 0 is the
    /// IWAE bound, 1 the ELBO) [default: 0.5].
    #[arg(long, value_parser = args::finite, allow_negative_numbers = true)]
    pub alpha: Option<f64>,

    /// Data set.
    #[arg(long, value_enum)]
    pub dataset: Option<DatasetChoice>,

    /// Importance samples per test image for the final IWAE log-likelihood
    /// estimate; 0 skips it.
    #[arg(long, value_name = "K", value_parser = args::count_or_zero)]
    pub iwae_samples: Option<i64>,

    /// Importance samples decoded at once (memory grows with it, not with
    /// --iwae-samples).
    #[arg(long, value_name = "K", value_parser = args::count)]
    pub iwae_chunk: Option<i64>,

    /// Train on the first N training images only (quick runs).
    #[arg(long, value_name = "N", value_parser = args::image_count)]
    pub train_limit: Option<usize>,

    /// Evaluate on the first N test images only (quick runs).
    #[arg(long, value_name = "N", value_parser = args::image_count)]
    pub test_limit: Option<usize>,

    /// Checkpoint file, rewritten after every epoch; by default
    /// `<OUT>.checkpoint.safetensors`, beside the output folder.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,

    /// Continue the run stored in the checkpoint: its model, optimizer
    /// state, settings and history; --epochs may extend it. It must see the
    /// same data (--data-dir, --train-limit, --test-limit) as the first run.
    #[arg(long)]
    pub resume: bool,

    /// Start afresh although the checkpoint holds an earlier run, which this
    /// run replaces after its first epoch. Without it (or --resume) such a
    /// run is refused, so that no run is overwritten by accident; a file
    /// that is not a vi checkpoint is never overwritten.
    #[arg(long, conflicts_with = "resume")]
    pub restart: bool,

    /// Also draw latent_tsne.png, a t-SNE picture of the posterior means of
    /// the first 2,000 test images, when the latent space has more than two
    /// dimensions (tutorial 3's suggestion; takes tens of seconds).
    #[arg(long)]
    pub tsne: bool,
}

/// A VAE subcommand's settings, checked: what [`super::run`] runs.
#[derive(Debug, Clone)]
pub struct VaePlan<C> {
    /// The output folder.
    pub out: PathBuf,
    /// The model the flags ask for, if any model flag was given (a resumed
    /// run checks it; a fresh one builds it, or else the preset's).
    pub model: Option<C>,
    /// The shared settings.
    pub training: TrainingPlan,
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
    /// The data set.
    pub collection: Collection,
    /// What of the training split the model trains on.
    pub train_set: TrainSet,
    /// The final log-likelihood estimate, `None` to skip it.
    pub sampling: Option<ImportanceSampling>,
    /// The estimate averages over the first N test images; all if `None`.
    pub log_likelihood_images: Option<usize>,
    /// The checkpoint file.
    pub checkpoint: PathBuf,
    /// Continue from the checkpoint instead of starting afresh.
    pub resume: bool,
    /// Start afresh even if the checkpoint holds an earlier run.
    pub restart: bool,
    /// Draw `latent_tsne.png` beside `latent.png` (`--tsne`).
    pub tsne: bool,
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
    /// The objective `--objective`, `--k` and `--alpha` ask for, when any
    /// of them was given.
    pub objective: Option<Objective>,
}

/// What a subcommand's own flags decide beyond the shared ones.
#[derive(Debug, Clone)]
pub struct OwnFlags<C> {
    /// The model the flags ask for, `None` if no model flag was given.
    pub model: Option<C>,
    /// What the model trains on (`vae-conv`'s `--repeats` and
    /// `--full-train-set`); `None`: the preset's.
    pub train_set: Option<TrainSet>,
    /// The log-likelihood's test images (`cvae`'s `--iwae-images`);
    /// `None`: the preset's.
    pub log_likelihood_images: Option<usize>,
    /// The batches' binarization (`vae-mlp --likelihood gaussian`: none);
    /// `None`: the preset's.
    pub binarization: Option<Binarization>,
}

impl VaeArgs {
    /// The validated settings of a subcommand writing into `out`, with the
    /// `preset`'s values for the flags not given: the chosen optimizer is
    /// the preset's of that kind (tutorial 4's Adam keeps its `ε = 1e-7`),
    /// at `--lr` if given. The checkpoint goes beside `out` by default.
    ///
    /// # Errors
    /// A message for a usage error.
    pub fn plan<C>(
        self,
        preset: &VaePreset<C>,
        out: PathBuf,
        own: OwnFlags<C>,
    ) -> Result<VaePlan<C>, String> {
        let optimizer = match self.optimizer {
            Some(choice) if choice != OptimizerChoice::of(&preset.training.optimizer) => {
                preset.other_optimizer
            }
            _ => preset.training.optimizer,
        };
        let objective = self.objective_plan(&preset.training.objective)?;
        let config = TrainConfig {
            epochs: self.epochs.unwrap_or(preset.training.epochs),
            batch_size: self.batch_size.unwrap_or(preset.training.batch_size),
            optimizer: self
                .lr
                .map_or(optimizer, |lr| optimizer.with_learning_rate(lr)),
            seed: self.seed.unwrap_or(preset.training.seed),
            binarization: own.binarization.unwrap_or(preset.training.binarization),
            objective: objective.unwrap_or(preset.training.objective),
            ..preset.training.clone()
        };
        config.validate().map_err(|error| error.to_string())?;
        let checkpoint = match self.checkpoint {
            Some(path) => path,
            None => default_checkpoint(&out)?,
        };
        let defaults = &preset.log_likelihood;
        let num_samples = self.iwae_samples.unwrap_or(defaults.num_samples);
        let training = TrainingPlan {
            data_dir: self.data_dir,
            device: self.device,
            threads: self.threads,
            train_limit: self.train_limit,
            test_limit: self.test_limit,
            collection: self.dataset.map_or(preset.collection, Into::into),
            train_set: own.train_set.unwrap_or(preset.train_set),
            sampling: (num_samples > 0).then_some(ImportanceSampling {
                num_samples,
                chunk_size: self.iwae_chunk.unwrap_or(defaults.chunk_size),
            }),
            log_likelihood_images: own.log_likelihood_images.or(defaults.num_images),
            checkpoint,
            resume: self.resume,
            restart: self.restart,
            tsne: self.tsne,
            config,
            given: GivenFlags {
                seed: self.seed,
                epochs: self.epochs,
                batch_size: self.batch_size,
                optimizer: self.optimizer,
                lr: self.lr,
                objective,
            },
        };
        Ok(VaePlan {
            out,
            model: own.model,
            training,
        })
    }
}

impl VaeArgs {
    /// The objective `--objective`, `--k` and `--alpha` ask for, `None` if
    /// none was given. `--k` alone keeps the preset's objective; a chosen
    /// objective without `--k` gets its default count
    /// ([`ObjectiveChoice::default_k`]); `--alpha` goes with `renyi` only.
    ///
    /// # Errors
    /// `--alpha` with another objective.
    fn objective_plan(&self, preset: &Objective) -> Result<Option<Objective>, String> {
        if self.objective.is_none() && self.k.is_none() && self.alpha.is_none() {
            return Ok(None);
        }
        let choice = self.objective.unwrap_or(ObjectiveChoice::of(preset));
        if self.alpha.is_some() && choice != ObjectiveChoice::Renyi {
            let name = choice.objective(1, DEFAULT_ALPHA).name();
            return Err(format!(
                "--alpha is the order of the Rényi bound and goes with --objective renyi only; \
                 the objective here is {name}: leave --alpha out or add --objective renyi"
            ));
        }
        let k = self.k.unwrap_or(match self.objective {
            None => preset.samples(),
            Some(choice) => choice.default_k(),
        });
        let alpha = self.alpha.unwrap_or(match *preset {
            Objective::Renyi { alpha, .. } if self.objective.is_none() => alpha,
            _ => DEFAULT_ALPHA,
        });
        Ok(Some(choice.objective(k, alpha)))
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
    let mut file = name.to_os_string();
    file.push(".checkpoint.safetensors");
    Ok(out.with_file_name(file))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use clap::Parser;
    use vi_models::OptimizerConfig;
    use vi_models::presets::{self, VaePreset};

    use super::{OwnFlags, VaeArgs, default_checkpoint};

    /// The shared flags alone, as a subcommand flattens them.
    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        args: VaeArgs,
    }

    fn training<C>(preset: &VaePreset<C>, flags: &[&str]) -> vi_models::TrainConfig {
        let flags = Flags::try_parse_from(std::iter::once("vi").chain(flags.iter().copied()))
            .expect("valid flags");
        let own = OwnFlags {
            model: None,
            train_set: None,
            log_likelihood_images: None,
            binarization: None,
        };
        let plan = flags
            .args
            .plan(preset, PathBuf::from("results/x"), own)
            .expect("a valid plan");
        plan.training.config
    }

    /// Without flags a run is the preset's; choosing the optimizer the
    /// tutorial does not use gives the preset's other one, and `--lr`
    /// changes only the step (tutorial 4's Adam keeps Keras's ε).
    #[test]
    fn flags_not_given_are_the_presets() {
        let tutorial_4 = presets::bernoulli_conv_vae();
        assert_eq!(training(&tutorial_4, &[]), tutorial_4.training);
        assert_eq!(
            training(&tutorial_4, &["--optimizer", "sgd"]).optimizer,
            OptimizerConfig::sgd(5e-3)
        );
        assert_eq!(
            training(&tutorial_4, &["--optimizer", "adam", "--lr", "0.5"]).optimizer,
            OptimizerConfig::Adam {
                learning_rate: 0.5,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-7,
            }
        );
        let tutorial_3 = presets::mlp_vae();
        assert_eq!(training(&tutorial_3, &[]), tutorial_3.training);
        let adam = training(&tutorial_3, &["--optimizer", "adam", "--epochs", "3"]);
        assert_eq!(
            (adam.optimizer, adam.epochs),
            (OptimizerConfig::adam(1e-3), 3)
        );
        let tutorial_2 = presets::gaussian_conv_vae();
        let sgd = training(&tutorial_2, &["--lr", "0.25", "--seed", "7"]);
        assert_eq!((sgd.optimizer, sgd.seed), (OptimizerConfig::sgd(0.25), 7));
    }

    /// `--k` alone keeps the preset's objective; a chosen objective without
    /// `--k` takes its default count; `--alpha` goes with `renyi` only.
    #[test]
    fn objective_flags_resolve_against_the_preset() {
        use vi_models::Objective;
        let tutorial_3 = presets::mlp_vae();
        let objective = |preset: &VaePreset<_>, flags: &[&str]| training(preset, flags).objective;
        assert_eq!(objective(&tutorial_3, &[]), Objective::default());
        assert_eq!(
            objective(&tutorial_3, &["--k", "5"]),
            Objective::Elbo { samples: 5 }
        );
        assert_eq!(
            objective(&tutorial_3, &["--objective", "iwae"]),
            Objective::Iwae { k: 5 }
        );
        assert_eq!(
            objective(&tutorial_3, &["--objective", "stl"]),
            Objective::Stl { samples: 1 }
        );
        assert_eq!(
            objective(&tutorial_3, &["--objective", "renyi"]),
            Objective::Renyi { alpha: 0.5, k: 5 }
        );
        assert_eq!(
            objective(
                &tutorial_3,
                &["--objective", "renyi", "--alpha", "0", "--k", "2"]
            ),
            Objective::Renyi { alpha: 0.0, k: 2 }
        );
        let binary = presets::binary_vae();
        assert_eq!(training(&binary, &[]).objective, Objective::Vimco { k: 5 });
        assert_eq!(
            training(&binary, &["--k", "3"]).objective,
            Objective::Vimco { k: 3 }
        );

        let flags = Flags::try_parse_from(["vi", "--alpha", "0.5"]).expect("parses");
        let own = OwnFlags {
            model: None,
            train_set: None,
            log_likelihood_images: None,
            binarization: None,
        };
        let error = flags
            .args
            .plan(&tutorial_3, PathBuf::from("results/x"), own)
            .expect_err("--alpha without renyi");
        assert!(error.contains("--objective renyi"), "{error}");
    }

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
