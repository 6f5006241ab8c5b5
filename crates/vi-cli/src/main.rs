//! `vi`: reproduces the variational-inference tutorials from the command line.
//!
//! Flags are parsed into typed arguments and then into validated model
//! configurations before anything runs (clap; a usage error exits with code
//! 2), then the subcommand runs; a runtime error prints its chain of causes
//! and exits with code 1.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod commands;
mod output;
mod tensor_values;
mod versions;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

use commands::{exponential_posterior, info, linear_regression};

/// Variational inference on libtorch: the tutorials' experiments, reproduced.
///
/// Each experiment writes its figures (PNG), curves (CSV) and key numbers
/// (summary.json) into one folder, replaced as a whole when the run
/// succeeds.
#[derive(Debug, Parser)]
#[command(name = "vi", version = versions::SHORT, long_version = versions::LONG)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tutorial 1: MLE vs mean-field Bayesian linear regression, with the
    /// exact posterior for reference.
    #[command(name = linear_regression::COMMAND, visible_alias = "linreg")]
    LinearRegression(linear_regression::Args),

    /// Tutorial 2, first half: the exponential posterior — grid posterior,
    /// optimal θ*, KL curve and SGD on the ELBO.
    #[command(name = exponential_posterior::COMMAND, visible_alias = "exponential")]
    ExponentialPosterior(exponential_posterior::Args),

    /// Show the versions and the compute devices libtorch sees.
    Info(info::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::LinearRegression(args) => {
            let plan = args
                .plan()
                .unwrap_or_else(|message| usage_error(linear_regression::COMMAND, &message));
            linear_regression::run(&plan)
        }
        Command::ExponentialPosterior(args) => {
            let plan = args
                .plan()
                .unwrap_or_else(|message| usage_error(exponential_posterior::COMMAND, &message));
            exponential_posterior::run(&plan)
        }
        Command::Info(args) => info::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Reports flags that parse one by one but not together as clap does for
/// any usage error — the message, the subcommand's usage line — and exits
/// with code 2.
fn usage_error(subcommand: &str, message: &str) -> ! {
    let mut command = Cli::command();
    command.build();
    match command.find_subcommand_mut(subcommand) {
        Some(sub) => sub.error(ErrorKind::ValueValidation, message).exit(),
        None => command.error(ErrorKind::ValueValidation, message).exit(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
