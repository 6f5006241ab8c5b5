//! `TransformedDistribution`: a base distribution pushed through a chain
//! of transforms (torch's `TransformedDistribution`), the building block of
//! `LogNormal`, `HalfNormal`, `TanhNormal`, the relaxed (Concrete)
//! families and normalizing flows.

use std::rc::Rc;

use tch::{Device, Kind, Tensor};

use super::sample_cache::SampleCache;
use super::transformed_family::no_closed_form;
use crate::constraint::Constraint;
use crate::distribution::{Distribution, Expand, Rsample};
use crate::error::{Error, Result};
use crate::toolkit;
use crate::transforms::{ComposeTransform, Sign, Transform, sum_rightmost_checked};

const FAMILY: &str = "TransformedDistribution";

/// `Y = f(X)`, `X ~ base`, `f = f_n ∘ … ∘ f_1` the transforms in the order
/// given; by the change of variables,
/// `log p_Y(y) = log p_X(x) − Σᵢ log |det J_{fᵢ}(xᵢ₋₁)|` with `x = f⁻¹(y)`
/// (torch's `TransformedDistribution`; Rezende & Mohamed 2015, eq. 1).
///
/// Shapes, as torch computes them: the base's `batch_shape + event_shape`
/// is pushed through the transforms' `forward_shape`; the event grows to
/// the larger of the transforms' codomain event dimensions and the base's
/// event dimensions shifted by the chain's change in event dimensions,
/// and the rest is the batch. A base with fewer event dimensions than the
/// chain's domain has its rightmost batch dimensions reinterpreted as
/// event dimensions (torch wraps it in `Independent`); a base whose batch
/// the transforms' parameters broadcast to a larger one is expanded
/// (torch's `expand`), which is why [`new`](Self::new) needs `D: Expand`.
///
/// `log_prob(y)` inverts the transforms last to first, summing each
/// log-Jacobian over the event dimensions it does not already cover
/// (torch's `_sum_rightmost` bookkeeping, term for term and in the same
/// order). A transform without an inverse (a flow) still scores this
/// distribution's own samples: the last `sample`/`rsample` keeps its draw
/// and every intermediate, and `log_prob` of that very tensor (same data
/// pointer, shape, strides, type, version counter, `requires_grad` and
/// `is_leaf` — an in-place change or a `detach()` makes it another value)
/// uses them instead of inverting, as torch's transforms with
/// `cache_size=1` do. Scoring a detached draw therefore inverts, so that
/// its gradient is the one at a fixed `y` (a flow without an inverse
/// cannot score it). The cache holds the draw and its graph until
/// the next draw or [`clear_cache`](Self::clear_cache);
/// [`rsample_with_log_prob`](Self::rsample_with_log_prob) uses no cache.
///
/// `cdf`/`icdf` go through the transforms when every one is monotone
/// (`_monotonize_cdf` flips `p ↦ 1 − p` for a decreasing chain); `mean`,
/// `variance`, `entropy` and `mode` have no general closed form
/// ([`Error::NotImplemented`], as torch). The support is the last
/// transform's codomain over the event dimensions.
///
/// Deviation from torch: values outside the support get whatever the
/// inverse gives (usually NaN), as torch's with validation off; the
/// families built on it document their own.
///
/// ```
/// use tch::Tensor;
/// use vi_core::transforms::{AffineTransform, ExpTransform};
/// use vi_core::{Distribution, Normal, TransformedDistribution};
///
/// # fn main() -> vi_core::Result<()> {
/// // Y = 3 − ½ exp(X), X ~ N(0.3, 0.8²): a shifted, reflected log-normal.
/// let base = Normal::new(&Tensor::from(0.3f64), &Tensor::from(0.8f64))?;
/// let dist = TransformedDistribution::new(
///     base,
///     vec![Box::new(ExpTransform), Box::new(AffineTransform::from_values(3.0, -0.5)?)],
/// )?;
/// let y = dist.sample(&[4])?;
/// assert_eq!(dist.log_prob(&y)?.size(), [4]);
/// // The chain decreases: P(Y ≤ 2) = P(exp X ≥ 2) = 1 − Φ((log 2 − 0.3)/0.8).
/// let p = dist.cdf(&Tensor::from(2.0f64))?;
/// assert!((p.double_value(&[]) - 0.3116).abs() < 1e-4);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TransformedDistribution<D> {
    base: D,
    /// Rightmost batch dimensions of `base` scored as event dimensions.
    reinterpreted_batch_ndims: usize,
    /// Shared with expanded copies: transforms are immutable.
    chain: Rc<ComposeTransform>,
    /// For transform `i`: the dimensions its log-Jacobian is summed over.
    sum_dims: Vec<usize>,
    /// For the base's `log_prob`, after the reinterpreted dimensions.
    base_sum_dims: usize,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
    cache: SampleCache,
}

