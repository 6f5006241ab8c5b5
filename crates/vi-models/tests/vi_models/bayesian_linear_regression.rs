//! The Bayesian model: the tutorial's 100-epoch run number for number, its
//! predictive, and the long run that reaches the exact mean-field optimum.

use tch::{Device, Kind, Tensor, nn};
use vi_data::{LinearData, LinearDataConfig, linear_data};
use vi_models::{
    BayesianLinearRegression, BayesianLinearRegressionConfig, ConjugatePosterior, LinearRegression,
    LinearRegressionConfig,
};

use super::common::{assert_close, scalar, values};

/// Tutorial 1's script up to the Bayesian model: data (seed 0), the MLE
/// model's initialisation and fit (which consume the generator before the
/// VI run does), then a fresh Bayesian model.
fn after_mle() -> (LinearData, BayesianLinearRegression, nn::VarStore) {
    let data = linear_data(&LinearDataConfig::default()).expect("valid");
    let mle_store = nn::VarStore::new(Device::Cpu);
    let mle =
        LinearRegression::new(&mle_store.root(), LinearRegressionConfig::default()).expect("valid");
    mle.fit(&data.x, &data.y).expect("fits");
    let vs = nn::VarStore::new(Device::Cpu);
    let model =
        BayesianLinearRegression::new(&vs.root(), BayesianLinearRegressionConfig::default())
            .expect("valid");
    (data, model, vs)
}

/// `reference/tutorial1.py`:
/// ```text
/// vi w_mu 0.09093961119651794 w_sigma 0.9610193967819214 b_mu 0.07488904148340225
///    b_sigma 0.9509561657905579 final loss 1754.636962890625
/// ```
/// The noise draws are the same; float32 differences (C++ vs Python Adam,
/// the Normal log-density's operation order) stay below 1e-5 in the
/// parameters over 100 steps, and below 1e-5 relative in the loss.
#[test]
fn vi_matches_pytorch_after_100_epochs() {
    let (data, model, vs) = after_mle();
    let mut names: Vec<String> = vs.variables().into_keys().collect();
    names.sort();
    assert_eq!(
        names,
        ["bias_log_sigma", "bias_mu", "weight_log_sigma", "weight_mu"]
    );

    let history = model.fit(&data.x, &data.y).expect("fits");
    assert_eq!(history.losses.len(), 100);
    assert_close(
        "w_mu",
        scalar(model.weight_mu()),
        0.090_939_611_196_517_94,
        1e-5,
    );
    assert_close(
        "w_sigma",
        scalar(&model.weight_sigma()),
        0.961_019_396_781_921_4,
        1e-5,
    );
    assert_close(
        "b_mu",
        scalar(model.bias_mu()),
        0.074_889_041_483_402_25,
        1e-5,
    );
    assert_close(
        "b_sigma",
        scalar(&model.bias_sigma()),
        0.950_956_165_790_557_9,
        1e-5,
    );
    let final_loss = history.final_loss().expect("100 epochs");
    assert_close(
        "final loss",
        final_loss,
        1_754.636_962_890_625,
        1754.6 * 1e-5,
    );
}

/// `reference/tutorial1_predictive.py` (100 forward passes after the fits):
/// ```text
/// x_test -3.0 mle -1.9253294467926025 mean -0.03256973996758461 std 2.956562042236328
/// x_test 0.03030294179916382 mle 1.1472653150558472 mean 0.0997837707400322 std 0.963594377040863
/// x_test 3.0 mle 4.158408164978027 mean 0.22949016094207764 std 3.093790054321289
/// ```
/// Same draws, so the only differences are those of the parameters (1e-5).
#[test]
fn predictive_matches_pytorch() {
    let (data, model, _vs) = after_mle();
    model.fit(&data.x, &data.y).expect("fits");
    let x_test = Tensor::linspace(-3.0, 3.0, 100, (Kind::Float, Device::Cpu)).unsqueeze(1);
    let predictive = model.predictive(&x_test, 100).expect("valid");
    assert_eq!(predictive.mean.size(), [100, 1]);
    assert_eq!(predictive.std.size(), [100, 1]);
    let (mean, std) = (values(&predictive.mean), values(&predictive.std));
    let expected = [
        (0, -0.032_569_739_967_584_61, 2.956_562_042_236_328),
        (50, 0.099_783_770_740_032_2, 0.963_594_377_040_863),
        (99, 0.229_490_160_942_077_64, 3.093_790_054_321_289),
    ];
    for (index, expected_mean, expected_std) in expected {
        assert_close(&format!("mean[{index}]"), mean[index], expected_mean, 1e-4);
        assert_close(&format!("std[{index}]"), std[index], expected_std, 1e-4);
    }
}

