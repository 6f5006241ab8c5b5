//! Lets the `vi` binary find libtorch wherever it is installed or run from,
//! and records the libtorch version for `vi --version`.
//!
//! torch-sys reports the libtorch it built against as
//! `DEP_TCH_LIBTORCH_LIB`. The binary gets that directory as its run path,
//! so `cargo install --path crates/vi-cli` and `target/release/vi` work
//! without `LD_LIBRARY_PATH`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
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
