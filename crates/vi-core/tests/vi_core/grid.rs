//! The grid posterior: tutorial 2's numbers, normalisation, stability in log
//! space, and agreement with a conjugate model's exact posterior.

use std::f64::consts::PI;

use rstest::rstest;
use tch::{Device, Kind, Tensor};
use vi_core::{
    Distribution, Error, Exponential, GridPosterior, MultivariateNormal, Normal, Result,
    kl_divergence,
};

use crate::common::{assert_close, f64s, grid, item, scalar, tutorial_two_data, values};

/// `log p(x | z) = Σᵢ log N(xᵢ; z, 1)` for a grid `z` of shape `[G]`.
fn tutorial_log_likelihood(data: &Tensor) -> impl Fn(&Tensor) -> Result<Tensor> + '_ {
    move |z| {
        Ok(Normal::new(&z.unsqueeze(-1), &scalar(1.0))?
            .log_prob(data)?
            .sum_dim_intlist(-1, false, None))
    }
}

fn tutorial_posterior() -> GridPosterior {
    let data = tutorial_two_data();
    let (points, _) = grid(0.0, 15.0, 2000);
    let prior = Exponential::new(&Tensor::from(1.0f32)).expect("valid prior");
    GridPosterior::from_prior_and_likelihood(&points, &prior, tutorial_log_likelihood(&data))
        .expect("valid grid posterior")
}

/// The tutorial's own code (PyTorch 2.13, CPU):
/// ```python
/// Zs = torch.linspace(0, 15, 2000, dtype=torch.float64)
/// joint_evals = []
/// for z in Zs:
///     obs_dist = torch.distributions.Normal(z, normal_std)
///     joint_evals.append(prior_dist.log_prob(z) + torch.sum(obs_dist.log_prob(sampled_x)))
/// joint_evals = torch.exp(torch.stack(joint_evals))
/// approx_posterior = joint_evals / torch.sum(joint_evals * Zs[1])
/// [float(approx_posterior[i]) for i in [0, 200, 466, 1000]]; int(approx_posterior.argmax())
/// thetas = torch.tensor([0.5, 0.6052036285400391, 2.0], dtype=torch.float64)   # θ* in the middle
/// [float(compute_KL(Zs, approx_posterior, Exponential(t))) for t in thetas]
/// ```
/// Torch's type promotion evaluates `obs_dist.log_prob(sampled_x)` in
/// float32 there (a 1-D float32 value outranks the 0-D float64 `z`), so the
/// tutorial's numbers carry float32 rounding of a log-likelihood of size
/// ~30: about 30 × 6e-8 ≈ 2e-6 relative. vi-core keeps float64, and matches
/// the same script run with `sampled_x.double()` to 1e-9, and the
/// tutorial's printed values to 1e-5.
#[rstest]
#[case::float64_script(
    [8.828646030431327e-12, 0.0007507367127510745, 0.6981491921134748, 4.8622562257424235e-21],
    [11.705952221471696, 11.305224596446559, 18.633937014212997],
    1e-9
)]
#[case::tutorial_as_printed(
    [8.828646500357165e-12, 0.0007507369488366398, 0.6981490014951804, 4.8622736521414065e-21],
    [11.705952267114656, 11.305224718965384, 18.63393734417184],
    1e-5
)]
fn tutorial_two_grid_posterior_matches_pytorch(
    #[case] densities: [f64; 4],
    #[case] kls: [f64; 3],
    #[case] rel_tol: f64,
) {
    let posterior = tutorial_posterior();
    assert!((posterior.spacing() - 15.0 / 1999.0).abs() < 1e-15);
    let density = posterior.density();
    for (i, expected) in [0, 200, 466, 1000].into_iter().zip(densities) {
        let actual = density.double_value(&[i]);
        assert!(
            (actual - expected).abs() <= rel_tol * expected,
            "density[{i}] = {actual} vs {expected}"
        );
    }
    assert_eq!(density.argmax(0, false).int64_value(&[]), 424);

    // One call evaluates a batch of candidate posteriors.
    let thetas = f64s(&[0.5, 0.6052036285400391, 2.0], &[3]);
    let kl = posterior
        .kl_from(&Exponential::new(&thetas).unwrap())
        .unwrap();
    assert_close(&kl, &kls, 0.0, rel_tol);
}

