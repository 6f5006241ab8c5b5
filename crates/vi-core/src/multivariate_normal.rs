//! The multivariate Normal distribution `N(μ, LLᵀ)` parameterized by a
//! lower-triangular `scale_tril` (torch's `MultivariateNormal`); tutorial
//! 2's conv VAE uses it for its prior `N(0, I)`.

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};

use crate::constraint;
use crate::distribution::{Distribution, Rsample, validate_value};
use crate::error::{Error, Result};
use crate::shape::{broadcast_pair, extended_shape};

const FAMILY: &str = "MultivariateNormal";

/// `N(μ, Σ)` with `Σ = L Lᵀ`, `L` lower triangular with a positive diagonal.
///
/// `loc` has shape `[.., n]` and `scale_tril` `[.., n, n]`; their leading
/// dimensions broadcast to the batch shape, the event shape is `[n]`.
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
    /// positive and finite, or `loc` is not finite.
    pub fn new(loc: &Tensor, scale_tril: &Tensor) -> Result<Self> {
        constraint::floating(FAMILY, "loc", loc)?;
        constraint::same_place(FAMILY, "scale_tril", scale_tril, (loc.kind(), loc.device()))?;
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
        constraint::finite(FAMILY, "loc", loc)?;
        let upper = scale_tril.triu(1);
        if constraint::any(&upper.ne(0.0)) {
            return Err(Error::InvalidParameter {
                family: FAMILY,
                parameter: "scale_tril",
                constraint: "lower triangular",
                found: "non-zero entries above the diagonal".to_string(),
            });
        }
        let diagonal = scale_tril.diagonal(0, -2, -1);
        constraint::positive(FAMILY, "scale_tril diagonal", &diagonal)?;
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
        constraint::floating(FAMILY, "covariance_matrix", covariance_matrix)?;
        let (scale_tril, info) = covariance_matrix.f_linalg_cholesky_ex(false, false)?;
        if constraint::any(&info.ne(0)) {
            return Err(Error::InvalidParameter {
                family: FAMILY,
                parameter: "covariance_matrix",
                constraint: "symmetric positive definite",
                found: "a matrix whose Cholesky factorization failed".to_string(),
            });
        }
        Self::new(loc, &scale_tril)
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

    /// `L` expanded to `batch_shape + [n, n]` (a view).
    pub(crate) fn scale_tril_expanded(&self) -> Tensor {
        self.scale_tril.expand(self.matrix_shape(), false)
    }

    /// `½ log det Σ = Σᵢ log Lᵢᵢ`, shape: `scale_tril`'s batch shape.
    pub(crate) fn half_log_det(&self) -> Tensor {
        self.scale_tril
            .diagonal(0, -2, -1)
            .log()
            .sum_dim_intlist(-1, false, None)
    }
}

/// `‖L⁻¹ d‖²` for `scale_tril` `L` of shape `b + [n, n]` and `diff` of shape
/// `s + b + [n]` (any leading `s`), by one triangular solve with the
/// leading dimensions folded into right-hand-side columns. Shape `s + b`.
pub(crate) fn mahalanobis_squared(scale_tril: &Tensor, diff: &Tensor) -> Tensor {
    let matrix = scale_tril.size();
    let batch = &matrix[..matrix.len() - 2];
    let n = matrix[matrix.len() - 1];
    let shape = diff.size();
    let leading = &shape[..shape.len() - batch.len() - 1];
    let columns: i64 = leading.iter().product();
    let nb = batch.len() as i64;
    // [s, b.., n] -> [b.., n, s]
    let to_columns: Vec<i64> = (1..=nb + 1).chain([0]).collect();
    let rhs = diff
        .reshape([&[columns], batch, &[n]].concat())
        .permute(to_columns.as_slice());
    let solved = scale_tril.linalg_solve_triangular(&rhs, false, true, false);
    // [b.., s] -> [s, b..]
    let to_rows: Vec<i64> = [nb].into_iter().chain(0..nb).collect();
    solved
        .square()
        .sum_dim_intlist(-2, false, None)
        .permute(to_rows.as_slice())
        .reshape([leading, batch].concat())
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

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = validate_value(self, value)?;
        let diff = value - &self.loc;
        let squared = mahalanobis_squared(&self.scale_tril_expanded(), &diff);
        let n = self.dim() as f64;
        Ok((squared + n * (2.0 * PI).ln()) * -0.5 - self.half_log_det())
    }

    /// `H = ½ n (1 + log 2π) + Σᵢ log Lᵢᵢ`.
    fn entropy(&self) -> Tensor {
        let n = self.dim() as f64;
        (self.half_log_det() + 0.5 * n * (1.0 + (2.0 * PI).ln()))
            .expand(self.batch_shape.as_slice(), false)
    }

    fn mean(&self) -> Tensor {
        self.loc.shallow_clone()
    }

    /// The diagonal of `Σ`: `Σⱼ Lᵢⱼ²`.
    fn variance(&self) -> Tensor {
        self.scale_tril
            .square()
            .sum_dim_intlist(-1, false, None)
            .expand(
                [self.batch_shape.as_slice(), &self.event_shape].concat(),
                false,
            )
    }
}

impl Rsample for MultivariateNormal {
    /// `z = μ + L ε`, `ε ~ N(0, I)` of shape `sample_shape + batch + [n]`
    /// drawn as `empty(shape).normal_()` (torch's `_standard_normal` and
    /// `_batch_mv`).
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = extended_shape(FAMILY, sample_shape, &self.batch_shape, &self.event_shape)?;
        let eps = Tensor::empty(shape.as_slice(), (self.kind(), self.device())).normal_(0.0, 1.0);
        let mixed = self.scale_tril.matmul(&eps.unsqueeze(-1)).squeeze_dim(-1);
        Ok(&self.loc + mixed)
    }
}
