//! The values of the VAE subcommands' enumerated flags: `--device`,
//! `--optimizer` and `--estimator`, with their names and the library values
//! they stand for.

use clap::ValueEnum;
use vi_models::{ElboEstimator, OptimizerConfig};

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
    /// The CPU.
    Cpu,
    /// The first CUDA device; an error if libtorch sees none.
    Cuda,
    /// CUDA if libtorch sees a device, else the CPU.
    Auto,
}

/// The update rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerChoice {
    /// Plain gradient descent, as tutorial 3's loop writes it by hand.
    Sgd,
    /// Adam with torch's betas (0.9, 0.999) and eps 1e-8.
    Adam,
}

impl OptimizerChoice {
    /// The choice behind a stored configuration.
    pub fn of(config: &OptimizerConfig) -> Self {
        match config {
            OptimizerConfig::Sgd { .. } => Self::Sgd,
            OptimizerConfig::Adam { .. } => Self::Adam,
        }
    }

    /// The flag value (`sgd`, `adam`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Adam => "adam",
        }
    }
}

/// The single-sample ELBO estimate a model trains on (`--estimator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorChoice {
    /// `log p(x|z) + log p(z) − log q(z|x)` at one draw: the tutorials'
    /// own loss (tutorial 2's `elbo`, tutorial 4's `compute_loss`).
    MonteCarlo,
    /// `log p(x|z) − KL(q(z|x) ‖ p(z))` with the KL in closed form: the same
    /// expectation with less variance.
    AnalyticKl,
}

impl EstimatorChoice {
    /// The flag value (`monte-carlo`, `analytic-kl`).
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    }
}

impl From<EstimatorChoice> for ElboEstimator {
    fn from(choice: EstimatorChoice) -> Self {
        match choice {
            EstimatorChoice::MonteCarlo => Self::MonteCarlo,
            EstimatorChoice::AnalyticKl => Self::AnalyticKl,
        }
    }
}

impl From<ElboEstimator> for EstimatorChoice {
    fn from(estimator: ElboEstimator) -> Self {
        match estimator {
            ElboEstimator::MonteCarlo => Self::MonteCarlo,
            ElboEstimator::AnalyticKl => Self::AnalyticKl,
        }
    }
}
