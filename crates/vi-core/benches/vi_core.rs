//! Criterion benchmarks of the hot paths of a VAE step, on a batch of
//! 100 × 784 (an MNIST batch): `rsample` of a diagonal Gaussian, `log_prob`
//! of the Normal and Bernoulli families, and the analytic KL. Run with
//! `cargo bench -p vi-core`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tch::{Device, Kind, Tensor};
use vi_core::{Bernoulli, Distribution, Independent, Normal, Rsample, kl_divergence};

const SHAPE: [i64; 2] = [100, 784];

fn diagonal_gaussian() -> Independent<Normal> {
    let options = (Kind::Float, Device::Cpu);
    let loc = Tensor::randn(SHAPE, options);
    let log_var = Tensor::randn(SHAPE, options);
    let normal = Normal::from_log_var(&loc, &log_var).expect("valid parameters");
    Independent::new(normal, 1).expect("two batch dimensions")
}

fn rsample(c: &mut Criterion) {
    tch::manual_seed(0);
    let posterior = diagonal_gaussian();
    c.bench_function("rsample/independent_normal_100x784", |b| {
        b.iter(|| black_box(posterior.rsample(&[]).expect("rsample")))
    });
}

fn log_prob(c: &mut Criterion) {
    tch::manual_seed(0);
    let options = (Kind::Float, Device::Cpu);
    let posterior = diagonal_gaussian();
    let z = posterior.sample(&[]).expect("sample");
    c.bench_function("log_prob/independent_normal_100x784", |b| {
        b.iter(|| black_box(posterior.log_prob(&z).expect("log_prob")))
    });
    let logits = Tensor::randn(SHAPE, options);
    let images = Tensor::rand(SHAPE, options).round();
    let bernoulli = Independent::new(Bernoulli::from_logits(&logits).expect("finite logits"), 1)
        .expect("two batch dimensions");
    c.bench_function("log_prob/independent_bernoulli_100x784", |b| {
        b.iter(|| black_box(bernoulli.log_prob(&images).expect("log_prob")))
    });
}

fn kl(c: &mut Criterion) {
    tch::manual_seed(0);
    let posterior = diagonal_gaussian();
    let zeros = Tensor::zeros(SHAPE, (Kind::Float, Device::Cpu));
    let prior = Independent::new(Normal::standard_like(&zeros).expect("float"), 1)
        .expect("two batch dimensions");
    c.bench_function("kl/independent_normal_100x784", |b| {
        b.iter(|| black_box(kl_divergence(&posterior, &prior).expect("kl")))
    });
}

criterion_group!(benches, rsample, log_prob, kl);
criterion_main!(benches);
