//! The continuous families — Uniform, Laplace, Gamma, Beta, Dirichlet,
//! StudentT — and the KL divergences among them and Normal and Exponential,
//! against torch.distributions 2.13, closed forms and Monte Carlo.

mod beta;
mod detach;
mod dirichlet;
mod draws;
mod extremes;
mod gamma;
mod kl_golden;
mod kl_golden_gamma_beta;
mod kl_monte_carlo;
mod laplace;
mod special;
mod student_t;
mod uniform;

use tch::{Kind, Tensor};
use vi_core::{Distribution, Error, KlDivergence, kl_divergence};

use crate::common::{assert_within_stderr, mean_and_stderr, values};

/// Tolerances of comparisons with torch: float64 results agree to 1e-12
/// relative (plus 1e-14 absolute, for values that cancel to near 0).
pub const FLOAT64_TOL: (f64, f64) = (1e-14, 1e-12);
/// float32 results agree to 2e-6 relative (about 16 units in the last
/// place; plus 2e-6 absolute): the same float32 arithmetic, possibly in
/// another order.
pub const FLOAT32_TOL: (f64, f64) = (2e-6, 2e-6);

/// A tensor of `kind` from float64 values.
pub fn tensor(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    Tensor::from_slice(values).reshape(shape).to_kind(kind)
}

/// Asserts `actual` equals `expected` elementwise: NaN where NaN is
/// expected, the same infinity where one is expected, and otherwise within
/// `abs + rel·|expected|`.
#[track_caller]
pub fn assert_matches(what: &str, actual: &Tensor, expected: &[f64], (abs, rel): (f64, f64)) {
    let actual = values(actual);
    assert_eq!(
        actual.len(),
        expected.len(),
        "{what}: {actual:?} vs {expected:?}"
    );
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let ok = if e.is_nan() {
            a.is_nan()
        } else if e.is_infinite() {
            a == e
        } else {
            (a - e).abs() <= abs + rel * e.abs()
        };
        assert!(
            ok,
            "{what}, element {i}: {a} vs torch's {e}\nactual {actual:?}\ntorch  {expected:?}"
        );
    }
}

/// torch's results for one distribution, flattened; `None` where torch has
/// no such method (vi-core must then say `NotImplemented`).
pub struct Torch<'a> {
    pub log_prob: &'a [f64],
    pub entropy: &'a [f64],
    pub mean: &'a [f64],
    pub variance: &'a [f64],
    pub stddev: &'a [f64],
    pub mode: &'a [f64],
    pub cdf: Option<&'a [f64]>,
    pub icdf: Option<&'a [f64]>,
}

/// Every method of `dist` against torch's: `log_prob(value)`, `entropy`,
/// `mean`, `variance`, `stddev`, `mode`, `cdf(value)`, `icdf(p)`; each
/// result in the distribution's dtype, with the shape torch gives.
#[track_caller]
pub fn check_against_torch<D: Distribution>(
    dist: &D,
    value: &Tensor,
    p: &Tensor,
    torch: &Torch<'_>,
    tol: (f64, f64),
) {
    let batch = dist.batch_shape().to_vec();
    let full: Vec<i64> = [dist.batch_shape(), dist.event_shape()].concat();
    let check = |what: &str, result: Tensor, expected: &[f64], shape: &[i64]| {
        assert_eq!(result.kind(), dist.kind(), "{what}: dtype");
        assert_eq!(result.size(), shape, "{what}: shape");
        assert_matches(what, &result, expected, tol);
    };
    check(
        "log_prob",
        dist.log_prob(value).expect("log densities"),
        torch.log_prob,
        &batch,
    );
    check(
        "entropy",
        dist.entropy().expect("the entropy"),
        torch.entropy,
        &batch,
    );
    check("mean", dist.mean().expect("the mean"), torch.mean, &full);
    check(
        "variance",
        dist.variance().expect("the variance"),
        torch.variance,
        &full,
    );
    check(
        "stddev",
        dist.stddev().expect("the standard deviation"),
        torch.stddev,
        &full,
    );
    check("mode", dist.mode().expect("the mode"), torch.mode, &full);
    match torch.cdf {
        Some(expected) => check("cdf", dist.cdf(value).expect("the cdf"), expected, &batch),
        None => assert!(matches!(
            dist.cdf(value),
            Err(Error::NotImplemented { method: "cdf", .. })
        )),
    }
    match torch.icdf {
        Some(expected) => check("icdf", dist.icdf(p).expect("the icdf"), expected, &batch),
        None => assert!(matches!(
            dist.icdf(p),
            Err(Error::NotImplemented { method: "icdf", .. })
        )),
    }
    let perplexity = dist.perplexity().expect("the perplexity");
    assert_matches(
        "perplexity",
        &perplexity,
        &torch.entropy.iter().map(|h| h.exp()).collect::<Vec<_>>(),
        tol,
    );
}

