//! `vi estimator-study`'s settings: the schedules (the short default this
//! machine affords, Burda et al.'s for a GPU), the runs (one objective
//! each), the log-likelihood and SNR settings, checked into a
//! [`StudyPlan`] before anything runs.

use std::path::PathBuf;

use serde::Serialize;
use vi_models::{Objective, OptimizerConfig};

use crate::bounds::vae::{Footprint, RunSizes, check};
use crate::bounds::{Bytes, Machine};
use crate::output::path_text;
use crate::vae::DeviceChoice;

/// Images of MNIST's training split.
pub const MNIST_TRAIN_IMAGES: usize = 60_000;
/// Images of MNIST's test split.
pub const MNIST_TEST_IMAGES: usize = 10_000;

/// `--epochs` of the short schedule: two passes over all 60,000 images,
/// measured to fit the default run in about 20 minutes on two busy CPU
/// cores with one thread (README, "Estimator study").
pub const DEFAULT_EPOCHS: usize = 2;
/// `--test-images` of the short schedule: the log-likelihood's share of
/// the same budget.
pub const DEFAULT_TEST_IMAGES: usize = 200;
/// `--ll-samples`: Burda et al.'s `k = 5000`.
pub const DEFAULT_LL_SAMPLES: i64 = 5000;
/// `--snr-repeats`.
pub const DEFAULT_SNR_REPEATS: usize = 100;
/// `--snr-images`: one of the paper's batches.
pub const DEFAULT_SNR_IMAGES: usize = 20;
/// `--batch-size`: Burda et al.'s.
pub const DEFAULT_BATCH_SIZE: usize = 20;
/// `--ks`: Burda et al.'s Table 1.
pub const DEFAULT_KS: [usize; 3] = [1, 5, 50];
/// Importance samples decoded at once in the log-likelihood estimate.
pub const LL_CHUNK: i64 = 500;
/// Test images per batch of the log-likelihood estimate (a chunk holds
/// `LL_BATCH · LL_CHUNK · 784` floats).
pub const LL_BATCH: usize = 10;

/// Burda et al.'s Adam: `β = (0.9, 0.999)`, `ε = 1e-4`.
pub const ADAM_BETA1: f64 = 0.9;
/// See [`ADAM_BETA1`].
pub const ADAM_BETA2: f64 = 0.999;
/// See [`ADAM_BETA1`].
pub const ADAM_EPS: f64 = 1e-4;
/// The first learning rate of Burda et al.'s schedule, the short
/// schedule's only one.
pub const FIRST_LEARNING_RATE: f64 = 1e-3;
/// Stages `i = 0..PAPER_STAGES` of Burda et al.'s schedule.
pub const PAPER_STAGES: u32 = 8;

/// The training schedule (`--schedule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// `--epochs` passes over the first `--train-limit` images at Burda et
    /// al.'s first learning rate (1e-3): what fits the default budget.
    Short,
    /// Burda et al. 2015, section 5: `3^i` passes at learning rate
    /// `0.001 · 10^(−i/7)` for `i = 0..7`, 3,280 passes over all 60,000
    /// images, the whole test set; meant for a GPU (days on a CPU).
    Paper,
}

/// `3^i` passes over the training set at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stage {
    /// Passes (epochs) of the stage.
    pub epochs: usize,
    /// Adam's step size during the stage.
    pub learning_rate: f64,
}

/// Burda et al.'s schedule: stage `i` has `3^i` epochs at
/// `0.001 · 10^(−i/7)`, `i = 0..7` (3,280 epochs in all).
pub fn paper_stages() -> Vec<Stage> {
    (0..PAPER_STAGES)
        .map(|i| Stage {
            epochs: 3usize.pow(i),
            learning_rate: FIRST_LEARNING_RATE * 10f64.powf(-f64::from(i) / 7.0),
        })
        .collect()
}

