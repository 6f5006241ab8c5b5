//! What a usable libtorch folder looks like, and the marker that says a
//! cached install was completed and verified.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::release::Release;

/// The file, written last inside an install, that records it as complete.
pub const MARKER: &str = "vi-libtorch-install";

/// Files every usable libtorch has, relative to its root.
const REQUIRED: [&str; 4] = [
    "lib/libtorch_cpu.so",
    "lib/libc10.so",
    "lib/libtorch.so",
    "include/torch/csrc/api/include/torch/torch.h",
];

/// The version a libtorch folder declares: `build-version` (libtorch zips
/// and our assembled installs) or `version.py` (a pip `torch` package),
/// without any `+cpu`/`+cu128` suffix.
pub fn declared_version(libtorch: &Path) -> Result<String> {
    let build_version = libtorch.join("build-version");
    if let Ok(text) = fs::read_to_string(&build_version) {
        return Ok(strip_local(text.trim()).to_owned());
    }
    let version_py = libtorch.join("version.py");
    if let Ok(text) = fs::read_to_string(&version_py) {
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("__version__") {
                let value = rest.trim_start_matches([' ', '=', ':']).trim();
                let value = value
                    .trim_start_matches("str")
                    .trim_matches(['\'', '"', ' ']);
                return Ok(strip_local(value).to_owned());
            }
        }
    }
    bail!(
        "{} has neither build-version nor version.py, so its libtorch version is unknown",
        libtorch.display()
    )
}

fn strip_local(version: &str) -> &str {
    version.split('+').next().unwrap_or(version)
}

/// Checks that `libtorch` is a libtorch of `release` that its torch-sys can
/// build against.
pub fn check(libtorch: &Path, release: &Release) -> Result<()> {
    if !libtorch.is_dir() {
        bail!("{} is not a directory", libtorch.display());
    }
    for file in REQUIRED {
        if !libtorch.join(file).is_file() {
            bail!("{} lacks {file}", libtorch.display());
        }
    }
    let version = declared_version(libtorch)?;
    if version != release.torch {
        bail!(
            "{} is libtorch {version}, but tch {} needs {}",
            libtorch.display(),
            release.tch,
            release.torch
        );
    }
    Ok(())
}

/// A completed install: its folder and the libtorch root inside it.
#[derive(Debug, Clone)]
pub struct Install {
    /// `.cache/libtorch/<variant>-<version>`.
    pub dir: PathBuf,
    /// The libtorch root relative to `dir` (`.` for CPU installs).
    pub libtorch: PathBuf,
    /// Where it came from, for messages.
    pub source: String,
}

impl Install {
    /// The absolute libtorch root.
    pub fn root(&self) -> PathBuf {
        if self.libtorch == Path::new(".") {
            self.dir.clone()
        } else {
            self.dir.join(&self.libtorch)
        }
    }

    /// Records the install of `release` as complete: checks it, then writes
    /// the marker with the size of every required file.
    pub fn seal(&self, release: &Release) -> Result<()> {
        let root = self.root();
        check(&root, release)?;
        let mut text = format!(
            "version={}\nlibtorch={}\nsource={}\n",
            release.torch,
            self.libtorch.display(),
            self.source
        );
        for file in REQUIRED {
            let len = fs::metadata(root.join(file))?.len();
            text.push_str(&format!("file={file}:{len}\n"));
        }
        let marker = self.dir.join(MARKER);
        fs::write(&marker, text).with_context(|| format!("writing {}", marker.display()))
    }

    /// Reads a sealed install of `release` in `dir` and checks that it is
    /// still whole (every recorded file present with its recorded size).
    pub fn open(dir: &Path, release: &Release) -> Result<Install> {
        let marker = dir.join(MARKER);
        let text = fs::read_to_string(&marker)
            .with_context(|| format!("{} has no {MARKER} marker", dir.display()))?;
        let mut install = Install {
            dir: dir.to_owned(),
            libtorch: PathBuf::from("."),
            source: String::new(),
        };
        let mut files = Vec::new();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("version", version)) if version != release.torch => {
                    bail!("{} holds libtorch {version}", dir.display())
                }
                Some(("libtorch", path)) => install.libtorch = PathBuf::from(path),
                Some(("source", source)) => install.source = source.to_owned(),
                Some(("file", entry)) => files.push(entry.to_owned()),
                _ => {}
            }
        }
        let root = install.root();
        for entry in &files {
            let (file, len) = entry.rsplit_once(':').unwrap_or((entry, ""));
            let found = fs::metadata(root.join(file)).map(|meta| meta.len().to_string());
            if found.as_deref().ok() != Some(len) {
                bail!("{} is damaged: {file} is missing or changed", dir.display());
            }
        }
        if files.len() != REQUIRED.len() {
            bail!("{} has an incomplete {MARKER} marker", dir.display());
        }
        check(&root, release)?;
        Ok(install)
    }
}
