//! Inverse autoregressive flow posteriors (Kingma, Salimans, Jozefowicz,
//! Chen, Sutskever & Welling 2016, "Improved Variational Inference with
//! Inverse Autoregressive Flow"): MADE networks (`made.rs`), the flow step
//! as a vi-core transform (`step.rs`), and the posterior they make on top
//! of a diagonal Gaussian (`posterior.rs`).

mod made;
mod posterior;
mod step;

pub use posterior::IafPosterior;
pub use step::{IafStep, SIGMOID_BIAS};

use tch::{TchError, Tensor, nn};
use vi_core::Result as CoreResult;

use super::DiagonalNormal;
use made::Made;

/// The learned part of an IAF posterior: one MADE per step, the variable
/// order reversed from one step to the next (Kingma et al. 2016, §4, as
/// their experiments do), step `t` under `path / t`.
#[derive(Debug)]
pub(crate) struct Iaf {
    steps: Vec<Made>,
}

impl Iaf {
    /// `steps` MADEs with `hidden_dims` units, for latents of `latent_dim`
    /// and a context of `context_dim` features; step 0 in the natural
    /// order, step 1 reversed, and so on.
    pub(crate) fn new(
        path: &nn::Path<'_>,
        latent_dim: i64,
        hidden_dims: &[i64],
        context_dim: i64,
        steps: usize,
    ) -> Result<Self, TchError> {
        let steps = (0..steps)
            .map(|t| {
                Made::new(
                    &(path / t),
                    latent_dim,
                    hidden_dims,
                    context_dim,
                    t % 2 == 1,
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { steps })
    }

    /// The posterior `base` pushed through the steps, conditioned on the
    /// encoder's `context` `[B, C]`.
    pub(crate) fn posterior(
        &self,
        base: DiagonalNormal,
        context: &Tensor,
    ) -> CoreResult<IafPosterior> {
        let steps = self
            .steps
            .iter()
            .map(|made| IafStep::new(made.shared(), context.shallow_clone()))
            .collect();
        IafPosterior::new(base, steps)
    }
}
