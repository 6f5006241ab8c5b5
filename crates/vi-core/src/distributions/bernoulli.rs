//! The Bernoulli distribution over `{0, 1}`, batched, from logits or
//! probabilities (torch's `Bernoulli`); the pixel likelihood of the
//! binarized-MNIST VAE (tutorial 3).

use std::sync::OnceLock;

use tch::{Device, Kind, Reduction, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand};
use crate::error::Result;
use crate::toolkit;

const FAMILY: &str = "Bernoulli";

/// `Bernoulli(p)`, `p = sigmoid(logits)`; batch shape = the parameter's
/// shape, event shape `[]`, support `{0, 1}`.
///
/// Mass: `log p(x) = x·ℓ − softplus(ℓ) = −BCEWithLogits(ℓ, x)`, computed by
/// libtorch's binary-cross-entropy-with-logits, which never forms
/// `log(sigmoid(ℓ))` and so stays finite for logits of ±100 (and beyond).
/// Values are not checked to lie in `{0, 1}`: a value in `[0, 1]` gives the
/// cross-entropy `x log p + (1 − x) log(1 − p)`, as grey-level VAEs use.
///
/// Not reparameterizable: it has no [`Rsample`](crate::Rsample) impl.
///
/// Built from logits, the probabilities are computed on first use, as
/// torch's `lazy_property` does: `log_prob`, the likelihood of every
/// binarized-pixel VAE, never needs them, and over `k × B × 784` decoded
/// pixels of an importance-sampled log-likelihood the sigmoid was a full
/// pass for nothing.
#[derive(Debug)]
pub struct Bernoulli {
    logits: Tensor,
    /// `sigmoid(logits)`, differentiable whenever the logits are, whatever
    /// the grad mode of its first use (computed with grad mode on).
    probs: OnceLock<Tensor>,
    batch_shape: Vec<i64>,
}

impl Bernoulli {
    /// `Bernoulli(sigmoid(logits))`, the numerically preferred form.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if a logit
    /// is NaN or infinite; [`Error::Dtype`](crate::Error::Dtype) if `logits`
    /// is not floating point.
    pub fn from_logits(logits: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "logits", logits)?;
        toolkit::check_finite(FAMILY, "logits", logits)?;
        Ok(Self {
            probs: OnceLock::new(),
            logits: logits.shallow_clone(),
            batch_shape: logits.size(),
        })
    }

    /// `Bernoulli(probs)`. The logits are computed as torch does, from the
    /// probabilities clamped to `[ε, 1 − ε]` (`ε` the dtype's machine
    /// epsilon), so a probability of exactly 0 or 1 gives large finite
    /// logits and finite log masses.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if a
    /// probability lies outside `[0, 1]` or is NaN;
    /// [`Error::Dtype`](crate::Error::Dtype) if `probs` is not floating point.
    pub fn from_probs(probs: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "probs", probs)?;
        toolkit::check_unit_interval(FAMILY, "probs", probs)?;
        Ok(Self {
            logits: toolkit::probs_to_logits(probs, true),
            probs: OnceLock::from(probs.shallow_clone()),
            batch_shape: probs.size(),
        })
    }

    /// Log-odds `ℓ`, shape `batch_shape`.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// Probability of a one, shape `batch_shape`.
    pub fn probs(&self) -> &Tensor {
        self.probs
            .get_or_init(|| tch::with_grad(|| self.logits.sigmoid()))
    }
}

impl Distribution for Bernoulli {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn kind(&self) -> Kind {
        self.logits.kind()
    }

    fn device(&self) -> Device {
        self.logits.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Boolean
    }

    /// torch: `torch.bernoulli(probs.expand(shape))` under `no_grad`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        // Fallible: with validation off, a NaN probability reaches libtorch,
        // which refuses it.
        Ok(tch::no_grad(|| {
            self.probs().expand(shape.as_slice(), false).f_bernoulli()
        })?)
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        // BCE wants target and input of one dtype; 0/1 values lose nothing.
        let value = toolkit::validate_value(self, value)?.to_kind(self.kind());
        let broadcast = Tensor::broadcast_tensors(&[&self.logits, &value]);
        let bce = broadcast[0].binary_cross_entropy_with_logits::<Tensor>(
            &broadcast[1],
            None,
            None,
            Reduction::None,
        );
        Ok(-bce)
    }

    /// `H = BCEWithLogits(ℓ, p)`.
    fn entropy(&self) -> Result<Tensor> {
        Ok(self.logits.binary_cross_entropy_with_logits::<Tensor>(
            self.probs(),
            None,
            None,
            Reduction::None,
        ))
    }

    /// `p`.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.probs().shallow_clone())
    }

    /// 1 where `p > ½`, 0 where `p < ½`, NaN where `p = ½` (no unique mode),
    /// as torch gives it.
    fn mode(&self) -> Result<Tensor> {
        let probs = self.probs();
        let mode = probs.ge(0.5).to_kind(self.kind());
        Ok(mode.masked_fill(&probs.eq(0.5), f64::NAN))
    }

    /// `p (1 − p)`.
    fn variance(&self) -> Result<Tensor> {
        let probs = self.probs();
        Ok(probs * (1.0 - probs))
    }

    /// `[0, 1]` along a new first dimension: shape `[2] + batch_shape` when
    /// `expand`, else `[2, 1, …, 1]`.
    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        let ones = vec![1i64; self.batch_shape.len()];
        let values =
            Tensor::arange(2, (self.kind(), self.device())).reshape([&[-1i64][..], &ones].concat());
        Ok(if expand {
            values.expand([&[-1i64][..], &self.batch_shape].concat(), false)
        } else {
            values
        })
    }
}

impl Expand for Bernoulli {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            logits: self.logits.expand(batch_shape, false),
            probs: carried(&self.probs, |probs| probs.expand(batch_shape, false)),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for Bernoulli {
    fn detach(&self) -> Self {
        Self {
            logits: self.logits.detach(),
            probs: carried(&self.probs, Tensor::detach),
            batch_shape: self.batch_shape.clone(),
        }
    }
}

/// The probabilities of a derived distribution: `f` of ours if computed
/// (a probability given by the caller is kept exactly), else left to be
/// computed from the derived logits on first use.
fn carried(probs: &OnceLock<Tensor>, f: impl FnOnce(&Tensor) -> Tensor) -> OnceLock<Tensor> {
    probs
        .get()
        .map_or_else(OnceLock::new, |probs| OnceLock::from(f(probs)))
}
