//! Finite mixtures whose components are one family with different
//! parameters (torch's `MixtureSameFamily`): a [`Categorical`] picks the
//! component, the component distribution's rightmost batch dimension
//! indexes them.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand};
use crate::distributions::Categorical;
use crate::error::{Error, Result};
use crate::toolkit;

const FAMILY: &str = "MixtureSameFamily";

/// `p(x) = Σ_k π_k p_k(x)`: a mixture of the `K` components of one
/// distribution `D` with weights `π` from a [`Categorical`].
///
/// The component distribution has batch shape `batch_shape + [K]` and
/// event shape `E`; the mixture has batch shape `batch_shape` and event
/// shape `E`. The mixing distribution's batch shape must broadcast to
/// `batch_shape` (it is expanded to it).
///
/// - `log p(x) = logsumexp_k (log π_k + log p_k(x))` (torch's `log_prob`);
/// - `sample`: the component index `k ~ Categorical(π)` first, then a draw
///   of every component, then the draw of component `k` is kept — the
///   generator calls and their order are torch's, so seeded draws equal
///   torch's when the components' do;
/// - `mean = Σ_k π_k μ_k` (law of total expectation) and
///   `variance = Σ_k π_k σ²_k + Σ_k π_k (μ_k − μ)²` (law of total
///   variance);
/// - `cdf(x) = Σ_k π_k F_k(x)` for scalar components (`E = []`) whose
///   family has a `cdf`;
/// - no `rsample` and no `entropy` (no closed form), as in torch.
///
/// Differences from torch: a mixing batch shape that only broadcasts to
/// `batch_shape` (e.g. `[]` against components of batch `[3, K]`) is
/// expanded, so each batch element draws its own component (torch's
/// `sample` fails there or returns a mis-shaped draw); the support is the
/// component's (torch wraps it in `MixtureSameFamilyConstraint`; the two
/// agree unless a bound is a tensor that varies along the components);
/// `cdf` of vector components is [`Error::NotImplemented`] (torch sums it
/// over the wrong dimension).
///
/// A Gaussian mixture in one dimension, as torch's docs build it:
///
/// ```
/// use tch::Tensor;
/// use vi_core::{Categorical, Distribution, MixtureSameFamily, Normal};
/// # fn main() -> vi_core::Result<()> {
/// let weights = Categorical::from_probs(&Tensor::from_slice(&[0.3f64, 0.7]))?;
/// let components = Normal::new(
///     &Tensor::from_slice(&[-1.0f64, 2.0]),
///     &Tensor::from_slice(&[0.5f64, 1.5]),
/// )?;
/// let mixture = MixtureSameFamily::new(weights, components)?;
/// assert_eq!((mixture.batch_shape(), mixture.event_shape()), (&[][..], &[][..]));
/// // E[x] = 0.3 · (−1) + 0.7 · 2.
/// assert!((mixture.mean()?.double_value(&[]) - 1.1).abs() < 1e-12);
/// let x = mixture.sample(&[5])?;
/// assert_eq!(mixture.log_prob(&x)?.size(), [5]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MixtureSameFamily<D> {
    /// Expanded to `batch_shape`.
    mixture: Categorical,
    component: D,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl<D: Distribution> MixtureSameFamily<D> {
    /// The mixture of `component`'s `K` distributions (its rightmost batch
    /// dimension) with weights `mixture` over `K` classes.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `component` has no batch dimension;
    /// [`Error::ShapeMismatch`] if `mixture` has not `K` classes or its
    /// batch shape does not broadcast to the component's batch shape
    /// without its last dimension; [`Error::Dtype`] or
    /// [`Error::DeviceMismatch`] if the two differ in type or device.
    pub fn new(mixture: Categorical, component: D) -> Result<Self> {
        let component_batch = component.batch_shape();
        let Some((&num_components, batch_shape)) = component_batch.split_last() else {
            return Err(Error::InvalidArgument {
                context: FAMILY,
                name: "component_distribution",
                expected: "a batch shape whose last dimension indexes the components",
                found: "batch shape []".to_string(),
            });
        };
        let mismatch = |left: &'static str, left_shape: Vec<i64>| Error::ShapeMismatch {
            context: FAMILY,
            left,
            left_shape,
            right: "component_distribution.batch_shape",
            right_shape: component_batch.to_vec(),
        };
        if mixture.num_events() != num_components {
            return Err(mismatch(
                "mixture_distribution.param_shape",
                mixture.param_shape(),
            ));
        }
        if toolkit::broadcast_shapes(mixture.batch_shape(), batch_shape).as_deref()
            != Some(batch_shape)
        {
            let shape = mixture.batch_shape().to_vec();
            return Err(mismatch("mixture_distribution.batch_shape", shape));
        }
        if component.kind() != mixture.kind() {
            return Err(Error::Dtype {
                context: FAMILY,
                name: "component_distribution",
                expected: "the element type of the mixture distribution",
                found: component.kind(),
            });
        }
        if component.device() != mixture.device() {
            return Err(Error::DeviceMismatch {
                context: FAMILY,
                name: "component_distribution",
                expected: mixture.device(),
                found: component.device(),
            });
        }
        let mixture = mixture.expand(batch_shape)?;
        Ok(Self {
            mixture,
            batch_shape: batch_shape.to_vec(),
            event_shape: component.event_shape().to_vec(),
            component,
        })
    }

    /// The distribution of the component index, with batch shape
    /// `batch_shape`.
    pub fn mixture_distribution(&self) -> &Categorical {
        &self.mixture
    }

    /// The components, batch shape `batch_shape + [K]`.
    pub fn component_distribution(&self) -> &D {
        &self.component
    }

    /// Consumes the mixture, returning the components.
    pub fn into_component_distribution(self) -> D {
        self.component
    }

    /// The dimension of a component-shaped tensor `[.., K] + E` that indexes
    /// the components, counted from the end.
    fn component_dim(&self) -> i64 {
        -1 - self.event_shape.len() as i64
    }

    /// The mixing probabilities `[B, K]` padded to `[B, K] + [1]·len(E)`,
    /// to weight a component-shaped tensor.
    fn padded_probs(&self) -> Tensor {
        let mut probs = self.mixture.probs().shallow_clone();
        for _ in 0..self.event_shape.len() {
            probs = probs.unsqueeze(-1);
        }
        probs
    }

    /// `Σ_k π_k t_k` of a component-shaped tensor `t`.
    fn weighted_sum(&self, component_shaped: &Tensor) -> Result<Tensor> {
        let weighted = self.padded_probs().f_mul(component_shaped)?;
        Ok(weighted.f_sum_dim_intlist(self.component_dim(), false, None::<Kind>)?)
    }
}

