//! ELBO estimators on models whose evidence is known exactly.
//!
//! Conjugate model: `z ~ N(0, 1)`, `x | z ~ N(z, 1)`, so
//! `log p(x) = log N(x; 0, 2)`, the posterior is `N(x/2, 1/2)`, and for any
//! `q = N(m, s²)` the ELBO is `log p(x) − KL(q ‖ N(x/2, 1/2))`.

use std::cell::RefCell;
use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Exponential, Independent, Normal, Result, analytic_kl_elbo,
    importance_log_likelihood, iwae_bound, kl_divergence, monte_carlo_elbo,
};

use crate::common::{
    assert_close, assert_finite, assert_tensors_close, assert_within_stderr, f64s, mean_and_stderr,
    scalar, tutorial_two_data, values,
};

fn observations() -> Tensor {
    f64s(&[-1.0, 0.5, 2.0, 3.0], &[4])
}

fn log_evidence(x: &Tensor) -> Tensor {
    x.square() * -0.25 - 0.5 * (4.0 * PI).ln()
}

fn prior() -> Normal {
    Normal::new(&scalar(0.0), &scalar(1.0)).expect("valid prior")
}

fn exact_posterior(x: &Tensor) -> Normal {
    Normal::new(&(x * 0.5), &Tensor::full_like(x, 0.5f64.sqrt())).expect("valid posterior")
}

/// A deliberately wrong posterior: shifted mean, too wide.
fn rough_posterior(x: &Tensor) -> Normal {
    Normal::new(&(x * 0.5 + 0.5), &Tensor::ones_like(x)).expect("valid posterior")
}

/// `log p(x | z)` for `z` of shape `[S] + batch`.
fn log_likelihood(x: &Tensor) -> impl Fn(&Tensor) -> Result<Tensor> + '_ {
    move |z| Normal::new(z, &scalar(1.0))?.log_prob(x)
}

#[test]
fn elbo_and_iwae_are_exact_at_the_true_posterior() {
    tch::manual_seed(31);
    let x = observations();
    let q = exact_posterior(&x);
    // log w = log p(x, z) − log q(z|x) = log p(x) for every z.
    let elbo = monte_carlo_elbo(&q, &prior(), 7, log_likelihood(&x)).unwrap();
    assert_tensors_close(&elbo, &log_evidence(&x), 1e-12);
    let iwae = iwae_bound(&q, &prior(), 7, log_likelihood(&x)).unwrap();
    assert_tensors_close(&iwae, &log_evidence(&x), 1e-12);
}

/// Wraps a log-likelihood so that the draws it is given are kept: the
/// standard error of an estimate is computed from the very terms it averaged.
fn recording<'a>(
    log_lik: impl Fn(&Tensor) -> Result<Tensor> + 'a,
    draws: &'a RefCell<Option<Tensor>>,
) -> impl FnOnce(&Tensor) -> Result<Tensor> + 'a {
    move |z| {
        *draws.borrow_mut() = Some(z.detach());
        log_lik(z)
    }
}

/// Standard errors of the analytic-KL ELBO (terms `log p(x|z)`) and of the
/// Monte Carlo ELBO (terms `log p(x|z) + log p(z) − log q(z)`) at draws `z`.
fn standard_errors<Q: Distribution, P: Distribution>(
    z: &Tensor,
    q: &Q,
    prior: &P,
    log_lik: impl Fn(&Tensor) -> Result<Tensor>,
) -> (Tensor, Tensor) {
    let log_lik = log_lik(z).expect("log-likelihood");
    let log_w =
        &log_lik + prior.log_prob(z).expect("prior log_prob") - q.log_prob(z).expect("q log_prob");
    (mean_and_stderr(&log_lik).1, mean_and_stderr(&log_w).1)
}

