//! The Laplace family: torch's values, moments by Monte Carlo,
//! reparameterization gradients, cdf and icdf, refusals.

use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};

use tch::{Kind, Tensor};
use vi_core::{Distribution, Error, Expand, Laplace, Rsample};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, NUM_STDERR, Torch, check_against_torch, check_entropy, check_mean,
    check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = Laplace(T([0.0, 1.0, -2.0, 5.0]), T([1.0, 0.5, 3.0, 1e-3]))
/// x = T([0.5, 0.0, 4.0, 5.0005]); p = T([0.1, 0.5, 0.9, 0.999])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode, d.cdf(x), d.icdf(p)
/// ```
#[test]
fn laplace_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                log_prob: &[
                    -1.1931471824645996,
                    -2.0,
                    -3.791759490966797,
                    5.7144060134887695,
                ],
                entropy: &[
                    1.6931471824645996,
                    1.0,
                    2.791759490966797,
                    -5.214608192443848,
                ],
                mean: &[0.0, 1.0, -2.0, 5.0],
                variance: &[2.0, 0.5, 18.0, 2.000000222324161e-06],
                stddev: &[
                    1.4142135381698608,
                    0.7071067690849304,
                    4.242640495300293,
                    0.0014142135623842478,
                ],
                mode: &[0.0, 1.0, -2.0, 5.0],
                cdf: Some(&[
                    0.6967346668243408,
                    0.0676676332950592,
                    0.9323323965072632,
                    0.6967960000038147,
                ]),
                icdf: Some(&[
                    -1.6094379425048828,
                    1.0,
                    2.828312873840332,
                    5.006214618682861,
                ]),
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[
                    -1.1931471805599454,
                    -2.0,
                    -3.791759469228055,
                    5.7146080984224685,
                ],
                entropy: &[
                    1.6931471805599454,
                    1.0,
                    2.791759469228055,
                    -5.214608098422191,
                ],
                mean: &[0.0, 1.0, -2.0, 5.0],
                variance: &[2.0, 0.5, 18.0, 2e-06],
                stddev: &[
                    SQRT_2,
                    FRAC_1_SQRT_2,
                    4.242640687119286,
                    0.0014142135623730952,
                ],
                mode: &[0.0, 1.0, -2.0, 5.0],
                cdf: Some(&[
                    0.6967346701436833,
                    0.06766764161830635,
                    0.9323323583816936,
                    0.6967346701435992,
                ]),
                icdf: Some(&[
                    -1.6094379124341005,
                    1.0,
                    2.8283137373023015,
                    5.006214608098422,
                ]),
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = Laplace::new(
            &t(&[0.0, 1.0, -2.0, 5.0], &[4]),
            &t(&[1.0, 0.5, 3.0, 1e-3], &[4]),
        )
        .unwrap();
        check_against_torch(
            &d,
            &t(&[0.5, 0.0, 4.0, 5.0005], &[4]),
            &t(&[0.1, 0.5, 0.9, 0.999], &[4]),
            &torch,
            tol,
        );
    }
}

#[test]
fn laplace_moments_match_monte_carlo() {
    let laplace = Laplace::new(
        &f64s(&[0.0, 1.0, -2.0], &[3]),
        &f64s(&[1.0, 0.5, 3.0], &[3]),
    )
    .unwrap();
    let draws = draws(&laplace, 200_000, 41);
    check_mean(&laplace, &draws);
    check_variance(&laplace, &draws);
    check_entropy(&laplace, &draws);
}

/// `E[z²] = μ² + 2b²`: `∂μ = 2μ`, `∂b = 4b`; `E|z − μ| = b`: `∂b = 1`.
#[test]
fn laplace_rsample_gradients_match_closed_forms() {
    let n = 200_000;
    let (m, b) = (0.7, 1.3);
    let (loc, scale) = (replicated(&[m], n), replicated(&[b], n));
    tch::manual_seed(42);
    let z = Laplace::new(&loc, &scale).unwrap().rsample(&[]).unwrap();
    let grads = gradient_estimates(&[&loc, &scale], &z.square());
    assert_within_stderr(&grads[0].0, &scalar(2.0 * m), &grads[0].1, NUM_STDERR, 0.0);
    assert_within_stderr(&grads[1].0, &scalar(4.0 * b), &grads[1].1, NUM_STDERR, 0.0);
    let grads = gradient_estimates(&[&loc, &scale], &(&z - &loc).abs());
    assert_close(&grads[0].0, &[0.0], 1e-15, 0.0);
    assert_within_stderr(&grads[1].0, &scalar(1.0), &grads[1].1, NUM_STDERR, 0.0);
}

/// `icdf(cdf(x)) = x`; the cdf is ½ at the location and its derivative is
/// the density (central differences, float64).
#[test]
fn laplace_cdf_inverts_and_differentiates_to_the_density() {
    let laplace = Laplace::new(&f64s(&[0.5, -1.0], &[2]), &f64s(&[2.0, 0.1], &[2])).unwrap();
    let x = f64s(&[-3.0, -1.2, 0.5, -1.0, 4.0, -0.95], &[3, 2]);
    let roundtrip = laplace.icdf(&laplace.cdf(&x).unwrap()).unwrap();
    assert_close(&roundtrip, &values(&x), 1e-12, 1e-12);
    assert_close(
        &laplace.cdf(&laplace.loc().shallow_clone()).unwrap(),
        &[0.5, 0.5],
        0.0,
        0.0,
    );
    let h = 1e-7;
    let slope = (laplace.cdf(&(&x + h)).unwrap() - laplace.cdf(&(&x - h)).unwrap()) / (2.0 * h);
    let density = laplace.log_prob(&x).unwrap().exp();
    assert_close(&slope, &values(&density), 1e-7, 1e-6);
}

#[test]
fn laplace_expands_and_refuses_bad_parameters() {
    let laplace = Laplace::new(&scalar(0.0), &f64s(&[1.0, 2.0], &[2])).unwrap();
    let wide = laplace.expand(&[4, 2]).unwrap();
    assert_eq!(wide.rsample(&[3]).unwrap().size(), [3, 4, 2]);
    assert!(matches!(
        laplace.expand(&[2, 3]),
        Err(Error::ShapeMismatch { .. })
    ));
    for (loc, scale) in [
        (0.0, 0.0),
        (0.0, -1.0),
        (0.0, f64::NAN),
        (f64::INFINITY, 1.0),
    ] {
        let err = Laplace::new(&scalar(loc), &scalar(scale)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    family: "Laplace",
                    ..
                }
            ),
            "{err}"
        );
    }
    let err = Laplace::new(&scalar(0.0), &scalar(-2.0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Laplace: parameter `scale` must be positive and finite, found values in [-2, -2]"
    );
    assert!(matches!(
        Laplace::new(&Tensor::from(0i32), &scalar(1.0)),
        Err(Error::Dtype { name: "loc", .. })
    ));
    assert!(matches!(
        laplace.sample(&[-1]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        laplace.log_prob(&Tensor::zeros([3], (Kind::Double, tch::Device::Cpu))),
        Err(Error::ValueShape { .. })
    ));
}
