//! The exact posterior of tutorial 1's Bayesian linear regression (the model
//! is conjugate), and the exact optimum of its mean-field family: what a
//! fully converged [`BayesianLinearRegression`](crate::BayesianLinearRegression)
//! must find.

use tch::{Kind, Tensor};

use crate::error::Result;
use crate::linear_regression::bayesian::expected_negative_elbo;
use crate::validate;

const MODEL: &str = "ConjugatePosterior";

/// `p(W, b | x, y)` for `W, b ~ N(0, 1)` elementwise and
/// `y | x ~ N(xWᵀ + b, σ²)` (Bishop 2006, §3.3).
///
/// With the design matrix `X = [x, 1]: [N, in + 1]`, every output `k` has
/// the Gaussian posterior `N(mₖ, Λ⁻¹)` over `(wₖ, bₖ)` with
///
/// `Λ = I + XᵀX / σ²`, `M = [m₁ … m_out] = Λ⁻¹ XᵀY / σ²`.
///
/// The best mean-field Normal `q` (the maximiser of the ELBO, equivalently
/// the minimiser of `KL(q ‖ p(·|x, y))`) has the same means and variances
/// `1 / Λᵢᵢ` (Bishop 2006, §10.1.2): narrower than the exact marginals
/// `(Λ⁻¹)ᵢᵢ` when weight and bias are correlated.
///
/// Everything is computed in float64.
#[derive(Debug)]
pub struct ConjugatePosterior {
    /// `M: [in + 1, out]`: rows are the input weights, then the bias.
    mean: Tensor,
    /// `Λ⁻¹: [in + 1, in + 1]`, shared by the outputs.
    covariance: Tensor,
    /// `Λ: [in + 1, in + 1]`.
    precision: Tensor,
    in_features: i64,
    out_features: i64,
    noise_std: f64,
}

impl ConjugatePosterior {
    /// The posterior given `x: [N, in]`, `y: [N, out]` and the likelihood's
    /// noise standard deviation `noise_std`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) if `noise_std` is
    /// not positive; [`Error::InvalidData`](crate::Error::InvalidData) if the
    /// shapes do not fit; [`Error::Torch`](crate::Error::Torch) if the solve
    /// fails.
    pub fn new(x: &Tensor, y: &Tensor, noise_std: f64) -> Result<Self> {
        validate::positive(MODEL, "noise_std", noise_std)?;
        let in_features = validate::columns(MODEL, "x", x)?;
        let out_features = validate::columns(MODEL, "y", y)?;
        validate::regression_data(MODEL, (x, in_features), (y, out_features))?;
        tch::no_grad(|| {
            let x = x.to_kind(Kind::Double);
            let y = y.to_kind(Kind::Double);
            let design = Tensor::cat(&[&x, &x.ones_like().narrow(1, 0, 1)], 1);
            let noise_variance = noise_std * noise_std;
            let size = in_features + 1;
            let precision = Tensor::f_eye(size, (Kind::Double, x.device()))?
                + design.tr().matmul(&design) / noise_variance;
            let scaled_targets = design.tr().matmul(&y) / noise_variance;
            let mean = Tensor::f_linalg_solve(&precision, &scaled_targets, true)?;
            let covariance = Tensor::f_linalg_inv(&precision)?;
            Ok(Self {
                mean,
                covariance,
                precision,
                in_features,
                out_features,
                noise_std,
            })
        })
    }

    /// Posterior means of the weight, shape `[out, in]`.
    pub fn weight_mean(&self) -> Tensor {
        self.mean.narrow(0, 0, self.in_features).tr().contiguous()
    }

    /// Posterior means of the bias, shape `[out]`.
    pub fn bias_mean(&self) -> Tensor {
        self.mean.select(0, self.in_features)
    }

    /// Exact marginal standard deviations `√(Λ⁻¹)ᵢᵢ` of the weight, shape
    /// `[out, in]`.
    pub fn weight_std(&self) -> Tensor {
        self.weights_of(&self.covariance.diagonal(0, 0, 1).sqrt())
    }

    /// Exact marginal standard deviations of the bias, shape `[out]`.
    pub fn bias_std(&self) -> Tensor {
        self.bias_of(&self.covariance.diagonal(0, 0, 1).sqrt())
    }

    /// Standard deviations `1/√Λᵢᵢ` of the optimal mean-field posterior for
    /// the weight, shape `[out, in]`.
    pub fn mean_field_weight_std(&self) -> Tensor {
        self.weights_of(&self.precision.diagonal(0, 0, 1).rsqrt())
    }

    /// Standard deviations `1/√Λᵢᵢ` of the optimal mean-field posterior for
    /// the bias, shape `[out]`.
    pub fn mean_field_bias_std(&self) -> Tensor {
        self.bias_of(&self.precision.diagonal(0, 0, 1).rsqrt())
    }

    /// The posterior covariance `Λ⁻¹` of `(wₖ, bₖ)`, shape
    /// `[in + 1, in + 1]` (the same for every output).
    pub fn covariance(&self) -> &Tensor {
        &self.covariance
    }

    /// The negative ELBO of the optimal mean-field posterior on the data
    /// `x`, `y` it was computed from (see
    /// [`BayesianLinearRegression::expected_negative_elbo`](crate::BayesianLinearRegression::expected_negative_elbo)):
    /// the lowest value the training loss can fluctuate around.
    ///
    /// # Errors
    /// [`Error::InvalidData`](crate::Error::InvalidData) if the shapes do not
    /// fit.
    pub fn mean_field_negative_elbo(&self, x: &Tensor, y: &Tensor) -> Result<f64> {
        validate::regression_data(MODEL, (x, self.in_features), (y, self.out_features))?;
        tch::no_grad(|| {
            expected_negative_elbo(
                x,
                y,
                self.noise_std,
                (&self.weight_mean(), &self.mean_field_weight_std()),
                (&self.bias_mean(), &self.mean_field_bias_std()),
            )
        })
    }

    /// The first `in` entries of a per-parameter vector `[in + 1]`,
    /// repeated for every output: `[out, in]`.
    fn weights_of(&self, per_parameter: &Tensor) -> Tensor {
        per_parameter
            .narrow(0, 0, self.in_features)
            .unsqueeze(0)
            .expand([self.out_features, self.in_features], false)
            .contiguous()
    }

    /// The bias entry of a per-parameter vector, for every output: `[out]`.
    fn bias_of(&self, per_parameter: &Tensor) -> Tensor {
        per_parameter
            .narrow(0, self.in_features, 1)
            .expand([self.out_features], false)
            .contiguous()
    }
}