impl<D: Distribution> Distribution for MixtureSameFamily<D> {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &self.event_shape
    }

    fn kind(&self) -> Kind {
        self.mixture.kind()
    }

    fn device(&self) -> Device {
        self.mixture.device()
    }

    /// The component's support.
    fn support(&self) -> Constraint {
        self.component.support()
    }

    /// torch: the indices `mixture.sample(sample_shape)` (shape
    /// `sample_shape + batch_shape`), then `component.sample(sample_shape)`
    /// (`sample_shape + batch_shape + [K] + E`), then a `gather` along the
    /// component dimension. The draw has the component's element type.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| {
            let indices = self.mixture.sample(sample_shape)?;
            let draws = self.component.sample(sample_shape)?;
            let gather_dim = (sample_shape.len() + self.batch_shape.len()) as i64;
            let index_shape = indices.size();
            let ones = vec![1i64; self.event_shape.len() + 1];
            let index = indices
                .f_reshape([index_shape.as_slice(), &ones].concat())?
                .f_expand(
                    [index_shape.as_slice(), &[1], &self.event_shape].concat(),
                    false,
                )?;
            Ok(draws
                .f_gather(gather_dim, &index, false)?
                .f_squeeze_dim(gather_dim)?)
        })
    }

    /// `logsumexp_k (log π_k + log p_k(x))`, the shape of `value` without
    /// its event dimensions, broadcast with `batch_shape`.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let per_component = self
            .component
            .log_prob(&value.unsqueeze(self.component_dim()))?;
        let log_weights = self.mixture.logits().log_softmax(-1, None::<Kind>);
        Ok(per_component.f_add(&log_weights)?.f_logsumexp(-1, false)?)
    }

    /// [`Error::NotImplemented`]: a mixture's entropy has no closed form.
    fn entropy(&self) -> Result<Tensor> {
        Err(Error::not_implemented(
            FAMILY,
            "entropy",
            "no closed form for a mixture",
        ))
    }

    /// `Σ_k π_k μ_k`, shape `batch_shape + E`.
    fn mean(&self) -> Result<Tensor> {
        self.weighted_sum(&self.component.mean()?)
    }

    /// `Σ_k π_k σ²_k + Σ_k π_k (μ_k − μ)²` (law of total variance), shape
    /// `batch_shape + E`.
    fn variance(&self) -> Result<Tensor> {
        let component_means = self.component.mean()?;
        let mean = self.weighted_sum(&component_means)?;
        let mean_of_variances = self.weighted_sum(&self.component.variance()?)?;
        let deviation = component_means.f_sub(&mean.f_unsqueeze(self.component_dim())?)?;
        let variance_of_means = self.weighted_sum(&deviation.square())?;
        Ok(mean_of_variances.f_add(&variance_of_means)?)
    }

    /// `Σ_k π_k F_k(x)`, for scalar components only.
    ///
    /// # Errors
    /// [`Error::NotImplemented`] for vector components or components
    /// without a `cdf`; the errors of `log_prob` for a value that does not
    /// fit.
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        if !self.event_shape.is_empty() {
            return Err(Error::not_implemented(
                FAMILY,
                "cdf",
                "the components are not scalar",
            ));
        }
        let value = toolkit::validate_value(self, value)?;
        let per_component = self.component.cdf(&value.unsqueeze(-1))?;
        let weighted = per_component.f_mul(self.mixture.probs())?;
        Ok(weighted.f_sum_dim_intlist(-1, false, None::<Kind>)?)
    }
}

impl<D: Expand> Expand for MixtureSameFamily<D> {
    /// Expands the components to `batch_shape + [K]` and the mixing
    /// distribution to `batch_shape`.
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let num_components = self.mixture.num_events();
        let component = self
            .component
            .expand(&[batch_shape, &[num_components]].concat())?;
        Self::new(self.mixture.expand(batch_shape)?, component)
    }
}

impl<D: Detach> Detach for MixtureSameFamily<D> {
    fn detach(&self) -> Self {
        Self {
            mixture: self.mixture.detach(),
            component: self.component.detach(),
            batch_shape: self.batch_shape.clone(),
            event_shape: self.event_shape.clone(),
        }
    }
}
