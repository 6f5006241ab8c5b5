//! The IAF posterior: a diagonal Gaussian pushed through inverse
//! autoregressive flow steps, as a vi-core `TransformedDistribution`, with
//! the detached copy that STL and DReG score their draws with.

use std::rc::Rc;

use tch::{Device, Kind, Tensor};
use vi_core::{
    Constraint, Detach, Distribution, Result, Rsample, Transform, TransformedDistribution,
};

use super::step::IafStep;
use crate::vae::DiagonalNormal;

const FAMILY: &str = "IafPosterior";

/// `q(z|x)`: `z = f_T ∘ … ∘ f_1(z₀)`, `z₀ ~ N(μ(x), diag σ²(x))`, each `f_t`
/// an [`IafStep`] (Kingma et al. 2016, §4):
/// `log q(z|x) = log N(z₀; μ, σ²) − Σ_t Σₐ log σ_{t,a}`. Batch shape `[B]`,
/// event shape `[L]`.
///
/// Built on vi-core's [`TransformedDistribution`], so its own draws are
/// scored through the sample cache (one MADE pass per step, no inversion);
/// [`flow`](Self::flow)`.rsample_with_log_prob` gives a draw and its
/// `log q` in one pass. Any other value is scored by inverting the steps
/// (`L` MADE passes each). [`Detach`] gives the same distribution with the
/// Gaussian's parameters, the MADE weights and the context all detached,
/// built once with the posterior: its `log_prob` inverts (it has never
/// drawn), so STL's and DReG's `log q_⊥(z)` is differentiable in `z` and
/// constant in the parameters, as their estimators require.
///
/// `mean`, `variance` and `entropy` have no closed form (vi-core's
/// `NotImplemented`).
#[derive(Debug)]
pub struct IafPosterior {
    flow: Rc<TransformedDistribution<DiagonalNormal>>,
    held: Rc<TransformedDistribution<DiagonalNormal>>,
}

impl IafPosterior {
    /// `base` pushed through `steps`, in order.
    ///
    /// # Errors
    /// vi-core's `ShapeMismatch` if the steps do not fit the base.
    pub fn new(base: DiagonalNormal, steps: Vec<IafStep>) -> Result<Self> {
        let held_steps: Vec<Box<dyn Transform>> = steps
            .iter()
            .map(|step| Box::new(step.detached()) as Box<dyn Transform>)
            .collect();
        let held = TransformedDistribution::new(base.detach(), held_steps)?;
        let live: Vec<Box<dyn Transform>> = steps
            .into_iter()
            .map(|step| Box::new(step) as Box<dyn Transform>)
            .collect();
        let flow = TransformedDistribution::new(base, live)?;
        Ok(Self {
            flow: Rc::new(flow),
            held: Rc::new(held),
        })
    }

    /// The transformed distribution itself (for `rsample_with_log_prob`).
    pub fn flow(&self) -> &TransformedDistribution<DiagonalNormal> {
        &self.flow
    }

    /// The diagonal Gaussian `N(μ, σ²)` of `z₀`.
    pub fn base(&self) -> &DiagonalNormal {
        self.flow.base()
    }

    /// The flow applied to the base's mean, `f_T ∘ … ∘ f_1(μ)`, shape
    /// `[B, L]`: a point standing for the posterior in figures (not its
    /// mean, which has no closed form).
    ///
    /// # Errors
    /// vi-core's errors of the steps.
    pub fn pushed_mean(&self) -> Result<Tensor> {
        let mut z = self.base().mean()?;
        for step in self.flow.transforms() {
            z = step.forward(&z)?;
        }
        Ok(z)
    }
}

impl Distribution for IafPosterior {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        self.flow.batch_shape()
    }

    fn event_shape(&self) -> &[i64] {
        self.flow.event_shape()
    }

    fn kind(&self) -> Kind {
        self.flow.kind()
    }

    fn device(&self) -> Device {
        self.flow.device()
    }

    fn support(&self) -> Constraint {
        self.flow.support()
    }

    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.flow.sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        self.flow.log_prob(value)
    }

    fn entropy(&self) -> Result<Tensor> {
        self.flow.entropy()
    }

    fn mean(&self) -> Result<Tensor> {
        self.flow.mean()
    }

    fn variance(&self) -> Result<Tensor> {
        self.flow.variance()
    }
}

impl Rsample for IafPosterior {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.flow.rsample(sample_shape)
    }
}

impl Detach for IafPosterior {
    fn detach(&self) -> Self {
        Self {
            flow: Rc::clone(&self.held),
            held: Rc::clone(&self.held),
        }
    }
}
