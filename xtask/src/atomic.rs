//! Atomic installs: build under a temporary name in the same directory,
//! then rename, so an interrupted run never leaves something that looks
//! finished under the final name.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The prefix of every temporary entry this module creates.
const TEMP_PREFIX: &str = ".tmp-";

/// A temporary sibling of `path`: `<dir>/.tmp-<name>-<pid>`.
pub fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{TEMP_PREFIX}{name}-{}", std::process::id()))
}

/// Removes temporary entries left in `dir` by interrupted runs.
pub fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            remove_any(&entry.path())
                .with_context(|| format!("removing leftover {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Removes a file, a symbolic link or a whole directory; absent is fine.
pub fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Flushes `file` to disk and renames `from` to `to`.
pub fn persist(file: File, from: &Path, to: &Path) -> Result<()> {
    file.sync_all()
        .with_context(|| format!("flushing {}", from.display()))?;
    drop(file);
    fs::rename(from, to).with_context(|| format!("renaming {} to {}", from.display(), to.display()))
}

/// Writes `bytes` to `path` through a temporary sibling and a rename, so
/// `path` holds either its old content or all of the new.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temp_sibling(path);
    let mut file = File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
    io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("writing {}", temp.display()))?;
    persist(file, &temp, path)
}

/// Points the symbolic link `link` at `target`, replacing any old link in
/// one rename.
pub fn replace_symlink(target: &Path, link: &Path) -> Result<()> {
    let temp = temp_sibling(link);
    remove_any(&temp)?;
    make_symlink(target, &temp)
        .with_context(|| format!("creating link {} -> {}", temp.display(), target.display()))?;
    fs::rename(&temp, link).with_context(|| format!("replacing {}", link.display()))
}

#[cfg(unix)]
fn make_symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn make_symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporaries_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".tmp-cpu-2.13.0-42")).unwrap();
        fs::write(dir.path().join(".tmp-file-7"), b"x").unwrap();
        fs::create_dir(dir.path().join("cpu-2.13.0")).unwrap();
        remove_stale_temporaries(dir.path()).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["cpu-2.13.0"]);
    }

    #[test]
    fn symlinks_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("active");
        replace_symlink(Path::new("a"), &link).unwrap();
        replace_symlink(Path::new("b"), &link).unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("b"));
    }
}
