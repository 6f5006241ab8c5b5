//! The trainer: parity with the tutorial's PyTorch loop, determinism,
//! resumption, divergence handling and progress events.

use std::cell::Cell;

use rstest::rstest;
use tch::{Device, Tensor, nn};
use vi_core::Estimate;
use vi_data::Split;
use vi_models::{
    BatchFinished, Checkpoint, DiagonalNormal, EpochRecord, EpochStarted, Error, MlpPosterior,
    MlpVae, MlpVaeConfig, NullObserver, Objective, Observer, OptimizerConfig, Phase, TrainConfig,
    Trainer, Vae, presets,
};

use super::common::{assert_same_weights, losses, mnist, short_config, temp_dir, weights};

fn trainer(config: TrainConfig) -> Trainer<MlpVae> {
    Trainer::new(&MlpVaeConfig::default(), config, Device::Cpu).expect("valid configurations")
}

/// Golden values from the tutorial's loop in PyTorch 2.13 (one thread):
/// ```text
/// python crates/vi-models/tests/reference/tutorial3_mlp_vae.py data/mnist --epochs 2 \
///     --threads 1 --reseed-per-epoch --logits --train-subset 1000 \
///     --test-subset 500 --seed 3 --print-params [--adam 1e-3]
/// ```
/// (train, test) per epoch, and the sum of `encoder.0.weight` at the end.
#[rstest]
#[case::sgd(
    OptimizerConfig::sgd(5e-3),
    [(502.362_484_741_210_95, 383.434_869_384_765_65), (266.200_209_045_410_2, 217.558_853_149_414_06)],
    4.543_426_678_638_823_5,
    1e-9
)]
#[case::adam(
    OptimizerConfig::adam(1e-3),
    [(487.612_643_432_617_2, 378.352_416_992_187_5), (300.554_344_177_246_1, 236.331_268_310_546_9)],
    -45.688_785_509_214_355,
    // Adam's update is torch's formula, not its fused kernel: equal up to rounding.
    1e-4
)]
fn matches_the_tutorials_pytorch_loop(
    #[case] optimizer: OptimizerConfig,
    #[case] expected: [(f64, f64); 2],
    #[case] encoder_weight_sum: f64,
    #[case] tolerance: f64,
) {
    let (train, test) = (mnist(Split::Train, 1000), mnist(Split::Test, 500));
    let mut trainer = trainer(TrainConfig {
        optimizer,
        ..short_config(2, 3)
    });
    let history = trainer
        .fit(&train, Some(&test), &mut NullObserver, None)
        .expect("training runs");
    let close = |found: f64, expected: f64| (found - expected).abs() <= tolerance * expected.abs();
    for (record, (train_loss, test_loss)) in history.records().iter().zip(expected) {
        assert!(
            close(record.train_neg_elbo, train_loss),
            "{record:?} vs {train_loss}"
        );
        let test_found = record.test_neg_elbo.expect("a test set was given");
        assert!(close(test_found, test_loss), "{record:?} vs {test_loss}");
    }
    let sum = trainer.var_store().variables()["encoder.0.weight"]
        .sum(tch::Kind::Double)
        .double_value(&[]);
    assert!(
        (sum - encoder_weight_sum).abs() < 1e-3,
        "{sum} vs {encoder_weight_sum}"
    );
}

#[test]
fn equal_seeds_give_equal_histories_and_weights() {
    let (train, test) = (mnist(Split::Train, 1000), mnist(Split::Test, 200));
    let run = |seed| {
        let mut trainer = trainer(short_config(2, seed));
        trainer
            .fit(&train, Some(&test), &mut NullObserver, None)
            .expect("training runs");
        (losses(trainer.history()), weights(trainer.var_store()))
    };
    let (first, first_weights) = run(11);
    let (second, second_weights) = run(11);
    assert_eq!(first, second);
    assert_same_weights(&first_weights, &second_weights);
    let (other, _) = run(12);
    assert_ne!(first, other);
}