impl<D: Expand> TransformedDistribution<D> {
    /// `base` pushed through `transforms`, applied in order.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the base has fewer dimensions than the
    /// transforms' domain needs, or the transforms' shapes do not fit the
    /// base's (the error of their `forward_shape`); the base's `expand`
    /// errors.
    pub fn new(base: D, transforms: Vec<Box<dyn Transform>>) -> Result<Self> {
        let chain = ComposeTransform::new(transforms);
        let base_event_dim = base.event_shape().len();
        let base_shape = [base.batch_shape(), base.event_shape()].concat();
        let domain_event_dim = chain.domain().event_dim();
        if base_shape.len() < domain_event_dim {
            return Err(Error::ShapeMismatch {
                context: FAMILY,
                left: "base batch_shape + event_shape",
                left_shape: base_shape,
                right: "the transforms' domain event dimensions",
                right_shape: vec![domain_event_dim as i64],
            });
        }
        let forward_shape = chain.forward_shape(&base_shape)?;
        let expanded = chain.inverse_shape(&forward_shape)?;
        let base = if expanded == base_shape {
            base
        } else {
            let split = expanded.len().checked_sub(base_event_dim);
            match split {
                Some(split) if expanded[split..] == *base.event_shape() => {
                    base.expand(&expanded[..split])?
                }
                _ => {
                    return Err(Error::ShapeMismatch {
                        context: FAMILY,
                        left: "base batch_shape + event_shape",
                        left_shape: base_shape,
                        right: "the shape the transforms map it back to",
                        right_shape: expanded,
                    });
                }
            }
        };
        let codomain_event_dim = chain.codomain().event_dim();
        let change = codomain_event_dim as i64 - domain_event_dim as i64;
        let event_dim = (codomain_event_dim as i64).max(base_event_dim as i64 + change);
        let event_dim = usize::try_from(event_dim).unwrap_or(0);
        let Some(cut) = forward_shape.len().checked_sub(event_dim) else {
            return Err(Error::ShapeMismatch {
                context: FAMILY,
                left: "transformed shape",
                left_shape: forward_shape,
                right: "event dimensions",
                right_shape: vec![event_dim as i64],
            });
        };
        let batch_shape = forward_shape[..cut].to_vec();
        let event_shape = forward_shape[cut..].to_vec();
        Ok(Self::assemble(
            base,
            Rc::new(chain),
            batch_shape,
            event_shape,
        ))
    }
}

impl<D: Distribution> TransformedDistribution<D> {
    /// Fills in the event-dimension bookkeeping (torch's `log_prob` loop).
    fn assemble(
        base: D,
        chain: Rc<ComposeTransform>,
        batch_shape: Vec<i64>,
        event_shape: Vec<i64>,
    ) -> Self {
        let base_event_dim = base.event_shape().len();
        let reinterpreted_batch_ndims = chain.domain().event_dim().saturating_sub(base_event_dim);
        let mut event_dim = event_shape.len();
        let mut sum_dims = vec![0; chain.parts().len()];
        for (i, part) in chain.parts().iter().enumerate().rev() {
            let domain = part.domain().event_dim();
            event_dim = (event_dim + domain).saturating_sub(part.codomain().event_dim());
            sum_dims[i] = event_dim.saturating_sub(domain);
        }
        let base_sum_dims = event_dim.saturating_sub(base_event_dim + reinterpreted_batch_ndims);
        Self {
            base,
            reinterpreted_batch_ndims,
            chain,
            sum_dims,
            base_sum_dims,
            batch_shape,
            event_shape,
            cache: SampleCache::default(),
        }
    }

