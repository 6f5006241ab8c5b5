//! The MLE baseline: PyTorch's `nn.Linear` initialisation and the 100-epoch
//! Adam fit of tutorial 1, number for number.

use tch::{Device, nn};
use vi_data::{LinearDataConfig, linear_data};
use vi_models::{LinearRegression, LinearRegressionConfig};

use super::common::{assert_close, scalar, values};

/// `reference/tutorial1.py` (seed 0, data first, then `nn.Linear(1, 1)`):
/// ```text
/// init w 0.12483882904052734 b 0.8956928253173828
/// mle w 1.0139563083648682 b 1.116539478302002 final loss 1.1243369579315186
/// ```
/// The initial values are the same draws (exact). After 100 Adam steps the
/// values agree to 1e-5: libtorch's C++ Adam computes the moment update as
/// `mul_` + `add_` where PyTorch's Python Adam uses `lerp_`, a float32
/// rounding difference of ~1e-7 per step.
#[test]
fn mle_matches_pytorch_after_100_epochs() {
    let data = linear_data(&LinearDataConfig::default()).expect("valid");
    let vs = nn::VarStore::new(Device::Cpu);
    let model =
        LinearRegression::new(&vs.root(), LinearRegressionConfig::default()).expect("valid");
    assert_eq!(scalar(model.weight()) as f32, 0.124_838_83_f32);
    assert_eq!(scalar(model.bias()) as f32, 0.895_692_8_f32);

    let history = model.fit(&data.x, &data.y).expect("fits");
    assert_eq!(history.losses.len(), 100);
    assert_close(
        "weight",
        scalar(model.weight()),
        1.013_956_308_364_868_2,
        1e-5,
    );
    assert_close("bias", scalar(model.bias()), 1.116_539_478_302_002, 1e-5);
    let final_loss = history.final_loss().expect("100 epochs");
    assert_close("final MSE", final_loss, 1.124_336_957_931_518_6, 1e-5);
    assert!(
        history.losses[0] > final_loss,
        "the loss went up: {:?}",
        history.losses
    );
}

/// Parameters are named as in `nn.Linear`, and `predict` is `x Wᵀ + b`.
#[test]
fn parameters_are_named_and_predict_is_affine() {
    tch::manual_seed(3);
    let vs = nn::VarStore::new(Device::Cpu);
    let model = LinearRegression::new(
        &vs.root(),
        LinearRegressionConfig {
            in_features: 2,
            out_features: 3,
            ..LinearRegressionConfig::default()
        },
    )
    .expect("valid");
    let mut names: Vec<String> = vs.variables().into_keys().collect();
    names.sort();
    assert_eq!(names, ["bias", "weight"]);
    assert_eq!(model.weight().size(), [3, 2]);
    // PyTorch's bound for fan_in = 2 is 1/√2.
    let bound = 1.0 / 2f64.sqrt();
    assert!(values(model.weight()).iter().all(|w| w.abs() <= bound));
    let x = tch::Tensor::from_slice(&[1.0f32, 0.0, 0.0, 1.0]).reshape([2, 2]);
    let prediction = values(&model.predict(&x).expect("[2, 2] input"));
    let (weight, bias) = (values(model.weight()), values(model.bias()));
    for output in 0..3 {
        assert_close(
            "x = e1",
            prediction[output],
            weight[2 * output] + bias[output],
            1e-6,
        );
        assert_close(
            "x = e2",
            prediction[3 + output],
            weight[2 * output + 1] + bias[output],
            1e-6,
        );
    }
}
