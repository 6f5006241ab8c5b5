//! The crate's error type: every way a constructor, sampler or estimator can
//! refuse its input, with the values a caller needs to fix it.

use tch::{Device, Kind, TchError};

/// Why a vi-core operation refused its input.
///
/// Constructors validate their parameters and return these errors at once,
/// so an invalid distribution never exists and cannot produce a NaN later.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter broke its constraint (for example a negative `scale`, or
    /// `probs` outside `[0, 1]`).
    #[error("{family}: parameter `{parameter}` must be {constraint}, found {found}")]
    InvalidParameter {
        /// Distribution family, e.g. `"Normal"`.
        family: &'static str,
        /// Parameter name, e.g. `"scale"`.
        parameter: &'static str,
        /// The constraint in words, e.g. `"positive"`.
        constraint: &'static str,
        /// The offending value or a summary of it.
        found: String,
    },

    /// Two tensors whose shapes had to broadcast (or match) do not.
    #[error(
        "{context}: shape of `{left}` {left_shape:?} and of `{right}` {right_shape:?} are incompatible"
    )]
    ShapeMismatch {
        /// Where the mismatch happened, e.g. `"Normal"` or `"kl_divergence"`.
        context: &'static str,
        /// Name of the first tensor.
        left: &'static str,
        /// Shape of the first tensor.
        left_shape: Vec<i64>,
        /// Name of the second tensor.
        right: &'static str,
        /// Shape of the second tensor.
        right_shape: Vec<i64>,
    },

    /// A value passed to `log_prob` does not fit the distribution's shapes.
    #[error(
        "{family}: value of shape {found:?} must end with the event shape {event_shape:?} \
         and broadcast with batch shape {batch_shape:?}"
    )]
    ValueShape {
        /// Distribution family.
        family: &'static str,
        /// The distribution's batch shape.
        batch_shape: Vec<i64>,
        /// The distribution's event shape.
        event_shape: Vec<i64>,
        /// The shape of the value that was passed.
        found: Vec<i64>,
    },

    /// A tensor has an element type the operation cannot use.
    #[error("{context}: `{name}` must be {expected}, found {found:?}")]
    Dtype {
        /// Where it happened.
        context: &'static str,
        /// Name of the tensor.
        name: &'static str,
        /// What was expected, e.g. `"a floating-point tensor"`.
        expected: &'static str,
        /// The element type found.
        found: Kind,
    },

    /// Tensors that must live together are on different devices.
    #[error("{context}: `{name}` is on {found:?} but the distribution is on {expected:?}")]
    DeviceMismatch {
        /// Where it happened.
        context: &'static str,
        /// Name of the tensor.
        name: &'static str,
        /// The distribution's device.
        expected: Device,
        /// The tensor's device.
        found: Device,
    },

    /// A KL divergence between these two distributions cannot be computed
    /// (for example `Independent` wrappers with different numbers of
    /// reinterpreted dimensions, or event shapes that differ).
    #[error("KL divergence between {p} and {q}: {reason}")]
    KlUnsupported {
        /// Family of the first argument.
        p: String,
        /// Family of the second argument.
        q: String,
        /// What does not fit.
        reason: String,
    },

    /// A plain argument is out of its range (e.g. `num_samples = 0`).
    #[error("{context}: argument `{name}` must be {expected}, found {found}")]
    InvalidArgument {
        /// Function that refused it.
        context: &'static str,
        /// Argument name.
        name: &'static str,
        /// The allowed range in words.
        expected: &'static str,
        /// The value passed.
        found: String,
    },

    /// A log-likelihood closure returned a tensor of the wrong shape.
    #[error(
        "{context}: the log-likelihood must have shape {expected:?} (samples, batch), found {found:?}"
    )]
    LikelihoodShape {
        /// Estimator that called the closure.
        context: &'static str,
        /// `[num_samples] + batch_shape`.
        expected: Vec<i64>,
        /// What the closure returned.
        found: Vec<i64>,
    },

    /// The family does not have this method, as torch's raises
    /// `NotImplementedError` (for example the `cdf` of a
    /// `MultivariateNormal`, or the `mean` of a transformed distribution
    /// with no closed form).
    #[error("{family}: `{method}` is not available{}", if reason.is_empty() { String::new() } else { format!(" ({reason})") })]
    NotImplemented {
        /// Distribution family or transform.
        family: &'static str,
        /// The method asked for, e.g. `"icdf"`.
        method: &'static str,
        /// Why, when it helps (e.g. `"no closed form"`), or empty.
        reason: String,
    },

    /// A constraint has no bijection onto it from the real numbers (for
    /// example a discrete support), so `biject_to` cannot map
    /// unconstrained parameters onto it.
    #[error("no bijection from the real numbers onto the support {constraint}")]
    NoBijection {
        /// The constraint, as displayed.
        constraint: String,
    },

    /// An error of the caller's own, carried through vi-core (for example
    /// out of a log-likelihood closure that runs a model); recover it with
    /// [`Error::downcast_custom`].
    #[error(transparent)]
    Custom(Box<dyn std::error::Error + Send + Sync + 'static>),

    /// libtorch refused an operation.
    #[error(transparent)]
    Torch(#[from] TchError),
}

impl Error {
    /// Wraps an error of the caller's own so that it can travel through
    /// vi-core's `Result` — out of an ELBO's log-likelihood closure, say —
    /// and be recovered intact with [`downcast_custom`](Self::downcast_custom).
    ///
    /// ```
    /// #[derive(Debug, thiserror::Error)]
    /// #[error("decoder exploded at layer {0}")]
    /// struct DecoderError(usize);
    ///
    /// let error = vi_core::Error::custom(DecoderError(3));
    /// assert_eq!(error.to_string(), "decoder exploded at layer 3");
    /// let mine: DecoderError = error.downcast_custom().ok().expect("ours");
    /// assert_eq!(mine.0, 3);
    /// ```
    pub fn custom(error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self::Custom(error.into())
    }

    /// The caller's own error of type `E` if this is a [`Error::Custom`]
    /// holding one, else `self` back unchanged.
    ///
    /// # Errors
    /// `self` when it is not a custom error of type `E`.
    pub fn downcast_custom<E: std::error::Error + 'static>(self) -> std::result::Result<E, Self> {
        match self {
            Self::Custom(boxed) => match boxed.downcast::<E>() {
                Ok(mine) => Ok(*mine),
                Err(other) => Err(Self::Custom(other)),
            },
            other => Err(other),
        }
    }

    /// [`Error::NotImplemented`] for `family`'s `method`, with a reason
    /// (empty for none): for a family of your own that lacks a method.
    pub fn not_implemented(family: &'static str, method: &'static str, reason: &str) -> Self {
        Self::NotImplemented {
            family,
            method,
            reason: reason.to_owned(),
        }
    }
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
