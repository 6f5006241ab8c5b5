//! Checkpoints: what they hold, atomic writes, and the errors for files
//! that are corrupt or belong to another model.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::{Device, nn};
use vi_data::Split;
use vi_models::{
    Architecture, Checkpoint, Error, MlpVae, MlpVaeConfig, NullObserver, OptimizerConfig,
    TrainConfig, Trainer,
};

use super::common::{assert_same_weights, losses, mnist, short_config, temp_dir, weights};

/// A one-epoch run of a small model, checkpointed to `dir/name`.
fn trained(
    dir: &Path,
    name: &str,
    model: &MlpVaeConfig,
    optimizer: OptimizerConfig,
) -> (PathBuf, Trainer<MlpVae>) {
    let train = mnist(Split::Train, 200);
    let config = TrainConfig {
        optimizer,
        ..short_config(1, 9)
    };
    let mut trainer = Trainer::<MlpVae>::new(model, config, Device::Cpu).expect("valid");
    let path = dir.join(name);
    trainer
        .fit(&train, None, &mut NullObserver, Some(&path))
        .expect("training runs");
    (path, trainer)
}

/// [`trained`] with the small model and SGD, to `dir/run.safetensors`.
fn trained_sgd(dir: &Path) -> (PathBuf, Trainer<MlpVae>) {
    trained(dir, "run.safetensors", &small(), OptimizerConfig::sgd(5e-3))
}

fn small() -> MlpVaeConfig {
    MlpVaeConfig {
        hidden_dims: vec![32, 16],
        latent_dim: 3,
        ..MlpVaeConfig::default()
    }
}

#[test]
fn a_checkpoint_holds_the_run() {
    let dir = temp_dir();
    let (path, trainer) = trained(
        dir.path(),
        "run.safetensors",
        &small(),
        OptimizerConfig::adam(1e-3),
    );
    let checkpoint = Checkpoint::load(&path).expect("readable");
    assert_eq!(checkpoint.path(), path);
    assert_eq!(checkpoint.architecture(), "mlp-vae");
    assert_eq!(
        checkpoint.model_config::<MlpVaeConfig>().expect("parses"),
        small()
    );
    assert_eq!(checkpoint.train_config(), trainer.config());
    assert_eq!(checkpoint.epoch(), 1);
    assert_eq!(losses(checkpoint.history()), losses(trainer.history()));
    assert_eq!(checkpoint.history(), trainer.history());
    let (var_store, _model) = checkpoint
        .restore_model::<MlpVae>(Device::Cpu)
        .expect("loadable");
    assert_same_weights(&weights(&var_store), &weights(trainer.var_store()));
    checkpoint
        .expect_model_config(&small())
        .expect("same configuration");

    // The model's tensors carry their own names; Adam's moments are prefixed.
    let bytes = fs::read(&path).expect("readable");
    let file = safetensors::SafeTensors::deserialize(&bytes).expect("safetensors");
    let mut names = file.names();
    names.sort();
    assert!(names.contains(&"encoder.0.weight"));
    assert!(names.contains(&"optimizer.exp_avg.encoder.0.weight"));
    assert!(names.contains(&"optimizer.exp_avg_sq.mu.bias"));
    assert_eq!(names.len(), 14 * 3);
    // Only the checkpoint is left: the temporary file was renamed.
    let entries: Vec<_> = fs::read_dir(dir.path()).expect("listable").collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn saving_again_replaces_the_file() {
    let dir = temp_dir();
    let (path, mut trainer) = trained(
        dir.path(),
        "run.safetensors",
        &small(),
        OptimizerConfig::sgd(5e-3),
    );
    trainer.set_epochs(2);
    trainer
        .fit(
            &mnist(Split::Train, 200),
            None,
            &mut NullObserver,
            Some(&path),
        )
        .expect("training runs");
    assert_eq!(Checkpoint::load(&path).expect("readable").epoch(), 2);
    assert_eq!(fs::read_dir(dir.path()).expect("listable").count(), 1);
}

fn expect_corrupt(path: &Path) -> String {
    match Checkpoint::load(path) {
        Err(error @ Error::CorruptCheckpoint { .. }) => {
            let message = error.to_string();
            assert!(message.contains(&path.display().to_string()), "{message}");
            message
        }
        other => panic!("expected CorruptCheckpoint, got {other:?}"),
    }
}

#[test]
fn corrupt_files_are_refused_with_their_path() {
    let dir = temp_dir();
    let (path, _) = trained_sgd(dir.path());
    let bytes = fs::read(&path).expect("readable");

    let truncated = dir.path().join("truncated.safetensors");
    fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("writable");
    expect_corrupt(&truncated);

    let header_only = dir.path().join("header.safetensors");
    fs::write(&header_only, &bytes[..20]).expect("writable");
    expect_corrupt(&header_only);

    let garbage = dir.path().join("garbage.safetensors");
    fs::write(&garbage, b"definitely not a checkpoint").expect("writable");
    assert!(expect_corrupt(&garbage).contains("not a safetensors file"));

    // A plain safetensors file without our header entries.
    let plain = dir.path().join("plain.safetensors");
    let var_store = nn::VarStore::new(Device::Cpu);
    let _ = MlpVae::new(&var_store.root(), &small()).expect("valid");
    var_store.save(&plain).expect("tch writes safetensors");
    assert!(expect_corrupt(&plain).contains("not a vi-models checkpoint"));

    let edited = dir.path().join("edited.safetensors");
    rewrite_metadata(&path, &edited, "history", "[1, 2");
    assert!(expect_corrupt(&edited).contains("`history`"));
    rewrite_metadata(&path, &edited, "epoch", "7");
    assert!(expect_corrupt(&edited).contains("`epoch` is 7"));

    let missing = dir.path().join("missing.safetensors");
    assert!(matches!(Checkpoint::load(&missing), Err(Error::Io { .. })));
}

/// Another architecture's configuration, for the mismatch test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ConvConfig {
    channels: Vec<usize>,
}

