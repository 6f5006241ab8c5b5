//! What a caller asks of a file before it writes a checkpoint over it
//! (`Checkpoint::probe`: a checkpoint, or anything else), and the data a
//! run records in its checkpoints so that a resumed run can refuse other
//! data.

use std::fs;

use tch::Device;
use vi_data::Split;
use vi_models::{
    Checkpoint, CheckpointProbe, DataSelection, Error, MlpVae, MlpVaeConfig, NullObserver,
    SplitSelection, Trainer,
};

use super::common::{mnist, short_config, temp_dir};

fn small() -> MlpVaeConfig {
    MlpVaeConfig {
        hidden_dims: vec![16, 8],
        latent_dim: 2,
        ..MlpVaeConfig::default()
    }
}

fn selection(train_images: usize) -> DataSelection {
    DataSelection {
        collection: "mnist".into(),
        train: SplitSelection {
            images: train_images,
            limit: Some(train_images),
            sha256: "ab".repeat(32),
        },
        test: SplitSelection {
            images: 10_000,
            limit: None,
            sha256: "cd".repeat(32),
        },
    }
}

/// The data selection travels with the checkpoints of a run and of the run
/// resumed from one; a run told nothing records nothing.
#[test]
fn checkpoints_record_the_data_and_resumed_runs_keep_it() {
    let dir = temp_dir();
    let path = dir.path().join("run.safetensors");
    let train = mnist(Split::Train, 200);
    let mut trainer = Trainer::<MlpVae>::new(&small(), short_config(1, 3), Device::Cpu).unwrap();
    assert_eq!(trainer.data_selection(), None);
    trainer.set_data_selection(selection(200));
    trainer
        .fit(&train, None, &mut NullObserver, Some(&path))
        .unwrap();
    let checkpoint = Checkpoint::load(&path).unwrap();
    assert_eq!(checkpoint.data_selection(), Some(&selection(200)));

    let mut resumed = Trainer::<MlpVae>::resume(&checkpoint, Device::Cpu).unwrap();
    assert_eq!(resumed.data_selection(), Some(&selection(200)));
    resumed.set_epochs(2);
    resumed
        .fit(&train, None, &mut NullObserver, Some(&path))
        .unwrap();
    let checkpoint = Checkpoint::load(&path).unwrap();
    assert_eq!(checkpoint.epoch(), 2);
    assert_eq!(checkpoint.data_selection(), Some(&selection(200)));

    let untold = dir.path().join("untold.safetensors");
    let mut trainer = Trainer::<MlpVae>::new(&small(), short_config(1, 3), Device::Cpu).unwrap();
    trainer
        .fit(&train, None, &mut NullObserver, Some(&untold))
        .unwrap();
    assert_eq!(Checkpoint::load(&untold).unwrap().data_selection(), None);
}

/// A checkpoint is recognised by its header alone; notes, data files, empty
/// files and safetensors files of other programs are not checkpoints.
#[test]
fn probe_tells_checkpoints_from_other_files() {
    let dir = temp_dir();
    let path = dir.path().join("run.safetensors");
    let mut trainer = Trainer::<MlpVae>::new(&small(), short_config(1, 3), Device::Cpu).unwrap();
    trainer
        .fit(
            &mnist(Split::Train, 200),
            None,
            &mut NullObserver,
            Some(&path),
        )
        .unwrap();
    assert_eq!(
        Checkpoint::probe(&path).unwrap(),
        CheckpointProbe::Checkpoint {
            architecture: "mlp-vae".into(),
            epoch: 1
        }
    );

    let mnist_images = {
        let mut bytes = vec![0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28];
        bytes.extend([0u8; 784]);
        bytes
    };
    let tch_file = dir.path().join("weights.safetensors");
    let var_store = tch::nn::VarStore::new(Device::Cpu);
    let _ = MlpVae::new(&var_store.root(), &small()).unwrap();
    var_store.save(&tch_file).unwrap();
    for (name, bytes) in [
        ("notes.txt", b"my notes, not to be lost\n".to_vec()),
        ("train-images-idx3-ubyte", mnist_images),
        ("empty", Vec::new()),
        ("huge-header", u64::MAX.to_le_bytes().to_vec()),
    ] {
        let file = dir.path().join(name);
        fs::write(&file, &bytes).unwrap();
        let probe = Checkpoint::probe(&file).unwrap();
        assert!(
            matches!(&probe, CheckpointProbe::Other { reason } if reason.contains("safetensors")),
            "{name}: {probe:?}"
        );
    }
    let probe = Checkpoint::probe(&tch_file).unwrap();
    assert!(
        matches!(&probe, CheckpointProbe::Other { reason } if reason.contains("not a vi-models checkpoint")),
        "{probe:?}"
    );
    assert!(matches!(
        Checkpoint::probe(&dir.path().join("absent")),
        Err(Error::Io { .. })
    ));
}
