//! `vi vae-conv` (alias `conv-vae`): tutorial 2's second half — the
//! convolutional VAE with a Gaussian decoder, trained by SGD on the first
//! MNIST training image repeated 25,600 times. After every epoch it records
//! what the tutorial prints, the L1 norm of the posterior mean of that image
//! and its average σ, and at the end draws the image, its reconstructions
//! and those two curves.
//!
//! The per-epoch posterior summaries are not part of the trainer's
//! checkpoint; they are kept beside it (`<checkpoint>.posterior.json`,
//! written before the checkpoint of the same epoch) so that `--resume`
//! continues the curves.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tch::{Device, Tensor};
use vi_data::{Binarization, Collection, IMAGE_COLS, IMAGE_ROWS, PixelRange};
use vi_models::{Architecture, ConvVae, ConvVaeConfig, Trainer, Vae, derived_seed};
use vi_plot::{Chart, Color, Figure, ImageGrid, Line, Scatter};

use crate::args;
use crate::output::{SUMMARY_FILE, Staging};
use crate::tensor_values::values;
use crate::vae::{
    Compute, EstimatorChoice, OptimizerChoice, Run, RunSummary, Splits, TrainingPlan,
    TutorialDefaults, VaeArgs, elbo_chart,
};

/// The subcommand's name, also written into `summary.json`.
pub const COMMAND: &str = "vae-conv";

/// Tutorial 2's training (`ConvVae::tutorial_train_config`): 10 epochs of
/// batches of 256, the last, smaller one kept, grey levels scaled to
/// `[-1, 1]`, plain SGD with step 1e-4. Adam, which the tutorial does not
/// use, gets torch's default step.
pub const DEFAULTS: TutorialDefaults = TutorialDefaults {
    epochs: 10,
    batch_size: 256,
    optimizer: OptimizerChoice::Sgd,
    sgd_learning_rate: 1e-4,
    adam_learning_rate: 1e-3,
    drop_last: false,
    binarization: Binarization::None,
    pixel_range: PixelRange::MinusOneToOne,
};

/// The default `--iwae-samples` of `vi vae-conv`: none, see [`IWAE_HELP`].
pub const IWAE_SAMPLES: &str = "0";

/// What `--help` says about importance sampling here.
pub const IWAE_HELP: &str = "Importance samples per test image for a final IWAE \
    log-likelihood estimate; 0 (the default) skips it: the tutorial trains on one image and \
    reports none. Useful with --full-train-set";

/// Stream of [`derived_seed`] for the sampled reconstruction (above the
/// shared figures' streams).
const RECONSTRUCTION_STREAM: u64 = (1 << 32) + 16;

/// Flags of `vi vae-conv`; the defaults are tutorial 2's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for overfit.png, elbo.png, history.csv and summary.json
    /// (replaced as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-conv")]
    pub out: PathBuf,

    /// Size of the latent space (tutorial: 32) [default: 32].
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// The ELBO estimate of the training loss [default: monte-carlo, the
    /// tutorial's elbo with its log q corrected].
    #[arg(long, value_enum)]
    pub estimator: Option<EstimatorChoice>,

    /// Times the first training image is repeated to make the training set
    /// (the tutorial's Subset(dataset, [0] * 256 * 100)) [default: 25600].
    #[arg(long, value_name = "N", value_parser = args::size, conflicts_with = "full_train_set")]
    pub repeats: Option<usize>,

    /// Train on the whole training set (or --train-limit of it) instead of
    /// one repeated image, with a test −ELBO after every epoch.
    #[arg(long)]
    pub full_train_set: bool,

    #[command(flatten)]
    pub training: VaeArgs,
}

/// What the model is trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrainSet {
    /// The first training image, `repeats` times (the tutorial's).
    RepeatedImage {
        /// Copies of the image per epoch.
        repeats: usize,
    },
    /// The training split, cut to `--train-limit`.
    Full,
}

/// Validated settings.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    /// The model the flags ask for, if any model flag was given.
    model: Option<ConvVaeConfig>,
    train_set: TrainSet,
    training: TrainingPlan,
}

impl Args {
    /// Turns the flags into the run's settings, or says which combination
    /// is invalid (a usage error).
    pub fn plan(self) -> Result<Plan, String> {
        let training = self.training.plan(&DEFAULTS, &self.out)?;
        let model = (self.latent_dim.is_some() || self.estimator.is_some()).then(|| {
            let default = ConvVaeConfig::default();
            ConvVaeConfig {
                latent_dim: self.latent_dim.unwrap_or(default.latent_dim),
                estimator: self.estimator.map_or(default.estimator, Into::into),
            }
        });
        let train_set = if self.full_train_set {
            TrainSet::Full
        } else {
            TrainSet::RepeatedImage {
                repeats: self.repeats.unwrap_or(ConvVae::TUTORIAL_REPEATS),
            }
        };
        Ok(Plan {
            out: self.out,
            model,
            train_set,
            training,
        })
    }
}

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

