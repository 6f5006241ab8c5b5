//! Who may write a target: a run claims each path it will write — its
//! output folder, its checkpoint — before it does any work, and holds the
//! claim for its lifetime. A claim checks that the names the run derives
//! from the path fit the file system, creates the folder that holds it,
//! takes vi-fs's lock beside it (a second run is refused at once, told who
//! holds it), then removes what dead runs left beside it — never what a
//! live run is writing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use vi_fs::{LockError, RunLock, errln};

/// The command line of this process, for the lock file.
pub fn command_line() -> String {
    let words: Vec<String> = std::env::args_os()
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    let program = words
        .first()
        .and_then(|program| Path::new(program).file_name())
        .map_or_else(
            || "vi".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
    std::iter::once(program)
        .chain(words.into_iter().skip(1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The folder that holds `path` (`.` for a bare name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Claims `target` (named by `flag` in messages) for this process: checks
/// its name and those of `companions` (files written beside it under the
/// same claim), creates its folder, locks it, and removes dead runs'
/// leftovers of the target and the companions.
///
/// # Errors
/// A name too long with the temporary suffix; a folder that cannot be
/// created; the lock held by another run (named, with what to do); a lock
/// file that cannot be written.
pub fn claim(target: &Path, flag: &str, companions: &[PathBuf]) -> Result<RunLock> {
    for path in std::iter::once(target).chain(companions.iter().map(PathBuf::as_path)) {
        vi_fs::check_name_length(path).with_context(|| format!("{flag} {}", target.display()))?;
    }
    let folder = folder_of(target);
    fs::create_dir_all(&folder).with_context(|| {
        format!(
            "cannot create {}, the folder that is to hold {flag} {}",
            folder.display(),
            target.display()
        )
    })?;
    let lock = match RunLock::acquire(target, &command_line()) {
        Ok(lock) => lock,
        Err(error @ LockError::Held { .. }) => bail!(
            "{error}; two runs must not write the same {flag}: wait for that one to finish \
             (or stop it), or give this one another {flag}"
        ),
        Err(error) => {
            return Err(error).with_context(|| {
                format!(
                    "cannot write beside {flag} {} (the lock file {} cannot be written)",
                    target.display(),
                    vi_fs::lock_path(target).display()
                )
            });
        }
    };
    for path in std::iter::once(target).chain(companions.iter().map(PathBuf::as_path)) {
        let cleaned = lock
            .remove_dead_leftovers(path)
            .context("cannot clean up after an interrupted run")?;
        for action in cleaned {
            errln!("note: {action}");
        }
    }
    Ok(lock)
}
