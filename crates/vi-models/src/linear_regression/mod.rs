//! Tutorial 1: linear regression on `y = 2x + 1 + 0.5ε`, fitted by maximum
//! likelihood ([`LinearRegression`]) and by mean-field variational inference
//! ([`BayesianLinearRegression`]), next to the exact posterior the conjugate
//! model allows ([`ConjugatePosterior`]).

pub(crate) mod bayesian;
mod conjugate_posterior;
mod mle;

pub use bayesian::{BayesianLinearRegression, BayesianLinearRegressionConfig, Predictive};
pub use conjugate_posterior::ConjugatePosterior;
pub use mle::{LinearRegression, LinearRegressionConfig};
