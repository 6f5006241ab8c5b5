//! Times the two convolutional VAEs on the CPU: seconds per training step
//! at their tutorial settings (GaussianConvVae: batches of 256, SGD; BernoulliConvVae: batches
//! of 32, Adam), the cost of one decoder pass per image, and from it the
//! time of an importance-sampled log-likelihood over the test set.
//!
//! ```text
//! cargo run --release -p vi-models --example conv_timing -- [DATA_DIR] [THREADS] [STEPS]
//! ```
//!
//! Defaults: `data`, 2 threads, 20 timed steps per model (after 3 warm-up
//! steps).

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use tch::{Device, Kind, Tensor};
use vi_data::{Collection, ImageDataset, Split};
use vi_models::{
    BernoulliConvVae, BernoulliConvVaeConfig, GaussianConvVae, GaussianConvVaeConfig, NullObserver,
    Trainer, Vae, presets,
};

/// Seconds per step of `trainer` over `steps` batches of `data`'s first
/// images, after a 3-step warm-up epoch.
fn seconds_per_step<M: Vae>(
    trainer: &mut Trainer<M>,
    data: &ImageDataset,
    steps: usize,
) -> Result<f64, Box<dyn Error>> {
    let batch = trainer.config().batch_size;
    let take = |count: usize| -> Result<ImageDataset, Box<dyn Error>> {
        let indices: Vec<i64> = (0..(count * batch) as i64).collect();
        Ok(data.subset(&indices)?)
    };
    trainer.train_epoch(&take(3)?, None, &mut NullObserver)?;
    let record = trainer.train_epoch(&take(steps)?, None, &mut NullObserver)?;
    Ok(record.train_seconds / steps as f64)
}

/// Seconds per decoded image, decoding `[chunk, batch, L]` latents at once
/// without gradient (the shape the importance-sampled likelihood decodes).
fn seconds_per_decode<M: Vae>(model: &M, chunk: i64, batch: i64) -> Result<f64, Box<dyn Error>> {
    let z = Tensor::randn(
        [chunk, batch, model.latent_dim()],
        (Kind::Float, Device::Cpu),
    );
    let _warm_up = tch::no_grad(|| model.decode(&z.narrow(0, 0, 1)))?;
    let start = Instant::now();
    let repeats = 3;
    for _ in 0..repeats {
        let _images = tch::no_grad(|| model.decode(&z))?;
    }
    Ok(start.elapsed().as_secs_f64() / (repeats * chunk * batch) as f64)
}

/// Seconds of `log_likelihood` per image and sample, measured on
/// `images` with `num_samples` samples drawn 100 at a time.
fn seconds_per_importance_sample<M: Vae>(
    model: &M,
    images: &Tensor,
    num_samples: i64,
) -> Result<f64, Box<dyn Error>> {
    let start = Instant::now();
    let _log_likelihood = model.log_likelihood(images, num_samples, 100)?;
    Ok(start.elapsed().as_secs_f64() / (images.size()[0] * num_samples) as f64)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let data_dir = PathBuf::from(args.next().unwrap_or_else(|| "data".into()));
    let threads: i32 = args.next().map_or(Ok(2), |s| s.parse())?;
    let steps: usize = args.next().map_or(Ok(20), |s| s.parse())?;
    tch::set_num_threads(threads);
    println!("threads: {threads}");

    let train = ImageDataset::load(&data_dir, Collection::Mnist, Split::Train)?;
    let test = ImageDataset::load(&data_dir, Collection::Mnist, Split::Test)?;
    let test_images = test.images().narrow(0, 0, 100);

    let config = presets::gaussian_conv_vae().training;
    let mut trainer =
        Trainer::<GaussianConvVae>::new(&GaussianConvVaeConfig::default(), config, Device::Cpu)?;
    let step = seconds_per_step(&mut trainer, &train, steps)?;
    println!(
        "GaussianConvVae: {:.2} ms per step (batch 256); tutorial epoch (100 steps) {:.1} s, \
         full training set (235 steps) {:.1} s",
        step * 1e3,
        step * 100.0,
        step * 235.0
    );
    let decode = seconds_per_decode(trainer.model(), 100, 100)?;
    println!("GaussianConvVae: {:.1} µs per decoded image", decode * 1e6);

    let config = presets::bernoulli_conv_vae().training;
    let mut trainer =
        Trainer::<BernoulliConvVae>::new(&BernoulliConvVaeConfig::default(), config, Device::Cpu)?;
    let step = seconds_per_step(&mut trainer, &train, steps)?;
    println!(
        "BernoulliConvVae: {:.2} ms per step (batch 32); epoch (1875 steps) {:.1} s",
        step * 1e3,
        step * 1875.0
    );
    let decode = seconds_per_decode(trainer.model(), 100, 100)?;
    println!("BernoulliConvVae: {:.1} µs per decoded image", decode * 1e6);
    let binarized = test_images.gt(0.5).to_kind(Kind::Float);
    let per_sample = seconds_per_importance_sample(trainer.model(), &binarized, 100)?;
    for (images, k) in [(10_000.0, 1000.0), (1_000.0, 1000.0), (10_000.0, 100.0)] {
        println!(
            "BernoulliConvVae: IWAE over {images} test images with k = {k}: about {:.0} s",
            per_sample * images * k
        );
    }
    Ok(())
}