    /// The base distribution (before any reinterpretation of its batch
    /// dimensions).
    pub fn base(&self) -> &D {
        &self.base
    }

    /// The transforms, in the order they are applied.
    pub fn transforms(&self) -> &[Box<dyn Transform>] {
        self.chain.parts()
    }

    /// How many rightmost batch dimensions of the base are scored as event
    /// dimensions (torch's `Independent` wrapper around the base).
    pub fn reinterpreted_batch_ndims(&self) -> usize {
        self.reinterpreted_batch_ndims
    }

    /// Forgets the last draw (and frees it and its graph).
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// The base's `log_prob`, summed as torch's `Independent` wrapper and
    /// the remaining event dimensions sum it.
    fn base_log_prob(&self, x: &Tensor) -> Result<Tensor> {
        let log_prob = self.base.log_prob(x)?;
        let log_prob = sum_rightmost_checked(FAMILY, &log_prob, self.reinterpreted_batch_ndims)?;
        sum_rightmost_checked(FAMILY, &log_prob, self.base_sum_dims)
    }

    /// Pushes a base draw through the transforms and keeps the chain.
    fn push_forward(&self, x: &Tensor) -> Result<Tensor> {
        let chain = self.chain.forward_chain(x)?;
        let y = chain[chain.len() - 1].shallow_clone();
        self.cache.store(chain);
        Ok(y)
    }

    /// `log p(y)` from the per-transform log-Jacobians (`terms[i]` for
    /// transform `i`, already summed) and the base's: torch's order,
    /// `((0 − t_n) − … − t_1) + base`.
    fn combine(terms: Vec<Tensor>, base: &Tensor) -> Result<Tensor> {
        let mut total: Option<Tensor> = None;
        for term in terms.into_iter().rev() {
            total = Some(match total {
                None => term.neg(),
                Some(sum) => sum.f_sub(&term)?,
            });
        }
        Ok(match total {
            None => base.shallow_clone(),
            Some(sum) => sum.f_add(base)?,
        })
    }

    /// The sign of the whole chain, or `NotImplemented` if a transform is
    /// not monotone.
    fn chain_sign(&self, method: &'static str) -> Result<Sign> {
        self.chain
            .sign()
            .ok_or_else(|| Error::not_implemented(FAMILY, method, "a transform is not monotone"))
    }

    fn scalar_base(&self, method: &'static str) -> Result<()> {
        if self.reinterpreted_batch_ndims > 0 {
            return Err(Error::not_implemented(
                FAMILY,
                method,
                "the base is scored over reinterpreted batch dimensions",
            ));
        }
        Ok(())
    }
}

impl<D: Rsample> TransformedDistribution<D> {
    /// A reparameterized draw `y` and its `log p(y)` in one pass, without
    /// inverting any transform and without the cache: `x ~ base`
    /// (`rsample`), then each transform's
    /// [`forward_with_log_abs_det_jacobian`](Transform::forward_with_log_abs_det_jacobian).
    /// Equals `rsample` followed by `log_prob` of the draw, operation for
    /// operation. Shapes: `y` is `sample_shape + batch_shape + event_shape`,
    /// `log p(y)` is `sample_shape + batch_shape`.
    ///
    /// # Errors
    /// As [`Rsample::rsample`] and [`Distribution::log_prob`].
    pub fn rsample_with_log_prob(&self, sample_shape: &[i64]) -> Result<(Tensor, Tensor)> {
        let mut value = self.base.rsample(sample_shape)?;
        let base = self.base_log_prob(&value)?;
        let mut terms = Vec::with_capacity(self.sum_dims.len());
        for (part, &dims) in self.chain.parts().iter().zip(&self.sum_dims) {
            let (next, log_det) = part.forward_with_log_abs_det_jacobian(&value)?;
            terms.push(sum_rightmost_checked(FAMILY, &log_det, dims)?);
            value = next;
        }
        Ok((value, Self::combine(terms, &base)?))
    }
}

