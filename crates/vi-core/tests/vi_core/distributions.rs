//! Shapes, closed forms and numerical integration for every family:
//! `log_prob` integrates to one, and its first two moments and entropy on a
//! fine float64 grid match `mean`, `variance` and `entropy`.

use rstest::rstest;
use tch::{Device, Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Exponential, Independent, MultivariateNormal, Normal, Rsample,
};

use crate::common::{
    assert_close, assert_tensors_close, f64s, grid, item, scalar, simpson, trapezoid, values,
};

/// Integrates density, mean, variance and entropy of a univariate
/// distribution with batch shape `[]` over `points` (trapezoid rule) and
/// compares them with the closed forms (Simpson's rule). Tails outside the
/// grid are below 1e-12 for the chosen ranges and the quadrature error on
/// 20 001 points is below 1e-10, so 1e-7 is a safe tolerance.
fn check_univariate_by_integration(dist: &dyn Distribution, start: f64, end: f64) {
    let (points, dx) = grid(start, end, 20_001);
    let log_p = dist.log_prob(&points).expect("grid fits the distribution");
    let p = log_p.exp();
    let mass = item(&simpson(&p, dx));
    let mean = item(&simpson(&(&p * &points), dx));
    let variance = item(&simpson(&(&p * (&points - mean).square()), dx));
    let entropy = item(&simpson(&(-&p * &log_p), dx));
    let tol = 1e-7;
    assert!((mass - 1.0).abs() < tol, "mass {mass}");
    assert_close(&dist.mean().expect("closed form"), &[mean], tol, tol);
    assert_close(
        &dist.variance().expect("closed form"),
        &[variance],
        tol,
        tol,
    );
    assert_close(&dist.entropy().expect("closed form"), &[entropy], tol, tol);
}

#[rstest]
#[case(0.0, 1.0)]
#[case(1.5, 0.3)]
#[case(-2.0, 4.0)]
fn normal_moments_and_entropy_by_integration(#[case] loc: f64, #[case] scale: f64) {
    let normal = Normal::new(&scalar(loc), &scalar(scale)).unwrap();
    check_univariate_by_integration(&normal, loc - 14.0 * scale, loc + 14.0 * scale);
}

#[rstest]
#[case(0.5)]
#[case(1.0)]
#[case(3.0)]
fn exponential_moments_and_entropy_by_integration(#[case] rate: f64) {
    let exponential = Exponential::new(&scalar(rate)).unwrap();
    // The density jumps at 0, where the grid starts: the rule sees only the
    // smooth part [0, ∞).
    check_univariate_by_integration(&exponential, 0.0, 40.0 / rate);
}

#[test]
fn normal_closed_forms() {
    let loc = f64s(&[0.0, 1.5, -2.0], &[3]);
    let scale = f64s(&[1.0, 0.3, 4.0], &[3]);
    let normal = Normal::new(&loc, &scale).unwrap();
    let x = f64s(&[0.5, 1.0, 3.0], &[3]);
    let expected: Vec<f64> = [(0.5, 0.0, 1.0), (1.0, 1.5, 0.3), (3.0, -2.0, 4.0)]
        .iter()
        .map(|&(x, m, s): &(f64, f64, f64)| {
            -((x - m) / s).powi(2) / 2.0 - s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
        })
        .collect();
    assert_close(&normal.log_prob(&x).unwrap(), &expected, 1e-12, 1e-12);
    assert_tensors_close(&normal.mean().unwrap(), &loc, 0.0);
    assert_tensors_close(&normal.variance().unwrap(), &scale.square(), 1e-15);
    assert_tensors_close(&normal.stddev().unwrap(), &scale, 0.0);
}

#[test]
fn normal_parameterizations_agree() {
    let loc = f64s(&[0.3, -1.0, 2.0], &[3]);
    let log_var = f64s(&[0.4, -2.0, 3.0], &[3]);
    let x = f64s(&[1.0, -0.5, 0.0], &[3]);
    let from_scale = Normal::new(&loc, &(&log_var * 0.5).exp()).unwrap();
    let from_log_scale = Normal::from_log_scale(&loc, &(&log_var * 0.5)).unwrap();
    let from_log_var = Normal::from_log_var(&loc, &log_var).unwrap();
    let reference = from_scale.log_prob(&x).unwrap();
    for other in [&from_log_scale, &from_log_var] {
        assert_tensors_close(&other.log_prob(&x).unwrap(), &reference, 1e-12);
        assert_tensors_close(
            &other.entropy().unwrap(),
            &from_scale.entropy().unwrap(),
            1e-12,
        );
        assert_tensors_close(&other.variance().unwrap(), &log_var.exp(), 1e-12);
    }
}

