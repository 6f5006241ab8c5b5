//! The methods beyond density and sampling — `mode`, `cdf`, `icdf`,
//! `enumerate_support`, `expand` — against torch.distributions 2.13, and
//! the regressions of shapes and extreme parameters.

use tch::{Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Error, Expand, Exponential, Independent, MultivariateNormal, Normal,
    Rsample, monte_carlo_elbo,
};

use crate::common::{assert_close, f32s, f64s, scalar, values};

/// ```python
/// n = Normal(torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64), torch.tensor([1.0, 0.5, 3.0], dtype=torch.float64))
/// n.cdf(torch.tensor([0.3, 1.2, -7.0], dtype=torch.float64))
/// # [0.6179114221889526, 0.6554217416103241, 0.04779035227281475]
/// n.icdf(torch.tensor([0.025, 0.5, 0.9], dtype=torch.float64))
/// # [-1.959963984540054, 1.0, 1.8446546966338024]
/// ```
#[test]
fn normal_cdf_icdf_mode_match_pytorch() {
    let normal = Normal::new(
        &f64s(&[0.0, 1.0, -2.0], &[3]),
        &f64s(&[1.0, 0.5, 3.0], &[3]),
    )
    .unwrap();
    let cdf = normal.cdf(&f64s(&[0.3, 1.2, -7.0], &[3])).unwrap();
    assert_close(
        &cdf,
        &[0.6179114221889526, 0.6554217416103241, 0.04779035227281475],
        1e-15,
        1e-14,
    );
    let icdf = normal.icdf(&f64s(&[0.025, 0.5, 0.9], &[3])).unwrap();
    assert_close(
        &icdf,
        &[-1.959963984540054, 1.0, 1.8446546966338024],
        1e-14,
        1e-14,
    );
    assert_close(&normal.mode().unwrap(), &[0.0, 1.0, -2.0], 0.0, 0.0);
    // icdf inverts cdf.
    let x = f64s(&[-3.0, 0.1, 2.5], &[3]);
    assert_close(
        &normal.icdf(&normal.cdf(&x).unwrap()).unwrap(),
        &values(&x),
        1e-12,
        1e-12,
    );
}

/// ```python
/// e = Exponential(torch.tensor([0.5, 2.0, 3.0], dtype=torch.float64))
/// e.cdf(torch.tensor([1.0, 0.3, 2.0], dtype=torch.float64))   # [0.3934693402873666, 0.4511883639059735, 0.9975212478233336]
/// e.icdf(torch.tensor([0.1, 0.5, 0.99], dtype=torch.float64)) # [0.21072103131565262, 0.34657359027997264, 1.535056728662697]
/// ```
#[test]
fn exponential_cdf_icdf_mode_match_pytorch() {
    let exponential = Exponential::new(&f64s(&[0.5, 2.0, 3.0], &[3])).unwrap();
    let cdf = exponential.cdf(&f64s(&[1.0, 0.3, 2.0], &[3])).unwrap();
    assert_close(
        &cdf,
        &[0.3934693402873666, 0.4511883639059735, 0.9975212478233336],
        1e-15,
        1e-14,
    );
    let icdf = exponential.icdf(&f64s(&[0.1, 0.5, 0.99], &[3])).unwrap();
    assert_close(
        &icdf,
        &[0.21072103131565262, 0.34657359027997264, 1.535056728662697],
        1e-15,
        1e-14,
    );
    assert_close(&exponential.mode().unwrap(), &[0.0, 0.0, 0.0], 0.0, 0.0);
    // Below the support the cdf is 0 (torch raises when validating).
    assert_close(
        &exponential.cdf(&f64s(&[-1.0, -1.0, -1.0], &[3])).unwrap(),
        &[0.0; 3],
        0.0,
        0.0,
    );
}

