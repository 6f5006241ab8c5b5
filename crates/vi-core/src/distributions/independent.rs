//! `Independent`: reinterprets the rightmost batch dimensions of a
//! distribution as event dimensions (torch's `Independent`), so that
//! `log_prob` and `entropy` sum over them. A diagonal Gaussian posterior
//! `q(z|x) = N(μ(x), diag σ²(x))` is `Independent<Normal>` with one
//! reinterpreted dimension.

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::{Error, Result};
use crate::toolkit::{self, sum_rightmost};

const FAMILY: &str = "Independent";

/// A base distribution whose `reinterpreted_batch_ndims` rightmost batch
/// dimensions become event dimensions.
///
/// With a base of batch shape `[B, D]` and one reinterpreted dimension the
/// result has batch shape `[B]` and event shape `[D]`:
/// `log p(x) = Σ_d log p_d(x_d)` and `H = Σ_d H_d`.
#[derive(Debug)]
pub struct Independent<D> {
    base: D,
    reinterpreted_batch_ndims: usize,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl<D: Distribution> Independent<D> {
    /// Wraps `base`, moving its `reinterpreted_batch_ndims` rightmost batch
    /// dimensions into the event shape.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `reinterpreted_batch_ndims` exceeds the
    /// number of batch dimensions of `base`.
    pub fn new(base: D, reinterpreted_batch_ndims: usize) -> Result<Self> {
        let base_batch = base.batch_shape();
        if reinterpreted_batch_ndims > base_batch.len() {
            return Err(Error::InvalidArgument {
                context: FAMILY,
                name: "reinterpreted_batch_ndims",
                expected: "at most the number of batch dimensions of the base distribution",
                found: format!("{reinterpreted_batch_ndims} for batch shape {base_batch:?}"),
            });
        }
        let split = base_batch.len() - reinterpreted_batch_ndims;
        let batch_shape = base_batch[..split].to_vec();
        let event_shape = [&base_batch[split..], base.event_shape()].concat();
        Ok(Self {
            base,
            reinterpreted_batch_ndims,
            batch_shape,
            event_shape,
        })
    }

    /// The wrapped distribution.
    pub fn base(&self) -> &D {
        &self.base
    }

    /// How many batch dimensions of the base became event dimensions.
    pub fn reinterpreted_batch_ndims(&self) -> usize {
        self.reinterpreted_batch_ndims
    }

    /// Unwraps the base distribution.
    pub fn into_base(self) -> D {
        self.base
    }
}

impl<D: Distribution> Distribution for Independent<D> {
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

    /// The base's support over the reinterpreted dimensions too.
    fn support(&self) -> Constraint {
        self.base
            .support()
            .independent(self.reinterpreted_batch_ndims)
    }

    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.base.sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        Ok(sum_rightmost(
            &self.base.log_prob(&value)?,
            self.reinterpreted_batch_ndims,
        ))
    }

    fn entropy(&self) -> Result<Tensor> {
        Ok(sum_rightmost(
            &self.base.entropy()?,
            self.reinterpreted_batch_ndims,
        ))
    }

    fn mean(&self) -> Result<Tensor> {
        self.base.mean()
    }

    fn mode(&self) -> Result<Tensor> {
        self.base.mode()
    }

    fn variance(&self) -> Result<Tensor> {
        self.base.variance()
    }

    fn stddev(&self) -> Result<Tensor> {
        self.base.stddev()
    }

    /// The base's support when no dimension is reinterpreted; otherwise
    /// not available (the product support grows exponentially), as in torch.
    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        if self.reinterpreted_batch_ndims > 0 {
            return Err(Error::not_implemented(
                FAMILY,
                "enumerate_support",
                "the support of reinterpreted dimensions is a Cartesian product",
            ));
        }
        self.base.enumerate_support(expand)
    }
}

impl<D: Rsample> Rsample for Independent<D> {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.base.rsample(sample_shape)
    }
}

impl<D: Expand> Expand for Independent<D> {
    /// Expands the base to `batch_shape` followed by the reinterpreted
    /// dimensions.
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let base_batch = self.base.batch_shape();
        let reinterpreted = &base_batch[base_batch.len() - self.reinterpreted_batch_ndims..];
        let base = self.base.expand(&[batch_shape, reinterpreted].concat())?;
        Self::new(base, self.reinterpreted_batch_ndims)
    }
}

impl<D: Detach> Detach for Independent<D> {
    fn detach(&self) -> Self {
        Self {
            base: self.base.detach(),
            reinterpreted_batch_ndims: self.reinterpreted_batch_ndims,
            batch_shape: self.batch_shape.clone(),
            event_shape: self.event_shape.clone(),
        }
    }
}
