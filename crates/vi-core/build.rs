//! Makes libtorch's shared libraries findable by every `cargo run`,
//! `cargo test` and `cargo bench` of a build that contains vi-core, and
//! tells the crates that depend on vi-core where libtorch is.
//!
//! torch-sys tells the linker where libtorch is, but cargo adds a
//! `rustc-link-search` directory to the dynamic-library search path of the
//! programs it runs only when that directory lies inside the target
//! directory. A symbolic link to the libtorch `lib/` inside `OUT_DIR` is
//! such a directory, so tests, examples, benches and doctests load libtorch
//! without anyone exporting `LD_LIBRARY_PATH`.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let (Some(lib), Some(out_dir)) = (env::var_os("DEP_TCH_LIBTORCH_LIB"), env::var_os("OUT_DIR"))
    else {
        return;
    };
    let lib = PathBuf::from(lib);
    // `DEP_VI_CORE_LIBTORCH_LIB` for direct dependents: a binary's build
    // script turns it into a run path (see the README's "Use" section).
    println!("cargo::metadata=libtorch_lib={}", lib.display());
    let link = PathBuf::from(out_dir).join("libtorch-lib");
    // A stale link from an earlier libtorch must go before the new one is made.
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    let linked = std::os::unix::fs::symlink(&lib, &link).is_ok();
    #[cfg(not(unix))]
    let linked = false;
    let dir = if linked { link } else { lib };
    println!("cargo:rustc-link-search=native={}", dir.display());
}