/// `Exponential(torch.tensor([1e-30, 1e30, 2.0])).stddev` in float32:
/// `[1.0000000150474662e+30, 1.0000000031710769e-30, 0.5]` (torch's
/// `1 / rate`); the variance overflows to `[inf, 0.0, 0.25]` in both.
#[test]
fn exponential_stddev_does_not_overflow_in_float32() {
    let exponential = Exponential::new(&f32s(&[1e-30, 1e30, 2.0], &[3])).unwrap();
    assert_close(
        &exponential.stddev().unwrap(),
        &[1.0000000150474662e30, 1.0000000031710769e-30, 0.5],
        0.0,
        1e-7,
    );
    let variance = values(&exponential.variance().unwrap());
    assert!(variance[0].is_infinite() && variance[1] == 0.0);
}

/// ```python
/// b = Bernoulli(probs=torch.tensor([0.2, 0.5, 0.9]))
/// b.mode                                   # [0.0, nan, 1.0]
/// b.enumerate_support().shape              # [2, 3]
/// b.enumerate_support(expand=False).shape  # [2, 1]
/// ```
#[test]
fn bernoulli_mode_and_support_match_pytorch() {
    let bernoulli = Bernoulli::from_probs(&f32s(&[0.2, 0.5, 0.9], &[3])).unwrap();
    let mode = values(&bernoulli.mode().unwrap());
    assert_eq!(mode[0], 0.0);
    assert!(mode[1].is_nan());
    assert_eq!(mode[2], 1.0);
    let support = bernoulli.enumerate_support(true).unwrap();
    assert_eq!(support.size(), [2, 3]);
    assert_close(&support, &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0], 0.0, 0.0);
    assert_eq!(bernoulli.enumerate_support(false).unwrap().size(), [2, 1]);
    // Summing the mass over the enumerated support gives one.
    let mass = bernoulli
        .log_prob(&support)
        .unwrap()
        .exp()
        .sum_dim_intlist(0, false, None::<Kind>);
    assert_close(&mass, &[1.0, 1.0, 1.0], 1e-6, 0.0);
}

#[test]
fn methods_a_family_lacks_are_typed_errors() {
    let mvn = MultivariateNormal::new(
        &f64s(&[0.0, 0.0], &[2]),
        &Tensor::eye(2, (Kind::Double, tch::Device::Cpu)),
    )
    .unwrap();
    assert!(matches!(
        mvn.cdf(&f64s(&[0.0, 0.0], &[2])),
        Err(Error::NotImplemented { method: "cdf", .. })
    ));
    assert!(matches!(
        mvn.enumerate_support(true),
        Err(Error::NotImplemented { .. })
    ));
    let normal = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    assert!(matches!(
        normal.enumerate_support(true),
        Err(Error::NotImplemented { .. })
    ));
    let pixels =
        Independent::new(Bernoulli::from_logits(&f64s(&[0.0; 4], &[4])).unwrap(), 1).unwrap();
    assert!(matches!(
        pixels.enumerate_support(true),
        Err(Error::NotImplemented { .. })
    ));
}