#[test]
fn normal_parameters_broadcast() {
    let loc = Tensor::zeros([3, 1], (Kind::Float, Device::Cpu));
    let scale = Tensor::ones([4], (Kind::Float, Device::Cpu));
    let normal = Normal::new(&loc, &scale).unwrap();
    assert_eq!(normal.batch_shape(), [3, 4]);
    assert_eq!(normal.mean().unwrap().size(), [3, 4]);
    assert_eq!(
        normal
            .log_prob(&Tensor::zeros([5, 1, 4], (Kind::Float, Device::Cpu)))
            .unwrap()
            .size(),
        [5, 3, 4]
    );
}

#[test]
fn standard_like_is_the_unit_normal_of_that_shape() {
    let like = Tensor::zeros([2, 5], (Kind::Double, Device::Cpu));
    let standard = Normal::standard_like(&like).unwrap();
    assert_eq!(standard.batch_shape(), [2, 5]);
    assert_eq!(standard.kind(), Kind::Double);
    assert_close(
        &standard.entropy().unwrap().mean(Kind::Double),
        &[0.5 + 0.5 * (2.0 * std::f64::consts::PI).ln()],
        1e-12,
        0.0,
    );
}

#[test]
fn exponential_log_prob_is_minus_infinity_below_zero() {
    let exponential = Exponential::new(&scalar(2.0)).unwrap();
    let log_p = values(
        &exponential
            .log_prob(&f64s(&[-0.1, 0.0, 1.0], &[3]))
            .unwrap(),
    );
    assert_eq!(log_p[0], f64::NEG_INFINITY);
    assert!((log_p[1] - 2f64.ln()).abs() < 1e-12);
    assert!((log_p[2] - (2f64.ln() - 2.0)).abs() < 1e-12);
}

#[rstest]
#[case(0.2)]
#[case(0.5)]
#[case(0.97)]
fn bernoulli_by_summation_over_support(#[case] p: f64) {
    for bernoulli in [
        Bernoulli::from_probs(&scalar(p)).unwrap(),
        Bernoulli::from_logits(&scalar((p / (1.0 - p)).ln())).unwrap(),
    ] {
        let support = f64s(&[0.0, 1.0], &[2]);
        let log_p = bernoulli.log_prob(&support).unwrap();
        let mass = values(&log_p.exp());
        assert_close(&log_p.exp(), &[1.0 - p, p], 1e-12, 1e-12);
        let mean = mass[1];
        let variance = mass[0] * mean * mean + mass[1] * (1.0 - mean) * (1.0 - mean);
        let entropy = -(mass[0] * mass[0].ln() + mass[1] * mass[1].ln());
        assert_close(&bernoulli.mean().unwrap(), &[mean], 1e-12, 1e-12);
        assert_close(&bernoulli.variance().unwrap(), &[variance], 1e-12, 1e-12);
        assert_close(&bernoulli.entropy().unwrap(), &[entropy], 1e-12, 1e-12);
    }
}

#[test]
fn bernoulli_log_prob_agrees_with_bce_with_logits() {
    let logits = f64s(&[-5.0, -0.3, 0.0, 2.0, 40.0], &[5]);
    let target = f64s(&[1.0, 0.0, 1.0, 0.0, 0.0], &[5]);
    let bernoulli = Bernoulli::from_logits(&logits).unwrap();
    let bce = logits.binary_cross_entropy_with_logits::<Tensor>(
        &target,
        None,
        None,
        tch::Reduction::None,
    );
    assert_tensors_close(&bernoulli.log_prob(&target).unwrap(), &-bce, 1e-12);
    // Integer values are accepted and converted.
    let as_int = target.to_kind(Kind::Int64);
    assert_tensors_close(
        &bernoulli.log_prob(&as_int).unwrap(),
        &bernoulli.log_prob(&target).unwrap(),
        0.0,
    );
}

