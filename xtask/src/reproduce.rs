//! `cargo xtask reproduce`: fetch libtorch and the data, build `vi` in
//! release mode, and regenerate every tutorial result under `results/`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::{cargo, data, libtorch};

/// Arguments of `cargo xtask reproduce`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub libtorch: libtorch::Args,
    /// Source of the data sets (see `cargo xtask data --help`).
    #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
    pub mirror: Option<String>,
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    libtorch::ensure(root, &args.libtorch)?;
    data::ensure(
        &data::default_dir(root),
        data::Which::Mnist,
        args.mirror.as_deref(),
    )?;
    println!("==> building vi (release)");
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "--package", "vi-cli"])
        .status()?;
    if !status.success() {
        bail!("building vi failed ({status})");
    }
    println!("nothing to reproduce yet: no tutorial experiment has landed in `vi`");
    Ok(())
}
