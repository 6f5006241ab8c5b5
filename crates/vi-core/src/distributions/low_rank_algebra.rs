//! The capacitance-matrix algebra of a covariance `W Wᵀ + D` (low rank plus
//! diagonal): Cholesky factor of the capacitance, log-determinant by the
//! matrix determinant lemma and Mahalanobis distance by the Woodbury
//! identity (torch's `_batch_capacitance_tril`, `_batch_lowrank_logdet`,
//! `_batch_lowrank_mahalanobis`), shared by
//! [`LowRankMultivariateNormal`](crate::LowRankMultivariateNormal) and its
//! KL divergences.
//!
//! Shapes: `W` is `b_W + [n, m]`, `D` is `b_D + [n]`; the capacitance
//! `C = I_m + Wᵀ D⁻¹ W` is `broadcast(b_W, b_D) + [m, m]`.

use tch::{Kind, Tensor};

use crate::distributions::mahalanobis_squared;
use crate::error::Result;

/// `Wᵀ D⁻¹`, shape `broadcast(b_W, b_D) + [m, n]`.
pub(crate) fn factor_t_over_diag(cov_factor: &Tensor, cov_diag: &Tensor) -> Tensor {
    cov_factor.transpose(-2, -1) / cov_diag.unsqueeze(-2)
}

/// The lower Cholesky factor of the capacitance `C = I_m + Wᵀ D⁻¹ W`
/// (torch's `_batch_capacitance_tril`). `C`'s eigenvalues are at least 1,
/// so the factorization succeeds whenever `D > 0`.
///
/// # Errors
/// [`Error::Torch`](crate::Error::Torch) if libtorch cannot factor it (NaN
/// parameters admitted with validation off).
pub(crate) fn capacitance_tril(cov_factor: &Tensor, cov_diag: &Tensor) -> Result<Tensor> {
    let rank = cov_factor.size()[cov_factor.dim() - 1];
    let capacitance = factor_t_over_diag(cov_factor, cov_diag).matmul(cov_factor)
        + Tensor::eye(rank, (cov_factor.kind(), cov_factor.device()));
    Ok(capacitance.f_linalg_cholesky(false)?)
}

/// `log det(W Wᵀ + D) = 2 Σ log diag L_C + Σ log D` (matrix determinant
/// lemma; torch's `_batch_lowrank_logdet`), shape: the capacitance's batch.
pub(crate) fn low_rank_log_det(cov_diag: &Tensor, capacitance_tril: &Tensor) -> Tensor {
    let capacitance =
        capacitance_tril
            .diagonal(0, -2, -1)
            .log()
            .sum_dim_intlist(-1, false, None::<Kind>);
    capacitance * 2.0 + cov_diag.log().sum_dim_intlist(-1, false, None::<Kind>)
}

/// `xᵀ (W Wᵀ + D)⁻¹ x = Σ x²/D − ‖L_C⁻¹ Wᵀ D⁻¹ x‖²` (Woodbury identity;
/// torch's `_batch_lowrank_mahalanobis`) for `x` of shape `b_x + [n]`;
/// shape `broadcast(b_x, b_W, b_D)`.
pub(crate) fn low_rank_mahalanobis(
    cov_factor: &Tensor,
    cov_diag: &Tensor,
    x: &Tensor,
    capacitance_tril: &Tensor,
) -> Tensor {
    let projected = factor_t_over_diag(cov_factor, cov_diag)
        .matmul(&x.unsqueeze(-1))
        .squeeze_dim(-1);
    let diagonal_term = (x.square() / cov_diag).sum_dim_intlist(-1, false, None::<Kind>);
    diagonal_term - mahalanobis_squared(capacitance_tril, &projected)
}

/// `‖X‖²_F = tr(X Xᵀ)` over the last two dimensions (torch's
/// `_batch_trace_XXT`).
pub(crate) fn trace_xxt(matrix: &Tensor) -> Tensor {
    matrix
        .square()
        .sum_dim_intlist([-2i64, -1].as_slice(), false, None::<Kind>)
}
