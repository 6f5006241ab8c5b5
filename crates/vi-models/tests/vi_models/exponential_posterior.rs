//! Tutorial 2's analytic part: θ*, the closed-form ELBO, the grid posterior
//! and the KL curve.

use tch::{Device, Kind, Tensor};
use vi_core::Exponential;
use vi_data::{ExponentialNormalConfig, exponential_normal_data};
use vi_models::{ExponentialPosterior, ExponentialPosteriorConfig, Linspace};

use super::common::{assert_close, scalar, values};

fn tutorial_posterior(config: ExponentialPosteriorConfig) -> ExponentialPosterior {
    let data = exponential_normal_data(&ExponentialNormalConfig::default()).expect("valid");
    ExponentialPosterior::new(&data.x, config).expect("valid")
}

/// `reference/tutorial2.py` computes θ* in float32 from the float32 draws:
/// `theta_star 0.6052036285400391`; `reference/tutorial2_float64.py` in
/// float64: `theta_star f64 0.6052034496866767`.
#[test]
fn theta_star_is_the_positive_root() {
    let posterior = tutorial_posterior(ExponentialPosteriorConfig::default());
    let theta_star = posterior.theta_star();
    assert_close("θ* (float64)", theta_star, 0.605_203_449_686_676_7, 1e-12);
    assert_close(
        "θ* (tutorial, float32)",
        theta_star,
        0.605_203_628_540_039_1,
        1e-6,
    );
    // θ*² + Bθ* − 2n = 0 with B = Σx − λ.
    let b = values(posterior.observations()).iter().sum::<f64>() - 1.0;
    assert_close(
        "quadratic",
        theta_star * theta_star + b * theta_star - 10.0,
        0.0,
        1e-12,
    );
}

/// θ* maximises the closed-form ELBO (zero derivative, lower on each side),
/// and the closed form agrees with a 100 000-draw Monte Carlo estimate
/// within 4 standard errors.
#[test]
fn closed_form_elbo_peaks_at_theta_star() {
    let posterior = tutorial_posterior(ExponentialPosteriorConfig::default());
    let theta_star = posterior.theta_star();
    let elbo = |theta: f64| posterior.elbo(theta).expect("positive θ");
    let h = 1e-5;
    let derivative = (elbo(theta_star + h) - elbo(theta_star - h)) / (2.0 * h);
    assert_close("dL/dθ at θ*", derivative, 0.0, 1e-6);
    assert!(elbo(theta_star) > elbo(0.9 * theta_star));
    assert!(elbo(theta_star) > elbo(1.1 * theta_star));

    tch::manual_seed(1);
    let theta = Tensor::from(theta_star).to_kind(Kind::Double).reshape([1]);
    let q = Exponential::new(&theta).expect("positive");
    let draws = 100_000;
    // monte_carlo_elbo averages log-weights; their spread gives the error.
    let estimate = scalar(&posterior.monte_carlo_elbo(&q, draws).expect("valid"));
    let spread = {
        let single = (0..200)
            .map(|_| scalar(&posterior.monte_carlo_elbo(&q, 1).expect("valid")))
            .collect::<Vec<_>>();
        let mean = single.iter().sum::<f64>() / single.len() as f64;
        (single.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (single.len() - 1) as f64).sqrt()
    };
    let standard_error = spread / (draws as f64).sqrt();
    assert_close(
        "Monte Carlo ELBO",
        estimate,
        elbo(theta_star),
        4.0 * standard_error,
    );
}