/// `summary.json`.
#[derive(Debug, Serialize)]
struct Summary {
    command: &'static str,
    seed: u64,
    architecture: &'static str,
    model: ConvVaeConfig,
    train_set: TrainSet,
    /// `‖μ(x)‖₁` of the first training image after the last epoch.
    final_mean_l1_norm: f64,
    /// Its average σ after the last epoch.
    final_average_sigma: f64,
    /// Both, before training (epoch 0) and after each epoch.
    posterior: Vec<PosteriorRecord>,
    #[serde(flatten)]
    run: RunSummary,
}

/// Trains tutorial 2's convolutional VAE (or continues a checkpoint's run)
/// and writes its results into `plan.out`.
pub fn run(plan: &Plan) -> Result<()> {
    let started = Instant::now();
    let training = &plan.training;
    let compute = Compute::select(training.device, training.threads)?;
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    let loaded = Splits::load(training, Collection::Mnist)?;
    // The tutorial's `dataset[0][0]`: the first training image in [-1, 1].
    let image = PixelRange::MinusOneToOne
        .normalize(&loaded.train.images().narrow(0, 0, 1))
        .to_device(compute.device);
    let splits = match plan.train_set {
        TrainSet::Full => loaded,
        TrainSet::RepeatedImage { repeats } => Splits {
            train: loaded
                .train
                .repeat(0, repeats)
                .context("cannot repeat the first training image")?,
            test: loaded.test,
        },
    };
    let mut run = Run::<ConvVae>::start(
        training,
        plan.model.as_ref(),
        &ConvVaeConfig::default(),
        compute.device,
    )?;
    let log_path = posterior_log_path(&training.checkpoint);
    let mut log = match run.resumed_from_epoch {
        None => PosteriorLog {
            train_set: plan.train_set,
            records: vec![record(&run.trainer, &image, 0)?],
        },
        Some(epoch) => resumed_log(&log_path, plan.train_set, epoch)?,
    };
    let test = (plan.train_set == TrainSet::Full).then_some(&splits.test);
    if test.is_some() {
        let config = run.trainer.config();
        splits.check_batches(config.batch_size, config.drop_last)?;
    }
    run.fit_each_epoch(&splits.train, test, &training.checkpoint, |trainer| {
        let epoch = trainer.history().len();
        let summary = record(trainer, &image, epoch)?;
        eprintln!(
            "          ‖μ‖₁ {:.4}  mean σ {:.4}",
            summary.mean_l1_norm, summary.average_sigma
        );
        log.records.push(summary);
        write_log(&log_path, &log)
    })?;
    let log_likelihood =
        crate::vae::LogLikelihood::estimate(&run.trainer, &splits.test, training.sampling)?;

    let history = run.trainer.history();
    let rows = history
        .records()
        .iter()
        .zip(&log.records[1..])
        .map(|(epoch, posterior)| {
            vec![
                epoch.epoch as f64,
                epoch.train_neg_elbo,
                epoch.test_neg_elbo.unwrap_or(f64::NAN),
                posterior.mean_l1_norm,
                posterior.average_sigma,
            ]
        });
    staging.write_csv(
        "history.csv",
        &[
            "epoch",
            "train_neg_elbo",
            "test_neg_elbo",
            "mean_l1_norm",
            "average_sigma",
        ],
        rows,
    )?;
    let elbo = elbo_chart(history, "ELBO per epoch");
    staging.save_chart("elbo.png", &elbo)?;
    staging.save_figure(
        "overfit.png",
        &overfit_figure(&run.trainer, &image, &log.records, elbo)?,
    )?;

    let last = *log.records.last().context("no posterior summary")?;
    let summary = Summary {
        command: COMMAND,
        seed: run.trainer.config().seed,
        architecture: ConvVaeConfig::NAME,
        model: run.trainer.model().config().clone(),
        train_set: plan.train_set,
        final_mean_l1_norm: last.mean_l1_norm,
        final_average_sigma: last.average_sigma,
        posterior: log.records.clone(),
        run: RunSummary::new(
            &run,
            training,
            &compute,
            (&splits, Collection::Mnist),
            log_likelihood,
            started,
        )?,
    };
    staging.write_json(SUMMARY_FILE, &summary)?;
    let written = staging.commit()?;
    let what = match plan.train_set {
        TrainSet::RepeatedImage { repeats } => format!("one image × {repeats}"),
        TrainSet::Full => "the training set".to_owned(),
    };
    summary.run.report(&format!(
        "tutorial 2: convolutional VAE on {what}, latent dimension {} (seed {})",
        run.trainer.model().latent_dim(),
        summary.seed
    ));
    println!(
        "  first training image: ‖μ‖₁ {:.4}, mean σ {:.4} (before training: {:.4}, {:.4})",
        last.mean_l1_norm,
        last.average_sigma,
        log.records[0].mean_l1_norm,
        log.records[0].average_sigma
    );
    println!("{written}");
    Ok(())
}

