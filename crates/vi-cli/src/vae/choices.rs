//! The values of the VAE subcommands' enumerated flags: `--device`,
//! `--optimizer`, `--estimator`, `--objective`, `--dataset`, and the MLP
//! VAE's `--activation`, `--posterior` and `--likelihood`, with their names
//! and the library values they stand for.

use clap::ValueEnum;
use vi_data::Collection;
use vi_models::{Activation, ElboEstimator, Objective, OptimizerConfig};

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

/// The training objective (`--objective`); its sample count is `--k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveChoice {
    /// The ELBO averaged over k draws, by the model's estimator (the
    /// tutorials' objective with k = 1).
    Elbo,
    /// The ELBO with the "sticking the landing" path-derivative gradient
    /// (Roeder et al. 2017).
    Stl,
    /// The importance-weighted bound L_k with its reparameterized gradient
    /// (Burda et al. 2015).
    Iwae,
    /// L_k with the doubly reparameterized gradient (Tucker et al. 2019).
    Dreg,
    /// The variational Rényi bound of order --alpha (Li & Turner 2016).
    Renyi,
    /// L_k with the VIMCO score-function gradient (Mnih & Rezende 2016).
    Vimco,
    /// The ELBO with the score-function gradient and a leave-one-out
    /// baseline over k draws.
    ScoreFunction,
}

/// `--k` when it is not given: one draw for the ELBO and STL (the
/// tutorials' objective), five for the others (the middle of Burda et al.'s
/// k = 1, 5, 50; VIMCO and the score-function ELBO need at least two).
pub const DEFAULT_MULTI_SAMPLE_K: usize = 5;

/// `--alpha` when the Rényi objective is chosen without it: ½, the
/// Hellinger-like middle of Li & Turner's range.
pub const DEFAULT_ALPHA: f64 = 0.5;

impl ObjectiveChoice {
    /// The choice behind an objective.
    pub fn of(objective: &Objective) -> Self {
        match objective {
            Objective::Elbo { .. } => Self::Elbo,
            Objective::Stl { .. } => Self::Stl,
            Objective::Iwae { .. } => Self::Iwae,
            Objective::Dreg { .. } => Self::Dreg,
            Objective::Renyi { .. } => Self::Renyi,
            Objective::Vimco { .. } => Self::Vimco,
            Objective::ScoreFunction { .. } => Self::ScoreFunction,
        }
    }

    /// `--k`'s default for this objective.
    pub fn default_k(self) -> usize {
        match self {
            Self::Elbo | Self::Stl => 1,
            _ => DEFAULT_MULTI_SAMPLE_K,
        }
    }

    /// The objective with `k` draws (and `alpha` for Rényi).
    pub fn objective(self, k: usize, alpha: f64) -> Objective {
        match self {
            Self::Elbo => Objective::Elbo { samples: k },
            Self::Stl => Objective::Stl { samples: k },
            Self::Iwae => Objective::Iwae { k },
            Self::Dreg => Objective::Dreg { k },
            Self::Renyi => Objective::Renyi { alpha, k },
            Self::Vimco => Objective::Vimco { k },
            Self::ScoreFunction => Objective::ScoreFunction { samples: k },
        }
    }
}

/// The data set (`--dataset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetChoice {
    /// LeCun, Cortes and Burges's handwritten digits.
    Mnist,
    /// Zalando's article images, in MNIST's format.
    FashionMnist,
}

impl From<DatasetChoice> for Collection {
    fn from(choice: DatasetChoice) -> Self {
        match choice {
            DatasetChoice::Mnist => Self::Mnist,
            DatasetChoice::FashionMnist => Self::FashionMnist,
        }
    }
}

/// The hidden layers' nonlinearity (`--activation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActivationChoice {
    /// max(x, 0), the tutorial's.
    Relu,
    /// tanh x, Burda et al.'s.
    Tanh,
}

impl From<ActivationChoice> for Activation {
    fn from(choice: ActivationChoice) -> Self {
        match choice {
            ActivationChoice::Relu => Self::Relu,
            ActivationChoice::Tanh => Self::Tanh,
        }
    }
}

/// The MLP VAE's posterior family (`--posterior`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PosteriorChoice {
    /// A diagonal Gaussian, the tutorial's.
    Gaussian,
    /// The Gaussian pushed through inverse autoregressive flow steps
    /// (Kingma et al. 2016; --flow-steps, --flow-hidden).
    Iaf,
}

/// The MLP VAE's observation model (`--likelihood`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LikelihoodChoice {
    /// Bernoulli pixels on binarized images, the tutorial's.
    Bernoulli,
    /// Gaussian grey levels in [0, 1], not binarized (--sigma).
    Gaussian,
}
