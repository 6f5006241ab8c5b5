//! Models of the tutorials: linear regression (MLE and Bayesian) and VAEs.

#![deny(missing_docs)]

mod error;
mod torch_linear;
mod vae;

pub use error::{Error, Phase, Result};
pub use vae::{Architecture, MlpVae, MlpVaeConfig, Vae};
