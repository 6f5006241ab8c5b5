//! Student's t: torch's values, draws and gradients (against torch and
//! Monte Carlo), moments by Monte Carlo, heavy tails, refusals.

use tch::{Kind, Tensor};
use vi_core::{Distribution, Error, Expand, Rsample, StudentT};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, NUM_STDERR, Torch, assert_matches, check_against_torch,
    check_entropy, check_mean, check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = StudentT(T([0.8, 1.5, 3.0, 30.0, 2.0]), T([0.0, 1.0, -1.0, 2.0, 0.0]), T([1.0, 2.0, 0.5, 3.0, 1.0]))
/// x = T([0.5, -1.0, 3.0, 2.0, 10.0])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode
/// ```
/// vi-core evaluates float32 `log_prob` and `entropy` in float64, so those
/// are compared with torch's float64 values (torch's own float32 values
/// are quoted beside them).
#[test]
fn student_t_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                // torch float32: log_prob [-1.4358351230621338, -2.408329486846924, -6.519902229309082, -2.0258827209472656, -6.9374589920043945]
                log_prob: &[
                    -1.4358350891699136,
                    -2.4083294950993244,
                    -6.519902330509277,
                    -2.025882614046953,
                    -6.9374592199264065,
                ],
                // torch float32: entropy [2.816906452178955, 2.842805862426758, 1.0803302526474, 2.5511550903320312, 1.9602794647216797]
                entropy: &[
                    2.8169065804088937,
                    2.8428066484045944,
                    1.0803303913033466,
                    2.551155618455316,
                    1.9602792291600817,
                ],
                mean: &[f64::NAN, 1.0, -1.0, 2.0, 0.0],
                variance: &[
                    f64::NAN,
                    f64::INFINITY,
                    0.75,
                    9.642857551574707,
                    f64::INFINITY,
                ],
                stddev: &[
                    f64::NAN,
                    f64::INFINITY,
                    0.8660253882408142,
                    3.105295181274414,
                    f64::INFINITY,
                ],
                mode: &[0.0, 1.0, -1.0, 2.0, 0.0],
                cdf: None,
                icdf: None,
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[
                    -1.4358350891699136,
                    -2.4083294950993244,
                    -6.519902330509277,
                    -2.025882614046953,
                    -6.9374592199264065,
                ],
                entropy: &[
                    2.8169065804088937,
                    2.8428066484045944,
                    1.0803303913033466,
                    2.551155618455316,
                    1.9602792291600817,
                ],
                mean: &[f64::NAN, 1.0, -1.0, 2.0, 0.0],
                variance: &[
                    f64::NAN,
                    f64::INFINITY,
                    0.75,
                    9.642857142857142,
                    f64::INFINITY,
                ],
                stddev: &[
                    f64::NAN,
                    f64::INFINITY,
                    0.8660254037844386,
                    3.1052950170405937,
                    f64::INFINITY,
                ],
                mode: &[0.0, 1.0, -1.0, 2.0, 0.0],
                cdf: None,
                icdf: None,
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = StudentT::new(
            &t(&[0.8, 1.5, 3.0, 30.0, 2.0], &[5]),
            &t(&[0.0, 1.0, -1.0, 2.0, 0.0], &[5]),
            &t(&[1.0, 2.0, 0.5, 3.0, 1.0], &[5]),
        )
        .unwrap();
        check_against_torch(
            &d,
            &t(&[0.5, -1.0, 3.0, 2.0, 10.0], &[5]),
            &t(&[0.5; 5], &[5]),
            &torch,
            tol,
        );
    }
}

/// The gradients with respect to all three parameters equal torch's (the
/// one of `df` passes through the χ² draw's implicit gradient):
/// ```python
/// torch.manual_seed(70)
/// df = torch.tensor([0.8, 3.0, 30.0], dtype=dt, requires_grad=True)
/// loc = torch.tensor([0.0, 1.0, -1.0], dtype=dt, requires_grad=True)
/// scale = torch.tensor([1.0, 2.0, 0.5], dtype=dt, requires_grad=True)
/// z = StudentT(df, loc, scale).rsample((2,)); z.sum().backward()
/// ```
#[test]
fn student_t_rsample_gradient_matches_torch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            [
                -1.3946272134780884,
                1.2506115436553955,
                -1.3958709239959717,
                2.081599473953247,
                1.526757001876831,
                -1.165675401687622,
            ],
            [
                -0.8450959920883179,
                0.029759742319583893,
                -0.00020003877580165863,
            ],
            [0.6869722604751587, 0.3886842727661133, -1.123092532157898],
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            [
                -1.3946270838934716,
                1.2506115696154718,
                -1.3958709400678881,
                2.0815991602873893,
                1.5267569469638946,
                -1.1656753635053425,
            ],
            [
                -0.845095529210577,
                0.029759738995656426,
                -0.0002000386002143674,
            ],
            [0.6869720763939178, 0.3886842582896832, -1.1230926071464618],
        ),
    ];
    for (kind, tol, draw, d_df, d_scale) in cases {
        let df = tensor(&[0.8, 3.0, 30.0], &[3], kind).set_requires_grad(true);
        let loc = tensor(&[0.0, 1.0, -1.0], &[3], kind).set_requires_grad(true);
        let scale = tensor(&[1.0, 2.0, 0.5], &[3], kind).set_requires_grad(true);
        tch::manual_seed(70);
        let z = StudentT::new(&df, &loc, &scale)
            .unwrap()
            .rsample(&[2])
            .unwrap();
        assert_close(&z, &draw, 0.0, 0.0);
        let grads = Tensor::run_backward(&[z.sum(kind)], &[&df, &loc, &scale], false, false);
        assert_matches("∂/∂df", &grads[0], &d_df, tol);
        assert_matches("∂/∂loc", &grads[1], &[2.0; 3], (0.0, 0.0));
        assert_matches("∂/∂scale", &grads[2], &d_scale, tol);
    }
}

