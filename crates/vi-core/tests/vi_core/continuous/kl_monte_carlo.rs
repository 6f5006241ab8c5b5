//! Every closed-form KL among the continuous families, Normal and
//! Exponential against its Monte Carlo estimate (as torch's
//! `TestKL.test_kl_monte_carlo` does), the infinite pairs, `KL(p ‖ p) = 0`,
//! `KL ≥ 0` on random parameters, and gradients through the float64
//! evaluation.

use tch::{Device, Kind, Tensor};
use vi_core::{
    Beta, Dirichlet, Distribution, Exponential, Gamma, KlDivergence, Laplace, Normal, Uniform,
    kl_divergence, monte_carlo_kl,
};

use super::{NUM_STDERR, assert_matches};
use crate::common::{assert_close, assert_within_stderr, f64s, item, mean_and_stderr, values};

const NUM_SAMPLES: i64 = 200_000;

/// `NUM_SAMPLES` seeded draws of `p`, for [`check_against_monte_carlo`].
fn draws_of<P: Distribution>(p: &P, seed: i64) -> Tensor {
    tch::manual_seed(seed);
    p.sample(&[NUM_SAMPLES]).expect("draws")
}

/// The mean of `log p(x) − log q(x)` over the draws `x` of `p`, with its
/// standard error from the same draws: the closed form must lie within 4
/// standard errors (a correct formula fails one seeded run in 15 000).
#[track_caller]
fn check_against_monte_carlo<P, Q>(p: &P, draws: &Tensor, q: &Q)
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    let log_ratio =
        p.log_prob(draws).expect("log densities") - q.log_prob(draws).expect("log densities");
    let (estimate, stderr) = mean_and_stderr(&log_ratio);
    let exact = kl_divergence(p, q).expect("the closed-form KL");
    assert_eq!(exact.size(), estimate.size());
    assert_within_stderr(&estimate, &exact, &stderr, NUM_STDERR, 1e-10);
}

fn v(values: &[f64]) -> Tensor {
    f64s(values, &[values.len() as i64])
}

fn uniform(low: &[f64], high: &[f64]) -> Uniform {
    Uniform::new(&v(low), &v(high)).expect("valid parameters")
}
fn normal(loc: &[f64], scale: &[f64]) -> Normal {
    Normal::new(&v(loc), &v(scale)).expect("valid parameters")
}
fn laplace(loc: &[f64], scale: &[f64]) -> Laplace {
    Laplace::new(&v(loc), &v(scale)).expect("valid parameters")
}
fn exponential(rate: &[f64]) -> Exponential {
    Exponential::new(&v(rate)).expect("valid parameters")
}
fn gamma(concentration: &[f64], rate: &[f64]) -> Gamma {
    Gamma::new(&v(concentration), &v(rate)).expect("valid parameters")
}
fn beta(one: &[f64], zero: &[f64]) -> Beta {
    Beta::new(&v(one), &v(zero)).expect("valid parameters")
}

#[test]
fn uniform_kls_match_monte_carlo() {
    let p = uniform(&[0.0, 0.2, 0.5], &[1.0, 0.7, 0.6]);
    let x = draws_of(&p, 101);
    check_against_monte_carlo(&p, &x, &uniform(&[-1.0, 0.0, 0.5], &[2.0, 1.0, 3.0]));
    check_against_monte_carlo(&p, &x, &normal(&[0.0, 1.0, -1.0], &[1.0, 2.0, 0.5]));
    check_against_monte_carlo(&p, &x, &exponential(&[1.0, 0.3, 2.0]));
    check_against_monte_carlo(&p, &x, &gamma(&[0.5, 2.0, 50.0], &[1.0, 0.3, 40.0]));
    check_against_monte_carlo(&p, &x, &beta(&[0.5, 2.0, 3.0], &[0.7, 3.0, 2.0]));
}

