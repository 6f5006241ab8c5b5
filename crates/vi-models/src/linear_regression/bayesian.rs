//! Tutorial 1's Bayesian linear regression: a mean-field Normal posterior
//! over the weight and bias, trained by the reparameterized ELBO with a
//! Gaussian likelihood and the analytic KL to a `N(0, 1)` prior.

use std::f64::consts::PI;

use tch::{Kind, Tensor, nn};
use vi_core::{Distribution, Independent, KlDivergence, Normal, Rsample, analytic_kl_elbo};

use crate::descent::{self, LossHistory};
use crate::error::Result;
use crate::validate;

const MODEL: &str = "BayesianLinearRegression";

/// Settings of [`BayesianLinearRegression`]; `Default` is tutorial 1: a
/// `1 → 1` layer, likelihood noise `σ = 0.5` (the data's), one posterior
/// sample per step, Adam at PyTorch's default rate 1e-3, 100 epochs.
#[derive(Debug, Clone, PartialEq)]
pub struct BayesianLinearRegressionConfig {
    /// Input features (at least 1).
    pub in_features: i64,
    /// Output features (at least 1).
    pub out_features: i64,
    /// Standard deviation `σ` of the Gaussian likelihood `y ~ N(xWᵀ + b, σ²)`
    /// (positive).
    pub noise_std: f64,
    /// Full-batch epochs of [`BayesianLinearRegression::fit`] (at least 1).
    pub epochs: i64,
    /// Adam's learning rate (positive).
    pub learning_rate: f64,
    /// Posterior samples per ELBO estimate (at least 1; the tutorial uses 1).
    pub num_samples: i64,
}

impl Default for BayesianLinearRegressionConfig {
    fn default() -> Self {
        Self {
            in_features: 1,
            out_features: 1,
            noise_std: 0.5,
            epochs: 100,
            learning_rate: 1e-3,
            num_samples: 1,
        }
    }
}

impl BayesianLinearRegressionConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming the first
    /// setting out of range.
    pub fn validate(&self) -> Result<()> {
        validate::count_at_least(MODEL, "in_features", self.in_features, 1)?;
        validate::count_at_least(MODEL, "out_features", self.out_features, 1)?;
        validate::positive(MODEL, "noise_std", self.noise_std)?;
        validate::count_at_least(MODEL, "epochs", self.epochs, 1)?;
        validate::positive(MODEL, "learning_rate", self.learning_rate)?;
        validate::count_at_least(MODEL, "num_samples", self.num_samples, 1)
    }
}

/// The posterior predictive at some inputs, estimated from posterior draws.
#[derive(Debug)]
pub struct Predictive {
    /// Mean of `x Wₛᵀ + bₛ` over the draws, shape `[M, out]`.
    pub mean: Tensor,
    /// Its standard deviation over the draws (Bessel-corrected, as
    /// `torch.std`), shape `[M, out]`.
    pub std: Tensor,
}

/// Bayesian linear regression with a mean-field Normal posterior (tutorial 1,
/// `BayesianLinearRegression`):
///
/// - model: `W, b ~ N(0, 1)` elementwise, `y | x, W, b ~ N(xWᵀ + b, σ²)`;
/// - posterior: `q(W, b) = Πᵢ N(μᵢ, exp(log σᵢ)²)` over the `out·in + out`
///   entries, parameters `weight_mu`, `weight_log_sigma: [out, in]` and
///   `bias_mu`, `bias_log_sigma: [out]`, all initialised at 0 (so `q` starts
///   at the prior);
/// - loss: the negative ELBO
///   `−(1/S) Σₛ Σₙ log N(yₙ | xₙWₛᵀ + bₛ, σ²) + KL(q ‖ N(0, 1))`,
///   `(Wₛ, bₛ) = μ + σ ⊙ εₛ` (Kingma & Welling 2014), minimised with Adam.
///
/// With one sample per step a seeded run draws the noise exactly as the
/// tutorial's `randn_like(weight_mu)`, `randn_like(bias_mu)`.
#[derive(Debug)]
pub struct BayesianLinearRegression {
    weight_mu: Tensor,
    weight_log_sigma: Tensor,
    bias_mu: Tensor,
    bias_log_sigma: Tensor,
    config: BayesianLinearRegressionConfig,
}

