//! One run of the study: Burda et al.'s model trained on one objective
//! through the plan's stages (same seed, hence the same initialization and
//! batch order, for every run), then its importance-sampled test
//! log-likelihood, image by image, with its standard error.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tch::{Device, Kind};
use vi_data::{
    BatchOptions, Binarization, Collection, ImageDataset, PixelRange, Split, read_split,
};
use vi_fs::errln;
use vi_models::{
    EpochRecord, MlpVae, MlpVaeConfig, Objective, OptimizerConfig, Stream, TrainConfig, Trainer,
    Vae, mean_negative_elbo,
};

use super::plan::{ADAM_BETA1, ADAM_BETA2, ADAM_EPS, LL_BATCH, LL_CHUNK, StudyPlan};
use crate::vae::Progress;

/// The images the study uses: the first `train_images` of MNIST's training
/// split and the first `test_images` of its test split, grey levels in
/// `[0, 1]` (each batch is binarized afresh, as Burda et al. did).
#[derive(Debug)]
pub struct StudyData {
    /// Training images.
    pub train: ImageDataset,
    /// Test images: the per-epoch test ELBO and the log-likelihood.
    pub test: ImageDataset,
}

impl StudyData {
    /// Loads MNIST from the plan's data folder.
    ///
    /// # Errors
    /// vi-data's (a missing folder says how to download it).
    pub fn load(plan: &StudyPlan) -> Result<Self> {
        let collection = Collection::Mnist;
        let load = |split: Split, images: usize| -> Result<ImageDataset> {
            let idx = read_split(&collection.dir(&plan.data_dir), collection, split)
                .with_context(|| format!("cannot load the MNIST {split} split"))?;
            if images > idx.len() {
                bail!(
                    "the MNIST {split} split in {} has {} images, fewer than the {images} asked for",
                    plan.data_dir.display(),
                    idx.len()
                );
            }
            let full = ImageDataset::from_idx(&idx);
            if images == full.len() {
                return Ok(full);
            }
            let indices: Vec<i64> = (0..images as i64).collect();
            Ok(full.subset(&indices)?)
        };
        Ok(Self {
            train: load(Split::Train, plan.train_images)?,
            test: load(Split::Test, plan.test_images)?,
        })
    }
}

/// The training settings of one run: Burda et al.'s Adam (`ε = 1e-4`) at
/// the first stage's rate, batches of `batch_size` binarized afresh, the
/// last smaller batch dropped, the plan's seed.
pub fn train_config(plan: &StudyPlan, objective: Objective) -> TrainConfig {
    TrainConfig {
        epochs: plan.epochs(),
        batch_size: plan.batch_size,
        drop_last: true,
        binarization: Binarization::Dynamic,
        pixel_range: PixelRange::ZeroToOne,
        optimizer: OptimizerConfig::Adam {
            learning_rate: plan.stages.first().map_or(0.0, |stage| stage.learning_rate),
            beta1: ADAM_BETA1,
            beta2: ADAM_BETA2,
            eps: ADAM_EPS,
        },
        seed: plan.seed,
        objective,
    }
}

/// Trains a fresh model on `objective` through the plan's stages, the
/// learning rate changing between stages with Adam's state kept; a test
/// ELBO pass over the study's test images after every epoch when they fill
/// a batch (the pass drops the last, smaller one). Progress on stderr.
///
/// # Errors
/// A diverging loss (naming the epoch and batch), the model's errors.
pub fn train(
    plan: &StudyPlan,
    objective: Objective,
    data: &StudyData,
    device: Device,
) -> Result<Trainer<MlpVae>> {
    let mut trainer = Trainer::<MlpVae>::new(
        &MlpVaeConfig::burda(),
        train_config(plan, objective),
        device,
    )
    .with_context(|| format!("cannot build the model for {objective}"))?;
    let mut progress = Progress::new();
    let mut epochs = 0;
    for (index, stage) in plan.stages.iter().enumerate() {
        epochs += stage.epochs;
        trainer.set_learning_rate(stage.learning_rate)?;
        trainer.set_epochs(epochs);
        if plan.stages.len() > 1 {
            errln!(
                "  stage {}/{}: {} epochs at learning rate {:.3e}",
                index + 1,
                plan.stages.len(),
                stage.epochs,
                stage.learning_rate
            );
        }
        let test = (data.test.len() >= plan.batch_size).then_some(&data.test);
        trainer
            .fit(&data.train, test, &mut progress, None)
            .with_context(|| format!("training on {objective} failed"))?;
    }
    Ok(trainer)
}

/// The importance-sampled log-likelihood of a model over the study's test
/// images.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LogLikelihood {
    /// Mean of `log p̂(x)` over the images, nats.
    pub mean: f64,
    /// Standard error of that mean over the images (sample standard
    /// deviation / √N): the spread between images, which dominates the
    /// Monte Carlo error of each `log p̂(x)` at `k = 5000`.
    pub standard_error: f64,
    /// Images averaged over.
    pub images: usize,
    /// Importance samples per image.
    pub samples: i64,
    /// Seconds the estimate took.
    pub seconds: f64,
}