impl Architecture for ConvConfig {
    const NAME: &'static str = "conv-vae";
}

#[test]
fn checkpoints_of_other_models_are_refused() {
    let dir = temp_dir();
    let (path, _) = trained_sgd(dir.path());
    let checkpoint = Checkpoint::load(&path).expect("readable");

    let error = checkpoint
        .model_config::<ConvConfig>()
        .expect_err("another architecture");
    assert!(
        matches!(&error, Error::CheckpointMismatch { what, expected, found, .. }
            if what == "architecture" && expected == "conv-vae" && found == "mlp-vae"),
        "{error:?}"
    );

    let error = checkpoint
        .expect_model_config(&MlpVaeConfig::default())
        .expect_err("another latent size");
    assert!(
        matches!(&error, Error::CheckpointMismatch { what, .. } if what == "model configuration")
    );
    assert!(error.to_string().contains("\"latent_dim\":3"), "{error}");

    // A header that claims another configuration than its tensors have.
    let edited = dir.path().join("edited.safetensors");
    let claimed = serde_json::to_string(&MlpVaeConfig {
        latent_dim: 2,
        ..small()
    })
    .expect("serializable");
    rewrite_metadata(&path, &edited, "model_config", &claimed);
    let checkpoint = Checkpoint::load(&edited).expect("readable");
    let error = checkpoint
        .restore_model::<MlpVae>(Device::Cpu)
        .expect_err("shapes differ");
    assert!(
        matches!(&error, Error::CheckpointMismatch { what, expected, found, .. }
            if what == "shape of `decoder.0.weight`" && expected == "[16, 2]" && found == "[16, 3]"),
        "{error:?}"
    );

    rewrite_metadata(&path, &edited, "architecture", "conv-vae");
    let checkpoint = Checkpoint::load(&edited).expect("readable");
    assert!(matches!(
        Trainer::<MlpVae>::resume(&checkpoint, Device::Cpu),
        Err(Error::CheckpointMismatch { .. })
    ));

    rewrite_metadata(&path, &edited, "version", "2");
    assert!(matches!(
        Checkpoint::load(&edited),
        Err(Error::CheckpointMismatch { what, .. }) if what == "layout version"
    ));
}

#[test]
fn resuming_adam_from_an_sgd_checkpoint_is_refused() {
    let dir = temp_dir();
    let (path, _) = trained_sgd(dir.path());
    let edited = dir.path().join("edited.safetensors");
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(1e-3),
        ..short_config(1, 9)
    };
    rewrite_metadata(
        &path,
        &edited,
        "train_config",
        &serde_json::to_string(&config).expect("json"),
    );
    let checkpoint = Checkpoint::load(&edited).expect("readable");
    let error = Trainer::<MlpVae>::resume(&checkpoint, Device::Cpu).expect_err("no Adam state");
    assert!(
        matches!(&error, Error::CheckpointMismatch { what, .. } if what.contains("optimizer state")),
        "{error:?}"
    );
}

/// Copies the safetensors file `from` to `to` with one `__metadata__`
/// entry replaced.
fn rewrite_metadata(from: &Path, to: &Path, key: &str, value: &str) {
    let bytes = fs::read(from).expect("readable");
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let mut header: serde_json::Value =
        serde_json::from_slice(&bytes[8..8 + header_len]).expect("a JSON header");
    header["__metadata__"][key] = serde_json::Value::String(value.to_string());
    let mut text = serde_json::to_string(&header).expect("serializable");
    while !text.len().is_multiple_of(8) {
        text.push(' ');
    }
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&bytes[8 + header_len..]);
    fs::write(to, out).expect("writable");
}
