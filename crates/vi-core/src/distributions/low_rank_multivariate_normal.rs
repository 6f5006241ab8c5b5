//! The multivariate Normal distribution with a low-rank-plus-diagonal
//! covariance `W Wᵀ + D` (torch's `LowRankMultivariateNormal`): a
//! Gaussian variational family whose cost grows with `n·m`, not `n³`.

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::distributions::check_linalg_kind;
use crate::distributions::low_rank_algebra::{
    capacitance_tril, factor_t_over_diag, low_rank_log_det, low_rank_mahalanobis,
};
use crate::error::{Error, Result};
use crate::toolkit;

const FAMILY: &str = "LowRankMultivariateNormal";

/// `N(μ, W Wᵀ + D)` with `W` an `n × m` "covariance factor" and `D` a
/// positive diagonal.
///
/// `loc` has shape `[.., n]`, `cov_factor` `[.., n, m]`, `cov_diag`
/// `[.., n]`; their leading dimensions broadcast to the batch shape, the
/// event shape is `[n]`, the support the real vectors.
///
/// Density: `log p(x) = −½ (n log 2π + log det Σ + (x − μ)ᵀ Σ⁻¹ (x − μ))`,
/// with `log det Σ` by the matrix determinant lemma and `Σ⁻¹` by the
/// Woodbury identity through the `m × m` capacitance `C = I + Wᵀ D⁻¹ W`
/// (torch's formulas; Woodbury 1950, Harville 1997 §18), so no `n × n`
/// matrix is factored.
///
/// Differences from torch: a rank `m = 0` (a diagonal Gaussian) and an
/// event size `n = 0` are accepted, where torch's capacitance computation
/// raises; `loc` and `cov_factor` must be finite (torch admits `±∞`), as
/// vi-core's other Gaussians require.
///
/// A rank-1 variational posterior over 100 latents, trained through
/// [`rsample`](Rsample::rsample):
///
/// ```
/// use tch::{Device, Kind, Tensor};
/// use vi_core::{Distribution, LowRankMultivariateNormal, Rsample};
/// # fn main() -> vi_core::Result<()> {
/// let options = (Kind::Float, Device::Cpu);
/// let loc = Tensor::zeros([100], options).set_requires_grad(true);
/// let factor = (Tensor::ones([100, 1], options) * 0.1).set_requires_grad(true);
/// let diag = Tensor::ones([100], options);
/// let q = LowRankMultivariateNormal::new(&loc, &factor, &diag)?;
/// let z = q.rsample(&[8])?; // [8, 100]
/// let objective = q.log_prob(&z)?.mean(Kind::Float);
/// objective.backward();
/// assert_eq!(factor.grad().size(), [100, 1]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct LowRankMultivariateNormal {
    /// Expanded to `batch_shape + [n]`.
    loc: Tensor,
    /// Expanded to `batch_shape + [n, m]`.
    cov_factor: Tensor,
    /// Expanded to `batch_shape + [n]`.
    cov_diag: Tensor,
    /// As given: the matrix algebra broadcasts them.
    unbroadcasted_cov_factor: Tensor,
    unbroadcasted_cov_diag: Tensor,
    /// Cholesky factor of `I + Wᵀ D⁻¹ W`, shape `broadcast(b_W, b_D) + [m, m]`.
    capacitance_tril: Tensor,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl LowRankMultivariateNormal {
    /// `N(loc, cov_factor · cov_factorᵀ + diag(cov_diag))`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `loc` is not at least 1-D, `cov_factor`
    /// not `[.., n, m]` or `cov_diag` not `[.., n]` with the `n` of `loc`,
    /// or the batch dimensions do not broadcast; [`Error::Dtype`] or
    /// [`Error::DeviceMismatch`] if the three are not floating point of one
    /// type (float32 or float64: libtorch has no half-precision triangular
    /// solves) on one device; [`Error::InvalidParameter`] if `loc` or
    /// `cov_factor` is not finite or `cov_diag` not positive and finite
    /// (checked while [`validation`](crate::validation) is on).
    pub fn new(loc: &Tensor, cov_factor: &Tensor, cov_diag: &Tensor) -> Result<Self> {
        check_linalg_kind(FAMILY, "loc", loc)?;
        check_linalg_kind(FAMILY, "cov_factor", cov_factor)?;
        check_linalg_kind(FAMILY, "cov_diag", cov_diag)?;
        let place = (loc.kind(), loc.device());
        toolkit::check_same_place(FAMILY, "cov_factor", cov_factor, place)?;
        toolkit::check_same_place(FAMILY, "cov_diag", cov_diag, place)?;
        let (loc_shape, factor_shape, diag_shape) =
            (loc.size(), cov_factor.size(), cov_diag.size());
        let mismatch = |right: &'static str, right_shape: &[i64]| Error::ShapeMismatch {
            context: FAMILY,
            left: "loc",
            left_shape: loc_shape.clone(),
            right,
            right_shape: right_shape.to_vec(),
        };
        let Some((&n, loc_batch)) = loc_shape.split_last() else {
            return Err(mismatch("cov_diag", &diag_shape));
        };
        if factor_shape.len() < 2 || factor_shape[factor_shape.len() - 2] != n {
            return Err(mismatch("cov_factor", &factor_shape));
        }
        if diag_shape.last() != Some(&n) {
            return Err(mismatch("cov_diag", &diag_shape));
        }
        let (factor_batch, matrix) = factor_shape.split_at(factor_shape.len() - 2);
        let rank = matrix[1];
        let diag_batch = &diag_shape[..diag_shape.len() - 1];
        let batch =
            toolkit::broadcast_pair(FAMILY, ("loc", loc_batch), ("cov_factor", factor_batch))?;
        let batch_shape =
            toolkit::broadcast_pair(FAMILY, ("cov_factor", &batch), ("cov_diag", diag_batch))?;
        toolkit::check_finite(FAMILY, "loc", loc)?;
        toolkit::check_finite(FAMILY, "cov_factor", cov_factor)?;
        toolkit::check_positive(FAMILY, "cov_diag", cov_diag)?;
        let capacitance_tril = capacitance_tril(cov_factor, cov_diag)?;
        let vector_shape = [batch_shape.as_slice(), &[n]].concat();
        Ok(Self {
            loc: loc.expand(vector_shape.as_slice(), false),
            cov_factor: cov_factor.expand([batch_shape.as_slice(), &[n, rank]].concat(), false),
            cov_diag: cov_diag.expand(vector_shape.as_slice(), false),
            unbroadcasted_cov_factor: cov_factor.shallow_clone(),
            unbroadcasted_cov_diag: cov_diag.shallow_clone(),
            capacitance_tril,
            batch_shape,
            event_shape: vec![n],
        })
    }

    /// Mean `μ`, shape `batch_shape + [n]`.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// `W`, shape `batch_shape + [n, m]`.
    pub fn cov_factor(&self) -> &Tensor {
        &self.cov_factor
    }

    /// The diagonal of `D`, shape `batch_shape + [n]`.
    pub fn cov_diag(&self) -> &Tensor {
        &self.cov_diag
    }

    /// `W` as given, shape `[.., n, m]` (broadcastable to the batch shape).
    pub(crate) fn unbroadcasted_cov_factor(&self) -> &Tensor {
        &self.unbroadcasted_cov_factor
    }

    /// `D`'s diagonal as given, shape `[.., n]`.
    pub(crate) fn unbroadcasted_cov_diag(&self) -> &Tensor {
        &self.unbroadcasted_cov_diag
    }

    /// The Cholesky factor of the capacitance `I + Wᵀ D⁻¹ W`, shape
    /// `[.., m, m]`.
    pub(crate) fn capacitance(&self) -> &Tensor {
        &self.capacitance_tril
    }

    /// The rank `m` of `W`.
    pub fn rank(&self) -> i64 {
        self.cov_factor.size()[self.cov_factor.dim() - 1]
    }

    /// `log det(W Wᵀ + D)`, shape: the capacitance's batch shape.
    pub(crate) fn log_det(&self) -> Tensor {
        low_rank_log_det(&self.unbroadcasted_cov_diag, &self.capacitance_tril)
    }

    fn dim(&self) -> i64 {
        self.event_shape[0]
    }

    fn matrix_shape(&self) -> Vec<i64> {
        [self.batch_shape.as_slice(), &[self.dim(), self.dim()]].concat()
    }

    /// `Σ = W Wᵀ + diag(D)`, shape `batch_shape + [n, n]`.
    pub fn covariance_matrix(&self) -> Tensor {
        let w = &self.unbroadcasted_cov_factor;
        let covariance =
            w.matmul(&w.transpose(-2, -1)) + self.unbroadcasted_cov_diag.diag_embed(0, -2, -1);
        covariance.expand(self.matrix_shape(), false)
    }

    /// `Σ⁻¹ = D⁻¹ − D⁻¹ W C⁻¹ Wᵀ D⁻¹` by the Woodbury identity, shape
    /// `batch_shape + [n, n]` (torch's `precision_matrix`).
    pub fn precision_matrix(&self) -> Tensor {
        let projected =
            factor_t_over_diag(&self.unbroadcasted_cov_factor, &self.unbroadcasted_cov_diag);
        let a = self
            .capacitance_tril
            .linalg_solve_triangular(&projected, false, true, false);
        let precision = self
            .unbroadcasted_cov_diag
            .reciprocal()
            .diag_embed(0, -2, -1)
            - a.transpose(-2, -1).matmul(&a);
        precision.expand(self.matrix_shape(), false)
    }

    /// The lower Cholesky factor `L` of `Σ = L Lᵀ`, shape
    /// `batch_shape + [n, n]`, computed as torch does from
    /// `Σ = D^½ (I + D^−½ W Wᵀ D^−½) D^½`, whose middle factor has
    /// eigenvalues of at least 1 (Rasmussen & Williams 2006, §3.4.3).
    ///
    /// # Errors
    /// [`Error::Torch`](crate::Error::Torch) if libtorch cannot factor it
    /// (non-finite parameters admitted with validation off).
    pub fn scale_tril(&self) -> Result<Tensor> {
        let n = self.dim();
        let diag_sqrt = self.unbroadcasted_cov_diag.sqrt().unsqueeze(-1);
        let scaled = &self.unbroadcasted_cov_factor / &diag_sqrt;
        let k =
            scaled.matmul(&scaled.transpose(-2, -1)) + Tensor::eye(n, (self.kind(), self.device()));
        let scale_tril = diag_sqrt * k.f_linalg_cholesky(false)?;
        Ok(scale_tril.expand(self.matrix_shape(), false))
    }
}

