//! The shadow workspace `cargo xtask compat` builds in, so that vi builds
//! against another tch release while the tracked manifests stay as they
//! are: the root manifest with the `tch` and `torch-sys` pins rewritten,
//! the crates reached through a symbolic link (one source, no copies), and
//! the root lockfile re-resolved for the new pins only.
//!
//! Everything else resolves to the versions of the root lockfile (checked),
//! and the build shares cargo's build directory with the main target
//! folder, so registry crates that do not depend on tch are compiled once
//! for both; the binary is written to a target folder of its own.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::libtorch::release::{PINNED, Release};
use vi_fs::outln;

/// The shadow workspace of one older release, under the main target folder.
#[derive(Debug)]
pub struct ShadowWorkspace {
    /// The folder holding its `Cargo.toml`, `Cargo.lock` and `crates` link.
    pub dir: PathBuf,
    /// Its cargo target folder (where the `vi` binary lands).
    pub target_dir: PathBuf,
    /// The main target folder, whose build directory it shares.
    pub build_dir: PathBuf,
    release: &'static Release,
}

/// A cargo profile of the compat build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The workspace's dev profile: shares the test build's registry crates.
    Dev,
    /// The release profile, for timing runs.
    Release,
}

impl Profile {
    fn folder(self) -> &'static str {
        match self {
            Profile::Dev => "debug",
            Profile::Release => "release",
        }
    }
}

impl ShadowWorkspace {
    /// The shadow workspace of `release` for the workspace at `root` whose
    /// target folder is `target`: `<target>/compat-tch-<tch>/`.
    pub fn new(target: &Path, release: &'static Release) -> Self {
        let target_dir = target.join(format!("compat-tch-{}", release.tch));
        Self {
            dir: target_dir.join("workspace"),
            target_dir,
            build_dir: target.to_owned(),
            release,
        }
    }

    /// Writes (or refreshes) the manifest, the link to the crates and the
    /// lockfile. Files are rewritten only when their content changes, so an
    /// unchanged workspace rebuilds nothing.
    ///
    /// # Errors
    /// The root manifest no longer pins tch as expected; resolving pulled in
    /// packages that the root lockfile does not have; I/O errors.
    pub fn prepare(&self, root: &Path) -> Result<()> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let manifest_path = root.join("Cargo.toml");
        let manifest = fs::read_to_string(&manifest_path)
            .with_context(|| format!("reading {}", manifest_path.display()))?;
        write_if_changed(
            &self.dir.join("Cargo.toml"),
            &rewrite_manifest(&manifest, self.release)?,
        )?;
        link_crates(&root.join("crates"), &self.dir.join("crates"))?;
        self.resolve(root)
    }

    /// Copies the root lockfile and lets cargo re-resolve the changed pins,
    /// when the root lockfile changed since the last time.
    fn resolve(&self, root: &Path) -> Result<()> {
        let root_lock_path = root.join("Cargo.lock");
        let root_lock = fs::read_to_string(&root_lock_path)
            .with_context(|| format!("reading {}", root_lock_path.display()))?;
        let stamp = self.dir.join("Cargo.lock.root");
        let lock = self.dir.join("Cargo.lock");
        if lock.is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(&root_lock) {
            return Ok(());
        }
        vi_fs::write(&lock, root_lock.as_bytes())?;
        outln!(
            "compat: resolving tch {} in {}",
            self.release.tch,
            self.dir.display()
        );
        // Updates only the workspace's own entries: the new pins and what
        // they need, nothing else.
        self.cargo()
            .args(["update", "--workspace", "--quiet"])
            .status()
            .context("running cargo update")
            .and_then(|status| {
                if status.success() {
                    Ok(())
                } else {
                    bail!(
                        "`cargo update --workspace` in {} failed ({status})",
                        self.dir.display()
                    )
                }
            })?;
        let resolved =
            fs::read_to_string(&lock).with_context(|| format!("reading {}", lock.display()))?;
        check_lock(&root_lock, &resolved, self.release)?;
        Ok(vi_fs::write(&stamp, root_lock.as_bytes())?)
    }

    /// `cargo` run in the shadow workspace, with its own target folder and
    /// the main target folder as its build directory.
    fn cargo(&self) -> Command {
        let mut cargo = crate::cargo();
        cargo
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        if std::env::var_os("CARGO_BUILD_BUILD_DIR").is_none() {
            cargo.env("CARGO_BUILD_BUILD_DIR", &self.build_dir);
        }
        cargo
    }

    /// Builds `vi` with `profile` against the libtorch at `libtorch` and
    /// returns the binary's path.
    ///
    /// # Errors
    /// The build fails.
    pub fn build_vi(&self, libtorch: &Path, profile: Profile) -> Result<PathBuf> {
        let mut cargo = self.cargo();
        cargo.env("LIBTORCH", libtorch).args([
            "build",
            "--locked",
            "--package",
            "vi-cli",
            "--bin",
            "vi",
        ]);
        if profile == Profile::Release {
            cargo.arg("--release");
        }
        outln!(
            "==> building vi against libtorch {} (tch {}, {} profile)",
            self.release.torch,
            self.release.tch,
            profile.folder()
        );
        let status = cargo.status().context("running cargo build")?;
        if !status.success() {
            bail!(
                "building vi against libtorch {} failed ({status})",
                self.release.torch
            );
        }
        Ok(self.target_dir.join(profile.folder()).join("vi"))
    }
}

