//! Progress events of a training run, for a caller that reports them (a
//! progress bar, log lines); the trainer itself prints nothing.

use crate::error::Phase;
use crate::train::history::EpochRecord;

/// An epoch begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochStarted {
    /// The epoch, counted from 1.
    pub epoch: usize,
    /// The last epoch of the run.
    pub epochs: usize,
    /// Batches of the training loop.
    pub train_batches: usize,
    /// Batches of the test evaluation (0 without a test set).
    pub test_batches: usize,
}

/// A batch is done.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFinished {
    /// Training or test batch.
    pub phase: Phase,
    /// The epoch, counted from 1.
    pub epoch: usize,
    /// The batch within the phase, counted from 1.
    pub batch: usize,
    /// Batches of the phase in this epoch.
    pub batches: usize,
    /// The batch's loss: the mean negative ELBO over its images, in nats.
    pub loss: f64,
    /// Mean loss of the phase's batches so far, weighted by batch size.
    pub running_loss: f64,
}

/// Receives a training run's events; every method defaults to doing
/// nothing.
///
/// Order per epoch: [`epoch_started`](Self::epoch_started), one
/// [`batch_finished`](Self::batch_finished) per training batch, then one per
/// test batch, then [`epoch_finished`](Self::epoch_finished) with the record
/// that enters the history.
pub trait Observer {
    /// An epoch begins.
    fn epoch_started(&mut self, _event: &EpochStarted) {}

    /// A training or test batch is done.
    fn batch_finished(&mut self, _event: &BatchFinished) {}

    /// An epoch is done (and, in [`Trainer::fit`](crate::Trainer::fit) with
    /// a checkpoint path, saved).
    fn epoch_finished(&mut self, _record: &EpochRecord) {}
}

/// An [`Observer`] that ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullObserver;

impl Observer for NullObserver {}
