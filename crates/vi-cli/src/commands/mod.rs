//! One module per `vi` subcommand.

pub mod exponential_posterior;
pub mod info;
pub mod linear_regression;
