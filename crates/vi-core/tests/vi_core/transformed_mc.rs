//! Monte Carlo evidence for the transformed families: the closed-form mean,
//! variance and entropy of LogNormal and HalfNormal, every KL between
//! transformed distributions, and rsample gradients against their closed
//! forms. Each check uses the standard error of the very same seeded draws
//! and a tolerance of 4 standard errors (1 in 15 000 for a correct formula).

use std::f64::consts::PI;

use tch::{Kind, Tensor};
use vi_core::transforms::{AffineTransform, ExpTransform, StickBreakingTransform, TanhTransform};
use vi_core::{
    Distribution, Error, HalfNormal, KlDivergence, LogNormal, Normal, Rsample, TanhNormal,
    Transform, TransformedDistribution, kl_divergence,
};

use crate::common::{assert_within_stderr, f64s, mean_and_stderr};

const NUM_SAMPLES: i64 = 400_000;
const NUM_STDERR: f64 = 4.0;

/// Sample mean, variance (about the exact mean) and entropy (`−log p`) of
/// `NUM_SAMPLES` draws against the closed forms.
fn check_moments<D: Distribution>(dist: &D, seed: i64) {
    tch::manual_seed(seed);
    let draws = dist.sample(&[NUM_SAMPLES]).expect("test fixture");
    let (mean, stderr) = mean_and_stderr(&draws);
    let exact_mean = dist.mean().expect("test fixture");
    assert_within_stderr(&mean, &exact_mean, &stderr, NUM_STDERR, 0.0);
    let (variance, stderr) = mean_and_stderr(&(&draws - &exact_mean).square());
    assert_within_stderr(
        &variance,
        &dist.variance().expect("test fixture"),
        &stderr,
        NUM_STDERR,
        0.0,
    );
    let (entropy, stderr) = mean_and_stderr(&dist.log_prob(&draws).expect("test fixture").neg());
    assert_within_stderr(
        &entropy,
        &dist.entropy().expect("test fixture"),
        &stderr,
        NUM_STDERR,
        0.0,
    );
}

fn vector(values: &[f64]) -> Tensor {
    f64s(values, &[values.len() as i64])
}

#[test]
fn log_normal_moments_match_monte_carlo() {
    let dist = LogNormal::new(&vector(&[0.2, -0.5, 1.0]), &vector(&[0.4, 0.25, 0.6])).unwrap();
    check_moments(&dist, 31);
    // The mode maximises the density.
    let mode = dist.mode().unwrap();
    let at_mode = dist.log_prob(&mode).unwrap();
    for shift in [0.99, 1.01] {
        let nearby = dist.log_prob(&(&mode * shift)).unwrap();
        assert!(at_mode.gt_tensor(&nearby).all().int64_value(&[]) == 1);
    }
}

#[test]
fn half_normal_moments_match_monte_carlo() {
    let dist = HalfNormal::new(&vector(&[0.5, 2.0, 1e-3])).unwrap();
    check_moments(&dist, 32);
}

/// `E_p[log p − log q]` over draws of `p` against the closed form.
fn check_kl<P, Q>(p: &P, q: &Q, seed: i64)
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    tch::manual_seed(seed);
    let draws = p.sample(&[NUM_SAMPLES]).expect("test fixture");
    let log_ratio =
        p.log_prob(&draws).expect("test fixture") - q.log_prob(&draws).expect("test fixture");
    let (estimate, stderr) = mean_and_stderr(&log_ratio);
    let exact = kl_divergence(p, q).expect("test fixture");
    assert_eq!(exact.size(), estimate.size());
    assert_within_stderr(&estimate, &exact, &stderr, NUM_STDERR, 1e-12);
}

#[test]
fn log_normal_kl_matches_monte_carlo() {
    let p = LogNormal::new(&vector(&[0.0, 1.0, -2.0]), &vector(&[1.0, 0.5, 0.3])).unwrap();
    let q = LogNormal::new(&vector(&[0.5, -1.0, -2.2]), &vector(&[2.0, 0.8, 0.25])).unwrap();
    check_kl(&p, &q, 33);
}

/// torch's `_kl_halfnormal_halfnormal`: `log(σ₂/σ₁) + σ₁²/(2σ₂²) − ½`.
#[test]
fn half_normal_kl_matches_monte_carlo_and_its_formula() {
    let (s1, s2) = ([1.0, 0.3, 4.0], [2.0, 0.5, 1.0]);
    let p = HalfNormal::new(&vector(&s1)).unwrap();
    let q = HalfNormal::new(&vector(&s2)).unwrap();
    check_kl(&p, &q, 34);
    let formula: Vec<f64> = s1
        .iter()
        .zip(s2)
        .map(|(a, b)| (b / a).ln() + a * a / (2.0 * b * b) - 0.5)
        .collect();
    crate::common::assert_close(&kl_divergence(&p, &q).unwrap(), &formula, 1e-14, 1e-14);
}