/// Built from logits, `probs` is computed on first use — and keeps its
/// gradient even when that first use is inside `no_grad` (`sample` draws
/// there): `H(σ(ℓ))` has `dH/dℓ = −ℓ σ(ℓ)(1 − σ(ℓ))`, which a cached
/// constant `p` would turn into 0.
#[test]
fn bernoulli_probs_from_logits_are_lazy_and_keep_their_gradient() {
    let logits = f64s(&[-2.0, -0.5, 0.0, 1.5], &[4]).set_requires_grad(true);
    let bernoulli = Bernoulli::from_logits(&logits).unwrap();
    let _draws = bernoulli.sample(&[3]).unwrap();
    bernoulli.entropy().unwrap().sum(Kind::Double).backward();
    let p = logits.detach().sigmoid();
    let slope = &p * (1.0 - &p);
    let expected = logits.detach().neg() * slope;
    assert_tensors_close(&logits.grad(), &expected, 1e-12);
    assert_tensors_close(bernoulli.probs(), &p, 0.0);
}

/// Expanding or detaching carries probabilities already there (a caller's
/// are kept exactly) and computes the rest from the new logits.
#[test]
fn bernoulli_expand_and_detach_carry_or_derive_probs() {
    use vi_core::{Detach, Expand};
    let given = f64s(&[0.0, 0.25, 1.0], &[3]);
    let from_probs = Bernoulli::from_probs(&given).unwrap();
    assert_tensors_close(
        from_probs.expand(&[2, 3]).unwrap().probs(),
        &given.expand([2, 3], false),
        0.0,
    );
    assert_tensors_close(from_probs.detach().probs(), &given, 0.0);
    let logits = f64s(&[-1.0, 0.5, 3.0], &[3]);
    let from_logits = Bernoulli::from_logits(&logits).unwrap();
    let expanded = from_logits.expand(&[2, 3]).unwrap();
    assert_tensors_close(
        expanded.probs(),
        &logits.sigmoid().expand([2, 3], false),
        0.0,
    );
    let _computed = from_logits.probs();
    assert_tensors_close(from_logits.detach().probs(), &logits.sigmoid(), 0.0);
}

#[test]
fn independent_sums_over_reinterpreted_dims() {
    let loc = f64s(&[0.0, 1.0, 2.0, -1.0, 0.5, 0.2], &[2, 3]);
    let scale = f64s(&[1.0, 2.0, 0.5, 1.5, 0.7, 3.0], &[2, 3]);
    let base = Normal::new(&loc, &scale).unwrap();
    let x = f64s(&[0.3, -0.7, 1.1], &[3]);
    let base_log_prob = base.log_prob(&x).unwrap();
    let base_entropy = base.entropy().unwrap();
    let independent = Independent::new(base, 1).unwrap();
    assert_eq!(independent.batch_shape(), [2]);
    assert_eq!(independent.event_shape(), [3]);
    let expected = base_log_prob.sum_dim_intlist(-1, false, None);
    assert_tensors_close(&independent.log_prob(&x).unwrap(), &expected, 1e-12);
    assert_tensors_close(
        &independent.entropy().unwrap(),
        &base_entropy.sum_dim_intlist(-1, false, None),
        1e-12,
    );
    assert_eq!(independent.mean().unwrap().size(), [2, 3]);
    assert_eq!(independent.variance().unwrap().size(), [2, 3]);
    // Reinterpreting every dimension leaves a batch shape of [].
    let all = Independent::new(Normal::new(&loc, &scale).unwrap(), 2).unwrap();
    assert_eq!(all.batch_shape(), [] as [i64; 0]);
    assert_eq!(all.event_shape(), [2, 3]);
    assert_tensors_close(
        &all.log_prob(&x.expand([2, 3], false)).unwrap(),
        &expected.sum(Kind::Double),
        1e-12,
    );
}

fn lower_triangular_3x3() -> Tensor {
    f64s(&[1.0, 0.0, 0.0, 0.5, 2.0, 0.0, -0.3, 0.8, 0.6], &[3, 3])
}

