//! Crash-safe file writes for vi, in pure Rust (no libtorch): whatever
//! stands under a final name is complete, and what an interrupted write
//! leaves behind has a name that says whose it is.
//!
//! - [`AtomicFile`] and [`write`]: a file is written under a temporary name
//!   beside its destination, flushed to disk, renamed over the destination,
//!   and the folder is flushed too, so that after a crash the destination
//!   holds either its old content or all of the new. A write that fails or
//!   is dropped unfinished removes its temporary file.
//! - [`temporary_sibling`], [`previous_sibling`] and [`leftovers`]: the names
//!   of what is in flight, `.<name>.tmp-<pid>` (being written) and
//!   `.<name>.old-<pid>` (a previous version moved aside), with the process
//!   id that made them, and the listing that finds them again.
//! - [`replace_symlink`], [`sync_folder`], [`remove_any`]: the other steps of
//!   replacing things on disk.
//!
//! Errors are [`Error`] values naming the operation and the path; nothing
//! prints.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("summary.json");
//! vi_fs::write(&path, b"{}\n")?;
//! assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
//! assert!(vi_fs::leftovers(dir.path())?.is_empty());
//! # Ok::<(), vi_fs::Error>(())
//! ```

#![deny(missing_docs)]

mod atomic_file;
mod error;
mod leftovers;
mod symlink;

pub use atomic_file::{AtomicFile, sync_folder, write};
pub use error::{Error, Operation, Result};
pub use leftovers::{
    Leftover, LeftoverKind, leftovers, previous_sibling, remove_any, temporary_sibling,
};
pub use symlink::replace_symlink;
