//! `cargo xtask compat`: vi built against a libtorch older than the pinned
//! 2.13.0, with the tch release made for it — the way to run vi on a
//! machine whose PyTorch is older (such as a GPU machine with torch
//! 2.11.0+cu130).
//!
//! libtorch's headers and libraries for linking come from the release's
//! PyPI wheel (the CPU libraries, assembled and cached in
//! `.cache/libtorch/cpu-<version>/` as for the pinned release); the build
//! runs in a shadow workspace ([`workspace`]) under the target folder. The
//! binary runs here on the CPU against those libraries (`test` runs the
//! quick reproduction with it), and on another machine against that
//! machine's own torch through `gpu/vi` (`bundle` prepares what travels).

mod bundle;
#[cfg(all(test, unix))]
mod launcher_tests;
mod workspace;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::libtorch::release::{OLDER, Release};
use crate::libtorch::{Installer, Outcome};
use crate::setup::{SetupArgs, target_dir};
use crate::{libtorch, reproduce};
use vi_fs::outln;
pub use workspace::Profile;
use workspace::ShadowWorkspace;

/// Arguments of `cargo xtask compat`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Build vi against the older libtorch and print the binary's path.
    Build {
        #[command(flatten)]
        options: Options,
        /// Build with the release profile (optimised) instead of dev.
        #[arg(long)]
        release: bool,
    },
    /// Build vi (dev profile) against the older libtorch and run the quick
    /// reproduction with it on the CPU; `cargo xtask test` runs this.
    Test {
        #[command(flatten)]
        options: Options,
        /// Source of the data sets (see `cargo xtask data --help`).
        #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
        mirror: Option<String>,
    },
    /// Prepare gpu/bundle/ for a GPU machine whose PyTorch is the older
    /// release: vi in release mode, stripped, and MNIST; print the command
    /// line and the paths to carry.
    Bundle {
        #[command(flatten)]
        options: Options,
        /// Source of the data sets (see `cargo xtask data --help`).
        #[arg(long, env = "VI_DATA_MIRROR", value_name = "BASE")]
        mirror: Option<String>,
    },
}

/// Which older libtorch, and where it comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The older libtorch release to build against.
    #[arg(long, value_name = "VERSION", default_value = OLDER[0].torch)]
    pub torch: String,
    /// A libtorch of that release already on this machine (an unpacked
    /// libtorch zip, or a Python environment's site-packages/torch) instead
    /// of the one assembled from PyPI's wheel.
    #[arg(long, value_name = "DIR")]
    pub libtorch: Option<PathBuf>,
    /// The Python interpreter whose pip fetches the wheels.
    #[arg(long, env = "VI_PYTHON", default_value = "python3")]
    pub python: String,
}

impl Options {
    /// The default release, fetched with `python`.
    pub fn default_with(python: &str) -> Self {
        Self {
            torch: OLDER[0].torch.to_owned(),
            libtorch: None,
            python: python.to_owned(),
        }
    }
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    match &args.action {
        Action::Build { options, release } => {
            let profile = if *release {
                Profile::Release
            } else {
                Profile::Dev
            };
            let vi = build(root, options, profile)?;
            outln!(
                "vi for libtorch {} (tch {}): {}\nIt finds this machine's copy of libtorch {} \
                 through its run path; elsewhere, run it through gpu/vi (see README.md).",
                vi.release.torch,
                vi.release.tch,
                vi.binary.display(),
                vi.release.torch
            );
            Ok(())
        }
        Action::Test { options, mirror } => test(root, options, mirror.as_deref()),
        Action::Bundle { options, mirror } => bundle::run(root, options, mirror.as_deref()),
    }
}

/// A `vi` built against an older libtorch.
#[derive(Debug)]
pub struct CompatVi {
    /// The release it was built against.
    pub release: &'static Release,
    /// The binary.
    pub binary: PathBuf,
    /// The shadow workspace it was built in.
    workspace: ShadowWorkspace,
}

/// Makes the release's libtorch available (the user's, the cached one, or
/// a new one from the wheel) and returns its root.
///
/// # Errors
/// An unknown release; every source failing.
pub fn provide_libtorch(root: &Path, options: &Options) -> Result<(&'static Release, PathBuf)> {
    let release = Release::older(&options.torch)?;
    let installer = Installer::for_older(root, release, options.libtorch.clone(), &options.python);
    let torch = release.torch;
    let path = match installer.provide()? {
        Outcome::UserProvided(path) => {
            outln!("libtorch {torch}: using {}", path.display());
            path
        }
        Outcome::AlreadyInstalled(path) => {
            outln!("libtorch {torch}: already installed in {}", path.display());
            path
        }
        Outcome::Installed(path, source) => {
            outln!(
                "libtorch {torch}: installed from {source} into {}",
                path.display()
            );
            path
        }
    };
    Ok((release, path))
}

/// Builds vi against the older release with `profile` and checks that the
/// binary reports that release.
///
/// # Errors
/// As [`provide_libtorch`]; the build failing; a binary that reports
/// other versions.
pub fn build(root: &Path, options: &Options, profile: Profile) -> Result<CompatVi> {
    let (release, libtorch) = provide_libtorch(root, options)?;
    let workspace = ShadowWorkspace::new(&target_dir(root), release);
    workspace.prepare(root)?;
    let binary = workspace.build_vi(&libtorch, profile)?;
    let info = reproduce::vi_info(&binary)?;
    let reported = |key: &str| {
        let value = info.get(key).and_then(Value::as_str).unwrap_or("unknown");
        value.split('+').next().unwrap_or(value).to_owned()
    };
    if reported("tch") != release.tch || reported("libtorch") != release.torch {
        bail!(
            "{} reports tch {} and libtorch {}, expected tch {} and libtorch {}",
            binary.display(),
            reported("tch"),
            reported("libtorch"),
            release.tch,
            release.torch
        );
    }
    Ok(CompatVi {
        release,
        binary,
        workspace,
    })
}

/// Builds vi (dev profile) against the older release and runs the quick
/// reproduction with it, on the CPU, into the compat target folder.
///
/// # Errors
/// As [`build`]; the reproduction failing or recording other versions.
pub fn test(root: &Path, options: &Options, mirror: Option<&str>) -> Result<()> {
    let start = Instant::now();
    let vi = build(root, options, Profile::Dev)?;
    let built = start.elapsed().as_secs_f64();
    let results = vi.workspace.target_dir.join("reproduce-quick");
    let start = Instant::now();
    reproduce::run(
        root,
        &reproduce::Args {
            setup: SetupArgs {
                libtorch: libtorch::Args {
                    cuda: false,
                    cpu: false,
                    python: options.python.clone(),
                    zip_url: None,
                },
                mirror: mirror.map(str::to_owned),
            },
            only: None,
            quick: true,
            results: Some(results.clone()),
            seed: 0,
            threads: None,
            device: Some("cpu".to_owned()),
            vi: Some(vi.binary.clone()),
        },
    )?;
    let manifest_path = results.join("manifest.json");
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(&manifest_path)
            .with_context(|| format!("reading {}", manifest_path.display()))?,
    )
    .with_context(|| format!("parsing {}", manifest_path.display()))?;
    let recorded = manifest
        .pointer("/versions/libtorch")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    if !recorded.starts_with(vi.release.torch) {
        bail!(
            "{} records libtorch {recorded}, expected {}",
            manifest_path.display(),
            vi.release.torch
        );
    }
    outln!(
        "\ncompat: vi against libtorch {} (tch {}) built in {built:.1} s; the quick \
         reproduction with it took {:.1} s",
        vi.release.torch,
        vi.release.tch,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
