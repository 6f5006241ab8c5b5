//! `KL(Bernoulli ‖ Bernoulli)`.

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::Bernoulli;
use crate::error::Result;

/// In terms of the logits `ℓ`,
/// ```text
/// KL(Ber(p₁) ‖ Ber(p₂)) = p₁ [softplus(−ℓ₂) − softplus(−ℓ₁)]
///                       + (1 − p₁) [softplus(ℓ₂) − softplus(ℓ₁)]
/// ```
/// finite for logits of ±100. torch additionally forces `+∞` where `q`'s
/// probability is exactly 0 or 1; vi-core keeps the finite value, which is
/// correct whenever that probability came from finite logits (and, for one
/// built from probabilities, is the KL against the clamped `[ε, 1 − ε]`
/// probability).
impl KlDivergence<Bernoulli> for Bernoulli {
    fn kl_divergence(&self, q: &Bernoulli) -> Result<Tensor> {
        check_batches(self, q)?;
        let (l1, l2) = (self.logits(), q.logits());
        let ones = self.probs() * (l2.neg().softplus() - l1.neg().softplus());
        let zeros = (1.0 - self.probs()) * (l2.softplus() - l1.softplus());
        Ok(ones + zeros)
    }
}
