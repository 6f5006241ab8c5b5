//! What `test`, `reproduce` and `bench` share: make libtorch and the data
//! available before anything is built, and build `vi`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use vi_fs::outln;

use crate::{cargo, data, libtorch};

/// The flags of the libtorch and data steps.
#[derive(Debug, clap::Args)]
#[group(skip)]
pub struct SetupArgs {
    #[command(flatten)]
    pub libtorch: libtorch::Args,
    /// Source of the data sets (see `cargo xtask data --help`).
    #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
    pub mirror: Option<String>,
}

impl SetupArgs {
    /// Installs libtorch if needed and fetches the `which` data sets into
    /// the workspace's `data/`.
    pub fn prepare(&self, root: &Path, which: data::Which) -> Result<()> {
        libtorch::ensure(root, &self.libtorch)?;
        self.prepare_data(root, which)
    }

    /// Fetches the `which` data sets into the workspace's `data/`.
    pub fn prepare_data(&self, root: &Path, which: data::Which) -> Result<()> {
        data::ensure(&data::default_dir(root), which, self.mirror.as_deref())
    }
}

/// Cargo's target folder: `CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Builds `vi` — in release mode, or with the dev profile when `optimised`
/// is false (quick checks, where the test build already compiled most of
/// it) — and returns the binary's path.
pub fn build_vi(root: &Path, optimised: bool) -> Result<PathBuf> {
    let (profile, folder) = if optimised {
        ("release", "release")
    } else {
        ("dev", "debug")
    };
    outln!("==> building vi ({profile} profile)");
    let status = cargo()
        .current_dir(root)
        .args([
            "build",
            "--locked",
            "--package",
            "vi-cli",
            "--profile",
            profile,
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("building vi failed ({status})");
    }
    Ok(target_dir(root).join(folder).join("vi"))
}
