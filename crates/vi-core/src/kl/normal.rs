//! `KL(Normal ‖ Normal)`.

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distributions::Normal;
use crate::error::Result;

/// ```text
/// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½ [σ₁²/σ₂² + (μ₁ − μ₂)²/σ₂² − 1] − log(σ₁/σ₂)
/// ```
/// computed from the log-scales (no `log` of a ratio of `exp`s), so it
/// stays finite for `log_var` of ±30. Tutorial 3's `KL(mu, logvar)` is the
/// case `q = N(0, 1)`: `−½ (1 + log σ² − μ² − σ²)`.
impl KlDivergence<Normal> for Normal {
    fn kl_divergence(&self, q: &Normal) -> Result<Tensor> {
        check_batches(self, q)?;
        let log_ratio = self.log_scale() - q.log_scale();
        let var_ratio = (&log_ratio * 2.0).exp();
        let mahalanobis = ((self.loc() - q.loc()) / q.scale()).square();
        Ok((var_ratio + mahalanobis - 1.0) * 0.5 - log_ratio)
    }
}