/// The study's validated settings.
#[derive(Debug, Clone, Serialize)]
pub struct StudyPlan {
    /// Output folder.
    #[serde(serialize_with = "path_text")]
    pub out: PathBuf,
    /// Folder holding `mnist/`.
    #[serde(serialize_with = "path_text")]
    pub data_dir: PathBuf,
    /// `--device`.
    #[serde(skip)]
    pub device: DeviceChoice,
    /// `--threads`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<i32>,
    /// Seed of every run (the same for all).
    pub seed: u64,
    /// The schedule's name.
    pub schedule: Schedule,
    /// Its stages, in order.
    pub stages: Vec<Stage>,
    /// Images per batch.
    pub batch_size: usize,
    /// Training images (the first ones of the split).
    pub train_images: usize,
    /// Test images of the log-likelihood (the first ones of the split).
    pub test_images: usize,
    /// Importance samples per test image.
    pub ll_samples: i64,
    /// The `k` of the study.
    pub ks: Vec<usize>,
    /// Repeated gradient estimates of the SNR.
    pub snr_repeats: usize,
    /// Training images in the SNR's fixed batch.
    pub snr_images: usize,
}

impl StudyPlan {
    /// Epochs of the whole schedule.
    pub fn epochs(&self) -> usize {
        self.stages.iter().map(|stage| stage.epochs).sum()
    }

    /// Gradient steps of each run (the last, smaller batch of an epoch is
    /// dropped).
    pub fn gradient_steps(&self) -> usize {
        self.epochs() * (self.train_images / self.batch_size)
    }

    /// The training runs, one objective each, in the table's order: the
    /// ELBO averaged over `k` samples (Burda et al.'s "VAE" column) at
    /// every `k`, IWAE and DReG at every `k > 1` (at `k = 1` both are the
    /// ELBO), and STL with one sample.
    pub fn runs(&self) -> Vec<Objective> {
        let mut runs: Vec<Objective> = self
            .ks
            .iter()
            .map(|&samples| Objective::Elbo { samples })
            .collect();
        let larger = || self.ks.iter().copied().filter(|&k| k > 1);
        runs.extend(larger().map(|k| Objective::Iwae { k }));
        runs.extend(larger().map(|k| Objective::Dreg { k }));
        runs.push(Objective::Stl { samples: 1 });
        runs
    }

    /// The estimators whose gradient SNR is measured, at every `k`: the
    /// ELBO, IWAE (at `k = 1` the ELBO with a sampled KL) and DReG (at
    /// `k = 1` the STL gradient).
    pub fn snr_objectives(&self) -> Vec<Objective> {
        let mut objectives = Vec::new();
        for &k in &self.ks {
            objectives.push(Objective::Elbo { samples: k });
            objectives.push(Objective::Iwae { k });
            objectives.push(Objective::Dreg { k });
        }
        objectives
    }
}

/// The raw flags that shape the plan (the rest pass through).
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// `--schedule`.
    pub schedule: Option<Schedule>,
    /// `--epochs`.
    pub epochs: Option<usize>,
    /// `--train-limit`.
    pub train_limit: Option<usize>,
    /// `--test-images`.
    pub test_images: Option<usize>,
    /// `--ll-samples`.
    pub ll_samples: Option<i64>,
    /// `--ks`.
    pub ks: Option<Vec<usize>>,
    /// `--snr-repeats`.
    pub snr_repeats: Option<usize>,
    /// `--snr-images`.
    pub snr_images: Option<usize>,
    /// `--batch-size`.
    pub batch_size: Option<usize>,
}

/// Where the plan's files and devices are (passed through unchecked).
#[derive(Debug, Clone)]
pub struct Place {
    /// `--out`.
    pub out: PathBuf,
    /// `--data-dir`.
    pub data_dir: PathBuf,
    /// `--device`.
    pub device: DeviceChoice,
    /// `--threads`.
    pub threads: Option<i32>,
    /// `--seed`.
    pub seed: u64,
}

