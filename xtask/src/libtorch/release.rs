//! The libtorch releases vi builds against: the one the workspace pins, and
//! the older ones `cargo xtask compat` builds for machines whose PyTorch is
//! older, each with the tch release made for it and its PyPI wheel pinned
//! by SHA-256.

use anyhow::{Result, bail};

/// A libtorch release, the tch release that binds it, and its wheel.
#[derive(Debug, PartialEq, Eq)]
pub struct Release {
    /// libtorch's version as its `build-version` states it, e.g. `2.13.0`.
    pub torch: &'static str,
    /// The tch (and torch-sys) release made for it, e.g. `0.26.0`; torch-sys
    /// refuses any other libtorch.
    pub tch: &'static str,
    /// PyPI's CPython 3.11 manylinux x86-64 wheel of `torch==<torch>` (a
    /// CUDA 13 build; the CPU libraries and headers are taken from it).
    pub wheel: &'static str,
    /// The wheel's SHA-256.
    pub wheel_sha256: &'static str,
}

/// The release the workspace pins (`tch = "=0.26.0"` in Cargo.toml).
pub const PINNED: Release = Release {
    torch: "2.13.0",
    tch: "0.26.0",
    wheel: "torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl",
    wheel_sha256: "60fcdcb2f3876e21146cb4524ef06397d727ca9ad5f020818547e25075fe3cb7",
};

/// Older releases, newest first: what `cargo xtask compat` can build vi
/// against. 2.11.0 is the PyTorch of the GPU machine vi's CUDA figures come
/// from (torch 2.11.0+cu130).
pub const OLDER: &[Release] = &[Release {
    torch: "2.11.0",
    tch: "0.24.0",
    wheel: "torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl",
    wheel_sha256: "7aa2f9bbc6d4595ba72138026b2074be1233186150e9292865e04b7a63b8c67a",
}];

impl Release {
    /// The older release of libtorch `torch` (`2.11.0`; `2.11` also works).
    ///
    /// # Errors
    /// Naming the releases there are, for a version that is not one of them.
    pub fn older(torch: &str) -> Result<&'static Release> {
        let wanted = torch.trim_start_matches('v');
        if let Some(release) = OLDER
            .iter()
            .find(|r| r.torch == wanted || r.torch.strip_suffix(".0") == Some(wanted))
        {
            return Ok(release);
        }
        let known: Vec<&str> = OLDER.iter().map(|r| r.torch).collect();
        if wanted == PINNED.torch {
            bail!(
                "libtorch {wanted} is the release the workspace pins; build it with cargo \
                 itself. `cargo xtask compat` builds against an older one: {}",
                known.join(", ")
            );
        }
        bail!(
            "--torch {torch}: vi is not set up to build against that libtorch; the releases \
             there are: {} (pinned: {}). Adding one is an entry in xtask/src/libtorch/release.rs \
             with the tch release that binds it.",
            known.join(", "),
            PINNED.torch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_release_is_the_workspace_pin() {
        let manifest = include_str!("../../../Cargo.toml");
        for krate in ["tch", "torch-sys"] {
            let line = format!("\n{krate} = \"={}\"\n", PINNED.tch);
            assert!(manifest.contains(&line), "Cargo.toml lacks {line:?}");
        }
    }

    #[test]
    fn older_releases_are_found_by_version() {
        assert_eq!(Release::older("2.11.0").expect("known").tch, "0.24.0");
        assert_eq!(Release::older("2.11").expect("known").torch, "2.11.0");
        let error = Release::older("2.10.0").expect_err("unknown").to_string();
        assert!(error.contains("2.11.0"), "{error}");
        let error = Release::older("2.13.0").expect_err("pinned").to_string();
        assert!(error.contains("pins"), "{error}");
    }

    #[test]
    fn releases_are_distinct_and_older_than_the_pin() {
        let number =
            |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().expect("digits")).collect() };
        for release in OLDER {
            assert!(number(release.torch) < number(PINNED.torch), "{release:?}");
            assert!(number(release.tch) < number(PINNED.tch), "{release:?}");
            assert!(
                release
                    .wheel
                    .starts_with(&format!("torch-{}-", release.torch))
            );
            assert_eq!(release.wheel_sha256.len(), 64);
        }
    }
}
