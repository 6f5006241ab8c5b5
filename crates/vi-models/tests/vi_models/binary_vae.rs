//! The binary-latent VAE: on a model small enough to enumerate its 2³
//! latent states, the evaluated ELBO and log-likelihood and the expected
//! score-function and VIMCO gradients equal the exact ones (Monte Carlo
//! with stated tolerances); the discrete model refuses the objectives that
//! need `rsample`; a short VIMCO run learns; and the relaxed model trains
//! on the Concrete relaxation but is evaluated as the discrete model.

use tch::{Device, Kind, Tensor, nn};
use vi_core::Distribution;
use vi_data::{BatchOptions, Split};
use vi_models::{
    Activation, BinaryVae, BinaryVaeConfig, Error, NullObserver, Objective, OptimizerConfig,
    Relaxation, TrainConfig, Trainer, Vae, mean_negative_elbo, presets,
};

use super::common::{mnist, short_config};

fn tiny() -> (nn::VarStore, BinaryVae) {
    tch::manual_seed(17);
    let var_store = nn::VarStore::new(Device::Cpu);
    let config = BinaryVaeConfig {
        input_dim: 4,
        hidden_dims: vec![3],
        latent_dim: 3,
        activation: Activation::Tanh,
        relaxation: None,
    };
    let model = BinaryVae::new(&var_store.root(), &config).expect("valid");
    (var_store, model)
}

fn image() -> Tensor {
    Tensor::from_slice(&[1.0f32, 0.0, 1.0, 1.0]).view([1, 4])
}

/// The 8 latent states `[8, 3]`.
fn states() -> Tensor {
    let rows: Vec<f32> = (0..8)
        .flat_map(|s: i32| (0..3).map(move |j| ((s >> j) & 1) as f32))
        .collect();
    Tensor::from_slice(&rows).view([8, 3])
}

/// `(log q(z|x), log p(x, z))` of every state, `[8]` each, with gradient.
fn enumerated(model: &BinaryVae) -> (Tensor, Tensor) {
    let x = image();
    let z = states().unsqueeze(1); // [8, 1, 3]
    let log_q = model
        .posterior(&x)
        .expect("valid")
        .log_prob(&z)
        .expect("valid");
    let log_prior = model.prior().expect("valid").log_prob(&z).expect("valid");
    let log_lik = model.conditional_log_likelihood(&x, &z).expect("valid");
    (log_q.squeeze_dim(1), (log_lik + log_prior).squeeze_dim(1))
}

/// `Σ_z q(z|x) [log p(x, z) − log q(z|x)]`, exactly.
fn exact_elbo(model: &BinaryVae) -> Tensor {
    let (log_q, log_joint) = enumerated(model);
    (log_q.exp() * (log_joint - &log_q)).sum(Kind::Float)
}

/// `E[L_2] = Σ_{z,z'} q(z) q(z') log((w + w')/2)`, exactly (64 pairs).
fn exact_iwae_2(model: &BinaryVae) -> Tensor {
    let (log_q, log_joint) = enumerated(model);
    let log_w = &log_joint - &log_q;
    let pair = Tensor::stack(
        &[
            log_w.unsqueeze(1).expand([8, 8], false),
            log_w.unsqueeze(0).expand([8, 8], false),
        ],
        0,
    )
    .logsumexp(0, false)
        - 2f64.ln();
    let weights = log_q.unsqueeze(1) + log_q.unsqueeze(0);
    (weights.exp() * pair).sum(Kind::Float)
}

fn parameters(var_store: &nn::VarStore) -> Vec<Tensor> {
    let mut named: Vec<(String, Tensor)> = var_store.variables().into_iter().collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named.into_iter().map(|(_, t)| t).collect()
}

fn flat_gradient(loss: Tensor, parameters: &[Tensor]) -> Tensor {
    let refs: Vec<&Tensor> = parameters.iter().collect();
    let gradients = Tensor::run_backward(&[loss], &refs, false, false);
    Tensor::cat(
        &gradients
            .iter()
            .map(|g| g.flatten(0, -1).to_kind(Kind::Double))
            .collect::<Vec<_>>(),
        0,
    )
}