/// Turns the flags into a plan.
///
/// # Errors
/// A usage message naming the flag and what to do: `--epochs` or
/// `--train-limit` with `--schedule paper`, limits above MNIST's splits, a
/// batch larger than the training images, `--ks` without 1 or with a value
/// twice.
pub fn plan(choices: Choices, place: Place) -> Result<StudyPlan, String> {
    let schedule = choices.schedule.unwrap_or(Schedule::Short);
    let paper = schedule == Schedule::Paper;
    if paper {
        for (given, flag) in [
            (choices.epochs.is_some(), "--epochs"),
            (choices.train_limit.is_some(), "--train-limit"),
            (choices.test_images.is_some(), "--test-images"),
        ] {
            if given {
                return Err(format!(
                    "{flag} does not go with --schedule paper, which is Burda et al.'s 3,280 \
                     epochs over all 60,000 training images evaluated on all 10,000 test \
                     images; leave out {flag}, or use --schedule short"
                ));
            }
        }
    }
    let stages = if paper {
        paper_stages()
    } else {
        vec![Stage {
            epochs: choices.epochs.unwrap_or(DEFAULT_EPOCHS),
            learning_rate: FIRST_LEARNING_RATE,
        }]
    };
    let (train_default, test_default) = if paper {
        (MNIST_TRAIN_IMAGES, MNIST_TEST_IMAGES)
    } else {
        (MNIST_TRAIN_IMAGES, DEFAULT_TEST_IMAGES)
    };
    let train_images = choices.train_limit.unwrap_or(train_default);
    let test_images = choices.test_images.unwrap_or(test_default);
    for (flag, value, limit, split) in [
        (
            "--train-limit",
            train_images,
            MNIST_TRAIN_IMAGES,
            "training",
        ),
        ("--test-images", test_images, MNIST_TEST_IMAGES, "test"),
    ] {
        if value > limit {
            return Err(format!(
                "{flag} {value} is more than the {limit} images of MNIST's {split} split; \
                 give at most {limit}"
            ));
        }
    }
    let batch_size = choices.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    if batch_size > train_images {
        return Err(format!(
            "--batch-size {batch_size} is more than the {train_images} training images \
             (--train-limit), so an epoch would have no batch; lower --batch-size or raise \
             --train-limit"
        ));
    }
    let snr_images = choices.snr_images.unwrap_or(DEFAULT_SNR_IMAGES);
    if snr_images > train_images {
        return Err(format!(
            "--snr-images {snr_images} is more than the {train_images} training images \
             (--train-limit); lower --snr-images or raise --train-limit"
        ));
    }
    let ks = choices.ks.unwrap_or_else(|| DEFAULT_KS.to_vec());
    if !ks.contains(&1) {
        return Err(
            "--ks must include 1: the one-sample ELBO (the VAE) is what the other runs are \
             compared with, and the SNR is measured at its parameters; add 1, as in --ks 1,5,50"
                .to_owned(),
        );
    }
    for (index, k) in ks.iter().enumerate() {
        if ks[..index].contains(k) {
            return Err(format!("--ks lists {k} twice; give each k once"));
        }
    }
    let mut ks = ks;
    ks.sort_unstable();
    let largest_k = ks.last().copied().unwrap_or(1);
    check_memory(batch_size, largest_k, &Machine::get())?;
    Ok(StudyPlan {
        out: place.out,
        data_dir: place.data_dir,
        device: place.device,
        threads: place.threads,
        seed: place.seed,
        schedule,
        stages,
        batch_size,
        train_images,
        test_images,
        ll_samples: choices.ll_samples.unwrap_or(DEFAULT_LL_SAMPLES),
        ks,
        snr_repeats: choices.snr_repeats.unwrap_or(DEFAULT_SNR_REPEATS),
        snr_images,
    })
}

