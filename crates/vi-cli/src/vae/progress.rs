//! Training progress on stderr: a progress bar over each epoch's batches
//! (with the running loss) when stderr is a terminal, and one log line per
//! finished epoch either way.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vi_fs::errln;
use vi_models::{BatchFinished, EpochRecord, EpochStarted, Observer, Phase};

/// Reports a [`vi_models::Trainer`]'s events.
#[derive(Debug)]
pub struct Progress {
    /// Draw bars (stderr is a terminal).
    interactive: bool,
    bar: Option<ProgressBar>,
    /// Last epoch of the run, for the `epoch 3/20` of the log lines.
    epochs: usize,
}

impl Progress {
    /// Bars if stderr is a terminal, plain lines otherwise.
    pub fn new() -> Self {
        Self {
            interactive: std::io::stderr().is_terminal(),
            bar: None,
            epochs: 0,
        }
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Observer for Progress {
    fn epoch_started(&mut self, event: &EpochStarted) {
        self.epochs = event.epochs;
        if !self.interactive {
            return;
        }
        self.clear();
        let total = (event.train_batches + event.test_batches) as u64;
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        // The template is a constant; a fault in it would only lose the bar's style.
        if let Ok(style) = ProgressStyle::with_template(
            "epoch {prefix} [{bar:20}] {pos}/{len} batches  {msg}  {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(format!("{}/{}", event.epoch, event.epochs));
        self.bar = Some(bar);
    }

    fn batch_finished(&mut self, event: &BatchFinished) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            let phase = match event.phase {
                Phase::Training => "train",
                Phase::Test => "test",
            };
            bar.set_message(format!("{phase} −ELBO {:.2}", event.running_loss));
        }
    }

    fn epoch_finished(&mut self, record: &EpochRecord) {
        self.clear();
        let test = record
            .test_neg_elbo
            .map_or_else(|| "-".to_owned(), |loss| format!("{loss:.4}"));
        errln!(
            "epoch {:>3}/{}  train −ELBO {:.4}  test −ELBO {test}  ({:.1} s + {:.1} s test)",
            record.epoch,
            self.epochs.max(record.epoch),
            record.train_neg_elbo,
            record.train_seconds,
            record.test_seconds,
        );
    }
}

impl Drop for Progress {
    /// A run that stops with an error leaves no half-drawn bar behind.
    fn drop(&mut self) {
        self.clear();
    }
}