#[test]
fn multivariate_normal_closed_forms() {
    let tril = lower_triangular_3x3();
    let loc = f64s(&[1.0, -1.0, 0.5], &[3]);
    let mvn = MultivariateNormal::new(&loc, &tril).unwrap();
    let covariance = tril.matmul(&tril.tr());
    assert_tensors_close(&mvn.covariance_matrix(), &covariance, 1e-12);
    assert_tensors_close(
        &mvn.variance().unwrap(),
        &covariance.diagonal(0, 0, 1),
        1e-12,
    );
    // log p(x) = −½ (n log 2π + log det Σ + (x−μ)ᵀ Σ⁻¹ (x−μ)).
    let x = f64s(&[0.2, 0.3, -0.4], &[3]);
    let diff = (&x - &loc).unsqueeze(-1);
    let quad = item(&diff.tr().matmul(&covariance.inverse()).matmul(&diff));
    let log_det = item(&covariance.det()).ln();
    let expected = -0.5 * (3.0 * (2.0 * std::f64::consts::PI).ln() + log_det + quad);
    assert_close(&mvn.log_prob(&x).unwrap(), &[expected], 1e-12, 1e-12);
    let entropy = 0.5 * 3.0 * (1.0 + (2.0 * std::f64::consts::PI).ln()) + 0.5 * log_det;
    assert_close(&mvn.entropy().unwrap(), &[entropy], 1e-12, 1e-12);
}

/// Integrates a distribution over 2-vectors (batch shape `[]`, event `[2]`)
/// centred at `center` on an 801 × 801 grid of ±12 (tails < 1e-20, the
/// trapezoid error of these smooth integrands far below 1e-6) and compares
/// mass, mean, variance and entropy with the closed forms.
fn check_bivariate_by_integration(dist: &dyn Distribution, center: [f64; 2]) {
    let (axis, dx) = grid(-12.0, 12.0, 801);
    let mesh = Tensor::meshgrid_indexing(&[&axis, &axis], "ij");
    let points = Tensor::stack(&[&mesh[0] + center[0], &mesh[1] + center[1]], -1);
    let log_p = dist.log_prob(&points).expect("grid fits the distribution");
    let p = log_p.exp();
    let integrate = |f: &Tensor| item(&trapezoid(&trapezoid(f, dx), dx));
    assert!((integrate(&p) - 1.0).abs() < 1e-6);
    let mean_0 = integrate(&(&p * points.select(-1, 0)));
    let mean_1 = integrate(&(&p * points.select(-1, 1)));
    assert_close(
        &dist.mean().expect("closed form"),
        &[mean_0, mean_1],
        1e-6,
        0.0,
    );
    let var_0 = integrate(&(&p * (points.select(-1, 0) - mean_0).square()));
    let var_1 = integrate(&(&p * (points.select(-1, 1) - mean_1).square()));
    assert_close(
        &dist.variance().expect("closed form"),
        &[var_0, var_1],
        1e-6,
        0.0,
    );
    assert_close(
        &dist.entropy().expect("closed form"),
        &[integrate(&(-&p * &log_p))],
        1e-6,
        0.0,
    );
}

#[test]
fn multivariate_normal_by_two_dimensional_integration() {
    let tril = f64s(&[1.0, 0.0, 0.6, 0.8], &[2, 2]);
    let mvn = MultivariateNormal::new(&f64s(&[0.5, -0.5], &[2]), &tril).unwrap();
    check_bivariate_by_integration(&mvn, [0.5, -0.5]);
}

#[test]
fn independent_normal_by_two_dimensional_integration() {
    let base = Normal::new(&f64s(&[1.0, -0.5], &[2]), &f64s(&[0.7, 1.4], &[2])).unwrap();
    check_bivariate_by_integration(&Independent::new(base, 1).unwrap(), [1.0, -0.5]);
}

#[test]
fn diagonal_multivariate_normal_equals_independent_normal() {
    let loc = f64s(&[0.1, -0.2, 0.3, 1.0, 2.0, -3.0], &[2, 3]);
    let scale = f64s(&[0.5, 1.0, 2.0, 1.5, 0.2, 0.9], &[2, 3]);
    let mvn = MultivariateNormal::new(&loc, &scale.diag_embed(0, -2, -1)).unwrap();
    let independent = Independent::new(Normal::new(&loc, &scale).unwrap(), 1).unwrap();
    let x = f64s(
        &[
            0.0, 0.5, -1.0, 2.0, 1.0, 0.0, 0.3, 0.3, 0.3, -2.0, -1.0, 0.0,
        ],
        &[2, 2, 3],
    );
    assert_tensors_close(
        &mvn.log_prob(&x).unwrap(),
        &independent.log_prob(&x).unwrap(),
        1e-12,
    );
    assert_tensors_close(
        &mvn.entropy().unwrap(),
        &independent.entropy().unwrap(),
        1e-12,
    );
}

