//! `Detach` on `LogitRelaxedBernoulli` (the Concrete relaxation's logit
//! space, which a relaxed VAE trains with STL or DReG): the same values, no
//! gradient to the log-odds, the same gradient to the value, and a draw
//! that still moves with the log-odds while the detached density does not.

use tch::{Kind, Tensor};
use vi_core::{Detach, Distribution, LogitRelaxedBernoulli, Rsample};

use crate::common::{assert_close, f64s, values};

#[test]
fn detach_cuts_the_log_odds_only() {
    let logits = f64s(&[0.3, -1.0, 2.0], &[3]).set_requires_grad(true);
    let temperature = f64s(&[0.5], &[]);
    let dist = LogitRelaxedBernoulli::from_logits(&temperature, &logits).unwrap();
    let held = dist.detach();
    let value = f64s(&[1.5, -0.2, 3.0, 0.0, 0.4, -2.5], &[2, 3]).set_requires_grad(true);

    let attached = dist.log_prob(&value).unwrap();
    let detached = held.log_prob(&value).unwrap();
    assert_close(&detached, &values(&attached), 0.0, 0.0);
    assert!(attached.requires_grad());
    let at_fixed_value = held.log_prob(&value.detach()).unwrap();
    assert!(
        !at_fixed_value.requires_grad(),
        "the detached density reaches the log-odds"
    );

    let sum = |d: &LogitRelaxedBernoulli| d.log_prob(&value).unwrap().sum(Kind::Double);
    let grad = Tensor::run_backward(&[sum(&dist)], &[&value], false, false);
    let held_grad = Tensor::run_backward(&[sum(&held)], &[&value], false, false);
    assert_close(&held_grad[0], &values(&grad[0]), 0.0, 0.0);

    // A reparameterized draw of the original still depends on the log-odds:
    // what STL differentiates through while scoring it with `held`.
    tch::manual_seed(3);
    let draw = dist.rsample(&[4]).unwrap();
    let scored = held.log_prob(&draw).unwrap().sum(Kind::Double);
    let path = Tensor::run_backward(&[scored], &[&logits], false, false);
    assert!(values(&path[0]).iter().any(|g| g.abs() > 0.0));
}
