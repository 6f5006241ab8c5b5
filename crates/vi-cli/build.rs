//! Lets the `vi` binary find libtorch wherever it is installed or run from,
//! and records the tch and libtorch versions for `vi --version`.
//!
//! torch-sys reports the libtorch it built against as
//! `DEP_TCH_LIBTORCH_LIB`. The binary gets that directory as its run path,
//! so `cargo install --path crates/vi-cli` and `target/release/vi` work
//! without `LD_LIBRARY_PATH`.
//!
//! The tch version is the one the workspace manifest pins: usually
//! `Cargo.toml` at the root, or the copy with other pins that `cargo xtask
//! compat` builds (see ARCHITECTURE.md), which reaches this crate through a
//! symbolic link — so the manifest is found by removing path components,
//! not by resolving `..`, which would follow the link back to the root.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    println!("cargo:rustc-env=VI_TCH_VERSION={}", tch_version());
    let Some(lib) = env::var_os("DEP_TCH_LIBTORCH_LIB").map(PathBuf::from) else {
        println!("cargo:rustc-env=VI_LIBTORCH_VERSION=unknown");
        return;
    };
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-rpath,{}", lib.display());
        // With --as-needed the linker drops libtorch_cuda.so (nothing refers
        // to it by symbol), and then CUDA is never registered at run time.
        if lib.join("libtorch_cuda.so").exists() {
            println!("cargo:rustc-link-arg-bins=-Wl,--no-as-needed,-ltorch_cuda,--as-needed");
        }
    }
    let root = lib.parent().unwrap_or(&lib);
    println!(
        "cargo:rustc-env=VI_LIBTORCH_VERSION={}",
        libtorch_version(root)
    );
}

/// The tch version pinned (`tch = "=X.Y.Z"`) in the manifest of the
/// workspace that contains this crate, or `unknown`.
fn tch_version() -> String {
    let Some(manifest) = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|dir| Some(dir.parent()?.parent()?.join("Cargo.toml")))
    else {
        return "unknown".to_owned();
    };
    println!("cargo:rerun-if-changed={}", manifest.display());
    fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let pin = line.trim().strip_prefix("tch = \"=")?;
                Some(pin.split('"').next()?.to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The version libtorch declares in `build-version` (libtorch archives) or
/// `version.py` (a pip torch package).
fn libtorch_version(root: &Path) -> String {
    if let Ok(text) = fs::read_to_string(root.join("build-version")) {
        return text.trim().to_owned();
    }
    if let Ok(text) = fs::read_to_string(root.join("version.py")) {
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("__version__") {
                let value = rest.rsplit(['=', ':']).next().unwrap_or(rest);
                return value
                    .trim()
                    .trim_start_matches("str")
                    .trim_matches(['\'', '"', ' '])
                    .to_owned();
            }
        }
    }
    "unknown".to_owned()
}
