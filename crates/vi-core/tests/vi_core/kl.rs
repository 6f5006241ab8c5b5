//! Analytic KL divergences against their Monte Carlo estimates and against
//! numerical integration; `KL(p ‖ p) = 0`; `KL ≥ 0` on random parameters.

use tch::{Device, Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Exponential, Independent, KlDivergence, MultivariateNormal, Normal,
    kl_divergence, monte_carlo_kl,
};

use crate::common::{
    assert_close, assert_tensors_close, assert_within_stderr, f64s, grid, item, mean_and_stderr,
    values,
};

const NUM_SAMPLES: i64 = 200_000;

/// The Monte Carlo estimate is the mean of `log p(x) − log q(x)` over
/// `NUM_SAMPLES` draws; its standard error is their standard deviation over
/// `√NUM_SAMPLES`, computed here from the very same seeded draws. The
/// analytic value must lie within 4 standard errors (1 in 15 000 for a
/// correct pair) plus float rounding.
pub(crate) fn check_against_monte_carlo<P, Q>(p: &P, q: &Q, seed: i64)
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    tch::manual_seed(seed);
    let estimate = monte_carlo_kl(p, q, NUM_SAMPLES).expect("Monte Carlo KL");
    tch::manual_seed(seed);
    let draws = p.sample(&[NUM_SAMPLES]).expect("draws");
    let log_ratio = p.log_prob(&draws).expect("log p") - q.log_prob(&draws).expect("log q");
    let (mean, stderr) = mean_and_stderr(&log_ratio);
    assert_tensors_close(&estimate, &mean, 1e-9);
    let exact = kl_divergence(p, q).expect("analytic KL");
    assert_eq!(exact.size(), estimate.size());
    assert_within_stderr(&estimate, &exact, &stderr, 4.0, 1e-9);
}

fn normal(loc: &[f64], scale: &[f64]) -> Normal {
    Normal::new(
        &f64s(loc, &[loc.len() as i64]),
        &f64s(scale, &[scale.len() as i64]),
    )
    .expect("valid Normal")
}

#[test]
fn normal_kl_matches_monte_carlo() {
    let p = normal(&[0.0, 1.0, -2.0], &[1.0, 0.5, 3.0]);
    let q = normal(&[0.5, -1.0, 0.0], &[2.0, 0.8, 1.5]);
    check_against_monte_carlo(&p, &q, 21);
}

#[test]
fn exponential_kl_matches_monte_carlo() {
    let p = Exponential::new(&f64s(&[0.5, 1.0, 3.0], &[3])).unwrap();
    let q = Exponential::new(&f64s(&[1.0, 4.0, 2.0], &[3])).unwrap();
    check_against_monte_carlo(&p, &q, 22);
}

#[test]
fn bernoulli_kl_matches_monte_carlo() {
    let p = Bernoulli::from_logits(&f64s(&[-2.0, 0.0, 1.5], &[3])).unwrap();
    let q = Bernoulli::from_probs(&f64s(&[0.3, 0.9, 0.5], &[3])).unwrap();
    check_against_monte_carlo(&p, &q, 23);
}

#[test]
fn independent_kl_matches_monte_carlo() {
    let p = Independent::new(
        Normal::new(
            &f64s(&[0.0, 1.0, 2.0, -1.0], &[2, 2]),
            &f64s(&[1.0, 2.0, 0.5, 1.5], &[2, 2]),
        )
        .unwrap(),
        1,
    )
    .unwrap();
    let q = Independent::new(
        Normal::new(&f64s(&[0.0, 0.5], &[2]), &f64s(&[1.0, 1.2], &[2])).unwrap(),
        1,
    )
    .unwrap();
    check_against_monte_carlo(&p, &q, 24);
}

#[test]
fn multivariate_normal_kl_matches_monte_carlo() {
    let p_tril = f64s(&[1.0, 0.0, 0.0, 0.5, 2.0, 0.0, -0.3, 0.8, 0.6], &[3, 3]);
    let q_tril = f64s(&[2.0, 0.0, 0.0, -0.4, 1.0, 0.0, 0.1, 0.2, 1.5], &[3, 3]);
    let p = MultivariateNormal::new(&f64s(&[1.0, -1.0, 0.5], &[3]), &p_tril).unwrap();
    let q = MultivariateNormal::new(&f64s(&[0.0, 0.5, -0.5], &[3]), &q_tril).unwrap();
    check_against_monte_carlo(&p, &q, 25);
}

/// `KL(p ‖ q) = ∫ p (log p − log q)` by Simpson's rule on ±20 around the
/// means (tails below 1e-40), float64: agreement to 1e-9.
#[test]
fn normal_kl_matches_numerical_integration() {
    let p = normal(&[0.3], &[0.7]);
    let q = normal(&[-1.0], &[1.6]);
    let (points, dx) = grid(-20.0, 20.0, 40_001);
    let points = points.unsqueeze(-1);
    let log_p = p.log_prob(&points).unwrap();
    let integrand = log_p.exp() * (&log_p - q.log_prob(&points).unwrap());
    let integral = crate::common::simpson(&integrand, dx);
    assert_close(
        &kl_divergence(&p, &q).unwrap(),
        &values(&integral),
        1e-9,
        0.0,
    );
}

