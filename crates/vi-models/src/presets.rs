//! The tutorials' VAE experiments as the tutorials run them, stated once:
//! the model, the training settings, the data, the final log-likelihood
//! estimate, and the step of the optimizer a tutorial does not use. `vi`'s
//! flags default to these and its `--help` shows them; the model files know
//! nothing of them.
//!
//! | preset | tutorial | model | training |
//! |---|---|---|---|
//! | [`gaussian_conv_vae`] | 2 | [`GaussianConvVae`](crate::GaussianConvVae), `L = 32` | one image × 25,600, batches of 256, SGD 1e-4, 10 epochs |
//! | [`mlp_vae`] | 3 | [`MlpVae`](crate::MlpVae), 784-256-128-2 | dynamic binarization, batches of 100, SGD 5e-3, 20 epochs |
//! | [`binary_vae`] | — (Mnih & Rezende 2016) | [`BinaryVae`](crate::BinaryVae), 784-200-200 → 50 binary → 200-200-784, tanh | dynamic binarization, batches of 100, Adam 1e-3, VIMCO with k = 5, 10 epochs |
//! | [`bernoulli_conv_vae`] | 4 | [`BernoulliConvVae`](crate::BernoulliConvVae), `L = 10` | static binarization, batches of 32, Adam 1e-4 (ε = 1e-7), 10 epochs |
//!
//! Tutorial 1 and the first half of tutorial 2 have one model
//! configuration each and no shared training machinery: their presets are
//! those configurations' `Default`s ([`LinearRegressionConfig`](crate::LinearRegressionConfig),
//! [`BayesianLinearRegressionConfig`](crate::BayesianLinearRegressionConfig),
//! [`ExponentialPosteriorConfig`](crate::ExponentialPosteriorConfig),
//! [`ExponentialVariationalConfig`](crate::ExponentialVariationalConfig), and
//! vi-data's for their data), which `vi`'s flags default to as well.

use serde::{Deserialize, Serialize};
use vi_data::{Binarization, Collection, PixelRange};

use crate::train::{ImportanceSampling, OptimizerConfig, TrainConfig};
use crate::vae::{
    BernoulliConvVaeConfig, BinaryVaeConfig, GaussianConvVaeConfig, MlpVaeConfig, Objective,
};

/// A tutorial's VAE experiment: what to build, what to train it on and how,
/// and what to estimate at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct VaePreset<C> {
    /// The model's configuration.
    pub model: C,
    /// The training settings (seed 0).
    pub training: TrainConfig,
    /// The update rule the tutorial does not use, with the step it gets
    /// when chosen instead (torch's default `1e-3` for Adam, tutorial 3's
    /// `5e-3` for SGD).
    pub other_optimizer: OptimizerConfig,
    /// The data set.
    pub collection: Collection,
    /// What of its training split the model trains on.
    pub train_set: TrainSet,
    /// The importance-sampled test log-likelihood after training.
    pub log_likelihood: LogLikelihoodPreset,
}

/// What a VAE trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrainSet {
    /// The first training image, `repeats` times per epoch (tutorial 2's
    /// `Subset(dataset, [0] * 256 * 100)`, via
    /// `vi_data::ImageDataset::repeat`); no test pass per epoch.
    RepeatedImage {
        /// Copies of the image per epoch.
        repeats: usize,
    },
    /// The training split, with a test pass after every epoch.
    Full,
}

/// The importance-sampled test log-likelihood a tutorial reports (Burda et
/// al. 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLikelihoodPreset {
    /// Importance samples `K` per test image; 0 for no estimate.
    pub num_samples: i64,
    /// Samples decoded at once (bounds the memory).
    pub chunk_size: i64,
    /// The estimate averages over the first `n` test images; `None`: all.
    pub num_images: Option<usize>,
}

impl LogLikelihoodPreset {
    /// The sampling of the estimate, `None` when there is none.
    pub fn sampling(&self) -> Option<ImportanceSampling> {
        (self.num_samples > 0).then_some(ImportanceSampling {
            num_samples: self.num_samples,
            chunk_size: self.chunk_size,
        })
    }
}

/// Tutorial 2's copies of its one training image per epoch: 256 × 100.
pub const TUTORIAL_2_REPEATS: usize = 256 * 100;

/// Tutorial 2, second half: the convolutional VAE with a Gaussian decoder
/// ([`GaussianConvVaeConfig::default`]: `L = 32`, Monte Carlo ELBO) on the
/// first MNIST training image repeated [`TUTORIAL_2_REPEATS`] times,
/// grey levels scaled to `[-1, 1]` (`Normalize(0.5, 0.5)`), batches of 256
/// shuffled with the last partial one kept (`DataLoader`'s default),
/// `torch.optim.SGD` with `lr = 1e-4`, 10 epochs. The tutorial reports no
/// log-likelihood.
pub fn gaussian_conv_vae() -> VaePreset<GaussianConvVaeConfig> {
    VaePreset {
        model: GaussianConvVaeConfig::default(),
        training: TrainConfig {
            epochs: 10,
            batch_size: 256,
            drop_last: false,
            binarization: Binarization::None,
            pixel_range: PixelRange::MinusOneToOne,
            optimizer: OptimizerConfig::sgd(1e-4),
            seed: 0,
            objective: Objective::default(),
        },
        other_optimizer: OptimizerConfig::adam(1e-3),
        collection: Collection::Mnist,
        train_set: TrainSet::RepeatedImage {
            repeats: TUTORIAL_2_REPEATS,
        },
        log_likelihood: LogLikelihoodPreset {
            num_samples: 0,
            chunk_size: 100,
            num_images: None,
        },
    }
}

