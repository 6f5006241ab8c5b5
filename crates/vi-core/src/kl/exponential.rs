//! `KL(Exponential ‖ Exponential)`.

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::Exponential;
use crate::error::Result;

/// `KL(Exp(λ₁) ‖ Exp(λ₂)) = log λ₁ − log λ₂ + λ₂/λ₁ − 1`.
impl KlDivergence<Exponential> for Exponential {
    fn kl_divergence(&self, q: &Exponential) -> Result<Tensor> {
        check_batches(self, q)?;
        let rate_ratio = q.rate() / self.rate();
        Ok(self.log_rate() - q.log_rate() + rate_ratio - 1.0)
    }
}
