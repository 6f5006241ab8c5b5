//! `cargo xtask compat bundle`: what travels to a GPU machine whose PyTorch
//! is the older release, in `gpu/bundle/` (git-ignored): `vi` built in
//! release mode against that release and stripped, MNIST gzip-compressed,
//! and `bundle.json` (versions, commit, files). The launcher `gpu/vi` and
//! the script `gpu/run.py` are tracked and travel with the working tree.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;

use super::{Options, Profile};
use crate::data::{self, DataSet};
use crate::digest::sha256_file;
use crate::libtorch::release::Release;
use crate::manifest;
use vi_fs::outln;

/// The bundle's folder, relative to the repository root (what the GPU
/// machine's caller names in its list of ignored paths to carry).
pub const BUNDLE_DIR: &str = "gpu/bundle";

/// What may travel to the GPU machine, the working tree included.
const TRAVEL_LIMIT: u64 = 64 << 20;

pub fn run(root: &Path, options: &Options, mirror: Option<&str>) -> Result<()> {
    let vi = super::build(root, options, Profile::Release)?;
    let data_dir = data::default_dir(root);
    data::ensure(&data_dir, data::Which::Mnist, mirror)?;
    let bundle = root.join(BUNDLE_DIR);
    let parent = bundle.parent().unwrap_or(root);
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    // What an interrupted run of this command left.
    for leftover in vi_fs::leftovers(parent)? {
        if leftover.name == "bundle" {
            vi_fs::remove_any(&leftover.path)?;
        }
    }
    let temp = vi_fs::temporary_sibling(&bundle);
    let set = mnist();
    let assembled = assemble(
        &temp,
        &Contents {
            binary: &vi.binary,
            strip: Some("strip"),
            mnist: &data_dir.join(&set.name),
            set: &set,
            release: vi.release,
            commit: &commit(root),
        },
    );
    let files = match assembled {
        Ok(files) => files,
        Err(error) => {
            let _ = vi_fs::remove_any(&temp);
            return Err(error);
        }
    };
    vi_fs::remove_any(&bundle).with_context(|| format!("removing {}", bundle.display()))?;
    fs::rename(&temp, &bundle)
        .with_context(|| format!("renaming {} to {}", temp.display(), bundle.display()))?;
    vi_fs::sync_folder(parent)?;

    let size: u64 = files.iter().map(|(_, bytes)| bytes).sum();
    let tracked = tracked_bytes(root);
    let mib = |bytes: u64| bytes as f64 / f64::from(1 << 20);
    outln!("\nGPU bundle in {BUNDLE_DIR}/ ({:.1} MiB):", mib(size));
    for (name, bytes) in &files {
        outln!("  {name:<42} {:>6.1} MiB", mib(*bytes));
    }
    if let Some(tracked) = tracked {
        outln!(
            "with the tracked files ({:.1} MiB): {:.1} MiB of the {} MiB that may travel",
            mib(tracked),
            mib(size + tracked),
            TRAVEL_LIMIT >> 20
        );
        if size + tracked > TRAVEL_LIMIT {
            bail!("the bundle and the working tree exceed what may travel");
        }
    }
    outln!(
        "\nOn the GPU machine (PyTorch {torch} with CUDA as `python3`), from the repository \
         root, with OUT naming the output folder:\n\n    python3 gpu/run.py\n\n\
         carry: [\"{BUNDLE_DIR}\"]    time limit: 600 s (the script keeps within 540 s)\n\n\
         Rehearse it on this machine's CPU first (about 2 minutes):\n\n    \
         OUT=/tmp/vi-gpu-rehearsal python3 gpu/run.py --rehearse\n",
        torch = vi.release.torch
    );
    Ok(())
}

/// MNIST, the one data set the GPU script uses.
fn mnist() -> DataSet {
    data::Which::Mnist.sets().swap_remove(0)
}

/// What goes into a bundle.
struct Contents<'a> {
    /// The `vi` built against `release`.
    binary: &'a Path,
    /// The `strip` program, or `None` to copy the binary as it is.
    strip: Option<&'a str>,
    /// The verified, decompressed MNIST folder.
    mnist: &'a Path,
    /// Its files.
    set: &'a DataSet,
    release: &'a Release,
    /// The commit vi was built from.
    commit: &'a str,
}

