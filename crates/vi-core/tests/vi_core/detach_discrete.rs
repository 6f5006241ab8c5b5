//! `Detach` on Categorical, OneHotCategorical, LowRankMultivariateNormal
//! and MixtureSameFamily: the same values, no gradient to the parameters,
//! the same gradient to the value; and the path-derivative ELBO vanishing
//! draw by draw when a low-rank posterior equals the target exactly.

use tch::{Kind, Tensor};
use vi_core::{
    Categorical, Detach, LowRankMultivariateNormal, MixtureSameFamily, MultivariateNormal, Normal,
    OneHotCategorical, OneHotCategoricalStraightThrough, monte_carlo_elbo, stl_elbo,
};

use crate::common::{assert_close, f64s, values};

fn leaf(values: &[f64], shape: &[i64]) -> Tensor {
    f64s(values, shape).set_requires_grad(true)
}

/// `detach()` keeps `log_prob`'s values and cuts the parameters out of the
/// graph; gradients to a floating-point value are unchanged.
#[track_caller]
fn check_detached<D: Detach>(dist: &D, value: &Tensor, value_gradient: bool) {
    let attached = dist.log_prob(value).expect("log_prob");
    let held = dist.detach();
    let detached = held.log_prob(value).expect("log_prob");
    assert_close(&detached, &values(&attached), 0.0, 0.0);
    assert!(
        attached.requires_grad(),
        "{}: parameters not attached",
        dist.name()
    );
    assert!(
        !detached.requires_grad(),
        "{}: parameters still attached",
        dist.name()
    );
    if let Ok(entropy) = held.entropy() {
        assert!(!entropy.requires_grad());
    }
    if value_gradient {
        let value = value.detach().set_requires_grad(true);
        let sum = |d: &D| d.log_prob(&value).expect("log_prob").sum(Kind::Double);
        let grad = Tensor::run_backward(&[sum(dist)], &[&value], false, false);
        let held_grad = Tensor::run_backward(&[sum(&held)], &[&value], false, false);
        assert_close(&held_grad[0], &values(&grad[0]), 0.0, 0.0);
    }
}

#[test]
fn detach_cuts_the_parameters_only() {
    let logits = leaf(&[0.3, -1.0, 2.0, 0.0, 1.5, -0.5], &[2, 3]);
    let categorical = Categorical::from_logits(&logits).unwrap();
    check_detached(&categorical, &Tensor::from_slice(&[2i64, 0]), false);
    let probs = leaf(&[0.2, 0.3, 0.5], &[3]);
    check_detached(
        &Categorical::from_probs(&probs).unwrap(),
        &Tensor::from_slice(&[1i64]),
        false,
    );
    let one_hot_value = f64s(&[0.0, 1.0, 0.0], &[3]);
    check_detached(
        &OneHotCategorical::from_logits(&logits).unwrap(),
        &one_hot_value,
        false,
    );
    let straight = OneHotCategoricalStraightThrough::from_logits(&logits).unwrap();
    check_detached(&straight, &one_hot_value, false);

    let loc = leaf(&[0.5, -1.0, 2.0], &[3]);
    let factor = leaf(&[1.0, 0.2, -0.5, 0.7, 0.3, -1.1], &[3, 2]);
    let diag = leaf(&[0.5, 1.5, 0.8], &[3]);
    let low_rank = LowRankMultivariateNormal::new(&loc, &factor, &diag).unwrap();
    check_detached(
        &low_rank,
        &f64s(&[1.0, -2.0, 0.5, 0.0, 0.1, 0.2], &[2, 3]),
        true,
    );

    let component = Normal::new(&leaf(&[-1.0, 2.0], &[2]), &leaf(&[0.5, 1.5], &[2])).unwrap();
    let weights = Categorical::from_logits(&leaf(&[0.2, -0.4], &[2])).unwrap();
    let mixture = MixtureSameFamily::new(weights, component).unwrap();
    check_detached(&mixture, &f64s(&[0.3, -2.0, 4.0], &[3]), true);
}

/// With no data, the exact posterior is the prior `N(m, D + v vᵀ)`, which a
/// rank-1 posterior represents exactly: the log weight `log p(z) − log q(z)`
/// is 0 for every draw, so each STL gradient vanishes (to rounding), while
/// the ordinary reparameterized ELBO's gradient does not.
#[test]
fn stl_vanishes_when_the_low_rank_posterior_is_exact() {
    let (mean, direction, diagonal) = ([0.5, -1.0, 2.0], [1.0, -0.5, 0.3], [0.4, 1.2, 0.7]);
    let v = f64s(&direction, &[3, 1]);
    let covariance = v.matmul(&v.transpose(0, 1)) + f64s(&diagonal, &[3]).diag_embed(0, -2, -1);
    let prior =
        MultivariateNormal::from_covariance_matrix(&f64s(&mean, &[3]), &covariance).unwrap();
    let loc = leaf(&mean, &[3]);
    let factor = leaf(&direction, &[3, 1]);
    let diag = leaf(&diagonal, &[3]);
    let posterior = LowRankMultivariateNormal::new(&loc, &factor, &diag).unwrap();
    let no_data = |z: &Tensor| Ok(z.sum_dim_intlist(-1, false, None::<Kind>) * 0.0);
    tch::manual_seed(150);
    let stl = stl_elbo(&posterior, &prior, 64, no_data).unwrap();
    assert!(
        values(&stl.objective)[0].abs() < 1e-12,
        "KL(q ‖ p) = 0 at the optimum"
    );
    let parameters = [&loc, &factor, &diag];
    let grads = Tensor::run_backward(
        &[stl.surrogate.sum(Kind::Double)],
        &parameters,
        false,
        false,
    );
    for grad in &grads {
        assert!(
            values(grad).iter().all(|g| g.abs() < 1e-10),
            "STL gradient {grad:?}"
        );
    }
    tch::manual_seed(150);
    let elbo = monte_carlo_elbo(&posterior, &prior, 64, no_data).unwrap();
    let grads = Tensor::run_backward(&[elbo.sum(Kind::Double)], &parameters, false, false);
    let largest = grads
        .iter()
        .flat_map(values)
        .fold(0.0f64, |acc, g| acc.max(g.abs()));
    assert!(
        largest > 1e-3,
        "the ordinary gradient is not zero: {largest}"
    );
}
