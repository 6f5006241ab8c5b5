//! Invalid input gives a typed error at the boundary, never a NaN later.

use rstest::rstest;
use tch::{Device, Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Error, Exponential, Independent, MultivariateNormal, Normal,
    kl_divergence, monte_carlo_elbo, monte_carlo_kl,
};

use crate::common::{f32s, f64s, scalar};

fn f32_scalar(value: f32) -> Tensor {
    Tensor::from(value)
}

#[rstest]
#[case(-1.0)]
#[case(0.0)]
#[case(f64::NAN)]
#[case(f64::INFINITY)]
fn normal_rejects_bad_scale(#[case] scale: f64) {
    let err = Normal::new(&scalar(0.0), &f64s(&[1.0, scale], &[2])).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidParameter {
                family: "Normal",
                parameter: "scale",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn error_messages_name_family_parameter_and_value() {
    let err = Normal::new(&scalar(0.0), &scalar(-0.5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Normal: parameter `scale` must be positive and finite, found values in [-0.5, -0.5]"
    );
}

#[test]
fn normal_rejects_non_finite_log_forms_and_loc() {
    let nan = scalar(f64::NAN);
    assert!(matches!(
        Normal::from_log_var(&scalar(0.0), &nan),
        Err(Error::InvalidParameter {
            parameter: "log_var",
            ..
        })
    ));
    assert!(matches!(
        Normal::from_log_scale(&scalar(0.0), &scalar(f64::INFINITY)),
        Err(Error::InvalidParameter {
            parameter: "log_scale",
            ..
        })
    ));
    assert!(matches!(
        Normal::new(&nan, &scalar(1.0)),
        Err(Error::InvalidParameter {
            parameter: "loc",
            ..
        })
    ));
}

#[test]
fn normal_rejects_shapes_that_do_not_broadcast() {
    let err = Normal::new(&f64s(&[0.0; 3], &[3]), &f64s(&[1.0; 4], &[4])).unwrap_err();
    match err {
        Error::ShapeMismatch {
            left_shape,
            right_shape,
            ..
        } => {
            assert_eq!(left_shape, [3]);
            assert_eq!(right_shape, [4]);
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn normal_rejects_mixed_or_integer_dtypes() {
    assert!(matches!(
        Normal::new(&f32_scalar(0.0), &scalar(1.0)),
        Err(Error::Dtype { name: "scale", .. })
    ));
    assert!(matches!(
        Normal::new(&Tensor::from(0i64), &Tensor::from(1i64)),
        Err(Error::Dtype { name: "loc", .. })
    ));
}

#[rstest]
#[case(-0.1)]
#[case(0.0)]
#[case(f64::NAN)]
fn exponential_rejects_bad_rate(#[case] rate: f64) {
    assert!(matches!(
        Exponential::new(&scalar(rate)),
        Err(Error::InvalidParameter {
            family: "Exponential",
            parameter: "rate",
            ..
        })
    ));
}

#[rstest]
#[case(-0.01)]
#[case(1.01)]
#[case(f64::NAN)]
fn bernoulli_rejects_probs_outside_unit_interval(#[case] p: f64) {
    assert!(matches!(
        Bernoulli::from_probs(&f64s(&[0.5, p], &[2])),
        Err(Error::InvalidParameter {
            family: "Bernoulli",
            parameter: "probs",
            ..
        })
    ));
}

#[test]
fn bernoulli_accepts_probs_of_exactly_zero_and_one() {
    let bernoulli = Bernoulli::from_probs(&f64s(&[0.0, 1.0], &[2])).unwrap();
    let log_prob = bernoulli.log_prob(&f64s(&[0.0, 1.0], &[2])).unwrap();
    crate::common::assert_close(&log_prob, &[0.0, 0.0], 1e-12, 0.0);
}

#[test]
fn bernoulli_rejects_infinite_logits() {
    assert!(matches!(
        Bernoulli::from_logits(&scalar(f64::NEG_INFINITY)),
        Err(Error::InvalidParameter {
            parameter: "logits",
            ..
        })
    ));
}

#[test]
fn multivariate_normal_validates_scale_tril() {
    let loc = f64s(&[0.0, 0.0], &[2]);
    let upper = f64s(&[1.0, 0.5, 0.0, 1.0], &[2, 2]);
    assert!(matches!(
        MultivariateNormal::new(&loc, &upper),
        Err(Error::InvalidParameter {
            constraint: "lower triangular",
            ..
        })
    ));
    let negative_diagonal = f64s(&[1.0, 0.0, 0.5, -1.0], &[2, 2]);
    assert!(matches!(
        MultivariateNormal::new(&loc, &negative_diagonal),
        Err(Error::InvalidParameter {
            parameter: "scale_tril diagonal",
            ..
        })
    ));
    let wrong_size = f64s(&[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], &[3, 3]);
    assert!(matches!(
        MultivariateNormal::new(&loc, &wrong_size),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        MultivariateNormal::new(&scalar(0.0), &upper),
        Err(Error::ShapeMismatch { .. })
    ));
    let not_positive_definite = f64s(&[1.0, 2.0, 2.0, 1.0], &[2, 2]);
    assert!(matches!(
        MultivariateNormal::from_covariance_matrix(&loc, &not_positive_definite),
        Err(Error::InvalidParameter {
            parameter: "covariance_matrix",
            ..
        })
    ));
}

#[test]
fn independent_rejects_too_many_reinterpreted_dims() {
    let normal = Normal::new(&f64s(&[0.0; 3], &[3]), &scalar(1.0)).unwrap();
    assert!(matches!(
        Independent::new(normal, 2),
        Err(Error::InvalidArgument {
            name: "reinterpreted_batch_ndims",
            ..
        })
    ));
}

#[test]
fn log_prob_rejects_values_that_do_not_fit() {
    let normal = Normal::new(&f64s(&[0.0; 3], &[3]), &scalar(1.0)).unwrap();
    assert!(matches!(
        normal.log_prob(&f64s(&[0.0; 4], &[4])),
        Err(Error::ValueShape { .. })
    ));
    let mvn = MultivariateNormal::new(
        &f64s(&[0.0; 2], &[2]),
        &Tensor::eye(2, (Kind::Double, Device::Cpu)),
    )
    .unwrap();
    // The event dimension must match exactly, not merely broadcast.
    assert!(matches!(
        mvn.log_prob(&f64s(&[0.0], &[1])),
        Err(Error::ValueShape { .. })
    ));
    assert!(matches!(
        mvn.log_prob(&scalar(0.0)),
        Err(Error::ValueShape { .. })
    ));
}

#[test]
fn negative_sample_dimension_is_an_error() {
    let normal = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    assert!(matches!(
        normal.sample(&[-1]),
        Err(Error::InvalidArgument {
            name: "sample_shape",
            ..
        })
    ));
}

#[test]
fn kl_of_incompatible_pairs_names_both_families() {
    let base = || Normal::new(&f64s(&[0.0; 6], &[2, 3]), &scalar(1.0)).unwrap();
    let one = Independent::new(base(), 1).unwrap();
    let two = Independent::new(base(), 2).unwrap();
    let err = kl_divergence(&one, &two).unwrap_err();
    assert!(matches!(err, Error::KlUnsupported { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("KL divergence between Independent and Independent"),
        "{err}"
    );

    let eye = |n| Tensor::eye(n, (Kind::Double, Device::Cpu));
    let small = MultivariateNormal::new(&f64s(&[0.0; 2], &[2]), &eye(2)).unwrap();
    let large = MultivariateNormal::new(&f64s(&[0.0; 3], &[3]), &eye(3)).unwrap();
    let err = kl_divergence(&small, &large).unwrap_err();
    assert!(
        err.to_string()
            .contains("MultivariateNormal and MultivariateNormal"),
        "{err}"
    );

    let three = Normal::new(&f64s(&[0.0; 3], &[3]), &scalar(1.0)).unwrap();
    let four = Normal::new(&f64s(&[0.0; 4], &[4]), &scalar(1.0)).unwrap();
    assert!(matches!(
        kl_divergence(&three, &four),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn estimators_reject_zero_samples_and_wrong_likelihood_shapes() {
    let posterior = Normal::new(&f32s(&[0.0; 4], &[4]), &f32_scalar(1.0)).unwrap();
    let prior = Normal::new(&f32_scalar(0.0), &f32_scalar(1.0)).unwrap();
    assert!(matches!(
        monte_carlo_kl(&posterior, &prior, 0),
        Err(Error::InvalidArgument {
            name: "num_samples",
            ..
        })
    ));
    let err = monte_carlo_elbo(&posterior, &prior, 3, |z| Ok(z.sum(Kind::Float))).unwrap_err();
    match err {
        Error::LikelihoodShape {
            expected, found, ..
        } => {
            assert_eq!(expected, [3, 4]);
            assert_eq!(found, [] as [i64; 0]);
        }
        other => panic!("unexpected {other}"),
    }
}
