//! The training loop shared by the VAEs: tutorial 3's epoch (gradient
//! steps on the batch mean of the configured objective's surrogate, then a
//! test pass on the negative ELBO), with seeded epochs, divergence
//! detection, progress events and checkpoints.

use std::path::Path;
use std::time::Instant;

use tch::{Device, Kind, Tensor, nn};
use vi_data::{BatchOptions, ImageDataset};

use crate::error::{Error, Phase, Result};
use crate::train::checkpoint::{self, Checkpoint, CheckpointContents};
use crate::train::config::TrainConfig;
use crate::train::data_selection::DataSelection;
use crate::train::evaluate::{
    BatchLoss, ImportanceSampling, mean_log_likelihood, negative_elbo_pass,
};
use crate::train::gradient_snr::{GradientSnr, gradient_snr};
use crate::train::history::{EpochRecord, History};
use crate::train::observer::{BatchFinished, EpochStarted, Observer};
use crate::train::optimizer::Optimizer;
use crate::train::streams::Stream;
use crate::vae::{Architecture, Objective, Vae};

/// Trains a [`Vae`] as tutorial 3 does, and records its [`History`].
///
/// Each epoch `e` (counted from 1) seeds libtorch's generator from the run's
/// seed and [`Stream::Epoch`]`(e)`, then:
/// 1. training: for each batch of [`TrainConfig::batch_options`] (shuffled,
///    binarized), the model's [`Vae::loss`] for [`TrainConfig::objective`]
///    is formed; `mean_b(−surrogate)` is checked to be finite (and so is
///    the objective's value), back-propagated, and the optimizer steps
///    (with the tutorials' objective the surrogate is the one-sample
///    ELBO: `mean_b(−ELBO)`, tutorial 3's loss);
/// 2. test (when a test set is given): the negative ELBO by the model's
///    estimator ([`Vae::negative_elbo`]) on the test set's batches, without
///    gradient, whatever the training objective, so that runs with
///    different objectives compare.
///
/// Both are reported as tutorial 3 does, `Σ_b loss_b · n_b / N`; the
/// training one is the negative of the objective's value (see
/// [`EpochRecord`]).
///
/// ```no_run
/// use std::path::Path;
/// use tch::Device;
/// use vi_data::{Collection, ImageDataset, Split};
/// use vi_models::{MlpVae, NullObserver, Trainer, presets};
///
/// let data = Path::new("data");
/// let train = ImageDataset::load(data, Collection::Mnist, Split::Train)?;
/// let test = ImageDataset::load(data, Collection::Mnist, Split::Test)?;
/// let tutorial_3 = presets::mlp_vae();
/// let mut trainer = Trainer::<MlpVae>::new(&tutorial_3.model, tutorial_3.training, Device::Cpu)?;
/// let checkpoint = Path::new("results/vae-mlp.checkpoint.safetensors");
/// let history = trainer.fit(&train, Some(&test), &mut NullObserver, Some(checkpoint))?;
/// assert_eq!(history.len(), 20);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Trainer<M: Vae> {
    var_store: nn::VarStore,
    model: M,
    config: TrainConfig,
    optimizer: Optimizer,
    history: History,
    data: Option<DataSelection>,
}

impl<M: Vae> Trainer<M> {
    /// Seeds libtorch's generator with `config.seed`, builds the model on
    /// `device` and prepares the optimizer: the start of a fresh run.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for either configuration out of range;
    /// [`Error::UnsupportedObjective`] for an objective the model's
    /// posterior cannot serve.
    pub fn new(model_config: &M::Config, config: TrainConfig, device: Device) -> Result<Self> {
        config.validate()?;
        Stream::Initialization.seed_libtorch(config.seed);
        let var_store = nn::VarStore::new(device);
        let model = M::build(&var_store.root(), model_config)?;
        Self::from_parts(var_store, model, config)
    }

