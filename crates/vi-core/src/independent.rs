//! `Independent`: reinterprets the rightmost batch dimensions of a
//! distribution as event dimensions (torch's `Independent`), so that
//! `log_prob` and `entropy` sum over them. A diagonal Gaussian posterior
//! `q(z|x) = N(μ(x), diag σ²(x))` is `Independent<Normal>` with one
//! reinterpreted dimension.

use tch::{Device, Kind, Tensor};

use crate::distribution::{Distribution, Rsample, validate_value};
use crate::error::{Error, Result};
use crate::shape::sum_rightmost;

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

    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.base.sample(sample_shape)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = validate_value(self, value)?;
        Ok(sum_rightmost(
            &self.base.log_prob(&value)?,
            self.reinterpreted_batch_ndims,
        ))
    }

    fn entropy(&self) -> Tensor {
        sum_rightmost(&self.base.entropy(), self.reinterpreted_batch_ndims)
    }

    fn mean(&self) -> Tensor {
        self.base.mean()
    }

    fn variance(&self) -> Tensor {
        self.base.variance()
    }

    fn stddev(&self) -> Tensor {
        self.base.stddev()
    }
}

impl<D: Rsample> Rsample for Independent<D> {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        self.base.rsample(sample_shape)
    }
}