impl BayesianLinearRegression {
    /// Creates the four variational parameters under `path`, at zero.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for a setting out
    /// of range; [`Error::Torch`](crate::Error::Torch) if the variables cannot
    /// be created.
    pub fn new(path: &nn::Path<'_>, config: BayesianLinearRegressionConfig) -> Result<Self> {
        config.validate()?;
        let weight_shape = [config.out_features, config.in_features];
        let bias_shape = [config.out_features];
        Ok(Self {
            weight_mu: path.f_zeros("weight_mu", &weight_shape)?,
            weight_log_sigma: path.f_zeros("weight_log_sigma", &weight_shape)?,
            bias_mu: path.f_zeros("bias_mu", &bias_shape)?,
            bias_log_sigma: path.f_zeros("bias_log_sigma", &bias_shape)?,
            config,
        })
    }

    /// The settings this model was built with.
    pub fn config(&self) -> &BayesianLinearRegressionConfig {
        &self.config
    }

    /// Posterior means of the weight, shape `[out, in]`.
    pub fn weight_mu(&self) -> &Tensor {
        &self.weight_mu
    }

    /// Posterior standard deviations of the weight, `exp(weight_log_sigma)`,
    /// shape `[out, in]`.
    pub fn weight_sigma(&self) -> Tensor {
        tch::no_grad(|| self.weight_log_sigma.exp())
    }

    /// Posterior means of the bias, shape `[out]`.
    pub fn bias_mu(&self) -> &Tensor {
        &self.bias_mu
    }

    /// Posterior standard deviations of the bias, `exp(bias_log_sigma)`,
    /// shape `[out]`.
    pub fn bias_sigma(&self) -> Tensor {
        tch::no_grad(|| self.bias_log_sigma.exp())
    }

    /// `q` over the flattened parameters `θ = [vec(W), b]` (weight entries
    /// row-major, then the bias): batch shape `[]`, event shape
    /// `[out·in + out]`. Differentiable in the four parameters.
    ///
    /// # Errors
    /// [`Error::Core`](crate::Error::Core) if a parameter became non-finite.
    pub fn posterior(&self) -> Result<Independent<Normal>> {
        let loc = Tensor::cat(
            &[self.weight_mu.reshape([-1]), self.bias_mu.shallow_clone()],
            0,
        );
        let log_scale = Tensor::cat(
            &[
                self.weight_log_sigma.reshape([-1]),
                self.bias_log_sigma.shallow_clone(),
            ],
            0,
        );
        Ok(Independent::new(
            Normal::from_log_scale(&loc, &log_scale)?,
            1,
        )?)
    }

    /// The prior `N(0, I)` over `θ = [vec(W), b]`, shaped like
    /// [`posterior`](Self::posterior).
    fn prior(&self, posterior: &Independent<Normal>) -> Result<Independent<Normal>> {
        Ok(Independent::new(
            Normal::standard_like(posterior.base().loc())?,
            1,
        )?)
    }

    /// Splits draws `θ: [S, out·in + out]` into `W: [S, out, in]` and
    /// `b: [S, out]`.
    fn unflatten(&self, theta: &Tensor) -> (Tensor, Tensor) {
        let (out, inp) = (self.config.out_features, self.config.in_features);
        let samples = theta.size()[0];
        let weight = theta.narrow(1, 0, out * inp).reshape([samples, out, inp]);
        let bias = theta.narrow(1, out * inp, out);
        (weight, bias)
    }