/// Both ELBO estimators of a wrong `q` agree with the closed form
/// `log p(x) − KL(q ‖ posterior)` within 4 standard errors, and the closed
/// form lies below `log p(x)`.
#[test]
fn elbo_estimates_match_closed_form_below_log_evidence() {
    let x = observations();
    let q = rough_posterior(&x);
    let closed_form = log_evidence(&x) - kl_divergence(&q, &exact_posterior(&x)).unwrap();
    let gap = values(&(log_evidence(&x) - &closed_form));
    assert!(
        gap.iter().all(|&g| g > 0.1),
        "ELBO must lie below log p(x): gaps {gap:?}"
    );

    tch::manual_seed(32);
    let num_samples = 100_000;
    let draws = RefCell::new(None);
    let analytic = analytic_kl_elbo(
        &q,
        &prior(),
        num_samples,
        recording(log_likelihood(&x), &draws),
    )
    .unwrap();
    let (stderr, _) = standard_errors(
        draws.borrow().as_ref().unwrap(),
        &q,
        &prior(),
        log_likelihood(&x),
    );
    assert_within_stderr(&analytic, &closed_form, &stderr, 4.0, 0.0);

    let monte_carlo = monte_carlo_elbo(
        &q,
        &prior(),
        num_samples,
        recording(log_likelihood(&x), &draws),
    )
    .unwrap();
    let (_, stderr) = standard_errors(
        draws.borrow().as_ref().unwrap(),
        &q,
        &prior(),
        log_likelihood(&x),
    );
    assert_within_stderr(&monte_carlo, &closed_form, &stderr, 4.0, 0.0);
}

/// `E[L_k]` for k = 1, 4, 16, 64, each estimated over 20 000 independent
/// replicates: each exceeds the previous by more than 3 standard errors of
/// the difference, and all stay below `log p(x)` (Burda et al. 2015, Thm 1).
#[test]
fn iwae_bound_increases_with_k_towards_log_evidence() {
    tch::manual_seed(34);
    let replicates = 20_000;
    let x = observations().expand([replicates, 4], false);
    let q = rough_posterior(&x);
    let exact = log_evidence(&observations());
    let mut previous: Option<(Tensor, Tensor)> = None;
    for k in [1, 4, 16, 64] {
        let bound = iwae_bound(&q, &prior(), k, log_likelihood(&x)).unwrap();
        let (mean, stderr) = mean_and_stderr(&bound);
        let below = values(&(&exact - &mean - &stderr * 3.0));
        assert!(
            below.iter().all(|&b| b > 0.0),
            "k = {k}: bound above log p(x): {below:?}"
        );
        if let Some((prev_mean, prev_stderr)) = &previous {
            let diff_stderr = (prev_stderr.square() + stderr.square()).sqrt();
            let margin = values(&(&mean - prev_mean - diff_stderr * 3.0));
            assert!(
                margin.iter().all(|&m| m > 0.0),
                "k = {k}: no increase beyond noise: {margin:?}"
            );
        }
        previous = Some((mean, stderr));
    }
}

/// With k = 1 the IWAE bound is the single-sample ELBO (same draw).
#[test]
fn iwae_with_one_sample_is_the_single_sample_elbo() {
    let x = observations();
    let q = rough_posterior(&x);
    tch::manual_seed(35);
    let iwae = iwae_bound(&q, &prior(), 1, log_likelihood(&x)).unwrap();
    tch::manual_seed(35);
    let elbo = monte_carlo_elbo(&q, &prior(), 1, log_likelihood(&x)).unwrap();
    assert_tensors_close(&iwae, &elbo, 1e-12);
}

/// Importance sampling with k = 20 000 from a wrong `q` recovers `log p(x)`:
/// the relative standard deviation of the weights is below 2 here, so the
/// estimator's error is about 2/√k ≈ 0.014 at most; tolerance 0.05.
#[test]
fn importance_log_likelihood_recovers_log_evidence() {
    tch::manual_seed(36);
    let x = observations();
    let q = rough_posterior(&x);
    let estimate =
        importance_log_likelihood(&q, &prior(), 20_000, 1_000, log_likelihood(&x)).unwrap();
    assert_close(&estimate, &values(&log_evidence(&x)), 0.05, 0.0);
    assert!(!estimate.requires_grad());
}

/// Chunking merges per-chunk log-sum-exps: the result equals one
/// log-sum-exp over all weights of the same draws.
#[test]
fn chunked_importance_sampling_equals_one_log_sum_exp() {
    let x = observations();
    let q = rough_posterior(&x);
    tch::manual_seed(37);
    let chunked = importance_log_likelihood(&q, &prior(), 10, 3, log_likelihood(&x)).unwrap();
    tch::manual_seed(37);
    let chunks: Vec<Tensor> = [3, 3, 3, 1]
        .iter()
        .map(|&c| {
            let z = q.sample(&[c]).unwrap();
            log_likelihood(&x)(&z).unwrap() + prior().log_prob(&z).unwrap()
                - q.log_prob(&z).unwrap()
        })
        .collect();
    let all = Tensor::cat(&chunks, 0).logsumexp(0, false) - 10f64.ln();
    assert_tensors_close(&chunked, &all, 1e-12);
}

