//! The data of a run: the training and test splits, cut to `--train-limit`
//! and `--test-limit`, the training set made of them (the split, or its
//! first image repeated), and the test images of the log-likelihood.

use anyhow::{Context, Result, bail};
use vi_data::{Collection, ImageDataset, Split};
use vi_models::presets::TrainSet;

use super::args::TrainingPlan;

/// The two sets a VAE run uses.
#[derive(Debug)]
pub struct Splits {
    /// The training set.
    pub train: ImageDataset,
    /// Test images, for the per-epoch loss, the log-likelihood and the
    /// figures.
    pub test: ImageDataset,
    /// Whether each epoch ends with a test pass (not on a repeated image).
    pub test_each_epoch: bool,
}

impl Splits {
    /// Loads `collection` from the plan's data folder, keeps the first
    /// `--train-limit` / `--test-limit` images of each split, and makes the
    /// plan's training set of the training split.
    ///
    /// # Errors
    /// vi-data's errors (a missing folder says how to download it); a limit
    /// above the split's size.
    pub fn load(plan: &TrainingPlan, collection: Collection) -> Result<Self> {
        let load = |split: Split, limit: Option<usize>, flag: &str| -> Result<ImageDataset> {
            let full = ImageDataset::load(&plan.data_dir, collection, split)
                .with_context(|| format!("cannot load the {} {split} split", collection.name()))?;
            let Some(limit) = limit else {
                return Ok(full);
            };
            if limit > full.len() {
                bail!(
                    "{flag} {limit} is more than the {} images of the {} {split} split",
                    full.len(),
                    collection.name()
                );
            }
            let indices: Vec<i64> = (0..limit as i64).collect();
            Ok(full.subset(&indices)?)
        };
        let train = load(Split::Train, plan.train_limit, "--train-limit")?;
        let test = load(Split::Test, plan.test_limit, "--test-limit")?;
        Ok(match plan.train_set {
            TrainSet::Full => Self {
                train,
                test,
                test_each_epoch: true,
            },
            TrainSet::RepeatedImage { repeats } => Self {
                train: train
                    .repeat(0, repeats)
                    .context("cannot repeat the first training image")?,
                test,
                test_each_epoch: false,
            },
        })
    }

    /// The test images of the log-likelihood estimate when they are fewer
    /// than the test set: its first `count`; `None` for the whole test set.
    ///
    /// # Errors
    /// vi-data's, if the subset cannot be taken.
    pub fn log_likelihood_subset(&self, count: Option<usize>) -> Result<Option<ImageDataset>> {
        let Some(count) = count.filter(|&count| count < self.test.len()) else {
            return Ok(None);
        };
        let indices: Vec<i64> = (0..count as i64).collect();
        let subset = self
            .test
            .subset(&indices)
            .context("cannot take the test images of the log-likelihood estimate")?;
        Ok(Some(subset))
    }

    /// Checks that each set used per epoch fills at least one batch of
    /// `batch_size` when the last, smaller batch is dropped (else an epoch
    /// would train on nothing and report a loss of 0).
    ///
    /// # Errors
    /// Naming the set, its size and the flag to change.
    pub fn check_batches(&self, batch_size: usize, drop_last: bool) -> Result<()> {
        if !drop_last {
            return Ok(());
        }
        let test = self.test_each_epoch.then_some(&self.test);
        for (name, flag, data) in [
            ("training", "--train-limit", Some(&self.train)),
            ("test", "--test-limit", test),
        ] {
            let Some(data) = data else { continue };
            if data.len() < batch_size {
                bail!(
                    "the {name} set has {} images, fewer than one batch of {batch_size} \
                     (the last, incomplete batch is dropped, as in the tutorial); \
                     raise {flag} or lower --batch-size",
                    data.len()
                );
            }
        }
        Ok(())
    }
}