impl<D: Distribution> Distribution for TransformedDistribution<D> {
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
        self.base.kind()
    }

    fn device(&self) -> Device {
        self.base.device()
    }

    fn support(&self) -> Constraint {
        match self.chain.parts().last() {
            None => self
                .base
                .support()
                .independent(self.reinterpreted_batch_ndims),
            Some(last) => {
                let support = last.codomain();
                let extra = self.event_shape.len().saturating_sub(support.event_dim());
                support.independent(extra)
            }
        }
    }

    /// torch: the base's `sample`, then each transform, under `no_grad`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| {
            let x = self.base.sample(sample_shape)?;
            self.push_forward(&x)
        })
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let parts = self.chain.parts();
        let cached = self.cache.lookup(&value);
        let mut terms: Vec<Option<Tensor>> = (0..parts.len()).map(|_| None).collect();
        let mut y = value;
        for (i, part) in parts.iter().enumerate().rev() {
            let x = match &cached {
                Some(chain) => chain[i].shallow_clone(),
                None => part.inverse(&y)?,
            };
            let log_det = part.log_abs_det_jacobian(&x, &y)?;
            terms[i] = Some(sum_rightmost_checked(FAMILY, &log_det, self.sum_dims[i])?);
            y = x;
        }
        let base = self.base_log_prob(&y)?;
        Self::combine(terms.into_iter().flatten().collect(), &base)
    }

    fn entropy(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "entropy")
    }

    fn mean(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "mean")
    }

    fn variance(&self) -> Result<Tensor> {
        no_closed_form(FAMILY, "variance")
    }

    /// The base's cdf at `f⁻¹(value)`, flipped to `1 − F` where the chain
    /// decreases (torch's `_monotonize_cdf`).
    fn cdf(&self, value: &Tensor) -> Result<Tensor> {
        let mut x = toolkit::validate_value(self, value)?;
        self.scalar_base("cdf")?;
        let sign = self.chain_sign("cdf")?;
        for part in self.chain.parts().iter().rev() {
            x = part.inverse(&x)?;
        }
        sign.monotonize(&self.base.cdf(&x)?)
    }

    /// `f(base.icdf(p'))`, `p'` = `p` or `1 − p` where the chain decreases.
    fn icdf(&self, p: &Tensor) -> Result<Tensor> {
        let p = toolkit::validate_value(self, p)?;
        self.scalar_base("icdf")?;
        let sign = self.chain_sign("icdf")?;
        let mut value = self.base.icdf(&sign.monotonize(&p)?)?;
        for part in self.chain.parts() {
            value = part.forward(&value)?;
        }
        Ok(value)
    }
}

impl<D: Rsample> Rsample for TransformedDistribution<D> {
    /// The base's `rsample`, then each transform (gradients flow through
    /// both).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let x = self.base.rsample(sample_shape)?;
        self.push_forward(&x)
    }
}

impl<D: Expand> Expand for TransformedDistribution<D> {
    /// torch's `expand`: `batch_shape + event_shape` mapped back through
    /// the transforms' `inverse_shape` gives the base's new batch shape.
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let shape = [batch_shape, &self.event_shape].concat();
        let base_shape = self.chain.inverse_shape(&shape)?;
        let base_event_dim = self.base.event_shape().len();
        let Some(split) = base_shape.len().checked_sub(base_event_dim) else {
            return Err(Error::ShapeMismatch {
                context: FAMILY,
                left: "base shape",
                left_shape: base_shape,
                right: "base event_shape",
                right_shape: self.base.event_shape().to_vec(),
            });
        };
        let base = self.base.expand(&base_shape[..split])?;
        Ok(Self::assemble(
            base,
            Rc::clone(&self.chain),
            batch_shape.to_vec(),
            self.event_shape.clone(),
        ))
    }
}