/// Tutorial 2: prior `Exp(1)`, `xᵢ | z ~ N(z, 1)`, `q = Exp(θ)`. Its closed
/// form `L(θ) = −½Σxᵢ² + (Σxᵢ − 1)/θ − N/θ² − (N/2) log 2π − log θ + 1`
/// matches both estimators within 4 standard errors.
#[test]
fn exponential_posterior_elbo_matches_tutorial_two_closed_form() {
    // float32 draws, exact in float64.
    let data = tutorial_two_data().to_kind(Kind::Double);
    let n = 5.0;
    let (sum, sum_sq) = (
        values(&data.sum(Kind::Double))[0],
        values(&data.square().sum(Kind::Double))[0],
    );
    let prior = Exponential::new(&scalar(1.0)).unwrap();
    for theta in [0.4, 0.6052036285400391, 1.5] {
        let q = Exponential::new(&scalar(theta)).unwrap();
        let closed_form = -0.5 * sum_sq + (sum - 1.0) / theta
            - n / (theta * theta)
            - n / 2.0 * (2.0 * PI).ln()
            - theta.ln()
            + 1.0;
        let log_lik = |z: &Tensor| -> Result<Tensor> {
            Ok(Normal::new(&z.unsqueeze(-1), &scalar(1.0))?
                .log_prob(&data)?
                .sum_dim_intlist(-1, false, None))
        };
        tch::manual_seed(38);
        let draws = RefCell::new(None);
        let estimate = monte_carlo_elbo(&q, &prior, 200_000, recording(log_lik, &draws)).unwrap();
        let (_, stderr) = standard_errors(draws.borrow().as_ref().unwrap(), &q, &prior, log_lik);
        assert_within_stderr(&estimate, &scalar(closed_form), &stderr, 4.0, 0.0);
        let analytic = analytic_kl_elbo(&q, &prior, 200_000, recording(log_lik, &draws)).unwrap();
        let (stderr, _) = standard_errors(draws.borrow().as_ref().unwrap(), &q, &prior, log_lik);
        assert_within_stderr(&analytic, &scalar(closed_form), &stderr, 4.0, 0.0);
    }
}

/// The VAE shapes: `q(z|x) = Independent<Normal>` of batch `[B]`, event
/// `[D]`; a standard-Normal prior; a Bernoulli decoder. Every estimator
/// returns `[B]`, finite, with gradients reaching the encoder outputs.
#[test]
fn vae_shaped_estimators_return_per_example_values() {
    tch::manual_seed(39);
    let options = (Kind::Float, Device::Cpu);
    let (batch, latent, pixels) = (6, 2, 10);
    let mean = Tensor::randn([batch, latent], options).set_requires_grad(true);
    let log_var = Tensor::randn([batch, latent], options).set_requires_grad(true);
    let images = Tensor::rand([batch, pixels], options).round();
    let weights = Tensor::randn([latent, pixels], options);
    let decoder_log_lik = |z: &Tensor| -> Result<Tensor> {
        let logits = z.matmul(&weights);
        Independent::new(Bernoulli::from_logits(&logits)?, 1)?.log_prob(&images)
    };
    let posterior = Independent::new(Normal::from_log_var(&mean, &log_var).unwrap(), 1).unwrap();
    let prior = Independent::new(Normal::standard_like(&mean).unwrap(), 1).unwrap();
    let estimates = [
        analytic_kl_elbo(&posterior, &prior, 3, decoder_log_lik).unwrap(),
        monte_carlo_elbo(&posterior, &prior, 3, decoder_log_lik).unwrap(),
        iwae_bound(&posterior, &prior, 5, decoder_log_lik).unwrap(),
    ];
    for estimate in &estimates {
        assert_eq!(estimate.size(), [batch]);
        assert_finite(estimate);
        // The estimators share the posterior's graph: keep it between backward passes.
        let grads = Tensor::run_backward(
            &[estimate.sum(Kind::Float)],
            &[&mean, &log_var],
            true,
            false,
        );
        grads.iter().for_each(assert_finite);
    }
    let evaluation =
        importance_log_likelihood(&posterior, &prior, 50, 16, decoder_log_lik).unwrap();
    assert_eq!(evaluation.size(), [batch]);
}