    /// A trainer for a model built by the caller, whose trainable
    /// parameters are those of `var_store`. Nothing is seeded here.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a configuration out of range;
    /// [`Error::UnsupportedObjective`] for an objective the model's
    /// posterior cannot serve.
    pub fn from_parts(var_store: nn::VarStore, model: M, config: TrainConfig) -> Result<Self> {
        config.validate()?;
        model.check_objective(&config.objective)?;
        let optimizer = Optimizer::new(config.optimizer, &var_store);
        Ok(Self {
            var_store,
            model,
            config,
            optimizer,
            history: History::default(),
            data: None,
        })
    }

    /// Continues the run stored in `checkpoint` on `device`: its model,
    /// optimizer state, configuration and history. [`fit`](Self::fit) then
    /// runs the remaining epochs, drawing what the uninterrupted run would
    /// have drawn; [`set_epochs`](Self::set_epochs) extends the run.
    ///
    /// # Errors
    /// As [`Checkpoint::restore_model`]; [`Error::CheckpointMismatch`] if the
    /// optimizer state does not fit the stored optimizer.
    pub fn resume(checkpoint: &Checkpoint, device: Device) -> Result<Self> {
        let (var_store, model) = checkpoint.restore_model::<M>(device)?;
        let mut trainer = Self::from_parts(var_store, model, checkpoint.train_config().clone())?;
        checkpoint.restore_optimizer(&mut trainer.optimizer)?;
        trainer.history = checkpoint.history().clone();
        trainer.data = checkpoint.data_selection().cloned();
        Ok(trainer)
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model's variables.
    pub fn var_store(&self) -> &nn::VarStore {
        &self.var_store
    }

    /// The training configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The epochs completed so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The data the run trains on, as the caller described it; `None`
    /// until [`set_data_selection`](Self::set_data_selection) (or, resumed,
    /// as the checkpoint recorded it).
    pub fn data_selection(&self) -> Option<&DataSelection> {
        self.data.as_ref()
    }

    /// Records what the run trains and is tested on in every checkpoint
    /// written from now on, so that a run resumed from one can refuse other
    /// data. The trainer does not check it against the data sets it is
    /// given: that is the caller's description.
    pub fn set_data_selection(&mut self, data: DataSelection) {
        self.data = Some(data);
    }

    /// Sets the number of epochs of the complete run (for instance to
    /// extend a resumed run); it never undoes completed epochs.
    pub fn set_epochs(&mut self, epochs: usize) {
        self.config.epochs = epochs;
    }

    /// Sets the step size of the updates from now on (Burda et al. 2015's
    /// schedule lowers it in stages), keeping the optimizer's state: Adam's
    /// moments and step count carry over, as when a torch training loop
    /// assigns `param_group["lr"]`. The configuration, hence the next
    /// checkpoint, records the new rate.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a rate that is not positive and finite
    /// (nothing is changed then).
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        let optimizer = self.config.optimizer.with_learning_rate(learning_rate);
        TrainConfig {
            optimizer,
            ..self.config.clone()
        }
        .validate()?;
        self.config.optimizer = optimizer;
        self.optimizer.set_learning_rate(learning_rate);
        Ok(())
    }

    /// Gives back the variables, the model and the history.
    pub fn into_parts(self) -> (nn::VarStore, M, History) {
        (self.var_store, self.model, self.history)
    }

    /// Runs the epochs after the last completed one up to
    /// `config().epochs`. After each, the record joins the history, the
    /// checkpoint (if a path is given) is written atomically, then the
    /// observer hears [`epoch_finished`](Observer::epoch_finished).
    ///
    /// # Errors
    /// [`Error::NonFiniteLoss`] naming the epoch and batch where a loss was
    /// NaN or infinite (the checkpoint then still holds the last complete
    /// epoch); vi-data's errors for the batches; [`Error::Write`] if the
    /// checkpoint cannot be written; the model's errors.
    pub fn fit(
        &mut self,
        train: &ImageDataset,
        test: Option<&ImageDataset>,
        observer: &mut dyn Observer,
        checkpoint: Option<&Path>,
    ) -> Result<&History> {
        while self.history.len() < self.config.epochs {
            let record = self.run_epoch(train, test, observer)?;
            self.history.push(record);
            if let Some(path) = checkpoint {
                self.save_checkpoint(path)?;
            }
            if let Some(record) = self.history.last() {
                observer.epoch_finished(record);
            }
        }
        Ok(&self.history)
    }

