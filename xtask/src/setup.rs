//! What `test`, `reproduce` and `bench` share: make libtorch and the data
//! available before anything is built, and build `vi`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

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
        data::ensure(&data::default_dir(root), which, self.mirror.as_deref())
    }
}

/// Builds `vi` in release mode and returns the binary's path.
pub fn build_vi(root: &Path) -> Result<PathBuf> {
    println!("==> building vi (release)");
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "--package", "vi-cli"])
        .status()?;
    if !status.success() {
        bail!("building vi failed ({status})");
    }
    Ok(root.join("target").join("release").join("vi"))
}