#[test]
fn expand_broadcasts_the_batch_and_keeps_the_values() {
    let normal = Normal::new(&f64s(&[0.0, 1.0, 2.0], &[3]), &scalar(2.0)).unwrap();
    let expanded = normal.expand(&[4, 3]).unwrap();
    assert_eq!(expanded.batch_shape(), [4, 3]);
    let x = f64s(&[0.5, 1.5, 2.5], &[3]);
    assert_close(
        &expanded.log_prob(&x).unwrap().select(0, 2),
        &values(&normal.log_prob(&x).unwrap()),
        0.0,
        0.0,
    );
    assert_eq!(expanded.rsample(&[5]).unwrap().size(), [5, 4, 3]);
    assert!(matches!(
        normal.expand(&[2]),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        normal.expand(&[3, 1]),
        Err(Error::ShapeMismatch { .. })
    ));

    let exponential = Exponential::new(&scalar(2.0))
        .unwrap()
        .expand(&[2, 2])
        .unwrap();
    assert_eq!(exponential.batch_shape(), [2, 2]);
    let bernoulli = Bernoulli::from_logits(&f64s(&[0.0, 1.0], &[2]))
        .unwrap()
        .expand(&[3, 2])
        .unwrap();
    assert_eq!(bernoulli.batch_shape(), [3, 2]);

    let diagonal = Independent::new(
        Normal::new(&f64s(&[0.0, 1.0], &[2]), &scalar(1.0)).unwrap(),
        1,
    )
    .unwrap();
    let batch = diagonal.expand(&[5]).unwrap();
    assert_eq!(
        (batch.batch_shape(), batch.event_shape()),
        (&[5][..], &[2][..])
    );
    assert_eq!(batch.base().batch_shape(), [5, 2]);

    let mvn = MultivariateNormal::new(
        &f64s(&[0.0, 0.0], &[2]),
        &Tensor::eye(2, (Kind::Double, tch::Device::Cpu)),
    )
    .unwrap();
    let mvns = mvn.expand(&[3]).unwrap();
    assert_eq!(mvns.batch_shape(), [3]);
    assert_eq!(mvns.log_prob(&f64s(&[0.0, 0.0], &[2])).unwrap().size(), [3]);
}

/// A batch with size-1 dimensions broadcasts against the value, as torch's
/// `_batch_mahalanobis` does:
/// ```python
/// loc = torch.tensor([[0.5, -1.0, 2.0]], dtype=torch.float64)
/// L = torch.tensor([[[1.0, 0, 0], [0.5, 2.0, 0], [-0.3, 0.2, 0.7]]], dtype=torch.float64)
/// v = torch.tensor([[0., 0, 0], [1, 1, 1], [-1, 2, 0.5], [0.3, -0.7, 1.9]], dtype=torch.float64)
/// MultivariateNormal(loc, scale_tril=L).log_prob(v)       # batch [1] -> shape [4]
/// # [-8.69485033623523, -4.673166662765843, -11.49204421378625, -3.1741041627658433]
/// L2 = torch.stack([L[0], torch.eye(3, dtype=torch.float64) * 1.5]).unsqueeze(1)  # [2, 1, 3, 3]
/// MultivariateNormal(torch.zeros(3, dtype=torch.float64), scale_tril=L2).log_prob(v.unsqueeze(1).unsqueeze(1))
/// # shape [4, 2, 1]: [-3.093287836235231, -3.9732109239385114, -5.218925591337272, -4.6398775906051775,
/// #                  -4.377088856643394, -5.1398775906051775, -7.622095234194416, -4.904322035049622]
/// ```
#[test]
fn multivariate_normal_log_prob_broadcasts_size_one_batches() {
    let tril = [1.0, 0.0, 0.0, 0.5, 2.0, 0.0, -0.3, 0.2, 0.7];
    let mvn = MultivariateNormal::new(&f64s(&[0.5, -1.0, 2.0], &[1, 3]), &f64s(&tril, &[1, 3, 3]))
        .unwrap();
    let value = f64s(
        &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, -1.0, 2.0, 0.5, 0.3, -0.7, 1.9],
        &[4, 3],
    );
    let log_prob = mvn.log_prob(&value).unwrap();
    assert_eq!(log_prob.size(), [4]);
    assert_close(
        &log_prob,
        &[
            -8.69485033623523,
            -4.673166662765843,
            -11.49204421378625,
            -3.1741041627658433,
        ],
        1e-12,
        1e-12,
    );

    let eye = [1.5, 0.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 1.5];
    let two = f64s(&[tril, eye].concat(), &[2, 1, 3, 3]);
    let mvn = MultivariateNormal::new(&f64s(&[0.0; 3], &[3]), &two).unwrap();
    let log_prob = mvn.log_prob(&value.reshape([4, 1, 1, 3])).unwrap();
    assert_eq!(log_prob.size(), [4, 2, 1]);
    let expected = [
        -3.093287836235231,
        -3.9732109239385114,
        -5.218925591337272,
        -4.6398775906051775,
        -4.377088856643394,
        -5.1398775906051775,
        -7.622095234194416,
        -4.904322035049622,
    ];
    assert_close(&log_prob, &expected, 1e-12, 1e-12);
}