    /// Runs one more epoch (even past `config().epochs`), without
    /// checkpointing, and returns its record.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn train_epoch(
        &mut self,
        train: &ImageDataset,
        test: Option<&ImageDataset>,
        observer: &mut dyn Observer,
    ) -> Result<&EpochRecord> {
        let record = self.run_epoch(train, test, observer)?;
        self.history.push(record);
        let record = &self.history.records()[self.history.len() - 1];
        observer.epoch_finished(record);
        Ok(record)
    }

    /// Writes the run's state (model, optimizer, configurations, history)
    /// to `path` atomically; see [`Checkpoint`] for the layout.
    ///
    /// # Errors
    /// [`Error::Write`] if the file cannot be written.
    pub fn save_checkpoint(&self, path: &Path) -> Result<()> {
        let mut tensors: Vec<(String, Tensor)> = self.var_store.variables().into_iter().collect();
        tensors.sort_by(|a, b| a.0.cmp(&b.0));
        tensors.extend(self.optimizer.state());
        let model_config =
            serde_json::to_string(self.model.config()).map_err(|error| Error::InvalidConfig {
                model: "Trainer",
                name: "model configuration",
                expected: "representable in JSON",
                found: error.to_string(),
            })?;
        checkpoint::write(
            path,
            &CheckpointContents {
                architecture: <M::Config as Architecture>::NAME,
                model_config,
                train_config: &self.config,
                history: &self.history,
                optimizer_steps: self.optimizer.steps(),
                data: self.data.as_ref(),
                tensors,
            },
        )
    }

    /// The mean importance-sampled test log-likelihood of the current model
    /// ([`mean_log_likelihood`] over every image of `data`, in order,
    /// binarized as in training), with libtorch's generator seeded for
    /// [`Stream::LogLikelihood`] so that it is reproducible.
    ///
    /// # Errors
    /// As [`mean_log_likelihood`].
    pub fn log_likelihood(
        &self,
        data: &ImageDataset,
        sampling: &ImportanceSampling,
    ) -> Result<f64> {
        Stream::LogLikelihood.seed_libtorch(self.config.seed);
        let options = BatchOptions {
            shuffle: false,
            drop_last: false,
            ..self.config.batch_options(self.var_store.device())
        };
        mean_log_likelihood(&self.model, data, &options, sampling)
    }

    /// The gradient signal-to-noise ratio of `objective`'s estimator at the
    /// current parameters on the batch `images` ([`gradient_snr`], which
    /// see), with libtorch's generator seeded from the run's seed
    /// ([`Stream::GradientSnr`]) so that it is reproducible.
    ///
    /// # Errors
    /// As [`gradient_snr`].
    pub fn gradient_snr(
        &self,
        images: &Tensor,
        objective: &Objective,
        repeats: usize,
    ) -> Result<GradientSnr> {
        Stream::GradientSnr.seed_libtorch(self.config.seed);
        gradient_snr(&self.model, &self.var_store, images, objective, repeats)
    }

    /// One epoch's training and test passes; the record is not yet pushed.
    fn run_epoch(
        &mut self,
        train: &ImageDataset,
        test: Option<&ImageDataset>,
        observer: &mut dyn Observer,
    ) -> Result<EpochRecord> {
        let epoch = self.history.len() + 1;
        Stream::Epoch(epoch).seed_libtorch(self.config.seed);
        let options = self.config.batch_options(self.var_store.device());
        let batches = train.batches(&options)?;
        let train_batches = batches.len();
        observer.epoch_started(&EpochStarted {
            epoch,
            epochs: self.config.epochs.max(epoch),
            train_batches,
            test_batches: test.map_or(0, |test| self.batch_count(test.len())),
        });

        let start = Instant::now();
        let num_data = train.len() as f64;
        let mut running = RunningLoss::default();
        let mut train_neg_elbo = 0.0;
        let objective = self.config.objective;
        for (index, batch) in batches.enumerate() {
            let images = batch.images.size()[0] as usize;
            let (loss, value) = self.training_loss(&batch.images, &objective, epoch, index + 1)?;
            self.optimizer.zero_grad();
            loss.backward();
            self.optimizer.step();
            train_neg_elbo += value * images as f64 / num_data;
            observer.batch_finished(&BatchFinished {
                phase: Phase::Training,
                epoch,
                batch: index + 1,
                batches: train_batches,
                loss: value,
                running_loss: running.add(value, images),
            });
        }
        let train_seconds = start.elapsed().as_secs_f64();

        let start = Instant::now();
        let test_neg_elbo = match test {
            None => None,
            Some(test) => {
                let mut running = RunningLoss::default();
                // Unchecked constructors, as in the training step: each
                // batch's loss is checked by `finite`.
                let pass = vi_core::validation::without_validation(|| {
                    negative_elbo_pass(&self.model, test, &options, |batch: BatchLoss| {
                        let (_, value) = finite(Phase::Test, epoch, batch.batch, batch.loss)?;
                        observer.batch_finished(&BatchFinished {
                            phase: Phase::Test,
                            epoch,
                            batch: batch.batch,
                            batches: batch.batches,
                            loss: value,
                            running_loss: running.add(value, batch.images),
                        });
                        Ok(value)
                    })
                });
                Some(pass?)
            }
        };
        Ok(EpochRecord {
            epoch,
            train_neg_elbo,
            test_neg_elbo,
            train_seconds,
            test_seconds: if test.is_some() {
                start.elapsed().as_secs_f64()
            } else {
                0.0
            },
        })
    }

    /// One batch's loss to back-propagate, `mean_b(−surrogate)`, and the
    /// value to report, `mean_b(−objective)`; both checked to be finite.
    fn training_loss(
        &self,
        images: &Tensor,
        objective: &Objective,
        epoch: usize,
        batch: usize,
    ) -> Result<(Tensor, f64)> {
        // The network's outputs go straight into vi-core's constructors;
        // their value checks (one host synchronization each) are skipped
        // here, as torch's `validate_args=False` would: a non-finite output
        // still surfaces, as a non-finite loss, in the check just below.
        let loss = vi_core::validation::without_validation(|| self.model.loss(images, objective));
        let estimate = match loss {
            Ok(estimate) => estimate,
            Err(error) => return finite(Phase::Training, epoch, batch, Err(error)),
        };
        // `−surrogate`, then the mean: tutorial 3's `loss_func(...).mean()`
        // op for op when the surrogate is the ELBO itself.
        let loss = (-&estimate.surrogate).mean(Kind::Float);
        let (loss, _) = finite(Phase::Training, epoch, batch, Ok(loss))?;
        let reported = (-&estimate.objective).mean(Kind::Float);
        let (_, value) = finite(Phase::Training, epoch, batch, Ok(reported))?;
        Ok((loss, value))
    }

    /// Batches per epoch of a data set of `len` images.
    fn batch_count(&self, len: usize) -> usize {
        let size = self.config.batch_size;
        if self.config.drop_last {
            len / size
        } else {
            len.div_ceil(size)
        }
    }
}

/// The loss's value, or [`Error::NonFiniteLoss`] if it is not finite or
/// could not be formed because the network's outputs were not finite
/// (vi-core refuses such distribution parameters).
fn finite(phase: Phase, epoch: usize, batch: usize, loss: Result<Tensor>) -> Result<(Tensor, f64)> {
    let diverged = |value| Error::NonFiniteLoss {
        phase,
        epoch,
        batch,
        value,
    };
    match loss {
        Ok(loss) => {
            let value = loss.double_value(&[]);
            if value.is_finite() {
                Ok((loss, value))
            } else {
                Err(diverged(value))
            }
        }
        Err(Error::Core(vi_core::Error::InvalidParameter { .. })) => Err(diverged(f64::NAN)),
        Err(error) => Err(error),
    }
}

/// Mean of the batch losses so far, weighted by batch size.
#[derive(Default)]
struct RunningLoss {
    total: f64,
    images: usize,
}

impl RunningLoss {
    fn add(&mut self, loss: f64, images: usize) -> f64 {
        self.total += loss * images as f64;
        self.images += images;
        self.total / self.images as f64
    }
}
