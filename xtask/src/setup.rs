//! What `test` and `reproduce` share: make libtorch and the data available
//! before anything is built.

use std::path::Path;

use anyhow::Result;

use crate::{data, libtorch};

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
