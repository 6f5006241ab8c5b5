//! The relaxed (Concrete / Gumbel-softmax) families beyond golden values:
//! normalisation by quadrature, the exact property `P(argmax) = p` of
//! Gumbel-max draws by Monte Carlo, rsample gradients by finite
//! differences, shapes, and parameter errors.

use tch::{Kind, Tensor};
use vi_core::{Distribution, Error, Expand, RelaxedBernoulli, RelaxedOneHotCategorical, Rsample};

use crate::common::{
    assert_close, assert_within_stderr, f64s, grid, item, mean_and_stderr, simpson, values,
};

/// The binary Concrete density integrates to 1 over `(0, 1)`, and so does
/// the two-category one over the 1-simplex `(y, 1 − y)` (Simpson's rule;
/// temperatures ≥ 1, where the densities are bounded).
#[test]
fn relaxed_densities_integrate_to_one() {
    let (points, dx) = grid(1e-7, 1.0 - 1e-7, 20_001);
    let binary = RelaxedBernoulli::from_logits(
        &f64s(&[1.0, 1.5, 3.0], &[3]),
        &f64s(&[-1.0, 0.5, 2.0], &[3]),
    )
    .unwrap();
    let density = binary.log_prob(&points.unsqueeze(-1)).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0, 1.0], 1e-4, 0.0);
    let pair = Tensor::stack(&[&points, &(1.0 - &points)], -1).unsqueeze(1);
    let categorical = RelaxedOneHotCategorical::from_probs(
        &f64s(&[1.0, 2.0], &[2]),
        &f64s(&[0.3, 0.7, 0.8, 0.2], &[2, 2]),
    )
    .unwrap();
    let density = categorical.log_prob(&pair).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0], 1e-4, 0.0);
}

/// Whatever the temperature, `P(Y > ½) = p` for the relaxed Bernoulli and
/// `P(argmax Y = k) = p_k` for the relaxed categorical (the Gumbel-max
/// trick; Maddison et al. 2017, prop. 1): the fraction of 200 000 draws
/// lies within 4 standard errors.
#[test]
fn draws_keep_the_discrete_probabilities() {
    let p = f64s(&[0.1, 0.5, 0.85], &[3]);
    let binary = RelaxedBernoulli::from_probs(&f64s(&[0.2, 1.0, 5.0], &[3]), &p).unwrap();
    tch::manual_seed(24);
    let ones = binary
        .sample(&[200_000])
        .unwrap()
        .gt(0.5)
        .to_kind(Kind::Double);
    let (fraction, stderr) = mean_and_stderr(&ones);
    assert_within_stderr(&fraction, &p, &stderr, 4.0, 0.0);
    let probs = f64s(&[0.1, 0.2, 0.7], &[3]);
    let categorical = RelaxedOneHotCategorical::from_probs(&f64s(&[0.7], &[]), &probs).unwrap();
    tch::manual_seed(25);
    let draws = categorical.sample(&[200_000]).unwrap();
    let winners = draws.argmax(-1, false).one_hot(3).to_kind(Kind::Double);
    let (fraction, stderr) = mean_and_stderr(&winners);
    assert_within_stderr(&fraction, &probs, &stderr, 4.0, 0.0);
}

/// `∂y/∂θ` of `rsample` (autograd, per draw) equals the central difference
/// of two draws with the same seed, for the logits and the temperature.
#[test]
fn rsample_gradients_match_finite_differences() {
    type Draw = fn(&Tensor, &Tensor) -> Tensor;
    fn binary(logit: &Tensor, temperature: &Tensor) -> Tensor {
        let dist = RelaxedBernoulli::from_logits(temperature, logit).unwrap();
        tch::manual_seed(26);
        dist.rsample(&[5]).unwrap()
    }
    fn categorical(logit: &Tensor, temperature: &Tensor) -> Tensor {
        let others = f64s(&[0.3, -1.0], &[2]);
        let logits = Tensor::cat(&[logit.reshape([1]), others], 0);
        let dist = RelaxedOneHotCategorical::from_logits(temperature, &logits).unwrap();
        tch::manual_seed(27);
        dist.rsample(&[5]).unwrap().select(-1, 0)
    }
    let h = 1e-6;
    for draw in [binary as Draw, categorical as Draw] {
        let plain =
            |logit: f64, temperature: f64| draw(&Tensor::from(logit), &Tensor::from(temperature));
        let (logit, temperature) = (0.4, 0.8);
        let params = [
            Tensor::from(logit).set_requires_grad(true),
            Tensor::from(temperature).set_requires_grad(true),
        ];
        let y = draw(&params[0], &params[1]);
        let numeric = [
            (plain(logit + h, temperature) - plain(logit - h, temperature)) / (2.0 * h),
            (plain(logit, temperature + h) - plain(logit, temperature - h)) / (2.0 * h),
        ];
        for (param, numeric) in params.iter().zip(numeric) {
            let autograd: Vec<f64> = (0..5)
                .map(|i| item(&Tensor::run_backward(&[y.get(i)], &[param], true, false)[0]))
                .collect();
            assert_close(&numeric, &autograd, 1e-7, 1e-6);
        }
    }
}

