//! Crash-safe file writes for vi, in pure Rust (no libtorch): whatever
//! stands under a final name is complete, and what an interrupted write
//! leaves behind has a name that says whose it is.
//!
//! - [`AtomicFile`] and [`write()`]: a file is written under a temporary name
//!   beside its destination, flushed to disk, renamed over the destination,
//!   and the folder is flushed too, so that after a crash the destination
//!   holds either its old content or all of the new. A write that fails or
//!   is dropped unfinished removes its temporary file.
//! - [`temporary_sibling`], [`previous_sibling`] and [`leftovers`]: the names
//!   of what is in flight, `.<name>.tmp-<pid>` (being written) and
//!   `.<name>.old-<pid>` (a previous version moved aside), with the process
//!   id that made them, and the listing that finds them again.
//! - [`replace_symlink`], [`sync_folder`], [`remove_any`]: the other steps of
//!   replacing things on disk; [`check_name_length`] refuses a name whose
//!   temporary siblings would be too long before any work is done.
//! - [`RunLock`]: a lock file beside a target, held for a process's
//!   lifetime and naming it, so that a second process is refused at once;
//!   with it held, [`RunLock::remove_dead_leftovers`] cleans up what dead
//!   processes left, never what a live one is writing.
//! - [`console`]: [`outln!`] and [`errln!`], standard output and error that
//!   a closed pipe cannot stop (a failed write is remembered, not a panic).
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
pub mod console;
mod error;
mod leftovers;
mod lock;
mod symlink;

pub use atomic_file::{AtomicFile, sync_folder, write};
pub use console::{stderr_closed, stdout_closed};
pub use error::{Error, Operation, Result};
pub use leftovers::{
    Leftover, LeftoverKind, NAME_LIMIT, PATH_LIMIT, SIBLING_EXTRA, check_name_length, leftovers,
    previous_sibling, remove_any, temporary_sibling,
};
pub use lock::{Cleaned, Holder, LockError, RunLock, lock_path, process_alive};
pub use symlink::replace_symlink;
