//! The categorical distribution over the classes `{0, …, K − 1}`, batched,
//! from probabilities or logits (torch's `Categorical`); the mixing
//! distribution of [`MixtureSameFamily`](crate::MixtureSameFamily).

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand};
use crate::error::{Error, Result};
use crate::toolkit;

const FAMILY: &str = "Categorical";

/// `Categorical(p)` over `{0, …, K − 1}`: `P(X = k) = p_k`.
///
/// Parameters have shape `batch_shape + [K]`; the batch shape is the
/// parameter's shape without its last dimension, the event shape is `[]`,
/// the support `{0, …, K − 1}` (torch's `integer_interval(0, K − 1)`).
/// As in torch, `probs` are normalized along the last dimension
/// (`p / Σ p`) and `logits` by log-sum-exp (`ℓ − logsumexp ℓ`), so either
/// may be given unnormalized; [`probs`](Self::probs) and
/// [`logits`](Self::logits) return the normalized values.
///
/// Mass: `log p(k) = ℓ_k − logsumexp(ℓ)` (torch's `log_prob`, a `gather` of
/// the normalized logits). Entropy: `H = −Σ_k p_k ℓ_k`, with `ℓ` clamped to
/// the type's lowest finite value so that a class of probability 0
/// contributes `0 · log 0 = 0`, as torch computes it.
///
/// Differences from torch, each on input torch refuses:
/// - samples, modes and enumerated supports are `int64` class indices, as
///   torch's are (not of the parameters' [`kind`](Distribution::kind));
/// - `log_prob` of a value outside the support (negative, `≥ K`, not an
///   integer, NaN) is `−∞`, the true log mass; torch raises when validating
///   and otherwise truncates the value or fails inside `gather`;
/// - `sample` with a sample shape of 0 elements returns an empty tensor
///   of the right shape, where torch's `multinomial` raises.
///
/// Not reparameterizable: it has no [`Rsample`](crate::Rsample) impl.
///
/// ```
/// use tch::Tensor;
/// use vi_core::{Categorical, Distribution};
/// # fn main() -> vi_core::Result<()> {
/// // Unnormalized weights, normalized as torch does.
/// let weather = Categorical::from_probs(&Tensor::from_slice(&[5.0f32, 3.0, 2.0]))?;
/// let days = weather.sample(&[7])?; // int64 class indices
/// assert_eq!(days.size(), [7]);
/// let log_mass = weather.log_prob(&Tensor::from_slice(&[0i64, 2]))?;
/// assert!((log_mass.double_value(&[1]) - 0.2f64.ln()).abs() < 1e-6);
/// # Ok(())
/// # }
/// ```
///
/// ```compile_fail
/// use vi_core::{Categorical, Rsample};
/// let c = Categorical::from_logits(&tch::Tensor::zeros([3], tch::kind::FLOAT_CPU)).unwrap();
/// let _ = c.rsample(&[2]); // Categorical does not implement Rsample
/// ```
#[derive(Debug)]
pub struct Categorical {
    /// Normalized, shape `batch_shape + [K]`.
    probs: Tensor,
    /// Normalized, shape `batch_shape + [K]`.
    logits: Tensor,
    batch_shape: Vec<i64>,
    num_events: i64,
}

impl Categorical {
    /// `Categorical(probs / Σ probs)`: `probs` of shape `batch_shape + [K]`,
    /// non-negative with a positive finite sum along the last dimension
    /// (torch's `Categorical(probs=…)`). The logits are `log` of the
    /// normalized probabilities clamped to `[ε, 1 − ε]` (torch's
    /// `probs_to_logits`), so a probability of exactly 0 gives a finite
    /// logit.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `probs` is 0-d or its last dimension
    /// is 0; [`Error::Dtype`] if it is not floating point;
    /// [`Error::InvalidParameter`] if a normalized row is not on the
    /// simplex (a negative entry, a zero, infinite or NaN sum; checked
    /// while [`validation`](crate::validation) is on).
    pub fn from_probs(probs: &Tensor) -> Result<Self> {
        let num_events = check_parameter("probs", probs)?;
        let total = probs.sum_dim_intlist(-1, true, None::<Kind>);
        let probs = probs / total;
        toolkit::check_constraint(
            FAMILY,
            "probs",
            &probs,
            &Constraint::Simplex,
            "non-negative with a positive, finite sum along the last dimension",
        )?;
        let logits = toolkit::probs_to_logits(&probs, false);
        Ok(Self::assemble(probs, logits, num_events))
    }

