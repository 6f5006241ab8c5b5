//! The Uniform family: torch's values, moments by Monte Carlo, exact
//! reparameterization gradients, supports and refusals.

use std::f64::consts::LN_2;

use tch::{Kind, Tensor};
use vi_core::{Bound, Constraint, Distribution, Error, Expand, Rsample, Uniform, validation};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, Torch, check_against_torch, check_entropy, check_mean,
    check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = Uniform(T([0.0, -1.0, 2.0, -3.0]), T([1.0, 3.0, 2.5, -2.9]))
/// d._validate_args = False  # values outside the support give torch's -inf
/// x = T([0.5, 3.0, 2.2, -3.5]); p = T([0.1, 0.5, 0.9, 0.0])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode, d.cdf(x), d.icdf(p)
/// ```
#[test]
fn uniform_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                log_prob: &[
                    0.0,
                    f64::NEG_INFINITY,
                    0.6931471824645996,
                    f64::NEG_INFINITY,
                ],
                entropy: &[
                    0.0,
                    1.3862943649291992,
                    -0.6931471824645996,
                    -2.302586078643799,
                ],
                mean: &[0.5, 1.0, 2.25, -2.950000047683716],
                variance: &[
                    0.0833333358168602,
                    1.3333333730697632,
                    0.02083333395421505,
                    0.0008333317819051445,
                ],
                stddev: &[
                    0.28867512941360474,
                    1.154700517654419,
                    0.14433756470680237,
                    0.028867486864328384,
                ],
                mode: &[f64::NAN, f64::NAN, f64::NAN, f64::NAN],
                cdf: Some(&[0.5, 1.0, 0.40000009536743164, 0.0]),
                icdf: Some(&[0.10000000149011612, 1.0, 2.450000047683716, -3.0]),
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[0.0, f64::NEG_INFINITY, LN_2, f64::NEG_INFINITY],
                entropy: &[0.0, 1.3862943611198906, -LN_2, -2.302585092994045],
                mean: &[0.5, 1.0, 2.25, -2.95],
                variance: &[
                    0.08333333333333333,
                    1.3333333333333333,
                    0.020833333333333332,
                    0.0008333333333333348,
                ],
                stddev: &[
                    0.2886751345948129,
                    1.1547005383792517,
                    0.14433756729740646,
                    0.028867513459481315,
                ],
                mode: &[f64::NAN, f64::NAN, f64::NAN, f64::NAN],
                cdf: Some(&[0.5, 1.0, 0.40000000000000036, 0.0]),
                icdf: Some(&[0.1, 1.0, 2.45, -3.0]),
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = Uniform::new(
            &t(&[0.0, -1.0, 2.0, -3.0], &[4]),
            &t(&[1.0, 3.0, 2.5, -2.9], &[4]),
        )
        .unwrap();
        check_against_torch(
            &d,
            &t(&[0.5, 3.0, 2.2, -3.5], &[4]),
            &t(&[0.1, 0.5, 0.9, 0.0], &[4]),
            &torch,
            tol,
        );
    }
}

#[test]
fn uniform_moments_match_monte_carlo() {
    let uniform = Uniform::new(
        &f64s(&[0.0, -1.0, 2.0], &[3]),
        &f64s(&[1.0, 3.0, 2.5], &[3]),
    )
    .unwrap();
    let draws = draws(&uniform, 200_000, 31);
    check_mean(&uniform, &draws);
    check_variance(&uniform, &draws);
    check_entropy(&uniform, &draws);
}

/// `z = l + u (h − l)`: `∂z/∂l = 1 − u`, `∂z/∂h = u`, so
/// `∂E[z]/∂l = ∂E[z]/∂h = ½` and, with `E[z²] = (h² + hl + l²)/3`,
/// `∂E[z²]/∂l = (h + 2l)/3`, `∂E[z²]/∂h = (2h + l)/3`.
#[test]
fn uniform_rsample_gradients_match_closed_forms() {
    let n = 100_000;
    let (l, h) = (-0.5, 2.0);
    let (low, high) = (replicated(&[l], n), replicated(&[h], n));
    tch::manual_seed(32);
    let z = Uniform::new(&low, &high).unwrap().rsample(&[]).unwrap();
    let grads = gradient_estimates(&[&low, &high], &z);
    // Per draw the two gradients sum to exactly 1.
    assert_close(&(&grads[0].0 + &grads[1].0), &[1.0], 1e-12, 0.0);
    assert_within_stderr(&grads[0].0, &scalar(0.5), &grads[0].1, 4.0, 0.0);
    let grads = gradient_estimates(&[&low, &high], &z.square());
    assert_within_stderr(
        &grads[0].0,
        &scalar((h + 2.0 * l) / 3.0),
        &grads[0].1,
        4.0,
        0.0,
    );
    assert_within_stderr(
        &grads[1].0,
        &scalar((2.0 * h + l) / 3.0),
        &grads[1].1,
        4.0,
        0.0,
    );
}