/// `reference/tutorial2_float64.py` (likelihood in float64, as here):
/// ```text
/// kl_min 11.299360953992567 at 0.593186372745491 31 kl[0] 11.705952221471696
///        kl[-1] 18.633937014212997
/// kl at theta_star 11.305224436952688
/// log evidence -9.388846218109302
/// ```
/// agree to 1e-9 (float64 rounding of different but equivalent formulas).
/// The tutorial's own numbers (`reference/tutorial2.py`: min 11.299361070035715,
/// kl[0] 11.705952267114656, kl[-1] 18.63393734417184, at θ* 11.305224837110421)
/// carry its float32 likelihood and agree to 1e-6.
#[test]
fn kl_curve_matches_the_tutorial() {
    let posterior = tutorial_posterior(ExponentialPosteriorConfig::default());
    let grid = posterior.grid_posterior().expect("valid");
    assert_close(
        "∫ p_grid",
        scalar(&grid.density().sum(Kind::Double)) * grid.spacing(),
        1.0,
        1e-12,
    );
    assert_close(
        "log evidence",
        scalar(grid.log_evidence()),
        -9.388_846_218_109_302,
        1e-9,
    );

    let curve = posterior.kl_curve(&grid).expect("valid");
    assert_eq!(curve.thetas.size(), [500]);
    let kl = values(&curve.kl);
    let (theta_min, kl_min) = curve.minimum();
    assert_close("θ at the minimum", theta_min, 0.593_186_372_745_491, 1e-12);
    assert_eq!(kl.iter().position(|&k| k == kl_min), Some(31));
    assert_close("KL minimum", kl_min, 11.299_360_953_992_567, 1e-9);
    assert_close("KL(θ = 0.5)", kl[0], 11.705_952_221_471_696, 1e-9);
    assert_close("KL(θ = 2)", kl[499], 18.633_937_014_212_997, 1e-9);
    assert_close("tutorial KL minimum", kl_min, 11.299_361_070_035_715, 1e-6);
    assert_close("tutorial KL(θ = 0.5)", kl[0], 11.705_952_267_114_656, 1e-6);
    assert_close("tutorial KL(θ = 2)", kl[499], 18.633_937_344_171_84, 1e-6);

    let at_star = Exponential::new(&Tensor::from(posterior.theta_star())).expect("positive");
    let kl_star = scalar(&grid.kl_from(&at_star).expect("valid"));
    assert_close("KL at θ*", kl_star, 11.305_224_436_952_688, 1e-9);
    assert_close("tutorial KL at θ*", kl_star, 11.305_224_837_110_421, 1e-6);
}

/// On a grid wide enough to hold all of `q`'s mass, the grid KL is
/// `log p(x) − L(θ)`, the identity behind the ELBO: the grid posterior and
/// the closed-form ELBO check each other. (On the tutorial's `[0, 15]` the
/// mass of `q` beyond 15, where `log p` is about −300, is cut off, which is
/// why the tutorial's curve bottoms out at 0.593 instead of θ* = 0.605.)
///
/// The grid sum `Δ Σᵢ f(zᵢ)` counts the endpoint `z = 0` fully where the
/// integral counts half of it (the integrand `f = q (log q − log p)` jumps
/// there from 0 to `θ (log θ − log p(0|x))`, with `log p(0|x) ≈ −25`); that
/// first-order term `Δ f(0) / 2` (0.006 at θ = 0.5 for Δ = 0.001) is
/// removed, and what is left is the trapezoid rule's `O(Δ²)` error
/// (1.2e-5 at θ = 2; tolerance 1e-4).
#[test]
fn wide_grid_kl_is_log_evidence_minus_elbo() {
    let posterior = tutorial_posterior(ExponentialPosteriorConfig {
        grid: Linspace::new(0.0, 80.0, 80_001),
        ..ExponentialPosteriorConfig::default()
    });
    let grid = posterior.grid_posterior().expect("valid");
    let log_evidence = scalar(grid.log_evidence());
    let log_p_at_zero = values(grid.log_density())[0];
    for theta in [0.5, posterior.theta_star(), 1.0, 2.0] {
        let q = Exponential::new(&Tensor::from(theta)).expect("positive");
        let kl = scalar(&grid.kl_from(&q).expect("valid"));
        let endpoint = grid.spacing() * theta * (theta.ln() - log_p_at_zero) / 2.0;
        let identity = log_evidence - posterior.elbo(theta).expect("positive");
        assert_close(&format!("KL at θ = {theta}"), kl - endpoint, identity, 1e-4);
    }
}

/// `log_joint` is the tutorial's `prior.log_prob(z) + Σ Normal(z, 1).log_prob(x)`
/// at a few points, `−∞` below zero.
#[test]
fn log_joint_is_prior_plus_likelihood() {
    let posterior = tutorial_posterior(ExponentialPosteriorConfig::default());
    let x = values(posterior.observations());
    let z = Tensor::from_slice(&[-1.0f64, 0.0, 3.0]).to_device(Device::Cpu);
    let found = values(&posterior.log_joint(&z).expect("valid"));
    assert_eq!(found[0], f64::NEG_INFINITY);
    for (index, z) in [(1, 0.0), (2, 3.0)] {
        let expected = -z
            + x.iter()
                .map(|x| -0.5 * (x - z) * (x - z) - 0.5 * (2.0 * std::f64::consts::PI).ln())
                .sum::<f64>();
        assert_close(&format!("log p(x, {z})"), found[index], expected, 1e-12);
    }
}