/// The root manifest with `tch` and `torch-sys` pinned to `release.tch`
/// and only `crates/*` as members (xtask builds with the pinned tch).
///
/// # Errors
/// If the manifest does not pin both crates as `<name> = "=<version>"` or
/// has no `members` line: the rewrite would silently build the wrong tch.
pub fn rewrite_manifest(manifest: &str, release: &Release) -> Result<String> {
    let mut found = BTreeSet::new();
    let mut lines = vec![format!(
        "# Written by `cargo xtask compat` from the workspace's Cargo.toml, with \
         tch {} (libtorch {}) instead of {}. Not to be edited.",
        release.tch, release.torch, PINNED.tch
    )];
    for line in manifest.lines() {
        let pinned = ["tch", "torch-sys"]
            .into_iter()
            .find(|name| line == format!("{name} = \"={}\"", PINNED.tch));
        if let Some(name) = pinned {
            found.insert(name);
            lines.push(format!("{name} = \"={}\"", release.tch));
        } else if line.starts_with("members = ") {
            found.insert("members");
            lines.push("members = [\"crates/*\"]".to_owned());
        } else {
            lines.push(line.to_owned());
        }
    }
    for expected in ["members", "tch", "torch-sys"] {
        if !found.contains(expected) {
            bail!(
                "Cargo.toml has no line `{}`; xtask/src/compat/workspace.rs rewrites that line \
                 to build against tch {}, so it must learn the manifest's new form",
                match expected {
                    "members" => "members = [...]".to_owned(),
                    name => format!("{name} = \"={}\"", PINNED.tch),
                },
                release.tch
            );
        }
    }
    // tch and torch-sys are built for this release alone, so nothing is
    // shared by building them as the workspace's dev profile builds other
    // registry crates: unoptimised and without debug information (libtorch
    // does the numerics) they, and torch-sys's C++ bindings, compile in a
    // fraction of the time. The release profile is left as it is.
    for name in ["tch", "torch-sys"] {
        lines.extend([
            String::new(),
            format!("[profile.dev.package.{name}]"),
            "opt-level = 0".to_owned(),
            "debug = false".to_owned(),
        ]);
    }
    lines.push(String::new());
    Ok(lines.join("\n"))
}

/// The `(name, version)` of every package of a `Cargo.lock`.
fn locked_packages(lock: &str) -> BTreeSet<(String, String)> {
    lock.split("[[package]]")
        .skip(1)
        .filter_map(|entry| {
            let field = |key: &str| {
                entry.lines().find_map(|line| {
                    line.strip_prefix(key)?
                        .strip_prefix(" = \"")?
                        .strip_suffix('"')
                        .map(str::to_owned)
                })
            };
            Some((field("name")?, field("version")?))
        })
        .collect()
}

