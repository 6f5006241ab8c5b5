//! `Detach` on the continuous families: the same density, gradients to the
//! value but not to the parameters; and the path-derivative ("sticking the
//! landing") ELBO, which evaluates `log q` detached, vanishes draw by draw
//! at the exact posterior of conjugate Gamma and Beta models — through the
//! implicit reparameterization gradients of their draws.

use tch::{Kind, Tensor};
use vi_core::{
    Beta, Detach, Dirichlet, Distribution, Exponential, Gamma, Laplace, StudentT, Uniform,
    monte_carlo_elbo, stl_elbo,
};

use crate::common::{assert_close, f64s, values};

fn leaf(values: &[f64]) -> Tensor {
    f64s(values, &[values.len() as i64]).set_requires_grad(true)
}

/// `detach()` keeps `log_prob`'s values and cuts the parameters out of the
/// graph.
#[track_caller]
fn check_detached<D: Detach>(dist: &D, value: &Tensor, params: &[&Tensor]) {
    let attached = dist.log_prob(value).expect("log_prob");
    let held = dist.detach();
    let detached = held.log_prob(value).expect("log_prob");
    assert_close(&detached, &values(&attached), 0.0, 0.0);
    assert!(attached.requires_grad() && params.iter().all(|p| p.requires_grad()));
    assert!(
        !detached.requires_grad(),
        "{}: parameters still attached",
        dist.name()
    );
    assert!(!held.entropy().expect("entropy").requires_grad());
}

/// The detached `log_prob` passes the same gradient to its argument.
#[track_caller]
fn check_value_gradient<D: Detach>(dist: &D, value: &Tensor) {
    let value = value.detach().set_requires_grad(true);
    let attached = dist.log_prob(&value).expect("log_prob").sum(Kind::Double);
    let detached = dist
        .detach()
        .log_prob(&value)
        .expect("log_prob")
        .sum(Kind::Double);
    let grad = Tensor::run_backward(&[attached], &[&value], false, false);
    let held_grad = Tensor::run_backward(&[detached], &[&value], false, false);
    assert_close(&held_grad[0], &values(&grad[0]), 0.0, 0.0);
}

#[test]
fn detach_cuts_the_parameters_only() {
    let (a, b) = (leaf(&[0.5, 2.0]), leaf(&[1.5, 3.0]));
    let x = f64s(&[1.0, 2.5], &[2]);
    let unit = f64s(&[0.3, 0.6], &[2]);
    // Uniform's log density is flat in its argument: no gradient to compare.
    check_detached(&Uniform::new(&a, &b).unwrap(), &x, &[&a, &b]);
    let laplace = Laplace::new(&a, &b).unwrap();
    check_detached(&laplace, &x, &[&a, &b]);
    check_value_gradient(&laplace, &x);
    let gamma = Gamma::new(&a, &b).unwrap();
    check_detached(&gamma, &x, &[&a, &b]);
    check_value_gradient(&gamma, &x);
    let beta = Beta::new(&a, &b).unwrap();
    check_detached(&beta, &unit, &[&a, &b]);
    check_value_gradient(&beta, &unit);
    let dirichlet = Dirichlet::new(&a).unwrap();
    check_detached(&dirichlet, &f64s(&[0.3, 0.7], &[2]), &[&a]);
    check_value_gradient(&dirichlet, &f64s(&[0.3, 0.7], &[2]));
    let df = leaf(&[3.0, 7.0]);
    let t = StudentT::new(&df, &a, &b).unwrap();
    check_detached(&t, &x, &[&df, &a, &b]);
    check_value_gradient(&t, &x);
}

/// Exponential observations `xᵢ` with a `Gamma(α₀, β₀)` prior on the rate:
/// the posterior is `Gamma(α₀ + n, β₀ + Σxᵢ)`, so with `q` equal to it the
/// log weight is constant in `z` and each STL gradient is zero (to
/// rounding), while the ordinary reparameterized ELBO's is not.
#[test]
fn stl_vanishes_at_the_exact_gamma_posterior() {
    let data = f64s(&[0.4, 1.3, 0.2, 2.2, 0.9], &[5]);
    let (n, total) = (5.0, values(&data.sum(Kind::Double))[0]);
    let prior = Gamma::new(&f64s(&[2.0], &[1]), &f64s(&[1.0], &[1])).unwrap();
    let alpha = leaf(&[2.0 + n]);
    let beta = leaf(&[1.0 + total]);
    let likelihood = |z: &Tensor| {
        Exponential::new(&z.unsqueeze(-1))?
            .log_prob(&data)
            .map(|l| l.sum_dim_intlist(-1, false, None::<Kind>))
    };
    tch::manual_seed(140);
    let posterior = Gamma::new(&alpha, &beta).unwrap();
    let stl = stl_elbo(&posterior, &prior, 64, likelihood).unwrap();
    let grads = Tensor::run_backward(
        &[stl.surrogate.sum(Kind::Double)],
        &[&alpha, &beta],
        false,
        false,
    );
    for grad in &grads {
        assert!(values(grad)[0].abs() < 1e-10, "STL gradient {grad:?}");
    }
    tch::manual_seed(140);
    let elbo = monte_carlo_elbo(&posterior, &prior, 64, likelihood).unwrap();
    let grads = Tensor::run_backward(&[elbo.sum(Kind::Double)], &[&alpha, &beta], false, false);
    assert!(
        values(&grads[0])[0].abs() > 1e-3,
        "the ordinary gradient is not zero"
    );
}

/// Bernoulli observations with a `Beta(a₀, b₀)` prior: the posterior is
/// `Beta(a₀ + k, b₀ + n − k)`; STL gradients vanish there too (through the
/// Dirichlet surrogate of the Beta's draws).
#[test]
fn stl_vanishes_at_the_exact_beta_posterior() {
    let (k, n) = (7.0, 10.0);
    let prior = Beta::new(&f64s(&[1.5], &[1]), &f64s(&[2.0], &[1])).unwrap();
    let one = leaf(&[1.5 + k]);
    let zero = leaf(&[2.0 + n - k]);
    let likelihood =
        |z: &Tensor| -> vi_core::Result<Tensor> { Ok(z.log() * k + z.neg().log1p() * (n - k)) };
    tch::manual_seed(141);
    let posterior = Beta::new(&one, &zero).unwrap();
    let stl = stl_elbo(&posterior, &prior, 64, likelihood).unwrap();
    let grads = Tensor::run_backward(
        &[stl.surrogate.sum(Kind::Double)],
        &[&one, &zero],
        false,
        false,
    );
    for grad in &grads {
        assert!(values(grad)[0].abs() < 1e-9, "STL gradient {grad:?}");
    }
}
