//! `cargo xtask <task>`: the project's automation, one module per task.
//!
//! xtask does not depend on tch: it has to build on a machine where libtorch
//! does not exist yet, since installing libtorch is one of its tasks.
//!
//! It prints through vi-fs's `outln!`/`errln!` (clippy refuses `println!`
//! here), so that a reader that quits early (`cargo xtask data | head -1`)
//! never stops a download or a reproduction.

mod bench;
mod compat;
mod data;
mod digest;
mod downstream;
mod experiments;
mod fetch;
mod libtorch;
mod manifest;
mod report;
mod reproduce;
mod setup;
mod test;
#[cfg(test)]
mod testing;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use vi_fs::errln;

/// Project automation for vi.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install libtorch 2.13.0 (the version tch 0.26 needs) into .cache/libtorch.
    Libtorch(libtorch::Args),
    /// Download and verify MNIST / Fashion-MNIST into `data/<set>/`.
    Data(data::Args),
    /// Fetch libtorch if needed, then run fmt, clippy and every test of the workspace.
    Test(test::Args),
    /// Fetch libtorch and data, build `vi`, and regenerate every result (the
    /// tutorials' and the estimator study).
    Reproduce(reproduce::Args),
    /// Build `vi` against an older libtorch (for a machine whose PyTorch is
    /// older than 2.13), test it on the CPU, or bundle it for a GPU machine.
    Compat(compat::Args),
    /// Time training epochs against the machine's matrix-product rate and,
    /// given a Python with torch 2.13, beside the tutorials' PyTorch loops.
    Bench(bench::Args),
    /// Re-render REPORT.md and index.html from the results already there.
    Report(ReportArgs),
}

/// Arguments of `cargo xtask report`.
#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// The results folder [default: results/ of the project].
    #[arg(long, value_name = "DIR")]
    results: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let outcome = match cli.task {
        Task::Libtorch(args) => libtorch::run(&root, &args),
        Task::Data(args) => data::run(&root, &args),
        Task::Test(args) => test::run(&root, &args),
        Task::Reproduce(args) => reproduce::run(&root, &args),
        Task::Compat(args) => compat::run(&root, &args),
        Task::Bench(args) => bench::run(&root, &args),
        Task::Report(args) => {
            report::write(&args.results.map_or_else(|| root.join("results"), absolute))
        }
    };
    report(outcome)
}

/// Prints an error with its chain of causes and maps it to the exit code.
fn report(outcome: Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            errln!("error: {error}");
            for cause in error.chain().skip(1) {
                errln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

/// A `cargo` command: the cargo that runs xtask, or `cargo` from `PATH`.
fn cargo() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace root: the parent of this crate's manifest directory.
fn project_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// `path` made absolute against the current folder (as a shell would).
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
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