#[test]
fn multivariate_normal_from_covariance_matches_scale_tril() {
    let tril = lower_triangular_3x3();
    let loc = f64s(&[1.0, -1.0, 0.5], &[3]);
    let from_tril = MultivariateNormal::new(&loc, &tril).unwrap();
    let from_cov =
        MultivariateNormal::from_covariance_matrix(&loc, &tril.matmul(&tril.tr())).unwrap();
    assert_tensors_close(from_cov.scale_tril(), &tril, 1e-12);
    let x = f64s(&[0.0, 1.0, 2.0], &[3]);
    assert_tensors_close(
        &from_cov.log_prob(&x).unwrap(),
        &from_tril.log_prob(&x).unwrap(),
        1e-12,
    );
}

/// `sample`/`rsample` return `sample_shape + batch_shape + event_shape`, and
/// `log_prob` of a draw returns `sample_shape + batch_shape`.
#[rstest]
#[case(&[], &[4])]
#[case(&[5], &[5, 4])]
#[case(&[2, 3], &[2, 3, 4])]
fn sample_shapes_follow_torch_convention(
    #[case] sample_shape: &[i64],
    #[case] scalar_shape: &[i64],
) {
    let options = (Kind::Float, Device::Cpu);
    let loc = Tensor::zeros([4], options);
    let normal = Normal::new(&loc, &Tensor::ones([4], options)).unwrap();
    let exponential = Exponential::new(&Tensor::ones([4], options)).unwrap();
    let bernoulli = Bernoulli::from_logits(&loc).unwrap();
    let scalar_families: [&dyn Distribution; 3] = [&normal, &exponential, &bernoulli];
    for dist in scalar_families {
        let draw = dist.sample(sample_shape).unwrap();
        assert_eq!(draw.size(), scalar_shape, "{}", dist.name());
        assert_eq!(
            dist.log_prob(&draw).unwrap().size(),
            scalar_shape,
            "{}",
            dist.name()
        );
    }
    let draw = normal.rsample(sample_shape).unwrap();
    assert_eq!(draw.size(), scalar_shape);

    let mvn =
        MultivariateNormal::new(&Tensor::zeros([4, 3], options), &Tensor::eye(3, options)).unwrap();
    let independent = Independent::new(
        Normal::new(&Tensor::zeros([4, 3], options), &Tensor::ones([3], options)).unwrap(),
        1,
    )
    .unwrap();
    let vector_families: [&dyn Rsample; 2] = [&mvn, &independent];
    for dist in vector_families {
        let draw = dist.rsample(sample_shape).unwrap();
        assert_eq!(
            draw.size(),
            [scalar_shape, &[3]].concat(),
            "{}",
            dist.name()
        );
        assert_eq!(
            dist.log_prob(&draw).unwrap().size(),
            scalar_shape,
            "{}",
            dist.name()
        );
    }
}

#[test]
fn sample_carries_no_gradient_and_rsample_does() {
    let loc = Tensor::zeros([3], (Kind::Float, Device::Cpu)).set_requires_grad(true);
    let normal = Normal::new(&loc, &Tensor::ones([3], (Kind::Float, Device::Cpu))).unwrap();
    assert!(!normal.sample(&[2]).unwrap().requires_grad());
    assert!(normal.rsample(&[2]).unwrap().requires_grad());
}

#[test]
fn float32_parameters_give_float32_results() {
    let normal = Normal::from_log_var(
        &Tensor::zeros([2], (Kind::Float, Device::Cpu)),
        &Tensor::zeros([2], (Kind::Float, Device::Cpu)),
    )
    .unwrap();
    assert_eq!(normal.rsample(&[3]).unwrap().kind(), Kind::Float);
    assert_eq!(normal.entropy().unwrap().kind(), Kind::Float);
}
