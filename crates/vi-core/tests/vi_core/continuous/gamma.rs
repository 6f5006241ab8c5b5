//! The Gamma family: torch's values, its implicitly reparameterized draws
//! and their gradients (against torch, the exact derivative of the inverse
//! cdf, and Monte Carlo), moments by Monte Carlo, boundary values, refusals.

use std::f64::consts::FRAC_1_SQRT_2;

use tch::{Kind, Tensor};
use vi_core::{Distribution, Error, Expand, Gamma, Rsample, toolkit};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, NUM_STDERR, Torch, assert_matches, check_against_torch,
    check_entropy, check_mean, check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = Gamma(T([0.5, 1.0, 3.0, 50.0]), T([1.0, 2.0, 0.5, 10.0]))
/// x = T([0.3, 1.0, 7.0, 4.5])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode, d.cdf(x)
/// ```
/// vi-core evaluates float32 `log_prob` and `entropy` in float64, so those
/// are compared with torch's float64 values (torch's own float32 values
/// are quoted beside them).
#[test]
fn gamma_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                // torch float32: log_prob [-0.2703785300254822, -1.3068528175354004, -2.3807685375213623, -0.7367095947265625]
                log_prob: &[
                    -0.270378540761732,
                    -1.3068528194400546,
                    -2.3807684241291547,
                    -0.7366968546051851,
                ],
                // torch float32: entropy [0.09060949087142944, 0.3068528175354004, 2.5407259464263916, 1.065673828125]
                entropy: &[
                    0.09060992991398853,
                    0.3068528194400547,
                    2.5407256909229567,
                    1.0656648553841137,
                ],
                mean: &[0.5, 0.5, 6.0, 5.0],
                variance: &[0.5, 0.25, 12.0, 0.5],
                stddev: &[
                    0.7071067690849304,
                    0.5,
                    3.464101552963257,
                    0.7071067690849304,
                ],
                mode: &[0.0, 0.0, 4.0, 4.900000095367432],
                cdf: Some(&[
                    0.5614220499992371,
                    0.8646647334098816,
                    0.6791527271270752,
                    0.24680207669734955,
                ]),
                icdf: None,
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[
                    -0.270378540761732,
                    -1.3068528194400546,
                    -2.3807684241291547,
                    -0.7366968546051851,
                ],
                entropy: &[
                    0.09060992991398853,
                    0.3068528194400547,
                    2.5407256909229567,
                    1.0656648553841137,
                ],
                mean: &[0.5, 0.5, 6.0, 5.0],
                variance: &[0.5, 0.25, 12.0, 0.5],
                stddev: &[FRAC_1_SQRT_2, 0.5, 3.4641016151377544, FRAC_1_SQRT_2],
                mode: &[0.0, 0.0, 4.0, 4.9],
                cdf: Some(&[
                    0.5614219739190003,
                    0.8646647167633873,
                    0.6791528011378658,
                    0.24680203419473098,
                ]),
                icdf: None,
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = Gamma::new(
            &t(&[0.5, 1.0, 3.0, 50.0], &[4]),
            &t(&[1.0, 2.0, 0.5, 10.0], &[4]),
        )
        .unwrap();
        check_against_torch(
            &d,
            &t(&[0.3, 1.0, 7.0, 4.5], &[4]),
            &t(&[0.5; 4], &[4]),
            &torch,
            tol,
        );
    }
}

/// At 0 the density's limit: `+∞` for `α < 1`, `β` for `α = 1`, 0 for
/// `α > 1` (torch's `xlogy` terms give the same); below 0 nothing (torch
/// raises when validating), and the cdf is 0 there.
#[test]
fn gamma_log_prob_at_and_below_zero() {
    let gamma = Gamma::new(&f64s(&[0.5, 1.0, 3.0], &[3]), &scalar(2.0)).unwrap();
    let at_zero = gamma.log_prob(&f64s(&[0.0; 3], &[3])).unwrap();
    assert_matches(
        "log_prob(0)",
        &at_zero,
        &[f64::INFINITY, 2f64.ln(), f64::NEG_INFINITY],
        (0.0, 1e-15),
    );
    let below = gamma.log_prob(&f64s(&[-1e-9, -1.0, -5.0], &[3])).unwrap();
    assert_eq!(values(&below), [f64::NEG_INFINITY; 3]);
    assert_eq!(
        values(&gamma.cdf(&f64s(&[-1.0; 3], &[3])).unwrap()),
        [0.0; 3]
    );
}

