//! `KL(MultivariateNormal ‖ MultivariateNormal)`.

use tch::Tensor;

use super::{KlDivergence, check_batches, check_events};
use crate::distribution::Distribution;
use crate::distributions::{MultivariateNormal, mahalanobis_squared};
use crate::error::Result;

/// For `Σᵢ = LᵢLᵢᵀ` (Wikipedia, "Multivariate normal distribution"; torch's
/// `_kl_multivariatenormal_multivariatenormal`):
/// ```text
/// KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) = Σ log diag L₂ − Σ log diag L₁
///                           + ½ [‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ − μ₁)‖² − n]
/// ```
impl KlDivergence<MultivariateNormal> for MultivariateNormal {
    fn kl_divergence(&self, q: &MultivariateNormal) -> Result<Tensor> {
        check_events(self, q)?;
        let batch = check_batches(self, q)?;
        let n = self.event_shape()[0];
        let matrix_shape = [batch.as_slice(), &[n, n]].concat();
        let q_tril = q.scale_tril().expand(matrix_shape.as_slice(), false);
        let p_tril = self.scale_tril().expand(matrix_shape.as_slice(), false);
        let half_log_det_ratio = q.half_log_det() - self.half_log_det();
        let trace = q_tril
            .linalg_solve_triangular(&p_tril, false, true, false)
            .square()
            .sum_dim_intlist([-2, -1].as_slice(), false, None);
        let diff = (q.loc() - self.loc()).expand([batch.as_slice(), &[n]].concat(), false);
        let mahalanobis = mahalanobis_squared(&q_tril, &diff);
        Ok(half_log_det_ratio + (trace + mahalanobis - n as f64) * 0.5)
    }
}
