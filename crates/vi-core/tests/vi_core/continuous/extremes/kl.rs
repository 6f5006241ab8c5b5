//! The float32 extremes of the KL divergences, and of draws and their
//! gradients.

use tch::Tensor;
use vi_core::{Beta, Dirichlet, Distribution, Gamma, Rsample, StudentT, kl_divergence};

use super::{
    beta, check, check_within, dirichlet, exponential, gamma, laplace, normal, s, student_t,
    uniform, v,
};

#[test]
fn kl_float32_extremes() {
    // torch float32: 0.00199127197265625
    check(
        "KL(Beta(1e3, 1e3) ‖ Beta(1001, 1e3))",
        kl_divergence(&beta(1e3, 1e3), &beta(1001.0, 1e3)),
        0.0002500624999921875,
    );
    // torch float32: 0.0009479522705078125
    check(
        "KL(Gamma(1e3, 1) ‖ Gamma(1001, 1))",
        kl_divergence(&gamma(1e3, 1.0), &gamma(1001.0, 1.0)),
        0.000500083333325,
    );
    // torch float32: -0.00066375732421875
    check(
        "KL(Dirichlet([1e3; 3]) ‖ Dirichlet([1001, 1e3, 1e3]))",
        kl_divergence(&dirichlet(&[1e3; 3]), &dirichlet(&[1001.0, 1e3, 1e3])),
        0.000333407407399177,
    );
    // torch float32: 0.30685389041900635
    check(
        "KL(Gamma(1e-3, 1) ‖ Gamma(2e-3, 1))",
        kl_divergence(&gamma(1e-3, 1.0), &gamma(2e-3, 1.0)),
        0.3068536403073945,
    );
    // torch float32: 991.4024047851562
    check(
        "KL(Beta(1e-3, 1e-3) ‖ Beta(1, 1))",
        kl_divergence(&beta(1e-3, 1e-3), &beta(1.0, 1.0)),
        991.4023311214384,
    );
    // torch float32: f64::NAN
    check(
        "KL(Exponential(1e-20) ‖ Normal(0, 1e20))",
        kl_divergence(&exponential(1e-20), &normal(0.0, 1e20)),
        0.9189385448982739,
    );
    // torch float32: 0.225791335105896
    check(
        "KL(Laplace(0, 1e-20) ‖ Normal(0, 1e-20))",
        kl_divergence(&laplace(0.0, 1e-20), &normal(0.0, 1e-20)),
        0.22579135264472744,
    );
    // torch float32: 1.0856099128723145
    check(
        "KL(Uniform(0, 1e-20) ‖ Normal(0, 1e-20))",
        kl_divergence(&uniform(0.0, 1e-20), &normal(0.0, 1e-20)),
        1.0856051998713394,
    );
    // torch float32: f64::INFINITY
    check(
        "KL(Gamma(2, 1e20) ‖ Normal(0, 1e-20))",
        kl_divergence(&gamma(2.0, 1e20), &normal(0.0, 1e-20)),
        2.341722926771145,
    );
    // torch float32: 0.0720931887626648
    check(
        "KL(Normal(0, 1e-20) ‖ Laplace(0, 1e-20))",
        kl_divergence(&normal(0.0, 1e-20), &laplace(0.0, 1e-20)),
        0.07209320815813793,
    );
    // torch float32: 0.0
    // `d/b + e^{−d/b} − 1` for d/b = 1e-20 cancels to 0 in float32; the
    // exact value, d²/2b² = 5e-41, is far below anything a KL is compared with.
    check_within(
        "KL(Laplace(0, 1e20) ‖ Laplace(1, 1e20))",
        kl_divergence(&laplace(0.0, 1e20), &laplace(1.0, 1e20)),
        4.999999799586598e-41,
        (1e-40, 0.0),
    );
    // torch float32: 87.48492431640625
    check(
        "KL(Uniform(0.25, 0.75) ‖ Beta(1e3, 1e3))",
        kl_divergence(&uniform(0.25, 0.75), &beta(1e3, 1e3)),
        87.4856499238744,
    );
    // torch float32: 496.46484375
    check(
        "KL(Uniform(0, 1) ‖ Gamma(1e3, 1e3))",
        kl_divergence(&uniform(0.0, 1.0), &gamma(1e3, 1e3)),
        496.46514422704416,
    );
}

/// Draws at the extreme parameters are finite and in the support, and so
/// are the gradients of Gamma, Beta and Dirichlet draws. (A Student's t
/// with `df = 0.1` draws a χ² that underflows to the smallest normal number
/// now and then; its gradient with respect to `df` is then NaN, in torch as
/// in vi-core: libtorch's `_standard_gamma_grad` meets `0 · ∞`.)
#[test]
fn float32_extreme_draws_are_finite() {
    #[track_caller]
    fn finite_draws<D: Distribution + Rsample>(dist: &D, params: &[&Tensor]) {
        tch::manual_seed(130);
        let draws = dist.rsample(&[2000]).unwrap();
        assert!(
            bool::try_from(draws.isfinite().all()).unwrap(),
            "{}",
            dist.name()
        );
        let inside = dist.support().check(&draws).unwrap();
        assert!(bool::try_from(inside.all()).unwrap(), "{}", dist.name());
        if !params.is_empty() {
            let grads = Tensor::run_backward(&[draws.sum(tch::Kind::Float)], params, false, false);
            for grad in grads {
                assert!(
                    bool::try_from(grad.isfinite().all()).unwrap(),
                    "{}: {grad:?}",
                    dist.name()
                );
            }
        }
    }
    for concentration in [1e-3, 1e3] {
        let alpha = s(concentration).set_requires_grad(true);
        finite_draws(&Gamma::new(&alpha, &s(1.0)).unwrap(), &[&alpha]);
        let zero = s(concentration).set_requires_grad(true);
        finite_draws(&Beta::new(&alpha, &zero).unwrap(), &[&alpha, &zero]);
        let vector = v(&[concentration; 3]).set_requires_grad(true);
        finite_draws(&Dirichlet::new(&vector).unwrap(), &[&vector]);
    }
    // ∂z/∂β = −z/β ≈ −2e40 at β = 1e-20 is beyond float32 (−∞ is its
    // rounding): the gradient is checked at β = 1e20 only.
    finite_draws(&Gamma::new(&s(2.0), &s(1e-20)).unwrap(), &[]);
    let rate = s(1e20).set_requires_grad(true);
    finite_draws(&Gamma::new(&s(2.0), &rate).unwrap(), &[&rate]);
    for scale in [1e-20, 1e20] {
        finite_draws(&laplace(0.0, scale), &[]);
        finite_draws(&student_t(3.0, 0.0, scale), &[]);
        finite_draws(&uniform(-scale, scale), &[]);
    }
    finite_draws(&student_t(0.1, 0.0, 1.0), &[]);
    let df = s(1e6).set_requires_grad(true);
    finite_draws(&StudentT::new(&df, &s(0.0), &s(1.0)).unwrap(), &[&df]);
}
