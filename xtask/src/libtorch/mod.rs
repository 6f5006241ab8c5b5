//! `cargo xtask libtorch`: makes a libtorch 2.13.0 available at
//! `.cache/libtorch/active`, where `.cargo/config.toml` points `LIBTORCH`.
//!
//! Sources, in order: a `LIBTORCH` the user set (used as is, version
//! checked); a verified install in `.cache/libtorch/`; the PyPI wheels via
//! pip; the official zip archive. Installs are built in a temporary folder
//! and renamed when complete and verified, so an interrupted run never
//! leaves something a build would mistake for a good install.
//!
//! The same installer provides the older releases of [`release::OLDER`]
//! for `cargo xtask compat` (CPU builds beside the pinned one, never
//! `active`).

mod layout;
mod official_zip;
mod pip;
pub mod release;
#[cfg(test)]
mod tests;

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use vi_fs::outln;

use layout::{Install, check};
use release::{PINNED, Release};

/// Arguments of `cargo xtask libtorch` (also flattened into `test` and
/// `reproduce`, hence no argument group of its own).
#[derive(Debug, Clone, clap::Args)]
#[group(skip)]
pub struct Args {
    /// Install and use the CUDA build (torch 2.13.0 with its CUDA libraries,
    /// in a virtual environment). For machines with an NVIDIA GPU; a few GB
    /// of downloads. Without --cuda or --cpu the build in use is kept (CPU
    /// on a first run).
    #[arg(long, conflicts_with = "cpu")]
    pub cuda: bool,
    /// Switch back to the CPU build.
    #[arg(long)]
    pub cpu: bool,
    /// The Python interpreter whose pip fetches the wheels.
    #[arg(long, env = "VI_PYTHON", default_value = "python3")]
    pub python: String,
    /// The official libtorch zip to use when pip is unavailable.
    #[arg(long, env = "VI_LIBTORCH_URL", value_name = "URL")]
    pub zip_url: Option<String>,
}

/// CPU or CUDA build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// CPU only.
    Cpu,
    /// With CUDA libraries.
    Cuda,
}

impl Variant {
    /// The variant the `active` link points to, if any.
    fn active(link: &Path) -> Option<Variant> {
        let target = fs::read_link(link).ok()?;
        let first = target
            .components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        [Variant::Cpu, Variant::Cuda]
            .into_iter()
            .find(|variant| first == variant.dir_name(&PINNED))
    }

    /// The install's folder in `.cache/libtorch`: `cpu-2.13.0`, ….
    pub fn dir_name(self, release: &Release) -> String {
        match self {
            Variant::Cpu => format!("cpu-{}", release.torch),
            Variant::Cuda => format!("cuda-{}", release.torch),
        }
    }
}

/// The sources `ensure` installs from, in the order they are tried.
#[derive(Debug, Clone, Copy)]
enum Source {
    Pip,
    OfficialZip,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Pip => "PyPI via pip",
            Source::OfficialZip => "official zip",
        }
    }
}

/// Everything `ensure` needs, so tests can point it at temporary folders and
/// local servers.
#[derive(Debug, Clone)]
pub struct Installer {
    /// `.cache/libtorch` of the workspace.
    pub cache_dir: PathBuf,
    /// Which release: the pinned one, or an older one for `cargo xtask
    /// compat` (which is never made `active`).
    pub release: &'static Release,
    /// Which build.
    pub variant: Variant,
    /// A `LIBTORCH` the user set, if any.
    pub user_libtorch: Option<PathBuf>,
    /// Python for pip.
    pub python: String,
    /// The official archive's URL.
    pub zip_url: String,
}

/// What `ensure` found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The user's `LIBTORCH`, checked and used as is.
    UserProvided(PathBuf),
    /// A verified install was already there.
    AlreadyInstalled(PathBuf),
    /// Installed now from the named source.
    Installed(PathBuf, String),
}