/// Checks that a training step at the largest `k` fits the machine's
/// memory, with vi's estimate for Burda et al.'s model (`bounds::vae`,
/// counting each of the `batch_size · k` draws as an image: the decoder runs
/// once per draw), and the log-likelihood's chunks.
///
/// # Errors
/// A usage message naming `--batch-size` and `--ks`, the estimate and the
/// memory.
fn check_memory(batch_size: usize, largest_k: usize, machine: &Machine) -> Result<(), String> {
    let rows = (batch_size as u64).saturating_mul(largest_k as u64);
    let sizes = RunSizes {
        footprint: Footprint::dense(784, &[200, 200], 50, 2),
        batch_size: rows,
        optimizer: OptimizerConfig::adam(FIRST_LEARNING_RATE),
        train_images: rows,
        repeats: None,
        sampling: Some((LL_CHUNK as u64, LL_CHUNK as u64)),
        log_likelihood_images: LL_BATCH as u64,
    };
    check(&sizes, machine).map_err(|over| {
        format!(
            "--batch-size {batch_size} with --ks up to {largest_k}: a training step on \
             {batch_size} images × {largest_k} draws would need about {}, more than the {}; \
             lower --batch-size or the largest k",
            Bytes(over.needed),
            machine.memory_text()
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use vi_models::Objective;

    use super::{Choices, Place, Schedule, plan};
    use crate::vae::DeviceChoice;

    fn place() -> Place {
        Place {
            out: PathBuf::from("results/estimator-study"),
            data_dir: PathBuf::from("data"),
            device: DeviceChoice::Cpu,
            threads: None,
            seed: 0,
        }
    }

    #[test]
    fn estimator_study_defaults_are_the_short_schedule() {
        let plan = plan(Choices::default(), place()).expect("the defaults are valid");
        assert_eq!(plan.schedule, Schedule::Short);
        assert_eq!(plan.epochs(), super::DEFAULT_EPOCHS);
        assert_eq!(plan.stages[0].learning_rate, 1e-3);
        assert_eq!(plan.train_images, 60_000);
        assert_eq!(plan.test_images, super::DEFAULT_TEST_IMAGES);
        assert_eq!(plan.ll_samples, 5000);
        assert_eq!(plan.batch_size, 20);
        assert_eq!(plan.gradient_steps(), super::DEFAULT_EPOCHS * 3000);
        assert_eq!(
            plan.runs(),
            vec![
                Objective::Elbo { samples: 1 },
                Objective::Elbo { samples: 5 },
                Objective::Elbo { samples: 50 },
                Objective::Iwae { k: 5 },
                Objective::Iwae { k: 50 },
                Objective::Dreg { k: 5 },
                Objective::Dreg { k: 50 },
                Objective::Stl { samples: 1 },
            ]
        );
        assert_eq!(plan.snr_objectives().len(), 9);
    }

    /// Burda et al. 2015, section 5: 3^i passes at 0.001 · 10^(−i/7),
    /// i = 0..7, 3,280 passes; batches of 20, the whole data set.
    #[test]
    fn estimator_study_paper_schedule_is_burda_et_al() {
        let choices = Choices {
            schedule: Some(Schedule::Paper),
            ..Choices::default()
        };
        let plan = plan(choices, place()).expect("valid");
        assert_eq!(plan.epochs(), 3280);
        let epochs: Vec<usize> = plan.stages.iter().map(|s| s.epochs).collect();
        assert_eq!(epochs, [1, 3, 9, 27, 81, 243, 729, 2187]);
        assert!((plan.stages[0].learning_rate - 1e-3).abs() < 1e-15);
        assert!((plan.stages[7].learning_rate - 1e-4).abs() < 1e-15);
        // 10^(−1/7) = 0.719685673...
        assert!((plan.stages[1].learning_rate - 7.196_856_730_011_52e-4).abs() < 1e-15);
        assert_eq!(plan.train_images, 60_000);
        assert_eq!(plan.test_images, 10_000);
        assert_eq!(plan.batch_size, 20);
        assert_eq!(plan.gradient_steps(), 3280 * 3000);
    }

    #[test]
    fn estimator_study_refuses_flags_that_do_not_fit() {
        let refused = |choices: Choices, expected: &[&str]| {
            let message = plan(choices, place()).expect_err("refused");
            for expected in expected {
                assert!(
                    message.contains(expected),
                    "{expected:?} missing: {message}"
                );
            }
        };
        refused(
            Choices {
                schedule: Some(Schedule::Paper),
                epochs: Some(3),
                ..Choices::default()
            },
            &["--epochs", "--schedule paper", "leave out --epochs"],
        );
        refused(
            Choices {
                train_limit: Some(70_000),
                ..Choices::default()
            },
            &["--train-limit 70000", "60000"],
        );
        refused(
            Choices {
                test_images: Some(10_001),
                ..Choices::default()
            },
            &["--test-images 10001", "10000"],
        );
        refused(
            Choices {
                ks: Some(vec![5, 50]),
                ..Choices::default()
            },
            &["--ks must include 1"],
        );
        refused(
            Choices {
                ks: Some(vec![1, 5, 5]),
                ..Choices::default()
            },
            &["--ks lists 5 twice"],
        );
        refused(
            Choices {
                train_limit: Some(10),
                ..Choices::default()
            },
            &["--batch-size 20", "--train-limit"],
        );
        refused(
            Choices {
                ks: Some(vec![1, 1 << 40]),
                ..Choices::default()
            },
            &[
                "--batch-size 20 with --ks up to 1099511627776",
                "lower --batch-size or the largest k",
            ],
        );
    }

    #[test]
    fn estimator_study_sorts_the_ks() {
        let choices = Choices {
            ks: Some(vec![5, 1]),
            ..Choices::default()
        };
        let plan = plan(choices, place()).expect("valid");
        assert_eq!(plan.ks, [1, 5]);
        assert_eq!(plan.runs().len(), 5);
    }
}
