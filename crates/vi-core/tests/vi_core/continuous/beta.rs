//! The Beta family: torch's values, its reparameterized draws and their
//! gradients (against torch and Monte Carlo), moments by Monte Carlo,
//! values at and beyond `[0, 1]`, refusals.

use tch::{Kind, Tensor};
use vi_core::{Beta, Distribution, Error, Expand, Rsample};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, NUM_STDERR, Torch, assert_matches, check_against_torch,
    check_entropy, check_mean, check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = Beta(T([0.5, 2.0, 5.0, 0.3, 1.0]), T([0.7, 2.0, 1.0, 0.4, 1.0]))
/// x = T([0.3, 0.5, 0.9, 0.01, 0.7])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode
/// ```
/// vi-core evaluates float32 `log_prob` and `entropy` in float64, so those
/// are compared with torch's float64 values (torch's own float32 values
/// are quoted beside them).
#[test]
fn beta_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                // torch float32: log_prob [-0.20961737632751465, 0.40546512603759766, 1.1879959106445312, 1.5980406999588013, 0.0]
                log_prob: &[
                    -0.2096173941150946,
                    0.4054651081081644,
                    1.1879958498027947,
                    1.5980407657155713,
                    0.0,
                ],
                // torch float32: entropy [-0.19792401790618896, -0.1250925064086914, -0.8094382286071777, -0.770958423614502, 0.0]
                entropy: &[
                    -0.1979238823866587,
                    -0.12509280256138844,
                    -0.8094379124341007,
                    -0.7709584964956537,
                    0.0,
                ],
                mean: &[
                    0.4166666567325592,
                    0.5,
                    0.8333333134651184,
                    0.4285714030265808,
                    0.5,
                ],
                variance: &[
                    0.11047978699207306,
                    0.05000000074505806,
                    0.01984127052128315,
                    0.14405760169029236,
                    0.0833333358168602,
                ],
                stddev: &[
                    0.33238500356674194,
                    0.22360680997371674,
                    0.14085903763771057,
                    0.37954920530319214,
                    0.28867512941360474,
                ],
                mode: &[1.0, 0.5, 1.0, 1.0, f64::NAN],
                cdf: None,
                icdf: None,
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[
                    -0.2096173941150946,
                    0.4054651081081644,
                    1.1879958498027947,
                    1.5980407657155713,
                    0.0,
                ],
                entropy: &[
                    -0.1979238823866587,
                    -0.12509280256138844,
                    -0.8094379124341007,
                    -0.7709584964956537,
                    0.0,
                ],
                mean: &[
                    0.4166666666666667,
                    0.5,
                    0.8333333333333334,
                    0.4285714285714286,
                    0.5,
                ],
                variance: &[
                    0.11047979797979797,
                    0.05,
                    0.01984126984126984,
                    0.1440576230492197,
                    0.08333333333333333,
                ],
                stddev: &[
                    0.332385014673944,
                    0.22360679774997896,
                    0.14085904245475275,
                    0.37954923666004087,
                    0.28867513459481287,
                ],
                mode: &[1.0, 0.5, 1.0, 1.0, f64::NAN],
                cdf: None,
                icdf: None,
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = Beta::new(
            &t(&[0.5, 2.0, 5.0, 0.3, 1.0], &[5]),
            &t(&[0.7, 2.0, 1.0, 0.4, 1.0], &[5]),
        )
        .unwrap();
        check_against_torch(
            &d,
            &t(&[0.3, 0.5, 0.9, 0.01, 0.7], &[5]),
            &t(&[0.5; 5], &[5]),
            &torch,
            tol,
        );
    }
}

/// ```python
/// torch.manual_seed(61)
/// c1 = torch.tensor([0.5, 2.0, 5.0], dtype=dt, requires_grad=True)
/// c0 = torch.tensor([0.7, 2.0, 1.0], dtype=dt, requires_grad=True)
/// y = Beta(c1, c0).rsample((2,)); y.sum().backward()   # y, c1.grad, c0.grad
/// ```
#[test]
fn beta_rsample_gradient_matches_torch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            [
                0.022637950256466866,
                0.4988008141517639,
                0.7343750596046448,
                0.9766767024993896,
                0.8455042839050293,
                0.8005666732788086,
            ],
            [0.24034377932548523, 0.20733642578125, 0.08097163587808609],
            [
                -0.1822994202375412,
                -0.27484673261642456,
                -0.3730143904685974,
            ],
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            [
                0.022637950076691275,
                0.49880081209571386,
                0.7343750481933544,
                0.9766766937515942,
                0.8455042604998378,
                0.8005666441113538,
            ],
            [0.2403437931375044, 0.2073364435964019, 0.08097166864044564],
            [
                -0.18229945882391402,
                -0.27484676306841993,
                -0.3730144000311233,
            ],
        ),
    ];
    for (kind, tol, draw, d_one, d_zero) in cases {
        let one = tensor(&[0.5, 2.0, 5.0], &[3], kind).set_requires_grad(true);
        let zero = tensor(&[0.7, 2.0, 1.0], &[3], kind).set_requires_grad(true);
        tch::manual_seed(61);
        let y = Beta::new(&one, &zero).unwrap().rsample(&[2]).unwrap();
        assert_close(&y, &draw, 0.0, 0.0);
        let grads = Tensor::run_backward(&[y.sum(kind)], &[&one, &zero], false, false);
        assert_matches("∂/∂concentration1", &grads[0], &d_one, tol);
        assert_matches("∂/∂concentration0", &grads[1], &d_zero, tol);
    }
}

