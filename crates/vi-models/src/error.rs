//! The crate's error type: bad configurations and inputs, training that
//! diverged, and checkpoints that cannot be used, each with the setting,
//! the expected and the found value a caller needs to act on it.

use std::fmt;
use std::path::PathBuf;

/// Which loop a loss came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A training batch (the loss that is back-propagated).
    Training,
    /// A batch of the per-epoch test evaluation.
    Test,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Training => "training",
            Self::Test => "test",
        })
    }
}

/// Why a vi-models constructor, method or training run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range (epochs or sample counts below
    /// one, a non-positive learning rate or scale, an empty grid).
    #[error("{model}: `{name}` must be {expected}, found {found}")]
    InvalidConfig {
        /// The model or config, e.g. `"BayesianLinearRegression"`.
        model: &'static str,
        /// The setting, e.g. `"epochs"`.
        name: &'static str,
        /// The allowed range in words.
        expected: &'static str,
        /// The value given.
        found: String,
    },

    /// Data passed to a model do not fit it (wrong shape, dtype or length).
    #[error("{model}: `{name}` must be {expected}, found {found}")]
    InvalidData {
        /// The model.
        model: &'static str,
        /// The argument, e.g. `"y"`.
        name: &'static str,
        /// What was expected, e.g. `"a float tensor of shape [N, 1]"`.
        expected: String,
        /// What was found.
        found: String,
    },

    /// A tensor handed to a model has the wrong shape.
    #[error("{context}: `{name}` must have shape {expected}, found {found:?}")]
    InputShape {
        /// The method that refused it, e.g. `"MlpVae::encode"`.
        context: &'static str,
        /// The argument, e.g. `"images"`.
        name: &'static str,
        /// The expected shape in words, e.g. `"[batch, 784]"`.
        expected: String,
        /// The shape found.
        found: Vec<i64>,
    },

    /// Training stopped because a loss was NaN or infinite. The model's
    /// parameters are those before the offending batch, and a checkpoint
    /// written by [`Trainer::fit`](crate::Trainer::fit) still holds the last
    /// complete epoch. `value` is NaN also when the network's outputs were
    /// already non-finite, so that no loss could be formed.
    #[error(
        "non-finite {phase} loss ({value}) in epoch {epoch}, batch {batch}; training stopped \
         (a lower learning rate may help; the last checkpoint holds the last complete epoch)"
    )]
    NonFiniteLoss {
        /// Training or test loop.
        phase: Phase,
        /// The epoch, counted from 1.
        epoch: usize,
        /// The batch within the epoch and phase, counted from 1.
        batch: usize,
        /// The loss value.
        value: f64,
    },

    /// The importance-sampled log-likelihood of a batch of images came out
    /// NaN or infinite: the network's outputs were not finite.
    #[error(
        "non-finite log-likelihood estimate ({value}) for test batch {batch}: the model's \
         outputs are not finite there (a model whose training diverged gives this)"
    )]
    NonFiniteLogLikelihood {
        /// The batch of test images, counted from 1.
        batch: usize,
        /// The batch's summed estimate.
        value: f64,
    },

    /// A checkpoint was written for another model or does not fit this one.
    #[error(
        "checkpoint {path} does not fit: its {what} is {found}, expected {expected}",
        path = .path.display()
    )]
    CheckpointMismatch {
        /// The checkpoint file.
        path: PathBuf,
        /// What differs, e.g. `"architecture"` or `"shape of encoder.0.weight"`.
        what: String,
        /// The value this model needs.
        expected: String,
        /// The value in the checkpoint.
        found: String,
    },

    /// A checkpoint file is not a readable checkpoint (truncated, not
    /// safetensors, or missing its header entries).
    #[error("checkpoint {path} is corrupt: {reason}", path = .path.display())]
    CorruptCheckpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The operating system refused to read a file.
    #[error("cannot {action} {path}: {source}", path = .path.display())]
    Io {
        /// `"read"`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The analytic-KL ELBO was asked of a model whose posterior and prior
    /// have no closed-form KL divergence (the default of
    /// [`Vae::analytic_kl`](crate::Vae::analytic_kl)).
    #[error(
        "{model}: KL(q(z|x) ‖ p(z)) has no closed form for its {posterior} posterior and \
         {prior} prior; train on the Monte Carlo ELBO (ElboEstimator::MonteCarlo) instead"
    )]
    NoClosedFormKl {
        /// The model's type, e.g. `"MlpVae"`.
        model: &'static str,
        /// The posterior's family, e.g. `"Independent"`.
        posterior: &'static str,
        /// The prior's family, e.g. `"MultivariateNormal"`.
        prior: &'static str,
    },

    /// A training objective was asked of a model whose posterior cannot
    /// serve its gradient estimator: STL, IWAE, DReG and Rényi
    /// differentiate through the draws, which a posterior without
    /// `rsample` (Bernoulli latents) does not allow.
    #[error(
        "{model}: the {objective} objective needs a reparameterized posterior, and its \
         {posterior} posterior has none; train it with elbo (score function), score-function \
         or vimco instead"
    )]
    UnsupportedObjective {
        /// The model's type, e.g. `"BinaryVae"`.
        model: &'static str,
        /// The objective's name, e.g. `"dreg"`.
        objective: &'static str,
        /// The posterior's family, e.g. `"Independent"`.
        posterior: &'static str,
    },

    /// A file (a checkpoint) could not be written; the previous one, if
    /// any, is intact and no temporary file is left behind.
    #[error(transparent)]
    Write(#[from] vi_fs::Error),

    /// vi-core refused a distribution parameter or estimator argument.
    #[error(transparent)]
    Core(#[from] vi_core::Error),

    /// vi-data could not batch a data set.
    #[error(transparent)]
    Data(#[from] vi_data::DataError),

    /// libtorch refused an operation.
    #[error(transparent)]
    Torch(#[from] tch::TchError),
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
