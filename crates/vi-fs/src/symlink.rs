//! Replacing a symbolic link in one step: a new link under a temporary
//! name, renamed over the old one.

use std::fs;
use std::io;
use std::path::Path;

use crate::atomic_file::sync_folder;
use crate::error::{Error, Operation, Result};
use crate::leftovers::{remove_any, temporary_sibling};

/// Points the symbolic link `link` at `target` (relative to `link`'s folder,
/// as `ln -s` takes it), replacing any old link in one rename: a reader
/// sees the old target or the new one, never no link.
///
/// # Errors
/// [`Operation::Link`] if the link cannot be created (on Windows, creating
/// links may need developer mode), [`Operation::Rename`] if it cannot take
/// the name, [`Operation::SyncFolder`].
pub fn replace_symlink(target: &Path, link: &Path) -> Result<()> {
    let temporary = temporary_sibling(link);
    remove_any(&temporary)?;
    make_symlink(target, &temporary).map_err(|error| Error::new(Operation::Link, link, error))?;
    if let Err(error) = fs::rename(&temporary, link) {
        let _ = fs::remove_file(&temporary);
        return Err(Error::new(Operation::Rename, link, error));
    }
    sync_folder(link)
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
    fn links_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("active");
        replace_symlink(Path::new("a"), &link).unwrap();
        replace_symlink(Path::new("b"), &link).unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("b"));
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["active"]);
    }
}
