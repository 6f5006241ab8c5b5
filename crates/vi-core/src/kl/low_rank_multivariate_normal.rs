//! KL divergences between Gaussians with a low-rank-plus-diagonal
//! covariance and full ones: `LowRankMultivariateNormal ‖
//! LowRankMultivariateNormal`, `MultivariateNormal ‖
//! LowRankMultivariateNormal` and `LowRankMultivariateNormal ‖
//! MultivariateNormal`.
//!
//! All three are the Gaussian KL (Wikipedia, "Multivariate normal
//! distribution", Kullback–Leibler divergence)
//! ```text
//! KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) = ½ [log det Σ₂ − log det Σ₁ + tr(Σ₂⁻¹ Σ₁)
//!                               + (μ₂ − μ₁)ᵀ Σ₂⁻¹ (μ₂ − μ₁) − n]
//! ```
//! with the determinant lemma and the Woodbury identity for a low-rank
//! `Σ = W Wᵀ + D` (capacitance `C = I + Wᵀ D⁻¹ W = L_C L_Cᵀ`,
//! `A = L_C⁻¹ Wᵀ D⁻¹`, so that `Σ⁻¹ = D⁻¹ − Aᵀ A`), term by term as torch's
//! `kl.py` computes them. `p` and `q` must have one element type (the
//! matrix products do not promote; torch's raise).

use tch::{Kind, Tensor};

use super::{KlDivergence, check_batches, check_events, check_kinds};
use crate::distribution::Distribution;
use crate::distributions::{
    LowRankMultivariateNormal, MultivariateNormal, factor_t_over_diag, low_rank_mahalanobis,
    mahalanobis_squared, trace_xxt,
};
use crate::error::Result;

/// `A = L_C⁻¹ Wᵀ D⁻¹` of `q`, shape `[.., m, n]`.
fn woodbury_factor(q: &LowRankMultivariateNormal) -> Tensor {
    let projected = factor_t_over_diag(q.unbroadcasted_cov_factor(), q.unbroadcasted_cov_diag());
    q.capacitance()
        .linalg_solve_triangular(&projected, false, true, false)
}

/// `(μ_q − μ_p)ᵀ Σ_q⁻¹ (μ_q − μ_p)` for a low-rank `q`, shape `batch`.
fn low_rank_mahalanobis_of_locs(
    p_loc: &Tensor,
    q: &LowRankMultivariateNormal,
    batch: &[i64],
) -> Tensor {
    let n = q.event_shape()[0];
    let diff = (q.loc() - p_loc).expand([batch, &[n]].concat(), false);
    low_rank_mahalanobis(
        q.unbroadcasted_cov_factor(),
        q.unbroadcasted_cov_diag(),
        &diff,
        q.capacitance(),
    )
}

/// `tr(Σ_q⁻¹ Σ_p)` for `Σ_p = W_p W_pᵀ + D_p` expanded as
/// `Σ D_p/D_q + ‖D_q^−½ W_p‖² − ‖A D_p^½‖² − ‖A W_p‖²` (torch's
/// `_kl_lowrankmultivariatenormal_lowrankmultivariatenormal`).
impl KlDivergence<LowRankMultivariateNormal> for LowRankMultivariateNormal {
    fn kl_divergence(&self, q: &LowRankMultivariateNormal) -> Result<Tensor> {
        check_events(self, q)?;
        check_kinds(self, q)?;
        let batch = check_batches(self, q)?;
        let n = self.event_shape()[0];
        let log_det_ratio = q.log_det() - self.log_det();
        let mahalanobis = low_rank_mahalanobis_of_locs(self.loc(), q, &batch);
        let a = woodbury_factor(q);
        let (p_factor, p_diag) = (
            self.unbroadcasted_cov_factor(),
            self.unbroadcasted_cov_diag(),
        );
        let q_diag = q.unbroadcasted_cov_diag();
        let diagonal_ratio = (p_diag / q_diag).sum_dim_intlist(-1, false, None::<Kind>);
        let factor_over_q_diag = trace_xxt(&(p_factor * q_diag.rsqrt().unsqueeze(-1)));
        let a_diag = trace_xxt(&(&a * p_diag.sqrt().unsqueeze(-2)));
        let a_factor = trace_xxt(&a.matmul(p_factor));
        let trace = diagonal_ratio + factor_over_q_diag - a_diag - a_factor;
        let kl = (log_det_ratio + trace + mahalanobis - n as f64) * 0.5;
        Ok(kl.expand(batch.as_slice(), false))
    }
}

/// `tr(Σ_q⁻¹ L_p L_pᵀ) = ‖D_q^−½ L_p‖² − ‖A L_p‖²` (torch's
/// `_kl_multivariatenormal_lowrankmultivariatenormal`).
impl KlDivergence<LowRankMultivariateNormal> for MultivariateNormal {
    fn kl_divergence(&self, q: &LowRankMultivariateNormal) -> Result<Tensor> {
        check_events(self, q)?;
        check_kinds(self, q)?;
        let batch = check_batches(self, q)?;
        let n = self.event_shape()[0];
        let log_det_ratio = q.log_det() - self.half_log_det() * 2.0;
        let mahalanobis = low_rank_mahalanobis_of_locs(self.loc(), q, &batch);
        let a = woodbury_factor(q);
        let p_tril = self.scale_tril();
        let tril_over_q_diag =
            trace_xxt(&(p_tril * q.unbroadcasted_cov_diag().rsqrt().unsqueeze(-1)));
        let a_tril = trace_xxt(&a.matmul(p_tril));
        let trace = tril_over_q_diag - a_tril;
        let kl = (log_det_ratio + trace + mahalanobis - n as f64) * 0.5;
        Ok(kl.expand(batch.as_slice(), false))
    }
}

/// `tr(Σ_q⁻¹ Σ_p) = ‖L_q⁻¹ W_p‖² + ‖L_q⁻¹ D_p^½‖²` (torch's
/// `_kl_lowrankmultivariatenormal_multivariatenormal`; torch broadcasts
/// `D_p` only to the batch of `L_q` and `W_p`, vi-core to all three).
impl KlDivergence<MultivariateNormal> for LowRankMultivariateNormal {
    fn kl_divergence(&self, q: &MultivariateNormal) -> Result<Tensor> {
        check_events(self, q)?;
        check_kinds(self, q)?;
        let batch = check_batches(self, q)?;
        let n = self.event_shape()[0];
        let log_det_ratio = q.half_log_det() * 2.0 - self.log_det();
        let diff = (q.loc() - self.loc()).expand([batch.as_slice(), &[n]].concat(), false);
        let mahalanobis = mahalanobis_squared(q.scale_tril(), &diff);
        let (p_factor, p_diag) = (
            self.unbroadcasted_cov_factor(),
            self.unbroadcasted_cov_diag(),
        );
        let rank = self.rank();
        let q_tril = q
            .scale_tril()
            .expand([batch.as_slice(), &[n, n]].concat(), false);
        let factor = p_factor.expand([batch.as_slice(), &[n, rank]].concat(), false);
        let diag = p_diag
            .sqrt()
            .diag_embed(0, -2, -1)
            .expand([batch.as_slice(), &[n, n]].concat(), false);
        let factor_term = trace_xxt(&q_tril.linalg_solve_triangular(&factor, false, true, false));
        let diag_term = trace_xxt(&q_tril.linalg_solve_triangular(&diag, false, true, false));
        let trace = factor_term + diag_term;
        let kl = (log_det_ratio + trace + mahalanobis - n as f64) * 0.5;
        Ok(kl.expand(batch.as_slice(), false))
    }
}
