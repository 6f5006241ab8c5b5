//! Trains tutorial 3's MLP VAE on binarized MNIST with the tutorial's
//! settings and prints one line per epoch, then the importance-sampled test
//! log-likelihood.
//!
//! ```text
//! cargo run --release -p vi-models --example mlp_vae -- [DATA_DIR] [EPOCHS] [IWAE_SAMPLES] [THREADS]
//! ```
//!
//! Defaults: `data`, 20 epochs, 1000 samples, 2 threads. A checkpoint is
//! written to `target/mlp_vae.safetensors` after every epoch.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use tch::Device;
use vi_data::{Collection, ImageDataset, Split};
use vi_models::{
    EpochRecord, ImportanceSampling, MlpVae, MlpVaeConfig, Observer, TrainConfig, Trainer, presets,
};

/// Prints each epoch's record.
struct Lines;

impl Observer for Lines {
    fn epoch_finished(&mut self, record: &EpochRecord) {
        println!(
            "epoch {:>2}  train {:>9.4}  test {:>9.4}  train {:>6.2} s  test {:>5.2} s",
            record.epoch,
            record.train_neg_elbo,
            record.test_neg_elbo.unwrap_or(f64::NAN),
            record.train_seconds,
            record.test_seconds,
        );
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let data_dir = PathBuf::from(args.next().unwrap_or_else(|| "data".into()));
    let epochs: usize = args.next().map_or(Ok(20), |s| s.parse())?;
    let num_samples: i64 = args.next().map_or(Ok(1000), |s| s.parse())?;
    let threads: i32 = args.next().map_or(Ok(2), |s| s.parse())?;
    tch::set_num_threads(threads);

    let train = ImageDataset::load(&data_dir, Collection::Mnist, Split::Train)?;
    let test = ImageDataset::load(&data_dir, Collection::Mnist, Split::Test)?;
    let config = TrainConfig {
        epochs,
        ..presets::mlp_vae().training
    };
    let mut trainer = Trainer::<MlpVae>::new(&MlpVaeConfig::default(), config, Device::Cpu)?;
    let checkpoint =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/mlp_vae.safetensors");
    let history = trainer.fit(&train, Some(&test), &mut Lines, Some(&checkpoint))?;
    let seconds: f64 = history.records().iter().map(|r| r.train_seconds).sum();
    println!(
        "mean training time per epoch: {:.2} s",
        seconds / history.len().max(1) as f64
    );

    if num_samples > 0 {
        let start = Instant::now();
        let sampling = ImportanceSampling {
            num_samples,
            ..ImportanceSampling::default()
        };
        let log_likelihood = trainer.log_likelihood(&test, &sampling)?;
        println!(
            "test log-likelihood (IWAE, k = {num_samples}): {log_likelihood:.4} nats ({:.1} s)",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