#[test]
fn density_integrates_to_one_by_the_riemann_sum() {
    let posterior = tutorial_posterior();
    let total = item(&posterior.density().sum(Kind::Double)) * posterior.spacing();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
}

/// A log joint shifted by −1000 (whose `exp` underflows to 0 in float64, so
/// the tutorial's direct exponentiation would give 0/0) gives the same
/// density; the log evidence moves by exactly −1000.
#[test]
fn normalisation_is_computed_in_log_space() {
    let posterior = tutorial_posterior();
    let (points, _) = grid(0.0, 15.0, 2000);
    let log_joint = posterior.log_density() + posterior.log_evidence();
    let shifted = GridPosterior::from_log_joint(&points, &(&log_joint - 1000.0)).unwrap();
    assert_close(
        &shifted.density(),
        &values(&posterior.density()),
        1e-12,
        1e-9,
    );
    let moved = item(shifted.log_evidence()) - item(posterior.log_evidence());
    assert!((moved + 1000.0).abs() < 1e-9);
}

/// Conjugate model `z ~ N(0, 1)`, `x | z ~ N(z, 1)`, `x = 1.3`, on a grid
/// that does not start at 0 (where the tutorial's `Zs[1]` would be wrong):
/// `log p(x) = log N(x; 0, 2)`, `KL(posterior ‖ p_grid) ≈ 0`, and for any
/// `q`, `KL(q ‖ p_grid) ≈ KL(q ‖ posterior)`. Tails beyond ±12 are below
/// 1e-30 and the sums on 4001 points are accurate to 1e-9.
#[test]
fn grid_posterior_recovers_a_conjugate_posterior() {
    let x = 1.3;
    let (points, _) = grid(-12.0, 12.0, 4001);
    let prior = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    let posterior = GridPosterior::from_prior_and_likelihood(&points, &prior, |z| {
        Normal::new(z, &scalar(1.0))?.log_prob(&scalar(x))
    })
    .unwrap();
    let exact_log_evidence = -x * x / 4.0 - 0.5 * (4.0 * PI).ln();
    assert!((item(posterior.log_evidence()) - exact_log_evidence).abs() < 1e-9);
    let exact = Normal::new(&scalar(x / 2.0), &scalar(0.5f64.sqrt())).unwrap();
    assert!(item(&posterior.kl_from(&exact).unwrap()).abs() < 1e-9);
    let q = Normal::new(&f64s(&[0.0, 1.0], &[2]), &f64s(&[0.5, 1.5], &[2])).unwrap();
    let exact_kl = kl_divergence(
        &q,
        &Normal::new(&scalar(x / 2.0), &scalar(0.5f64.sqrt())).unwrap(),
    )
    .unwrap();
    assert_close(
        &posterior.kl_from(&q).unwrap(),
        &values(&exact_kl),
        1e-9,
        0.0,
    );
}

#[test]
fn grid_errors_are_typed() {
    let (points, _) = grid(0.0, 1.0, 11);
    let uneven = points.square();
    assert!(matches!(
        GridPosterior::from_log_joint(&uneven, &Tensor::zeros_like(&uneven)),
        Err(Error::InvalidArgument { name: "grid", .. })
    ));
    assert!(matches!(
        GridPosterior::from_log_joint(
            &points.reshape([1, 11]),
            &Tensor::zeros([1, 11], (Kind::Double, Device::Cpu))
        ),
        Err(Error::InvalidArgument { name: "grid", .. })
    ));
    assert!(matches!(
        GridPosterior::from_log_joint(&points, &Tensor::zeros([10], (Kind::Double, Device::Cpu))),
        Err(Error::ShapeMismatch { .. })
    ));
    let nan = Tensor::full([11], f64::NAN, (Kind::Double, Device::Cpu));
    assert!(matches!(
        GridPosterior::from_log_joint(&points, &nan),
        Err(Error::InvalidArgument {
            name: "log_joint",
            ..
        })
    ));
    let posterior = GridPosterior::from_log_joint(&points, &Tensor::zeros_like(&points)).unwrap();
    let bivariate = MultivariateNormal::new(
        &f64s(&[0.0, 0.0], &[2]),
        &Tensor::eye(2, (Kind::Double, Device::Cpu)),
    )
    .unwrap();
    let err = posterior.kl_from(&bivariate).unwrap_err();
    assert!(
        err.to_string()
            .contains("MultivariateNormal and GridPosterior"),
        "{err}"
    );
    assert_eq!(bivariate.event_shape(), [2]);
}
