//! Run locks: a process that writes a target (an output folder, a
//! checkpoint) holds `.<name>.lock` beside it, locked with the operating
//! system's advisory lock (`File::try_lock`) for as long as it writes. The
//! file names the holder — process id, command line, start time, host — so
//! that a second process is refused at once with a message saying who has
//! the target. The kernel releases the lock when its process ends, however
//! it ends, so a lock file left by a killed process is taken over, never
//! mistaken for a live run.
//!
//! Holding the lock is also what makes cleaning up safe:
//! [`RunLock::remove_dead_leftovers`] removes what earlier, dead processes
//! left beside the target (`.<name>.tmp-<pid>`, `.<name>.old-<pid>`),
//! because no other process that respects the lock can be writing them.

use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::{Error, Operation};
use crate::leftovers::{Leftover, LeftoverKind, leftovers, remove_any};

/// How many times [`RunLock::acquire`] reopens a lock file that its
/// previous holder removed between our opening and our locking it.
const ATTEMPTS: usize = 8;

/// The process that holds a lock, as its lock file records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Its process id.
    pub pid: u32,
    /// Its command line.
    pub command: String,
    /// When it took the lock, RFC 3339 in UTC (`2026-11-30T10:00:00Z`).
    pub started: String,
    /// The machine it runs on.
    pub host: String,
}

impl Holder {
    /// This process, running `command`, from now.
    pub fn this_process(command: &str) -> Self {
        Self {
            pid: std::process::id(),
            command: command.to_owned(),
            started: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            host: host_name(),
        }
    }

    /// The lock file's content: one `key=value` line per field.
    fn to_text(&self) -> String {
        let line = |text: &str| text.replace(['\n', '\r'], " ");
        format!(
            "pid={}\ncommand={}\nstarted={}\nhost={}\n",
            self.pid,
            line(&self.command),
            line(&self.started),
            line(&self.host)
        )
    }

    /// Reads a lock file's content; `None` if it names no process (empty:
    /// the holder has not written it yet).
    fn parse(text: &str) -> Option<Self> {
        let field = |key: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_owned)
        };
        Some(Self {
            pid: field("pid")?.parse().ok()?,
            command: field("command").unwrap_or_default(),
            started: field("started").unwrap_or_default(),
            host: field("host").unwrap_or_default(),
        })
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "process {}", self.pid)?;
        if !self.command.is_empty() {
            write!(f, " (`{}`)", self.command)?;
        }
        if !self.started.is_empty() {
            write!(f, ", started {}", self.started)?;
        }
        if !self.host.is_empty() {
            write!(f, " on {}", self.host)?;
        }
        Ok(())
    }
}

