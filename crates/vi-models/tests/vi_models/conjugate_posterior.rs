//! The exact posterior of the conjugate model and its mean-field optimum.

use tch::{Device, Kind, Tensor, nn};
use vi_data::{LinearDataConfig, linear_data};
use vi_models::{BayesianLinearRegression, BayesianLinearRegressionConfig, ConjugatePosterior};

use super::common::{assert_close, scalar, values};

/// `reference/tutorial1.py`, in float64 from the same float32 data:
/// ```python
/// X = torch.cat([x, torch.ones_like(x)], 1).double(); yd = y.double()
/// prec = torch.eye(2, dtype=torch.float64) + X.T @ X / 0.25
/// mean = torch.linalg.solve(prec, X.T @ yd / 0.25)
/// # exact mean [1.9359955934666824, 1.0773143423103566]
/// # mf sd [0.048717206450928266, 0.04993761694389223]   ((1 / torch.diag(prec)).sqrt())
/// ```
#[test]
fn exact_posterior_matches_the_closed_form() {
    let data = linear_data(&LinearDataConfig::default()).expect("valid");
    let exact = ConjugatePosterior::new(&data.x, &data.y, 0.5).expect("valid");
    assert_eq!(exact.weight_mean().size(), [1, 1]);
    assert_eq!(exact.bias_mean().size(), [1]);
    assert_close(
        "weight mean",
        scalar(&exact.weight_mean()),
        1.935_995_593_466_682_4,
        1e-10,
    );
    assert_close(
        "bias mean",
        scalar(&exact.bias_mean()),
        1.077_314_342_310_356_5,
        1e-10,
    );
    let weight_sd = scalar(&exact.mean_field_weight_std());
    let bias_sd = scalar(&exact.mean_field_bias_std());
    assert_close(
        "mean-field weight σ",
        weight_sd,
        0.048_717_206_450_928_266,
        1e-12,
    );
    assert_close(
        "mean-field bias σ",
        bias_sd,
        0.049_937_616_943_892_23,
        1e-12,
    );
    // Mean field is never wider than the exact marginals.
    assert!(scalar(&exact.weight_std()) >= weight_sd);
    assert!(scalar(&exact.bias_std()) >= bias_sd);
    assert_eq!(exact.covariance().size(), [2, 2]);
}

/// The mean-field optimum is a minimum of the closed-form negative ELBO:
/// moving any one of the four parameters by ±2 % of σ_mf raises it.
#[test]
fn mean_field_optimum_minimises_the_negative_elbo() {
    let data = linear_data(&LinearDataConfig::default()).expect("valid");
    let exact = ConjugatePosterior::new(&data.x, &data.y, 0.5).expect("valid");
    let optimum = exact
        .mean_field_negative_elbo(&data.x, &data.y)
        .expect("valid");

    let vs = nn::VarStore::new(Device::Cpu);
    let model =
        BayesianLinearRegression::new(&vs.root(), BayesianLinearRegressionConfig::default())
            .expect("valid");
    let mut variables = vs.variables();
    let set =
        |variables: &mut std::collections::HashMap<String, Tensor>, name: &str, value: f64| {
            let variable = variables.get_mut(name).expect("named parameter");
            let _ = tch::no_grad(|| variable.fill_(value));
        };
    let weight_sd = scalar(&exact.mean_field_weight_std());
    let bias_sd = scalar(&exact.mean_field_bias_std());
    let at_optimum = [
        ("weight_mu", scalar(&exact.weight_mean()), 0.02 * weight_sd),
        ("bias_mu", scalar(&exact.bias_mean()), 0.02 * bias_sd),
        ("weight_log_sigma", weight_sd.ln(), 0.02),
        ("bias_log_sigma", bias_sd.ln(), 0.02),
    ];
    for &(name, value, _) in &at_optimum {
        set(&mut variables, name, value);
    }
    let at = model
        .expected_negative_elbo(&data.x, &data.y)
        .expect("valid");
    // float32 parameters: the optimum rounded to float32 is within 1e-6 nats.
    assert_close("negative ELBO at the optimum", at, optimum, 1e-6);
    for &(name, value, step) in &at_optimum {
        for moved in [value - step, value + step] {
            set(&mut variables, name, moved);
            let loss = model
                .expected_negative_elbo(&data.x, &data.y)
                .expect("valid");
            assert!(
                loss > optimum,
                "{name} = {moved}: {loss} ≤ optimum {optimum}"
            );
        }
        set(&mut variables, name, value);
    }
}

/// With several outputs every column gets its own posterior mean and the
/// same precision: the two-output posterior equals two one-output ones.
#[test]
fn outputs_are_independent_posteriors() {
    tch::manual_seed(7);
    let options = (Kind::Double, Device::Cpu);
    let x = Tensor::randn([30, 2], options);
    let y = Tensor::randn([30, 2], options);
    let both = ConjugatePosterior::new(&x, &y, 0.3).expect("valid");
    assert_eq!(both.weight_mean().size(), [2, 2]);
    assert_eq!(both.mean_field_weight_std().size(), [2, 2]);
    for column in 0..2 {
        let one = ConjugatePosterior::new(&x, &y.narrow(1, column, 1), 0.3).expect("valid");
        let expected = values(&one.weight_mean());
        let found = values(&both.weight_mean().narrow(0, column, 1));
        for (f, e) in found.iter().zip(&expected) {
            assert_close("weight mean", *f, *e, 1e-12);
        }
        assert_close(
            "bias mean",
            values(&both.bias_mean())[column as usize],
            scalar(&one.bias_mean()),
            1e-12,
        );
    }
}
