//! Downloading a data set: each file from the first mirror that serves
//! content with the pinned SHA-256, decompressed on the fly into a vi-fs
//! `AtomicFile` (a temporary sibling) that takes the final name only after
//! verification.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use flate2::read::MultiGzDecoder;
use vi_fs::AtomicFile;

use super::sets::{DataFile, DataSet, Mirror};
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
    let mut reasons = Vec::new();
    for mirror in mirrors {
        let location = mirror.source.locate(&mirror.relative(file));
        match download_verified(mirror, file, &target)? {
            Ok(()) => return Ok(Ok(FileOutcome::Downloaded(location))),
            Err(reason) => reasons.push(format!("{location}: {reason}")),
        }
    }
    Ok(Err(reasons))
}

/// Streams `mirror`'s copy of `file` through gzip into a temporary sibling
/// of `target` and checks the SHA-256 of the decompressed bytes; only
/// verified content takes `target`'s name, anything else is removed. The
/// outer error is a local failure (the disk), the inner one why this mirror
/// failed.
fn download_verified(
    mirror: &Mirror,
    file: &DataFile,
    target: &Path,
) -> Result<Result<(), String>> {
    let reader = match mirror.source.open(&mirror.relative(file)) {
        Ok(reader) => reader,
        Err(FetchError::NotFound) => return Ok(Err("not found".to_owned())),
        Err(FetchError::Failed(why)) => return Ok(Err(why)),
    };
    let mut out = AtomicFile::create(target)?;
    let mut decoder = MultiGzDecoder::new(reader);
    let digest = match copy_hashed(&mut decoder, &mut out) {
        Ok((digest, _)) => digest,
        Err(error) => {
            return Ok(Err(format!("transfer or decompression failed: {error}")));
        }
    };
    if digest != file.sha256 {
        return Ok(Err(format!(
            "SHA-256 of the decompressed content is {digest}, expected {}",
            file.sha256
        )));
    }
    out.commit()?;
    Ok(Ok(()))
}

/// Writes `SHA256SUMS.raw` beside the files, in `sha256sum -c` format.
fn write_checksums(set: &DataSet, dir: &Path) -> Result<()> {
    let mut text = String::new();
    for file in &set.files {
        let _ = writeln!(text, "{}  {}", file.sha256, file.name);
    }
    Ok(vi_fs::write(dir.join("SHA256SUMS.raw"), text.as_bytes())?)
}
