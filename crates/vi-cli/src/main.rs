//! `vi`: reproduces the variational-inference tutorials from the command line.
//!
//! Flags are parsed into typed arguments first (clap; a usage error exits
//! with code 2), then the subcommand runs; a runtime error prints its chain
//! of causes and exits with code 1.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod info;
mod versions;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Variational inference on libtorch: the tutorials' experiments, reproduced.
#[derive(Debug, Parser)]
#[command(name = "vi", version = versions::SHORT, long_version = versions::LONG)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the versions and the compute devices libtorch sees.
    Info,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Info => info::run(),
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