/// The mean and standard error, over `groups` groups of `per_group`
/// copies of the image, of the gradient of `−mean(surrogate)` for
/// `objective`.
fn estimated_gradient(
    model: &BinaryVae,
    var_store: &nn::VarStore,
    objective: Objective,
    groups: i64,
    per_group: i64,
) -> (Tensor, Tensor) {
    let parameters = parameters(var_store);
    let images = image().expand([per_group, 4], false).contiguous();
    let estimates: Vec<Tensor> = (0..groups)
        .map(|_| {
            let estimate = model.loss(&images, &objective).expect("valid");
            flat_gradient((-estimate.surrogate).mean(Kind::Float), &parameters)
        })
        .collect();
    let stacked = Tensor::stack(&estimates, 0);
    let mean = stacked.mean_dim(0, false, Kind::Double);
    let standard_error = stacked.std_dim(0, true, false) / (groups as f64).sqrt();
    (mean, standard_error)
}

/// Every element of `found` within 5 standard errors (plus 1e-5 for
/// elements whose estimates barely vary) of `exact`.
#[track_caller]
fn assert_within(what: &str, found: &Tensor, standard_error: &Tensor, exact: &Tensor) {
    let gap = (found - exact).abs();
    let allowed = standard_error * 5.0 + 1e-5;
    let outside = gap.gt_tensor(&allowed).sum(Kind::Int64).int64_value(&[]);
    assert_eq!(
        outside,
        0,
        "{what}: {outside} of {} elements outside 5 SE; gaps {gap:?}, allowed {allowed:?}",
        exact.numel()
    );
    // And the estimate is not trivially zero.
    assert!(
        exact.abs().max().double_value(&[]) > 1e-3,
        "{what}: no signal"
    );
}

/// The evaluated ELBO (20,000 one-sample draws) and the importance-sampled
/// log-likelihood (k = 4,000) against enumeration of the 8 states.
#[test]
fn evaluation_equals_enumeration() {
    let (_vs, model) = tiny();
    let exact = tch::no_grad(|| exact_elbo(&model)).double_value(&[]);
    let (log_q, log_joint) = tch::no_grad(|| enumerated(&model));
    let log_evidence = log_joint.logsumexp(0, false).double_value(&[]);
    assert!(exact < log_evidence);
    // Sanity: q sums to one over the states.
    let mass = log_q.exp().sum(Kind::Double).double_value(&[]);
    assert!((mass - 1.0).abs() < 1e-6, "{mass}");

    tch::manual_seed(1);
    let n = 20_000;
    let images = image().expand([n, 4], false).contiguous();
    let draws = tch::no_grad(|| model.negative_elbo(&images)).expect("valid");
    let (mean, std) = (
        -draws.mean(Kind::Double).double_value(&[]),
        draws.std(true).double_value(&[]),
    );
    let standard_error = std / (n as f64).sqrt();
    assert!(
        (mean - exact).abs() < 4.0 * standard_error,
        "ELBO: {mean} vs exact {exact} (SE {standard_error})"
    );

    tch::manual_seed(2);
    let estimate = model
        .log_likelihood(&image().expand([20, 4], false).contiguous(), 4_000, 500)
        .expect("valid")
        .mean(Kind::Double)
        .double_value(&[]);
    assert!(
        (estimate - log_evidence).abs() < 5e-3,
        "log p(x): IWAE {estimate} vs exact {log_evidence}"
    );
}

/// The score-function ELBO (leave-one-out baseline, 2 draws) and VIMCO
/// (k = 2): the mean of 40 gradient estimates, each over 250 copies of the
/// image, against the exact gradients of the enumerated `ELBO` and `E[L₂]`.
#[test]
fn expected_gradients_equal_the_enumerated_ones() {
    let (var_store, model) = tiny();
    let parameters = parameters(&var_store);
    for (objective, exact) in [
        (Objective::ScoreFunction { samples: 2 }, exact_elbo(&model)),
        (Objective::Elbo { samples: 3 }, exact_elbo(&model)),
        (Objective::Vimco { k: 2 }, exact_iwae_2(&model)),
    ] {
        let exact = flat_gradient(-exact, &parameters);
        tch::manual_seed(5);
        let (found, standard_error) = estimated_gradient(&model, &var_store, objective, 40, 250);
        assert_within(&objective.to_string(), &found, &standard_error, &exact);
    }
}