#[test]
fn tanh_normal_kl_matches_monte_carlo() {
    let p = TanhNormal::new(&vector(&[0.0, 1.0, -0.5]), &vector(&[0.6, 0.5, 0.3])).unwrap();
    let q = TanhNormal::new(&vector(&[0.5, 0.2, -0.4]), &vector(&[1.0, 0.8, 0.25])).unwrap();
    check_kl(&p, &q, 35);
}

fn onto_simplex(loc: &[f64], scale: &[f64]) -> TransformedDistribution<Normal> {
    let base = Normal::new(&f64s(loc, &[2, 3]), &f64s(scale, &[2, 3])).expect("test fixture");
    let transforms: Vec<Box<dyn Transform>> = vec![
        Box::new(AffineTransform::from_values(0.5, 1.5).expect("test fixture")),
        Box::new(StickBreakingTransform),
    ];
    TransformedDistribution::new(base, transforms).expect("test fixture")
}

/// Through a reshaping chain onto the simplex, the KL is the bases' summed
/// over the reinterpreted dimension; the Monte Carlo estimate scores the
/// draws on the simplex, where only the change of variables relates them.
#[test]
fn transformed_kl_matches_monte_carlo_on_the_simplex() {
    let p = onto_simplex(
        &[0.1, -0.3, 0.5, 0.0, 0.2, -1.0],
        &[1.0, 0.7, 1.5, 0.3, 1.0, 2.0],
    );
    let q = onto_simplex(
        &[0.0, 0.0, 0.2, 0.4, -0.2, -0.5],
        &[1.2, 0.5, 1.0, 0.5, 1.5, 1.0],
    );
    assert_eq!(kl_divergence(&p, &q).unwrap().size(), [2]);
    check_kl(&p, &q, 36);
}

#[test]
fn transformed_kl_refuses_different_transforms() {
    let base = || Normal::new(&vector(&[0.0, 1.0]), &vector(&[1.0, 2.0])).unwrap();
    let exp = TransformedDistribution::new(base(), vec![Box::new(ExpTransform)]).unwrap();
    let tanh = TransformedDistribution::new(base(), vec![Box::new(TanhTransform)]).unwrap();
    let scaled = |s: f64| {
        let affine = AffineTransform::from_values(0.0, s).unwrap();
        TransformedDistribution::new(base(), vec![Box::new(affine)]).unwrap()
    };
    assert!(matches!(
        kl_divergence(&exp, &tanh),
        Err(Error::KlUnsupported { .. })
    ));
    assert!(matches!(
        kl_divergence(&scaled(2.0), &scaled(3.0)),
        Err(Error::KlUnsupported { .. })
    ));
    assert!(kl_divergence(&scaled(2.0), &scaled(2.0)).is_ok());
    let longer =
        TransformedDistribution::new(base(), vec![Box::new(ExpTransform), Box::new(ExpTransform)])
            .unwrap();
    assert!(matches!(
        kl_divergence(&exp, &longer),
        Err(Error::KlUnsupported { .. })
    ));
}

/// `∂E[Y]/∂θ` through `rsample`, averaged over 40 seeded batches of 10 000
/// draws, against the derivative of the closed-form mean: LogNormal
/// `∂μ e^{μ+σ²/2} = E[Y]`, `∂σ = σ E[Y]`; HalfNormal `∂σ σ√(2/π) = √(2/π)`.
#[test]
fn rsample_gradients_match_closed_forms() {
    tch::manual_seed(37);
    let loc = vector(&[0.3, -0.2]).set_requires_grad(true);
    let scale = vector(&[0.5, 0.2]).set_requires_grad(true);
    let half_scale = vector(&[0.7, 3.0]).set_requires_grad(true);
    let params = [&loc, &scale, &half_scale];
    let mut per_batch: Vec<Vec<Tensor>> = (0..3).map(|_| Vec::new()).collect();
    for _ in 0..40 {
        let log_normal = LogNormal::new(&loc, &scale).unwrap();
        let half = HalfNormal::new(&half_scale).unwrap();
        let mean = |draws: Tensor| draws.mean_dim(0, false, None::<Kind>).sum(Kind::Double);
        let objective =
            mean(log_normal.rsample(&[10_000]).unwrap()) + mean(half.rsample(&[10_000]).unwrap());
        let grads = Tensor::run_backward(&[objective], &params, false, false);
        for (slot, grad) in per_batch.iter_mut().zip(grads) {
            slot.push(grad);
        }
    }
    let expected_mean = (&loc + scale.square() / 2.0).exp().detach();
    let expected = [
        expected_mean.shallow_clone(),
        &expected_mean * scale.detach(),
        half_scale.ones_like().detach() * (2.0 / PI).sqrt(),
    ];
    for (grads, exact) in per_batch.iter().zip(expected) {
        let (estimate, stderr) = mean_and_stderr(&Tensor::stack(grads, 0));
        assert_within_stderr(&estimate, &exact, &stderr, NUM_STDERR, 1e-12);
    }
}
