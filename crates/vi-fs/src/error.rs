//! The crate's error: which step of a write failed, on which path, and the
//! operating system's reason.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A step of writing, replacing or cleaning up files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Creating the temporary file beside the destination.
    Create,
    /// Writing the content.
    Write,
    /// Flushing the file to disk.
    SyncFile,
    /// Renaming the temporary file or link over the destination.
    Rename,
    /// Flushing the folder, which makes the rename durable.
    SyncFolder,
    /// Creating a symbolic link.
    Link,
    /// Listing a folder.
    List,
    /// Removing a file or folder.
    Remove,
    /// Creating, locking or writing a run's lock file.
    Lock,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Create => "create a temporary file beside",
            Self::Write => "write",
            Self::SyncFile => "flush to disk",
            Self::Rename => "move the finished file into place as",
            Self::SyncFolder => "flush the folder of",
            Self::Link => "create a temporary link beside",
            Self::List => "list the folder",
            Self::Remove => "remove",
            Self::Lock => "lock",
        })
    }
}

/// Why a write, replacement or cleanup failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot {operation} {}: {source}", path.display())]
pub struct Error {
    operation: Operation,
    path: PathBuf,
    #[source]
    source: io::Error,
}

impl Error {
    pub(crate) fn new(operation: Operation, path: &Path, source: io::Error) -> Self {
        Self {
            operation,
            path: path.to_path_buf(),
            source,
        }
    }

    /// The step that failed.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The path the caller named (the destination of a write, the folder
    /// of a listing).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The operating system's error.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