#[test]
fn the_discrete_model_refuses_objectives_that_need_rsample() {
    let (_vs, model) = tiny();
    for objective in [
        Objective::Stl { samples: 1 },
        Objective::Iwae { k: 2 },
        Objective::Dreg { k: 2 },
        Objective::Renyi { alpha: 0.5, k: 2 },
    ] {
        let error = model.loss(&image(), &objective).expect_err("no rsample");
        assert!(
            matches!(
                error,
                Error::UnsupportedObjective {
                    model: "BinaryVae",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains(objective.name()), "{error}");
        let config = TrainConfig {
            objective,
            ..presets::binary_vae().training
        };
        let refused = Trainer::<BinaryVae>::new(&BinaryVaeConfig::default(), config, Device::Cpu)
            .expect_err("refused before training");
        assert!(
            refused.to_string().contains("vimco"),
            "the message names what works: {refused}"
        );
    }
}

fn test_loss(model: &BinaryVae, test: &vi_data::ImageDataset, config: &TrainConfig) -> f64 {
    tch::manual_seed(77);
    let options = BatchOptions {
        shuffle: false,
        ..config.batch_options(Device::Cpu)
    };
    mean_negative_elbo(model, test, &options).expect("evaluates")
}

/// VIMCO (k = 3) on 500 images for 2 epochs with Adam: the test negative
/// ELBO falls well below its value at initialization.
#[test]
fn a_short_vimco_run_learns() {
    let (train, test) = (mnist(Split::Train, 500), mnist(Split::Test, 200));
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(1e-3),
        objective: Objective::Vimco { k: 3 },
        ..short_config(2, 1)
    };
    let mut trainer =
        Trainer::<BinaryVae>::new(&BinaryVaeConfig::default(), config.clone(), Device::Cpu)
            .expect("valid");
    let before = test_loss(trainer.model(), &test, &config);
    trainer
        .fit(&train, Some(&test), &mut NullObserver, None)
        .expect("trains");
    let after = test_loss(trainer.model(), &test, &config);
    assert!(after < before - 50.0, "test −ELBO {before:.2} → {after:.2}");
}

/// The relaxed model trains on the Concrete relaxation (its training loss
/// is not the discrete one) and learns; its per-epoch test loss and any
/// evaluation are the discrete model's: the same weights in a model
/// without relaxation give the same numbers.
#[test]
fn the_relaxed_model_is_evaluated_as_the_discrete_one() {
    let (train, test) = (mnist(Split::Train, 500), mnist(Split::Test, 200));
    let relaxed = BinaryVaeConfig {
        relaxation: Some(Relaxation::default()),
        ..BinaryVaeConfig::default()
    };
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(1e-3),
        objective: Objective::Iwae { k: 3 },
        ..short_config(2, 2)
    };
    let mut trainer =
        Trainer::<BinaryVae>::new(&relaxed, config.clone(), Device::Cpu).expect("valid");
    let before = test_loss(trainer.model(), &test, &config);
    trainer
        .fit(&train, Some(&test), &mut NullObserver, None)
        .expect("trains");
    let after = test_loss(trainer.model(), &test, &config);
    assert!(
        after < before - 50.0,
        "discrete test −ELBO {before:.2} → {after:.2}"
    );

    let discrete_store = {
        let mut store = nn::VarStore::new(Device::Cpu);
        let discrete = BinaryVae::new(&store.root(), &BinaryVaeConfig::default()).expect("valid");
        store.copy(trainer.var_store()).expect("same parameters");
        (store, discrete)
    };
    let (_store, discrete) = discrete_store;
    assert_eq!(test_loss(&discrete, &test, &config), after);

    let images = test
        .subset(&[0, 1, 2, 3])
        .expect("valid")
        .images()
        .bernoulli();
    tch::manual_seed(3);
    let relaxed_loss = trainer
        .model()
        .loss(&images, &Objective::Iwae { k: 3 })
        .expect("valid");
    assert!(relaxed_loss.surrogate.requires_grad());
    let error = discrete
        .loss(&images, &Objective::Iwae { k: 3 })
        .expect_err("the discrete model has no rsample");
    assert!(matches!(error, Error::UnsupportedObjective { .. }));
}