    /// `x Wₛᵀ + bₛ` for draws `θ: [S, P]` and `x: [N, in]`, shape
    /// `[S, N, out]` (the tutorial's `x @ weight.t() + bias`).
    fn forward(&self, x: &Tensor, theta: &Tensor) -> Tensor {
        let (weight, bias) = self.unflatten(theta);
        x.matmul(&weight.transpose(1, 2)) + bias.unsqueeze(1)
    }

    /// The ELBO estimate with `num_samples` reparameterized draws:
    /// `(1/S) Σₛ Σₙ log N(yₙ | xₙWₛᵀ + bₛ, σ²) − KL(q ‖ N(0, I))`, a
    /// differentiable scalar, for `x: [N, in]` and `y: [N, out]`.
    ///
    /// # Errors
    /// [`Error::InvalidData`](crate::Error::InvalidData) for data of the
    /// wrong shape or dtype; [`Error::Core`](crate::Error::Core) if a
    /// parameter or prediction became non-finite.
    pub fn elbo(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        validate::regression_data(
            MODEL,
            (x, self.config.in_features),
            (y, self.config.out_features),
        )?;
        self.elbo_unchecked(x, y)
    }

    fn elbo_unchecked(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let posterior = self.posterior()?;
        let prior = self.prior(&posterior)?;
        let noise = Tensor::from(self.config.noise_std).to_kind(x.kind());
        Ok(analytic_kl_elbo(
            &posterior,
            &prior,
            self.config.num_samples,
            |theta| {
                let likelihood = Normal::new(&self.forward(x, theta), &noise)?;
                Ok(likelihood.log_prob(y)?.sum_dim_intlist(
                    [1i64, 2].as_slice(),
                    false,
                    None::<Kind>,
                ))
            },
        )?)
    }

    /// Trains `q` on `x: [N, in]`, `y: [N, out]`: `epochs` full-batch Adam
    /// steps on the negative ELBO; returns the loss of every epoch.
    ///
    /// A new Adam state is created for each call, so calls can continue a
    /// fit at another learning rate.
    ///
    /// # Errors
    /// As [`elbo`](Self::elbo); [`Error::Torch`](crate::Error::Torch) if an
    /// optimizer step fails.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<LossHistory> {
        self.fit_with(x, y, self.config.epochs, self.config.learning_rate)
    }

    /// [`fit`](Self::fit) with another number of epochs and learning rate
    /// than the configured ones (e.g. a second, slower phase).
    ///
    /// # Errors
    /// As [`fit`](Self::fit), and
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) if `epochs < 1`
    /// or `learning_rate` is not positive.
    pub fn fit_with(
        &self,
        x: &Tensor,
        y: &Tensor,
        epochs: i64,
        learning_rate: f64,
    ) -> Result<LossHistory> {
        validate::count_at_least(MODEL, "epochs", epochs, 1)?;
        validate::positive(MODEL, "learning_rate", learning_rate)?;
        validate::regression_data(
            MODEL,
            (x, self.config.in_features),
            (y, self.config.out_features),
        )?;
        let optimizer = descent::adam(
            learning_rate,
            &[
                &self.weight_mu,
                &self.weight_log_sigma,
                &self.bias_mu,
                &self.bias_log_sigma,
            ],
        )?;
        let mut history = LossHistory::default();
        descent::descend(
            &optimizer,
            epochs,
            || Ok(-self.elbo_unchecked(x, y)?),
            |loss| history.losses.push(loss),
        )?;
        Ok(history)
    }

    /// The posterior predictive at `x: [M, in]` from `num_samples` draws of
    /// `(W, b) ~ q`: mean and standard deviation of `x Wₛᵀ + bₛ`, each
    /// `[M, out]`, without gradient.
    ///
    /// The draws are taken one at a time, as the tutorial's loop of
    /// `model_vi(x_test)` calls takes them: libtorch fills tensors of 16 or
    /// more elements with a different algorithm, so one `[S, P]` draw would
    /// not reproduce a seeded PyTorch run.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) if
    /// `num_samples < 2` (a standard deviation needs two draws);
    /// [`Error::InvalidData`](crate::Error::InvalidData) if `x` is not
    /// `[M, in]` floating point.
    pub fn predictive(&self, x: &Tensor, num_samples: i64) -> Result<Predictive> {
        validate::count_at_least(MODEL, "num_samples", num_samples, 2)?;
        validate::inputs(MODEL, x, self.config.in_features)?;
        tch::no_grad(|| {
            let posterior = self.posterior()?;
            let draws = (0..num_samples)
                .map(|_| Ok(self.forward(x, &posterior.rsample(&[1])?)))
                .collect::<Result<Vec<Tensor>>>()?;
            let draws = Tensor::cat(&draws, 0);
            Ok(Predictive {
                mean: draws.mean_dim(0, false, None::<Kind>),
                std: draws.std_dim(0, true, false),
            })
        })
    }

    /// The negative ELBO in closed form (no sampling) at the current
    /// parameters, for `x: [N, in]`, `y: [N, out]`, using
    /// `E_q[(y − xw − b)²] = (y − xμ_w − μ_b)² + Σⱼ xⱼ² s_wⱼ² + s_b²`. The
    /// training loss fluctuates around it.
    ///
    /// # Errors
    /// As [`elbo`](Self::elbo).
    pub fn expected_negative_elbo(&self, x: &Tensor, y: &Tensor) -> Result<f64> {
        validate::regression_data(
            MODEL,
            (x, self.config.in_features),
            (y, self.config.out_features),
        )?;
        tch::no_grad(|| {
            expected_negative_elbo(
                x,
                y,
                self.config.noise_std,
                (&self.weight_mu, &self.weight_sigma()),
                (&self.bias_mu, &self.bias_sigma()),
            )
        })
    }
}

