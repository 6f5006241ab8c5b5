//! What a training run returns: the loss of every epoch, for the caller to
//! report, plot or compare.

/// The training loss per epoch, in order: `losses[e]` is the loss evaluated
/// at epoch `e` before that epoch's optimizer step (what the tutorials'
/// loops hold in `loss` when they call `optimizer.step()`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LossHistory {
    /// One loss per epoch.
    pub losses: Vec<f64>,
}

impl LossHistory {
    /// The last epoch's loss (the tutorials' "final loss"), `None` before
    /// any epoch ran.
    pub fn final_loss(&self) -> Option<f64> {
        self.losses.last().copied()
    }
}