/// Monte Carlo checks use 4 standard errors (a correct formula fails one
/// in 15 000 seeded runs), the standard errors computed from the same draws.
pub const NUM_STDERR: f64 = 4.0;

/// `num_samples` draws of `dist` after `manual_seed(seed)`, each checked to
/// lie in the support.
#[track_caller]
pub fn draws<D: Distribution>(dist: &D, num_samples: i64, seed: i64) -> Tensor {
    tch::manual_seed(seed);
    let draws = dist.sample(&[num_samples]).expect("draws");
    let inside = dist.support().check(&draws).expect("a support check");
    assert!(
        bool::try_from(inside.all()).expect("a boolean"),
        "{}: a draw outside the support",
        dist.name()
    );
    draws
}

/// The sample mean of `draws` against `mean()`.
#[track_caller]
pub fn check_mean<D: Distribution>(dist: &D, draws: &Tensor) {
    let (estimate, stderr) = mean_and_stderr(draws);
    assert_within_stderr(
        &estimate,
        &dist.mean().expect("the mean"),
        &stderr,
        NUM_STDERR,
        1e-12,
    );
}

/// The mean squared deviation of `draws` from the exact mean against
/// `variance()` (valid where the fourth moment is finite).
#[track_caller]
pub fn check_variance<D: Distribution>(dist: &D, draws: &Tensor) {
    let squared = (draws - dist.mean().expect("the mean")).square();
    let (estimate, stderr) = mean_and_stderr(&squared);
    assert_within_stderr(
        &estimate,
        &dist.variance().expect("the variance"),
        &stderr,
        NUM_STDERR,
        1e-12,
    );
}

/// The mean of `−log p` over `draws` against `entropy()`.
#[track_caller]
pub fn check_entropy<D: Distribution>(dist: &D, draws: &Tensor) {
    let (estimate, stderr) = mean_and_stderr(&-dist.log_prob(draws).expect("log densities"));
    assert_within_stderr(
        &estimate,
        &dist.entropy().expect("the entropy"),
        &stderr,
        NUM_STDERR,
        1e-12,
    );
}

/// Per-draw gradients: with every parameter a leaf holding `num_samples`
/// copies of its value along the first dimension and one draw per copy
/// (`rsample(&[])`), the gradient of `Σᵢ f(zᵢ)` holds `∂f(zᵢ)/∂θ` for each
/// draw. Returns each parameter's mean gradient and its standard error.
pub fn gradient_estimates(params: &[&Tensor], objective: &Tensor) -> Vec<(Tensor, Tensor)> {
    let total = objective.sum(Kind::Double);
    Tensor::run_backward(&[total], params, true, false)
        .iter()
        .map(mean_and_stderr)
        .collect()
}

/// `num_samples` copies of `values` along a new first dimension, as a leaf
/// that requires a gradient.
pub fn replicated(values: &[f64], num_samples: i64) -> Tensor {
    Tensor::from_slice(values)
        .unsqueeze(0)
        .repeat([num_samples, 1])
        .squeeze_dim(-1)
        .set_requires_grad(true)
}

/// `KL(p ‖ q)` in the parameters' dtype, of the broadcast batch shape,
/// against torch's values.
#[track_caller]
pub fn check_kl_against_torch<P, Q>(p: &P, q: &Q, expected: &[f64], tol: (f64, f64))
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    let kl = kl_divergence(p, q).expect("the closed-form KL");
    assert_eq!(kl.kind(), p.kind());
    assert_eq!(kl.size(), [expected.len() as i64]);
    assert_matches("KL", &kl, expected, tol);
}