/// Why a lock was not taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "{} is in use by {}",
        target.display(),
        holder.as_ref().map_or_else(
            || "another process, which has not written its name yet".to_owned(),
            |holder| holder.to_string(),
        )
    )]
    Held {
        /// What the lock protects.
        target: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Who holds it, as the lock file says (`None` if it says nothing
        /// yet).
        holder: Option<Box<Holder>>,
    },
    /// The lock file could not be created, locked or written (a folder that
    /// does not exist or is not writable, a file system without locks).
    #[error(transparent)]
    Io(#[from] Error),
}

/// An exclusive claim on a target path for this process's lifetime (or
/// until dropped): `.<name>.lock` beside the target, locked and naming this
/// process. Dropping it removes the file and releases the lock; a process
/// that dies releases the lock too, and leaves a file that the next
/// [`acquire`](Self::acquire) takes over.
#[derive(Debug)]
pub struct RunLock {
    target: PathBuf,
    path: PathBuf,
    file: File,
    holder: Holder,
}

impl RunLock {
    /// Takes the lock of `target` (whose folder must exist) for this
    /// process, recording `command` as its command line.
    ///
    /// # Errors
    /// [`LockError::Held`] naming the holder if another process has it;
    /// [`LockError::Io`] ([`Operation::Lock`]) if the lock file cannot be
    /// created, locked or written.
    pub fn acquire(target: &Path, command: &str) -> Result<Self, LockError> {
        let path = lock_path(target);
        let fail = |error| LockError::Io(Error::new(Operation::Lock, target, error));
        for _ in 0..ATTEMPTS {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(fail)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    // A holder's name is best effort: unreadable, it is unknown.
                    let _ = file.read_to_string(&mut text);
                    return Err(LockError::Held {
                        target: target.to_path_buf(),
                        lock: path,
                        holder: Holder::parse(&text).map(Box::new),
                    });
                }
                Err(TryLockError::Error(error)) => return Err(fail(error)),
            }
            // The previous holder removes the file before it unlocks: if it
            // did so after we opened it, we hold a lock on a file without a
            // name, and must start again with the file now under the name.
            if !names_the_same_file(&file, &path) {
                continue;
            }
            let holder = Holder::this_process(command);
            file.set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| file.write_all(holder.to_text().as_bytes()))
                .and_then(|()| file.flush())
                .map_err(fail)?;
            return Ok(Self {
                target: target.to_path_buf(),
                path,
                file,
                holder,
            });
        }
        Err(fail(io::Error::other(
            "its lock file kept being replaced by other processes; try again",
        )))
    }

    /// The target it protects.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This process, as the lock file names it.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// Cleans up after dead processes beside `path` — the target, or a
    /// file that the caller writes only while it holds this lock: removes
    /// their `.<name>.tmp-<pid>` and `.<name>.old-<pid>`, except where
    /// `path` itself is missing and a `.old` holds its previous version,
    /// which is then put back. Entries whose process is still alive (on
    /// Linux, where that can be known) are left alone, as are those of
    /// other names. Returns what was removed or put back.
    ///
    /// # Errors
    /// [`Operation::List`], [`Operation::Remove`] or [`Operation::Rename`].
    pub fn remove_dead_leftovers(&self, path: &Path) -> Result<Vec<Cleaned>, Error> {
        let Some(name) = path.file_name().map(|name| name.to_string_lossy()) else {
            return Ok(Vec::new());
        };
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let own = std::process::id();
        let mut cleaned = Vec::new();
        for leftover in leftovers(folder)? {
            if leftover.name != name || (leftover.pid != own && process_alive(leftover.pid)) {
                continue;
            }
            let restore = leftover.kind == LeftoverKind::Previous
                && fs::symlink_metadata(path).is_err_and(|e| e.kind() == io::ErrorKind::NotFound);
            if restore {
                fs::rename(&leftover.path, path)
                    .map_err(|error| Error::new(Operation::Rename, path, error))?;
                cleaned.push(Cleaned::Restored(leftover));
            } else {
                remove_any(&leftover.path)?;
                cleaned.push(Cleaned::Removed(leftover));
            }
        }
        Ok(cleaned)
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // The name goes first, while the lock is still held (see acquire).
        if names_the_same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

/// What [`RunLock::remove_dead_leftovers`] did with a leftover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleaned {
    /// Removed: a temporary of a dead process, or a previous version whose
    /// replacement is in place.
    Removed(Leftover),
    /// A previous version put back under its name, which was missing (its
    /// process died between moving it aside and moving the new one in).
    Restored(Leftover),
}

impl fmt::Display for Cleaned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Removed(leftover) => write!(
                f,
                "removed {}, left by process {}, which has ended",
                leftover.path.display(),
                leftover.pid
            ),
            Self::Restored(leftover) => write!(
                f,
                "put {} back as {}: process {} moved it aside and ended before replacing it",
                leftover.path.display(),
                leftover.name,
                leftover.pid
            ),
        }
    }
}

/// `dir/name` → `dir/.name.lock`.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.lock"))
}