/// The ELBO with a `MultivariateNormal(zeros([1, d]), I)` prior against a
/// batch of posteriors: the shape the estimators promise, and the value of
/// the same ELBO with the equivalent diagonal prior.
#[test]
fn elbo_accepts_a_size_one_batch_multivariate_prior() {
    let d = 3;
    let options = (Kind::Double, tch::Device::Cpu);
    let prior =
        MultivariateNormal::new(&Tensor::zeros([1, d], options), &Tensor::eye(d, options)).unwrap();
    let diagonal_prior = Independent::new(
        Normal::standard_like(&Tensor::zeros([d], options)).unwrap(),
        1,
    )
    .unwrap();
    let posterior = Independent::new(
        Normal::new(
            &Tensor::randn([5, d], options),
            &Tensor::ones([5, d], options),
        )
        .unwrap(),
        1,
    )
    .unwrap();
    let likelihood = |z: &Tensor| Ok(z.sum_dim_intlist(-1, false, None::<Kind>));
    tch::manual_seed(3);
    let elbo = monte_carlo_elbo(&posterior, &prior, 4, likelihood).unwrap();
    assert_eq!(elbo.size(), [5]);
    tch::manual_seed(3);
    let diagonal = monte_carlo_elbo(&posterior, &diagonal_prior, 4, likelihood).unwrap();
    assert_close(&elbo, &values(&diagonal), 1e-12, 1e-12);
}

/// ```python
/// P = torch.tensor([[2.0, 0.3, -0.1], [0.3, 1.5, 0.2], [-0.1, 0.2, 0.8]], dtype=torch.float64)
/// m = MultivariateNormal(torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64), precision_matrix=P)
/// m.scale_tril.flatten()   # [0.7226944430337731, 0, 0, -0.16198323723170774, 0.8304547985373997, 0,
///                          #  0.13083261468714857, -0.20761369963434997, 1.118033988749895]
/// m.log_prob(torch.tensor([0.5, 0.5, -0.5], dtype=torch.float64))   # -3.1453368271578728
/// ```
#[test]
fn multivariate_normal_from_a_precision_matrix_matches_pytorch() {
    let precision = f64s(&[2.0, 0.3, -0.1, 0.3, 1.5, 0.2, -0.1, 0.2, 0.8], &[3, 3]);
    let mvn = MultivariateNormal::from_precision_matrix(&f64s(&[0.1, -0.2, 0.3], &[3]), &precision)
        .unwrap();
    let expected = [
        0.7226944430337731,
        0.0,
        0.0,
        -0.16198323723170774,
        0.8304547985373997,
        0.0,
        0.13083261468714857,
        -0.20761369963434997,
        1.118033988749895,
    ];
    assert_close(mvn.scale_tril(), &expected, 1e-14, 1e-14);
    let log_prob = mvn.log_prob(&f64s(&[0.5, 0.5, -0.5], &[3])).unwrap();
    assert_close(&log_prob, &[-3.1453368271578728], 1e-13, 1e-13);
    // The precision matrix is recovered from the factor.
    assert_close(&mvn.precision_matrix(), &values(&precision), 1e-13, 1e-13);
    let singular = f64s(&[1.0, 1.0, 1.0, 1.0], &[2, 2]);
    assert!(matches!(
        MultivariateNormal::from_precision_matrix(&f64s(&[0.0, 0.0], &[2]), &singular),
        Err(Error::InvalidParameter {
            parameter: "precision_matrix",
            ..
        })
    ));
}
