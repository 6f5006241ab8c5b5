//! One module per `vi` subcommand.

pub mod bench_matmul;
pub mod cvae;
pub mod exponential_posterior;
pub mod info;
pub mod linear_regression;
pub mod vae_conv;
pub mod vae_mlp;
