//! What vi-core's value checks cost in a VAE training step: tutorial 3's
//! MLP VAE (784-256-128-2, batch 100, one sample, analytic KL), the loss
//! and its backward pass, with the checks on (vi-core's default) and off
//! (what `Trainer` does, through `vi_core::validation::without_validation`).
//! Run with `cargo bench -p vi-models --bench training_step`; both variants
//! run in the same process, so their ratio is what to read.

use criterion::{Criterion, criterion_group, criterion_main};
use tch::{Device, Kind, Tensor, nn};
use vi_core::validation::{with_validation, without_validation};
use vi_models::{MlpVae, MlpVaeConfig, Objective, Vae};

fn step(model: &MlpVae, images: &Tensor) {
    let estimate = model
        .loss(images, &Objective::default())
        .expect("a finite loss");
    (-&estimate.surrogate).mean(Kind::Float).backward();
}

fn training_step(c: &mut Criterion) {
    tch::set_num_threads(1);
    tch::manual_seed(0);
    let var_store = nn::VarStore::new(Device::Cpu);
    let model = MlpVae::new(&var_store.root(), &MlpVaeConfig::default()).expect("the preset");
    let images = Tensor::rand([100, 784], (Kind::Float, Device::Cpu)).bernoulli();
    let mut group = c.benchmark_group("mlp_vae_step_100");
    group.bench_function("validated", |b| {
        b.iter(|| with_validation(|| step(&model, &images)));
    });
    group.bench_function("unvalidated", |b| {
        b.iter(|| without_validation(|| step(&model, &images)));
    });
    group.finish();
}

criterion_group!(benches, training_step);
criterion_main!(benches);