/// Writes the bundle into the new folder `dir`; returns each file's
/// relative path and size.
fn assemble(dir: &Path, contents: &Contents<'_>) -> Result<Vec<(String, u64)>> {
    let data = dir.join("data").join(&contents.set.name);
    fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let vi = dir.join("vi");
    fs::copy(contents.binary, &vi)
        .with_context(|| format!("copying {} to {}", contents.binary.display(), vi.display()))?;
    if let Some(strip) = contents.strip {
        let status = Command::new(strip)
            .arg(&vi)
            .status()
            .with_context(|| format!("running `{strip}` (binutils) to shrink the binary"))?;
        if !status.success() {
            bail!("`{strip} {}` failed ({status})", vi.display());
        }
    }
    let mut files = vec!["vi".to_owned()];
    for file in &contents.set.files {
        let source = contents.mnist.join(&file.name);
        let name = format!("data/{}/{}.gz", contents.set.name, file.name);
        gzip(&source, &dir.join(&name))?;
        files.push(name);
    }
    let mut listed = Vec::new();
    for name in &files {
        let path = dir.join(name);
        let bytes = fs::metadata(&path)?.len();
        let sha256 = sha256_file(&path).with_context(|| format!("reading {}", path.display()))?;
        listed.push(json!({"path": name, "bytes": bytes, "sha256": sha256}));
    }
    let manifest = json!({
        "vi": env!("CARGO_PKG_VERSION"),
        "tch": contents.release.tch,
        "libtorch": contents.release.torch,
        "commit": contents.commit,
        "created": manifest::timestamp(std::time::SystemTime::now()),
        "files": listed,
    });
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    fs::write(dir.join("bundle.json"), text)?;
    files.push("bundle.json".to_owned());
    files
        .into_iter()
        .map(|name| {
            let bytes = fs::metadata(dir.join(&name))?.len();
            Ok((name, bytes))
        })
        .collect()
}

/// Compresses `source` into `target` (which vi and the reference scripts
/// read as they read the plain file).
fn gzip(source: &Path, target: &Path) -> Result<()> {
    let mut input = BufReader::new(
        File::open(source).with_context(|| format!("opening {}", source.display()))?,
    );
    let mut encoder = GzEncoder::new(
        BufWriter::new(
            File::create(target).with_context(|| format!("creating {}", target.display()))?,
        ),
        Compression::best(),
    );
    io::copy(&mut input, &mut encoder)
        .with_context(|| format!("compressing {}", source.display()))?;
    encoder
        .finish()?
        .into_inner()
        .map_err(|error| error.into_error())?;
    Ok(())
}

/// `git rev-parse HEAD`, with `-dirty` when the working tree differs.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    match (git(&["rev-parse", "HEAD"]), git(&["status", "--porcelain"])) {
        (Some(head), Some(status)) if status.is_empty() => head,
        (Some(head), _) => format!("{head}-dirty"),
        _ => "unknown".to_owned(),
    }
}

/// The size of the files git tracks (what travels besides the bundle).
fn tracked_bytes(root: &Path) -> Option<u64> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    Some(
        output
            .stdout
            .split(|&byte| byte == 0)
            .filter(|name| !name.is_empty())
            .filter_map(|name| fs::metadata(root.join(&*String::from_utf8_lossy(name))).ok())
            .map(|meta| meta.len())
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;

    use super::*;
    use crate::libtorch::release::OLDER;

    #[test]
    fn the_bundle_holds_the_binary_the_compressed_data_and_their_manifest() {
        let source = tempfile::tempdir().expect("temporary folder");
        let set = mnist();
        for (i, file) in set.files.iter().enumerate() {
            fs::write(source.path().join(&file.name), vec![i as u8; 1000 + i]).expect("written");
        }
        let binary = source.path().join("vi-built");
        fs::write(&binary, b"\x7fELF not really").expect("written");
        let out = tempfile::tempdir().expect("temporary folder");
        let dir = out.path().join("bundle");
        let files = assemble(
            &dir,
            &Contents {
                binary: &binary,
                strip: None,
                mnist: source.path(),
                set: &set,
                release: &OLDER[0],
                commit: "abc123",
            },
        )
        .expect("assembled");

        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names.len(), 6, "{names:?}");
        assert_eq!(names[0], "vi");
        assert_eq!(names[5], "bundle.json");
        for (i, file) in set.files.iter().enumerate() {
            let path = dir.join(format!("data/mnist/{}.gz", file.name));
            let mut content = Vec::new();
            GzDecoder::new(File::open(&path).expect("compressed file"))
                .read_to_end(&mut content)
                .expect("gzip");
            assert_eq!(content, vec![i as u8; 1000 + i], "{}", file.name);
        }
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join("bundle.json")).expect("json"))
                .expect("valid JSON");
        assert_eq!(manifest["libtorch"], OLDER[0].torch);
        assert_eq!(manifest["tch"], OLDER[0].tch);
        assert_eq!(manifest["commit"], "abc123");
        assert_eq!(manifest["files"][0]["path"], "vi");
        assert_eq!(manifest["files"][0]["bytes"], 15);
    }
}
