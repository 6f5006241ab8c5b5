//! Full-batch gradient descent for the small models of tutorials 1 and 2:
//! torch's optimizers over exactly a model's own parameters
//! (`optim.Adam(model.parameters(), lr)`, `optim.SGD(…)`), so that a model
//! sharing a `VarStore` with others trains only itself; their loop; and the
//! [`LossHistory`] a fit returns. (The VAEs train with `train/`, whose
//! optimizer state goes into checkpoints.)

use tch::{COptimizer, Tensor};

use crate::error::Result;

/// `torch.optim.Adam(parameters, lr)` with PyTorch's defaults:
/// `betas = (0.9, 0.999)`, `eps = 1e-8`, no weight decay, no AMSGrad.
pub(crate) fn adam(learning_rate: f64, parameters: &[&Tensor]) -> Result<COptimizer> {
    let mut optimizer = COptimizer::adam(learning_rate, 0.9, 0.999, 0.0, 1e-8, false)?;
    for parameter in parameters {
        optimizer.add_parameters(parameter, 0)?;
    }
    Ok(optimizer)
}

/// `torch.optim.SGD(parameters, lr)`: plain gradient descent, no momentum,
/// dampening, weight decay or Nesterov.
pub(crate) fn sgd(learning_rate: f64, parameters: &[&Tensor]) -> Result<COptimizer> {
    let mut optimizer = COptimizer::sgd(learning_rate, 0.0, 0.0, 0.0, false)?;
    for parameter in parameters {
        optimizer.add_parameters(parameter, 0)?;
    }
    Ok(optimizer)
}

/// The tutorials' loop, `steps` times: `zero_grad`, evaluate `loss()` (a
/// scalar), `backward`, hand its value to `before_step`, then `step` — so
/// the values seen are the losses before each update, as the tutorials
/// print them.
pub(crate) fn descend(
    optimizer: &COptimizer,
    steps: i64,
    mut loss: impl FnMut() -> Result<Tensor>,
    mut before_step: impl FnMut(f64),
) -> Result<()> {
    for _ in 0..steps {
        optimizer.zero_grad()?;
        let value = loss()?;
        value.backward();
        before_step(value.double_value(&[]));
        optimizer.step()?;
    }
    Ok(())
}

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
