//! `summary.json` of `vi linear-regression` and the human summary on
//! stdout: the fitted parameters next to the exact optimum.

use anyhow::Result;
use serde::Serialize;
use vi_data::LinearData;
use vi_fs::outln;
use vi_models::{BayesianLinearRegression, ConjugatePosterior, LinearRegression, LossHistory};

use super::{COMMAND, Plan};
use crate::tensor_values::first;

/// `summary.json`.
#[derive(Debug, Serialize)]
pub(super) struct Summary {
    command: &'static str,
    seed: u64,
    data: DataSummary,
    mle: MleSummary,
    vi: ViSummary,
    exact: ExactSummary,
}

#[derive(Debug, Serialize)]
struct DataSummary {
    num_points: i64,
    slope: f64,
    intercept: f64,
    noise_std: f64,
}

#[derive(Debug, Serialize)]
struct MleSummary {
    epochs: i64,
    learning_rate: f64,
    slope: f64,
    intercept: f64,
    final_mse: f64,
}

/// The trained mean-field posterior, and how far it is from the optimum.
#[derive(Debug, Serialize)]
struct ViSummary {
    epochs: i64,
    learning_rate: f64,
    samples_per_step: i64,
    likelihood_std: f64,
    predictive_samples: i64,
    weight_mu: f64,
    weight_sigma: f64,
    bias_mu: f64,
    bias_sigma: f64,
    /// The last epoch's Monte Carlo loss (−ELBO).
    final_loss: f64,
    /// −ELBO of the trained posterior in closed form.
    expected_negative_elbo: f64,
    /// Trained minus optimal means, in units of the optimal σ.
    mean_error_in_sigmas: Pair,
    /// Trained σ over optimal σ.
    sigma_ratio: Pair,
}

/// The conjugate model's exact answers.
#[derive(Debug, Serialize)]
struct ExactSummary {
    posterior_mean: Pair,
    posterior_std: Pair,
    mean_field_std: Pair,
    mean_field_negative_elbo: f64,
}

#[derive(Debug, Serialize)]
struct Pair {
    weight: f64,
    bias: f64,
}

/// Collects the numbers of a finished run.
pub(super) fn summarize(
    plan: &Plan,
    data: &LinearData,
    (mle_history, vi_history): (&LossHistory, &LossHistory),
    (mle, vi, exact): (
        &LinearRegression,
        &BayesianLinearRegression,
        &ConjugatePosterior,
    ),
) -> Result<Summary> {
    let exact_mean = Pair {
        weight: first(&exact.weight_mean())?,
        bias: first(&exact.bias_mean())?,
    };
    let mean_field_std = Pair {
        weight: first(&exact.mean_field_weight_std())?,
        bias: first(&exact.mean_field_bias_std())?,
    };
    let (weight_mu, bias_mu) = (first(vi.weight_mu())?, first(vi.bias_mu())?);
    let (weight_sigma, bias_sigma) = (first(&vi.weight_sigma())?, first(&vi.bias_sigma())?);
    Ok(Summary {
        command: COMMAND,
        seed: plan.run.seed,
        data: DataSummary {
            num_points: plan.data.num_samples,
            slope: plan.data.slope,
            intercept: plan.data.intercept,
            noise_std: plan.data.noise_std,
        },
        mle: MleSummary {
            epochs: plan.mle.epochs,
            learning_rate: plan.mle.learning_rate,
            slope: first(mle.weight())?,
            intercept: first(mle.bias())?,
            final_mse: mle_history.final_loss().unwrap_or(f64::NAN),
        },
        vi: ViSummary {
            epochs: plan.vi.epochs,
            learning_rate: plan.vi.learning_rate,
            samples_per_step: plan.vi.num_samples,
            likelihood_std: plan.vi.noise_std,
            predictive_samples: plan.predictive_samples,
            weight_mu,
            weight_sigma,
            bias_mu,
            bias_sigma,
            final_loss: vi_history.final_loss().unwrap_or(f64::NAN),
            expected_negative_elbo: vi.expected_negative_elbo(&data.x, &data.y)?,
            mean_error_in_sigmas: Pair {
                weight: (weight_mu - exact_mean.weight) / mean_field_std.weight,
                bias: (bias_mu - exact_mean.bias) / mean_field_std.bias,
            },
            sigma_ratio: Pair {
                weight: weight_sigma / mean_field_std.weight,
                bias: bias_sigma / mean_field_std.bias,
            },
        },
        exact: ExactSummary {
            posterior_mean: exact_mean,
            posterior_std: Pair {
                weight: first(&exact.weight_std())?,
                bias: first(&exact.bias_std())?,
            },
            mean_field_std,
            mean_field_negative_elbo: exact.mean_field_negative_elbo(&data.x, &data.y)?,
        },
    })
}

/// The human summary on stdout.
pub(super) fn report(summary: &Summary) {
    let (mle, vi, exact) = (&summary.mle, &summary.vi, &summary.exact);
    outln!(
        "tutorial 1: MLE vs Bayesian linear regression ({} points, seed {})",
        summary.data.num_points,
        summary.seed
    );
    outln!(
        "  MLE   {:>5} epochs  slope {:.4}  intercept {:.4}  final MSE {:.4}",
        mle.epochs,
        mle.slope,
        mle.intercept,
        mle.final_mse
    );
    outln!(
        "  VI    {:>5} epochs  w ~ N({:.4}, {:.4}²)  b ~ N({:.4}, {:.4}²)  -ELBO {:.2} (closed form {:.2})",
        vi.epochs,
        vi.weight_mu,
        vi.weight_sigma,
        vi.bias_mu,
        vi.bias_sigma,
        vi.final_loss,
        vi.expected_negative_elbo
    );
    outln!(
        "  exact mean-field optimum  w ~ N({:.4}, {:.4}²)  b ~ N({:.4}, {:.4}²)  -ELBO {:.2}",
        exact.posterior_mean.weight,
        exact.mean_field_std.weight,
        exact.posterior_mean.bias,
        exact.mean_field_std.bias,
        exact.mean_field_negative_elbo
    );
    let mean_error = vi
        .mean_error_in_sigmas
        .weight
        .abs()
        .max(vi.mean_error_in_sigmas.bias.abs());
    let sigma_ratio = vi.sigma_ratio.weight.max(vi.sigma_ratio.bias);
    outln!(
        "  VI vs the optimum: means up to {mean_error:.2} σ off, σ up to {sigma_ratio:.2}× the optimal σ"
    );
    if mean_error > 1.0 || sigma_ratio > 1.5 {
        outln!(
            "  the variational fit has not converged; \
             --vi-epochs 3000 --vi-lr 0.02 --vi-samples 16 reaches the optimum"
        );
    }
}
