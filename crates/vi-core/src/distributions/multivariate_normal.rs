//! The multivariate Normal distribution `N(μ, LLᵀ)` parameterized by a
//! lower-triangular `scale_tril` (torch's `MultivariateNormal`); tutorial
//! 2's conv VAE uses it for its prior `N(0, I)`.

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::error::{Error, Result};
use crate::toolkit::{self, broadcast_pair};

const FAMILY: &str = "MultivariateNormal";

/// `N(μ, Σ)` with `Σ = L Lᵀ`, `L` lower triangular with a positive diagonal.
///
/// `loc` has shape `[.., n]` and `scale_tril` `[.., n, n]`; their leading
/// dimensions broadcast to the batch shape, the event shape is `[n]`, the
/// support the real vectors.
///
/// Density: `log p(x) = −½ (n log 2π + ‖L⁻¹(x − μ)‖²) − Σᵢ log Lᵢᵢ`.
#[derive(Debug)]
pub struct MultivariateNormal {
    loc: Tensor,
    /// As given (not expanded): matrix products broadcast it.
    scale_tril: Tensor,
    batch_shape: Vec<i64>,
    event_shape: Vec<i64>,
}

impl MultivariateNormal {
    /// `N(loc, scale_tril · scale_trilᵀ)`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `loc` is not at least 1-D, `scale_tril`
    /// not `[.., n, n]` with the `n` of `loc`, or the batch dimensions do
    /// not broadcast; [`Error::InvalidParameter`] if `scale_tril` has a
    /// non-zero entry above the diagonal or a diagonal entry that is not
    /// positive and finite, or `loc` is not finite (value checks run while
    /// [`validation`](crate::validation) is on); [`Error::Dtype`] unless
    /// both are float32 or both float64 (libtorch has no half-precision
    /// triangular solves).
    pub fn new(loc: &Tensor, scale_tril: &Tensor) -> Result<Self> {
        check_linalg_kind(FAMILY, "loc", loc)?;
        check_linalg_kind(FAMILY, "scale_tril", scale_tril)?;
        let loc_shape = loc.size();
        let tril_shape = scale_tril.size();
        let mismatch = || Error::ShapeMismatch {
            context: FAMILY,
            left: "loc",
            left_shape: loc_shape.clone(),
            right: "scale_tril",
            right_shape: tril_shape.clone(),
        };
        let (Some((&n, loc_batch)), true) = (loc_shape.split_last(), tril_shape.len() >= 2) else {
            return Err(mismatch());
        };
        let (tril_batch, matrix) = tril_shape.split_at(tril_shape.len() - 2);
        if matrix != [n, n] {
            return Err(mismatch());
        }
        let batch_shape = broadcast_pair(FAMILY, ("loc", loc_batch), ("scale_tril", tril_batch))?;
        toolkit::check_same_place(FAMILY, "scale_tril", scale_tril, (loc.kind(), loc.device()))?;
        toolkit::check_finite(FAMILY, "loc", loc)?;
        if crate::validation::enabled() {
            let upper = scale_tril.triu(1);
            if toolkit::any(&upper.ne(0.0)) {
                return Err(Error::InvalidParameter {
                    family: FAMILY,
                    parameter: "scale_tril",
                    constraint: "lower triangular",
                    found: "non-zero entries above the diagonal".to_string(),
                });
            }
        }
        let diagonal = scale_tril.diagonal(0, -2, -1);
        toolkit::check_positive(FAMILY, "scale_tril diagonal", &diagonal)?;
        let event_shape = vec![n];
        Ok(Self {
            loc: loc.expand([batch_shape.as_slice(), &event_shape].concat(), false),
            scale_tril: scale_tril.shallow_clone(),
            batch_shape,
            event_shape,
        })
    }

    /// `N(loc, covariance_matrix)`, factored by a Cholesky decomposition.
    ///
    /// # Errors
    /// As [`MultivariateNormal::new`], and [`Error::InvalidParameter`] if a
    /// covariance matrix is not positive definite.
    pub fn from_covariance_matrix(loc: &Tensor, covariance_matrix: &Tensor) -> Result<Self> {
        check_linalg_kind(FAMILY, "covariance_matrix", covariance_matrix)?;
        let (scale_tril, info) = covariance_matrix.f_linalg_cholesky_ex(false, false)?;
        if toolkit::any(&info.ne(0)) {
            return Err(Error::InvalidParameter {
                family: FAMILY,
                parameter: "covariance_matrix",
                constraint: "symmetric positive definite",
                found: "a matrix whose Cholesky factorization failed".to_string(),
            });
        }
        Self::new(loc, &scale_tril)
    }

