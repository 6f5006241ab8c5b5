//! Training settings: the optimizer, the batches and the seed (each
//! tutorial's values are in `presets`).

use serde::{Deserialize, Serialize};
use tch::Device;
use vi_data::{BatchOptions, Binarization, PixelRange};

use crate::error::{Error, Result};
use crate::vae::Objective;

/// The update rule and its hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizerConfig {
    /// Plain gradient descent `θ ← θ − η ∇θ`, written as tutorial 3's loop
    /// does by hand (`param -= learning_rate * param.grad`). Stateless.
    Sgd {
        /// Step size `η` (tutorial 3: `5e-3`).
        learning_rate: f64,
    },
    /// Adam (Kingma & Ba 2015), the update of `torch.optim.Adam` without
    /// weight decay: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
    /// `θ ← θ − η (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`. Its moments and step
    /// count are saved in checkpoints, so a resumed run continues exactly.
    Adam {
        /// Step size `η`.
        learning_rate: f64,
        /// Decay `β₁` of the first moment (torch: `0.9`).
        beta1: f64,
        /// Decay `β₂` of the second moment (torch: `0.999`).
        beta2: f64,
        /// `ε` added to the denominator (torch: `1e-8`).
        eps: f64,
    },
}

impl OptimizerConfig {
    /// Plain gradient descent with step size `learning_rate`.
    pub fn sgd(learning_rate: f64) -> Self {
        Self::Sgd { learning_rate }
    }

    /// Adam with torch's defaults `β = (0.9, 0.999)`, `ε = 1e-8`.
    pub fn adam(learning_rate: f64) -> Self {
        Self::Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// The step size `η`.
    pub fn learning_rate(&self) -> f64 {
        match *self {
            Self::Sgd { learning_rate } | Self::Adam { learning_rate, .. } => learning_rate,
        }
    }

    /// The same rule with step size `learning_rate` (Adam keeps its `β`
    /// and `ε`).
    pub fn with_learning_rate(self, learning_rate: f64) -> Self {
        match self {
            Self::Sgd { .. } => Self::Sgd { learning_rate },
            Self::Adam {
                beta1, beta2, eps, ..
            } => Self::Adam {
                learning_rate,
                beta1,
                beta2,
                eps,
            },
        }
    }

    fn validate(&self) -> Result<()> {
        let lr = self.learning_rate();
        if !(lr.is_finite() && lr > 0.0) {
            return Err(invalid("learning_rate", "positive and finite", lr));
        }
        if let Self::Adam {
            beta1, beta2, eps, ..
        } = *self
        {
            for (name, beta) in [("beta1", beta1), ("beta2", beta2)] {
                if !(0.0..1.0).contains(&beta) {
                    return Err(invalid(name, "in [0, 1)", beta));
                }
            }
            if !(eps.is_finite() && eps > 0.0) {
                return Err(invalid("eps", "positive and finite", eps));
            }
        }
        Ok(())
    }
}

/// How a model is trained: [`Trainer`](crate::Trainer)'s settings, stored in
/// every checkpoint. Each tutorial's are in [`presets`](crate::presets)
/// (tutorial 3's: `presets::mlp_vae().training`).
///
/// Randomness: every draw (initialization, shuffling, binarization,
/// reparameterization noise) comes from libtorch's global generator, which
/// the trainer seeds with `seed` before building the model and for
/// [`Stream::Epoch`](crate::Stream::Epoch)`(e)` at the start of epoch `e`,
/// so that a run resumed from a checkpoint draws what the uninterrupted run
/// draws. With one CPU thread the same seed gives the same history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Number of epochs of a complete run.
    pub epochs: usize,
    /// Images per batch, for training and for the test evaluation.
    pub batch_size: usize,
    /// Leave out the last, smaller batch of each epoch.
    pub drop_last: bool,
    /// Binarization of each batch.
    #[serde(with = "BinarizationDef")]
    pub binarization: Binarization,
    /// Pixel range of the batches.
    #[serde(with = "PixelRangeDef")]
    pub pixel_range: PixelRange,
    /// The update rule.
    pub optimizer: OptimizerConfig,
    /// Seed of every random draw.
    pub seed: u64,
    /// What the training steps maximize, and by which gradient estimator;
    /// a checkpoint written before the field existed holds the tutorials'
    /// one-sample ELBO, [`Objective::default`].
    #[serde(default)]
    pub objective: Objective,
}

impl TrainConfig {
    /// Checks the ranges: a batch size of at least 1, a positive finite
    /// learning rate, Adam's `β` in `[0, 1)` and `ε > 0`, and the
    /// objective's counts ([`Objective::validate`]).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(invalid("batch_size", "at least 1", 0));
        }
        self.optimizer.validate()?;
        self.objective.validate()
    }

    /// The loader of the training loop and of the per-epoch test
    /// evaluation, both as tutorial 3's `DataLoader(shuffle=True,
    /// drop_last=True)` followed by `torch.bernoulli`: shuffled, on `device`.
    pub fn batch_options(&self, device: Device) -> BatchOptions {
        BatchOptions {
            batch_size: self.batch_size,
            shuffle: true,
            drop_last: self.drop_last,
            binarization: self.binarization,
            pixel_range: self.pixel_range,
            device,
        }
    }
}

fn invalid(name: &'static str, expected: &'static str, found: impl ToString) -> Error {
    Error::InvalidConfig {
        model: "TrainConfig",
        name,
        expected,
        found: found.to_string(),
    }
}

/// Serde mirror of [`Binarization`] (vi-data does not depend on serde).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Binarization", rename_all = "snake_case")]
enum BinarizationDef {
    None,
    Dynamic,
    Static,
}

/// Serde mirror of [`PixelRange`].
#[derive(Serialize, Deserialize)]
#[serde(remote = "PixelRange", rename_all = "snake_case")]
enum PixelRangeDef {
    ZeroToOne,
    MinusOneToOne,
}
