//! Tutorial 1's maximum-likelihood baseline: one linear layer fitted to the
//! mean squared error with Adam (`nn.Linear`, `nn.MSELoss`, `optim.Adam`).

use tch::{Reduction, Tensor, nn};

use crate::descent::{self, LossHistory};
use crate::error::Result;
use crate::layers::torch_linear::torch_linear_parameters;
use crate::validate;

const MODEL: &str = "LinearRegression";

/// Settings of [`LinearRegression`]; `Default` is tutorial 1: a `1 → 1`
/// layer, Adam with learning rate 0.01, 100 full-batch epochs.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegressionConfig {
    /// Input features (at least 1).
    pub in_features: i64,
    /// Output features (at least 1).
    pub out_features: i64,
    /// Full-batch epochs of [`LinearRegression::fit`] (at least 1).
    pub epochs: i64,
    /// Adam's learning rate (positive).
    pub learning_rate: f64,
}

impl Default for LinearRegressionConfig {
    fn default() -> Self {
        Self {
            in_features: 1,
            out_features: 1,
            epochs: 100,
            learning_rate: 0.01,
        }
    }
}

impl LinearRegressionConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming the first
    /// setting out of range.
    pub fn validate(&self) -> Result<()> {
        validate::count_at_least(MODEL, "in_features", self.in_features, 1)?;
        validate::count_at_least(MODEL, "out_features", self.out_features, 1)?;
        validate::count_at_least(MODEL, "epochs", self.epochs, 1)?;
        validate::positive(MODEL, "learning_rate", self.learning_rate)
    }
}

/// `ŷ = x Wᵀ + b`, fitted by minimising `(1/N) Σ‖yₙ − ŷₙ‖²` (the Gaussian
/// maximum-likelihood estimate; tutorial 1's `LinearModel`).
///
/// Parameters `weight: [out, in]` and `bias: [out]` are initialised as
/// PyTorch's `nn.Linear` does — both `U(−1/√in, 1/√in)`, weight first
/// (`kaiming_uniform_(a=√5)`, then the bias) — so a seeded run starts where
/// PyTorch's does. (tch's own `nn::linear` initialises differently.)
#[derive(Debug)]
pub struct LinearRegression {
    weight: Tensor,
    bias: Tensor,
    config: LinearRegressionConfig,
}

impl LinearRegression {
    /// Creates `weight` and `bias` under `path`, drawing their initial values
    /// from libtorch's global generator.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for a setting out
    /// of range; [`Error::Torch`](crate::Error::Torch) if the variables cannot
    /// be created.
    pub fn new(path: &nn::Path<'_>, config: LinearRegressionConfig) -> Result<Self> {
        config.validate()?;
        let (weight, bias) =
            torch_linear_parameters(path, config.in_features, config.out_features)?;
        Ok(Self {
            weight,
            bias,
            config,
        })
    }

    /// The settings this model was built with.
    pub fn config(&self) -> &LinearRegressionConfig {
        &self.config
    }

    /// The weight `W`, shape `[out, in]`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias `b`, shape `[out]`.
    pub fn bias(&self) -> &Tensor {
        &self.bias
    }

    /// `x Wᵀ + b` for `x: [N, in]`, shape `[N, out]` (`F.linear`), without
    /// gradient.
    ///
    /// # Errors
    /// [`Error::InvalidData`](crate::Error::InvalidData) if `x` is not
    /// `[N, in]` floating point.
    pub fn predict(&self, x: &Tensor) -> Result<Tensor> {
        validate::inputs(MODEL, x, self.config.in_features)?;
        Ok(tch::no_grad(|| x.linear(&self.weight, Some(&self.bias))))
    }

    /// Fits the layer to `x: [N, in]`, `y: [N, out]` with `epochs` full-batch
    /// Adam steps on the mean squared error; returns the loss of every epoch.
    ///
    /// A new Adam state is created for each call.
    ///
    /// # Errors
    /// [`Error::InvalidData`](crate::Error::InvalidData) for data of the
    /// wrong shape or dtype; [`Error::Torch`](crate::Error::Torch) if an
    /// optimizer step fails.
    pub fn fit(&self, x: &Tensor, y: &Tensor) -> Result<LossHistory> {
        validate::regression_data(
            MODEL,
            (x, self.config.in_features),
            (y, self.config.out_features),
        )?;
        let optimizer = descent::adam(self.config.learning_rate, &[&self.weight, &self.bias])?;
        let mut history = LossHistory::default();
        descent::descend(
            &optimizer,
            self.config.epochs,
            || {
                let prediction = x.linear(&self.weight, Some(&self.bias));
                Ok(prediction.mse_loss(y, Reduction::Mean))
            },
            |loss| history.losses.push(loss),
        )?;
        Ok(history)
    }
}
