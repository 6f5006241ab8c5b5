//! The tutorials' optimizers over exactly a model's own parameters
//! (`optim.Adam(model.parameters(), lr)`, `optim.SGD(…)`), so that a model
//! sharing a `VarStore` with others trains only itself, and their training
//! loop.

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