/// `log p̂(x) = log (1/K) Σ_k p(x, z_k) / q(z_k|x)`, `z_k ~ q(z|x)`
/// (Burda et al. 2015, eq. 8 with `K = plan.ll_samples`), for each test
/// image in order, each binarized afresh; libtorch's generator seeded for
/// [`Stream::LogLikelihood`] first, so every model sees the same binarized
/// images and the estimate repeats.
///
/// Returns the summary and the per-image values (for paired comparisons
/// between runs).
///
/// # Errors
/// The model's errors; an estimate that is not finite.
pub fn log_likelihood(
    trainer: &Trainer<MlpVae>,
    plan: &StudyPlan,
    test: &ImageDataset,
) -> Result<(LogLikelihood, Vec<f64>)> {
    let started = Instant::now();
    Stream::LogLikelihood.seed_libtorch(plan.seed);
    let options = evaluation_options(trainer);
    let chunk = LL_CHUNK.min(plan.ll_samples);
    let values = tch::no_grad(|| -> Result<Vec<f64>> {
        let mut values = Vec::with_capacity(test.len());
        for batch in test.batches(&options)? {
            let per_image =
                trainer
                    .model()
                    .log_likelihood(&batch.images, plan.ll_samples, chunk)?;
            let per_image = per_image.to_kind(Kind::Double).to_device(Device::Cpu);
            values.extend(Vec::<f64>::try_from(per_image)?);
        }
        Ok(values)
    })?;
    let (mean, standard_error) = mean_and_standard_error(&values);
    if !mean.is_finite() {
        bail!("the test log-likelihood is not finite ({mean})");
    }
    let estimate = LogLikelihood {
        mean,
        standard_error,
        images: values.len(),
        samples: plan.ll_samples,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((estimate, values))
}

/// The mean of `values[i] − baseline[i]` and its standard error: the
/// paired difference of two models' log-likelihoods on the same images,
/// much more precise than the difference of two means with their own
/// errors, since the images' spread cancels. `None` if the lengths
/// differ.
pub fn paired_difference(values: &[f64], baseline: &[f64]) -> Option<(f64, f64)> {
    if values.len() != baseline.len() || values.is_empty() {
        return None;
    }
    let differences: Vec<f64> = values.iter().zip(baseline).map(|(v, b)| v - b).collect();
    Some(mean_and_standard_error(&differences))
}

/// The test images in order, in batches of [`LL_BATCH`], each binarized
/// afresh, on the model's device: how both evaluations read them.
fn evaluation_options(trainer: &Trainer<MlpVae>) -> BatchOptions {
    BatchOptions {
        batch_size: LL_BATCH,
        shuffle: false,
        drop_last: false,
        binarization: Binarization::Dynamic,
        pixel_range: PixelRange::ZeroToOne,
        device: trainer.var_store().device(),
    }
}

/// The one-sample test ELBO (analytic KL) of the model, averaged over
/// every test image (no batch dropped), binarized as for the
/// log-likelihood (libtorch seeded for [`Stream::LogLikelihood`]).
///
/// # Errors
/// The model's errors.
pub fn test_elbo(trainer: &Trainer<MlpVae>, plan: &StudyPlan, test: &ImageDataset) -> Result<f64> {
    Stream::LogLikelihood.seed_libtorch(plan.seed);
    let options = evaluation_options(trainer);
    Ok(-mean_negative_elbo(trainer.model(), test, &options)?)
}

/// The mean of `values` and its standard error `s / √n` (`s` with `n − 1`;
/// 0 for a single value, NaN for none).
pub fn mean_and_standard_error(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() == 1 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

/// The last epoch's record (the run has at least one epoch).
///
/// # Errors
/// If the history is empty.
pub fn last_record(trainer: &Trainer<MlpVae>) -> Result<EpochRecord> {
    trainer
        .history()
        .last()
        .cloned()
        .context("the run trained no epoch")
}

#[cfg(test)]
mod tests {
    use super::mean_and_standard_error;

    #[test]
    fn estimator_study_standard_error_is_the_sample_std_over_root_n() {
        // numpy: x = [1, 2, 3, 4]; x.mean(), x.std(ddof=1) / 2 = 2.5, 0.6454972243679028
        let (mean, se) = mean_and_standard_error(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(mean, 2.5);
        assert!((se - 0.645_497_224_367_902_8).abs() < 1e-15);
        assert_eq!(mean_and_standard_error(&[3.0]), (3.0, 0.0));
        assert!(mean_and_standard_error(&[]).0.is_nan());
    }

    #[test]
    fn estimator_study_paired_difference_cancels_the_images_spread() {
        // Two models that differ by exactly 0.5 on every image: the paired
        // error is 0, whatever the spread between images.
        let baseline = [-80.0, -120.0, -95.0];
        let better = [-79.5, -119.5, -94.5];
        assert_eq!(
            super::paired_difference(&better, &baseline),
            Some((0.5, 0.0))
        );
        assert_eq!(super::paired_difference(&better[..2], &baseline), None);
    }
}
