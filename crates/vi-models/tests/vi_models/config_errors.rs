//! Invalid settings and data are typed errors that name the setting.

use tch::{Device, Kind, Tensor, nn};
use vi_models::{
    BayesianLinearRegression, BayesianLinearRegressionConfig, ConjugatePosterior, Error,
    ExponentialPosterior, ExponentialPosteriorConfig, ExponentialVariational,
    ExponentialVariationalConfig, LinearRegression, LinearRegressionConfig, Linspace,
};

fn assert_invalid_config(result: Result<impl std::fmt::Debug, Error>, setting: &str) {
    match result {
        Err(Error::InvalidConfig { name, .. }) => assert_eq!(name, setting),
        other => panic!("expected InvalidConfig for `{setting}`, found {other:?}"),
    }
}

#[test]
fn linear_models_refuse_bad_settings() {
    let vs = nn::VarStore::new(Device::Cpu);
    let root = vs.root();
    assert_invalid_config(
        LinearRegression::new(
            &root,
            LinearRegressionConfig {
                epochs: 0,
                ..Default::default()
            },
        ),
        "epochs",
    );
    assert_invalid_config(
        LinearRegression::new(
            &root,
            LinearRegressionConfig {
                learning_rate: -0.01,
                ..Default::default()
            },
        ),
        "learning_rate",
    );
    let bad_bayesian = [
        (
            BayesianLinearRegressionConfig {
                epochs: -3,
                ..Default::default()
            },
            "epochs",
        ),
        (
            BayesianLinearRegressionConfig {
                learning_rate: 0.0,
                ..Default::default()
            },
            "learning_rate",
        ),
        (
            BayesianLinearRegressionConfig {
                num_samples: 0,
                ..Default::default()
            },
            "num_samples",
        ),
        (
            BayesianLinearRegressionConfig {
                noise_std: f64::NAN,
                ..Default::default()
            },
            "noise_std",
        ),
        (
            BayesianLinearRegressionConfig {
                in_features: 0,
                ..Default::default()
            },
            "in_features",
        ),
    ];
    for (config, setting) in bad_bayesian {
        assert_invalid_config(BayesianLinearRegression::new(&root, config), setting);
    }
    assert_invalid_config(
        ConjugatePosterior::new(
            &Tensor::ones([3, 1], (Kind::Float, Device::Cpu)),
            &Tensor::ones([3, 1], (Kind::Float, Device::Cpu)),
            0.0,
        ),
        "noise_std",
    );

    let model = BayesianLinearRegression::new(&root, BayesianLinearRegressionConfig::default())
        .expect("valid");
    let x = Tensor::ones([4, 1], (Kind::Float, Device::Cpu));
    assert_invalid_config(model.predictive(&x, 1), "num_samples");
    assert_invalid_config(model.fit_with(&x, &x, 0, 1e-3), "epochs");
}

#[test]
fn linear_models_refuse_mismatched_data() {
    let vs = nn::VarStore::new(Device::Cpu);
    let model =
        LinearRegression::new(&vs.root(), LinearRegressionConfig::default()).expect("valid");
    let x = Tensor::ones([4, 1], (Kind::Float, Device::Cpu));
    let error = model
        .fit(&x, &Tensor::ones([5, 1], (Kind::Float, Device::Cpu)))
        .expect_err("lengths differ");
    assert!(
        matches!(error, Error::InvalidData { name: "y", .. }),
        "{error}"
    );
    assert!(error.to_string().contains("[4, 1]"), "{error}");
    let error = model
        .fit(&Tensor::ones([4], (Kind::Float, Device::Cpu)), &x)
        .expect_err("1-D x");
    assert!(
        matches!(error, Error::InvalidData { name: "x", .. }),
        "{error}"
    );
    let error = model
        .fit(&x, &x.to_kind(Kind::Double))
        .expect_err("dtypes differ");
    assert!(
        matches!(error, Error::InvalidData { name: "y", .. }),
        "{error}"
    );
}

#[test]
fn exponential_models_refuse_bad_settings() {
    let x = Tensor::from_slice(&[1.0f32, 2.0]);
    let bad = [
        (
            ExponentialPosteriorConfig {
                prior_rate: 0.0,
                ..Default::default()
            },
            "prior_rate",
        ),
        (
            ExponentialPosteriorConfig {
                noise_std: -1.0,
                ..Default::default()
            },
            "noise_std",
        ),
        (
            ExponentialPosteriorConfig {
                grid: Linspace::new(0.0, 15.0, 1),
                ..Default::default()
            },
            "grid",
        ),
        (
            ExponentialPosteriorConfig {
                grid: Linspace::new(5.0, 5.0, 100),
                ..Default::default()
            },
            "grid",
        ),
        (
            ExponentialPosteriorConfig {
                thetas: Linspace::new(0.5, 2.0, 0),
                ..Default::default()
            },
            "thetas",
        ),
        (
            ExponentialPosteriorConfig {
                thetas: Linspace::new(-1.0, 2.0, 10),
                ..Default::default()
            },
            "thetas.start",
        ),
    ];
    for (config, setting) in bad {
        assert_invalid_config(ExponentialPosterior::new(&x, config), setting);
    }
    let error = ExponentialPosterior::new(
        &Tensor::from_slice(&[f32::NAN]),
        ExponentialPosteriorConfig::default(),
    )
    .expect_err("NaN observation");
    assert!(
        matches!(
            error,
            Error::InvalidData {
                name: "observations",
                ..
            }
        ),
        "{error}"
    );

    let vs = nn::VarStore::new(Device::Cpu);
    let bad = [
        (
            ExponentialVariationalConfig {
                num_samples: 0,
                ..Default::default()
            },
            "num_samples",
        ),
        (
            ExponentialVariationalConfig {
                learning_rate: 0.0,
                ..Default::default()
            },
            "learning_rate",
        ),
        (
            ExponentialVariationalConfig {
                steps: 0,
                ..Default::default()
            },
            "steps",
        ),
        (
            ExponentialVariationalConfig {
                initial_theta: -1.0,
                ..Default::default()
            },
            "initial_theta",
        ),
    ];
    for (config, setting) in bad {
        assert_invalid_config(ExponentialVariational::new(&vs.root(), config), setting);
    }
    let posterior =
        ExponentialPosterior::new(&x, ExponentialPosteriorConfig::default()).expect("valid");
    assert_invalid_config(posterior.elbo(0.0), "theta");
}

/// A learning rate so large that θ overshoots zero is reported, not a NaN.
#[test]
fn diverging_sgd_is_an_error() {
    let x = Tensor::from_slice(&[3.0f32, 2.0, 4.0]);
    let posterior =
        ExponentialPosterior::new(&x, ExponentialPosteriorConfig::default()).expect("valid");
    let vs = nn::VarStore::new(Device::Cpu);
    let model = ExponentialVariational::new(
        &vs.root(),
        ExponentialVariationalConfig {
            learning_rate: 10.0,
            ..Default::default()
        },
    )
    .expect("valid");
    let error = model.fit(&posterior).expect_err("θ leaves (0, ∞)");
    assert!(matches!(error, Error::Core(_)), "{error}");
    assert!(error.to_string().contains("rate"), "{error}");
}