#[test]
fn gamma_moments_match_monte_carlo() {
    let gamma = Gamma::new(
        &f64s(&[0.5, 1.0, 3.0, 50.0], &[4]),
        &f64s(&[1.0, 2.0, 0.5, 10.0], &[4]),
    )
    .unwrap();
    let draws = draws(&gamma, 200_000, 51);
    check_mean(&gamma, &draws);
    check_variance(&gamma, &draws);
    check_entropy(&gamma, &draws);
}

/// Per draw, the gradient with respect to `α` equals torch's (libtorch's
/// `_standard_gamma_grad`), and with respect to `β` it is `−z/β`:
/// ```python
/// torch.manual_seed(50)
/// a = torch.tensor([0.3, 1.0, 2.5, 10.0, 100.0], dtype=dt, requires_grad=True)
/// b = torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=dt, requires_grad=True)
/// z = Gamma(a, b).rsample(); z.sum().backward()   # z, a.grad, b.grad
/// ```
/// Against the exact derivative of the inverse cdf at fixed `u = P(α, βz)`,
/// `∂z/∂α = −∂P(α, βz)/∂α / (β f(βz; α))`, computed with mpmath at 40
/// digits:
/// ```python
/// x = mp.mpf(b) * mp.mpf(z)
/// dPda = mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), mp.mpf(a))
/// -dPda / (x**(a - 1) * mp.exp(-x) / mp.gamma(a)) / b
/// ```
/// (scipy's central differences of `gammaincinv` agree to 1e-9) libtorch's
/// approximation is within 1e-4 relative.
#[test]
fn gamma_rsample_gradient_matches_torch_and_the_inverse_cdf() {
    let exact = [
        0.00313266431204598,
        0.6179311317300001,
        3.9527492813056186,
        0.9515475222659582,
        0.3546953345556127,
    ];
    let cases = [
        (
            Kind::Float,
            [
                0.00010443961946293712,
                0.55411696434021,
                20.15427589416504,
                8.770232200622559,
                37.66386032104492,
            ],
            [
                0.0031326645985245705,
                0.6179661750793457,
                3.953111171722412,
                0.9514936208724976,
                0.354696124792099,
            ],
            FLOAT32_TOL,
        ),
        (
            Kind::Double,
            [
                0.000104439603520671,
                0.5541169707903929,
                20.154276095868973,
                8.77023177869959,
                37.66385995599204,
            ],
            [
                0.0031326643120459796,
                0.6179661746520532,
                3.953111190917093,
                0.9514935963905221,
                0.3546961152459176,
            ],
            FLOAT64_TOL,
        ),
    ];
    for (kind, draw, torch_grad, tol) in cases {
        let alpha = tensor(&[0.3, 1.0, 2.5, 10.0, 100.0], &[5], kind).set_requires_grad(true);
        let beta = tensor(&[1.0, 2.0, 0.5, 1.0, 3.0], &[5], kind).set_requires_grad(true);
        tch::manual_seed(50);
        let z = Gamma::new(&alpha, &beta).unwrap().rsample(&[]).unwrap();
        assert_close(&z, &draw, 0.0, 0.0);
        let grads = Tensor::run_backward(&[z.sum(kind)], &[&alpha, &beta], false, false);
        assert_matches("∂z/∂α", &grads[0], &torch_grad, tol);
        assert_matches("∂z/∂α", &grads[0], &exact, (0.0, 1e-4));
        let minus_draw_over_rate: Vec<f64> = draw
            .iter()
            .zip([1.0, 2.0, 0.5, 1.0, 3.0])
            .map(|(z, b)| -z / b)
            .collect();
        assert_matches("∂z/∂β", &grads[1], &minus_draw_over_rate, tol);
    }
}

