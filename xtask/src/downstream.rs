//! The downstream example (`examples/downstream/`): a project outside vi's
//! workspace that depends on vi-core, built into vi's target folder (so that
//! the libraries vi's own build compiled are reused) and run by itself, with
//! no library path set, to prove that its binary finds libtorch.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo;

/// The example's folder: a workspace of its own.
fn manifest_dir(root: &Path) -> PathBuf {
    root.join("examples").join("downstream")
}

/// The target folder the workspace builds into: `CARGO_TARGET_DIR` if set,
/// else `target/` of the workspace.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// `cargo build` of the example, into `target_dir`, run from the workspace's
/// root: `LIBTORCH` is then the workspace's own (from the environment or the
/// workspace's `.cargo/config.toml`), spelled the same way, so that
/// torch-sys is not rebuilt for the example.
pub fn build(root: &Path, target_dir: &Path) -> Command {
    let manifest = manifest_dir(root).join("Cargo.toml");
    let mut command = cargo();
    command
        .arg("build")
        .arg("--quiet")
        .arg("--locked")
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target_dir);
    if std::env::var_os("LIBTORCH").is_none() {
        command.env(
            "LIBTORCH",
            root.join(".cache").join("libtorch").join("active"),
        );
    }
    command
}

/// The example's binary, started directly with no library path: it must
/// find libtorch through the run path its build script set.
pub fn run(target_dir: &Path) -> Command {
    let mut command = Command::new(target_dir.join("debug").join("vi-downstream-example"));
    command.env_remove("LD_LIBRARY_PATH");
    command
}