impl Installer {
    /// The installer for this workspace, reading `LIBTORCH` from the
    /// environment (ignoring the value `.cargo/config.toml` itself sets).
    pub fn for_workspace(root: &Path, args: &Args) -> Installer {
        let cache_dir = root.join(".cache").join("libtorch");
        let variant = if args.cuda {
            Variant::Cuda
        } else if args.cpu {
            Variant::Cpu
        } else {
            Variant::active(&cache_dir.join("active")).unwrap_or(Variant::Cpu)
        };
        let user_libtorch = env::var_os("LIBTORCH")
            .map(PathBuf::from)
            .filter(|path| *path != cache_dir.join("active"));
        let zip_url = args.zip_url.clone().unwrap_or_else(|| match variant {
            Variant::Cpu => official_zip::cpu_url(&PINNED),
            Variant::Cuda => official_zip::cuda_url(&PINNED),
        });
        Installer {
            cache_dir,
            release: &PINNED,
            variant,
            user_libtorch,
            python: args.python.clone(),
            zip_url,
        }
    }

    /// The link `LIBTORCH` points to by default.
    pub fn active_link(&self) -> PathBuf {
        self.cache_dir.join("active")
    }

    /// An installer of an older `release` (CPU build) into the workspace's
    /// `.cache/libtorch`, for `cargo xtask compat`. `libtorch` is a folder
    /// the user already has (checked, used as is); `LIBTORCH` is ignored,
    /// since it names the pinned release.
    pub fn for_older(
        root: &Path,
        release: &'static Release,
        libtorch: Option<PathBuf>,
        python: &str,
    ) -> Installer {
        Installer {
            cache_dir: root.join(".cache").join("libtorch"),
            release,
            variant: Variant::Cpu,
            user_libtorch: libtorch,
            python: python.to_owned(),
            zip_url: official_zip::cpu_url(release),
        }
    }

    /// Makes libtorch available and, for the pinned release, points the
    /// `active` link at it; idempotent.
    pub fn ensure(&self) -> Result<Outcome> {
        let outcome = self.provide()?;
        if self.release == &PINNED {
            match &outcome {
                Outcome::AlreadyInstalled(root) | Outcome::Installed(root, _) => {
                    self.activate(root)?;
                }
                Outcome::UserProvided(_) => {}
            }
        }
        Ok(outcome)
    }

    /// Makes libtorch available (the user's, a sealed install, or a new
    /// one) without touching the `active` link; idempotent.
    pub fn provide(&self) -> Result<Outcome> {
        let torch = self.release.torch;
        if let Some(user) = &self.user_libtorch {
            check(user, self.release).with_context(|| {
                let user = user.display();
                if self.release == &PINNED {
                    format!(
                        "LIBTORCH={user} is not a usable libtorch {torch}; unset it to let \
                         `cargo xtask libtorch` install one"
                    )
                } else {
                    format!(
                        "--libtorch {user} is not a usable libtorch {torch}; leave it out to \
                         let `cargo xtask compat` install one"
                    )
                }
            })?;
            return Ok(Outcome::UserProvided(user.clone()));
        }
        fs::create_dir_all(&self.cache_dir)
            .with_context(|| format!("creating {}", self.cache_dir.display()))?;
        remove_stale_temporaries(&self.cache_dir)?;
        let dir = self.cache_dir.join(self.variant.dir_name(self.release));
        if dir.exists() {
            match Install::open(&dir, self.release) {
                Ok(install) => return Ok(Outcome::AlreadyInstalled(install.root())),
                // Not sealed or damaged: start again from nothing.
                Err(_) => vi_fs::remove_any(&dir)
                    .with_context(|| format!("removing incomplete {}", dir.display()))?,
            }
        }
        let install = self.install(&dir)?;
        Ok(Outcome::Installed(install.root(), install.source))
    }

