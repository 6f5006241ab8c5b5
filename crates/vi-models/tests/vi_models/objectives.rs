//! Training objectives: each `Objective` is the vi-core estimator it names,
//! on the model's posterior, prior and likelihood, draw for draw; the
//! trainer trains on each and records it; checkpoints written before the
//! field existed load as the tutorials' objective; the gradient SNR.

use tch::{Device, Kind, Tensor, nn};
use vi_core::{Baseline, dreg_iwae, iwae_bound, renyi_bound, score_function_elbo, stl_elbo, vimco};
use vi_data::Split;
use vi_models::{
    Activation, ElboEstimator, LikelihoodConfig, MlpVae, MlpVaeConfig, NullObserver, Objective,
    PosteriorConfig, TrainConfig, Trainer, Vae, gradient_snr,
};

use super::common::{mnist, short_config, values};

fn small() -> MlpVaeConfig {
    MlpVaeConfig {
        hidden_dims: vec![32, 16],
        latent_dim: 3,
        ..MlpVaeConfig::default()
    }
}

fn model(seed: i64) -> (nn::VarStore, MlpVae) {
    tch::manual_seed(seed);
    let var_store = nn::VarStore::new(Device::Cpu);
    let model = MlpVae::new(&var_store.root(), &small()).expect("valid");
    (var_store, model)
}

/// The tutorials' objective is the model's one-sample ELBO, so the
/// surrogate equals `−negative_elbo_with(estimator)` to the last bit, and
/// each other objective equals its vi-core estimator with the same draws.
#[test]
fn each_objective_is_its_vi_core_estimator() {
    let (_vs, model) = model(1);
    let images = mnist(Split::Test, 6).images().bernoulli();
    let seeded = |objective: Objective| {
        tch::manual_seed(21);
        model.loss(&images, &objective).expect("valid")
    };
    tch::manual_seed(21);
    let tutorial = model
        .negative_elbo_with(&images, ElboEstimator::AnalyticKl)
        .expect("valid");
    let default = seeded(Objective::default());
    assert!(default.surrogate.equal(&-&tutorial));
    assert!(default.objective.equal(&-&tutorial.detach()));
    assert!(!default.objective.requires_grad());

    let posterior = || model.posterior(&images).expect("valid");
    let prior = model.prior().expect("valid");
    let log_likelihood = |z: &Tensor| model.conditional_log_likelihood(&images, z);
    let reference = |objective: Objective| -> Tensor {
        tch::manual_seed(21);
        let q = posterior();
        match objective {
            Objective::Stl { samples } => {
                stl_elbo(&q, &prior, samples as i64, log_likelihood)
                    .expect("valid")
                    .surrogate
            }
            Objective::Iwae { k } => {
                iwae_bound(&q, &prior, k as i64, log_likelihood).expect("valid")
            }
            Objective::Dreg { k } => {
                dreg_iwae(&q, &prior, k as i64, log_likelihood)
                    .expect("valid")
                    .surrogate
            }
            Objective::Renyi { alpha, k } => {
                renyi_bound(&q, &prior, alpha, k as i64, log_likelihood).expect("valid")
            }
            Objective::Vimco { k } => {
                vimco(&q, &prior, k as i64, log_likelihood)
                    .expect("valid")
                    .surrogate
            }
            Objective::ScoreFunction { samples } => {
                score_function_elbo(
                    &q,
                    &prior,
                    samples as i64,
                    Baseline::LeaveOneOut,
                    log_likelihood,
                )
                .expect("valid")
                .estimate
                .surrogate
            }
            Objective::Elbo { .. } => unreachable!("checked above"),
        }
    };
    for objective in [
        Objective::Stl { samples: 2 },
        Objective::Iwae { k: 4 },
        Objective::Dreg { k: 4 },
        Objective::Renyi { alpha: 0.3, k: 4 },
        Objective::Vimco { k: 4 },
        Objective::ScoreFunction { samples: 4 },
    ] {
        let found = seeded(objective);
        let expected = reference(objective);
        assert!(found.surrogate.equal(&expected), "{objective}");
    }
    // IWAE with k = 1 is the Monte Carlo ELBO: the same value as the
    // objective of `Elbo` with the Monte Carlo estimator, draw for draw.
    let iwae_1 = seeded(Objective::Iwae { k: 1 });
    tch::manual_seed(21);
    let monte_carlo = model
        .negative_elbo_with(&images, ElboEstimator::MonteCarlo)
        .expect("valid");
    let gap = (iwae_1.objective + monte_carlo)
        .abs()
        .max()
        .double_value(&[]);
    assert!(gap < 1e-4, "{gap}");
}