#[test]
fn uniform_support_cdf_and_icdf() {
    let uniform = Uniform::new(&f64s(&[0.0, -1.0], &[2]), &f64s(&[1.0, 3.0], &[2])).unwrap();
    let Constraint::HalfOpenInterval(Bound::Tensor(low), Bound::Tensor(high)) = uniform.support()
    else {
        panic!("support {:?}", uniform.support());
    };
    assert_eq!(
        (values(&low), values(&high)),
        (vec![0.0, -1.0], vec![1.0, 3.0])
    );
    // The upper bound is outside: its density is 0, as torch's log_prob gives.
    let at_bounds = f64s(&[0.0, 1.0, -1.0, 3.0], &[2, 2]).transpose(0, 1);
    let inside = values(&uniform.support().check(&at_bounds).unwrap());
    assert_eq!(inside, [1.0, 1.0, 0.0, 0.0]);
    let log_prob = values(&uniform.log_prob(&at_bounds).unwrap());
    assert_eq!(log_prob[2..], [f64::NEG_INFINITY; 2]);
    // cdf clamps to [0, 1]; icdf inverts it inside.
    let x = f64s(&[-5.0, 0.25, 5.0, 2.0], &[2, 2]).transpose(0, 1);
    assert_close(
        &uniform.cdf(&x).unwrap(),
        &[0.0, 1.0, 0.25, 0.75],
        0.0,
        1e-15,
    );
    let p = f64s(&[0.3, 0.6], &[2]);
    assert_close(
        &uniform.cdf(&uniform.icdf(&p).unwrap()).unwrap(),
        &[0.3, 0.6],
        1e-15,
        0.0,
    );
    assert!(matches!(
        uniform.enumerate_support(true),
        Err(Error::NotImplemented { .. })
    ));
}

#[test]
fn uniform_expands() {
    let uniform = Uniform::new(&f64s(&[0.0, 1.0], &[2]), &scalar(2.0)).unwrap();
    let wide = uniform.expand(&[3, 2]).unwrap();
    assert_eq!(wide.batch_shape(), [3, 2]);
    assert_eq!(wide.sample(&[4]).unwrap().size(), [4, 3, 2]);
    assert_close(
        &wide.entropy().unwrap().select(0, 1),
        &[2f64.ln(), 0.0],
        1e-15,
        0.0,
    );
    assert!(matches!(
        uniform.expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn uniform_refuses_bad_bounds() {
    let err =
        Uniform::new(&f64s(&[0.0, 2.0, 1.0], &[3]), &f64s(&[1.0, 2.0, 0.5], &[3])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Uniform: parameter `low` must be less than `high`, found 2 of 3 elements outside it"
    );
    for (low, high) in [
        (f64::NAN, 1.0),
        (f64::NEG_INFINITY, 1.0),
        (0.0, f64::INFINITY),
    ] {
        assert!(matches!(
            Uniform::new(&scalar(low), &scalar(high)),
            Err(Error::InvalidParameter {
                family: "Uniform",
                ..
            })
        ));
    }
    assert!(matches!(
        Uniform::new(&f64s(&[0.0; 3], &[3]), &f64s(&[1.0; 2], &[2])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Uniform::new(&Tensor::from(0i64), &scalar(1.0)),
        Err(Error::Dtype { name: "low", .. })
    ));
    assert!(matches!(
        Uniform::new(&scalar(0.0), &Tensor::from(1.0f32)),
        Err(Error::Dtype { name: "high", .. })
    ));
    let unit = Uniform::new(&scalar(0.0), &scalar(1.0)).unwrap();
    assert!(matches!(
        unit.sample(&[2, -1]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        unit.rsample(&[-3]),
        Err(Error::InvalidArgument { .. })
    ));
    // Zero-sized batches are fine.
    let empty = Uniform::new(
        &Tensor::zeros([0], (Kind::Double, tch::Device::Cpu)),
        &scalar(1.0),
    )
    .unwrap();
    assert_eq!(empty.sample(&[2]).unwrap().size(), [2, 0]);
    // Without validation the bounds are not read; the values are then NaN, never a panic.
    let unchecked =
        validation::without_validation(|| Uniform::new(&scalar(1.0), &scalar(0.0))).unwrap();
    assert!(values(&unchecked.entropy().unwrap())[0].is_nan());
}