#[test]
fn what_torch_does_not_define_is_not_implemented() {
    let dist = RelaxedBernoulli::from_probs(&Tensor::from(0.5), &Tensor::from(0.3)).unwrap();
    assert!(matches!(dist.mean(), Err(Error::NotImplemented { .. })));
    assert!(matches!(dist.entropy(), Err(Error::NotImplemented { .. })));
    assert!(matches!(
        dist.cdf(&Tensor::from(0.5)),
        Err(Error::NotImplemented { .. })
    ));
    let dist =
        RelaxedOneHotCategorical::from_probs(&Tensor::from(0.5), &f64s(&[0.5, 0.5], &[2])).unwrap();
    assert!(matches!(dist.variance(), Err(Error::NotImplemented { .. })));
    // Outside [0, 1] the relaxed Bernoulli has no mass.
    let outside =
        RelaxedBernoulli::from_probs(&Tensor::from(0.5), &f64s(&[0.3, 0.3], &[2])).unwrap();
    assert_eq!(
        values(&outside.log_prob(&f64s(&[-0.1, 1.1], &[2])).unwrap()),
        [f64::NEG_INFINITY; 2]
    );
}

#[test]
fn shapes_and_expand() {
    let dist = RelaxedOneHotCategorical::from_logits(
        &f64s(&[0.5, 2.0], &[2]),
        &Tensor::zeros([2, 5], (Kind::Double, tch::Device::Cpu)),
    )
    .unwrap();
    let wide = dist.expand(&[3, 2]).unwrap();
    assert_eq!(wide.rsample(&[4]).unwrap().size(), [4, 3, 2, 5]);
    assert_eq!(
        wide.log_prob(&wide.sample(&[]).unwrap()).unwrap().size(),
        [3, 2]
    );
    let binary =
        RelaxedBernoulli::from_probs(&Tensor::from(0.5), &f64s(&[0.1, 0.9], &[2])).unwrap();
    assert_eq!(
        binary.expand(&[3, 2]).unwrap().sample(&[1]).unwrap().size(),
        [1, 3, 2]
    );
    assert!(matches!(
        binary.expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn bad_parameters_are_errors() {
    let probs = f64s(&[0.2, 0.8], &[2]);
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(-1.0), &probs),
        Err(Error::InvalidParameter {
            parameter: "temperature",
            ..
        })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&f64s(&[1.0; 3], &[3]), &probs),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(1.0), &f64s(&[1.5], &[1])),
        Err(Error::InvalidParameter {
            parameter: "probs",
            ..
        })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(1.0f32), &probs),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &f64s(&[0.5, -0.1], &[2])),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &f64s(&[0.0, 0.0], &[2])),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(&Tensor::from(1.0), &Tensor::from(0.5)),
        Err(Error::ShapeMismatch { .. })
    ));
    let empty = Tensor::zeros([3, 0], (Kind::Double, tch::Device::Cpu));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(&Tensor::from(1.0), &empty),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(
            &Tensor::from(1.0),
            &f64s(&[f64::INFINITY, 0.0], &[2])
        ),
        Err(Error::InvalidParameter {
            parameter: "logits",
            ..
        })
    ));
    let dist = RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &probs).unwrap();
    assert!(matches!(
        dist.log_prob(&f64s(&[0.3, 0.3, 0.4], &[3])),
        Err(Error::ValueShape { .. })
    ));
}
