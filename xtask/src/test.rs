//! `cargo xtask test`: fetch libtorch and the data if needed, then check
//! formatting, lints and every test of the workspace, and finally build vi
//! against the older libtorch of `cargo xtask compat` and run the quick
//! reproduction with it, so that build cannot rot.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use vi_fs::outln;

use crate::{cargo, compat, data, downstream, libtorch};

/// Arguments of `cargo xtask test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub libtorch: libtorch::Args,
    /// Source of the data sets (see `cargo xtask data --help`).
    #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
    pub mirror: Option<String>,
    /// Skip the last step: vi built against the older libtorch (`cargo
    /// xtask compat test`).
    #[arg(long)]
    pub no_compat: bool,
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let mut timings = Vec::new();
    libtorch::ensure(root, &args.libtorch)?;
    data::ensure(
        &data::default_dir(root),
        data::Which::All,
        args.mirror.as_deref(),
    )?;
    let compat = compat::Options::default_with(&args.libtorch.python);
    if !args.no_compat {
        // Fetched with the rest, before anything is built.
        let start = Instant::now();
        compat::provide_libtorch(root, &compat)?;
        timings.push((format!("libtorch {}", compat.torch), start.elapsed()));
    }

    let mut step = |name: &str, command: &mut Command| -> Result<()> {
        outln!("==> {name}");
        let start = Instant::now();
        let status = command
            .current_dir(root)
            .status()
            .with_context(|| format!("could not start {name}"))?;
        timings.push((name.to_owned(), start.elapsed()));
        if !status.success() {
            bail!("{name} failed ({status})");
        }
        Ok(())
    };
    step(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    step(
        "cargo clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The API documentation: broken intra-doc links and malformed doc
    // comments fail here rather than on docs.rs.
    step(
        "cargo doc",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    if nextest_available() {
        // One process per test: seeded tests share libtorch's process-wide RNG.
        step(
            "cargo nextest run",
            cargo().args([
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
            ]),
        )?;
    } else {
        outln!("(cargo-nextest not found: running cargo test one test at a time)");
        step(
            "cargo test",
            cargo().args(["test", "--workspace", "--locked", "--", "--test-threads=1"]),
        )?;
    }
    step(
        "cargo test --doc",
        cargo().args(["test", "--workspace", "--locked", "--doc"]),
    )?;
    // vi-core as another project would use it: publishable, and a binary of
    // a workspace of its own that finds libtorch when started by itself.
    step(
        "cargo package -p vi-core",
        cargo().args([
            "package",
            "-p",
            "vi-core",
            "--locked",
            "--no-verify",
            "--allow-dirty",
        ]),
    )?;
    let target_dir = downstream::target_dir(root);
    step(
        "downstream example build",
        &mut downstream::build(root, &target_dir),
    )?;
    step("downstream example run", &mut downstream::run(&target_dir))?;
    if !args.no_compat {
        let name = format!("compat {}", compat.torch);
        outln!("==> {name}: vi against the older libtorch, quick reproduction");
        let start = Instant::now();
        compat::test(root, &compat, args.mirror.as_deref())?;
        timings.push((name, start.elapsed()));
    }

    outln!("\nall checks passed:");
    for (name, elapsed) in &timings {
        outln!("  {name:<22} {}", seconds(*elapsed));
    }
    Ok(())
}

fn nextest_available() -> bool {
    cargo()
        .args(["nextest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn seconds(elapsed: Duration) -> String {
    format!("{:.1} s", elapsed.as_secs_f64())
}