    /// `Categorical(softmax(logits))`: `logits` of shape `batch_shape + [K]`,
    /// unnormalized log-probabilities (torch's `Categorical(logits=…)`);
    /// `−∞` marks a class of probability 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `logits` is 0-d or its last dimension
    /// is 0; [`Error::Dtype`] if it is not floating point;
    /// [`Error::InvalidParameter`] if a normalized logit is NaN (a NaN or
    /// `+∞` logit, or a row of `−∞` only; checked while
    /// [`validation`](crate::validation) is on).
    pub fn from_logits(logits: &Tensor) -> Result<Self> {
        let num_events = check_parameter("logits", logits)?;
        let logits = logits - logits.logsumexp(-1, true);
        toolkit::check_constraint(
            FAMILY,
            "logits",
            &logits,
            &Constraint::Real.independent(1),
            "free of NaN and +inf, and not -inf in every class",
        )?;
        let probs = toolkit::logits_to_probs(&logits, false);
        Ok(Self::assemble(probs, logits, num_events))
    }

    fn assemble(probs: Tensor, logits: Tensor, num_events: i64) -> Self {
        let shape = probs.size();
        Self {
            probs,
            logits,
            batch_shape: shape[..shape.len() - 1].to_vec(),
            num_events,
        }
    }

    /// The normalized probabilities, shape `batch_shape + [K]`.
    pub fn probs(&self) -> &Tensor {
        &self.probs
    }

    /// The normalized logits `ℓ − logsumexp(ℓ)` (log-probabilities), shape
    /// `batch_shape + [K]`.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// The number of classes `K`.
    pub fn num_events(&self) -> i64 {
        self.num_events
    }

    /// `batch_shape + [K]`, the shape of the parameters (torch's
    /// `param_shape`).
    pub fn param_shape(&self) -> Vec<i64> {
        [self.batch_shape.as_slice(), &[self.num_events]].concat()
    }

    /// Class indices (`int64`) of `value` and where `value` lies in the
    /// support; both of `value`'s shape. Indices outside are 0.
    fn indices(&self, value: &Tensor) -> (Tensor, Tensor) {
        let value = if value.kind() == Kind::Bool {
            value.to_kind(Kind::Int64)
        } else {
            value.shallow_clone()
        };
        let mut inside = value.ge(0).logical_and(&value.le(self.num_events - 1));
        if value.is_floating_point() {
            inside = inside.logical_and(&value.eq_tensor(&value.trunc()));
        }
        let index = value
            .masked_fill(&inside.logical_not(), 0)
            .to_kind(Kind::Int64);
        (index, inside)
    }
}

/// Checks a `probs` or `logits` argument and returns its number of classes.
fn check_parameter(name: &'static str, tensor: &Tensor) -> Result<i64> {
    toolkit::check_floating(FAMILY, name, tensor)?;
    match tensor.size().last() {
        Some(&num_events) if num_events >= 1 => Ok(num_events),
        _ => Err(Error::InvalidArgument {
            context: FAMILY,
            name,
            expected: "a tensor of shape batch_shape + [K] with K >= 1 classes",
            found: format!("shape {:?}", tensor.size()),
        }),
    }
}

/// The lowest finite value of a floating-point type (torch's
/// `finfo(dtype).min`).
fn lowest_finite(kind: Kind) -> f64 {
    match kind {
        Kind::Half => -65504.0,
        Kind::BFloat16 => -3.389_531_389_251_535_5e38,
        Kind::Float => f64::from(f32::MIN),
        _ => f64::MIN,
    }
}

