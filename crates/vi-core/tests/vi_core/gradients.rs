//! Reparameterized gradients: `d/dθ E_{z~p_θ}[f(z)]` estimated through
//! `rsample` matches the analytic derivative.
//!
//! Each estimate averages `NUM_BATCHES` independent gradients of batch
//! means; its standard error is the spread of those gradients over
//! `√NUM_BATCHES`, and the tolerance is 4 standard errors (a seeded draw
//! outside it would be a 1-in-15 000 event for a correct estimator).

use tch::{Kind, Tensor};
use vi_core::{Exponential, KlDivergence, MultivariateNormal, Normal, Rsample};

use crate::common::{assert_close, assert_within_stderr, f64s};

const NUM_BATCHES: i64 = 40;
const BATCH: i64 = 10_000;
const NUM_STDERR: f64 = 4.0;

fn leaf(values: &[f64], shape: &[i64]) -> Tensor {
    f64s(values, shape).set_requires_grad(true)
}

/// Mean gradient of `objective` w.r.t. each of `params` over `NUM_BATCHES`
/// calls, with its standard error.
fn gradient_estimate(
    params: &[&Tensor],
    mut objective: impl FnMut() -> Tensor,
) -> Vec<(Tensor, Tensor)> {
    let mut per_param: Vec<Vec<Tensor>> = params.iter().map(|_| Vec::new()).collect();
    for _ in 0..NUM_BATCHES {
        let grads = Tensor::run_backward(&[objective()], params, false, false);
        for (slot, grad) in per_param.iter_mut().zip(grads) {
            slot.push(grad);
        }
    }
    per_param
        .into_iter()
        .map(|grads| {
            let stacked = Tensor::stack(&grads, 0);
            let stderr = stacked.std_dim(0, true, false) / (NUM_BATCHES as f64).sqrt();
            (stacked.mean_dim(0, false, None::<Kind>), stderr)
        })
        .collect()
}

/// `E[z] = μ`, `E[z²] = μ² + σ²`: `∂μ E[z + z²] = 1 + 2μ`, `∂σ E[z + z²] = 2σ`.
#[test]
fn normal_rsample_gradient_matches_analytic() {
    tch::manual_seed(11);
    let loc = leaf(&[0.7, -1.2], &[2]);
    let scale = leaf(&[1.3, 0.4], &[2]);
    let grads = gradient_estimate(&[&loc, &scale], || {
        let z = Normal::new(&loc, &scale)
            .unwrap()
            .rsample(&[BATCH])
            .unwrap();
        (&z + z.square())
            .mean_dim(0, false, None::<Kind>)
            .sum(Kind::Double)
    });
    let (d_loc, se_loc) = &grads[0];
    let (d_scale, se_scale) = &grads[1];
    // ∂μ of the sample mean of z is exactly 1; of z² it is mean(2z).
    assert_within_stderr(d_loc, &(1.0 + &loc * 2.0), se_loc, NUM_STDERR, 1e-12);
    assert_within_stderr(d_scale, &(&scale * 2.0), se_scale, NUM_STDERR, 0.0);
}

/// Through `log_var`: `E[z²] = μ² + exp(log_var)`, so `∂log_var E[z²] = exp(log_var)`.
#[test]
fn normal_log_var_rsample_gradient_matches_analytic() {
    tch::manual_seed(12);
    let loc = leaf(&[0.3, 2.0], &[2]);
    let log_var = leaf(&[-1.0, 0.5], &[2]);
    let grads = gradient_estimate(&[&loc, &log_var], || {
        let z = Normal::from_log_var(&loc, &log_var)
            .unwrap()
            .rsample(&[BATCH])
            .unwrap();
        z.square()
            .mean_dim(0, false, None::<Kind>)
            .sum(Kind::Double)
    });
    assert_within_stderr(&grads[0].0, &(&loc * 2.0), &grads[0].1, NUM_STDERR, 0.0);
    assert_within_stderr(&grads[1].0, &log_var.exp(), &grads[1].1, NUM_STDERR, 0.0);
}

/// `E[z] = 1/λ`, `E[z²] = 2/λ²`: `∂λ E[z + z²] = −1/λ² − 4/λ³`.
#[test]
fn exponential_rsample_gradient_matches_analytic() {
    tch::manual_seed(13);
    let rate = leaf(&[0.5, 2.0], &[2]);
    let grads = gradient_estimate(&[&rate], || {
        let z = Exponential::new(&rate).unwrap().rsample(&[BATCH]).unwrap();
        (&z + z.square())
            .mean_dim(0, false, None::<Kind>)
            .sum(Kind::Double)
    });
    let exact = -rate.pow_tensor_scalar(-2) - rate.pow_tensor_scalar(-3) * 4.0;
    assert_within_stderr(&grads[0].0, &exact, &grads[0].1, NUM_STDERR, 0.0);
}

/// `E‖z‖² = ‖μ‖² + ‖L‖²_F`: `∂μ = 2μ`, `∂L = 2L`.
#[test]
fn multivariate_normal_rsample_gradient_matches_analytic() {
    tch::manual_seed(14);
    let loc = leaf(&[1.0, -0.5], &[2]);
    let tril = leaf(&[1.0, 0.0, 0.6, 0.8], &[2, 2]);
    let grads = gradient_estimate(&[&loc, &tril], || {
        let z = MultivariateNormal::new(&loc, &tril)
            .unwrap()
            .rsample(&[BATCH])
            .unwrap();
        z.square()
            .sum_dim_intlist(-1, false, None)
            .mean(Kind::Double)
    });
    assert_within_stderr(&grads[0].0, &(&loc * 2.0), &grads[0].1, NUM_STDERR, 0.0);
    assert_within_stderr(&grads[1].0, &(&tril * 2.0), &grads[1].1, NUM_STDERR, 1e-12);
}

/// `∂μ₁ KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = (μ₁ − μ₂)/σ₂²`,
/// `∂σ₁ KL = σ₁/σ₂² − 1/σ₁`.
#[test]
fn normal_kl_gradient_matches_analytic() {
    let loc = leaf(&[0.5], &[1]);
    let scale = leaf(&[0.8], &[1]);
    let q = Normal::new(&f64s(&[-1.0], &[1]), &f64s(&[2.0], &[1])).unwrap();
    let kl = Normal::new(&loc, &scale)
        .unwrap()
        .kl_divergence(&q)
        .unwrap();
    let grads = Tensor::run_backward(&[kl.sum(Kind::Double)], &[&loc, &scale], false, false);
    assert_close(&grads[0], &[(0.5 + 1.0) / 4.0], 1e-12, 0.0);
    assert_close(&grads[1], &[0.8 / 4.0 - 1.0 / 0.8], 1e-12, 0.0);
}
