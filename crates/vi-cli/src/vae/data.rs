//! The data of a run: the training and test splits, cut to `--train-limit`
//! and `--test-limit`, the training set made of them (the split, or its
//! first image repeated), the test images of the log-likelihood, and the
//! identity of what was loaded ([`DataSelection`]: the set, the images
//! used, a SHA-256 of their content), which checkpoints record and a
//! resumed run compares.

use std::fmt::Write;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use vi_data::{Collection, IMAGE_PIXELS, IdxSplit, ImageDataset, Split, read_split};
use vi_models::presets::TrainSet;
use vi_models::{DataSelection, SplitSelection};

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
    /// What was loaded, for the checkpoint.
    pub selection: DataSelection,
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
        let load = |split: Split,
                    limit: Option<usize>,
                    flag: &str|
         -> Result<(ImageDataset, SplitSelection)> {
            let idx = read_split(&collection.dir(&plan.data_dir), collection, split)
                .with_context(|| format!("cannot load the {} {split} split", collection.name()))?;
            let images = match limit {
                Some(limit) if limit > idx.len() => bail!(
                    "{flag} {limit} is more than the {} images of the {} {split} split",
                    idx.len(),
                    collection.name()
                ),
                Some(limit) => limit,
                None => idx.len(),
            };
            let selection = SplitSelection {
                images,
                limit,
                sha256: content_digest(&idx, images),
            };
            let full = ImageDataset::from_idx(&idx);
            drop(idx);
            let data = if images < full.len() {
                let indices: Vec<i64> = (0..images as i64).collect();
                full.subset(&indices)?
            } else {
                full
            };
            Ok((data, selection))
        };
        let (train, train_selection) = load(Split::Train, plan.train_limit, "--train-limit")?;
        let (test, test_selection) = load(Split::Test, plan.test_limit, "--test-limit")?;
        let selection = DataSelection {
            collection: collection.name().to_owned(),
            train: train_selection,
            test: test_selection,
        };
        Ok(match plan.train_set {
            TrainSet::Full => Self {
                train,
                test,
                test_each_epoch: true,
                selection,
            },
            TrainSet::RepeatedImage { repeats } => Self {
                train: train
                    .repeat(0, repeats)
                    .context("cannot repeat the first training image")?,
                test,
                test_each_epoch: false,
                selection,
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

/// SHA-256 (hexadecimal) of the first `images` images' pixels, then their
/// labels, as the IDX files hold them.
fn content_digest(idx: &IdxSplit, images: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(&idx.images().pixels()[..images * IMAGE_PIXELS]);
    hasher.update(&idx.labels().labels()[..images]);
    hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Refuses to resume a run on other data than its checkpoint recorded:
/// another data set, other limits, or other images under the same limits
/// (another `--data-dir`, files replaced).
///
/// # Errors
/// Naming each difference in words, with the flags that select the data.
pub fn check_same_data(recorded: &DataSelection, current: &DataSelection) -> Result<()> {
    let mut differences = Vec::new();
    if recorded.collection != current.collection {
        differences.push(format!(
            "it trained on {}, this run loads {}",
            recorded.collection, current.collection
        ));
    } else {
        for (name, flag, then, now) in [
            ("training", "--train-limit", &recorded.train, &current.train),
            ("test", "--test-limit", &recorded.test, &current.test),
        ] {
            if then.images != now.images || then.limit != now.limit {
                differences.push(format!(
                    "it used {}, this run {}",
                    used(then, name, flag),
                    used(now, name, flag)
                ));
            } else if then.sha256 != now.sha256 {
                differences.push(format!(
                    "its {} {name} images differ from those of this run's data folder \
                     (SHA-256 {} then, {} now)",
                    now.images,
                    &then.sha256[..then.sha256.len().min(12)],
                    &now.sha256[..now.sha256.len().min(12)]
                ));
            }
        }
    }
    if differences.is_empty() {
        return Ok(());
    }
    bail!(
        "the checkpoint's run saw other data: {}; a resumed run must train on the data it \
         started with, so pass the first run's --data-dir, --train-limit and --test-limit \
         (or start afresh with --restart)",
        differences.join("; ")
    )
}

/// `the first 200 training images (--train-limit 200)` or `all 60000
/// training images (no --train-limit)`.
fn used(selection: &SplitSelection, name: &str, flag: &str) -> String {
    match selection.limit {
        Some(limit) => format!(
            "the first {} {name} images ({flag} {limit})",
            selection.images
        ),
        None => format!("all {} {name} images (no {flag})", selection.images),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(train: usize, limit: Option<usize>, digest: &str) -> DataSelection {
        DataSelection {
            collection: "mnist".into(),
            train: SplitSelection {
                images: train,
                limit,
                sha256: digest.repeat(32),
            },
            test: SplitSelection {
                images: 100,
                limit: Some(100),
                sha256: "cd".repeat(32),
            },
        }
    }

    #[test]
    fn other_data_are_named_in_words() {
        let first = selection(200, Some(200), "ab");
        check_same_data(&first, &first).unwrap();

        let message = check_same_data(&first, &selection(60_000, None, "ab"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(
                "it used the first 200 training images (--train-limit 200), \
                 this run all 60000 training images (no --train-limit)"
            ),
            "{message}"
        );
        assert!(message.contains("--restart"), "{message}");

        let message = check_same_data(&first, &selection(200, Some(200), "ef"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("its 200 training images differ"),
            "{message}"
        );
        assert!(
            message.contains("abababababab then, efefefefefef now"),
            "{message}"
        );

        let mut fashion = first.clone();
        fashion.collection = "fashion-mnist".into();
        let message = check_same_data(&first, &fashion).unwrap_err().to_string();
        assert!(
            message.contains("it trained on mnist, this run loads fashion-mnist"),
            "{message}"
        );
    }
}
