//! `vi`: reproduces the variational-inference tutorials from the command line.
//!
//! Flags are parsed into typed arguments and then into validated model
//! configurations before anything runs (clap; a usage error exits with code
//! 2), then the subcommand runs; a runtime error prints its chain of causes
//! and exits with code 1.
//!
//! Everything is printed through vi-fs's `outln!`/`errln!` (clippy refuses
//! `println!` here): a closed stdout or stderr — `vi … | head -1`, a pager
//! quit early — never stops a run, which finishes and writes its results
//! and checkpoint as if the stream were open.

mod allocator;
mod args;
mod bounds;
mod commands;
mod failure;
mod output;
mod ownership;
mod tensor_values;
mod vae;
mod versions;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use commands::cvae::Cvae;
use commands::vae_binary::VaeBinary;
use commands::vae_conv::VaeConv;
use commands::vae_mlp::VaeMlp;
use commands::{
    Experiment, bench_matmul, cvae, estimator_study, exponential_posterior, info,
    linear_regression, vae_binary, vae_conv, vae_mlp,
};
use vae::VaeCommand;

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

    /// Tutorial 3: the MLP VAE on binarized MNIST — training with
    /// checkpoints, ELBO curves, reconstructions, samples, the latent
    /// manifold and an importance-sampled log-likelihood.
    #[command(name = VaeMlp::NAME, visible_alias = "mlp-vae")]
    VaeMlp(vae_mlp::Args),

    /// Tutorial 2, second half: the convolutional VAE with a Gaussian
    /// decoder fitted to one training image repeated 25,600 times — the L1
    /// norm of its posterior mean and its average σ per epoch, and the
    /// image's reconstruction.
    #[command(name = VaeConv::NAME, visible_aliases = ["conv-vae", "gaussian-conv-vae"])]
    VaeConv(vae_conv::Args),

    /// Tutorial 4: TensorFlow's convolutional VAE with a Bernoulli decoder
    /// on statically binarized MNIST — ELBO curves, reconstructions,
    /// samples, the latent space and an importance-sampled log-likelihood.
    #[command(name = Cvae::NAME, visible_alias = "bernoulli-conv-vae")]
    Cvae(cvae::Args),

    /// A VAE with 50 binary latents on binarized MNIST, trained by VIMCO or
    /// the score-function ELBO, or through the Concrete relaxation
    /// (--relaxed), and evaluated as the discrete model.
    #[command(name = VaeBinary::NAME, visible_alias = "binary-vae")]
    VaeBinary(vae_binary::Args),

    /// Burda et al.'s Table 1 at a budget this machine affords: their MLP
    /// VAE trained by the ELBO, IWAE and DReG at k = 1, 5, 50 and STL, each
    /// evaluated by the importance-sampled test log-likelihood (k = 5000),
    /// with the gradient SNR against k; --schedule paper is the paper's
    /// schedule, for a GPU.
    #[command(name = estimator_study::COMMAND)]
    EstimatorStudy(estimator_study::Args),

    /// Show the versions and the compute devices libtorch sees.
    Info(info::Args),

    /// Time a large float32 matrix product (the yardstick of `cargo xtask
    /// bench`); prints one line of JSON.
    #[command(hide = true)]
    BenchMatmul(bench_matmul::Args),
}

/// The command line: the derived definition, with each VAE subcommand's
/// tutorial defaults written into its help, and negative numbers taken as
/// values (`--epochs -3` is an invalid value, not an unknown argument).
fn cli() -> clap::Command {
    let command = Cli::command();
    let command = vae::document::<VaeMlp>(command);
    let command = vae::document::<VaeConv>(command);
    let command = vae::document::<Cvae>(command);
    let command = vae::document::<VaeBinary>(command);
    command.mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
    })
}

fn main() -> ExitCode {
    allocator::keep_freed_memory();
    let cli = Cli::from_arg_matches(&cli().get_matches()).unwrap_or_else(|error| error.exit());
    let outcome = match cli.command {
        Command::LinearRegression(args) => execute(args),
        Command::ExponentialPosterior(args) => execute(args),
        Command::VaeMlp(args) => execute(args),
        Command::VaeConv(args) => execute(args),
        Command::Cvae(args) => execute(args),
        Command::VaeBinary(args) => execute(args),
        Command::EstimatorStudy(args) => execute(args),
        Command::Info(args) => info::run(&args),
        Command::BenchMatmul(args) => bench_matmul::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            failure::report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Checks an experiment's flags (a usage error if they do not fit
/// together) and runs it.
fn execute<E: Experiment>(args: E) -> anyhow::Result<()> {
    let plan = args
        .plan()
        .unwrap_or_else(|message| usage_error(E::NAME, &message));
    E::run(&plan)
}

/// Reports flags that parse one by one but not together as clap does for
/// any usage error — the message, the subcommand's usage line — and exits
/// with code 2.
fn usage_error(subcommand: &str, message: &str) -> ! {
    let mut command = cli();
    command.build();
    match command.find_subcommand_mut(subcommand) {
        Some(sub) => sub.error(ErrorKind::ValueValidation, message).exit(),
        None => command.error(ErrorKind::ValueValidation, message).exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::cli;

    #[test]
    fn command_line_definition_is_consistent() {
        cli().debug_assert();
    }

    /// Asserts that `subcommand`'s `--help` contains each of `expected`.
    #[track_caller]
    fn assert_help_shows(subcommand: &str, expected: &[&str]) {
        let mut command = cli();
        let help = command
            .find_subcommand_mut(subcommand)
            .unwrap_or_else(|| panic!("{subcommand} is a subcommand"))
            .render_help()
            .to_string();
        for expected in expected {
            assert!(
                help.contains(expected),
                "{expected:?} missing from:\n{help}"
            );
        }
    }

    /// Each VAE subcommand's help shows its tutorial's preset.
    #[test]
    fn vae_help_shows_the_tutorial_defaults() {
        assert_help_shows(
            "vae-mlp",
            &[
                "[default: 20]",
                "[default: 100]",
                "[default: sgd]",
                "5e-3 with sgd",
                "[default: 1000]",
            ],
        );
        assert_help_shows(
            "vae-conv",
            &[
                "[default: 10]",
                "[default: 256]",
                "[default: 32]",
                "[default: 25600]",
                "[default: monte-carlo]",
                "1e-4 with sgd, 1e-3 with adam",
                "[default: 0]",
            ],
        );
        assert_help_shows(
            "cvae",
            &[
                "[default: 10]",
                "[default: 32]",
                "[default: adam]",
                "1e-4 with adam",
                "[default: 100]",
                "about 100 times as long",
            ],
        );
    }
}
