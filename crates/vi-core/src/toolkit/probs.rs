//! torch's `finfo` constants and its probability helpers
//! (`torch.distributions.utils`): clamping, and conversions between
//! probabilities and logits.

use tch::{Kind, Tensor};

/// The machine epsilon of a floating-point type (torch's
/// `finfo(dtype).eps`): the gap between 1 and the next larger number.
pub fn machine_epsilon(kind: Kind) -> f64 {
    match kind {
        Kind::Half => 9.765_625e-4,
        Kind::BFloat16 => 7.812_5e-3,
        Kind::Float => f64::from(f32::EPSILON),
        _ => f64::EPSILON,
    }
}

/// The smallest positive normal number of a floating-point type (torch's
/// `finfo(dtype).tiny`).
pub fn tiny(kind: Kind) -> f64 {
    match kind {
        Kind::Half => 6.103_515_625e-5,
        Kind::BFloat16 | Kind::Float => f64::from(f32::MIN_POSITIVE),
        _ => f64::MIN_POSITIVE,
    }
}

/// Probabilities clamped to `[ε, 1 − ε]`, `ε` the type's
/// [`machine_epsilon`] (torch's `clamp_probs`), so that `log p` and
/// `log(1 − p)` are finite.
pub fn clamp_probs(probs: &Tensor) -> Tensor {
    let eps = machine_epsilon(probs.kind());
    probs.clamp(eps, 1.0 - eps)
}

/// Logits of probabilities (torch's `probs_to_logits`): for a binary
/// variable (`is_binary`) `log p − log(1 − p)`, else `log p` (the logits of
/// a categorical, defined up to an additive constant); computed from the
/// clamped probabilities.
pub fn probs_to_logits(probs: &Tensor, is_binary: bool) -> Tensor {
    let clamped = clamp_probs(probs);
    if is_binary {
        clamped.log() - clamped.neg().log1p()
    } else {
        clamped.log()
    }
}

/// Probabilities of logits (torch's `logits_to_probs`): `sigmoid(ℓ)` for a
/// binary variable, else `softmax(ℓ)` over the last dimension. Integer or
/// boolean logits are first converted to float32 (torch's default type;
/// its `softmax` has no integer kernel).
pub fn logits_to_probs(logits: &Tensor, is_binary: bool) -> Tensor {
    let logits = if logits.is_floating_point() {
        logits.shallow_clone()
    } else {
        logits.to_kind(Kind::Float)
    };
    if is_binary {
        logits.sigmoid()
    } else {
        logits.softmax(-1, logits.kind())
    }
}