    /// Tries each source in turn into a temporary folder; the first that
    /// yields a verified install is renamed to `dir`.
    fn install(&self, dir: &Path) -> Result<Install> {
        let mut failures = String::new();
        for source in [Source::Pip, Source::OfficialZip] {
            let temp = vi_fs::temporary_sibling(dir);
            vi_fs::remove_any(&temp)?;
            fs::create_dir_all(&temp)?;
            let attempt = self.install_from(source, &temp).and_then(|install| {
                install.seal(self.release)?;
                Ok(install)
            });
            match attempt {
                Ok(install) => {
                    fs::rename(&temp, dir).with_context(|| {
                        format!("renaming {} to {}", temp.display(), dir.display())
                    })?;
                    vi_fs::sync_folder(dir)?;
                    return Install::open(dir, self.release).map(|sealed| Install {
                        source: install.source,
                        ..sealed
                    });
                }
                Err(error) => {
                    let _ = writeln!(failures, "  {}: {error:#}", source.name());
                    vi_fs::remove_any(&temp)
                        .with_context(|| format!("removing {}", temp.display()))?;
                }
            }
        }
        let torch = self.release.torch;
        let point = if self.release == &PINNED {
            "export LIBTORCH=/path/to/libtorch"
        } else {
            "cargo xtask compat … --libtorch /path/to/libtorch"
        };
        bail!(
            "could not install libtorch {torch}; every source failed:\n{failures}\
             If you have libtorch {torch} elsewhere (a libtorch zip unpacked, or a \
             Python environment's site-packages/torch), point to it:\n  {point}"
        )
    }

    fn install_from(&self, source: Source, temp: &Path) -> Result<Install> {
        match (source, self.variant) {
            (Source::Pip, Variant::Cpu) => pip::install_cpu(&self.python, temp, self.release),
            (Source::Pip, Variant::Cuda) => pip::install_cuda(&self.python, temp, self.release),
            (Source::OfficialZip, _) => official_zip::install(&self.zip_url, temp),
        }
    }

    /// Points the `active` link at the install rooted at `root`.
    fn activate(&self, root: &Path) -> Result<()> {
        let link = self.active_link();
        let target = root
            .strip_prefix(&self.cache_dir)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| root.to_path_buf());
        if fs::read_link(&link).ok().as_deref() != Some(target.as_path()) {
            vi_fs::replace_symlink(&target, &link)?;
        }
        Ok(())
    }
}

/// Removes what interrupted runs left in the cache (`.<name>.tmp-<pid>`
/// folders and links, see `vi_fs::leftovers`): they never hold a finished
/// install. Those of every process go, so two installs must not run at once.
fn remove_stale_temporaries(cache_dir: &Path) -> Result<()> {
    for leftover in vi_fs::leftovers(cache_dir)? {
        if leftover.kind == vi_fs::LeftoverKind::Temporary {
            vi_fs::remove_any(&leftover.path)?;
        }
    }
    Ok(())
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    ensure(root, args).map(|_| ())
}

/// Makes libtorch available for the workspace at `root`, printing what was
/// done. Used by `libtorch`, `test` and `reproduce`.
pub fn ensure(root: &Path, args: &Args) -> Result<Outcome> {
    let installer = Installer::for_workspace(root, args);
    let previous = fs::read_link(installer.active_link()).ok();
    let outcome = installer.ensure()?;
    let torch = PINNED.torch;
    match &outcome {
        Outcome::UserProvided(path) => {
            outln!(
                "libtorch: using LIBTORCH={} (libtorch {torch})",
                path.display()
            );
        }
        Outcome::AlreadyInstalled(path) => {
            outln!(
                "libtorch: {torch} already installed in {}; nothing to do",
                path.display()
            );
        }
        Outcome::Installed(path, source) => {
            outln!(
                "libtorch: installed {torch} from {source} into {}",
                path.display()
            );
        }
    }
    let current = fs::read_link(installer.active_link()).ok();
    if previous.is_some() && previous != current {
        // torch-sys decides at build time whether to link libtorch_cuda; the
        // LIBTORCH path did not change, so cargo would not rebuild it.
        outln!("libtorch: active build changed; cleaning torch-sys so it is rebuilt");
        let status = crate::cargo()
            .current_dir(root)
            .args(["clean", "--quiet", "--package", "torch-sys"])
            .status()?;
        if !status.success() {
            bail!("`cargo clean --package torch-sys` failed ({status})");
        }
    }
    Ok(outcome)
}