/// With enough epochs the trained `q` is the exact mean-field optimum:
/// means `[1.93600, 1.07731]`, standard deviations `[0.048717, 0.049938]`
/// (`reference/tutorial1.py`, "exact mean", "mf sd").
///
/// Schedule: 1500 Adam epochs at 0.02 bring `q` from the prior to the
/// optimum's neighbourhood, then 1500 at 1e-3 settle it, with 16 draws per
/// step. (At the tutorial's rate 1e-3 with one draw, the σ's are still
/// 1.7–2× too wide after 10000 epochs: `log σ` must travel from 0 to −3 on
/// a gradient that is mostly Monte Carlo noise.) What remains is Adam's
/// stationary jitter driven by that noise: at the optimum the
/// reparameterized gradient of the means is `Λσε` — zero mean, about
/// `1/σ_mf ≈ 20` per unit of `ε` — so each normalised step is a random
/// ~1e-3 move against a restoring force. Across seeds 0–9 the largest
/// deviations were 0.0041 in the means (0.08 σ_mf), 1.8 % in the σ's and
/// 0.004 nats in the closed-form loss; the tolerances are 0.01 (0.2 σ_mf),
/// 6 % and 0.1 nats. The tutorial's 100-epoch run is 1.8 away in the weight.
#[test]
fn long_run_reaches_the_mean_field_optimum() {
    let data = linear_data(&LinearDataConfig::default()).expect("valid");
    let exact = ConjugatePosterior::new(&data.x, &data.y, 0.5).expect("valid");
    let vs = nn::VarStore::new(Device::Cpu);
    let model = BayesianLinearRegression::new(
        &vs.root(),
        BayesianLinearRegressionConfig {
            num_samples: 16,
            ..BayesianLinearRegressionConfig::default()
        },
    )
    .expect("valid");
    model.fit_with(&data.x, &data.y, 1500, 0.02).expect("fits");
    model.fit_with(&data.x, &data.y, 1500, 1e-3).expect("fits");

    let found_means = [scalar(model.weight_mu()), scalar(model.bias_mu())];
    let exact_means = [scalar(&exact.weight_mean()), scalar(&exact.bias_mean())];
    let found_stds = [scalar(&model.weight_sigma()), scalar(&model.bias_sigma())];
    let exact_stds = [
        scalar(&exact.mean_field_weight_std()),
        scalar(&exact.mean_field_bias_std()),
    ];
    for (name, index) in [("weight", 0), ("bias", 1)] {
        assert_close(
            &format!("{name} mean"),
            found_means[index],
            exact_means[index],
            0.01,
        );
        let ratio = found_stds[index] / exact_stds[index];
        assert!(
            (ratio - 1.0).abs() < 0.06,
            "{name} σ: found {}, optimum {} (ratio {ratio})",
            found_stds[index],
            exact_stds[index]
        );
    }
    // The closed-form loss at the trained q is just above the optimum's.
    let trained = model
        .expected_negative_elbo(&data.x, &data.y)
        .expect("valid");
    let optimum = exact
        .mean_field_negative_elbo(&data.x, &data.y)
        .expect("valid");
    assert!(
        trained >= optimum - 1e-6,
        "below the optimum: {trained} < {optimum}"
    );
    assert!(trained - optimum < 0.1, "{trained} vs optimum {optimum}");
}