#[test]
fn kl_of_a_distribution_with_itself_is_zero() {
    let n = normal(&[0.0, 3.0, -1.0], &[1.0, 0.1, 7.0]);
    assert_close(&kl_divergence(&n, &n).unwrap(), &[0.0; 3], 1e-12, 0.0);
    let e = Exponential::new(&f64s(&[0.1, 1.0, 9.0], &[3])).unwrap();
    assert_close(&kl_divergence(&e, &e).unwrap(), &[0.0; 3], 1e-12, 0.0);
    let b = Bernoulli::from_logits(&f64s(&[-4.0, 0.0, 4.0], &[3])).unwrap();
    assert_close(&kl_divergence(&b, &b).unwrap(), &[0.0; 3], 1e-12, 0.0);
    let tril = f64s(&[1.0, 0.0, 0.5, 2.0], &[2, 2]);
    let m = MultivariateNormal::new(&f64s(&[1.0, -1.0], &[2]), &tril).unwrap();
    assert_close(&kl_divergence(&m, &m).unwrap(), &[0.0], 1e-12, 0.0);
    let i = Independent::new(normal(&[0.0, 3.0, -1.0], &[1.0, 0.1, 7.0]), 1).unwrap();
    assert_close(&kl_divergence(&i, &i).unwrap(), &[0.0], 1e-12, 0.0);
}

/// 1000 random parameter pairs per family; every KL is ≥ 0 (up to float
/// rounding).
#[test]
fn kl_is_non_negative_on_random_parameters() {
    tch::manual_seed(26);
    let options = (Kind::Double, Device::Cpu);
    let random = |shape: &[i64]| Tensor::randn(shape, options) * 2.0;
    let positive = |shape: &[i64]| random(shape).exp();
    let check = |kl: Tensor| {
        let min = item(&kl.min());
        assert!(min >= -1e-12, "negative KL {min}");
    };
    let (p, q) = (
        Normal::new(&random(&[1000]), &positive(&[1000])).unwrap(),
        Normal::from_log_var(&random(&[1000]), &random(&[1000])).unwrap(),
    );
    check(kl_divergence(&p, &q).unwrap());
    check(
        kl_divergence(
            &Exponential::new(&positive(&[1000])).unwrap(),
            &Exponential::new(&positive(&[1000])).unwrap(),
        )
        .unwrap(),
    );
    check(
        kl_divergence(
            &Bernoulli::from_logits(&(random(&[1000]) * 3.0)).unwrap(),
            &Bernoulli::from_probs(&Tensor::rand([1000], options)).unwrap(),
        )
        .unwrap(),
    );
    // Random lower-triangular factors with positive diagonals.
    let tril = |batch: i64| {
        let raw = random(&[batch, 3, 3]).tril(-1);
        raw + positive(&[batch, 3]).diag_embed(0, -2, -1)
    };
    let p = MultivariateNormal::new(&random(&[1000, 3]), &tril(1000)).unwrap();
    let q = MultivariateNormal::new(&random(&[1000, 3]), &tril(1000)).unwrap();
    check(kl_divergence(&p, &q).unwrap());
}

/// Tutorial 3's `KL(mu, logvar) = −½ Σ (1 + log σ² − μ² − σ²)` is
/// `Independent<Normal>` against a standard Normal, per example.
#[test]
fn diagonal_gaussian_kl_matches_tutorial_three_formula() {
    tch::manual_seed(27);
    let options = (Kind::Double, Device::Cpu);
    let mean = Tensor::randn([16, 4], options);
    let log_var = Tensor::randn([16, 4], options);
    let posterior = Independent::new(Normal::from_log_var(&mean, &log_var).unwrap(), 1).unwrap();
    let prior = Independent::new(Normal::standard_like(&mean).unwrap(), 1).unwrap();
    let kl = kl_divergence(&posterior, &prior).unwrap();
    assert_eq!(kl.size(), [16]);
    let tutorial =
        ((&log_var + 1.0 - mean.square() - log_var.exp()) * -0.5).sum_dim_intlist(-1, false, None);
    assert_tensors_close(&kl, &tutorial, 1e-12);
}

#[test]
fn kl_broadcasts_batch_shapes() {
    let p = Normal::new(
        &Tensor::zeros([5, 3], (Kind::Double, Device::Cpu)),
        &f64s(&[1.0, 2.0, 3.0], &[3]),
    )
    .unwrap();
    let q = Normal::new(&f64s(&[0.0], &[1]), &f64s(&[1.0], &[1])).unwrap();
    assert_eq!(kl_divergence(&p, &q).unwrap().size(), [5, 3]);
    let tril = Tensor::eye(2, (Kind::Double, Device::Cpu));
    let batched =
        MultivariateNormal::new(&Tensor::zeros([4, 2], (Kind::Double, Device::Cpu)), &tril)
            .unwrap();
    let single = MultivariateNormal::new(&f64s(&[1.0, 0.0], &[2]), &(&tril * 2.0)).unwrap();
    let kl = kl_divergence(&batched, &single).unwrap();
    assert_eq!(kl.size(), [4]);
    // KL(N(0, I) ‖ N(e₁, 4I)) = ½ [2/4 + 1/4 − 2] + 2 log 2.
    let expected = 0.5 * (0.5 + 0.25 - 2.0) + 2.0 * 2f64.ln();
    assert_close(&kl, &[expected; 4], 1e-12, 0.0);
}