/// `E[x] = a/(a + b)`: `∂a E[x] = b/(a + b)²`, `∂b E[x] = −a/(a + b)²`.
#[test]
fn beta_rsample_gradients_match_the_mean_by_monte_carlo() {
    let n = 200_000;
    for (a, b) in [(0.3, 0.6), (2.0, 5.0)] {
        let (one, zero) = (replicated(&[a], n), replicated(&[b], n));
        tch::manual_seed(64);
        let x = Beta::new(&one, &zero).unwrap().rsample(&[]).unwrap();
        let grads = gradient_estimates(&[&one, &zero], &x);
        let squared_total = (a + b) * (a + b);
        assert_within_stderr(
            &grads[0].0,
            &scalar(b / squared_total),
            &grads[0].1,
            NUM_STDERR,
            0.0,
        );
        assert_within_stderr(
            &grads[1].0,
            &scalar(-a / squared_total),
            &grads[1].1,
            NUM_STDERR,
            0.0,
        );
    }
}

#[test]
fn beta_moments_match_monte_carlo() {
    let beta = Beta::new(
        &f64s(&[0.5, 2.0, 5.0, 0.3], &[4]),
        &f64s(&[0.7, 2.0, 1.0, 3.0], &[4]),
    )
    .unwrap();
    let draws = draws(&beta, 200_000, 65);
    check_mean(&beta, &draws);
    check_variance(&beta, &draws);
    check_entropy(&beta, &draws);
}

/// At 0 and 1 the density's limits (`xlogy` terms, as torch); outside
/// `[0, 1]` no density (torch raises when validating, else NaN).
#[test]
fn beta_log_prob_at_and_beyond_the_ends() {
    let beta = Beta::new(&f64s(&[0.5, 1.0, 3.0], &[3]), &f64s(&[2.0, 1.0, 1.0], &[3])).unwrap();
    let at_zero = beta.log_prob(&f64s(&[0.0; 3], &[3])).unwrap();
    // Beta(0.5, 2): +∞; Beta(1, 1): 0; Beta(3, 1): −∞.
    assert_matches(
        "log_prob(0)",
        &at_zero,
        &[f64::INFINITY, 0.0, f64::NEG_INFINITY],
        (0.0, 0.0),
    );
    let at_one = beta.log_prob(&f64s(&[1.0; 3], &[3])).unwrap();
    // Beta(0.5, 2): −∞; Beta(1, 1): 0; Beta(3, 1): log 3.
    assert_matches(
        "log_prob(1)",
        &at_one,
        &[f64::NEG_INFINITY, 0.0, 3f64.ln()],
        (0.0, 1e-15),
    );
    let beyond = beta.log_prob(&f64s(&[-0.5, 1.5, 2.0], &[3])).unwrap();
    assert_eq!(values(&beyond), [f64::NEG_INFINITY; 3]);
}

#[test]
fn beta_expands_and_refuses_bad_parameters() {
    let beta = Beta::new(&f64s(&[1.0, 2.0], &[2]), &scalar(3.0)).unwrap();
    assert_eq!(beta.concentration0().size(), [2]);
    let wide = beta.expand(&[5, 2]).unwrap();
    assert_eq!(wide.batch_shape(), [5, 2]);
    assert_eq!(wide.rsample(&[3]).unwrap().size(), [3, 5, 2]);
    assert_eq!(wide.log_prob(&scalar(0.5)).unwrap().size(), [5, 2]);
    assert!(matches!(
        beta.expand(&[2, 5]),
        Err(Error::ShapeMismatch { .. })
    ));
    for (name, one, zero) in [
        ("concentration1", 0.0, 1.0),
        ("concentration1", f64::NAN, 1.0),
        ("concentration0", 1.0, -2.0),
        ("concentration0", 1.0, f64::INFINITY),
    ] {
        let err = Beta::new(&scalar(one), &scalar(zero)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { family: "Beta", parameter, .. } if parameter == name),
            "{err}"
        );
    }
    assert!(matches!(
        Beta::new(&f64s(&[1.0; 2], &[2]), &f64s(&[1.0; 3], &[3])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Beta::new(&scalar(1.0), &Tensor::from(1.0f32)),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        beta.sample(&[-4]),
        Err(Error::InvalidArgument { .. })
    ));
}
