//! Downloading a data set: each file from the first mirror that serves
//! content with the pinned SHA-256, decompressed on the fly, written to a
//! `.part` file and renamed only after verification.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use flate2::read::MultiGzDecoder;

use super::sets::{DataFile, DataSet, Mirror};
use crate::atomic;
use crate::digest::{copy_hashed, sha256_file};
use crate::fetch::FetchError;

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// It was already there and verified; nothing was downloaded.
    AlreadyVerified,
    /// Downloaded and verified from this location.
    Downloaded(String),
}

/// Downloads every missing or unverified file of `set` into `dir`.
///
/// Returns one outcome per file. If any file fails on every mirror, the
/// error lists each file with each mirror's reason; the files that did
/// verify are kept.
pub fn fetch_set(set: &DataSet, dir: &Path) -> Result<Vec<(String, FileOutcome)>> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut outcomes = Vec::new();
    let mut failures = String::new();
    for file in &set.files {
        match fetch_file(file, &set.mirrors, dir)? {
            Ok(outcome) => outcomes.push((file.name.clone(), outcome)),
            Err(reasons) => {
                let _ = writeln!(failures, "  {}:", file.name);
                for reason in reasons {
                    let _ = writeln!(failures, "    {reason}");
                }
            }
        }
    }
    if !failures.is_empty() {
        bail!(
            "could not download {} into {}:\n{failures}Point --mirror (or VI_DATA_MIRROR) at a directory or \
             HTTP base URL that holds {}/<file>.gz.",
            set.name,
            dir.display(),
            set.name
        );
    }
    write_checksums(set, dir)?;
    Ok(outcomes)
}

/// Fetches one file. The outer error is a local failure (the disk), the
/// inner one lists why each mirror failed.
fn fetch_file(
    file: &DataFile,
    mirrors: &[Mirror],
    dir: &Path,
) -> Result<Result<FileOutcome, Vec<String>>> {
    let target = dir.join(&file.name);
    if target.exists() {
        let found =
            sha256_file(&target).with_context(|| format!("reading {}", target.display()))?;
        if found == file.sha256 {
            return Ok(Ok(FileOutcome::AlreadyVerified));
        }
        // A file that fails verification is never kept under its final name.
        fs::remove_file(&target)
            .with_context(|| format!("removing unverified {}", target.display()))?;
    }
    let part = part_path(&target);
    let mut reasons = Vec::new();
    for mirror in mirrors {
        let location = mirror.source.locate(&mirror.relative(file));
        match download_verified(mirror, file, &part) {
            Ok(()) => {
                fs::rename(&part, &target).with_context(|| {
                    format!("renaming {} to {}", part.display(), target.display())
                })?;
                return Ok(Ok(FileOutcome::Downloaded(location)));
            }
            Err(reason) => {
                atomic::remove_any(&part)
                    .with_context(|| format!("removing {}", part.display()))?;
                reasons.push(format!("{location}: {reason}"));
            }
        }
    }
    Ok(Err(reasons))
}

/// Streams `mirror`'s copy of `file` through gzip into `part` and checks the
/// SHA-256 of the decompressed bytes. Leaves `part` for the caller to rename
/// or remove.
fn download_verified(mirror: &Mirror, file: &DataFile, part: &Path) -> Result<(), String> {
    let reader = mirror
        .source
        .open(&mirror.relative(file))
        .map_err(|error| match error {
            FetchError::NotFound => "not found".to_owned(),
            FetchError::Failed(why) => why,
        })?;
    let out =
        File::create(part).map_err(|error| format!("creating {}: {error}", part.display()))?;
    let mut writer = BufWriter::new(out);
    let mut decoder = MultiGzDecoder::new(reader);
    let (digest, _) = copy_hashed(&mut decoder, &mut writer)
        .map_err(|error| format!("transfer or decompression failed: {error}"))?;
    let out = writer
        .into_inner()
        .map_err(|error| format!("writing {}: {}", part.display(), error.error()))?;
    out.sync_all()
        .map_err(|error| format!("flushing {}: {error}", part.display()))?;
    if digest != file.sha256 {
        return Err(format!(
            "SHA-256 of the decompressed content is {digest}, expected {}",
            file.sha256
        ));
    }
    Ok(())
}

fn part_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    target.with_file_name(name)
}

/// Writes `SHA256SUMS.raw` beside the files, in `sha256sum -c` format.
fn write_checksums(set: &DataSet, dir: &Path) -> Result<()> {
    let target = dir.join("SHA256SUMS.raw");
    let part = part_path(&target);
    let mut text = String::new();
    for file in &set.files {
        let _ = writeln!(text, "{}  {}", file.sha256, file.name);
    }
    let out = File::create(&part).with_context(|| format!("creating {}", part.display()))?;
    io::Write::write_all(&mut &out, text.as_bytes())
        .with_context(|| format!("writing {}", part.display()))?;
    atomic::persist(out, &part, &target)
}