#[test]
fn laplace_and_normal_kls_match_monte_carlo() {
    let p = laplace(&[0.0, 1.0, -2.0], &[1.0, 0.5, 3.0]);
    let x = draws_of(&p, 106);
    check_against_monte_carlo(&p, &x, &laplace(&[0.5, -1.0, -2.0], &[2.0, 0.3, 1.0]));
    check_against_monte_carlo(&p, &x, &normal(&[0.5, -1.0, -2.0], &[2.0, 0.3, 1.0]));
    let p = normal(&[0.0, 1.0, -2.0], &[1.0, 0.5, 3.0]);
    let x = draws_of(&p, 108);
    check_against_monte_carlo(&p, &x, &laplace(&[0.5, -1.0, -2.0], &[2.0, 0.3, 1.0]));
}

#[test]
fn gamma_and_exponential_kls_match_monte_carlo() {
    let p = gamma(&[0.5, 2.0, 50.0], &[1.0, 0.5, 10.0]);
    let x = draws_of(&p, 109);
    check_against_monte_carlo(&p, &x, &gamma(&[1.0, 3.0, 45.0], &[2.0, 0.4, 9.0]));
    check_against_monte_carlo(&p, &x, &exponential(&[1.0, 0.3, 5.0]));
    check_against_monte_carlo(&p, &x, &normal(&[0.0, 4.0, 5.0], &[1.0, 3.0, 0.5]));
    let p = exponential(&[0.5, 1.0, 3.0]);
    let x = draws_of(&p, 112);
    check_against_monte_carlo(&p, &x, &gamma(&[1.0, 2.0, 0.5], &[2.0, 0.5, 1.0]));
    check_against_monte_carlo(&p, &x, &normal(&[0.0, 1.0, -1.0], &[1.0, 2.0, 0.5]));
}

#[test]
fn beta_kls_match_monte_carlo() {
    let p = beta(&[0.5, 2.0, 5.0], &[0.7, 2.0, 1.0]);
    let x = draws_of(&p, 114);
    check_against_monte_carlo(&p, &x, &beta(&[1.0, 3.0, 4.0], &[1.0, 1.5, 2.0]));
    check_against_monte_carlo(&p, &x, &exponential(&[1.0, 0.3, 5.0]));
    check_against_monte_carlo(&p, &x, &gamma(&[1.0, 2.0, 0.5], &[2.0, 0.5, 1.0]));
    check_against_monte_carlo(&p, &x, &normal(&[0.0, 0.5, 1.0], &[1.0, 0.2, 2.0]));
    check_against_monte_carlo(&p, &x, &uniform(&[0.0, -1.0, -0.1], &[1.0, 2.0, 1.0]));
}

#[test]
fn dirichlet_kl_matches_monte_carlo() {
    let p = Dirichlet::new(&f64s(&[0.5, 1.0, 2.0, 3.0, 0.2, 1.0], &[2, 3])).unwrap();
    let x = draws_of(&p, 119);
    let q = Dirichlet::new(&f64s(&[1.0, 1.0, 1.0, 2.0, 0.5, 1.5], &[2, 3])).unwrap();
    check_against_monte_carlo(&p, &x, &q);
}

/// Where the first support leaves the second, the KL is `+∞`, of the
/// broadcast batch shape and `p`'s dtype; the Monte Carlo estimate is `+∞`
/// too, because some draws of `p` have no density under `q`.
#[test]
fn disjoint_supports_give_infinity() {
    #[track_caller]
    fn check<P, Q>(p: &P, q: &Q)
    where
        P: KlDivergence<Q> + Distribution,
        Q: Distribution,
    {
        let kl = kl_divergence(p, q).unwrap();
        assert_eq!(kl.size(), [2, 3], "{} ‖ {}", p.name(), q.name());
        assert_eq!(kl.kind(), Kind::Float);
        assert!(values(&kl).iter().all(|&x| x == f64::INFINITY));
        tch::manual_seed(120);
        let estimate = monte_carlo_kl(p, q, 10_000).unwrap();
        assert!(
            values(&estimate).iter().all(|&x| x == f64::INFINITY),
            "{} ‖ {}",
            p.name(),
            q.name()
        );
    }
    let f = |values: &[f32], shape: &[i64]| Tensor::from_slice(values).reshape(shape);
    let (pair, three) = (f(&[0.5, 2.0], &[2, 1]), f(&[0.5, 1.0, 2.0], &[3]));
    let exponential = Exponential::new(&pair).unwrap();
    let gamma = Gamma::new(&(&pair * 4.0), &pair).unwrap();
    let laplace = Laplace::new(&pair, &pair).unwrap();
    let normal = Normal::new(&pair, &pair).unwrap();
    let beta = Beta::new(&three, &three).unwrap();
    let uniform = Uniform::new(&three, &(&three + 1.0)).unwrap();
    let q_exponential = Exponential::new(&three).unwrap();
    let q_gamma = Gamma::new(&three, &three).unwrap();
    check(&exponential, &beta);
    check(&exponential, &uniform);
    check(&gamma, &beta);
    check(&gamma, &uniform);
    check(&laplace, &beta);
    check(&laplace, &q_exponential);
    check(&laplace, &q_gamma);
    check(&laplace, &uniform);
    check(&normal, &beta);
    check(&normal, &q_exponential);
    check(&normal, &q_gamma);
    check(&normal, &uniform);
}

