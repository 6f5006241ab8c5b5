//! The versions `vi --version` reports: vi, tch and the libtorch it was
//! built against.

use serde::Serialize;

/// The versions a run records in its `summary.json`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Versions {
    /// vi's own version.
    pub vi: &'static str,
    /// The tch crate.
    pub tch: &'static str,
    /// The libtorch vi was built against.
    pub libtorch: &'static str,
}

/// This build's versions.
pub const VERSIONS: Versions = Versions {
    vi: env!("CARGO_PKG_VERSION"),
    tch: TCH_VERSION,
    libtorch: env!("VI_LIBTORCH_VERSION"),
};

/// The tch version pinned in the manifest of the workspace vi was built in
/// (read by the build script: the root manifest's, or another release's
/// when `cargo xtask compat` builds vi against an older libtorch).
pub const TCH_VERSION: &str = env!("VI_TCH_VERSION");

/// `vi --version`.
pub const SHORT: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (tch ",
    env!("VI_TCH_VERSION"),
    ", libtorch ",
    env!("VI_LIBTORCH_VERSION"),
    ")"
);

/// `vi --help`'s long version: one component per line.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ntch ",
    env!("VI_TCH_VERSION"),
    "\nlibtorch ",
    env!("VI_LIBTORCH_VERSION"),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tch_version_matches_the_workspace_pin() {
        let manifest = include_str!("../../../Cargo.toml");
        assert!(
            manifest.contains(&format!("tch = \"={TCH_VERSION}\"")),
            "the workspace pins another tch than {TCH_VERSION}"
        );
        assert!(SHORT.contains(TCH_VERSION) && LONG.contains(TCH_VERSION));
    }
}
