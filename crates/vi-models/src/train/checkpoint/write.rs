//! Writing a checkpoint: the format's bytes, written atomically with
//! vi-fs, so that a crash leaves the last complete checkpoint in place.

use std::path::Path;

use super::format::{CheckpointContents, encode};
use crate::error::Result;

/// Writes `contents` to `path` atomically (`vi_fs::write`: a temporary
/// sibling, flushed to disk, renamed over `path`). An interrupted write
/// leaves the previous file intact and no temporary file behind.
///
/// # Errors
/// As `encode`; [`Error::Write`](crate::Error::Write) if the file cannot
/// be written.
pub(crate) fn write(path: &Path, contents: &CheckpointContents<'_>) -> Result<()> {
    let bytes = encode(contents)?;
    Ok(vi_fs::write(path, &bytes)?)
}
