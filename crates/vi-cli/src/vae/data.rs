//! The training and test splits of a run, cut to `--train-limit` and
//! `--test-limit`.

use anyhow::{Context, Result, bail};
use vi_data::{Collection, ImageDataset, Split};

use super::args::TrainingPlan;

/// The two splits a VAE run uses.
#[derive(Debug)]
pub struct Splits {
    /// Training images.
    pub train: ImageDataset,
    /// Test images, for the per-epoch loss, the log-likelihood and the
    /// figures.
    pub test: ImageDataset,
}

impl Splits {
    /// Loads `collection` from the plan's data folder and keeps the first
    /// `--train-limit` / `--test-limit` images of each split.
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
        Ok(Self {
            train: load(Split::Train, plan.train_limit, "--train-limit")?,
            test: load(Split::Test, plan.test_limit, "--test-limit")?,
        })
    }

    /// Checks that each split fills at least one batch of `batch_size`
    /// when the last, smaller batch is dropped (else an epoch would train
    /// on nothing and report a loss of 0).
    ///
    /// # Errors
    /// Naming the split, its size and the flag to change.
    pub fn check_batches(&self, batch_size: usize, drop_last: bool) -> Result<()> {
        if !drop_last {
            return Ok(());
        }
        for (name, flag, data) in [
            ("training", "--train-limit", &self.train),
            ("test", "--test-limit", &self.test),
        ] {
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
