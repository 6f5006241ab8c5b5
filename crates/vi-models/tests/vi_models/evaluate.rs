//! The evaluations: tutorial 3's weighting of batch losses, and the
//! importance-sampled log-likelihood over every image.

use tch::{Device, Kind, nn};
use vi_data::{BatchOptions, Binarization, Split};
use vi_models::{
    Error, ImportanceSampling, MlpVae, MlpVaeConfig, Vae, mean_log_likelihood, mean_negative_elbo,
};

use super::common::mnist;

fn model() -> (nn::VarStore, MlpVae) {
    tch::set_num_threads(1);
    tch::manual_seed(0);
    let var_store = nn::VarStore::new(Device::Cpu);
    let model = MlpVae::new(&var_store.root(), &MlpVaeConfig::default()).expect("valid");
    (var_store, model)
}

#[test]
fn the_test_loss_weights_batches_by_size_over_the_data_set() {
    let (_vs, model) = model();
    let data = mnist(Split::Test, 250);
    let options = BatchOptions {
        binarization: Binarization::Dynamic,
        ..BatchOptions::default()
    };
    // By hand: two batches of 100 (drop_last), each weighted 100/250.
    tch::manual_seed(3);
    let by_hand: f64 = data
        .batches(&options)
        .expect("valid options")
        .map(|batch| {
            let loss = model.negative_elbo(&batch.images).expect("valid");
            loss.mean(Kind::Float).double_value(&[]) * 100.0 / 250.0
        })
        .sum();
    tch::manual_seed(3);
    let found = mean_negative_elbo(&model, &data, &options).expect("valid");
    assert_eq!(found, by_hand);
}

/// Every image once, in order, binarized afresh.
fn every_image_once() -> BatchOptions {
    BatchOptions {
        shuffle: false,
        drop_last: false,
        binarization: Binarization::Dynamic,
        ..BatchOptions::default()
    }
}

#[test]
fn the_log_likelihood_averages_every_image_once() {
    let (_vs, model) = model();
    let data = mnist(Split::Test, 250);
    let options = every_image_once();
    let sampling = ImportanceSampling {
        num_samples: 20,
        chunk_size: 8,
    };
    tch::manual_seed(4);
    let mut total = 0.0;
    let mut count = 0;
    for batch in data.batches(&options).expect("valid options") {
        let log_lik = model.log_likelihood(&batch.images, 20, 8).expect("valid");
        total += log_lik.sum(Kind::Double).double_value(&[]);
        count += log_lik.size()[0];
    }
    assert_eq!(count, 250);
    tch::manual_seed(4);
    let found = mean_log_likelihood(&model, &data, &options, &sampling).expect("valid");
    assert!(
        (found - total / 250.0).abs() < 1e-9,
        "{found} vs {}",
        total / 250.0
    );
    // An untrained model: roughly 784 · log 2 ≈ 543 nats per image.
    assert!((-600.0..-400.0).contains(&found), "{found}");
}

/// A network whose outputs are not finite gives a typed error naming the
/// batch, not a NaN average (the distributions are built unchecked).
#[test]
fn a_non_finite_network_is_reported_with_its_batch() {
    let (var_store, model) = model();
    let data = mnist(Split::Test, 150);
    let options = every_image_once();
    let sampling = ImportanceSampling {
        num_samples: 4,
        chunk_size: 2,
    };
    tch::no_grad(|| {
        for (_, mut parameter) in var_store.variables() {
            let _ = parameter.fill_(f64::NAN);
        }
    });
    match mean_log_likelihood(&model, &data, &options, &sampling) {
        Err(Error::NonFiniteLogLikelihood { batch: 1, value }) => assert!(value.is_nan()),
        other => panic!("expected a non-finite estimate in batch 1, found {other:?}"),
    }
}