/// `E[z] = α/β`, `E[z²] = α(α + 1)/β²`:
/// `∂α E[z] = 1/β`, `∂β E[z] = −α/β²`, `∂α E[z²] = (2α + 1)/β²`,
/// `∂β E[z²] = −2α(α + 1)/β³`.
#[test]
fn gamma_rsample_gradients_match_closed_forms() {
    let n = 200_000;
    for (a, b) in [(0.4, 1.5), (3.0, 0.5)] {
        let (alpha, beta) = (replicated(&[a], n), replicated(&[b], n));
        tch::manual_seed(52);
        let z = Gamma::new(&alpha, &beta).unwrap().rsample(&[]).unwrap();
        let grads = gradient_estimates(&[&alpha, &beta], &z);
        assert_within_stderr(&grads[0].0, &scalar(1.0 / b), &grads[0].1, NUM_STDERR, 0.0);
        assert_within_stderr(
            &grads[1].0,
            &scalar(-a / (b * b)),
            &grads[1].1,
            NUM_STDERR,
            0.0,
        );
        let grads = gradient_estimates(&[&alpha, &beta], &z.square());
        let d_alpha = (2.0 * a + 1.0) / (b * b);
        let d_beta = -2.0 * a * (a + 1.0) / (b * b * b);
        assert_within_stderr(&grads[0].0, &scalar(d_alpha), &grads[0].1, NUM_STDERR, 0.0);
        assert_within_stderr(&grads[1].0, &scalar(d_beta), &grads[1].1, NUM_STDERR, 0.0);
    }
}

/// Tiny concentrations draw values that underflow; torch clamps them to
/// the smallest normal number without touching the gradient, as vi-core does.
#[test]
fn gamma_draws_are_clamped_to_the_smallest_normal_number() {
    let alpha = Tensor::from(1e-3f32).set_requires_grad(true);
    let gamma = Gamma::new(&alpha, &Tensor::from(1.0f32)).unwrap();
    tch::manual_seed(53);
    let z = gamma.rsample(&[10_000]).unwrap();
    let smallest = values(&z.min())[0];
    assert_eq!(smallest, toolkit::tiny(Kind::Float));
    assert!(values(&z).iter().all(|v| v.is_finite()));
    assert!(
        values(&gamma.log_prob(&z).unwrap())
            .iter()
            .all(|v| v.is_finite())
    );
}

#[test]
fn gamma_expands_and_refuses_bad_parameters() {
    let gamma = Gamma::new(&f64s(&[1.0, 2.0], &[2]), &scalar(1.0)).unwrap();
    let wide = gamma.expand(&[3, 2]).unwrap();
    assert_eq!(wide.batch_shape(), [3, 2]);
    assert_eq!(wide.rsample(&[4]).unwrap().size(), [4, 3, 2]);
    assert!(matches!(
        gamma.expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
    for (name, alpha, beta) in [
        ("concentration", 0.0, 1.0),
        ("concentration", -1.0, 1.0),
        ("concentration", f64::INFINITY, 1.0),
        ("rate", 1.0, 0.0),
        ("rate", 1.0, f64::NAN),
    ] {
        let err = Gamma::new(&scalar(alpha), &scalar(beta)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { family: "Gamma", parameter, .. } if parameter == name),
            "{err}"
        );
    }
    assert!(matches!(
        Gamma::new(&f64s(&[1.0; 2], &[2]), &f64s(&[1.0; 3], &[3])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Gamma::new(&Tensor::from(2i64), &scalar(1.0)),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        gamma.rsample(&[-2]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        gamma.icdf(&scalar(0.5)),
        Err(Error::NotImplemented { .. })
    ));
}
