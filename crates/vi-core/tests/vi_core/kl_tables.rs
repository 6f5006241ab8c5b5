//! Tables of KL formulas: a caller's own pair between two of vi-core's
//! families, vi-core's own table, and the Monte Carlo table, through
//! `kl_divergence_with` and `analytic_kl_elbo_with`.

use std::f64::consts::PI;

use tch::Tensor;
use vi_core::{
    BuiltinKl, Distribution, Exponential, KlRule, MonteCarloKl, Normal, Result, analytic_kl_elbo,
    analytic_kl_elbo_with, kl_divergence, kl_divergence_with, monte_carlo_kl,
};

use crate::common::{assert_close, f64s, mean_and_stderr, scalar, values};

/// A table of this test crate's: `KL(Exp(λ) ‖ N(μ, σ²))`, a pair of two
/// vi-core families, which the orphan rule would forbid as an impl of
/// `KlDivergence`. With `E[x] = 1/λ`, `E[x²] = 2/λ²` and `H(Exp(λ)) = 1 − log λ`:
/// `KL = −H(p) + log σ + ½ log 2π + (E[x²] − 2μE[x] + μ²) / (2σ²)`.
struct MyKl;

impl KlRule<Exponential, Normal> for MyKl {
    fn kl_divergence(&self, p: &Exponential, q: &Normal) -> Result<Tensor> {
        let rate = p.rate();
        let second_moment = rate.pow_tensor_scalar(-2) * 2.0;
        let cross = q.loc() * 2.0 / rate;
        let square = (second_moment - cross + q.loc().square()) / (q.scale().square() * 2.0);
        Ok(-p.entropy()? + q.log_scale() + 0.5 * (2.0 * PI).ln() + square)
    }
}

#[test]
fn a_table_of_ones_own_supplies_a_pair_between_vi_core_families() {
    let p = Exponential::new(&f64s(&[0.5, 1.0, 3.0], &[3])).unwrap();
    let q = Normal::new(
        &f64s(&[0.0, 1.0, -1.0], &[3]),
        &f64s(&[1.0, 2.0, 0.5], &[3]),
    )
    .unwrap();
    let exact = kl_divergence_with(&MyKl, &p, &q).unwrap();
    tch::manual_seed(5);
    let draws = p.sample(&[400_000]).unwrap();
    let (mean, stderr) =
        mean_and_stderr(&(p.log_prob(&draws).unwrap() - q.log_prob(&draws).unwrap()));
    let (exact, mean, stderr) = (values(&exact), values(&mean), values(&stderr));
    for i in 0..3 {
        assert!(
            (exact[i] - mean[i]).abs() < 4.0 * stderr[i],
            "{exact:?} vs {mean:?} ± {stderr:?}"
        );
    }
}

#[test]
fn the_builtin_table_is_kl_divergence() {
    let p = Normal::new(&f64s(&[0.0, 1.0], &[2]), &scalar(1.5)).unwrap();
    let q = Normal::new(&scalar(0.5), &scalar(1.0)).unwrap();
    assert_close(
        &kl_divergence_with(&BuiltinKl, &p, &q).unwrap(),
        &values(&kl_divergence(&p, &q).unwrap()),
        0.0,
        0.0,
    );
}

#[test]
fn the_monte_carlo_table_is_monte_carlo_kl() {
    let p = Normal::new(&f64s(&[0.0, 1.0], &[2]), &scalar(1.5)).unwrap();
    let q = Normal::new(&scalar(0.5), &scalar(1.0)).unwrap();
    tch::manual_seed(9);
    let table = kl_divergence_with(&MonteCarloKl { num_samples: 1000 }, &p, &q).unwrap();
    tch::manual_seed(9);
    let direct = monte_carlo_kl(&p, &q, 1000).unwrap();
    assert_close(&table, &values(&direct), 0.0, 0.0);
}

/// `analytic_kl_elbo_with(&BuiltinKl, …)` is `analytic_kl_elbo` draw for
/// draw; with a table of one's own it takes the table's KL.
#[test]
fn elbo_with_a_table_takes_its_kl() {
    let posterior = Normal::new(&f64s(&[0.2, -0.3], &[2]), &f64s(&[0.8, 1.1], &[2])).unwrap();
    let prior = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    let likelihood = |z: &Tensor| Ok(-z.square());
    tch::manual_seed(1);
    let builtin = analytic_kl_elbo(&posterior, &prior, 3, likelihood).unwrap();
    tch::manual_seed(1);
    let table = analytic_kl_elbo_with(&BuiltinKl, &posterior, &prior, 3, likelihood).unwrap();
    assert_close(&table, &values(&builtin), 0.0, 0.0);

    let exponential = Exponential::new(&f64s(&[1.0, 2.0], &[2])).unwrap();
    tch::manual_seed(2);
    let elbo = analytic_kl_elbo_with(&MyKl, &exponential, &prior, 3, likelihood).unwrap();
    tch::manual_seed(2);
    let z = vi_core::Rsample::rsample(&exponential, &[3]).unwrap();
    let expected = (-z.square()).mean_dim(0, false, None::<tch::Kind>)
        - kl_divergence_with(&MyKl, &exponential, &prior).unwrap();
    assert_close(&elbo, &values(&expected), 1e-12, 0.0);
}