#[test]
fn kl_of_a_distribution_with_itself_is_zero() {
    let u = uniform(&[0.0, -3.0], &[1.0, 7.0]);
    assert_close(&kl_divergence(&u, &u).unwrap(), &[0.0; 2], 0.0, 0.0);
    let l = laplace(&[0.0, 5.0], &[0.1, 9.0]);
    assert_close(&kl_divergence(&l, &l).unwrap(), &[0.0; 2], 1e-15, 0.0);
    let g = gamma(&[0.01, 500.0], &[3.0, 0.2]);
    assert_close(&kl_divergence(&g, &g).unwrap(), &[0.0; 2], 1e-12, 0.0);
    let b = beta(&[0.01, 300.0], &[2.0, 700.0]);
    assert_close(&kl_divergence(&b, &b).unwrap(), &[0.0; 2], 1e-12, 0.0);
    let d = Dirichlet::new(&f64s(&[0.1, 1.0, 40.0, 3.0], &[2, 2])).unwrap();
    assert_close(&kl_divergence(&d, &d).unwrap(), &[0.0; 2], 1e-12, 0.0);
}

/// 1000 random parameter sets per pair; every KL is `≥ 0` up to rounding.
#[test]
fn kl_is_non_negative_on_random_parameters() {
    tch::manual_seed(121);
    let options = (Kind::Double, Device::Cpu);
    let real = || Tensor::randn([1000], options) * 2.0;
    let positive = || (Tensor::randn([1000], options) * 1.5).exp();
    let unit = || Tensor::rand([1000], options);
    let check = |kl: Tensor, pair: &str| {
        let min = item(&kl.min());
        assert!(min >= -1e-10, "{pair}: negative KL {min}");
    };
    let low = real();
    let p_uniform = Uniform::new(&low, &(&low + positive())).unwrap();
    let q_uniform_low = &low - positive();
    let q_uniform = Uniform::new(&q_uniform_low, &(&low + positive() * 10.0)).unwrap();
    check(
        kl_divergence(&p_uniform, &q_uniform).unwrap(),
        "Uniform ‖ Uniform",
    );
    check(
        kl_divergence(&p_uniform, &Normal::new(&real(), &positive()).unwrap()).unwrap(),
        "Uniform ‖ Normal",
    );
    let bottom = unit() * 0.5;
    let p_unit = Uniform::new(&bottom, &(&bottom + unit() * 0.5 + 1e-3)).unwrap();
    check(
        kl_divergence(&p_unit, &Exponential::new(&positive()).unwrap()).unwrap(),
        "Uniform ‖ Exponential",
    );
    check(
        kl_divergence(&p_unit, &Gamma::new(&positive(), &positive()).unwrap()).unwrap(),
        "Uniform ‖ Gamma",
    );
    check(
        kl_divergence(&p_unit, &Beta::new(&positive(), &positive()).unwrap()).unwrap(),
        "Uniform ‖ Beta",
    );
    let p_laplace = Laplace::new(&real(), &positive()).unwrap();
    check(
        kl_divergence(&p_laplace, &Laplace::new(&real(), &positive()).unwrap()).unwrap(),
        "Laplace ‖ Laplace",
    );
    check(
        kl_divergence(&p_laplace, &Normal::new(&real(), &positive()).unwrap()).unwrap(),
        "Laplace ‖ Normal",
    );
    let p_normal = Normal::new(&real(), &positive()).unwrap();
    check(
        kl_divergence(&p_normal, &Laplace::new(&real(), &positive()).unwrap()).unwrap(),
        "Normal ‖ Laplace",
    );
    let p_gamma = Gamma::new(&positive(), &positive()).unwrap();
    check(
        kl_divergence(&p_gamma, &Gamma::new(&positive(), &positive()).unwrap()).unwrap(),
        "Gamma ‖ Gamma",
    );
    check(
        kl_divergence(&p_gamma, &Exponential::new(&positive()).unwrap()).unwrap(),
        "Gamma ‖ Exponential",
    );
    check(
        kl_divergence(&p_gamma, &Normal::new(&real(), &positive()).unwrap()).unwrap(),
        "Gamma ‖ Normal",
    );
    let p_exponential = Exponential::new(&positive()).unwrap();
    check(
        kl_divergence(
            &p_exponential,
            &Gamma::new(&positive(), &positive()).unwrap(),
        )
        .unwrap(),
        "Exponential ‖ Gamma",
    );
    check(
        kl_divergence(&p_exponential, &Normal::new(&real(), &positive()).unwrap()).unwrap(),
        "Exponential ‖ Normal",
    );
    let p_beta = Beta::new(&positive(), &positive()).unwrap();
    check(
        kl_divergence(&p_beta, &Beta::new(&positive(), &positive()).unwrap()).unwrap(),
        "Beta ‖ Beta",
    );
    check(
        kl_divergence(&p_beta, &Exponential::new(&positive()).unwrap()).unwrap(),
        "Beta ‖ Exponential",
    );
    check(
        kl_divergence(&p_beta, &Gamma::new(&positive(), &positive()).unwrap()).unwrap(),
        "Beta ‖ Gamma",
    );
    check(
        kl_divergence(&p_beta, &Normal::new(&real(), &positive()).unwrap()).unwrap(),
        "Beta ‖ Normal",
    );
    let wide = Uniform::new(&(-positive()), &(positive() + 1.0)).unwrap();
    check(kl_divergence(&p_beta, &wide).unwrap(), "Beta ‖ Uniform");
    let concentration = || (Tensor::randn([1000, 4], options) * 1.5).exp();
    let p_dirichlet = Dirichlet::new(&concentration()).unwrap();
    check(
        kl_divergence(&p_dirichlet, &Dirichlet::new(&concentration()).unwrap()).unwrap(),
        "Dirichlet ‖ Dirichlet",
    );
}

