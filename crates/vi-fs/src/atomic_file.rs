//! Atomic replacement of one file: write a temporary sibling, flush it to
//! disk, rename it over the destination, flush the folder.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Operation, Result};
use crate::leftovers::temporary_sibling;

/// A file written under a temporary name beside its destination
/// (`.<name>.tmp-<pid>`, see [`temporary_sibling`]) that takes the
/// destination's name only when [`commit`](Self::commit) succeeds.
///
/// Dropped without a successful commit — an error while writing, a failed
/// check of the content, a panic — it removes its temporary file, and the
/// destination keeps its old content. Writes are buffered. The temporary
/// name is per process, so one process writes a given destination through
/// one `AtomicFile` at a time.
///
/// ```
/// use std::io::Write;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("data.csv");
/// let mut file = vi_fs::AtomicFile::create(&path)?;
/// writeln!(file, "epoch,loss").unwrap();
/// assert!(!path.exists()); // nothing under the final name yet
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "epoch,loss\n");
/// # Ok::<(), vi_fs::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    destination: PathBuf,
    temporary: PathBuf,
    /// `None` once committed.
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file for `destination`, whose folder must
    /// exist; a leftover temporary of the same process is replaced.
    ///
    /// # Errors
    /// [`Operation::Create`] if the temporary file cannot be created.
    pub fn create(destination: impl AsRef<Path>) -> Result<Self> {
        let destination = destination.as_ref().to_path_buf();
        let temporary = temporary_sibling(&destination);
        let file = File::create(&temporary)
            .map_err(|source| Error::new(Operation::Create, &destination, source))?;
        Ok(Self {
            destination,
            temporary,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The final name.
    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// The temporary name the content is written under until the commit.
    pub fn temporary(&self) -> &Path {
        &self.temporary
    }

    /// Flushes the content to disk, renames the temporary file over the
    /// destination and flushes the folder. On error the temporary file is
    /// removed and the destination is as it was.
    ///
    /// # Errors
    /// [`Operation::Write`], [`Operation::SyncFile`], [`Operation::Rename`]
    /// or [`Operation::SyncFolder`], naming the destination.
    pub fn commit(mut self) -> Result<()> {
        let fail = |operation| {
            let destination = &self.destination;
            move |source| Error::new(operation, destination, source)
        };
        let writer = self
            .writer
            .take()
            .ok_or_else(|| io::Error::other("already committed"))
            .map_err(fail(Operation::Write))?;
        let file = writer
            .into_inner()
            .map_err(|error| error.into_error())
            .map_err(fail(Operation::Write))?;
        let outcome = file
            .sync_all()
            .map_err(fail(Operation::SyncFile))
            .and_then(|()| {
                drop(file);
                fs::rename(&self.temporary, &self.destination).map_err(fail(Operation::Rename))
            });
        if outcome.is_err() {
            let _ = fs::remove_file(&self.temporary);
        }
        outcome?;
        sync_folder(&self.destination)
    }

    fn writer_mut(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("the file is already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer_mut()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer_mut()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer_mut()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (commit takes the writer): the content is unfinished.
        if let Some(writer) = self.writer.take() {
            drop(writer);
            let _ = fs::remove_file(&self.temporary);
        }
    }
}

/// Writes `bytes` to `destination` atomically ([`AtomicFile`]): the file
/// holds either its old content or all of `bytes`, even after a crash.
///
/// # Errors
/// As [`AtomicFile::create`] and [`AtomicFile::commit`];
/// [`Operation::Write`] if the content cannot be written.
pub fn write(destination: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(destination)?;
    file.write_all(bytes)
        .map_err(|source| Error::new(Operation::Write, &file.destination, source))?;
    file.commit()
}

/// Flushes the folder that holds `path` to disk, so that a rename or
/// creation in it survives a crash. Where the platform cannot open folders
/// for that (not Unix) or the file system does not support it, this does
/// nothing.
///
/// # Errors
/// [`Operation::SyncFolder`] if the folder cannot be opened or flushed.
pub fn sync_folder(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let synced = File::open(folder).and_then(|folder| folder.sync_all());
        match synced {
            Err(error)
                if !matches!(
                    error.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                return Err(Error::new(Operation::SyncFolder, path, error));
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_replaces_the_content_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn an_uncommitted_file_is_removed_and_the_old_content_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half of the new").unwrap();
        file.flush().unwrap();
        assert!(file.temporary().exists());
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty folder under the final name makes the rename fail.
        let target = dir.path().join("fig.png");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        let error = write(&target, b"png").unwrap_err();
        assert_eq!(error.operation(), Operation::Rename);
        assert_eq!(error.path(), target);
        assert!(error.to_string().contains("fig.png"), "{error}");
        assert_eq!(names(dir.path()), ["fig.png"]);
        assert!(target.join("keep").exists());
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("a.txt");
        let error = write(&path, b"x").unwrap_err();
        assert_eq!(error.operation(), Operation::Create);
        assert_eq!(error.io_error().kind(), io::ErrorKind::NotFound);
        assert!(error.to_string().contains("missing"), "{error}");
    }
}