/// `−ELBO = E_q[−log p(y | x, W, b)] + KL(q ‖ N(0, I))` in closed form for a
/// mean-field Normal `q` with means and standard deviations
/// `(weight_mean, weight_std): [out, in]` and `(bias_mean, bias_std): [out]`:
///
/// `E_q[(yₙₖ − xₙwₖ − bₖ)²] = (yₙₖ − xₙμ_wₖ − μ_bₖ)² + Σⱼ xₙⱼ² s_wₖⱼ² + s_bₖ²`,
/// so `E_q[−log p] = Σₙₖ E_q[…] / (2σ²) + N·out·(log σ + ½ log 2π)`.
///
/// Computed in float64.
pub(crate) fn expected_negative_elbo(
    x: &Tensor,
    y: &Tensor,
    noise_std: f64,
    (weight_mean, weight_std): (&Tensor, &Tensor),
    (bias_mean, bias_std): (&Tensor, &Tensor),
) -> Result<f64> {
    let double = |t: &Tensor| t.to_kind(Kind::Double);
    let (x, y) = (double(x), double(y));
    let (weight_mean, weight_std) = (double(weight_mean), double(weight_std));
    let (bias_mean, bias_std) = (double(bias_mean), double(bias_std));
    let mean = x.matmul(&weight_mean.tr()) + &bias_mean;
    let variance = x.square().matmul(&weight_std.square().tr()) + bias_std.square();
    let squared_error = ((y - mean).square() + variance).sum(Kind::Double);
    let count = (x.size()[0] * weight_mean.size()[0]) as f64;
    let negative_log_likelihood = squared_error / (2.0 * noise_std * noise_std)
        + count * (noise_std.ln() + 0.5 * (2.0 * PI).ln());
    let loc = Tensor::cat(&[weight_mean.reshape([-1]), bias_mean], 0);
    let scale = Tensor::cat(&[weight_std.reshape([-1]), bias_std], 0);
    let q = Normal::new(&loc, &scale)?;
    let kl = q
        .kl_divergence(&Normal::standard_like(&loc)?)?
        .sum(Kind::Double);
    Ok((negative_log_likelihood + kl).double_value(&[]))
}
