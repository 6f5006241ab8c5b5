//! One module per `vi` subcommand.

pub mod bench_matmul;
pub mod exponential_posterior;
pub mod info;
pub mod linear_regression;
pub mod vae_mlp;