/// One epoch with each objective on 200 images: finite losses, the
/// objective recorded in the checkpoint, and the `IWAE` objective's
/// training value above the ELBO's (a tighter bound on the same model at
/// the first batch would be the clean claim; the epoch means show it too).
#[test]
fn the_trainer_trains_on_each_objective_and_records_it() {
    let train = mnist(Split::Train, 200);
    let test = mnist(Split::Test, 100);
    let dir = super::common::temp_dir();
    for objective in [
        Objective::Elbo { samples: 3 },
        Objective::Stl { samples: 1 },
        Objective::Iwae { k: 5 },
        Objective::Dreg { k: 5 },
        Objective::Renyi { alpha: 0.5, k: 5 },
        Objective::Vimco { k: 5 },
        Objective::ScoreFunction { samples: 5 },
    ] {
        let config = TrainConfig {
            objective,
            ..short_config(1, 3)
        };
        let mut trainer = Trainer::<MlpVae>::new(&small(), config, Device::Cpu).expect("valid");
        let path = dir.path().join(format!("{}.safetensors", objective.name()));
        let history = trainer
            .fit(&train, Some(&test), &mut NullObserver, Some(&path))
            .expect("trains");
        let record = &history.records()[0];
        assert!(record.train_neg_elbo.is_finite(), "{objective}");
        assert!(
            record.test_neg_elbo.is_some_and(f64::is_finite),
            "{objective}"
        );
        let checkpoint = vi_models::Checkpoint::load(&path).expect("readable");
        assert_eq!(checkpoint.train_config().objective, objective);
    }
}

/// A checkpoint header written before objectives existed (no `objective`
/// in `train_config`, no `activation`, `posterior` or `likelihood` in the
/// model's) reads as the tutorials' settings.
#[test]
fn configurations_without_the_new_fields_are_the_tutorials() {
    let old_training = r#"{"epochs":20,"batch_size":100,"drop_last":true,"binarization":"dynamic","pixel_range":"zero_to_one","optimizer":{"kind":"sgd","learning_rate":0.005},"seed":0}"#;
    let training: TrainConfig = serde_json::from_str(old_training).expect("parses");
    assert_eq!(training, vi_models::presets::mlp_vae().training);
    assert_eq!(training.objective, Objective::default());
    let old_model = r#"{"input_dim":784,"hidden_dims":[256,128],"latent_dim":2}"#;
    let model: MlpVaeConfig = serde_json::from_str(old_model).expect("parses");
    assert_eq!(model, MlpVaeConfig::default());
    assert_eq!(model.activation, Activation::Relu);
    assert_eq!(model.posterior, PosteriorConfig::Gaussian);
    assert_eq!(model.likelihood, LikelihoodConfig::Bernoulli);
    // Burda et al.'s architecture.
    let burda = MlpVaeConfig::burda();
    assert_eq!(
        (
            burda.hidden_dims.as_slice(),
            burda.latent_dim,
            burda.activation
        ),
        (&[200, 200][..], 50, Activation::Tanh)
    );
}

/// Counts out of range are refused before training, naming the field.
#[test]
fn objectives_out_of_range_are_refused() {
    for (objective, field) in [
        (Objective::Vimco { k: 1 }, "`k`"),
        (Objective::ScoreFunction { samples: 1 }, "`samples`"),
        (Objective::Iwae { k: 0 }, "`k`"),
        (
            Objective::Renyi {
                alpha: f64::INFINITY,
                k: 2,
            },
            "`alpha`",
        ),
    ] {
        let config = TrainConfig {
            objective,
            ..short_config(1, 0)
        };
        let error = Trainer::<MlpVae>::new(&small(), config, Device::Cpu).expect_err("refused");
        assert!(error.to_string().contains(field), "{objective:?}: {error}");
    }
}

