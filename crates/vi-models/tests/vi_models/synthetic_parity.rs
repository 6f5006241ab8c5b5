//! vi-data's synthetic generators draw exactly PyTorch's numbers for a seed
//! (float32 bit patterns compared through `f32`).

use tch::{Kind, Tensor};
use vi_data::{
    ExponentialNormalConfig, LinearDataConfig, SyntheticError, exponential_normal_data, linear_data,
};

use super::common::values;

fn floats(tensor: &Tensor) -> Vec<f32> {
    Vec::<f32>::try_from(tensor.reshape([-1])).expect("a float32 tensor")
}

/// `reference/tutorial1.py`:
/// ```python
/// torch.manual_seed(0)
/// x = torch.randn(100, 1)
/// y = 2 * x + 1 + 0.5 * torch.randn(100, 1)
/// # x0 -1.1258398294448853 y0 -0.7704205513000488 x99 0.23291829228401184 y99 1.1516211032867432
/// ```
#[test]
fn linear_data_matches_pytorch() {
    let data = linear_data(&LinearDataConfig::default()).expect("valid config");
    assert_eq!(data.x.size(), [100, 1]);
    assert_eq!(data.y.size(), [100, 1]);
    assert_eq!(data.x.kind(), Kind::Float);
    let (x, y) = (floats(&data.x), floats(&data.y));
    assert_eq!(x[0], -1.125_839_8_f32);
    assert_eq!(y[0], -0.770_420_55_f32);
    assert_eq!(x[99], 0.232_918_29_f32);
    assert_eq!(y[99], 1.151_621_1_f32);
}

/// The same seed gives the same data; another seed different data; and
/// the generator is left where the draws end: the next draw is PyTorch's
/// `nn.Linear(1, 1)` weight init, `uniform_(-1, 1)` ->
/// `0.12483882904052734` (`reference/tutorial1.py`, "init w").
#[test]
fn linear_data_is_seeded_and_leaves_the_generator_after_its_draws() {
    let first = linear_data(&LinearDataConfig::default()).expect("valid");
    let next = Tensor::zeros([1], (Kind::Float, tch::Device::Cpu))
        .uniform_(-0.999_999_999_999_999_9, 0.999_999_999_999_999_9);
    assert_eq!(floats(&next), [0.124_838_83_f32]);
    let again = linear_data(&LinearDataConfig::default()).expect("valid");
    assert_eq!(floats(&first.y), floats(&again.y));
    let other = linear_data(&LinearDataConfig {
        seed: 1,
        ..LinearDataConfig::default()
    })
    .expect("valid");
    assert_ne!(floats(&first.x), floats(&other.x));
}

/// Slope, intercept and noise are parameters: without noise the points lie
/// on the line.
#[test]
fn linear_data_follows_its_parameters() {
    let data = linear_data(&LinearDataConfig {
        num_samples: 7,
        slope: -3.0,
        intercept: 0.25,
        noise_std: 0.0,
        seed: 5,
    })
    .expect("valid");
    assert_eq!(data.x.size(), [7, 1]);
    for (x, y) in values(&data.x).into_iter().zip(values(&data.y)) {
        assert!(
            (y - (-3.0 * x + 0.25)).abs() < 1e-6,
            "({x}, {y}) is off the line"
        );
    }
}

/// `reference/tutorial2.py`:
/// ```python
/// prior_dist = torch.distributions.Exponential(1.0)
/// torch.manual_seed(0)
/// sampled_z = prior_dist.sample()
/// sampled_x = torch.distributions.Normal(sampled_z, 1.0).sample((5,))
/// # z 3.508326292037964 x [3.2178170680999756, 2.437955856323242, 4.772785186767578,
/// #                        2.8208999633789062, 3.6687076091766357]
/// ```
#[test]
fn exponential_normal_data_matches_pytorch() {
    let data = exponential_normal_data(&ExponentialNormalConfig::default()).expect("valid");
    assert_eq!(data.z.size(), Vec::<i64>::new());
    assert_eq!(floats(&data.z), [3.508_326_3_f32]);
    assert_eq!(
        floats(&data.x),
        [3.217_817_f32, 2.437_955_9, 4.772_785, 2.820_9, 3.668_707_6]
    );
}

#[test]
fn generators_refuse_bad_settings() {
    let bad_linear = [
        LinearDataConfig {
            num_samples: 0,
            ..LinearDataConfig::default()
        },
        LinearDataConfig {
            noise_std: -0.5,
            ..LinearDataConfig::default()
        },
        LinearDataConfig {
            slope: f64::NAN,
            ..LinearDataConfig::default()
        },
    ];
    for config in bad_linear {
        let error = linear_data(&config).expect_err("invalid config");
        assert!(
            matches!(error, SyntheticError::InvalidConfig { .. }),
            "{error}"
        );
    }
    let error = exponential_normal_data(&ExponentialNormalConfig {
        prior_rate: 0.0,
        ..ExponentialNormalConfig::default()
    })
    .expect_err("invalid rate");
    assert_eq!(
        error.to_string(),
        "exponential_normal_data: `prior_rate` must be a finite number > 0, found 0"
    );
    let error = exponential_normal_data(&ExponentialNormalConfig {
        num_observations: -1,
        ..ExponentialNormalConfig::default()
    })
    .expect_err("invalid count");
    assert!(error.to_string().contains("num_observations"), "{error}");
}