#[rstest]
#[case::sgd(OptimizerConfig::sgd(5e-3))]
#[case::adam(OptimizerConfig::adam(1e-3))]
fn a_resumed_run_equals_the_uninterrupted_one(#[case] optimizer: OptimizerConfig) {
    let (train, test) = (mnist(Split::Train, 500), mnist(Split::Test, 200));
    let config = TrainConfig {
        optimizer,
        ..short_config(3, 5)
    };
    let mut straight = trainer(config.clone());
    straight
        .fit(&train, Some(&test), &mut NullObserver, None)
        .expect("training runs");

    let dir = temp_dir();
    let path = dir.path().join("run.safetensors");
    let mut first = trainer(TrainConfig {
        epochs: 1,
        ..config
    });
    first
        .fit(&train, Some(&test), &mut NullObserver, Some(&path))
        .expect("training runs");
    drop(first);
    let checkpoint = Checkpoint::load(&path).expect("a readable checkpoint");
    assert_eq!(checkpoint.epoch(), 1);
    let mut resumed = Trainer::<MlpVae>::resume(&checkpoint, Device::Cpu).expect("resumable");
    resumed.set_epochs(3);
    resumed
        .fit(&train, Some(&test), &mut NullObserver, Some(&path))
        .expect("training runs");

    assert_eq!(losses(resumed.history()), losses(straight.history()));
    assert_eq!(resumed.history().len(), 3);
    assert_same_weights(
        &weights(resumed.var_store()),
        &weights(straight.var_store()),
    );
    // The checkpoint follows: three epochs, same history.
    let checkpoint = Checkpoint::load(&path).expect("a readable checkpoint");
    assert_eq!(losses(checkpoint.history()), losses(straight.history()));
}

/// The tutorial's model with a loss made NaN at one call of `loss`
/// (training and test batches both count: the test pass's negative ELBO is
/// the loss of the tutorials' objective), counted from 1.
#[derive(Debug)]
struct Faulty {
    inner: MlpVae,
    calls: Cell<usize>,
    fail_at: usize,
}

impl Vae for Faulty {
    type Config = MlpVaeConfig;
    type Posterior = MlpPosterior;
    type Prior = DiagonalNormal;

    fn build(path: &nn::Path<'_>, config: &MlpVaeConfig) -> vi_models::Result<Self> {
        Ok(Self {
            inner: MlpVae::new(path, config)?,
            calls: Cell::new(0),
            fail_at: usize::MAX,
        })
    }

    fn config(&self) -> &MlpVaeConfig {
        self.inner.config()
    }

    fn latent_dim(&self) -> i64 {
        self.inner.latent_dim()
    }

    fn device(&self) -> Device {
        self.inner.device()
    }

    fn posterior(&self, images: &Tensor) -> vi_models::Result<MlpPosterior> {
        self.inner.posterior(images)
    }

    fn prior(&self) -> vi_models::Result<DiagonalNormal> {
        self.inner.prior()
    }

    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        self.inner.conditional_log_likelihood(images, z)
    }

    fn decode(&self, z: &Tensor) -> vi_models::Result<Tensor> {
        self.inner.decode(z)
    }

    fn loss(&self, images: &Tensor, objective: &Objective) -> vi_models::Result<Estimate> {
        let call = self.calls.get() + 1;
        self.calls.set(call);
        let estimate = self.inner.loss(images, objective)?;
        Ok(if call == self.fail_at {
            Estimate {
                objective: estimate.objective * f64::NAN,
                surrogate: estimate.surrogate * f64::NAN,
            }
        } else {
            estimate
        })
    }
}

fn faulty_trainer(config: TrainConfig, fail_at: usize) -> Trainer<Faulty> {
    tch::manual_seed(config.seed as i64);
    let var_store = nn::VarStore::new(Device::Cpu);
    let mut model = Faulty::build(&var_store.root(), &MlpVaeConfig::default()).expect("valid");
    model.fail_at = fail_at;
    Trainer::from_parts(var_store, model, config).expect("valid")
}