/// Whether process `pid` exists. Where that cannot be known (no `/proc`),
/// every process counts as alive, so nothing of it is removed.
pub fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Whether the open `file` is the one `path` names now.
#[cfg(unix)]
fn names_the_same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Whether the open `file` is the one `path` names now (without inode
/// numbers, whether the name still exists).
#[cfg(not(unix))]
fn names_the_same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// The host's name, or `unknown host`.
fn host_name() -> String {
    let from_kernel = fs::read_to_string("/proc/sys/kernel/hostname").ok();
    from_kernel
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    #[test]
    fn a_second_claim_is_refused_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("vae-mlp");
        let first = RunLock::acquire(&target, "vi vae-mlp --epochs 3").unwrap();
        assert_eq!(first.path(), dir.path().join(".vae-mlp.lock"));
        let text = fs::read_to_string(first.path()).unwrap();
        assert!(
            text.contains(&format!("pid={}", std::process::id())),
            "{text}"
        );

        // Advisory locks belong to open files: a second open in the same
        // process conflicts as another process's would.
        let error = RunLock::acquire(&target, "vi vae-mlp").unwrap_err();
        let LockError::Held { holder, .. } = &error else {
            panic!("expected Held, got {error}");
        };
        let holder = holder.as_ref().expect("the holder is named");
        assert_eq!(holder.pid, std::process::id());
        assert_eq!(holder.command, "vi vae-mlp --epochs 3");
        let message = error.to_string();
        assert!(
            message.contains("vae-mlp is in use by process"),
            "{message}"
        );
        assert!(message.contains("`vi vae-mlp --epochs 3`"), "{message}");

        drop(first);
        assert!(!dir.path().join(".vae-mlp.lock").exists());
        let again = RunLock::acquire(&target, "vi vae-mlp").unwrap();
        assert_eq!(again.holder().command, "vi vae-mlp");
    }

    /// A lock file whose process died (it names a pid, but nobody holds the
    /// lock) is taken over.
    #[test]
    fn a_stale_lock_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let stale = Holder {
            pid: 1,
            command: "vi linreg".into(),
            started: "2026-01-01T00:00:00Z".into(),
            host: "elsewhere".into(),
        };
        fs::write(lock_path(&target), stale.to_text()).unwrap();
        let lock = RunLock::acquire(&target, "vi linreg --seed 2").unwrap();
        let text = fs::read_to_string(lock.path()).unwrap();
        assert_eq!(Holder::parse(&text).as_ref(), Some(lock.holder()));
        assert!(!text.contains("elsewhere"), "{text}");
    }

    #[test]
    fn a_missing_folder_is_an_io_error_naming_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing").join("out");
        let error = RunLock::acquire(&target, "vi").unwrap_err();
        let LockError::Io(error) = error else {
            panic!("expected Io, got {error}");
        };
        assert_eq!(error.operation(), Operation::Lock);
        assert!(error.to_string().contains("missing"), "{error}");
    }

    #[test]
    fn holders_round_trip_through_the_lock_file() {
        let holder = Holder {
            pid: 42,
            command: "vi vae-mlp --out a\nb".into(),
            started: "2026-11-30T10:00:00Z".into(),
            host: "box".into(),
        };
        let parsed = Holder::parse(&holder.to_text()).unwrap();
        assert_eq!(parsed.command, "vi vae-mlp --out a b");
        assert_eq!(
            parsed.to_string(),
            "process 42 (`vi vae-mlp --out a b`), started 2026-11-30T10:00:00Z on box"
        );
        assert_eq!(Holder::parse(""), None);
    }

    /// The pid of a process that has ended (spawned, waited for).
    fn dead_pid() -> u32 {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_dead_processes_go_and_those_of_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("cvae");
        fs::create_dir(&target).unwrap();
        let mut live = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let dead = dead_pid();
        let names = [
            format!(".cvae.tmp-{dead}"),
            format!(".cvae.old-{dead}"),
            format!(".cvae.tmp-{}", live.id()),
            format!(".other.tmp-{dead}"),
        ];
        for name in &names {
            fs::create_dir(dir.path().join(name)).unwrap();
        }
        let lock = RunLock::acquire(&target, "vi cvae").unwrap();
        let cleaned = lock.remove_dead_leftovers(&target).unwrap();
        live.kill().unwrap();
        live.wait().unwrap();

        assert_eq!(cleaned.len(), 2, "{cleaned:?}");
        assert!(cleaned.iter().all(|c| matches!(c, Cleaned::Removed(_))));
        assert!(!dir.path().join(&names[0]).exists());
        assert!(!dir.path().join(&names[1]).exists());
        assert!(dir.path().join(&names[2]).exists(), "a live run's folder");
        assert!(dir.path().join(&names[3]).exists(), "another target's");
    }

    /// Killed between moving the previous folder aside and moving the new
    /// one in: the previous version is put back, not deleted.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_previous_version_without_a_replacement_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("vae-conv");
        let old = dir.path().join(format!(".vae-conv.old-{}", dead_pid()));
        fs::create_dir(&old).unwrap();
        fs::write(old.join("summary.json"), "{}").unwrap();
        let lock = RunLock::acquire(&target, "vi vae-conv").unwrap();
        let cleaned = lock.remove_dead_leftovers(&target).unwrap();
        assert!(
            matches!(cleaned.as_slice(), [Cleaned::Restored(_)]),
            "{cleaned:?}"
        );
        assert!(cleaned[0].to_string().contains("put"), "{}", cleaned[0]);
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "{}"
        );
        assert!(!old.exists());
    }

    #[test]
    fn this_process_is_alive() {
        assert!(process_alive(std::process::id()));
    }
}
