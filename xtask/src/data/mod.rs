//! `cargo xtask data [mnist|fashion-mnist|all]`: downloads and verifies the
//! IDX files into `data/<set>/`.

mod download;
mod sets;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;
use vi_fs::outln;

pub use download::{FileOutcome, fetch_set};
pub use sets::DataSet;

/// Arguments of `cargo xtask data`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which data set to fetch.
    #[arg(value_enum, default_value_t = Which::All)]
    pub which: Which,
    /// Read from this source instead of the public mirrors: a directory or an
    /// HTTP(S) base URL holding `<set>/<file>.gz` (for example `../shared/data`).
    #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
    pub mirror: Option<String>,
    /// Where the data goes (each set in its own folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The data sets `cargo xtask data` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// MNIST handwritten digits.
    Mnist,
    /// Fashion-MNIST clothing images.
    FashionMnist,
    /// Both.
    All,
}

impl Which {
    /// The selected sets, with their public mirrors.
    pub fn sets(self) -> Vec<DataSet> {
        match self {
            Which::Mnist => vec![sets::mnist()],
            Which::FashionMnist => vec![sets::fashion_mnist()],
            Which::All => vec![sets::mnist(), sets::fashion_mnist()],
        }
    }
}

/// The default data folder of the workspace.
pub fn default_dir(root: &Path) -> PathBuf {
    root.join("data")
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let data_dir = args.data_dir.clone().unwrap_or_else(|| default_dir(root));
    ensure(&data_dir, args.which, args.mirror.as_deref())
}

/// Fetches the selected sets into `data_dir/<set>/`, printing one line per
/// file. Used by `data`, `test` and `reproduce`.
pub fn ensure(data_dir: &Path, which: Which, mirror: Option<&str>) -> Result<()> {
    for set in which.sets() {
        let set = match mirror {
            Some(base) => set.with_mirror(base),
            None => set,
        };
        let dir = data_dir.join(&set.name);
        let outcomes = fetch_set(&set, &dir)?;
        let fresh = outcomes
            .iter()
            .filter(|(_, outcome)| matches!(outcome, FileOutcome::Downloaded(_)))
            .count();
        for (name, outcome) in &outcomes {
            if let FileOutcome::Downloaded(from) = outcome {
                outln!("data: {}/{name} downloaded and verified ({from})", set.name);
            }
        }
        if fresh == 0 {
            outln!(
                "data: {} already present and verified in {}",
                set.name,
                dir.display()
            );
        }
    }
    Ok(())
}
