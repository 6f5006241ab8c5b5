//! The parameter update of [`OptimizerConfig`], with its state held as named
//! tensors so that checkpoints can save and restore it (tch's
//! `nn::Optimizer` cannot export Adam's moments).

use tch::{Tensor, nn};

use crate::train::config::OptimizerConfig;

/// Prefix of the optimizer's tensors in a checkpoint.
pub(crate) const STATE_PREFIX: &str = "optimizer.";

/// Updates the trainable variables of a `VarStore` in place.
#[derive(Debug)]
pub(crate) struct Optimizer {
    config: OptimizerConfig,
    /// Trainable variables by name, sorted; shallow clones of the store's.
    parameters: Vec<(String, Tensor)>,
    /// Adam's `(exp_avg, exp_avg_sq)` per parameter, in the order of
    /// `parameters`; empty for SGD.
    moments: Vec<(Tensor, Tensor)>,
    /// Updates made so far (Adam's `t`).
    steps: u64,
}

impl Optimizer {
    pub(crate) fn new(config: OptimizerConfig, var_store: &nn::VarStore) -> Self {
        let mut parameters: Vec<(String, Tensor)> = var_store
            .variables()
            .into_iter()
            .filter(|(_, tensor)| tensor.requires_grad())
            .collect();
        parameters.sort_by(|a, b| a.0.cmp(&b.0));
        let moments = match config {
            OptimizerConfig::Sgd { .. } => Vec::new(),
            OptimizerConfig::Adam { .. } => parameters
                .iter()
                .map(|(_, p)| (p.zeros_like(), p.zeros_like()))
                .collect(),
        };
        Self {
            config,
            parameters,
            moments,
            steps: 0,
        }
    }

    pub(crate) fn zero_grad(&mut self) {
        for (_, parameter) in &mut self.parameters {
            parameter.zero_grad();
        }
    }

    /// One update from the gradients left by `backward`.
    pub(crate) fn step(&mut self) {
        self.steps += 1;
        let steps = self.steps as f64;
        let parameters = &mut self.parameters;
        let moments = &mut self.moments;
        tch::no_grad(|| match self.config {
            OptimizerConfig::Sgd { learning_rate } => {
                for (_, parameter) in parameters.iter_mut() {
                    // The tutorial's `param -= learning_rate * param.grad`.
                    let _ = parameter.g_sub_(&(parameter.grad() * learning_rate));
                }
            }
            OptimizerConfig::Adam {
                learning_rate,
                beta1,
                beta2,
                eps,
            } => {
                // torch.optim.Adam's single-tensor update (torch 2.13).
                let bias_correction1 = 1.0 - beta1.powf(steps);
                let bias_correction2_sqrt = (1.0 - beta2.powf(steps)).sqrt();
                let step_size = learning_rate / bias_correction1;
                for ((_, parameter), (m, v)) in parameters.iter_mut().zip(moments.iter_mut()) {
                    let grad = parameter.grad();
                    let _ = m.lerp_(&grad, 1.0 - beta1);
                    let _ = v.g_mul_scalar_(beta2);
                    let _ = v.g_add_(&(&grad * (1.0 - beta2) * &grad));
                    let denom = v.sqrt() / bias_correction2_sqrt + eps;
                    let _ = parameter.g_sub_(&(&*m / denom * step_size));
                }
            }
        });
    }

    /// Changes the step size from the next update on, keeping the state
    /// (Adam's moments and step count), as setting `param_group["lr"]` of a
    /// torch optimizer does.
    pub(crate) fn set_learning_rate(&mut self, learning_rate: f64) {
        self.config = self.config.with_learning_rate(learning_rate);
    }

    /// Updates made so far.
    pub(crate) fn steps(&self) -> u64 {
        self.steps
    }

    /// Sets the count of updates made, when restoring a checkpoint.
    pub(crate) fn set_steps(&mut self, steps: u64) {
        self.steps = steps;
    }

    /// The state to checkpoint, sharing storage with the optimizer's (so
    /// copying into them restores it): Adam's moments as
    /// `optimizer.exp_avg.<parameter>` and `optimizer.exp_avg_sq.<parameter>`,
    /// nothing for SGD.
    pub(crate) fn state(&self) -> Vec<(String, Tensor)> {
        let named = |kind: &str, pick: fn(&(Tensor, Tensor)) -> &Tensor| {
            self.parameters
                .iter()
                .zip(&self.moments)
                .map(|((name, _), moments)| {
                    (
                        format!("{STATE_PREFIX}{kind}.{name}"),
                        pick(moments).shallow_clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let mut state = named("exp_avg", |moments| &moments.0);
        state.extend(named("exp_avg_sq", |moments| &moments.1));
        state
    }
}