/// `gradient_snr` is `|mean| / std` of R gradient estimates per scalar
/// parameter, split into encoder and decoder: checked against the same R
/// estimates taken by hand. Rainforth et al.'s effect shows even on an
/// untrained model: the encoder's SNR under the IWAE gradient at k = 64 is
/// below its SNR at k = 1, while the decoder's is not.
#[test]
fn gradient_snr_is_mean_over_standard_deviation() {
    let (var_store, model) = model(4);
    let images = mnist(Split::Test, 4).images().bernoulli();
    let objective = Objective::Iwae { k: 3 };
    let repeats = 5;
    tch::manual_seed(8);
    let snr = gradient_snr(&model, &var_store, &images, &objective, repeats).expect("valid");
    assert_eq!(snr.repeats, repeats);

    tch::manual_seed(8);
    let mut names: Vec<(String, Tensor)> = var_store.variables().into_iter().collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let tensors: Vec<&Tensor> = names.iter().map(|(_, t)| t).collect();
    let estimates: Vec<Vec<Tensor>> = (0..repeats)
        .map(|_| {
            let loss =
                (-model.loss(&images, &objective).expect("valid").surrogate).mean(Kind::Float);
            Tensor::run_backward(&[loss], &tensors, false, false)
        })
        .collect();
    let (mut encoder, mut decoder) = (Vec::new(), Vec::new());
    let (mut constant_encoder, mut constant_decoder) = (0, 0);
    for (index, (name, _)) in names.iter().enumerate() {
        let stacked = Tensor::stack(
            &estimates
                .iter()
                .map(|g| g[index].to_kind(Kind::Double))
                .collect::<Vec<_>>(),
            0,
        );
        let mean = stacked.mean_dim(0, false, Kind::Double).abs();
        let std = stacked.std_dim(0, true, false);
        // Weights from pixels that are 0 in all four images get exactly 0
        // every time: no ratio.
        let (side, constant) = if name.starts_with("decoder") {
            (&mut decoder, &mut constant_decoder)
        } else {
            (&mut encoder, &mut constant_encoder)
        };
        for (m, s) in values(&mean).into_iter().zip(values(&std)) {
            if s > 0.0 {
                side.push(m / s);
            } else {
                *constant += 1;
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert_eq!(
        (snr.inference.parameters, snr.inference.constant),
        (encoder.len(), constant_encoder)
    );
    assert_eq!(
        (snr.generative.parameters, snr.generative.constant),
        (decoder.len(), constant_decoder)
    );
    assert!(constant_encoder > 0, "pixels off in every image");
    assert!(
        (snr.inference.mean - mean(&encoder)).abs() < 1e-6 * mean(&encoder),
        "{} vs {}",
        snr.inference.mean,
        mean(&encoder)
    );
    assert!((snr.generative.mean - mean(&decoder)).abs() < 1e-6 * mean(&decoder));
    assert!(snr.inference.median > 0.0 && snr.generative.median > 0.0);

    let at = |k: usize| {
        tch::manual_seed(30);
        gradient_snr(&model, &var_store, &images, &Objective::Iwae { k }, 40).expect("valid")
    };
    let (one, many) = (at(1), at(64));
    assert!(
        many.inference.median < one.inference.median,
        "encoder SNR: k = 64 {} vs k = 1 {}",
        many.inference.median,
        one.inference.median
    );
    assert!(
        many.generative.median > one.generative.median,
        "decoder SNR: k = 64 {} vs k = 1 {}",
        many.generative.median,
        one.generative.median
    );
    let error = gradient_snr(&model, &var_store, &images, &objective, 1).expect_err("R < 2");
    assert!(error.to_string().contains("repeats"), "{error}");
}