/// `E[z²] = μ² + σ² ν/(ν − 2)`: `∂μ = 2μ`, `∂σ = 2σ ν/(ν − 2)`,
/// `∂ν = −2σ²/(ν − 2)²`; `E[z] = μ`: `∂σ E[z] = ∂ν E[z] = 0`.
#[test]
fn student_t_rsample_gradients_match_closed_forms() {
    let n = 200_000;
    let (v, m, s) = (10.0, 0.5, 1.5);
    let (df, loc, scale) = (
        replicated(&[v], n),
        replicated(&[m], n),
        replicated(&[s], n),
    );
    tch::manual_seed(71);
    let z = StudentT::new(&df, &loc, &scale)
        .unwrap()
        .rsample(&[])
        .unwrap();
    let grads = gradient_estimates(&[&df, &loc, &scale], &z.square());
    let expected = [
        -2.0 * s * s / ((v - 2.0) * (v - 2.0)),
        2.0 * m,
        2.0 * s * v / (v - 2.0),
    ];
    for ((mean, stderr), exact) in grads.iter().zip(expected) {
        assert_within_stderr(mean, &scalar(exact), stderr, NUM_STDERR, 0.0);
    }
    let grads = gradient_estimates(&[&df, &scale], &z);
    for (mean, stderr) in &grads {
        assert_within_stderr(mean, &scalar(0.0), stderr, NUM_STDERR, 0.0);
    }
}

#[test]
fn student_t_moments_match_monte_carlo() {
    let t = StudentT::new(
        &f64s(&[6.0, 10.0, 30.0], &[3]),
        &f64s(&[0.0, 1.0, -2.0], &[3]),
        &f64s(&[1.0, 0.5, 3.0], &[3]),
    )
    .unwrap();
    let draws = draws(&t, 200_000, 72);
    check_mean(&t, &draws);
    check_variance(&t, &draws);
    check_entropy(&t, &draws);
    // Heavier tails: the entropy alone (its variance is finite for any ν).
    let heavy = StudentT::standard(&f64s(&[0.5, 1.0, 2.5], &[3])).unwrap();
    check_entropy(&heavy, &super::draws(&heavy, 200_000, 73));
}

#[test]
fn student_t_expands_and_refuses_bad_parameters() {
    let t = StudentT::standard(&f64s(&[1.0, 5.0], &[2])).unwrap();
    assert_eq!((t.loc().size(), t.scale().size()), (vec![2], vec![2]));
    let wide = t.expand(&[3, 2]).unwrap();
    assert_eq!(wide.rsample(&[4]).unwrap().size(), [4, 3, 2]);
    assert_eq!(wide.df().size(), [3, 2]);
    assert!(matches!(
        t.expand(&[2, 1]),
        Err(Error::ShapeMismatch { .. })
    ));
    for (name, df, loc, scale) in [
        ("df", 0.0, 0.0, 1.0),
        ("df", -3.0, 0.0, 1.0),
        ("df", f64::INFINITY, 0.0, 1.0),
        ("loc", 3.0, f64::NAN, 1.0),
        ("scale", 3.0, 0.0, 0.0),
    ] {
        let err = StudentT::new(&scalar(df), &scalar(loc), &scalar(scale)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { family: "StudentT", parameter, .. } if parameter == name),
            "{err}"
        );
    }
    assert!(matches!(
        StudentT::new(&f64s(&[1.0; 2], &[2]), &scalar(0.0), &f64s(&[1.0; 3], &[3])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        StudentT::standard(&Tensor::from(3i64)),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        t.sample(&[-1]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        t.cdf(&scalar(0.0)),
        Err(Error::NotImplemented { .. })
    ));
    assert!(values(&t.entropy().unwrap()).iter().all(|h| h.is_finite()));
}
