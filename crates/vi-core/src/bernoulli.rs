//! The Bernoulli distribution over `{0, 1}`, batched, from logits or
//! probabilities (torch's `Bernoulli`); the pixel likelihood of the
//! binarized-MNIST VAE (tutorial 3).

use tch::{Device, Kind, Reduction, Tensor};

use crate::constraint;
use crate::distribution::{Distribution, validate_value};
use crate::error::Result;
use crate::shape::extended_shape;

const FAMILY: &str = "Bernoulli";

/// `Bernoulli(p)`, `p = sigmoid(logits)`; batch shape = the parameter's
/// shape, event shape `[]`.
///
/// Mass: `log p(x) = x·ℓ − softplus(ℓ) = −BCEWithLogits(ℓ, x)`, computed by
/// libtorch's binary-cross-entropy-with-logits, which never forms
/// `log(sigmoid(ℓ))` and so stays finite for logits of ±100 (and beyond).
/// Values are not checked to lie in `{0, 1}`: a value in `[0, 1]` gives the
/// cross-entropy `x log p + (1 − x) log(1 − p)`, as grey-level VAEs use.
///
/// Not reparameterizable: it has no [`Rsample`](crate::Rsample) impl.
#[derive(Debug)]
pub struct Bernoulli {
    logits: Tensor,
    probs: Tensor,
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
        constraint::floating(FAMILY, "logits", logits)?;
        constraint::finite(FAMILY, "logits", logits)?;
        Ok(Self {
            probs: logits.sigmoid(),
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
        constraint::floating(FAMILY, "probs", probs)?;
        constraint::unit_interval(FAMILY, "probs", probs)?;
        let eps = machine_epsilon(probs.kind());
        let clamped = probs.clamp(eps, 1.0 - eps);
        Ok(Self {
            logits: clamped.log() - clamped.neg().log1p(),
            probs: probs.shallow_clone(),
            batch_shape: probs.size(),
        })
    }

    /// Log-odds `ℓ`, shape `batch_shape`.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// Probability of a one, shape `batch_shape`.
    pub fn probs(&self) -> &Tensor {
        &self.probs
    }
}

/// torch's `finfo(dtype).eps`.
fn machine_epsilon(kind: Kind) -> f64 {
    match kind {
        Kind::Half => 9.765_625e-4,
        Kind::BFloat16 => 7.812_5e-3,
        Kind::Float => f64::from(f32::EPSILON),
        _ => f64::EPSILON,
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

    /// torch: `torch.bernoulli(probs.expand(shape))` under `no_grad`.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        Ok(tch::no_grad(|| {
            self.probs.expand(shape.as_slice(), false).bernoulli()
        }))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        // BCE wants target and input of one dtype; 0/1 values lose nothing.
        let value = validate_value(self, value)?.to_kind(self.kind());
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
    fn entropy(&self) -> Tensor {
        self.logits.binary_cross_entropy_with_logits::<Tensor>(
            &self.probs,
            None,
            None,
            Reduction::None,
        )
    }

    /// `p`.
    fn mean(&self) -> Tensor {
        self.probs.shallow_clone()
    }

    /// `p (1 − p)`.
    fn variance(&self) -> Tensor {
        &self.probs * (1.0 - &self.probs)
    }
}