    /// `N(loc, precision_matrix⁻¹)`, with the scale factor computed as
    /// torch's `_precision_to_scale_tril` does: `L_f = chol(flip(P))`,
    /// `L⁻¹ = flip(L_f)ᵀ`, `L = (L⁻¹)⁻¹` by a triangular solve — a lower
    /// factor of `P⁻¹` without inverting `P` itself.
    ///
    /// # Errors
    /// As [`MultivariateNormal::new`], and [`Error::InvalidParameter`] if a
    /// precision matrix is not positive definite.
    pub fn from_precision_matrix(loc: &Tensor, precision_matrix: &Tensor) -> Result<Self> {
        check_linalg_kind(FAMILY, "precision_matrix", precision_matrix)?;
        let flipped = precision_matrix.f_flip([-2, -1])?;
        let (flipped_factor, info) = flipped.f_linalg_cholesky_ex(false, false)?;
        if toolkit::any(&info.ne(0)) {
            return Err(Error::InvalidParameter {
                family: FAMILY,
                parameter: "precision_matrix",
                constraint: "symmetric positive definite",
                found: "a matrix whose Cholesky factorization failed".to_string(),
            });
        }
        let inverse_factor = flipped_factor.f_flip([-2, -1])?.f_transpose(-2, -1)?;
        let n = precision_matrix.size().last().copied().unwrap_or(0);
        let identity = Tensor::f_eye(n, (precision_matrix.kind(), precision_matrix.device()))?;
        let scale_tril = inverse_factor.f_linalg_solve_triangular(&identity, false, true, false)?;
        Self::new(loc, &scale_tril)
    }

    /// `Σ⁻¹ = (L Lᵀ)⁻¹` from the factor (torch's `cholesky_inverse`), shape
    /// `batch_shape + [n, n]`.
    pub fn precision_matrix(&self) -> Tensor {
        self.scale_tril
            .cholesky_inverse(false)
            .expand(self.matrix_shape(), false)
    }

    /// Mean `μ`, shape `batch_shape + [n]`.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// `L` as given, shape `[.., n, n]` (broadcastable to the batch shape).
    pub fn scale_tril(&self) -> &Tensor {
        &self.scale_tril
    }

    /// `Σ = L Lᵀ`, shape `batch_shape + [n, n]`.
    pub fn covariance_matrix(&self) -> Tensor {
        self.scale_tril
            .matmul(&self.scale_tril.transpose(-2, -1))
            .expand(self.matrix_shape(), false)
    }

    fn dim(&self) -> i64 {
        self.event_shape[0]
    }

    fn matrix_shape(&self) -> Vec<i64> {
        [self.batch_shape.as_slice(), &[self.dim(), self.dim()]].concat()
    }

    /// `½ log det Σ = Σᵢ log Lᵢᵢ`, shape: `scale_tril`'s batch shape.
    pub(crate) fn half_log_det(&self) -> Tensor {
        self.scale_tril
            .diagonal(0, -2, -1)
            .log()
            .sum_dim_intlist(-1, false, None)
    }
}

/// Requires float32 or float64: libtorch's Cholesky factorizations and
/// triangular solves have no half-precision kernels.
///
/// # Errors
/// [`Error::Dtype`] naming `family` and `name`.
pub(crate) fn check_linalg_kind(
    family: &'static str,
    name: &'static str,
    tensor: &Tensor,
) -> Result<()> {
    if matches!(tensor.kind(), Kind::Float | Kind::Double) {
        return Ok(());
    }
    Err(Error::Dtype {
        context: family,
        name,
        expected: "float32 or float64 (libtorch has no half-precision triangular solves)",
        found: tensor.kind(),
    })
}