/// Gradients flow through the float64 evaluation back to float32
/// parameters: `∂/∂α₁ KL(Gamma(α₁, β₁) ‖ Gamma(α₂, β₂)) = (α₁ − α₂) ψ′(α₁) + (β₂ − β₁)/β₁`.
#[test]
fn kl_gradients_flow_through_the_float64_evaluation() {
    let alpha = Tensor::from_slice(&[0.5f32, 3.0, 40.0]).set_requires_grad(true);
    let beta = Tensor::from_slice(&[1.0f32, 2.0, 0.5]);
    let q = Gamma::new(
        &Tensor::from_slice(&[1.0f32, 2.0, 45.0]),
        &Tensor::from_slice(&[2.0f32, 1.0, 0.7]),
    )
    .unwrap();
    let kl = kl_divergence(&Gamma::new(&alpha, &beta).unwrap(), &q).unwrap();
    assert_eq!(kl.kind(), Kind::Float);
    let grad = &Tensor::run_backward(&[kl.sum(Kind::Float)], &[&alpha], false, false)[0];
    assert_eq!(grad.kind(), Kind::Float);
    let a1 = f64s(&[0.5, 3.0, 40.0], &[3]);
    let exact = (&a1 - f64s(&[1.0, 2.0, 45.0], &[3])) * a1.polygamma(1)
        + (f64s(&[2.0, 1.0, 0.7], &[3]) - f64s(&[1.0, 2.0, 0.5], &[3]))
            / f64s(&[1.0, 2.0, 0.5], &[3]);
    assert_matches("∂KL/∂α", grad, &values(&exact), (1e-6, 1e-6));
}