/// Checks that the shadow lockfile holds nothing but the root lockfile's
/// packages and the release's tch and torch-sys: every other crate builds
/// at the version the workspace tested.
///
/// # Errors
/// Naming the packages that are new.
pub fn check_lock(root_lock: &str, resolved: &str, release: &Release) -> Result<()> {
    let known = locked_packages(root_lock);
    let new: Vec<String> = locked_packages(resolved)
        .into_iter()
        .filter(|(name, version)| {
            let pinned = (name == "tch" || name == "torch-sys") && version == release.tch;
            !pinned && !known.contains(&(name.clone(), version.clone()))
        })
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    if !new.is_empty() {
        bail!(
            "tch {} needs packages that Cargo.lock does not pin: {}. Add them to the \
             workspace's lockfile (for example as dependencies of a test) so that the build \
             against libtorch {} stays reproducible",
            release.tch,
            new.join(", "),
            release.torch
        );
    }
    Ok(())
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    Ok(vi_fs::write(path, text.as_bytes())?)
}

#[cfg(unix)]
fn link_crates(crates: &Path, link: &Path) -> Result<()> {
    if fs::read_link(link).ok().as_deref() == Some(crates) {
        return Ok(());
    }
    Ok(vi_fs::replace_symlink(crates, link)?)
}

#[cfg(not(unix))]
fn link_crates(_crates: &Path, _link: &Path) -> Result<()> {
    bail!("cargo xtask compat builds against the PyPI wheels' Linux libraries only")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::libtorch::release::OLDER;

    const MANIFEST: &str = "[workspace]\nmembers = [\"crates/*\", \"xtask\"]\n\n\
        [workspace.dependencies]\n# pinned once\ntch = \"=0.26.0\"\ntorch-sys = \"=0.26.0\"\n\
        anyhow = \"1\"\n";

    #[test]
    fn the_manifest_gets_the_older_pins_and_only_the_crates() {
        let rewritten = rewrite_manifest(MANIFEST, &OLDER[0]).expect("rewritable");
        assert!(rewritten.starts_with("# Written by `cargo xtask compat`"));
        assert!(
            rewritten.contains("\nmembers = [\"crates/*\"]\n"),
            "{rewritten}"
        );
        assert!(rewritten.contains("\ntch = \"=0.24.0\"\ntorch-sys = \"=0.24.0\"\n"));
        assert!(rewritten.contains("# pinned once\n") && rewritten.contains("anyhow = \"1\"\n"));
        assert!(!rewritten.contains("0.26.0\"\n"), "{rewritten}");
        assert!(
            rewritten.ends_with("[profile.dev.package.torch-sys]\nopt-level = 0\ndebug = false\n"),
            "{rewritten}"
        );
    }

    #[test]
    fn the_real_manifest_is_rewritable() {
        let manifest = include_str!("../../../Cargo.toml");
        for release in OLDER {
            rewrite_manifest(manifest, release).expect("the workspace manifest's form");
        }
    }

    #[test]
    fn a_pin_of_another_form_is_an_error_not_a_silent_build() {
        let changed = MANIFEST.replace("tch = \"=0.26.0\"", "tch = { version = \"=0.26.0\" }");
        let error = rewrite_manifest(&changed, &OLDER[0]).expect_err("unrewritable");
        assert!(error.to_string().contains("tch = \"=0.26.0\""), "{error}");
    }

    fn lock(entries: &[(&str, &str)]) -> String {
        let mut text = String::from("version = 4\n");
        for (name, version) in entries {
            text += &format!(
                "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n\
                 dependencies = [\n \"libc\",\n]\n"
            );
        }
        text
    }

    #[test]
    fn the_resolved_lock_may_only_swap_tch_and_drop_packages() {
        let root = lock(&[
            ("libc", "0.2.1"),
            ("tch", "0.26.0"),
            ("torch-sys", "0.26.0"),
            ("zip", "9.0.0"),
        ]);
        let swapped = lock(&[
            ("libc", "0.2.1"),
            ("tch", "0.24.0"),
            ("torch-sys", "0.24.0"),
        ]);
        check_lock(&root, &swapped, &OLDER[0]).expect("only tch changed");
        let grown = lock(&[("libc", "0.2.1"), ("libc", "0.2.9"), ("tch", "0.24.0")]);
        let error = check_lock(&root, &grown, &OLDER[0]).expect_err("a new package");
        assert!(error.to_string().contains("libc 0.2.9"), "{error}");
    }
}
