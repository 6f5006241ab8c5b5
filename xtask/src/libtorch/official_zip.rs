//! libtorch from the official zip archive, for users with internet and no
//! pip. The archive holds one top-level `libtorch/` folder.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::layout::Install;
use super::release::Release;
use crate::fetch::{FetchError, Source};

/// The official CPU archive of `release`.
pub fn cpu_url(release: &Release) -> String {
    archive_url(release, "cpu")
}

/// The official CUDA 12.8 archive of `release`.
pub fn cuda_url(release: &Release) -> String {
    archive_url(release, "cu128")
}

fn archive_url(release: &Release, build: &str) -> String {
    format!(
        "https://download.pytorch.org/libtorch/{build}/libtorch-shared-with-deps-{}%2B{build}.zip",
        release.torch
    )
}

/// Downloads the archive at `url` and unpacks it into `dir`.
pub fn install(url: &str, dir: &Path) -> Result<Install> {
    let (base, name) = url
        .rsplit_once('/')
        .with_context(|| format!("{url} is not a URL of a file"))?;
    let archive = dir.join("libtorch.zip");
    {
        let mut reader = Source::parse(base)
            .open(name)
            .map_err(|error| match error {
                FetchError::NotFound => anyhow::anyhow!("{url}: not found"),
                FetchError::Failed(why) => anyhow::anyhow!("{url}: {why}"),
            })?;
        let mut out = BufWriter::new(File::create(&archive)?);
        io::copy(&mut reader, &mut out).with_context(|| format!("downloading {url}"))?;
        out.into_inner()
            .map_err(|error| error.into_error())?
            .sync_all()?;
    }
    unpack(&archive, dir).with_context(|| format!("unpacking {url}"))?;
    fs::remove_file(&archive)?;
    Ok(Install {
        dir: dir.to_owned(),
        libtorch: PathBuf::from("."),
        source: url.to_owned(),
    })
}

/// Extracts every member under `libtorch/` into `dir`, keeping the rest of
/// the path.
fn unpack(archive: &Path, dir: &Path) -> Result<()> {
    let mut zip = zip::ZipArchive::new(File::open(archive)?)?;
    let mut count = 0;
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index)?;
        let Some(path) = entry.enclosed_name() else {
            bail!("unsafe member name {}", entry.name()?);
        };
        let Ok(inner) = path.strip_prefix("libtorch") else {
            continue;
        };
        let target = dir.join(inner);
        if entry.is_dir() {
            fs::create_dir_all(&target)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        io::copy(&mut entry, &mut File::create(&target)?)?;
        count += 1;
    }
    if count == 0 {
        bail!("the archive has no libtorch/ folder");
    }
    Ok(())
}