/// `‖L⁻¹ d‖²` (torch's `_batch_mahalanobis`) for `scale_tril` `L` of shape
/// `b + [n, n]` and `diff` of shape `x + [n]`, where `x` broadcasts with `b`
/// and is at least as long (every size of `b` is 1 or the aligned size of
/// `x`). Shape `x`.
///
/// One triangular solve for all of it: the dimensions of `x` that `L`
/// broadcasts over are folded into right-hand-side columns, so `L` is never
/// copied per sample.
pub(crate) fn mahalanobis_squared(scale_tril: &Tensor, diff: &Tensor) -> Tensor {
    let matrix = scale_tril.size();
    let l_batch = &matrix[..matrix.len() - 2];
    let n = matrix[matrix.len() - 1];
    let shape = diff.size();
    let x_batch = &shape[..shape.len() - 1];
    if n == 0 || diff.numel() == 0 {
        // Nothing to solve (and no size to infer a `-1` from): an empty
        // batch, or vectors of length 0 whose squared norm is 0.
        return Tensor::zeros(x_batch, (diff.kind(), diff.device()));
    }
    let outer = x_batch.len() - l_batch.len();
    // x = outer + [(s_x / s_L) · s_L for each aligned dimension]; split each
    // aligned dimension into (s_x / s_L, s_L) and move the s_L parts last.
    let mut split_shape: Vec<i64> = x_batch[..outer].to_vec();
    for (&s_l, &s_x) in l_batch.iter().zip(&x_batch[outer..]) {
        split_shape.extend([s_x / s_l, s_l]);
    }
    split_shape.push(n);
    let nl = l_batch.len();
    let new_dims = outer + 2 * nl;
    let permutation: Vec<i64> = (0..outer)
        .chain((outer..new_dims).step_by(2))
        .chain((outer + 1..new_dims).step_by(2))
        .chain([new_dims])
        .map(|d| d as i64)
        .collect();
    let split = diff
        .reshape(split_shape.as_slice())
        .permute(permutation.as_slice());
    let permuted_shape = split.size();
    let flat_l = scale_tril.reshape([-1, n, n]);
    let b = flat_l.size()[0];
    // [c, b, n] -> [b, n, c]
    let columns = split.reshape([-1, b, n]).permute([1, 2, 0]);
    let solved = flat_l.linalg_solve_triangular(&columns, false, true, false);
    let squared = solved
        .square()
        .sum_dim_intlist(-2, false, None)
        .transpose(0, 1); // [c, b]
    let unfolded = squared.reshape(&permuted_shape[..permuted_shape.len() - 1]);
    let mut inverse: Vec<i64> = (0..outer as i64).collect();
    for i in 0..nl {
        inverse.extend([(outer + i) as i64, (outer + nl + i) as i64]);
    }
    unfolded.permute(inverse.as_slice()).reshape(x_batch)
}

impl Distribution for MultivariateNormal {
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
    /// batch shape.
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let diff = value - &self.loc;
        let squared = mahalanobis_squared(&self.scale_tril, &diff);
        let n = self.dim() as f64;
        Ok((squared + n * (2.0 * PI).ln()) * -0.5 - self.half_log_det())
    }

    /// `H = ½ n (1 + log 2π) + Σᵢ log Lᵢᵢ`.
    fn entropy(&self) -> Result<Tensor> {
        let n = self.dim() as f64;
        Ok((self.half_log_det() + 0.5 * n * (1.0 + (2.0 * PI).ln()))
            .expand(self.batch_shape.as_slice(), false))
    }

    fn mean(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `μ`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// The diagonal of `Σ`: `Σⱼ Lᵢⱼ²`.
    fn variance(&self) -> Result<Tensor> {
        Ok(self
            .scale_tril
            .square()
            .sum_dim_intlist(-1, false, None)
            .expand(
                [self.batch_shape.as_slice(), &self.event_shape].concat(),
                false,
            ))
    }
}

impl Rsample for MultivariateNormal {
    /// `z = μ + L ε`, `ε ~ N(0, I)` of shape `sample_shape + batch + [n]`
    /// drawn as `empty(shape).normal_()` (torch's `_standard_normal` and
    /// `_batch_mv`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape =
            toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &self.event_shape)?;
        let eps =
            Tensor::f_empty(shape.as_slice(), (self.kind(), self.device()))?.f_normal_(0.0, 1.0)?;
        let mixed = self.scale_tril.matmul(&eps.unsqueeze(-1)).squeeze_dim(-1);
        Ok(&self.loc + mixed)
    }
}

impl Expand for MultivariateNormal {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            loc: self
                .loc
                .expand([batch_shape, &self.event_shape].concat(), false),
            scale_tril: self.scale_tril.shallow_clone(),
            batch_shape: batch_shape.to_vec(),
            event_shape: self.event_shape.clone(),
        })
    }
}

impl Detach for MultivariateNormal {
    fn detach(&self) -> Self {
        Self {
            loc: self.loc.detach(),
            scale_tril: self.scale_tril.detach(),
            batch_shape: self.batch_shape.clone(),
            event_shape: self.event_shape.clone(),
        }
    }
}