impl Distribution for Categorical {
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
        self.probs.kind()
    }

    fn device(&self) -> Device {
        self.probs.device()
    }

    fn support(&self) -> Constraint {
        Constraint::IntegerInterval(0, self.num_events - 1)
    }

    /// `int64` class indices. torch: `multinomial(probs.reshape(-1, K),
    /// n, replacement=True).T` reshaped to `sample_shape + batch_shape`,
    /// `n` the number of elements of `sample_shape`: the same generator
    /// calls, so seeded draws equal torch's.
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        // `extended_shape` has checked that no product overflows.
        let num_samples: i64 = sample_shape.iter().product();
        if num_samples == 0 {
            return Ok(Tensor::zeros(
                shape.as_slice(),
                (Kind::Int64, self.device()),
            ));
        }
        tch::no_grad(|| {
            let rows = self.probs.f_reshape([-1, self.num_events])?;
            let draws = rows.f_multinomial(num_samples, true)?.f_tr()?;
            Ok(draws.f_reshape(shape.as_slice())?)
        })
    }

    /// `ℓ_k − logsumexp(ℓ)` at `k = value` (any integer, floating or
    /// boolean dtype holding class indices), the shape of `value`
    /// broadcast with `batch_shape`; `−∞` outside the support.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        // Checks device and shapes; the indices are read from `value` itself,
        // not from its floating-point conversion.
        let _ = toolkit::validate_value(self, value)?;
        let (index, inside) = self.indices(value);
        // torch: `value, log_pmf = broadcast_tensors(value.unsqueeze(-1), logits)`,
        // then `log_pmf.gather(-1, value[..., :1]).squeeze(-1)`.
        let index = index.unsqueeze(-1);
        let shape = toolkit::broadcast_pair(
            FAMILY,
            ("value", &index.size()),
            ("logits", &self.logits.size()),
        )?;
        let outer = &shape[..shape.len() - 1];
        let index = index.expand([outer, &[1]].concat(), false);
        let log_pmf = self
            .logits
            .expand([outer, &[self.num_events]].concat(), false);
        let log_prob = log_pmf.gather(-1, &index, false).squeeze_dim(-1);
        Ok(log_prob.masked_fill(&inside.logical_not(), f64::NEG_INFINITY))
    }

    /// `H = −Σ_k p_k max(ℓ_k, lowest finite)`.
    fn entropy(&self) -> Result<Tensor> {
        let logits = self.logits.clamp_min(lowest_finite(self.kind()));
        let p_log_p = logits * &self.probs;
        Ok(-p_log_p.sum_dim_intlist(-1, false, None::<Kind>))
    }

    /// NaN, shape `batch_shape`, as torch gives it (class labels have no
    /// mean).
    fn mean(&self) -> Result<Tensor> {
        Ok(Tensor::full(
            self.batch_shape.as_slice(),
            f64::NAN,
            (self.kind(), self.device()),
        ))
    }

    /// NaN, shape `batch_shape`, as torch gives it.
    fn variance(&self) -> Result<Tensor> {
        self.mean()
    }

    /// The most probable class, `argmax_k p_k` (`int64`, the first on ties).
    fn mode(&self) -> Result<Tensor> {
        Ok(self.probs.argmax(-1, false))
    }

    /// `0, …, K − 1` (`int64`) along a new first dimension: shape
    /// `[K] + batch_shape` when `expand`, else `[K, 1, …, 1]`.
    fn enumerate_support(&self, expand: bool) -> Result<Tensor> {
        let ones = vec![1i64; self.batch_shape.len()];
        let values = Tensor::arange(self.num_events, (Kind::Int64, self.device()))
            .reshape([&[-1i64][..], &ones].concat());
        Ok(if expand {
            values.expand([&[-1i64][..], &self.batch_shape].concat(), false)
        } else {
            values
        })
    }
}

impl Expand for Categorical {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let param_shape = [batch_shape, &[self.num_events]].concat();
        Ok(Self {
            probs: self.probs.expand(param_shape.as_slice(), false),
            logits: self.logits.expand(param_shape.as_slice(), false),
            batch_shape: batch_shape.to_vec(),
            num_events: self.num_events,
        })
    }
}

impl Detach for Categorical {
    fn detach(&self) -> Self {
        Self {
            probs: self.probs.detach(),
            logits: self.logits.detach(),
            batch_shape: self.batch_shape.clone(),
            num_events: self.num_events,
        }
    }
}