/// Tutorial 3: the MLP VAE ([`MlpVaeConfig::default`]: 784-256-128-2) on
/// MNIST, each batch binarized afresh (`torch.bernoulli`), batches of 100
/// with the last, incomplete one dropped, plain gradient descent with step
/// `5e-3` as the tutorial's loop writes it, 20 epochs; the test
/// log-likelihood with 1000 importance samples per image over the whole
/// test set.
pub fn mlp_vae() -> VaePreset<MlpVaeConfig> {
    VaePreset {
        model: MlpVaeConfig::default(),
        training: TrainConfig {
            epochs: 20,
            batch_size: 100,
            drop_last: true,
            binarization: Binarization::Dynamic,
            pixel_range: PixelRange::ZeroToOne,
            optimizer: OptimizerConfig::sgd(5e-3),
            seed: 0,
            objective: Objective::default(),
        },
        other_optimizer: OptimizerConfig::adam(1e-3),
        collection: Collection::Mnist,
        train_set: TrainSet::Full,
        log_likelihood: LogLikelihoodPreset {
            num_samples: 1000,
            chunk_size: 100,
            num_images: None,
        },
    }
}

/// Tutorial 4: TensorFlow's convolutional VAE with a Bernoulli decoder
/// ([`BernoulliConvVaeConfig::default`]: `L = 10`, Monte Carlo ELBO) on
/// MNIST binarized once (`pixel > 0.5`), as TensorFlow's CVAE tutorial that
/// its code comes from trains it: batches of 32 shuffled each epoch with the
/// last partial one kept, Adam with `lr = 1e-4` and Keras's `ε = 1e-7` (in
/// torch's form of the update), 10 epochs. The log-likelihood uses 100
/// importance samples over the first 1,000 test images: every sample runs
/// the convolutional decoder (9.5 MFLOP), so k = 1000 over all 10,000
/// would take a hundred times as long (about 15 minutes on 2 cores, where
/// the decoder's 95 TFLOP alone take 8 at the matrix-product rate).
pub fn bernoulli_conv_vae() -> VaePreset<BernoulliConvVaeConfig> {
    VaePreset {
        model: BernoulliConvVaeConfig::default(),
        training: TrainConfig {
            epochs: 10,
            batch_size: 32,
            drop_last: false,
            binarization: Binarization::Static,
            pixel_range: PixelRange::ZeroToOne,
            optimizer: OptimizerConfig::Adam {
                learning_rate: 1e-4,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-7,
            },
            seed: 0,
            objective: Objective::default(),
        },
        other_optimizer: OptimizerConfig::sgd(5e-3),
        collection: Collection::Mnist,
        train_set: TrainSet::Full,
        log_likelihood: LogLikelihoodPreset {
            num_samples: 100,
            chunk_size: 100,
            num_images: Some(1000),
        },
    }
}

/// The binary-latent VAE ([`BinaryVaeConfig::default`]: 784-200-200 → 50
/// Bernoulli latents → 200-200-784, tanh) on MNIST binarized afresh every
/// batch, as tutorial 3's data: batches of 100 with the last partial one
/// dropped, Adam with `lr = 1e-3`, 10 epochs, trained by VIMCO with `k = 5`
/// (Mnih & Rezende 2016; their experiments use larger `k` and many more
/// epochs); the test log-likelihood with 1000 importance samples over the
/// first 1,000 test images.
pub fn binary_vae() -> VaePreset<BinaryVaeConfig> {
    VaePreset {
        model: BinaryVaeConfig::default(),
        training: TrainConfig {
            epochs: 10,
            batch_size: 100,
            drop_last: true,
            binarization: Binarization::Dynamic,
            pixel_range: PixelRange::ZeroToOne,
            optimizer: OptimizerConfig::adam(1e-3),
            seed: 0,
            objective: Objective::Vimco { k: 5 },
        },
        other_optimizer: OptimizerConfig::sgd(5e-3),
        collection: Collection::Mnist,
        train_set: TrainSet::Full,
        log_likelihood: LogLikelihoodPreset {
            num_samples: 1000,
            chunk_size: 100,
            num_images: Some(1000),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_optimizer_is_of_the_other_kind() {
        for (training, other) in [
            (mlp_vae().training.optimizer, mlp_vae().other_optimizer),
            (
                gaussian_conv_vae().training.optimizer,
                gaussian_conv_vae().other_optimizer,
            ),
            (
                bernoulli_conv_vae().training.optimizer,
                bernoulli_conv_vae().other_optimizer,
            ),
            (
                binary_vae().training.optimizer,
                binary_vae().other_optimizer,
            ),
        ] {
            assert_ne!(
                std::mem::discriminant(&training),
                std::mem::discriminant(&other)
            );
        }
    }
}
