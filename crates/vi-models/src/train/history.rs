//! The per-epoch record of a training run: what tutorial 3 plots, plus
//! timings.

use serde::{Deserialize, Serialize};

/// One epoch's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// The epoch, counted from 1.
    pub epoch: usize,
    /// Training negative ELBO in nats, as tutorial 3 reports it:
    /// `Σ_b loss_b · n_b / N`, with `loss_b` the batch mean of the
    /// per-example negative ELBO, `n_b` the batch size and `N` the size of
    /// the data set. With `drop_last` and `N` not a multiple of the batch
    /// size this is slightly below the mean over the batches seen.
    pub train_neg_elbo: f64,
    /// Test negative ELBO in nats with the same formula, binarization and
    /// loader settings, without gradient; `None` when no test set was given.
    pub test_neg_elbo: Option<f64>,
    /// Wall-clock seconds of the epoch's training loop.
    pub train_seconds: f64,
    /// Wall-clock seconds of the epoch's test evaluation (0 without one).
    pub test_seconds: f64,
}

/// The records of the epochs completed so far, in order; a resumed run
/// continues the history stored in its checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    records: Vec<EpochRecord>,
}

impl History {
    /// The records, epoch 1 first.
    pub fn records(&self) -> &[EpochRecord] {
        &self.records
    }

    /// The last completed epoch's record.
    pub fn last(&self) -> Option<&EpochRecord> {
        self.records.last()
    }

    /// Number of completed epochs.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no epoch has completed.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub(crate) fn push(&mut self, record: EpochRecord) {
        self.records.push(record);
    }

    /// Whether the records are epochs `1, 2, …, len` in order.
    pub(crate) fn is_consecutive(&self) -> bool {
        self.records
            .iter()
            .enumerate()
            .all(|(i, record)| record.epoch == i + 1)
    }
}