impl Distribution for LowRankMultivariateNormal {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &self.event_shape
    }

    fn kind(&self) -> Kind {
        self.loc.kind()
    }

    fn device(&self) -> Device {
        self.loc.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Real.independent(1)
    }

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    /// The shape of `value` without its last dimension, broadcast with the
    /// batch shape; `value` is converted to the parameters' type (the
    /// matrix products do not promote, and torch's raise).
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?.to_kind(self.kind());
        let diff = value - &self.loc;
        let mahalanobis = low_rank_mahalanobis(
            &self.unbroadcasted_cov_factor,
            &self.unbroadcasted_cov_diag,
            &diff,
            &self.capacitance_tril,
        );
        let n = self.dim() as f64;
        Ok((mahalanobis + self.log_det() + n * (2.0 * PI).ln()) * -0.5)
    }

    /// `H = ½ (n (1 + log 2π) + log det Σ)`.
    fn entropy(&self) -> Result<Tensor> {
        let n = self.dim() as f64;
        let entropy = (self.log_det() + n * (1.0 + (2.0 * PI).ln())) * 0.5;
        Ok(entropy.expand(self.batch_shape.as_slice(), false))
    }

    fn mean(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `μ`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// The diagonal of `Σ`: `Σⱼ Wᵢⱼ² + Dᵢ`.
    fn variance(&self) -> Result<Tensor> {
        let variance =
            self.unbroadcasted_cov_factor
                .square()
                .sum_dim_intlist(-1, false, None::<Kind>)
                + &self.unbroadcasted_cov_diag;
        Ok(variance.expand(
            [self.batch_shape.as_slice(), &self.event_shape].concat(),
            false,
        ))
    }
}