/// The posterior summary of `image` under the trainer's current model.
fn record(trainer: &Trainer<ConvVae>, image: &Tensor, epoch: usize) -> Result<PosteriorRecord> {
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
fn posterior_log_path(checkpoint: &Path) -> PathBuf {
    checkpoint.with_extension("posterior.json")
}

/// Writes the log atomically (a temporary file renamed into place).
fn write_log(path: &Path, log: &PosteriorLog) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let temporary = path.with_extension("json.partial");
    let text = serde_json::to_string_pretty(log).with_context(context)?;
    fs::write(&temporary, text).with_context(context)?;
    fs::rename(&temporary, path).with_context(context)
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
            "{}: the run trained on {:?}, this one asks for {train_set:?}; \
             pass the same --repeats or --full-train-set",
            context(),
            log.train_set
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

/// The image, its reconstructions, and the two curves the tutorial prints,
/// with the ELBO chart: a 2×2 figure.
fn overfit_figure(
    trainer: &Trainer<ConvVae>,
    image: &Tensor,
    records: &[PosteriorRecord],
    elbo: Chart,
) -> Result<Figure> {
    let model = trainer.model();
    let seed = derived_seed(trainer.config().seed, RECONSTRUCTION_STREAM);
    tch::manual_seed(i64::from_ne_bytes(seed.to_ne_bytes()));
    let (from_mean, from_sample) = tch::no_grad(|| -> Result<(Tensor, Tensor)> {
        let (mean, _) = model.encode(image)?;
        Ok((model.decode(&mean)?, model.reconstruct(image)?))
    })?;
    let unit = |images: &Tensor| -> Result<Vec<f32>> {
        let unit = PixelRange::MinusOneToOne
            .to_unit_interval(&images.to_device(Device::Cpu))
            .clamp(0.0, 1.0);
        Ok(values(&unit)?.into_iter().map(|v| v as f32).collect())
    };
    let mut pixels = unit(image)?;
    pixels.extend(unit(&from_mean)?);
    pixels.extend(unit(&from_sample)?);
    let grid = ImageGrid::new(pixels, IMAGE_ROWS, IMAGE_COLS)
        .nrow(3)
        .title("Image, decoded μ(x), decoded z ~ q(z|x)");
    let epochs: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
    let curve = |values: Vec<f64>, label: &str, color: Color| {
        Chart::new()
            .title(format!("{label} of the image's posterior"))
            .x_label("epoch (0: before training)")
            .y_label(label)
            .series(Line::new(epochs.clone(), values.clone()).color(color))
            .series(Scatter::new(epochs.clone(), values).color(color))
    };
    let l1 = curve(
        records.iter().map(|r| r.mean_l1_norm).collect(),
        "‖μ‖₁",
        Color::BLUE,
    );
    let sigma = curve(
        records.iter().map(|r| r.average_sigma).collect(),
        "mean σ",
        Color::ORANGE,
    );
    Ok(Figure::new(2, 2)
        .title("Tutorial 2: the convolutional VAE fitted to one image")
        .panel(grid)
        .panel(elbo)
        .panel(l1)
        .panel(sigma))
}

#[cfg(test)]
mod tests {
    use vi_models::{ConvVae, OptimizerConfig};

    use super::DEFAULTS;

    /// The flags' defaults and the library's preset are two statements of
    /// the tutorial's settings; they must not drift apart.
    #[test]
    fn defaults_agree_with_the_library_preset() {
        let preset = ConvVae::tutorial_train_config();
        assert_eq!(DEFAULTS.epochs, preset.epochs);
        assert_eq!(DEFAULTS.batch_size, preset.batch_size);
        assert_eq!(DEFAULTS.drop_last, preset.drop_last);
        assert_eq!(DEFAULTS.binarization, preset.binarization);
        assert_eq!(DEFAULTS.pixel_range, preset.pixel_range);
        assert!(matches!(preset.optimizer, OptimizerConfig::Sgd { .. }));
        assert_eq!(DEFAULTS.sgd_learning_rate, preset.optimizer.learning_rate());
    }
}
