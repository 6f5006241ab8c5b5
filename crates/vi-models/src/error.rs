//! The crate's error type: a model refusing its configuration or its data,
//! with the setting, the expected and the found value.

use tch::TchError;

/// Why a vi-models constructor or method refused its input.
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

    /// A density, KL or ELBO of vi-core refused its input.
    #[error(transparent)]
    Core(#[from] vi_core::Error),

    /// libtorch refused an operation (an optimizer step, a solve).
    #[error(transparent)]
    Torch(#[from] TchError),
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