#[test]
fn a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint() {
    // 3 training and 2 test batches per epoch: call 7 is epoch 2, batch 2.
    let (train, test) = (mnist(Split::Train, 300), mnist(Split::Test, 200));
    let config = short_config(3, 8);
    let dir = temp_dir();
    let path = dir.path().join("run.safetensors");

    let mut trainer = faulty_trainer(config.clone(), 7);
    let error = trainer
        .fit(&train, Some(&test), &mut NullObserver, Some(&path))
        .expect_err("the loss is NaN");
    match &error {
        Error::NonFiniteLoss {
            phase,
            epoch,
            batch,
            value,
        } => {
            assert_eq!((*phase, *epoch, *batch), (Phase::Training, 2, 2));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFiniteLoss, got {other:?}"),
    }
    assert!(error.to_string().contains("epoch 2, batch 2"), "{error}");
    assert_eq!(trainer.history().len(), 1);

    // The checkpoint holds epoch 1, as a clean one-epoch run leaves it.
    let checkpoint = Checkpoint::load(&path).expect("the last good checkpoint");
    assert_eq!(checkpoint.epoch(), 1);
    let mut clean = faulty_trainer(
        TrainConfig {
            epochs: 1,
            ..config
        },
        usize::MAX,
    );
    clean
        .fit(&train, Some(&test), &mut NullObserver, None)
        .expect("training runs");
    assert_eq!(losses(checkpoint.history()), losses(clean.history()));
    let (var_store, _model) = checkpoint
        .restore_model::<MlpVae>(Device::Cpu)
        .expect("a loadable model");
    assert_same_weights(&weights(&var_store), &weights(clean.var_store()));
    // Nothing but the checkpoint is left in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).expect("listable").count(), 1);
}

#[test]
fn a_nan_test_loss_is_reported_as_such_before_any_checkpoint() {
    // Call 4 is epoch 1's first test batch.
    let (train, test) = (mnist(Split::Train, 300), mnist(Split::Test, 200));
    let dir = temp_dir();
    let path = dir.path().join("run.safetensors");
    let mut trainer = faulty_trainer(short_config(2, 8), 4);
    let error = trainer
        .fit(&train, Some(&test), &mut NullObserver, Some(&path))
        .expect_err("the test loss is NaN");
    assert!(
        matches!(
            error,
            Error::NonFiniteLoss {
                phase: Phase::Test,
                epoch: 1,
                batch: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!path.exists());
}

#[test]
fn a_diverging_learning_rate_is_caught() {
    let train = mnist(Split::Train, 2000);
    let mut trainer = trainer(TrainConfig {
        optimizer: OptimizerConfig::sgd(1e4),
        ..short_config(1, 0)
    });
    let error = trainer
        .fit(&train, None, &mut NullObserver, None)
        .expect_err("lr = 1e4 diverges");
    match error {
        Error::NonFiniteLoss {
            phase: Phase::Training,
            epoch: 1,
            batch,
            ..
        } => assert!(batch >= 2, "the first loss is finite, found batch {batch}"),
        other => panic!("expected NonFiniteLoss, got {other:?}"),
    }
}

/// Records the events as text.
#[derive(Default)]
struct Recorder {
    events: Vec<String>,
    batches: Vec<BatchFinished>,
    records: Vec<EpochRecord>,
}

impl Observer for Recorder {
    fn epoch_started(&mut self, event: &EpochStarted) {
        self.events.push(format!(
            "start {}/{} train {} test {}",
            event.epoch, event.epochs, event.train_batches, event.test_batches
        ));
    }

    fn batch_finished(&mut self, event: &BatchFinished) {
        self.events
            .push(format!("{} {}/{}", event.phase, event.batch, event.batches));
        self.batches.push(event.clone());
    }

    fn epoch_finished(&mut self, record: &EpochRecord) {
        self.events.push(format!("end {}", record.epoch));
        self.records.push(record.clone());
    }
}

#[test]
fn observers_hear_each_batch_and_epoch_in_order() {
    // 250 images with drop_last: 2 batches of 100.
    let (train, test) = (mnist(Split::Train, 250), mnist(Split::Test, 200));
    let mut trainer = trainer(short_config(1, 4));
    let mut recorder = Recorder::default();
    trainer
        .fit(&train, Some(&test), &mut recorder, None)
        .expect("training runs");
    assert_eq!(
        recorder.events,
        [
            "start 1/1 train 2 test 2",
            "training 1/2",
            "training 2/2",
            "test 1/2",
            "test 2/2",
            "end 1"
        ]
    );
    let (first, second) = (&recorder.batches[0], &recorder.batches[1]);
    assert_eq!(first.running_loss, first.loss);
    let mean = (first.loss + second.loss) / 2.0;
    assert!((second.running_loss - mean).abs() < 1e-9);
    // The tutorial's epoch loss: Σ loss_b · n_b / N with N = 250.
    let record = &recorder.records[0];
    let expected = (first.loss * 100.0 + second.loss * 100.0) / 250.0;
    assert!((record.train_neg_elbo - expected).abs() < 1e-9);
    assert_eq!(record, &trainer.history().records()[0]);
}

#[test]
fn bad_training_configurations_are_refused() {
    let cases = [
        (
            TrainConfig {
                batch_size: 0,
                ..presets::mlp_vae().training
            },
            "batch_size",
        ),
        (
            TrainConfig {
                optimizer: OptimizerConfig::sgd(-1.0),
                ..presets::mlp_vae().training
            },
            "learning_rate",
        ),
        (
            TrainConfig {
                optimizer: OptimizerConfig::sgd(f64::NAN),
                ..presets::mlp_vae().training
            },
            "learning_rate",
        ),
        (
            TrainConfig {
                optimizer: OptimizerConfig::Adam {
                    learning_rate: 1e-3,
                    beta1: 1.0,
                    beta2: 0.999,
                    eps: 1e-8,
                },
                ..presets::mlp_vae().training
            },
            "beta1",
        ),
    ];
    for (config, field) in cases {
        match Trainer::<MlpVae>::new(&MlpVaeConfig::default(), config, Device::Cpu) {
            Err(Error::InvalidConfig { name, .. }) => assert_eq!(name, field),
            other => panic!("expected InvalidConfig for {field}, got {other:?}"),
        }
    }
}

/// Burda et al.'s staged schedule changes the rate between stages: the
/// change keeps Adam's moments and step count (as assigning torch's
/// `param_group["lr"]` does), so "set to the same rate" is no change at all,
/// another rate changes the next steps, and the configuration records it.
#[test]
fn set_learning_rate_keeps_the_optimizer_state() {
    let train = mnist(Split::Train, 200);
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(1e-3),
        ..short_config(2, 5)
    };
    let mut straight = trainer(config.clone());
    straight
        .fit(&train, None, &mut NullObserver, None)
        .expect("training runs");

    let mut staged = trainer(TrainConfig {
        epochs: 1,
        ..config.clone()
    });
    staged
        .fit(&train, None, &mut NullObserver, None)
        .expect("first stage");
    staged.set_learning_rate(1e-3).expect("a valid rate");
    staged.set_epochs(2);
    staged
        .fit(&train, None, &mut NullObserver, None)
        .expect("second stage");
    assert_same_weights(&weights(straight.var_store()), &weights(staged.var_store()));

    let mut slower = trainer(TrainConfig {
        epochs: 1,
        ..config
    });
    slower
        .fit(&train, None, &mut NullObserver, None)
        .expect("first stage");
    slower.set_learning_rate(1e-4).expect("a valid rate");
    assert_eq!(slower.config().optimizer.learning_rate(), 1e-4);
    slower.set_epochs(2);
    slower
        .fit(&train, None, &mut NullObserver, None)
        .expect("second stage");
    assert_ne!(
        losses(straight.history())[1],
        losses(slower.history())[1],
        "the second epoch ran at another rate"
    );

    let error = slower.set_learning_rate(f64::NAN).expect_err("refused");
    assert!(error.to_string().contains("learning_rate"), "{error}");
    assert_eq!(slower.config().optimizer.learning_rate(), 1e-4);
}