impl Rsample for LowRankMultivariateNormal {
    /// `z = μ + W ε_W + √D ⊙ ε_D` with `ε_W ~ N(0, I_m)` of shape
    /// `sample_shape + batch_shape + [m]` drawn first, then `ε_D ~ N(0, I_n)`
    /// of shape `sample_shape + batch_shape + [n]`, each as
    /// `empty(shape).normal_()` (torch's order and `_standard_normal`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape =
            toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &self.event_shape)?;
        let factor_shape = [&shape[..shape.len() - 1], &[self.rank()]].concat();
        let options = (self.kind(), self.device());
        let eps_w = Tensor::f_empty(factor_shape.as_slice(), options)?.f_normal_(0.0, 1.0)?;
        let eps_d = Tensor::f_empty(shape.as_slice(), options)?.f_normal_(0.0, 1.0)?;
        let mixed = self
            .unbroadcasted_cov_factor
            .matmul(&eps_w.unsqueeze(-1))
            .squeeze_dim(-1);
        Ok(&self.loc + mixed + self.unbroadcasted_cov_diag.sqrt() * eps_d)
    }
}

impl Expand for LowRankMultivariateNormal {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        let vector_shape = [batch_shape, &self.event_shape].concat();
        let factor_shape = [batch_shape, &[self.dim(), self.rank()]].concat();
        Ok(Self {
            loc: self.loc.expand(vector_shape.as_slice(), false),
            cov_factor: self.cov_factor.expand(factor_shape.as_slice(), false),
            cov_diag: self.cov_diag.expand(vector_shape.as_slice(), false),
            unbroadcasted_cov_factor: self.unbroadcasted_cov_factor.shallow_clone(),
            unbroadcasted_cov_diag: self.unbroadcasted_cov_diag.shallow_clone(),
            capacitance_tril: self.capacitance_tril.shallow_clone(),
            batch_shape: batch_shape.to_vec(),
            event_shape: self.event_shape.clone(),
        })
    }
}

impl Detach for LowRankMultivariateNormal {
    fn detach(&self) -> Self {
        Self {
            loc: self.loc.detach(),
            cov_factor: self.cov_factor.detach(),
            cov_diag: self.cov_diag.detach(),
            unbroadcasted_cov_factor: self.unbroadcasted_cov_factor.detach(),
            unbroadcasted_cov_diag: self.unbroadcasted_cov_diag.detach(),
            capacitance_tril: self.capacitance_tril.detach(),
            batch_shape: self.batch_shape.clone(),
            event_shape: self.event_shape.clone(),
        }
    }
}
